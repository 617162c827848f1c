//! What `kubectl describe node` adds up under "Non-terminated Pods" and "Allocated resources"
//! (describe.go `describeNodeResource` / `getPodsTotalRequestsAndLimits`): the requests and
//! limits of the node's pods that are neither Succeeded nor Failed, against its allocatable.
//! The playground's usage bars use these same figures, so they always agree with describe.

use crate::engine::model::{format_bytes_milli, format_cpu_milli, Container, Node, Pod};
use crate::engine::Sim;

/// One pod's line of the "Non-terminated Pods" table, in milli-units.
pub struct PodAllocation<'a> {
    pub pod: &'a Pod,
    pub cpu_requests: i128,
    pub cpu_limits: i128,
    pub memory_requests: i128,
    pub memory_limits: i128,
}

/// A node's non-terminated pods and their totals, in milli-units.
pub struct Allocated<'a> {
    pub pods: Vec<PodAllocation<'a>>,
    pub cpu_requests: i128,
    pub cpu_limits: i128,
    pub memory_requests: i128,
    pub memory_limits: i128,
    pub allocatable_cpu: i128,
    pub allocatable_memory: i128,
}

fn limit_milli(c: &Container, res: &str) -> i128 {
    c.resources
        .as_ref()
        .and_then(|r| r.limits.as_ref())
        .and_then(|l| l.get(res))
        .map(|q| q.milli_or_zero())
        .unwrap_or(0)
}

fn pod_limit(pod: &Pod, res: &str) -> i128 {
    pod.spec
        .containers
        .iter()
        .map(|c| limit_milli(c, res))
        .sum()
}

/// The node's non-terminated pods (in the store's namespace/name order) and their totals.
pub fn allocated<'a>(sim: &'a Sim, node: &Node) -> Allocated<'a> {
    let pods: Vec<PodAllocation<'a>> = sim
        .store()
        .pods_on_node(&node.metadata.name)
        .filter(|p| !p.is_terminal())
        .map(|pod| PodAllocation {
            pod,
            cpu_requests: pod.request_milli("cpu"),
            cpu_limits: pod_limit(pod, "cpu"),
            memory_requests: pod.request_milli("memory"),
            memory_limits: pod_limit(pod, "memory"),
        })
        .collect();
    Allocated {
        cpu_requests: pods.iter().map(|p| p.cpu_requests).sum(),
        cpu_limits: pods.iter().map(|p| p.cpu_limits).sum(),
        memory_requests: pods.iter().map(|p| p.memory_requests).sum(),
        memory_limits: pods.iter().map(|p| p.memory_limits).sum(),
        allocatable_cpu: node.allocatable_milli("cpu"),
        allocatable_memory: node.allocatable_milli("memory"),
        pods,
    }
}

/// describe's `int64(float64(part) / float64(total) * 100)`: truncated, 0 when nothing is
/// allocatable.
pub fn percent(part: i128, total: i128) -> i128 {
    if total == 0 {
        0
    } else {
        part * 100 / total
    }
}

/// A cpu amount as describe prints it (`0`, `100m`, `2`).
pub fn cpu_text(milli: i128) -> String {
    if milli == 0 {
        "0".into()
    } else {
        format_cpu_milli(milli)
    }
}

/// A memory amount as describe prints it (`0`, `50Mi`, `8Gi`).
pub fn memory_text(milli: i128) -> String {
    if milli == 0 {
        "0".into()
    } else {
        format_bytes_milli(milli)
    }
}
