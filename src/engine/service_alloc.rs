//! The Service REST storage's allocators (pkg/registry/core/service/storage/alloc.go and the
//! ipallocator / portallocator): every Service that needs a cluster IP gets one nobody else
//! holds, a requested one is reserved so later allocations never hand it out again, and
//! NodePort / LoadBalancer ports get a node port from 30000-32767.
//!
//! Which addresses and ports are taken is read from the stored Services, so deleting a Service
//! frees its address and ports with no bookkeeping to forget.

use super::manifest::errors::render_json;
use super::manifest::{ApiError, FieldError};
use super::model::{Kind, Object, Service, ServiceSpec};
use super::Sim;
use std::collections::BTreeSet;
use std::net::Ipv4Addr;

/// `--service-cluster-ip-range` (kind's default): the kubernetes Service holds 10.96.0.1.
pub const SERVICE_CIDR: &str = "10.96.0.0/12";
const SERVICE_CIDR_BASE: u32 = 0x0A60_0000;
const SERVICE_CIDR_BITS: u32 = 12;

fn service_cidr_contains(addr: Ipv4Addr) -> bool {
    u32::from(addr) >> (32 - SERVICE_CIDR_BITS) == SERVICE_CIDR_BASE >> (32 - SERVICE_CIDR_BITS)
}

/// The IP allocator hands out neither the network address nor the broadcast address
/// (`firstAddress` / `lastAddress` in ipallocator.go).
fn service_cidr_usable(addr: Ipv4Addr) -> bool {
    let host = u32::from(addr) & ((1 << (32 - SERVICE_CIDR_BITS)) - 1);
    host != 0 && host != (1 << (32 - SERVICE_CIDR_BITS)) - 1
}

/// `--service-node-port-range` default.
pub const NODE_PORT_MIN: i64 = 30000;
pub const NODE_PORT_MAX: i64 = 32767;
/// The bitmap allocator's static band (`min(max(16, size/32), 128)` ports at the bottom of the
/// range): random allocation looks above it first, leaving it for ports users ask for.
const NODE_PORT_STATIC_BAND: i64 = 86;

