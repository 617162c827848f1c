//! The scheduler: every filter's reason, the v1.36 FailedScheduling text (grouping, order,
//! preemption clause), resource fit, node affinity, taints, cordon, host ports and scoring.
//! Texts marked "transcript" are copied from the real v1.36.2 control plane
//! (reference/v1.36/scenarios).

use kubeplay::engine::cluster::{add_node, NodeRequest};
use kubeplay::engine::manifest::parse_documents;
use kubeplay::engine::model::*;
use kubeplay::engine::store::ObjectKey;
use kubeplay::Sim;

fn apply(sim: &mut Sim, yaml: &str) {
    for doc in parse_documents(yaml).expect("manifest parses") {
        let mut obj = doc.object.expect("object decodes");
        if obj.kind().info().namespaced && obj.meta().namespace.is_empty() {
            obj.meta_mut().namespace = "default".into();
        }
        sim.create_object(obj);
    }
}

/// The three-node cluster of the reference transcripts (cpu 2, memory 4Gi, no taints).
fn three_nodes() -> Sim {
    let mut sim = Sim::empty(7);
    for n in ["node-1", "node-2", "node-3"] {
        let mut req = NodeRequest::worker(n);
        req.cpu = "2".into();
        req.memory = "4Gi".into();
        add_node(&mut sim, &req);
    }
    sim.settle();
    sim
}

/// S51's cluster: node-1..3 plus a tainted control-plane; node-1 labelled disktype=hdd;
/// node-3 cordoned.
fn s51_cluster() -> Sim {
    let mut sim = three_nodes();
    let mut cp = NodeRequest::worker("control-plane");
    cp.cpu = "2".into();
    cp.memory = "4Gi".into();
    cp.control_plane = true;
    add_node(&mut sim, &cp);
    update_node(&mut sim, "node-1", |n| {
        n.metadata
            .labels_mut()
            .insert("disktype".into(), "hdd".into());
    });
    update_node(&mut sim, "node-3", |n| n.spec.unschedulable = Some(true));
    sim.settle();
    sim
}

fn update_node(sim: &mut Sim, name: &str, f: impl FnOnce(&mut Node)) {
    let mut node = sim
        .store()
        .get::<Node>("", name)
        .expect("node exists")
        .clone();
    f(&mut node);
    sim.update_object(Object::Node(node));
}

fn pod(sim: &Sim, name: &str) -> Pod {
    sim.store()
        .get::<Pod>("default", name)
        .expect("pod exists")
        .clone()
}

fn failed_scheduling_events<'a>(sim: &'a Sim, name: &str) -> Vec<&'a Event> {
    let key = ObjectKey::new(Kind::Pod, "default", name);
    sim.events_for(&key)
        .into_iter()
        .filter(|e| e.reason == "FailedScheduling")
        .collect()
}

fn failed_scheduling(sim: &Sim, name: &str) -> Vec<String> {
    failed_scheduling_events(sim, name)
        .iter()
        .map(|e| e.message.clone())
        .collect()
}

/// The counts of the pod's FailedScheduling events (one per distinct message).
fn failed_scheduling_counts(sim: &Sim, name: &str) -> Vec<i32> {
    failed_scheduling_events(sim, name)
        .iter()
        .map(|e| e.count)
        .collect()
}

fn last_failure(sim: &Sim, name: &str) -> String {
    failed_scheduling(sim, name)
        .pop()
        .unwrap_or_else(|| panic!("no FailedScheduling event for {name}"))
}

fn node_of(sim: &Sim, name: &str) -> Option<String> {
    pod(sim, name).spec.node_name
}

const NGINX: &str = "containers: [{name: app, image: nginx}]";

