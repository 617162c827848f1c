//! Node lifecycle, taint eviction and pod garbage collection: a node that stops heartbeating
//! goes NotReady with unreachable taints, its pods are evicted after their 300 s tolerations;
//! NoExecute taints evict at once or after tolerationSeconds; pods of a deleted node are
//! collected.

use kubeplay::engine::action::{ControllerId, Propagation};
use kubeplay::engine::model::*;
use kubeplay::engine::store::ObjectKey;
use kubeplay::engine::time::{SimDuration, Timestamp};
use kubeplay::engine::Sim;

fn pod(name: &str, node: &str) -> Pod {
    let mut p = Pod {
        metadata: ObjectMeta::named("default", name),
        ..Default::default()
    };
    p.spec.node_name = Some(node.into());
    p.spec.containers = vec![Container {
        name: "nginx".into(),
        image: "nginx:1.25".into(),
        ..Default::default()
    }];
    p
}

fn get(sim: &Sim, name: &str) -> Option<Pod> {
    sim.store().get::<Pod>("default", name).cloned()
}

fn node(sim: &Sim, name: &str) -> Node {
    sim.store()
        .get::<Node>("", name)
        .cloned()
        .expect("node exists")
}

fn secs(s: u64) -> SimDuration {
    SimDuration::from_secs(s)
}

fn fail_node(sim: &mut Sim, name: &str) {
    let now = sim.now();
    sim.faults_mut().failed_nodes.insert(name.into());
    sim.faults_mut().node_failed_at.insert(name.into(), now);
    sim.enqueue(
        ControllerId::NodeLifecycle,
        ObjectKey::new(Kind::Node, "", name),
    );
}

fn recover_node(sim: &mut Sim, name: &str) {
    sim.faults_mut().failed_nodes.remove(name);
    sim.faults_mut().node_failed_at.remove(name);
    sim.enqueue(
        ControllerId::NodeLifecycle,
        ObjectKey::new(Kind::Node, "", name),
    );
    let pods: Vec<ObjectKey> = sim
        .store()
        .pods_on_node(name)
        .map(|p| ObjectKey::new(Kind::Pod, &p.metadata.namespace, &p.metadata.name))
        .collect();
    for p in pods {
        sim.enqueue(ControllerId::Kubelet, p);
    }
}

fn taints(n: &Node) -> Vec<String> {
    n.spec.taints.iter().map(Taint::display).collect()
}

fn events_about(sim: &Sim, kind: &str, name: &str) -> Vec<String> {
    let mut list: Vec<&Event> = sim
        .store()
        .list_kind(Kind::Event)
        .filter_map(|o| match o {
            Object::Event(e) => Some(e),
            _ => None,
        })
        .filter(|e| e.involved_object.kind == kind && e.involved_object.name == name)
        .collect();
    list.sort_by_key(|e| e.first_timestamp.map(|t| t.0));
    list.iter()
        .map(|e| {
            format!(
                "{} {} {} ({})",
                e.type_, e.reason, e.message, e.source.component
            )
        })
        .collect()
}

