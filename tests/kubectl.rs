//! kubectl as a learner types it: golden outputs per verb and format. Where a reference
//! transcript (reference/v1.36/*.txt) shows the same command, the expected text is copied from
//! it; ages are whatever the simulated clock gives (the tests settle at known times).
#![cfg(not(target_arch = "wasm32"))]

use kubeplay::Session;

fn kubectl(s: &mut Session, line: &str) -> kubeplay::Output {
    s.execute_text(line)
}

/// Runs one line that must succeed; its output.
fn ok(s: &mut Session, line: &str) -> String {
    let o = kubectl(s, line);
    assert!(o.ok, "{line}\n{}", o.text);
    o.text
}

/// Runs one line that must fail; its output.
fn err(s: &mut Session, line: &str) -> String {
    let o = kubectl(s, line);
    assert!(!o.ok, "{line} should fail\n{}", o.text);
    o.text
}

/// Runs one line whatever it does; its output.
fn out(s: &mut Session, line: &str) -> String {
    kubectl(s, line).text
}

/// Runs a script and returns the transcript text.
fn run(s: &mut Session, script: &str) -> String {
    s.run_script(script, false).text
}

const WEB: &str = "kubectl apply -f - <<EOF
apiVersion: v1
kind: Service
metadata:
  name: nginx
  labels:
    app: nginx
spec:
  clusterIP: None
  selector:
    app: nginx
  ports:
  - name: web
    port: 80
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: nginx
  replicas: 3
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
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
      resources:
        requests:
          storage: 1Gi
EOF
";

#[test]
fn unknown_commands_flags_and_types_use_kubectls_errors() {
    let mut s = Session::new(1);
    let o = kubectl(&mut s, "kubectl zzzzzz");
    assert!(!o.ok);
    assert_eq!(
        o.text,
        "Error: unknown command \"zzzzzz\" for \"kubectl\"\n"
    );
    let o = kubectl(&mut s, "kubectl gett pods");
    assert_eq!(
        o.text,
        "Error: unknown command \"gett\" for \"kubectl\"\n\nDid you mean this?\n\tset\n\tget\n\n"
    );
    let o = kubectl(&mut s, "kubectl get pods --foo");
    assert_eq!(
        o.text,
        "Error: unknown flag: --foo\nSee 'kubectl get --help' for usage.\n"
    );
    let o = kubectl(&mut s, "kubectl get pods -o");
    assert_eq!(
        o.text,
        "Error: flag needs an argument: 'o' in -o\nSee 'kubectl get --help' for usage.\n"
    );
    let o = kubectl(&mut s, "kubectl get foo");
    assert_eq!(
        o.text,
        "error: the server doesn't have a resource type \"foo\"\n"
    );
    let o = kubectl(&mut s, "kubectl get sts web");
    assert_eq!(
        o.text,
        "Error from server (NotFound): statefulsets.apps \"web\" not found\n"
    );
    assert!(!o.ok);
    let o = kubectl(&mut s, "kubectl get pods");
    assert_eq!(o.text, "No resources found in default namespace.\n");
    let o = kubectl(&mut s, "kubectl -n kube-node-lease get pods");
    assert_eq!(o.text, "No resources found in kube-node-lease namespace.\n");
}

#[test]
fn api_resources_for_apps_matches_the_reference_transcript() {
    let mut s = Session::new(1);
    let o = kubectl(&mut s, "kubectl api-resources --api-group=apps");
    // reference/v1.36/00-cluster.txt
    assert_eq!(
        o.text,
        "NAME                  SHORTNAMES   APIVERSION   NAMESPACED   KIND\n\
controllerrevisions                apps/v1      true         ControllerRevision\n\
daemonsets            ds           apps/v1      true         DaemonSet\n\
deployments           deploy       apps/v1      true         Deployment\n\
replicasets           rs           apps/v1      true         ReplicaSet\n\
statefulsets          sts          apps/v1      true         StatefulSet\n"
    );
}

#[test]
fn apply_creates_then_reports_unchanged_and_configured() {
    let mut s = Session::new(7);
    let t = run(&mut s, WEB);
    assert!(
        t.ends_with("service/nginx created\nstatefulset.apps/web created\n"),
        "{t}"
    );
    let t = run(&mut s, WEB);
    assert!(
        t.ends_with("service/nginx unchanged\nstatefulset.apps/web unchanged\n"),
        "{t}"
    );
    let changed = WEB.replace("replicas: 3", "replicas: 2");
    let t = run(&mut s, &changed);
    assert!(
        t.ends_with("service/nginx unchanged\nstatefulset.apps/web configured\n"),
        "{t}"
    );
    let yaml = kubectl(&mut s, "kubectl get sts web -o yaml").text;
    assert!(yaml.starts_with("apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: |\n      {\"apiVersion\":\"apps/v1\",\"kind\":\"StatefulSet\",\"metadata\":{\"annotations\":{},\"name\":\"web\",\"namespace\":\"default\"},\"spec\":{\"replicas\":2,"), "{yaml}");
    assert!(yaml.contains("\n  generation: 2\n"), "{yaml}");
    // The Service keeps the ClusterIP the server chose although the manifest never set it.
    let svc = kubectl(
        &mut s,
        "kubectl get svc nginx -o jsonpath={.spec.clusterIP}",
    )
    .text;
    assert_eq!(svc, "None");
}

