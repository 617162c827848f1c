//! Init containers: run one at a time, in order, before the regular containers. Each one is
//! pulled and started like any container, runs for `INIT_RUN` and exits 0 (`Completed`). While
//! they run, every container waits with reason `PodInitializing` and the pod's `Initialized`
//! condition is False (`containers with incomplete status: [init]`). A restartable init
//! container (`restartPolicy: Always`, a sidecar) counts as done once it has started and keeps
//! running beside the regular containers.

use super::plan::Plan;
use super::{lifecycle, status};
use crate::engine::apply::set_pod_condition;
use crate::engine::model::{Container, ContainerStatus, Pod};
use crate::engine::time::{SimDuration, SimTime};

/// How long a (non-sidecar) init container runs before it exits 0.
pub const INIT_RUN: SimDuration = SimDuration(1000);

fn is_sidecar(c: &Container) -> bool {
    c.restart_policy.as_deref() == Some("Always")
}

fn done(c: &Container, cs: &ContainerStatus) -> bool {
    if is_sidecar(c) {
        return status::running_since(cs).is_some();
    }
    status::terminated_state(cs).is_some_and(|t| t.exit_code == 0)
}

/// The initial status entry of every container of a pod that has init containers.
pub fn initializing(name: &str, image: &str) -> ContainerStatus {
    let mut cs = status::creating(name, image);
    cs.state = status::waiting("PodInitializing", None);
    cs
}

/// Advances the init containers; returns whether all of them are done.
pub fn advance(plan: &mut Plan) -> bool {
    let now = plan.now();
    let inits = plan.pod.spec.init_containers.clone();
    for container in &inits {
        let index = match plan
            .pod
            .status
            .init_container_statuses
            .iter()
            .position(|c| c.name == container.name)
        {
            Some(i) => i,
            None => {
                plan.pod
                    .status
                    .init_container_statuses
                    .push(initializing(&container.name, &container.image));
                plan.pod.status.init_container_statuses.len() - 1
            }
        };
        let mut cs = plan.pod.status.init_container_statuses[index].clone();
        let finished = if done(container, &cs) {
            if is_sidecar(container) {
                lifecycle::advance(plan, container, &mut cs);
            }
            true
        } else {
            match status::running_since(&cs) {
                Some(started) if now >= started + INIT_RUN && !is_sidecar(container) => {
                    cs.state = status::terminated(&cs, 0, "Completed", now);
                    cs.ready = true;
                    cs.started = Some(false);
                    true
                }
                Some(started) => {
                    plan.wake_at(started + INIT_RUN);
                    false
                }
                None => {
                    lifecycle::advance(plan, container, &mut cs);
                    let running = status::running_since(&cs).is_some();
                    if running && !is_sidecar(container) {
                        cs.ready = false;
                        plan.wake_at(now + INIT_RUN);
                    }
                    running && is_sidecar(container)
                }
            }
        };
        plan.pod.status.init_container_statuses[index] = cs;
        if !finished {
            break;
        }
    }
    let incomplete: Vec<String> = inits
        .iter()
        .filter(|c| {
            plan.pod
                .status
                .init_container_statuses
                .iter()
                .find(|s| s.name == c.name)
                .is_none_or(|s| !done(c, s))
        })
        .map(|c| c.name.clone())
        .collect();
    set_initialized(&mut plan.pod, &incomplete, now);
    incomplete.is_empty()
}

/// The pod's `Initialized` condition: True once no init container is `incomplete`.
pub fn set_initialized(pod: &mut Pod, incomplete: &[String], now: SimTime) {
    if incomplete.is_empty() {
        set_pod_condition(pod, "Initialized", "True", None, None, now);
    } else {
        let message = format!(
            "containers with incomplete status: [{}]",
            incomplete.join(" ")
        );
        set_pod_condition(
            pod,
            "Initialized",
            "False",
            Some("ContainersNotInitialized"),
            Some(&message),
            now,
        );
    }
}
