//! Syncing one claim (pv_controller's syncClaim, plus the pvc-protection controller): add the
//! protection finalizer, bind to a volume, ask a provisioner for one, or explain why it waits.

use super::matching::{best_match, claim_class, is_delay_binding};
use super::{
    pv, BETA_STORAGE_PROVISIONER_ANNOTATION, PVC_PROTECTION, STORAGE_PROVISIONER_ANNOTATION,
};
use crate::engine::action::{Action, ControllerId, EventRecord, Reconcile, WhyReason};
use crate::engine::model::{Object, PersistentVolume, PersistentVolumeClaim, Pod, StorageClass};
use crate::engine::scheduler::volumes::{pod_claim_names, SELECTED_NODE_ANNOTATION};
use crate::engine::store::{ObjectKey, Store};
use crate::engine::Ctx;

pub fn sync(ctx: &Ctx, key: &ObjectKey) -> Reconcile {
    let store = ctx.store;
    let Some(claim) = store.get::<PersistentVolumeClaim>(&key.namespace, &key.name) else {
        // The claim is gone: volumes bound to it are released and reclaimed.
        let mut out = Reconcile::default();
        for volume in store.list::<PersistentVolume>() {
            if volume
                .spec
                .claim_ref
                .as_ref()
                .is_some_and(|r| r.namespace == key.namespace && r.name == key.name)
            {
                out.actions.extend(pv::sync(ctx, volume).actions);
            }
        }
        return out;
    };
    if claim.metadata.deletion_timestamp.is_some() {
        return protect(store, key, claim);
    }
    // What admission does in a real cluster (the pvc-protection finalizer, the default class),
    // done here on a copy: the rest of the sync works on it, so every claim update it writes
    // carries both.
    let mut adjusted = claim.clone();
    if !adjusted
        .metadata
        .finalizers
        .iter()
        .any(|f| f == PVC_PROTECTION)
    {
        adjusted.metadata.finalizers.push(PVC_PROTECTION.into());
    }
    if adjusted.spec.storage_class_name.is_none() {
        // RetroactiveDefaultStorageClass: a claim without a class gets the default one.
        if let Some(default) = store.list::<StorageClass>().find(|c| c.is_default()) {
            adjusted.spec.storage_class_name = Some(default.metadata.name.clone());
        }
    }
    let mut out = sync_claim(ctx, key, &adjusted);
    let wrote_claim = out
        .actions
        .iter()
        .any(|a| matches!(a, Action::Update(Object::PersistentVolumeClaim(_))));
    if !wrote_claim && adjusted != *claim {
        out.actions
            .insert(0, Action::Update(Object::PersistentVolumeClaim(adjusted)));
    }
    out
}

/// Binding: confirm a bound claim, bind to a matching volume, or explain the wait.
fn sync_claim(ctx: &Ctx, key: &ObjectKey, claim: &PersistentVolumeClaim) -> Reconcile {
    if let Some(volume_name) = claim.spec.volume_name.as_deref().filter(|v| !v.is_empty()) {
        return sync_with_volume_name(ctx, key, claim, volume_name);
    }
    if let Some(volume) = best_match(ctx.store, claim, None, &[]) {
        return bind(ctx, claim, volume);
    }
    sync_unmatched(ctx, key, claim)
}

fn event(key: &ObjectKey, warning: bool, reason: &str, message: String) -> Action {
    Action::Event(EventRecord {
        regarding: key.clone(),
        warning,
        reason: reason.into(),
        message,
        source: ControllerId::Volume,
        host: None,
    })
}

/// Pods that keep a claim: scheduled, not finished, with a volume naming it (the
/// pvc-protection controller ignores unscheduled pods: no kubelet has seen them).
pub fn pods_using_claim<'a>(store: &'a Store, claim: &PersistentVolumeClaim) -> Vec<&'a Pod> {
    store
        .list_in::<Pod>(&claim.metadata.namespace)
        .filter(|p| p.node_name().is_some() && !p.is_terminal())
        .filter(|p| pod_claim_names(p).contains(&claim.metadata.name.as_str()))
        .collect()
}

