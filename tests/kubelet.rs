//! The simulated kubelet: the status sequence and events of a pod from bind to Running/Ready,
//! readiness probe timing, image pull failures and back-off, crash loops, missing secrets,
//! termination. Pods are created already bound (`spec.nodeName`) so the scheduler is not
//! involved.

use kubeplay::engine::action::ControllerId;
use kubeplay::engine::model::*;
use kubeplay::engine::store::ObjectKey;
use kubeplay::engine::time::{SimDuration, SimTime};
use kubeplay::engine::Sim;
use std::collections::BTreeMap;

fn pod(name: &str, node: &str, image: &str) -> Pod {
    let mut p = Pod {
        metadata: ObjectMeta::named("default", name),
        ..Default::default()
    };
    p.spec.node_name = Some(node.into());
    p.spec.containers = vec![Container {
        name: "nginx".into(),
        image: image.into(),
        ..Default::default()
    }];
    p
}

/// A new worker: only host-network daemon pods on it, so pod IPs start at .2.
fn fresh_node(sim: &mut Sim) -> String {
    kubeplay::engine::cluster::add_node(
        sim,
        &kubeplay::engine::cluster::NodeRequest::worker("fresh"),
    );
    sim.advance_by(secs(10));
    "fresh".into()
}

fn key(name: &str) -> ObjectKey {
    ObjectKey::new(Kind::Pod, "default", name)
}

fn get(sim: &Sim, name: &str) -> Pod {
    sim.store()
        .get::<Pod>("default", name)
        .cloned()
        .expect("pod exists")
}

fn secs(s: u64) -> SimDuration {
    SimDuration::from_secs(s)
}

/// Seconds since `t0`.
fn rel(t: SimTime, t0: SimTime) -> u64 {
    (t - t0).as_secs()
}

/// The pod's kubelet-visible states over time: (seconds since t0, phase, ready, reason).
fn timeline(sim: &Sim, name: &str, t0: SimTime) -> Vec<(u64, String, bool, String)> {
    let mut out: Vec<(u64, String, bool, String)> = Vec::new();
    for change in sim.store().changes_since(0).expect("change log") {
        let Object::Pod(p) = &change.object else {
            continue;
        };
        if p.metadata.name != name || change.time < t0 {
            continue;
        }
        let reason = p
            .status
            .container_statuses
            .first()
            .and_then(|c| c.state.as_ref())
            .map(|s| {
                if let Some(w) = &s.waiting {
                    w.reason.clone().unwrap_or_default()
                } else if let Some(t) = &s.terminated {
                    t.reason.clone().unwrap_or_default()
                } else if s.running.is_some() {
                    "Running".to_string()
                } else {
                    String::new()
                }
            })
            .unwrap_or_default();
        let entry = (
            rel(change.time, t0),
            p.status.phase.as_str().to_string(),
            p.is_ready(),
            reason,
        );
        if out.last().map(|l| (&l.1, l.2, &l.3)) != Some((&entry.1, entry.2, &entry.3)) {
            out.push(entry);
        }
    }
    out
}

/// The pod's events grouped by the second they were first recorded: `Type Reason: message`.
fn events(sim: &Sim, name: &str, t0: SimTime) -> BTreeMap<u64, Vec<String>> {
    let mut out: BTreeMap<u64, Vec<String>> = BTreeMap::new();
    for e in sim.store().list_in::<Event>("default") {
        if e.involved_object.kind != "Pod" || e.involved_object.name != name {
            continue;
        }
        let Some(first) = e.first_timestamp.map(|t| t.0).filter(|t| *t >= t0) else {
            continue;
        };
        let at = rel(first, t0);
        out.entry(at)
            .or_default()
            .push(format!("{} {}: {}", e.type_, e.reason, e.message));
    }
    for list in out.values_mut() {
        list.sort();
    }
    out
}

fn count(sim: &Sim, name: &str, reason: &str, needle: &str) -> i32 {
    sim.store()
        .list_in::<Event>("default")
        .filter(|e| {
            e.involved_object.name == name && e.reason == reason && e.message.contains(needle)
        })
        .map(|e| e.count)
        .sum()
}