#[test]
fn node_selector_and_taint_reasons_match_the_s51_transcript() {
    let mut sim = s51_cluster();
    apply(&mut sim, &format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: ssd-app}}\nspec:\n  nodeSelector: {{disktype: ssd}}\n  {NGINX}\n"));
    sim.settle();
    assert_eq!(node_of(&sim, "ssd-app"), None);
    // One attempt, one event: the scheduler's own condition update does not retry the pod.
    let counts = failed_scheduling_counts(&sim, "ssd-app");
    assert_eq!(counts, vec![1]);
    // transcript S51
    assert_eq!(
        last_failure(&sim, "ssd-app"),
        "0/4 nodes are available: 1 node(s) had untolerated taint(s), 1 node(s) were unschedulable, 2 node(s) didn't match Pod's node affinity/selector. no new claims to deallocate, preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling."
    );
}

#[test]
fn a_request_larger_than_any_node_is_not_helped_by_preemption() {
    let mut sim = s51_cluster();
    apply(&mut sim, "apiVersion: v1\nkind: Pod\nmetadata: {name: cpu-app}\nspec:\n  containers:\n  - {name: app, image: nginx, resources: {requests: {cpu: \"3\"}}}\n");
    sim.settle();
    // transcript S51 (cpu variant)
    assert_eq!(
        last_failure(&sim, "cpu-app"),
        "0/4 nodes are available: 1 node(s) had untolerated taint(s), 1 node(s) were unschedulable, 2 Insufficient cpu. no new claims to deallocate, preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling."
    );
}

#[test]
fn unschedulable_pods_get_the_pod_scheduled_condition_and_a_why() {
    let mut sim = s51_cluster();
    apply(&mut sim, &format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: ssd-app}}\nspec:\n  nodeSelector: {{disktype: ssd}}\n  {NGINX}\n"));
    sim.settle();
    let p = pod(&sim, "ssd-app");
    let cond = p.condition("PodScheduled").expect("PodScheduled condition");
    assert_eq!(cond.status, "False");
    assert_eq!(cond.reason.as_deref(), Some("Unschedulable"));
    assert_eq!(
        cond.message.as_deref(),
        Some(last_failure(&sim, "ssd-app").as_str())
    );
    let why: Vec<String> = sim
        .why_all()
        .map(|(_, _, w)| w.reason.to_string())
        .collect();
    assert!(
        why.iter()
            .any(|w| w.starts_with("unschedulable: 0/4 nodes are available")),
        "{why:?}"
    );
}

#[test]
fn labelling_a_node_lets_the_pending_pod_schedule_there() {
    let mut sim = s51_cluster();
    apply(&mut sim, &format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: ssd-app}}\nspec:\n  nodeSelector: {{disktype: ssd}}\n  {NGINX}\n"));
    sim.settle();
    update_node(&mut sim, "node-2", |n| {
        n.metadata
            .labels_mut()
            .insert("disktype".into(), "ssd".into());
    });
    sim.settle();
    assert_eq!(node_of(&sim, "ssd-app").as_deref(), Some("node-2"));
    let p = pod(&sim, "ssd-app");
    assert_eq!(
        p.condition("PodScheduled").map(|c| c.status.as_str()),
        Some("True")
    );
}

#[test]
fn insufficient_cpu_that_could_fit_an_empty_node_finds_no_preemption_victims() {
    let mut sim = three_nodes();
    for (i, node) in ["node-1", "node-2", "node-3"].iter().enumerate() {
        apply(
            &mut sim,
            &format!(
                "apiVersion: v1\nkind: Pod\nmetadata: {{name: big-{i}}}\nspec:\n  nodeSelector: {{kubernetes.io/hostname: {node}}}\n  containers:\n  - {{name: app, image: nginx, resources: {{requests: {{cpu: 1500m, memory: 3Gi}}}}}}\n"
            ),
        );
    }
    sim.settle();
    apply(&mut sim, "apiVersion: v1\nkind: Pod\nmetadata: {name: more}\nspec:\n  containers:\n  - {name: app, image: nginx, resources: {requests: {cpu: \"1\", memory: 2Gi}}}\n");
    sim.settle();
    // Both resources are reported for each node, each counted once per node.
    assert_eq!(
        last_failure(&sim, "more"),
        "0/3 nodes are available: 3 Insufficient cpu, 3 Insufficient memory. no new claims to deallocate, preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod."
    );
    // Deleting one big pod frees its node and the pending pod binds there.
    sim.delete_object(
        &ObjectKey::new(Kind::Pod, "default", "big-1"),
        Some(0),
        Default::default(),
    );
    sim.settle();
    assert_eq!(node_of(&sim, "more").as_deref(), Some("node-2"));
}

