//! Manifest parsing, defaults and validation against the real v1.36 transcripts
//! (shared/reference/v1.36/f-validation-errors.txt and scenarios/*.txt). Expected strings are
//! copied verbatim from those transcripts.

use kubeplay::engine::manifest::{
    apply_defaults, parse_documents, validate_create, validate_update, ApiError, Document,
    ManifestErrorKind,
};
use kubeplay::engine::model::Object;

fn docs(text: &str) -> Vec<Document> {
    parse_documents(text).expect("within limits")
}

/// The first document, decoded and defaulted, as the API server sees it.
fn object(text: &str) -> Object {
    let mut obj = docs(text).remove(0).object.expect("decodes");
    apply_defaults(&mut obj);
    obj
}

fn create_error(text: &str) -> ApiError {
    validate_create(&object(text)).expect_err("should be invalid")
}

/// What kubectl prints for `kubectl apply -f` of an invalid object.
fn create_text(text: &str) -> String {
    create_error(text).kubectl_text(Some(("creating", "STDIN")))
}

fn update_text(old: &str, new: &str) -> String {
    validate_update(&object(old), &object(new))
        .expect_err("should be refused")
        .kubectl_text(None)
}

const WEB: &str = "apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: nginx
  replicas: 3
  podManagementPolicy: OrderedReady
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      terminationGracePeriodSeconds: 10
      containers:
      - name: nginx
        image: registry.k8s.io/nginx-slim:0.24
        ports:
        - containerPort: 80
          name: web
        volumeMounts:
        - name: www
          mountPath: /usr/share/nginx/html
  volumeClaimTemplates:
  - metadata:
      name: www
    spec:
      accessModes: [\"ReadWriteOnce\"]
      storageClassName: local-wffc
      resources:
        requests:
          storage: 1Gi
";

const FORBIDDEN: &str = "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden";

const AGENT_DS: &str = "apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: ds}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers:
      - {name: agent, image: \"registry.k8s.io/pause:3.10\"}
";

fn fluentd_ds(spec_extra: &str, pod_extra: &str) -> String {
    format!(
        "apiVersion: apps/v1
kind: DaemonSet
metadata: {{name: fluentd, namespace: default}}
spec:
{spec_extra}  selector: {{matchLabels: {{app: fluentd}}}}
  template:
    metadata: {{labels: {{app: fluentd}}}}
    spec:
{pod_extra}      containers:
      - {{name: fluentd, image: \"fluentd:v1\"}}
"
    )
}

// ---------------------------------------------------------------- f-validation-errors.txt

#[test]
fn f1_statefulset_selector_not_matching_template() {
    let text = "apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: badsel
spec:
  serviceName: badsel
  replicas: 1
  selector:
    matchLabels:
      app: foo
  template:
    metadata:
      labels:
        app: bar
    spec:
      containers:
      - name: c
        image: registry.k8s.io/pause:3.10
";
    assert_eq!(
        create_text(text),
        "The StatefulSet \"badsel\" is invalid: spec.template.metadata.labels: Invalid value: {\"app\":\"bar\"}: `selector` does not match template `labels`"
    );
}

#[test]
fn f2_statefulset_forbidden_updates() {
    let other_service = WEB.replace("serviceName: nginx", "serviceName: other");
    assert_eq!(
        update_text(WEB, &other_service),
        format!("The StatefulSet \"web\" is invalid: {FORBIDDEN}")
    );
    let parallel = WEB.replace("OrderedReady", "Parallel");
    assert_eq!(
        update_text(WEB, &parallel),
        format!("The StatefulSet \"web\" is invalid: {FORBIDDEN}")
    );
    let bigger = WEB.replace("storage: 1Gi", "storage: 2Gi");
    assert_eq!(
        update_text(WEB, &bigger),
        format!("The StatefulSet \"web\" is invalid: {FORBIDDEN}")
    );
    let selector = WEB.replace(
        "      app: nginx\n  template",
        // Quoted: a plain `y` is the boolean true to kubectl (YAML 1.1).
        "      app: nginx\n      x: \"y\"\n  template",
    );
    assert_eq!(
        update_text(WEB, &selector),
        format!("The StatefulSet \"web\" is invalid: \n* spec.template.metadata.labels: Invalid value: {{\"app\":\"nginx\"}}: `selector` does not match template `labels`\n* {FORBIDDEN}")
    );
    // Allowed: replicas, minReadySeconds, revisionHistoryLimit, retention policy.
    let allowed = WEB.replace("replicas: 3", "replicas: 5\n  minReadySeconds: 5\n  revisionHistoryLimit: 3\n  persistentVolumeClaimRetentionPolicy: {whenScaled: Delete}");
    assert_eq!(validate_update(&object(WEB), &object(&allowed)), Ok(()));
}

#[test]
fn f3_negative_replicas() {
    let text = WEB
        .replace("replicas: 3", "replicas: -1")
        .replace("name: web\n", "name: neg\n");
    assert_eq!(
        create_text(&text),
        "The StatefulSet \"neg\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0"
    );
    let patched = WEB.replace("replicas: 3", "replicas: -1");
    assert_eq!(
        update_text(WEB, &patched),
        "The StatefulSet \"web\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0"
    );
}

#[test]
fn f4_several_errors_in_the_api_servers_order() {
    let text = "apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: many
spec:
  serviceName: many
  replicas: 1
  minReadySeconds: -5
  podManagementPolicy: Sideways
  updateStrategy:
    type: RollingUpdate
    rollingUpdate:
      partition: -1
  selector:
    matchLabels:
      app: many
  template:
    metadata:
      labels:
        app: many
    spec:
      restartPolicy: OnFailure
      containers:
      - name: c
        image: registry.k8s.io/pause:3.10
";
    assert_eq!(
        create_text(text),
        "The StatefulSet \"many\" is invalid: \n\
* spec.podManagementPolicy: Invalid value: \"Sideways\": must be 'OrderedReady' or 'Parallel'\n\
* spec.updateStrategy.rollingUpdate.partition: Invalid value: -1: must be greater than or equal to 0\n\
* spec.minReadySeconds: Invalid value: -5: must be greater than or equal to 0\n\
* spec.template.spec.restartPolicy: Unsupported value: \"OnFailure\": supported values: \"Always\""
    );
    let err = create_error(text);
    assert_eq!(err.causes.len(), 4);
    assert_eq!(err.causes[0].path, "spec.podManagementPolicy");
}

#[test]
fn f5_daemonset_selector_rules() {
    let bad = "apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: badsel-ds
spec:
  selector:
    matchLabels:
      app: foo
  template:
    metadata:
      labels:
        app: bar
    spec:
      containers:
      - name: c
        image: registry.k8s.io/pause:3.10
";
    assert_eq!(
        create_text(bad),
        "The DaemonSet \"badsel-ds\" is invalid: spec.template.metadata.labels: Invalid value: {\"app\":\"bar\"}: `selector` does not match template `labels`"
    );
    let new_selector = AGENT_DS.replace(
        "selector: {matchLabels: {app: agent}}",
        "selector: {matchLabels: {app: agent, x: \"y\"}}",
    );
    assert_eq!(
        update_text(AGENT_DS, &new_selector),
        "The DaemonSet \"agent\" is invalid: \n* spec.selector: Invalid value: {\"matchLabels\":{\"app\":\"agent\",\"x\":\"y\"}}: field is immutable\n* spec.template.metadata.labels: Invalid value: {\"app\":\"agent\"}: `selector` does not match template `labels`"
    );
    let zeros = AGENT_DS.replace(
        "spec:\n  selector",
        "spec:\n  updateStrategy: {rollingUpdate: {maxUnavailable: 0, maxSurge: 0}}\n  selector",
    );
    assert_eq!(
        update_text(AGENT_DS, &zeros),
        "The DaemonSet \"agent\" is invalid: spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0"
    );
    let bogus = AGENT_DS.replace(
        "spec:\n  selector",
        "spec:\n  updateStrategy: {type: Bogus, rollingUpdate: {maxUnavailable: 1, maxSurge: 0}}\n  selector",
    );
    assert_eq!(
        update_text(AGENT_DS, &bogus),
        "The DaemonSet \"agent\" is invalid: spec.updateStrategy: Unsupported value: {\"Type\":\"Bogus\",\"RollingUpdate\":{\"MaxUnavailable\":1,\"MaxSurge\":0}}: supported values: \"RollingUpdate\", \"OnDelete\""
    );
}

// ---------------------------------------------------------------- scenarios

#[test]
fn s43_daemonset_selector_change_is_immutable() {
    let old = fluentd_ds("", "");
    let both = old.replace("app: fluentd", "app: fluentd-v2");
    assert_eq!(
        update_text(&old, &both),
        "The DaemonSet \"fluentd\" is invalid: spec.selector: Invalid value: {\"matchLabels\":{\"app\":\"fluentd-v2\"}}: field is immutable"
    );
}

#[test]
fn s45_daemonset_create_errors() {
    assert_eq!(
        create_text(&fluentd_ds("", "      restartPolicy: Never\n")),
        "The DaemonSet \"fluentd\" is invalid: spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\""
    );
    assert_eq!(
        create_text(&fluentd_ds("", "      activeDeadlineSeconds: 30\n")),
        "The DaemonSet \"fluentd\" is invalid: spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in DaemonSet is not Supported"
    );
    assert_eq!(
        create_text(&fluentd_ds("  minReadySeconds: -5\n", "")),
        "The DaemonSet \"fluentd\" is invalid: spec.minReadySeconds: Invalid value: -5: must be greater than or equal to 0"
    );
    assert_eq!(
        create_text(&fluentd_ds("  updateStrategy: {type: Recreate}\n", "")),
        "The DaemonSet \"fluentd\" is invalid: spec.updateStrategy: Unsupported value: {\"Type\":\"Recreate\",\"RollingUpdate\":null}: supported values: \"RollingUpdate\", \"OnDelete\""
    );
    assert_eq!(
        create_text(&fluentd_ds("  revisionHistoryLimit: -1\n", "")),
        "The DaemonSet \"fluentd\" is invalid: spec.revisionHistoryLimit: Invalid value: -1: must be greater than or equal to 0"
    );
}

#[test]
fn errata_daemonset_percent_and_empty_selector() {
    assert_eq!(
        create_text(&fluentd_ds("  updateStrategy: {rollingUpdate: {maxUnavailable: \"150%\"}}\n", "")),
        "The DaemonSet \"fluentd\" is invalid: spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: \"150%\": must not be greater than 100%"
    );
    let empty =
        fluentd_ds("", "").replace("selector: {matchLabels: {app: fluentd}}", "selector: {}");
    assert_eq!(
        create_text(&empty),
        "The DaemonSet \"fluentd\" is invalid: spec.selector: Invalid value: {}: empty selector is invalid for daemonset"
    );
    // maxSurge alone: maxUnavailable defaults to 1 and both may not be non-zero.
    assert_eq!(
        create_text(&fluentd_ds("  updateStrategy: {rollingUpdate: {maxSurge: 1}}\n", "")),
        "The DaemonSet \"fluentd\" is invalid: spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: 1: may not be set when maxUnavailable is non-zero"
    );
}

#[test]
fn sc27_claim_template_without_access_modes() {
    let text = WEB.replace("      accessModes: [\"ReadWriteOnce\"]\n", "");
    assert_eq!(
        create_text(&text),
        "The StatefulSet \"web\" is invalid: spec.volumeClaimTemplates[0].spec.accessModes: Required value: at least 1 access mode is required"
    );
}

#[test]
fn sc45_service_name_must_be_a_dns_label() {
    let text = WEB.replace("serviceName: nginx", "serviceName: My_Svc");
    assert_eq!(
        create_text(&text),
        "The StatefulSet \"web\" is invalid: spec.serviceName: Invalid value: \"My_Svc\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
    );
}

#[test]
fn sc47_missing_selector() {
    let text = WEB.replace("  selector:\n    matchLabels:\n      app: nginx\n", "");
    assert_eq!(
        create_text(&text),
        "The StatefulSet \"web\" is invalid: \n* spec.selector: Required value\n* spec.template.metadata.labels: Invalid value: {\"app\":\"nginx\"}: `selector` does not match template `labels`"
    );
}

#[test]
fn sc49_statefulset_names() {
    let named = |n: &str| WEB.replacen("name: web\n", &format!("name: {n}\n"), 1);
    assert_eq!(
        create_text(&named("Web")),
        "The StatefulSet \"Web\" is invalid: metadata.name: Invalid value: \"Web\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
    );
    assert_eq!(
        create_text(&named("web.v1")),
        "The StatefulSet \"web.v1\" is invalid: metadata.name: Invalid value: \"web.v1\": must not contain dots"
    );
    let long = "w234567890123456789012345678901234567890123456789012345678901234";
    assert_eq!(
        create_text(&named(long)),
        format!("The StatefulSet \"{long}\" is invalid: metadata.name: Invalid value: \"{long}\": must be no more than 63 characters")
    );
}

#[test]
fn sc51_statefulset_spec_errors() {
    assert_eq!(
        create_text(&WEB.replace("terminationGracePeriodSeconds: 10", "terminationGracePeriodSeconds: 10\n      restartPolicy: Never")),
        "The StatefulSet \"web\" is invalid: spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\""
    );
    assert_eq!(
        create_text(&WEB.replace("terminationGracePeriodSeconds: 10", "terminationGracePeriodSeconds: 10\n      activeDeadlineSeconds: 30")),
        "The StatefulSet \"web\" is invalid: spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in StatefulSet is not Supported"
    );
    assert_eq!(
        create_text(&WEB.replace("OrderedReady", "Random")),
        "The StatefulSet \"web\" is invalid: spec.podManagementPolicy: Invalid value: \"Random\": must be 'OrderedReady' or 'Parallel'"
    );
    assert_eq!(
        create_text(&WEB.replace("replicas: 3", "replicas: 3\n  updateStrategy: {type: OnDelete, rollingUpdate: {partition: 1}}")),
        "The StatefulSet \"web\" is invalid: spec.updateStrategy.rollingUpdate: Invalid value: {\"Partition\":1,\"MaxUnavailable\":null}: only allowed for updateStrategy 'RollingUpdate'"
    );
    assert_eq!(
        create_text(&WEB.replace("replicas: 3", "replicas: 3\n  persistentVolumeClaimRetentionPolicy: {whenDeleted: Keep}")),
        "The StatefulSet \"web\" is invalid: spec.persistentVolumeClaimRetentionPolicy.whenDeleted: Unsupported value: \"Keep\": supported values: \"Retain\", \"Delete\""
    );
}

#[test]
fn errata_template_volume_mount_must_name_a_volume_or_claim() {
    let text = WEB.replace("        - name: www\n", "        - name: wwww\n");
    assert_eq!(
        create_text(&text),
        "The StatefulSet \"web\" is invalid: spec.template.spec.containers[0].volumeMounts[0].name: Not found: \"wwww\""
    );
    assert_eq!(validate_create(&object(WEB)), Ok(()));
}

// ---------------------------------------------------------------- defaults

fn yaml_of(obj: &Object) -> serde_json::Value {
    obj.to_json()
}

#[test]
fn statefulset_defaults_match_get_o_yaml() {
    let v = yaml_of(&object(WEB));
    let spec = &v["spec"];
    assert_eq!(
        spec["persistentVolumeClaimRetentionPolicy"],
        serde_json::json!({"whenDeleted": "Retain", "whenScaled": "Retain"})
    );
    assert_eq!(spec["revisionHistoryLimit"], 10);
    assert_eq!(
        spec["updateStrategy"],
        serde_json::json!({"rollingUpdate": {"partition": 0}, "type": "RollingUpdate"})
    );
    let pod = &spec["template"]["spec"];
    assert_eq!(pod["dnsPolicy"], "ClusterFirst");
    assert_eq!(pod["restartPolicy"], "Always");
    assert_eq!(pod["schedulerName"], "default-scheduler");
    assert_eq!(pod["securityContext"], serde_json::json!({}));
    assert_eq!(pod["terminationGracePeriodSeconds"], 10);
    // Pod-only values stay off the template (a-sts-create-orderedready.txt).
    assert!(pod.get("enableServiceLinks").is_none() && pod.get("priority").is_none());
    let c = &pod["containers"][0];
    assert_eq!(c["imagePullPolicy"], "IfNotPresent");
    assert_eq!(c["ports"][0]["protocol"], "TCP");
    assert_eq!(c["resources"], serde_json::json!({}));
    assert_eq!(c["terminationMessagePath"], "/dev/termination-log");
    assert_eq!(c["terminationMessagePolicy"], "File");
    let claim = &spec["volumeClaimTemplates"][0];
    assert_eq!(claim["apiVersion"], "v1");
    assert_eq!(claim["kind"], "PersistentVolumeClaim");
    assert_eq!(claim["spec"]["volumeMode"], "Filesystem");
    assert_eq!(claim["status"]["phase"], "Pending");
}

#[test]
fn statefulset_strategy_defaults_follow_the_subtle_rules() {
    // `type: RollingUpdate` alone keeps rollingUpdate nil; maxUnavailable is dropped (gate off).
    let explicit = object(&WEB.replace(
        "replicas: 3",
        "replicas: 3\n  updateStrategy: {type: RollingUpdate}",
    ));
    assert_eq!(
        yaml_of(&explicit)["spec"]["updateStrategy"],
        serde_json::json!({"type": "RollingUpdate"})
    );
    let max = object(&WEB.replace(
        "replicas: 3",
        "replicas: 3\n  updateStrategy: {rollingUpdate: {maxUnavailable: 2}}",
    ));
    assert_eq!(
        yaml_of(&max)["spec"]["updateStrategy"],
        serde_json::json!({"rollingUpdate": {"partition": 0}, "type": "RollingUpdate"})
    );
    let bare = object(&WEB.replace("  replicas: 3\n", ""));
    assert_eq!(yaml_of(&bare)["spec"]["replicas"], 1);
}

#[test]
fn daemonset_and_deployment_defaults() {
    let ds = yaml_of(&object(&fluentd_ds("", "")));
    assert_eq!(
        ds["spec"]["updateStrategy"],
        serde_json::json!({"rollingUpdate": {"maxSurge": 0, "maxUnavailable": 1}, "type": "RollingUpdate"})
    );
    assert_eq!(ds["spec"]["revisionHistoryLimit"], 10);
    let deploy = yaml_of(&object(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  selector: {matchLabels: {app: d}}\n  template:\n    metadata: {labels: {app: d}}\n    spec:\n      containers: [{name: c, image: nginx}]\n",
    ));
    assert_eq!(deploy["spec"]["replicas"], 1);
    assert_eq!(
        deploy["spec"]["strategy"],
        serde_json::json!({"rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}, "type": "RollingUpdate"})
    );
    assert_eq!(deploy["spec"]["progressDeadlineSeconds"], 600);
    assert_eq!(deploy["spec"]["revisionHistoryLimit"], 10);
    // Untagged image: Always.
    assert_eq!(
        deploy["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"],
        "Always"
    );
}

#[test]
fn pod_service_storage_and_secret_defaults() {
    let pod = yaml_of(&object(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: busybox:latest\n    readinessProbe: {httpGet: {port: 80}}\n    resources: {limits: {cpu: 500m, memory: 64Mi}}\n",
    ));
    let spec = &pod["spec"];
    assert_eq!(spec["enableServiceLinks"], true);
    assert_eq!(spec["preemptionPolicy"], "PreemptLowerPriority");
    assert_eq!(spec["priority"], 0);
    assert_eq!(spec["terminationGracePeriodSeconds"], 30);
    assert_eq!(spec["serviceAccountName"], "default");
    let c = &spec["containers"][0];
    assert_eq!(c["imagePullPolicy"], "Always");
    assert_eq!(
        c["readinessProbe"],
        serde_json::json!({"failureThreshold": 3, "httpGet": {"path": "/", "port": 80, "scheme": "HTTP"}, "periodSeconds": 10, "successThreshold": 1, "timeoutSeconds": 1})
    );
    assert_eq!(
        c["resources"]["requests"],
        serde_json::json!({"cpu": "500m", "memory": "64Mi"})
    );
    assert_eq!(pod["status"]["qosClass"], "Guaranteed");

    let svc = yaml_of(&object("apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n  ports: [{port: 80}]\n"));
    assert_eq!(svc["spec"]["type"], "ClusterIP");
    assert_eq!(svc["spec"]["sessionAffinity"], "None");
    assert_eq!(
        svc["spec"]["ports"][0],
        serde_json::json!({"port": 80, "protocol": "TCP", "targetPort": 80})
    );
    assert_eq!(svc["spec"]["ipFamilies"], serde_json::json!(["IPv4"]));
    assert_eq!(svc["spec"]["ipFamilyPolicy"], "SingleStack");
    assert_eq!(svc["spec"]["internalTrafficPolicy"], "Cluster");

    let pvc = yaml_of(&object("apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: c}\nspec:\n  accessModes: [ReadWriteOnce]\n  resources: {requests: {storage: 1Gi}}\n"));
    assert_eq!(pvc["spec"]["volumeMode"], "Filesystem");
    let pv = yaml_of(&object("apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: v}\nspec:\n  capacity: {storage: 1Gi}\n  accessModes: [ReadWriteOnce]\n  hostPath: {path: /tmp}\n"));
    assert_eq!(pv["spec"]["persistentVolumeReclaimPolicy"], "Retain");
    assert_eq!(pv["spec"]["volumeMode"], "Filesystem");
    let sc = yaml_of(&object(
        "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: s}\nprovisioner: x\n",
    ));
    assert_eq!(sc["reclaimPolicy"], "Delete");
    assert_eq!(sc["volumeBindingMode"], "Immediate");
    let secret = yaml_of(&object(
        "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {password: hunter2}\n",
    ));
    assert_eq!(secret["type"], "Opaque");
    assert_eq!(secret["data"]["password"], "aHVudGVyMg==");
    assert!(secret.get("stringData").is_none());
    let ns = yaml_of(&object(
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: team-a}\n",
    ));
    assert_eq!(
        ns["metadata"]["labels"]["kubernetes.io/metadata.name"],
        "team-a"
    );
    assert_eq!(ns["status"]["phase"], "Active");
}

// ---------------------------------------------------------------- parsing

#[test]
fn unknown_and_duplicate_fields_are_reported_with_paths() {
    let text = WEB.replace("  replicas: 3\n", "  replica: 3\n").replace(
        "        image: registry",
        "        imagePullPolicyy: Always\n        image: registry",
    );
    let d = docs(&text).remove(0);
    assert_eq!(
        d.warnings,
        vec![
            "unknown field \"spec.replica\"".to_string(),
            "unknown field \"spec.template.spec.containers[0].imagePullPolicyy\"".to_string(),
        ]
    );
    let strict = d
        .strict_error()
        .expect("strict mode refuses")
        .kubectl_text(Some(("creating", "STDIN")));
    assert_eq!(
        strict,
        "Error from server (BadRequest): error when creating \"STDIN\": StatefulSet in version \"v1\" cannot be handled as a StatefulSet: strict decoding error: unknown field \"spec.replica\", unknown field \"spec.template.spec.containers[0].imagePullPolicyy\""
    );
    // The unknown field is dropped: replicas falls back to its default.
    let mut obj = d.object.expect("decodes");
    apply_defaults(&mut obj);
    assert_eq!(obj.to_json()["spec"]["replicas"], 1);

    // YAML: kubectl keeps the last value and says nothing; the editor still gets the path.
    let dup = docs(&WEB.replace("  replicas: 3\n", "  replicas: 3\n  replicas: 4\n")).remove(0);
    assert!(dup.warnings.is_empty() && dup.strict_error().is_none());
    assert_eq!(dup.duplicate_fields, vec!["spec.replicas".to_string()]);
    assert_eq!(
        dup.object.expect("decodes").to_json()["spec"]["replicas"],
        4
    );
    // JSON reaches the server as written, and the server reports the repeat.
    let json = docs("{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"a\", \"name\": \"b\"}}").remove(0);
    assert_eq!(
        json.warnings,
        vec!["duplicate field \"metadata.name\"".to_string()]
    );
}

#[test]
fn wrong_types_get_the_go_decoder_message() {
    let d = docs(&WEB.replace("replicas: 3", "replicas: \"3\"")).remove(0);
    let e = d.object.expect_err("string replicas");
    assert_eq!(e.kind, ManifestErrorKind::BadRequest);
    assert_eq!(
        e.kubectl_text("STDIN"),
        "Error from server (BadRequest): error when creating \"STDIN\": StatefulSet in version \"v1\" cannot be handled as a StatefulSet: json: cannot unmarshal string into Go struct field StatefulSetSpec.spec.replicas of type int32"
    );
    let huge = docs(&WEB.replace("replicas: 3", "replicas: 1000000000000")).remove(0);
    assert!(huge.object.expect_err("overflow").message.ends_with(
        "json: cannot unmarshal number 1000000000000 into Go struct field StatefulSetSpec.spec.replicas of type int32"
    ));
    let float = docs(&WEB.replace("replicas: 3", "replicas: 1e12")).remove(0);
    assert!(float.object.expect_err("overflow").message.ends_with(
        "json: cannot unmarshal number 1000000000000 into Go struct field StatefulSetSpec.spec.replicas of type int32"
    ));
    let half = docs(&WEB.replace("replicas: 3", "replicas: 1.5")).remove(0);
    assert!(half.object.expect_err("fraction").message.ends_with(
        "json: cannot unmarshal number 1.5 into Go struct field StatefulSetSpec.spec.replicas of type int32"
    ));
    // `3.0` reaches the server as `3` (Go's JSON encoder), so it is accepted.
    assert_eq!(
        object(&WEB.replace("replicas: 3", "replicas: 3.0")).to_json()["spec"]["replicas"],
        3
    );
}

#[test]
fn missing_kind_and_unknown_kind_use_kubectls_words() {
    let none = docs("metadata: {name: x}\n")
        .remove(0)
        .object
        .expect_err("no type");
    assert_eq!(
        none.kubectl_text("STDIN"),
        "error: error validating \"STDIN\": error validating data: [apiVersion not set, kind not set]; if you choose to ignore these errors, turn validation off with --validate=false"
    );
    let no_kind = docs("apiVersion: v1\nmetadata: {name: x}\n")
        .remove(0)
        .object
        .expect_err("no kind");
    assert!(no_kind
        .message
        .starts_with("error validating data: kind not set;"));
    let foo = docs("apiVersion: v1\nkind: Foo\nmetadata: {name: x}\n")
        .remove(0)
        .object
        .expect_err("unknown kind");
    assert_eq!(
        foo.kubectl_text("STDIN"),
        "error: resource mapping not found for name: \"x\" namespace: \"\" from \"STDIN\": no matches for kind \"Foo\" in version \"v1\"\nensure CRDs are installed first"
    );
}

#[test]
fn documents_are_decoded_independently_with_whole_text_lines() {
    let text = format!("# leading comment\n{WEB}---\napiVersion: v1\nkind: Service\nmetadata:\n  name: nginx\n   bad: indent\n---\n\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: cm}}\n");
    let all = docs(&text);
    assert_eq!(all.len(), 3, "the empty document is skipped");
    assert_eq!(all[0].line, 2);
    assert!(all[0].object.is_ok());
    let bad = all[1].object.as_ref().expect_err("syntax error");
    assert_eq!(bad.kind, ManifestErrorKind::Syntax);
    assert!(bad.stops_stream());
    let web_lines = WEB.lines().count();
    assert_eq!(all[1].line, web_lines + 3);
    assert_eq!(bad.line, Some(web_lines + 7), "line in the whole text");
    assert!(
        bad.kubectl_text("STDIN").starts_with(
            "error: error parsing STDIN: error converting YAML to JSON: yaml: line 5: "
        ),
        "{}",
        bad.message
    );
    assert!(
        all[2].object.is_ok(),
        "documents after a bad one still decode"
    );
    assert_eq!(all[2].index, 3);
}

#[test]
fn validation_errors_point_at_their_lines() {
    let text = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: a}}\n---\n{}",
        WEB.replace("        - name: www\n", "        - name: wwww\n")
    );
    let all = docs(&text);
    let mut obj = all[1].object.clone().expect("decodes");
    apply_defaults(&mut obj);
    let mut err = validate_create(&obj).expect_err("bad mount");
    err.attach_lines(&all[1].paths);
    // Line of `- name: wwww` in the whole text: 4 lines of the ConfigMap document + its line in WEB.
    let in_web = WEB
        .lines()
        .position(|l| l == "        - name: www")
        .expect("line")
        + 1;
    assert_eq!(err.causes[0].line, Some(4 + in_web));
    assert_eq!(
        all[1].validate_create().expect_err("same").causes[0].line,
        Some(4 + in_web)
    );
    assert_eq!(all[0].validate_create(), Ok(()));
}

// ---------------------------------------------------------------- limits

#[test]
fn oversized_input_is_refused_with_the_api_servers_limit() {
    let big = "a".repeat(3 * 1024 * 1024 + 1);
    let e = parse_documents(&big).expect_err("too large");
    assert_eq!(e.message, "Request entity too large: limit is 3145728");
    assert_eq!(
        e.kubectl_text("STDIN"),
        "Error from server (RequestEntityTooLarge): error when creating \"STDIN\": Request entity too large: limit is 3145728"
    );
}

#[test]
fn alias_bombs_and_deep_nesting_fail_fast() {
    let mut bomb = String::from("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let p = i - 1;
        bomb.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    let start = std::time::Instant::now();
    let e = docs(&bomb).remove(0).object.expect_err("bomb refused");
    assert!(start.elapsed().as_secs() < 5);
    assert!(e.message.contains("excessive aliasing"), "{}", e.message);

    let deep = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: x}}\ndata: {}{}\n",
        "[".repeat(500),
        "]".repeat(500)
    );
    let e = docs(&deep).remove(0).object.expect_err("too deep");
    assert!(e.message.contains("nested more than"), "{}", e.message);
}