fn container(p: &Pod) -> &ContainerStatus {
    p.status
        .container_statuses
        .first()
        .expect("container status")
}

#[test]
fn new_pod_pulls_starts_and_becomes_ready_with_the_kubelets_events() {
    let mut sim = Sim::new(1);
    let node = fresh_node(&mut sim);
    let t0 = sim.now();
    sim.create_object(Object::Pod(pod("web", &node, "nginx:1.25")));

    // Right after binding: Pending, ContainerCreating, no IP yet, hostIP and startTime set.
    sim.advance_by(secs(1));
    let p = get(&sim, "web");
    assert_eq!(p.status.phase, PodPhase::Pending);
    assert_eq!(
        container(&p)
            .state
            .as_ref()
            .unwrap()
            .waiting
            .as_ref()
            .unwrap()
            .reason
            .as_deref(),
        Some("ContainerCreating")
    );
    assert_eq!(p.status.pod_ip, None);
    assert_eq!(p.status.host_ip.as_deref(), Some("172.18.0.6"));
    assert!(p.status.start_time.is_some());
    let types: Vec<(&str, &str)> = p
        .status
        .conditions
        .iter()
        .map(|c| (c.type_.as_str(), c.status.as_str()))
        .collect();
    assert_eq!(
        types,
        vec![
            ("PodReadyToStartContainers", "False"),
            ("Initialized", "True"),
            ("Ready", "False"),
            ("ContainersReady", "False"),
            ("PodScheduled", "True"),
        ]
    );
    assert_eq!(
        p.condition("Ready").unwrap().message.as_deref(),
        Some("containers with unready status: [nginx]")
    );

    sim.advance_by(secs(10));
    assert_eq!(
        timeline(&sim, "web", t0),
        vec![
            (0, "Pending".into(), false, String::new()),
            (0, "Pending".into(), false, "ContainerCreating".into()),
            (4, "Running".into(), true, "Running".into()),
        ]
    );
    let ev = events(&sim, "web", t0);
    assert_eq!(ev[&0], vec!["Normal Pulling: Pulling image \"nginx:1.25\""]);
    assert_eq!(ev[&3].len(), 1);
    assert!(ev[&3][0].starts_with("Normal Pulled: Successfully pulled image \"nginx:1.25\" in 3s (3s including waiting). Image size: "));
    assert_eq!(
        ev[&4],
        vec![
            "Normal Created: Container created",
            "Normal Started: Container started"
        ]
    );

    let p = get(&sim, "web");
    assert_eq!(p.status.pod_ip.as_deref(), Some("10.244.4.2"));
    assert!(container(&p)
        .container_id
        .as_deref()
        .unwrap()
        .starts_with("containerd://"));
    assert!(container(&p)
        .image_id
        .starts_with("docker.io/library/nginx@sha256:"));
    assert_eq!(container(&p).started, Some(true));
    assert_eq!(
        p.condition("PodReadyToStartContainers").unwrap().status,
        "True"
    );
    // The node now reports the image; a second pod there does not pull it again.
    let n = sim.store().get::<Node>("", &node).unwrap();
    assert!(n
        .status
        .images
        .as_ref()
        .unwrap()
        .to_string()
        .contains("docker.io/library/nginx:1.25"));
    let t1 = sim.now();
    sim.create_object(Object::Pod(pod("web2", &node, "nginx:1.25")));
    sim.advance_by(secs(5));
    let ev = events(&sim, "web2", t1);
    assert_eq!(ev[&0], vec!["Normal Pulled: Container image \"nginx:1.25\" already present on machine and can be accessed by the pod"]);
    assert_eq!(
        timeline(&sim, "web2", t1).last().unwrap(),
        &(1, "Running".to_string(), true, "Running".to_string())
    );
    assert_eq!(
        get(&sim, "web2").status.pod_ip.as_deref(),
        Some("10.244.4.3")
    );
}