/// pvc-protection: the finalizer goes once no scheduled, unfinished pod uses the claim.
fn protect(store: &Store, key: &ObjectKey, claim: &PersistentVolumeClaim) -> Reconcile {
    let mut out = Reconcile::default();
    if !claim
        .metadata
        .finalizers
        .iter()
        .any(|f| f == PVC_PROTECTION)
    {
        return out;
    }
    let users = pods_using_claim(store, claim);
    if users.is_empty() {
        let mut c = claim.clone();
        c.metadata.finalizers.retain(|f| f != PVC_PROTECTION);
        out.act(Action::Update(Object::PersistentVolumeClaim(c)));
    } else {
        let names: Vec<&str> = users.iter().map(|p| p.metadata.name.as_str()).collect();
        out.wait(
            key.clone(),
            WhyReason::Other(format!(
                "claim {} stays Terminating while pod(s) {} use it ({PVC_PROTECTION})",
                claim.metadata.name,
                names.join(", ")
            )),
        );
    }
    out
}

/// Binds claim and volume in one go (the real controller writes the volume, then the claim).
fn bind(ctx: &Ctx, claim: &PersistentVolumeClaim, volume: &PersistentVolume) -> Reconcile {
    let mut out = Reconcile::default();
    let mut v = volume.clone();
    if v.spec
        .claim_ref
        .as_ref()
        .is_none_or(|r| r.uid.as_deref().unwrap_or("").is_empty())
    {
        if v.spec.claim_ref.is_none() {
            v.metadata
                .annotations_mut()
                .insert("pv.kubernetes.io/bound-by-controller".into(), "yes".into());
        }
        v.spec.claim_ref = Some(super::claim_ref(claim));
    }
    pv::set_phase(&mut v, "Bound", ctx.now);
    if v != *volume {
        out.act(Action::Update(Object::PersistentVolume(v)));
    }
    let mut c = claim.clone();
    c.spec.volume_name = Some(volume.metadata.name.clone());
    let annotations = c.metadata.annotations_mut();
    annotations.insert("pv.kubernetes.io/bind-completed".into(), "yes".into());
    annotations.insert("pv.kubernetes.io/bound-by-controller".into(), "yes".into());
    mark_bound(&mut c, volume);
    out.act(Action::Update(Object::PersistentVolumeClaim(c)));
    out
}

fn mark_bound(claim: &mut PersistentVolumeClaim, volume: &PersistentVolume) {
    claim.status.phase = Some("Bound".into());
    claim.status.capacity = volume.spec.capacity.clone();
    claim.status.access_modes = volume.spec.access_modes.clone();
}

fn set_claim_phase(claim: &PersistentVolumeClaim, phase: &str, out: &mut Reconcile) {
    if claim.status.phase.as_deref() != Some(phase) {
        let mut c = claim.clone();
        c.status.phase = Some(phase.into());
        out.act(Action::Update(Object::PersistentVolumeClaim(c)));
    }
}

/// A claim that names its volume: finish or confirm the binding.
fn sync_with_volume_name(
    ctx: &Ctx,
    key: &ObjectKey,
    claim: &PersistentVolumeClaim,
    volume_name: &str,
) -> Reconcile {
    let mut out = Reconcile::default();
    let Some(volume) = ctx.store.get::<PersistentVolume>("", volume_name) else {
        if claim.phase() == "Bound" || claim.phase() == "Lost" {
            if claim.phase() == "Bound" {
                out.act(event(
                    key,
                    true,
                    "ClaimLost",
                    "Bound claim has lost its PersistentVolume. Data on the volume is lost!".into(),
                ));
            }
            set_claim_phase(claim, "Lost", &mut out);
        } else {
            set_claim_phase(claim, "Pending", &mut out);
            out.wait(
                key.clone(),
                WhyReason::Other(format!(
                    "claim waits for PersistentVolume {volume_name} to exist"
                )),
            );
        }
        return out;
    };
    match &volume.spec.claim_ref {
        Some(r) if !(r.name == claim.metadata.name && r.namespace == claim.metadata.namespace) => {
            set_claim_phase(claim, "Pending", &mut out);
            out.wait(
                key.clone(),
                WhyReason::Other(format!(
                    "volume {volume_name} is bound to another claim ({}/{})",
                    r.namespace, r.name
                )),
            );
            out
        }
        // Identical writes are no-ops in apply, so confirming a finished binding is cheap.
        _ => bind(ctx, claim, volume),
    }
}

