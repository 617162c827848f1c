//! The garbage collector (`pkg/controller/garbagecollector`), key = an object that is a
//! dependent, or an owner being deleted with a finalizer.
//!
//! * Owner with `foregroundDeletion`: its dependents are deleted (those that have dependents of
//!   their own in foreground too); once none with `blockOwnerDeletion: true` remain, the
//!   finalizer is removed and the API server removes the owner.
//! * Owner with `orphan`: the ownerReferences to it are removed from every dependent, then the
//!   finalizer.
//! * Dependent (`attemptToDeleteItem`): owners are looked up by uid. If some owner still exists
//!   and is not being deleted in foreground, references to missing or foreground-deleting owners
//!   are removed and the object stays; if none is left, the object is deleted (in foreground
//!   when an owner is deleting in foreground and the object has dependents itself).

use crate::engine::action::{Action, Propagation, Reconcile, WhyReason};
use crate::engine::model::{Object, OwnerReference};
use crate::engine::store::ObjectKey;
use crate::engine::Ctx;

const FOREGROUND: &str = "foregroundDeletion";
const ORPHAN: &str = "orphan";

pub fn reconcile(ctx: &Ctx, key: &ObjectKey) -> Reconcile {
    let mut out = Reconcile::default();
    let Some(obj) = ctx.store.get_obj(key) else {
        return out;
    };
    let meta = obj.meta();
    if meta.deletion_timestamp.is_some() {
        if meta.finalizers.iter().any(|f| f == ORPHAN) {
            orphan_dependents(ctx, obj, &mut out);
            return out;
        }
        if meta.finalizers.iter().any(|f| f == FOREGROUND) {
            delete_dependents(ctx, key, obj, &mut out);
            return out;
        }
        // Already on its way out; nothing for the collector to do.
        return out;
    }
    collect_dependent(ctx, key, obj, &mut out);
    out
}

fn dependents<'a>(
    ctx: &'a Ctx,
    owner: &'a Object,
) -> impl Iterator<Item = (&'a ObjectKey, &'a Object)> + 'a {
    ctx.store
        .owned_by(&owner.meta().uid)
        .filter_map(|k| ctx.store.get_obj(k).map(|o| (k, o)))
}

fn without_finalizer(obj: &Object, finalizer: &str) -> Object {
    let mut updated = obj.clone();
    updated.meta_mut().finalizers.retain(|f| f != finalizer);
    updated
}

fn orphan_dependents(ctx: &Ctx, owner: &Object, out: &mut Reconcile) {
    let uid = owner.meta().uid.clone();
    for (_, dependent) in dependents(ctx, owner) {
        let mut updated = dependent.clone();
        updated.meta_mut().owner_references.retain(|r| r.uid != uid);
        out.act(Action::Update(updated));
    }
    out.act(Action::Update(without_finalizer(owner, ORPHAN)));
}

fn delete_dependents(ctx: &Ctx, key: &ObjectKey, owner: &Object, out: &mut Reconcile) {
    let uid = owner.meta().uid.clone();
    let mut blocking = Vec::new();
    for (dep_key, dependent) in dependents(ctx, owner) {
        let blocks = dependent
            .meta()
            .owner_references
            .iter()
            .any(|r| r.uid == uid && r.block_owner_deletion == Some(true));
        if blocks {
            blocking.push(dep_key.name.clone());
        }
        if dependent.meta().deletion_timestamp.is_none() {
            let has_own = ctx.store.owned_by(&dependent.meta().uid).next().is_some();
            let propagation = if has_own {
                Propagation::Foreground
            } else {
                Propagation::Background
            };
            out.act(Action::Delete {
                key: dep_key.clone(),
                grace_seconds: None,
                propagation,
            });
        }
    }
    if blocking.is_empty() {
        out.act(Action::Update(without_finalizer(owner, FOREGROUND)));
    } else {
        out.wait(
            key.clone(),
            WhyReason::Other(format!(
                "foreground deletion waits for its dependents to go: {}",
                blocking.join(", ")
            )),
        );
    }
}

/// Whether the owner a reference names exists (same uid) and how it is being deleted.
enum OwnerState {
    Missing,
    DeletingInForeground,
    Solid,
}

fn owner_state(ctx: &Ctx, r: &OwnerReference) -> OwnerState {
    let Some(owner) = ctx
        .store
        .key_of_uid(&r.uid)
        .and_then(|k| ctx.store.get_obj(k))
    else {
        return OwnerState::Missing;
    };
    let meta = owner.meta();
    if meta.name != r.name || owner.kind().info().name != r.kind {
        return OwnerState::Missing;
    }
    if meta.deletion_timestamp.is_some() && meta.finalizers.iter().any(|f| f == FOREGROUND) {
        OwnerState::DeletingInForeground
    } else {
        OwnerState::Solid
    }
}

fn collect_dependent(ctx: &Ctx, key: &ObjectKey, obj: &Object, out: &mut Reconcile) {
    let refs = &obj.meta().owner_references;
    if refs.is_empty() {
        return;
    }
    let states: Vec<OwnerState> = refs.iter().map(|r| owner_state(ctx, r)).collect();
    let solid = states.iter().any(|s| matches!(s, OwnerState::Solid));
    let waiting = states
        .iter()
        .any(|s| matches!(s, OwnerState::DeletingInForeground));
    if solid {
        let keep: Vec<OwnerReference> = refs
            .iter()
            .zip(&states)
            .filter(|(_, s)| matches!(s, OwnerState::Solid))
            .map(|(r, _)| r.clone())
            .collect();
        if keep.len() != refs.len() {
            let mut updated = obj.clone();
            updated.meta_mut().owner_references = keep;
            out.act(Action::Update(updated));
        }
        return;
    }
    let has_own = ctx.store.owned_by(&obj.meta().uid).next().is_some();
    let propagation = if waiting && has_own {
        Propagation::Foreground
    } else if obj.meta().finalizers.iter().any(|f| f == ORPHAN) {
        Propagation::Orphan
    } else {
        Propagation::Background
    };
    out.act(Action::Delete {
        key: key.clone(),
        grace_seconds: None,
        propagation,
    });
}