#[test]
fn pod_ips_reuse_the_lowest_free_address_and_host_network_uses_the_node_ip() {
    let mut sim = Sim::new(1);
    let node = fresh_node(&mut sim);
    for name in ["a", "b", "c"] {
        sim.create_object(Object::Pod(pod(name, &node, "nginx:1.25")));
    }
    sim.advance_by(secs(10));
    let ip = |sim: &Sim, n: &str| get(sim, n).status.pod_ip.unwrap_or_default();
    assert_eq!(
        (ip(&sim, "a"), ip(&sim, "b"), ip(&sim, "c")),
        (
            "10.244.4.2".into(),
            "10.244.4.3".into(),
            "10.244.4.4".into()
        )
    );
    sim.delete_object(&key("b"), Some(0), Default::default());
    sim.create_object(Object::Pod(pod("d", &node, "nginx:1.25")));
    sim.advance_by(secs(5));
    assert_eq!(ip(&sim, "d"), "10.244.4.3");
    let mut host = pod("host", &node, "nginx:1.25");
    host.spec.host_network = Some(true);
    sim.create_object(Object::Pod(host));
    sim.advance_by(secs(5));
    assert_eq!(ip(&sim, "host"), get(&sim, "host").status.host_ip.unwrap());
}

#[test]
fn readiness_probe_sets_ready_after_initial_delay_and_unready_fault_after_failure_threshold() {
    let mut sim = Sim::new(1);
    let t0 = sim.now();
    let mut p = pod("web", "kind-worker", "nginx:1.25");
    p.spec.containers[0].readiness_probe = Some(Probe {
        initial_delay_seconds: Some(5),
        period_seconds: Some(10),
        http_get: Some(HttpGetAction {
            port: IntOrString::Int(80),
            path: Some("/".into()),
            ..Default::default()
        }),
        ..Default::default()
    });
    sim.create_object(Object::Pod(p));
    sim.advance_by(secs(30));
    // Started at 4 s, first probe 5 s later.
    let tl = timeline(&sim, "web", t0);
    assert_eq!(
        tl[tl.len() - 2],
        (4, "Running".into(), false, "Running".into())
    );
    assert_eq!(
        tl[tl.len() - 1],
        (9, "Running".into(), true, "Running".into())
    );
    let ready_at = get(&sim, "web").ready_since().unwrap().0;
    assert_eq!(rel(ready_at, t0), 9);

    // Probes tick at 9, 19, 29, 39...; the fault at 30 fails 39, 49, 59: unready at 59.
    let id = ("default".to_string(), "web".to_string());
    let now = sim.now();
    sim.faults_mut().unready_since.insert(id.clone(), now);
    sim.faults_mut().unready_pods.insert(id.clone());
    sim.enqueue(ControllerId::Kubelet, key("web"));
    sim.advance_by(secs(28));
    assert!(
        get(&sim, "web").is_ready(),
        "still ready before the third failure"
    );
    sim.advance_by(secs(2));
    let p = get(&sim, "web");
    assert!(!p.is_ready());
    assert_eq!(p.status.phase, PodPhase::Running);
    assert_eq!(
        rel(
            p.condition("Ready")
                .unwrap()
                .last_transition_time
                .unwrap()
                .0,
            t0
        ),
        59
    );
    assert_eq!(
        count(
            &sim,
            "web",
            "Unhealthy",
            "Readiness probe failed: HTTP probe failed with statuscode: 503"
        ),
        3
    );

    // `sim pod ready`: the next probe (69 s) passes.
    sim.faults_mut().unready_pods.remove(&id);
    sim.faults_mut().unready_since.remove(&id);
    sim.enqueue(ControllerId::Kubelet, key("web"));
    sim.advance_by(secs(8));
    assert!(!get(&sim, "web").is_ready());
    sim.advance_by(secs(2));
    assert!(get(&sim, "web").is_ready());
    assert!(
        sim.settle(),
        "an unready pod does not keep the cluster busy forever"
    );
}

