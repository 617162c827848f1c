//! kubectl reads manifests with go-yaml v2 (YAML 1.1) before converting them to JSON, so plain
//! `0644` is octal, `on`/`yes`/`y` are booleans, `<<` merges mappings, and error messages are
//! go-yaml's. These tests pin what a learner sees when they hit those rules.

use super::*;
use kubeplay::Session;

fn session_run(script: &str) -> String {
    let mut s = Session::new(1);
    s.run_script(script, false).text
}

/// The JSON the first document reaches the API server with.
fn sent(text: &str) -> serde_json::Value {
    object(text).to_json()
}

fn syntax_message(text: &str) -> String {
    docs(text)
        .remove(0)
        .object
        .expect_err("refused before the server")
        .message
}

const CONFIGMAP_VOLUME_POD: &str = "kubectl apply -f - <<EOF
apiVersion: v1
kind: ConfigMap
metadata:
  name: flags
data:
  debug: \"on\"
---
apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
  - name: c
    image: nginx
    volumeMounts:
    - name: cfg
      mountPath: /etc/cfg
  volumes:
  - name: cfg
    configMap:
      name: flags
      defaultMode: 0644
EOF
kubectl get pod p -o jsonpath='{.spec.volumes[0].configMap.defaultMode}'
kubectl get cm flags -o jsonpath='{.data.debug}'
";

#[test]
fn octal_default_mode_is_420_and_a_quoted_on_stays_a_string() {
    let out = session_run(CONFIGMAP_VOLUME_POD);
    assert!(
        out.contains("configmap/flags created\npod/p created\n"),
        "{out}"
    );
    assert!(
        out.contains("defaultMode}'\n420\n"),
        "0644 is octal to kubectl: {out}"
    );
    assert!(out.ends_with("{.data.debug}'\non\n"), "{out}");
}

#[test]
fn unquoted_on_in_configmap_data_is_a_bool_the_server_refuses() {
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: flags\ndata:\n  debug: on\n";
    let e = docs(text)
        .remove(0)
        .object
        .expect_err("a bool in map[string]string");
    assert_eq!(e.kind, ManifestErrorKind::BadRequest);
    assert_eq!(
        e.kubectl_text("STDIN").trim_end(),
        "Error from server (BadRequest): error when creating \"STDIN\": ConfigMap in version \"v1\" cannot be handled as a ConfigMap: json: cannot unmarshal bool into Go struct field ConfigMap.data of type string"
    );
    for word in ["yes", "y", "Off", "NO", "true"] {
        let e = docs(&text.replace("debug: on", &format!("debug: {word}")))
            .remove(0)
            .object;
        assert!(e.is_err(), "`{word}` is a YAML 1.1 boolean");
    }
    for word in ["\"on\"", "'yes'", "tRue", "enabled"] {
        assert!(
            docs(&text.replace("debug: on", &format!("debug: {word}")))
                .remove(0)
                .object
                .is_ok(),
            "{word}"
        );
    }
}

#[test]
fn go_integer_forms_and_underscores() {
    let deploy = |replicas: &str| {
        format!("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  replicas: {replicas}\n  revisionHistoryLimit: 1_000\n  selector:\n    matchLabels: {{app: d}}\n  template:\n    metadata:\n      labels: {{app: d}}\n    spec:\n      containers:\n      - name: c\n        image: nginx\n")
    };
    let v = sent(&deploy("0x3"));
    assert_eq!(v["spec"]["replicas"], 3);
    assert_eq!(v["spec"]["revisionHistoryLimit"], 1000);
    assert_eq!(
        sent(&deploy("010"))["spec"]["replicas"],
        8,
        "leading 0 is octal"
    );
    assert_eq!(sent(&deploy("0b11"))["spec"]["replicas"], 3);
    assert_eq!(sent(&deploy("+2"))["spec"]["replicas"], 2);
    // `09` is not octal, so go-yaml reads it as the float 9, which JSON sends as 9.
    assert_eq!(sent(&deploy("09"))["spec"]["replicas"], 9);
}

#[test]
fn y_and_n_are_booleans_and_timestamps_stay_text() {
    let pod = |host_network: &str, value: &str| {
        format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  hostNetwork: {host_network}\n  containers:\n  - name: c\n    image: nginx\n    env:\n    - name: SINCE\n      value: {value}\n")
    };
    let v = sent(&pod("y", "2024-01-31"));
    assert_eq!(v["spec"]["hostNetwork"], true);
    assert_eq!(v["spec"]["containers"][0]["env"][0]["value"], "2024-01-31");
    assert_eq!(sent(&pod("n", "x"))["spec"]["hostNetwork"], false);
    assert_eq!(sent(&pod("off", "x"))["spec"]["hostNetwork"], false);
    // A number where the API wants a string is refused by the server.
    let e = docs(&pod("false", "1.5"))
        .remove(0)
        .object
        .expect_err("number");
    assert!(
        e.message.contains("json: cannot unmarshal number into Go struct field EnvVar.spec.containers.env.value of type string"),
        "{}",
        e.message
    );
}

