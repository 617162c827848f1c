//! `kubectl drain` (v1.32.4 client, cmd/drain/drain.go `Complete` and `RunDrain`): flags are
//! checked and nodes looked up before anything is written, every node is cordoned before any
//! is drained, a failed node does not stop the next, and without `--timeout` kubectl waits
//! forever (kubeplay says where it stopped instead of printing a timeout kubectl never has).

use super::{kubectl, run};
use kubeplay::Session;

fn fails(s: &mut Session, line: &str) -> String {
    let out = kubectl(s, line);
    assert!(!out.ok, "{line} should fail: {}", out.text);
    out.text
}

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
        assert_eq!(fails(&mut s, line), expected, "{line}");
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
    let text = fails(
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
    let text = fails(&mut s, "kubectl drain kind-worker --ignore-daemonsets");
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
