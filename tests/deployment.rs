//! Deployments and ReplicaSets: names, parallel creation, rolling updates with 25% rounding,
//! Recreate, scaling, revisions, conditions; PodDisruptionBudget status; and the same pod
//! template run as a Deployment, a StatefulSet and a DaemonSet side by side.

use kubeplay::engine::model::*;
use kubeplay::engine::store::ObjectKey;
use kubeplay::engine::time::SimDuration;
use kubeplay::{Session, Sim};

fn web(replicas: u32, strategy: &str) -> String {
    format!(
        r#"kubectl apply -f - <<EOF
apiVersion: apps/v1
kind: Deployment
metadata: {{name: web, namespace: default}}
spec:
  replicas: {replicas}
  {strategy}
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec:
      containers:
      - {{name: web, image: "nginx:1.27"}}
EOF
"#
    )
}

fn run(session: &mut Session, script: &str) -> String {
    let t = session.run_script(script, false);
    assert!(t.failures.is_empty(), "script failed: {}", t.text);
    t.text
}

fn deployment(sim: &Sim) -> Deployment {
    sim.store()
        .get::<Deployment>("default", "web")
        .cloned()
        .expect("deployment")
}

fn replica_sets(sim: &Sim) -> Vec<ReplicaSet> {
    let mut v: Vec<ReplicaSet> = sim
        .store()
        .list_in::<ReplicaSet>("default")
        .cloned()
        .collect();
    v.sort_by_key(|r| r.metadata.creation_timestamp);
    v
}

fn pods_of(sim: &Sim, rs: &str) -> Vec<Pod> {
    sim.store()
        .list_in::<Pod>("default")
        .filter(|p| p.metadata.controller_ref().is_some_and(|r| r.name == rs))
        .cloned()
        .collect()
}

fn events_of(sim: &Sim, kind: &str, name: &str) -> Vec<String> {
    let mut list: Vec<&Event> = sim
        .store()
        .list::<Event>()
        .filter(|e| e.involved_object.kind == kind && e.involved_object.name == name)
        .collect();
    list.sort_by_key(|e| {
        (
            e.first_timestamp,
            e.metadata.resource_version.parse::<u64>().unwrap_or(0),
        )
    });
    list.iter()
        .map(|e| format!("{} {}", e.reason, e.message))
        .collect()
}

fn condition(d: &Deployment, type_: &str) -> (String, String, String) {
    let c = d
        .status
        .conditions
        .iter()
        .find(|c| c.type_ == type_)
        .expect("condition");
    (
        c.status.clone(),
        c.reason.clone().unwrap_or_default(),
        c.message.clone().unwrap_or_default(),
    )
}

fn suffix_ok(s: &str, alphabet: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| alphabet.contains(c))
}