#[test]
fn broken_image_backs_off_and_pulls_again_once_fixed() {
    let mut sim = Sim::new(1);
    let t0 = sim.now();
    sim.faults_mut().broken_images.insert("nginx:1.99".into());
    sim.create_object(Object::Pod(pod("web", "kind-worker", "nginx:1.99")));
    sim.advance_by(secs(3));
    let p = get(&sim, "web");
    let waiting = container(&p)
        .state
        .as_ref()
        .unwrap()
        .waiting
        .clone()
        .unwrap();
    assert_eq!(waiting.reason.as_deref(), Some("ErrImagePull"));
    let error = "rpc error: code = NotFound desc = failed to pull and unpack image \"docker.io/library/nginx:1.99\": failed to resolve reference \"docker.io/library/nginx:1.99\": docker.io/library/nginx:1.99: not found";
    assert_eq!(waiting.message.as_deref(), Some(error));
    assert!(
        p.status.pod_ip.is_some(),
        "the sandbox exists while the image fails"
    );
    sim.advance_by(secs(1));
    let p = get(&sim, "web");
    let waiting = container(&p)
        .state
        .as_ref()
        .unwrap()
        .waiting
        .clone()
        .unwrap();
    assert_eq!(waiting.reason.as_deref(), Some("ImagePullBackOff"));
    assert_eq!(
        waiting.message.unwrap(),
        format!("Back-off pulling image \"nginx:1.99\": ErrImagePull: {error}")
    );
    let ev = events(&sim, "web", t0);
    assert_eq!(
        ev[&3],
        vec![
            "Warning Failed: Error: ErrImagePull".to_string(),
            format!("Warning Failed: Failed to pull image \"nginx:1.99\": {error}"),
        ]
    );
    assert_eq!(
        ev[&4],
        vec![
            "Normal BackOff: Back-off pulling image \"nginx:1.99\"",
            "Warning Failed: Error: ImagePullBackOff"
        ]
    );

    // Pulls at 0, 13 (3 + 10), 36 (16 + 20): back-off doubles.
    sim.advance_by(secs(40));
    assert_eq!(count(&sim, "web", "Pulling", "nginx:1.99"), 3);
    assert_eq!(count(&sim, "web", "Failed", "Failed to pull image"), 3);

    // Fixed at 44: the retry after 40 s more back-off (39 + 40 = 79) pulls and starts.
    sim.faults_mut().broken_images.remove("nginx:1.99");
    sim.enqueue(ControllerId::Kubelet, key("web"));
    sim.advance_by(secs(30));
    assert_eq!(get(&sim, "web").status.phase, PodPhase::Pending);
    sim.advance_by(secs(20));
    let p = get(&sim, "web");
    assert_eq!(p.status.phase, PodPhase::Running);
    assert!(p.is_ready());
    assert_eq!(count(&sim, "web", "Pulling", "nginx:1.99"), 4);
}

