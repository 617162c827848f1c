//! Retries that do not succeed on their own: the pod worker's retry of a missing Secret
//! (CreateContainerConfigError every 10-15 s, each attempt counted in the events), and how
//! `Sim::settle` treats such retries, crash loops and image back-off.

use super::*;

/// A pod whose environment needs the `postgres-secret` Secret's `password` key.
fn pod_needing_secret(name: &str) -> Pod {
    let mut p = pod(name, "kind-worker", "postgres:14");
    p.spec.containers[0].env = vec![EnvVar {
        name: "POSTGRES_PASSWORD".into(),
        value: None,
        value_from: Some(EnvVarSource {
            secret_key_ref: Some(KeySelector {
                key: "password".into(),
                name: "postgres-secret".into(),
                optional: None,
            }),
            ..Default::default()
        }),
    }];
    p
}

fn waiting_of(sim: &Sim, name: &str) -> (String, String) {
    let p = get(sim, name);
    let w = container(&p)
        .state
        .as_ref()
        .and_then(|s| s.waiting.clone())
        .expect("container waiting");
    (w.reason.unwrap_or_default(), w.message.unwrap_or_default())
}

/// Runs the cluster to `until` in half-second slices, noting when the count of `reason` events
/// whose message contains `needle` went up (the event's lastTimestamp, so to the millisecond).
fn times_recorded(
    sim: &mut Sim,
    name: &str,
    reason: &str,
    needle: &str,
    until: SimTime,
) -> Vec<SimTime> {
    let mut seen = count(sim, name, reason, needle);
    let mut at = Vec::new();
    while sim.now() < until {
        let slice = SimDuration((until - sim.now()).as_millis().min(500));
        sim.advance_by(slice);
        let now = count(sim, name, reason, needle);
        if now > seen {
            let last = sim
                .store()
                .list_in::<Event>("default")
                .filter(|e| {
                    e.involved_object.name == name
                        && e.reason == reason
                        && e.message.contains(needle)
                })
                .filter_map(|e| e.last_timestamp.map(|t| t.0))
                .max()
                .expect("the event just counted");
            at.push(last);
            seen = now;
        }
    }
    at
}

const NOT_FOUND: &str = "Error: secret \"postgres-secret\" not found";

#[test]
fn missing_secret_is_retried_every_10_to_15_seconds_until_it_exists() {
    let mut sim = Sim::new(1);
    let t0 = sim.now();
    sim.create_object(Object::Pod(pod_needing_secret("db")));
    sim.advance_by(secs(3));
    assert_eq!(
        waiting_of(&sim, "db"),
        (
            "CreateContainerConfigError".to_string(),
            "secret \"postgres-secret\" not found".to_string()
        )
    );
    assert_eq!(
        events(&sim, "db", t0)[&3].last().unwrap(),
        &format!("Warning Failed: {NOT_FOUND}")
    );

    // The pod worker retries a failed sync after backOffPeriod 10 s plus up to 50 % jitter;
    // every retry finds the image present and fails again, and both events are counted.
    let retries = times_recorded(&mut sim, "db", "Failed", NOT_FOUND, t0 + secs(63));
    assert!((4..=6).contains(&retries.len()), "{retries:?}");
    let mut last = t0 + secs(3);
    let mut gaps = Vec::new();
    for at in &retries {
        let gap = *at - last;
        assert!(
            gap >= secs(10) && gap < secs(15),
            "retry {gap} after the previous attempt"
        );
        gaps.push(gap);
        last = *at;
    }
    assert!(
        gaps.windows(2).any(|w| w[0] != w[1]),
        "jitter spreads the retries: {gaps:?}"
    );
    let failed = count(&sim, "db", "Failed", NOT_FOUND);
    assert_eq!(failed as usize, retries.len() + 1);
    assert_eq!(
        count(
            &sim,
            "db",
            "Pulled",
            "\"postgres:14\" already present on machine"
        ),
        failed - 1,
        "each retry checks the image again"
    );

    // A Secret without the key: the kubelet does not watch it, the next retry names the key.
    let mut secret = Secret {
        metadata: ObjectMeta::named("default", "postgres-secret"),
        ..Default::default()
    };
    secret.data = Some(BTreeMap::from([(
        "user".to_string(),
        "YWRtaW4=".to_string(),
    )]));
    sim.create_object(Object::Secret(secret.clone()));
    let created = sim.now();
    let changed = times_recorded(
        &mut sim,
        "db",
        "Failed",
        "couldn't find key",
        created + secs(15),
    );
    assert_eq!(changed.len(), 1, "{changed:?}");
    assert!(changed[0] > created && changed[0] - created < secs(15));
    assert_eq!(
        waiting_of(&sim, "db").1,
        "couldn't find key password in Secret default/postgres-secret"
    );

    // With the key, the next retry starts the container (and not before it).
    secret.data = Some(BTreeMap::from([(
        "password".to_string(),
        "c2VjcmV0".to_string(),
    )]));
    sim.update_object(Object::Secret(secret));
    let fixed = sim.now();
    let started = times_recorded(
        &mut sim,
        "db",
        "Started",
        "Container started",
        fixed + secs(17),
    );
    assert_eq!(started.len(), 1, "{started:?}");
    // Retry 10-15 s after the last failure, then 1 s to start.
    let gap = started[0] - changed[0];
    assert!(
        gap >= secs(11) && gap < secs(16),
        "started {gap} after the last failure"
    );
    let p = get(&sim, "db");
    assert_eq!(p.status.phase, PodPhase::Running);
    assert!(p.is_ready());
}

