//! The troubleshooting stories of static/examples/troubleshooting/: each script shows a
//! symptom, the message a learner would search for, and a fix. Each test runs the script (twice,
//! for determinism) and checks all three in its transcript.

use super::support::*;

fn get_pods(t: &str, nth: usize) -> Vec<PodRow> {
    pod_rows(&output_of(t, "kubectl get pods", nth))
}

/// (a) The claim waits for a StorageClass that does not exist; creating the class fixes it.
#[test]
fn story_a_claim_pending_until_its_storage_class_is_created() {
    let t = run_story("a-claim-pending-no-storage-class.kubeplay");
    let rows = get_pods(&t, 0);
    assert_eq!(
        names(&rows),
        ["postgres-statefulset-0"],
        "the rest of the set waits"
    );
    assert_eq!(rows[0].status, "Pending");
    let pvc = output_of(&t, "kubectl get pvc", 0);
    assert!(pvc.contains("postgres-data-postgres-statefulset-0   Pending                                      fast-storage"), "{pvc}");
    // The PV controller's message (pv_controller.go provisionClaim → class lookup).
    let describe = output_of(&t, "kubectl describe pvc", 0);
    assert!(
        describe.contains("Warning  ProvisioningFailed")
            && describe.contains("persistentvolume-controller  storageclass.storage.k8s.io \"fast-storage\" not found"),
        "{describe}"
    );
    // The class is missing from the list.
    let classes = output_of(&t, "kubectl get storageclass", 0);
    assert!(!classes.contains("fast-storage"), "{classes}");
    let why = output_of(&t, "sim why", 0);
    assert!(
        why.contains("waiting for postgres-statefulset-0 to be Running and Ready"),
        "{why}"
    );
    // Real v1.36 scheduler text for a claim whose class is unknown (treated as immediate
    // binding; ERRATA.md quotes the trailing " not found").
    assert!(
        why.contains("pod has unbound immediate PersistentVolumeClaims. not found"),
        "{why}"
    );

    // The fix: once the class exists, the scheduler retries the pod (VolumeBinding reacts to
    // StorageClass events), the claim is provisioned and the set proceeds in order.
    let pvc = output_of(&t, "kubectl get pvc", 1);
    assert!(
        pvc.lines()
            .skip(1)
            .filter(|l| l.contains(" Bound "))
            .count()
            == 3,
        "after creating fast-storage every claim should be Bound:\n{pvc}"
    );
    let rows = get_pods(&t, 1);
    assert_eq!(names(&rows).len(), 3, "{rows:?}");
    assert!(rows.iter().all(PodRow::is_ready), "{rows:?}");
}

/// (b) CreateContainerConfigError: `secret "postgres-secret" not found` holds back the
/// OrderedReady set until the Secret is created.
#[test]
fn story_b_missing_secret_blocks_the_set_until_it_is_created() {
    let t = run_story("b-create-container-config-error-secret.kubeplay");
    let rows = get_pods(&t, 0);
    assert_eq!(names(&rows), ["postgres-statefulset-0"]);
    assert_eq!(rows[0].status, "CreateContainerConfigError");
    let describe = output_of(&t, "kubectl describe pod postgres-statefulset-0", 0);
    assert!(describe.contains("      Reason:       CreateContainerConfigError\n      Message:      secret \"postgres-secret\" not found\n"), "{describe}");
    assert!(
        describe.contains("Warning  Failed")
            && describe.contains("kubelet            Error: secret \"postgres-secret\" not found"),
        "{describe}"
    );
    let why = output_of(&t, "sim why", 0);
    assert!(
        why.contains("waiting for postgres-statefulset-0 to be Running and Ready (OrderedReady)"),
        "{why}"
    );
    assert!(
        why.contains("secret \"postgres-secret\" not found"),
        "{why}"
    );

    let rows = get_pods(&t, 1);
    assert_eq!(
        names(&rows),
        [
            "postgres-statefulset-0",
            "postgres-statefulset-1",
            "postgres-statefulset-2"
        ]
    );
    assert!(rows.iter().all(PodRow::is_ready), "{rows:?}");
}