mod fuzz {
    use super::*;
    use proptest::prelude::*;

    fn run(text: &str) {
        let Ok(all) = parse_documents(text) else {
            return;
        };
        for d in all {
            if let Ok(mut obj) = d.object.clone() {
                let before = obj.clone();
                apply_defaults(&mut obj);
                let _ = validate_create(&obj);
                let _ = validate_update(&before, &obj);
                let _ = d.validate_create();
                let _ = d.strict_error();
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

        #[test]
        fn arbitrary_text_never_panics(s in ".{0,400}") {
            run(&s);
        }

        #[test]
        fn mutated_manifests_never_panic(pos in 0usize..1200, cut in 0usize..40, insert in "[ -~\n]{0,20}") {
            let base = format!("{WEB}---\n{AGENT_DS}");
            let start = pos.min(base.len());
            let end = (start + cut).min(base.len());
            if base.is_char_boundary(start) && base.is_char_boundary(end) {
                let mutated = format!("{}{}{}", &base[..start], insert, &base[end..]);
                let t = std::time::Instant::now();
                run(&mutated);
                prop_assert!(t.elapsed().as_secs() < 2);
            }
        }
    }
}

#[test]
fn kind_list_items_become_documents_with_their_own_lines() {
    let text = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n- apiVersion: v1\n  kind: Secret\n  metadata:\n    name: Bad_Name\n";
    let all = docs(text);
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].line, 4);
    assert_eq!(all[1].line, 7);
    assert_eq!(
        all[0].raw,
        serde_json::json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}})
    );
    let err = all[1].validate_create().expect_err("bad name");
    assert_eq!(err.causes[0].path, "metadata.name");
    assert_eq!(err.causes[0].line, Some(10));
}

