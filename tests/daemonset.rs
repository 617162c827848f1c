//! DaemonSet controller: placement, reactions to node changes, updates and status, checked
//! against the v1.36 transcripts in shared/reference (scenario ids S01... in comments).
//!
//! Until the scheduler and kubelet of the engine are in, `play_node_agents` plays both: it binds
//! each pending daemon pod to the node its matchFields affinity names, marks bound pods Running
//! and Ready, and removes terminating pods. It is idempotent, so the real actors can run too.

use kubeplay::engine::action::{ControllerId, WhyReason};
use kubeplay::engine::cluster::{add_node, NodeRequest};
use kubeplay::engine::model::*;
use kubeplay::engine::store::ObjectKey;
use kubeplay::engine::time::SimDuration;
use kubeplay::Sim;

#[path = "daemonset/scenarios.rs"]
mod scenarios;

const FLUENTD: &str = r#"
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: fluentd, namespace: default}
spec:
  selector: {matchLabels: {app: fluentd}}
  template:
    metadata: {labels: {app: fluentd}}
    spec:
      containers:
      - {name: fluentd, image: "fluentd:v1"}
"#;

/// A cluster of plain workers `node-1..n` (no control plane, no kube-system workloads).
fn cluster(workers: u32) -> Sim {
    let mut sim = Sim::empty(7);
    for i in 1..=workers {
        add_node(&mut sim, &NodeRequest::worker(&format!("node-{i}")));
    }
    sim.settle();
    sim
}

fn parse(yaml: &str) -> Object {
    let docs = kubeplay::engine::manifest::parse_documents(yaml).expect("manifest parses");
    docs.into_iter()
        .next()
        .expect("one document")
        .object
        .expect("object decodes")
}

fn apply(sim: &mut Sim, yaml: &str) {
    sim.create_object(parse(yaml));
}

fn ds(sim: &Sim, name: &str) -> DaemonSet {
    sim.store()
        .get::<DaemonSet>("default", name)
        .cloned()
        .expect("daemonset exists")
}

fn update_ds(sim: &mut Sim, name: &str, change: impl FnOnce(&mut DaemonSet)) {
    let mut d = ds(sim, name);
    change(&mut d);
    sim.update_object(Object::DaemonSet(d));
}

fn update_node(sim: &mut Sim, name: &str, change: impl FnOnce(&mut Node)) {
    let mut n = sim
        .store()
        .get::<Node>("", name)
        .cloned()
        .expect("node exists");
    change(&mut n);
    sim.update_object(Object::Node(n));
}

fn taint(key: &str, value: Option<&str>, effect: TaintEffect) -> Taint {
    Taint {
        effect,
        key: key.into(),
        time_added: None,
        value: value.map(str::to_string),
    }
}

/// The daemon pods of `ds_name`, (name, target node, pod).
fn daemon_pods(sim: &Sim, ds_name: &str) -> Vec<Pod> {
    sim.store()
        .list_in::<Pod>("default")
        .filter(|p| {
            p.metadata
                .controller_ref()
                .is_some_and(|r| r.kind == "DaemonSet" && r.name == ds_name)
        })
        .cloned()
        .collect()
}

fn target(pod: &Pod) -> String {
    if let Some(n) = pod.node_name() {
        return n.to_string();
    }
    pod.spec
        .affinity
        .as_ref()
        .and_then(|a| a.node_affinity.as_ref())
        .and_then(|na| {
            na.required_during_scheduling_ignored_during_execution
                .as_ref()
        })
        .and_then(|r| r.node_selector_terms.first())
        .and_then(|t| t.match_fields.first())
        .and_then(|f| f.values.first())
        .cloned()
        .unwrap_or_default()
}

fn nodes_with_pods(sim: &Sim, ds_name: &str) -> Vec<String> {
    let mut v: Vec<String> = daemon_pods(sim, ds_name).iter().map(target).collect();
    v.sort();
    v
}

/// Lets the scheduler and kubelet run until the cluster is quiet.
fn play_node_agents(sim: &mut Sim) {
    assert!(sim.settle(), "the cluster never went quiet");
}

/// Marks a pod unready (its readiness probe fails) as `sim pod unready` does.
fn make_unready(sim: &mut Sim, name: &str) {
    let id = ("default".to_string(), name.to_string());
    sim.faults_mut().unready_pods.insert(id.clone());
    let now = sim.now();
    sim.faults_mut().unready_since.insert(id, now);
    sim.enqueue(
        ControllerId::Kubelet,
        ObjectKey::new(Kind::Pod, "default", name),
    );
}

/// D/C/R/U/A | M | Un as the scenario notes write it.
fn status(sim: &Sim, name: &str) -> String {
    let s = ds(sim, name).status;
    format!(
        "{}/{}/{}/{}/{} | {} | {}",
        s.desired_number_scheduled,
        s.current_number_scheduled,
        s.number_ready,
        s.updated_number_scheduled,
        s.number_available,
        s.number_misscheduled,
        s.number_unavailable
    )
}