#[test]
fn crashing_container_restarts_with_crash_loop_back_off() {
    let mut sim = Sim::new(1);
    sim.create_object(Object::Pod(pod("web", "kind-worker", "nginx:1.25")));
    sim.advance_by(secs(10));
    let t0 = sim.now();
    sim.faults_mut()
        .crashing_pods
        .insert(("default".into(), "web".into()));
    sim.enqueue(ControllerId::Kubelet, key("web"));
    sim.advance_by(secs(90));
    let tl = timeline(&sim, "web", t0);
    let since: Vec<(u64, String)> = tl
        .iter()
        .filter(|e| e.0 <= 90)
        .map(|e| (e.0, e.3.clone()))
        .collect();
    // Crash now; restart at once (2 s with start); crash 1 s later; 10 s back-off; 20 s back-off.
    assert_eq!(
        since,
        vec![
            (0, "Error".into()),
            (2, "Running".into()),
            (3, "Error".into()),
            (4, "CrashLoopBackOff".into()),
            (14, "Running".into()),
            (15, "Error".into()),
            (16, "CrashLoopBackOff".into()),
            (36, "Running".into()),
            (37, "Error".into()),
            (38, "CrashLoopBackOff".into()),
            (78, "Running".into()),
            (79, "Error".into()),
            (80, "CrashLoopBackOff".into()),
        ]
    );
    let p = get(&sim, "web");
    assert_eq!(
        p.status.phase,
        PodPhase::Running,
        "a crash-looping pod stays in phase Running"
    );
    let cs = container(&p);
    assert_eq!(cs.restart_count, 4);
    let w = cs.state.as_ref().unwrap().waiting.as_ref().unwrap();
    assert_eq!(
        w.message.as_deref().unwrap(),
        format!(
            "back-off 1m20s restarting failed container=nginx pod=web_default({})",
            p.metadata.uid
        )
    );
    let last = cs.last_state.as_ref().unwrap().terminated.as_ref().unwrap();
    assert_eq!((last.exit_code, last.reason.as_deref()), (1, Some("Error")));
    assert_eq!(
        count(
            &sim,
            "web",
            "BackOff",
            "Back-off restarting failed container nginx in pod web_default("
        ),
        4
    );

    // `sim pod ready` clears the crash: the next start stays up.
    sim.faults_mut().crashing_pods.clear();
    sim.advance_by(secs(120));
    let p = get(&sim, "web");
    assert!(p.is_ready());
    assert_eq!(container(&p).restart_count, 5);
}

#[test]
fn restart_policy_never_leaves_a_crashed_pod_failed() {
    let mut sim = Sim::new(1);
    let mut p = pod("job", "kind-worker", "nginx:1.25");
    p.spec.restart_policy = Some("Never".into());
    sim.faults_mut()
        .crashing_pods
        .insert(("default".into(), "job".into()));
    sim.create_object(Object::Pod(p));
    sim.advance_by(secs(30));
    let p = get(&sim, "job");
    assert_eq!(p.status.phase, PodPhase::Failed);
    assert_eq!(container(&p).restart_count, 0);
    assert_eq!(
        p.condition("Ready").unwrap().reason.as_deref(),
        Some("PodFailed")
    );
}

#[test]
fn failed_pod_fault_fails_that_pod_only_not_its_replacement() {
    let mut sim = Sim::new(1);
    sim.create_object(Object::Pod(pod("web-1", "kind-worker", "nginx:1.25")));
    sim.advance_by(secs(10));
    let id = ("default".to_string(), "web-1".to_string());
    let now = sim.now();
    sim.faults_mut().failed_since.insert(id.clone(), now);
    sim.faults_mut().failed_pods.insert(id);
    sim.enqueue(ControllerId::Kubelet, key("web-1"));
    sim.advance_by(secs(1));
    let p = get(&sim, "web-1");
    assert_eq!(p.status.phase, PodPhase::Failed);
    let t = container(&p)
        .state
        .as_ref()
        .unwrap()
        .terminated
        .clone()
        .unwrap();
    assert_eq!(t.exit_code, 1);
    // A controller replaces it under the same name: the new pod runs.
    sim.delete_object(&key("web-1"), None, Default::default());
    sim.advance_by(SimDuration::ZERO);
    assert!(
        sim.store().get::<Pod>("default", "web-1").is_none(),
        "a failed pod has nothing to stop"
    );
    sim.advance_by(secs(1));
    sim.create_object(Object::Pod(pod("web-1", "kind-worker", "nginx:1.25")));
    sim.advance_by(secs(5));
    assert!(get(&sim, "web-1").is_ready());
}

#[test]
fn deleted_pod_stops_its_containers_and_goes_away() {
    let mut sim = Sim::new(1);
    sim.create_object(Object::Pod(pod("web", "kind-worker", "nginx:1.25")));
    sim.advance_by(secs(10));
    let t0 = sim.now();
    sim.delete_object(&key("web"), None, Default::default());
    sim.advance_by(SimDuration::from_millis(500));
    let p = get(&sim, "web");
    assert!(p.metadata.deletion_timestamp.is_some());
    assert_eq!(
        events(&sim, "web", t0)[&0],
        vec!["Normal Killing: Stopping container nginx"]
    );
    sim.advance_by(SimDuration::from_millis(500));
    assert!(
        sim.store().get::<Pod>("default", "web").is_none(),
        "gone once its container stopped (1 s)"
    );
}

