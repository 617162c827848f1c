//! DaemonSet status exactly as `updateDaemonSetStatus` computes it: walk the current node list
//! (deleted nodes do not count), look at the oldest daemon pod mapped to each node.

use super::pods::is_updated;
use super::SyncState;
use crate::engine::controllers::controller_utils::{is_pod_available, time_until_available};
use crate::engine::model::{DaemonSet, DaemonSetStatus};
use crate::engine::time::SimDuration;

pub struct Computed {
    pub status: DaemonSetStatus,
    /// When a Ready pod becomes available (minReadySeconds), to look again then.
    pub recheck_after: Option<SimDuration>,
}

pub fn compute(ds: &DaemonSet, state: &SyncState) -> Computed {
    let min_ready = ds.spec.min_ready_seconds.unwrap_or(0);
    let (mut desired, mut current, mut misscheduled, mut ready, mut updated, mut available) =
        (0, 0, 0, 0, 0, 0);
    let mut recheck_after: Option<SimDuration> = None;
    for entry in &state.nodes {
        let scheduled = !entry.pods.is_empty();
        if !entry.placement.should_run {
            if scheduled {
                misscheduled += 1;
            }
            continue;
        }
        desired += 1;
        // Pods are kept oldest first, so the first is the one status looks at.
        let Some(pod) = entry.pods.first() else {
            continue;
        };
        current += 1;
        if pod.is_ready() {
            ready += 1;
            if is_pod_available(pod, min_ready, state.now) {
                available += 1;
            } else if let Some(d) = time_until_available(pod, min_ready, state.now) {
                // The pod handler re-queues a second after minReadySeconds, to be safe from skew.
                let d = SimDuration(d.0 + 1000);
                recheck_after = Some(recheck_after.map_or(d, |r| r.min(d)));
            }
        }
        if is_updated(pod, &state.hash, state.generation) {
            updated += 1;
        }
    }
    let status = DaemonSetStatus {
        collision_count: ds.status.collision_count,
        conditions: ds.status.conditions.clone(),
        current_number_scheduled: current,
        desired_number_scheduled: desired,
        number_available: available,
        number_misscheduled: misscheduled,
        number_ready: ready,
        number_unavailable: desired - available,
        observed_generation: Some(ds.metadata.generation),
        updated_number_scheduled: updated,
    };
    Computed {
        status,
        recheck_after,
    }
}

/// `storeDaemonSetStatus` writes only when a count changed or the generation is unobserved.
pub fn needs_write(ds: &DaemonSet, new: &DaemonSetStatus) -> bool {
    let old = &ds.status;
    old.desired_number_scheduled != new.desired_number_scheduled
        || old.current_number_scheduled != new.current_number_scheduled
        || old.number_misscheduled != new.number_misscheduled
        || old.number_ready != new.number_ready
        || old.updated_number_scheduled != new.updated_number_scheduled
        || old.number_available != new.number_available
        || old.number_unavailable != new.number_unavailable
        || old.observed_generation.unwrap_or(0) < ds.metadata.generation
}
