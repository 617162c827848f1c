//! One container's way from "bound" to "running", and back after a crash: image pull (with
//! ErrImagePull / ImagePullBackOff back-off), container config (CreateContainerConfigError),
//! create and start, crashes with CrashLoopBackOff restarts.

use super::images::{self, PullPolicy};
use super::plan::Plan;
use super::{env, probes, retry, status};
use crate::engine::model::{Container, ContainerState, ContainerStatus};
use crate::engine::time::{SimDuration, SimTime};

/// How long a container told to crash (`sim pod crash`) runs before it exits with code 1.
pub const CRASH_AFTER: SimDuration = SimDuration(1000);
/// The kubelet notices a container exit at its next relist (PLEG, about a second).
const NOTICE: SimDuration = SimDuration(1000);

/// Advances one container; `cs` is its status entry, edited in place.
pub fn advance(plan: &mut Plan, container: &Container, cs: &mut ContainerStatus) {
    let now = plan.now();
    if let Some(started_at) = status::running_since(cs) {
        if crashes(plan) {
            let crash_at = started_at + CRASH_AFTER;
            if now >= crash_at {
                crash(cs, now);
                plan.wake_at(now + NOTICE);
                return;
            }
            plan.wake_at(crash_at);
        }
        probes::evaluate(plan, container, cs);
        return;
    }

    let restarting = status::terminated_state(cs)
        .or_else(|| status::last_terminated(cs))
        .cloned();
    let begin = match (config_error_retry(plan, container, cs), &restarting) {
        (Some(ConfigRetry::Due(at)), _) => at,
        (Some(ConfigRetry::Waiting), _) => return,
        (None, None) => plan.pod.status.start_time.map_or(now, |t| t.0),
        (None, Some(dead)) => {
            if !should_restart(plan, dead.exit_code) {
                return;
            }
            let finished = dead.finished_at.map_or(now, |t| t.0);
            let delay = restart_delay(plan, cs.restart_count);
            let restart_at = finished + delay.max(NOTICE);
            if now < finished + NOTICE {
                plan.wake_at(finished + NOTICE);
                return;
            }
            if now < restart_at {
                back_off(plan, container, cs, delay);
                if crashes(plan) {
                    // It will crash again: a steady-state retry.
                    plan.retry_at(restart_at);
                } else {
                    plan.wake_at(restart_at);
                }
                return;
            }
            restart_at
        }
    };
    let Some(image_ready_at) = ensure_image(plan, container, cs, begin) else {
        return;
    };
    if let Err(message) = env::env_ready(plan.ctx.store, &plan.pod, container) {
        // Every attempt records the error again; the pod worker retries after its back-off.
        let error = format!("Error: {message}");
        let attempt = plan.history.count("Failed", &error) + 1;
        plan.event(true, "Failed", error);
        cs.state = status::waiting("CreateContainerConfigError", Some(message.clone()));
        let delay = retry::sync_backoff(plan, attempt);
        plan.retry_at(now + delay);
        plan.waiting_because(format!(
            "container {} cannot start: {message}; the kubelet tries again in {delay}",
            container.name
        ));
        return;
    }
    let start_at = image_ready_at + plan.ctx.config.container_start;
    if now < start_at {
        plan.wake_at(start_at);
        return;
    }
    start(plan, container, cs, restarting.is_some());
}

/// Where a container in CreateContainerConfigError stands with the pod worker's retries.
enum ConfigRetry {
    /// The retry is due: the attempt that began at this time runs now.
    Due(SimTime),
    /// Not yet; the pass has asked to be woken for it.
    Waiting,
}

