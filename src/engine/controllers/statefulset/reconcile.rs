//! One sync of a StatefulSet (stateful_set_control.go `updateStatefulSet`): the replica pass
//! (create, replace failed pods, enforce identity), the condemned pass (scale down), then the
//! update strategy, then status and history. Every place the real controller stops and waits
//! records a `WhyReason`, so the wait is visible to `sim why` and the UI.

use super::claims;
use super::identity::{self, member_ordinal, pod_name, pod_revision, start_ordinal};
use super::revisions::{self, RevisionPlan};
use super::status::{
    self, is_healthy, is_running_and_available, is_running_and_ready, is_terminating,
};
use crate::engine::action::{Action, ControllerId, EventRecord, Propagation, Reconcile, WhyReason};
use crate::engine::model::{
    ControllerRevision, Event, Kind, Object, PersistentVolumeClaim, Pod, PodPhase, PodTemplateSpec,
    StatefulSet,
};
use crate::engine::store::ObjectKey;
use crate::engine::time::SimDuration;
use crate::engine::Ctx;

/// What processing one pod decided, as `processReplica`'s (shouldExit, err) pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Flow {
    Continue,
    Stop,
    Error,
}

/// Largest slow-start batch in Parallel mode (`MaxBatchSize`).
const MAX_BATCH: usize = 500;

/// Most replicas one set may ask for here.
pub const MAX_REPLICAS: u32 = 10_000;

pub(super) struct SetSync<'a> {
    pub(super) ctx: &'a Ctx<'a>,
    pub(super) set: &'a StatefulSet,
    pub(super) key: ObjectKey,
    pub(super) plan: RevisionPlan,
    pub(super) current_template: PodTemplateSpec,
    pub(super) monotonic: bool,
    pub(super) min_ready: i32,
    /// In-range slots by index (ordinal - start); `None` means not created yet.
    pub(super) replicas: Vec<Option<&'a Pod>>,
    /// Out-of-range pods, highest ordinal first.
    pub(super) condemned: Vec<&'a Pod>,
    pub(super) out: Reconcile,
    /// Set when a claim error needs a retry with back-off (the message of the failure event).
    pub(super) failure: Option<String>,
}

pub fn reconcile(ctx: &Ctx, key: &ObjectKey) -> Reconcile {
    let Some(set) = ctx.store.get::<StatefulSet>(&key.namespace, &key.name) else {
        return Reconcile::default();
    };
    let mut out = Reconcile::default();
    let Some(selector) = set.spec.selector.as_ref().filter(|s| !s.is_empty()) else {
        out.wait(
            key.clone(),
            WhyReason::Other("spec.selector is empty: the set selects no pods".into()),
        );
        return out;
    };
    if identity::replicas(set) > MAX_REPLICAS {
        // The API allows any int32, but a browser playground cannot hold millions of pods; the
        // set is left as it is rather than half-managed.
        out.wait(
            key.clone(),
            WhyReason::Other(format!(
                "spec.replicas {} is more than this playground simulates ({MAX_REPLICAS}); scale to {MAX_REPLICAS} or fewer",
                identity::replicas(set)
            )),
        );
        return out;
    }
    let revision_list =
        super::ownership::claim_revisions(ctx.store, set, selector, &mut out.actions);
    let pods = super::ownership::claim_pods(ctx.store, set, selector, &mut out.actions);
    let plan = revisions::plan(set, &revision_list, |name| {
        ctx.store
            .get::<ControllerRevision>(&set.metadata.namespace, name)
    });
    if let Some(created) = &plan.create {
        out.act(Action::Create(Object::ControllerRevision(created.clone())));
    }
    if let Some(renumbered) = &plan.renumber {
        out.act(Action::Update(Object::ControllerRevision(
            renumbered.clone(),
        )));
    }
    let current_template =
        revisions::template_of(&plan.current).unwrap_or_else(|| set.spec.template.clone());
    let mut sync = SetSync {
        ctx,
        set,
        key: key.clone(),
        current_template,
        monotonic: set.spec.pod_management_policy.as_deref() != Some("Parallel"),
        min_ready: status::min_ready_seconds(set),
        replicas: Vec::new(),
        condemned: Vec::new(),
        out,
        failure: None,
        plan,
    };
    sync.partition_pods(&pods);
    let deleted_for_update = sync.run();
    sync.write_status(deleted_for_update);
    for old in revisions::to_truncate(set, &revision_list, &pods, &sync.plan) {
        sync.out.act(Action::Delete {
            key: ObjectKey::new(
                Kind::ControllerRevision,
                &old.metadata.namespace,
                &old.metadata.name,
            ),
            grace_seconds: None,
            propagation: Propagation::Background,
        });
    }
    sync.requeue_for_availability();
    sync.requeue_after_failure();
    sync.out
}

