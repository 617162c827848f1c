//! The controller on its own: a node-less cluster and a small stand-in kubelet that binds pods,
//! marks them Running and Ready, holds some Pending or unready, and finishes terminations.

use kubeplay::engine::action::{ControllerId, Propagation, WhyReason};
use kubeplay::engine::model::{
    ControllerRevision, Event, Kind, Object, PersistentVolumeClaim, Pod, PodCondition, PodPhase, StatefulSet,
};
use kubeplay::engine::store::ObjectKey;
use kubeplay::engine::time::{SimDuration, Timestamp};
use kubeplay::Sim;
use serde_json::json;
use std::collections::BTreeSet;

const NS: &str = "default";
/// The node the harness binds pods to; the cluster is empty, so no real kubelet acts on it.
const NODE: &str = "harness-node";

/// The M0 manifest of the scenarios, with the API defaults the server writes into the template
/// (so the revision hash is the real cluster's `web-5b646f6946`).
fn m0(replicas: i32) -> serde_json::Value {
    json!({
        "apiVersion": "apps/v1", "kind": "StatefulSet",
        "metadata": {"name": "web", "namespace": NS},
        "spec": {
            "serviceName": "nginx",
            "replicas": replicas,
            "podManagementPolicy": "OrderedReady",
            "revisionHistoryLimit": 10,
            "persistentVolumeClaimRetentionPolicy": {"whenDeleted": "Retain", "whenScaled": "Retain"},
            "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}},
            "selector": {"matchLabels": {"app": "nginx"}},
            "template": {
                "metadata": {"labels": {"app": "nginx"}},
                "spec": {
                    "terminationGracePeriodSeconds": 10,
                    "dnsPolicy": "ClusterFirst",
                    "restartPolicy": "Always",
                    "schedulerName": "default-scheduler",
                    "securityContext": {},
                    "containers": [{
                        "name": "nginx",
                        "image": "registry.k8s.io/nginx-slim:0.24",
                        "imagePullPolicy": "IfNotPresent",
                        "ports": [{"containerPort": 80, "name": "web", "protocol": "TCP"}],
                        "readinessProbe": {"httpGet": {"path": "/", "port": 80, "scheme": "HTTP"},
                            "failureThreshold": 3, "periodSeconds": 10, "successThreshold": 1, "timeoutSeconds": 1},
                        "resources": {},
                        "terminationMessagePath": "/dev/termination-log",
                        "terminationMessagePolicy": "File",
                        "volumeMounts": [{"name": "www", "mountPath": "/usr/share/nginx/html"}]
                    }]
                }
            },
            "volumeClaimTemplates": [{
                "metadata": {"name": "www"},
                "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}
            }]
        }
    })
}

const H1: &str = "web-5b646f6946";
const H2: &str = "web-59b7d9585";
const IMAGE2: &str = "registry.k8s.io/nginx-slim:0.27";

/// The cluster plus a stand-in kubelet and a record of what happened.
struct Harness {
    sim: Sim,
    /// Pods the kubelet leaves Pending (like the emulator's hold-pending).
    hold_pending: BTreeSet<String>,
    /// Pods kept Running but not Ready (withhold-ready).
    unready: BTreeSet<String>,
    /// Terminating pods that are not finished (hold-terminating).
    hold_terminating: BTreeSet<String>,
    /// Event messages in the order they were recorded or bumped.
    events: Vec<String>,
    last_rv: u64,
    /// Pod names in the order they were created.
    created: Vec<String>,
    /// Claim names in the order they were created.
    claims_created: Vec<String>,
    /// Whether OrderedReady creation ever had two unready pods at once.
    max_unready: usize,
    claims_deleted: Vec<String>,
}

impl Harness {
    fn new() -> Harness {
        let mut sim = Sim::empty(7);
        // The harness node is not a Node object; keep pod GC from collecting its pods.
        sim.config_mut().orphan_pod_gc_delay = SimDuration::from_secs(10 * 365 * 24 * 3600);
        Harness {
            sim,
            hold_pending: BTreeSet::new(),
            unready: BTreeSet::new(),
            hold_terminating: BTreeSet::new(),
            events: Vec::new(),
            last_rv: 0,
            created: Vec::new(),
            claims_created: Vec::new(),
            max_unready: 0,
            claims_deleted: Vec::new(),
        }
    }

    fn with_set(manifest: serde_json::Value) -> Harness {
        let mut h = Harness::new();
        let set: StatefulSet = serde_json::from_value(manifest).expect("test manifest decodes");
        h.sim.create_object(Object::StatefulSet(set));
        h
    }

    fn set(&self) -> StatefulSet {
        self.sim
            .store()
            .get::<StatefulSet>(NS, "web")
            .expect("set exists")
            .clone()
    }

    fn update_set(&mut self, change: impl FnOnce(&mut StatefulSet)) {
        let mut set = self.set();
        change(&mut set);
        self.sim.update_object(Object::StatefulSet(set));
    }

    fn pod(&self, name: &str) -> Option<Pod> {
        self.sim.store().get::<Pod>(NS, name).cloned()
    }