#[test]
fn failed_node_goes_not_ready_after_the_grace_period_and_its_pods_are_evicted_after_300s() {
    let mut sim = Sim::new(1);
    sim.create_object(Object::Pod(pod("web", "kind-worker")));
    sim.advance_by(secs(10));
    assert!(get(&sim, "web").unwrap().is_ready());
    let t0 = sim.now();
    fail_node(&mut sim, "kind-worker");

    sim.advance_by(secs(49));
    assert!(
        node(&sim, "kind-worker").is_ready(),
        "not before the 50 s grace period"
    );
    sim.advance_by(secs(1));
    let n = node(&sim, "kind-worker");
    let conditions: Vec<String> = n
        .status
        .conditions
        .iter()
        .map(|c| {
            format!(
                "{}={} {}: {}",
                c.type_,
                c.status,
                c.reason.clone().unwrap_or_default(),
                c.message.clone().unwrap_or_default()
            )
        })
        .collect();
    assert_eq!(
        conditions,
        vec![
            "MemoryPressure=Unknown NodeStatusUnknown: Kubelet stopped posting node status.",
            "DiskPressure=Unknown NodeStatusUnknown: Kubelet stopped posting node status.",
            "PIDPressure=Unknown NodeStatusUnknown: Kubelet stopped posting node status.",
            "Ready=Unknown NodeStatusUnknown: Kubelet stopped posting node status.",
        ]
    );
    assert_eq!(
        taints(&n),
        vec![
            "node.kubernetes.io/unreachable:NoSchedule",
            "node.kubernetes.io/unreachable:NoExecute"
        ]
    );
    assert!(n
        .spec
        .taints
        .iter()
        .all(|t| t.time_added == Some(Timestamp(t0 + secs(50)))));
    let node_events = events_about(&sim, "Node", "kind-worker");
    assert!(node_events.contains(
        &"Normal NodeNotReady Node kind-worker status is now: NodeNotReady (node-controller)"
            .to_string()
    ));

    // The pod: Ready False (its container still reports ready), a Warning on it.
    let p = get(&sim, "web").unwrap();
    assert!(!p.is_ready());
    assert!(p.status.container_statuses[0].ready);
    assert_eq!(p.status.phase, PodPhase::Running);
    assert!(events_about(&sim, "Pod", "web")
        .contains(&"Warning NodeNotReady Node is not ready (node-controller)".to_string()));

    // 300 s default toleration of unreachable:NoExecute, counted from the taint.
    sim.advance_by(secs(299));
    assert!(get(&sim, "web")
        .unwrap()
        .metadata
        .deletion_timestamp
        .is_none());
    sim.advance_by(secs(1));
    let p = get(&sim, "web").expect("stays: the kubelet that would stop it is down");
    assert!(p.metadata.deletion_timestamp.is_some());
    let disruption = p.condition("DisruptionTarget").unwrap();
    assert_eq!(disruption.reason.as_deref(), Some("DeletionByTaintManager"));
    assert_eq!(
        disruption.message.as_deref(),
        Some("Taint manager: deleting due to NoExecute taint")
    );
    assert!(events_about(&sim, "Pod", "web")
        .contains(&"Normal TaintManagerEviction Marking for deletion Pod default/web (taint-eviction-controller)".to_string()));

    // The node comes back: Ready, taints gone, the kubelet finishes the deletion.
    recover_node(&mut sim, "kind-worker");
    sim.advance_by(secs(5));
    let n = node(&sim, "kind-worker");
    assert!(n.is_ready());
    assert!(n.spec.taints.is_empty());
    assert!(get(&sim, "web").is_none());
    let node_events = events_about(&sim, "Node", "kind-worker");
    assert!(node_events.contains(
        &"Normal NodeReady Node kind-worker status is now: NodeReady (kubelet)".to_string()
    ));
}

#[test]
fn recovery_before_eviction_cancels_it_and_pods_become_ready_again() {
    let mut sim = Sim::new(1);
    sim.create_object(Object::Pod(pod("web", "kind-worker")));
    sim.advance_by(secs(10));
    fail_node(&mut sim, "kind-worker");
    sim.advance_by(secs(60));
    assert!(!get(&sim, "web").unwrap().is_ready());
    recover_node(&mut sim, "kind-worker");
    sim.advance_by(secs(2));
    let p = get(&sim, "web").unwrap();
    assert!(p.is_ready(), "the kubelet reports the pod Ready again");
    assert!(p.metadata.deletion_timestamp.is_none());
    assert!(events_about(&sim, "Pod", "web")
        .contains(&"Normal TaintManagerEviction Cancelling deletion of Pod default/web (taint-eviction-controller)".to_string()));
    sim.advance_by(secs(400));
    assert!(get(&sim, "web")
        .unwrap()
        .metadata
        .deletion_timestamp
        .is_none());
}

fn add_taint(sim: &mut Sim, node_name: &str, key: &str, effect: TaintEffect) {
    let mut n = node(sim, node_name);
    let now = sim.now();
    n.spec.taints.push(Taint {
        effect,
        key: key.into(),
        time_added: Some(Timestamp(now)),
        value: Some("true".into()),
    });
    sim.update_object(Object::Node(n));
}

fn remove_taint(sim: &mut Sim, node_name: &str, key: &str) {
    let mut n = node(sim, node_name);
    n.spec.taints.retain(|t| t.key != key);
    sim.update_object(Object::Node(n));
}

