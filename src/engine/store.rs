//! The typed object store: every object by (kind, namespace, name), with the resourceVersion
//! counter, indexes by uid / owner / node, and a bounded log of changes for watches.
//! Only `apply` (and cluster bootstrap) writes here; everything else reads.

use super::model::{Kind, Object, Pod, Resource};
use super::time::SimTime;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// Identifies one object. Cluster-scoped kinds use an empty namespace.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjectKey {
    pub kind: Kind,
    pub namespace: String,
    pub name: String,
}

impl ObjectKey {
    pub fn new(kind: Kind, namespace: &str, name: &str) -> Self {
        let namespace = if kind.info().namespaced {
            namespace.to_string()
        } else {
            String::new()
        };
        ObjectKey {
            kind,
            namespace,
            name: name.to_string(),
        }
    }
    pub fn of(obj: &Object) -> Self {
        ObjectKey::new(obj.kind(), &obj.meta().namespace, &obj.meta().name)
    }
    /// `statefulset/web` style, for messages.
    pub fn short(&self) -> String {
        format!("{}/{}", self.kind.info().singular, self.name)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeType {
    Added,
    Modified,
    Deleted,
}

/// One entry of the watch log: what changed, when, and the object as it was right after.
#[derive(Clone, Debug)]
pub struct Change {
    pub resource_version: u64,
    pub time: SimTime,
    pub change: ChangeType,
    pub object: Object,
}

/// How many changes the watch log keeps; a watcher further behind restarts from a list.
pub const CHANGE_LOG_CAPACITY: usize = 20_000;

#[derive(Clone, Debug, Default)]
pub struct Store {
    objects: BTreeMap<Kind, BTreeMap<(String, String), Object>>,
    resource_version: u64,
    by_uid: BTreeMap<String, ObjectKey>,
    owned: BTreeMap<String, BTreeSet<ObjectKey>>,
    pods_by_node: BTreeMap<String, BTreeSet<(String, String)>>,
    /// Pods no node has taken yet (and not being deleted): what the scheduler retries.
    unbound_pods: BTreeSet<(String, String)>,
    /// The subsets of `unbound_pods` that use claims or have pod affinity: storage and pod
    /// placement events retry only those, so a bind costs O(1) however many pods wait.
    unbound_with_claims: BTreeSet<(String, String)>,
    unbound_with_affinity: BTreeSet<(String, String)>,
    /// Bound pods that carry required pod anti-affinity terms (they constrain every newcomer).
    anti_affinity_pods: BTreeSet<(String, String)>,
    changes: VecDeque<Change>,
}

impl Store {
    pub fn resource_version(&self) -> u64 {
        self.resource_version
    }

    pub fn get_obj(&self, key: &ObjectKey) -> Option<&Object> {
        self.objects
            .get(&key.kind)?
            .get(&(key.namespace.clone(), key.name.clone()))
    }

    pub fn get<R: Resource>(&self, namespace: &str, name: &str) -> Option<&R> {
        let ns = if R::KIND.info().namespaced {
            namespace
        } else {
            ""
        };
        self.objects
            .get(&R::KIND)?
            .get(&(ns.to_string(), name.to_string()))
            .and_then(R::from_object)
    }

    pub fn contains(&self, key: &ObjectKey) -> bool {
        self.get_obj(key).is_some()
    }

    /// All objects of a kind, ordered by (namespace, name).
    pub fn list_kind(&self, kind: Kind) -> impl Iterator<Item = &Object> {
        self.objects.get(&kind).into_iter().flat_map(|m| m.values())
    }

    pub fn list<R: Resource>(&self) -> impl Iterator<Item = &R> {
        self.list_kind(R::KIND).filter_map(R::from_object)
    }

    pub fn list_in<'a, R: Resource>(&'a self, namespace: &str) -> impl Iterator<Item = &'a R> + 'a {
        let namespace = namespace.to_string();
        let start = (namespace.clone(), String::new());
        self.objects
            .get(&R::KIND)
            .into_iter()
            .flat_map(move |m| m.range(start.clone()..))
            .take_while(move |((ns, _), _)| *ns == namespace)
            .filter_map(|(_, o)| R::from_object(o))
    }

    /// Objects of a kind in `namespace` whose names start with `prefix`, in name order. Costs
    /// what it returns: events about pod `web` are named `web.<hex>`, so the kubelet reads a
    /// pod's events with the prefix `web.` instead of every event in the namespace.
    pub fn list_prefixed<'a, R: Resource>(
        &'a self,
        namespace: &str,
        prefix: &str,
    ) -> impl Iterator<Item = &'a R> + 'a {
        let namespace = namespace.to_string();
        let prefix = prefix.to_string();
        let start = (namespace.clone(), prefix.clone());
        self.objects
            .get(&R::KIND)
            .into_iter()
            .flat_map(move |m| m.range(start.clone()..))
            .take_while(move |((ns, name), _)| *ns == namespace && name.starts_with(&prefix))
            .filter_map(|(_, o)| R::from_object(o))
    }

