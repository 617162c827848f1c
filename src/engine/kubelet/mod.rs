//! The simulated kubelet: one pure pass over one bound pod. It reads the pod, its node and its
//! own earlier events, and returns the status the real kubelet would report next, the events it
//! would record and when to look again.
//!
//! Stages, as on a real node: the first status (Pending, ContainerCreating, hostIP, startTime);
//! volumes; image pulls (`Pulling`, `Pulled`, or `already present`); container config;
//! `Created`/`Started`; readiness probes; crashes and CrashLoopBackOff; termination on delete.
//! A pod on a node whose kubelet is down (`sim node fail`) gets no updates at all, and a pod
//! whose node no longer exists is left to pod garbage collection, as in a real cluster.
//!
//! `sim pod fail` is modelled as the pod failing as a whole (all containers exit 1 and the phase
//! becomes Failed, whatever the restartPolicy), because that is what the StatefulSet and DaemonSet
//! "failed pod" lessons need; on a real node a restartPolicy Always pod reaches Failed this way
//! only through eviction or node shutdown.

mod env;
mod images;
mod init;
mod ips;
mod lifecycle;
mod memory;
pub mod node_status;
mod plan;
mod probes;
mod retry;
mod status;
mod termination;

pub use images::{image_id, normalized as normalized_image};

use crate::engine::action::Reconcile;
use crate::engine::apply::set_pod_condition;
use crate::engine::model::{IpEntry, Node, Pod, PodPhase};
use crate::engine::store::ObjectKey;
use crate::engine::time::Timestamp;
use crate::engine::Ctx;
use plan::Plan;

pub fn reconcile(ctx: &Ctx, key: &ObjectKey) -> Reconcile {
    let Some(pod) = ctx.store.get::<Pod>(&key.namespace, &key.name) else {
        return Reconcile::default();
    };
    let Some(node_name) = pod.node_name() else {
        return Reconcile::default();
    };
    // No node: pod GC's business. Failed node: its kubelet is not there to do anything.
    let Some(node) = ctx.store.get::<Node>("", node_name) else {
        return Reconcile::default();
    };
    if ctx.faults.failed_nodes.contains(node_name) {
        return Reconcile::default();
    }
    let plan = Plan::new(ctx, node, pod);
    if pod.metadata.deletion_timestamp.is_some() {
        return termination::terminate(plan, pod);
    }
    if pod.is_terminal() {
        return Reconcile::default();
    }
    run(plan, pod)
}

fn run(mut plan: Plan, original: &Pod) -> Reconcile {
    let now = plan.now();
    if plan.pod.status.start_time.is_none() {
        first_status(&mut plan);
    }
    if fail_requested(&plan) {
        fail_pod(&mut plan);
        return plan.finish(original);
    }
    match env::volumes_ready(plan.ctx.store, &plan.pod) {
        Ok(()) => {}
        Err(env::VolumeWait::Claim {
            timeout_message,
            reason,
        }) => {
            let started = plan.pod.status.start_time.map_or(now, |t| t.0);
            let timeout_at = started + env::MOUNT_TIMEOUT;
            if now >= timeout_at {
                if plan.history.last("FailedMount", &timeout_message).is_none() {
                    plan.event(true, "FailedMount", timeout_message);
                }
            } else {
                plan.wake_at(timeout_at);
            }
            plan.waiting_because(format!("volumes cannot be mounted yet: {reason}"));
            return finish_status(plan, original);
        }
        Err(env::VolumeWait::Mount(message)) => {
            if plan.history.last("FailedMount", &message).is_none() {
                plan.event(true, "FailedMount", message.clone());
            }
            plan.waiting_because(message);
            return finish_status(plan, original);
        }
    }
    let initialized = plan.pod.spec.init_containers.is_empty() || init::advance(&mut plan);
    let containers = if initialized {
        plan.pod.spec.containers.clone()
    } else {
        Vec::new()
    };
    for container in &containers {
        let mut cs = plan
            .pod
            .status
            .container_statuses
            .iter()
            .find(|c| c.name == container.name)
            .cloned()
            .unwrap_or_else(|| status::creating(&container.name, &container.image));
        lifecycle::advance(&mut plan, container, &mut cs);
        match plan
            .pod
            .status
            .container_statuses
            .iter_mut()
            .find(|c| c.name == container.name)
        {
            Some(slot) => *slot = cs,
            None => plan.pod.status.container_statuses.push(cs),
        }
    }
    // The sandbox (and its IP) exists once the first pass got past volumes and a container
    // left ContainerCreating.
    let sandbox_up = plan.pod.status.pod_ip.is_some()
        || plan
            .pod
            .status
            .container_statuses
            .iter()
            .chain(&plan.pod.status.init_container_statuses)
            .any(|c| {
                !matches!(
                    c.waiting_reason(),
                    Some("ContainerCreating" | "PodInitializing")
                )
            });
    if sandbox_up && plan.pod.status.pod_ip.is_none() {
        if let Some(ip) = ips::pod_ip(plan.ctx.store, plan.node, &plan.pod) {
            plan.pod.status.pod_ip = Some(ip.clone());
            plan.pod.status.pod_ips = Some(vec![IpEntry { ip }]);
        }
    }
    if sandbox_up {
        set_pod_condition(
            &mut plan.pod,
            "PodReadyToStartContainers",
            "True",
            None,
            None,
            now,
        );
    }
    finish_status(plan, original)
}