    fn pod_names(&self) -> Vec<String> {
        self.sim
            .store()
            .list_in::<Pod>(NS)
            .map(|p| p.metadata.name.clone())
            .collect()
    }

    fn claim(&self, name: &str) -> Option<PersistentVolumeClaim> {
        self.sim.store().get::<PersistentVolumeClaim>(NS, name).cloned()
    }

    fn delete_pod(&mut self, name: &str) {
        self.sim
            .delete_object(&ObjectKey::new(Kind::Pod, NS, name), None, Propagation::Background);
    }

    /// Reads what changed since the last look: new events, new pods and claims, invariants.
    fn observe(&mut self) {
        let store = self.sim.store();
        let mut fresh: Vec<(u64, String)> = store
            .list_in::<Event>(NS)
            .filter_map(|e| {
                let rv: u64 = e.metadata.resource_version.parse().ok()?;
                (rv > self.last_rv && e.source.component == "statefulset-controller").then(|| (rv, e.message.clone()))
            })
            .collect();
        fresh.sort();
        if let Some(changes) = store.changes_since(self.last_rv) {
            for c in changes {
                let meta = c.object.meta();
                match (c.change, c.object.kind()) {
                    (kubeplay::engine::store::ChangeType::Added, Kind::Pod) => self.created.push(meta.name.clone()),
                    (kubeplay::engine::store::ChangeType::Added, Kind::PersistentVolumeClaim) => {
                        self.claims_created.push(meta.name.clone())
                    }
                    (kubeplay::engine::store::ChangeType::Deleted, Kind::PersistentVolumeClaim) => {
                        self.claims_deleted.push(meta.name.clone())
                    }
                    _ => {}
                }
            }
        }
        self.events.extend(fresh.into_iter().map(|(_, m)| m));
        self.last_rv = store.resource_version();
        let unready = store
            .list_in::<Pod>(NS)
            .filter(|p| p.metadata.deletion_timestamp.is_none() && !p.is_running_and_ready())
            .count();
        self.max_unready = self.max_unready.max(unready);
    }

    /// Runs the reconciles due now (not later timers), then observes. Readiness only changes
    /// in kubelet ticks, so observing here sees every moment two pods could be unready.
    fn drain(&mut self) {
        let now = self.sim.now();
        self.sim.run_until(now);
        self.observe();
    }

    /// One kubelet pass: every pod moves one stage. Returns whether anything changed.
    fn kubelet_tick(&mut self) -> bool {
        let now = self.sim.now();
        let pods: Vec<Pod> = self.sim.store().list_in::<Pod>(NS).cloned().collect();
        let mut changed = false;
        for mut pod in pods {
            let name = pod.metadata.name.clone();
            if pod.metadata.deletion_timestamp.is_some() {
                if !self.hold_terminating.contains(&name) {
                    self.sim.remove_object(&ObjectKey::new(Kind::Pod, NS, &name));
                    changed = true;
                }
                continue;
            }
            if pod.status.phase == PodPhase::Pending && !self.hold_pending.contains(&name) {
                pod.spec.node_name = Some(NODE.into());
                pod.status.phase = PodPhase::Running;
                set_ready(&mut pod, !self.unready.contains(&name), now);
                self.sim.update_object(Object::Pod(pod));
                changed = true;
            } else if pod.status.phase == PodPhase::Pending && pod.spec.node_name.is_none() {
                pod.spec.node_name = Some(NODE.into());
                self.sim.update_object(Object::Pod(pod));
                changed = true;
            } else if pod.status.phase == PodPhase::Running {
                let want = !self.unready.contains(&name);
                if pod.is_ready() != want {
                    set_ready(&mut pod, want, now);
                    self.sim.update_object(Object::Pod(pod));
                    changed = true;
                }
            }
        }
        self.observe();
        changed
    }

    /// Lets the cluster run until nothing changes for `QUIET_SECS` simulated seconds (longer
    /// than any grace period or minReadySeconds used here): controllers, timers and the
    /// stand-in kubelet, one stage per simulated second.
    fn settle(&mut self) {
        const QUIET_SECS: u32 = 30;
        let mut quiet = 0;
        for _ in 0..20_000 {
            let rv = self.sim.store().resource_version();
            self.drain();
            self.sim.advance_by(SimDuration::from_secs(1));
            self.observe();
            let changed = self.kubelet_tick() || self.sim.store().resource_version() != rv;
            quiet = if changed { 0 } else { quiet + 1 };
            if quiet >= QUIET_SECS {
                return;
            }
        }
        panic!("the cluster did not settle");
    }

    /// Runs for `secs` simulated seconds with the kubelet active.
    fn run_for(&mut self, secs: u64) {
        for _ in 0..secs {
            self.drain();
            self.sim.advance_by(SimDuration::from_secs(1));
            self.observe();
            self.kubelet_tick();
        }
        self.drain();
    }

    /// The StatefulSet controller's blocked reasons (the scheduler and volume controller have
    /// their own in this node-less cluster).
    fn whys(&self) -> Vec<(String, WhyReason)> {
        self.sim
            .why_all()
            .filter(|(c, _, _)| *c == ControllerId::StatefulSet)
            .map(|(_, _, w)| (w.subject.short(), w.reason.clone()))
            .collect()
    }

