//! The engine core: clock and timers, the work loop, event recording, uids and names.

use kubeplay::engine::action::{ControllerId, EventRecord};
use kubeplay::engine::events::COMBINED_PREFIX;
use kubeplay::engine::model::*;
use kubeplay::engine::store::ObjectKey;
use kubeplay::engine::time::SimDuration;
use kubeplay::Sim;

fn event(sim: &mut Sim, key: &ObjectKey, reason: &str, message: &str) {
    sim.record_event(EventRecord {
        regarding: key.clone(),
        warning: false,
        reason: reason.into(),
        message: message.into(),
        source: ControllerId::StatefulSet,
        host: None,
    });
}

fn sts(sim: &mut Sim) -> ObjectKey {
    let obj = StatefulSet {
        metadata: ObjectMeta::named("default", "web"),
        ..Default::default()
    };
    sim.create_object(Object::StatefulSet(obj))
}

#[test]
fn identical_events_raise_the_count_of_one_event() {
    let mut sim = Sim::empty(1);
    let key = sts(&mut sim);
    event(
        &mut sim,
        &key,
        "SuccessfulDelete",
        "Delete Pod web-1 in StatefulSet web successful",
    );
    sim.advance_by(SimDuration::from_secs(5));
    event(
        &mut sim,
        &key,
        "SuccessfulDelete",
        "Delete Pod web-1 in StatefulSet web successful",
    );
    let events: Vec<&Event> = sim.events_for(&key);
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].count, 2);
    assert_eq!(events[0].first_timestamp.unwrap().0 .0, 0);
    assert_eq!(events[0].last_timestamp.unwrap().0 .0, 5000);
}

#[test]
fn the_tenth_similar_event_is_combined_as_client_go_does() {
    // ERRATA: with 5 replicas, 5 claim + 5 pod creations are 10 similar SuccessfulCreate events;
    // the tenth is written as "(combined from similar events): Create Pod web-4 ...".
    let mut sim = Sim::empty(1);
    let key = sts(&mut sim);
    for i in 0..5 {
        event(
            &mut sim,
            &key,
            "SuccessfulCreate",
            &format!("Create Claim www-web-{i} Pod web-{i} in StatefulSet web success"),
        );
        event(
            &mut sim,
            &key,
            "SuccessfulCreate",
            &format!("Create Pod web-{i} in StatefulSet web successful"),
        );
    }
    let events = sim.events_for(&key);
    assert_eq!(events.len(), 10);
    let combined: Vec<&&Event> = events
        .iter()
        .filter(|e| e.message.starts_with(COMBINED_PREFIX))
        .collect();
    assert_eq!(combined.len(), 1);
    assert_eq!(
        combined[0].message,
        format!("{COMBINED_PREFIX}Create Pod web-4 in StatefulSet web successful")
    );
}

#[test]
fn similar_events_reset_after_ten_quiet_minutes() {
    let mut sim = Sim::empty(1);
    let key = sts(&mut sim);
    for i in 0..9 {
        event(&mut sim, &key, "SuccessfulCreate", &format!("m{i}"));
    }
    sim.advance_by(SimDuration::from_secs(601));
    event(&mut sim, &key, "SuccessfulCreate", "m9");
    assert!(sim
        .events_for(&key)
        .iter()
        .all(|e| !e.message.starts_with(COMBINED_PREFIX)));
}

#[test]
fn uids_and_generated_names_are_seeded() {
    let make = |seed| {
        let mut sim = Sim::empty(seed);
        let mut pod = Pod::default();
        pod.metadata.namespace = "default".into();
        pod.metadata.generate_name = Some("fluentd-".into());
        pod.spec.containers.push(Container {
            name: "c".into(),
            image: "busybox".into(),
            ..Default::default()
        });
        let key = sim.create_object(Object::Pod(pod));
        let uid = sim
            .store()
            .get::<Pod>("default", &key.name)
            .unwrap()
            .metadata
            .uid
            .clone();
        (key.name, uid)
    };
    let (a, ua) = make(7);
    let (b, ub) = make(7);
    let (c, _) = make(8);
    assert_eq!((a.clone(), ua.clone()), (b, ub));
    assert_ne!(a, c);
    assert!(
        a.starts_with("fluentd-") && a.len() == "fluentd-".len() + 5,
        "{a}"
    );
    assert!(a["fluentd-".len()..]
        .chars()
        .all(|ch| "bcdfghjklmnpqrstvwxz2456789".contains(ch)));
    assert_eq!(ua.len(), 36);
    assert_eq!(&ua[14..15], "4", "uids are RFC 4122 version 4: {ua}");
}

