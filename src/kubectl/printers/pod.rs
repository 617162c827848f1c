//! `kubectl get pods` columns: printers.go `printPod`, including its STATUS logic (init
//! containers, Completed with running sidecars, Terminating, Unknown for NodeLost).

use crate::engine::model::{ContainerStatus, Pod, PodPhase};
use crate::engine::time::SimTime;
use crate::kubectl::duration::{age, human_duration_secs, secs_between};

/// What printPod computes for one pod.
pub struct PodSummary {
    pub ready: usize,
    pub total: usize,
    pub status: String,
    pub restarts: i32,
    pub last_restart: Option<SimTime>,
}

fn is_restartable_init(pod: &Pod, name: &str) -> bool {
    pod.spec
        .init_containers
        .iter()
        .any(|c| c.name == name && c.restart_policy.as_deref() == Some("Always"))
}

fn last_finished(c: &ContainerStatus) -> Option<SimTime> {
    c.last_state
        .as_ref()?
        .terminated
        .as_ref()?
        .finished_at
        .map(|t| t.0)
}

fn later(a: Option<SimTime>, b: Option<SimTime>) -> Option<SimTime> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

pub fn summarize(pod: &Pod) -> PodSummary {
    let mut reason = pod.status.phase.as_str().to_string();
    if let Some(r) = pod.status.reason.as_ref().filter(|r| !r.is_empty()) {
        reason = r.clone();
    }
    if pod
        .status
        .conditions
        .iter()
        .any(|c| c.type_ == "PodScheduled" && c.reason.as_deref() == Some("SchedulingGated"))
    {
        reason = "SchedulingGated".into();
    }
    let total = pod.spec.containers.len()
        + pod
            .spec
            .init_containers
            .iter()
            .filter(|c| c.restart_policy.as_deref() == Some("Always"))
            .count();
    let mut ready = 0;
    let mut restarts = 0;
    let mut last_restart = None;
    let mut sidecar_restarts = 0;
    let mut sidecar_last = None;
    let mut initializing = false;
    let init_count = pod.spec.init_containers.len();
    for (i, c) in pod.status.init_container_statuses.iter().enumerate() {
        restarts += c.restart_count;
        last_restart = later(last_restart, last_finished(c));
        let sidecar = is_restartable_init(pod, &c.name);
        if sidecar {
            sidecar_restarts += c.restart_count;
            sidecar_last = later(sidecar_last, last_finished(c));
        }
        let state = c.state.clone().unwrap_or_default();
        if state.terminated.as_ref().is_some_and(|t| t.exit_code == 0) {
            continue;
        }
        if sidecar && c.started == Some(true) {
            if c.ready {
                ready += 1;
            }
            continue;
        }
        if let Some(t) = &state.terminated {
            reason = match t.reason.as_deref().filter(|r| !r.is_empty()) {
                Some(r) => format!("Init:{r}"),
                None => format!("Init:ExitCode:{}", t.exit_code),
            };
        } else if let Some(r) = state
            .waiting
            .as_ref()
            .and_then(|w| w.reason.clone())
            .filter(|r| !r.is_empty() && r != "PodInitializing")
        {
            reason = format!("Init:{r}");
        } else {
            reason = format!("Init:{i}/{init_count}");
        }
        initializing = true;
        break;
    }
    let initialized = pod
        .condition("Initialized")
        .is_some_and(|c| c.status == "True");
    if !initializing || initialized {
        restarts = sidecar_restarts;
        last_restart = sidecar_last;
        let mut has_running = false;
        for c in pod.status.container_statuses.iter().rev() {
            restarts += c.restart_count;
            last_restart = later(last_restart, last_finished(c));
            let state = c.state.clone().unwrap_or_default();
            if let Some(r) = state
                .waiting
                .as_ref()
                .and_then(|w| w.reason.clone())
                .filter(|r| !r.is_empty())
            {
                reason = r;
            } else if let Some(t) = &state.terminated {
                reason = match t.reason.as_deref().filter(|r| !r.is_empty()) {
                    Some(r) => r.to_string(),
                    None => format!("ExitCode:{}", t.exit_code),
                };
            } else if c.ready && state.running.is_some() {
                has_running = true;
                ready += 1;
            }
        }
        if reason == "Completed" && has_running {
            reason = if pod.condition("Ready").is_some_and(|c| c.status == "True") {
                "Running".into()
            } else {
                "NotReady".into()
            };
        }
    }
    let terminal = matches!(pod.status.phase, PodPhase::Succeeded | PodPhase::Failed);
    if pod.metadata.deletion_timestamp.is_some() && pod.status.reason.as_deref() == Some("NodeLost")
    {
        reason = "Unknown".into();
    } else if pod.metadata.deletion_timestamp.is_some() && !terminal {
        reason = "Terminating".into();
    }
    PodSummary {
        ready,
        total,
        status: reason,
        restarts,
        last_restart,
    }
}

pub fn restarts_text(s: &PodSummary, now: SimTime) -> String {
    match s.last_restart {
        Some(t) if s.restarts > 0 => {
            format!(
                "{} ({} ago)",
                s.restarts,
                human_duration_secs(secs_between(t, now))
            )
        }
        _ => s.restarts.to_string(),
    }
}

pub const HEADERS: &[&str] = &["NAME", "READY", "STATUS", "RESTARTS", "AGE"];
pub const WIDE: &[&str] = &["IP", "NODE", "NOMINATED NODE", "READINESS GATES"];

