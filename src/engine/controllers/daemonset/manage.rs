//! `manage` / `podsShouldBeOnNode`: per node, create the missing daemon pod, delete failed,
//! succeeded, surplus and misplaced ones.

use super::pods::{is_updated, oldest_first};
use super::update::allows_surge;
use super::{NodeEntry, SyncState};
use crate::engine::action::WhyReason;
use crate::engine::controllers::controller_utils::is_pod_available;
use crate::engine::model::{DaemonSet, Event, Pod, PodPhase};
use crate::engine::store::Store;
use crate::engine::time::{SimDuration, SimTime};

/// The event recorder's prefix for aggregated messages.
const COMBINED_PREFIX: &str = "(combined from similar events): ";

/// What `manage` decided for all nodes.
#[derive(Default)]
pub struct Plan<'a> {
    pub create_on: Vec<String>,
    pub delete: Vec<&'a Pod>,
    /// Warning/Normal events about failed or succeeded pods: (warning, reason, message).
    pub events: Vec<(bool, &'static str, String)>,
    pub waiting: Vec<(String, WhyReason)>,
    pub requeue_after: Option<SimDuration>,
}

impl Plan<'_> {
    fn requeue(&mut self, d: SimDuration) {
        self.requeue_after = Some(self.requeue_after.map_or(d, |r| r.min(d)));
    }
}

pub fn manage<'a>(store: &Store, ds: &DaemonSet, state: &SyncState<'a>) -> Plan<'a> {
    let mut plan = Plan::default();
    let surge = allows_surge(ds);
    for entry in &state.nodes {
        on_node(store, ds, state, entry, surge, &mut plan);
    }
    // Unscheduled pods aimed at nodes that no longer exist would never be scheduled and pod GC
    // does not touch them, so the controller removes them. Bound ones wait for pod GC.
    for (node, pods) in &state.strays {
        for pod in pods.iter().filter(|p| !p.metadata.is_terminating()) {
            if pod.node_name().is_none() {
                plan.delete.push(pod);
            } else {
                plan.waiting.push((
                    pod.metadata.name.clone(),
                    WhyReason::Other(format!(
                        "{} stays bound to deleted node {node} until pod garbage collection removes it (about 40s)",
                        pod.metadata.name
                    )),
                ));
            }
        }
    }
    plan
}

fn on_node<'a>(
    store: &Store,
    ds: &DaemonSet,
    state: &SyncState<'a>,
    entry: &NodeEntry<'a>,
    surge: bool,
    plan: &mut Plan<'a>,
) {
    let name = entry.node.metadata.name.as_str();
    let placement = &entry.placement;
    if placement.should_run && entry.pods.is_empty() {
        plan.create_on.push(name.to_string());
        return;
    }
    if !placement.should_continue_running {
        plan.delete.extend(
            entry
                .pods
                .iter()
                .copied()
                .filter(|p| !p.metadata.is_terminating()),
        );
        return;
    }
    let mut running: Vec<&Pod> = Vec::new();
    for pod in entry.pods.iter().copied() {
        if pod.metadata.is_terminating() {
            continue;
        }
        match pod.status.phase {
            PodPhase::Failed => match failed_pod_backoff(store, ds, name, state.now) {
                Some(delay) => {
                    plan.requeue(delay);
                    plan.waiting.push((
                        pod.metadata.name.clone(),
                        WhyReason::Other(format!(
                            "failed daemon pod {} on {name} is killed again after a back-off of {delay}",
                            pod.metadata.name
                        )),
                    ));
                }
                None => {
                    plan.events.push((
                        true,
                        "FailedDaemonPod",
                        format!(
                            "Found failed daemon pod {}/{} on node {name}, will try to kill it",
                            pod.metadata.namespace, pod.metadata.name
                        ),
                    ));
                    plan.delete.push(pod);
                }
            },
            PodPhase::Succeeded => {
                plan.events.push((
                    false,
                    "SucceededDaemonPod",
                    format!(
                        "Found succeeded daemon pod {}/{} on node {name}, will try to delete it",
                        pod.metadata.namespace, pod.metadata.name
                    ),
                ));
                plan.delete.push(pod);
            }
            _ => running.push(pod),
        }
    }
    if entry.pods.iter().all(|p| p.metadata.is_terminating()) && placement.should_run {
        if let Some(p) = entry.pods.first() {
            plan.waiting.push((
                p.metadata.name.clone(),
                WhyReason::WaitingForTermination {
                    pod: p.metadata.name.clone(),
                },
            ));
        }
    }
    crate::engine::stable_sort::sort_by(&mut running, oldest_first);
    if !surge {
        // More than one pod on a node: keep the oldest.
        plan.delete.extend(running.iter().skip(1).copied());
        return;
    }
    if running.len() <= 1 {
        if running.is_empty() && placement.should_run {
            plan.create_on.push(name.to_string());
        }
        return;
    }
    // Surging: keep the oldest new and the oldest old pod; the old one goes when it is not
    // Ready or the new one is available.
    let (mut oldest_new, mut oldest_old): (Option<&Pod>, Option<&Pod>) = (None, None);
    for pod in running {
        let slot = if is_updated(pod, &state.hash, None) {
            &mut oldest_new
        } else {
            &mut oldest_old
        };
        if slot.is_none() {
            *slot = Some(pod);
        } else {
            plan.delete.push(pod);
        }
    }
    if let (Some(new), Some(old)) = (oldest_new, oldest_old) {
        let min_ready = ds.spec.min_ready_seconds.unwrap_or(0);
        if !old.is_ready() || is_pod_available(new, min_ready, state.now) {
            plan.delete.push(old);
        }
    }
}

/// The failed-pod back-off (1 s doubling to 15 min per DaemonSet and node). The real controller
/// keeps it in memory; we rebuild it from the `FailedDaemonPod` events it left, which carry the
/// node name and the time of each kill. Returns the delay when the next kill must wait.
fn failed_pod_backoff(
    store: &Store,
    ds: &DaemonSet,
    node: &str,
    now: SimTime,
) -> Option<SimDuration> {
    const INITIAL: u64 = 1_000;
    const MAX: u64 = 900_000;
    let suffix = format!(" on node {node}, will try to kill it");
    let mut kills: Vec<SimTime> = Vec::new();
    for e in store.list_in::<Event>(&ds.metadata.namespace) {
        if e.involved_object.uid != ds.metadata.uid || e.reason != "FailedDaemonPod" {
            continue;
        }
        let message = e
            .message
            .strip_prefix(COMBINED_PREFIX)
            .unwrap_or(&e.message);
        if !message.ends_with(&suffix) {
            continue;
        }
        let last = e
            .last_timestamp
            .or(e.first_timestamp)
            .map(|t| t.0)
            .unwrap_or_default();
        let first = e.first_timestamp.map(|t| t.0).unwrap_or(last);
        kills.push(first);
        for _ in 1..e.count.max(1) {
            kills.push(last);
        }
    }
    crate::engine::stable_sort::sort(&mut kills);
    let mut backoff: Option<u64> = None;
    let mut last_kill = SimTime(0);
    for t in kills {
        backoff = Some(match backoff {
            Some(b) if (t - last_kill).0 <= 2 * MAX => (b * 2).min(MAX),
            _ => INITIAL,
        });
        last_kill = t;
    }
    let b = backoff?;
    ((now - last_kill).0 < b).then_some(SimDuration(b))
}