fn events_of(sim: &Sim, kind: &str, name: &str) -> Vec<(String, String, String)> {
    let mut list: Vec<&Event> = sim
        .store()
        .list::<Event>()
        .filter(|e| e.involved_object.kind == kind && e.involved_object.name == name)
        .collect();
    list.sort_by_key(|e| {
        (
            e.first_timestamp,
            e.metadata.resource_version.parse::<u64>().unwrap_or(0),
        )
    });
    list.iter()
        .map(|e| (e.type_.clone(), e.reason.clone(), e.message.clone()))
        .collect()
}

fn why_of(sim: &Sim, name: &str) -> Vec<String> {
    sim.why_all()
        .filter(|(c, k, _)| *c == ControllerId::DaemonSet && k.name == name)
        .map(|(_, _, w)| w.reason.to_string())
        .collect()
}

/// After settling: at most one pod per node, one on every eligible node, none on others.
fn assert_invariants(sim: &Sim, name: &str) {
    let d = ds(sim, name);
    let pods = daemon_pods(sim, name);
    for node in sim.store().list::<Node>() {
        let here: Vec<&Pod> = pods
            .iter()
            .filter(|p| target(p) == node.metadata.name && !p.metadata.is_terminating())
            .collect();
        let placement =
            kubeplay::engine::controllers::daemonset::eligibility::node_should_run_ds(node, &d);
        assert!(
            here.len() <= 1,
            "{} has {} pods of {name}",
            node.metadata.name,
            here.len()
        );
        if placement.should_run {
            assert_eq!(
                here.len(),
                1,
                "eligible {} has no pod of {name}",
                node.metadata.name
            );
        }
        if !placement.should_continue_running {
            assert!(
                here.is_empty(),
                "ineligible {} keeps a pod of {name}",
                node.metadata.name
            );
        }
    }
}

fn is_generated_name(name: &str, prefix: &str) -> bool {
    name.strip_prefix(prefix).is_some_and(|s| {
        s.len() == 5 && s.chars().all(|c| "bcdfghjklmnpqrstvwxz2456789".contains(c))
    })
}

#[test]
fn s01_one_pod_per_node_with_the_injected_tolerations_and_affinity() {
    let mut sim = cluster(3);
    let rv = sim.store().resource_version();
    apply(&mut sim, FLUENTD);
    sim.advance_by(SimDuration::ZERO);
    // The controller creates them without nodeName; the scheduler binds them.
    let added: Vec<Pod> = sim
        .store()
        .changes_since(rv)
        .expect("change log reaches back")
        .filter(|c| c.change == kubeplay::engine::store::ChangeType::Added)
        .filter_map(|c| Pod::from_object(&c.object).cloned())
        .collect();
    assert_eq!(added.len(), 3);
    assert!(added.iter().all(|p| p.spec.node_name.is_none()));
    // Created unbound, pinned by matchFields, with the controller's labels and tolerations.
    let pods = daemon_pods(&sim, "fluentd");
    assert_eq!(pods.len(), 3);
    assert_eq!(
        nodes_with_pods(&sim, "fluentd"),
        ["node-1", "node-2", "node-3"]
    );
    for p in &pods {
        assert!(
            is_generated_name(&p.metadata.name, "fluentd-"),
            "{}",
            p.metadata.name
        );
        let labels = p.metadata.labels();
        assert_eq!(labels.get("app").map(String::as_str), Some("fluentd"));
        assert_eq!(
            labels.get("pod-template-generation").map(String::as_str),
            Some("1")
        );
        let hash = labels
            .get("controller-revision-hash")
            .cloned()
            .unwrap_or_default();
        assert!(
            !hash.is_empty() && hash.chars().all(|c| "456789bcdf".contains(c)),
            "{hash}"
        );
        let owner = p.metadata.controller_ref().expect("controller ref");
        assert_eq!(
            (owner.kind.as_str(), owner.block_owner_deletion),
            ("DaemonSet", Some(true))
        );
        let tolerations: Vec<(String, String, Option<i64>)> = p
            .spec
            .tolerations
            .iter()
            .map(|t| {
                (
                    t.key.clone().unwrap_or_default(),
                    t.effect.clone().unwrap_or_default(),
                    t.toleration_seconds,
                )
            })
            .collect();
        let expected: Vec<(String, String, Option<i64>)> = [
            ("node.kubernetes.io/not-ready", "NoExecute"),
            ("node.kubernetes.io/unreachable", "NoExecute"),
            ("node.kubernetes.io/disk-pressure", "NoSchedule"),
            ("node.kubernetes.io/memory-pressure", "NoSchedule"),
            ("node.kubernetes.io/pid-pressure", "NoSchedule"),
            ("node.kubernetes.io/unschedulable", "NoSchedule"),
        ]
        .iter()
        .map(|(k, e)| (k.to_string(), e.to_string(), None))
        .collect();
        assert_eq!(
            tolerations, expected,
            "no 300 s admission tolerations either"
        );
    }
    // Just created, nothing Ready: 3/3/0/3/0, unavailable 3, generation observed.
    assert_eq!(status(&sim, "fluentd"), "3/3/0/3/0 | 0 | 3");
    assert_eq!(ds(&sim, "fluentd").status.observed_generation, Some(1));
    play_node_agents(&mut sim);
    assert_eq!(status(&sim, "fluentd"), "3/3/3/3/3 | 0 | 0");
    let events = events_of(&sim, "DaemonSet", "fluentd");
    assert_eq!(events.len(), 3);
    for (type_, reason, message) in &events {
        assert_eq!(
            (type_.as_str(), reason.as_str()),
            ("Normal", "SuccessfulCreate")
        );
        let name = message.strip_prefix("Created pod: ").unwrap_or_default();
        assert!(pods.iter().any(|p| p.metadata.name == name), "{message}");
    }
    // One ControllerRevision fluentd-<hash>, revision 1, owned by the DaemonSet.
    let crs: Vec<&ControllerRevision> = sim
        .store()
        .list_in::<ControllerRevision>("default")
        .collect();
    assert_eq!(crs.len(), 1);
    let hash = pods[0].metadata.labels()["controller-revision-hash"].clone();
    assert_eq!(crs[0].metadata.name, format!("fluentd-{hash}"));
    assert_eq!(crs[0].revision, 1);
    assert_invariants(&sim, "fluentd");
}

