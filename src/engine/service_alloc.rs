//! The Service REST storage's allocators (pkg/registry/core/service/storage/alloc.go and the
//! ipallocator / portallocator): every Service that needs a cluster IP gets one nobody else
//! holds, a requested one is reserved so later allocations never hand it out again, and
//! NodePort / LoadBalancer ports get a node port from 30000-32767.
//!
//! Which addresses and ports are taken is read from the stored Services, so deleting a Service
//! frees its address and ports with no bookkeeping to forget.

use super::manifest::errors::render_json;
use super::manifest::{ApiError, FieldError};
use super::model::{Object, Service, ServiceSpec};
use super::Sim;
use std::collections::BTreeSet;

/// `--service-node-port-range` default.
pub const NODE_PORT_MIN: i64 = 30000;
pub const NODE_PORT_MAX: i64 = 32767;
/// The bitmap allocator's static band (`min(max(16, size/32), 128)` ports at the bottom of the
/// range): random allocation looks above it first, leaving it for ports users ask for.
const NODE_PORT_STATIC_BAND: i64 = 86;

fn type_of(spec: &ServiceSpec) -> &str {
    spec.type_.as_deref().unwrap_or("ClusterIP")
}

pub fn needs_node_ports(spec: &ServiceSpec) -> bool {
    matches!(type_of(spec), "NodePort" | "LoadBalancer")
}

/// The storage's `normalizeClusterIPs` for a new Service: `clusterIP: ""` asks for an address
/// like leaving it out, and `clusterIPs: [x]` alone means `clusterIP: x`.
pub fn normalize_cluster_ips(spec: &mut ServiceSpec) {
    if spec.cluster_ip.as_deref() == Some("") {
        spec.cluster_ip = None;
    }
    if spec
        .cluster_ips
        .as_ref()
        .is_some_and(|ips| ips.is_empty() || ips[0].is_empty())
    {
        spec.cluster_ips = None;
    }
    if spec.cluster_ip.is_none() {
        spec.cluster_ip = spec.cluster_ips.as_ref().map(|ips| ips[0].clone());
    }
    if spec.cluster_ips.is_none() {
        spec.cluster_ips = spec.cluster_ip.clone().map(|ip| vec![ip]);
    }
}

impl Sim {
    fn cluster_ips_in_use(&self, except: Option<&str>) -> BTreeSet<String> {
        self.store
            .list::<Service>()
            .filter(|s| Some(s.metadata.uid.as_str()) != except)
            .flat_map(|s| s.spec.cluster_ips.clone().unwrap_or_default())
            .filter(|ip| !ip.is_empty() && ip != "None")
            .collect()
    }

    fn node_ports_in_use(&self, except: Option<&str>) -> BTreeSet<i64> {
        self.store
            .list::<Service>()
            .filter(|s| Some(s.metadata.uid.as_str()) != except)
            .flat_map(|s| {
                s.spec
                    .ports
                    .iter()
                    .filter_map(|p| p.node_port)
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    /// What the allocators refuse before a new Service is stored: an address or a node port
    /// another Service holds (`failed to allocate IP ...: provided IP is already allocated`).
    pub fn admit_service_create(&self, obj: &Object) -> Result<(), ApiError> {
        let Object::Service(svc) = obj else {
            return Ok(());
        };
        let mut spec = svc.spec.clone();
        normalize_cluster_ips(&mut spec);
        let name = &svc.metadata.name;
        let taken = self.cluster_ips_in_use(None);
        if let Some(ips) = spec.cluster_ips.as_ref().filter(|_| !spec.is_headless()) {
            if let Some(ip) = ips.iter().find(|ip| taken.contains(*ip)) {
                let cause = FieldError::invalid(
                    "spec.clusterIPs",
                    render_json(&serde_json::json!(ips)),
                    &format!("failed to allocate IP {ip}: provided IP is already allocated"),
                );
                return Err(ApiError::invalid(svc_kind(), name, vec![cause]));
            }
        }
        if needs_node_ports(&spec) {
            let taken = self.node_ports_in_use(None);
            let mut causes = Vec::new();
            for (i, port) in spec.ports.iter().enumerate() {
                if let Some(n) = port.node_port.filter(|n| taken.contains(n)) {
                    causes.push(FieldError::invalid(
                        &format!("spec.ports[{i}].nodePort"),
                        n.to_string(),
                        "provided port is already allocated",
                    ));
                }
            }
            if !causes.is_empty() {
                return Err(ApiError::invalid(svc_kind(), name, causes));
            }
        }
        Ok(())
    }

    /// Fills a new Service's cluster IP(s) and node ports.
    pub(crate) fn allocate_for_create(&mut self, svc: &mut Service) {
        normalize_cluster_ips(&mut svc.spec);
        if type_of(&svc.spec) != "ExternalName" && svc.spec.cluster_ip.is_none() {
            let taken = self.cluster_ips_in_use(None);
            let ip = loop {
                let ip = self.ipam.cluster_ip();
                if !taken.contains(&ip) {
                    break ip;
                }
            };
            svc.spec.cluster_ip = Some(ip.clone());
            svc.spec.cluster_ips = Some(vec![ip]);
        }
        self.allocate_node_ports(svc);
    }

    /// On create and on update (a ClusterIP Service patched to NodePort): every port of a
    /// NodePort or LoadBalancer Service without a node port gets a free one.
    pub(crate) fn allocate_node_ports(&mut self, svc: &mut Service) {
        if !needs_node_ports(&svc.spec) || svc.spec.ports.iter().all(|p| p.node_port.is_some()) {
            return;
        }
        let mut taken = self.node_ports_in_use(Some(&svc.metadata.uid));
        taken.extend(svc.spec.ports.iter().filter_map(|p| p.node_port));
        for i in 0..svc.spec.ports.len() {
            if svc.spec.ports[i].node_port.is_some() {
                continue;
            }
            let Some(port) = self.free_node_port(&taken) else {
                continue;
            };
            taken.insert(port);
            svc.spec.ports[i].node_port = Some(port);
        }
    }

    /// A random free port above the static band, then any free port in the range.
    fn free_node_port(&mut self, taken: &BTreeSet<i64>) -> Option<i64> {
        let low = NODE_PORT_MIN + NODE_PORT_STATIC_BAND;
        let size = (NODE_PORT_MAX - low + 1) as u64;
        let start = (self.next_random() % size) as i64;
        (0..size as i64)
            .map(|k| low + (start + k) % size as i64)
            .chain(NODE_PORT_MIN..low)
            .find(|p| !taken.contains(p))
    }
}

fn svc_kind() -> super::model::Kind {
    super::model::Kind::Service
}