    fn why_text(&self) -> String {
        self.whys()
            .iter()
            .map(|(subject, reason)| format!("{subject}: {reason}\n"))
            .collect()
    }
}

fn set_ready(pod: &mut Pod, ready: bool, now: kubeplay::engine::time::SimTime) {
    let status = if ready { "True" } else { "False" };
    if let Some(c) = pod.status.conditions.iter_mut().find(|c| c.type_ == "Ready") {
        if c.status != status {
            c.status = status.into();
            c.last_transition_time = Some(Timestamp(now));
        }
        return;
    }
    pod.status.conditions.push(PodCondition {
        type_: "Ready".into(),
        status: status.into(),
        last_transition_time: Some(Timestamp(now)),
        ..Default::default()
    });
}

fn create(name: &str) -> String {
    format!("Create Pod {name} in StatefulSet web successful")
}
fn claim_event(n: u32) -> String {
    format!("Create Claim www-web-{n} Pod web-{n} in StatefulSet web success")
}
fn delete(name: &str) -> String {
    format!("Delete Pod {name} in StatefulSet web successful")
}

/// The event recorder's spam filter folds the tenth similar event (SC-09, SC-15 transcripts).
fn combined(message: &str) -> String {
    format!("(combined from similar events): {message}")
}

fn revision_of(h: &Harness, pod: &str) -> String {
    h.pod(pod)
        .and_then(|p| p.metadata.labels().get("controller-revision-hash").cloned())
        .unwrap_or_default()
}

// SC-01
#[test]
fn ordered_ready_creates_claim_then_pod_one_ordinal_at_a_time() {
    let mut h = Harness::with_set(m0(3));
    h.settle();
    assert_eq!(
        h.events,
        vec![
            claim_event(0),
            create("web-0"),
            claim_event(1),
            create("web-1"),
            claim_event(2),
            create("web-2")
        ]
    );
    assert_eq!(h.created, ["web-0", "web-1", "web-2"]);
    assert_eq!(
        h.max_unready, 1,
        "OrderedReady never has two unready pods while creating"
    );
    let s = h.set().status;
    assert_eq!((s.replicas, s.ready_replicas, s.available_replicas), (3, 3, 3));
    assert_eq!((s.current_replicas, s.updated_replicas), (3, 3));
    assert_eq!(s.current_revision.as_deref(), Some(H1));
    assert_eq!(s.update_revision.as_deref(), Some(H1));
    assert_eq!((s.observed_generation, s.collision_count), (Some(1), Some(0)));

    let pod = h.pod("web-1").unwrap();
    let labels = pod.metadata.labels();
    assert_eq!(
        labels.get("statefulset.kubernetes.io/pod-name").map(String::as_str),
        Some("web-1")
    );
    assert_eq!(
        labels.get("apps.kubernetes.io/pod-index").map(String::as_str),
        Some("1")
    );
    assert_eq!(labels.get("controller-revision-hash").map(String::as_str), Some(H1));
    assert_eq!(pod.spec.hostname.as_deref(), Some("web-1"));
    assert_eq!(pod.spec.subdomain.as_deref(), Some("nginx"));
    let claim = pod
        .spec
        .volumes
        .iter()
        .find(|v| v.name == "www")
        .and_then(|v| v.persistent_volume_claim.clone());
    assert_eq!(claim.map(|c| c.claim_name).as_deref(), Some("www-web-1"));
    let owner = pod.metadata.controller_ref().unwrap();
    assert_eq!((owner.kind.as_str(), owner.name.as_str()), ("StatefulSet", "web"));

    let pvc = h.claim("www-web-1").unwrap();
    assert_eq!(pvc.metadata.labels().get("app").map(String::as_str), Some("nginx"));
    assert!(
        pvc.metadata.owner_references.is_empty(),
        "Retain/Retain puts no ownerReferences on claims"
    );

    let revisions: Vec<ControllerRevision> = h.sim.store().list_in::<ControllerRevision>(NS).cloned().collect();
    assert_eq!(revisions.len(), 1);
    assert_eq!((revisions[0].metadata.name.as_str(), revisions[0].revision), (H1, 1));
    assert!(h.whys().is_empty(), "nothing waits once settled: {}", h.why_text());
}

// SC-03
#[test]
fn a_pending_pod_stops_ordered_creation_and_why_names_it() {
    let mut h = Harness::with_set(m0(3));
    h.hold_pending.insert("web-1".into());
    h.run_for(30);
    assert_eq!(h.pod_names(), ["web-0", "web-1"]);
    assert!(h.claim("www-web-2").is_none());
    let s = h.set().status;
    assert_eq!((s.replicas, s.ready_replicas), (2, 1));
    let text = h.why_text();
    assert!(
        text.contains("pod/web-2: waiting for web-1 to be Running and Ready (OrderedReady)"),
        "{text}"
    );
    h.hold_pending.clear();
    h.settle();
    assert_eq!(h.pod_names(), ["web-0", "web-1", "web-2"]);
}

