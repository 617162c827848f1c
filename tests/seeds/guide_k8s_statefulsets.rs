//! Guide 000 ("Kubernetes_statefulsets"), StatefulSet half: my-statefulset with its headless
//! Service, scaling, update strategies, pod management policy, claim templates, the postgres
//! example and the command list. Each test is one section of the guide.

use super::ordering::{assert_created_in_order, assert_deleted_in_reverse_order};
use super::support::*;
use kubeplay::Session;

fn running_my_statefulset() -> Session {
    let mut s = Session::new(1);
    let out = apply_seed(&mut s, "my-statefulset.yaml");
    assert_eq!(
        out,
        "statefulset.apps/my-statefulset created\nservice/my-headless-service created\n"
    );
    ok(&mut s, "sim settle");
    s
}

fn image_of(s: &mut Session, pod: &str) -> String {
    ok(
        s,
        &format!("kubectl get pod {pod} -o jsonpath={{.spec.containers[0].image}}"),
    )
}

/// "Pods in a StatefulSet get stable names: my-statefulset-0, -1, -2", created in order, with
/// the stable DNS entry my-statefulset-0.my-headless-service.default.svc.cluster.local.
#[test]
fn statefulset_manifest_gives_ordered_stable_names_and_dns() {
    let mut s = Session::new(1);
    apply_seed(&mut s, "my-statefulset.yaml");
    let snaps = watch(&mut s, "app=myapp", 25);
    assert_created_in_order(&snaps, "my-statefulset", 1, 2);
    let rows = pods(&mut s, "app=myapp");
    assert_eq!(
        names(&rows),
        ["my-statefulset-0", "my-statefulset-1", "my-statefulset-2"]
    );
    assert!(rows.iter().all(PodRow::is_ready), "{rows:?}");

    // "clusterIP: None # Makes it headless"
    let svc = ok(&mut s, "kubectl get service my-headless-service");
    assert!(
        svc.lines()
            .nth(1)
            .is_some_and(|l| l.split_whitespace().nth(2) == Some("None")),
        "{svc}"
    );

    // Stable hostnames and DNS entries.
    assert_eq!(
        ok(&mut s, "kubectl exec my-statefulset-0 -- hostname"),
        "my-statefulset-0\n"
    );
    let fqdn = "my-statefulset-0.my-headless-service.default.svc.cluster.local";
    let dns = ok(
        &mut s,
        &format!("kubectl exec my-statefulset-1 -- nslookup {fqdn}"),
    );
    assert!(
        dns.contains(&format!("Name:\t{fqdn}\nAddress: {}\n", rows[0].ip)),
        "{dns}"
    );
}

/// "Scale up: kubectl scale statefulset my-statefulset --replicas=5" then "Scale down (pods are
/// terminated in reverse order: 4, 3, 2...)" to 2, and "kubectl get statefulset my-statefulset".
#[test]
fn scale_up_in_order_and_down_in_reverse_order() {
    let mut s = running_my_statefulset();
    assert_eq!(
        ok(
            &mut s,
            "kubectl scale statefulset my-statefulset --replicas=5"
        ),
        "statefulset.apps/my-statefulset scaled\n"
    );
    let up = watch(&mut s, "app=myapp", 15);
    assert_created_in_order(&up, "my-statefulset", 3, 4);
    ok(&mut s, "sim settle");
    let get = ok(&mut s, "kubectl get statefulset my-statefulset");
    assert!(
        get.lines()
            .nth(1)
            .is_some_and(|l| l.split_whitespace().nth(1) == Some("5/5")),
        "{get}"
    );

    ok(
        &mut s,
        "kubectl scale statefulset my-statefulset --replicas=2",
    );
    let down = watch(&mut s, "app=myapp", 15);
    assert_deleted_in_reverse_order(&down, "my-statefulset", 4, 2);
    let get = ok(&mut s, "kubectl get statefulset my-statefulset");
    assert!(
        get.lines()
            .nth(1)
            .is_some_and(|l| l.split_whitespace().nth(1) == Some("2/2")),
        "{get}"
    );
    let describe = ok(&mut s, "kubectl describe statefulset my-statefulset");
    let deletes: Vec<String> = event_messages(&describe)
        .into_iter()
        .filter(|l| l.contains("SuccessfulDelete"))
        .collect();
    assert_eq!(deletes.len(), 3, "{describe}");
    for (line, n) in deletes.iter().zip([4, 3, 2]) {
        assert!(
            line.ends_with(&format!(
                "Delete Pod my-statefulset-{n} in StatefulSet my-statefulset successful"
            )),
            "{line}"
        );
    }
    // Scaling down keeps the claims (persistentVolumeClaimRetentionPolicy defaults to Retain).
    let pvc = ok(&mut s, "kubectl get pvc");
    for n in 0..5 {
        assert!(pvc.contains(&format!("data-my-statefulset-{n} ")), "{pvc}");
    }
}

