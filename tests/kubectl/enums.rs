//! Enum-valued fields through every write verb: a value outside the known ones is refused by
//! the API server's validation (the same message for apply, create, replace and patch), a
//! client-sent status is dropped on create and ignored on update, and `kubectl taint` /
//! `sim node add --taint` keep kubectl's own client-side error for a bad effect.

use super::kubectl;
use kubeplay::Session;

const BAD_TAINT_NODE: &str = "apiVersion: v1
kind: Node
metadata:
  name: extra
spec:
  taints:
  - key: dedicated
    effect: Sometimes
";

const UNSUPPORTED_EFFECT: &str = "metadata.taints[0].effect: Unsupported value: \"Sometimes\": supported values: \"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\"";

fn with_stdin(s: &mut Session, verb: &str, manifest: &str) -> kubeplay::Output {
    s.execute_text(&format!("kubectl {verb} -f - <<EOF\n{manifest}EOF"))
}

#[test]
fn a_bad_taint_effect_is_a_validation_error_for_apply_create_and_patch() {
    let mut s = Session::new(1);
    for verb in ["apply", "create"] {
        let o = with_stdin(&mut s, verb, BAD_TAINT_NODE);
        assert!(!o.ok);
        assert_eq!(
            o.text,
            format!("The Node \"extra\" is invalid: {UNSUPPORTED_EFFECT}\n")
        );
    }
    let o = kubectl(
        &mut s,
        "kubectl patch node kind-worker -p '{\"spec\":{\"taints\":[{\"key\":\"dedicated\",\"effect\":\"Sometimes\"}]}}'",
    );
    assert!(!o.ok);
    assert_eq!(
        o.text,
        format!("The Node \"kind-worker\" is invalid: {UNSUPPORTED_EFFECT}\n")
    );
    let o = kubectl(
        &mut s,
        "kubectl patch node kind-worker --type=json -p '[{\"op\":\"add\",\"path\":\"/spec/taints\",\"value\":[{\"key\":\"dedicated\"}]}]'",
    );
    assert_eq!(
        o.text,
        "The Node \"kind-worker\" is invalid: metadata.taints[0].effect: Required value\n"
    );
    // Nothing was written.
    let o = kubectl(
        &mut s,
        "kubectl get node kind-worker -o jsonpath={.spec.taints}",
    );
    assert_eq!(o.text, "");
}

#[test]
fn a_patch_setting_an_unsupported_value_is_refused_with_the_create_message() {
    let mut s = Session::new(1);
    assert!(kubectl(&mut s, "kubectl create deployment web --image=nginx:1.27").ok);
    let o = kubectl(
        &mut s,
        "kubectl patch deployment web --type=json -p '[{\"op\":\"replace\",\"path\":\"/spec/template/spec/containers/0/imagePullPolicy\",\"value\":\"Sometimes\"}]'",
    );
    assert!(!o.ok);
    assert_eq!(
        o.text,
        "The Deployment \"web\" is invalid: spec.template.spec.containers[0].imagePullPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"IfNotPresent\", \"Never\"\n"
    );
    let o = kubectl(
        &mut s,
        "kubectl patch deployment web -p '{\"spec\":{\"template\":{\"spec\":{\"restartPolicy\":\"Sometimes\"}}}}'",
    );
    assert_eq!(
        o.text,
        "The Deployment \"web\" is invalid: \n\
         * spec.template.spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\"\n\
         * spec.template.spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\"\n"
    );
}

#[test]
fn a_client_sent_pod_status_is_dropped_on_create_and_ignored_on_update() {
    let mut s = Session::new(1);
    let pod = "apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
  - name: c
    image: nginx:1.27
status:
  phase: Bogus
";
    let o = with_stdin(&mut s, "create", pod);
    assert_eq!(o.text, "pod/p created\n");
    let phase = |s: &mut Session| kubectl(s, "kubectl get pod p -o jsonpath={.status.phase}").text;
    assert_eq!(phase(&mut s), "Pending");
    // A succeeded phase is not taken from the manifest either.
    let o = with_stdin(
        &mut s,
        "apply",
        &pod.replace("name: p\n", "name: q\n")
            .replace("Bogus", "Succeeded"),
    );
    assert_eq!(o.text, "pod/q created\n");
    assert_eq!(
        kubectl(&mut s, "kubectl get pod q -o jsonpath={.status.phase}").text,
        "Pending"
    );
    // Status is a subresource: a patch of the main resource does not change it.
    let o = kubectl(
        &mut s,
        "kubectl patch pod p -p '{\"status\":{\"phase\":\"Bogus\"}}'",
    );
    assert_eq!(o.text, "pod/p patched (no change)\n");
    assert_eq!(phase(&mut s), "Pending");
}

