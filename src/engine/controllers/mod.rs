//! The controllers of kube-controller-manager, each a pure function from the cluster to a
//! `Reconcile` (actions plus the reasons it is waiting).

pub mod controller_utils;
pub mod daemonset;
pub mod deployment;
pub mod disruption;
pub mod endpoints;
pub mod endpointslice;
pub mod gc;
pub mod node_lifecycle;
pub mod podgc;
pub mod replicaset;
pub mod statefulset;
pub mod taint_eviction;
pub mod volume;

use super::action::{ControllerId, Reconcile};
use super::store::ObjectKey;
use super::Ctx;

/// Routes one work item to its actor.
pub fn reconcile(id: ControllerId, ctx: &Ctx, key: &ObjectKey) -> Reconcile {
    match id {
        ControllerId::NodeLifecycle => node_lifecycle::reconcile(ctx, key),
        ControllerId::TaintEviction => taint_eviction::reconcile(ctx, key),
        ControllerId::Volume => volume::reconcile(ctx, key),
        ControllerId::Provisioner => volume::provisioner::reconcile(ctx, key),
        ControllerId::AttachDetach => volume::attach::reconcile(ctx, key),
        ControllerId::StatefulSet => statefulset::reconcile(ctx, key),
        ControllerId::DaemonSet => daemonset::reconcile(ctx, key),
        ControllerId::Deployment => deployment::reconcile(ctx, key),
        ControllerId::ReplicaSet => replicaset::reconcile(ctx, key),
        ControllerId::GarbageCollector => gc::reconcile(ctx, key),
        ControllerId::PodGc => podgc::reconcile(ctx, key),
        ControllerId::Endpoints => endpoints::reconcile(ctx, key),
        ControllerId::EndpointSlice => endpointslice::reconcile(ctx, key),
        ControllerId::Disruption => disruption::reconcile(ctx, key),
        ControllerId::Scheduler => super::scheduler::reconcile(ctx, key),
        ControllerId::Kubelet => super::kubelet::reconcile(ctx, key),
    }
}
