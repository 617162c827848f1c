//! `kubectl drain` (v1.32.4 client, cmd/drain/drain.go `Complete` and `RunDrain`): flags are
//! checked and nodes looked up before anything is written, every node is cordoned before any
//! is drained, a failed node does not stop the next, and without `--timeout` kubectl waits
//! forever (kubeplay says where it stopped instead of printing a timeout kubectl never has).

use super::{err, kubectl, run};
use kubeplay::Session;

fn cordoned_nodes(s: &mut Session) -> String {
    kubectl(
        s,
        "kubectl get nodes -o jsonpath={.items[?(@.spec.unschedulable==true)].metadata.name}",
    )
    .text
}

#[test]
fn bad_flags_and_unknown_nodes_fail_before_any_node_is_cordoned() {
    let mut s = Session::new(3);
    for (line, expected) in [
        (
            "kubectl drain kind-worker '--pod-selector=app in (a'",
            "error: --pod-selector=<pod_selector> must be a valid label selector\n",
        ),
        (
            "kubectl drain kind-worker --timeout=abc",
            "Error: invalid argument \"abc\" for \"--timeout\" flag: time: invalid duration \"abc\"\nSee 'kubectl drain --help' for usage.\n",
        ),
        (
            "kubectl drain kind-worker --timeout=10",
            "Error: invalid argument \"10\" for \"--timeout\" flag: time: missing unit in duration \"10\"\nSee 'kubectl drain --help' for usage.\n",
        ),
        (
            "kubectl drain kind-worker --timeout=5x",
            "Error: invalid argument \"5x\" for \"--timeout\" flag: time: unknown unit \"x\" in duration \"5x\"\nSee 'kubectl drain --help' for usage.\n",
        ),
        (
            "kubectl drain kind-worker --grace-period=abc",
            "Error: invalid argument \"abc\" for \"--grace-period\" flag: strconv.ParseInt: parsing \"abc\": invalid syntax\nSee 'kubectl drain --help' for usage.\n",
        ),
        (
            "kubectl drain kind-worker nope",
            "Error from server (NotFound): nodes \"nope\" not found\n",
        ),
    ] {
        assert_eq!(err(&mut s, line), expected, "{line}");
        assert_eq!(cordoned_nodes(&mut s), "", "{line} cordoned a node");
    }
}

#[test]
fn every_node_is_cordoned_first_and_a_failed_node_does_not_stop_the_next() {
    let mut s = Session::new(3);
    run(
        &mut s,
        "kubectl apply -f - <<X
apiVersion: v1
kind: Pod
metadata: {name: solo}
spec:
  nodeName: kind-worker2
  containers: [{name: c, image: nginx}]
X
kubectl create deployment web --image=nginx --replicas=4
sim settle
",
    );
    let text = err(
        &mut s,
        "kubectl drain kind-worker2 kind-worker --ignore-daemonsets",
    );
    let refused = "cannot delete cannot delete Pods that declare no controller (use --force to override): default/solo";
    assert!(
        text.starts_with(&format!("node/kind-worker2 cordoned\nnode/kind-worker cordoned\nerror: unable to drain node \"kind-worker2\" due to error: {refused}, continuing command...\n")),
        "{text}"
    );
    assert!(
        text.ends_with(&format!(
            "node/kind-worker drained\nThere are pending nodes to be drained:\n kind-worker2\n{refused}\n"
        )),
        "{text}"
    );
    assert_eq!(cordoned_nodes(&mut s), "kind-worker kind-worker2");
}

#[test]
fn without_a_timeout_kubeplay_says_kubectl_would_keep_waiting() {
    let mut s = Session::new(3);
    run(
        &mut s,
        "kubectl create deployment a --image=nginx --replicas=3
kubectl apply -f - <<X
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: a}
spec:
  minAvailable: 3
  selector: {matchLabels: {app: a}}
X
sim settle
",
    );
    let text = err(&mut s, "kubectl drain kind-worker --ignore-daemonsets");
    assert!(
        text.contains("(will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget.\n"),
        "{text}"
    );
    assert!(!text.contains("global timeout reached"), "{text}");
    assert!(!text.contains("There are pending"), "{text}");
    assert!(
        text.ends_with("after 1h0m0s of simulated time; kubectl would keep waiting. Pass --timeout to choose how long to wait, or see `sim why`.)\n"),
        "{text}"
    );
}

/// Deployments `a` and `b` (3 pods each, one per worker) at rest, then `budgets`.
fn two_deployments(s: &mut Session, budgets: &str) {
    run(
        s,
        &format!(
            "kubectl create deployment a --image=nginx --replicas=3
kubectl create deployment b --image=nginx --replicas=3
kubectl apply -f - <<X
{budgets}X
sim settle
"
        ),
    );
}

fn budget(name: &str, min_available: u32) -> String {
    format!(
        "apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {{name: {name}}}
spec:
  minAvailable: {min_available}
  selector: {{matchLabels: {{app: a}}}}
---
"
    )
}

/// The pods drain takes from kind-worker (all but the DaemonSets'), as `(namespace, name)`
/// in the order kubectl lists them.
fn pods_on_kind_worker(s: &mut Session) -> Vec<(String, String)> {
    let out = kubectl(
        s,
        "kubectl get pods -A -o 'jsonpath={range .items[?(@.spec.nodeName==\"kind-worker\")]}{.metadata.namespace}/{.metadata.name}{\"\\n\"}{end}'",
    );
    let mut pods: Vec<(String, String)> = out
        .text
        .lines()
        .filter_map(|l| l.split_once('/'))
        .filter(|(_, n)| !n.starts_with("kindnet-") && !n.starts_with("kube-proxy-"))
        .map(|(ns, n)| (ns.to_string(), n.to_string()))
        .collect();
    pods.sort();
    assert!(pods.len() >= 2, "{}", out.text);
    pods
}