#[test]
fn advance_by_moves_the_clock_exactly_and_settle_reports_quiet() {
    let mut sim = Sim::empty(1);
    sim.advance_by(SimDuration::from_secs(90));
    assert_eq!(sim.now().0, 90_000);
    assert!(sim.settle());
}

#[test]
fn pods_get_the_default_not_ready_and_unreachable_tolerations() {
    let mut sim = Sim::empty(1);
    let mut pod = Pod {
        metadata: ObjectMeta::named("default", "p"),
        ..Default::default()
    };
    pod.spec.containers.push(Container {
        name: "c".into(),
        image: "nginx".into(),
        ..Default::default()
    });
    sim.create_object(Object::Pod(pod));
    let pod = sim.store().get::<Pod>("default", "p").unwrap();
    let keys: Vec<(&str, Option<i64>)> = pod
        .spec
        .tolerations
        .iter()
        .map(|t| (t.key.as_deref().unwrap_or(""), t.toleration_seconds))
        .collect();
    assert_eq!(
        keys,
        vec![
            ("node.kubernetes.io/not-ready", Some(300)),
            ("node.kubernetes.io/unreachable", Some(300))
        ]
    );
}

#[test]
fn graceful_pod_deletion_sets_a_deadline_and_unbound_pods_go_at_once() {
    let mut sim = Sim::empty(1);
    let mut pod = Pod {
        metadata: ObjectMeta::named("default", "bound"),
        ..Default::default()
    };
    pod.spec.node_name = Some("n1".into());
    pod.spec.termination_grace_period_seconds = Some(10);
    let bound = sim.create_object(Object::Pod(pod));
    let unbound = sim.create_object(Object::Pod(Pod {
        metadata: ObjectMeta::named("default", "loose"),
        ..Default::default()
    }));
    sim.delete_object(&bound, None, Default::default());
    sim.delete_object(&unbound, None, Default::default());
    let p = sim
        .store()
        .get::<Pod>("default", "bound")
        .expect("bound pod waits for its kubelet");
    assert_eq!(p.metadata.deletion_grace_period_seconds, Some(10));
    assert_eq!(p.metadata.deletion_timestamp.unwrap().0 .0, 10_000);
    assert!(sim.store().get::<Pod>("default", "loose").is_none());
    // A zero grace period (kubectl --grace-period=0 --force) removes it from the API at once.
    sim.delete_object(&bound, Some(0), Default::default());
    assert!(sim.store().get::<Pod>("default", "bound").is_none());
}

#[test]
fn pods_get_their_qos_class_at_create() {
    let mut sim = Sim::empty(1);
    let mut make = |name: &str, requests: &[(&str, &str)], limits: &[(&str, &str)]| {
        let map = |kv: &[(&str, &str)]| {
            (!kv.is_empty()).then(|| {
                kv.iter()
                    .map(|(k, v)| (k.to_string(), Quantity(v.to_string())))
                    .collect()
            })
        };
        let mut pod = Pod {
            metadata: ObjectMeta::named("default", name),
            ..Default::default()
        };
        pod.spec.containers.push(Container {
            name: "c".into(),
            image: "nginx".into(),
            resources: Some(ResourceRequirements {
                requests: map(requests),
                limits: map(limits),
                ..Default::default()
            }),
            ..Default::default()
        });
        sim.create_object(Object::Pod(pod));
        sim.store()
            .get::<Pod>("default", name)
            .unwrap()
            .status
            .qos_class
            .clone()
            .unwrap()
    };
    assert_eq!(make("none", &[], &[]), "BestEffort");
    assert_eq!(
        make(
            "burst",
            &[("cpu", "50m"), ("memory", "100Mi")],
            &[("cpu", "100m"), ("memory", "200Mi")]
        ),
        "Burstable"
    );
    assert_eq!(
        make("limits-only", &[], &[("cpu", "1"), ("memory", "1Gi")]),
        "Guaranteed"
    );
    assert_eq!(make("cpu-only", &[], &[("cpu", "1")]), "Burstable");
}