#[test]
fn control_plane_taint_keeps_pods_off_unless_tolerated_and_why_says_so() {
    // S02/S03 on the default kind-like cluster.
    let mut sim = Sim::new(3);
    apply(&mut sim, FLUENTD);
    play_node_agents(&mut sim);
    assert_eq!(
        nodes_with_pods(&sim, "fluentd"),
        ["kind-worker", "kind-worker2", "kind-worker3"]
    );
    assert_eq!(status(&sim, "fluentd"), "3/3/3/3/3 | 0 | 0");
    let why = why_of(&sim, "fluentd");
    assert_eq!(why.len(), 1, "{why:?}");
    assert!(
        why[0].contains("no pod on kind-control-plane: taint node-role.kubernetes.io/control-plane:NoSchedule not tolerated"),
        "{}",
        why[0]
    );
    // The kube-system DaemonSets tolerate everything: one pod on each of the 4 nodes.
    let proxies = sim
        .store()
        .list_in::<Pod>("kube-system")
        .filter(|p| p.metadata.name.starts_with("kube-proxy-"))
        .count();
    assert_eq!(proxies, 4);
    // A NoExecute toleration does not help; a NoSchedule one does.
    update_ds(&mut sim, "fluentd", |d| {
        d.spec.template.spec.tolerations.push(Toleration {
            key: Some("node-role.kubernetes.io/control-plane".into()),
            operator: Some("Exists".into()),
            effect: Some("NoExecute".into()),
            ..Default::default()
        })
    });
    play_node_agents(&mut sim);
    assert_eq!(ds(&sim, "fluentd").status.desired_number_scheduled, 3);
    update_ds(&mut sim, "fluentd", |d| {
        d.spec.template.spec.tolerations[0].effect = Some("NoSchedule".into())
    });
    play_node_agents(&mut sim);
    assert_eq!(status(&sim, "fluentd"), "4/4/4/4/4 | 0 | 0");
    assert!(why_of(&sim, "fluentd").is_empty());
    // The user's toleration comes first, then the six automatic ones.
    let pod = daemon_pods(&sim, "fluentd")
        .into_iter()
        .find(|p| target(p) == "kind-control-plane")
        .expect("cp pod");
    assert_eq!(pod.spec.tolerations.len(), 7);
    assert_eq!(
        pod.spec.tolerations[0].key.as_deref(),
        Some("node-role.kubernetes.io/control-plane")
    );
    assert_invariants(&sim, "fluentd");
}

#[test]
fn node_selector_and_labels_add_and_remove_pods() {
    // S05/S07: nodeSelector picks a subset; removing the label deletes the pod.
    let mut sim = cluster(3);
    update_node(&mut sim, "node-1", |n| {
        n.metadata
            .labels_mut()
            .insert("disktype".into(), "ssd".into());
    });
    update_node(&mut sim, "node-2", |n| {
        n.metadata
            .labels_mut()
            .insert("disktype".into(), "hdd".into());
    });
    apply(
        &mut sim,
        &FLUENTD.replace(
            "      containers:",
            "      nodeSelector: {disktype: ssd}\n      containers:",
        ),
    );
    play_node_agents(&mut sim);
    assert_eq!(nodes_with_pods(&sim, "fluentd"), ["node-1"]);
    assert_eq!(status(&sim, "fluentd"), "1/1/1/1/1 | 0 | 0");
    let pod = &daemon_pods(&sim, "fluentd")[0];
    assert_eq!(
        pod.spec
            .node_selector
            .as_ref()
            .and_then(|s| s.get("disktype"))
            .map(String::as_str),
        Some("ssd")
    );
    let why = why_of(&sim, "fluentd").join("\n");
    assert!(why.contains("no pod on node-2: node selector disktype=ssd does not match (the node's disktype label is hdd)"), "{why}");
    assert!(why.contains("no pod on node-3: node selector disktype=ssd does not match (the node has no disktype label)"), "{why}");

    update_node(&mut sim, "node-3", |n| {
        n.metadata
            .labels_mut()
            .insert("disktype".into(), "ssd".into());
    });
    play_node_agents(&mut sim);
    assert_eq!(nodes_with_pods(&sim, "fluentd"), ["node-1", "node-3"]);

    let old = pod.metadata.name.clone();
    update_node(&mut sim, "node-1", |n| {
        n.metadata.labels_mut().remove("disktype");
    });
    sim.advance_by(SimDuration::ZERO);
    // Terminating: the node is no longer desired but still has a pod.
    assert_eq!(status(&sim, "fluentd"), "1/1/1/1/1 | 1 | 0");
    let events = events_of(&sim, "DaemonSet", "fluentd");
    assert_eq!(
        events.last().map(|e| e.2.clone()),
        Some(format!("Deleted pod: {old}"))
    );
    play_node_agents(&mut sim);
    assert_eq!(status(&sim, "fluentd"), "1/1/1/1/1 | 0 | 0");
    assert_eq!(nodes_with_pods(&sim, "fluentd"), ["node-3"]);
    assert_invariants(&sim, "fluentd");
}

