//! Guide 001 ("StatefulSet and DaemonSet: Specialized Workloads"): the mongodb StatefulSet,
//! its pod identity box, scaling 3 → 5 → 3, reverse-order updates, fluentbit in kube-system,
//! the "Node Selection" fragment and the command list.

use super::ordering::{assert_created_in_order, assert_deleted_in_reverse_order};
use super::support::*;
use kubeplay::Session;

fn running_mongodb() -> Session {
    let mut s = Session::new(1);
    assert_eq!(
        apply_seed(&mut s, "mongodb.yaml"),
        "statefulset.apps/mongodb created\n"
    );
    ok(&mut s, "sim settle");
    s
}

/// "Deployment: Sequential (0→1→2)": mongodb-1 starts only when mongodb-0 is Running and Ready.
#[test]
fn mongodb_pods_are_created_in_order() {
    let mut s = Session::new(1);
    apply_seed(&mut s, "mongodb.yaml");
    let snaps = watch(&mut s, "app=mongodb", 25);
    assert_created_in_order(&snaps, "mongodb", 1, 2);
    assert_eq!(
        names(snaps.last().unwrap()),
        ["mongodb-0", "mongodb-1", "mongodb-2"]
    );
}

/// The "StatefulSet Pod Identity" box. Hostnames are as shown. The box's claim names
/// (`PVC: mongodb-data-mongodb-0`) are WRONG: a claim is named
/// `<volumeClaimTemplate name>-<pod name>`, and the template is called `data`, so the claims
/// are data-mongodb-0, data-mongodb-1, data-mongodb-2 (stateful_set_utils.go getPersistentVolumeClaimName).
#[test]
fn mongodb_identity_hostnames_and_claim_names() {
    let mut s = running_mongodb();
    for n in 0..3 {
        assert_eq!(
            ok(&mut s, &format!("kubectl exec mongodb-{n} -- hostname")),
            format!("mongodb-{n}\n")
        );
        let claim = ok(
            &mut s,
            &format!("kubectl get pod mongodb-{n} -o jsonpath={{.spec.volumes[0].persistentVolumeClaim.claimName}}"),
        );
        assert_eq!(claim, format!("data-mongodb-{n}"));
    }
    let pvc = ok(&mut s, "kubectl get pvc");
    let claims: Vec<&str> = pvc
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(
        claims,
        ["data-mongodb-0", "data-mongodb-1", "data-mongodb-2"]
    );
    assert!(!pvc.contains("mongodb-data-mongodb"), "{pvc}");
    // No storageClassName in the template: the default class (`standard`) is used, 10Gi each.
    assert!(
        pvc.lines()
            .skip(1)
            .all(|l| l.contains(" Bound ") && l.contains(" 10Gi ") && l.contains(" standard ")),
        "{pvc}"
    );
}

/// "DNS: mongodb-0.mongodb.default.svc" needs the headless Service `mongodb` ("Headless service
/// required"), which the guide does not show. Without it the pods run but the names do not
/// resolve; with static/examples/seeds/mongodb-service.yaml they do.
#[test]
fn mongodb_dns_names_need_the_headless_service() {
    let mut s = running_mongodb();
    let out = fails(
        &mut s,
        "kubectl exec mongodb-0 -- nslookup mongodb-1.mongodb.default.svc",
    );
    assert!(out.contains("NXDOMAIN"), "{out}");
    assert_eq!(
        apply_seed(&mut s, "mongodb-service.yaml"),
        "service/mongodb created\n"
    );
    ok(&mut s, "sim settle");
    let rows = pods(&mut s, "app=mongodb");
    for r in &rows {
        let name = format!("{}.mongodb.default.svc", r.name);
        let out = ok(
            &mut s,
            &format!("kubectl exec mongodb-0 -- nslookup {name}"),
        );
        assert!(
            out.contains(&format!("Address: {}\n", r.ip)),
            "{name}: {out}"
        );
    }
}