// Pods are created even when the Service does not exist; serviceName only sets the subdomain.
#[test]
fn pods_are_created_without_the_headless_service() {
    let mut h = Harness::with_set(m0(2));
    h.settle();
    assert!(h
        .sim
        .store()
        .list_in::<kubeplay::engine::model::Service>(NS)
        .next()
        .is_none());
    assert_eq!(h.set().status.ready_replicas, 2);
}

// SC-05
#[test]
fn parallel_creates_and_deletes_without_waiting() {
    let mut manifest = m0(1);
    manifest["spec"]["podManagementPolicy"] = json!("Parallel");
    let mut h = Harness::with_set(manifest);
    h.settle();
    h.unready.insert("web-0".into());
    h.run_for(2);
    h.update_set(|s| s.spec.replicas = Some(3));
    h.drain();
    assert_eq!(
        h.pod_names(),
        ["web-0", "web-1", "web-2"],
        "all created in one sync although web-0 is unready"
    );
    h.unready.extend(["web-1".to_string(), "web-2".to_string()]);
    h.run_for(3);
    h.events.clear();
    h.update_set(|s| s.spec.replicas = Some(0));
    h.drain();
    assert_eq!(
        h.events,
        [delete("web-2"), delete("web-1"), delete("web-0")],
        "one sync deletes them all"
    );
    h.settle();
    assert!(h.pod_names().is_empty());
    assert!(
        h.claim("www-web-2").is_some() && h.claim("www-web-0").is_some(),
        "Retain keeps claims"
    );
}

// SC-07
#[test]
fn a_missing_predecessor_is_recreated_while_a_successor_is_unready() {
    let mut h = Harness::with_set(m0(2));
    h.settle();
    h.unready.insert("web-1".into());
    h.run_for(2);
    let old_uid = h.pod("web-0").unwrap().metadata.uid;
    h.events.clear();
    h.delete_pod("web-0");
    h.run_for(3);
    assert_eq!(h.events, [create("web-0")]);
    let new = h.pod("web-0").unwrap();
    assert_ne!(new.metadata.uid, old_uid);
    assert_eq!(
        new.spec.volumes[0].persistent_volume_claim.as_ref().unwrap().claim_name,
        "www-web-0"
    );
}

// SC-09 and the ERRATA on status while a pod terminates
#[test]
fn a_terminating_pod_blocks_scale_up_until_it_is_gone() {
    let mut h = Harness::with_set(m0(3));
    h.settle();
    h.hold_terminating.insert("web-0".into());
    h.delete_pod("web-0");
    h.update_set(|s| s.spec.replicas = Some(5));
    h.run_for(20);
    assert_eq!(
        h.pod_names(),
        ["web-0", "web-1", "web-2"],
        "no web-3 while web-0 terminates"
    );
    assert!(h.claim("www-web-3").is_none());
    let s = h.set().status;
    assert_eq!(
        (s.replicas, s.ready_replicas, s.current_replicas, s.updated_replicas),
        (3, 3, 2, 2)
    );
    assert!(
        h.why_text()
            .contains("pod/web-0: waiting for web-0 to finish terminating"),
        "{}",
        h.why_text()
    );
    h.events.clear();
    h.hold_terminating.clear();
    h.settle();
    // The tenth similar event is written "combined", exactly as in SC-09.watch.txt.events.
    assert_eq!(
        h.events,
        [
            create("web-0"),
            claim_event(3),
            create("web-3"),
            claim_event(4),
            combined(&create("web-4"))
        ]
    );
}

// SC-11
#[test]
fn scale_down_waits_for_every_remaining_pod_to_be_healthy() {
    let mut h = Harness::with_set(m0(3));
    h.settle();
    h.unready.insert("web-0".into());
    h.run_for(2);
    h.events.clear();
    h.update_set(|s| s.spec.replicas = Some(1));
    h.run_for(30);
    assert!(
        h.events.is_empty(),
        "no deletion while web-0 is unready: {:?}",
        h.events
    );
    assert_eq!(h.set().status.replicas, 3);
    assert!(
        h.why_text()
            .contains("pod/web-2: waiting for web-0 to be Running and Ready"),
        "{}",
        h.why_text()
    );
    h.unready.clear();
    h.settle();
    assert_eq!(h.events, [delete("web-2"), delete("web-1")]);
    assert_eq!(h.pod_names(), ["web-0"]);
}

// SC-13
#[test]
fn of_two_unhealthy_condemned_pods_only_the_first_unhealthy_may_go() {
    let mut h = Harness::with_set(m0(3));
    h.settle();
    h.unready.extend(["web-1".to_string(), "web-2".to_string()]);
    h.run_for(2);
    h.events.clear();
    h.update_set(|s| s.spec.replicas = Some(1));
    h.run_for(20);
    assert!(h.events.is_empty(), "{:?}", h.events);
    assert!(
        h.why_text()
            .contains("pod/web-2: waiting for web-1 to be Running and Ready"),
        "{}",
        h.why_text()
    );
    h.unready.remove("web-1");
    h.settle_keeping_unready();
    assert_eq!(h.events, [delete("web-2"), delete("web-1")]);
}