#[test]
fn node_added_gets_a_pod_and_node_removed_keeps_status_until_pod_gc() {
    // S11 and S13 (ERRATA: no node-delete handler; status changes when pod GC removes the pod).
    let mut sim = cluster(3);
    apply(&mut sim, FLUENTD);
    play_node_agents(&mut sim);
    add_node(&mut sim, &NodeRequest::worker("node-4"));
    play_node_agents(&mut sim);
    assert_eq!(status(&sim, "fluentd"), "4/4/4/4/4 | 0 | 0");
    assert_eq!(events_of(&sim, "DaemonSet", "fluentd").len(), 4);

    sim.delete_object(
        &ObjectKey::new(Kind::Node, "", "node-3"),
        None,
        Default::default(),
    );
    sim.advance_by(SimDuration::from_secs(5));
    assert_eq!(
        status(&sim, "fluentd"),
        "4/4/4/4/4 | 0 | 0",
        "status is stale until the pod goes"
    );
    let stray = daemon_pods(&sim, "fluentd")
        .into_iter()
        .find(|p| target(p) == "node-3")
        .expect("pod stays");
    // Pod GC removes the orphaned pod after about 40 s (by hand if that controller is not in);
    // only that resyncs the DaemonSet.
    sim.advance_by(SimDuration::from_secs(60));
    if sim
        .store()
        .get::<Pod>("default", &stray.metadata.name)
        .is_some()
    {
        sim.remove_object(&ObjectKey::new(Kind::Pod, "default", &stray.metadata.name));
    }
    play_node_agents(&mut sim);
    assert_eq!(status(&sim, "fluentd"), "3/3/3/3/3 | 0 | 0");
    assert_eq!(
        daemon_pods(&sim, "fluentd").len(),
        3,
        "no replacement anywhere"
    );
    assert_invariants(&sim, "fluentd");
}

#[test]
fn no_schedule_taint_keeps_the_pod_no_execute_evicts_it() {
    let mut sim = cluster(3);
    apply(&mut sim, FLUENTD);
    play_node_agents(&mut sim);
    // NoSchedule on a node that runs the pod: the pod stays and (ERRATA) status is not resynced.
    update_node(&mut sim, "node-3", |n| {
        n.spec
            .taints
            .push(taint("dedicated", Some("infra"), TaintEffect::NoSchedule))
    });
    play_node_agents(&mut sim);
    assert_eq!(daemon_pods(&sim, "fluentd").len(), 3);
    assert_eq!(status(&sim, "fluentd"), "3/3/3/3/3 | 0 | 0");
    // The next sync (any pod change) shows node-3 as misscheduled and out of DESIRED; if its pod
    // goes, it is not replaced.
    let on3 = daemon_pods(&sim, "fluentd")
        .into_iter()
        .find(|p| target(p) == "node-3")
        .expect("pod on node-3");
    sim.delete_object(
        &ObjectKey::new(Kind::Pod, "default", &on3.metadata.name),
        None,
        Default::default(),
    );
    sim.advance_by(SimDuration::ZERO);
    assert_eq!(status(&sim, "fluentd"), "2/2/2/2/2 | 1 | 0");
    play_node_agents(&mut sim);
    assert_eq!(nodes_with_pods(&sim, "fluentd"), ["node-1", "node-2"]);
    assert_eq!(status(&sim, "fluentd"), "2/2/2/2/2 | 0 | 0");

    // Untolerated NoExecute: the DaemonSet deletes the pod and does not recreate it.
    update_node(&mut sim, "node-2", |n| {
        n.spec
            .taints
            .push(taint("dedicated", Some("infra"), TaintEffect::NoExecute))
    });
    play_node_agents(&mut sim);
    assert_eq!(nodes_with_pods(&sim, "fluentd"), ["node-1"]);
    // Removing the taint brings the pod back.
    update_node(&mut sim, "node-2", |n| n.spec.taints.clear());
    play_node_agents(&mut sim);
    assert_eq!(nodes_with_pods(&sim, "fluentd"), ["node-1", "node-2"]);
    assert_invariants(&sim, "fluentd");
}

