//! The simulated cluster. Pure Rust: no UI crates, no wall clock, no OS randomness.
//!
//! Determinism contract: a `Sim` built with the same seed and driven by the same calls produces
//! byte-identical objects, events and output on every platform. All iteration that affects
//! output is over ordered maps; all randomness comes from one seeded ChaCha8 stream.

pub mod action;
pub mod apply;
mod bounded;
pub mod cluster;
pub mod config;
pub mod controllers;
pub mod dns;
pub mod events;
pub mod files;
pub mod kubelet;
pub mod manifest;
pub mod model;
pub mod scheduler;
pub mod service_alloc;
pub mod stable_sort;
pub mod store;
pub mod time;
mod watch;

use action::{ControllerId, Faults, Reconcile, Why};
use config::ClusterConfig;
use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use store::{ObjectKey, Store};
use time::{SimDuration, SimTime, Timers};

/// Read-only view handed to every reconcile.
pub struct Ctx<'a> {
    pub store: &'a Store,
    pub now: SimTime,
    pub config: &'a ClusterConfig,
    pub faults: &'a Faults,
    /// What each node holds, kept current by watch.rs (the scheduler's NodeInfo cache).
    pub node_info: &'a scheduler::cache::NodeInfoCache,
}

/// Work items: which actor should look at which object.
type WorkItem = (ControllerId, ObjectKey);

#[derive(Clone, Debug, Default)]
struct WorkQueue {
    order: VecDeque<WorkItem>,
    queued: BTreeSet<WorkItem>,
}

impl WorkQueue {
    fn push(&mut self, item: WorkItem) {
        if self.queued.insert(item.clone()) {
            self.order.push_back(item);
        }
    }
    fn pop(&mut self) -> Option<WorkItem> {
        let item = self.order.pop_front()?;
        self.queued.remove(&item);
        Some(item)
    }
    fn len(&self) -> usize {
        self.order.len()
    }
}

/// What one `step` did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StepOutcome {
    /// Ran queued work at the current time.
    Worked,
    /// Advanced the clock to the next timer.
    Advanced(SimTime),
    /// Nothing is pending.
    Idle,
}

#[derive(Clone, Debug)]
pub struct Sim {
    pub(crate) store: Store,
    pub(crate) now: SimTime,
    pub(crate) config: ClusterConfig,
    pub(crate) faults: Faults,
    seed: u64,
    rng: ChaCha8Rng,
    queue: WorkQueue,
    /// Timers; some are only steady-state retries (see `settle`).
    timers: Timers<WorkItem>,
    /// Latest blocked reasons per actor and key, replaced on every reconcile of that key.
    why: BTreeMap<WorkItem, Vec<Why>>,
    /// Next pod IP host part per node, and next ClusterIP.
    pub(crate) ipam: apply::Ipam,
    /// The event recorder's correlation state (dedup and aggregation).
    events: events::EventCorrelator,
    /// Files written inside containers, by the storage that holds them.
    files: files::FileStore,
    /// Requests and ports held on each node, for the scheduler.
    node_info: scheduler::cache::NodeInfoCache,
    /// Number of reconciles run, for benchmarks.
    reconciles: u64,
}

impl Sim {
    /// An empty cluster: no nodes, only the built-in namespaces.
    pub fn empty(seed: u64) -> Sim {
        let mut sim = Sim {
            store: Store::default(),
            now: SimTime(0),
            config: ClusterConfig::default(),
            faults: Faults::default(),
            seed,
            rng: ChaCha8Rng::seed_from_u64(seed),
            queue: WorkQueue::default(),
            timers: Timers::default(),
            why: BTreeMap::new(),
            ipam: apply::Ipam::default(),
            events: events::EventCorrelator::default(),
            files: files::FileStore::default(),
            node_info: Default::default(),
            reconciles: 0,
        };
        cluster::bootstrap_namespaces(&mut sim);
        sim
    }

    /// The default cluster: a kind-style control plane and `workers` workers, the `standard`
    /// StorageClass and the kube-system workloads, settled so everything is Running.
    pub fn new(seed: u64) -> Sim {
        Sim::with_workers(seed, 3)
    }

    pub fn with_workers(seed: u64, workers: u32) -> Sim {
        let mut sim = Sim::empty(seed);
        cluster::bootstrap_default(&mut sim, workers);
        sim.settle();
        sim
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }
    pub fn now(&self) -> SimTime {
        self.now
    }
    pub fn store(&self) -> &Store {
        &self.store
    }
    pub fn config(&self) -> &ClusterConfig {
        &self.config
    }
    pub fn config_mut(&mut self) -> &mut ClusterConfig {
        &mut self.config
    }
    pub fn faults(&self) -> &Faults {
        &self.faults
    }
    pub fn faults_mut(&mut self) -> &mut Faults {
        &mut self.faults
    }
    pub fn reconcile_count(&self) -> u64 {
        self.reconciles
    }
    /// Work that will change something without outside help: queued reconciles and timers that
    /// are not steady-state retries. Zero means the cluster has settled.
    pub fn pending_work(&self) -> usize {
        self.queue.len() + self.timers.len() - self.timers.retries()
    }

