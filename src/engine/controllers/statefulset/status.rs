//! Pod health predicates and the set's status as the controller computes it
//! (`computeReplicaStatus`, `completeRollingUpdate`, `inconsistentStatus`).

use super::identity::pod_revision;
use crate::engine::model::{Pod, PodPhase, StatefulSet, StatefulSetStatus};
use crate::engine::time::{SimDuration, SimTime};

/// A pod's view for one sync: `None` stands for a slot whose pod is not created yet.
pub type Slot<'a> = Option<&'a Pod>;

pub fn is_created(pod: Slot) -> bool {
    pod.is_some()
}

pub fn is_terminating(pod: Slot) -> bool {
    pod.is_some_and(|p| p.metadata.deletion_timestamp.is_some())
}

pub fn is_running_and_ready(pod: Slot) -> bool {
    pod.is_some_and(|p| p.is_running_and_ready())
}

pub fn is_healthy(pod: Slot) -> bool {
    is_running_and_ready(pod) && !is_terminating(pod)
}

/// When a ready pod becomes available: its Ready transition plus minReadySeconds. The API keeps
/// timestamps to the second, so the transition time is truncated first, as a real read-back is.
pub fn available_at(pod: &Pod, min_ready_seconds: i32) -> Option<SimTime> {
    let since = pod.ready_since()?.0;
    let truncated = SimTime(since.0 - since.0 % 1000);
    Some(truncated + SimDuration::from_secs(min_ready_seconds.max(0) as u64))
}

/// `podutil.IsPodAvailable`: Ready, and Ready for strictly longer than minReadySeconds.
pub fn is_running_and_available(pod: Slot, min_ready_seconds: i32, now: SimTime) -> bool {
    let Some(p) = pod else { return false };
    if !p.is_running_and_ready() {
        return false;
    }
    if min_ready_seconds <= 0 {
        return true;
    }
    available_at(p, min_ready_seconds).is_some_and(|at| at < now)
}

/// `isUnavailable`: not healthy, or not yet available.
pub fn is_unavailable(pod: Slot, min_ready_seconds: i32, now: SimTime) -> bool {
    !is_healthy(pod) || !is_running_and_available(pod, min_ready_seconds, now)
}

pub fn min_ready_seconds(set: &StatefulSet) -> i32 {
    set.spec.min_ready_seconds.unwrap_or(0)
}

/// Counts over the pods that exist; `current`/`update` are revision names.
pub fn count(
    pods: &[&Pod],
    set: &StatefulSet,
    current: &str,
    update: &str,
    now: SimTime,
) -> StatefulSetStatus {
    let mrs = min_ready_seconds(set);
    let mut s = StatefulSetStatus::default();
    for p in pods {
        let slot = Some(*p);
        s.replicas += 1;
        if is_running_and_ready(slot) {
            s.ready_replicas += 1;
            if is_running_and_available(slot, mrs, now) {
                s.available_replicas += 1;
            }
        }
        if !is_terminating(slot) {
            let rev = pod_revision(p);
            if rev == current {
                s.current_replicas += 1;
            }
            if rev == update {
                s.updated_replicas += 1;
            }
        }
    }
    s
}

/// `completeRollingUpdate`: every wanted pod is updated and ready, so current := update.
pub fn complete_rolling_update(set: &StatefulSet, status: &mut StatefulSetStatus, rolling: bool) {
    let want = set.spec.replicas.unwrap_or(1);
    if rolling
        && status.updated_replicas == want
        && status.ready_replicas == want
        && status.replicas == want
    {
        status.current_replicas = status.updated_replicas;
        status.current_revision = status.update_revision.clone();
    }
}

/// `inconsistentStatus`: whether the status must be written.
pub fn differs(old: &StatefulSetStatus, new: &StatefulSetStatus) -> bool {
    new.observed_generation.unwrap_or(0) > old.observed_generation.unwrap_or(0)
        || new.replicas != old.replicas
        || new.current_replicas != old.current_replicas
        || new.ready_replicas != old.ready_replicas
        || new.updated_replicas != old.updated_replicas
        || new.current_revision != old.current_revision
        || new.available_replicas != old.available_replicas
        || new.update_revision != old.update_revision
        || new.collision_count != old.collision_count
}

/// Phase check used by the replica pass (failed or succeeded pods are replaced).
pub fn is_finished(pod: &Pod) -> bool {
    matches!(pod.status.phase, PodPhase::Failed | PodPhase::Succeeded)
}
