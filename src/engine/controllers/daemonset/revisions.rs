//! ControllerRevisions `<ds>-<hash>`: one per distinct template, the current one carrying the
//! highest revision number (`constructHistory`, `snapshot`, `cleanupHistory` in update.go).

use super::pods::REVISION_HASH_LABEL;
use crate::engine::action::{Action, Propagation};
use crate::engine::controllers::controller_utils::{compute_hash, controller_ref};
use crate::engine::model::codec::Codec;
use crate::engine::model::{ControllerRevision, DaemonSet, Kind, Object, ObjectMeta, Pod};
use crate::engine::store::{ObjectKey, Store};
use serde_json::{json, Value};

/// The history as the sync sees it: the current revision's hash and number, the old ones.
pub struct History<'a> {
    pub hash: String,
    pub revision: i64,
    pub old: Vec<&'a ControllerRevision>,
}

/// `getPatch`: the template as a strategic-merge patch that replaces it wholesale.
fn patch_of(ds: &DaemonSet) -> Value {
    let mut template = Codec::encode(&ds.spec.template);
    if let Some(map) = template.as_object_mut() {
        map.insert("$patch".into(), Value::String("replace".into()));
    }
    json!({ "spec": { "template": template } })
}

/// Revisions this DaemonSet controls, adopting orphans its selector matches.
fn controlled<'a>(
    store: &'a Store,
    ds: &DaemonSet,
    actions: &mut Vec<Action>,
) -> Vec<&'a ControllerRevision> {
    let mut list = Vec::new();
    for key in store.owned_by(&ds.metadata.uid) {
        if key.kind != Kind::ControllerRevision {
            continue;
        }
        if let Some(cr) = store.get::<ControllerRevision>(&key.namespace, &key.name) {
            if cr
                .metadata
                .controller_ref()
                .is_some_and(|r| r.uid == ds.metadata.uid)
            {
                list.push(cr);
            }
        }
    }
    let Some(selector) = ds.spec.selector.as_ref().filter(|s| !s.is_empty()) else {
        return list;
    };
    for cr in store.list_in::<ControllerRevision>(&ds.metadata.namespace) {
        if cr.metadata.controller_ref().is_none()
            && !cr.metadata.is_terminating()
            && selector.matches(cr.metadata.labels())
        {
            let mut adopted = cr.clone();
            adopted
                .metadata
                .owner_references
                .push(controller_ref(Kind::DaemonSet, &ds.metadata));
            actions.push(Action::Update(Object::ControllerRevision(adopted)));
            list.push(cr);
        }
    }
    list
}

/// Finds or creates the current revision and renumbers it when an old template came back.
pub fn construct_history<'a>(
    store: &'a Store,
    ds: &DaemonSet,
    actions: &mut Vec<Action>,
) -> History<'a> {
    let patch = patch_of(ds);
    let mut current: Vec<&ControllerRevision> = Vec::new();
    let mut old = Vec::new();
    for cr in controlled(store, ds, actions) {
        if cr.data == patch {
            current.push(cr);
        } else {
            old.push(cr);
        }
    }
    let next = old.iter().map(|c| c.revision).max().unwrap_or(0) + 1;
    // Several identical revisions can only come from adoption; keep the highest.
    crate::engine::stable_sort::sort_by_key(&mut current, |c| c.revision);
    if let Some(cur) = current.last() {
        let hash = cur
            .metadata
            .labels()
            .get(REVISION_HASH_LABEL)
            .cloned()
            .unwrap_or_else(|| compute_hash(&ds.spec.template, ds.status.collision_count));
        for dup in &current[..current.len() - 1] {
            actions.push(delete(dup));
        }
        let mut revision = cur.revision;
        if cur.revision < next {
            let mut renumbered = (*cur).clone();
            renumbered.revision = next;
            revision = next;
            actions.push(Action::Update(Object::ControllerRevision(renumbered)));
        }
        return History {
            hash,
            revision,
            old,
        };
    }
    let hash = compute_hash(&ds.spec.template, ds.status.collision_count);
    let name = format!("{}-{}", ds.metadata.name, hash);
    let mut meta = ObjectMeta::named(&ds.metadata.namespace, &name);
    meta.labels = Some(ds.spec.template.metadata.labels().clone());
    meta.labels_mut()
        .insert(REVISION_HASH_LABEL.into(), hash.clone());
    meta.annotations = ds.metadata.annotations.clone();
    meta.owner_references
        .push(controller_ref(Kind::DaemonSet, &ds.metadata));
    if store
        .get::<ControllerRevision>(&ds.metadata.namespace, &name)
        .is_none()
    {
        actions.push(Action::Create(Object::ControllerRevision(
            ControllerRevision {
                metadata: meta,
                data: patch,
                revision: next,
                ..Default::default()
            },
        )));
    }
    History {
        hash,
        revision: next,
        old,
    }
}

/// Deletes old revisions beyond `revisionHistoryLimit` (default 10), oldest first, never one a
/// live pod still carries.
pub fn cleanup_history(
    ds: &DaemonSet,
    history: &History,
    pods: &[&Pod],
    actions: &mut Vec<Action>,
) {
    let keep = ds.spec.revision_history_limit.unwrap_or(10).max(0) as usize;
    let mut to_kill = history.old.len().saturating_sub(keep);
    if to_kill == 0 {
        return;
    }
    let live: std::collections::BTreeSet<&str> = pods
        .iter()
        .filter_map(|p| {
            p.metadata
                .labels()
                .get(REVISION_HASH_LABEL)
                .map(String::as_str)
        })
        .collect();
    let mut old = history.old.clone();
    crate::engine::stable_sort::sort_by_key(&mut old, |c| c.revision);
    for cr in old {
        if to_kill == 0 {
            break;
        }
        if cr
            .metadata
            .labels()
            .get(REVISION_HASH_LABEL)
            .is_some_and(|h| live.contains(h.as_str()))
        {
            continue;
        }
        actions.push(delete(cr));
        to_kill -= 1;
    }
}

fn delete(cr: &ControllerRevision) -> Action {
    Action::Delete {
        key: ObjectKey::new(
            Kind::ControllerRevision,
            &cr.metadata.namespace,
            &cr.metadata.name,
        ),
        grace_seconds: None,
        propagation: Propagation::Background,
    }
}
