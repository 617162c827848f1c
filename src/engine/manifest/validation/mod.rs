//! Create and update validation with the API server's wording and order. One module per kind
//! family: [`meta`] (names, labels, selectors), [`pod`] (pod specs and templates),
//! [`workloads`] (StatefulSet, DaemonSet, Deployment, ReplicaSet), [`storage`] (claims,
//! volumes, classes), [`core`] (Service, Secret, ConfigMap, PodDisruptionBudget), [`node`]
//! (taints), [`affinity`] (node affinity); [`names`] holds the name formats and [`enums`] the
//! check shared by the Go string enums (the decoder takes any string; these refuse it).
//!
//! Both entry points expect a defaulted object (`apply_defaults`), as the API server validates
//! after defaulting.

pub mod affinity;
pub mod core;
pub mod enums;
pub mod meta;
pub mod names;
pub mod node;
pub mod pod;
pub mod storage;
pub mod workloads;

use super::errors::{ApiError, FieldError};
use crate::engine::model::Object;

/// `ValidateXxx` for a new object.
pub fn validate_create(obj: &Object) -> Result<(), ApiError> {
    // Admission (the Priority plugin) answers before validation does.
    if let Object::Pod(pod) = obj {
        super::priority::admit_pod(pod)?;
    }
    let mut errs = Vec::new();
    meta::validate_object_meta(obj.kind(), obj.meta(), &mut errs);
    validate_spec(obj, &mut errs);
    simulation_limits(obj, &mut errs);
    finish(obj, errs)
}

/// The most replicas one workload may ask for in kubeplay. Not a Kubernetes rule (the API
/// allows any int32): a playground in a browser tab must not be frozen by `replicas: 1000000`,
/// so the error says plainly that the limit is kubeplay's.
pub const MAX_REPLICAS: i32 = 5_000;

fn simulation_limits(obj: &Object, errs: &mut Vec<FieldError>) {
    let replicas = match obj {
        Object::StatefulSet(s) => s.spec.replicas,
        Object::Deployment(d) => d.spec.replicas,
        Object::ReplicaSet(r) => r.spec.replicas,
        _ => None,
    };
    if let Some(n) = replicas.filter(|n| *n > MAX_REPLICAS) {
        errs.push(FieldError::invalid(
            "spec.replicas",
            n.to_string(),
            &format!("kubeplay simulates at most {MAX_REPLICAS} replicas per workload (a limit of this playground, not of Kubernetes); use a smaller number"),
        ));
    }
}

fn validate_spec(obj: &Object, errs: &mut Vec<FieldError>) {
    match obj {
        Object::StatefulSet(s) => workloads::validate_statefulset_spec(s, errs),
        Object::DaemonSet(d) => workloads::validate_daemonset_spec(d, errs),
        Object::Deployment(d) => workloads::validate_deployment_spec(d, errs),
        Object::ReplicaSet(r) => workloads::validate_replicaset_spec(r, errs),
        Object::Pod(p) => pod::validate_pod_spec(&p.spec, "spec", &[], errs),
        Object::Service(s) => core::validate_service(s, errs),
        Object::Node(n) => node::validate_node(n, errs),
        Object::PodDisruptionBudget(p) => core::validate_pdb(p, errs),
        Object::PersistentVolumeClaim(c) => storage::validate_claim_spec(&c.spec, "spec", errs),
        Object::PersistentVolume(v) => storage::validate_pv(v, errs),
        Object::StorageClass(c) => storage::validate_storage_class(c, errs),
        Object::ConfigMap(c) => {
            let keys = c
                .data
                .iter()
                .flatten()
                .map(|(k, _)| k)
                .chain(c.binary_data.iter().flatten().map(|(k, _)| k));
            core::validate_data_keys(keys, "data", errs);
        }
        Object::Secret(s) => {
            core::validate_data_keys(s.data.iter().flatten().map(|(k, _)| k), "data", errs)
        }
        _ => {}
    }
}

/// `ValidateXxxUpdate`: names are not re-checked; immutable fields are.
pub fn validate_update(old: &Object, new: &Object) -> Result<(), ApiError> {
    let mut errs = Vec::new();
    meta::validate_labels(new.meta().labels(), "metadata.labels", &mut errs);
    meta::validate_annotations(new.meta().annotations(), "metadata.annotations", &mut errs);
    simulation_limits(new, &mut errs);
    match (old, new) {
        (Object::StatefulSet(o), Object::StatefulSet(n)) => {
            workloads::validate_statefulset_update(o, n, &mut errs)
        }
        (Object::DaemonSet(o), Object::DaemonSet(n)) => {
            workloads::validate_daemonset_update(o, n, &mut errs)
        }
        (Object::Deployment(o), Object::Deployment(n)) => {
            workloads::validate_deployment_update(o, n, &mut errs)
        }
        (Object::ReplicaSet(o), Object::ReplicaSet(n)) => {
            workloads::validate_replicaset_update(o, n, &mut errs)
        }
        (Object::Pod(o), Object::Pod(n)) => {
            // `ValidatePodUpdate` validates the new spec, then which fields changed.
            pod::validate_pod_spec(&n.spec, "spec", &[], &mut errs);
            pod::validate_pod_update(&o.spec, &n.spec, &mut errs)
        }
        (Object::PersistentVolumeClaim(o), Object::PersistentVolumeClaim(n)) => {
            storage::validate_claim_update(o, n, &mut errs)
        }
        (Object::Service(o), Object::Service(n)) => {
            // `ValidateServiceUpdate`: the fixed addresses first, then `ValidateService`.
            errs.extend(super::service_update::cluster_ips_update_errors(o, n));
            validate_spec(new, &mut errs)
        }
        _ => validate_spec(new, &mut errs),
    }
    finish(new, errs)
}

/// Where the field of a cause is written in the manifest. Upstream builds a few paths from
/// the wrong root (a node's taints from `metadata`, a template's labels without `metadata`);
/// the message keeps upstream's path, the editor's line marker needs the written one.
pub fn written_path(path: &str) -> String {
    const MOVED: &[(&str, &str)] = &[
        ("metadata.taints", "spec.taints"),
        ("spec.template.labels", "spec.template.metadata.labels"),
        (
            "spec.template.annotations",
            "spec.template.metadata.annotations",
        ),
    ];
    for (said, written) in MOVED {
        if let Some(rest) = path.strip_prefix(said) {
            if rest.is_empty() || rest.starts_with(['.', '[']) {
                return format!("{written}{rest}");
            }
        }
    }
    path.to_string()
}

fn finish(obj: &Object, errs: Vec<FieldError>) -> Result<(), ApiError> {
    if errs.is_empty() {
        Ok(())
    } else {
        Err(ApiError::invalid(obj.kind(), &obj.meta().name, errs))
    }
}