#[test]
fn apply_reports_each_document_on_its_own() {
    let mut s = Session::new(3);
    let t = run(
        &mut s,
        "kubectl apply -f - <<EOF\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: v\n---\napiVersion: v1\nkind: Widget\nmetadata:\n  name: b\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\nEOF\n",
    );
    assert!(t.contains("configmap/a created\n"), "{t}");
    assert!(t.contains("configmap/c created\n"), "{t}");
    assert!(
        t.contains("no matches for kind \"Widget\" in version \"v1\""),
        "{t}"
    );
    let o = kubectl(&mut s, "kubectl apply -f /definitely/not/here.yaml");
    assert_eq!(
        o.text,
        "error: the path \"/definitely/not/here.yaml\" does not exist\n"
    );
    let o = kubectl(&mut s, "kubectl apply");
    assert_eq!(o.text, "error: must specify one of -f and -k\n");
}

#[test]
fn get_tables_have_kubectls_columns_and_padding() {
    let mut s = Session::new(7);
    run(&mut s, WEB);
    let o = kubectl(&mut s, "kubectl get sts web -o wide");
    assert_eq!(
        o.text,
        "NAME   READY   AGE   CONTAINERS   IMAGES\nweb    0/3     0s    nginx        registry.k8s.io/nginx-slim:0.24\n"
    );
    let o = kubectl(&mut s, "kubectl get svc,sts");
    assert!(
        o.text.contains(
            "\n\nNAME                   READY   AGE\nstatefulset.apps/web   0/3     0s\n"
        ),
        "{}",
        o.text
    );
    let o = kubectl(&mut s, "kubectl get nodes");
    assert!(o.text.starts_with("NAME                 STATUS   ROLES           AGE   VERSION\nkind-control-plane   Ready    control-plane"), "{}", o.text);
    let o = kubectl(
        &mut s,
        "kubectl get nodes -o custom-columns=NAME:.metadata.name,TAINTS:.spec.taints",
    );
    assert_eq!(
        o.text,
        "NAME                 TAINTS\nkind-control-plane   [map[effect:NoSchedule key:node-role.kubernetes.io/control-plane]]\nkind-worker          <none>\nkind-worker2         <none>\nkind-worker3         <none>\n"
    );
    let o = kubectl(&mut s, "kubectl get sc");
    assert!(o.text.starts_with("NAME                 PROVISIONER             RECLAIMPOLICY   VOLUMEBINDINGMODE      ALLOWVOLUMEEXPANSION   AGE\nstandard (default)   rancher.io/local-path   Delete          WaitForFirstConsumer   false"), "{}", o.text);
}

#[test]
fn pods_pvcs_and_events_after_the_cluster_settles() {
    let mut s = Session::new(11);
    run(&mut s, WEB);
    run(&mut s, "sim settle\n");
    let pods = kubectl(&mut s, "kubectl get pods -l app=nginx").text;
    assert!(
        pods.starts_with("NAME    READY   STATUS    RESTARTS   AGE\nweb-0   "),
        "{pods}"
    );
    let pvc = kubectl(&mut s, "kubectl get pvc").text;
    assert!(pvc.starts_with("NAME        STATUS   VOLUME"), "{pvc}");
    assert!(pvc.contains("VOLUMEATTRIBUTESCLASS"), "{pvc}");
    let ev = kubectl(
        &mut s,
        "kubectl get events --sort-by=.metadata.creationTimestamp",
    )
    .text;
    assert!(ev.starts_with("LAST SEEN   TYPE"), "{ev}");
    assert!(ev.contains("statefulset/web"), "{ev}");
    let names = kubectl(&mut s, "kubectl get pods -l 'app in (nginx)' -o name").text;
    assert!(names.starts_with("pod/web-0\n"), "{names}");
    let none = kubectl(&mut s, "kubectl get pods -l app!=nginx").text;
    assert_eq!(none, "No resources found in default namespace.\n");
    let list = kubectl(&mut s, "kubectl get pods -l app=nobody -o yaml").text;
    assert_eq!(
        list,
        "apiVersion: v1\nitems: []\nkind: List\nmetadata:\n  resourceVersion: \"\"\n"
    );
    let json = kubectl(&mut s, "kubectl get ns default -o json").text;
    assert!(
        json.starts_with("{\n    \"apiVersion\": \"v1\",\n    \"kind\": \"Namespace\",\n"),
        "{json}"
    );
}

#[test]
fn rollout_status_history_and_unsupported_pause() {
    let mut s = Session::new(5);
    run(&mut s, WEB);
    let o = kubectl(&mut s, "kubectl rollout status sts/web --timeout=120s");
    assert!(
        o.text
            .ends_with("partitioned roll out complete: 3 new pods have been updated...\n"),
        "{}",
        o.text
    );
    let o = kubectl(&mut s, "kubectl rollout history sts/web");
    assert_eq!(
        o.text,
        "statefulset.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n\n"
    );
    // ERRATA.md
    let o = kubectl(&mut s, "kubectl rollout pause sts/web");
    assert_eq!(
        o.text,
        "error: statefulsets.apps \"web\" pausing is not supported\n"
    );
    assert!(!o.ok);
    let o = kubectl(&mut s, "kubectl rollout resume sts/web");
    assert_eq!(
        o.text,
        "error: statefulsets.apps \"web\" resuming is not supported\n"
    );
}

