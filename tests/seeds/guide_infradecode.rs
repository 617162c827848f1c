//! Guide 003 (InfraDecode, "StatefulSet vs DaemonSet"): mysql-0/1/2 with their own storage and
//! DNS, ordered start held back by a failing pod, DaemonSets following the nodes, nodeSelector,
//! and `kubectl drain <node> --ignore-daemonsets`.

use super::support::*;
use kubeplay::Session;

fn running_mysql() -> Session {
    let mut s = Session::new(1);
    let out = apply_seed(&mut s, "mysql-statefulset.yaml");
    assert_eq!(
        out,
        "service/mysql created\nstatefulset.apps/mysql created\n"
    );
    ok(&mut s, "sim settle");
    s
}

/// "Each Pod has a fixed name mysql-0 ...", "Each Pod has its own storage", "Storage is NOT
/// shared", "Data persists even if Pod restarts", "Pod identity remains same after restart",
/// and the DNS name mysql-0.mysql.default.svc.cluster.local.
#[test]
fn mysql_pods_keep_name_storage_and_dns_across_a_restart() {
    let mut s = running_mysql();
    assert_eq!(
        names(&pods(&mut s, "app=mysql")),
        ["mysql-0", "mysql-1", "mysql-2"]
    );
    ok(
        &mut s,
        "kubectl exec mysql-0 -- sh -c 'echo orders > /var/lib/mysql/marker'",
    );
    let other = fails(&mut s, "kubectl exec mysql-1 -- cat /var/lib/mysql/marker");
    assert!(
        other.contains("No such file or directory"),
        "storage is not shared: {other}"
    );

    ok(&mut s, "kubectl delete pod mysql-0");
    ok(&mut s, "sim settle");
    assert_eq!(
        names(&pods(&mut s, "app=mysql")),
        ["mysql-0", "mysql-1", "mysql-2"]
    );
    assert_eq!(
        ok(&mut s, "kubectl exec mysql-0 -- cat /var/lib/mysql/marker"),
        "orders\n"
    );
    assert_eq!(ok(&mut s, "kubectl exec mysql-0 -- hostname"), "mysql-0\n");
    let ip = pods(&mut s, "app=mysql")[0].ip.clone();
    let dns = ok(
        &mut s,
        "kubectl exec mysql-1 -- nslookup mysql-0.mysql.default.svc.cluster.local",
    );
    assert!(
        dns.contains(&format!(
            "Name:\tmysql-0.mysql.default.svc.cluster.local\nAddress: {ip}\n"
        )),
        "{dns}"
    );
}

/// "Pods are created sequentially: mysql-0 → mysql-1 → mysql-2. If an earlier Pod fails, later
/// Pods may not start." With OrderedReady they do not start at all until it recovers.
#[test]
fn a_failing_earlier_pod_keeps_later_pods_from_starting() {
    let mut s = Session::new(1);
    ok(&mut s, "sim image broken mysql:8.4");
    apply_seed(&mut s, "mysql-statefulset.yaml");
    ok(&mut s, "sim advance 2m");
    let rows = pods(&mut s, "app=mysql");
    assert_eq!(names(&rows), ["mysql-0"]);
    assert!(
        rows[0].status == "ImagePullBackOff" || rows[0].status == "ErrImagePull",
        "{rows:?}"
    );
    let why = ok(&mut s, "sim why sts/mysql");
    assert!(
        why.contains("waiting for mysql-0 to be Running and Ready"),
        "{why}"
    );
    ok(&mut s, "sim image fixed mysql:8.4");
    ok(&mut s, "sim advance 5m");
    let rows = pods(&mut s, "app=mysql");
    assert_eq!(names(&rows), ["mysql-0", "mysql-1", "mysql-2"]);
    assert!(rows.iter().all(PodRow::is_ready), "{rows:?}");
}

