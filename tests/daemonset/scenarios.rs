//! The reference DaemonSet scenarios (shared/reference/v1.36/scenarios/S*.txt, recorded on a
//! real v1.36.2 control plane) run end to end as scripts. `kubectl get ds` rows are compared
//! with the transcripts column by column, except AGE. After every `sim settle` every DaemonSet
//! must have exactly one pod on each eligible node and none where it may not run.

use kubeplay::engine::controllers::daemonset::eligibility::node_should_run_ds;
use kubeplay::engine::controllers::daemonset::pods::target_node_name;
use kubeplay::engine::model::{DaemonSet, Node, Pod};
use kubeplay::script::parse_script;
use kubeplay::Session;

const C3: &str =
    "sim reset --empty\nsim node add node-1\nsim node add node-2\nsim node add node-3\n";

fn fluentd(extra_spec: &str, extra_pod_spec: &str) -> String {
    format!(
        "kubectl apply -f - <<EOF
apiVersion: apps/v1
kind: DaemonSet
metadata: {{name: fluentd, namespace: default}}
spec:
{extra_spec}  selector: {{matchLabels: {{app: fluentd}}}}
  template:
    metadata: {{labels: {{app: fluentd}}}}
    spec:
{extra_pod_spec}      containers:
      - {{name: fluentd, image: \"fluentd:v1\"}}
EOF
"
    )
}

fn check_invariants(s: &Session, after: &str) {
    let store = s.sim.store();
    for ds in store.list::<DaemonSet>() {
        for node in store.list::<Node>() {
            let here = store
                .list_in::<Pod>(&ds.metadata.namespace)
                .filter(|p| !p.metadata.is_terminating())
                .filter(|p| {
                    p.metadata
                        .controller_ref()
                        .is_some_and(|r| r.uid == ds.metadata.uid)
                })
                .filter(|p| target_node_name(p) == Some(node.metadata.name.as_str()))
                .count();
            let placement = node_should_run_ds(node, ds);
            let who = format!(
                "{} on {} after `{after}`",
                ds.metadata.name, node.metadata.name
            );
            assert!(here <= 1, "{who}: {here} pods");
            if placement.should_run {
                assert_eq!(here, 1, "{who}: eligible node without a pod");
            }
            if !placement.should_continue_running {
                assert_eq!(here, 0, "{who}: pod on a node it may not run on");
            }
        }
    }
}

/// Runs the script one command at a time; returns the transcript. Checks the invariants after
/// every `sim settle` and fails on any command that fails unless it is expected to.
fn run(s: &mut Session, script: &str) -> String {
    let mut out = String::new();
    for line in parse_script(script).expect("script parses") {
        let o = s.execute(&line);
        assert!(o.ok, "`{}` failed: {}", line.command, o.text);
        out.push_str(&format!("$ {}\n{}", line.command, o.text));
        if line.command == "sim settle" {
            check_invariants(s, &line.command);
        }
    }
    out
}

/// The `kubectl get ds` row of `name` as its columns, without AGE (column 7).
fn ds_row(output: &str, name: &str) -> Vec<String> {
    let line = output
        .lines()
        .rev()
        .find(|l| l.split_whitespace().next() == Some(name))
        .expect("row");
    let mut cols: Vec<String> = line.split_whitespace().map(str::to_string).collect();
    if cols.len() > 7 {
        cols.remove(7);
    }
    cols
}

fn row(text: &str) -> Vec<String> {
    text.split_whitespace().map(str::to_string).collect()
}

#[test]
fn s01_s11_spread_then_follow_a_new_node() {
    let mut s = Session::new(1);
    run(&mut s, C3);
    run(&mut s, &fluentd("", ""));
    let out = run(&mut s, "sim settle\nkubectl get ds fluentd\n");
    // Transcript S01: `fluentd   3   3   3   3   3   <none>   7s`
    assert_eq!(ds_row(&out, "fluentd"), row("fluentd 3 3 3 3 3 <none>"));
    let out = run(
        &mut s,
        "sim node add node-4\nsim settle\nkubectl get ds fluentd\n",
    );
    assert_eq!(ds_row(&out, "fluentd"), row("fluentd 4 4 4 4 4 <none>"));
}

#[test]
fn s03_control_plane_needs_a_toleration() {
    let mut s = Session::new(3);
    run(&mut s, C3);
    run(&mut s, "sim node add control-plane --control-plane\n");
    run(&mut s, &fluentd("", ""));
    let out = run(&mut s, "sim settle\nkubectl get ds fluentd\n");
    assert_eq!(ds_row(&out, "fluentd"), row("fluentd 3 3 3 3 3 <none>"));
    run(&mut s, "kubectl delete ds fluentd\nsim settle\n");
    run(
        &mut s,
        &fluentd("", "      tolerations:\n      - {key: node-role.kubernetes.io/control-plane, operator: Exists, effect: NoSchedule}\n"),
    );
    let out = run(
        &mut s,
        "sim settle\nkubectl get ds fluentd\nkubectl get pods -o wide\n",
    );
    assert_eq!(ds_row(&out, "fluentd"), row("fluentd 4 4 4 4 4 <none>"));
    assert!(
        out.lines()
            .any(|l| l.starts_with("fluentd-") && l.contains(" control-plane ")),
        "{out}"
    );
}

#[test]
fn s05_s07_node_selector_and_unlabel() {
    let mut s = Session::new(5);
    run(&mut s, C3);
    run(
        &mut s,
        "kubectl label node node-1 disktype=ssd\nkubectl label node node-2 disktype=hdd\n",
    );
    let manifest =
        fluentd("", "      nodeSelector: {disktype: ssd}\n").replace("fluentd", "ssd-monitor");
    run(&mut s, &manifest);
    let out = run(&mut s, "sim settle\nkubectl get ds ssd-monitor\n");
    // Transcript S05: `ssd-monitor   1   1   1   1   1   disktype=ssd   1m`
    assert_eq!(
        ds_row(&out, "ssd-monitor"),
        row("ssd-monitor 1 1 1 1 1 disktype=ssd")
    );
    let out = run(&mut s, "kubectl label node node-1 disktype-\n");
    assert_eq!(out.lines().nth(1), Some("node/node-1 unlabeled"));
    let out = run(
        &mut s,
        "sim settle\nkubectl get ds ssd-monitor\nkubectl get events\n",
    );
    assert_eq!(
        ds_row(&out, "ssd-monitor"),
        row("ssd-monitor 0 0 0 0 0 disktype=ssd")
    );
    assert!(
        out.contains("SuccessfulDelete") && out.contains("Deleted pod: ssd-monitor-"),
        "{out}"
    );
}

#[test]
fn s09_required_node_affinity_terms_are_ored() {
    let mut s = Session::new(9);
    run(&mut s, C3);
    for (n, z) in [
        ("node-1", "zone-a"),
        ("node-2", "zone-b"),
        ("node-3", "zone-c"),
    ] {
        run(
            &mut s,
            &format!("kubectl label node {n} topology.kubernetes.io/zone={z}\n"),
        );
    }
    let affinity = "      affinity:\n        nodeAffinity:\n          requiredDuringSchedulingIgnoredDuringExecution:\n            nodeSelectorTerms:\n            - matchExpressions:\n              - {key: topology.kubernetes.io/zone, operator: In, values: [zone-a]}\n            - matchExpressions:\n              - {key: topology.kubernetes.io/zone, operator: In, values: [zone-c]}\n";
    run(&mut s, &fluentd("", affinity));
    let out = run(
        &mut s,
        "sim settle\nkubectl get ds fluentd\nkubectl get pods -o wide\n",
    );
    assert_eq!(ds_row(&out, "fluentd"), row("fluentd 2 2 2 2 2 <none>"));
    assert!(
        !out.lines()
            .any(|l| l.starts_with("fluentd-") && l.contains(" node-2 ")),
        "{out}"
    );
}

#[test]
fn s13_deleting_a_node_leaves_status_until_pod_gc() {
    let mut s = Session::new(13);
    run(&mut s, C3);
    run(&mut s, &fluentd("", ""));
    run(&mut s, "sim settle\n");
    let out = run(
        &mut s,
        "kubectl delete node node-3\nsim advance 10s\nkubectl get ds fluentd\n",
    );
    assert!(out.contains("node \"node-3\" deleted"), "{out}");
    // Real v1.36: still 3/3/3/3/3 (no node-delete handler) until pod GC removes the pod.
    assert_eq!(ds_row(&out, "fluentd"), row("fluentd 3 3 3 3 3 <none>"));
    let out = run(&mut s, "sim advance 60s\nkubectl get ds fluentd\n");
    assert_eq!(ds_row(&out, "fluentd"), row("fluentd 2 2 2 2 2 <none>"));
    let out = run(&mut s, "kubectl get pods\n");
    assert_eq!(
        out.lines().filter(|l| l.starts_with("fluentd-")).count(),
        2,
        "no replacement: {out}"
    );
}

#[test]
fn s15_s17_s19_taints_and_tolerations() {
    let mut s = Session::new(15);
    run(&mut s, C3);
    let out = run(
        &mut s,
        "kubectl taint nodes node-3 dedicated=infra:NoSchedule\n",
    );
    assert!(out.contains("node/node-3 tainted"));
    run(&mut s, &fluentd("", ""));
    let out = run(&mut s, "sim settle\nkubectl get ds fluentd\n");
    assert_eq!(ds_row(&out, "fluentd"), row("fluentd 2 2 2 2 2 <none>"));
    // S17: Equal/infra tolerates it.
    run(&mut s, "kubectl delete ds fluentd\nsim settle\n");
    run(&mut s, &fluentd("", "      tolerations:\n      - {key: dedicated, operator: Equal, value: infra, effect: NoSchedule}\n"));
    let out = run(&mut s, "sim settle\nkubectl get ds fluentd\n");
    assert_eq!(ds_row(&out, "fluentd"), row("fluentd 3 3 3 3 3 <none>"));
    // S19: a tolerated NoExecute taint changes nothing.
    run(&mut s, "kubectl delete ds fluentd\nsim settle\nkubectl taint nodes node-3 dedicated=infra:NoSchedule-\n");
    run(
        &mut s,
        &fluentd(
            "",
            "      tolerations:\n      - {key: maintenance, operator: Exists, effect: NoExecute}\n",
        ),
    );
    let before = run(&mut s, "sim settle\nkubectl get pods\n");
    let after = run(&mut s, "kubectl taint nodes node-3 maintenance=true:NoExecute\nsim settle\nkubectl get pods\nkubectl get ds fluentd\n");
    let names = |t: &str| {
        t.lines()
            .filter(|l| l.starts_with("fluentd-"))
            .map(|l| l.split_whitespace().next().unwrap_or("").to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&before), names(&after));
    assert_eq!(ds_row(&after, "fluentd"), row("fluentd 3 3 3 3 3 <none>"));
}

#[test]
fn d_daemonset_no_execute_taint_evicts_and_untaint_brings_it_back() {
    // v1.36/d-daemonset.txt (d3, d6): the untolerated NoExecute taint removes the pod, removing
    // the taint brings one back.
    let mut s = Session::new(21);
    run(&mut s, C3);
    run(&mut s, &fluentd("", ""));
    run(&mut s, "sim settle\n");
    let out = run(&mut s, "kubectl taint node node-3 dedicated=infra:NoExecute\nsim settle\nkubectl get ds fluentd\nkubectl get events\n");
    assert_eq!(ds_row(&out, "fluentd"), row("fluentd 2 2 2 2 2 <none>"));
    assert!(
        out.contains("Deleted pod: fluentd-") || out.contains("TaintManagerEviction"),
        "{out}"
    );
    let out = run(&mut s, "kubectl taint node node-3 dedicated=infra:NoExecute-\nsim settle\nkubectl get ds fluentd\n");
    assert!(out.contains("node/node-3 untainted"));
    assert_eq!(ds_row(&out, "fluentd"), row("fluentd 3 3 3 3 3 <none>"));
}

#[test]
fn s29_s35_rolling_update_and_on_delete() {
    let mut s = Session::new(29);
    run(&mut s, "sim reset --empty\n");
    for i in 1..=5 {
        run(&mut s, &format!("sim node add node-{i}\n"));
    }
    run(
        &mut s,
        &fluentd(
            "  updateStrategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: 2}}\n",
            "",
        ),
    );
    run(&mut s, "sim settle\n");
    let out = run(&mut s, "kubectl set image ds/fluentd fluentd=fluentd:v2\nsim settle\nkubectl get ds fluentd -o wide\nkubectl get controllerrevisions\n");
    assert!(
        out.contains("daemonset.apps/fluentd image updated"),
        "{out}"
    );
    assert_eq!(
        ds_row(&out, "fluentd")[..7],
        row("fluentd 5 5 5 5 5 <none>")[..]
    );
    assert!(out.contains("fluentd:v2"));
    assert_eq!(
        out.lines()
            .filter(|l| l.starts_with("fluentd-") && l.contains("daemonset.apps/fluentd"))
            .count(),
        2,
        "{out}"
    );

    let mut s = Session::new(35);
    run(&mut s, C3);
    run(&mut s, &fluentd("  updateStrategy: {type: OnDelete}\n", ""));
    run(&mut s, "sim settle\n");
    let out = run(
        &mut s,
        "kubectl set image ds/fluentd fluentd=fluentd:v2\nsim settle\nkubectl get ds fluentd\n",
    );
    // Transcript S35: `fluentd   3   3   3   0   3   <none>   10m`
    assert_eq!(ds_row(&out, "fluentd"), row("fluentd 3 3 3 0 3 <none>"));
}

#[test]
fn s47_s49_deleted_pod_comes_back_and_orphans_are_adopted() {
    let mut s = Session::new(47);
    run(&mut s, C3);
    run(&mut s, &fluentd("", ""));
    let out = run(&mut s, "sim settle\nkubectl get pods -o wide\n");
    let victim = out
        .lines()
        .find(|l| l.starts_with("fluentd-") && l.contains(" node-1 "))
        .and_then(|l| l.split_whitespace().next())
        .expect("pod on node-1")
        .to_string();
    let out = run(
        &mut s,
        &format!("kubectl delete pod {victim}\nsim settle\nkubectl get pods -o wide\n"),
    );
    assert!(out.contains(&format!("pod \"{victim}\" deleted")), "{out}");
    let replacement = out
        .lines()
        .rev()
        .find(|l| l.starts_with("fluentd-") && l.contains(" node-1 "))
        .expect("replacement");
    assert!(
        !replacement.starts_with(&victim),
        "a new random name: {replacement}"
    );

    // S49: --cascade=orphan keeps the pods; a new DaemonSet with the same selector adopts them
    // and the revision, and creates nothing.
    let before = run(&mut s, "kubectl get pods\n");
    let out = run(
        &mut s,
        "kubectl delete ds fluentd --cascade=orphan\nsim settle\nkubectl get controllerrevisions\n",
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with("fluentd-") && l.contains("<none>")),
        "orphaned revision: {out}"
    );
    run(&mut s, &fluentd("", ""));
    let after = run(&mut s, "sim settle\nkubectl get pods\n");
    let names = |t: &str| -> Vec<String> {
        t.lines()
            .filter(|l| l.starts_with("fluentd-"))
            .filter_map(|l| l.split_whitespace().next())
            .map(str::to_string)
            .collect()
    };
    assert_eq!(names(&before), names(&after));
    let out = run(
        &mut s,
        "kubectl get controllerrevisions\nkubectl get ds fluentd\n",
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with("fluentd-") && l.contains("daemonset.apps/fluentd")),
        "{out}"
    );
    assert_eq!(ds_row(&out, "fluentd"), row("fluentd 3 3 3 3 3 <none>"));
    // Deleting it for real takes the pods and the revision with it.
    let out = run(&mut s, "kubectl delete ds fluentd\nsim settle\nkubectl get pods\nkubectl get controllerrevisions\n");
    assert!(!out.lines().any(|l| l.starts_with("fluentd-")), "{out}");
}