/// "Ordered, automated rolling updates: Updates proceed in reverse ordinal order".
#[test]
fn rolling_update_replaces_pods_highest_ordinal_first() {
    let mut s = running_my_statefulset();
    ok(
        &mut s,
        "kubectl set image statefulset/my-statefulset myapp=myapp:v2",
    );
    let mut order: Vec<String> = Vec::new();
    for _ in 0..40 {
        ok(&mut s, "sim advance 1s");
        for n in 0..3 {
            let pod = format!("my-statefulset-{n}");
            let img = s.execute_text(&format!(
                "kubectl get pod {pod} -o jsonpath={{.spec.containers[0].image}}"
            ));
            if img.ok && img.text == "myapp:v2" && !order.contains(&pod) {
                order.push(pod);
            }
        }
    }
    assert_eq!(
        order,
        ["my-statefulset-2", "my-statefulset-1", "my-statefulset-0"]
    );
}

/// "partition: 2 # Only update pods with ordinal >= 2".
#[test]
fn update_strategy_partition_fragment_updates_only_ordinals_from_the_partition() {
    let mut s = running_my_statefulset();
    // The guide's fragment, as a patch (spec.updateStrategy of the StatefulSet).
    ok(
        &mut s,
        r#"kubectl patch statefulset my-statefulset -p '{"spec":{"updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"partition":2}}}}'"#,
    );
    ok(
        &mut s,
        "kubectl set image statefulset/my-statefulset myapp=myapp:v2",
    );
    ok(&mut s, "sim settle");
    assert_eq!(image_of(&mut s, "my-statefulset-0"), "myapp:latest");
    assert_eq!(image_of(&mut s, "my-statefulset-1"), "myapp:latest");
    assert_eq!(image_of(&mut s, "my-statefulset-2"), "myapp:v2");
    // kubectl's statefulset status viewer (polymorphichelpers/rollout_status.go).
    assert_eq!(
        ok(&mut s, "kubectl rollout status statefulset my-statefulset"),
        "partitioned roll out complete: 1 new pods have been updated...\n"
    );
}

/// "Or use OnDelete strategy - pods are only updated when manually deleted".
#[test]
fn update_strategy_ondelete_fragment_updates_a_pod_only_when_it_is_deleted() {
    let mut s = running_my_statefulset();
    // OnDelete takes no rollingUpdate block, so the patch removes the defaulted one.
    ok(
        &mut s,
        r#"kubectl patch statefulset my-statefulset --type=merge -p '{"spec":{"updateStrategy":{"type":"OnDelete","rollingUpdate":null}}}'"#,
    );
    ok(
        &mut s,
        "kubectl set image statefulset/my-statefulset myapp=myapp:v2",
    );
    ok(&mut s, "sim settle");
    for n in 0..3 {
        assert_eq!(
            image_of(&mut s, &format!("my-statefulset-{n}")),
            "myapp:latest"
        );
    }
    ok(&mut s, "kubectl delete pod my-statefulset-1");
    ok(&mut s, "sim settle");
    assert_eq!(image_of(&mut s, "my-statefulset-0"), "myapp:latest");
    assert_eq!(image_of(&mut s, "my-statefulset-1"), "myapp:v2");
    assert_eq!(image_of(&mut s, "my-statefulset-2"), "myapp:latest");
    // ERRATA (v1.36 transcript): rollout status refuses OnDelete.
    let out = fails(&mut s, "kubectl rollout status statefulset my-statefulset");
    assert_eq!(
        out,
        "error: rollout status is only available for RollingUpdate strategy type\n"
    );
}