/// "Automatically runs on new nodes", "3 nodes → 3 Pods, 5 nodes → 5 Pods", "Node removed →
/// Pod is removed". The removal is not immediate: the DaemonSet controller leaves the pod of a
/// deleted node, and pod garbage collection deletes it some 40 s later (ERRATA.md).
#[test]
fn daemonset_follows_nodes_added_and_removed() {
    let mut s = Session::new(1);
    apply_seed(&mut s, "logging-agent.yaml");
    ok(&mut s, "sim settle");
    assert_eq!(pods(&mut s, "app=logging-agent").len(), 3);
    ok(&mut s, "sim node add kind-worker4");
    ok(&mut s, "sim node add kind-worker5");
    ok(&mut s, "sim settle");
    let rows = pods(&mut s, "app=logging-agent");
    assert_eq!(
        nodes_of(&rows),
        [
            "kind-worker",
            "kind-worker2",
            "kind-worker3",
            "kind-worker4",
            "kind-worker5"
        ]
    );
    assert!(rows.iter().all(PodRow::is_ready), "{rows:?}");
    let get = ok(&mut s, "kubectl get ds logging-agent");
    assert!(
        get.contains("logging-agent   5         5         5 "),
        "{get}"
    );

    ok(&mut s, "sim node remove kind-worker5");
    ok(&mut s, "sim advance 5s");
    assert_eq!(
        pods(&mut s, "app=logging-agent").len(),
        5,
        "pod GC has not run yet"
    );
    ok(&mut s, "sim advance 60s");
    let rows = pods(&mut s, "app=logging-agent");
    assert_eq!(
        nodes_of(&rows),
        [
            "kind-worker",
            "kind-worker2",
            "kind-worker3",
            "kind-worker4"
        ]
    );
    // "DaemonSet does not use replicas": there is nothing to scale.
    fails(&mut s, "kubectl scale daemonset logging-agent --replicas=5");
    assert_eq!(pods(&mut s, "app=logging-agent").len(), 4);
}

/// "nodeSelector: disktype: ssd — Running workloads only on selected nodes".
#[test]
fn node_selector_disktype_ssd_limits_the_daemonset() {
    let mut s = Session::new(1);
    ok(&mut s, "kubectl label node kind-worker disktype=ssd");
    ok(&mut s, "kubectl label node kind-worker3 disktype=ssd");
    apply_seed(&mut s, "logging-agent-ssd.yaml");
    ok(&mut s, "sim settle");
    assert_eq!(
        nodes_of(&pods(&mut s, "app=logging-agent")),
        ["kind-worker", "kind-worker3"]
    );
    // Removing the label takes the pod off that node.
    ok(&mut s, "kubectl label node kind-worker disktype-");
    ok(&mut s, "sim settle");
    assert_eq!(
        nodes_of(&pods(&mut s, "app=logging-agent")),
        ["kind-worker3"]
    );
}

/// "kubectl drain <node-name> --ignore-daemonsets — DaemonSet Pods are NOT removed."
/// Without the flag, drain refuses; with it, the other pods are evicted and the daemon pods
/// stay (they tolerate node.kubernetes.io/unschedulable, so a cordoned node keeps them).
#[test]
fn drain_ignore_daemonsets_leaves_daemon_pods_on_the_node() {
    let mut s = Session::new(1);
    apply_seed(&mut s, "logging-agent.yaml");
    ok(&mut s, "sim settle");
    let before = pods(&mut s, "app=logging-agent");
    let refused = fails(&mut s, "kubectl drain kind-worker");
    assert!(
        refused
            .contains("cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore)"),
        "{refused}"
    );

    let out = ok(&mut s, "kubectl drain kind-worker --ignore-daemonsets");
    // The refused drain had already cordoned the node.
    assert!(
        out.starts_with("node/kind-worker already cordoned\n"),
        "{out}"
    );
    assert!(
        out.contains("Warning: ignoring DaemonSet-managed Pods: default/logging-agent-"),
        "{out}"
    );
    assert!(out.ends_with("node/kind-worker drained\n"), "{out}");
    ok(&mut s, "sim settle");
    let after = pods(&mut s, "app=logging-agent");
    assert_eq!(after, before, "the same daemon pods, still running");
    let on_node = ok(
        &mut s,
        "kubectl get pods -A --field-selector spec.nodeName=kind-worker -o custom-columns=NAME:.metadata.name --no-headers",
    );
    let mut left: Vec<&str> = on_node
        .lines()
        .map(|n| n.rsplit_once('-').map_or(n, |(app, _)| app))
        .collect();
    left.sort();
    assert_eq!(
        left,
        ["kindnet", "kube-proxy", "logging-agent"],
        "only daemon pods remain:\n{on_node}"
    );
    let node = ok(&mut s, "kubectl get node kind-worker");
    assert!(node.contains("Ready,SchedulingDisabled"), "{node}");
}
