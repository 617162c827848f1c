//! Pod IPs: the lowest free host address of the node's podCIDR, as a CNI with host-local IPAM
//! hands them out on a fresh node; host-network pods share the node's address.

use crate::engine::model::{Node, Pod};
use crate::engine::store::Store;
use std::collections::BTreeSet;

pub fn pod_ip(store: &Store, node: &Node, pod: &Pod) -> Option<String> {
    if pod.spec.uses_host_network() {
        return node.internal_ip().map(str::to_string);
    }
    let cidr = node.spec.pod_cidr.as_deref()?;
    let prefix = cidr.split('/').next()?.rsplit_once('.')?.0;
    let used: BTreeSet<String> = store
        .pods_on_node(&node.metadata.name)
        .filter(|p| {
            p.metadata.uid != pod.metadata.uid && !p.is_terminal() && !p.spec.uses_host_network()
        })
        .filter_map(|p| p.status.pod_ip.clone())
        .collect();
    (2..=254u32)
        .map(|host| format!("{prefix}.{host}"))
        .find(|ip| !used.contains(ip))
}