/// "podManagementPolicy: Parallel # Default is OrderedReady ... Parallel: All pods
/// created/terminated simultaneously". The policy is immutable, so the fragment cannot be patched
/// onto my-statefulset; a set created with it starts all pods at once.
#[test]
fn parallel_fragment_is_immutable_and_a_parallel_set_starts_pods_together() {
    let mut s = running_my_statefulset();
    let out = fails(
        &mut s,
        r#"kubectl patch statefulset my-statefulset -p '{"spec":{"podManagementPolicy":"Parallel"}}'"#,
    );
    // ERRATA.md: the v1.36 Forbidden text.
    assert!(out.contains("The StatefulSet \"my-statefulset\" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"), "{out}");

    apply_seed(&mut s, "my-statefulset-parallel.yaml");
    ok(&mut s, "sim advance 1s");
    let rows = pods(&mut s, "app=myapp-parallel");
    assert_eq!(
        names(&rows),
        [
            "my-statefulset-parallel-0",
            "my-statefulset-parallel-1",
            "my-statefulset-parallel-2"
        ]
    );
    assert!(
        rows.iter().all(|r| !r.is_ready()),
        "none can be ready after 1s: {rows:?}"
    );
    ok(&mut s, "sim settle");
    ok(
        &mut s,
        "kubectl scale statefulset my-statefulset-parallel --replicas=0",
    );
    ok(&mut s, "sim advance 500ms");
    let rows = pods(&mut s, "app=myapp-parallel");
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert!(
        rows.iter().all(|r| r.status == "Terminating"),
        "all terminate together: {rows:?}"
    );
}

/// "Each pod gets its own PVC from the template" with `storageClassName: fast-storage`: on a
/// cluster without that class the first claim waits and nothing else is created.
#[test]
fn claim_template_fragment_with_fast_storage_binds_once_that_class_is_created() {
    let mut s = Session::new(1);
    apply_seed(&mut s, "my-statefulset-fast-storage.yaml");
    ok(&mut s, "sim advance 30s");
    let pvc = ok(&mut s, "kubectl get pvc");
    assert!(
        pvc.contains("data-my-statefulset-fast-0   Pending"),
        "{pvc}"
    );
    assert!(!pvc.contains("data-my-statefulset-fast-1"), "{pvc}");
    let describe = ok(&mut s, "kubectl describe pvc data-my-statefulset-fast-0");
    assert!(
        describe.contains("storageclass.storage.k8s.io \"fast-storage\" not found"),
        "{describe}"
    );

    apply_seed(&mut s, "fast-storage-class.yaml");
    ok(&mut s, "sim advance 60s");
    let pvc = ok(&mut s, "kubectl get pvc");
    for n in 0..3 {
        let row = pvc
            .lines()
            .find(|l| l.starts_with(&format!("data-my-statefulset-fast-{n} ")));
        assert!(
            row.is_some_and(|r| r.contains(" Bound ") && r.contains(" 10Gi ")),
            "claim {n}:\n{pvc}"
        );
    }
}

/// The postgres example: a Secret-backed env var and `fast-storage` claims. With both in
/// place, the three pods run and each has its own 20Gi claim.
#[test]
fn postgres_example_runs_once_its_secret_and_storage_class_exist() {
    let mut s = Session::new(1);
    apply_seed(&mut s, "fast-storage-class.yaml");
    ok(
        &mut s,
        "kubectl create secret generic postgres-secret --from-literal=password=s3cret",
    );
    let out = apply_seed(&mut s, "postgres-statefulset.yaml");
    assert_eq!(
        out,
        "statefulset.apps/postgres-statefulset created\nservice/postgres created\n"
    );
    let snaps = watch(&mut s, "app=postgres", 30);
    assert_created_in_order(&snaps, "postgres-statefulset", 1, 2);
    ok(&mut s, "sim settle");
    assert!(pods(&mut s, "app=postgres").iter().all(PodRow::is_ready));
    let pvc = ok(&mut s, "kubectl get pvc");
    for n in 0..3 {
        let row = pvc
            .lines()
            .find(|l| l.starts_with(&format!("postgres-data-postgres-statefulset-{n} ")));
        assert!(
            row.is_some_and(|r| r.contains(" Bound ")
                && r.contains(" 20Gi ")
                && r.contains(" fast-storage ")),
            "{pvc}"
        );
    }
    let describe = ok(&mut s, "kubectl describe pod postgres-statefulset-0");
    assert!(describe.contains("POSTGRES_PASSWORD:  <set to the key 'password' in secret 'postgres-secret'>  Optional: false"), "{describe}");
}