    /// Steady-state retries still scheduled: attempts that keep failing until something outside
    /// changes (a missing Secret appears, a crash or image fault is cleared).
    pub fn pending_retries(&self) -> usize {
        self.timers.retries()
    }

    pub(crate) fn ctx(&self) -> Ctx<'_> {
        Ctx {
            store: &self.store,
            now: self.now,
            config: &self.config,
            faults: &self.faults,
            node_info: &self.node_info,
        }
    }

    /// The next random u64 from the seeded stream.
    pub(crate) fn next_random(&mut self) -> u64 {
        self.rng.next_u64()
    }

    /// Re-seeds the RNG (`sim seed N`); the cluster itself is kept.
    pub fn reseed(&mut self, seed: u64) {
        self.seed = seed;
        self.rng = ChaCha8Rng::seed_from_u64(seed);
    }

    /// Asks `controller` to look at `key` as soon as possible.
    pub fn enqueue(&mut self, controller: ControllerId, key: ObjectKey) {
        self.queue.push((controller, key));
    }

    /// Asks `controller` to look at `key` after `delay`.
    pub fn enqueue_after(&mut self, controller: ControllerId, key: ObjectKey, delay: SimDuration) {
        if delay == SimDuration::ZERO {
            self.enqueue(controller, key);
        } else {
            self.timers.push(self.now + delay, (controller, key));
        }
    }

    /// Like `enqueue_after`, for an attempt that cannot succeed until something outside changes.
    fn enqueue_retry_after(
        &mut self,
        controller: ControllerId,
        key: ObjectKey,
        delay: SimDuration,
    ) {
        self.timers.push_retry(self.now + delay, (controller, key));
    }

    /// Moves every timer due at `self.now` to the work queue.
    fn release_due_timers(&mut self) {
        while let Some((_, item)) = self.timers.pop_due(self.now) {
            self.queue.push(item);
        }
    }

    /// Runs one unit of work: a queued reconcile now, or else the clock jumps to the next timer
    /// (and the work it releases is queued).
    pub fn step(&mut self) -> StepOutcome {
        if let Some((controller, key)) = self.queue.pop() {
            self.run_reconcile(controller, key);
            return StepOutcome::Worked;
        }
        let Some(due) = self.timers.next_due() else {
            return StepOutcome::Idle;
        };
        if due > self.now {
            self.now = due;
        }
        self.release_due_timers();
        StepOutcome::Advanced(self.now)
    }

    /// Runs everything due up to `now + d`, then sets the clock to exactly that time.
    pub fn advance_by(&mut self, d: SimDuration) {
        let target = self.now + d;
        self.run_until(target);
    }

    pub fn run_until(&mut self, target: SimTime) {
        loop {
            while let Some((c, k)) = self.queue.pop() {
                self.run_reconcile(c, k);
            }
            match self.timers.next_due() {
                Some(due) if due <= target => {
                    self.now = self.now.max(due);
                    self.release_due_timers();
                }
                _ => break,
            }
        }
        self.now = self.now.max(target);
    }

    /// Runs until nothing will change without outside help, or until `config.settle_limit` of
    /// simulated time has passed. Returns whether the cluster went quiet.
    ///
    /// Steady-state retries do not count as pending: the kubelet retrying a container whose
    /// Secret is missing, restarting a crash-looping container or pulling a broken image again
    /// would repeat forever, so settling stops once only such retries are left (the clock stays
    /// at the last change). They keep firing when time is advanced (`sim advance`), and an
    /// outside change (the Secret created, the fault cleared) turns the next attempt into real
    /// work that settling waits for.
    pub fn settle(&mut self) -> bool {
        let limit = self.now + self.config.settle_limit;
        loop {
            // The same loop a bounded caller runs in pieces (bounded.rs).
            if let Some(quiet) = self.settle_toward(limit, u32::MAX) {
                return quiet;
            }
        }
    }

    fn run_reconcile(&mut self, controller: ControllerId, key: ObjectKey) {
        self.reconciles += 1;
        let result: Reconcile = controllers::reconcile(controller, &self.ctx(), &key);
        let item = (controller, key.clone());
        if result.why.is_empty() {
            self.why.remove(&item);
        } else {
            self.why.insert(item, result.why);
        }
        for action in result.actions {
            self.apply(controller, action);
        }
        match result.requeue_after {
            Some(after) if result.steady_retry && after > SimDuration::ZERO => {
                self.enqueue_retry_after(controller, key, after)
            }
            Some(after) => self.enqueue_after(controller, key, after),
            None => {}
        }
    }

    /// All current blocked reasons, in (actor, key) order.
    pub fn why_all(&self) -> impl Iterator<Item = (ControllerId, &ObjectKey, &Why)> {
        self.why
            .iter()
            .flat_map(|((c, k), list)| list.iter().map(move |w| (*c, k, w)))
    }
}