#[test]
fn secret_data_must_be_base64() {
    let e = docs(
        "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {password: \"not base64!\"}\n",
    )
    .remove(0)
    .object
    .expect_err("bad base64");
    assert_eq!(e.message, "Secret in version \"v1\" cannot be handled as a Secret: illegal base64 data at input byte 3");
}

#[test]
fn many_small_documents_stay_fast() {
    // A megabyte of tiny documents: linear work, no blow-up (the full 3 MiB takes ~6 s in a debug build).
    let text = "---\nx: y\n".repeat(1024 * 1024 / 9);
    let start = std::time::Instant::now();
    let all = docs(&text);
    assert!(all.iter().all(|d| d.object.is_err()));
    assert!(start.elapsed().as_secs() < 10);
}

#[test]
fn wrong_type_errors_point_at_the_field_line() {
    let text = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: a}}\n---\n{}",
        WEB.replace("replicas: 3", "replicas: three")
    );
    let d = docs(&text).remove(1);
    let in_web = WEB
        .lines()
        .position(|l| l == "  replicas: 3")
        .expect("line")
        + 1;
    assert_eq!(d.object.expect_err("bad type").line, Some(4 + in_web));
}

#[test]
fn pods_services_and_claims_follow_core_validation() {
    let pod =
        create_text("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: []\n");
    assert_eq!(
        pod,
        "The Pod \"p\" is invalid: spec.containers: Required value"
    );
    let no_image = create_text(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c}]\n",
    );
    assert_eq!(
        no_image,
        "The Pod \"p\" is invalid: spec.containers[0].image: Required value"
    );
    let port = create_text("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: x, ports: [{containerPort: 70000}]}]\n");
    assert_eq!(port, "The Pod \"p\" is invalid: spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive");
    let effect = create_text("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: x}]\n  tolerations: [{key: k, operator: Exists, effect: Sometimes}]\n");
    assert_eq!(effect, "The Pod \"p\" is invalid: spec.tolerations[0].effect: Unsupported value: \"Sometimes\": supported values: \"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\"");
    let svc = create_text(
        "apiVersion: v1\nkind: Service\nmetadata: {name: 1web}\nspec:\n  ports: [{port: 80}]\n",
    );
    assert_eq!(svc, "The Service \"1web\" is invalid: metadata.name: Invalid value: \"1web\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')");
    let claim = "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: c}\nspec:\n  accessModes: [ReadWriteOnce]\n  resources: {requests: {storage: 1Gi}}\n";
    // A pending claim keeps its request; a bound one may grow (not shrink below its capacity).
    assert!(validate_update(&object(claim), &object(&claim.replace("1Gi", "2Gi"))).is_err());
    let mut bound = object(claim);
    if let Object::PersistentVolumeClaim(c) = &mut bound {
        c.status.phase = Some("Bound".into());
        c.status.capacity = Some(
            [(
                "storage".to_string(),
                kubeplay::engine::model::Quantity("1Gi".into()),
            )]
            .into(),
        );
    }
    assert_eq!(
        validate_update(&bound, &object(&claim.replace("1Gi", "2Gi"))),
        Ok(())
    );
    assert_eq!(
        validate_update(&bound, &object(&claim.replace("1Gi", "512Mi")))
            .expect_err("shrink")
            .kubectl_text(None),
        "The PersistentVolumeClaim \"c\" is invalid: spec.resources.requests.storage: Forbidden: field can not be less than status.capacity"
    );
    assert_eq!(
        update_text(claim, &claim.replace("ReadWriteOnce", "ReadWriteMany")),
        "The PersistentVolumeClaim \"c\" is invalid: spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims"
    );
}

