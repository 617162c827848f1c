//! Every applicable scenario under both `podManagementPolicy` values. Each script is driven one
//! `Sim::step` at a time (bounded), and the invariants are checked after every step: ordinals
//! unique and within the set's range, no claim deleted or replaced under Retain, and — during
//! OrderedReady creation — never two unready pods. The policy-specific expectations come from
//! statefulset.md §5, SC-05, SC-37-parallel.watch.txt, VERDICTS.md and v1.36/ERRATA.md.

use kubeplay::engine::model::{Kind, PersistentVolumeClaim, Pod, PodPhase, StatefulSet};
use kubeplay::engine::store::ChangeType;
use kubeplay::engine::time::SimTime;
use kubeplay::engine::StepOutcome;
use kubeplay::Session;
use std::collections::{BTreeMap, BTreeSet};

const NS: &str = "default";
const IMAGE1: &str = "registry.k8s.io/nginx-slim:0.24";
const IMAGE2: &str = "registry.k8s.io/nginx-slim:0.27";
const H1: &str = "web-5b646f6946";
const H2: &str = "web-59b7d9585";
/// Upper bound on steps for one settle: far above what any scenario here needs.
const MAX_STEPS: usize = 500_000;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Policy {
    OrderedReady,
    Parallel,
}

/// The reference scenarios' StatefulSet (`scenarios::m0`) under the given policy.
fn manifest(policy: Policy, replicas: u32, image: &str, extra: &str) -> String {
    super::scenarios::m0(
        replicas,
        image,
        &format!("  podManagementPolicy: {policy:?}\n{extra}"),
    )
}

fn ordinal(name: &str) -> Option<u32> {
    name.strip_prefix("web-")?.parse().ok()
}

/// What one phase of a script did; reset by `Run::new_phase`.
#[derive(Default, Debug)]
struct Phase {
    /// Pods in the order they were added.
    added: Vec<String>,
    /// Pods in the order they got a deletionTimestamp, with the simulated time in ms.
    deleted: Vec<(String, u64)>,
    /// Most non-terminating pods Pending at one time.
    max_pending: usize,
    /// Most non-terminating pods not Running and Ready at one time.
    max_unready: usize,
    /// Most pods terminating at one time.
    max_terminating: usize,
    /// Most of spec.replicas not served by a Ready, non-terminating pod at one time.
    max_unavailable: usize,
}

struct Run {
    policy: Policy,
    session: Session,
    last_rv: u64,
    steps: usize,
    /// Uid of each claim the first time it was seen: a name must keep its claim (Retain).
    claim_uids: BTreeMap<String, String>,
    claims_deleted: Vec<String>,
    /// Pod uids already seen terminating.
    terminating_uids: BTreeSet<String>,
    /// Largest spec.replicas so far: no pod may have an ordinal at or above it.
    ordinal_bound: u32,
    /// While set, OrderedReady must never have two unready pods (creation without faults).
    check_ordered_creation: bool,
    phase: Phase,
}

impl Run {
    fn new(policy: Policy) -> Run {
        Run {
            policy,
            session: Session::new(1),
            last_rv: 0,
            steps: 0,
            claim_uids: BTreeMap::new(),
            claims_deleted: Vec::new(),
            terminating_uids: BTreeSet::new(),
            ordinal_bound: 0,
            check_ordered_creation: false,
            phase: Phase::default(),
        }
    }

    fn ctx(&self) -> String {
        format!(
            "[{:?}, step {}, t={}ms]",
            self.policy,
            self.steps,
            self.session.sim.now().0
        )
    }

    /// Runs script lines (the cluster does not move while they run), then checks.
    fn script(&mut self, text: &str) -> String {
        let t = self.session.run_script(text, true);
        assert!(
            t.failures.is_empty(),
            "{} script failed:\n{}",
            self.ctx(),
            t.text
        );
        self.check();
        t.text
    }

    /// Starts a new phase: forgets what the previous one recorded.
    fn new_phase(&mut self) {
        self.phase = Phase::default();
    }

    fn pods(&self) -> Vec<Pod> {
        self.session
            .sim
            .store()
            .list_in::<Pod>(NS)
            .filter(|p| ordinal(&p.metadata.name).is_some())
            .cloned()
            .collect()
    }

    fn pod_names(&self) -> Vec<String> {
        let mut pods: Vec<(u32, String)> = self
            .pods()
            .iter()
            .filter_map(|p| Some((ordinal(&p.metadata.name)?, p.metadata.name.clone())))
            .collect();
        pods.sort();
        pods.into_iter().map(|(_, n)| n).collect()
    }