/// The "Terminal window" command list of the StatefulSet section, in the guide's order.
#[test]
fn statefulset_command_list_works_and_delete_keeps_identity() {
    let mut s = running_my_statefulset();
    let get = ok(&mut s, "kubectl get statefulset");
    assert!(
        get.starts_with("NAME             READY   AGE\nmy-statefulset   3/3 "),
        "{get}"
    );
    let describe = ok(&mut s, "kubectl describe statefulset my-statefulset");
    assert!(
        describe.contains("Replicas:           3 desired | 3 total"),
        "{describe}"
    );
    assert!(
        describe.contains("Pods Status:        3 Running / 0 Waiting / 0 Succeeded / 0 Failed"),
        "{describe}"
    );
    let rows = pods(&mut s, "app=myapp");
    assert_eq!(
        names(&rows),
        ["my-statefulset-0", "my-statefulset-1", "my-statefulset-2"]
    );
    let pvc = ok(&mut s, "kubectl get pvc");
    let claim_volume = |pvc: &str| {
        pvc.lines()
            .find(|l| l.starts_with("data-my-statefulset-0 "))
            .and_then(|l| l.split_whitespace().nth(2))
            .map(str::to_string)
            .unwrap_or_else(|| panic!("no claim data-my-statefulset-0:\n{pvc}"))
    };
    let volume = claim_volume(&pvc);
    ok(&mut s, "kubectl logs my-statefulset-0");
    let uid = ok(
        &mut s,
        "kubectl get pod my-statefulset-0 -o jsonpath={.metadata.uid}",
    );

    // "Delete pod (will be recreated with same identity)"
    assert_eq!(
        ok(&mut s, "kubectl delete pod my-statefulset-0"),
        "pod \"my-statefulset-0\" deleted\n"
    );
    ok(&mut s, "sim settle");
    let again = pods(&mut s, "app=myapp");
    assert_eq!(names(&again), names(&rows));
    assert!(again[0].is_ready());
    assert_ne!(
        ok(
            &mut s,
            "kubectl get pod my-statefulset-0 -o jsonpath={.metadata.uid}"
        ),
        uid
    );
    assert_eq!(
        ok(&mut s, "kubectl get pod my-statefulset-0 -o jsonpath={.spec.volumes[0].persistentVolumeClaim.claimName}"),
        "data-my-statefulset-0"
    );
    assert_eq!(
        claim_volume(&ok(&mut s, "kubectl get pvc")),
        volume,
        "same claim, same volume"
    );
    // The local-path volume lives on one node, so the pod comes back to that node.
    assert_eq!(again[0].node, rows[0].node);

    // "Manually force delete a stuck pod"
    let out = ok(
        &mut s,
        "kubectl delete pod my-statefulset-0 --grace-period=0 --force",
    );
    assert_eq!(out, "Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\npod \"my-statefulset-0\" force deleted\n");
    ok(&mut s, "sim settle");
    assert_eq!(names(&pods(&mut s, "app=myapp")), names(&rows));
    assert_eq!(claim_volume(&ok(&mut s, "kubectl get pvc")), volume);
}

/// Troubleshooting list: "Pod stuck in Pending: kubectl describe pvc <pvc-name> # Check storage
/// class", "Pod stuck in ContainerCreating: kubectl describe pod", "Scaling stuck: kubectl get
/// events --sort-by='.lastTimestamp'".
#[test]
fn troubleshooting_commands_show_the_storage_class_problem() {
    let mut s = Session::new(1);
    apply_seed(&mut s, "postgres-statefulset.yaml");
    ok(&mut s, "sim advance 10s");
    let rows = pods(&mut s, "app=postgres");
    assert_eq!(names(&rows), ["postgres-statefulset-0"]);
    assert_eq!(rows[0].status, "Pending");
    let pvc = ok(
        &mut s,
        "kubectl describe pvc postgres-data-postgres-statefulset-0",
    );
    assert!(
        pvc.contains("StorageClass:  fast-storage\nStatus:        Pending\n"),
        "{pvc}"
    );
    assert!(
        pvc.contains("Used By:       postgres-statefulset-0\n"),
        "{pvc}"
    );
    assert!(pvc.contains("Warning  ProvisioningFailed"), "{pvc}");
    let pod = ok(&mut s, "kubectl describe pod postgres-statefulset-0");
    assert!(
        pod.contains("pod has unbound immediate PersistentVolumeClaims. not found"),
        "{pod}"
    );
    let events = ok(&mut s, "kubectl get events --sort-by='.lastTimestamp'");
    assert!(
        events.contains("storageclass.storage.k8s.io \"fast-storage\" not found"),
        "{events}"
    );
    assert!(events.contains("FailedScheduling"), "{events}");
    // Sorted by lastTimestamp, oldest first: LAST SEEN never grows down the list.
    let ages: Vec<u64> = events
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().next())
        .map(age_seconds)
        .collect();
    assert!(
        ages.windows(2).all(|w| w[0] >= w[1]),
        "not sorted by lastTimestamp: {ages:?}\n{events}"
    );
}

