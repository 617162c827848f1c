//! Which pods and revisions belong to a set: owned ones that still match, orphans to adopt, and
//! owned ones to release (stateful_set.go `getPodsForStatefulSet`, `adoptOrphanRevisions`).

use super::identity::{controller_ref, is_member};
use crate::engine::action::Action;
use crate::engine::model::{ControllerRevision, LabelSelector, Object, Pod, StatefulSet};
use crate::engine::store::Store;

/// The set's pods after adoption and release, in name order; the actions that record ownership
/// changes are appended to `actions`.
pub fn claim_pods<'a>(
    store: &'a Store,
    set: &StatefulSet,
    selector: &LabelSelector,
    actions: &mut Vec<Action>,
) -> Vec<&'a Pod> {
    let deleting = set.metadata.deletion_timestamp.is_some();
    let mut pods = Vec::new();
    for pod in store.list_in::<Pod>(&set.metadata.namespace) {
        let wanted = selector.matches(pod.metadata.labels()) && is_member(set, &pod.metadata.name);
        match pod.metadata.controller_ref() {
            Some(r) if r.uid == set.metadata.uid => {
                if wanted {
                    pods.push(pod);
                } else {
                    // ReleasePod: the pod no longer matches; drop our ownerReference.
                    let mut released = pod.clone();
                    released
                        .metadata
                        .owner_references
                        .retain(|o| o.uid != set.metadata.uid);
                    actions.push(Action::Update(Object::Pod(released)));
                }
            }
            Some(_) => {}
            None => {
                if wanted && !deleting && pod.metadata.deletion_timestamp.is_none() {
                    let mut adopted = pod.clone();
                    adopted.metadata.owner_references.push(controller_ref(set));
                    actions.push(Action::Update(Object::Pod(adopted)));
                    pods.push(pod);
                }
            }
        }
    }
    pods
}

/// The set's revisions (owned, or orphans that match its selector) sorted by revision number;
/// orphans are adopted.
pub fn claim_revisions<'a>(
    store: &'a Store,
    set: &StatefulSet,
    selector: &LabelSelector,
    actions: &mut Vec<Action>,
) -> Vec<&'a ControllerRevision> {
    let mut revisions: Vec<&ControllerRevision> = store
        .list_in::<ControllerRevision>(&set.metadata.namespace)
        .filter(|r| selector.matches(r.metadata.labels()))
        .filter(|r| {
            r.metadata
                .controller_ref()
                .is_none_or(|c| c.uid == set.metadata.uid)
        })
        .collect();
    for r in &revisions {
        if r.metadata.controller_ref().is_none() && set.metadata.deletion_timestamp.is_none() {
            let mut adopted = (*r).clone();
            adopted.metadata.owner_references.push(controller_ref(set));
            actions.push(Action::Update(Object::ControllerRevision(adopted)));
        }
    }
    crate::engine::stable_sort::sort_by(&mut revisions, |a, b| {
        (a.revision, &a.metadata.name).cmp(&(b.revision, &b.metadata.name))
    });
    revisions
}