#[test]
fn daemon_pods_blocked_by_a_host_port_match_the_s27_transcript() {
    let mut sim = three_nodes();
    apply(
        &mut sim,
        "apiVersion: v1\nkind: Pod\nmetadata: {name: exporter}\nspec:\n  nodeName: node-2\n  containers:\n  - name: app\n    image: nginx\n    ports: [{containerPort: 9100, hostPort: 9100}]\n",
    );
    apply(
        &mut sim,
        "apiVersion: v1\nkind: Pod\nmetadata: {name: node-exporter-q8hbf}\nspec:\n  affinity:\n    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n        nodeSelectorTerms:\n        - matchFields: [{key: metadata.name, operator: In, values: [node-2]}]\n  hostNetwork: true\n  containers:\n  - name: exporter\n    image: prom/node-exporter\n    ports: [{containerPort: 9100}]\n",
    );
    sim.settle();
    // transcript S27
    assert_eq!(
        last_failure(&sim, "node-exporter-q8hbf"),
        "0/3 nodes are available: 1 node(s) didn't have free ports for the requested pod ports, 2 node(s) didn't satisfy plugin(s) [NodeAffinity]. no new claims to deallocate, preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling."
    );
    sim.delete_object(
        &ObjectKey::new(Kind::Pod, "default", "exporter"),
        Some(0),
        Default::default(),
    );
    sim.settle();
    assert_eq!(
        node_of(&sim, "node-exporter-q8hbf").as_deref(),
        Some("node-2")
    );
}

#[test]
fn a_cordoned_node_reports_unschedulable_before_its_taints() {
    let mut sim = three_nodes();
    for n in ["node-1", "node-2", "node-3"] {
        update_node(&mut sim, n, |node| node.spec.unschedulable = Some(true));
    }
    sim.settle();
    apply(
        &mut sim,
        &format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: web-0}}\nspec:\n  {NGINX}\n"),
    );
    sim.settle();
    assert_eq!(
        last_failure(&sim, "web-0"),
        "0/3 nodes are available: 3 node(s) were unschedulable. no new claims to deallocate, preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
    );
    // A pod tolerating the unschedulable taint (as daemon pods do) passes a cordon.
    apply(
        &mut sim,
        &format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: tolerant}}\nspec:\n  tolerations: [{{key: node.kubernetes.io/unschedulable, operator: Exists, effect: NoSchedule}}]\n  {NGINX}\n"),
    );
    sim.settle();
    assert!(node_of(&sim, "tolerant").is_some());
}

#[test]
fn tolerations_decide_whether_the_control_plane_taint_blocks() {
    let mut sim = Sim::new(3);
    for n in ["kind-worker", "kind-worker2", "kind-worker3"] {
        update_node(&mut sim, n, |node| {
            node.spec.taints.push(Taint {
                effect: TaintEffect::NoExecute,
                key: "dedicated".into(),
                time_added: None,
                value: Some("gpu".into()),
            })
        });
    }
    sim.settle();
    apply(
        &mut sim,
        &format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: plain}}\nspec:\n  {NGINX}\n"),
    );
    apply(
        &mut sim,
        &format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: cp}}\nspec:\n  tolerations: [{{key: node-role.kubernetes.io/control-plane, operator: Exists, effect: NoSchedule}}]\n  {NGINX}\n"),
    );
    apply(
        &mut sim,
        &format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: gpu}}\nspec:\n  tolerations: [{{key: dedicated, operator: Equal, value: gpu}}]\n  {NGINX}\n"),
    );
    sim.settle();
    assert_eq!(node_of(&sim, "plain"), None);
    assert_eq!(
        last_failure(&sim, "plain"),
        "0/4 nodes are available: 4 node(s) had untolerated taint(s). no new claims to deallocate, preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling."
    );
    assert_eq!(node_of(&sim, "cp").as_deref(), Some("kind-control-plane"));
    assert!(node_of(&sim, "gpu").is_some_and(|n| n.starts_with("kind-worker")));
}

