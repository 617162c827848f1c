//! What pods ask of a node, summed once per scheduling attempt (the scheduler's NodeInfo):
//! requests for the fit filter, the "non-zero" requests scoring uses, and host ports.

use crate::engine::model::{Node, Pod};

/// cpu, memory, ephemeral-storage: the resources NodeResourcesFit checks, in its order.
pub const RESOURCES: [&str; 3] = ["cpu", "memory", "ephemeral-storage"];
/// schedutil.DefaultMilliCPURequest / DefaultMemoryRequest: what a container without requests
/// counts as when scoring.
const DEFAULT_MILLI_CPU: i128 = 100;
const DEFAULT_MEMORY_MILLI: i128 = 200 * 1024 * 1024 * 1000;

/// (protocol, hostIP, hostPort).
pub type HostPort = (String, String, i64);

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Usage {
    pub pods: usize,
    /// Requests in milli-units, per `RESOURCES`.
    pub requested: [i128; 3],
    /// cpu and memory as scored.
    pub nonzero: [i128; 2],
    pub ports: Vec<HostPort>,
}

/// A node's allocatable in milli-units: cpu, memory, ephemeral-storage (as `RESOURCES`), and
/// the pod count (whole pods).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Allocatable {
    pub resources: [i128; 3],
    pub pods: i128,
}

impl Allocatable {
    pub fn compute(node: &Node) -> Allocatable {
        Allocatable {
            resources: RESOURCES.map(|r| node.allocatable_milli(r)),
            pods: node.allocatable_milli("pods") / 1000,
        }
    }
}

impl Usage {
    /// What one pod asks of its node.
    pub fn of_pod(pod: &Pod) -> Usage {
        Usage {
            pods: 1,
            requested: RESOURCES.map(|r| pod.request_milli(r)),
            nonzero: [nonzero_request(pod, "cpu"), nonzero_request(pod, "memory")],
            ports: host_ports(pod),
        }
    }

    pub fn of_pods(pods: &[&Pod]) -> Usage {
        let mut total = Usage::default();
        for p in pods {
            total.add(&Usage::of_pod(p));
        }
        total
    }

    pub fn add(&mut self, other: &Usage) {
        self.pods += other.pods;
        for i in 0..3 {
            self.requested[i] += other.requested[i];
        }
        for i in 0..2 {
            self.nonzero[i] += other.nonzero[i];
        }
        self.ports.extend(other.ports.iter().cloned());
    }

    /// Takes back what `add` added (one occurrence of each host port).
    pub fn subtract(&mut self, other: &Usage) {
        self.pods = self.pods.saturating_sub(other.pods);
        for i in 0..3 {
            self.requested[i] -= other.requested[i];
        }
        for i in 0..2 {
            self.nonzero[i] -= other.nonzero[i];
        }
        for port in &other.ports {
            if let Some(i) = self.ports.iter().position(|p| p == port) {
                self.ports.remove(i);
            }
        }
    }
}

fn nonzero_request(pod: &Pod, resource: &str) -> i128 {
    let default = if resource == "cpu" {
        DEFAULT_MILLI_CPU
    } else {
        DEFAULT_MEMORY_MILLI
    };
    let regular: i128 = pod
        .spec
        .containers
        .iter()
        .map(|c| match c.request_milli(resource) {
            0 => default,
            r => r,
        })
        .sum();
    let init = pod
        .spec
        .init_containers
        .iter()
        .map(|c| c.request_milli(resource))
        .max()
        .unwrap_or(0);
    regular.max(init)
}

/// The host ports a pod asks for. hostNetwork pods use their container ports on the host (the
/// API server defaults hostPort to containerPort for them).
pub fn host_ports(pod: &Pod) -> Vec<HostPort> {
    let host_network = pod.spec.uses_host_network();
    pod.spec
        .containers
        .iter()
        .flat_map(|c| c.ports.iter())
        .filter_map(|p| {
            let port = p.host_port.filter(|h| *h > 0).or(if host_network {
                Some(p.container_port)
            } else {
                None
            })?;
            let protocol = p.protocol.clone().unwrap_or_else(|| "TCP".into());
            let ip = p
                .host_ip
                .clone()
                .filter(|i| !i.is_empty())
                .unwrap_or_else(|| "0.0.0.0".into());
            Some((protocol, ip, port))
        })
        .collect()
}