#[test]
fn tolerated_no_execute_and_cordon_and_not_ready() {
    let mut sim = cluster(2);
    apply(
        &mut sim,
        &FLUENTD.replace(
            "      containers:",
            "      tolerations:\n      - {key: maintenance, operator: Exists, effect: NoExecute}\n      containers:",
        ),
    );
    play_node_agents(&mut sim);
    let before = daemon_pods(&sim, "fluentd");
    update_node(&mut sim, "node-2", |n| {
        n.spec
            .taints
            .push(taint("maintenance", Some("true"), TaintEffect::NoExecute))
    });
    play_node_agents(&mut sim);
    assert_eq!(daemon_pods(&sim, "fluentd"), before, "S19: nothing happens");
    // A cordoned new node still gets a daemon pod (unschedulable taint is tolerated).
    let mut req = NodeRequest::worker("node-3");
    req.taints.push(taint(
        "node.kubernetes.io/unschedulable",
        None,
        TaintEffect::NoSchedule,
    ));
    add_node(&mut sim, &req);
    play_node_agents(&mut sim);
    assert_eq!(
        nodes_with_pods(&sim, "fluentd"),
        ["node-1", "node-2", "node-3"]
    );
    // S23: a NotReady node gets no ordinary daemon pod, but a hostNetwork tolerate-all one.
    apply(
        &mut sim,
        r#"
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: cni-agent, namespace: default}
spec:
  selector: {matchLabels: {app: cni-agent}}
  template:
    metadata: {labels: {app: cni-agent}}
    spec:
      hostNetwork: true
      tolerations: [{operator: Exists}]
      containers: [{name: cni, image: "cni:v1"}]
"#,
    );
    // node-4 registers NotReady (its kubelet is not posting status) with both not-ready taints.
    sim.faults_mut().failed_nodes.insert("node-4".into());
    let mut node4 = kubeplay::engine::cluster::build_node(&mut sim, &NodeRequest::worker("node-4"));
    for c in node4
        .status
        .conditions
        .iter_mut()
        .filter(|c| c.type_ == "Ready")
    {
        c.status = "False".into();
        c.reason = Some("KubeletNotReady".into());
    }
    node4.spec.taints.push(taint(
        "node.kubernetes.io/not-ready",
        None,
        TaintEffect::NoSchedule,
    ));
    node4.spec.taints.push(taint(
        "node.kubernetes.io/not-ready",
        None,
        TaintEffect::NoExecute,
    ));
    sim.create_object(Object::Node(node4));
    sim.advance_by(SimDuration::from_secs(20));
    assert!(!nodes_with_pods(&sim, "fluentd").contains(&"node-4".to_string()));
    assert!(nodes_with_pods(&sim, "cni-agent").contains(&"node-4".to_string()));
    let cni = daemon_pods(&sim, "cni-agent");
    assert_eq!(
        cni[0]
            .spec
            .tolerations
            .last()
            .and_then(|t| t.key.clone())
            .as_deref(),
        Some("node.kubernetes.io/network-unavailable")
    );
    // The DaemonSet is not woken by a node it would not run on; its next sync explains it.
    update_ds(&mut sim, "fluentd", |d| {
        d.metadata
            .labels_mut()
            .insert("touched".into(), "yes".into());
    });
    sim.advance_by(SimDuration::from_secs(1));
    assert!(why_of(&sim, "fluentd")
        .iter()
        .any(|w| w.contains("node-4") && w.contains("node is NotReady")));
    // The kubelet comes back: Ready, and the taints go.
    sim.faults_mut().failed_nodes.remove("node-4");
    update_node(&mut sim, "node-4", |n| {
        n.spec.taints.clear();
        for c in n
            .status
            .conditions
            .iter_mut()
            .filter(|c| c.type_ == "Ready")
        {
            c.status = "True".into();
            c.reason = Some("KubeletReady".into());
        }
    });
    play_node_agents(&mut sim);
    assert_eq!(status(&sim, "fluentd"), "4/4/4/4/4 | 0 | 0");
    assert_invariants(&sim, "fluentd");
    assert_invariants(&sim, "cni-agent");
}

#[test]
fn deleted_pod_is_replaced_only_after_it_is_gone_with_a_new_name() {
    // S47.
    let mut sim = cluster(3);
    apply(&mut sim, FLUENTD);
    play_node_agents(&mut sim);
    let victim = daemon_pods(&sim, "fluentd")
        .into_iter()
        .find(|p| target(p) == "node-1")
        .expect("pod");
    sim.delete_object(
        &ObjectKey::new(Kind::Pod, "default", &victim.metadata.name),
        None,
        Default::default(),
    );
    sim.advance_by(SimDuration::ZERO);
    assert_eq!(
        daemon_pods(&sim, "fluentd").len(),
        3,
        "no replacement while it terminates"
    );
    assert!(why_of(&sim, "fluentd")
        .iter()
        .any(|w| w.contains("finish terminating")));
    assert_eq!(status(&sim, "fluentd"), "3/3/3/3/3 | 0 | 0");
    play_node_agents(&mut sim);
    let now = daemon_pods(&sim, "fluentd")
        .into_iter()
        .find(|p| target(p) == "node-1")
        .expect("replacement");
    assert_ne!(now.metadata.name, victim.metadata.name);
    assert_invariants(&sim, "fluentd");
}

