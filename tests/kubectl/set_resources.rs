//! `kubectl set resources` (v1.32.4 client, set_resources.go): the update message, what it
//! changes, the rollout it starts, and its errors in kubectl's words.

use super::{kubectl, ok};
use kubeplay::Session;

/// A settled cluster with a two-replica nginx Deployment, a bare pod and a Service.
fn cluster() -> Session {
    let mut s = Session::new(1);
    let out = s.run_script(
        "kubectl create deployment nginx --image=nginx:1.27 --replicas=2\n\
         kubectl run web --image=nginx:1.27\n\
         kubectl create service clusterip nginx --tcp=80:80\n\
         sim settle\n",
        true,
    );
    assert!(out.failures.is_empty(), "{}", out.text);
    s
}

fn fails(s: &mut Session, line: &str) -> String {
    let out = kubectl(s, line);
    assert!(!out.ok, "{line} should fail: {}", out.text);
    out.text
}

const RESOURCES: &str =
    "kubectl get deploy nginx -o jsonpath={.spec.template.spec.containers[0].resources}";

#[test]
fn set_resources_updates_the_template_and_rolls_the_pods() {
    let mut s = cluster();
    assert_eq!(
        ok(
            &mut s,
            "kubectl set resources deployment nginx -c=nginx --limits=cpu=200m,memory=512Mi"
        ),
        "deployment.apps/nginx resource requirements updated\n"
    );
    assert_eq!(
        ok(&mut s, RESOURCES),
        r#"{"limits":{"cpu":"200m","memory":"512Mi"}}"#
    );
    // Requests are merged beside the limits already there.
    assert_eq!(
        ok(
            &mut s,
            "kubectl set resources deploy/nginx --requests=cpu=100m,memory=256Mi"
        ),
        "deployment.apps/nginx resource requirements updated\n"
    );
    assert_eq!(
        ok(&mut s, RESOURCES),
        r#"{"limits":{"cpu":"200m","memory":"512Mi"},"requests":{"cpu":"100m","memory":"256Mi"}}"#
    );
    // Nothing to change: kubectl skips the empty patch and prints nothing.
    assert_eq!(
        ok(
            &mut s,
            "kubectl set resources deploy/nginx --requests=cpu=100m"
        ),
        ""
    );
    // A template change is a rollout: the new pods carry the requests.
    ok(&mut s, "kubectl rollout status deploy/nginx");
    let pods = ok(
        &mut s,
        "kubectl get pods -l app=nginx -o jsonpath={.items[*].spec.containers[0].resources.requests.cpu}",
    );
    assert_eq!(pods, "100m 100m");
}

#[test]
fn set_resources_works_on_statefulsets_and_daemonsets_and_selects_containers() {
    let mut s = Session::new(1);
    let out = s.run_script(
        "kubectl apply -f - <<EOF
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector:
    matchLabels:
      app: agent
  template:
    metadata:
      labels:
        app: agent
    spec:
      containers:
      - name: agent
        image: busybox:1.36
      - name: agent-sidecar
        image: busybox:1.36
      - name: shipper
        image: busybox:1.36
EOF
",
        true,
    );
    assert!(out.failures.is_empty(), "{}", out.text);
    assert_eq!(
        ok(
            &mut s,
            "kubectl set resources ds agent -c=agent* --limits=memory=64Mi"
        ),
        "daemonset.apps/agent resource requirements updated\n"
    );
    assert_eq!(
        ok(
            &mut s,
            "kubectl get ds agent -o jsonpath={.spec.template.spec.containers[*].resources.limits.memory}"
        ),
        "64Mi 64Mi",
        "agent* selects agent and agent-sidecar, not shipper"
    );
    let script = format!(
        "{}\nkubectl set resources sts web --limits=cpu=500m --requests=cpu=250m\n",
        super::WEB
    );
    let out = s.run_script(&script, true);
    assert!(
        out.text
            .ends_with("statefulset.apps/web resource requirements updated\n"),
        "{}",
        out.text
    );
}

#[test]
fn dry_run_and_output_formats_do_not_or_do_write() {
    let mut s = cluster();
    assert_eq!(
        ok(
            &mut s,
            "kubectl set resources deployment nginx --limits=cpu=1 --dry-run=client"
        ),
        "deployment.apps/nginx resource requirements updated (dry run)\n"
    );
    assert_eq!(
        ok(&mut s, RESOURCES),
        "{}",
        "a client dry run changes nothing"
    );
    assert_eq!(
        ok(
            &mut s,
            "kubectl set resources deployment nginx --limits=cpu=1 -o name"
        ),
        "deployment.apps/nginx\n"
    );
    let yaml = ok(
        &mut s,
        "kubectl set resources deployment nginx --requests=cpu=500m -o yaml",
    );
    assert!(
        yaml.contains("        resources:\n          limits:\n            cpu: \"1\"\n          requests:\n            cpu: 500m\n"),
        "{yaml}"
    );
}

