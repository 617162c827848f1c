//! `kubectl taint` (v1.32.4 client, pkg/cmd/taint/taint.go and utils.go): which nodes it
//! visits (names, `-l`, `--all`), the operation word it prints (reorganizeTaints), the order of
//! the taints it writes, `--dry-run`, and its errors in kubectl's words.

use super::{kubectl, ok};
use kubeplay::Session;

fn fails(s: &mut Session, line: &str) -> String {
    let out = kubectl(s, line);
    assert!(!out.ok, "{line} should fail: {}", out.text);
    out.text
}

/// The taints of a node as `key=value:Effect`, in the order the API object holds them (what
/// `kubectl get node -o yaml` and `kubectl describe node` show).
fn taints(s: &mut Session, node: &str) -> String {
    ok(
        s,
        &format!("kubectl get node {node} -o jsonpath={{.spec.taints[*].key}}"),
    )
}

/// Validate's conflict check: a key both added and removed fails before any node is touched,
/// each conflict written `{"key":"effect"}` (the effect empty for a removal by key).
#[test]
fn adding_and_removing_the_same_taint_in_one_command_fails() {
    let mut s = Session::new(1);
    assert_eq!(
        fails(&mut s, "kubectl taint nodes kind-worker k=v:NoSchedule k-"),
        "error: can not both modify and remove the following taint(s) in the same command: {\"k\":\"\"}\n"
    );
    assert_eq!(
        fails(
            &mut s,
            "kubectl taint nodes kind-worker a=1:NoSchedule b=2:NoExecute a:NoSchedule- b-"
        ),
        "error: can not both modify and remove the following taint(s) in the same command: {\"a\":\"NoSchedule\"}, {\"b\":\"\"}\n"
    );
    assert_eq!(taints(&mut s, "kind-worker"), "");
    // Another effect of the same key is no conflict: the removal is tried (and finds nothing).
    assert_eq!(
        fails(
            &mut s,
            "kubectl taint nodes kind-worker k=v:NoSchedule k:NoExecute-"
        ),
        "error: taint \"k:NoExecute\" not found\n"
    );
}

/// `-l` and `--all` pick the nodes (the help text's own example); one line per node, in name
/// order as the API server lists them. With a selector, names given after the type are not used.
#[test]
fn selector_and_all_taint_every_matching_node() {
    let mut s = Session::new(1);
    ok(
        &mut s,
        "kubectl label nodes kind-worker kind-worker3 disktype=ssd",
    );
    assert_eq!(
        ok(
            &mut s,
            "kubectl taint nodes -l disktype=ssd dedicated=infra:NoSchedule"
        ),
        "node/kind-worker tainted\nnode/kind-worker3 tainted\n"
    );
    assert_eq!(taints(&mut s, "kind-worker"), "dedicated");
    assert_eq!(taints(&mut s, "kind-worker2"), "");
    assert_eq!(taints(&mut s, "kind-worker3"), "dedicated");
    assert_eq!(
        ok(
            &mut s,
            "kubectl taint nodes kind-worker2 --selector=disktype=ssd dedicated-"
        ),
        "node/kind-worker untainted\nnode/kind-worker3 untainted\n"
    );
    assert_eq!(
        ok(&mut s, "kubectl taint nodes -l disktype=hdd dedicated-"),
        ""
    );

    let nodes = ok(&mut s, "kubectl get nodes -o name");
    let want: String = nodes.lines().map(|n| format!("{n} tainted\n")).collect();
    assert!(nodes.lines().count() >= 3, "{nodes}");
    assert_eq!(
        ok(&mut s, "kubectl taint nodes --all x=y:PreferNoSchedule"),
        want
    );
    for n in nodes.lines() {
        let name = n.trim_start_matches("node/");
        assert!(taints(&mut s, name).starts_with('x'), "{name}");
    }

    assert_eq!(
        fails(&mut s, "kubectl taint nodes --all -l disktype=ssd x-"),
        "error: setting 'all' parameter with a non empty selector is prohibited\n"
    );
    assert_eq!(
        fails(&mut s, "kubectl taint nodes x=y:NoSchedule"),
        "error: at least one resource name must be specified since 'all' parameter is not set\n"
    );
}