#[test]
fn settle_stops_when_only_steady_state_retries_are_left() {
    let mut sim = Sim::new(1);
    sim.create_object(Object::Pod(pod_needing_secret("db")));
    let t0 = sim.now();
    assert!(
        sim.settle(),
        "a pod waiting for a Secret must not keep settle busy"
    );
    assert_eq!(sim.now() - t0, secs(3), "settled at the first failure");
    assert_eq!(waiting_of(&sim, "db").0, "CreateContainerConfigError");
    assert_eq!(sim.pending_work(), 0);
    assert!(sim.pending_retries() > 0);
    assert!(sim.settle(), "settling again does nothing");
    assert_eq!(sim.now() - t0, secs(3));

    // Time passing still runs the retries.
    sim.advance_by(secs(30));
    assert!(count(&sim, "db", "Failed", NOT_FOUND) >= 3);

    // The Secret turns the next retry into work that settling waits for.
    let mut secret = Secret {
        metadata: ObjectMeta::named("default", "postgres-secret"),
        ..Default::default()
    };
    secret.data = Some(BTreeMap::from([(
        "password".to_string(),
        "c2VjcmV0".to_string(),
    )]));
    sim.create_object(Object::Secret(secret));
    assert!(sim.settle());
    let p = get(&sim, "db");
    assert_eq!(p.status.phase, PodPhase::Running);
    assert!(p.is_ready());
    assert_eq!(sim.pending_retries(), 0);
}

#[test]
fn settle_leaves_a_crash_loop_and_a_broken_image_backing_off() {
    let mut sim = Sim::new(1);
    sim.faults_mut()
        .crashing_pods
        .insert(("default".into(), "crasher".into()));
    sim.faults_mut().broken_images.insert("nginx:1.99".into());
    sim.create_object(Object::Pod(pod("crasher", "kind-worker", "nginx:1.25")));
    sim.create_object(Object::Pod(pod("puller", "kind-worker2", "nginx:1.99")));
    let t0 = sim.now();
    assert!(sim.settle());
    assert!(
        sim.now() - t0 < secs(60),
        "settled after {}",
        sim.now() - t0
    );
    assert_eq!(waiting_of(&sim, "crasher").0, "CrashLoopBackOff");
    assert_eq!(waiting_of(&sim, "puller").0, "ImagePullBackOff");
    let restarts = container(&get(&sim, "crasher")).restart_count;

    // The back-offs keep running while time passes.
    sim.advance_by(secs(120));
    assert!(container(&get(&sim, "crasher")).restart_count > restarts);
    assert!(count(&sim, "puller", "Pulling", "nginx:1.99") >= 3);

    // Clearing the faults makes the next attempts real work again.
    sim.faults_mut().crashing_pods.clear();
    sim.faults_mut().broken_images.clear();
    sim.enqueue(ControllerId::Kubelet, key("crasher"));
    sim.enqueue(ControllerId::Kubelet, key("puller"));
    assert!(sim.settle());
    assert!(get(&sim, "crasher").is_ready());
    assert!(get(&sim, "puller").is_ready());
    assert_eq!(sim.pending_retries(), 0);
}

/// `sim settle` leaves a crash loop alone, but a watch keeps showing it: the restarts and the
/// growing back-off are what a learner runs `kubectl get pods -w` to see.
#[test]
fn a_watch_keeps_following_a_crash_loop_that_settle_leaves_alone() {
    let mut s = kubeplay::Session::new(1);
    let out = s.run_script(
        "kubectl run y --image=nginx:1.27\nsim settle\nsim pod crash y\nkubectl get pods -w\n",
        false,
    );
    let restarts = out
        .text
        .lines()
        .filter(|l| l.starts_with("y ") && l.contains("CrashLoopBackOff"))
        .count();
    assert!(restarts >= 3, "the watch stopped early:\n{}", out.text);
    assert!(out.text.contains("CrashLoopBackOff   3 ("), "{}", out.text);
}

/// The settle note about retries is about pods that are retrying: once the pod is gone, a
/// retry timer it left behind is not worth a word.
#[test]
fn settle_mentions_retries_only_while_a_pod_is_retrying() {
    let mut s = kubeplay::Session::new(1);
    let out = s.run_script(
        "kubectl run crash --image=busybox\nsim settle\nsim pod crash crash\nsim settle\n",
        false,
    );
    assert!(out.text.contains("keeps retrying"), "{}", out.text);
    let out = s.run_script("kubectl delete pod crash --wait=false\nsim settle\n", false);
    assert!(!out.text.contains("keeps retrying"), "{}", out.text);
}