/// "Scale up: 3 → 5: Create mongodb-3, wait for mongodb-3 ready, create mongodb-4" and
/// "Scale down: 5 → 3: delete mongodb-4, wait for it to be deleted, delete mongodb-3".
#[test]
fn mongodb_scales_3_to_5_in_order_and_5_to_3_in_reverse() {
    let mut s = running_mongodb();
    assert_eq!(
        ok(&mut s, "kubectl scale statefulset mongodb --replicas=5"),
        "statefulset.apps/mongodb scaled\n"
    );
    let up = watch(&mut s, "app=mongodb", 15);
    assert_created_in_order(&up, "mongodb", 3, 4);
    ok(&mut s, "sim settle");
    ok(&mut s, "kubectl scale statefulset mongodb --replicas=3");
    let down = watch(&mut s, "app=mongodb", 10);
    assert_deleted_in_reverse_order(&down, "mongodb", 4, 3);
    assert_eq!(
        names(&pods(&mut s, "app=mongodb")),
        ["mongodb-0", "mongodb-1", "mongodb-2"]
    );
}

/// "Updates: Reverse order (2→1→0)", each pod replaced only after the one above is Ready.
#[test]
fn mongodb_update_goes_2_then_1_then_0() {
    let mut s = running_mongodb();
    ok(
        &mut s,
        "kubectl set image statefulset/mongodb mongodb=mongo:7.0.14",
    );
    let mut order = Vec::new();
    for _ in 0..40 {
        ok(&mut s, "sim advance 1s");
        let out = ok(&mut s, "kubectl get pods -l app=mongodb -o custom-columns=NAME:.metadata.name,IMAGE:.spec.containers[0].image --no-headers");
        for line in out.lines() {
            let mut f = line.split_whitespace();
            if let (Some(name), Some("mongo:7.0.14")) = (f.next(), f.next()) {
                if !order.iter().any(|o: &String| o == name) {
                    order.push(name.to_string());
                }
            }
        }
    }
    assert_eq!(order, ["mongodb-2", "mongodb-1", "mongodb-0"]);
    let status = ok(&mut s, "kubectl rollout status statefulset mongodb");
    assert!(
        status.ends_with("partitioned roll out complete: 3 new pods have been updated...\n"),
        "{status}"
    );
}

/// fluentbit in kube-system: one pod per worker next to kube-proxy and kindnet, with the
/// requests and limits shown by `kubectl describe daemonset fluentbit -n kube-system`.
#[test]
fn fluentbit_runs_in_kube_system_on_every_worker() {
    let mut s = Session::new(1);
    assert_eq!(
        apply_seed(&mut s, "fluentbit.yaml"),
        "daemonset.apps/fluentbit created\n"
    );
    ok(&mut s, "sim settle");
    let rows = pod_rows(&ok(
        &mut s,
        "kubectl get pods -n kube-system -o wide -l app=fluentbit",
    ));
    assert_eq!(
        nodes_of(&rows),
        ["kind-worker", "kind-worker2", "kind-worker3"]
    );
    assert!(
        pods(&mut s, "app=fluentbit").is_empty(),
        "not in the default namespace"
    );
    let describe = ok(
        &mut s,
        "kubectl describe daemonset fluentbit -n kube-system",
    );
    for line in [
        "Namespace:      kube-system",
        "Desired Number of Nodes Scheduled: 3",
        "Pods Status:  3 Running / 0 Waiting / 0 Succeeded / 0 Failed",
        "    Limits:\n      cpu:     100m\n      memory:  200Mi\n    Requests:\n      cpu:        50m\n      memory:     100Mi\n",
    ] {
        assert!(describe.contains(line), "{line:?} missing:\n{describe}");
    }
    let pod = ok(
        &mut s,
        &format!("kubectl describe pod -n kube-system {}", rows[0].name),
    );
    assert!(
        pod.contains("QoS Class:                   Burstable\n"),
        "requests below limits:\n{pod}"
    );
    // terminationGracePeriodSeconds: 30 reaches the pods.
    let grace = ok(
        &mut s,
        &format!(
            "kubectl get pod -n kube-system {} -o jsonpath={{.spec.terminationGracePeriodSeconds}}",
            rows[0].name
        ),
    );
    assert_eq!(grace, "30");
}