/// (c) A Deployment's replicas share one ReadWriteOnce network disk: the replica on another
/// node waits in ContainerCreating with the attach/detach controller's Multi-Attach error
/// (reconciler.go reportMultiAttachError: `Multi-Attach error for volume %q Volume is already
/// used by pod(s) %s`). One claim per pod (a StatefulSet) fixes it.
#[test]
fn story_c_shared_rwo_claim_gives_multi_attach_error() {
    let t = run_story("c-deployment-shared-rwo-claim.kubeplay");
    let rows = get_pods(&t, 0);
    assert_eq!(rows.len(), 2);
    let running: Vec<&PodRow> = rows.iter().filter(|r| r.is_ready()).collect();
    let stuck: Vec<&PodRow> = rows
        .iter()
        .filter(|r| r.status == "ContainerCreating")
        .collect();
    assert_eq!((running.len(), stuck.len()), (1, 1), "{rows:?}");
    assert_ne!(running[0].node, stuck[0].node, "{rows:?}");
    let describe = output_of(&t, "kubectl describe pod -l app=mysql", 0);
    let stuck_part = describe
        .split(&format!("Name:             {}\n", stuck[0].name))
        .nth(1)
        .unwrap_or("");
    let expected = format!("Volume is already used by pod(s) {}", running[0].name);
    assert!(
        stuck_part.contains("Warning  FailedAttachVolume")
            && stuck_part.contains("attachdetach-controller  Multi-Attach error for volume \"pvc-")
            && stuck_part.contains(&expected),
        "the stuck pod's events should carry the Multi-Attach error:\n{stuck_part}"
    );

    let rows = get_pods(&t, 1);
    assert_eq!(names(&rows), ["mysql-0", "mysql-1"]);
    assert!(rows.iter().all(PodRow::is_ready), "{rows:?}");
    let pvc = output_of(&t, "kubectl get pvc", 0);
    assert!(
        pvc.contains("data-mysql-0 ") && pvc.contains("data-mysql-1 "),
        "{pvc}"
    );
}

/// (d) Scaling stuck behind an unready pod, then a rollout stuck behind a broken image; `sim
/// why` names the pod being waited for; the fixes are making it ready, and reverting the image
/// *and* deleting the broken pod.
#[test]
fn story_d_scaling_and_rollout_stuck_behind_an_unhealthy_pod() {
    let t = run_story("d-scaling-stuck-unready-pod.kubeplay");
    let rows = get_pods(&t, 0);
    assert_eq!(
        names(&rows),
        ["mongodb-0", "mongodb-1", "mongodb-2"],
        "scale to 5 made nothing"
    );
    assert_eq!(
        (rows[2].ready.as_str(), rows[2].status.as_str()),
        ("0/1", "Running")
    );
    let events = output_of(&t, "kubectl get events", 0);
    assert!(events.contains("Warning   Unhealthy   pod/mongodb-2   Readiness probe failed: HTTP probe failed with statuscode: 503"), "{events}");
    let why = output_of(&t, "sim why", 0);
    assert!(
        why.contains("waiting for mongodb-2 to be Running and Ready (OrderedReady)"),
        "{why}"
    );
    let rows = get_pods(&t, 1);
    assert_eq!(names(&rows).len(), 5);
    assert!(rows.iter().all(PodRow::is_ready), "{rows:?}");

    // Rollout: the highest ordinal is replaced first and cannot pull its image.
    let rows = get_pods(&t, 2);
    assert_eq!(rows[4].status, "ImagePullBackOff", "{rows:?}");
    assert!(rows[..4].iter().all(PodRow::is_ready), "{rows:?}");
    let why = output_of(&t, "sim why", 1);
    assert!(
        why.contains("waiting for mongodb-4 to be Running and Ready"),
        "{why}"
    );
    assert!(why.contains("pulling image \"mongo:8.0\" failed"), "{why}");
    // Reverting alone does not replace the broken pod (StatefulSet docs, "Forced rollback").
    let rows = get_pods(&t, 3);
    assert_eq!(rows[4].status, "ImagePullBackOff", "{rows:?}");
    let last = output_of(&t, "kubectl get pods -o custom-columns", 0);
    for n in 0..5 {
        assert!(
            last.contains(&format!("mongodb-{n}   mongo:7.0.14   true")),
            "{last}"
        );
    }
}