#[test]
fn deployment_selector_is_immutable_and_server_message_is_aggregated() {
    let d = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  selector: {matchLabels: {app: d}}\n  template:\n    metadata: {labels: {app: d}}\n    spec:\n      containers: [{name: c, image: nginx}]\n";
    assert_eq!(
        update_text(d, &d.replace("app: d", "app: e")),
        "The Deployment \"d\" is invalid: spec.selector: Invalid value: {\"matchLabels\":{\"app\":\"e\"}}: field is immutable"
    );
    // The server's own message (what controllers quote in events) joins causes in brackets.
    let err = create_error(
        &WEB.replace("replicas: 3", "replicas: -1")
            .replace("OrderedReady", "Random"),
    );
    assert_eq!(
        err.message,
        "StatefulSet.apps \"web\" is invalid: [spec.podManagementPolicy: Invalid value: \"Random\": must be 'OrderedReady' or 'Parallel', spec.replicas: Invalid value: -1: must be greater than or equal to 0]"
    );
}

#[test]
fn syntax_errors_use_go_yamls_line_numbers() {
    // Scanner errors: 1-based line; parser errors: go-yaml's 0-based problem line.
    let tab = docs("apiVersion: v1\nkind: ConfigMap\n\tmetadata: {}\n")
        .remove(0)
        .object
        .expect_err("tab");
    // kubectl v1.32.4's go-yaml words a tab in indentation like libyaml 0.2.5 does.
    assert_eq!(
        tab.message,
        "error converting YAML to JSON: yaml: line 3: found a tab character that violates indentation"
    );
    assert_eq!((tab.line, tab.column), (Some(3), Some(1)));
    let indent = docs("apiVersion: v1\nmetadata:\n  name: a\n labels: {}\n")
        .remove(0)
        .object
        .expect_err("indent");
    assert_eq!(
        indent.message,
        "error converting YAML to JSON: yaml: line 3: did not find expected key"
    );
}

