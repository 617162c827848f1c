//! `present`: the view structs the UI renders, computed natively.
#![cfg(not(target_arch = "wasm32"))]

use kubeplay::present::cluster_view;
use kubeplay::Session;

const WEB: &str = include_str!("../static/examples/web.yaml");

#[test]
fn the_default_cluster_has_four_lanes_and_nothing_pending() {
    let session = Session::new(1);
    let view = cluster_view(&session.sim);
    let names: Vec<&str> = view.nodes.iter().map(|n| n.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "kind-control-plane",
            "kind-worker",
            "kind-worker2",
            "kind-worker3"
        ]
    );
    assert!(view.nodes.iter().all(|n| n.ready));
    assert_eq!(
        view.nodes[0].taints,
        ["node-role.kubernetes.io/control-plane:NoSchedule"]
    );
    assert!(view.pending.is_empty());
    assert!(view.claims.is_empty());
}

#[test]
fn statefulset_claims_are_bound_on_their_pods_node() {
    let mut session = Session::new(1);
    let out = session.run_script(&format!("kubectl apply -f - <<EOF\n{WEB}EOF\n"), true);
    assert!(out.failures.is_empty(), "{}", out.text);
    session.execute_text("sim settle");
    let view = cluster_view(&session.sim);
    let claims: Vec<(&str, &str)> = view
        .claims
        .iter()
        .map(|c| (c.name.as_str(), c.phase.as_str()))
        .collect();
    assert_eq!(
        claims,
        [
            ("www-web-0", "Bound"),
            ("www-web-1", "Bound"),
            ("www-web-2", "Bound")
        ]
    );
    for claim in &view.claims {
        assert_eq!(claim.size.as_deref(), Some("1Gi"));
        assert_eq!(claim.storage_class.as_deref(), Some("standard"));
        let pod = claim.name.trim_start_matches("www-");
        let node = view
            .nodes
            .iter()
            .find(|n| n.pods.iter().any(|p| p.name == pod))
            .map(|n| n.name.as_str());
        assert_eq!(
            claim.node.as_deref(),
            node,
            "{} is on its pod's node",
            claim.name
        );
    }
}

#[test]
fn waiting_lines_say_why_the_next_ordinal_is_not_created() {
    let mut session = Session::new(1);
    session.run_script(&format!("kubectl apply -f - <<EOF\n{WEB}EOF\n"), true);
    session.execute_text("sim advance 1s");
    let view = cluster_view(&session.sim);
    let line = view
        .waiting
        .iter()
        .find(|w| w.key == "statefulset/web")
        .expect("the StatefulSet controller says what it waits for");
    assert_eq!(line.component, "statefulset-controller");
    assert_eq!(line.subject, "pod/web-1");
    assert!(line.reason.contains("web-0"), "{line:?}");
}

// ---- Node usage, claims beside their pods, ordering, moves (issue 6: the cluster view) ----

use kubeplay::present::{lane_entries, pod_order, ClusterView, LaneEntry, MoveTracker, NodeLane};

const POSTGRES: &str = include_str!("../static/examples/postgres.yaml");
const FLUENTD: &str = include_str!("../static/examples/fluentd.yaml");

fn apply(session: &mut Session, manifest: &str) {
    let out = session.run_script(&format!("kubectl apply -f - <<EOF\n{manifest}EOF\n"), true);
    assert!(out.failures.is_empty(), "{}", out.text);
}

fn lane<'a>(view: &'a ClusterView, node: &str) -> &'a NodeLane {
    view.nodes
        .iter()
        .find(|n| n.name == node)
        .unwrap_or_else(|| panic!("no lane {node}"))
}

/// The node a pod runs on, in the view.
fn node_of<'a>(view: &'a ClusterView, pod: &str) -> Option<&'a str> {
    view.nodes
        .iter()
        .find(|n| n.pods.iter().any(|p| p.name == pod))
        .map(|n| n.name.as_str())
}

/// The lane's entries as text: `web-0`, `web-0+www-web-0`, `[www-web-2]` for a claim alone.
fn entries_text(lane: &NodeLane, with_system: bool) -> Vec<String> {
    lane_entries(lane, |p| with_system || p.namespace != "kube-system")
        .into_iter()
        .map(|e| match e {
            LaneEntry::Pod { pod, claims } => std::iter::once(pod.name.clone())
                .chain(claims.iter().map(|c| c.name.clone()))
                .collect::<Vec<_>>()
                .join("+"),
            LaneEntry::Claim(c) => format!("[{}]", c.name),
        })
        .collect()
}

