//! Volumes: the PersistentVolume controller (binding claims to volumes, static and dynamic,
//! releasing and reclaiming), the pvc-/pv-protection finalizers, and a simulated external
//! provisioner (like kind's rancher.io/local-path). Keys are claims or volumes.
//!
//! Dynamic provisioning, WaitForFirstConsumer: the claim waits (`WaitForFirstConsumer`) until
//! the scheduler picks a node for a pod using it and writes `volume.kubernetes.io/selected-node`;
//! this controller then hands the claim to the class's provisioner (`ExternalProvisioning`),
//! which after `config.provision` creates `pvc-<claim uid>` pinned to that node
//! (`Provisioning`, `ProvisioningSucceeded`); the controller binds both, and the scheduler binds
//! the pod. Immediate classes are handed to the provisioner at once.

pub mod attach;
mod claim;
pub mod matching;
mod pods;
pub mod provisioner;
mod pv;

pub use pods::{attach_conflict, claim_ready_for_pod, volume_of_claim};

use crate::engine::action::Reconcile;
use crate::engine::model::{ClaimRef, Kind, PersistentVolumeClaim};
use crate::engine::store::ObjectKey;
use crate::engine::Ctx;

pub const PVC_PROTECTION: &str = "kubernetes.io/pvc-protection";
pub const PV_PROTECTION: &str = "kubernetes.io/pv-protection";
pub const STORAGE_PROVISIONER_ANNOTATION: &str = "volume.kubernetes.io/storage-provisioner";
pub const BETA_STORAGE_PROVISIONER_ANNOTATION: &str =
    "volume.beta.kubernetes.io/storage-provisioner";
pub const NO_PROVISIONER: &str = "kubernetes.io/no-provisioner";

pub fn reconcile(ctx: &Ctx, key: &ObjectKey) -> Reconcile {
    match key.kind {
        Kind::PersistentVolumeClaim => claim::sync(ctx, key),
        Kind::PersistentVolume => pv::sync_key(ctx, key),
        _ => Reconcile::default(),
    }
}

/// The claimRef a volume bound to `claim` carries.
pub fn claim_ref(claim: &PersistentVolumeClaim) -> ClaimRef {
    ClaimRef {
        api_version: Some("v1".into()),
        kind: Some("PersistentVolumeClaim".into()),
        name: claim.metadata.name.clone(),
        namespace: claim.metadata.namespace.clone(),
        resource_version: Some(claim.metadata.resource_version.clone()).filter(|r| !r.is_empty()),
        uid: Some(claim.metadata.uid.clone()),
    }
}