#[test]
fn deployment_creates_a_hashed_replica_set_whose_pods_start_in_parallel() {
    let mut s = Session::new(5);
    run(&mut s, &web(3, ""));
    s.sim.advance_by(SimDuration::ZERO);
    let rss = replica_sets(&s.sim);
    assert_eq!(rss.len(), 1);
    let rs = &rss[0];
    let hash = rs.metadata.name.strip_prefix("web-").expect("web-<hash>");
    assert!(suffix_ok(hash, "456789bcdf"), "{hash}");
    assert_eq!(
        rs.spec
            .template
            .metadata
            .labels()
            .get("pod-template-hash")
            .map(String::as_str),
        Some(hash)
    );
    let a = rs.metadata.annotations();
    assert_eq!(
        a.get("deployment.kubernetes.io/revision")
            .map(String::as_str),
        Some("1")
    );
    assert_eq!(
        a.get("deployment.kubernetes.io/desired-replicas")
            .map(String::as_str),
        Some("3")
    );
    assert_eq!(
        a.get("deployment.kubernetes.io/max-replicas")
            .map(String::as_str),
        Some("4")
    );
    // All three pods exist at once (no ordinals, no waiting), named <rs>-<5 random>.
    let pods = pods_of(&s.sim, &rs.metadata.name);
    assert_eq!(pods.len(), 3);
    for p in &pods {
        let rest = p
            .metadata
            .name
            .strip_prefix(&format!("{}-", rs.metadata.name))
            .expect("prefix");
        assert!(
            rest.len() == 5 && suffix_ok(rest, "bcdfghjklmnpqrstvwxz2456789"),
            "{}",
            p.metadata.name
        );
    }
    assert_eq!(
        events_of(&s.sim, "Deployment", "web"),
        [format!(
            "ScalingReplicaSet Scaled up replica set {} from 0 to 3",
            rs.metadata.name
        )]
    );
    let created = events_of(&s.sim, "ReplicaSet", &rs.metadata.name);
    assert_eq!(created.len(), 3);
    assert!(created.iter().all(|e| e.starts_with(&format!(
        "SuccessfulCreate Created pod: {}-",
        rs.metadata.name
    ))));
    // Created, then progressing as the ReplicaSet reports its pods.
    let (_, reason, message) = condition(&deployment(&s.sim), "Progressing");
    assert!(
        (reason == "NewReplicaSetCreated"
            && message == format!("Created new replica set \"{}\"", rs.metadata.name))
            || (reason == "ReplicaSetUpdated"
                && message == format!("ReplicaSet \"{}\" is progressing.", rs.metadata.name)),
        "{reason}: {message}"
    );

    s.sim.settle();
    let d = deployment(&s.sim);
    assert_eq!(
        (
            d.status.replicas,
            d.status.ready_replicas,
            d.status.available_replicas,
            d.status.updated_replicas
        ),
        (3, 3, 3, 3)
    );
    assert_eq!(
        d.metadata
            .annotations()
            .get("deployment.kubernetes.io/revision")
            .map(String::as_str),
        Some("1")
    );
    assert_eq!(
        condition(&d, "Available"),
        (
            "True".into(),
            "MinimumReplicasAvailable".into(),
            "Deployment has minimum availability.".into()
        )
    );
    assert_eq!(
        condition(&d, "Progressing"),
        (
            "True".into(),
            "NewReplicaSetAvailable".into(),
            format!(
                "ReplicaSet \"{}\" has successfully progressed.",
                rs.metadata.name
            )
        )
    );
    // No progress-deadline timer is left behind by a healthy rollout.
    assert!(
        s.sim.now() < kubeplay::engine::time::SimTime(120_000),
        "settled at {:?}",
        s.sim.now()
    );
}

/// Steps the cluster until quiet, tracking the most pods that existed (not terminating) and the
/// fewest available ones while the rollout ran.
fn watch_rollout(sim: &mut Sim) -> (i32, i32) {
    let (mut most, mut fewest) = (0, i32::MAX);
    for _ in 0..500_000 {
        let pods = sim
            .store()
            .list_in::<Pod>("default")
            .filter(|p| {
                p.metadata.labels().get("app").map(String::as_str) == Some("web")
                    && !p.metadata.is_terminating()
            })
            .count() as i32;
        most = most.max(pods);
        fewest = fewest.min(deployment(sim).status.available_replicas);
        if sim.step() == kubeplay::engine::StepOutcome::Idle {
            return (most, fewest);
        }
    }
    panic!("rollout did not finish");
}

#[test]
fn rolling_update_rounds_surge_up_and_unavailable_down() {
    // 4 replicas, 25%/25%: surge 1, unavailable 1 -> at most 5 pods, at least 3 available.
    let mut s = Session::new(6);
    run(&mut s, &web(4, ""));
    s.sim.settle();
    let old = replica_sets(&s.sim)[0].metadata.name.clone();
    run(&mut s, "kubectl set image deploy/web web=nginx:1.28\n");
    let (most, fewest) = watch_rollout(&mut s.sim);
    assert!(most <= 5, "at most replicas + maxSurge pods, saw {most}");
    assert!(
        fewest >= 3,
        "at least replicas - maxUnavailable available, saw {fewest}"
    );
    let rss = replica_sets(&s.sim);
    assert_eq!(rss.len(), 2);
    let new = rss.iter().find(|r| r.metadata.name != old).expect("new rs");
    assert_eq!(new.spec.replicas, Some(4));
    assert_eq!(
        rss.iter()
            .find(|r| r.metadata.name == old)
            .and_then(|r| r.spec.replicas),
        Some(0),
        "old kept at 0"
    );
    assert_eq!(
        new.metadata
            .annotations()
            .get("deployment.kubernetes.io/revision")
            .map(String::as_str),
        Some("2")
    );
    let events = events_of(&s.sim, "Deployment", "web");
    assert!(
        events
            .iter()
            .any(|e| e == &format!("ScalingReplicaSet Scaled down replica set {old} from 4 to 3")),
        "{events:?}"
    );
    assert!(events.iter().any(|e| e.starts_with(&format!(
        "ScalingReplicaSet Scaled up replica set {} from 0 to 1",
        new.metadata.name
    ))));

    // 3 replicas: surge ceil(0.75) = 1, unavailable floor(0.75) = 0 -> never below 3 available.
    let mut s = Session::new(7);
    run(&mut s, &web(3, ""));
    s.sim.settle();
    run(&mut s, "kubectl set image deploy/web web=nginx:1.28\n");
    let (most, fewest) = watch_rollout(&mut s.sim);
    assert_eq!((most, fewest), (4, 3));
}