/// `kubectl describe node`'s figures: (cpu requests, memory requests, pod count, pods allocatable),
/// e.g. ("100m (2%)", "50Mi (0%)", "2", "110").
fn described(session: &mut Session, node: &str) -> (String, String, String, String) {
    let text = session
        .execute_text(&format!("kubectl describe node {node}"))
        .text;
    let after_allocated = text
        .split("Allocated resources:")
        .nth(1)
        .expect("an Allocated resources section");
    let requests = |resource: &str| {
        let line = after_allocated
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{resource} ")))
            .unwrap_or_else(|| panic!("no {resource} line"));
        // `cpu   850m (21%)  1 (25%)`: the first two words after the name are the requests.
        let words: Vec<&str> = line.split_whitespace().collect();
        format!("{} {}", words[1], words[2])
    };
    let pods = text
        .split("Non-terminated Pods:")
        .nth(1)
        .and_then(|s| s.trim_start().strip_prefix('('))
        .and_then(|s| s.split_whitespace().next())
        .expect("a Non-terminated Pods count")
        .to_string();
    let allocatable = text.split("Allocatable:").nth(1).expect("Allocatable");
    let pods_allocatable = allocatable
        .lines()
        .find(|l| l.trim_start().starts_with("pods:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .expect("pods allocatable")
        .to_string();
    (requests("cpu"), requests("memory"), pods, pods_allocatable)
}

#[test]
fn usage_meters_show_what_kubectl_describe_node_prints() {
    let mut session = Session::new(1);
    apply(&mut session, FLUENTD);
    apply(&mut session, POSTGRES);
    session.execute_text("sim settle");
    let view = cluster_view(&session.sim);
    for lane in &view.nodes {
        let (cpu, memory, pods, pods_allocatable) = described(&mut session, &lane.name);
        let meters: Vec<(&str, String)> = lane
            .usage
            .iter()
            .map(|m| (m.resource, format!("{} ({}%)", m.used, m.percent)))
            .collect();
        assert_eq!(
            meters,
            [
                ("cpu", cpu),
                ("memory", memory),
                ("pods", format!("{pods} ({}%)", lane.usage[2].percent)),
            ],
            "{}",
            lane.name
        );
        assert_eq!(lane.usage[2].capacity, pods_allocatable);
    }
    // The text the lane prints, for a worker running kindnet (100m, 50Mi), fluentd (100m,
    // 200Mi) and maybe postgres (250m, 256Mi).
    let worker = lane(&view, "kind-worker");
    assert_eq!(worker.usage[0].capacity, "4");
    assert_eq!(worker.usage[1].capacity, "8Gi");
    assert!(
        worker.usage[0].text().starts_with("cpu ") && worker.usage[0].text().ends_with("%)"),
        "{}",
        worker.usage[0].text()
    );
}

#[test]
fn usage_meters_grow_when_pods_with_requests_arrive() {
    let mut session = Session::new(1);
    session.execute_text("sim settle");
    let before = cluster_view(&session.sim);
    let worker = lane(&before, "kind-worker");
    assert_eq!(worker.usage[0].text(), "cpu 100m/4 (2%)");
    assert_eq!(worker.usage[1].text(), "memory 50Mi/8Gi (0%)");
    assert_eq!(worker.usage[2].text(), "pods 2/110 (1%)");
    apply(&mut session, FLUENTD);
    session.execute_text("sim settle");
    let after = cluster_view(&session.sim);
    let worker = lane(&after, "kind-worker");
    assert_eq!(worker.usage[0].text(), "cpu 200m/4 (5%)");
    assert_eq!(worker.usage[1].text(), "memory 250Mi/8Gi (3%)");
    assert_eq!(worker.usage[2].text(), "pods 3/110 (2%)");
    assert!(worker.usage[0].fill > 0.049 && worker.usage[0].fill < 0.051);
}

#[test]
fn node_bound_claims_are_drawn_beside_their_pod_in_the_volumes_node_lane() {
    let mut session = Session::new(1);
    apply(&mut session, WEB);
    session.execute_text("sim settle");
    let view = cluster_view(&session.sim);
    for ordinal in 0..3 {
        let pod = format!("web-{ordinal}");
        let claim = format!("www-{pod}");
        let node = node_of(&view, &pod).expect("web pod runs");
        let chip = view.claims.iter().find(|c| c.name == claim).unwrap();
        assert_eq!(chip.lane.as_deref(), Some(node), "{claim}");
        assert_eq!(chip.volume_node.as_deref(), Some(node), "{claim}");
        assert_eq!(chip.used_by, std::slice::from_ref(&pod));
        assert!(chip.volume.as_deref().unwrap().starts_with("pvc-"));
        let entries = entries_text(lane(&view, node), false);
        assert!(
            entries.contains(&format!("{pod}+{claim}")),
            "{node}: {entries:?}"
        );
    }
}

#[test]
fn a_claim_stays_in_its_lane_without_its_pod_and_the_pod_comes_back_beside_it() {
    let mut session = Session::new(1);
    apply(&mut session, WEB);
    session.execute_text("sim settle");
    let view = cluster_view(&session.sim);
    let node2 = node_of(&view, "web-2").unwrap().to_string();
    let node1 = node_of(&view, "web-1").unwrap().to_string();

    // Scale down: web-2 goes, its claim (and the data) stays on web-2's node.
    session.execute_text("kubectl scale sts web --replicas=2");
    session.execute_text("sim settle");
    let view = cluster_view(&session.sim);
    assert_eq!(node_of(&view, "web-2"), None);
    let claim = view.claims.iter().find(|c| c.name == "www-web-2").unwrap();
    assert_eq!(claim.lane.as_deref(), Some(node2.as_str()));
    assert!(claim.used_by.is_empty(), "{:?}", claim.used_by);
    assert!(
        entries_text(lane(&view, &node2), false).contains(&"[www-web-2]".to_string()),
        "{:?}",
        entries_text(lane(&view, &node2), false)
    );

    // Delete web-1 without waiting: while it terminates the claim is still beside it, with the
    // grace period counting down.
    session.execute_text("kubectl delete pod web-1 --wait=false");
    let view = cluster_view(&session.sim);
    let web1 = lane(&view, &node1)
        .pods
        .iter()
        .find(|p| p.name == "web-1")
        .unwrap();
    assert_eq!(web1.status, "Terminating");
    assert_eq!(web1.grace_ms, Some(10_000));
    assert_eq!(web1.grace_left_ms(view.time_ms), Some(10_000));
    assert_eq!(web1.grace_left_ms(view.time_ms + 4_000), Some(6_000));
    assert!(entries_text(lane(&view, &node1), false).contains(&"web-1+www-web-1".to_string()));

    // Both pods come back on the nodes that hold their volumes, beside their claims.
    session.execute_text("kubectl scale sts web --replicas=3");
    session.execute_text("sim settle");
    let view = cluster_view(&session.sim);
    assert_eq!(node_of(&view, "web-1"), Some(node1.as_str()));
    assert_eq!(node_of(&view, "web-2"), Some(node2.as_str()));
    assert!(entries_text(lane(&view, &node1), false).contains(&"web-1+www-web-1".to_string()));
    assert!(entries_text(lane(&view, &node2), false).contains(&"web-2+www-web-2".to_string()));
}

#[test]
fn claims_that_cannot_bind_wait_in_the_claims_lane_with_the_reason() {
    let mut session = Session::new(1);
    apply(
        &mut session,
        "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: nowhere\nspec:\n  storageClassName: missing\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n      storage: 1Gi\n---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: later\nspec:\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n      storage: 1Gi\n",
    );
    session.execute_text("sim settle");
    let view = cluster_view(&session.sim);
    let nowhere = view.claims.iter().find(|c| c.name == "nowhere").unwrap();
    assert_eq!(nowhere.phase, "Pending");
    assert_eq!(nowhere.lane, None);
    assert_eq!(
        nowhere.reason.as_deref(),
        Some("storageclass.storage.k8s.io \"missing\" not found")
    );
    let later = view.claims.iter().find(|c| c.name == "later").unwrap();
    assert_eq!(later.lane, None);
    assert!(
        later
            .reason
            .as_deref()
            .is_some_and(|r| r.contains("waiting for first consumer to be created before binding")),
        "{:?}",
        later.reason
    );
    assert!(view.nodes.iter().all(|n| n.claims.is_empty()));
}

#[test]
fn pods_are_ordered_by_owner_then_ordinal() {
    let mut session = Session::new(1);
    apply(&mut session, WEB);
    session.execute_text("kubectl scale sts web --replicas=11");
    session.execute_text("sim settle");
    let view = cluster_view(&session.sim);
    let mut web: Vec<_> = view
        .nodes
        .iter()
        .flat_map(|n| n.pods.iter())
        .filter(|p| p.namespace == "default")
        .collect();
    web.sort_by_key(|p| pod_order(p));
    let names: Vec<&str> = web.iter().map(|p| p.name.as_str()).collect();
    let expected: Vec<String> = (0..11).map(|i| format!("web-{i}")).collect();
    assert_eq!(names, expected);
    // In a lane: the user's pods first, ordinal order, each with its claim; kube-system after.
    for n in &view.nodes {
        let entries = entries_text(n, true);
        let ordinals: Vec<u32> = entries
            .iter()
            .filter_map(|e| e.strip_prefix("web-"))
            .filter_map(|e| e.split('+').next()?.parse().ok())
            .collect();
        assert!(
            ordinals.windows(2).all(|w| w[0] < w[1]),
            "{}: {entries:?}",
            n.name
        );
        let first_system = entries.iter().position(|e| !e.starts_with("web-"));
        if let Some(i) = first_system {
            assert!(
                entries[i..].iter().all(|e| !e.starts_with("web-")),
                "{entries:?}"
            );
        }
    }
}

#[test]
fn a_pod_that_comes_back_on_another_node_is_marked_moved_for_a_while() {
    let mut session = Session::new(1);
    let pod = |node: &str| {
        format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: solo\nspec:\n  nodeName: {node}\n  terminationGracePeriodSeconds: 0\n  containers:\n  - name: c\n    image: registry.k8s.io/pause:3.10\n")
    };
    let mut tracker = MoveTracker::default();
    apply(&mut session, &pod("kind-worker"));
    session.execute_text("sim settle");
    assert!(tracker.observe(&cluster_view(&session.sim)).is_empty());
    session.execute_text("kubectl delete pod solo");
    session.execute_text("sim advance 1s");
    assert!(tracker.observe(&cluster_view(&session.sim)).is_empty());
    apply(&mut session, &pod("kind-worker2"));
    session.execute_text("sim advance 1s");
    let view = cluster_view(&session.sim);
    let uid = lane(&view, "kind-worker2").pods[0].uid.clone();
    let moves = tracker.observe(&view);
    assert_eq!(moves.get(&uid).map(String::as_str), Some("kind-worker"));
    // Observing the same view again changes nothing; the mark fades after 20 simulated seconds.
    assert_eq!(tracker.observe(&view), moves);
    session.execute_text("sim advance 19s");
    assert_eq!(tracker.observe(&cluster_view(&session.sim)), moves);
    session.execute_text("sim advance 1s");
    assert!(tracker.observe(&cluster_view(&session.sim)).is_empty());
    // A pod re-created on the same node is not a move.
    session.execute_text("kubectl delete pod solo");
    apply(&mut session, &pod("kind-worker2"));
    session.execute_text("sim advance 1s");
    assert!(tracker.observe(&cluster_view(&session.sim)).is_empty());
}

#[test]
fn the_claim_inspector_says_who_uses_it_and_where_its_volume_lives() {
    use kubeplay::present::{inspect, InspectKind, InspectTarget};
    let mut session = Session::new(1);
    apply(&mut session, WEB);
    session.execute_text("sim settle");
    let node = node_of(&cluster_view(&session.sim), "web-0")
        .unwrap()
        .to_string();
    let target = InspectTarget {
        kind: InspectKind::Claim,
        namespace: "default".into(),
        name: "www-web-0".into(),
    };
    let fact = |view: &kubeplay::present::InspectView, key: &str| {
        view.summary
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    };
    let view = inspect(&mut session.sim, &target).unwrap();
    assert_eq!(fact(&view, "Used By").as_deref(), Some("web-0"));
    assert_eq!(fact(&view, "Volume node"), Some(node.clone()));
    session.execute_text("kubectl scale sts web --replicas=0");
    session.execute_text("sim settle");
    let view = inspect(&mut session.sim, &target).unwrap();
    assert_eq!(fact(&view, "Used By").as_deref(), Some("<none>"));
    assert_eq!(fact(&view, "Volume node"), Some(node));
}

#[test]
fn the_node_inspector_lists_the_allocated_requests() {
    use kubeplay::present::{inspect, InspectKind, InspectTarget};
    let mut session = Session::new(1);
    apply(&mut session, FLUENTD);
    session.execute_text("sim settle");
    let target = InspectTarget {
        kind: InspectKind::Node,
        namespace: String::new(),
        name: "kind-worker".into(),
    };
    let view = inspect(&mut session.sim, &target).unwrap();
    let facts: Vec<(&str, &str)> = view
        .summary
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .filter(|(k, _)| k.ends_with("requests") || *k == "Non-terminated pods")
        .collect();
    assert_eq!(
        facts,
        [
            ("cpu requests", "200m of 4 (5%)"),
            ("memory requests", "250Mi of 8Gi (3%)"),
            ("Non-terminated pods", "3 of 110 (2%)"),
        ]
    );
}

/// Four hundred pods that do not fit wait for one reason: the view says it once, with a count,
/// instead of four hundred identical lines (`sim why` and the inspector keep every one).
#[test]
fn many_objects_waiting_for_one_reason_are_one_line_with_a_count() {
    let mut session = Session::new(1);
    session.execute_text("kubectl create deployment big --image=nginx:1.27 --replicas=400");
    session.execute_text("sim advance 10s");
    let view = cluster_view(&session.sim);
    let unschedulable: Vec<_> = view
        .waiting
        .iter()
        .filter(|w| w.component == "default-scheduler" && w.key.starts_with("pod/big-"))
        .collect();
    assert_eq!(unschedulable.len(), 1, "{unschedulable:?}");
    let pending = view.pending.len();
    assert!(pending > 50, "{pending} pending");
    assert_eq!(unschedulable[0].others + 1, pending);
    let why = session.execute_text("sim why").text;
    assert_eq!(why.matches("(default-scheduler)").count(), pending);
}
