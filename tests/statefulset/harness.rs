//! A node-less cluster and a small stand-in kubelet that binds pods, marks them Running and
//! Ready, holds some Pending or unready, and finishes terminations, so the controller can be
//! tested on its own.

use kubeplay::engine::action::{ControllerId, Propagation, WhyReason};
use kubeplay::engine::model::{
    Event, Kind, Object, PersistentVolumeClaim, Pod, PodCondition, PodPhase, StatefulSet,
};
use kubeplay::engine::store::ObjectKey;
use kubeplay::engine::time::{SimDuration, Timestamp};
use kubeplay::Sim;
use serde_json::json;
use std::collections::BTreeSet;

pub const NS: &str = "default";
/// The node the harness binds pods to; the cluster is empty, so no real kubelet acts on it.
pub const NODE: &str = "harness-node";

/// The M0 manifest of the scenarios, with the API defaults the server writes into the template
/// (so the revision hash is the real cluster's `web-5b646f6946`).
pub fn m0(replicas: i32) -> serde_json::Value {
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

pub const H1: &str = "web-5b646f6946";
pub const H2: &str = "web-59b7d9585";
pub const IMAGE2: &str = "registry.k8s.io/nginx-slim:0.27";

/// The cluster plus a stand-in kubelet and a record of what happened.
pub struct Harness {
    pub sim: Sim,
    /// Pods the kubelet leaves Pending (like the emulator's hold-pending).
    pub hold_pending: BTreeSet<String>,
    /// Pods kept Running but not Ready (withhold-ready).
    pub unready: BTreeSet<String>,
    /// Terminating pods that are not finished (hold-terminating).
    pub hold_terminating: BTreeSet<String>,
    /// Event messages in the order they were recorded or bumped.
    pub events: Vec<String>,
    pub last_rv: u64,
    /// Pod names in the order they were created.
    pub created: Vec<String>,
    /// Claim names in the order they were created.
    pub claims_created: Vec<String>,
    /// Whether OrderedReady creation ever had two unready pods at once.
    pub max_unready: usize,
    pub claims_deleted: Vec<String>,
}

impl Harness {
    pub fn new() -> Harness {
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

    pub fn with_set(manifest: serde_json::Value) -> Harness {
        let mut h = Harness::new();
        let set: StatefulSet = serde_json::from_value(manifest).expect("test manifest decodes");
        h.sim.create_object(Object::StatefulSet(set));
        h
    }

    pub fn set(&self) -> StatefulSet {
        self.sim
            .store()
            .get::<StatefulSet>(NS, "web")
            .expect("set exists")
            .clone()
    }

    pub fn update_set(&mut self, change: impl FnOnce(&mut StatefulSet)) {
        let mut set = self.set();
        change(&mut set);
        self.sim.update_object(Object::StatefulSet(set));
    }

    pub fn pod(&self, name: &str) -> Option<Pod> {
        self.sim.store().get::<Pod>(NS, name).cloned()
    }

    pub fn pod_names(&self) -> Vec<String> {
        self.sim
            .store()
            .list_in::<Pod>(NS)
            .map(|p| p.metadata.name.clone())
            .collect()
    }

    pub fn claim(&self, name: &str) -> Option<PersistentVolumeClaim> {
        self.sim
            .store()
            .get::<PersistentVolumeClaim>(NS, name)
            .cloned()
    }

    pub fn delete_pod(&mut self, name: &str) {
        self.sim.delete_object(
            &ObjectKey::new(Kind::Pod, NS, name),
            None,
            Propagation::Background,
        );
    }

    /// Reads what changed since the last look: new events, new pods and claims, invariants.
    pub fn observe(&mut self) {
        let store = self.sim.store();
        let mut fresh: Vec<(u64, String)> = store
            .list_in::<Event>(NS)
            .filter_map(|e| {
                let rv: u64 = e.metadata.resource_version.parse().ok()?;
                (rv > self.last_rv && e.source.component == "statefulset-controller")
                    .then(|| (rv, e.message.clone()))
            })
            .collect();
        fresh.sort();
        if let Some(changes) = store.changes_since(self.last_rv) {
            for c in changes {
                let meta = c.object.meta();
                match (c.change, c.object.kind()) {
                    (kubeplay::engine::store::ChangeType::Added, Kind::Pod) => {
                        self.created.push(meta.name.clone())
                    }
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
    pub fn drain(&mut self) {
        let now = self.sim.now();
        self.sim.run_until(now);
        self.observe();
    }

    /// One kubelet pass: every pod moves one stage. Returns whether anything changed.
    pub fn kubelet_tick(&mut self) -> bool {
        let now = self.sim.now();
        let pods: Vec<Pod> = self.sim.store().list_in::<Pod>(NS).cloned().collect();
        let mut changed = false;
        for mut pod in pods {
            let name = pod.metadata.name.clone();
            if pod.metadata.deletion_timestamp.is_some() {
                if !self.hold_terminating.contains(&name) {
                    self.sim
                        .remove_object(&ObjectKey::new(Kind::Pod, NS, &name));
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
    pub fn settle(&mut self) {
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
    pub fn run_for(&mut self, secs: u64) {
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
    pub fn whys(&self) -> Vec<(String, WhyReason)> {
        self.sim
            .why_all()
            .filter(|(c, _, _)| *c == ControllerId::StatefulSet)
            .map(|(_, _, w)| (w.subject.short(), w.reason.clone()))
            .collect()
    }

    pub fn why_text(&self) -> String {
        self.whys()
            .iter()
            .map(|(subject, reason)| format!("{subject}: {reason}\n"))
            .collect()
    }
}

pub fn set_ready(pod: &mut Pod, ready: bool, now: kubeplay::engine::time::SimTime) {
    let status = if ready { "True" } else { "False" };
    if let Some(c) = pod
        .status
        .conditions
        .iter_mut()
        .find(|c| c.type_ == "Ready")
    {
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

pub fn create(name: &str) -> String {
    format!("Create Pod {name} in StatefulSet web successful")
}
pub fn claim_event(n: u32) -> String {
    format!("Create Claim www-web-{n} Pod web-{n} in StatefulSet web success")
}
pub fn delete(name: &str) -> String {
    format!("Delete Pod {name} in StatefulSet web successful")
}

/// The event recorder's spam filter folds the tenth similar event (SC-09, SC-15 transcripts).
pub fn combined(message: &str) -> String {
    format!("(combined from similar events): {message}")
}

pub fn revision_of(h: &Harness, pod: &str) -> String {
    h.pod(pod)
        .and_then(|p| p.metadata.labels().get("controller-revision-hash").cloned())
        .unwrap_or_default()
}

impl Harness {
    /// Settles while pods in `unready` stay unready (the kubelet keeps them so).
    pub fn settle_keeping_unready(&mut self) {
        self.run_for(30);
    }
}
