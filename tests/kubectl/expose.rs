//! `kubectl expose` builds the Service as kubectl v1.32 does (expose.go `createService`,
//! polymorphichelpers): the exposed object's labels and selector, every declared port, and
//! kubectl's refusals; `describe svc` shows the external traffic policy of a NodePort.

use super::{kubectl, run};
use kubeplay::Session;

fn service_yaml(s: &mut Session, name: &str) -> String {
    kubectl(s, &format!("kubectl get svc {name} -o yaml")).text
}

#[test]
fn the_service_takes_the_exposed_objects_labels_unless_told_otherwise() {
    let mut s = Session::new(1);
    run(
        &mut s,
        "kubectl create deployment web --image=nginx:1.27 --port=80\n",
    );
    let out = kubectl(&mut s, "kubectl expose deployment web");
    assert_eq!(out.text, "service/web exposed\n");
    let yaml = service_yaml(&mut s, "web");
    assert!(yaml.contains("  labels:\n    app: web\n"), "{yaml}");
    let out = kubectl(
        &mut s,
        "kubectl expose deployment web --name=other --port=8080 -l tier=front",
    );
    assert!(out.ok, "{}", out.text);
    let yaml = service_yaml(&mut s, "other");
    assert!(yaml.contains("  labels:\n    tier: front\n"), "{yaml}");
    assert!(
        yaml.contains("  - port: 8080\n    protocol: TCP\n    targetPort: 8080\n"),
        "{yaml}"
    );
}

#[test]
fn every_declared_port_is_exposed_and_named_when_there_are_several() {
    let mut s = Session::new(1);
    run(
        &mut s,
        "kubectl apply -f - <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: dns
  labels: {app: dns}
spec:
  containers:
  - name: dns
    image: coredns/coredns:1.12.1
    ports:
    - {containerPort: 53, protocol: UDP}
    - {containerPort: 53, protocol: TCP}
    - {containerPort: 9153}
EOF
",
    );
    let out = kubectl(&mut s, "kubectl expose pod dns");
    assert!(out.ok, "{}", out.text);
    let yaml = service_yaml(&mut s, "dns");
    assert!(
        yaml.contains(
            "  ports:
  - name: port-1
    port: 53
    protocol: UDP
    targetPort: 53
  - name: port-2
    port: 53
    protocol: TCP
    targetPort: 53
  - name: port-3
    port: 9153
    protocol: TCP
    targetPort: 9153
"
        ),
        "{yaml}"
    );
}

#[test]
fn what_kubectl_cannot_expose_is_refused_in_its_words() {
    let mut s = Session::new(1);
    run(
        &mut s,
        "kubectl apply -f - <<EOF
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: db, image: postgres:16, ports: [{containerPort: 5432}]}]
---
apiVersion: v1
kind: Pod
metadata: {name: bare}
spec:
  containers: [{name: c, image: nginx:1.27, ports: [{containerPort: 80}]}]
EOF
kubectl run noport --image=nginx:1.27
",
    );
    let out = kubectl(&mut s, "kubectl expose statefulset db --port=5432");
    assert!(!out.ok);
    assert_eq!(out.text, "error: cannot expose a StatefulSet.apps\n");
    let out = kubectl(&mut s, "kubectl expose pod bare");
    assert_eq!(
        out.text,
        "error: couldn't retrieve selectors via --selector flag or introspection: the pod has no labels and cannot be exposed\nSee 'kubectl expose -h' for help and examples\n"
    );
    let out = kubectl(&mut s, "kubectl expose pod noport");
    assert_eq!(
        out.text,
        "error: couldn't find port via --port flag or introspection\nSee 'kubectl expose -h' for help and examples\n"
    );
}

#[test]
fn describe_shows_the_external_traffic_policy_of_a_node_port() {
    let mut s = Session::new(1);
    run(
        &mut s,
        "kubectl create deployment web --image=nginx:1.27 --port=80\nkubectl expose deployment web --type=NodePort\nkubectl expose deployment web --name=inside\n",
    );
    let out = kubectl(&mut s, "kubectl describe svc web").text;
    assert!(
        out.contains(
            "Session Affinity:         None\nExternal Traffic Policy:  Cluster\nInternal Traffic Policy:  Cluster\n"
        ),
        "{out}"
    );
    let out = kubectl(&mut s, "kubectl describe svc inside").text;
    assert!(!out.contains("External Traffic Policy"), "{out}");
}