#[test]
fn extra_pods_on_a_node_are_trimmed_to_the_oldest_and_orphans_adopted() {
    let mut sim = cluster(2);
    apply(&mut sim, FLUENTD);
    play_node_agents(&mut sim);
    // A bare pod with the DaemonSet's labels on node-1: adopted, then the newer one deleted.
    let mut bare = Pod {
        metadata: ObjectMeta::named("default", "fluentd-extra"),
        ..Default::default()
    };
    bare.metadata
        .labels_mut()
        .insert("app".into(), "fluentd".into());
    bare.spec.node_name = Some("node-1".into());
    bare.spec.containers.push(Container {
        name: "fluentd".into(),
        image: "fluentd:v1".into(),
        ..Default::default()
    });
    sim.create_object(Object::Pod(bare));
    play_node_agents(&mut sim);
    assert!(sim.store().get::<Pod>("default", "fluentd-extra").is_none());
    assert!(events_of(&sim, "DaemonSet", "fluentd")
        .iter()
        .any(|e| e.2 == "Deleted pod: fluentd-extra"));
    assert_invariants(&sim, "fluentd");
}

#[test]
fn failed_daemon_pods_are_killed_with_a_warning_and_back_off() {
    let mut sim = cluster(1);
    apply(&mut sim, FLUENTD);
    play_node_agents(&mut sim);
    let kill_times = |sim: &Sim| -> Vec<u64> {
        let mut v: Vec<u64> = sim
            .store()
            .list::<Event>()
            .filter(|e| e.reason == "FailedDaemonPod")
            .filter_map(|e| e.first_timestamp.map(|t| t.0 .0))
            .collect();
        v.sort();
        v
    };
    for round in 0..4 {
        let pod = daemon_pods(&sim, "fluentd")
            .into_iter()
            .find(|p| !p.metadata.is_terminating())
            .expect("pod");
        let id = ("default".to_string(), pod.metadata.name.clone());
        sim.faults_mut().failed_pods.insert(id.clone());
        let now = sim.now();
        sim.faults_mut().failed_since.insert(id, now);
        sim.enqueue(
            ControllerId::Kubelet,
            ObjectKey::new(Kind::Pod, "default", &pod.metadata.name),
        );
        sim.advance_by(SimDuration::from_secs(60));
        assert_eq!(kill_times(&sim).len(), round + 1, "round {round}");
        assert_eq!(
            daemon_pods(&sim, "fluentd")
                .iter()
                .filter(|p| !p.metadata.is_terminating())
                .count(),
            1
        );
    }
    let warnings: Vec<(String, String, String)> = events_of(&sim, "DaemonSet", "fluentd")
        .into_iter()
        .filter(|e| e.1 == "FailedDaemonPod")
        .collect();
    assert_eq!(warnings[0].0, "Warning");
    assert!(
        warnings[0]
            .2
            .starts_with("Found failed daemon pod default/fluentd-"),
        "{}",
        warnings[0].2
    );
    assert!(warnings[0]
        .2
        .ends_with(" on node node-1, will try to kill it"));
    // Each replacement fails at once; the kills are spaced by the back-off (1 s, 2 s, 4 s...).
    let times = kill_times(&sim);
    let gaps: Vec<u64> = times.windows(2).map(|w| w[1] - w[0]).collect();
    for (i, gap) in gaps.iter().enumerate() {
        assert!(*gap >= 1000 << i, "gaps {gaps:?}");
    }
}

fn set_image(sim: &mut Sim, image: &str) {
    let image = image.to_string();
    update_ds(sim, "fluentd", move |d| {
        d.spec.template.spec.containers[0].image = image
    });
}

/// Runs the cluster one unit of work at a time until quiet, returning the most nodes that were
/// ever without an available pod (desired - available) after the first status write.
fn roll_and_watch(sim: &mut Sim, name: &str) -> i32 {
    let mut worst = 0;
    for _ in 0..200_000 {
        let s = ds(sim, name).status;
        worst = worst.max(s.desired_number_scheduled - s.number_available);
        if sim.step() == kubeplay::engine::StepOutcome::Idle {
            return worst;
        }
    }
    panic!("rollout did not finish");
}

#[test]
fn rolling_update_respects_max_unavailable_and_creates_revisions() {
    // S29: maxUnavailable 2 on 5 nodes.
    let mut sim = cluster(5);
    apply(&mut sim, &FLUENTD.replace("spec:\n  selector", "spec:\n  updateStrategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: 2}}\n  selector"));
    play_node_agents(&mut sim);
    let old_hash =
        daemon_pods(&sim, "fluentd")[0].metadata.labels()["controller-revision-hash"].clone();
    set_image(&mut sim, "fluentd:v2");
    sim.advance_by(SimDuration::ZERO);
    // First sync after the change: two old pods deleted, nothing created yet.
    let terminating = daemon_pods(&sim, "fluentd")
        .iter()
        .filter(|p| p.metadata.is_terminating())
        .count();
    assert_eq!(terminating, 2);
    assert_eq!(status(&sim, "fluentd"), "5/5/5/0/5 | 0 | 0");
    let worst = roll_and_watch(&mut sim, "fluentd");
    assert!(
        worst <= 2,
        "at most 2 nodes without an available pod, saw {worst}"
    );
    assert_eq!(status(&sim, "fluentd"), "5/5/5/5/5 | 0 | 0");
    assert!(daemon_pods(&sim, "fluentd")
        .iter()
        .all(|p| p.spec.containers[0].image == "fluentd:v2"));
    let mut revs: Vec<(String, i64)> = sim
        .store()
        .list_in::<ControllerRevision>("default")
        .map(|c| (c.metadata.name.clone(), c.revision))
        .collect();
    revs.sort_by_key(|r| r.1);
    assert_eq!(revs.len(), 2);
    assert_eq!(revs[0], (format!("fluentd-{old_hash}"), 1));
    let deletes = events_of(&sim, "DaemonSet", "fluentd")
        .iter()
        .filter(|e| e.1 == "SuccessfulDelete")
        .count();
    assert_eq!(deletes, 5);
    // Rolling back to v1 reuses the old revision (renumbered 3) and its hash.
    set_image(&mut sim, "fluentd:v1");
    roll_and_watch(&mut sim, "fluentd");
    let cr = sim
        .store()
        .get::<ControllerRevision>("default", &format!("fluentd-{old_hash}"))
        .expect("old revision kept");
    assert_eq!(cr.revision, 3);
    assert!(daemon_pods(&sim, "fluentd")
        .iter()
        .all(|p| p.metadata.labels()["controller-revision-hash"] == old_hash));
    assert_invariants(&sim, "fluentd");
}

