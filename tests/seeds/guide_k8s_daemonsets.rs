//! Guide 000 ("Kubernetes_statefulsets"), DaemonSet half: logging-agent, the nodeSelector and
//! tolerations fragment, the update strategy fragment, node-exporter with hostNetwork, the
//! control-plane tolerations, the command list and the best practices (resources, host ports).

use super::support::*;
use kubeplay::Session;

const WORKERS: [&str; 3] = ["kind-worker", "kind-worker2", "kind-worker3"];

fn node_ip(s: &mut Session, node: &str) -> String {
    ok(
        s,
        &format!("kubectl get node {node} -o jsonpath={{.status.addresses[0].address}}"),
    )
}

/// "DaemonSets ensure that all (or specific) nodes run a copy of a specific pod." On a default
/// cluster the control plane's NoSchedule taint keeps it out: one pod on each worker.
#[test]
fn logging_agent_runs_one_pod_on_each_schedulable_node() {
    let mut s = Session::new(1);
    assert_eq!(
        apply_seed(&mut s, "logging-agent.yaml"),
        "daemonset.apps/logging-agent created\n"
    );
    ok(&mut s, "sim settle");
    let rows = pods(&mut s, "app=logging-agent");
    assert_eq!(nodes_of(&rows), WORKERS);
    assert!(rows.iter().all(PodRow::is_ready), "{rows:?}");
    let why = ok(&mut s, "sim why ds/logging-agent");
    assert!(
        why.contains("node-role.kubernetes.io/control-plane:NoSchedule not tolerated"),
        "{why}"
    );
}

/// "Run pods only on specific nodes" (nodeSelector disktype: ssd, tolerations for
/// node-role.kubernetes.io/master and `critical`), placed under spec.template.spec.
#[test]
fn node_selector_fragment_runs_only_on_ssd_nodes_and_master_toleration_misses_the_control_plane() {
    let mut s = Session::new(1);
    apply_seed(&mut s, "logging-agent-ssd.yaml");
    ok(&mut s, "sim settle");
    assert!(pods(&mut s, "app=logging-agent").is_empty());
    let get = ok(&mut s, "kubectl get daemonset logging-agent");
    assert!(
        get.contains(
            "logging-agent   0         0         0       0            0           disktype=ssd"
        ),
        "{get}"
    );

    ok(&mut s, "kubectl label node kind-worker2 disktype=ssd");
    ok(&mut s, "sim settle");
    assert_eq!(
        nodes_of(&pods(&mut s, "app=logging-agent")),
        ["kind-worker2"]
    );

    // The `critical` toleration (operator Exists) lets it onto a node tainted critical.
    ok(
        &mut s,
        "kubectl taint node kind-worker3 critical=true:NoSchedule",
    );
    ok(&mut s, "kubectl label node kind-worker3 disktype=ssd");
    ok(&mut s, "sim settle");
    assert_eq!(
        nodes_of(&pods(&mut s, "app=logging-agent")),
        ["kind-worker2", "kind-worker3"]
    );

    // The guide's `node-role.kubernetes.io/master` toleration does not match v1.36's control
    // plane taint (`node-role.kubernetes.io/control-plane`; kubeadm dropped the `master` taint
    // in v1.25): no pod there.
    ok(&mut s, "kubectl label node kind-control-plane disktype=ssd");
    ok(&mut s, "sim settle");
    assert_eq!(
        nodes_of(&pods(&mut s, "app=logging-agent")),
        ["kind-worker2", "kind-worker3"]
    );
    let taints = ok(
        &mut s,
        "kubectl get node kind-control-plane -o jsonpath={.spec.taints[*].key}",
    );
    assert_eq!(taints, "node-role.kubernetes.io/control-plane");
}

/// "updateStrategy: RollingUpdate, maxUnavailable: 1 # Max pods unavailable during update".
#[test]
fn update_strategy_fragment_replaces_one_node_at_a_time() {
    let mut s = Session::new(1);
    apply_seed(&mut s, "logging-agent.yaml");
    ok(
        &mut s,
        r#"kubectl patch daemonset logging-agent -p '{"spec":{"updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":1}}}}'"#,
    );
    ok(&mut s, "sim settle");
    ok(
        &mut s,
        "kubectl set image daemonset/logging-agent fluentd=fluentd:v1.17",
    );
    for _ in 0..30 {
        ok(&mut s, "sim advance 1s");
        let rows = pods(&mut s, "app=logging-agent");
        let ready_nodes = rows.iter().filter(|r| r.is_ready()).count();
        assert!(
            ready_nodes >= 2,
            "more than maxUnavailable=1 node without a ready pod: {rows:?}"
        );
    }
    let out = ok(&mut s, "kubectl rollout status daemonset logging-agent");
    assert!(
        out.ends_with("daemon set \"logging-agent\" successfully rolled out\n"),
        "{out}"
    );
    let images = ok(
        &mut s,
        "kubectl get pods -l app=logging-agent -o jsonpath={.items[*].spec.containers[0].image}",
    );
    assert_eq!(images, "fluentd:v1.17 fluentd:v1.17 fluentd:v1.17");
}