impl<'a> SetSync<'a> {
    fn partition_pods(&mut self, pods: &[&'a Pod]) {
        let start = start_ordinal(self.set);
        self.replicas = vec![None; identity::replicas(self.set) as usize];
        for pod in pods {
            let Some(ordinal) = member_ordinal(self.set, pod) else {
                continue;
            };
            if identity::in_range(self.set, ordinal) {
                if let Some(slot) = self.replicas.get_mut((ordinal - start) as usize) {
                    *slot = Some(*pod);
                }
            } else {
                self.condemned.push(pod);
            }
        }
        let set = self.set;
        crate::engine::stable_sort::sort_by_key(&mut self.condemned, |p| {
            std::cmp::Reverse(member_ordinal(set, p))
        });
    }

    pub(super) fn ordinal_of(&self, index: usize) -> u32 {
        start_ordinal(self.set) + index as u32
    }

    pub(super) fn rolling(&self) -> bool {
        self.set
            .spec
            .update_strategy
            .as_ref()
            .and_then(|s| s.type_.as_deref())
            != Some("OnDelete")
    }

    /// The partition, when a `rollingUpdate` block exists (the API defaults one with 0).
    pub(super) fn partition(&self) -> Option<u32> {
        match &self.set.spec.update_strategy {
            None => Some(0),
            Some(s) if s.type_.as_deref() == Some("OnDelete") => None,
            Some(s) => match &s.rolling_update {
                Some(r) => Some(r.partition.unwrap_or(0).max(0) as u32),
                None if s.type_.is_none() => Some(0),
                None => None,
            },
        }
    }

    /// `newVersionedStatefulSetPod`: the revision a pod created now at `index` gets.
    fn revision_for_new(&self, index: usize) -> (&str, bool) {
        let below = match self.partition() {
            Some(p) => self.rolling() && (index as u64) < u64::from(p),
            None => {
                let has_block = self
                    .set
                    .spec
                    .update_strategy
                    .as_ref()
                    .is_some_and(|s| s.rolling_update.is_some());
                self.rolling()
                    && !has_block
                    && (index as i64) < i64::from(self.set.status.current_replicas)
            }
        };
        if below {
            (&self.plan.current.metadata.name, true)
        } else {
            (&self.plan.update.metadata.name, false)
        }
    }

    /// The revision a slot's pod has, or will have when created.
    pub(super) fn slot_revision(&self, index: usize) -> String {
        match self.replicas.get(index).copied().flatten() {
            Some(p) => pod_revision(p).to_string(),
            None => self.revision_for_new(index).0.to_string(),
        }
    }

    pub(super) fn pod_key(&self, name: &str) -> ObjectKey {
        ObjectKey::new(Kind::Pod, &self.set.metadata.namespace, name)
    }

    pub(super) fn event(&mut self, warning: bool, reason: &str, message: String) {
        self.out.act(Action::Event(EventRecord {
            regarding: self.key.clone(),
            warning,
            reason: reason.into(),
            message,
            source: ControllerId::StatefulSet,
            host: None,
        }));
    }

    /// Runs the passes; returns whether a pod was deleted for the rolling update.
    fn run(&mut self) -> bool {
        if self.set.metadata.deletion_timestamp.is_some() {
            return false;
        }
        if self.replica_pass() || self.claim_fix_pass() || self.condemned_pass() {
            return false;
        }
        if !self.rolling() {
            self.explain_on_delete();
            return false;
        }
        self.rolling_update()
    }

    /// Walks slots ascending; OrderedReady stops at the first blocked one, Parallel runs
    /// everything in slow-start batches and stops only on errors.
    fn replica_pass(&mut self) -> bool {
        if self.monotonic {
            for i in 0..self.replicas.len() {
                if self.process_replica(i) != Flow::Continue {
                    return true;
                }
            }
            return false;
        }
        let mut next = 0;
        let mut batch = 1;
        while next < self.replicas.len() {
            let end = (next + batch).min(self.replicas.len());
            let mut failed = false;
            for i in next..end {
                failed |= self.process_replica(i) == Flow::Error;
            }
            if failed {
                return true;
            }
            next = end;
            batch = (batch * 2).min(MAX_BATCH);
        }
        false
    }

    fn process_replica(&mut self, i: usize) -> Flow {
        let ordinal = self.ordinal_of(i);
        let name = pod_name(self.set, ordinal);
        let Some(pod) = self.replicas[i] else {
            return self.create_replica(i, ordinal, &name);
        };
        if status::is_finished(pod) {
            // A failed or succeeded pod is deleted; the replacement comes at a later sync, once
            // the old object is gone.
            if !is_terminating(Some(pod)) {
                self.delete_pod(pod);
            }
            self.out.wait(
                self.pod_key(&name),
                WhyReason::WaitingForTermination { pod: name.clone() },
            );
            return Flow::Stop;
        }
        if pod.status.phase == PodPhase::Pending
            && self.create_missing_claims(pod, ordinal).is_err()
        {
            return Flow::Error;
        }
        if self.monotonic {
            if is_terminating(Some(pod)) {
                self.out.wait(
                    self.pod_key(&name),
                    WhyReason::WaitingForTermination { pod: name.clone() },
                );
                return Flow::Stop;
            }
            if !is_running_and_ready(Some(pod)) {
                self.explain_blocked_by(
                    i,
                    WhyReason::WaitingForReady {
                        blocker: name.clone(),
                    },
                );
                return Flow::Stop;
            }
            if !is_running_and_available(Some(pod), self.min_ready, self.ctx.now) {
                let left = status::available_at(pod, self.min_ready)
                    .map_or(0, |at| (at.0.saturating_sub(self.ctx.now.0)).div_ceil(1000));
                self.explain_blocked_by(
                    i,
                    WhyReason::WaitingForAvailable {
                        pod: name.clone(),
                        seconds_left: left,
                    },
                );
                return Flow::Stop;
            }
        }
        self.enforce_identity(pod, ordinal);
        Flow::Continue
    }

    /// Creates the claims, then the pod, of an empty slot.
    fn create_replica(&mut self, i: usize, ordinal: u32, name: &str) -> Flow {
        if self
            .ctx
            .store
            .get::<Pod>(&self.set.metadata.namespace, name)
            .is_some()
        {
            // The API server answers AlreadyExists; the controller records no event and retries.
            self.out.wait(
                self.pod_key(name),
                WhyReason::Other(format!(
                    "a pod named {name} exists that this set does not own (its labels no longer match the \
                     selector, or another controller owns it); {name} cannot be created until that pod is \
                     deleted or matches again"
                )),
            );
            return Flow::Error;
        }
        let existing: Vec<&PersistentVolumeClaim> = self
            .existing_claims(ordinal)
            .into_iter()
            .flatten()
            .collect();
        if let Some(stale) = existing
            .iter()
            .find(|c| claims::claim_is_stale(c, self.set, name))
        {
            let claim = stale.metadata.name.clone();
            self.out
                .wait(self.pod_key(name), WhyReason::StaleClaim { claim });
            return Flow::Stop;
        }
        let (revision, _) = self.revision_for_new(i);
        let revision = revision.to_string();
        let template = if revision == self.plan.update.metadata.name {
            self.set.spec.template.clone()
        } else {
            self.current_template.clone()
        };
        let pod = identity::new_pod(self.set, &template, ordinal, &revision);
        if let Err(err) = self.create_claims(&pod, ordinal) {
            let message = format!(
                "Create Pod {name} in StatefulSet {} failed error: {err}",
                self.set.metadata.name
            );
            self.event(true, "FailedCreate", message.clone());
            self.failure = Some(message);
            return Flow::Error;
        }
        self.out.act(Action::Create(Object::Pod(pod)));
        self.event(
            false,
            "SuccessfulCreate",
            format!(
                "Create Pod {name} in StatefulSet {} successful",
                self.set.metadata.name
            ),
        );
        if self.monotonic {
            Flow::Stop
        } else {
            Flow::Continue
        }
    }

    /// `UpdateStatefulPod`: labels, claim volumes and claim owner references put back.
    fn enforce_identity(&mut self, pod: &Pod, ordinal: u32) {
        let identity_ok = identity::identity_matches(self.set, pod);
        let storage_ok = identity::storage_matches(self.set, pod);
        if identity_ok && storage_ok && self.claims_match_policy(pod, ordinal) {
            return;
        }
        let mut fixed = pod.clone();
        if !identity_ok {
            identity::update_identity(self.set, &mut fixed, ordinal);
        }
        if !storage_ok {
            identity::update_storage(self.set, &mut fixed, ordinal);
            if self.create_claims(&fixed, ordinal).is_err() {
                return;
            }
        } else {
            for claim in self.existing_claims(ordinal).into_iter().flatten() {
                self.fix_claim_refs(claim, pod, ordinal);
            }
        }
        if fixed != *pod {
            self.out.act(Action::Update(Object::Pod(fixed)));
        }
        self.event(
            false,
            "SuccessfulUpdate",
            format!(
                "Update Pod {} in StatefulSet {} successful",
                pod.metadata.name, self.set.metadata.name
            ),
        );
    }

    /// The first pod that is not healthy and available: in-range slots ascending, then
    /// condemned ascending.
    fn first_unavailable(&self) -> Option<String> {
        let now = self.ctx.now;
        for (i, slot) in self.replicas.iter().enumerate() {
            if status::is_unavailable(*slot, self.min_ready, now) {
                return Some(pod_name(self.set, self.ordinal_of(i)));
            }
        }
        self.condemned
            .iter()
            .rev()
            .find(|p| status::is_unavailable(Some(**p), self.min_ready, now))
            .map(|p| p.metadata.name.clone())
    }

    /// Scale down: highest ordinal first; OrderedReady deletes one pod per sync and waits for it
    /// to be gone, and deletes nothing while a healthier order is not established.
    fn condemned_pass(&mut self) -> bool {
        let first_unavailable = self.first_unavailable();
        for pod in self.condemned.clone() {
            let name = pod.metadata.name.clone();
            if is_terminating(Some(pod)) {
                if self.monotonic {
                    self.out.wait(
                        self.key.clone(),
                        WhyReason::WaitingForTermination { pod: name },
                    );
                    return true;
                }
                continue;
            }
            let is_first = first_unavailable.as_deref() == Some(name.as_str());
            let unhealthy = !is_running_and_ready(Some(pod))
                || !is_running_and_available(Some(pod), self.min_ready, self.ctx.now);
            if self.monotonic && !is_first && unhealthy {
                let blocker = first_unavailable.clone().unwrap_or_else(|| name.clone());
                self.out
                    .wait(self.pod_key(&name), WhyReason::WaitingForReady { blocker });
                return true;
            }
            self.delete_pod(pod);
            if self.monotonic {
                return true;
            }
        }
        false
    }

    fn delete_pod(&mut self, pod: &Pod) {
        self.out.act(Action::Delete {
            key: self.pod_key(&pod.metadata.name),
            grace_seconds: None,
            propagation: Propagation::Background,
        });
        self.event(
            false,
            "SuccessfulDelete",
            format!(
                "Delete Pod {} in StatefulSet {} successful",
                pod.metadata.name, self.set.metadata.name
            ),
        );
    }

    /// RollingUpdate with maxUnavailable 1 (the MaxUnavailableStatefulSet gate is off in
    /// v1.36.2): from the highest index down to the partition, delete the first pod not at the
    /// update revision, or wait for an updated pod that is not yet available.
    fn rolling_update(&mut self) -> bool {
        let update = self.plan.update.metadata.name.clone();
        let update_min = self.partition().unwrap_or(0) as usize;
        let now = self.ctx.now;
        let mut deleted = false;
        for target in (update_min..self.replicas.len()).rev() {
            let slot = self.replicas[target];
            if self.slot_revision(target) != update && !is_terminating(slot) {
                if let Some(pod) = slot {
                    self.delete_pod(pod);
                    deleted = true;
                }
                break;
            }
            if status::is_unavailable(slot, self.min_ready, now) {
                let name = pod_name(self.set, self.ordinal_of(target));
                if let Some(next) = self.next_to_update(target, update_min, &update) {
                    let reason = if is_healthy(slot) {
                        let left = slot
                            .and_then(|p| status::available_at(p, self.min_ready))
                            .map_or(0, |at| at.0.saturating_sub(now.0).div_ceil(1000));
                        WhyReason::WaitingForAvailable {
                            pod: name,
                            seconds_left: left,
                        }
                    } else {
                        WhyReason::RollingUpdateWaits { pod: name }
                    };
                    self.out.wait(self.pod_key(&next), reason);
                }
                break;
            }
        }
        self.explain_partition(update_min, &update);
        deleted
    }

    fn write_status(&mut self, deleted_for_update: bool) {
        let set = self.set;
        let mut existing: Vec<&Pod> = self.replicas.iter().flatten().copied().collect();
        existing.extend(self.condemned.iter().copied());
        let (current, update) = (
            &self.plan.current.metadata.name,
            &self.plan.update.metadata.name,
        );
        let mut st = status::count(&existing, set, current, update, self.ctx.now);
        st.observed_generation = Some(set.metadata.generation);
        st.current_revision = Some(current.clone());
        st.update_revision = Some(update.clone());
        st.collision_count = Some(self.plan.collision_count);
        st.conditions = set.status.conditions.clone();
        if deleted_for_update {
            st.current_replicas -= 1;
        }
        status::complete_rolling_update(set, &mut st, self.rolling());
        // The decrement can go below zero when the deleted pod ran a third revision; the API
        // server rejects such a status, so nothing is written until the next sync.
        if st.current_replicas >= 0 && status::differs(&set.status, &st) {
            let mut updated = set.clone();
            updated.status = st;
            self.out.act(Action::Update(Object::StatefulSet(updated)));
        }
    }

    /// minReadySeconds: look again the moment the next ready pod becomes available.
    fn requeue_for_availability(&mut self) {
        if self.min_ready <= 0 {
            return;
        }
        let now = self.ctx.now;
        let soonest = self
            .replicas
            .iter()
            .flatten()
            .chain(self.condemned.iter())
            .filter(|p| {
                p.is_running_and_ready() && !is_running_and_available(Some(p), self.min_ready, now)
            })
            .filter_map(|p| status::available_at(p, self.min_ready))
            .min();
        if let Some(at) = soonest {
            // Available means strictly after; one millisecond later the check passes.
            self.out
                .requeue(SimDuration::from_millis(at.0.saturating_sub(now.0) + 1));
        }
    }

    /// A failed sync is retried with the workqueue's exponential back-off (5 ms doubling, at
    /// most 1000 s); the attempt number is how often the failure event was already recorded.
    fn requeue_after_failure(&mut self) {
        let Some(message) = &self.failure else { return };
        let attempts = self
            .ctx
            .store
            .list_in::<Event>(&self.set.metadata.namespace)
            .find(|e| e.involved_object.uid == self.set.metadata.uid && &e.message == message)
            .map_or(0, |e| e.count.max(0) as u32);
        let delay = 5u64.saturating_mul(1u64 << attempts.min(30)).min(1_000_000);
        self.out.requeue(SimDuration::from_millis(delay));
    }
}