impl Harness {
    /// Settles while pods in `unready` stay unready (the kubelet keeps them so).
    fn settle_keeping_unready(&mut self) {
        self.run_for(30);
    }
}

// SC-15
#[test]
fn an_update_with_scale_up_scales_first_then_rolls_in_reverse_order() {
    let mut h = Harness::with_set(m0(3));
    h.settle();
    h.events.clear();
    h.update_set(|s| {
        s.spec.replicas = Some(5);
        s.spec.template.spec.containers[0].image = IMAGE2.into();
    });
    h.settle();
    assert_eq!(
        h.events,
        [
            claim_event(3),
            create("web-3"),
            claim_event(4),
            combined(&create("web-4")),
            delete("web-2"),
            create("web-2"),
            delete("web-1"),
            create("web-1"),
            delete("web-0"),
            create("web-0")
        ]
    );
    for n in 0..5 {
        assert_eq!(
            revision_of(&h, &format!("web-{n}")),
            H2,
            "the new template hashes as on a real cluster"
        );
    }
    let s = h.set().status;
    assert_eq!(
        (s.current_revision.as_deref(), s.update_revision.as_deref()),
        (Some(H2), Some(H2))
    );
    assert_eq!((s.current_replicas, s.updated_replicas, s.replicas), (5, 5, 5));
    assert_eq!(h.max_unready, 1);
}

// SC-17: Retain claims come back; 3 -> 1 -> 3 reuses the same claims.
#[test]
fn scaling_down_and_up_reuses_the_retained_claims() {
    let mut h = Harness::with_set(m0(3));
    h.settle();
    let uid = h.claim("www-web-2").unwrap().metadata.uid;
    h.update_set(|s| s.spec.replicas = Some(1));
    h.settle();
    assert_eq!(h.pod_names(), ["web-0"]);
    assert!(h.claims_deleted.is_empty());
    h.events.clear();
    h.update_set(|s| s.spec.replicas = Some(3));
    h.settle();
    assert_eq!(
        h.events,
        [create("web-1"), create("web-2")],
        "no Create Claim: the old claims are reused"
    );
    assert_eq!(h.claim("www-web-2").unwrap().metadata.uid, uid);
}

// SC-19
#[test]
fn when_deleted_delete_gives_every_claim_a_controller_reference_to_the_set() {
    let mut manifest = m0(3);
    manifest["spec"]["persistentVolumeClaimRetentionPolicy"] = json!({"whenDeleted": "Delete", "whenScaled": "Retain"});
    let mut h = Harness::with_set(manifest);
    h.settle();
    let set_uid = h.set().metadata.uid;
    for n in 0..3 {
        let refs = h.claim(&format!("www-web-{n}")).unwrap().metadata.owner_references;
        assert_eq!(refs.len(), 1);
        let r = &refs[0];
        assert_eq!(
            (r.kind.as_str(), r.name.as_str(), r.uid.as_str()),
            ("StatefulSet", "web", set_uid.as_str())
        );
        assert_eq!(
            (r.controller, r.block_owner_deletion, r.api_version.as_str()),
            (Some(true), Some(true), "apps/v1")
        );
    }
    h.update_set(|s| s.spec.replicas = Some(2));
    h.settle();
    assert!(
        h.claim("www-web-2").is_some(),
        "scale-down keeps the claim (whenScaled: Retain)"
    );
}

#[test]
fn when_scaled_delete_hands_condemned_claims_to_their_pods() {
    let mut manifest = m0(3);
    manifest["spec"]["persistentVolumeClaimRetentionPolicy"] = json!({"whenDeleted": "Retain", "whenScaled": "Delete"});
    let mut h = Harness::with_set(manifest);
    h.settle();
    assert!(h.claim("www-web-2").unwrap().metadata.owner_references.is_empty());
    h.hold_terminating.insert("web-2".into());
    h.update_set(|s| s.spec.replicas = Some(2));
    h.run_for(3);
    let pod_uid = h.pod("web-2").unwrap().metadata.uid;
    let refs = h.claim("www-web-2").unwrap().metadata.owner_references;
    assert_eq!(refs.len(), 1);
    assert_eq!((refs[0].kind.as_str(), refs[0].uid.as_str()), ("Pod", pod_uid.as_str()));
}