/// (e) A new node's taint keeps the DaemonSet off it; `sim why` says which taint; a toleration
/// fixes it.
#[test]
fn story_e_daemonset_skips_a_tainted_new_node_until_tolerated() {
    let t = run_story("e-daemonset-missing-on-tainted-node.kubeplay");
    let get = output_of(&t, "kubectl get daemonset", 0);
    assert!(
        get.contains("logging-agent   3         3         3 "),
        "{get}"
    );
    let rows = pod_rows(&output_of(&t, "kubectl get pods -o wide | grep", 0));
    assert!(rows.iter().all(|r| r.node != "kind-worker4"), "{rows:?}");
    assert_eq!(
        output_of(&t, "kubectl describe node", 0),
        "Taints:             dedicated=gpu:NoSchedule\n"
    );
    let why = output_of(&t, "sim why", 0);
    assert!(
        why.contains("no pod on kind-worker4: taint dedicated=gpu:NoSchedule not tolerated"),
        "{why}"
    );

    let get = output_of(&t, "kubectl get daemonset", 1);
    assert!(
        get.contains("logging-agent   4         4         4       4            4 "),
        "{get}"
    );
    let rows = pod_rows(&output_of(&t, "kubectl get pods -o wide | grep", 1));
    assert_eq!(
        nodes_of(&rows),
        [
            "kind-worker",
            "kind-worker2",
            "kind-worker3",
            "kind-worker4"
        ]
    );
}

/// (f) Logs missing from one node: the agent's nodeSelector leaves it out. The DaemonSet's
/// NODE SELECTOR column and `kubectl get nodes -L disktype` show why; labelling fixes it.
#[test]
fn story_f_log_agent_missing_from_the_apps_node() {
    let t = run_story("f-logs-missing-agent-not-on-node.kubeplay");
    let rows = get_pods(&t, 0);
    let app = rows
        .iter()
        .find(|r| r.name == "checkout")
        .expect("checkout pod");
    let agents: Vec<&PodRow> = rows
        .iter()
        .filter(|r| r.name.starts_with("logging-agent-"))
        .collect();
    assert_eq!(agents.len(), 2);
    assert!(agents.iter().all(|a| a.node != app.node), "{rows:?}");
    let get = output_of(&t, "kubectl get daemonset", 0);
    assert!(
        get.contains(
            "logging-agent   2         2         2       2            2           disktype=ssd"
        ),
        "{get}"
    );
    let labels = output_of(&t, "kubectl get nodes -L disktype", 0);
    assert!(
        labels
            .lines()
            .any(|l| l.starts_with("kind-worker3 ") && !l.trim_end().ends_with("ssd")),
        "{labels}"
    );
    let why = output_of(&t, "sim why", 0);
    assert!(
        why.contains("no pod on kind-worker3: node selector disktype=ssd does not match"),
        "{why}"
    );

    let rows = pod_rows(&output_of(&t, "kubectl get pods -o wide | grep", 0));
    assert_eq!(
        nodes_of(&rows),
        ["kind-worker", "kind-worker2", "kind-worker3"]
    );
}

