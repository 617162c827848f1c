//! EndpointSlices (discovery.k8s.io/v1): what the EndpointSlice controller writes for a Service
//! and how `kubectl get/describe endpointslices` print it. The yaml layout follows
//! reference/v1.36/scenarios/SC-43.txt and a-sts-create-orderedready.txt.
#![cfg(not(target_arch = "wasm32"))]

use kubeplay::Session;

fn run(s: &mut Session, line: &str) -> String {
    let out = s.execute_text(line);
    assert!(out.ok, "{line} failed: {}", out.text);
    out.text
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
EOF
";

/// A session with the headless `nginx` Service and StatefulSet `web` (3 pods Ready).
fn web_session() -> Session {
    let mut s = Session::new(7);
    let t = s.run_script(WEB, true);
    assert!(t.failures.is_empty(), "{}", t.text);
    run(&mut s, "sim advance 60s");
    s
}

/// The rows of a table (header dropped), split on runs of spaces.
fn rows(table: &str) -> Vec<Vec<String>> {
    table
        .lines()
        .skip(1)
        .map(|l| {
            l.split("   ")
                .map(|c| c.trim().to_string())
                .filter(|c| !c.is_empty())
                .collect()
        })
        .collect()
}

/// `<service>-` plus five characters of the apiserver's generateName alphabet.
fn is_generated_name(name: &str, service: &str) -> bool {
    name.strip_prefix(&format!("{service}-"))
        .is_some_and(|suffix| {
            suffix.len() == 5
                && suffix
                    .chars()
                    .all(|c| "bcdfghjklmnpqrstvwxz2456789".contains(c))
        })
}

#[test]
fn default_cluster_has_slices_for_kube_dns_and_the_api_server() {
    let mut s = Session::new(1);
    run(&mut s, "sim advance 30s");
    let table = run(&mut s, "kubectl get endpointslices -n kube-system");
    assert!(
        table.starts_with(
            "NAME             ADDRESSTYPE   PORTS        ENDPOINTS               AGE\n"
        ),
        "{table}"
    );
    let r = rows(&table);
    assert_eq!(r.len(), 1, "{table}");
    assert!(is_generated_name(&r[0][0], "kube-dns"), "{table}");
    assert_eq!(
        r[0][1..4],
        ["IPv4", "53,53,9153", "10.244.0.2,10.244.3.2"],
        "{table}"
    );
    // The API server writes its own slice, named after the Service, with only `ready`.
    let yaml = run(&mut s, "kubectl get endpointslice kubernetes -o yaml");
    assert!(
        yaml.contains("  conditions:\n    ready: true\nkind: EndpointSlice\n"),
        "{yaml}"
    );
    assert!(
        yaml.contains(
            "  labels:\n    kubernetes.io/service-name: kubernetes\n  name: kubernetes\n"
        ),
        "{yaml}"
    );
    assert!(
        yaml.contains("ports:\n- name: https\n  port: 6443\n  protocol: TCP\n"),
        "{yaml}"
    );
    assert!(!yaml.contains("ownerReferences"), "{yaml}");
}

#[test]
fn headless_service_slice_lists_statefulset_pods_with_hostnames() {
    let mut s = web_session();
    let yaml = run(
        &mut s,
        "kubectl get endpointslices -l kubernetes.io/service-name=nginx -o yaml",
    );
    for i in 0..3 {
        assert!(yaml.contains(&format!("    hostname: web-{i}\n")), "{yaml}");
        assert!(
            yaml.contains(&format!(
                "      kind: Pod\n      name: web-{i}\n      namespace: default\n"
            )),
            "{yaml}"
        );
    }
    assert_eq!(
        yaml.matches("      ready: true\n      serving: true\n      terminating: false\n")
            .count(),
        3,
        "{yaml}"
    );
    assert!(yaml.contains("    generateName: nginx-\n"), "{yaml}");
    assert!(
        yaml.contains(
            "    labels:\n      app: nginx\n      endpointslice.kubernetes.io/managed-by: endpointslice-controller.k8s.io\n      kubernetes.io/service-name: nginx\n      service.kubernetes.io/headless: \"\"\n"
        ),
        "{yaml}"
    );
    assert!(
        yaml.contains("    ownerReferences:\n    - apiVersion: v1\n      blockOwnerDeletion: true\n      controller: true\n      kind: Service\n      name: nginx\n"),
        "{yaml}"
    );
    assert!(
        yaml.contains("    endpoints.kubernetes.io/last-change-trigger-time: "),
        "{yaml}"
    );
    assert!(
        yaml.contains("  ports:\n  - name: web\n    port: 80\n    protocol: TCP\nkind: List\n"),
        "{yaml}"
    );
    // The table: one slice for the Service, its three pod IPs.
    let table = run(
        &mut s,
        "kubectl get endpointslice -l kubernetes.io/service-name=nginx",
    );
    let r = rows(&table);
    assert_eq!(r.len(), 1, "{table}");
    assert!(is_generated_name(&r[0][0], "nginx"), "{table}");
    assert_eq!(r[0][1..3], ["IPv4", "80"], "{table}");
    assert_eq!(r[0][3].split(',').count(), 3, "{table}");
}

#[test]
fn readiness_conditions_follow_the_pod() {
    let mut s = web_session();
    run(&mut s, "sim pod unready web-1");
    run(&mut s, "sim advance 30s");
    let yaml = run(
        &mut s,
        "kubectl get endpointslices -l kubernetes.io/service-name=nginx -o yaml",
    );
    // A not-ready pod stays in the slice with ready and serving false.
    assert!(
        yaml.contains("      ready: false\n      serving: false\n      terminating: false\n    hostname: web-1\n"),
        "{yaml}"
    );
    assert_eq!(yaml.matches("      ready: true\n").count(), 2, "{yaml}");
    // ENDPOINTS lists addresses whatever their conditions.
    let table = run(
        &mut s,
        "kubectl get endpointslices -l kubernetes.io/service-name=nginx",
    );
    assert_eq!(rows(&table)[0][3].split(',').count(), 3, "{table}");
    run(&mut s, "sim pod ready web-1");
    run(&mut s, "sim advance 30s");
    let yaml = run(
        &mut s,
        "kubectl get endpointslices -l kubernetes.io/service-name=nginx -o yaml",
    );
    assert_eq!(
        yaml.matches("      ready: true\n      serving: true\n")
            .count(),
        3,
        "{yaml}"
    );
}

#[test]
fn a_terminating_pod_is_kept_serving_but_not_ready() {
    let mut s = Session::new(3);
    run(&mut s, "kubectl run solo --image=nginx --labels=app=solo");
    run(&mut s, "kubectl expose pod solo --port=80");
    run(&mut s, "sim advance 30s");
    run(&mut s, "kubectl delete pod solo --wait=false");
    run(&mut s, "sim advance 100ms");
    let yaml = run(
        &mut s,
        "kubectl get endpointslices -l kubernetes.io/service-name=solo -o yaml",
    );
    assert!(
        yaml.contains("      ready: false\n      serving: true\n      terminating: true\n"),
        "{yaml}"
    );
    // An unnamed Service port is written with an empty name.
    assert!(
        yaml.contains("  ports:\n  - name: \"\"\n    port: 80\n    protocol: TCP\n"),
        "{yaml}"
    );
    // Once the pod is gone the same slice stays as an empty placeholder.
    let before = rows(&run(
        &mut s,
        "kubectl get endpointslices -l kubernetes.io/service-name=solo",
    ))[0][0]
        .clone();
    run(&mut s, "sim advance 10s");
    let table = run(
        &mut s,
        "kubectl get endpointslices -l kubernetes.io/service-name=solo",
    );
    let r = rows(&table);
    assert_eq!(r[0][0], before, "{table}");
    assert_eq!(r[0][1..4], ["IPv4", "<unset>", "<unset>"], "{table}");
}

#[test]
fn table_shows_three_addresses_then_more_and_unset_for_an_empty_service() {
    let mut s = Session::new(5);
    run(
        &mut s,
        "kubectl create deployment web --image=nginx --replicas=4",
    );
    run(
        &mut s,
        "kubectl expose deployment web --port=80 --target-port=8080",
    );
    run(&mut s, "kubectl create service clusterip empty --tcp=80:80");
    run(&mut s, "sim advance 30s");
    let table = run(&mut s, "kubectl get endpointslices");
    assert!(
        table.starts_with("NAME          ADDRESSTYPE   PORTS     ENDPOINTS                                      AGE\n"),
        "{table}"
    );
    let r = rows(&table);
    assert_eq!(r.len(), 3, "{table}");
    assert!(is_generated_name(&r[0][0], "empty"), "{table}");
    assert_eq!(r[0][1..4], ["IPv4", "<unset>", "<unset>"], "{table}");
    assert_eq!(
        r[1][..4],
        ["kubernetes", "IPv4", "6443", "172.18.0.2"],
        "{table}"
    );
    assert!(is_generated_name(&r[2][0], "web"), "{table}");
    assert_eq!(r[2][2], "8080", "{table}");
    assert!(r[2][3].ends_with(" + 1 more..."), "{table}");
    assert_eq!(
        r[2][3].trim_end_matches(" + 1 more...").split(',').count(),
        3,
        "{table}"
    );
    // An empty Service keeps a placeholder slice: `endpoints: null`, no ports.
    let yaml = run(
        &mut s,
        "kubectl get endpointslices -l kubernetes.io/service-name=empty -o yaml",
    );
    assert!(yaml.contains("  endpoints: null\n"), "{yaml}");
    assert!(!yaml.contains("  ports:"), "{yaml}");
    // Deleting the Service removes its slices (owner reference, garbage collector).
    run(&mut s, "kubectl delete svc web");
    run(&mut s, "sim advance 1s");
    let table = run(&mut s, "kubectl get endpointslices");
    assert_eq!(rows(&table).len(), 2, "{table}");
}

#[test]
fn describe_endpointslice_uses_describe_go_layout() {
    let mut s = web_session();
    let out = run(
        &mut s,
        "kubectl describe endpointslice -l kubernetes.io/service-name=nginx",
    );
    assert!(out.starts_with("Name:         nginx-"), "{out}");
    let expected_tail = "AddressType:  IPv4
Ports:
  Name  Port  Protocol
  ----  ----  --------
  web   80    TCP
Endpoints:
  - Addresses:  ";
    assert!(out.contains(expected_tail), "{out}");
    for i in 0..3 {
        assert!(
            out.contains(&format!("    Conditions:\n      Ready:    true\n    Hostname:   web-{i}\n    TargetRef:  Pod/web-{i}\n    NodeName:   kind-worker")),
            "{out}"
        );
    }
    assert!(out.contains("    Zone:       <unset>\n"), "{out}");
    let mut s = Session::new(2);
    run(&mut s, "kubectl create service clusterip empty --tcp=80:80");
    run(&mut s, "sim advance 1s");
    let out = run(
        &mut s,
        "kubectl describe endpointslices -l kubernetes.io/service-name=empty",
    );
    assert!(
        out.contains("AddressType:  IPv4\nPorts: <unset>\nEndpoints: <none>\n"),
        "{out}"
    );
}

#[test]
fn endpointslices_are_a_known_resource() {
    let mut s = Session::new(1);
    let out = s.execute_text("kubectl get endpointslice nope");
    assert_eq!(
        out.text,
        "Error from server (NotFound): endpointslices.discovery.k8s.io \"nope\" not found\n"
    );
    let out = run(&mut s, "kubectl api-resources --api-group=discovery.k8s.io");
    assert_eq!(
        out,
        "NAME             SHORTNAMES   APIVERSION            NAMESPACED   KIND\n\
endpointslices                discovery.k8s.io/v1   true         EndpointSlice\n"
    );
}
