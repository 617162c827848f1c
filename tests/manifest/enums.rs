//! Enum-valued fields (`type TaintEffect string` in Go): the API server decodes any string into
//! them and validation refuses the unknown ones with a field error, so a bad value must read
//! `Unsupported value: "x": supported values: ...` (or `Required value`), never a decode error.
//! Expected texts follow pkg/apis/core/validation/validation.go (list order as upstream passes
//! it; paths as upstream builds them, including a node's taints under `metadata`).

use super::*;
use kubeplay::engine::manifest::prepare_for_create;
use kubeplay::engine::model::{PodPhase, TaintEffect};

const NODE_HEAD: &str = "apiVersion: v1
kind: Node
metadata:
  name: extra
spec:
  taints:
";

fn node(taints: &str) -> String {
    format!("{NODE_HEAD}{taints}")
}

fn pod(spec_tail: &str) -> String {
    format!(
        "apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
  - name: c
    image: nginx:1.27
{spec_tail}"
    )
}

#[test]
fn an_unknown_taint_effect_decodes_and_validation_refuses_it() {
    let text = node("  - key: dedicated\n    effect: Sometimes\n");
    let doc = docs(&text).remove(0);
    let obj = doc.object.as_ref().expect("any string decodes, as in Go");
    let Object::Node(n) = obj else {
        panic!("a node")
    };
    assert_eq!(
        n.spec.taints[0].effect,
        TaintEffect::Other("Sometimes".into())
    );
    assert_eq!(
        create_text(&text),
        "The Node \"extra\" is invalid: metadata.taints[0].effect: Unsupported value: \"Sometimes\": supported values: \"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\""
    );
}

#[test]
fn a_taint_without_effect_is_required_and_duplicates_are_refused() {
    let text = node(
        "  - key: a
  - key: b
    value: x1
    effect: NoSchedule
  - key: b
    value: x2
    effect: NoSchedule
  - key: b
    effect: NoExecute
",
    );
    assert_eq!(
        create_text(&text),
        "The Node \"extra\" is invalid: \n\
         * metadata.taints[0].effect: Required value\n\
         * metadata.taints[2]: Duplicate value: {\"Key\":\"b\",\"Value\":\"x2\",\"Effect\":\"NoSchedule\",\"TimeAdded\":null}: taints must be unique by key and effect pair"
    );
}

#[test]
fn taint_errors_point_at_the_lines_they_are_written_on() {
    // Upstream reports the path under `metadata`; the line is the one in `spec.taints`.
    let text = node("  - key: a\n    effect: Sometimes\n  - key: b\n");
    let doc = docs(&text).remove(0);
    let err = doc.validate_create().expect_err("invalid");
    let effect_line = text.lines().position(|l| l.contains("Sometimes")).unwrap() + 1;
    let second_taint = text.lines().position(|l| l == "  - key: b").unwrap() + 1;
    assert_eq!(err.causes[0].path, "metadata.taints[0].effect");
    assert_eq!(err.causes[0].line, Some(effect_line));
    assert_eq!(err.causes[1].path, "metadata.taints[1].effect");
    assert_eq!(err.causes[1].line, Some(second_taint));
}

#[test]
fn a_bad_pod_phase_is_accepted_and_dropped_on_create() {
    let text = pod("status:\n  phase: Bogus\n");
    let mut obj = docs(&text).remove(0).object.expect("decodes");
    let Object::Pod(p) = &obj else {
        panic!("a pod")
    };
    assert_eq!(p.status.phase, PodPhase::Other("Bogus".into()));
    prepare_for_create(&mut obj);
    let Object::Pod(p) = &obj else {
        panic!("a pod")
    };
    assert_eq!(p.status.phase, PodPhase::Pending);
    assert_eq!(validate_create(&obj), Ok(()));
    // An empty phase is Go's zero value, the same as leaving it out.
    let Object::Pod(p) = docs(&pod("status:\n  phase: \"\"\n"))
        .remove(0)
        .object
        .unwrap()
    else {
        panic!("a pod")
    };
    assert_eq!(p.status.phase, PodPhase::Pending);
}