    fn set(&self) -> StatefulSet {
        self.session
            .sim
            .store()
            .get::<StatefulSet>(NS, "web")
            .expect("sts/web")
            .clone()
    }

    /// The invariants that hold after every step, and the phase's records.
    fn check(&mut self) {
        let ctx = self.ctx();
        let now = self.session.sim.now().0;
        let store = self.session.sim.store();
        if let Some(set) = store.get::<StatefulSet>(NS, "web") {
            let replicas = set.spec.replicas.unwrap_or(1).max(0) as u32;
            self.ordinal_bound = self.ordinal_bound.max(replicas);
        }
        if let Some(changes) = store.changes_since(self.last_rv) {
            for c in changes {
                let meta = c.object.meta();
                if meta.namespace != NS {
                    continue;
                }
                match (c.change, c.object.kind()) {
                    (ChangeType::Added, Kind::Pod) => self.phase.added.push(meta.name.clone()),
                    (ChangeType::Deleted, Kind::PersistentVolumeClaim) => {
                        self.claims_deleted.push(meta.name.clone())
                    }
                    _ => {}
                }
            }
        }
        self.last_rv = store.resource_version();

        // Invariant: claims under Retain are never deleted, and a name keeps its claim.
        let retain = store.get::<StatefulSet>(NS, "web").is_none_or(|set| {
            let policy = set.spec.persistent_volume_claim_retention_policy.as_ref();
            let retained = |w: Option<&String>| w.is_none_or(|w| w == "Retain");
            policy.is_none_or(|p| {
                retained(p.when_scaled.as_ref()) && retained(p.when_deleted.as_ref())
            })
        });
        if !retain {
            self.claims_deleted.clear();
            self.claim_uids.clear();
        }
        assert!(
            self.claims_deleted.is_empty(),
            "{ctx} claim deleted under Retain: {:?}",
            self.claims_deleted
        );
        for claim in store.list_in::<PersistentVolumeClaim>(NS) {
            let first = self
                .claim_uids
                .entry(claim.metadata.name.clone())
                .or_insert_with(|| claim.metadata.uid.clone());
            assert_eq!(
                *first, claim.metadata.uid,
                "{ctx} claim {} was replaced",
                claim.metadata.name
            );
        }

        // Invariant: ordinals unique and inside the range the set has asked for.
        let pods: Vec<&Pod> = store
            .list_in::<Pod>(NS)
            .filter(|p| p.metadata.name.starts_with("web-"))
            .collect();
        let mut seen = BTreeSet::new();
        for pod in &pods {
            let Some(n) = ordinal(&pod.metadata.name) else {
                panic!("{ctx} pod {} has no ordinal", pod.metadata.name)
            };
            assert!(seen.insert(n), "{ctx} ordinal {n} twice");
            assert!(
                n < self.ordinal_bound,
                "{ctx} web-{n} outside replicas {}",
                self.ordinal_bound
            );
            if let Some(index) = pod.metadata.labels().get("apps.kubernetes.io/pod-index") {
                assert_eq!(*index, n.to_string(), "{ctx} pod-index label of web-{n}");
            }
            if pod.metadata.deletion_timestamp.is_some()
                && self.terminating_uids.insert(pod.metadata.uid.clone())
            {
                self.phase.deleted.push((pod.metadata.name.clone(), now));
            }
        }

        let live: Vec<&&Pod> = pods
            .iter()
            .filter(|p| p.metadata.deletion_timestamp.is_none())
            .collect();
        let pending = live
            .iter()
            .filter(|p| p.status.phase == PodPhase::Pending)
            .count();
        let unready = live.iter().filter(|p| !p.is_running_and_ready()).count();
        let ready = live.len() - unready;
        let terminating = pods.len() - live.len();
        let replicas = store
            .get::<StatefulSet>(NS, "web")
            .and_then(|s| s.spec.replicas)
            .unwrap_or(0)
            .max(0) as usize;
        let p = &mut self.phase;
        p.max_pending = p.max_pending.max(pending);
        p.max_unready = p.max_unready.max(unready);
        p.max_terminating = p.max_terminating.max(terminating);
        p.max_unavailable = p.max_unavailable.max(replicas.saturating_sub(ready));
        if self.check_ordered_creation && self.policy == Policy::OrderedReady {
            assert!(
                unready <= 1,
                "{ctx} OrderedReady creation has {unready} unready pods"
            );
        }
    }

