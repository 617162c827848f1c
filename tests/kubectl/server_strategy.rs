//! What the API server does to a written object besides validating it, through the verbs a
//! learner uses: a patch is decoded, defaulted and then validated (so a patch that leaves out
//! a defaulted field is not refused for it), a Service that changes type loses the fields the
//! server filled in for the old type (`dropTypeDependentFields`), status is not writable
//! through the main resource (Service status cleared on create, Service and Node status kept
//! on update), the Priority admission plugin resolves priorityClassName, and the Service
//! allocators hand out cluster IPs and node ports as the service storage does.

use super::{ok, out, run};
use kubeplay::Session;

fn stdin(s: &mut Session, verb: &str, manifest: &str) -> kubeplay::Output {
    s.execute_text(&format!("kubectl {verb} -f - <<EOF\n{manifest}EOF"))
}

#[test]
fn a_patch_adding_a_container_or_a_probe_gets_the_defaults_before_validation() {
    let mut s = Session::new(1);
    ok(&mut s, "kubectl create deployment web --image=nginx");
    let o = ok(
        &mut s,
        r#"kubectl patch deploy web -p '{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"busybox","livenessProbe":{"httpGet":{"port":80}}}]}}}}'"#,
    );
    assert_eq!(o, "deployment.apps/web patched\n");
    let sidecar = out(
        &mut s,
        "kubectl get deploy web -o jsonpath={.spec.template.spec.containers[1].terminationMessagePolicy}/{.spec.template.spec.containers[1].livenessProbe.httpGet.scheme}/{.spec.template.spec.containers[1].imagePullPolicy}",
    );
    assert_eq!(sidecar, "File/HTTP/Always");
}