#[test]
fn unknown_fields_are_reported_in_the_order_kubectl_sends_them() {
    // kubectl sends sorted keys, so `spec.zeta` comes after `spec.alpha` whatever the file says.
    let text = WEB.replace("  replicas: 3\n", "  zeta: 1\n  alpha: 2\n");
    assert_eq!(
        docs(&text).remove(0).unknown_fields,
        vec!["spec.alpha".to_string(), "spec.zeta".to_string()]
    );
    let raw = serde_json::to_string(&docs(WEB).remove(0).raw).expect("json");
    assert!(raw.starts_with("{\"apiVersion\":\"apps/v1\",\"kind\":\"StatefulSet\",\"metadata\":{\"name\":\"web\"},\"spec\":{\"podManagementPolicy\""), "{raw}");
}

#[test]
fn label_and_selector_errors() {
    let bad_value =
        create_text(&WEB.replacen("name: web\n", "name: web\n  labels: {tier: -bad}\n", 1));
    assert_eq!(
        bad_value,
        "The StatefulSet \"web\" is invalid: metadata.labels: Invalid value: \"-bad\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
    );
    let ds = fluentd_ds("", "").replace(
        "selector: {matchLabels: {app: fluentd}}",
        "selector: {matchExpressions: [{key: app, operator: Has}]}",
    );
    // The selector does not convert, so the template labels are not compared.
    assert_eq!(
        create_text(&ds),
        "The DaemonSet \"fluentd\" is invalid: spec.selector.matchExpressions[0].operator: Invalid value: \"Has\": not a valid selector operator"
    );
}