#[test]
fn scale_set_image_and_their_errors() {
    let mut s = Session::new(5);
    run(&mut s, WEB);
    assert_eq!(
        kubectl(&mut s, "kubectl scale sts web --replicas=5").text,
        "statefulset.apps/web scaled\n"
    );
    // f-validation-errors.txt
    assert_eq!(
        kubectl(&mut s, "kubectl scale sts web --replicas=-1").text,
        "error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0\n"
    );
    assert_eq!(
        kubectl(
            &mut s,
            "kubectl scale sts web --replicas=2 --current-replicas=3"
        )
        .text,
        "error: Expected replicas to be 3, was 5\n"
    );
    assert_eq!(
        kubectl(
            &mut s,
            "kubectl set image sts/web nginx=registry.k8s.io/nginx-slim:0.27"
        )
        .text,
        "statefulset.apps/web image updated\n"
    );
    assert_eq!(
        kubectl(
            &mut s,
            "kubectl get sts web -o jsonpath={.spec.template.spec.containers[0].image}"
        )
        .text,
        "registry.k8s.io/nginx-slim:0.27"
    );
    assert_eq!(
        kubectl(&mut s, "kubectl set image sts/web nope=x").text,
        "error: unable to find container named \"nope\"\n"
    );
}

#[test]
fn label_annotate_taint_cordon_messages() {
    let mut s = Session::new(2);
    let cases: &[(&str, &str)] = &[
        ("kubectl label node kind-worker disktype=ssd", "node/kind-worker labeled\n"),
        ("kubectl label node kind-worker disktype=hdd", "error: 'disktype' already has a value (ssd), and --overwrite is false\n"),
        ("kubectl label node kind-worker disktype=hdd --overwrite", "node/kind-worker labeled\n"),
        ("kubectl label node kind-worker a=1 disktype-", "node/kind-worker labeled\n"),
        ("kubectl label node kind-worker disktype-", "label \"disktype\" not found.\nnode/kind-worker not labeled\n"),
        ("kubectl annotate node kind-worker note=x", "node/kind-worker annotated\n"),
        ("kubectl taint nodes kind-worker dedicated=infra:NoSchedule", "node/kind-worker tainted\n"),
        (
            "kubectl taint nodes kind-worker dedicated=infra:NoSchedule",
            "error: node kind-worker already has dedicated taint(s) with same effect(s) and --overwrite is false\n",
        ),
        ("kubectl taint nodes kind-worker dedicated=other:NoSchedule --overwrite", "node/kind-worker modified\n"),
        (
            "kubectl taint nodes kind-worker foo=bar:Sometimes",
            "error: invalid taint effect: Sometimes, unsupported taint effect\nSee 'kubectl taint -h' for help and examples\n",
        ),
        ("kubectl taint nodes kind-worker dedicated:NoSchedule-", "node/kind-worker untainted\n"),
        ("kubectl taint nodes kind-worker dedicated:NoSchedule-", "error: taint \"dedicated:NoSchedule\" not found\n"),
        ("kubectl cordon kind-worker2", "node/kind-worker2 cordoned\n"),
        ("kubectl cordon kind-worker2", "node/kind-worker2 already cordoned\n"),
        ("kubectl uncordon kind-worker2", "node/kind-worker2 uncordoned\n"),
        ("kubectl uncordon kind-worker2", "node/kind-worker2 already uncordoned\n"),
    ];
    for (cmd, want) in cases {
        assert_eq!(&kubectl(&mut s, cmd).text, want, "{cmd}");
    }
    let nodes = kubectl(
        &mut s,
        "kubectl get node kind-worker -o jsonpath={.spec.taints}",
    )
    .text;
    assert_eq!(nodes, "");
}

#[test]
fn drain_refuses_daemonset_pods_without_the_flag() {
    let mut s = Session::new(4);
    let o = kubectl(&mut s, "kubectl drain kind-worker");
    assert!(!o.ok);
    let lines: Vec<&str> = o.text.lines().collect();
    assert_eq!(lines[0], "node/kind-worker cordoned");
    assert!(lines[1].starts_with("error: unable to drain node \"kind-worker\" due to error: cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): kube-system/kindnet-"), "{}", o.text);
    assert_eq!(lines[2], "There are pending nodes to be drained:");
    assert_eq!(lines[3], " kind-worker");
    let o = kubectl(&mut s, "kubectl drain kind-worker --ignore-daemonsets");
    assert!(o.ok, "{}", o.text);
    assert!(o.text.starts_with("node/kind-worker already cordoned\nWarning: ignoring DaemonSet-managed Pods: kube-system/kindnet-"), "{}", o.text);
    assert!(o.text.ends_with("node/kind-worker drained\n"), "{}", o.text);
}