#[test]
fn no_execute_taint_evicts_intolerant_pods_at_once_and_tolerating_ones_after_their_seconds() {
    let mut sim = Sim::new(1);
    sim.create_object(Object::Pod(pod("plain", "kind-worker3")));
    let mut tolerant = pod("tolerant", "kind-worker3");
    tolerant.spec.tolerations.push(Toleration {
        key: Some("maintenance".into()),
        operator: Some("Exists".into()),
        effect: Some("NoExecute".into()),
        toleration_seconds: Some(60),
        value: None,
    });
    let mut forever = pod("forever", "kind-worker3");
    forever.spec.tolerations.push(Toleration {
        operator: Some("Exists".into()),
        ..Default::default()
    });
    sim.create_object(Object::Pod(tolerant));
    sim.create_object(Object::Pod(forever));
    sim.advance_by(secs(10));

    add_taint(
        &mut sim,
        "kind-worker3",
        "maintenance",
        TaintEffect::NoExecute,
    );
    sim.advance_by(secs(2));
    assert!(
        get(&sim, "plain").is_none(),
        "deleted at once and gone after its container stopped"
    );
    sim.advance_by(secs(57));
    assert!(get(&sim, "tolerant")
        .unwrap()
        .metadata
        .deletion_timestamp
        .is_none());
    sim.advance_by(secs(1));
    assert!(
        get(&sim, "tolerant").is_none_or(|p| p.metadata.deletion_timestamp.is_some()),
        "evicted after 60 s"
    );
    sim.advance_by(secs(600));
    assert!(get(&sim, "forever")
        .unwrap()
        .metadata
        .deletion_timestamp
        .is_none());
}

#[test]
fn removing_the_taint_in_time_cancels_the_eviction() {
    let mut sim = Sim::new(1);
    let mut tolerant = pod("tolerant", "kind-worker3");
    tolerant.spec.tolerations.push(Toleration {
        key: Some("maintenance".into()),
        operator: Some("Exists".into()),
        effect: Some("NoExecute".into()),
        toleration_seconds: Some(60),
        value: None,
    });
    sim.create_object(Object::Pod(tolerant));
    sim.advance_by(secs(10));
    add_taint(
        &mut sim,
        "kind-worker3",
        "maintenance",
        TaintEffect::NoExecute,
    );
    sim.advance_by(secs(30));
    remove_taint(&mut sim, "kind-worker3", "maintenance");
    sim.advance_by(secs(60));
    assert!(get(&sim, "tolerant")
        .unwrap()
        .metadata
        .deletion_timestamp
        .is_none());
    let events = events_about(&sim, "Pod", "tolerant");
    assert_eq!(
        events.iter().filter(|e| e.contains("TaintManagerEviction")).cloned().collect::<Vec<_>>(),
        vec!["Normal TaintManagerEviction Cancelling deletion of Pod default/tolerant (taint-eviction-controller)".to_string()]
    );
}

#[test]
fn pods_of_a_deleted_node_are_garbage_collected_after_the_quarantine() {
    let mut sim = Sim::new(1);
    sim.create_object(Object::Pod(pod("web", "kind-worker2")));
    sim.advance_by(secs(10));
    sim.delete_object(
        &ObjectKey::new(Kind::Node, "", "kind-worker2"),
        None,
        Propagation::Background,
    );
    sim.advance_by(secs(39));
    let p = get(&sim, "web").expect("still listed");
    assert_eq!(p.status.phase, PodPhase::Running);
    sim.advance_by(secs(1));
    assert!(get(&sim, "web").is_none());
    let deleted: Vec<Pod> = sim
        .store()
        .changes_since(0)
        .unwrap()
        .filter_map(|c| match &c.object {
            Object::Pod(p) if p.metadata.name == "web" => Some(p.clone()),
            _ => None,
        })
        .collect();
    let last = deleted.last().unwrap();
    assert_eq!(
        last.status.phase,
        PodPhase::Failed,
        "marked Failed before the delete"
    );
    assert_eq!(
        last.condition("DisruptionTarget")
            .unwrap()
            .message
            .as_deref(),
        Some("PodGC: node no longer exists")
    );
}

#[test]
fn condition_taints_follow_pressure_and_cordon_and_stray_network_taint_is_removed() {
    let mut sim = Sim::new(1);
    let mut n = node(&sim, "kind-worker");
    for c in n
        .status
        .conditions
        .iter_mut()
        .filter(|c| c.type_ == "MemoryPressure")
    {
        c.status = "True".into();
    }
    n.spec.unschedulable = Some(true);
    n.spec.taints.push(Taint {
        effect: TaintEffect::NoSchedule,
        key: "node.kubernetes.io/network-unavailable".into(),
        time_added: None,
        value: None,
    });
    sim.update_object(Object::Node(n));
    sim.advance_by(secs(1));
    assert_eq!(
        taints(&node(&sim, "kind-worker")),
        vec![
            "node.kubernetes.io/memory-pressure:NoSchedule",
            "node.kubernetes.io/unschedulable:NoSchedule"
        ]
    );
    let mut n = node(&sim, "kind-worker");
    n.spec.unschedulable = None;
    sim.update_object(Object::Node(n));
    sim.advance_by(secs(1));
    assert_eq!(
        taints(&node(&sim, "kind-worker")),
        vec!["node.kubernetes.io/memory-pressure:NoSchedule"]
    );
}

