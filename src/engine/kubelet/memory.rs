//! What the kubelet already did for a pod. The real kubelet keeps this in memory (its pull
//! back-off table, the pod worker's progress); here the record is the events it wrote on the
//! pod, which is exactly what a learner sees in `kubectl describe pod`. Reading them back keeps
//! every reconcile a pure function of the store.

use crate::engine::model::{Event, Pod};
use crate::engine::store::Store;
use crate::engine::time::SimTime;

/// The kubelet's own events about one pod (by uid, so a recreated pod starts fresh).
pub struct History<'a> {
    events: Vec<&'a Event>,
}

impl<'a> History<'a> {
    pub fn of(store: &'a Store, pod: &Pod) -> History<'a> {
        let ns = if pod.metadata.namespace.is_empty() {
            "default"
        } else {
            pod.metadata.namespace.as_str()
        };
        let prefix = format!("{}.", pod.metadata.name);
        let events = store
            .list_prefixed::<Event>(ns, &prefix)
            .filter(|e| {
                e.involved_object.uid == pod.metadata.uid && e.source.component == "kubelet"
            })
            .collect();
        History { events }
    }

    fn matching<'b>(
        &'b self,
        reason: &'b str,
        needle: &'b str,
    ) -> impl Iterator<Item = &'a Event> + 'b {
        self.events
            .iter()
            .copied()
            .filter(move |e| e.reason == reason && e.message.contains(needle))
    }

    /// When an event with `reason` whose message contains `needle` was last recorded.
    pub fn last(&self, reason: &str, needle: &str) -> Option<SimTime> {
        self.matching(reason, needle)
            .filter_map(|e| e.last_timestamp.map(|t| t.0))
            .max()
    }

    /// How many times such an event was recorded (repeats are folded into `count`).
    pub fn count(&self, reason: &str, needle: &str) -> u32 {
        self.matching(reason, needle)
            .map(|e| e.count.max(1) as u32)
            .sum()
    }

    /// Whether such an event was already recorded at `now` (a second reconcile at the same
    /// instant must not write it twice).
    pub fn recorded_at(&self, reason: &str, needle: &str, now: SimTime) -> bool {
        self.last(reason, needle) == Some(now)
    }
}
