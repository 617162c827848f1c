//! Engine state -> plain view structs. Components only render these, so what the UI shows is
//! computed (and tested) natively.

use crate::engine::model::{Node, PersistentVolumeClaim, Pod, PodPhase};
use crate::engine::Sim;

mod arrivals;
mod claims;
mod moves;
mod usage;
pub use arrivals::ArrivalOrder;
pub use claims::{lane_entries, pod_order, LaneEntry};
pub use moves::{MoveTracker, MOVED_MARK_MS};
pub use usage::{node_usage, UsageMeter};

#[derive(Clone, Debug, PartialEq)]
pub struct ClusterView {
    pub time_ms: u64,
    pub nodes: Vec<NodeLane>,
    /// Pods not bound to any node, with the scheduler's reason.
    pub pending: Vec<PodChip>,
    /// PersistentVolumeClaims of every namespace, in store order.
    pub claims: Vec<ClaimChip>,
    /// What controllers and the scheduler are waiting for (`sim why`), in (actor, key) order.
    pub waiting: Vec<WaitLine>,
}

/// One line of `sim why`: who waits, on what, and why.
#[derive(Clone, Debug, PartialEq)]
pub struct WaitLine {
    /// The object the actor was reconciling (`statefulset/web`).
    pub key: String,
    /// The actor (`statefulset-controller`, `default-scheduler`, `kubelet`...).
    pub component: String,
    /// The object that waits (`pod/web-2`).
    pub subject: String,
    pub reason: String,
    /// How many other objects wait for the same reason on the same actor (the cluster view
    /// says a reason shared by 400 pending pods once).
    pub others: usize,
}

/// A PersistentVolumeClaim as the UI shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct ClaimChip {
    pub uid: String,
    pub namespace: String,
    pub name: String,
    /// `Pending`, `Bound` or `Lost`, as `kubectl get pvc` prints it.
    pub phase: String,
    /// The requested size (`1Gi`).
    pub size: Option<String>,
    pub storage_class: Option<String>,
    /// The node the scheduler picked for a WaitForFirstConsumer claim (the
    /// `volume.kubernetes.io/selected-node` annotation).
    pub node: Option<String>,
    pub terminating: bool,
    /// The bound PersistentVolume (`spec.volumeName`).
    pub volume: Option<String>,
    /// The one node the volume lives on (local-path: the PV's nodeAffinity). Set by `cluster_view`.
    pub volume_node: Option<String>,
    /// Pods that mount the claim, as `kubectl describe pvc` lists them under "Used By".
    /// Set by `cluster_view`.
    pub used_by: Vec<String>,
    /// The node lane the claim is drawn in; `None` keeps it in the claims lane. Set by
    /// `cluster_view`.
    pub lane: Option<String>,
    /// Why a claim is not bound or not in a node lane (the controller's reason or newest event).
    /// Set by `cluster_view`.
    pub reason: Option<String>,
}

