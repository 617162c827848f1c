//! The node filters of kube-scheduler's default profile, in its order (NodeUnschedulable,
//! NodeName, TaintToleration, NodeAffinity, NodePorts, NodeResourcesFit; VolumeBinding lives in
//! `volumes.rs`). A node reports only its first failing filter, as the framework does.

use super::cache::NodeInfo;
use super::node_selector::{
    first_untolerated_hard_taint, pod_required_affinity_matches, tolerated_by,
};
use super::usage::{HostPort, Usage, RESOURCES};
use crate::engine::model::{Node, Pod, Taint, TaintEffect};
use crate::engine::store::Store;

/// Why one node was rejected: the plugin's reasons and whether preemption could ever help
/// (`Unschedulable`) or not (`UnschedulableAndUnresolvable`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeStatus {
    pub reasons: Vec<String>,
    pub unresolvable: bool,
}

impl NodeStatus {
    pub fn unresolvable(reason: &str) -> Self {
        NodeStatus {
            reasons: vec![reason.to_string()],
            unresolvable: true,
        }
    }
    pub fn resolvable(reason: &str) -> Self {
        NodeStatus {
            reasons: vec![reason.to_string()],
            unresolvable: false,
        }
    }
}

pub const UNSCHEDULABLE_TAINT: &str = "node.kubernetes.io/unschedulable";
pub const REASON_UNSCHEDULABLE: &str = "node(s) were unschedulable";
pub const REASON_NODE_NAME: &str = "node(s) didn't match the requested node name";
pub const REASON_TAINT: &str = "node(s) had untolerated taint(s)";
pub const REASON_AFFINITY: &str = "node(s) didn't match Pod's node affinity/selector";
pub const REASON_PORTS: &str = "node(s) didn't have free ports for the requested pod ports";
/// Nodes the NodeAffinity PreFilter left out (a DaemonSet pod's `matchFields` names one node).
pub const REASON_PREFILTER_AFFINITY: &str = "node(s) didn't satisfy plugin(s) [NodeAffinity]";

/// The non-terminal pods bound to `node`, other than `incoming` (what preemption and spreading
/// look at). Costs the pods of that node only.
pub fn placed_on<'a>(store: &'a Store, node: &str, incoming: &Pod) -> Vec<&'a Pod> {
    store
        .pods_on_node(node)
        .filter(|p| !p.is_terminal() && p.metadata.uid != incoming.metadata.uid)
        .collect()
}

/// Runs the node filters in order; `None` means the node passes them all. `demand` is the
/// pod's own usage, `used` what the node's pods already hold.
pub fn run_node_filters(
    pod: &Pod,
    demand: &Usage,
    node: &Node,
    info: &NodeInfo,
) -> Option<NodeStatus> {
    node_unschedulable(pod, node)
        .or_else(|| node_name(pod, node))
        .or_else(|| taint_toleration(pod, node))
        .or_else(|| node_affinity(pod, node))
        .or_else(|| node_ports(demand, &info.used))
        .or_else(|| node_resources_fit(demand, info))
}

/// NodeUnschedulable: a cordoned node only takes pods that tolerate
/// `node.kubernetes.io/unschedulable:NoSchedule`.
fn node_unschedulable(pod: &Pod, node: &Node) -> Option<NodeStatus> {
    if !node.is_unschedulable() {
        return None;
    }
    let taint = Taint {
        effect: TaintEffect::NoSchedule,
        key: UNSCHEDULABLE_TAINT.into(),
        time_added: None,
        value: None,
    };
    if tolerated_by(&pod.spec.tolerations, &taint) {
        None
    } else {
        Some(NodeStatus::unresolvable(REASON_UNSCHEDULABLE))
    }
}

/// NodeName: only relevant for pods that name a node but were not bound directly.
fn node_name(pod: &Pod, node: &Node) -> Option<NodeStatus> {
    match pod.node_name() {
        Some(n) if n != node.metadata.name => Some(NodeStatus::unresolvable(REASON_NODE_NAME)),
        _ => None,
    }
}

/// TaintToleration: NoSchedule and NoExecute taints must be tolerated (PreferNoSchedule only
/// lowers the score). Since 1.36 the reason no longer names the taint.
fn taint_toleration(pod: &Pod, node: &Node) -> Option<NodeStatus> {
    first_untolerated_hard_taint(pod, node).map(|_| NodeStatus::unresolvable(REASON_TAINT))
}

fn node_affinity(pod: &Pod, node: &Node) -> Option<NodeStatus> {
    if pod_required_affinity_matches(pod, node) {
        None
    } else {
        Some(NodeStatus::unresolvable(REASON_AFFINITY))
    }
}

fn ports_conflict(a: &HostPort, b: &HostPort) -> bool {
    a.0 == b.0 && a.2 == b.2 && (a.1 == "0.0.0.0" || b.1 == "0.0.0.0" || a.1 == b.1)
}

/// NodePorts: a host port (per protocol and IP) can be used by one pod per node.
fn node_ports(demand: &Usage, used: &Usage) -> Option<NodeStatus> {
    let conflict = demand
        .ports
        .iter()
        .any(|w| used.ports.iter().any(|u| ports_conflict(w, u)));
    conflict.then(|| NodeStatus::resolvable(REASON_PORTS))
}

/// NodeResourcesFit: pod count, then cpu, memory and ephemeral-storage requests against what is
/// left of allocatable. All failing resources are reported; a request larger than the whole
/// node makes the failure unresolvable (no preemption can help).
fn node_resources_fit(demand: &Usage, info: &NodeInfo) -> Option<NodeStatus> {
    let mut reasons = Vec::new();
    let mut unresolvable = false;
    let (allocatable, used) = (&info.allocatable, &info.used);
    if used.pods as i128 + 1 > allocatable.pods {
        reasons.push("Too many pods".to_string());
    }
    for (i, resource) in RESOURCES.iter().enumerate() {
        let request = demand.requested[i];
        if request == 0 {
            continue;
        }
        let available = allocatable.resources[i];
        if request > available - used.requested[i] {
            reasons.push(format!("Insufficient {resource}"));
            if request > available {
                unresolvable = true;
            }
        }
    }
    if reasons.is_empty() {
        None
    } else {
        Some(NodeStatus {
            reasons,
            unresolvable,
        })
    }
}