#[test]
fn prefer_no_schedule_taints_and_preferred_affinity_only_steer_the_choice() {
    let mut sim = Sim::new(5);
    for n in ["kind-worker", "kind-worker3"] {
        update_node(&mut sim, n, |node| {
            node.spec.taints.push(Taint {
                effect: TaintEffect::PreferNoSchedule,
                key: "busy".into(),
                time_added: None,
                value: None,
            })
        });
    }
    update_node(&mut sim, "kind-worker3", |node| {
        node.metadata.labels_mut().insert("zone".into(), "b".into());
    });
    sim.settle();
    apply(
        &mut sim,
        &format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: avoid}}\nspec:\n  {NGINX}\n"),
    );
    apply(
        &mut sim,
        &format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: prefer}}\nspec:\n  affinity:\n    nodeAffinity:\n      preferredDuringSchedulingIgnoredDuringExecution:\n      - weight: 100\n        preference: {{matchExpressions: [{{key: zone, operator: In, values: [b]}}]}}\n  tolerations: [{{key: busy, operator: Exists}}]\n  {NGINX}\n"),
    );
    sim.settle();
    assert_eq!(node_of(&sim, "avoid").as_deref(), Some("kind-worker2"));
    assert_eq!(node_of(&sim, "prefer").as_deref(), Some("kind-worker3"));
}

#[test]
fn required_affinity_expressions_and_match_fields_restrict_nodes() {
    let mut sim = Sim::new(4);
    apply(
        &mut sim,
        &format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: pinned}}\nspec:\n  affinity:\n    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n        nodeSelectorTerms:\n        - matchExpressions: [{{key: kubernetes.io/hostname, operator: NotIn, values: [kind-worker, kind-worker2]}}]\n  {NGINX}\n"),
    );
    apply(
        &mut sim,
        &format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: nowhere}}\nspec:\n  affinity:\n    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n        nodeSelectorTerms:\n        - matchFields: [{{key: metadata.name, operator: In, values: [gone]}}]\n  {NGINX}\n"),
    );
    sim.settle();
    assert_eq!(node_of(&sim, "pinned").as_deref(), Some("kind-worker3"));
    assert_eq!(
        last_failure(&sim, "nowhere"),
        "0/4 nodes are available: 4 node(s) didn't satisfy plugin(s) [NodeAffinity]. no new claims to deallocate, preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling."
    );
}

#[test]
fn pod_count_is_checked_against_allocatable_pods() {
    let mut sim = Sim::empty(9);
    let mut req = NodeRequest::worker("tiny");
    req.pods = 2;
    add_node(&mut sim, &req);
    sim.settle();
    for i in 0..3 {
        apply(
            &mut sim,
            &format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: p{i}}}\nspec:\n  {NGINX}\n"),
        );
        sim.settle();
    }
    assert!(node_of(&sim, "p0").is_some() && node_of(&sim, "p1").is_some());
    assert_eq!(
        last_failure(&sim, "p2"),
        "0/1 nodes are available: 1 Too many pods. no new claims to deallocate, preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod."
    );
}

