//! `svcStrategy.PrepareForUpdate`'s `dropTypeDependentFields` (pkg/registry/core/service/
//! strategy.go): a Service is a union discriminated by `type`, so when an update switches to a
//! type that no longer uses a field the server had filled in, and the user did not change that
//! field too, the field is cleared (otherwise `type: ClusterIP` after NodePort would be refused
//! for the `externalTrafficPolicy: Cluster` the server itself defaulted).
//!
//! kubeplay's Service model has no healthCheckNodePort, allocateLoadBalancerNodePorts or
//! loadBalancerClass, so only the fields it stores are handled here.

use super::errors::{render_json, FieldError};
use crate::engine::model::{Service, ServiceSpec};
use crate::engine::service_alloc::{needs_node_ports, type_of};
use std::collections::BTreeSet;

fn needs_cluster_ip(spec: &ServiceSpec) -> bool {
    type_of(spec) != "ExternalName"
}

fn node_ports(spec: &ServiceSpec) -> BTreeSet<i64> {
    spec.ports
        .iter()
        .filter_map(|p| p.node_port)
        .filter(|n| *n != 0)
        .collect()
}

/// Go compares plain strings: an absent field and `""` are the same value.
fn same_str(a: &Option<String>, b: &Option<String>) -> bool {
    a.as_deref().unwrap_or("") == b.as_deref().unwrap_or("")
}

/// Clears what `new`'s type no longer uses, as upstream does on every Service update.
pub fn drop_type_dependent_fields(old: &Service, new: &mut Service) {
    let (o, n) = (&old.spec, &mut new.spec);
    if needs_cluster_ip(o) && !needs_cluster_ip(n) {
        if same_str(&o.cluster_ip, &n.cluster_ip)
            && o.cluster_ips.as_deref().unwrap_or(&[]) == n.cluster_ips.as_deref().unwrap_or(&[])
        {
            n.cluster_ip = None;
            n.cluster_ips = None;
        }
        if o.ip_families == n.ip_families {
            n.ip_families = None;
        }
        if same_str(&o.ip_family_policy, &n.ip_family_policy) {
            n.ip_family_policy = None;
        }
    }
    // Users may add, remove or change ports as long as they add no new node port.
    if needs_node_ports(o) && !needs_node_ports(n) && node_ports(o).is_superset(&node_ports(n)) {
        for port in &mut n.ports {
            port.node_port = None;
        }
    }
    // Upstream's `needsExternalTrafficPolicy` is the same test as `needsNodePort`.
    if needs_node_ports(o)
        && !needs_node_ports(n)
        && same_str(&o.external_traffic_policy, &n.external_traffic_policy)
    {
        n.external_traffic_policy = None;
    }
    // The load balancer's status goes with the type, at once.
    if type_of(n) != "LoadBalancer" {
        if let Some(status) = new.status.as_object_mut() {
            status.insert("loadBalancer".into(), serde_json::json!({}));
        }
    }
}

/// The service storage's `patchAllocatedValues` (storage/storage.go, before every update): what
/// the allocators handed out and the client left out (a re-applied or replaced manifest without
/// `clusterIP` or `nodePort`, or with `clusterIP: ""`) is copied from the stored Service, so an
/// update keeps its address and node ports. Node ports are matched by port name.
pub fn patch_allocated_values(old: &Service, new: &mut Service) {
    let (o, n) = (&old.spec, &mut new.spec);
    if needs_cluster_ip(o) && needs_cluster_ip(n) {
        if n.cluster_ip.as_deref().unwrap_or("").is_empty() {
            n.cluster_ip = o.cluster_ip.clone();
        }
        if n.cluster_ips.as_ref().is_none_or(|ips| ips.is_empty())
            && o.cluster_ips.as_ref().is_some_and(|ips| !ips.is_empty())
        {
            n.cluster_ips = o.cluster_ips.clone();
        }
    }
    if needs_node_ports(o) && needs_node_ports(n) {
        let used: BTreeSet<i64> = node_ports(o)
            .intersection(&node_ports(n))
            .copied()
            .collect();
        for port in &mut n.ports {
            if port.node_port.unwrap_or(0) != 0 {
                continue;
            }
            let old_port = o
                .ports
                .iter()
                .find(|p| p.name.as_deref().unwrap_or("") == port.name.as_deref().unwrap_or(""))
                .and_then(|p| p.node_port);
            if let Some(value) = old_port.filter(|v| !used.contains(v)) {
                port.node_port = Some(value);
            }
        }
    }
}

