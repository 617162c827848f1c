//! Cluster DNS as CoreDNS's kubernetes plugin answers it, seen from a pod whose resolv.conf is
//! `search <ns>.svc.cluster.local svc.cluster.local cluster.local` with `ndots:5`:
//!
//! * `<svc>.<ns>.svc.cluster.local`: the ClusterIP; for a headless Service the IPs of its ready
//!   endpoints (all of them with `publishNotReadyAddresses`); for ExternalName a CNAME to the
//!   target, followed only when the target is itself a cluster name.
//! * `<hostname>.<svc>.<ns>.svc.cluster.local`: a pod whose `hostname`/`subdomain` put it in a
//!   headless Service's endpoints (StatefulSet pods: `web-0.nginx`), while it is listed there.
//! * `<a-b-c-d>.<ns>.pod.cluster.local`: the pod A record CoreDNS synthesises.
//!
//! Answers come from the Endpoints objects, as CoreDNS reads endpoints rather than pods. The
//! simulated cluster has no upstream resolver, so names outside `cluster.local` do not resolve.

use crate::engine::model::{Endpoints, Service};
use crate::engine::store::Store;

pub const CLUSTER_DOMAIN: &str = "cluster.local";
const NDOTS: usize = 5;

/// One answer: the name that matched after the search list, the CNAME an ExternalName
/// Service points to (if any), and the addresses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    pub fqdn: String,
    pub cname: Option<String>,
    pub ips: Vec<String>,
}

/// Resolves `name` as a pod in `from_namespace` would. `Err` is nslookup's complaint
/// (`server can't find <name>: NXDOMAIN`).
pub fn resolve(store: &Store, from_namespace: &str, name: &str) -> Result<Vec<String>, String> {
    let answer = lookup(store, from_namespace, name)?;
    match (answer.ips.is_empty(), answer.cname) {
        (false, _) => Ok(answer.ips),
        // An ExternalName outside the cluster: there is no upstream resolver to ask.
        (true, Some(target)) => Err(format!("server can't find {target}: NXDOMAIN")),
        (true, None) => Err(format!("server can't find {}: NXDOMAIN", name.trim())),
    }
}

/// Like `resolve`, with the fully qualified name that answered (nslookup's `Name:` line) and
/// the CNAME of an ExternalName Service.
pub fn lookup(store: &Store, from_namespace: &str, name: &str) -> Result<Answer, String> {
    let lower = name.trim().to_ascii_lowercase();
    let not_found = || format!("server can't find {}: NXDOMAIN", name.trim());
    if lower.is_empty() || lower.len() > 253 {
        return Err(not_found());
    }
    for candidate in candidates(&lower, from_namespace) {
        if let Some(records) = resolve_fqdn(store, &candidate) {
            return Ok(match records {
                Records::Addresses(ips) => Answer {
                    fqdn: candidate,
                    cname: None,
                    ips,
                },
                Records::Alias(target) => {
                    let target = target.trim_end_matches('.').to_ascii_lowercase();
                    let ips = match resolve_fqdn(store, &target) {
                        Some(Records::Addresses(ips)) => ips,
                        _ => Vec::new(),
                    };
                    Answer {
                        fqdn: candidate,
                        cname: Some(target),
                        ips,
                    }
                }
            });
        }
    }
    Err(not_found())
}

enum Records {
    Addresses(Vec<String>),
    /// ExternalName: a CNAME to this name.
    Alias(String),
}

/// The names the resolver tries, in order (glibc/musl search-list rules with ndots:5).
fn candidates(name: &str, ns: &str) -> Vec<String> {
    if let Some(absolute) = name.strip_suffix('.') {
        return vec![absolute.to_string()];
    }
    let search = [
        format!("{ns}.svc.{CLUSTER_DOMAIN}"),
        format!("svc.{CLUSTER_DOMAIN}"),
        CLUSTER_DOMAIN.to_string(),
    ];
    let mut list: Vec<String> = search.iter().map(|s| format!("{name}.{s}")).collect();
    if name.matches('.').count() >= NDOTS {
        list.insert(0, name.to_string());
    } else {
        list.push(name.to_string());
    }
    list
}

fn resolve_fqdn(store: &Store, fqdn: &str) -> Option<Records> {
    let local = fqdn.strip_suffix(&format!(".{CLUSTER_DOMAIN}"))?;
    let labels: Vec<&str> = local.split('.').collect();
    match labels.as_slice() {
        [svc, ns, "svc"] => service_records(store, ns, svc),
        [host, svc, ns, "svc"] => endpoint_record(store, ns, svc, host).map(Records::Addresses),
        [dashed, _ns, "pod"] => pod_record(dashed).map(Records::Addresses),
        _ => None,
    }
}

fn ready_ips(ep: &Endpoints) -> Vec<String> {
    let mut ips: Vec<String> = ep
        .subsets
        .iter()
        .flat_map(|s| s.addresses.iter().map(|a| a.ip.clone()))
        .collect();
    crate::engine::stable_sort::sort(&mut ips);
    ips.dedup();
    ips
}

fn service_records(store: &Store, ns: &str, name: &str) -> Option<Records> {
    let svc = store.get::<Service>(ns, name)?;
    if svc.spec.type_.as_deref() == Some("ExternalName") {
        return svc.spec.external_name.clone().map(Records::Alias);
    }
    if svc.spec.is_headless() {
        let ips = ready_ips(store.get::<Endpoints>(ns, name)?);
        return (!ips.is_empty()).then_some(Records::Addresses(ips));
    }
    let ip = svc.spec.cluster_ip.clone().filter(|ip| !ip.is_empty())?;
    Some(Records::Addresses(vec![ip]))
}

/// `web-0.nginx.default.svc.cluster.local`, or an endpoint's dashed IP.
fn endpoint_record(store: &Store, ns: &str, svc: &str, host: &str) -> Option<Vec<String>> {
    let service = store.get::<Service>(ns, svc)?;
    if !service.spec.is_headless() {
        return None;
    }
    let ep = store.get::<Endpoints>(ns, svc)?;
    let ip = ep
        .subsets
        .iter()
        .flat_map(|s| s.addresses.iter())
        .find(|a| a.hostname.as_deref() == Some(host) || a.ip.replace('.', "-") == host)?
        .ip
        .clone();
    Some(vec![ip])
}

fn pod_record(dashed: &str) -> Option<Vec<String>> {
    let parts: Vec<&str> = dashed.split('-').collect();
    let valid = parts.len() == 4 && parts.iter().all(|p| p.parse::<u8>().is_ok());
    valid.then(|| vec![parts.join(".")])
}