#[test]
fn percentage_max_unavailable_rounds_up_and_unready_old_pods_go_first() {
    // 10% of 5 nodes rounds up to 1: one node at a time.
    let mut sim = cluster(5);
    apply(&mut sim, &FLUENTD.replace("spec:\n  selector", "spec:\n  updateStrategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: 10%}}\n  selector"));
    play_node_agents(&mut sim);
    set_image(&mut sim, "fluentd:v2");
    sim.advance_by(SimDuration::ZERO);
    assert_eq!(
        daemon_pods(&sim, "fluentd")
            .iter()
            .filter(|p| p.metadata.is_terminating())
            .count(),
        1
    );
    assert_eq!(roll_and_watch(&mut sim, "fluentd"), 1);

    // S31 variant: 2 unready old pods with maxUnavailable 2: exactly those two go first.
    let mut sim = cluster(5);
    apply(&mut sim, &FLUENTD.replace("spec:\n  selector", "spec:\n  updateStrategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: 2}}\n  selector"));
    play_node_agents(&mut sim);
    let mut unready = Vec::new();
    for pod in daemon_pods(&sim, "fluentd")
        .into_iter()
        .filter(|p| ["node-4", "node-5"].contains(&target(p).as_str()))
    {
        make_unready(&mut sim, &pod.metadata.name);
        unready.push(pod.metadata.name.clone());
    }
    sim.advance_by(SimDuration::from_secs(30));
    assert_eq!(ds(&sim, "fluentd").status.number_ready, 3);
    set_image(&mut sim, "fluentd:v2");
    sim.advance_by(SimDuration::ZERO);
    let mut gone: Vec<String> = daemon_pods(&sim, "fluentd")
        .into_iter()
        .filter(|p| p.metadata.is_terminating())
        .map(|p| p.metadata.name)
        .collect();
    gone.sort();
    unready.sort();
    assert_eq!(gone, unready);
}

#[test]
fn max_surge_starts_the_new_pod_next_to_the_old_one() {
    // S33: maxSurge 1 (maxUnavailable 0) on 3 nodes.
    let mut sim = cluster(3);
    apply(
        &mut sim,
        &FLUENTD.replace(
            "spec:\n  selector",
            "spec:\n  updateStrategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: 0, maxSurge: 1}}\n  selector",
        ),
    );
    play_node_agents(&mut sim);
    set_image(&mut sim, "fluentd:v2");
    sim.advance_by(SimDuration::ZERO);
    let pods = daemon_pods(&sim, "fluentd");
    assert_eq!(pods.len(), 4);
    assert_eq!(pods.iter().filter(|p| target(p) == "node-1").count(), 2);
    assert_eq!(status(&sim, "fluentd"), "3/3/3/0/3 | 0 | 0");
    let worst = roll_and_watch(&mut sim, "fluentd");
    assert_eq!(worst, 0, "AVAILABLE never drops below DESIRED");
    assert_eq!(status(&sim, "fluentd"), "3/3/3/3/3 | 0 | 0");
    let events = events_of(&sim, "DaemonSet", "fluentd");
    assert_eq!(
        events.iter().filter(|e| e.1 == "SuccessfulCreate").count(),
        6
    );
    assert_eq!(
        events.iter().filter(|e| e.1 == "SuccessfulDelete").count(),
        3
    );
    assert_invariants(&sim, "fluentd");
}

#[test]
fn a_new_pod_that_never_becomes_ready_stops_the_rollout() {
    let mut sim = cluster(3);
    apply(&mut sim, FLUENTD);
    play_node_agents(&mut sim);
    sim.faults_mut()
        .broken_images
        .insert("fluentd:broken".into());
    set_image(&mut sim, "fluentd:broken");
    sim.advance_by(SimDuration::from_secs(120));
    let new: Vec<Pod> = daemon_pods(&sim, "fluentd")
        .into_iter()
        .filter(|p| p.spec.containers[0].image == "fluentd:broken")
        .collect();
    assert_eq!(
        new.len(),
        1,
        "no further node is updated while the new pod is unavailable"
    );
    assert_eq!(status(&sim, "fluentd"), "3/3/2/1/2 | 0 | 1");
    let held = new[0].metadata.name.clone();
    assert!(why_of(&sim, "fluentd")
        .iter()
        .any(|w| w.contains(&held) && w.contains("maxUnavailable 1")));
}