/// The DaemonSet's own events (reason, message), oldest first.
fn ds_events(s: &Session, ns: &str, name: &str) -> Vec<(String, String)> {
    let mut list: Vec<&kubeplay::engine::model::Event> = s
        .sim
        .store()
        .list_in::<kubeplay::engine::model::Event>(ns)
        .filter(|e| e.involved_object.kind == "DaemonSet" && e.involved_object.name == name)
        .collect();
    list.sort_by_key(|e| {
        (
            e.last_timestamp,
            e.metadata.resource_version.parse::<u64>().unwrap_or(0),
        )
    });
    list.iter()
        .map(|e| (e.reason.clone(), e.message.clone()))
        .collect()
}

#[test]
fn d_daemonset_new_toleration_creates_first_then_rolls_one_node_at_a_time() {
    // v1.36/d-daemonset.txt (d4): adding a control-plane toleration makes cp-1 eligible; the pod
    // there is created from the new revision at once, then the old pods are replaced one by one.
    let mut s = Session::new(4);
    run(
        &mut s,
        "sim reset --empty
sim node add cp-1 --control-plane --label oracle/agent=yes
sim node add node-1 --label oracle/agent=yes
sim node add node-2 --label oracle/agent=yes
sim node add node-3 --label oracle/agent=no
kubectl create namespace ds
kubectl apply -f - <<EOF
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
  namespace: ds
spec:
  selector:
    matchLabels:
      app: agent
  updateStrategy:
    type: RollingUpdate
    rollingUpdate:
      maxUnavailable: 1
  template:
    metadata:
      labels:
        app: agent
    spec:
      nodeSelector:
        oracle/agent: \"yes\"
      terminationGracePeriodSeconds: 5
      containers:
      - name: agent
        image: registry.k8s.io/pause:3.9
EOF
sim settle
",
    );
    let out = run(&mut s, "kubectl -n ds get ds\n");
    assert_eq!(
        ds_row(&out, "agent"),
        row("agent 2 2 2 2 2 oracle/agent=yes")
    );
    let before = ds_events(&s, "ds", "agent").len();
    run(
        &mut s,
        "kubectl -n ds patch ds agent --type=merge -p '{\"spec\":{\"template\":{\"spec\":{\"tolerations\":[{\"key\":\"node-role.kubernetes.io/control-plane\",\"operator\":\"Exists\",\"effect\":\"NoSchedule\"}]}}}}'
sim settle
",
    );
    let reasons: Vec<String> = ds_events(&s, "ds", "agent")[before..]
        .iter()
        .map(|e| e.0.clone())
        .collect();
    // Transcript: Created (cp-1), Deleted, Created, Deleted, Created.
    assert_eq!(
        reasons,
        [
            "SuccessfulCreate",
            "SuccessfulDelete",
            "SuccessfulCreate",
            "SuccessfulDelete",
            "SuccessfulCreate"
        ]
    );
    let out = run(
        &mut s,
        "kubectl -n ds get ds\nkubectl -n ds get controllerrevisions\n",
    );
    assert_eq!(
        ds_row(&out, "agent"),
        row("agent 3 3 3 3 3 oracle/agent=yes")
    );
    assert_eq!(
        out.lines()
            .filter(|l| l.starts_with("agent-") && l.contains("daemonset.apps/agent"))
            .count(),
        2
    );
}

#[test]
fn cordoned_nodes_keep_and_regain_daemon_pods() {
    let mut s = Session::new(37);
    run(&mut s, C3);
    run(&mut s, &fluentd("", ""));
    let out = run(
        &mut s,
        "sim settle\nkubectl cordon node-1\nsim settle\nkubectl get pods -o wide\n",
    );
    assert!(out.contains("node/node-1 cordoned"), "{out}");
    let victim = out
        .lines()
        .find(|l| l.starts_with("fluentd-") && l.contains(" node-1 "))
        .and_then(|l| l.split_whitespace().next())
        .expect("pod on node-1")
        .to_string();
    // The automatic unschedulable toleration lets the replacement land on the cordoned node.
    let out = run(&mut s, &format!("kubectl delete pod {victim}\nsim settle\nkubectl get pods -o wide\nkubectl get ds fluentd\n"));
    assert!(
        out.lines()
            .any(|l| l.starts_with("fluentd-") && l.contains(" node-1 ") && l.contains("Running")),
        "{out}"
    );
    assert_eq!(ds_row(&out, "fluentd"), row("fluentd 3 3 3 3 3 <none>"));
}