pub fn claim_chip(claim: &PersistentVolumeClaim) -> ClaimChip {
    ClaimChip {
        uid: claim.metadata.uid.clone(),
        namespace: claim.metadata.namespace.clone(),
        name: claim.metadata.name.clone(),
        phase: claim.phase().to_string(),
        size: claim.requested_storage().map(|q| q.0.clone()),
        storage_class: claim.spec.storage_class_name.clone(),
        node: claim
            .metadata
            .annotations()
            .get("volume.kubernetes.io/selected-node")
            .cloned(),
        terminating: claim.metadata.deletion_timestamp.is_some(),
        volume: claim.spec.volume_name.clone(),
        volume_node: None,
        used_by: Vec::new(),
        lane: None,
        reason: None,
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct NodeLane {
    pub name: String,
    pub roles: Vec<String>,
    pub ready: bool,
    pub cordoned: bool,
    pub labels: Vec<(String, String)>,
    pub taints: Vec<String>,
    pub pods: Vec<PodChip>,
    /// cpu, memory and pods against allocatable, as `kubectl describe node` adds them up.
    pub usage: Vec<UsageMeter>,
    /// Claims drawn in this lane (their volume lives here, or their pod runs here).
    pub claims: Vec<ClaimChip>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PodChip {
    pub uid: String,
    pub namespace: String,
    pub name: String,
    pub phase: PodPhase,
    /// kubectl's STATUS column (`Running`, `ContainerCreating`, `Terminating`...).
    pub status: String,
    pub ready: bool,
    pub owner_kind: Option<String>,
    pub owner_name: Option<String>,
    pub reason: Option<String>,
    /// A terminating pod's deletionTimestamp (simulated ms): the end of its grace period.
    pub deletion_ms: Option<u64>,
    /// Its grace period (`deletionGracePeriodSeconds`), in ms.
    pub grace_ms: Option<u64>,
}

impl PodChip {
    /// Milliseconds of grace period left at `now_ms` (for a terminating pod).
    pub fn grace_left_ms(&self, now_ms: u64) -> Option<u64> {
        self.deletion_ms.map(|end| end.saturating_sub(now_ms))
    }
}

pub fn pod_chip(pod: &Pod) -> PodChip {
    let owner = pod.metadata.controller_ref();
    PodChip {
        uid: pod.metadata.uid.clone(),
        namespace: pod.metadata.namespace.clone(),
        name: pod.metadata.name.clone(),
        phase: pod.status.phase.clone(),
        status: crate::kubectl::pod_status_text(pod),
        ready: pod.is_ready(),
        owner_kind: owner.map(|o| o.kind.clone()),
        owner_name: owner.map(|o| o.name.clone()),
        reason: pod
            .condition("PodScheduled")
            .filter(|c| c.status == "False")
            .and_then(|c| c.message.clone()),
        deletion_ms: pod.metadata.deletion_timestamp.map(|t| t.0 .0),
        grace_ms: pod
            .metadata
            .deletion_grace_period_seconds
            .map(|s| s.max(0) as u64 * 1000),
    }
}

fn lane(sim: &Sim, node: &Node) -> NodeLane {
    NodeLane {
        name: node.metadata.name.clone(),
        roles: node.roles(),
        ready: node.is_ready(),
        cordoned: node.is_unschedulable(),
        labels: node
            .metadata
            .labels()
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        taints: node.spec.taints.iter().map(|t| t.display()).collect(),
        pods: sim
            .store()
            .pods_on_node(&node.metadata.name)
            .map(pod_chip)
            .collect(),
        usage: node_usage(sim, node),
        claims: Vec::new(),
    }
}

pub fn cluster_view(sim: &Sim) -> ClusterView {
    let mut view = ClusterView {
        time_ms: sim.now().0,
        nodes: sim.store().list::<Node>().map(|n| lane(sim, n)).collect(),
        pending: sim
            .store()
            .list::<Pod>()
            .filter(|p| p.node_name().is_none())
            .map(pod_chip)
            .collect(),
        claims: sim
            .store()
            .list::<PersistentVolumeClaim>()
            .map(claim_chip)
            .collect(),
        waiting: grouped(waiting(sim)),
    };
    claims::place_claims(sim, &mut view.nodes, &mut view.claims);
    view
}

/// Lines of objects that wait for themselves (a pending pod, a pod whose image will not pull)
/// with the same actor and reason become one line, the first, counting the others; the order
/// of first appearance stays.
fn grouped(lines: Vec<WaitLine>) -> Vec<WaitLine> {
    let mut out: Vec<WaitLine> = Vec::new();
    let mut seen: std::collections::BTreeMap<(String, String), usize> = Default::default();
    for line in lines {
        if line.key != line.subject {
            out.push(line);
            continue;
        }
        let group = (line.component.clone(), line.reason.clone());
        match seen.get(&group) {
            Some(&at) => out[at].others += 1,
            None => {
                seen.insert(group, out.len());
                out.push(line);
            }
        }
    }
    out
}

/// Every `sim why` line, in (actor, key) order.
fn waiting(sim: &Sim) -> Vec<WaitLine> {
    sim.why_all()
        .map(|(controller, key, why)| WaitLine {
            key: key.short(),
            component: controller.component().to_string(),
            subject: why.subject.short(),
            reason: why.reason.to_string(),
            others: 0,
        })
        .collect()
}

/// What the inspector can show: a pod, a node or a claim.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InspectKind {
    Pod,
    Node,
    Claim,
}

impl InspectKind {
    /// The resource name kubectl takes.
    pub fn resource(self) -> &'static str {
        match self {
            InspectKind::Pod => "pod",
            InspectKind::Node => "node",
            InspectKind::Claim => "pvc",
        }
    }
}

/// The object the user selected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InspectTarget {
    pub kind: InspectKind,
    /// Empty for nodes.
    pub namespace: String,
    pub name: String,
}

/// Everything the inspector panel shows about one object.
#[derive(Clone, Debug, PartialEq)]
pub struct InspectView {
    pub target: InspectTarget,
    /// `kubectl get <kind> <name> -o yaml`.
    pub yaml: String,
    /// Short facts: (label, value).
    pub summary: Vec<(String, String)>,
    /// The Events section of `kubectl describe`, as kubectl prints it.
    pub events: String,
    /// A StatefulSet pod's stable DNS name (hostname.subdomain.namespace.svc.cluster.local).
    pub dns: Option<String>,
    /// The claims a pod mounts.
    pub claims: Vec<String>,
    /// The controllers' and the scheduler's reasons about this object (`sim why`).
    pub why: Vec<WaitLine>,
}

fn kubectl_text(sim: &mut Sim, words: &[&str]) -> String {
    let args: Vec<String> = words.iter().map(|w| w.to_string()).collect();
    crate::kubectl::run(sim, &args, None).text
}

