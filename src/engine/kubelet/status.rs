//! Pieces of the pod status the kubelet reports: container states, the pod conditions in the
//! order the kubelet writes them, and the pod phase (`getPhase`).

use super::images;
use crate::engine::apply::set_pod_condition;
use crate::engine::model::{
    ContainerState, ContainerStatus, Pod, PodPhase, StateRunning, StateTerminated, StateWaiting,
};
use crate::engine::time::{SimTime, Timestamp};

/// Condition order in a kubelet-written pod status.
const CONDITION_ORDER: &[&str] = &[
    "PodReadyToStartContainers",
    "Initialized",
    "Ready",
    "ContainersReady",
    "PodScheduled",
];

pub fn waiting(reason: &str, message: Option<String>) -> Option<ContainerState> {
    Some(ContainerState {
        waiting: Some(StateWaiting {
            reason: Some(reason.into()),
            message,
        }),
        ..Default::default()
    })
}

pub fn running(at: SimTime) -> Option<ContainerState> {
    Some(ContainerState {
        running: Some(StateRunning {
            started_at: Some(Timestamp(at)),
        }),
        ..Default::default()
    })
}

pub fn terminated(
    cs: &ContainerStatus,
    exit_code: i32,
    reason: &str,
    at: SimTime,
) -> Option<ContainerState> {
    let started_at = cs
        .state
        .as_ref()
        .and_then(|s| s.running.as_ref())
        .and_then(|r| r.started_at);
    Some(ContainerState {
        terminated: Some(StateTerminated {
            container_id: cs.container_id.clone(),
            exit_code,
            finished_at: Some(Timestamp(at)),
            message: None,
            reason: Some(reason.into()),
            started_at,
        }),
        ..Default::default()
    })
}

pub fn running_since(cs: &ContainerStatus) -> Option<SimTime> {
    cs.state
        .as_ref()?
        .running
        .as_ref()
        .map(|r| r.started_at.map_or(SimTime(0), |t| t.0))
}

pub fn terminated_state(cs: &ContainerStatus) -> Option<&StateTerminated> {
    cs.state.as_ref()?.terminated.as_ref()
}

pub fn last_terminated(cs: &ContainerStatus) -> Option<&StateTerminated> {
    cs.last_state.as_ref()?.terminated.as_ref()
}

/// `containerd://<64 hex>`: one id per container instance (pod uid, name, attempt).
pub fn container_id(pod: &Pod, name: &str, attempt: i32) -> String {
    format!(
        "containerd://{}",
        images::hex64(format!("{}/{name}/{attempt}", pod.metadata.uid).as_bytes())
    )
}

/// A fresh status entry for a container the kubelet has not started yet.
pub fn creating(name: &str, image: &str) -> ContainerStatus {
    ContainerStatus {
        container_id: None,
        image: image.to_string(),
        image_id: String::new(),
        last_state: Some(ContainerState::default()),
        name: name.to_string(),
        ready: false,
        restart_count: 0,
        started: Some(false),
        state: waiting("ContainerCreating", None),
    }
}

/// Puts the kubelet's conditions in the order it writes them; others keep their place after.
pub fn order_conditions(pod: &mut Pod) {
    let rank = |t: &str| {
        CONDITION_ORDER
            .iter()
            .position(|c| *c == t)
            .unwrap_or(CONDITION_ORDER.len())
    };
    crate::engine::stable_sort::sort_by_key(&mut pod.status.conditions, |c| rank(&c.type_));
}

/// The kubelet's `getPhase` for regular containers (init containers are not modelled).
pub fn phase(pod: &Pod) -> PodPhase {
    let policy = pod.spec.restart_policy.as_deref().unwrap_or("Always");
    let (mut waiting_fresh, mut running, mut stopped, mut failed) = (0, 0, 0, 0);
    for cs in &pod.status.container_statuses {
        if running_since(cs).is_some() {
            running += 1;
        } else if let Some(t) = terminated_state(cs) {
            stopped += 1;
            if t.exit_code != 0 {
                failed += 1;
            }
        } else if last_terminated(cs).is_some() {
            stopped += 1;
        } else {
            waiting_fresh += 1;
        }
    }
    if pod.status.container_statuses.is_empty() || waiting_fresh > 0 {
        return PodPhase::Pending;
    }
    if running > 0 {
        return PodPhase::Running;
    }
    if stopped > 0 {
        return match policy {
            "Always" => PodPhase::Running,
            "OnFailure" if failed > 0 => PodPhase::Running,
            _ if failed > 0 => PodPhase::Failed,
            _ => PodPhase::Succeeded,
        };
    }
    PodPhase::Pending
}

/// Ready and ContainersReady from the container statuses and the phase.
pub fn set_readiness(pod: &mut Pod, now: SimTime) {
    let phase = pod.status.phase.clone();
    let unready: Vec<String> = pod
        .status
        .container_statuses
        .iter()
        .filter(|c| !c.ready)
        .map(|c| c.name.clone())
        .collect();
    let (status, reason, message) = match phase {
        PodPhase::Failed => ("False", Some("PodFailed"), None),
        PodPhase::Succeeded => ("False", Some("PodCompleted"), None),
        _ if unready.is_empty() && !pod.status.container_statuses.is_empty() => {
            ("True", None, None)
        }
        _ => (
            "False",
            Some("ContainersNotReady"),
            Some(format!(
                "containers with unready status: [{}]",
                unready.join(" ")
            )),
        ),
    };
    set_pod_condition(pod, "Ready", status, reason, message.as_deref(), now);
    set_pod_condition(
        pod,
        "ContainersReady",
        status,
        reason,
        message.as_deref(),
        now,
    );
}

/// The kubelet's conditions and the status as a whole name the pod generation they reflect
/// (PodObservedGenerationTracking, beta and on by default since v1.34). Pods the API server
/// gave no generation (0) are left as they are.
pub fn observe_generation(pod: &mut Pod) {
    let generation = pod.metadata.generation;
    if generation <= 0 {
        return;
    }
    pod.status.observed_generation = Some(generation);
    for c in pod.status.conditions.iter_mut() {
        if CONDITION_ORDER[..4].contains(&c.type_.as_str()) {
            c.observed_generation = Some(generation);
        }
    }
}
