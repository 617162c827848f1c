//! The reference scenarios as scripts on the default cluster, with every component running.
//! After each simulation step the recorder notes controller events, pod creations, status
//! changes and invariant violations; the expected sequences are copied from the transcripts of
//! a real v1.36.2 control plane (file named at each test).

use kubeplay::engine::model::{Event, Kind, Pod, StatefulSet};
use kubeplay::engine::store::ChangeType;
use kubeplay::engine::StepOutcome;
use kubeplay::Session;

const NS: &str = "default";

/// The web StatefulSet and its headless Service of the scenarios, `extra` spliced into the
/// spec (indented two spaces, newline-terminated).
pub(crate) fn m0(replicas: u32, image: &str, extra: &str) -> String {
    format!(
        "kubectl apply -f - <<EOF
apiVersion: v1
kind: Service
metadata: {{name: nginx, labels: {{app: nginx}}}}
spec:
  clusterIP: None
  selector: {{app: nginx}}
  ports: [{{port: 80, name: web}}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {{name: web}}
spec:
  serviceName: nginx
  replicas: {replicas}
{extra}  selector: {{matchLabels: {{app: nginx}}}}
  template:
    metadata: {{labels: {{app: nginx}}}}
    spec:
      terminationGracePeriodSeconds: 10
      containers:
      - name: nginx
        image: {image}
        ports: [{{containerPort: 80, name: web}}]
        readinessProbe: {{httpGet: {{path: /, port: 80}}}}
        volumeMounts: [{{name: www, mountPath: /usr/share/nginx/html}}]
  volumeClaimTemplates:
  - metadata: {{name: www}}
    spec:
      accessModes: [ReadWriteOnce]
      resources: {{requests: {{storage: 1Gi}}}}
EOF
"
    )
}

const IMAGE1: &str = "registry.k8s.io/nginx-slim:0.24";
const IMAGE2: &str = "registry.k8s.io/nginx-slim:0.27";

/// `(replicas, ready, current, updated, available)` as the transcripts' status.txt print them.
type Counts = (i32, i32, i32, i32, i32);

#[derive(Default)]
struct Recorder {
    last_rv: u64,
    /// statefulset-controller event messages, in the order they were recorded or repeated.
    events: Vec<String>,
    /// Pods in the order they were added.
    pods_added: Vec<String>,
    /// Each distinct status of sts/web, in order.
    statuses: Vec<Counts>,
    claims_deleted: Vec<String>,
    /// Most non-terminating pods that were not Running and Ready at one time.
    max_unready: usize,
}

struct Run {
    session: Session,
    rec: Recorder,
}

impl Run {
    fn new() -> Run {
        Run {
            session: Session::new(1),
            rec: Recorder::default(),
        }
    }

    /// Runs script lines; the cluster does not move while commands run.
    fn script(&mut self, text: &str) -> String {
        let t = self.session.run_script(text, true);
        assert!(t.failures.is_empty(), "script failed:\n{}", t.text);
        self.observe();
        t.text
    }

    fn observe(&mut self) {
        let store = self.session.sim.store();
        let mut fresh: Vec<(u64, String)> = store
            .list_in::<Event>(NS)
            .filter(|e| e.source.component == "statefulset-controller")
            .filter_map(|e| {
                let rv: u64 = e.metadata.resource_version.parse().ok()?;
                (rv > self.rec.last_rv).then(|| (rv, e.message.clone()))
            })
            .collect();
        fresh.sort();
        self.rec.events.extend(fresh.into_iter().map(|(_, m)| m));
        if let Some(changes) = store.changes_since(self.rec.last_rv) {
            for c in changes {
                match (c.change, c.object.kind()) {
                    (ChangeType::Added, Kind::Pod) if c.object.meta().namespace == NS => {
                        self.rec.pods_added.push(c.object.meta().name.clone())
                    }
                    (ChangeType::Deleted, Kind::PersistentVolumeClaim) => {
                        self.rec.claims_deleted.push(c.object.meta().name.clone())
                    }
                    _ => {}
                }
            }
        }
        self.rec.last_rv = store.resource_version();
        if let Some(set) = store.get::<StatefulSet>(NS, "web") {
            let s = &set.status;
            let counts = (
                s.replicas,
                s.ready_replicas,
                s.current_replicas,
                s.updated_replicas,
                s.available_replicas,
            );
            if set.status.observed_generation.is_some() && self.rec.statuses.last() != Some(&counts)
            {
                self.rec.statuses.push(counts);
            }
        }
        let unready = store
            .list_in::<Pod>(NS)
            .filter(|p| p.metadata.deletion_timestamp.is_none() && !p.is_running_and_ready())
            .count();
        self.rec.max_unready = self.rec.max_unready.max(unready);
    }

    /// Steps until nothing is pending (bounded), observing after every step.
    fn settle(&mut self) {
        for _ in 0..2_000_000 {
            let outcome = self.session.sim.step();
            self.observe();
            if outcome == StepOutcome::Idle {
                return;
            }
        }
        panic!("the cluster did not settle");
    }

    /// Runs `secs` of simulated time, observing every 100 ms.
    fn advance(&mut self, secs: u64) {
        for _ in 0..secs * 10 {
            let next = self.session.sim.now().0 + 100;
            self.session
                .sim
                .run_until(kubeplay::engine::time::SimTime(next));
            self.observe();
        }
    }

    fn pods(&self) -> Vec<String> {
        self.session
            .sim
            .store()
            .list_in::<Pod>(NS)
            .map(|p| p.metadata.name.clone())
            .collect()
    }

    fn status(&self) -> kubeplay::engine::model::StatefulSetStatus {
        self.session
            .sim
            .store()
            .get::<StatefulSet>(NS, "web")
            .expect("sts/web")
            .status
            .clone()
    }

    fn revision(&self, pod: &str) -> String {
        let pod = self
            .session
            .sim
            .store()
            .get::<Pod>(NS, pod)
            .expect("pod exists");
        pod.metadata
            .labels()
            .get("controller-revision-hash")
            .cloned()
            .unwrap_or_default()
    }

    /// The uids of claims `www-web-0` .. `www-web-{count - 1}`.
    fn claim_uids(&self, count: u32) -> Vec<String> {
        (0..count)
            .map(|n| self.claim_uid(&format!("www-web-{n}")))
            .collect()
    }

    fn claim_uid(&self, name: &str) -> String {
        let store = self.session.sim.store();
        store
            .get::<kubeplay::engine::model::PersistentVolumeClaim>(NS, name)
            .expect("claim")
            .metadata
            .uid
            .clone()
    }
}

fn created(n: u32) -> String {
    format!("Create Pod web-{n} in StatefulSet web successful")
}
fn claim(n: u32) -> String {
    format!("Create Claim www-web-{n} Pod web-{n} in StatefulSet web success")
}
fn deleted(n: u32) -> String {
    format!("Delete Pod web-{n} in StatefulSet web successful")
}
fn combined(m: String) -> String {
    format!("(combined from similar events): {m}")
}

/// `expected` appears in `seen` in order (the transcripts poll, so they can skip states).
fn is_subsequence(expected: &[Counts], seen: &[Counts]) -> bool {
    let mut it = seen.iter();
    expected.iter().all(|e| it.any(|s| s == e))
}

/// After settling: pods are exactly web-0..web-(n-1).
fn assert_contiguous(run: &Run, n: u32) {
    let want: Vec<String> = (0..n).map(|i| format!("web-{i}")).collect();
    let mut have = run.pods();
    have.sort_by_key(|p| {
        p.trim_start_matches("web-")
            .parse::<u32>()
            .unwrap_or(u32::MAX)
    });
    assert_eq!(have, want, "ordinals unique and contiguous");
}

// SC-01.watch.txt.events, SC-01.status.txt, SC-01.txt
#[test]
fn sc01_ordered_creation_matches_the_real_cluster() {
    let mut run = Run::new();
    run.script(&m0(3, IMAGE1, ""));
    run.settle();
    assert_eq!(
        run.rec.events,
        [
            claim(0),
            created(0),
            claim(1),
            created(1),
            claim(2),
            created(2)
        ]
    );
    assert_eq!(run.rec.pods_added, ["web-0", "web-1", "web-2"]);
    assert_eq!(
        run.rec.max_unready, 1,
        "never two unready pods during OrderedReady creation"
    );
    let real = [
        (1, 0, 1, 1, 0),
        (2, 1, 2, 2, 1),
        (3, 2, 3, 3, 2),
        (3, 3, 3, 3, 3),
    ];
    assert!(
        is_subsequence(&real, &run.rec.statuses),
        "{:?}",
        run.rec.statuses
    );
    let out = run.script("kubectl get sts web -o jsonpath='{.status}'");
    assert!(out.contains(r#"{"availableReplicas":3,"collisionCount":0,"currentReplicas":3,"currentRevision":"web-5b646f6946","observedGeneration":1,"readyReplicas":3,"replicas":3,"updateRevision":"web-5b646f6946","updatedReplicas":3}"#), "{out}");
    assert_contiguous(&run, 3);
    assert!(run.rec.claims_deleted.is_empty());
}

// SC-11.watch.txt.events, SC-11.status.txt
#[test]
fn sc11_scale_down_waits_for_an_unready_pod() {
    let mut run = Run::new();
    run.script(&m0(3, IMAGE1, ""));
    run.settle();
    run.script("sim pod unready web-0");
    // The readiness probe must fail failureThreshold (3) times, 10 s apart.
    run.advance(40);
    assert_eq!(run.status().ready_replicas, 2, "web-0 is unready");
    run.script("kubectl scale sts web --replicas=1");
    run.advance(30);
    assert_eq!(
        run.pods(),
        ["web-0", "web-1", "web-2"],
        "no deletion while web-0 is unready"
    );
    assert_eq!(run.status().replicas, 3);
    let why = run.script("sim why sts/web");
    assert!(
        why.contains("pod/web-2: waiting for web-0 to be Running and Ready (OrderedReady)"),
        "{why}"
    );
    let out = run.script("kubectl get sts web");
    assert!(
        out.contains("web    2/1"),
        "READY is readyReplicas/spec.replicas, as on the real cluster:\n{out}"
    );
    run.script("sim pod ready web-0");
    run.settle();
    assert!(
        run.rec.events.ends_with(&[deleted(2), deleted(1)]),
        "{:?}",
        run.rec.events
    );
    let real = [
        (3, 2, 3, 3, 2),
        (3, 3, 2, 2, 3),
        (2, 2, 2, 2, 2),
        (2, 2, 1, 1, 2),
        (1, 1, 1, 1, 1),
    ];
    assert!(
        is_subsequence(&real, &run.rec.statuses),
        "{:?}",
        run.rec.statuses
    );
    assert_contiguous(&run, 1);
}

// SC-15.watch.txt.events (including the "combined" tenth event), SC-15.status.txt
#[test]
fn sc15_scale_up_first_then_reverse_ordinal_update() {
    let mut run = Run::new();
    run.script(&m0(3, IMAGE1, ""));
    run.settle();
    run.script(&m0(5, IMAGE2, ""));
    run.settle();
    assert_eq!(
        run.rec.events[6..],
        [
            claim(3),
            created(3),
            claim(4),
            combined(created(4)),
            deleted(2),
            created(2),
            deleted(1),
            created(1),
            deleted(0),
            created(0)
        ]
    );
    for n in 0..5 {
        assert_eq!(run.revision(&format!("web-{n}")), "web-59b7d9585");
    }
    let s = run.status();
    assert_eq!(s.current_revision.as_deref(), Some("web-59b7d9585"));
    assert_eq!(
        (
            s.replicas,
            s.ready_replicas,
            s.current_replicas,
            s.updated_replicas
        ),
        (5, 5, 5, 5)
    );
    assert_eq!(run.rec.max_unready, 1);
    assert_contiguous(&run, 5);
}

// SC-17.watch.txt.events: scale 3 -> 1 -> 3 gets the same claims back (Retain).
#[test]
fn sc17_retained_claims_come_back_on_scale_up() {
    let mut run = Run::new();
    run.script(&m0(3, IMAGE1, ""));
    run.settle();
    let uids = run.claim_uids(3);
    run.script("kubectl scale sts web --replicas=1");
    run.settle();
    assert_contiguous(&run, 1);
    run.script("kubectl scale sts web --replicas=3");
    run.settle();
    assert_eq!(
        run.rec.events[6..],
        [deleted(2), deleted(1), created(1), created(2)]
    );
    let again = run.claim_uids(3);
    assert_eq!(uids, again, "the same claims, not new ones");
    assert!(
        run.rec.claims_deleted.is_empty(),
        "no claim deleted under Retain"
    );
    assert_contiguous(&run, 3);
}

// Deleting a pod brings it back with the same name and claim.
#[test]
fn a_deleted_pod_comes_back_with_its_name_and_claim() {
    let mut run = Run::new();
    run.script(&m0(3, IMAGE1, ""));
    run.settle();
    let claim_uid = run.claim_uid("www-web-1");
    let before = run.rec.statuses.len();
    // --wait=false: kubectl would otherwise run the cluster until the pod is gone.
    run.script("kubectl delete pod web-1 --wait=false");
    run.settle();
    // ERRATA: the terminating pod still counts; once it is gone, replicas drops by one until
    // the replacement is seen (current/updated already dropped while it terminated).
    let after = &run.rec.statuses[before..];
    assert!(
        after.iter().any(|s| s.0 == 3 && s.2 == 2),
        "terminating pod counted in replicas: {after:?}"
    );
    assert!(
        after.iter().any(|s| s.0 == 2),
        "replicas dips by one: {after:?}"
    );
    assert_eq!(after.last(), Some(&(3, 3, 3, 3, 3)));
    assert_contiguous(&run, 3);
    assert_eq!(run.claim_uid("www-web-1"), claim_uid);
    let pod = run
        .session
        .sim
        .store()
        .get::<Pod>(NS, "web-1")
        .expect("web-1")
        .clone();
    assert_eq!(
        pod.spec.volumes[0]
            .persistent_volume_claim
            .as_ref()
            .map(|c| c.claim_name.as_str()),
        Some("www-web-1")
    );
    assert!(pod.is_running_and_ready());
    assert_eq!(run.rec.events.last(), Some(&created(1)));
}

// SC-33: a broken template under OrderedReady; reverting is not enough.
#[test]
fn sc33_a_stuck_rollout_needs_a_manual_delete() {
    let mut run = Run::new();
    run.script(&m0(3, IMAGE1, ""));
    run.settle();
    run.script("sim image broken registry.k8s.io/nginx-slim:does-not-exist");
    run.script("kubectl set image sts/web nginx=registry.k8s.io/nginx-slim:does-not-exist");
    run.advance(60);
    let s = run.status();
    assert_eq!(
        (s.current_replicas, s.updated_replicas, s.ready_replicas),
        (2, 1, 2)
    );
    run.script(&format!("kubectl set image sts/web nginx={IMAGE1}"));
    run.advance(60);
    let s = run.status();
    assert_eq!(s.update_revision.as_deref(), Some("web-5b646f6946"));
    assert_eq!(
        (s.current_replicas, s.updated_replicas, s.ready_replicas),
        (2, 2, 2),
        "SC-33.status.txt"
    );
    assert_eq!(
        run.revision("web-2"),
        "web-644f84d69f",
        "the broken web-2 is never replaced"
    );
    let why = run.script("sim why sts/web");
    assert!(
        why.contains("under OrderedReady the controller never replaces it"),
        "{why}"
    );
    run.script("kubectl delete pod web-2");
    run.settle();
    assert_eq!(run.revision("web-2"), "web-5b646f6946");
    let s = run.status();
    assert_eq!(
        (s.ready_replicas, s.current_replicas, s.updated_replicas),
        (3, 3, 3)
    );
}

// SC-41: web-1 is created minReadySeconds after web-0's Ready transition.
#[test]
fn sc41_min_ready_seconds_spaces_the_ordinals() {
    let mut run = Run::new();
    run.script(&m0(3, IMAGE1, "  minReadySeconds: 10\n"));
    run.settle();
    let store = run.session.sim.store();
    let pod = |n: u32| {
        store
            .get::<Pod>(NS, &format!("web-{n}"))
            .expect("pod")
            .clone()
    };
    for n in 0..2 {
        let ready = pod(n).ready_since().expect("ready").0 .0;
        let next = pod(n + 1)
            .metadata
            .creation_timestamp
            .expect("created")
            .0
             .0;
        assert!(
            next >= ready + 10_000 && next <= ready + 11_000,
            "web-{} created {} ms after web-{n} became Ready",
            n + 1,
            next.saturating_sub(ready)
        );
    }
    assert_eq!(run.status().available_replicas, 3);
}

// Determinism: the same script twice gives the same history.
#[test]
fn the_same_script_replays_identically() {
    let history = || {
        let mut run = Run::new();
        run.script(&m0(3, IMAGE1, ""));
        run.settle();
        run.script(&m0(4, IMAGE2, ""));
        run.settle();
        let pods = run.script("kubectl get pods -o wide");
        (run.rec.events, run.rec.statuses, pods)
    };
    assert_eq!(history(), history());
}

// SC-29.txt, SC-29.status.txt: canary with a partition, then a phased rollout.
#[test]
fn sc29_partition_canary_then_phased_rollout() {
    let mut run = Run::new();
    run.script(&m0(
        3,
        IMAGE1,
        "  updateStrategy: {type: RollingUpdate, rollingUpdate: {partition: 3}}\n",
    ));
    run.settle();
    run.script(&format!("kubectl set image sts/web nginx={IMAGE2}"));
    run.settle();
    let out = run.script("kubectl rollout status sts/web --watch=false");
    assert!(
        out.contains("partitioned roll out complete: 0 new pods have been updated..."),
        "{out}"
    );
    let s = run.status();
    assert_eq!(
        (
            s.current_replicas,
            s.updated_replicas,
            s.update_revision.as_deref()
        ),
        (3, 0, Some("web-59b7d9585"))
    );
    run.script(r#"kubectl patch sts web -p '{"spec":{"updateStrategy":{"rollingUpdate":{"partition":2}}}}'"#);
    run.settle();
    assert_eq!(run.rec.events[6..], [deleted(2), created(2)]);
    let s = run.status();
    assert_eq!(
        (
            s.current_revision.as_deref(),
            s.current_replicas,
            s.updated_replicas
        ),
        (Some("web-5b646f6946"), 2, 1)
    );
    let why = run.script("sim why sts/web");
    assert!(
        why.contains("partition 2 holds web-0, web-1 on the current revision"),
        "{why}"
    );
    // Below the partition a deleted pod comes back at the current revision.
    run.script("kubectl delete pod web-0");
    run.settle();
    assert_eq!(run.revision("web-0"), "web-5b646f6946");
    run.script(r#"kubectl patch sts web -p '{"spec":{"updateStrategy":{"rollingUpdate":{"partition":0}}}}'"#);
    run.settle();
    let s = run.status();
    assert_eq!(
        (s.current_revision.as_deref(), s.current_replicas),
        (Some("web-59b7d9585"), 3)
    );
    assert_eq!(
        run.session
            .sim
            .store()
            .list_in::<kubeplay::engine::model::ControllerRevision>(NS)
            .count(),
        2
    );
}

// SC-31.txt: undo renumbers the old revision; history lists 2 and 3.
#[test]
fn sc31_rollout_undo_renumbers_the_revision() {
    let mut run = Run::new();
    run.script(&m0(3, IMAGE1, ""));
    run.settle();
    run.script(&format!("kubectl set image sts/web nginx={IMAGE2}"));
    run.settle();
    run.script("kubectl rollout undo sts/web");
    run.observe();
    run.session.sim.run_until(run.session.sim.now());
    let s = run.status();
    assert_eq!(
        (s.update_revision.as_deref(), s.current_revision.as_deref()),
        (Some("web-5b646f6946"), Some("web-59b7d9585")),
        "mid-rollback, as in SC-31.status.txt"
    );
    run.settle();
    let out = run.script("kubectl get controllerrevision");
    assert!(
        out.contains("web-5b646f6946   statefulset.apps/web   3"),
        "{out}"
    );
    assert!(
        out.contains("web-59b7d9585    statefulset.apps/web   2"),
        "{out}"
    );
    assert_eq!(
        run.status().current_revision.as_deref(),
        Some("web-5b646f6946")
    );
    // Six events for the update, then the same six, in the same order, for the rollback.
    assert_eq!(
        run.rec.events[12..],
        [
            deleted(2),
            created(2),
            deleted(1),
            created(1),
            deleted(0),
            created(0)
        ]
    );
}

// SC-21: deleting the set keeps Retain claims; a new set reuses them without Create Claim.
#[test]
fn sc21_a_recreated_set_reuses_the_retained_claims() {
    let mut run = Run::new();
    run.script(&m0(3, IMAGE1, ""));
    run.settle();
    let uids = run.claim_uids(3);
    run.script("kubectl delete sts web");
    run.settle();
    assert!(
        run.pods().is_empty(),
        "the garbage collector deleted the pods"
    );
    let out = run.script(&m0(3, IMAGE1, ""));
    assert!(out.contains("statefulset.apps/web created"), "{out}");
    run.settle();
    assert_eq!(run.rec.events[6..], [created(0), created(1), created(2)]);
    let again = run.claim_uids(3);
    assert_eq!(uids, again);
    assert_eq!(
        run.revision("web-0"),
        "web-5b646f6946",
        "same template, same revision hash"
    );
    assert!(run.rec.claims_deleted.is_empty());
}

// SC-19: whenDeleted: Delete gives the claims to the set; deleting the set deletes them.
#[test]
fn sc19_when_deleted_delete_removes_claims_with_the_set() {
    let mut run = Run::new();
    run.script(&m0(
        3,
        IMAGE1,
        "  persistentVolumeClaimRetentionPolicy: {whenDeleted: Delete}\n",
    ));
    run.settle();
    run.script("kubectl scale sts web --replicas=2");
    run.settle();
    assert!(
        run.rec.claims_deleted.is_empty(),
        "scale-down keeps www-web-2"
    );
    run.script("kubectl delete sts web");
    run.settle();
    let mut gone = run.rec.claims_deleted.clone();
    gone.sort();
    assert_eq!(gone, ["www-web-0", "www-web-1", "www-web-2"]);
    assert_eq!(
        run.rec.events.last(),
        Some(&deleted(2)),
        "no statefulset-controller events for GC deletions"
    );
}

// SC-05: Parallel creates and deletes without waiting for readiness.
#[test]
fn sc05_parallel_scales_in_one_sync() {
    let mut run = Run::new();
    run.script(&m0(1, IMAGE1, "  podManagementPolicy: Parallel\n"));
    run.settle();
    run.script("kubectl scale sts web --replicas=3");
    run.session.sim.run_until(run.session.sim.now());
    run.observe();
    assert_eq!(
        run.pods(),
        ["web-0", "web-1", "web-2"],
        "both new pods in one sync"
    );
    run.settle();
    run.script("kubectl scale sts web --replicas=0");
    run.session.sim.run_until(run.session.sim.now());
    run.observe();
    assert!(
        run.rec
            .events
            .ends_with(&[deleted(2), deleted(1), deleted(0)]),
        "{:?}",
        run.rec.events
    );
    run.settle();
    assert!(run.pods().is_empty());
    assert!(run.rec.claims_deleted.is_empty());
}