#[test]
fn short_grace_period_kills_at_the_deadline_and_failed_node_keeps_the_pod_terminating() {
    let mut sim = Sim::new(1);
    sim.config_mut().container_stop = secs(20);
    sim.create_object(Object::Pod(pod("web", "kind-worker", "nginx:1.25")));
    sim.create_object(Object::Pod(pod("stuck", "kind-worker2", "nginx:1.25")));
    sim.advance_by(secs(10));
    sim.delete_object(&key("web"), Some(5), Default::default());
    sim.advance_by(secs(4));
    assert!(sim.store().get::<Pod>("default", "web").is_some());
    sim.advance_by(secs(1));
    assert!(
        sim.store().get::<Pod>("default", "web").is_none(),
        "killed at the 5 s grace deadline"
    );

    sim.faults_mut().failed_nodes.insert("kind-worker2".into());
    sim.delete_object(&key("stuck"), None, Default::default());
    sim.advance_by(secs(600));
    let p = get(&sim, "stuck");
    assert!(
        p.metadata.deletion_timestamp.is_some(),
        "nobody on the node to stop it"
    );
    assert_eq!(p.status.phase, PodPhase::Running);
}

#[test]
fn pod_waits_for_its_claim_and_for_a_secret_volume() {
    let mut sim = Sim::new(1);
    let t0 = sim.now();
    let mut p = pod("web", "kind-worker", "nginx:1.25");
    p.spec.volumes = vec![Volume {
        name: "certs".into(),
        secret: Some(SecretVolumeSource {
            secret_name: "tls".into(),
            ..Default::default()
        }),
        ..Default::default()
    }];
    sim.create_object(Object::Pod(p));
    sim.advance_by(secs(10));
    let p = get(&sim, "web");
    assert_eq!(p.status.phase, PodPhase::Pending);
    assert_eq!(p.status.pod_ip, None);
    assert_eq!(
        events(&sim, "web", t0)[&0],
        vec!["Warning FailedMount: MountVolume.SetUp failed for volume \"certs\" : secret \"tls\" not found"]
    );
    sim.create_object(Object::Secret(Secret {
        metadata: ObjectMeta::named("default", "tls"),
        ..Default::default()
    }));
    sim.advance_by(secs(5));
    assert!(get(&sim, "web").is_ready());
}

#[test]
fn pod_with_an_unusable_claim_waits_and_reports_the_mount_timeout() {
    let mut sim = Sim::new(1);
    let t0 = sim.now();
    let mut p = pod("web-0", "kind-worker", "nginx:1.25");
    p.spec.volumes = vec![Volume {
        name: "www".into(),
        persistent_volume_claim: Some(PvcVolumeSource {
            claim_name: "www-web-0".into(),
            read_only: None,
        }),
        ..Default::default()
    }];
    sim.create_object(Object::Pod(p));
    sim.advance_by(secs(122));
    assert!(
        events(&sim, "web-0", t0).is_empty(),
        "nothing before the 2m3s mount timeout"
    );
    sim.advance_by(secs(1));
    let p = get(&sim, "web-0");
    assert_eq!(p.status.phase, PodPhase::Pending);
    assert_eq!(p.status.pod_ip, None);
    assert_eq!(
        events(&sim, "web-0", t0)[&123],
        vec!["Warning FailedMount: Unable to attach or mount volumes: unmounted volumes=[www], unattached volumes=[], failed to process volumes=[www]: error processing PVC default/www-web-0: failed to fetch PVC from API server: persistentvolumeclaims \"www-web-0\" not found"]
    );
    let why: Vec<String> = sim
        .why_all()
        .map(|(_, _, w)| w.reason.to_string())
        .collect();
    assert!(
        why.iter()
            .any(|w| w.contains("volumes cannot be mounted yet")),
        "{why:?}"
    );
}