#[test]
fn merge_keys_apply_where_they_stand() {
    let text = "apiVersion: v1
kind: Pod
metadata:
  name: m
spec:
  containers:
  - &base
    name: a
    image: nginx:1.25
    imagePullPolicy: Always
  - <<: *base
    name: b
  - name: c
    <<: [{image: busybox, name: x}, *base]
";
    let v = sent(text);
    let c = &v["spec"]["containers"];
    assert_eq!(
        c[1]["name"], "b",
        "a key after `<<` overrides the merged one"
    );
    assert_eq!(c[1]["image"], "nginx:1.25");
    assert_eq!(c[1]["imagePullPolicy"], "Always");
    // go-yaml v2 merges in place: a merge after a key overwrites it; earlier list items win.
    assert_eq!(c[2]["name"], "x");
    assert_eq!(c[2]["image"], "busybox");
    assert!(c[2].get("<<").is_none());
    assert_eq!(
        syntax_message("a: {<<: [1]}\n"),
        "error converting YAML to JSON: yaml: map merge requires map or sequence of maps as the value"
    );
}

#[test]
fn go_yaml_words_its_own_errors() {
    assert_eq!(
        syntax_message("a: b: c\n"),
        "error converting YAML to JSON: yaml: mapping values are not allowed in this context",
        "go-yaml names no line for a problem on the first line"
    );
    assert_eq!(
        syntax_message("a: 1\nb: c: d\n"),
        "error converting YAML to JSON: yaml: line 2: mapping values are not allowed in this context"
    );
    assert_eq!(
        syntax_message("a: *nowhere\n"),
        "error converting YAML to JSON: yaml: unknown anchor 'nowhere' referenced"
    );
    assert_eq!(
        syntax_message("a: &a [*a]\n"),
        "error converting YAML to JSON: yaml: anchor 'a' value contains itself"
    );
    assert_eq!(
        syntax_message("a: !!int ten\n"),
        "error converting YAML to JSON: yaml: cannot decode !!str `ten` as a !!int"
    );
    assert_eq!(
        syntax_message("a: .inf\n"),
        "error converting YAML to JSON: json: unsupported value: +Inf"
    );
    assert_eq!(
        syntax_message("? [a]\n: b\n"),
        "error converting YAML to JSON: yaml: invalid map key: []interface {}{\"a\"}"
    );
    assert_eq!(
        syntax_message("~: a\n"),
        "error converting YAML to JSON: unsupported map key of type: %!s(<nil>), key: <nil>, value: \"a\""
    );
}

#[test]
fn billion_laughs_and_deep_nesting_keep_their_messages() {
    let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let p = i - 1;
        bomb.push_str(&format!(
            "a{i}: &a{i} [{}]\n",
            vec![format!("*a{p}"); 10].join(", ")
        ));
    }
    assert_eq!(
        syntax_message(&bomb),
        "error converting YAML to JSON: yaml: document contains excessive aliasing"
    );
    // go-yaml's budget decides, at the same boundary as kubectl v1.32.4: 10x5x5x5 expands,
    // 10x9x9x9 is refused.
    let expansion = |levels: usize, width: usize| {
        let mut t = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..=levels {
            let refs = vec![format!("*a{}", i - 1); width].join(", ");
            t.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
        }
        docs(&t).remove(0).object.map_err(|e| e.message)
    };
    assert!(
        !expansion(3, 5).unwrap_err().contains("aliasing"),
        "accepted by the YAML step"
    );
    assert!(expansion(3, 9).unwrap_err().contains("excessive aliasing"));
    let deep = format!("data: {}{}\n", "[".repeat(150), "]".repeat(150));
    assert_eq!(
        syntax_message(&deep),
        "error converting YAML to JSON: the document is nested more than 100 levels deep; kubeplay refuses it to stay responsive"
    );
    // Deep through aliases and through chains of merges, too.
    let nested = format!("a: &a {}1{}\nb: [[*a]]\n", "[".repeat(99), "]".repeat(99));
    assert!(syntax_message(&nested).contains("nested more than 100 levels"));
    let mut chain = String::from("m0: &m0 {k: 1}\n");
    for i in 1..300 {
        chain.push_str(&format!("m{i}: &m{i} {{<<: *m{}}}\n", i - 1));
    }
    let e = syntax_message(&chain);
    assert!(
        e.contains("nested more than") || e.contains("excessive aliasing"),
        "{e}"
    );
    // A chain of merges recurses without deepening the value; it is bounded as well (plain
    // padding keeps go-yaml's alias ratio satisfied, so the nesting bound is what answers).
    let mut merges = format!("pad: [{}]\nm0: &m0 {{k: 1}}\n", vec!["1"; 2_000].join(","));
    for i in 1..=150 {
        merges.push_str(&format!("m{i}: &m{i} {{<<: *m{}}}\n", i - 1));
    }
    let e = syntax_message(&merges);
    assert!(e.contains("nested more than 100 levels"), "{e}");
}