/// The inspector's view of `target`, or `None` once the object is gone.
pub fn inspect(sim: &mut Sim, target: &InspectTarget) -> Option<InspectView> {
    let (summary, dns, claims) = match target.kind {
        InspectKind::Pod => {
            let pod = sim.store().get::<Pod>(&target.namespace, &target.name)?;
            let chip = pod_chip(pod);
            let mut summary = vec![
                ("Status".to_string(), chip.status.clone()),
                (
                    "Ready".to_string(),
                    if chip.ready { "True" } else { "False" }.to_string(),
                ),
                (
                    "Node".to_string(),
                    pod.node_name().unwrap_or("<none>").to_string(),
                ),
            ];
            if let Some(ip) = &pod.status.pod_ip {
                summary.push(("IP".to_string(), ip.clone()));
            }
            if let (Some(k), Some(n)) = (chip.owner_kind, chip.owner_name) {
                summary.push(("Controlled By".to_string(), format!("{k}/{n}")));
            }
            if let Some(reason) = chip.reason {
                summary.push(("Scheduler".to_string(), reason));
            }
            // The stable name exists only while a Service named like the subdomain does
            // (a StatefulSet's headless Service).
            let dns = match (&pod.spec.hostname, &pod.spec.subdomain) {
                (Some(host), Some(sub)) => {
                    let fqdn = format!("{host}.{sub}.{}.svc.cluster.local", target.namespace);
                    if sim
                        .store()
                        .get::<crate::engine::model::Service>(&target.namespace, sub)
                        .is_some()
                    {
                        Some(fqdn)
                    } else {
                        Some(format!(
                            "{fqdn} (does not resolve: no Service {sub} in {})",
                            target.namespace
                        ))
                    }
                }
                _ => None,
            };
            let claims = pod
                .spec
                .volumes
                .iter()
                .filter_map(|v| v.persistent_volume_claim.as_ref())
                .map(|c| c.claim_name.clone())
                .collect();
            (summary, dns, claims)
        }
        InspectKind::Node => {
            let node = sim.store().get::<Node>("", &target.name)?;
            let lane = lane(sim, node);
            let mut summary = vec![
                (
                    "Ready".to_string(),
                    if lane.ready { "True" } else { "False" }.to_string(),
                ),
                ("Unschedulable".to_string(), lane.cordoned.to_string()),
                ("Pods".to_string(), lane.pods.len().to_string()),
            ];
            if !lane.roles.is_empty() {
                summary.push(("Roles".to_string(), lane.roles.join(",")));
            }
            if !lane.taints.is_empty() {
                summary.push(("Taints".to_string(), lane.taints.join(", ")));
            }
            // The lane's meters: describe node's "Allocated resources" requests, and pod count.
            for m in &lane.usage {
                let label = match m.resource {
                    "pods" => "Non-terminated pods".to_string(),
                    r => format!("{r} requests"),
                };
                summary.push((label, m.value_text()));
            }
            (summary, None, Vec::new())
        }
        InspectKind::Claim => {
            let claim = sim
                .store()
                .get::<PersistentVolumeClaim>(&target.namespace, &target.name)?;
            let chip = claim_chip(claim);
            let mut summary = vec![("Status".to_string(), chip.phase.clone())];
            if let Some(v) = &claim.spec.volume_name {
                summary.push(("Volume".to_string(), v.clone()));
            }
            if let Some(s) = chip.size {
                summary.push(("Capacity request".to_string(), s));
            }
            if let Some(c) = chip.storage_class {
                summary.push(("StorageClass".to_string(), c));
            }
            if let Some(n) = chip.node {
                summary.push(("Selected node".to_string(), n));
            }
            let (users, volume_node) = claims::claim_facts(sim, claim);
            if let Some(n) = volume_node {
                summary.push(("Volume node".to_string(), n));
            }
            // `kubectl describe pvc`'s "Used By".
            summary.push((
                "Used By".to_string(),
                if users.is_empty() {
                    "<none>".to_string()
                } else {
                    users.join(",")
                },
            ));
            (summary, None, Vec::new())
        }
    };
    let resource = target.kind.resource();
    let mut get = vec!["get", resource, target.name.as_str(), "-o", "yaml"];
    let mut describe = vec!["describe", resource, target.name.as_str()];
    if target.kind != InspectKind::Node {
        get.extend(["-n", target.namespace.as_str()]);
        describe.extend(["-n", target.namespace.as_str()]);
    }
    let yaml = kubectl_text(sim, &get);
    let described = kubectl_text(sim, &describe);
    let events = described
        .find("\nEvents:")
        .map(|i| described[i + 1..].trim_end().to_string())
        .unwrap_or_default();
    let subject = match target.kind {
        InspectKind::Pod => format!("pod/{}", target.name),
        InspectKind::Node => format!("node/{}", target.name),
        InspectKind::Claim => format!("persistentvolumeclaim/{}", target.name),
    };
    let why = waiting(sim)
        .into_iter()
        .filter(|w| w.subject == subject || w.key == subject)
        .collect();
    Some(InspectView {
        target: target.clone(),
        yaml,
        summary,
        events,
        dns,
        claims,
        why,
    })
}