/// The name of deployment `app`'s pod among `pods`.
fn named(pods: &[(String, String)], app: &str) -> String {
    let pod = pods.iter().find(|(_, n)| n.starts_with(&format!("{app}-")));
    pod.unwrap_or_else(|| panic!("no {app} pod in {pods:?}"))
        .1
        .clone()
}

/// What drain printed after the cordon and the DaemonSet warning (checked here).
fn after_warning(text: &str) -> &str {
    let rest = text
        .strip_prefix("node/kind-worker cordoned\nWarning: ignoring DaemonSet-managed Pods: ")
        .unwrap_or_else(|| panic!("{text}"));
    &rest[rest.find('\n').unwrap() + 1..]
}

/// The `pod/<name> <verb>` lines of `pods` (in any order: the order they go) at the start
/// of `text`, and what follows.
fn strip_gone<'t>(text: &'t str, pods: &[String], verb: &str) -> &'t str {
    let lines: Vec<&str> = text.lines().take(pods.len()).collect();
    let mut got: Vec<String> = lines.iter().map(|l| format!("{l}\n")).collect();
    let mut want: Vec<String> = pods.iter().map(|p| format!("pod/{p} {verb}\n")).collect();
    got.sort();
    want.sort();
    assert_eq!(got, want, "{text}");
    &text[got.iter().map(String::len).sum::<usize>()..]
}

#[test]
fn disable_eviction_deletes_the_pods_a_budget_would_hold_back() {
    // drain.go `deletePods`: plain DELETEs, no budget asked, nothing printed until each pod
    // is gone, then `deleted` (not `evicted`).
    let mut s = Session::new(3);
    two_deployments(&mut s, &budget("a", 3));
    let pods = pods_on_kind_worker(&mut s);
    let names: Vec<String> = pods.iter().map(|(_, n)| n.clone()).collect();
    let out = kubectl(
        &mut s,
        "kubectl drain kind-worker --ignore-daemonsets --disable-eviction --timeout=30s",
    );
    assert!(out.ok, "{}", out.text);
    let rest = strip_gone(after_warning(&out.text), &names, "deleted");
    assert_eq!(rest, "node/kind-worker drained\n", "{}", out.text);
    // Without the flag the same budget holds the drain up.
    let out = kubectl(
        &mut s,
        "kubectl drain kind-worker2 --ignore-daemonsets --timeout=6s",
    );
    assert!(!out.ok, "{}", out.text);
    assert!(out.text.contains("(will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget.\n"), "{}", out.text);
}

#[test]
fn disable_eviction_times_out_waiting_for_the_pods_as_a_whole() {
    // `deletePods` waits for all the pods with one `wait.PollImmediate`: its timeout error.
    let mut s = Session::new(3);
    two_deployments(&mut s, &budget("a", 3));
    let pods = pods_on_kind_worker(&mut s);
    let text = err(
        &mut s,
        "kubectl drain kind-worker --ignore-daemonsets --disable-eviction --timeout=100ms",
    );
    let error = "timed out waiting for the condition";
    let pending: String = pods.iter().map(|(_, n)| format!("pod/{n}\n")).collect();
    assert_eq!(
        after_warning(&text),
        format!("There are pending pods in node \"kind-worker\" when an error occurred: {error}\n{pending}error: unable to drain node \"kind-worker\" due to error: {error}, continuing command...\nThere are pending nodes to be drained:\n kind-worker\n{error}\n")
    );
}

#[test]
fn a_pod_under_two_budgets_fails_the_node_at_once_without_retries() {
    // The eviction API answers 500, which kubectl does not retry (only 429): the pod's
    // goroutine returns the error; the node's other pods are still evicted and waited for.
    let mut s = Session::new(3);
    two_deployments(&mut s, &(budget("a", 1) + &budget("a2", 1)));
    let pods = pods_on_kind_worker(&mut s);
    let a = named(&pods, "a");
    let others: Vec<String> = pods
        .iter()
        .map(|(_, n)| n.clone())
        .filter(|n| *n != a)
        .collect();
    let started = s.sim.now();
    let text = err(
        &mut s,
        "kubectl drain kind-worker --ignore-daemonsets --timeout=30s",
    );
    let evicting: String = pods
        .iter()
        .map(|(ns, n)| format!("evicting pod {ns}/{n}\n"))
        .collect();
    let rest = after_warning(&text)
        .strip_prefix(&evicting)
        .unwrap_or_else(|| panic!("{text}"));
    let rest = strip_gone(rest, &others, "evicted");
    let error = format!("error when evicting pods/\"{a}\" -n \"default\": This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.");
    assert_eq!(
        rest,
        format!("There are pending pods in node \"kind-worker\" when an error occurred: {error}\npod/{a}\nerror: unable to drain node \"kind-worker\" due to error: {error}, continuing command...\nThere are pending nodes to be drained:\n kind-worker\n{error}\n")
    );
    assert!(!text.contains("will retry"), "{text}");
    // Over as soon as the evicted pods were gone, long before the 30 s timeout.
    assert!(
        s.sim.now() < started + kubeplay::engine::time::SimDuration(15_000),
        "the drain waited: {:?} -> {:?}",
        started,
        s.sim.now()
    );
}
