//! Syncing one volume (pv_controller's syncVolume and the pv-protection controller): phases
//! Available / Bound / Released, reclaiming released volumes, the protection finalizer.

use super::PV_PROTECTION;
use crate::engine::action::{Action, ControllerId, EventRecord, Propagation, Reconcile};
use crate::engine::model::{Kind, Object, PersistentVolume, PersistentVolumeClaim};
use crate::engine::store::ObjectKey;
use crate::engine::time::{SimTime, Timestamp};
use crate::engine::Ctx;

pub const PROVISIONED_BY_ANNOTATION: &str = "pv.kubernetes.io/provisioned-by";

pub fn sync_key(ctx: &Ctx, key: &ObjectKey) -> Reconcile {
    match ctx.store.get::<PersistentVolume>("", &key.name) {
        Some(pv) => sync(ctx, pv),
        None => Reconcile::default(),
    }
}

pub fn set_phase(pv: &mut PersistentVolume, phase: &str, now: SimTime) {
    if pv.status.phase.as_deref() != Some(phase) {
        pv.status.phase = Some(phase.into());
        pv.status.last_phase_transition_time = Some(Timestamp(now));
    }
}

fn key_of(pv: &PersistentVolume) -> ObjectKey {
    ObjectKey::new(Kind::PersistentVolume, "", &pv.metadata.name)
}

pub fn sync(ctx: &Ctx, volume: &PersistentVolume) -> Reconcile {
    let mut out = Reconcile::default();
    let mut pv = volume.clone();
    if pv.metadata.deletion_timestamp.is_some() {
        // pv-protection: a volume goes only once it is no longer Bound.
        if pv.status.phase.as_deref() != Some("Bound") {
            pv.metadata.finalizers.retain(|f| f != PV_PROTECTION);
        }
        if pv != *volume {
            out.act(Action::Update(Object::PersistentVolume(pv)));
        }
        return out;
    }
    if !pv.metadata.finalizers.iter().any(|f| f == PV_PROTECTION) {
        pv.metadata.finalizers.push(PV_PROTECTION.into());
    }
    let mut reclaim = false;
    match pv.spec.claim_ref.clone() {
        None => set_phase(&mut pv, "Available", ctx.now),
        // Pre-bound by hand to a claim that may not exist yet.
        Some(r) if r.uid.as_deref().unwrap_or("").is_empty() => {
            set_phase(&mut pv, "Available", ctx.now)
        }
        Some(r) => {
            let claim = ctx
                .store
                .get::<PersistentVolumeClaim>(&r.namespace, &r.name);
            match claim.filter(|c| Some(c.metadata.uid.as_str()) == r.uid.as_deref()) {
                Some(c) if c.spec.volume_name.as_deref() == Some(pv.metadata.name.as_str()) => {
                    set_phase(&mut pv, "Bound", ctx.now)
                }
                // Binding in progress (the scheduler or a provisioner set the claimRef).
                Some(_) => {
                    if pv.status.phase.is_none() {
                        set_phase(&mut pv, "Pending", ctx.now);
                    }
                }
                None => {
                    if !matches!(
                        pv.status.phase.as_deref(),
                        Some("Released") | Some("Failed")
                    ) {
                        set_phase(&mut pv, "Released", ctx.now);
                    }
                    reclaim = pv.status.phase.as_deref() == Some("Released");
                }
            }
        }
    }
    if reclaim && pv.spec.persistent_volume_reclaim_policy.as_deref() == Some("Delete") {
        if pv
            .metadata
            .annotations()
            .contains_key(PROVISIONED_BY_ANNOTATION)
        {
            // The provisioner that made it deletes it.
            if pv != *volume {
                out.act(Action::Update(Object::PersistentVolume(pv)));
            }
            out.act(Action::Delete {
                key: key_of(volume),
                grace_seconds: None,
                propagation: Propagation::Background,
            });
            return out;
        }
        // A hand-made volume has no plugin that can delete it.
        set_phase(&mut pv, "Failed", ctx.now);
        out.act(Action::Event(EventRecord {
            regarding: key_of(volume),
            warning: true,
            reason: "VolumeFailedDelete".into(),
            message: format!(
                "error getting deleter volume plugin for volume \"{}\": no deletable volume plugin matched",
                volume.metadata.name
            ),
            source: ControllerId::Volume,
            host: None,
        }));
    }
    if pv != *volume {
        out.act(Action::Update(Object::PersistentVolume(pv)));
    }
    out
}