#[test]
fn delete_force_warns_and_waits_for_the_pod() {
    let mut s = Session::new(9);
    run(&mut s, "kubectl run solo --image=nginx:1.25\nsim settle\n");
    let o = kubectl(&mut s, "kubectl delete pod solo --grace-period=0 --force");
    assert_eq!(
        o.text,
        "Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\npod \"solo\" force deleted\n"
    );
    assert_eq!(
        kubectl(&mut s, "kubectl get pod solo").text,
        "Error from server (NotFound): pods \"solo\" not found\n"
    );
    run(&mut s, "kubectl run solo2 --image=nginx:1.25\nsim settle\n");
    assert_eq!(
        kubectl(&mut s, "kubectl delete pod solo2").text,
        "pod \"solo2\" deleted\n"
    );
    assert_eq!(kubectl(&mut s, "kubectl get pods -o name").text, "");
}

#[test]
fn describe_statefulset_has_describe_gos_layout() {
    let mut s = Session::new(8);
    run(&mut s, WEB);
    let d = kubectl(&mut s, "kubectl describe sts web").text;
    // Layout from reference/v1.36/scenarios (describe sts web), creation time aside.
    assert!(
        d.starts_with("Name:               web\nNamespace:          default\nCreationTimestamp:  "),
        "{d}"
    );
    assert!(d.contains("\nSelector:           app=nginx\nLabels:             <none>\nAnnotations:        <none>\nReplicas:           3 desired | "), "{d}");
    assert!(
        d.contains("\nUpdate Strategy:    RollingUpdate\n  Partition:        0\n"),
        "{d}"
    );
    assert!(d.contains("\nPod Template:\n  Labels:  app=nginx\n  Containers:\n   nginx:\n    Image:        registry.k8s.io/nginx-slim:0.24\n    Port:         80/TCP\n    Host Port:    0/TCP\n    Environment:  <none>\n    Mounts:\n      /usr/share/nginx/html from www (rw)\n  Volumes:         <none>\n  Node-Selectors:  <none>\n  Tolerations:     <none>\nVolume Claims:\n  Name:          www\n  StorageClass:  \n  Labels:        <none>\n  Annotations:   <none>\n  Capacity:      1Gi\n  Access Modes:  [ReadWriteOnce]\n"), "{d}");
    run(&mut s, "sim settle\n");
    let p = kubectl(&mut s, "kubectl describe pod web-0").text;
    assert!(p.starts_with("Name:             web-0\nNamespace:        default\nPriority:         0\nService Account:  default\n"), "{p}");
    assert!(p.contains("Controlled By:"), "{p}");
    assert!(p.contains("Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s\n                             node.kubernetes.io/unreachable:NoExecute op=Exists for 300s\n") || p.contains("op=Exists for 300s"), "{p}");
}

#[test]
fn logs_and_exec_behave_like_a_running_container() {
    let mut s = Session::new(6);
    run(&mut s, WEB);
    run(&mut s, "sim settle\n");
    let o = kubectl(&mut s, "kubectl exec web-0 -- hostname");
    assert_eq!(o.text, "web-0\n");
    let o = kubectl(&mut s, "kubectl exec web-0 hostname");
    assert!(
        o.text
            .starts_with("error: you must specify at least one command")
            || o.text.contains("not supported anymore"),
        "{}",
        o.text
    );
    let o = kubectl(&mut s, "kubectl logs web-0");
    assert!(o.ok, "{}", o.text);
    let o = kubectl(&mut s, "kubectl logs nope");
    assert_eq!(
        o.text,
        "Error from server (NotFound): pods \"nope\" not found\n"
    );
}

#[test]
fn help_texts_are_kubectls() {
    let mut s = Session::new(1);
    let o = kubectl(&mut s, "kubectl get --help");
    assert!(
        o.text.starts_with("Display one or many resources.\n"),
        "{}",
        o.text
    );
    let o = kubectl(&mut s, "kubectl rollout status -h");
    assert!(
        o.text.starts_with("Show the status of the rollout."),
        "{}",
        o.text
    );
}

#[test]
fn same_seed_same_transcript() {
    let script = format!(
        "{WEB}kubectl rollout status sts/web\nkubectl get pods -o wide\nkubectl get events\n"
    );
    let a = Session::new(42).run_script(&script, false).text;
    let b = Session::new(42).run_script(&script, false).text;
    assert_eq!(a, b);
}

#[test]
fn files_on_a_persistent_volume_survive_the_pod() {
    let mut s = Session::new(12);
    run(&mut s, WEB);
    run(&mut s, "sim settle\n");
    let o = kubectl(&mut s, "kubectl exec web-0 -- sh -c 'echo hello from web-0 > /usr/share/nginx/html/index.html; echo tmp > /tmp/x'");
    assert!(o.ok, "{}", o.text);
    assert_eq!(
        kubectl(&mut s, "kubectl delete pod web-0").text,
        "pod \"web-0\" deleted\n"
    );
    run(&mut s, "sim settle\n");
    let o = kubectl(
        &mut s,
        "kubectl exec web-0 -- cat /usr/share/nginx/html/index.html",
    );
    assert_eq!(o.text, "hello from web-0\n");
    // The container layer went with the old pod.
    let o = kubectl(&mut s, "kubectl exec web-0 -- cat /tmp/x");
    assert_eq!(
        o.text,
        "cat: /tmp/x: No such file or directory\ncommand terminated with exit code 1\n"
    );
    assert!(!o.ok);
    let o = kubectl(&mut s, "kubectl exec web-1 -- nslookup web-0.nginx");
    assert!(
        o.text
            .contains("Name:\tweb-0.nginx.default.svc.cluster.local\nAddress: 10.244."),
        "{}",
        o.text
    );
}

