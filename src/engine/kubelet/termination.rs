//! A pod with a deletionTimestamp: the kubelet stops its running containers (Normal `Killing`
//! `Stopping container nginx`), they exit after `config.container_stop` (or are killed at the
//! end of the grace period, whichever comes first), the kubelet reports the final status and
//! removes the pod object.

use super::plan::Plan;
use super::status;
use crate::engine::action::{Action, Reconcile};
use crate::engine::model::{Kind, Pod, PodPhase};
use crate::engine::store::ObjectKey;
use crate::engine::time::{SimDuration, SimTime};

pub fn terminate(mut plan: Plan, original: &Pod) -> Reconcile {
    let now = plan.now();
    let Some(deadline) = original.metadata.deletion_timestamp.map(|t| t.0) else {
        return Reconcile::default();
    };
    let grace = SimDuration::from_secs(
        original
            .metadata
            .deletion_grace_period_seconds
            .unwrap_or(0)
            .max(0) as u64,
    );
    let requested = SimTime(deadline.0.saturating_sub(grace.as_millis()));
    let running: Vec<String> = original
        .status
        .container_statuses
        .iter()
        .filter(|c| status::running_since(c).is_some())
        .map(|c| c.name.clone())
        .collect();
    let key = ObjectKey::new(
        Kind::Pod,
        &original.metadata.namespace,
        &original.metadata.name,
    );

    // Nothing running: the sandbox goes at once and so does the pod.
    if running.is_empty() {
        let mut out = Reconcile::default();
        out.act(Action::Remove(key));
        return out;
    }
    for name in &running {
        let message = format!("Stopping container {name}");
        if plan
            .history
            .last("Killing", &message)
            .is_none_or(|t| t < requested)
        {
            plan.event(false, "Killing", message);
        }
    }
    let graceful_exit = requested + plan.ctx.config.container_stop;
    let stop_at = graceful_exit.min(deadline);
    if now < stop_at {
        plan.wake_at(stop_at);
        return plan.finish(original);
    }
    // SIGTERM handled in time exits 0; the grace deadline means SIGKILL (137).
    let (code, reason) = if graceful_exit <= deadline {
        (0, "Completed")
    } else {
        (137, "Error")
    };
    for cs in plan.pod.status.container_statuses.iter_mut() {
        if status::running_since(cs).is_some() {
            cs.state = status::terminated(cs, code, reason, now);
            cs.ready = false;
            cs.started = Some(false);
        }
    }
    plan.pod.status.phase = if code == 0 {
        PodPhase::Succeeded
    } else {
        PodPhase::Failed
    };
    status::set_readiness(&mut plan.pod, now);
    let mut out = plan.finish(original);
    out.act(Action::Remove(key));
    out
}
