//! The guides' best-practice and "common mistakes" lists, where they make a claim about
//! behaviour: readiness probes, pod disruption budgets, the DaemonSet OnDelete strategy, and
//! "Using StatefulSet for stateless apps ... slows down deployment".

use super::support::*;
use kubeplay::Session;

/// mongodb (guide 001) with a readiness probe added: the guides advise "Use readiness probes",
/// and a pod can only turn unready if it has one.
fn mongodb_with_readiness_probe() -> Session {
    let mut s = Session::new(1);
    apply_seed(&mut s, "mongodb.yaml");
    apply_seed(&mut s, "mongodb-service.yaml");
    ok(
        &mut s,
        r#"kubectl patch statefulset mongodb --type=json -p '[{"op":"add","path":"/spec/template/spec/containers/0/readinessProbe","value":{"tcpSocket":{"port":27017},"periodSeconds":10}}]'"#,
    );
    ok(&mut s, "sim settle");
    assert!(pods(&mut s, "app=mongodb").iter().all(PodRow::is_ready));
    s
}

/// Guide 000: "Use readiness probes: Ensure pods are ready before traffic". An unready pod
/// leaves the headless Service's DNS records (publishNotReadyAddresses is false).
#[test]
fn unready_pod_leaves_the_headless_service_dns() {
    let mut s = mongodb_with_readiness_probe();
    let all = ok(&mut s, "kubectl exec mongodb-0 -- nslookup mongodb");
    assert_eq!(
        all.matches("Name:\tmongodb.default.svc.cluster.local")
            .count(),
        3,
        "{all}"
    );
    ok(&mut s, "sim pod unready mongodb-2");
    ok(&mut s, "sim advance 40s");
    let rows = pods(&mut s, "app=mongodb");
    assert_eq!(
        (rows[2].ready.as_str(), rows[2].status.as_str()),
        ("0/1", "Running")
    );
    let some = ok(&mut s, "kubectl exec mongodb-0 -- nslookup mongodb");
    assert_eq!(
        some.matches("Name:\tmongodb.default.svc.cluster.local")
            .count(),
        2,
        "{some}"
    );
    assert!(
        !some.contains(&format!("Address: {}\n", rows[2].ip)),
        "{some}"
    );
    let gone = fails(
        &mut s,
        "kubectl exec mongodb-0 -- nslookup mongodb-2.mongodb",
    );
    assert!(gone.contains("NXDOMAIN"), "{gone}");
}

/// Guide 000 (DaemonSet best practices): "Consider pod disruption budgets: Prevent service
/// interruption". With one mongodb pod already unready, a budget of maxUnavailable 1 makes
/// `kubectl drain` refuse to evict another; drain retries until its timeout.
#[test]
fn disruption_budget_stops_drain_from_evicting_a_second_pod() {
    let mut s = mongodb_with_readiness_probe();
    script(
        &mut s,
        "kubectl apply -f - <<EOF
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: mongodb
spec:
  maxUnavailable: 1
  selector:
    matchLabels:
      app: mongodb
EOF
sim settle
",
    );
    let pdb = ok(&mut s, "kubectl get pdb mongodb");
    assert!(
        pdb.contains("mongodb   N/A             1                 1 "),
        "{pdb}"
    );
    ok(&mut s, "sim pod unready mongodb-2");
    ok(&mut s, "sim advance 40s");
    let pdb = ok(&mut s, "kubectl get pdb mongodb");
    assert!(
        pdb.contains("mongodb   N/A             1                 0 "),
        "{pdb}"
    );
    let rows = pods(&mut s, "app=mongodb");
    let node = rows[0].node.clone();
    let out = fails(
        &mut s,
        &format!("kubectl drain {node} --ignore-daemonsets --timeout=30s"),
    );
    assert!(out.contains("evicting pod default/mongodb-0\n"), "{out}");
    assert!(out.contains("error when evicting pods/\"mongodb-0\" -n \"default\" (will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget.\n"), "{out}");
    assert!(
        pods(&mut s, "app=mongodb")[0].is_ready(),
        "mongodb-0 keeps running"
    );
}

/// Guide 000: "updateStrategy: type: RollingUpdate # or OnDelete". With OnDelete a template
/// change replaces nothing until a pod is deleted by hand.
#[test]
fn daemonset_ondelete_replaces_only_deleted_pods() {
    let mut s = Session::new(1);
    apply_seed(&mut s, "logging-agent.yaml");
    ok(
        &mut s,
        r#"kubectl patch daemonset logging-agent --type=merge -p '{"spec":{"updateStrategy":{"type":"OnDelete","rollingUpdate":null}}}'"#,
    );
    ok(&mut s, "sim settle");
    let before = pods(&mut s, "app=logging-agent");
    ok(
        &mut s,
        "kubectl set image daemonset/logging-agent fluentd=fluentd:v1.17",
    );
    ok(&mut s, "sim settle");
    assert_eq!(
        pods(&mut s, "app=logging-agent"),
        before,
        "nothing replaced"
    );
    ok(&mut s, &format!("kubectl delete pod {}", before[0].name));
    ok(&mut s, "sim settle");
    let after = pods(&mut s, "app=logging-agent");
    let replaced: Vec<&PodRow> = after.iter().filter(|r| r.node == before[0].node).collect();
    assert_eq!(replaced.len(), 1);
    assert_ne!(replaced[0].name, before[0].name);
    let image = ok(
        &mut s,
        &format!(
            "kubectl get pod {} -o jsonpath={{.spec.containers[0].image}}",
            replaced[0].name
        ),
    );
    assert_eq!(image, "fluentd:v1.17");
    let others = ok(
        &mut s,
        &format!(
            "kubectl get pod {} -o jsonpath={{.spec.containers[0].image}}",
            before[1].name
        ),
    );
    assert_eq!(others, "fluentd:v1.16");
}

/// Guide 003: "Using StatefulSet for stateless apps — adds unnecessary complexity and slows
/// down deployment". Three replicas of the same image: a Deployment starts them together, an
/// OrderedReady StatefulSet one after the other.
#[test]
fn statefulset_for_a_stateless_app_starts_slower_than_a_deployment() {
    let mut s = Session::new(1);
    ok(
        &mut s,
        "kubectl create deployment web --image=nginx:1.27 --replicas=3",
    );
    script(
        &mut s,
        "kubectl apply -f - <<EOF
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web-sts
spec:
  serviceName: web-sts
  replicas: 3
  selector:
    matchLabels: {app: web-sts}
  template:
    metadata:
      labels: {app: web-sts}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
EOF
",
    );
    let ready_after = |snaps: &[Vec<PodRow>]| {
        snaps
            .iter()
            .position(|s| s.len() == 3 && s.iter().all(PodRow::is_ready))
            .map(|i| i + 1)
    };
    let mut deploy = Vec::new();
    let mut sts = Vec::new();
    for _ in 0..20 {
        ok(&mut s, "sim advance 1s");
        deploy.push(pods(&mut s, "app=web"));
        sts.push(pods(&mut s, "app=web-sts"));
    }
    let d = ready_after(&deploy).expect("deployment ready within 20s");
    let t = ready_after(&sts).expect("statefulset ready within 20s");
    assert!(t > d, "StatefulSet ready after {t}s, Deployment after {d}s");
}
