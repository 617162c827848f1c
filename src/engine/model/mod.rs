//! Typed Kubernetes objects. `Kind` names every kind the simulation knows; `Object` holds any of
//! them; `Resource` gives typed access to one kind's objects in the store.

pub mod codec;
pub mod core;
pub mod meta;
pub mod node;
pub mod pod;
pub mod quantity;
pub mod storage;
pub mod workloads;

pub use self::core::*;
pub use meta::*;
pub use node::*;
pub use pod::*;
pub use storage::*;
pub use workloads::*;

use serde::Serialize;

/// Static facts about one kind: its API group/version, REST names, and kubectl short names.
#[derive(Clone, Copy, Debug)]
pub struct KindInfo {
    pub kind: Kind,
    pub name: &'static str,
    pub group: &'static str,
    pub version: &'static str,
    pub plural: &'static str,
    pub singular: &'static str,
    pub short_names: &'static [&'static str],
    pub namespaced: bool,
}

impl KindInfo {
    /// `apps/v1` or `v1`.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_string()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }
    /// `statefulsets.apps`, `pods`: the resource name kubectl uses in messages.
    pub fn resource_group(&self) -> String {
        if self.group.is_empty() {
            self.plural.to_string()
        } else {
            format!("{}.{}", self.plural, self.group)
        }
    }
    /// `statefulset.apps`, `pod`: the prefix of `kubectl apply` lines (`statefulset.apps/web created`).
    pub fn singular_group(&self) -> String {
        if self.group.is_empty() {
            self.singular.to_string()
        } else {
            format!("{}.{}", self.singular, self.group)
        }
    }
}

macro_rules! kinds {
    ($( $variant:ident : $ty:ty = $name:literal, $group:literal, $version:literal, $plural:literal, $singular:literal, [$($short:literal),*], $namespaced:literal ;)*) => {
        /// Every kind the simulation stores. Order is kubectl's `get all` / listing order.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Kind { $($variant),* }

        impl Kind {
            pub const ALL: &'static [Kind] = &[$(Kind::$variant),*];
            pub fn info(self) -> &'static KindInfo {
                match self {
                    $(Kind::$variant => &KindInfo {
                        kind: Kind::$variant, name: $name, group: $group, version: $version,
                        plural: $plural, singular: $singular, short_names: &[$($short),*],
                        namespaced: $namespaced,
                    },)*
                }
            }
        }

        /// One stored object of any kind.
        #[derive(Clone, Debug, PartialEq)]
        pub enum Object { $($variant($ty)),* }

        impl Object {
            pub fn kind(&self) -> Kind {
                match self { $(Object::$variant(_) => Kind::$variant),* }
            }
            pub fn meta(&self) -> &ObjectMeta {
                match self { $(Object::$variant(o) => &o.metadata),* }
            }
            pub fn meta_mut(&mut self) -> &mut ObjectMeta {
                match self { $(Object::$variant(o) => &mut o.metadata),* }
            }
            /// The object as JSON, with apiVersion and kind filled in.
            pub fn to_json(&self) -> serde_json::Value {
                let mut v = match self { $(Object::$variant(o) => codec::Codec::encode(o)),* };
                if let Some(map) = v.as_object_mut() {
                    let info = self.kind().info();
                    map.insert("apiVersion".into(), info.api_version().into());
                    map.insert("kind".into(), info.name.into());
                }
                v
            }
        }

        $(
            impl Resource for $ty {
                const KIND: Kind = Kind::$variant;
                fn meta(&self) -> &ObjectMeta { &self.metadata }
                fn meta_mut(&mut self) -> &mut ObjectMeta { &mut self.metadata }
                fn from_object(o: &Object) -> Option<&Self> {
                    match o { Object::$variant(x) => Some(x), _ => None }
                }
                fn from_object_mut(o: &mut Object) -> Option<&mut Self> {
                    match o { Object::$variant(x) => Some(x), _ => None }
                }
                fn into_object(self) -> Object { Object::$variant(self) }
            }
        )*
    };
}