#[test]
fn pods_for_another_scheduler_or_being_deleted_are_left_alone() {
    let mut sim = Sim::new(2);
    apply(&mut sim, &format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: custom}}\nspec:\n  schedulerName: my-scheduler\n  {NGINX}\n"));
    sim.settle();
    assert_eq!(node_of(&sim, "custom"), None);
    assert!(failed_scheduling(&sim, "custom").is_empty());
}

#[test]
fn pods_of_one_service_spread_over_the_workers() {
    // PodTopologySpread's default hostname constraint spreads pods a Service selects.
    let mut sim = Sim::new(11);
    apply(&mut sim, "apiVersion: v1\nkind: Service\nmetadata: {name: r}\nspec:\n  selector: {app: r}\n  ports: [{port: 80}]\n");
    for i in 0..3 {
        apply(&mut sim, &format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: r{i}, labels: {{app: r}}}}\nspec:\n  {NGINX}\n"));
        sim.settle();
    }
    let mut nodes: Vec<String> = (0..3)
        .filter_map(|i| node_of(&sim, &format!("r{i}")))
        .collect();
    nodes.sort();
    assert_eq!(nodes, vec!["kind-worker", "kind-worker2", "kind-worker3"]);
}

#[test]
fn the_same_seed_makes_the_same_choices() {
    let run = |seed| {
        let mut sim = Sim::new(seed);
        apply(
            &mut sim,
            &format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: a}}\nspec:\n  {NGINX}\n"),
        );
        sim.settle();
        node_of(&sim, "a")
    };
    assert_eq!(run(21), run(21));
}

#[test]
fn a_cluster_without_nodes_says_so() {
    let mut sim = Sim::empty(1);
    apply(
        &mut sim,
        &format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: lonely}}\nspec:\n  {NGINX}\n"),
    );
    sim.settle();
    assert_eq!(
        last_failure(&sim, "lonely"),
        "no nodes available to schedule pods"
    );
    add_node(&mut sim, &NodeRequest::worker("node-1"));
    sim.settle();
    assert_eq!(node_of(&sim, "lonely").as_deref(), Some("node-1"));
}

#[test]
fn storage_activity_does_not_retry_pods_that_need_no_volume() {
    let mut sim = s51_cluster();
    apply(&mut sim, &format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: ssd-app}}\nspec:\n  nodeSelector: {{disktype: ssd}}\n  {NGINX}\n"));
    sim.settle();
    apply(&mut sim, "apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: spare}\nspec:\n  capacity: {storage: 1Gi}\n  accessModes: [ReadWriteOnce]\n  hostPath: {path: /mnt/spare}\n");
    sim.settle();
    let counts = failed_scheduling_counts(&sim, "ssd-app");
    assert_eq!(counts, vec![1]);
}

#[test]
fn a_deleted_pod_retries_only_pods_that_were_short_of_room() {
    let mut sim = three_nodes();
    apply(&mut sim, &format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: ssd-app}}\nspec:\n  nodeSelector: {{disktype: ssd}}\n  {NGINX}\n"));
    apply(
        &mut sim,
        &format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: filler}}\nspec:\n  {NGINX}\n"),
    );
    sim.settle();
    sim.delete_object(
        &ObjectKey::new(Kind::Pod, "default", "filler"),
        Some(0),
        Default::default(),
    );
    sim.settle();
    let counts = failed_scheduling_counts(&sim, "ssd-app");
    assert_eq!(
        counts,
        vec![1],
        "node affinity rejections wait for node changes"
    );
}