#[test]
fn nodes_are_registered_once() {
    let sim = Sim::new(1);
    let events = events_about(&sim, "Node", "kind-worker");
    assert_eq!(
        events.iter().filter(|e| e.contains("RegisteredNode")).cloned().collect::<Vec<_>>(),
        vec!["Normal RegisteredNode Node kind-worker event: Registered Node kind-worker in Controller (node-controller)".to_string()]
    );
}

#[test]
fn pod_gc_keeps_its_quarantine_in_a_long_session() {
    let mut sim = Sim::new(1);
    sim.create_object(Object::Pod(pod("web", "kind-worker2")));
    sim.advance_by(secs(10));
    // More changes than the store's change log keeps.
    for i in 0..20_100 {
        sim.create_object(Object::ConfigMap(ConfigMap {
            metadata: ObjectMeta::named("kube-public", &format!("cm-{i}")),
            ..Default::default()
        }));
    }
    sim.advance_by(secs(100));
    sim.delete_object(
        &ObjectKey::new(Kind::Node, "", "kind-worker2"),
        None,
        Propagation::Background,
    );
    sim.advance_by(secs(39));
    assert!(
        get(&sim, "web").is_some(),
        "still inside the 40 s quarantine"
    );
    sim.advance_by(secs(1));
    assert!(get(&sim, "web").is_none());
}

/// `--dry-run=client` on cordon, uncordon and drain prints what kubectl would do, with
/// ` (dry run)` after each line, and changes nothing (kubectl's drain.go: no cordon patch, and
/// `deleteOrEvictPodsSimple` only names the pods).
#[test]
fn cordon_and_drain_dry_runs_change_nothing() {
    use kubeplay::Session;
    let mut s = Session::new(3);
    let run = |s: &mut Session, cmd: &str| s.execute_text(cmd);
    run(
        &mut s,
        "kubectl create deployment web --image=nginx:1.27 --replicas=4",
    );
    run(&mut s, "sim settle");
    let before = run(&mut s, "kubectl get nodes,pods -o wide").text;
    let clock = s.sim.now();

    let out = run(&mut s, "kubectl cordon kind-worker --dry-run=client");
    assert_eq!(out.text, "node/kind-worker cordoned (dry run)\n");
    let out = run(&mut s, "kubectl uncordon kind-worker --dry-run=server");
    assert_eq!(
        out.text,
        "node/kind-worker already uncordoned (server dry run)\n"
    );

    let out = run(
        &mut s,
        "kubectl drain kind-worker --ignore-daemonsets --dry-run=client",
    );
    assert!(out.ok, "{}", out.text);
    let lines: Vec<&str> = out.text.lines().collect();
    assert_eq!(lines[0], "node/kind-worker cordoned (dry run)");
    assert!(lines[1].starts_with("Warning: ignoring DaemonSet-managed Pods: "));
    let evicting: Vec<&&str> = lines[2..lines.len() - 1].iter().collect();
    assert!(!evicting.is_empty());
    assert!(
        evicting
            .iter()
            .all(|l| l.starts_with("evicting pod ") && l.ends_with(" (dry run)")),
        "{}",
        out.text
    );
    assert_eq!(lines[lines.len() - 1], "node/kind-worker drained (dry run)");
    // Fatal pods still stop it, as without --dry-run.
    let out = run(&mut s, "kubectl drain kind-worker --dry-run=client");
    assert!(!out.ok);
    assert!(
        out.text.contains("cannot delete DaemonSet-managed Pods"),
        "{}",
        out.text
    );

    assert_eq!(run(&mut s, "kubectl get nodes,pods -o wide").text, before);
    assert_eq!(s.sim.now(), clock, "a dry run moves no time");

    // A server dry run is not simulated: said so, nothing drained.
    let out = run(
        &mut s,
        "kubectl drain kind-worker --ignore-daemonsets --dry-run=server",
    );
    assert!(!out.ok);
    assert!(out.text.contains("does not simulate"), "{}", out.text);
    let out = run(&mut s, "kubectl cordon kind-worker --dry-run=maybe");
    assert_eq!(
        out.text,
        "error: Invalid dry-run value (maybe). Must be \"none\", \"server\", or \"client\".\n"
    );
    assert_eq!(run(&mut s, "kubectl get nodes,pods -o wide").text, before);
}