// SC-29
#[test]
fn a_partition_holds_lower_ordinals_on_the_current_revision() {
    let mut manifest = m0(3);
    manifest["spec"]["updateStrategy"] = json!({"type": "RollingUpdate", "rollingUpdate": {"partition": 3}});
    let mut h = Harness::with_set(manifest);
    h.settle();
    h.events.clear();
    h.update_set(|s| s.spec.template.spec.containers[0].image = IMAGE2.into());
    h.settle();
    assert!(h.events.is_empty(), "partition 3 > last index: nothing is replaced");
    let s = h.set().status;
    assert_eq!((s.current_replicas, s.updated_replicas), (3, 0));
    assert_eq!(s.update_revision.as_deref(), Some(H2));
    h.update_set(|s| {
        s.spec
            .update_strategy
            .as_mut()
            .unwrap()
            .rolling_update
            .as_mut()
            .unwrap()
            .partition = Some(2)
    });
    h.settle();
    assert_eq!(h.events, [delete("web-2"), create("web-2")]);
    let s = h.set().status;
    assert_eq!(
        (s.current_revision.as_deref(), s.current_replicas, s.updated_replicas),
        (Some(H1), 2, 1)
    );
    assert_eq!(h.sim.store().list_in::<ControllerRevision>(NS).count(), 2);
    let whys = h.whys();
    assert!(
        whys.iter().any(|(subject, r)| subject == "statefulset/web"
            && *r
                == WhyReason::PartitionHolds {
                    partition: 2,
                    held: vec!["web-0".into(), "web-1".into()]
                }),
        "{}",
        h.why_text()
    );
    // A pod below the partition comes back at the current revision, one above at the update.
    h.delete_pod("web-0");
    h.delete_pod("web-2");
    h.settle();
    assert_eq!(
        (revision_of(&h, "web-0"), revision_of(&h, "web-2")),
        (H1.to_string(), H2.to_string())
    );
    h.update_set(|s| {
        s.spec
            .update_strategy
            .as_mut()
            .unwrap()
            .rolling_update
            .as_mut()
            .unwrap()
            .partition = Some(0)
    });
    h.settle();
    let s = h.set().status;
    assert_eq!((s.current_revision.as_deref(), s.current_replicas), (Some(H2), 3));
}

// SC-31
#[test]
fn rolling_back_renumbers_the_old_revision_instead_of_creating_one() {
    let mut h = Harness::with_set(m0(3));
    h.settle();
    let original = h.set().spec.template.clone();
    h.update_set(|s| s.spec.template.spec.containers[0].image = IMAGE2.into());
    h.settle();
    h.update_set(|s| s.spec.template = original);
    h.drain();
    let s = h.set().status;
    assert_eq!(
        (s.update_revision.as_deref(), s.current_revision.as_deref()),
        (Some(H1), Some(H2))
    );
    h.settle();
    let mut revisions: Vec<(String, i64)> = h
        .sim
        .store()
        .list_in::<ControllerRevision>(NS)
        .map(|r| (r.metadata.name.clone(), r.revision))
        .collect();
    revisions.sort_by_key(|r| r.1);
    assert_eq!(revisions, [(H2.to_string(), 2), (H1.to_string(), 3)]);
    assert_eq!(h.set().status.current_revision.as_deref(), Some(H1));
}

// SC-33
#[test]
fn a_stuck_rollout_needs_a_manual_delete_after_the_revert() {
    let mut h = Harness::with_set(m0(3));
    h.settle();
    let original = h.set().spec.template.clone();
    h.hold_pending.insert("web-2".into()); // the broken image never starts
    h.update_set(|s| s.spec.template.spec.containers[0].image = "registry.k8s.io/nginx-slim:does-not-exist".into());
    h.run_for(60);
    let s = h.set().status;
    assert_eq!((s.current_replicas, s.updated_replicas, s.ready_replicas), (2, 1, 2));
    h.update_set(|s| s.spec.template = original);
    h.run_for(60);
    assert_eq!(
        h.pod("web-2").unwrap().status.phase,
        PodPhase::Pending,
        "the broken pod is never replaced"
    );
    let text = h.why_text();
    assert!(
        text.contains("pod/web-2: web-2 is not Running and Ready and not at the update revision"),
        "{text}"
    );
    h.hold_pending.clear();
    h.delete_pod("web-2");
    h.settle();
    assert_eq!(revision_of(&h, "web-2"), H1);
    let s = h.set().status;
    assert_eq!(
        (s.ready_replicas, s.updated_replicas, s.current_revision.as_deref()),
        (3, 3, Some(H1))
    );
}

// OnDelete (ERRATA: currentRevision never advances)
#[test]
fn on_delete_replaces_only_deleted_pods_and_never_advances_current_revision() {
    let mut manifest = m0(3);
    manifest["spec"]["updateStrategy"] = json!({"type": "OnDelete"});
    let mut h = Harness::with_set(manifest);
    h.settle();
    h.events.clear();
    h.update_set(|s| s.spec.template.spec.containers[0].image = IMAGE2.into());
    h.settle();
    assert!(h.events.is_empty());
    assert!(
        h.why_text()
            .contains("OnDelete: web-0, web-1, web-2 keep their revision"),
        "{}",
        h.why_text()
    );
    for n in 0..3 {
        h.delete_pod(&format!("web-{n}"));
        h.settle();
    }
    for n in 0..3 {
        assert_eq!(revision_of(&h, &format!("web-{n}")), H2);
    }
    let s = h.set().status;
    assert_eq!(s.current_revision.as_deref(), Some(H1));
    assert_eq!((s.current_replicas, s.updated_replicas), (0, 3));
}

