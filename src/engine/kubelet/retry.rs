//! The pod worker's retry after a failed sync. When a sync returns an error (a container whose
//! config cannot be built: `CreateContainerConfigError`), the real kubelet requeues the pod after
//! `backOffPeriod` (10 s) stretched by `wait.Jitter(d, 0.5)`, i.e. somewhere in [10 s, 15 s)
//! (pkg/kubelet/pod_workers.go, completeWork). Each retry runs the whole sync again, so its
//! events are recorded again and the event correlator counts them (`(x4 over 45s)`).
//!
//! The jitter here is drawn from the pod's uid (which comes from the seeded RNG) and the attempt
//! number, not from the engine's random stream: the kubelet pass stays a pure function of the
//! store, knows exactly when its next attempt is due, and a given seed replays the same times
//! natively and on wasm32.

use super::plan::Plan;
use crate::engine::time::SimDuration;

/// The delay before retry number `attempt` (1 for the retry after the first failure).
pub fn sync_backoff(plan: &Plan, attempt: u32) -> SimDuration {
    // At least a millisecond: a zero back-off (`sim set pod-sync-backoff 0s`) would ask to be
    // woken at the instant just handled, which means never.
    let base = plan.ctx.config.pod_sync_backoff.as_millis().max(1);
    let spread = base / 2;
    if spread == 0 {
        return SimDuration(base);
    }
    let draw = fnv1a(plan.pod.metadata.uid.as_bytes(), attempt);
    SimDuration(base + draw % spread)
}

/// FNV-1a over the uid and the attempt number: cheap, stable across platforms.
fn fnv1a(uid: &[u8], attempt: u32) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in uid.iter().chain(attempt.to_le_bytes().iter()) {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}