/// `sim why` during the update: old pods wait because a node whose new pod is not available
/// yet counts against maxUnavailable (update.go). Pods being created for a new DaemonSet or a
/// new node hold nothing back, so no rolling-update reason is given for them.
#[test]
fn sim_why_explains_the_rolling_update_budget_not_plain_pod_creation() {
    let mut s = Session::new(1);
    apply_seed(&mut s, "logging-agent.yaml");
    ok(&mut s, "sim advance 1s");
    let starting = ok(&mut s, "sim why ds/logging-agent");
    assert!(
        !starting.contains("rolling update") && !starting.contains("maxUnavailable"),
        "a new DaemonSet's pods are not part of any update:\n{starting}"
    );
    ok(&mut s, "sim settle");
    ok(
        &mut s,
        "kubectl set image daemonset/logging-agent fluentd=fluentd:v1.17",
    );
    ok(&mut s, "sim advance 2s");
    let why = ok(&mut s, "sim why ds/logging-agent");
    let rolling: Vec<&str> = why
        .lines()
        .filter(|l| l.contains("rolling update"))
        .collect();
    assert_eq!(rolling.len(), 3, "{why}");
    for worker in ["kind-worker2", "kind-worker3"] {
        assert!(
            rolling.iter().any(|l| l.contains(&format!(" on {worker} keeps the old revision for now: maxUnavailable is 1 and 1 node is already unavailable (kind-worker: new pod logging-agent-"))
                && l.ends_with(" not available yet)")),
            "{why}"
        );
    }
    assert!(
        rolling.iter().any(|l| l.contains(" on kind-worker is not available yet; until it is, kind-worker counts against maxUnavailable 1 and old pods on other nodes wait")),
        "{why}"
    );
    ok(&mut s, "sim settle");
    ok(&mut s, "sim node add kind-worker4");
    ok(&mut s, "sim advance 1s");
    let joining = ok(&mut s, "sim why ds/logging-agent");
    assert!(
        !joining.contains("rolling update"),
        "the pod for a new node is not held by an update:\n{joining}"
    );
}

/// node-exporter: "hostNetwork: true" — each pod's IP is its node's IP.
#[test]
fn node_exporter_host_network_pods_have_their_node_ip() {
    let mut s = Session::new(1);
    apply_seed(&mut s, "node-exporter.yaml");
    ok(&mut s, "sim settle");
    let rows = pods(&mut s, "app=node-exporter");
    assert_eq!(nodes_of(&rows), WORKERS);
    for r in &rows {
        assert!(r.is_ready(), "{r:?}");
        assert_eq!(r.ip, node_ip(&mut s, &r.node), "{r:?}");
    }
}

/// "To run DaemonSet pods on master nodes": with the control-plane toleration the pod runs on
/// kind-control-plane as well; the `master` toleration is harmless but matches nothing.
#[test]
fn control_plane_tolerations_put_a_pod_on_the_control_plane() {
    let mut s = Session::new(1);
    apply_seed(&mut s, "node-exporter-control-plane.yaml");
    ok(&mut s, "sim settle");
    let rows = pods(&mut s, "app=node-exporter");
    assert_eq!(
        nodes_of(&rows),
        [
            "kind-control-plane",
            "kind-worker",
            "kind-worker2",
            "kind-worker3"
        ]
    );
    let get = ok(&mut s, "kubectl get daemonset node-exporter");
    assert!(
        get.contains("node-exporter   4         4         4       4            4           <none>"),
        "{get}"
    );
}

/// The DaemonSet "Terminal window" list: get, describe, `get pods -o wide | grep`, rollout status.
#[test]
fn daemonset_command_list_works() {
    let mut s = Session::new(1);
    apply_seed(&mut s, "logging-agent.yaml");
    ok(&mut s, "sim settle");
    let get = ok(&mut s, "kubectl get daemonset");
    assert_eq!(
        get.lines().next(),
        Some("NAME            DESIRED   CURRENT   READY   UP-TO-DATE   AVAILABLE   NODE SELECTOR   AGE")
    );
    assert!(
        get.contains("logging-agent   3         3         3       3            3           <none>"),
        "{get}"
    );
    let describe = ok(&mut s, "kubectl describe daemonset logging-agent");
    for line in [
        "Desired Number of Nodes Scheduled: 3",
        "Current Number of Nodes Scheduled: 3",
        "Number of Nodes Misscheduled: 0",
        "Pods Status:  3 Running / 0 Waiting / 0 Succeeded / 0 Failed",
        "/var/lib/docker/containers from varlibdockercontainers (ro)",
    ] {
        assert!(describe.contains(line), "{line:?} missing:\n{describe}");
    }
    let grep = ok(&mut s, "kubectl get pods -o wide | grep logging-agent");
    assert_eq!(nodes_of(&pod_rows(&grep)), WORKERS);
    assert_eq!(
        ok(&mut s, "kubectl rollout status daemonset logging-agent"),
        "daemon set \"logging-agent\" successfully rolled out\n"
    );
}