/// None unless the container's last attempt failed with CreateContainerConfigError.
fn config_error_retry(
    plan: &mut Plan,
    container: &Container,
    cs: &ContainerStatus,
) -> Option<ConfigRetry> {
    if cs.waiting_reason() != Some("CreateContainerConfigError") {
        return None;
    }
    let now = plan.now();
    let message = cs.waiting_message().unwrap_or_default().to_string();
    let error = format!("Error: {message}");
    // No record of the failure (events expire): try again at once.
    let Some(failed_at) = plan.history.last("Failed", &error) else {
        return Some(ConfigRetry::Due(now));
    };
    let attempt = plan.history.count("Failed", &error);
    let retry_at = failed_at + retry::sync_backoff(plan, attempt);
    if now >= retry_at {
        return Some(ConfigRetry::Due(retry_at));
    }
    match env::env_ready(plan.ctx.store, &plan.pod, container) {
        Err(current) => {
            plan.retry_at(retry_at);
            plan.waiting_because(format!(
                "container {} cannot start: {current}; the kubelet tries again in {}",
                container.name,
                retry_at - now
            ));
        }
        Ok(()) => {
            // What was missing exists now; the next retry will start the container.
            plan.wake_at(retry_at);
            plan.waiting_because(format!(
                "container {} failed to start ({message}); that is fixed now and the kubelet \
                 starts it at its next retry, in {}",
                container.name,
                retry_at - now
            ));
        }
    }
    Some(ConfigRetry::Waiting)
}

/// Whether this pod's container is set to crash on every start (`sim pod crash`).
fn crashes(plan: &Plan) -> bool {
    let id = (
        plan.pod.metadata.namespace.clone(),
        plan.pod.metadata.name.clone(),
    );
    plan.ctx.faults.crashing_pods.contains(&id)
}

fn should_restart(plan: &Plan, exit_code: i32) -> bool {
    match plan.pod.spec.restart_policy.as_deref().unwrap_or("Always") {
        "Always" => true,
        "OnFailure" => exit_code != 0,
        _ => false,
    }
}

/// Kubelet's crash back-off: the first restart is immediate, then 10 s, 20 s, 40 s... capped.
fn restart_delay(plan: &Plan, restart_count: i32) -> SimDuration {
    if restart_count <= 0 {
        return SimDuration::ZERO;
    }
    doubling(
        plan.ctx.config.crash_backoff_base,
        plan.ctx.config.crash_backoff_max,
        restart_count as u32 - 1,
    )
}

fn doubling(base: SimDuration, max: SimDuration, doublings: u32) -> SimDuration {
    let factor = 1u64.checked_shl(doublings.min(40)).unwrap_or(u64::MAX);
    SimDuration(base.as_millis().saturating_mul(factor)).min(max)
}

fn crash(cs: &mut ContainerStatus, now: SimTime) {
    cs.state = status::terminated(cs, 1, "Error", now);
    cs.ready = false;
    cs.started = Some(false);
}

fn back_off(plan: &mut Plan, container: &Container, cs: &mut ContainerStatus, delay: SimDuration) {
    if cs.waiting_reason() == Some("CrashLoopBackOff") {
        return;
    }
    if let Some(dead) = status::terminated_state(cs).cloned() {
        cs.last_state = Some(ContainerState {
            terminated: Some(dead),
            ..Default::default()
        });
    }
    let pod_ref = plan.pod_ref();
    cs.state = status::waiting(
        "CrashLoopBackOff",
        Some(format!(
            "back-off {delay} restarting failed container={} pod={pod_ref}",
            container.name
        )),
    );
    plan.event(
        true,
        "BackOff",
        format!(
            "Back-off restarting failed container {} in pod {pod_ref}",
            container.name
        ),
    );
}