#[test]
fn a_read_write_once_pod_claim_admits_one_pod() {
    let mut sim = Sim::new(12);
    apply(&mut sim, "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: solo}\nspec:\n  accessModes: [ReadWriteOncePod]\n  resources: {requests: {storage: 1Gi}}\n");
    let with_claim = |name: &str| {
        format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}}}\nspec:\n  containers: [{{name: app, image: nginx}}]\n  volumes: [{{name: data, persistentVolumeClaim: {{claimName: solo}}}}]\n")
    };
    apply(&mut sim, &with_claim("first"));
    sim.settle();
    assert!(node_of(&sim, "first").is_some());
    apply(&mut sim, &with_claim("second"));
    sim.settle();
    assert_eq!(node_of(&sim, "second"), None);
    assert_eq!(
        last_failure(&sim, "second"),
        "0/4 nodes are available: 1 node(s) had untolerated taint(s), 3 node(s) unavailable due to PersistentVolumeClaim with ReadWriteOncePod access mode already in-use by another pod. no new claims to deallocate, preemption: 0/4 nodes are available: 1 Preemption is not helpful for scheduling, 3 No preemption victims found for incoming pod."
    );
    // Once the first pod is gone the second one gets the claim (on the volume's node).
    let first_node = node_of(&sim, "first");
    sim.delete_object(
        &ObjectKey::new(Kind::Pod, "default", "first"),
        Some(0),
        Default::default(),
    );
    sim.settle();
    assert_eq!(node_of(&sim, "second"), first_node);
}

fn anti_affine(name: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}, labels: {{app: zk}}}}\nspec:\n  affinity:\n    podAntiAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n      - labelSelector: {{matchLabels: {{app: zk}}}}\n        topologyKey: kubernetes.io/hostname\n  {NGINX}\n"
    )
}

#[test]
fn required_pod_anti_affinity_keeps_one_pod_per_node() {
    let mut sim = three_nodes();
    for i in 0..4 {
        apply(&mut sim, &anti_affine(&format!("zk-{i}")));
        sim.settle();
    }
    let mut nodes: Vec<String> = (0..3)
        .filter_map(|i| node_of(&sim, &format!("zk-{i}")))
        .collect();
    nodes.sort();
    assert_eq!(nodes, vec!["node-1", "node-2", "node-3"]);
    assert_eq!(node_of(&sim, "zk-3"), None);
    assert_eq!(
        last_failure(&sim, "zk-3"),
        "0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules. no new claims to deallocate, preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod."
    );
    // A plain pod with the label is kept away by the placed pods' own anti-affinity.
    apply(&mut sim, &format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: intruder, labels: {{app: zk}}}}\nspec:\n  {NGINX}\n"));
    sim.settle();
    assert!(last_failure(&sim, "intruder").starts_with(
        "0/3 nodes are available: 3 node(s) didn't satisfy existing pods anti-affinity rules."
    ));
}

#[test]
fn required_pod_affinity_follows_the_selected_pods() {
    let mut sim = three_nodes();
    let follower = format!(
        "apiVersion: v1\nkind: Pod\nmetadata: {{name: cache, labels: {{app: cache}}}}\nspec:\n  affinity:\n    podAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n      - labelSelector: {{matchLabels: {{app: web}}}}\n        topologyKey: kubernetes.io/hostname\n  {NGINX}\n"
    );
    apply(&mut sim, &follower);
    sim.settle();
    assert_eq!(
        last_failure(&sim, "cache"),
        "0/3 nodes are available: 3 node(s) didn't match pod affinity rules. no new claims to deallocate, preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
    );
    apply(&mut sim, &format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: web, labels: {{app: web}}}}\nspec:\n  nodeName: node-2\n  {NGINX}\n"));
    sim.settle();
    assert_eq!(node_of(&sim, "cache").as_deref(), Some("node-2"));
}

#[test]
fn removing_an_anti_affine_pod_frees_its_node() {
    let mut sim = three_nodes();
    for i in 0..4 {
        apply(&mut sim, &anti_affine(&format!("zk-{i}")));
        sim.settle();
    }
    let freed = node_of(&sim, "zk-1");
    sim.delete_object(
        &ObjectKey::new(Kind::Pod, "default", "zk-1"),
        Some(0),
        Default::default(),
    );
    sim.settle();
    assert_eq!(node_of(&sim, "zk-3"), freed);
}
