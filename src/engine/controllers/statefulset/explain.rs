//! The StatefulSet controller's blocked reasons: what an OrderedReady stop holds up, what a
//! partition keeps on the old revision, and the stuck-rollout case that needs a manual delete.

use super::identity::{pod_name, pod_revision};
use super::reconcile::SetSync;
use super::status::is_created;
use crate::engine::action::WhyReason;

impl SetSync<'_> {
    pub(super) fn next_to_update(
        &self,
        below: usize,
        update_min: usize,
        update: &str,
    ) -> Option<String> {
        (update_min..below)
            .rev()
            .find(|&i| self.slot_revision(i) != update)
            .map(|i| pod_name(self.set, self.ordinal_of(i)))
    }

    pub(super) fn explain_partition(&mut self, update_min: usize, update: &str) {
        if update_min == 0 {
            return;
        }
        let held: Vec<String> = (0..update_min.min(self.replicas.len()))
            .filter(|&i| is_created(self.replicas[i]) && self.slot_revision(i) != update)
            .map(|i| pod_name(self.set, self.ordinal_of(i)))
            .collect();
        if !held.is_empty() {
            self.out.wait(
                self.key.clone(),
                WhyReason::PartitionHolds {
                    partition: update_min as i32,
                    held,
                },
            );
        }
    }

    pub(super) fn explain_on_delete(&mut self) {
        let update = self.plan.update.metadata.name.clone();
        let pods: Vec<String> = self
            .replicas
            .iter()
            .flatten()
            .filter(|p| pod_revision(p) != update)
            .map(|p| p.metadata.name.clone())
            .collect();
        if !pods.is_empty() {
            self.out
                .wait(self.key.clone(), WhyReason::OnDeleteHolds { pods });
        }
    }

    /// An OrderedReady stop at slot `i`: says what it holds up (the next pod to create, a
    /// scale-down, or the rolling update), and names a stuck rollout for what it is.
    pub(super) fn explain_blocked_by(&mut self, i: usize, reason: WhyReason) {
        let update = self.plan.update.metadata.name.clone();
        let blocker = pod_name(self.set, self.ordinal_of(i));
        let update_min = self.partition().unwrap_or(0) as usize;
        if self.rolling() && i >= update_min && self.slot_revision(i) != update {
            self.out.wait(
                self.pod_key(&blocker),
                WhyReason::StuckRollout {
                    pod: blocker.clone(),
                },
            );
            return;
        }
        let waiting = (i + 1..self.replicas.len())
            .find(|&j| self.replicas[j].is_none())
            .map(|j| pod_name(self.set, self.ordinal_of(j)))
            .or_else(|| self.condemned.first().map(|p| p.metadata.name.clone()))
            .or_else(|| {
                if self.rolling() {
                    self.next_to_update(self.replicas.len(), update_min, &update)
                } else {
                    None
                }
            });
        if let Some(w) = waiting {
            self.out.wait(self.pod_key(&w), reason);
        }
    }
}