/// "Node Selection": nodeSelector storage: ssd and a toleration for
/// node-role.kubernetes.io/master, commented "Run on master nodes too". The selector works; the
/// comment is WRONG on v1.36: the control plane's taint is node-role.kubernetes.io/control-plane
/// (the `master` taint was removed in v1.25), so even a control-plane node labelled storage=ssd
/// gets no pod.
#[test]
fn node_selection_fragment_selects_ssd_nodes_but_not_the_control_plane() {
    let mut s = Session::new(1);
    apply_seed(&mut s, "fluentbit-storage-ssd.yaml");
    ok(&mut s, "kubectl label node kind-worker3 storage=ssd");
    ok(&mut s, "kubectl label node kind-control-plane storage=ssd");
    ok(&mut s, "sim settle");
    let rows = pod_rows(&ok(
        &mut s,
        "kubectl get pods -n kube-system -o wide -l app=fluentbit",
    ));
    assert_eq!(nodes_of(&rows), ["kind-worker3"]);
    let why = ok(&mut s, "sim why ds/fluentbit -n kube-system");
    assert!(
        why.contains("kind-control-plane")
            && why.contains("node-role.kubernetes.io/control-plane:NoSchedule"),
        "{why}"
    );
}

/// The "Commands" block, in order.
#[test]
fn command_block_works() {
    let mut s = Session::new(1);
    apply_seed(&mut s, "mongodb.yaml");
    apply_seed(&mut s, "mongodb-service.yaml");
    apply_seed(&mut s, "fluentbit.yaml");
    ok(&mut s, "sim settle");
    let get = ok(&mut s, "kubectl get statefulset");
    assert!(get.contains("\nmongodb   3/3 "), "{get}");
    ok(&mut s, "kubectl scale statefulset mongodb --replicas=5");
    // kubectl waits for the rollout; kubeplay runs the cluster while it waits.
    let status = ok(&mut s, "kubectl rollout status statefulset mongodb");
    assert!(
        status.contains("Waiting for 2 pods to be ready...\n"),
        "{status}"
    );
    assert!(
        status.ends_with("partitioned roll out complete: 5 new pods have been updated...\n"),
        "{status}"
    );
    assert!(pods(&mut s, "app=mongodb").iter().all(PodRow::is_ready));
    let ds = ok(&mut s, "kubectl get daemonset");
    assert_eq!(
        ds, "No resources found in default namespace.\n",
        "fluentbit is in kube-system"
    );
    let ds = ok(&mut s, "kubectl get daemonset -n kube-system");
    assert!(ds.contains("\nfluentbit    3         3         3 "), "{ds}");
    let describe = ok(
        &mut s,
        "kubectl describe daemonset fluentbit -n kube-system",
    );
    assert!(
        describe.starts_with("Name:           fluentbit\n"),
        "{describe}"
    );
}

/// The API server records the QoS class in the pod's status (`status.qosClass`), which is what
/// `kubectl get pod -o jsonpath={.status.qosClass}` and `-o yaml` show for fluentbit's pods.
#[test]
fn fluentbit_pod_status_records_qos_class_burstable() {
    let mut s = Session::new(1);
    apply_seed(&mut s, "fluentbit.yaml");
    ok(&mut s, "sim settle");
    let qos = ok(
        &mut s,
        "kubectl get pods -n kube-system -l app=fluentbit -o jsonpath={.items[0].status.qosClass}",
    );
    assert_eq!(qos, "Burstable");
}