#[test]
fn daemonset_template_generation_follows_template_changes_only() {
    let mut s = kubeplay::Session::new(1);
    let manifest = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/static/examples/seeds/logging-agent.yaml"
    ))
    .unwrap();
    s.run_script(&format!("kubectl apply -f - <<EOF\n{manifest}EOF\n"), false);
    let generation = |s: &kubeplay::Session| {
        let ds = s
            .sim
            .store()
            .get::<DaemonSet>("default", "logging-agent")
            .unwrap();
        ds.metadata
            .annotations()
            .get("deprecated.daemonset.template.generation")
            .cloned()
    };
    assert_eq!(generation(&s).as_deref(), Some("1"));
    s.execute_text("kubectl label ds logging-agent team=obs");
    assert_eq!(
        generation(&s).as_deref(),
        Some("1"),
        "labels are not the template"
    );
    s.execute_text("kubectl set image ds/logging-agent fluentd=fluentd:v1.17");
    assert_eq!(generation(&s).as_deref(), Some("2"));
}

/// A 100-node cluster in the middle of a DaemonSet rolling update: plenty of reconciles,
/// timers and generated names for a chunked advance to get wrong.
fn rolling_daemonset_over_100_nodes() -> kubeplay::script::Session {
    let mut session = kubeplay::script::Session::with_sim(Sim::with_workers(3, 100));
    let manifest = |image: &str| {
        format!(
            "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {{name: agent}}\nspec:\n  \
             selector: {{matchLabels: {{app: agent}}}}\n  updateStrategy:\n    \
             rollingUpdate: {{maxUnavailable: 10}}\n  template:\n    metadata: {{labels: {{app: agent}}}}\n    \
             spec:\n      containers:\n      - {{name: agent, image: \"{image}\"}}\n"
        )
    };
    for (image, settle) in [
        ("agent:v1", "sim advance 2m"),
        ("agent:v2", "sim advance 1s"),
    ] {
        let text = format!(
            "kubectl apply -f - <<EOF\n{}EOF\n{settle}\n",
            manifest(image)
        );
        let t = session.run_script(&text, true);
        assert!(t.failures.is_empty(), "{}", t.text);
    }
    session
}

/// What a user could see of the cluster: every pod and DaemonSet as YAML, events, the clock.
fn observable(session: &mut kubeplay::script::Session) -> String {
    let t = session.run_script(
        "kubectl get pods -A -o yaml\nkubectl get ds -A -o yaml\nkubectl get events -A\nsim time\nsim why\n",
        true,
    );
    assert!(t.failures.is_empty(), "{}", t.text);
    t.text
}

#[test]
fn advancing_in_bounded_chunks_leaves_exactly_the_state_of_one_advance() {
    use kubeplay::engine::time::SimTime;
    let span = SimDuration::from_secs(90);

    let mut single = rolling_daemonset_over_100_nodes();
    let target = single.sim.now() + span;
    single.sim.advance_by(span);
    let expected = observable(&mut single);
    assert!(
        expected.contains("agent:v2") && expected.contains("agent:v1"),
        "the rollout is under way at the end of the span, so chunk edges fall inside it"
    );

    for chunk in [1, 7, 64] {
        let mut chunked = rolling_daemonset_over_100_nodes();
        let mut calls = 0;
        // Where the chunks stopped between instants: the journal records those as advances.
        let mut rests: Vec<SimTime> = Vec::new();
        while !chunked.sim.run_toward(target, chunk) {
            calls += 1;
            if chunked.sim.is_at_rest() {
                rests.push(chunked.sim.now());
            }
        }
        assert!(
            calls > 10,
            "chunks of {chunk} took {calls} calls: the span is too small"
        );
        assert_eq!(chunked.sim.now(), target);
        assert_eq!(observable(&mut chunked), expected, "chunks of {chunk}");

        // Replaying as plain advances cut at those rest points gives the same cluster again.
        assert!(
            !rests.is_empty(),
            "chunks of {chunk} never stopped between instants"
        );
        let mut replayed = rolling_daemonset_over_100_nodes();
        for at in rests {
            replayed.sim.run_until(at);
            assert!(replayed.sim.is_at_rest());
        }
        replayed.sim.run_until(target);
        assert_eq!(
            observable(&mut replayed),
            expected,
            "replay of chunks of {chunk}"
        );
    }
}

#[test]
fn run_toward_a_reached_target_does_nothing_and_reports_the_next_timer() {
    let mut sim = Sim::new(1);
    let now = sim.now();
    assert!(sim.is_at_rest());
    assert!(sim.run_toward(now, 0), "nothing to do: reached at once");
    assert_eq!(sim.now(), now);
    if let Some(next) = sim.next_timer() {
        assert!(next > now);
    }
}