/// reorganizeTaints' operation: `modified` whenever --overwrite is set or one command both adds
/// and removes; `tainted` for additions; `untainted` for removals.
#[test]
fn operation_word_follows_reorganize_taints() {
    let mut s = Session::new(1);
    let cases: &[(&str, &str)] = &[
        (
            "kubectl taint nodes kind-worker a=1:NoSchedule",
            "node/kind-worker tainted\n",
        ),
        (
            "kubectl taint nodes kind-worker a=2:NoSchedule --overwrite",
            "node/kind-worker modified\n",
        ),
        (
            "kubectl taint nodes kind-worker b=1:NoExecute --overwrite",
            "node/kind-worker modified\n",
        ),
        (
            "kubectl taint nodes kind-worker c=1:NoSchedule a-",
            "node/kind-worker modified\n",
        ),
        (
            "kubectl taint nodes kind-worker b:NoExecute-",
            "node/kind-worker untainted\n",
        ),
        (
            "kubectl taint nodes kind-worker c- --overwrite",
            "node/kind-worker modified\n",
        ),
    ];
    for (cmd, want) in cases {
        assert_eq!(&kubectl(&mut s, cmd).text, want, "{cmd}");
    }
    assert_eq!(taints(&mut s, "kind-worker"), "");
}

/// New taints go first, then the old ones not replaced (reorganizeTaints builds the new list
/// and appends the rest); an overwritten taint moves to the front.
#[test]
fn new_taints_come_before_the_existing_ones() {
    let mut s = Session::new(1);
    ok(&mut s, "kubectl taint nodes kind-worker a=1:NoSchedule");
    ok(
        &mut s,
        "kubectl taint nodes kind-worker b=1:NoSchedule c=1:NoSchedule",
    );
    assert_eq!(taints(&mut s, "kind-worker"), "b c a");
    ok(
        &mut s,
        "kubectl taint nodes kind-worker a=2:NoSchedule --overwrite",
    );
    assert_eq!(taints(&mut s, "kind-worker"), "a b c");
    let values = ok(
        &mut s,
        "kubectl get node kind-worker -o jsonpath={.spec.taints[*].value}",
    );
    assert_eq!(values, "2 1 1");
}

/// `--dry-run` prints the line with kubectl's suffix and writes nothing; its errors are the
/// same as a real run's.
#[test]
fn dry_run_prints_the_suffix_and_writes_nothing() {
    let mut s = Session::new(1);
    ok(&mut s, "kubectl taint nodes kind-worker a=1:NoSchedule");
    let before = ok(&mut s, "kubectl get nodes -o yaml");
    assert_eq!(
        ok(
            &mut s,
            "kubectl taint nodes kind-worker b=1:NoExecute --dry-run=client"
        ),
        "node/kind-worker tainted (dry run)\n"
    );
    assert_eq!(
        ok(
            &mut s,
            "kubectl taint nodes kind-worker a- --dry-run=server"
        ),
        "node/kind-worker untainted (server dry run)\n"
    );
    assert_eq!(
        ok(
            &mut s,
            "kubectl taint nodes --all d=1:NoSchedule --dry-run=client"
        ),
        ok(&mut s, "kubectl get nodes -o name")
            .lines()
            .map(|n| format!("{n} tainted (dry run)\n"))
            .collect::<String>()
    );
    assert_eq!(
        fails(
            &mut s,
            "kubectl taint nodes kind-worker a=1:NoSchedule --dry-run=client"
        ),
        "error: node kind-worker already has a taint(s) with same effect(s) and --overwrite is false\n"
    );
    assert_eq!(
        fails(
            &mut s,
            "kubectl taint nodes kind-worker a=1:NoSchedule --dry-run=maybe"
        ),
        "error: Invalid dry-run value (maybe). Must be \"none\", \"server\", or \"client\".\n"
    );
    assert_eq!(ok(&mut s, "kubectl get nodes -o yaml"), before);
}