/// Phase, readiness conditions and condition order, then the actions.
fn finish_status(mut plan: Plan, original: &Pod) -> Reconcile {
    let now = plan.now();
    plan.pod.status.phase = status::phase(&plan.pod);
    status::set_readiness(&mut plan.pod, now);
    status::order_conditions(&mut plan.pod);
    status::observe_generation(&mut plan.pod);
    plan.finish(original)
}

/// The kubelet's first status for a pod it has just been given.
fn first_status(plan: &mut Plan) {
    let now = plan.now();
    let host_ip = plan.node.internal_ip().map(str::to_string);
    let pod = &mut plan.pod;
    pod.status.phase = PodPhase::Pending;
    pod.status.host_ip = host_ip.clone();
    pod.status.host_ips = host_ip.map(|ip| vec![IpEntry { ip }]);
    pod.status.start_time = Some(Timestamp(now));
    let has_init = !pod.spec.init_containers.is_empty();
    let entry = |c: &crate::engine::model::Container| {
        if has_init {
            init::initializing(&c.name, &c.image)
        } else {
            status::creating(&c.name, &c.image)
        }
    };
    pod.status.init_container_statuses = pod.spec.init_containers.iter().map(entry).collect();
    pod.status.container_statuses = pod.spec.containers.iter().map(entry).collect();
    set_pod_condition(pod, "PodReadyToStartContainers", "False", None, None, now);
    // No init container has run yet.
    let init_names: Vec<String> = pod
        .spec
        .init_containers
        .iter()
        .map(|c| c.name.clone())
        .collect();
    init::set_initialized(pod, &init_names, now);
    set_pod_condition(pod, "PodScheduled", "True", None, None, now);
}

/// `sim pod fail` applies to the pod that existed when it was given, not to its replacement.
fn fail_requested(plan: &Plan) -> bool {
    let id = (
        plan.pod.metadata.namespace.clone(),
        plan.pod.metadata.name.clone(),
    );
    if !plan.ctx.faults.failed_pods.contains(&id) {
        return false;
    }
    if let Some(uid) = plan.ctx.faults.failed_uids.get(&id) {
        return *uid == plan.pod.metadata.uid;
    }
    match (
        plan.ctx.faults.failed_since.get(&id),
        plan.pod.metadata.creation_timestamp,
    ) {
        (Some(since), Some(created)) => created.0 <= *since,
        _ => true,
    }
}

fn fail_pod(plan: &mut Plan) {
    let now = plan.now();
    for cs in plan.pod.status.container_statuses.iter_mut() {
        cs.state = status::terminated(cs, 1, "Error", now);
        cs.ready = false;
        cs.started = Some(false);
    }
    plan.pod.status.phase = PodPhase::Failed;
    status::set_readiness(&mut plan.pod, now);
    status::order_conditions(&mut plan.pod);
    status::observe_generation(&mut plan.pod);
}