/// Best practice "Use hostNetwork wisely: Consider port conflicts": a host-network pod that
/// declares port 9100 (hostPort defaults to the containerPort) cannot share a node with another
/// pod holding host port 9100; the scheduler says so.
#[test]
fn host_port_conflict_keeps_the_second_daemon_pending() {
    let mut s = Session::new(1);
    script(
        &mut s,
        "kubectl apply -f - <<EOF
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: port-agent
spec:
  selector:
    matchLabels: {app: port-agent}
  template:
    metadata:
      labels: {app: port-agent}
    spec:
      containers:
      - name: agent
        image: nginx:1.27
        ports:
        - containerPort: 9100
          hostPort: 9100
EOF
sim settle
kubectl apply -f - <<EOF
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: node-exporter
spec:
  selector:
    matchLabels: {app: node-exporter}
  template:
    metadata:
      labels: {app: node-exporter}
    spec:
      hostNetwork: true
      containers:
      - name: node-exporter
        image: prom/node-exporter:v1.6.1
        ports:
        - containerPort: 9100
EOF
sim settle
",
    );
    let rows = pods(&mut s, "app=node-exporter");
    assert_eq!(rows.len(), 3);
    assert!(rows.iter().all(|r| r.status == "Pending"), "{rows:?}");
    let port = ok(
        &mut s,
        &format!(
            "kubectl get pod {} -o jsonpath={{.spec.containers[0].ports[0].hostPort}}",
            rows[0].name
        ),
    );
    assert_eq!(
        port, "9100",
        "hostNetwork defaults hostPort to containerPort"
    );
    let describe = ok(&mut s, &format!("kubectl describe pod {}", rows[0].name));
    assert!(describe.contains("0/4 nodes are available: 1 node(s) didn't have free ports for the requested pod ports, 3 node(s) didn't satisfy plugin(s) [NodeAffinity]."), "{describe}");
}

/// Best practice "Set appropriate resources: Memory/CPU requests for scheduling": requests are
/// what the scheduler counts; a fourth 3-CPU pod fits on no 4-CPU worker.
#[test]
fn cpu_requests_drive_scheduling() {
    let mut s = Session::new(1);
    script(
        &mut s,
        "kubectl apply -f - <<EOF
apiVersion: apps/v1
kind: Deployment
metadata:
  name: big
spec:
  replicas: 4
  selector:
    matchLabels: {app: big}
  template:
    metadata:
      labels: {app: big}
    spec:
      containers:
      - name: app
        image: nginx:1.27
        resources:
          requests: {cpu: '3'}
EOF
sim settle
",
    );
    let rows = pods(&mut s, "app=big");
    let pending: Vec<&PodRow> = rows.iter().filter(|r| r.status == "Pending").collect();
    assert_eq!(pending.len(), 1, "{rows:?}");
    let mut placed: Vec<&str> = rows
        .iter()
        .filter(|r| r.is_ready())
        .map(|r| r.node.as_str())
        .collect();
    placed.sort();
    assert_eq!(placed, WORKERS, "one 3-CPU pod per worker");
    let describe = ok(&mut s, &format!("kubectl describe pod {}", pending[0].name));
    assert!(
        describe.contains(
            "0/4 nodes are available: 1 node(s) had untolerated taint(s), 3 Insufficient cpu."
        ),
        "{describe}"
    );
}

/// The comparison table's "Storage: DaemonSet — HostPath": what a daemon pod writes under its
/// hostPath volume is on the node, so the replacement pod on that node finds it; a pod on
/// another node does not.
#[test]
fn host_path_data_stays_with_the_node() {
    let mut s = Session::new(1);
    apply_seed(&mut s, "logging-agent.yaml");
    ok(&mut s, "sim settle");
    let rows = pods(&mut s, "app=logging-agent");
    let (first, other) = (&rows[0], &rows[1]);
    ok(
        &mut s,
        &format!(
            "kubectl exec {} -- sh -c 'echo line1 > /var/log/app.log'",
            first.name
        ),
    );
    ok(&mut s, &format!("kubectl delete pod {}", first.name));
    ok(&mut s, "sim settle");
    let after = pods(&mut s, "app=logging-agent");
    let replacement = after
        .iter()
        .find(|r| r.node == first.node)
        .expect("a pod on the same node");
    assert_ne!(replacement.name, first.name);
    let read = ok(
        &mut s,
        &format!("kubectl exec {} -- cat /var/log/app.log", replacement.name),
    );
    assert_eq!(read, "line1\n");
    let elsewhere = fails(
        &mut s,
        &format!("kubectl exec {} -- cat /var/log/app.log", other.name),
    );
    assert!(
        elsewhere.contains("No such file or directory"),
        "{elsewhere}"
    );
}
