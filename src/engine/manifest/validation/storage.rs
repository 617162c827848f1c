//! PersistentVolumeClaim (also as StatefulSet claim templates), PersistentVolume, StorageClass.

use super::super::errors::{render_str, FieldError};
use super::enums;
use crate::engine::model::codec::Codec;
use crate::engine::model::*;

const ACCESS_MODES: &[&str] = &[
    "ReadOnlyMany",
    "ReadWriteMany",
    "ReadWriteOnce",
    "ReadWriteOncePod",
];

/// `ValidatePersistentVolumeClaimSpec` (SC-27: `...accessModes: Required value: at least 1
/// access mode is required`).
pub fn validate_claim_spec(spec: &PvcSpec, path: &str, errs: &mut Vec<FieldError>) {
    if spec.access_modes.is_empty() {
        errs.push(FieldError::required(
            &format!("{path}.accessModes"),
            "at least 1 access mode is required",
        ));
    }
    for mode in &spec.access_modes {
        enums::check_supported(&format!("{path}.accessModes"), mode, ACCESS_MODES, errs);
    }
    let storage = spec
        .resources
        .as_ref()
        .and_then(|r| r.requests.as_ref())
        .and_then(|r| r.get("storage"));
    match storage {
        None => errs.push(FieldError::required(
            &format!("{path}.resources[storage]"),
            "",
        )),
        Some(q) => match q.to_milli() {
            Err(msg) => errs.push(FieldError::invalid(
                &format!("{path}.resources[storage]"),
                render_str(&q.0),
                &msg,
            )),
            Ok(m) if m <= 0 => errs.push(FieldError::invalid(
                &format!("{path}.resources[storage]"),
                render_str(&q.0),
                "must be greater than zero",
            )),
            Ok(_) => {}
        },
    }
    if let Some(mode) = &spec.volume_mode {
        let modes = &["Block", "Filesystem"];
        enums::check_supported(&format!("{path}.volumeMode"), mode, modes, errs);
    }
}

/// Only `resources.requests` (and volumeAttributesClassName) may change after creation.
/// `ValidatePersistentVolumeClaimUpdate`: the spec is frozen except the storage request of a
/// bound claim (and volumeAttributesClassName; volumeName may be set once). The real Forbidden
/// message continues with a Go `cmp.Diff` of the two specs, which kubeplay leaves out.
pub fn validate_claim_update(
    old: &PersistentVolumeClaim,
    new: &PersistentVolumeClaim,
    errs: &mut Vec<FieldError>,
) {
    validate_claim_spec(&new.spec, "spec", errs);
    let bound = old.status.phase.as_deref() == Some("Bound");
    let mut a = old.spec.clone();
    let mut b = new.spec.clone();
    if bound {
        for s in [&mut a, &mut b] {
            if let Some(requests) = s.resources.as_mut().and_then(|r| r.requests.as_mut()) {
                requests.remove("storage");
            }
        }
    }
    a.volume_attributes_class_name = None;
    b.volume_attributes_class_name = None;
    if old.spec.volume_name.as_deref().unwrap_or("").is_empty() {
        a.volume_name = b.volume_name.clone();
    }
    if Codec::encode(&a) != Codec::encode(&b) {
        errs.push(FieldError::forbidden(
            "spec",
            "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims",
        ));
    }
    // Shrinking: allowed only down to (not including) the recorded capacity
    // (RecoverVolumeExpansionFailure, on by default since 1.34).
    let new_size = new.requested_storage().and_then(|q| q.to_milli().ok());
    let old_size = old.requested_storage().and_then(|q| q.to_milli().ok());
    if let (true, Some(n), Some(o)) = (bound, new_size, old_size) {
        let capacity = old
            .status
            .capacity
            .as_ref()
            .and_then(|c| c.get("storage"))
            .and_then(|q| q.to_milli().ok());
        if n < o && capacity.is_some_and(|c| n <= c) {
            errs.push(FieldError::forbidden(
                "spec.resources.requests.storage",
                "field can not be less than status.capacity",
            ));
        }
    }
}

pub fn validate_pv(pv: &PersistentVolume, errs: &mut Vec<FieldError>) {
    if pv.spec.access_modes.is_empty() {
        errs.push(FieldError::required("spec.accessModes", ""));
    }
    for mode in &pv.spec.access_modes {
        enums::check_supported("spec.accessModes", mode, ACCESS_MODES, errs);
    }
    if pv
        .spec
        .capacity
        .as_ref()
        .and_then(|c| c.get("storage"))
        .is_none()
    {
        errs.push(FieldError::required("spec.capacity", ""));
    }
    if let Some(p) = &pv.spec.persistent_volume_reclaim_policy {
        let policies = &["Delete", "Recycle", "Retain"];
        enums::check_supported("spec.persistentVolumeReclaimPolicy", p, policies, errs);
    }
    let sources = [
        pv.spec.host_path.is_some(),
        pv.spec.local.is_some(),
        pv.spec.nfs.is_some(),
        pv.spec.csi.is_some(),
    ];
    if !sources.iter().any(|s| *s) {
        errs.push(FieldError::required("spec", "must specify a volume type"));
    }
}

pub fn validate_storage_class(sc: &StorageClass, errs: &mut Vec<FieldError>) {
    if sc.provisioner.is_empty() {
        errs.push(FieldError::required("provisioner", ""));
    }
    if let Some(p) = &sc.reclaim_policy {
        enums::check_supported("reclaimPolicy", p, &["Delete", "Retain"], errs);
    }
    if let Some(m) = &sc.volume_binding_mode {
        let modes = &["Immediate", "WaitForFirstConsumer"];
        enums::check_supported("volumeBindingMode", m, modes, errs);
    }
}