// SC-39
#[test]
fn ordinals_start_names_pods_and_claims_from_the_start_ordinal() {
    let mut manifest = m0(3);
    manifest["spec"]["ordinals"] = json!({"start": 2});
    let mut h = Harness::with_set(manifest);
    h.settle();
    assert_eq!(h.created, ["web-2", "web-3", "web-4"]);
    assert_eq!(h.claims_created, ["www-web-2", "www-web-3", "www-web-4"]);
    assert_eq!(
        h.pod("web-4")
            .unwrap()
            .metadata
            .labels()
            .get("apps.kubernetes.io/pod-index")
            .unwrap(),
        "4"
    );
}

// SC-41
#[test]
fn min_ready_seconds_delays_the_next_ordinal() {
    let mut manifest = m0(3);
    manifest["spec"]["minReadySeconds"] = json!(10);
    let mut h = Harness::with_set(manifest);
    h.run_for(5);
    let ready_at = h.pod("web-0").unwrap().ready_since().unwrap().0;
    assert!(h.pod("web-1").is_none());
    let s = h.set().status;
    assert_eq!((s.ready_replicas, s.available_replicas), (1, 0));
    assert!(
        h.why_text()
            .contains("more for web-0 to be available (minReadySeconds)"),
        "{}",
        h.why_text()
    );
    h.settle();
    let created = h.pod("web-1").unwrap().metadata.creation_timestamp.unwrap().0;
    assert!(
        created.0 >= ready_at.0 + 10_000,
        "web-1 at {created:?}, web-0 ready at {ready_at:?}"
    );
    assert!(
        created.0 <= ready_at.0 + 12_000,
        "the controller requeues itself for the moment web-0 is available"
    );
    assert_eq!(h.set().status.available_replicas, 3);
}

// Failed pods: Delete then Create (no RecreatingFailedPod event on 1.36).
#[test]
fn a_failed_pod_is_deleted_and_recreated_with_the_same_identity() {
    let mut h = Harness::with_set(m0(2));
    h.settle();
    let mut pod = h.pod("web-0").unwrap();
    pod.status.phase = PodPhase::Failed;
    h.sim.update_object(Object::Pod(pod));
    h.events.clear();
    h.settle();
    assert_eq!(h.events, [delete("web-0"), create("web-0")]);
    let pod = h.pod("web-0").unwrap();
    assert_eq!(pod.status.phase, PodPhase::Running);
    assert_eq!(
        pod.spec.volumes[0].persistent_volume_claim.as_ref().unwrap().claim_name,
        "www-web-0"
    );
}

#[test]
fn a_claim_being_deleted_stops_pod_creation_with_failed_create() {
    let mut h = Harness::with_set(m0(2));
    h.settle();
    let old_claim = h.claim("www-web-1").unwrap().metadata.uid;
    let mut claim = h.claim("www-web-1").unwrap();
    claim.metadata.finalizers = vec!["kubernetes.io/pvc-protection".into()];
    h.sim.update_object(Object::PersistentVolumeClaim(claim));
    h.sim.delete_object(
        &ObjectKey::new(Kind::PersistentVolumeClaim, NS, "www-web-1"),
        None,
        Propagation::Background,
    );
    h.delete_pod("web-1");
    h.settle();
    assert!(
        h.events
            .contains(&"Create Pod web-1 in StatefulSet web failed error: pvc www-web-1 is being deleted".to_string()),
        "{:?}",
        h.events
    );
    // Once the protected claim is released, the controller's retry creates a fresh claim and the pod.
    let fresh = h.claim("www-web-1").expect("claim recreated");
    assert_ne!(fresh.metadata.uid, old_claim);
    assert!(h.pod("web-1").is_some());
    assert!(h.events.ends_with(&[claim_event(1), create("web-1")]), "{:?}", h.events);
}

#[test]
fn the_same_seed_gives_the_same_history() {
    let run = || {
        let mut h = Harness::with_set(m0(3));
        h.settle();
        h.update_set(|s| s.spec.template.spec.containers[0].image = IMAGE2.into());
        h.settle();
        (
            h.events.clone(),
            h.sim
                .store()
                .list_in::<Pod>(NS)
                .map(|p| p.metadata.uid.clone())
                .collect::<Vec<_>>(),
        )
    };
    assert_eq!(run(), run());
}

// User input must not make the simulator allocate without bound.
#[test]
fn an_absurd_replica_count_is_refused_with_a_reason() {
    let mut h = Harness::with_set(m0(2_000_000_000));
    h.run_for(3);
    assert!(h.pod_names().is_empty());
    assert!(
        h.why_text().contains("more than this playground simulates"),
        "{}",
        h.why_text()
    );
}