/// The Service's type, ClusterIP when it is left out.
pub fn type_of(spec: &ServiceSpec) -> &str {
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
            .flat_map(|s| s.spec.ports.iter().filter_map(|p| p.node_port))
            .collect()
    }

    /// What the allocators refuse before a new Service is stored: an address outside the
    /// service CIDR or held by another Service (`failed to allocate IP ...`), a node port
    /// outside 30000-32767 or held by another Service.
    pub fn admit_service_create(&self, obj: &Object) -> Result<(), ApiError> {
        let Object::Service(svc) = obj else {
            return Ok(());
        };
        let mut spec = svc.spec.clone();
        normalize_cluster_ips(&mut spec);
        let name = &svc.metadata.name;
        if type_of(&spec) != "ExternalName" {
            check_cluster_ips_related_fields(&spec)
                .map_err(|causes| ApiError::invalid(Kind::Service, name, causes))?;
        }
        if type_of(&spec) != "ExternalName" && !spec.is_headless() {
            self.check_requested_ips(&spec, None)
                .map_err(|cause| ApiError::invalid(Kind::Service, name, vec![cause]))?;
        }
        if needs_node_ports(&spec) {
            self.check_requested_node_ports(&spec, None, None)
                .map_err(|cause| ApiError::invalid(Kind::Service, name, vec![cause]))?;
        }
        Ok(())
    }

    /// The storage's `allocateUpdate`, before an update is validated and stored: the one check
    /// every Service update (apply, replace, patch) goes through. Only what the update asks the
    /// allocators for is judged, as upstream: an address when an ExternalName Service gets
    /// one, and each node port the Service did not already hold. An update that leaves the
    /// addresses and node ports alone is never refused here.
    pub fn admit_service_update(&self, live: &Object, new: &Object) -> Result<(), ApiError> {
        let (Object::Service(old), Object::Service(svc)) = (live, new) else {
            return Ok(());
        };
        let (o, n) = (&old.spec, &svc.spec);
        let except = Some(old.metadata.uid.as_str());
        let name = &svc.metadata.name;
        if type_of(n) != "ExternalName" {
            check_cluster_ips_related_fields(n)
                .map_err(|causes| ApiError::invalid(Kind::Service, name, causes))?;
        }
        if type_of(o) == "ExternalName" && type_of(n) != "ExternalName" && !n.is_headless() {
            self.check_requested_ips(n, except)
                .map_err(|cause| ApiError::invalid(Kind::Service, name, vec![cause]))?;
        }
        if needs_node_ports(n) {
            let held: BTreeSet<i64> = o.ports.iter().filter_map(|p| p.node_port).collect();
            self.check_requested_node_ports(n, Some(&held), except)
                .map_err(|cause| ApiError::invalid(Kind::Service, name, vec![cause]))?;
        }
        Ok(())
    }

    /// `allocIPs` for the addresses a client asked for (an address nobody asked for is picked
    /// from the free ones, so it cannot fail here). Addresses that do not parse are left to
    /// validation.
    fn check_requested_ips(
        &self,
        spec: &ServiceSpec,
        except: Option<&str>,
    ) -> Result<(), FieldError> {
        let Some(ips) = spec.cluster_ips.as_ref() else {
            return Ok(());
        };
        let taken = self.cluster_ips_in_use(except);
        for ip in ips.iter().filter(|ip| !ip.is_empty()) {
            let Some(SloppyIp::V4(addr)) = parse_ip_sloppy(ip) else {
                continue;
            };
            let problem = if !service_cidr_contains(addr) {
                // The MetaAllocator (MultiCIDRServiceAllocator, locked on since v1.34) finds no
                // ServiceCIDR holding the address.
                "the provided network does not match the current range".to_string()
            } else if !service_cidr_usable(addr) {
                format!(
                    "the provided IP ({ip}) is not in the valid range. The range of valid IPs is {SERVICE_CIDR}"
                )
            } else if taken
                .iter()
                .any(|t| matches!(parse_ip_sloppy(t), Some(SloppyIp::V4(held)) if held == addr))
            {
                "provided IP is already allocated".to_string()
            } else {
                continue;
            };
            return Err(FieldError::invalid(
                "spec.clusterIPs",
                render_json(&serde_json::json!(ips)),
                &format!("failed to allocate IP {ip}: {problem}"),
            ));
        }
        Ok(())
    }

    /// `initNodePorts` (create) / `updateNodePorts` (update): each requested node port the
    /// Service does not already hold goes to the port allocator, which checks the range, then
    /// that nobody holds it. On create a second port asking for a node port an earlier port
    /// of another port number took is refused too (upstream allocates it twice); on update it
    /// is allocated once. The first refusal is the error, as upstream returns at once.
    fn check_requested_node_ports(
        &self,
        spec: &ServiceSpec,
        held: Option<&BTreeSet<i64>>,
        except: Option<&str>,
    ) -> Result<(), FieldError> {
        let taken = self.node_ports_in_use(except);
        let mut allocated = BTreeSet::new();
        let mut by_service_port = std::collections::BTreeMap::new();
        for (i, port) in spec.ports.iter().enumerate() {
            let Some(n) = port.node_port.filter(|n| *n != 0) else {
                continue;
            };
            let skip = match held {
                Some(held) => held.contains(&n) || allocated.contains(&n),
                None => by_service_port.get(&port.port) == Some(&n),
            };
            if skip {
                continue;
            }
            let problem = if !(NODE_PORT_MIN..=NODE_PORT_MAX).contains(&n) {
                format!(
                    "provided port is not in the valid range. The range of valid ports is {NODE_PORT_MIN}-{NODE_PORT_MAX}"
                )
            } else if taken.contains(&n) || allocated.contains(&n) {
                "provided port is already allocated".to_string()
            } else {
                allocated.insert(n);
                by_service_port.insert(port.port, n);
                continue;
            };
            return Err(FieldError::invalid(
                &format!("spec.ports[{i}].nodePort"),
                n.to_string(),
                &problem,
            ));
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

    /// What an update asks the allocators for (`allocateUpdate`): a Service leaving
    /// ExternalName gets an address (the only update that reaches here without one, since
    /// `patchAllocatedValues` keeps the stored address), one becoming NodePort or
    /// LoadBalancer gets its node ports.
    pub(crate) fn allocate_for_update(&mut self, svc: &mut Service) {
        self.allocate_for_create(svc);
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

/// The part of `ValidateServiceClusterIPsRelatedFields` that `initIPFamilyFields` runs before
/// any address is allocated (alloc.go), so a malformed address is refused as such rather
/// than as an allocation failure. IPv4 single-stack: an IPv6 address is a family this
/// cluster does not have.
fn check_cluster_ips_related_fields(spec: &ServiceSpec) -> Result<(), Vec<FieldError>> {
    let ips = spec.cluster_ips.as_deref().unwrap_or(&[]);
    let list = render_json(&serde_json::json!(ips));
    let mut errs = Vec::new();
    match spec.cluster_ip.as_deref().filter(|ip| !ip.is_empty()) {
        Some(_) if ips.is_empty() => errs.push(FieldError::required("spec.clusterIPs", "")),
        Some(ip) if ips[0] != ip => errs.push(FieldError::invalid(
            "spec.clusterIPs",
            list.clone(),
            "first value must match `clusterIP`",
        )),
        None if !ips.is_empty() => errs.push(FieldError::invalid(
            "spec.clusterIPs",
            list.clone(),
            "must be empty when `clusterIP` is not specified",
        )),
        _ => {}
    }
    let mut bad_ip = false;
    for (i, ip) in ips.iter().enumerate() {
        if i == 0 && ip == "None" {
            if ips.len() > 1 {
                bad_ip = true;
                errs.push(FieldError::invalid(
                    "spec.clusterIPs",
                    list.clone(),
                    "'None' must be the first and only value",
                ));
            }
            continue;
        }
        let path = format!("spec.clusterIPs[{i}]");
        let value = render_json(&serde_json::json!(ip));
        // parseIP without the strict rules (StrictIPCIDRValidation is alpha, off).
        if parse_ip_sloppy(ip).is_none() {
            bad_ip = true;
            errs.push(FieldError::invalid(
                &path,
                value,
                "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
            ));
        }
    }
    if ips.len() > 2 {
        errs.push(FieldError::invalid(
            "spec.clusterIPs",
            list.clone(),
            "may only hold up to 2 values",
        ));
    }
    if errs.is_empty() && !bad_ip {
        for (i, ip) in ips.iter().enumerate() {
            if matches!(parse_ip_sloppy(ip), Some(SloppyIp::V6)) {
                errs.push(FieldError::invalid(
                    &format!("spec.clusterIPs[{i}]"),
                    list.clone(),
                    "IPv6 is not configured on this cluster",
                ));
            }
        }
    }
    if errs.is_empty() {
        Ok(())
    } else {
        Err(errs)
    }
}

enum SloppyIp {
    V4(Ipv4Addr),
    V6,
}

/// Go's `netutils.ParseIPSloppy`: IPv4 octets may have leading zeros, and an IPv4-mapped
/// IPv6 address is the IPv4 address.
fn parse_ip_sloppy(ip: &str) -> Option<SloppyIp> {
    let parts: Vec<&str> = ip.split('.').collect();
    let octets: Vec<u8> = parts
        .iter()
        .filter(|p| !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()))
        .filter_map(|p| p.parse::<u8>().ok())
        .collect();
    if parts.len() == 4 && octets.len() == 4 {
        return Some(SloppyIp::V4(Ipv4Addr::new(
            octets[0], octets[1], octets[2], octets[3],
        )));
    }
    let v6 = ip.parse::<std::net::Ipv6Addr>().ok()?;
    Some(match v6.to_ipv4_mapped() {
        Some(v4) => SloppyIp::V4(v4),
        None => SloppyIp::V6,
    })
}
