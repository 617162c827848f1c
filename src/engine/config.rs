//! Timings and sizes of the simulated cluster. Every figure is a realistic default, documented
//! in the README, and settable with `sim set` so a lesson can slow down or speed up one step.

use super::time::SimDuration;

#[derive(Clone, Debug, PartialEq)]
pub struct ClusterConfig {
    /// Pulling an image a node has not seen before.
    pub image_pull: SimDuration,
    /// From "image present" to the container running (sandbox, create, start).
    pub container_start: SimDuration,
    /// How long a container takes to exit after SIGTERM when it handles it promptly.
    pub container_stop: SimDuration,
    /// Kubelet's first restart back-off after a crash; doubles up to `crash_backoff_max`.
    pub crash_backoff_base: SimDuration,
    pub crash_backoff_max: SimDuration,
    /// Image pull back-off, likewise doubling.
    pub image_backoff_base: SimDuration,
    pub image_backoff_max: SimDuration,
    /// Kubelet pod worker: a failed pod sync (CreateContainerConfigError) is retried after this
    /// plus up to half again as jitter (`backOffPeriod`, `workerBackOffPeriodJitterFactor` 0.5).
    pub pod_sync_backoff: SimDuration,
    /// Node lifecycle: a node that stops heartbeating is marked NotReady/Unknown after this.
    /// 50 s since v1.32 (`--node-monitor-grace-period`); the v1.36 transcript
    /// `g-node-heartbeat-loss.txt` shows ~52 s from the last lease renewal.
    pub node_monitor_grace: SimDuration,
    /// Pod GC deletes pods of a node that no longer exists after about this long.
    pub orphan_pod_gc_delay: SimDuration,
    /// How far `sim settle` may run before it gives up on a cluster that never goes quiet.
    pub settle_limit: SimDuration,
    /// Dynamic provisioning time for a claim.
    pub provision: SimDuration,
}

impl Default for ClusterConfig {
    fn default() -> Self {
        ClusterConfig {
            image_pull: SimDuration::from_secs(3),
            container_start: SimDuration::from_millis(1000),
            container_stop: SimDuration::from_millis(1000),
            crash_backoff_base: SimDuration::from_secs(10),
            crash_backoff_max: SimDuration::from_secs(300),
            image_backoff_base: SimDuration::from_secs(10),
            image_backoff_max: SimDuration::from_secs(300),
            pod_sync_backoff: SimDuration::from_secs(10),
            node_monitor_grace: SimDuration::from_secs(50),
            orphan_pod_gc_delay: SimDuration::from_secs(40),
            settle_limit: SimDuration::from_secs(3600),
            provision: SimDuration::from_millis(1000),
        }
    }
}

impl ClusterConfig {
    /// Every timing `sim set` can change: (name, description, field).
    pub fn settings(&mut self) -> [(&'static str, &'static str, &mut SimDuration); 12] {
        [
            (
                "image-pull",
                "pulling an image a node has not seen",
                &mut self.image_pull,
            ),
            (
                "container-start",
                "image present -> container running",
                &mut self.container_start,
            ),
            (
                "container-stop",
                "SIGTERM -> container exited",
                &mut self.container_stop,
            ),
            (
                "crash-backoff",
                "first CrashLoopBackOff delay (doubles)",
                &mut self.crash_backoff_base,
            ),
            (
                "crash-backoff-max",
                "longest CrashLoopBackOff delay",
                &mut self.crash_backoff_max,
            ),
            (
                "image-backoff",
                "first ImagePullBackOff delay (doubles)",
                &mut self.image_backoff_base,
            ),
            (
                "image-backoff-max",
                "longest ImagePullBackOff delay",
                &mut self.image_backoff_max,
            ),
            (
                "pod-sync-backoff",
                "failed pod sync -> retry (+ up to 50% jitter)",
                &mut self.pod_sync_backoff,
            ),
            (
                "node-monitor-grace",
                "silent kubelet -> node NotReady",
                &mut self.node_monitor_grace,
            ),
            (
                "pod-gc-delay",
                "deleted node -> its pods removed",
                &mut self.orphan_pod_gc_delay,
            ),
            (
                "provision",
                "claim -> dynamically provisioned volume",
                &mut self.provision,
            ),
            (
                "settle-limit",
                "how long `sim settle` runs at most",
                &mut self.settle_limit,
            ),
        ]
    }
}