mod yaml_fuzz {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

        /// YAML-dense text (indicators, anchors, aliases, tags, merges, tabs) never panics and
        /// never takes long.
        #[test]
        fn yaml_shaped_input_never_panics(s in "([a-c0-9 :\\-\\[\\]{},&*!<|>'\"#%@?.~\\t\\n_]|<<: \\*a|&a |!!int |!!binary |0x|\n  ){0,120}") {
            let t = std::time::Instant::now();
            let _ = parse_documents(&s);
            prop_assert!(t.elapsed().as_secs() < 2);
        }

        #[test]
        fn arbitrary_bytes_as_text_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let _ = parse_documents(&String::from_utf8_lossy(&bytes));
        }
    }
}

#[test]
fn a_separator_line_with_content_stops_the_stream() {
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n--- b\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n--- # fine\n";
    let all = docs(text);
    assert!(all[0].object.is_err(), "the document the bad line ends");
    let e = all[0].object.as_ref().expect_err("bad separator");
    assert_eq!(
        e.kubectl_text("STDIN"),
        "error: error parsing STDIN: invalid Yaml document separator: b"
    );
    assert!(e.stops_stream());
    assert_eq!(e.line, Some(5));
    assert!(
        all[1].object.is_ok(),
        "a `---` followed by a comment is a separator"
    );
}

/// kubectl reads a stream whose first character is `{` as JSON values one after another
/// (`YAMLOrJSONDecoder`), so `---` is not needed between them, `0644` is a JSON syntax error
/// rather than octal, and errors carry Go's byte offset. Expected texts from kubectl v1.32.4.
#[test]
fn a_stream_that_starts_with_a_brace_is_json_to_kubectl() {
    let two = "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"a\"}}\n\
               {\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"b\"}}\n";
    let out = session_run(&format!("kubectl apply -f - <<EOF\n{two}EOF\n"));
    assert!(
        out.contains("configmap/a created\nconfigmap/b created"),
        "{out}"
    );
    let octal = "  {\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"a\"}, \"data\": {\"x\": 0644}}\n";
    let out = session_run(&format!("kubectl apply -f - <<EOF\n{octal}EOF\n"));
    assert!(
        out.contains("error: error parsing STDIN: json: offset 87: invalid character '6' after object key:value pair"),
        "{out}"
    );
    let cut = "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\"\n";
    let out = session_run(&format!("kubectl apply -f - <<EOF\n{cut}EOF\n"));
    assert!(
        out.contains("error: error parsing STDIN: unexpected EOF"),
        "{out}"
    );
}

/// The API server keeps quantities in canonical form: a manifest's `cpu: 0.5` and
/// `memory: 1024Mi` read back as `500m` and `1Gi`.
#[test]
fn quantities_read_back_in_the_api_servers_canonical_form() {
    let out = session_run(
        "kubectl apply -f - <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: q
spec:
  containers:
  - name: c
    image: nginx
    resources:
      requests: {cpu: 0.5, memory: 1024Mi}
      limits: {cpu: \"2000m\", memory: 1.5Gi}
EOF
kubectl get pod q -o jsonpath={.spec.containers[0].resources}
",
    );
    assert!(
        out.contains(
            r#"{"limits":{"cpu":"2","memory":"1536Mi"},"requests":{"cpu":"500m","memory":"1Gi"}}"#
        ),
        "{out}"
    );
}

/// YAML's empty value is JSON `null`, which Go's decoder turns into the zero value where it
/// stands: a map entry keeps its key with `""`, a resource amount is `0`.
#[test]
fn empty_values_are_go_zero_values_not_dropped_entries() {
    let out = session_run(
        "kubectl apply -f - <<EOF
apiVersion: v1
kind: ConfigMap
metadata:
  name: z
  labels:
    tier:
data:
  EMPTY:
  X: \"1\"
EOF
kubectl get configmap z -o jsonpath={.data}{.metadata.labels}
",
    );
    assert!(out.contains(r#"{"EMPTY":"","X":"1"}{"tier":""}"#), "{out}");
}