#[test]
fn on_delete_replaces_only_deleted_pods_from_the_current_template() {
    // S35.
    let mut sim = cluster(3);
    apply(
        &mut sim,
        &FLUENTD.replace(
            "spec:\n  selector",
            "spec:\n  updateStrategy: {type: OnDelete}\n  selector",
        ),
    );
    play_node_agents(&mut sim);
    let before = daemon_pods(&sim, "fluentd");
    set_image(&mut sim, "fluentd:v2");
    play_node_agents(&mut sim);
    assert_eq!(daemon_pods(&sim, "fluentd"), before);
    assert_eq!(status(&sim, "fluentd"), "3/3/3/0/3 | 0 | 0");
    assert_eq!(ds(&sim, "fluentd").status.observed_generation, Some(2));
    let victim = before.iter().find(|p| target(p) == "node-1").expect("pod");
    sim.delete_object(
        &ObjectKey::new(Kind::Pod, "default", &victim.metadata.name),
        None,
        Default::default(),
    );
    play_node_agents(&mut sim);
    let fresh = daemon_pods(&sim, "fluentd")
        .into_iter()
        .find(|p| target(p) == "node-1")
        .expect("replacement");
    assert_eq!(fresh.spec.containers[0].image, "fluentd:v2");
    assert_eq!(
        fresh
            .metadata
            .labels()
            .get("pod-template-generation")
            .map(String::as_str),
        Some("2")
    );
    assert_eq!(status(&sim, "fluentd"), "3/3/3/1/3 | 0 | 0");
}

#[test]
fn min_ready_seconds_delays_availability() {
    let mut sim = cluster(2);
    apply(
        &mut sim,
        &FLUENTD.replace(
            "spec:\n  selector",
            "spec:\n  minReadySeconds: 10\n  selector",
        ),
    );
    let mut ready_at = None;
    for _ in 0..600 {
        sim.advance_by(SimDuration::from_millis(100));
        let s = ds(&sim, "fluentd").status;
        if ready_at.is_none() && s.number_ready == 2 {
            ready_at = Some(sim.now());
            assert_eq!(s.number_available, 0);
        }
        if s.number_available == 2 {
            let waited = sim.now() - ready_at.expect("ready before available");
            // Ready for more than 10 s, and the controller looks again a second later.
            assert!(waited >= SimDuration::from_secs(10), "{waited}");
            assert!(waited <= SimDuration::from_secs(12), "{waited}");
            return;
        }
    }
    panic!("never available: {}", status(&sim, "fluentd"));
}

#[test]
fn unschedulable_daemon_pods_stay_pending_and_go_with_their_node() {
    // S27-like: the pod for a node that cannot fit it stays Pending (counted CURRENT, not READY).
    let mut sim = cluster(1);
    let mut small = NodeRequest::worker("small");
    small.cpu = "1".into();
    add_node(&mut sim, &small);
    apply(
        &mut sim,
        &FLUENTD.replace(
            "      - {name: fluentd, image: \"fluentd:v1\"}",
            "      - {name: fluentd, image: \"fluentd:v1\", resources: {requests: {cpu: \"2\"}}}",
        ),
    );
    sim.advance_by(SimDuration::from_secs(30));
    assert_eq!(status(&sim, "fluentd"), "2/2/1/2/1 | 0 | 1");
    let pending = daemon_pods(&sim, "fluentd")
        .into_iter()
        .find(|p| target(p) == "small")
        .expect("pod for small");
    assert!(pending.node_name().is_none());
    // Its node goes away: the controller deletes the pod that can never be scheduled now.
    sim.delete_object(
        &ObjectKey::new(Kind::Node, "", "small"),
        None,
        Default::default(),
    );
    // Any DaemonSet sync notices (here: a label on the DaemonSet).
    update_ds(&mut sim, "fluentd", |d| {
        d.metadata
            .labels_mut()
            .insert("touched".into(), "yes".into());
    });
    sim.advance_by(SimDuration::from_secs(1));
    assert_eq!(nodes_with_pods(&sim, "fluentd"), ["node-1"]);
}

#[test]
fn same_seed_same_names() {
    let names = |seed| {
        let mut sim = Sim::new(seed);
        apply(&mut sim, FLUENTD);
        play_node_agents(&mut sim);
        let mut v: Vec<String> = daemon_pods(&sim, "fluentd")
            .into_iter()
            .map(|p| p.metadata.name)
            .collect();
        v.sort();
        v
    };
    assert_eq!(names(11), names(11));
    assert_ne!(names(11), names(12));
}

#[test]
fn why_names_the_blocked_reasons_as_a_learner_reads_them() {
    let r = WhyReason::NodeNotEligible {
        node: "node-1".into(),
        reason: "node is NotReady".into(),
    };
    assert_eq!(r.to_string(), "no pod on node-1: node is NotReady");
}