/// checkIfTaintsAlreadyExists names every existing key; errors of single nodes do not stop the
/// others and come after their lines (ContinueOnError, then CheckErr: one error gets `error: `,
/// several are listed one a line as they are).
#[test]
fn errors_name_every_key_and_come_after_the_other_nodes() {
    let mut s = Session::new(1);
    ok(
        &mut s,
        "kubectl taint nodes kind-worker a=1:NoSchedule b=1:NoSchedule",
    );
    assert_eq!(
        fails(
            &mut s,
            "kubectl taint nodes kind-worker a=2:NoSchedule b=2:NoSchedule"
        ),
        "error: node kind-worker already has a,b taint(s) with same effect(s) and --overwrite is false\n"
    );
    assert_eq!(
        fails(
            &mut s,
            "kubectl taint nodes kind-worker missing kind-worker2 c=1:NoSchedule"
        ),
        "node/kind-worker tainted\nnode/kind-worker2 tainted\nError from server (NotFound): nodes \"missing\" not found\n"
    );
    assert_eq!(
        fails(
            &mut s,
            "kubectl taint nodes kind-worker kind-worker2 a:NoSchedule-"
        ),
        "node/kind-worker untainted\nerror: taint \"a:NoSchedule\" not found\n"
    );
    // One node, two removals not found: the node's aggregate, one error a line.
    assert_eq!(
        fails(&mut s, "kubectl taint nodes kind-worker x- y:NoExecute-"),
        "taint \"x\" not found\ntaint \"y:NoExecute\" not found\n"
    );
    // Two nodes, each with two: one line per node, each its aggregate's `[a, b]`.
    assert_eq!(
        fails(&mut s, "kubectl taint nodes kind-worker kind-worker2 x- y-"),
        "[taint \"x\" not found, taint \"y\" not found]\n".repeat(2)
    );
    assert_eq!(taints(&mut s, "kind-worker"), "c b");
}

/// `-o` prints through taint's printer (name, JSON/YAML, jsonpath) instead of the line; a
/// format it has no printer for fails each node before the patch, so nothing is written.
#[test]
fn output_flag_prints_the_tainted_node() {
    let mut s = Session::new(1);
    assert_eq!(
        ok(
            &mut s,
            "kubectl taint nodes kind-worker a=1:NoSchedule -o name"
        ),
        "node/kind-worker\n"
    );
    assert_eq!(
        ok(
            &mut s,
            "kubectl taint nodes kind-worker b=1:NoSchedule -o jsonpath={.spec.taints[*].key}"
        ),
        "b a"
    );
    let yaml = ok(
        &mut s,
        "kubectl taint nodes kind-worker c=1:NoExecute -o yaml --dry-run=client",
    );
    assert!(yaml.starts_with("apiVersion: v1\nkind: Node\n"), "{yaml}");
    assert!(yaml.contains("key: c"), "{yaml}");
    assert_eq!(taints(&mut s, "kind-worker"), "b a");
    assert_eq!(
        fails(&mut s, "kubectl taint nodes kind-worker c=1:NoSchedule -o wide"),
        "error: unable to match a printer suitable for the output format \"wide\", allowed formats are: go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml\n"
    );
    assert_eq!(taints(&mut s, "kind-worker"), "b a");
}

/// Validate checks the first argument with the RESTMapper: any case of a Node type works,
/// another kind is refused, and `node/NAME` there is an unknown type (the builder takes
/// `node/NAME` only after the type).
#[test]
fn the_first_argument_must_be_the_node_type() {
    let mut s = Session::new(1);
    assert_eq!(
        fails(&mut s, "kubectl taint node/kind-worker k=v:NoSchedule"),
        "the server doesn't have a resource type \"node/kind-worker\"\n"
    );
    assert_eq!(
        fails(&mut s, "kubectl taint Pods web k=v:NoSchedule"),
        "error: invalid resource type pods, only node types are supported\n"
    );
    assert_eq!(
        ok(&mut s, "kubectl taint Nodes kind-worker k=v:NoSchedule"),
        "node/kind-worker tainted\n"
    );
    assert_eq!(
        ok(&mut s, "kubectl taint no node/kind-worker2 k=v:NoSchedule"),
        "node/kind-worker2 tainted\n"
    );
}