#[test]
fn a_json_patch_removing_a_defaulted_field_is_no_change() {
    let mut s = Session::new(1);
    ok(&mut s, "kubectl create deployment web --image=nginx");
    for path in ["/spec/strategy", "/spec/template/spec/dnsPolicy"] {
        let o = ok(
            &mut s,
            &format!(
                r#"kubectl patch deploy web --type=json -p '[{{"op":"remove","path":"{path}"}}]'"#
            ),
        );
        assert_eq!(o, "deployment.apps/web patched (no change)\n", "{path}");
    }
    let strategy = out(
        &mut s,
        "kubectl get deploy web -o jsonpath={.spec.strategy.type}/{.spec.template.spec.dnsPolicy}",
    );
    assert_eq!(strategy, "RollingUpdate/ClusterFirst");
    // A container port added by JSON patch gets its protocol.
    ok(
        &mut s,
        r#"kubectl patch deploy web --type=json -p '[{"op":"add","path":"/spec/template/spec/containers/0/ports","value":[{"containerPort":80}]}]'"#,
    );
    let ports = out(
        &mut s,
        "kubectl get deploy web -o jsonpath={.spec.template.spec.containers[0].ports}",
    );
    assert_eq!(ports, r#"[{"containerPort":80,"protocol":"TCP"}]"#);
}

#[test]
fn a_service_patched_to_node_port_and_back_to_cluster_ip_is_accepted() {
    let mut s = Session::new(1);
    ok(&mut s, "kubectl create deployment web --image=nginx");
    ok(&mut s, "kubectl expose deployment web --port=80");
    let o = ok(
        &mut s,
        r#"kubectl patch svc web -p '{"spec":{"type":"NodePort"}}'"#,
    );
    assert_eq!(o, "service/web patched\n");
    assert_eq!(
        out(
            &mut s,
            "kubectl get svc web -o jsonpath={.spec.externalTrafficPolicy}"
        ),
        "Cluster"
    );
    ok(
        &mut s,
        r#"kubectl patch svc web --type=merge -p '{"spec":{"type":"LoadBalancer"}}'"#,
    );
    let o = ok(
        &mut s,
        r#"kubectl patch svc web -p '{"spec":{"type":"ClusterIP"}}'"#,
    );
    assert_eq!(o, "service/web patched\n");
    // The server cleared what only NodePort/LoadBalancer use.
    assert_eq!(
        out(&mut s, "kubectl get svc web -o jsonpath={.spec.type}/{.spec.externalTrafficPolicy}/{.spec.ports[0].nodePort}"),
        "ClusterIP//"
    );
}

const S2_NODE_PORT: &str = "apiVersion: v1
kind: Service
metadata: {name: s2}
spec:
  type: NodePort
  selector: {app: web}
  ports: [{port: 80}]
";

#[test]
fn re_applying_a_service_as_cluster_ip_drops_the_node_port_fields() {
    let mut s = Session::new(1);
    assert!(stdin(&mut s, "apply", S2_NODE_PORT).ok);
    let o = stdin(
        &mut s,
        "apply",
        &S2_NODE_PORT.replace("NodePort", "ClusterIP"),
    );
    assert_eq!(o.text, "service/s2 configured\n");
    assert_eq!(
        out(&mut s, "kubectl get svc s2 -o jsonpath={.spec.type}/{.spec.externalTrafficPolicy}/{.spec.ports[0].nodePort}"),
        "ClusterIP//"
    );
    // A user who keeps externalTrafficPolicy in the manifest changed nothing the server
    // may drop, so validation still refuses it, as upstream.
    assert!(stdin(&mut s, "apply", S2_NODE_PORT).ok);
    let o = stdin(
        &mut s,
        "replace",
        &S2_NODE_PORT.replace(
            "type: NodePort",
            "type: ClusterIP\n  externalTrafficPolicy: Local",
        ),
    );
    assert!(!o.ok, "{}", o.text);
    assert!(
        o.text.contains("spec.externalTrafficPolicy: Invalid value: \"Local\": may only be set for externally-accessible services"),
        "{}",
        o.text
    );
}

const LB_WITH_STATUS: &str = "apiVersion: v1
kind: Service
metadata:
  name: lb
spec:
  type: LoadBalancer
  selector: {app: x}
  ports: [{port: 80}]
status:
  loadBalancer:
    ingress:
    - ip: 1.2.3.4
";

#[test]
fn a_service_status_sent_by_the_client_is_dropped_on_create_and_kept_on_patch() {
    let mut s = Session::new(1);
    assert!(stdin(&mut s, "apply", LB_WITH_STATUS).ok);
    let table = out(&mut s, "kubectl get svc lb");
    assert!(table.contains("<pending>"), "{table}");
    assert!(!table.contains("1.2.3.4"), "{table}");
    assert_eq!(
        out(&mut s, "kubectl get svc lb -o jsonpath={.status}"),
        r#"{"loadBalancer":{}}"#
    );
    let o = ok(
        &mut s,
        r#"kubectl patch svc lb -p '{"status":{"loadBalancer":{"ingress":[{"ip":"5.6.7.8"}]}}}'"#,
    );
    assert_eq!(o, "service/lb patched (no change)\n");
    assert!(!out(&mut s, "kubectl get svc lb").contains("5.6.7.8"));
}

#[test]
fn a_node_status_patch_changes_nothing() {
    let mut s = Session::new(1);
    let o = ok(
        &mut s,
        r#"kubectl patch node kind-worker -p '{"status":{"allocatable":{"cpu":"1"}}}'"#,
    );
    assert_eq!(o, "node/kind-worker patched (no change)\n");
    assert_eq!(
        out(
            &mut s,
            "kubectl get node kind-worker -o jsonpath={.status.allocatable.cpu}"
        ),
        "4"
    );
    let o = ok(
        &mut s,
        r#"kubectl patch node kind-worker --type=merge -p '{"status":{"conditions":[{"type":"Ready","status":"False"}]}}'"#,
    );
    assert_eq!(o, "node/kind-worker patched (no change)\n");
    let nodes = run(&mut s, "kubectl get node kind-worker\n");
    assert!(nodes.contains("kind-worker   Ready"), "{nodes}");
}

const REQUESTED_IPS: &str = "apiVersion: v1
kind: Service
metadata: {name: b}
spec:
  clusterIP: \"\"
  ports: [{port: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: c}
spec:
  clusterIP: 10.96.0.23
  ports: [{port: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: e}
spec:
  clusterIPs: [10.96.7.7]
  ports: [{port: 80}]
";

#[test]
fn cluster_ips_are_allocated_reserved_and_never_shared() {
    let mut s = Session::new(1);
    ok(&mut s, "kubectl create service clusterip a --tcp=80");
    assert!(stdin(&mut s, "apply", REQUESTED_IPS).ok);
    ok(&mut s, "kubectl create service clusterip d --tcp=80");
    // An empty clusterIP asks for one; clusterIPs alone is honoured.
    assert_eq!(
        out(
            &mut s,
            "kubectl get svc b -o jsonpath={.spec.clusterIP}/{.spec.clusterIPs[0]}"
        ),
        "10.96.0.22/10.96.0.22"
    );
    assert_eq!(
        out(
            &mut s,
            "kubectl get svc e -o jsonpath={.spec.clusterIP}/{.spec.clusterIPs[0]}"
        ),
        "10.96.7.7/10.96.7.7"
    );
    let ips: Vec<String> = ["a", "b", "c", "d", "e", "kubernetes"]
        .iter()
        .map(|n| {
            out(
                &mut s,
                &format!("kubectl get svc {n} -o jsonpath={{.spec.clusterIP}}"),
            )
        })
        .collect();
    let mut unique = ips.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ips.len(), "{ips:?}");
    // A second Service asking for a held address is refused by the allocator.
    let o = stdin(
        &mut s,
        "apply",
        "apiVersion: v1\nkind: Service\nmetadata: {name: f}\nspec:\n  clusterIP: 10.96.0.23\n  ports: [{port: 80}]\n",
    );
    assert!(!o.ok);
    assert_eq!(
        o.text,
        "The Service \"f\" is invalid: spec.clusterIPs: Invalid value: [\"10.96.0.23\"]: failed to allocate IP 10.96.0.23: provided IP is already allocated\n"
    );
}

#[test]
fn node_port_services_get_a_node_port_from_the_range() {
    let mut s = Session::new(1);
    ok(&mut s, "kubectl create deployment web --image=nginx");
    ok(
        &mut s,
        "kubectl expose deployment web --port=80 --type=NodePort",
    );
    let port: i64 = out(
        &mut s,
        "kubectl get svc web -o jsonpath={.spec.ports[0].nodePort}",
    )
    .parse()
    .expect("a node port");
    assert!((30000..=32767).contains(&port), "{port}");
    let table = out(&mut s, "kubectl get svc web");
    assert!(table.contains(&format!("   80:{port}/TCP   ")), "{table}");
    let d = out(&mut s, "kubectl describe svc web");
    assert!(
        d.contains(&format!(
            "\nNodePort:                 <unset>  {port}/TCP\n"
        )),
        "{d}"
    );
    // Patched to LoadBalancer it keeps the port; a ClusterIP Service patched to NodePort
    // gets one of its own.
    ok(
        &mut s,
        r#"kubectl patch svc web -p '{"spec":{"type":"LoadBalancer"}}'"#,
    );
    assert!(out(&mut s, "kubectl get svc web").contains(&format!("80:{port}/TCP")));
    ok(&mut s, "kubectl create service clusterip other --tcp=81");
    ok(
        &mut s,
        r#"kubectl patch svc other -p '{"spec":{"type":"NodePort"}}'"#,
    );
    let other: i64 = out(
        &mut s,
        "kubectl get svc other -o jsonpath={.spec.ports[0].nodePort}",
    )
    .parse()
    .expect("a node port");
    assert!((30000..=32767).contains(&other) && other != port, "{other}");
}

#[test]
fn a_template_naming_an_unknown_priority_class_fails_each_pod_create() {
    let mut s = Session::new(1);
    let o = stdin(
        &mut s,
        "apply",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  selector: {matchLabels: {app: d}}\n  template:\n    metadata: {labels: {app: d}}\n    spec:\n      priorityClassName: high\n      containers: [{name: c, image: nginx}]\n",
    );
    assert!(o.ok, "{}", o.text);
    ok(&mut s, "sim advance 5s");
    assert_eq!(
        out(&mut s, "kubectl get pods"),
        "No resources found in default namespace.\n"
    );
    let events = out(&mut s, "kubectl get events");
    assert!(
        events.contains("FailedCreate")
            && events.contains("is forbidden: no PriorityClass with name high was found"),
        "{events}"
    );
}

#[test]
fn a_replaced_or_re_applied_service_keeps_its_address_and_node_port() {
    let mut s = Session::new(1);
    let manifest = S2_NODE_PORT.replace("spec:\n", "spec:\n  clusterIP: \"\"\n");
    assert!(stdin(&mut s, "apply", &manifest).ok);
    let query = "kubectl get svc s2 -o jsonpath={.spec.clusterIP}/{.spec.ports[0].nodePort}";
    let before = out(&mut s, query);
    assert!(
        before.starts_with("10.96.") && !before.ends_with('/'),
        "{before}"
    );
    assert!(stdin(&mut s, "apply", &manifest).ok);
    assert_eq!(out(&mut s, query), before);
    let o = stdin(&mut s, "replace", S2_NODE_PORT);
    assert_eq!(o.text, "service/s2 replaced\n");
    assert_eq!(out(&mut s, query), before);
}