#[test]
fn get_watch_prints_rows_as_the_cluster_changes() {
    let mut s = Session::new(13);
    run(&mut s, WEB);
    let o = kubectl(&mut s, "kubectl get pods -l app=nginx -w");
    let lines: Vec<&str> = o.text.lines().collect();
    // Nothing existed yet: the header comes with the first row, as kubectl prints it.
    assert!(
        o.text.starts_with(
            "NAME    READY   STATUS    RESTARTS   AGE\nweb-0   0/1     Pending   0          0s\n"
        ),
        "{}",
        o.text
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("web-2   1/1     Running")),
        "{}",
        o.text
    );
    assert!(lines.len() < 200);
}

/// reference/v1.36/f-validation-errors.txt, command by command.
#[test]
fn validation_errors_match_the_reference_transcript() {
    let mut s = Session::new(21);
    run(&mut s, WEB);
    let bad = "kubectl apply -f - <<EOF\napiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: badsel\nspec:\n  serviceName: badsel\n  replicas: 1\n  selector:\n    matchLabels:\n      app: foo\n  template:\n    metadata:\n      labels:\n        app: bar\n    spec:\n      containers:\n      - name: c\n        image: registry.k8s.io/pause:3.10\nEOF\n";
    let t = run(&mut s, bad);
    assert!(t.ends_with("EOF\nThe StatefulSet \"badsel\" is invalid: spec.template.metadata.labels: Invalid value: {\"app\":\"bar\"}: `selector` does not match template `labels`\n"), "{t}");
    let forbidden = "The StatefulSet \"web\" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden\n";
    let cases: &[(&str, &str)] = &[
        (r#"kubectl patch sts web --type=merge -p '{"spec":{"serviceName":"other"}}'"#, forbidden),
        (
            r#"kubectl patch sts web --type=json -p '[{"op":"replace","path":"/spec/volumeClaimTemplates/0/spec/resources/requests/storage","value":"2Gi"}]'"#,
            forbidden,
        ),
        (
            r#"kubectl patch sts web --dry-run=server --type=merge -p '{"spec":{"minReadySeconds":5,"revisionHistoryLimit":3,"persistentVolumeClaimRetentionPolicy":{"whenScaled":"Delete"}}}'"#,
            "statefulset.apps/web patched\n",
        ),
        (
            r#"kubectl patch sts web --type=merge -p '{"spec":{"replicas":-1}}'"#,
            "The StatefulSet \"web\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0\n",
        ),
        (
            r#"kubectl patch sts web --subresource=scale --type=merge -p '{"spec":{"replicas":-1}}'"#,
            "The Scale \"web\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0\n",
        ),
    ];
    for (cmd, want) in cases {
        let o = kubectl(&mut s, cmd);
        assert_eq!(&o.text, want, "{cmd}");
    }
    // The dry run changed nothing.
    assert_eq!(
        kubectl(
            &mut s,
            "kubectl get sts web -o jsonpath={.spec.minReadySeconds}"
        )
        .text,
        ""
    );
}

#[test]
fn shell_glue_used_by_guides_and_transcripts() {
    let mut s = Session::new(1);
    assert_eq!(
        kubectl(
            &mut s,
            "kubectl get ns default -o jsonpath='{.status}'; echo"
        )
        .text,
        "{\"phase\":\"Active\"}\n"
    );
    assert_eq!(
        kubectl(&mut s, "kubectl get ns -o name | grep kube | head -2").text,
        "namespace/kube-node-lease\nnamespace/kube-public\n"
    );
    assert_eq!(
        kubectl(
            &mut s,
            "kubectl delete events --all >/dev/null; echo events cleared"
        )
        .text,
        "events cleared\n"
    );
}

#[test]
fn version_and_scale_not_found_follow_the_reference_client() {
    let mut s = Session::new(1);
    // reference/v1.36/00-cluster.txt (client build suffix aside)
    assert_eq!(
        kubectl(&mut s, "kubectl version").text,
        "Client Version: v1.32.4\nKustomize Version: v5.5.0\nServer Version: v1.36.2\nWARNING: version difference between client (1.32) and server (1.36) exceeds the supported minor version skew of +/-1\n"
    );
    assert_eq!(
        kubectl(&mut s, "kubectl scale sts nope --replicas=1").text,
        "error: no objects passed to scale statefulsets.apps \"nope\" not found\n"
    );
}

/// Odd input never panics: every pair of tokens after each verb, plus a few known troublemakers.
#[test]
fn odd_input_never_panics() {
    let verbs = [
        "get", "describe", "apply", "create", "delete", "scale", "rollout", "set", "label",
        "annotate", "taint", "cordon", "drain", "logs", "exec", "patch", "explain", "run",
        "expose", "wait", "events", "config",
    ];
    let tokens = [
        "",
        "-",
        "--",
        "-o",
        "-ojsonpath={",
        "-o=jsonpath={.a[",
        "pods",
        "po/",
        "/x",
        "sts/web",
        "nodes",
        "kind-worker",
        "a=",
        "=b",
        "k-",
        ":NoSchedule",
        "x=y:NoExecute-",
        "--replicas=",
        "-p",
        "{\"spec\":",
        "é",
        "-l",
        "a in (",
        "--sort-by=.",
        "|",
        "grep",
        ";",
        "--timeout=1s",
        "status",
        "history",
        "-f",
        "-",
    ];
    let mut s = Session::new(99);
    for v in verbs {
        for a in tokens {
            for b in tokens {
                let args: Vec<String> = [v, a, b].iter().map(|x| x.to_string()).collect();
                let _ = kubeplay::kubectl::run(
                    &mut s.sim,
                    &args,
                    Some("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: é\n"),
                );
            }
        }
    }
}

#[test]
fn pipelines_report_greps_status_like_the_shell() {
    let mut s = Session::new(1);
    let o = kubectl(
        &mut s,
        "kubectl get ns -o yaml | grep -n 'name: default' || echo none",
    );
    assert!(o.text.contains(":    name: default\n"), "{}", o.text);
    assert!(o.ok);
    let o = kubectl(
        &mut s,
        "kubectl get ns | grep nothing-here || echo no-match",
    );
    assert_eq!(o.text, "no-match\n");
    let o = kubectl(&mut s, "kubectl get ns nope && echo found");
    assert_eq!(
        o.text,
        "Error from server (NotFound): namespaces \"nope\" not found\n"
    );
    assert!(!o.ok);
}

#[test]
fn command_substitution_feeds_names_to_kubectl() {
    let mut s = Session::new(1);
    let o = kubectl(
        &mut s,
        "kubectl get pod $(kubectl get pods -n kube-system -l k8s-app=kube-proxy -o jsonpath='{.items[0].metadata.name}') -n kube-system -o name",
    );
    assert!(o.text.starts_with("pod/kube-proxy-"), "{}", o.text);
    assert_eq!(o.text.lines().count(), 1);
}

#[test]
fn logs_explain_why_a_container_has_none_yet() {
    let mut s = Session::new(14);
    run(&mut s, "sim image broken nginx:9.9\nkubectl run bad --image=nginx:9.9\nsim advance 10s\nkubectl run slow --image=nginx:1.25\nsim advance 1s\n");
    assert_eq!(
        kubectl(&mut s, "kubectl logs bad").text,
        "Error from server (BadRequest): container \"bad\" in pod \"bad\" is waiting to start: trying and failing to pull image\n"
    );
    assert_eq!(
        kubectl(&mut s, "kubectl logs slow").text,
        "Error from server (BadRequest): container \"slow\" in pod \"slow\" is waiting to start: ContainerCreating\n"
    );
    assert_eq!(
        kubectl(&mut s, "kubectl logs slow -p").text,
        "Error from server (BadRequest): previous terminated container \"slow\" in pod \"slow\" not found\n"
    );
}

#[test]
fn apply_reads_files_and_directories() {
    let dir = std::env::temp_dir().join(format!("kubeplay-kubectl-test-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    std::fs::write(
        dir.join("a.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("b.yml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n",
    )
    .unwrap();
    std::fs::write(dir.join("notes.txt"), "not a manifest").unwrap();
    let mut s = Session::new(1);
    let o = kubectl(&mut s, &format!("kubectl apply -f {}", dir.display()));
    assert_eq!(o.text, "configmap/a created\nconfigmap/b created\n");
    let o = kubectl(
        &mut s,
        &format!("kubectl delete -f {}/a.yaml", dir.display()),
    );
    assert_eq!(o.text, "configmap \"a\" deleted\n");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_list_from_get_o_yaml_applies_item_by_item() {
    let mut s = Session::new(3);
    run(&mut s, "kubectl create configmap one --from-literal=a=1\nkubectl create configmap two --from-literal=b=2\n");
    let yaml = kubectl(&mut s, "kubectl get cm -o yaml").text;
    run(&mut s, "kubectl delete cm one two\n");
    let t = run(&mut s, &format!("kubectl apply -f - <<EOF\n{yaml}EOF\n"));
    assert!(
        t.ends_with("configmap/one created\nconfigmap/two created\n"),
        "{t}"
    );
    assert_eq!(
        kubectl(&mut s, "kubectl get cm two -o jsonpath={.data.b}").text,
        "2"
    );
    let o = kubectl(&mut s, "kubectl port-forward svc/x 8080:80");
    assert!(
        o.text
            .starts_with("error: kubeplay does not simulate `kubectl port-forward`"),
        "{}",
        o.text
    );
}

#[test]
fn generators_print_kubectls_client_side_objects() {
    let mut s = Session::new(1);
    let o = kubectl(
        &mut s,
        "kubectl create deployment web --image=nginx --dry-run=client -o yaml",
    );
    assert_eq!(
        o.text,
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  creationTimestamp: null\n  labels:\n    app: web\n  name: web\nspec:\n  replicas: 1\n  selector:\n    matchLabels:\n      app: web\n  strategy: {}\n  template:\n    metadata:\n      creationTimestamp: null\n      labels:\n        app: web\n    spec:\n      containers:\n      - image: nginx\n        name: nginx\n        resources: {}\nstatus: {}\n"
    );
    assert_eq!(
        kubectl(&mut s, "kubectl get deploy").text,
        "No resources found in default namespace.\n"
    );
    assert_eq!(
        kubectl(&mut s, "kubectl create deployment web --image=nginx").text,
        "deployment.apps/web created\n"
    );
    assert_eq!(
        kubectl(&mut s, "kubectl create deployment web --image=nginx").text,
        "Error from server (AlreadyExists): deployments.apps \"web\" already exists\n"
    );
}

#[test]
fn get_events_watch_prints_new_events_as_they_happen() {
    let mut s = Session::new(15);
    run(&mut s, "kubectl run a --image=nginx:1.25\n");
    let o = kubectl(&mut s, "kubectl get events -w");
    let tail: Vec<&str> = o.text.lines().rev().take(5).collect();
    assert!(
        tail.iter()
            .any(|l| l.contains("Started") && l.contains("pod/a")),
        "{}",
        o.text
    );
    assert!(
        o.text.contains("Scheduled") && o.text.contains("Successfully assigned default/a to "),
        "{}",
        o.text
    );
}

#[test]
fn wait_for_conditions_steps_the_cluster() {
    let mut s = Session::new(16);
    run(&mut s, "kubectl run b --image=nginx:1.25 --labels=app=x\n");
    let o = kubectl(
        &mut s,
        "kubectl wait --for=condition=Ready pod -l app=x --timeout=60s",
    );
    assert_eq!(o.text, "pod/b condition met\n");
    assert_eq!(
        kubectl(&mut s, "kubectl get pod b -o jsonpath={.status.phase}").text,
        "Running"
    );
}

#[test]
fn exec_env_resolves_secret_and_config_map_references() {
    let mut s = Session::new(17);
    let script = "kubectl create secret generic db --from-literal=password=s3cret\nkubectl create configmap cfg --from-literal=MAX_CONNECTIONS=200\nkubectl apply -f - <<EOF\napiVersion: v1\nkind: Pod\nmetadata:\n  name: pg\nspec:\n  containers:\n  - name: pg\n    image: postgres:14\n    envFrom:\n    - configMapRef:\n        name: cfg\n    env:\n    - name: POSTGRES_DB\n      value: mydb\n    - name: POSTGRES_PASSWORD\n      valueFrom:\n        secretKeyRef:\n          name: db\n          key: password\nEOF\nsim settle\n";
    run(&mut s, script);
    let env = kubectl(&mut s, "kubectl exec pg -- env").text;
    for line in [
        "MAX_CONNECTIONS=200\n",
        "POSTGRES_DB=mydb\n",
        "POSTGRES_PASSWORD=s3cret\n",
    ] {
        assert!(env.contains(line), "{line:?} missing:\n{env}");
    }
    assert_eq!(
        kubectl(&mut s, "kubectl exec pg -- printenv POSTGRES_DB").text,
        "mydb\n"
    );
}

/// The reference .watch.txt files were recorded with this command shape.
#[test]
fn custom_columns_watch_with_events_like_the_reference_watches() {
    let mut s = Session::new(18);
    run(&mut s, "kubectl run a --image=nginx:1.25\n");
    let o = kubectl(
        &mut s,
        "kubectl get pods -w --output-watch-events -o 'custom-columns=NAME:.metadata.name,PHASE:.status.phase,READY:.status.conditions[?(@.type==\"Ready\")].status'",
    );
    assert!(o.text.starts_with("EVENT   NAME   PHASE     READY\nADDED   a      Pending   <none>\nMODIFIED   a      Pending"), "{}", o.text);
    assert!(o.text.trim_end().ends_with("Running   True"), "{}", o.text);
}

#[path = "kubectl/coverage.rs"]
mod coverage;

#[path = "kubectl/completion.rs"]
mod completion;

#[path = "kubectl/set_resources.rs"]
mod set_resources;

#[path = "kubectl/taint.rs"]
mod taint;

#[path = "kubectl/drain.rs"]
mod drain;

/// Go's `omitempty` leaves an empty map out: after the last label or annotation is removed,
/// `-o yaml` has no `labels: {}` (the API server never writes one back).
#[test]
fn removing_the_last_label_leaves_no_empty_map_behind() {
    let mut s = Session::new(1);
    let out = run(
        &mut s,
        "kubectl run p --image=nginx\nkubectl label pod p run-\nkubectl annotate pod p a=b\nkubectl annotate pod p a-\nkubectl get pod p -o yaml\n",
    );
    let yaml = out
        .rsplit("kubectl get pod p -o yaml\n")
        .next()
        .unwrap_or_default();
    assert!(!yaml.contains("labels:"), "{yaml}");
    assert!(!yaml.contains("annotations: {}"), "{yaml}");
}

#[path = "kubectl/enums.rs"]
mod enums;

#[path = "kubectl/expose.rs"]
mod expose;

#[path = "kubectl/server_strategy.rs"]
mod server_strategy;

#[path = "kubectl/service_alloc.rs"]
mod service_alloc;

#[path = "kubectl/create_service.rs"]
mod create_service;

/// A controller's pod gets the API server's pod defaults and admission like a pod kubectl
/// creates: `kubectl get pod web-0 -o yaml`'s spec, field for field, as in
/// reference/v1.36/a-sts-create-orderedready.txt (the node name and the token volume's random
/// suffix aside).
#[test]
fn a_statefulset_pods_spec_reads_as_on_a_real_cluster() {
    let mut s = Session::new(1);
    // The tutorial's StatefulSet, as the reference cluster ran it.
    let manifest = format!(
        "kubectl apply -f - <<EOF\n{}EOF\nsim settle\n",
        include_str!("../static/examples/web.yaml")
    );
    run(&mut s, &manifest);
    let yaml = kubectl(&mut s, "kubectl get pod web-0 -o yaml").text;
    let spec = &yaml[yaml.find("\nspec:\n").expect("a spec") + 1
        ..yaml.find("\nstatus:\n").expect("a status") + 1];
    let node = s
        .execute_text("kubectl get pod web-0 -o jsonpath={.spec.nodeName}")
        .text;
    let token = spec
        .split("name: kube-api-access-")
        .nth(1)
        .map(|rest| &rest[..5])
        .expect("the token volume");
    let spec = spec
        .replace(&format!("kube-api-access-{token}"), "kube-api-access-XXXXX")
        .replace(&format!("nodeName: {node}"), "nodeName: NODE");
    assert_eq!(spec, REAL_WEB_0_SPEC);
}

/// `kubectl get pod web-0 -o yaml` on a v1.36 control plane (reference transcript).
const REAL_WEB_0_SPEC: &str = "spec:
  containers:
  - image: registry.k8s.io/nginx-slim:0.24
    imagePullPolicy: IfNotPresent
    name: nginx
    ports:
    - containerPort: 80
      name: web
      protocol: TCP
    resources: {}
    terminationMessagePath: /dev/termination-log
    terminationMessagePolicy: File
    volumeMounts:
    - mountPath: /usr/share/nginx/html
      name: www
    - mountPath: /var/run/secrets/kubernetes.io/serviceaccount
      name: kube-api-access-XXXXX
      readOnly: true
  dnsPolicy: ClusterFirst
  enableServiceLinks: true
  hostname: web-0
  nodeName: NODE
  preemptionPolicy: PreemptLowerPriority
  priority: 0
  restartPolicy: Always
  schedulerName: default-scheduler
  securityContext: {}
  serviceAccount: default
  serviceAccountName: default
  subdomain: nginx
  terminationGracePeriodSeconds: 10
  tolerations:
  - effect: NoExecute
    key: node.kubernetes.io/not-ready
    operator: Exists
    tolerationSeconds: 300
  - effect: NoExecute
    key: node.kubernetes.io/unreachable
    operator: Exists
    tolerationSeconds: 300
  volumes:
  - name: www
    persistentVolumeClaim:
      claimName: www-web-0
  - name: kube-api-access-XXXXX
    projected:
      defaultMode: 420
      sources:
      - serviceAccountToken:
          expirationSeconds: 3607
          path: token
      - configMap:
          items:
          - key: ca.crt
            path: ca.crt
          name: kube-root-ca.crt
      - downwardAPI:
          items:
          - fieldRef:
              apiVersion: v1
              fieldPath: metadata.namespace
            path: namespace
";

/// The API server's own `kubernetes` Service and kube-dns carry the defaults and the
/// allocation record (`clusterIPs`) every Service gets, as `kubectl get svc -o yaml` shows on a
/// kind cluster.
#[test]
fn built_in_services_read_as_on_a_real_cluster() {
    let mut s = Session::new(1);
    let yaml = kubectl(&mut s, "kubectl get svc kubernetes -o yaml").text;
    let spec = &yaml[yaml.find("\nspec:\n").expect("a spec") + 1..];
    assert!(
        spec.starts_with(
            "spec:
  clusterIP: 10.96.0.1
  clusterIPs:
  - 10.96.0.1
  internalTrafficPolicy: Cluster
  ipFamilies:
  - IPv4
  ipFamilyPolicy: SingleStack
  ports:
  - name: https
    port: 443
    protocol: TCP
    targetPort: 6443
  sessionAffinity: None
  type: ClusterIP
"
        ),
        "{spec}"
    );
    let dns = kubectl(&mut s, "kubectl get svc kube-dns -n kube-system -o yaml").text;
    assert!(
        dns.contains("  clusterIP: 10.96.0.10\n  clusterIPs:\n  - 10.96.0.10\n"),
        "{dns}"
    );
}

/// kubectl prints `Priority Class Name:` only for a non-empty class (`len(...) > 0`).
#[test]
fn an_empty_priority_class_name_is_not_described() {
    let mut s = Session::new(1);
    run(
        &mut s,
        "kubectl apply -f - <<EOF
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  priorityClassName: \"\"
  containers: [{name: c, image: nginx:1.27}]
EOF
",
    );
    let out = kubectl(&mut s, "kubectl describe pod p").text;
    assert!(out.contains("Priority:         0\n"), "{out}");
    assert!(!out.contains("Priority Class Name"), "{out}");
}