    pub fn count(&self, kind: Kind) -> usize {
        self.objects.get(&kind).map_or(0, |m| m.len())
    }

    pub fn key_of_uid(&self, uid: &str) -> Option<&ObjectKey> {
        self.by_uid.get(uid)
    }

    /// Objects whose ownerReferences name `owner_uid`.
    pub fn owned_by(&self, owner_uid: &str) -> impl Iterator<Item = &ObjectKey> {
        self.owned.get(owner_uid).into_iter().flatten()
    }

    /// Pods bound to `node`, in (namespace, name) order. Costs what it returns, not the store.
    pub fn pods_on_node<'a>(&'a self, node: &str) -> impl Iterator<Item = &'a Pod> + 'a {
        self.pods_by_node
            .get(node)
            .into_iter()
            .flatten()
            .filter_map(move |(ns, name)| self.get::<Pod>(ns, name))
    }

    /// Unbound pods not being deleted, in (namespace, name) order. Costs what it returns.
    pub fn unbound_pods(&self) -> impl Iterator<Item = &Pod> {
        self.unbound_pods
            .iter()
            .filter_map(move |(ns, name)| self.get::<Pod>(ns, name))
    }

    /// Unbound pods that mount PersistentVolumeClaims.
    pub fn unbound_pods_with_claims(&self) -> impl Iterator<Item = &Pod> {
        self.unbound_with_claims
            .iter()
            .filter_map(move |(ns, name)| self.get::<Pod>(ns, name))
    }

    /// Unbound pods with pod affinity terms.
    pub fn unbound_pods_with_affinity(&self) -> impl Iterator<Item = &Pod> {
        self.unbound_with_affinity
            .iter()
            .filter_map(move |(ns, name)| self.get::<Pod>(ns, name))
    }

    /// Whether any bound pod has pod anti-affinity (the scheduler then checks every newcomer).
    pub fn has_bound_anti_affinity_pods(&self) -> bool {
        !self.anti_affinity_pods.is_empty()
    }

    /// Inserts or replaces an object, assigning the next resourceVersion. Returns the previous
    /// version of the object, if there was one.
    pub fn put(&mut self, mut obj: Object, now: SimTime) -> Option<Object> {
        self.resource_version += 1;
        obj.meta_mut().resource_version = self.resource_version.to_string();
        let key = ObjectKey::of(&obj);
        let previous = self
            .objects
            .entry(key.kind)
            .or_default()
            .insert((key.namespace.clone(), key.name.clone()), obj.clone());
        if let Some(prev) = &previous {
            self.unindex(&key, prev);
        }
        self.index(&key, &obj);
        let change = if previous.is_some() {
            ChangeType::Modified
        } else {
            ChangeType::Added
        };
        self.log(change, obj, now);
        previous
    }

    /// Removes an object for good (after finalizers and grace periods are done).
    pub fn remove(&mut self, key: &ObjectKey, now: SimTime) -> Option<Object> {
        let obj = self
            .objects
            .get_mut(&key.kind)?
            .remove(&(key.namespace.clone(), key.name.clone()))?;
        self.unindex(key, &obj);
        self.resource_version += 1;
        let mut logged = obj.clone();
        logged.meta_mut().resource_version = self.resource_version.to_string();
        self.log(ChangeType::Deleted, logged, now);
        Some(obj)
    }

    /// Changes after `resource_version`, oldest first; `None` when the log no longer reaches back
    /// that far (the watcher must re-list, as with a real "too old resource version").
    pub fn changes_since(&self, resource_version: u64) -> Option<impl Iterator<Item = &Change>> {
        if let Some(first) = self.changes.front() {
            if first.resource_version > resource_version + 1
                && resource_version < self.resource_version
            {
                return None;
            }
        }
        Some(
            self.changes
                .iter()
                .filter(move |c| c.resource_version > resource_version),
        )
    }

    fn log(&mut self, change: ChangeType, object: Object, time: SimTime) {
        if object.kind() == Kind::Event {
            // Events are not watched by the views we render; keeping them out keeps the log useful.
            return;
        }
        if self.changes.len() == CHANGE_LOG_CAPACITY {
            self.changes.pop_front();
        }
        self.changes.push_back(Change {
            resource_version: self.resource_version,
            time,
            change,
            object,
        });
    }

    fn index(&mut self, key: &ObjectKey, obj: &Object) {
        let meta = obj.meta();
        if !meta.uid.is_empty() {
            self.by_uid.insert(meta.uid.clone(), key.clone());
        }
        for r in &meta.owner_references {
            self.owned
                .entry(r.uid.clone())
                .or_default()
                .insert(key.clone());
        }
        if let Object::Pod(p) = obj {
            let id = (key.namespace.clone(), key.name.clone());
            if let Some(node) = p.node_name() {
                self.pods_by_node
                    .entry(node.to_string())
                    .or_default()
                    .insert(id.clone());
                if p.spec
                    .affinity
                    .as_ref()
                    .is_some_and(|a| a.pod_anti_affinity.is_some())
                {
                    self.anti_affinity_pods.insert(id);
                }
            } else if p.metadata.deletion_timestamp.is_none() {
                if p.spec
                    .volumes
                    .iter()
                    .any(|v| v.persistent_volume_claim.is_some())
                {
                    self.unbound_with_claims.insert(id.clone());
                }
                if p.spec
                    .affinity
                    .as_ref()
                    .is_some_and(|a| a.pod_affinity.is_some())
                {
                    self.unbound_with_affinity.insert(id.clone());
                }
                self.unbound_pods.insert(id);
            }
        }
    }

    fn unindex(&mut self, key: &ObjectKey, obj: &Object) {
        let meta = obj.meta();
        if !meta.uid.is_empty() && self.by_uid.get(&meta.uid) == Some(key) {
            self.by_uid.remove(&meta.uid);
        }
        for r in &meta.owner_references {
            if let Some(set) = self.owned.get_mut(&r.uid) {
                set.remove(key);
                if set.is_empty() {
                    self.owned.remove(&r.uid);
                }
            }
        }
        if let Object::Pod(p) = obj {
            let id = (key.namespace.clone(), key.name.clone());
            self.unbound_pods.remove(&id);
            self.unbound_with_claims.remove(&id);
            self.unbound_with_affinity.remove(&id);
            self.anti_affinity_pods.remove(&id);
            if let Some(node) = p.node_name() {
                if let Some(set) = self.pods_by_node.get_mut(node) {
                    set.remove(&(key.namespace.clone(), key.name.clone()));
                    if set.is_empty() {
                        self.pods_by_node.remove(node);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::model::{ObjectMeta, OwnerReference};

    fn pod(name: &str, node: Option<&str>, owner: Option<&str>) -> Object {
        let mut p = Pod {
            metadata: ObjectMeta::named("default", name),
            ..Default::default()
        };
        p.metadata.uid = format!("uid-{name}");
        p.spec.node_name = node.map(str::to_string);
        if let Some(o) = owner {
            p.metadata.owner_references.push(OwnerReference {
                uid: o.into(),
                ..Default::default()
            });
        }
        Object::Pod(p)
    }

    #[test]
    fn put_assigns_increasing_resource_versions_and_logs_changes() {
        let mut s = Store::default();
        s.put(pod("a", None, None), SimTime(0));
        s.put(pod("a", Some("n1"), None), SimTime(5));
        let a = s.get::<Pod>("default", "a").unwrap();
        assert_eq!(a.metadata.resource_version, "2");
        let kinds: Vec<ChangeType> = s.changes_since(0).unwrap().map(|c| c.change).collect();
        assert_eq!(kinds, vec![ChangeType::Added, ChangeType::Modified]);
    }

    #[test]
    fn node_and_owner_indexes_follow_updates_and_removal() {
        let mut s = Store::default();
        s.put(pod("a", Some("n1"), Some("rs1")), SimTime(0));
        s.put(pod("b", Some("n1"), Some("rs1")), SimTime(0));
        assert_eq!(s.pods_on_node("n1").count(), 2);
        s.put(pod("a", Some("n2"), Some("rs1")), SimTime(0));
        assert_eq!(s.pods_on_node("n1").count(), 1);
        assert_eq!(s.pods_on_node("n2").count(), 1);
        s.remove(&ObjectKey::new(Kind::Pod, "default", "b"), SimTime(1));
        assert_eq!(s.pods_on_node("n1").count(), 0);
        assert_eq!(s.owned_by("rs1").count(), 1);
        assert_eq!(s.key_of_uid("uid-b"), None);
    }

    #[test]
    fn namespaced_listing_stays_inside_the_namespace() {
        let mut s = Store::default();
        s.put(pod("a", None, None), SimTime(0));
        let mut other = pod("z", None, None);
        other.meta_mut().namespace = "kube-system".into();
        s.put(other, SimTime(0));
        assert_eq!(s.list_in::<Pod>("default").count(), 1);
        assert_eq!(s.list_in::<Pod>("kube-system").count(), 1);
        assert_eq!(s.list::<Pod>().count(), 2);
    }
}