/// `39s`, `2m5s`, `5m` as kubectl prints ages (HumanDuration) → seconds.
fn age_seconds(age: &str) -> u64 {
    let mut total = 0;
    let mut n = 0;
    for c in age.chars() {
        match c {
            '0'..='9' => n = n * 10 + u64::from(c as u8 - b'0'),
            'h' => (total, n) = (total + n * 3600, 0),
            'm' => (total, n) = (total + n * 60, 0),
            's' => (total, n) = (total + n, 0),
            _ => break,
        }
    }
    total
}

/// The postgres template's env: `value:` entries and `valueFrom.secretKeyRef` (and, as the
/// guides' "Secret/ConfigMap" advice goes, `configMapKeyRef`) all reach the container's
/// environment; `printenv NAME` prints just that value.
#[test]
fn secret_and_config_map_env_reach_the_container() {
    let mut s = Session::new(1);
    apply_seed(&mut s, "fast-storage-class.yaml");
    ok(
        &mut s,
        "kubectl create secret generic postgres-secret --from-literal=password=s3cret",
    );
    ok(
        &mut s,
        "kubectl create configmap postgres-config --from-literal=max_connections=200",
    );
    apply_seed(&mut s, "postgres-statefulset.yaml");
    ok(
        &mut s,
        r#"kubectl patch statefulset postgres-statefulset --type=json -p '[{"op":"add","path":"/spec/template/spec/containers/0/env/-","value":{"name":"MAX_CONNECTIONS","valueFrom":{"configMapKeyRef":{"name":"postgres-config","key":"max_connections"}}}}]'"#,
    );
    ok(&mut s, "sim settle");
    let env = ok(&mut s, "kubectl exec postgres-statefulset-0 -- env");
    for line in [
        "POSTGRES_DB=mydb\n",
        "POSTGRES_USER=admin\n",
        "POSTGRES_PASSWORD=s3cret\n",
        "MAX_CONNECTIONS=200\n",
    ] {
        assert!(
            env.contains(line),
            "{line:?} missing from the environment:\n{env}"
        );
    }
    assert_eq!(
        ok(
            &mut s,
            "kubectl exec postgres-statefulset-0 -- printenv POSTGRES_PASSWORD"
        ),
        "s3cret\n"
    );
}

/// The guide's fragments are YAML snippets; `kubectl patch --patch-file FILE` applies one
/// as it is (static/examples/seeds/fragments/).
#[test]
fn update_strategy_fragment_applies_with_patch_file() {
    let mut s = running_my_statefulset();
    let out = ok(
        &mut s,
        &format!(
            "kubectl patch statefulset my-statefulset --patch-file {}",
            seed("fragments/sts-update-partition.yaml")
        ),
    );
    assert_eq!(out, "statefulset.apps/my-statefulset patched\n");
    let partition = ok(
        &mut s,
        "kubectl get sts my-statefulset -o jsonpath={.spec.updateStrategy.rollingUpdate.partition}",
    );
    assert_eq!(partition, "2");
}

/// The guide's fragments (`spec: updateStrategy: ...`) are not manifests: applied alone, kubectl
/// rejects them before sending anything, with its client-side validation message.
#[test]
fn a_fragment_applied_alone_is_rejected_as_kubectl_does() {
    let mut s = Session::new(1);
    let path = seed("fragments/sts-update-partition.yaml");
    let out = fails(&mut s, &format!("kubectl apply -f {path}"));
    assert_eq!(
        out,
        format!("error: error validating \"{path}\": error validating data: [apiVersion not set, kind not set]; if you choose to ignore these errors, turn validation off with --validate=false\n")
    );
}

/// The guide's OnDelete fragment taken literally (`updateStrategy: {type: OnDelete}`) as a patch
/// on a set created with the default RollingUpdate keeps the defaulted `rollingUpdate` block,
/// which the API server refuses for OnDelete (v1.36 transcript SC-51). The fragment file
/// removes that block too.
#[test]
fn ondelete_fragment_as_a_plain_patch_is_refused_while_rolling_update_remains() {
    let mut s = running_my_statefulset();
    let out = fails(
        &mut s,
        r#"kubectl patch statefulset my-statefulset -p '{"spec":{"updateStrategy":{"type":"OnDelete"}}}'"#,
    );
    assert_eq!(out, "The StatefulSet \"my-statefulset\" is invalid: spec.updateStrategy.rollingUpdate: Invalid value: {\"Partition\":0,\"MaxUnavailable\":null}: only allowed for updateStrategy 'RollingUpdate'\n");
}