#[test]
fn kubectl_taint_and_sim_node_add_keep_the_client_side_effect_error() {
    let mut s = Session::new(1);
    let o = kubectl(&mut s, "kubectl taint nodes kind-worker k=v:Bogus");
    assert!(!o.ok);
    assert_eq!(
        o.text,
        "error: invalid taint effect: Bogus, unsupported taint effect\nSee 'kubectl taint -h' for help and examples\n"
    );
    let o = kubectl(&mut s, "sim node add extra --taint k=v:Bogus");
    assert!(!o.ok);
    assert!(
        o.text
            .starts_with("error: invalid taint effect: Bogus, unsupported taint effect\n"),
        "{}",
        o.text
    );
    let o = kubectl(&mut s, "sim node add extra --taint k=v:NoSchedule");
    assert!(o.ok, "{}", o.text);
    assert_eq!(
        kubectl(
            &mut s,
            "kubectl get node extra -o jsonpath={.spec.taints[0].effect}"
        )
        .text,
        "NoSchedule"
    );
}

#[test]
fn replace_keeps_the_stored_status() {
    let mut s = Session::new(1);
    let deploy = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: c
        image: nginx:1.27
status:
  replicas: 99
";
    assert_eq!(
        with_stdin(&mut s, "create", deploy).text,
        "deployment.apps/web created\n"
    );
    let replicas =
        |s: &mut Session| kubectl(s, "kubectl get deploy web -o jsonpath={.status.replicas}").text;
    let before = replicas(&mut s);
    assert_ne!(before, "99", "a client-sent status is dropped on create");
    let o = with_stdin(&mut s, "replace", &deploy.replace("99", "42"));
    assert_eq!(o.text, "deployment.apps/web replaced\n");
    assert_eq!(replicas(&mut s), before, "replace keeps the stored status");
}

#[test]
fn kubectl_taint_parses_its_arguments_as_kubectl_does() {
    let mut s = Session::new(1);
    let usage = |msg: &str| format!("error: {msg}\nSee 'kubectl taint -h' for help and examples\n");
    let name_part = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
    for (line, want) in [
        // `=` makes it a taint argument; without an effect the whole text is the key.
        (
            "kubectl taint nodes kind-worker k=v",
            usage(&format!("invalid taint spec: k=v, {name_part}")),
        ),
        (
            "kubectl taint nodes kind-worker =v:NoSchedule",
            usage(&format!(
                "invalid taint spec: =v:NoSchedule, name part must be non-empty; {name_part}"
            )),
        ),
        (
            "kubectl taint nodes kind-worker k:",
            usage("invalid taint effect: , unsupported taint effect"),
        ),
        (
            "kubectl taint nodes kind-worker a=b=c:NoSchedule",
            usage("invalid taint spec: a=b=c:NoSchedule"),
        ),
        (
            "kubectl taint nodes kind-worker k=v:NoSchedule k=w:NoSchedule",
            usage("duplicated taints with the same key and effect: {k w NoSchedule <nil>}"),
        ),
        (
            "kubectl taint nodes kind-worker k",
            "error: at least one taint update is required\n".to_string(),
        ),
        (
            "kubectl taint nodes kind-worker k=v:NoSchedule kind-worker2",
            "error: all resources must be specified before taint changes: kind-worker2\n"
                .to_string(),
        ),
        (
            "kubectl taint",
            "error: one or more resources must be specified as <resource> <name>\n".to_string(),
        ),
    ] {
        let o = kubectl(&mut s, line);
        assert!(!o.ok, "{line}");
        assert_eq!(o.text, want, "{line}");
    }
    let o = kubectl(&mut s, "kubectl taint nodes kind-worker k=:NoSchedule");
    assert_eq!(o.text, "node/kind-worker tainted\n");
    assert_eq!(
        kubectl(
            &mut s,
            "kubectl get node kind-worker -o jsonpath={.spec.taints[0]}"
        )
        .text,
        "{\"effect\":\"NoSchedule\",\"key\":\"k\"}"
    );
}

#[test]
fn patching_a_controller_made_pod_validates_it_without_changing_it() {
    let mut s = Session::new(1);
    assert!(kubectl(&mut s, "kubectl create deployment web --image=nginx:1.27").ok);
    assert!(kubectl(&mut s, "sim settle").ok);
    let pod = kubectl(
        &mut s,
        "kubectl get pods -o jsonpath={.items[0].metadata.name}",
    )
    .text;
    let o = kubectl(&mut s, &format!("kubectl patch pod {pod} -p '{{}}'"));
    assert_eq!(o.text, format!("pod/{pod} patched (no change)\n"));
    let o = kubectl(
        &mut s,
        &format!(
            "kubectl patch pod {pod} -p '{{\"metadata\":{{\"labels\":{{\"tier\":\"web\"}}}}}}'"
        ),
    );
    assert_eq!(o.text, format!("pod/{pod} patched\n"));
}