pub fn row(pod: &Pod, now: SimTime, wide: bool) -> Vec<String> {
    let s = summarize(pod);
    let mut r = vec![
        pod.metadata.name.clone(),
        format!("{}/{}", s.ready, s.total),
        s.status.clone(),
        restarts_text(&s, now),
        age(pod.metadata.creation_timestamp, now),
    ];
    if wide {
        let none = || "<none>".to_string();
        r.push(
            pod.status
                .pod_ip
                .clone()
                .filter(|s| !s.is_empty())
                .unwrap_or_else(none),
        );
        r.push(pod.node_name().map(str::to_string).unwrap_or_else(none));
        r.push(
            pod.status
                .nominated_node_name
                .clone()
                .filter(|s| !s.is_empty())
                .unwrap_or_else(none),
        );
        let gates = pod
            .spec
            .readiness_gates
            .as_ref()
            .and_then(|g| g.as_array())
            .map(|gates| {
                gates
                    .iter()
                    .filter_map(|g| g.get("conditionType").and_then(|c| c.as_str()))
                    .map(|t| {
                        let ok = pod.condition(t).is_some_and(|c| c.status == "True");
                        if ok {
                            1
                        } else {
                            0
                        }
                    })
                    .collect::<Vec<_>>()
            })
            .filter(|v| !v.is_empty())
            .map(|v| format!("{}/{}", v.iter().sum::<i32>(), v.len()))
            .unwrap_or_else(none);
        r.push(gates);
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::model::*;
    use crate::engine::time::Timestamp;

    fn pod(containers: &[&str], init: &[&str]) -> Pod {
        let mk = |n: &&str| Container {
            name: n.to_string(),
            image: "x".into(),
            ..Default::default()
        };
        let mut p = Pod::default();
        p.metadata.name = "p".into();
        p.spec.containers = containers.iter().map(mk).collect();
        p.spec.init_containers = init.iter().map(mk).collect();
        p
    }

    fn status(name: &str, state: ContainerState, ready: bool, restarts: i32) -> ContainerStatus {
        ContainerStatus {
            name: name.into(),
            image: "x".into(),
            ready,
            restart_count: restarts,
            state: Some(state),
            ..Default::default()
        }
    }

    fn waiting(reason: &str) -> ContainerState {
        ContainerState {
            waiting: Some(StateWaiting {
                reason: Some(reason.into()),
                message: None,
            }),
            ..Default::default()
        }
    }

    fn running() -> ContainerState {
        ContainerState {
            running: Some(StateRunning { started_at: None }),
            ..Default::default()
        }
    }

    fn terminated(code: i32, reason: Option<&str>) -> ContainerState {
        ContainerState {
            terminated: Some(StateTerminated {
                exit_code: code,
                reason: reason.map(str::to_string),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn status_column_follows_print_pod() {
        let mut p = pod(&["c"], &[]);
        assert_eq!(summarize(&p).status, "Pending");
        p.status.container_statuses = vec![status("c", waiting("ContainerCreating"), false, 0)];
        assert_eq!(summarize(&p).status, "ContainerCreating");
        p.status.phase = PodPhase::Running;
        p.status.container_statuses = vec![status("c", running(), true, 0)];
        let s = summarize(&p);
        assert_eq!((s.status.as_str(), s.ready, s.total), ("Running", 1, 1));
        p.status.container_statuses = vec![status("c", waiting("CrashLoopBackOff"), false, 3)];
        assert_eq!(summarize(&p).status, "CrashLoopBackOff");
        assert_eq!(summarize(&p).restarts, 3);
        p.status.phase = PodPhase::Succeeded;
        p.status.container_statuses = vec![status("c", terminated(0, Some("Completed")), false, 0)];
        assert_eq!(summarize(&p).status, "Completed");
        p.status.container_statuses = vec![status("c", terminated(2, None), false, 0)];
        assert_eq!(summarize(&p).status, "ExitCode:2");
        p.status.phase = PodPhase::Running;
        p.status.container_statuses = vec![status("c", running(), true, 0)];
        p.metadata.deletion_timestamp = Some(Timestamp(SimTime(5)));
        assert_eq!(summarize(&p).status, "Terminating");
        p.status.reason = Some("NodeLost".into());
        assert_eq!(summarize(&p).status, "Unknown");
        let mut e = pod(&["c"], &[]);
        e.status.phase = PodPhase::Failed;
        e.status.reason = Some("Evicted".into());
        assert_eq!(summarize(&e).status, "Evicted");
    }

    #[test]
    fn init_containers_show_progress_and_failures() {
        let mut p = pod(&["c"], &["init"]);
        p.status.init_container_statuses = vec![status("init", running(), false, 0)];
        assert_eq!(summarize(&p).status, "Init:0/1");
        p.status.init_container_statuses =
            vec![status("init", waiting("CrashLoopBackOff"), false, 2)];
        assert_eq!(summarize(&p).status, "Init:CrashLoopBackOff");
        p.status.init_container_statuses = vec![status("init", terminated(1, None), false, 0)];
        assert_eq!(summarize(&p).status, "Init:ExitCode:1");
        p.status.init_container_statuses =
            vec![status("init", terminated(0, Some("Completed")), false, 0)];
        p.status.container_statuses = vec![status("c", waiting("PodInitializing"), false, 0)];
        assert_eq!(summarize(&p).status, "PodInitializing");
    }

    #[test]
    fn restarts_show_how_long_ago() {
        let mut p = pod(&["c"], &[]);
        let mut st = status("c", running(), true, 2);
        st.last_state = Some(ContainerState {
            terminated: Some(StateTerminated {
                exit_code: 1,
                finished_at: Some(Timestamp(SimTime(10_000))),
                ..Default::default()
            }),
            ..Default::default()
        });
        p.status.container_statuses = vec![st];
        assert_eq!(
            restarts_text(&summarize(&p), SimTime(70_000)),
            "2 (60s ago)"
        );
    }
}