/// The service storage's `normalizeClusterIPs(after, before)` for an update (storage.go, after
/// `patchAllocatedValues`): an old client that sends only `clusterIP` changes both fields, one
/// that leaves `clusterIPs` out keeps the stored ones. Validation then judges the result, so
/// `clusterIP: 10.96.0.77` on a Service holding 10.96.0.50 is refused, not half-applied.
pub fn normalize_cluster_ips_for_update(old: &Service, new: &mut Service) {
    let (o, n) = (&old.spec, &mut new.spec);
    let old_ips = o.cluster_ips.as_deref().unwrap_or(&[]);
    let same_ips = |n: &ServiceSpec| n.cluster_ips.as_deref().unwrap_or(&[]) == old_ips;
    if !old_ips.is_empty()
        && n.cluster_ips.as_ref().is_none_or(|ips| ips.is_empty())
        && same_str(&o.cluster_ip, &n.cluster_ip)
    {
        n.cluster_ips = o.cluster_ips.clone();
    }
    if same_str(&o.cluster_ip, &n.cluster_ip) {
        return;
    }
    if !o.cluster_ip.as_deref().unwrap_or("").is_empty()
        && n.cluster_ip.as_deref().unwrap_or("").is_empty()
    {
        // A client clearing it: clear the plural on its behalf (validation judges the rest).
        if same_ips(n) {
            n.cluster_ips = None;
        }
    } else if same_ips(n) {
        n.cluster_ips = n.cluster_ip.clone().map(|ip| vec![ip]);
    }
}

/// `validateUpgradeDowngradeClusterIPs` (pkg/apis/core/validation, part of
/// `ValidateServiceUpdate`): a Service's addresses are fixed once allocated, unless the update
/// moves to or from ExternalName. kubeplay's clusters are single-stack, so only the primary
/// address can be set, and the dual-stack policy messages never apply.
pub fn cluster_ips_update_errors(old: &Service, new: &Service) -> Vec<FieldError> {
    let (o, n) = (&old.spec, &new.spec);
    if type_of(o) == "ExternalName" || type_of(n) == "ExternalName" {
        return Vec::new();
    }
    let headless = |s: &ServiceSpec| s.cluster_ip.as_deref() == Some("None");
    if headless(o) && headless(n) {
        return Vec::new();
    }
    let old_ips = o.cluster_ips.as_deref().unwrap_or(&[]);
    let new_ips = n.cluster_ips.as_deref().unwrap_or(&[]);
    let value = render_json(&serde_json::json!(new_ips));
    let path = |i: usize| format!("spec.clusterIPs[{i}]");
    let mut errs = Vec::new();
    if old_ips.len() == new_ips.len() {
        for (i, ip) in old_ips.iter().enumerate() {
            if *ip != new_ips[i] {
                errs.push(FieldError::invalid(
                    &path(i),
                    value.clone(),
                    "may not change once set",
                ));
            }
        }
    } else if old_ips.len() > new_ips.len() && new_ips.is_empty() {
        errs.push(FieldError::invalid(
            &path(0),
            value,
            "primary clusterIP can not be unset",
        ));
    } else if !old_ips.is_empty() && !new_ips.is_empty() && old_ips[0] != new_ips[0] {
        errs.push(FieldError::invalid(
            &path(0),
            value,
            "may not change once set",
        ));
    }
    errs
}
