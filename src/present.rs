//! Engine state -> plain view structs. Components only render these, so what the UI shows is
//! computed (and tested) natively.

use crate::engine::model::{Node, PersistentVolumeClaim, Pod, PodPhase};
use crate::engine::Sim;

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
}

pub fn pod_chip(pod: &Pod) -> PodChip {
    let owner = pod.metadata.controller_ref();
    PodChip {
        uid: pod.metadata.uid.clone(),
        namespace: pod.metadata.namespace.clone(),
        name: pod.metadata.name.clone(),
        phase: pod.status.phase,
        status: crate::kubectl::pod_status_text(pod),
        ready: pod.is_ready(),
        owner_kind: owner.map(|o| o.kind.clone()),
        owner_name: owner.map(|o| o.name.clone()),
        reason: pod
            .condition("PodScheduled")
            .filter(|c| c.status == "False")
            .and_then(|c| c.message.clone()),
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
    }
}

pub fn cluster_view(sim: &Sim) -> ClusterView {
    ClusterView {
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
        waiting: sim
            .why_all()
            .map(|(controller, key, why)| WaitLine {
                key: key.short(),
                component: controller.component().to_string(),
                subject: why.subject.short(),
                reason: why.reason.to_string(),
            })
            .collect(),
    }
}