#[test]
fn set_resources_errors_are_kubectls() {
    let mut s = cluster();
    let cases: &[(&str, &str)] = &[
        (
            "kubectl set resources deployment nginx",
            "error: you must specify an update to requests or limits (in the form of --requests/--limits)\n",
        ),
        (
            "kubectl set resources deployment nginx -c=web --limits=cpu=1",
            "error: unable to find container named web\n",
        ),
        (
            "kubectl set resources deployment nope --limits=cpu=1",
            "Error from server (NotFound): deployments.apps \"nope\" not found\n",
        ),
        (
            "kubectl set resources deployment --all -l app=nginx --limits=cpu=1",
            "error: cannot set --all and --selector at the same time\n",
        ),
        (
            "kubectl set resources deployment nginx --limits=cpu=lots",
            "error: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'\n",
        ),
        (
            "kubectl set resources deployment nginx --limits=cpu",
            "error: Invalid argument syntax cpu, expected <resource>=<value>\n",
        ),
        (
            "kubectl set resources service nginx --limits=cpu=1",
            "error: services/nginx the object is not a pod or does not have a pod template: *v1.Service\n",
        ),
        (
            "kubectl set resources deployment",
            "error: resource(s) were provided, but no name was specified\nSee 'kubectl set resources -h' for help and examples\n",
        ),
        (
            "kubectl set image deploy/nginx nginx=nginx:1.28 --limits=cpu=1",
            "Error: unknown flag: --limits\nSee 'kubectl set image --help' for usage.\n",
        ),
        // The API server's validation, quoted by kubectl's patch error.
        (
            "kubectl set resources deployment nginx --limits=cpu=100m --requests=cpu=1",
            "error: failed to patch resources update to pod template Deployment.apps \"nginx\" is invalid: spec.template.spec.containers[0].resources.requests: Invalid value: \"1\": must be less than or equal to cpu limit of 100m\n",
        ),
    ];
    for (line, want) in cases {
        assert_eq!(&fails(&mut s, line), want, "{line}");
    }
    // A running pod's resources cannot be patched (resizing has its own subresource).
    let pod = fails(&mut s, "kubectl set resources pod web --limits=cpu=300m");
    assert!(
        pod.starts_with("error: failed to patch resources update to pod template Pod \"web\" is invalid: spec: Forbidden: pod updates may not change fields other than"),
        "{pod}"
    );
    assert_eq!(
        ok(&mut s, RESOURCES),
        "{}",
        "no failed command changed anything"
    );
}

#[test]
fn requests_drive_scheduling() {
    let mut s = cluster();
    ok(
        &mut s,
        "kubectl set resources deployment nginx --requests=cpu=8",
    );
    let out = s.run_script("sim settle\nsim why\n", true);
    assert!(
        out.text.contains("3 Insufficient cpu"),
        "a request no worker can hold leaves the new pod Pending:\n{}",
        out.text
    );
}

#[test]
fn set_resources_help_is_kubectls() {
    let mut s = Session::new(1);
    let help = ok(&mut s, "kubectl set resources --help");
    assert!(
        help.starts_with("Specify compute resource requirements (CPU, memory) for any resource that defines a pod template."),
        "{help}"
    );
    assert!(help.contains("    -c, --containers='*':\n"), "{help}");
    assert!(help.ends_with(
        "Usage:\n  kubectl set resources (-f FILENAME | TYPE NAME)  ([--limits=LIMITS & --requests=REQUESTS]\n\nUse \"kubectl options\" for a list of global command-line options (applies to all commands).\n"
    ));
}

/// kubectl sends the canonical quantity (`ParseQuantity`): `cpu=0.5` is stored as `500m`, and
/// asking again for the same amount in another spelling is no change at all (no rollout).
#[test]
fn quantities_are_canonical_and_the_same_amount_again_changes_nothing() {
    let mut s = cluster();
    let out = kubectl(
        &mut s,
        "kubectl set resources deployment nginx --limits=cpu=0.5,memory=1024Mi",
    );
    assert!(out.ok, "{}", out.text);
    let limits = kubectl(
        &mut s,
        "kubectl get deployment nginx -o jsonpath={.spec.template.spec.containers[0].resources.limits}",
    );
    assert_eq!(limits.text.trim(), r#"{"cpu":"500m","memory":"1Gi"}"#);
    let again = kubectl(
        &mut s,
        "kubectl set resources deployment nginx --limits=cpu=500m,memory=1Gi",
    );
    assert!(again.ok, "{}", again.text);
    assert_eq!(again.text, "", "nothing changed, so kubectl prints nothing");
}