#[test]
fn rollback_reuses_the_old_replica_set_as_the_newest_revision() {
    let mut s = Session::new(8);
    run(&mut s, &web(2, ""));
    s.sim.settle();
    let first = replica_sets(&s.sim)[0].metadata.name.clone();
    run(&mut s, "kubectl set image deploy/web web=nginx:1.28\n");
    s.sim.settle();
    run(&mut s, "kubectl set image deploy/web web=nginx:1.27\n");
    s.sim.settle();
    assert_eq!(replica_sets(&s.sim).len(), 2, "no third ReplicaSet");
    let rs = s
        .sim
        .store()
        .get::<ReplicaSet>("default", &first)
        .expect("first rs")
        .clone();
    assert_eq!(rs.spec.replicas, Some(2));
    let a = rs.metadata.annotations();
    assert_eq!(
        a.get("deployment.kubernetes.io/revision")
            .map(String::as_str),
        Some("3")
    );
    assert_eq!(
        a.get("deployment.kubernetes.io/revision-history")
            .map(String::as_str),
        Some("1")
    );
    assert_eq!(
        deployment(&s.sim)
            .metadata
            .annotations()
            .get("deployment.kubernetes.io/revision")
            .map(String::as_str),
        Some("3")
    );
}

#[test]
fn recreate_removes_every_old_pod_before_starting_new_ones() {
    let mut s = Session::new(9);
    run(&mut s, &web(3, "strategy: {type: Recreate}"));
    s.sim.settle();
    run(&mut s, "kubectl set image deploy/web web=nginx:1.28\n");
    let mut overlap = false;
    for _ in 0..500_000 {
        let images: Vec<String> = s
            .sim
            .store()
            .list_in::<Pod>("default")
            .filter(|p| p.metadata.labels().get("app").map(String::as_str) == Some("web"))
            .map(|p| p.spec.containers[0].image.clone())
            .collect();
        if images.iter().any(|i| i == "nginx:1.27") && images.iter().any(|i| i == "nginx:1.28") {
            overlap = true;
        }
        if s.sim.step() == kubeplay::engine::StepOutcome::Idle {
            break;
        }
    }
    assert!(!overlap, "old and new pods never coexist under Recreate");
    let d = deployment(&s.sim);
    assert_eq!(
        (d.status.updated_replicas, d.status.available_replicas),
        (3, 3)
    );
}

#[test]
fn scaling_changes_only_the_active_replica_set() {
    let mut s = Session::new(10);
    run(&mut s, &web(3, ""));
    s.sim.settle();
    let rs = replica_sets(&s.sim)[0].metadata.name.clone();
    run(&mut s, "kubectl scale deploy/web --replicas=5\n");
    s.sim.settle();
    assert_eq!(pods_of(&s.sim, &rs).len(), 5);
    run(&mut s, "kubectl scale deploy/web --replicas=1\n");
    s.sim.settle();
    assert_eq!(pods_of(&s.sim, &rs).len(), 1);
    let events = events_of(&s.sim, "Deployment", "web");
    assert!(
        events.contains(&format!(
            "ScalingReplicaSet Scaled up replica set {rs} from 3 to 5"
        )),
        "{events:?}"
    );
    assert!(
        events.contains(&format!(
            "ScalingReplicaSet Scaled down replica set {rs} from 5 to 1"
        )),
        "{events:?}"
    );
    assert_eq!(
        replica_sets(&s.sim).len(),
        1,
        "scaling does not make a new ReplicaSet"
    );
    let deletes = events_of(&s.sim, "ReplicaSet", &rs)
        .iter()
        .filter(|e| e.starts_with("SuccessfulDelete Deleted pod: "))
        .count();
    assert_eq!(deletes, 4);
}