#[test]
fn init_containers_run_to_completion_before_the_app_container_starts() {
    let mut sim = Sim::new(1);
    let node = fresh_node(&mut sim);
    let t0 = sim.now();
    let mut p = pod("web", &node, "nginx:1.25");
    p.spec.init_containers = vec![Container {
        name: "init".into(),
        image: "busybox:1.36".into(),
        ..Default::default()
    }];
    sim.create_object(Object::Pod(p));
    sim.advance_by(secs(1));
    let p = get(&sim, "web");
    let reason = |cs: &ContainerStatus| {
        cs.state
            .as_ref()
            .and_then(|s| s.waiting.as_ref())
            .and_then(|w| w.reason.clone())
    };
    assert_eq!(
        reason(&p.status.init_container_statuses[0]).as_deref(),
        Some("PodInitializing")
    );
    assert_eq!(reason(container(&p)).as_deref(), Some("PodInitializing"));
    let init = p.condition("Initialized").unwrap();
    assert_eq!(
        (init.status.as_str(), init.message.as_deref()),
        ("False", Some("containers with incomplete status: [init]"))
    );

    sim.advance_by(secs(3)); // busybox pulled at 3, started at 4
    let p = get(&sim, "web");
    assert!(p.status.init_container_statuses[0]
        .state
        .as_ref()
        .unwrap()
        .running
        .is_some());
    assert_eq!(p.status.phase, PodPhase::Pending);
    assert!(p.status.pod_ip.is_some());

    sim.advance_by(secs(1)); // init exits 0 at 5; nginx pull starts
    let p = get(&sim, "web");
    let done = p.status.init_container_statuses[0]
        .state
        .as_ref()
        .unwrap()
        .terminated
        .clone()
        .unwrap();
    assert_eq!(
        (done.exit_code, done.reason.as_deref()),
        (0, Some("Completed"))
    );
    assert!(p.status.init_container_statuses[0].ready);
    assert_eq!(p.condition("Initialized").unwrap().status, "True");
    assert_eq!(reason(container(&p)).as_deref(), Some("PodInitializing"));

    sim.advance_by(secs(5)); // nginx pulled at 8, started at 9
    let p = get(&sim, "web");
    assert_eq!(p.status.phase, PodPhase::Running);
    assert!(p.is_ready());
    assert_eq!(
        events(&sim, "web", t0)[&5],
        vec!["Normal Pulling: Pulling image \"nginx:1.25\""]
    );
}

#[test]
fn status_names_the_pod_generation_it_reflects() {
    let mut sim = Sim::new(1);
    let mut p = pod("web", "kind-worker", "nginx:1.25");
    p.metadata.generation = 1;
    sim.create_object(Object::Pod(p));
    sim.advance_by(secs(10));
    let p = get(&sim, "web");
    assert_eq!(p.status.observed_generation, Some(1));
    assert_eq!(p.condition("Ready").unwrap().observed_generation, Some(1));
}

#[test]
fn two_containers_with_one_image_share_the_pull() {
    let mut sim = Sim::new(1);
    let node = fresh_node(&mut sim);
    let t0 = sim.now();
    let mut p = pod("web", &node, "nginx:1.25");
    p.spec.containers.push(Container {
        name: "sidecar".into(),
        image: "nginx:1.25".into(),
        ..Default::default()
    });
    sim.create_object(Object::Pod(p));
    sim.advance_by(secs(10));
    assert!(get(&sim, "web").is_ready());
    assert_eq!(count(&sim, "web", "Pulling", "nginx:1.25"), 1);
    let ev = events(&sim, "web", t0);
    assert_eq!(ev[&3].len(), 2);
    assert!(ev[&3][0]
        .starts_with("Normal Pulled: Container image \"nginx:1.25\" already present on machine"));
    assert!(ev[&3][1].starts_with("Normal Pulled: Successfully pulled image \"nginx:1.25\" in 3s"));
}

#[path = "kubelet/retries.rs"]
mod retries;