/// Typed access to one kind's objects.
pub trait Resource: Clone + Serialize + 'static {
    const KIND: Kind;
    fn meta(&self) -> &ObjectMeta;
    fn meta_mut(&mut self) -> &mut ObjectMeta;
    fn from_object(o: &Object) -> Option<&Self>;
    fn from_object_mut(o: &mut Object) -> Option<&mut Self>;
    fn into_object(self) -> Object;
}

kinds! {
    Namespace: Namespace = "Namespace", "", "v1", "namespaces", "namespace", ["ns"], false;
    Node: Node = "Node", "", "v1", "nodes", "node", ["no"], false;
    Pod: Pod = "Pod", "", "v1", "pods", "pod", ["po"], true;
    Service: Service = "Service", "", "v1", "services", "service", ["svc"], true;
    Endpoints: Endpoints = "Endpoints", "", "v1", "endpoints", "endpoints", ["ep"], true;
    EndpointSlice: EndpointSlice = "EndpointSlice", "discovery.k8s.io", "v1", "endpointslices", "endpointslice", [], true;
    ConfigMap: ConfigMap = "ConfigMap", "", "v1", "configmaps", "configmap", ["cm"], true;
    Secret: Secret = "Secret", "", "v1", "secrets", "secret", [], true;
    PersistentVolumeClaim: PersistentVolumeClaim = "PersistentVolumeClaim", "", "v1", "persistentvolumeclaims", "persistentvolumeclaim", ["pvc"], true;
    PersistentVolume: PersistentVolume = "PersistentVolume", "", "v1", "persistentvolumes", "persistentvolume", ["pv"], false;
    Event: Event = "Event", "", "v1", "events", "event", ["ev"], true;
    DaemonSet: DaemonSet = "DaemonSet", "apps", "v1", "daemonsets", "daemonset", ["ds"], true;
    Deployment: Deployment = "Deployment", "apps", "v1", "deployments", "deployment", ["deploy"], true;
    ReplicaSet: ReplicaSet = "ReplicaSet", "apps", "v1", "replicasets", "replicaset", ["rs"], true;
    StatefulSet: StatefulSet = "StatefulSet", "apps", "v1", "statefulsets", "statefulset", ["sts"], true;
    ControllerRevision: ControllerRevision = "ControllerRevision", "apps", "v1", "controllerrevisions", "controllerrevision", [], true;
    PodDisruptionBudget: PodDisruptionBudget = "PodDisruptionBudget", "policy", "v1", "poddisruptionbudgets", "poddisruptionbudget", ["pdb"], true;
    StorageClass: StorageClass = "StorageClass", "storage.k8s.io", "v1", "storageclasses", "storageclass", ["sc"], false;
}

impl Kind {
    /// Finds a kind by any name kubectl accepts: `pods`, `pod`, `po`, `Pod`, `statefulsets.apps`.
    pub fn lookup(name: &str) -> Option<Kind> {
        let lower = name.to_ascii_lowercase();
        let (base, group) = match lower.split_once('.') {
            Some((b, g)) => (b.to_string(), Some(g.to_string())),
            None => (lower.clone(), None),
        };
        Kind::ALL.iter().copied().find(|k| {
            let i = k.info();
            let name_ok = i.plural == base
                || i.singular == base
                || i.name.eq_ignore_ascii_case(&base)
                || i.short_names.contains(&base.as_str());
            let group_ok = match &group {
                None => true,
                Some(g) => {
                    g == i.group
                        || g == &format!("{}.{}", i.version, i.group)
                        || (i.group.is_empty() && g == i.version)
                }
            };
            name_ok && group_ok
        })
    }
    /// Finds a kind from a manifest's apiVersion and kind.
    pub fn from_api(api_version: &str, kind: &str) -> Option<Kind> {
        Kind::ALL
            .iter()
            .copied()
            .find(|k| k.info().name == kind && k.info().api_version() == api_version)
    }
    pub fn from_kind_name(kind: &str) -> Option<Kind> {
        Kind::ALL.iter().copied().find(|k| k.info().name == kind)
    }
}