#[test]
fn a_deleted_replica_set_pod_is_replaced_at_once_with_a_new_name() {
    let mut s = Session::new(11);
    run(&mut s, &web(2, ""));
    s.sim.settle();
    let rs = replica_sets(&s.sim)[0].metadata.name.clone();
    let victim = pods_of(&s.sim, &rs)[0].metadata.name.clone();
    s.sim.delete_object(
        &ObjectKey::new(Kind::Pod, "default", &victim),
        None,
        Default::default(),
    );
    s.sim.advance_by(SimDuration::ZERO);
    // Unlike a DaemonSet or StatefulSet, the ReplicaSet does not wait for the old pod to go.
    let live: Vec<Pod> = pods_of(&s.sim, &rs)
        .into_iter()
        .filter(|p| !p.metadata.is_terminating())
        .collect();
    assert_eq!(live.len(), 2);
    assert!(live.iter().all(|p| p.metadata.name != victim));
}

#[test]
fn a_stuck_rollout_reports_progress_deadline_exceeded() {
    let mut s = Session::new(12);
    run(&mut s, &web(2, "progressDeadlineSeconds: 60"));
    s.sim.settle();
    s.sim
        .faults_mut()
        .broken_images
        .insert("nginx:broken".into());
    run(&mut s, "kubectl set image deploy/web web=nginx:broken\n");
    s.sim.advance_by(SimDuration::from_secs(90));
    let d = deployment(&s.sim);
    let (status, reason, message) = condition(&d, "Progressing");
    assert_eq!(
        (status.as_str(), reason.as_str()),
        ("False", "ProgressDeadlineExceeded")
    );
    assert!(message.ends_with("has timed out progressing."), "{message}");
    // The old pods keep serving: 25% of 2 rounds down to 0 unavailable.
    assert_eq!(d.status.available_replicas, 2);
}

#[test]
fn pod_disruption_budget_status_counts_healthy_pods() {
    let mut s = Session::new(13);
    run(&mut s, &web(3, ""));
    s.sim.settle();
    let pdb = |min: &str| {
        format!(
            "kubectl apply -f - <<EOF\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {{name: web-pdb, namespace: default}}\nspec:\n  {min}\n  selector: {{matchLabels: {{app: web}}}}\nEOF\n"
        )
    };
    run(&mut s, &pdb("minAvailable: 2"));
    s.sim.settle();
    let st = s
        .sim
        .store()
        .get::<PodDisruptionBudget>("default", "web-pdb")
        .expect("pdb")
        .status
        .clone();
    assert_eq!(
        (
            st.expected_pods,
            st.current_healthy,
            st.desired_healthy,
            st.disruptions_allowed
        ),
        (3, 3, 2, 1)
    );
    let cond = s
        .sim
        .store()
        .get::<PodDisruptionBudget>("default", "web-pdb")
        .expect("pdb")
        .status
        .conditions
        .clone();
    assert_eq!(
        cond.iter()
            .map(|c| (c.type_.as_str(), c.status.as_str(), c.reason.as_str()))
            .collect::<Vec<_>>(),
        [("DisruptionAllowed", "True", "SufficientPods")]
    );
    run(&mut s, &pdb("maxUnavailable: 50%"));
    s.sim.settle();
    let st = s
        .sim
        .store()
        .get::<PodDisruptionBudget>("default", "web-pdb")
        .expect("pdb")
        .status
        .clone();
    // 50% of 3 rounds up to 2 unavailable: desired 1, allowed 2.
    assert_eq!(
        (
            st.expected_pods,
            st.current_healthy,
            st.desired_healthy,
            st.disruptions_allowed
        ),
        (3, 3, 1, 2)
    );
    assert_eq!(
        st.observed_generation,
        Some(
            s.sim
                .store()
                .get::<PodDisruptionBudget>("default", "web-pdb")
                .expect("pdb")
                .metadata
                .generation
        )
    );
}