// ERRATA: with whenScaled: Delete, a scale-up that comes back while the old pod's claim still
// exists waits for the garbage collector; the blocked reason says so. (On a real cluster the wait
// can turn into a stall until another sync; here the set's own status write resyncs it.)
#[test]
fn a_stale_claim_blocks_the_pod_until_the_garbage_collector_deleted_it() {
    let mut manifest = m0(3);
    manifest["spec"]["persistentVolumeClaimRetentionPolicy"] = json!({"whenDeleted": "Retain", "whenScaled": "Delete"});
    let mut h = Harness::with_set(manifest);
    h.settle();
    let old_claim = h.claim("www-web-2").unwrap().metadata.uid;
    h.hold_terminating.insert("web-2".into());
    h.update_set(|s| s.spec.replicas = Some(2));
    h.run_for(3);
    h.update_set(|s| s.spec.replicas = Some(3));
    h.run_for(3);
    h.events.clear();
    h.hold_terminating.clear();
    h.sim.remove_object(&ObjectKey::new(Kind::Pod, NS, "web-2"));
    h.sim.step();
    assert!(
        h.pod("web-2").is_none(),
        "not created while the claim belongs to the old pod"
    );
    assert!(
        h.why_text().contains("claim www-web-2 still belongs to an earlier pod"),
        "{}",
        h.why_text()
    );
    h.settle();
    assert_eq!(h.events, [claim_event(2), create("web-2")]);
    assert_ne!(
        h.claim("www-web-2").unwrap().metadata.uid,
        old_claim,
        "a fresh, empty claim"
    );
}

// Identity repair (ERRATA: `Update Pod web-1 in StatefulSet web successful`); the pod-index label
// is not part of the identity check, so removing only it is not repaired.
#[test]
fn a_removed_pod_name_label_is_put_back_but_not_a_removed_index_label() {
    let mut h = Harness::with_set(m0(2));
    h.settle();
    let mut pod = h.pod("web-1").unwrap();
    pod.metadata.labels_mut().remove("apps.kubernetes.io/pod-index");
    h.sim.update_object(Object::Pod(pod));
    h.events.clear();
    h.settle();
    assert!(h.events.is_empty(), "{:?}", h.events);
    assert!(!h
        .pod("web-1")
        .unwrap()
        .metadata
        .labels()
        .contains_key("apps.kubernetes.io/pod-index"));
    let mut pod = h.pod("web-1").unwrap();
    pod.metadata.labels_mut().remove("statefulset.kubernetes.io/pod-name");
    h.sim.update_object(Object::Pod(pod));
    h.settle();
    assert_eq!(h.events, ["Update Pod web-1 in StatefulSet web successful"]);
    let labels = h.pod("web-1").unwrap().metadata.labels().clone();
    assert_eq!(
        labels.get("statefulset.kubernetes.io/pod-name").map(String::as_str),
        Some("web-1")
    );
    assert_eq!(
        labels.get("apps.kubernetes.io/pod-index").map(String::as_str),
        Some("1"),
        "updateIdentity writes both"
    );
}

// A pod whose labels stop matching is released; its name stays taken, so the set waits.
#[test]
fn a_released_pod_keeps_its_name_and_the_set_says_why_it_waits() {
    let mut h = Harness::with_set(m0(2));
    h.settle();
    let uid = h.pod("web-1").unwrap().metadata.uid;
    let mut pod = h.pod("web-1").unwrap();
    pod.metadata.labels_mut().insert("app".into(), "debug".into());
    h.sim.update_object(Object::Pod(pod));
    h.run_for(3);
    let pod = h.pod("web-1").unwrap();
    assert_eq!(pod.metadata.uid, uid, "the released pod is not replaced");
    assert!(pod.metadata.controller_ref().is_none(), "released: no ownerReference");
    assert!(
        h.why_text()
            .contains("a pod named web-1 exists that this set does not own"),
        "{}",
        h.why_text()
    );
    // Matching labels again: the orphan's label change wakes the set, which adopts it.
    let mut pod = h.pod("web-1").unwrap();
    pod.metadata.labels_mut().insert("app".into(), "nginx".into());
    h.sim.update_object(Object::Pod(pod));
    h.settle();
    let pod = h.pod("web-1").unwrap();
    assert_eq!(pod.metadata.uid, uid);
    assert_eq!(pod.metadata.controller_ref().map(|r| r.name.as_str()), Some("web"));
}

// ERRATA: on 1.36 a Parallel set's rolling update also waits minReadySeconds between pods.
#[test]
fn parallel_rolling_update_waits_min_ready_seconds_between_pods() {
    let mut manifest = m0(3);
    manifest["spec"]["podManagementPolicy"] = json!("Parallel");
    manifest["spec"]["minReadySeconds"] = json!(10);
    let mut h = Harness::with_set(manifest);
    h.settle();
    h.events.clear();
    h.update_set(|s| s.spec.template.spec.containers[0].image = IMAGE2.into());
    h.run_for(6);
    assert_eq!(
        h.events,
        [delete("web-2"), create("web-2")],
        "web-1 waits while web-2 is not yet available"
    );
    assert!(
        h.why_text().contains("more for web-2 to be available"),
        "{}",
        h.why_text()
    );
    let ready = h.pod("web-2").unwrap().ready_since().unwrap().0;
    h.settle();
    assert_eq!(h.events[2], delete("web-1"));
    let s = h.set().status;
    assert_eq!((s.updated_replicas, s.current_revision.as_deref()), (3, Some(H2)));
    assert!(h.sim.now().0 >= ready.0 + 20_000);
}
