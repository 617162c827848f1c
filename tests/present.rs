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