#[test]
fn a_deployment_shares_one_claim_across_all_its_replicas() {
    let mut s = Session::new(14);
    run(
        &mut s,
        r#"kubectl apply -f - <<EOF
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: shared, namespace: default}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
EOF
kubectl apply -f - <<EOF
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: web, image: "nginx:1.27", volumeMounts: [{name: data, mountPath: /data}]}
      volumes:
      - {name: data, persistentVolumeClaim: {claimName: shared}}
EOF
"#,
    );
    s.sim.advance_by(SimDuration::from_secs(30));
    let claims: Vec<String> = s
        .sim
        .store()
        .list_in::<Pod>("default")
        .filter(|p| p.metadata.labels().get("app").map(String::as_str) == Some("web"))
        .flat_map(|p| {
            p.spec.volumes.iter().filter_map(|v| {
                v.persistent_volume_claim
                    .as_ref()
                    .map(|c| c.claim_name.clone())
            })
        })
        .collect();
    assert_eq!(claims, ["shared", "shared", "shared"]);
    assert_eq!(
        s.sim
            .store()
            .list_in::<PersistentVolumeClaim>("default")
            .count(),
        1,
        "no per-pod claims"
    );
}

/// The same pod template as a Deployment, a StatefulSet and a DaemonSet on one default cluster
/// (a tainted control plane and three workers): names, creation order, placement and storage.
#[test]
fn one_template_three_workloads() {
    let template = |app: &str, volumes: &str| {
        format!(
            "  selector: {{matchLabels: {{app: {app}}}}}
  template:
    metadata: {{labels: {{app: {app}}}}}
    spec:
      containers:
      - name: web
        image: \"nginx:1.27\"
        volumeMounts: [{{name: data, mountPath: /data}}]
{volumes}"
        )
    };
    let empty_dir = "      volumes: [{name: data, emptyDir: {}}]\n";
    let script = format!(
        "kubectl apply -f - <<EOF
apiVersion: apps/v1
kind: Deployment
metadata: {{name: web-deploy, namespace: default}}
spec:
  replicas: 3
{deploy}EOF
kubectl apply -f - <<EOF
apiVersion: v1
kind: Service
metadata: {{name: web-sts, namespace: default}}
spec:
  clusterIP: None
  selector: {{app: web-sts}}
  ports: [{{port: 80}}]
EOF
kubectl apply -f - <<EOF
apiVersion: apps/v1
kind: StatefulSet
metadata: {{name: web-sts, namespace: default}}
spec:
  serviceName: web-sts
  replicas: 3
{sts}  volumeClaimTemplates:
  - metadata: {{name: data}}
    spec:
      accessModes: [ReadWriteOnce]
      resources: {{requests: {{storage: 1Gi}}}}
EOF
kubectl apply -f - <<EOF
apiVersion: apps/v1
kind: DaemonSet
metadata: {{name: web-ds, namespace: default}}
spec:
{ds}EOF
",
        deploy = template("web-deploy", empty_dir),
        sts = template("web-sts", ""),
        ds = template("web-ds", empty_dir),
    );
    let mut s = Session::new(42);
    run(&mut s, &script);
    s.sim.settle();
    let pods = |sim: &Sim, app: &str| -> Vec<Pod> {
        let mut v: Vec<Pod> = sim
            .store()
            .list_in::<Pod>("default")
            .filter(|p| p.metadata.labels().get("app").map(String::as_str) == Some(app))
            .cloned()
            .collect();
        v.sort_by_key(|p| (p.metadata.creation_timestamp, p.metadata.name.clone()));
        v
    };
    let (deploy, sts, ds) = (
        pods(&s.sim, "web-deploy"),
        pods(&s.sim, "web-sts"),
        pods(&s.sim, "web-ds"),
    );
    assert!(deploy
        .iter()
        .chain(&sts)
        .chain(&ds)
        .all(Pod::is_running_and_ready));

    // Names: <deploy>-<hash>-<random>, <sts>-<ordinal>, <ds>-<random>.
    let rs = replica_sets(&s.sim)
        .into_iter()
        .find(|r| r.metadata.name.starts_with("web-deploy-"))
        .expect("rs");
    assert!(deploy.iter().all(|p| p
        .metadata
        .name
        .starts_with(&format!("{}-", rs.metadata.name))));
    let sts_names: Vec<&str> = sts.iter().map(|p| p.metadata.name.as_str()).collect();
    assert_eq!(sts_names, ["web-sts-0", "web-sts-1", "web-sts-2"]);
    assert!(ds
        .iter()
        .all(|p| p.metadata.name.len() == "web-ds-".len() + 5
            && p.metadata.name.starts_with("web-ds-")));

    // Order: Deployment and DaemonSet pods are created together; StatefulSet pods one at a time.
    let created = |v: &[Pod]| {
        v.iter()
            .map(|p| p.metadata.creation_timestamp)
            .collect::<Vec<_>>()
    };
    assert!(
        created(&deploy).windows(2).all(|w| w[0] == w[1]),
        "deployment pods in one go"
    );
    assert!(
        created(&ds).windows(2).all(|w| w[0] == w[1]),
        "daemon pods in one go"
    );
    assert!(
        created(&sts).windows(2).all(|w| w[0] < w[1]),
        "statefulset pods in order, each after the last is Ready"
    );

    // Placement: exactly one daemon pod per worker, none on the tainted control plane; the others
    // go wherever the scheduler finds room, also never on the control plane.
    let mut ds_nodes: Vec<String> = ds
        .iter()
        .filter_map(|p| p.node_name().map(str::to_string))
        .collect();
    ds_nodes.sort();
    assert_eq!(ds_nodes, ["kind-worker", "kind-worker2", "kind-worker3"]);
    assert!(deploy
        .iter()
        .chain(&sts)
        .all(|p| p.node_name().is_some_and(|n| n != "kind-control-plane")));

    // Storage: each StatefulSet pod has its own claim; the others use the template's emptyDir.
    let claims = |p: &Pod| -> Vec<String> {
        p.spec
            .volumes
            .iter()
            .filter_map(|v| {
                v.persistent_volume_claim
                    .as_ref()
                    .map(|c| c.claim_name.clone())
            })
            .collect()
    };
    for (i, p) in sts.iter().enumerate() {
        assert_eq!(claims(p), [format!("data-web-sts-{i}")]);
    }
    assert!(deploy.iter().chain(&ds).all(|p| claims(p).is_empty()));
    assert_eq!(
        s.sim
            .store()
            .list_in::<PersistentVolumeClaim>("default")
            .count(),
        3
    );

    // A new node: the DaemonSet follows it, the Deployment and StatefulSet do not move.
    run(&mut s, "sim node add kind-worker4\n");
    s.sim.settle();
    assert_eq!(pods(&s.sim, "web-ds").len(), 4);
    assert_eq!(pods(&s.sim, "web-deploy").len(), 3);
    assert_eq!(pods(&s.sim, "web-sts").len(), 3);
}