#[test]
fn pod_spec_enums_are_refused_in_upstream_order_and_words() {
    let text = pod("    imagePullPolicy: Sometimes
    terminationMessagePolicy: Loud
    livenessProbe:
      httpGet:
        port: 80
        scheme: FTP
    ports:
    - containerPort: 80
      protocol: ICMP
  restartPolicy: Sometimes
  dnsPolicy: Maybe
");
    assert_eq!(
        create_text(&text),
        "The Pod \"p\" is invalid: \n\
         * spec.containers[0].terminationMessagePolicy: Unsupported value: \"Loud\": supported values: \"File\", \"FallbackToLogsOnError\"\n\
         * spec.containers[0].ports[0].protocol: Unsupported value: \"ICMP\": supported values: \"SCTP\", \"TCP\", \"UDP\"\n\
         * spec.containers[0].imagePullPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"IfNotPresent\", \"Never\"\n\
         * spec.containers[0].livenessProbe.httpGet.scheme: Unsupported value: \"FTP\": supported values: \"HTTP\", \"HTTPS\"\n\
         * spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\"\n\
         * spec.dnsPolicy: Unsupported value: \"Maybe\": supported values: \"ClusterFirstWithHostNet\", \"ClusterFirst\", \"Default\", \"None\""
    );
}

#[test]
fn empty_enum_strings_are_defaulted_like_go() {
    // Go's defaulting checks `== ""`, so an explicit empty string is defaulted, not refused.
    let obj = object(&pod("    imagePullPolicy: \"\"
    terminationMessagePolicy: \"\"
    ports:
    - containerPort: 80
      protocol: \"\"
  restartPolicy: \"\"
  dnsPolicy: \"\"
"));
    assert_eq!(validate_create(&obj), Ok(()));
    let json = obj.to_json();
    assert_eq!(json["spec"]["restartPolicy"], "Always");
    assert_eq!(json["spec"]["dnsPolicy"], "ClusterFirst");
    let c = &json["spec"]["containers"][0];
    assert_eq!(c["imagePullPolicy"], "IfNotPresent");
    assert_eq!(c["terminationMessagePolicy"], "File");
    assert_eq!(c["ports"][0]["protocol"], "TCP");
}

#[test]
fn service_traffic_policies_are_validated() {
    let svc = |spec: &str| {
        format!("apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n{spec}  ports:\n  - port: 80\n")
    };
    assert_eq!(
        create_text(&svc("  type: NodePort\n  externalTrafficPolicy: Sometimes\n  internalTrafficPolicy: Bogus\n")),
        "The Service \"s\" is invalid: \n\
         * spec.externalTrafficPolicy: Unsupported value: \"Sometimes\": supported values: \"Cluster\", \"Local\"\n\
         * spec.internalTrafficPolicy: Unsupported value: \"Bogus\": supported values: \"Cluster\", \"Local\""
    );
    assert_eq!(
        create_text(&svc("  externalTrafficPolicy: Local\n")),
        "The Service \"s\" is invalid: spec.externalTrafficPolicy: Invalid value: \"Local\": may only be set for externally-accessible services"
    );
    let obj = object(&svc("  type: NodePort\n  externalTrafficPolicy: \"\"\n"));
    assert_eq!(validate_create(&obj), Ok(()));
    assert_eq!(obj.to_json()["spec"]["externalTrafficPolicy"], "Cluster");
}

#[test]
fn a_patched_pod_is_validated_before_its_mutation_rule() {
    let live = pod("");
    let new = pod("    imagePullPolicy: Sometimes\n");
    let text = update_text(&live, &new);
    assert!(
        text.starts_with("The Pod \"p\" is invalid: \n* spec.containers[0].imagePullPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"IfNotPresent\", \"Never\"\n* spec: Forbidden: pod updates may not change fields"),
        "{text}"
    );
}

#[test]
fn a_non_string_enum_value_is_a_decode_error_naming_the_go_type() {
    let e = docs(&node("  - key: a\n    effect: 5\n"))
        .remove(0)
        .object
        .expect_err("a number is not a string");
    assert!(
        e.message.ends_with(
            "json: cannot unmarshal number into Go struct field Taint.spec.taints.effect of type v1.TaintEffect"
        ),
        "{}",
        e.message
    );
    let e = docs(&pod("  restartPolicy: true\n"))
        .remove(0)
        .object
        .expect_err("a bool is not a string");
    assert!(
        e.message.ends_with(
            "json: cannot unmarshal bool into Go struct field PodSpec.spec.restartPolicy of type v1.RestartPolicy"
        ),
        "{}",
        e.message
    );
}

#[test]
fn the_built_in_examples_pass_validation() {
    // The editor's live check shows the first validation cause: the examples must show none.
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/static/examples");
    let mut checked = 0;
    for entry in std::fs::read_dir(dir).expect("examples") {
        let path = entry.expect("entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("yaml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("readable");
        for doc in docs(&text) {
            assert_eq!(doc.validate_create(), Ok(()), "{}", path.display());
        }
        checked += 1;
    }
    assert!(checked >= 5);
}

#[test]
fn a_pdb_eviction_policy_must_be_one_of_the_two() {
    let text = "apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
spec:
  maxUnavailable: 1
  unhealthyPodEvictionPolicy: Never
";
    assert_eq!(
        create_text(text),
        "The PodDisruptionBudget \"web\" is invalid: spec.unhealthyPodEvictionPolicy: Unsupported value: \"Never\": supported values: \"AlwaysAllow\", \"IfHealthyBudget\""
    );
    assert_eq!(
        validate_create(&object(&text.replace("Never", "AlwaysAllow"))),
        Ok(())
    );
}

#[test]
fn a_node_affinity_operator_must_be_a_selector_operator() {
    let text = pod("  affinity:
    nodeAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
        nodeSelectorTerms:
        - matchExpressions:
          - key: disktype
            operator: Near
            values: [ssd]
          - key: zone
            operator: In
      preferredDuringSchedulingIgnoredDuringExecution:
      - weight: 0
        preference:
          matchExpressions:
          - key: disktype
            operator: Exists
            values: [ssd]
");
    let p = "spec.affinity.nodeAffinity";
    assert_eq!(
        create_text(&text),
        format!(
            "The Pod \"p\" is invalid: \n\
             * {p}.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].operator: Invalid value: \"Near\": not a valid selector operator\n\
             * {p}.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[1].values: Required value: must be specified when `operator` is 'In' or 'NotIn'\n\
             * {p}.preferredDuringSchedulingIgnoredDuringExecution[0].weight: Invalid value: 0: must be in the range 1-100\n\
             * {p}.preferredDuringSchedulingIgnoredDuringExecution[0].preference.matchExpressions[0].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'"
        )
    );
}