    /// Steps until nothing is pending, checking after every step.
    fn settle(&mut self) {
        for _ in 0..MAX_STEPS {
            let outcome = self.session.sim.step();
            self.steps += 1;
            self.check();
            if outcome == StepOutcome::Idle {
                self.check_ordered_creation = false;
                return;
            }
        }
        panic!(
            "{} the cluster did not settle in {MAX_STEPS} steps",
            self.ctx()
        );
    }

    /// Steps for about `secs` of simulated time (a failing probe never lets the cluster idle).
    /// The last step may pass the deadline by up to one timer interval.
    fn run_for(&mut self, secs: u64) {
        let deadline = self.session.sim.now().0 + secs * 1000;
        for _ in 0..MAX_STEPS {
            if self.session.sim.now().0 >= deadline {
                return;
            }
            let outcome = self.session.sim.step();
            self.steps += 1;
            self.check();
            if outcome == StepOutcome::Idle {
                self.session.sim.run_until(SimTime(deadline));
                self.check();
                return;
            }
        }
        panic!("{} {secs} s did not pass in {MAX_STEPS} steps", self.ctx());
    }

    /// Creates the set and lets it settle, checking OrderedReady creation on the way.
    fn start(&mut self, replicas: u32, extra: &str) {
        self.check_ordered_creation = true;
        self.script(&manifest(self.policy, replicas, IMAGE1, extra));
        self.settle();
        self.assert_settled(replicas);
    }

    fn scale(&mut self, replicas: u32) {
        self.new_phase();
        self.check_ordered_creation = true;
        self.script(&format!("kubectl scale sts web --replicas={replicas}"));
        self.settle();
        self.assert_settled(replicas);
    }

    /// After settling: pods are exactly web-0..web-(n-1), all Ready, each on its own claim.
    fn assert_settled(&self, n: u32) {
        let want: Vec<String> = (0..n).map(|i| format!("web-{i}")).collect();
        assert_eq!(
            self.pod_names(),
            want,
            "{} ordinals contiguous from 0",
            self.ctx()
        );
        for pod in self.pods() {
            let name = &pod.metadata.name;
            assert!(
                pod.is_running_and_ready(),
                "{} {name} not Ready",
                self.ctx()
            );
            let claim = pod
                .spec
                .volumes
                .iter()
                .find_map(|v| v.persistent_volume_claim.as_ref())
                .map(|c| c.claim_name.clone());
            assert_eq!(
                claim,
                Some(format!("www-{name}")),
                "{} claim of {name}",
                self.ctx()
            );
        }
    }

    fn deleted_names(&self) -> Vec<String> {
        self.phase.deleted.iter().map(|(n, _)| n.clone()).collect()
    }

    fn revision(&self, pod: &str) -> String {
        let store = self.session.sim.store();
        let pod = store.get::<Pod>(NS, pod).expect("pod exists");
        pod.metadata
            .labels()
            .get("controller-revision-hash")
            .cloned()
            .unwrap_or_default()
    }

    fn claim_names(&self) -> Vec<String> {
        self.session
            .sim
            .store()
            .list_in::<PersistentVolumeClaim>(NS)
            .map(|c| c.metadata.name.clone())
            .collect()
    }
}