#[test]
fn a_paused_deployment_keeps_its_pods_until_resumed() {
    let mut s = Session::new(15);
    run(&mut s, &web(2, ""));
    s.sim.settle();
    let first = replica_sets(&s.sim)[0].metadata.name.clone();
    run(
        &mut s,
        "kubectl rollout pause deploy/web\nkubectl set image deploy/web web=nginx:1.28\n",
    );
    s.sim.settle();
    assert_eq!(
        replica_sets(&s.sim).len(),
        1,
        "no new ReplicaSet while paused"
    );
    assert!(pods_of(&s.sim, &first)
        .iter()
        .all(|p| p.spec.containers[0].image == "nginx:1.27"));
    let (status, reason, message) = condition(&deployment(&s.sim), "Progressing");
    assert_eq!(
        (status.as_str(), reason.as_str(), message.as_str()),
        ("Unknown", "DeploymentPaused", "Deployment is paused")
    );
    run(&mut s, "kubectl rollout resume deploy/web\n");
    s.sim.settle();
    assert_eq!(replica_sets(&s.sim).len(), 2);
    let d = deployment(&s.sim);
    assert_eq!(
        (d.status.updated_replicas, d.status.available_replicas),
        (2, 2)
    );
    assert_eq!(condition(&d, "Progressing").1, "NewReplicaSetAvailable");
}
