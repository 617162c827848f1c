//! Service, Secret, ConfigMap (pkg/apis/core/validation).

use super::super::errors::{render_int, render_str, FieldError};
use super::meta::validate_labels;
use super::{enums, names};
use crate::engine::model::*;
use std::collections::BTreeSet;

pub fn validate_service(s: &Service, errs: &mut Vec<FieldError>) {
    let spec = &s.spec;
    let type_ = spec.type_.as_deref().unwrap_or("ClusterIP");
    if type_ != "ExternalName"
        && spec.ports.is_empty()
        && spec.cluster_ip.as_deref() != Some("None")
    {
        errs.push(FieldError::required("spec.ports", ""));
    }
    if type_ == "ExternalName" {
        validate_external_name(spec.external_name.as_deref().unwrap_or(""), errs);
    }
    let mut port_names = BTreeSet::new();
    for (i, port) in spec.ports.iter().enumerate() {
        let p = format!("spec.ports[{i}]");
        let name = port.name.as_deref().unwrap_or("");
        if spec.ports.len() > 1 && name.is_empty() {
            errs.push(FieldError::required(&format!("{p}.name"), ""));
        } else if !name.is_empty() {
            for msg in names::dns1123_label(name) {
                errs.push(FieldError::invalid(
                    &format!("{p}.name"),
                    render_str(name),
                    &msg,
                ));
            }
            if !port_names.insert(name.to_string()) {
                errs.push(FieldError::duplicate(
                    &format!("{p}.name"),
                    render_str(name),
                ));
            }
        }
        if !(1..=65535).contains(&port.port) {
            errs.push(FieldError::invalid(
                &format!("{p}.port"),
                render_int(port.port),
                names::PORT_NUM_RANGE,
            ));
        }
        if let Some(proto) = &port.protocol {
            let pp = format!("{p}.protocol");
            enums::check_supported(&pp, proto, enums::PORT_PROTOCOLS, errs);
        }
        if let Some(IntOrString::Int(t)) = &port.target_port {
            if !(1..=65535).contains(t) {
                errs.push(FieldError::invalid(
                    &format!("{p}.targetPort"),
                    render_int(*t),
                    names::PORT_NUM_RANGE,
                ));
            }
        }
    }
    // `sets.List(supportedServiceType)`: sorted.
    let service_types = &["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];
    enums::check_supported("spec.type", type_, service_types, errs);
    if let Some(a) = &spec.session_affinity {
        enums::check_supported("spec.sessionAffinity", a, &["ClientIP", "None"], errs);
    }
    if let Some(sel) = &spec.selector {
        validate_labels(sel, "spec.selector", errs);
    }
    validate_traffic_policies(spec, type_, errs);
}

/// ValidateService's ExternalName case: the CNAME (a trailing dot marks it fully qualified and
/// is dropped first) is required and must be a DNS-1123 subdomain.
fn validate_external_name(external_name: &str, errs: &mut Vec<FieldError>) {
    let cname = external_name.strip_suffix('.').unwrap_or(external_name);
    if cname.is_empty() {
        errs.push(FieldError::required("spec.externalName", ""));
        return;
    }
    for msg in names::dns1123_subdomain(cname) {
        errs.push(FieldError::invalid(
            "spec.externalName",
            render_str(cname),
            &msg,
        ));
    }
}

/// `apiservice.ExternallyAccessible`: reachable from outside the cluster network.
pub fn externally_accessible(spec: &ServiceSpec, type_: &str) -> bool {
    type_ == "LoadBalancer"
        || type_ == "NodePort"
        || (type_ == "ClusterIP"
            && spec
                .external_ips
                .as_ref()
                .is_some_and(|ips| !ips.is_empty()))
}

/// Both traffic policies' values, in upstream's hand-written order.
const TRAFFIC_POLICIES: &[&str] = &["Cluster", "Local"];

/// `validateServiceExternalTrafficPolicy` and `validateServiceInternalTrafficFieldsValue`, the
/// last checks of `ValidateService`. Both are defaulted (to Cluster) where they apply.
fn validate_traffic_policies(spec: &ServiceSpec, type_: &str, errs: &mut Vec<FieldError>) {
    let external = spec.external_traffic_policy.as_deref().unwrap_or("");
    if !externally_accessible(spec, type_) {
        if !external.is_empty() {
            errs.push(FieldError::invalid(
                "spec.externalTrafficPolicy",
                render_str(external),
                "may only be set for externally-accessible services",
            ));
        }
    } else {
        enums::require_supported(
            "spec.externalTrafficPolicy",
            external,
            TRAFFIC_POLICIES,
            errs,
        );
    }
    match spec.internal_traffic_policy.as_deref() {
        None if matches!(type_, "NodePort" | "LoadBalancer" | "ClusterIP") => {
            errs.push(FieldError::required("spec.internalTrafficPolicy", ""))
        }
        Some(p) => enums::check_supported("spec.internalTrafficPolicy", p, TRAFFIC_POLICIES, errs),
        None => {}
    }
}

/// `ValidatePodDisruptionBudgetSpec`'s enum: `sets.NewString(...).List()`, so sorted.
pub fn validate_pdb(pdb: &PodDisruptionBudget, errs: &mut Vec<FieldError>) {
    if let Some(p) = &pdb.spec.unhealthy_pod_eviction_policy {
        enums::check_supported(
            "spec.unhealthyPodEvictionPolicy",
            p,
            &["AlwaysAllow", "IfHealthyBudget"],
            errs,
        );
    }
}

pub fn validate_data_keys<'a>(
    keys: impl Iterator<Item = &'a String>,
    path: &str,
    errs: &mut Vec<FieldError>,
) {
    for k in keys {
        let ok = !k.is_empty()
            && k.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
        if !ok {
            errs.push(FieldError::invalid(
                &format!("{path}[{k}]"),
                render_str(k),
                "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
            ));
        }
    }
}