fn names(ordinals: &[u32]) -> Vec<String> {
    ordinals.iter().map(|n| format!("web-{n}")).collect()
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

/// statefulset.md §5.1/§5.2, SC-01 (OrderedReady), SC-37-parallel.watch.txt (six pods ADDED
/// within 7 ms): OrderedReady creates one at a time in order; Parallel all at once.
fn creation(policy: Policy) {
    let mut run = Run::new(policy);
    run.start(3, "");
    match policy {
        Policy::OrderedReady => {
            assert_eq!(run.phase.added, names(&[0, 1, 2]), "ascending order");
            assert_eq!(run.phase.max_pending, 1, "one pod at a time");
            assert_eq!(run.phase.max_unready, 1, "never two unready pods");
        }
        Policy::Parallel => {
            assert_eq!(sorted(run.phase.added.clone()), names(&[0, 1, 2]));
            assert_eq!(run.phase.max_pending, 3, "all three Pending at once");
        }
    }
    assert_eq!(
        sorted(run.claim_names()),
        ["www-web-0", "www-web-1", "www-web-2"]
    );
}

/// SC-05 (Parallel scale 1 -> 3 creates both at once), §5.1 for OrderedReady.
fn scale_up(policy: Policy) {
    let mut run = Run::new(policy);
    run.start(1, "");
    run.scale(4);
    match policy {
        Policy::OrderedReady => {
            assert_eq!(run.phase.added, names(&[1, 2, 3]));
            assert_eq!(run.phase.max_pending, 1);
            assert_eq!(run.phase.max_unready, 1);
        }
        Policy::Parallel => {
            assert_eq!(sorted(run.phase.added.clone()), names(&[1, 2, 3]));
            assert_eq!(run.phase.max_pending, 3, "three new pods Pending at once");
        }
    }
}

/// §5.1: highest ordinal first, one at a time; §5.2 and SC-05: all condemned pods in one sync
/// (VERDICTS: in no guaranteed order, so only the set is compared under Parallel).
fn scale_down(policy: Policy) {
    let mut run = Run::new(policy);
    run.start(4, "");
    run.scale(1);
    match policy {
        Policy::OrderedReady => {
            assert_eq!(run.deleted_names(), names(&[3, 2, 1]));
            assert_eq!(
                run.phase.max_terminating, 1,
                "next deletion waits until the pod is gone"
            );
        }
        Policy::Parallel => {
            assert_eq!(sorted(run.deleted_names()), names(&[1, 2, 3]));
            assert_eq!(
                run.phase.max_terminating, 3,
                "all condemned pods terminate together"
            );
            let times: BTreeSet<u64> = run.phase.deleted.iter().map(|(_, t)| *t).collect();
            assert_eq!(
                times.len(),
                1,
                "deleted at one instant: {:?}",
                run.phase.deleted
            );
        }
    }
    assert_eq!(
        run.claim_names().len(),
        4,
        "Retain keeps the condemned pods' claims"
    );
}

/// SC-17: 3 -> 1 -> 3 brings back the same claims (uids are checked after every step).
fn retained_claims_come_back(policy: Policy) {
    let mut run = Run::new(policy);
    run.start(3, "");
    let claims = sorted(run.claim_names());
    run.scale(1);
    run.scale(3);
    assert_eq!(
        sorted(run.claim_names()),
        claims,
        "the same claim names, no new ones"
    );
    if policy == Policy::OrderedReady {
        assert_eq!(run.phase.added, names(&[1, 2]));
    }
}

/// §8: with `whenScaled: Delete` the condemned pods' claims go (after their pods) under both
/// policies, and scale-up creates fresh ones; the in-range claim stays. This also shows the
/// Retain checks above are live: they are switched off only for this policy.
fn when_scaled_delete_removes_condemned_claims(policy: Policy) {
    let mut run = Run::new(policy);
    run.start(
        3,
        "  persistentVolumeClaimRetentionPolicy: {whenScaled: Delete}\n",
    );
    let uid = |run: &Run, name: &str| {
        let store = run.session.sim.store();
        store
            .get::<PersistentVolumeClaim>(NS, name)
            .map(|c| c.metadata.uid.clone())
    };
    let (kept, old) = (uid(&run, "www-web-0"), uid(&run, "www-web-2"));
    run.scale(1);
    assert_eq!(run.claim_names(), ["www-web-0"], "condemned claims deleted");
    run.scale(3);
    assert_eq!(uid(&run, "www-web-0"), kept);
    assert!(
        uid(&run, "www-web-2").is_some_and(|u| Some(u) != old),
        "a fresh www-web-2"
    );
}

/// A deleted pod comes back with its name and claim under both policies.
fn deleted_pod_comes_back(policy: Policy) {
    let mut run = Run::new(policy);
    run.start(3, "");
    run.new_phase();
    run.script("kubectl delete pod web-1 --wait=false");
    run.settle();
    run.assert_settled(3);
    assert_eq!(run.deleted_names(), names(&[1]));
    assert_eq!(
        run.phase.added,
        names(&[1]),
        "recreated under the same name"
    );
}

/// §6.1, SC-29, SC-37-parallel: a rolling update is one pod at a time, highest ordinal first,
/// down to the partition, under both policies.
fn rolling_update_with_partition(policy: Policy) {
    let mut run = Run::new(policy);
    run.start(
        3,
        "  updateStrategy: {type: RollingUpdate, rollingUpdate: {partition: 1}}\n",
    );
    run.new_phase();
    run.script(&format!("kubectl set image sts/web nginx={IMAGE2}"));
    run.settle();
    run.assert_settled(3);
    assert_eq!(
        run.deleted_names(),
        names(&[2, 1]),
        "ordinals >= partition 1, highest first"
    );
    let revs: Vec<String> = (0..3).map(|n| run.revision(&format!("web-{n}"))).collect();
    assert_eq!(revs, [H1, H2, H2], "web-0 held below the partition");
    run.script(r#"kubectl patch sts web -p '{"spec":{"updateStrategy":{"rollingUpdate":{"partition":0}}}}'"#);
    run.settle();
    run.assert_settled(3);
    assert_eq!(
        run.deleted_names(),
        names(&[2, 1, 0]),
        "reverse ordinal order"
    );
    assert_eq!(run.phase.max_terminating, 1, "one pod at a time");
    assert_eq!(
        run.phase.max_unavailable, 1,
        "never two pods down during the update"
    );
    let s = run.set().status;
    assert_eq!(s.current_revision.as_deref(), Some(H2));
    assert_eq!((s.current_replicas, s.updated_replicas), (3, 3));
}

/// ERRATA: on 1.36 Parallel waits minReadySeconds between update steps, like OrderedReady.
fn rolling_update_waits_min_ready_seconds(policy: Policy) {
    let mut run = Run::new(policy);
    run.start(3, "  minReadySeconds: 10\n");
    run.new_phase();
    run.script(&format!("kubectl set image sts/web nginx={IMAGE2}"));
    run.settle();
    run.assert_settled(3);
    assert_eq!(run.deleted_names(), names(&[2, 1, 0]));
    assert_eq!(run.phase.max_unavailable, 1);
    let store = run.session.sim.store();
    for n in [2u32, 1] {
        let ready = store
            .get::<Pod>(NS, &format!("web-{n}"))
            .and_then(|p| p.ready_since())
            .expect("ready")
            .0
             .0;
        let next = run
            .phase
            .deleted
            .iter()
            .find(|(name, _)| *name == format!("web-{}", n - 1))
            .map(|(_, t)| *t)
            .expect("deleted");
        assert!(
            next >= ready + 10_000,
            "[{policy:?}] web-{} deleted {} ms after web-{n} became Ready (minReadySeconds 10)",
            n - 1,
            next as i64 - ready as i64
        );
    }
}

/// §6.3, ERRATA: OnDelete never deletes for an update; a deleted pod comes back at the update
/// revision; currentRevision does not move.
fn on_delete(policy: Policy) {
    let mut run = Run::new(policy);
    run.start(3, "  updateStrategy: {type: OnDelete}\n");
    run.new_phase();
    run.script(&format!("kubectl set image sts/web nginx={IMAGE2}"));
    run.settle();
    assert!(run.deleted_names().is_empty(), "{:?}", run.deleted_names());
    run.script("kubectl delete pod web-1 --wait=false");
    run.settle();
    run.assert_settled(3);
    let revs: Vec<String> = (0..3).map(|n| run.revision(&format!("web-{n}"))).collect();
    assert_eq!(revs, [H1, H2, H1]);
    let s = run.set().status;
    assert_eq!(
        (s.current_revision.as_deref(), s.update_revision.as_deref()),
        (Some(H1), Some(H2))
    );
}

/// ERRATA: a failed pod is deleted and recreated (Delete Pod, then Create Pod) with its claim.
fn failed_pod_is_replaced(policy: Policy) {
    let mut run = Run::new(policy);
    run.start(3, "");
    run.new_phase();
    run.script("sim pod fail web-1");
    run.settle();
    run.assert_settled(3);
    assert_eq!(run.deleted_names(), names(&[1]));
    assert_eq!(run.phase.added, names(&[1]));
}

/// SC-11 (OrderedReady blocks scale-down while web-0 is unready), SC-05 and §5.2 (Parallel
/// deletes the condemned pods anyway).
fn unready_pod_and_scale_down(policy: Policy) {
    let mut run = Run::new(policy);
    run.start(3, "");
    run.script("sim pod unready web-0");
    run.run_for(40);
    assert_eq!(run.set().status.ready_replicas, 2, "web-0 is unready");
    run.new_phase();
    run.script("kubectl scale sts web --replicas=1");
    run.run_for(30);
    match policy {
        Policy::OrderedReady => {
            assert!(run.deleted_names().is_empty(), "{:?}", run.deleted_names());
            assert_eq!(run.pod_names(), names(&[0, 1, 2]));
        }
        Policy::Parallel => {
            assert_eq!(sorted(run.deleted_names()), names(&[1, 2]));
            assert_eq!(run.pod_names(), names(&[0]));
        }
    }
    run.script("sim pod ready web-0");
    run.settle();
    run.assert_settled(1);
}

/// §5.1: OrderedReady creates nothing past an unready pod; §5.2 / SC-05: Parallel does.
fn unready_pod_and_scale_up(policy: Policy) {
    let mut run = Run::new(policy);
    run.start(2, "");
    run.script("sim pod unready web-1");
    run.run_for(40);
    run.new_phase();
    run.script("kubectl scale sts web --replicas=4");
    run.run_for(30);
    match policy {
        Policy::OrderedReady => {
            assert!(run.phase.added.is_empty(), "{:?}", run.phase.added);
        }
        Policy::Parallel => {
            assert_eq!(sorted(run.phase.added.clone()), names(&[2, 3]));
        }
    }
    run.script("sim pod ready web-1");
    run.settle();
    run.assert_settled(4);
}

/// §5.2, §6.1 [CTRL]: an unready pod below the update blocks an OrderedReady rollout (the replica
/// pass stops at it) but not a Parallel one, which still goes one pod at a time, highest first.
fn unready_pod_and_rolling_update(policy: Policy) {
    let mut run = Run::new(policy);
    run.start(3, "");
    run.script("sim pod unready web-0");
    run.run_for(40);
    run.new_phase();
    run.script(&format!("kubectl set image sts/web nginx={IMAGE2}"));
    run.run_for(60);
    match policy {
        Policy::OrderedReady => {
            assert!(run.deleted_names().is_empty(), "{:?}", run.deleted_names());
            assert_eq!(run.revision("web-2"), H1);
        }
        Policy::Parallel => {
            let deleted = run.deleted_names();
            assert_eq!(deleted.get(..2), Some(&names(&[2, 1])[..]), "{deleted:?}");
            assert_eq!(run.phase.max_terminating, 1, "one pod at a time");
            assert_eq!(
                (run.revision("web-2"), run.revision("web-1")),
                (H2.into(), H2.into())
            );
        }
    }
    run.script("sim pod ready web-0");
    run.settle();
    run.assert_settled(3);
    let revs: Vec<String> = (0..3).map(|n| run.revision(&format!("web-{n}"))).collect();
    assert_eq!(revs, [H2, H2, H2]);
}

/// SC-33 and §6.1: after a broken update is reverted, OrderedReady never replaces the broken
/// pod (it needs a manual delete); Parallel deletes it and recovers by itself.
fn reverted_stuck_rollout(policy: Policy) {
    let mut run = Run::new(policy);
    run.start(3, "");
    run.script("sim image broken registry.k8s.io/nginx-slim:does-not-exist");
    run.new_phase();
    run.script("kubectl set image sts/web nginx=registry.k8s.io/nginx-slim:does-not-exist");
    run.run_for(60);
    assert_eq!(
        run.deleted_names(),
        names(&[2]),
        "stuck at the broken web-2"
    );
    run.script(&format!("kubectl set image sts/web nginx={IMAGE1}"));
    run.run_for(60);
    match policy {
        Policy::OrderedReady => {
            assert_eq!(run.deleted_names(), names(&[2]), "never replaced");
            assert_ne!(run.revision("web-2"), H1);
            run.script("kubectl delete pod web-2 --wait=false");
        }
        Policy::Parallel => {
            assert_eq!(
                run.deleted_names(),
                names(&[2, 2]),
                "replaced by the controller"
            );
            assert_eq!(run.revision("web-2"), H1);
        }
    }
    run.settle();
    run.assert_settled(3);
    let s = run.set().status;
    assert_eq!(
        (s.ready_replicas, s.current_replicas, s.updated_replicas),
        (3, 3, 3)
    );
}

/// One `#[test]` per policy for each scenario function.
macro_rules! under_both_policies {
    ($($scenario:ident),* $(,)?) => {$(
        mod $scenario {
            #[test]
            fn ordered_ready() {
                super::$scenario(super::Policy::OrderedReady)
            }
            #[test]
            fn parallel() {
                super::$scenario(super::Policy::Parallel)
            }
        }
    )*};
}

under_both_policies!(
    creation,
    scale_up,
    scale_down,
    retained_claims_come_back,
    when_scaled_delete_removes_condemned_claims,
    deleted_pod_comes_back,
    rolling_update_with_partition,
    rolling_update_waits_min_ready_seconds,
    on_delete,
    failed_pod_is_replaced,
    unready_pod_and_scale_down,
    unready_pod_and_scale_up,
    unready_pod_and_rolling_update,
    reverted_stuck_rollout,
);