#[test]
fn builtin_kinds_kubeplay_does_not_simulate_are_not_called_missing() {
    let job = docs("apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\n")
        .remove(0)
        .object
        .expect_err("unsupported");
    assert_eq!(job.kind, ManifestErrorKind::Unsupported);
    let text = job.kubectl_text("STDIN");
    assert!(
        text.starts_with(
            "error: kubeplay does not simulate Job (batch/v1); a real cluster would accept it."
        ),
        "{text}"
    );
    assert!(!text.contains("no matches"));
}

#[test]
fn pod_updates_may_change_only_images_and_a_few_fields() {
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: nginx:1.27, ports: [{containerPort: 80}]}]\n";
    assert_eq!(
        validate_update(&object(pod), &object(&pod.replace("1.27", "1.28"))),
        Ok(())
    );
    let text = update_text(
        pod,
        &pod.replace("containerPort: 80", "containerPort: 8080"),
    );
    assert_eq!(
        text,
        "The Pod \"p\" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)"
    );
}

#[test]
fn without_validation_the_decoder_reports_the_missing_kind() {
    let d = docs("metadata:\n  name: x\napiVersion: v1\n").remove(0);
    assert_eq!(
        d.unvalidated_error("STDIN").as_deref(),
        Some("error: unable to decode \"STDIN\": Object 'Kind' is missing in '{\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"x\"}}'")
    );
}

#[test]
fn defaults_are_idempotent_for_every_reference_kind() {
    let texts = [
        WEB.to_string(),
        fluentd_ds("", ""),
        "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  ports: [{port: 80}]\n".to_string(),
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: x}]\n".to_string(),
        "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {a: b}\n".to_string(),
    ];
    for text in texts {
        let once = object(&text);
        let mut twice = once.clone();
        apply_defaults(&mut twice);
        assert_eq!(once, twice, "{text}");
    }
}

#[path = "manifest/enums.rs"]
mod enums;
#[path = "manifest/highlight.rs"]
mod highlight;
#[path = "manifest/priority.rs"]
mod priority;
#[path = "manifest/yaml11.rs"]
mod yaml11;