/// Makes sure the image is on the node for the attempt that began at `begin`; returns when it
/// became available, or None while pulling, backing off or failed.
fn ensure_image(
    plan: &mut Plan,
    container: &Container,
    cs: &mut ContainerStatus,
    begin: SimTime,
) -> Option<SimTime> {
    let now = plan.now();
    let image = container.image.clone();
    let quoted = format!("\"{image}\"");
    if let Some(ready) = plan.history.last("Pulled", &quoted).filter(|t| *t >= begin) {
        return Some(ready);
    }
    // Another container of this pod finished pulling the same image in this pass: pulls are
    // serialized, so this one finds it on the node.
    if plan.just_pulled(&image) && images::pull_policy(container) != PullPolicy::Always {
        plan.event(
            false,
            "Pulled",
            format!("Container image {quoted} already present on machine and can be accessed by the pod"),
        );
        return Some(now);
    }
    let failed_needle = format!("Failed to pull image {quoted}");
    let last_failure = plan.history.last("Failed", &failed_needle);
    let pulling = plan
        .history
        .last("Pulling", &quoted)
        .filter(|p| *p >= begin && last_failure.is_none_or(|f| f < *p));
    if let Some(started) = pulling {
        let done_at = started + images::pull_duration(plan.ctx, &image);
        if now < done_at {
            plan.wake_at(done_at);
            return None;
        }
        if images::is_broken(plan.ctx, &image) {
            let error = images::pull_error(&image);
            plan.event(
                true,
                "Failed",
                format!("Failed to pull image {quoted}: {error}"),
            );
            plan.event(true, "Failed", "Error: ErrImagePull".into());
            cs.state = status::waiting("ErrImagePull", Some(error));
            plan.wake_at(now + NOTICE);
            return None;
        }
        let took = now - started;
        plan.event(
            false,
            "Pulled",
            format!(
                "Successfully pulled image {quoted} in {took} ({took} including waiting). Image size: {} bytes.",
                images::size_bytes(&image)
            ),
        );
        plan.pulled(&image);
        return Some(now);
    }
    if let Some(failed_at) = last_failure.filter(|f| *f >= begin) {
        let failures = plan.history.count("Failed", &failed_needle).max(1);
        let cfg = plan.ctx.config;
        let retry_at =
            failed_at + doubling(cfg.image_backoff_base, cfg.image_backoff_max, failures - 1);
        if now < retry_at {
            if cs.waiting_reason() == Some("ErrImagePull") {
                if now >= failed_at + NOTICE {
                    let previous = cs.waiting_message().unwrap_or_default().to_string();
                    cs.state = status::waiting(
                        "ImagePullBackOff",
                        Some(format!(
                            "Back-off pulling image {quoted}: ErrImagePull: {previous}"
                        )),
                    );
                    plan.event(false, "BackOff", format!("Back-off pulling image {quoted}"));
                    plan.event(true, "Failed", "Error: ImagePullBackOff".into());
                } else {
                    plan.wake_at(failed_at + NOTICE);
                }
            }
            plan.waiting_because(format!(
                "pulling image {quoted} failed; the kubelet tries again in {}",
                retry_at - now
            ));
            if images::is_broken(plan.ctx, &image) {
                // The pull will fail again: a steady-state retry.
                plan.retry_at(retry_at);
            } else {
                plan.wake_at(retry_at);
            }
            return None;
        }
    }
    let policy = images::pull_policy(container);
    if policy != PullPolicy::Always && images::node_has(plan.node, &image) {
        plan.event(false, "Pulled", format!("Container image {quoted} already present on machine and can be accessed by the pod"));
        return Some(now);
    }
    if policy == PullPolicy::Never {
        let message = format!("Container image {quoted} is not present with pull policy of Never");
        if cs.waiting_reason() != Some("ErrImageNeverPull") {
            plan.event(true, "ErrImageNeverPull", message.clone());
            plan.event(true, "Failed", "Error: ErrImageNeverPull".into());
            cs.state = status::waiting("ErrImageNeverPull", Some(message));
        }
        return None;
    }
    if plan.start_pull(&image) {
        plan.event(false, "Pulling", format!("Pulling image {quoted}"));
    }
    plan.wake_at(now + images::pull_duration(plan.ctx, &image));
    None
}

fn start(plan: &mut Plan, container: &Container, cs: &mut ContainerStatus, restarting: bool) {
    let now = plan.now();
    let previous = status::terminated_state(cs)
        .or_else(|| status::last_terminated(cs))
        .cloned();
    if restarting {
        cs.restart_count += 1;
    }
    cs.last_state = Some(match previous {
        Some(dead) if restarting => ContainerState {
            terminated: Some(dead),
            ..Default::default()
        },
        _ => ContainerState::default(),
    });
    cs.container_id = Some(status::container_id(
        &plan.pod,
        &container.name,
        cs.restart_count,
    ));
    cs.image = container.image.clone();
    cs.image_id = images::image_id(&container.image);
    cs.state = status::running(now);
    cs.ready = false;
    cs.started = Some(false);
    plan.event(false, "Created", "Container created".into());
    plan.event(false, "Started", "Container started".into());
    probes::evaluate(plan, container, cs);
}