/// (g) The wrong controller: a Deployment's replacement pod has a new random name and none of
/// the data; a StatefulSet's replacement is mysql-0 again with claim data-mysql-0 and its data.
#[test]
fn story_g_deployment_pod_comes_back_as_a_stranger() {
    let mut s = kubeplay::Session::new(1);
    let tr = s.run_script(&story("g-new-identity-wrong-controller.kubeplay"), false);
    let t = tr.text;
    // Exactly one command fails: reading the data back from the Deployment's new pod.
    assert_eq!(tr.failures.len(), 1, "{:?}\n{t}", tr.failures);
    assert_eq!(
        tr.failures[0].1,
        "kubectl exec deploy/mysql -- cat /var/lib/mysql/marker"
    );

    let before = get_pods(&t, 0);
    let after = get_pods(&t, 1);
    assert_eq!((before.len(), after.len()), (1, 1));
    assert!(before[0].name.starts_with("mysql-") && after[0].name.starts_with("mysql-"));
    assert_ne!(before[0].name, after[0].name, "a new random name");
    assert_eq!(
        output_of(&t, "kubectl exec deploy/mysql -- cat", 0),
        "orders\n"
    );
    let lost = output_of(&t, "kubectl exec deploy/mysql -- cat", 1);
    assert!(
        lost.starts_with("cat: /var/lib/mysql/marker: No such file or directory"),
        "{lost}"
    );
    assert_eq!(
        output_of(&t, "kubectl get pvc", 0),
        "No resources found in default namespace.\n"
    );

    let rows = get_pods(&t, 2);
    assert_eq!(names(&rows), ["mysql-0"]);
    assert_eq!(output_of(&t, "kubectl exec mysql-0 -- cat", 0), "orders\n");
    let pvc = output_of(&t, "kubectl get pvc", 1);
    assert!(
        pvc.contains("data-mysql-0 ") && pvc.contains(" Bound "),
        "{pvc}"
    );
}

/// Every script in static/examples/troubleshooting/ is one of the stories tested above.
#[test]
fn every_story_script_is_tested() {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/static/examples/troubleshooting"
    );
    let mut found: Vec<String> = std::fs::read_dir(dir)
        .expect("troubleshooting directory")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    found.sort();
    assert_eq!(
        found,
        [
            "a-claim-pending-no-storage-class.kubeplay",
            "b-create-container-config-error-secret.kubeplay",
            "c-deployment-shared-rwo-claim.kubeplay",
            "d-scaling-stuck-unready-pod.kubeplay",
            "e-daemonset-missing-on-tainted-node.kubeplay",
            "f-logs-missing-agent-not-on-node.kubeplay",
            "g-new-identity-wrong-controller.kubeplay",
        ]
    );
}

/// (b), while it lasts: the kubelet does not give up on a CreateContainerConfigError. Its pod
/// worker retries a failed sync after backOffPeriod (10 s, jitter up to 50 %; pod_workers.go
/// completeWork), and every retry records the Warning `Failed` event again, so a learner
/// running `kubectl describe pod` a minute later sees it counted (`(xN over ...)`).
#[test]
fn story_b_kubelet_keeps_retrying_a_missing_secret() {
    let mut s = kubeplay::Session::new(1);
    let text = story("b-create-container-config-error-secret.kubeplay");
    let before_fix = text.split("kubectl create secret").next().unwrap_or("");
    let t = s.run_script(before_fix, false);
    assert!(t.failures.is_empty(), "{:?}", t.failures);
    // (xN over ...) on the describe line of the event whose message contains `needle`.
    let repeats = |describe: &str, needle: &str| -> u32 {
        let line = describe
            .lines()
            .find(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("no {needle} event:\n{describe}"));
        line.split("(x")
            .nth(1)
            .and_then(|rest| rest.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("the event should be counted: {line}"))
    };
    let failed = "kubelet            Error: secret \"postgres-secret\" not found";
    let present = "Container image \"postgres:14\" already present on machine";

    ok(&mut s, "sim advance 60s");
    let describe = ok(&mut s, "kubectl describe pod postgres-statefulset-0");
    let first = repeats(&describe, failed);
    // 87 s after the first failure at one retry every 10-15 s.
    assert!((6..=9).contains(&first), "{describe}");
    assert_eq!(repeats(&describe, present), first - 1, "{describe}");

    // Settling does not wait for retries that cannot succeed, and does not stop them either.
    assert_eq!(ok(&mut s, "sim settle"), "settled after 0s at t=1m32s\n(the kubelet keeps retrying what cannot succeed until something changes; `sim advance` lets those retries run, `sim why` says what they wait for)\n");
    ok(&mut s, "sim advance 60s");
    let describe = ok(&mut s, "kubectl describe pod postgres-statefulset-0");
    let later = repeats(&describe, failed);
    assert!(
        (first + 4..=first + 6).contains(&later),
        "{first} then {later}:\n{describe}"
    );
}
