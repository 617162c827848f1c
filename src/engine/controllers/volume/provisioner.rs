//! A simulated external provisioner (sig-storage-lib-external-provisioner, as kind's
//! rancher.io/local-path uses). watch.rs wakes it `config.provision` after a claim is handed to
//! a provisioner (`volume.kubernetes.io/storage-provisioner`); it then creates `pvc-<claim uid>`
//! with the claim pre-bound, and the PV controller completes the binding.
//!
//! Every class whose provisioner is not `kubernetes.io/no-provisioner` is served, as if its
//! driver were installed (a real kind cluster only runs rancher.io/local-path; elsewhere a claim
//! of an uninstalled provisioner waits with `ExternalProvisioning` forever). local-path volumes
//! are hostPath directories pinned to the selected node; others are attachable CSI volumes
//! usable from any node (so ReadWriteOnce Multi-Attach applies to them).

use super::matching::{claim_request_milli, class_of};
use super::pv::PROVISIONED_BY_ANNOTATION;
use super::{claim_ref, PV_PROTECTION, STORAGE_PROVISIONER_ANNOTATION};
use crate::engine::action::{Action, ControllerId, EventRecord, Reconcile};
use crate::engine::model::{
    Node, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, Object, ObjectMeta,
    PersistentVolume, PersistentVolumeClaim, PvSpec, Quantity,
};
use crate::engine::scheduler::volumes::SELECTED_NODE_ANNOTATION;
use crate::engine::store::ObjectKey;
use crate::engine::Ctx;
use std::collections::BTreeMap;

pub const LOCAL_PATH: &str = "rancher.io/local-path";

/// Whether the provisioner should be woken for this claim (used by watch.rs).
pub fn wants_provisioning(claim: &PersistentVolumeClaim) -> bool {
    claim.spec.volume_name.as_deref().unwrap_or("").is_empty()
        && claim.metadata.deletion_timestamp.is_none()
        && claim
            .metadata
            .annotations()
            .get(STORAGE_PROVISIONER_ANNOTATION)
            .is_some_and(|p| p != super::NO_PROVISIONER)
}

pub fn reconcile(ctx: &Ctx, key: &ObjectKey) -> Reconcile {
    let mut out = Reconcile::default();
    let store = ctx.store;
    let Some(claim) = store.get::<PersistentVolumeClaim>(&key.namespace, &key.name) else {
        return out;
    };
    if !wants_provisioning(claim) {
        return out;
    }
    let Some(class) = class_of(store, claim) else {
        return out;
    };
    if !class.provisions_dynamically()
        || claim
            .metadata
            .annotations()
            .get(STORAGE_PROVISIONER_ANNOTATION)
            != Some(&class.provisioner)
    {
        return out;
    }
    let selected = claim
        .metadata
        .annotations()
        .get(SELECTED_NODE_ANNOTATION)
        .and_then(|n| store.get::<Node>("", n));
    if class.waits_for_first_consumer() && selected.is_none() {
        return out;
    }
    let name = format!("pvc-{}", claim.metadata.uid);
    if store.get::<PersistentVolume>("", &name).is_some() {
        return out;
    }
    out.act(Action::Create(Object::PersistentVolume(build_volume(
        claim,
        &name,
        &class.provisioner,
        class.reclaim_policy.as_deref(),
        selected,
    ))));
    for (reason, message) in [
        (
            "Provisioning",
            format!(
                "External provisioner is provisioning volume for claim \"{}/{}\"",
                key.namespace, key.name
            ),
        ),
        (
            "ProvisioningSucceeded",
            format!("Successfully provisioned volume {name}"),
        ),
    ] {
        out.act(Action::Event(EventRecord {
            regarding: key.clone(),
            warning: false,
            reason: reason.into(),
            message,
            source: ControllerId::Provisioner,
            host: None,
        }));
    }
    out
}

fn build_volume(
    claim: &PersistentVolumeClaim,
    name: &str,
    provisioner: &str,
    reclaim: Option<&str>,
    node: Option<&Node>,
) -> PersistentVolume {
    let mut metadata = ObjectMeta::named("", name);
    metadata
        .annotations_mut()
        .insert(PROVISIONED_BY_ANNOTATION.into(), provisioner.into());
    metadata.finalizers.push(PV_PROTECTION.into());
    let mut capacity = BTreeMap::new();
    let request = claim
        .requested_storage()
        .cloned()
        .unwrap_or_else(|| Quantity(format!("{}", claim_request_milli(claim) / 1000)));
    capacity.insert("storage".to_string(), request);
    let mut spec = PvSpec {
        access_modes: claim.spec.access_modes.clone(),
        capacity: Some(capacity),
        claim_ref: Some(claim_ref(claim)),
        persistent_volume_reclaim_policy: Some(reclaim.unwrap_or("Delete").to_string()),
        storage_class_name: claim.spec.storage_class_name.clone(),
        volume_mode: Some(
            claim
                .spec
                .volume_mode
                .clone()
                .unwrap_or_else(|| "Filesystem".into()),
        ),
        ..Default::default()
    };
    match node {
        Some(node) if provisioner == LOCAL_PATH => {
            // local-path volumes are directories on one node: pinned there by node affinity.
            metadata.annotations_mut().insert(
                "local.path.provisioner/selected-node".into(),
                node.metadata.name.clone(),
            );
            spec.host_path = Some(serde_json::json!({
                "path": format!("/var/local-path-provisioner/{name}_{}_{}", claim.metadata.namespace, claim.metadata.name),
                "type": "DirectoryOrCreate"
            }));
            let hostname = node
                .metadata
                .labels()
                .get("kubernetes.io/hostname")
                .cloned()
                .unwrap_or_else(|| node.metadata.name.clone());
            let affinity = NodeSelector {
                node_selector_terms: vec![NodeSelectorTerm {
                    match_expressions: vec![NodeSelectorRequirement {
                        key: "kubernetes.io/hostname".into(),
                        operator: "In".into(),
                        values: vec![hostname],
                    }],
                    match_fields: Vec::new(),
                }],
            };
            spec.node_affinity = Some(serde_json::json!({ "required": affinity }));
        }
        _ => {
            // Any other provisioner: an attachable CSI volume usable from every node.
            spec.csi = Some(
                serde_json::json!({ "driver": provisioner, "volumeHandle": name, "fsType": "ext4" }),
            );
        }
    }
    PersistentVolume {
        metadata,
        spec,
        ..Default::default()
    }
}