/// No volume fits: wait for a consumer, ask a provisioner, or report that nothing can bind.
fn sync_unmatched(ctx: &Ctx, key: &ObjectKey, claim: &PersistentVolumeClaim) -> Reconcile {
    let store = ctx.store;
    let mut out = Reconcile::default();
    let class_name = claim_class(store, claim);
    let selected_node = claim.metadata.annotations().get(SELECTED_NODE_ANNOTATION);
    if is_delay_binding(store, claim) && selected_node.is_none() {
        let (reason, message) = waiting_for_consumer(ctx, claim);
        out.act(event(key, false, reason, message.clone()));
        out.wait(
            key.clone(),
            WhyReason::Other(format!("WaitForFirstConsumer: {message}")),
        );
        set_claim_phase(claim, "Pending", &mut out);
        return out;
    }
    if class_name.is_empty() {
        let message = "no persistent volumes available for this claim and no storage class is set";
        out.act(event(key, false, "FailedBinding", message.into()));
        out.wait(
            key.clone(),
            WhyReason::Other(format!(
                "{message}: create a matching PersistentVolume or set a storageClassName"
            )),
        );
        set_claim_phase(claim, "Pending", &mut out);
        return out;
    }
    let Some(class) = store.get::<StorageClass>("", class_name) else {
        let message = format!("storageclass.storage.k8s.io \"{class_name}\" not found");
        out.act(event(key, true, "ProvisioningFailed", message.clone()));
        out.wait(key.clone(), WhyReason::Other(message));
        set_claim_phase(claim, "Pending", &mut out);
        return out;
    };
    // Hand the claim to the class's (external) provisioner.
    let provisioner = class.provisioner.clone();
    let mut c = claim.clone();
    c.status.phase = Some("Pending".into());
    let annotations = c.metadata.annotations_mut();
    annotations.insert(
        BETA_STORAGE_PROVISIONER_ANNOTATION.into(),
        provisioner.clone(),
    );
    annotations.insert(STORAGE_PROVISIONER_ANNOTATION.into(), provisioner.clone());
    let handed_over = c.metadata.annotations() != claim.metadata.annotations();
    if c != *claim {
        out.act(Action::Update(Object::PersistentVolumeClaim(c)));
    }
    // The event comes with the start of a provisioning operation, not with every sync.
    if handed_over {
        out.act(event(
        key,
        false,
        "ExternalProvisioning",
        format!(
            "Waiting for a volume to be created either by the external provisioner '{provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered."
        ),
    ));
    }
    let why = if class.provisions_dynamically() {
        format!("waiting for provisioner {provisioner} to create a volume")
    } else {
        format!("class {class_name} has no provisioner: create a matching PersistentVolume")
    };
    out.wait(key.clone(), WhyReason::Other(why));
    out
}

/// The PV controller's resync period: a claim is first synced when it is added, before the pod
/// that uses it exists; only later resyncs name the pods still waiting to be scheduled.
const RESYNC_MS: u64 = 15_000;

/// emitEventForUnboundDelayBindingClaim.
fn waiting_for_consumer(ctx: &Ctx, claim: &PersistentVolumeClaim) -> (&'static str, String) {
    let first = (
        "WaitForFirstConsumer",
        "waiting for first consumer to be created before binding".to_string(),
    );
    let created = claim
        .metadata
        .creation_timestamp
        .map(|t| t.0 .0)
        .unwrap_or(0);
    if ctx.now.0.saturating_sub(created) < RESYNC_MS {
        return first;
    }
    let waiting: Vec<&str> = ctx
        .store
        .list_in::<Pod>(&claim.metadata.namespace)
        .filter(|p| p.node_name().is_none() && !p.is_terminal())
        .filter(|p| pod_claim_names(p).contains(&claim.metadata.name.as_str()))
        .map(|p| p.metadata.name.as_str())
        .collect();
    match waiting.as_slice() {
        [] => first,
        [one] => (
            "WaitForPodScheduled",
            format!("waiting for pod {one} to be scheduled"),
        ),
        many => (
            "WaitForPodScheduled",
            format!("waiting for pods {} to be scheduled", many.join(",")),
        ),
    }
}
