//! The cluster view: usage meters, claims beside their pods (and left standing when the pod
//! goes), the terminating countdown, "moved from" marks, and owner-then-ordinal order.

use super::{apply, click, count, find, mount, text};
use wasm_bindgen_test::*;
use web_sys::Element;

const WEB: &str = include_str!("../../static/examples/web.yaml");
const FLUENTD: &str = include_str!("../../static/examples/fluentd.yaml");

/// Runs a command at the console, as a user would.
async fn console(root: &Element, command: &str) {
    super::run_command(root, command).await;
}

fn meter(root: &Element, node: &str, resource: &str) -> Element {
    find(
        root,
        &format!("[data-node={node}] [data-testid=node-usage] [data-resource={resource}]"),
    )
}

fn meter_text(root: &Element, node: &str, resource: &str) -> String {
    meter(root, node, resource)
        .get_attribute("data-text")
        .unwrap_or_default()
}

/// The lane (node name) an element is drawn in.
fn lane_of(el: &Element) -> Option<String> {
    el.closest("[data-testid=node]")
        .ok()
        .flatten()
        .and_then(|l| l.get_attribute("data-node"))
}

/// What follows a pod chip in its lane: the claim name, the pod name, or "".
fn next_of(el: &Element) -> String {
    el.next_element_sibling()
        .and_then(|n| {
            n.get_attribute("data-claim")
                .or_else(|| n.get_attribute("data-pod"))
        })
        .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn usage_meters_show_requests_against_allocatable_and_move_after_apply() {
    let (root, handle) = mount().await;
    assert_eq!(meter_text(&root, "kind-worker", "cpu"), "cpu 100m/4 (2%)");
    assert_eq!(
        meter_text(&root, "kind-worker", "memory"),
        "memory 50Mi/8Gi (0%)"
    );
    assert_eq!(meter_text(&root, "kind-worker", "pods"), "pods 2/110 (1%)");
    // Assistive technology gets a meter with its value, not a picture.
    let bar = find(&meter(&root, "kind-worker", "cpu"), "[role=meter]");
    assert_eq!(bar.get_attribute("aria-valuenow").as_deref(), Some("2"));
    assert_eq!(
        bar.get_attribute("aria-valuetext").as_deref(),
        Some("100m of 4 (2%)")
    );
    assert_eq!(
        bar.get_attribute("aria-label").as_deref(),
        Some("cpu requested")
    );
    apply(&root, FLUENTD).await;
    console(&root, "sim settle").await;
    assert_eq!(meter_text(&root, "kind-worker", "cpu"), "cpu 200m/4 (5%)");
    assert_eq!(
        meter_text(&root, "kind-worker", "memory"),
        "memory 250Mi/8Gi (3%)"
    );
    assert_eq!(meter_text(&root, "kind-worker", "pods"), "pods 3/110 (2%)");
    handle.destroy();
}

#[wasm_bindgen_test]
async fn claims_sit_beside_their_pods_and_stay_in_the_lane_when_the_pod_goes() {
    let (root, handle) = mount().await;
    apply(&root, WEB).await;
    console(&root, "sim settle").await;
    let mut lanes = Vec::new();
    for i in 0..3 {
        let pod = find(&root, &format!("[data-testid=node] [data-pod=web-{i}]"));
        let claim = find(&root, &format!("[data-claim=www-web-{i}]"));
        assert_eq!(
            next_of(&pod),
            format!("www-web-{i}"),
            "web-{i}'s claim follows it"
        );
        assert_eq!(lane_of(&claim), lane_of(&pod));
        assert_eq!(
            claim.get_attribute("data-place").as_deref(),
            Some("beside-pod")
        );
        lanes.push(lane_of(&pod).unwrap());
    }
    assert_eq!(
        count(&root, "[data-testid=claims]"),
        0,
        "no separate claims lane"
    );

    let before = find(&root, "[data-claim=www-web-2]");
    console(&root, "kubectl scale sts web --replicas=2").await;
    console(&root, "sim settle").await;
    assert_eq!(count(&root, "[data-pod=web-2]"), 0);
    let alone = find(&root, "[data-claim=www-web-2]");
    // The same element stays (keyed by the claim's uid): nothing re-appears when the pod goes.
    assert!(
        alone.is_same_node(Some(&before)),
        "the claim's element was re-created"
    );
    assert_eq!(lane_of(&alone).as_ref(), Some(&lanes[2]));
    assert_eq!(alone.get_attribute("data-place").as_deref(), Some("alone"));
    assert_eq!(
        text(&root, "[data-claim=www-web-2] [data-testid=claim-users]"),
        "no pod"
    );
    // The claim opens the inspector.
    click(&root, "[data-claim=www-web-2]").await;
    let inspector = find(&root, "[data-testid=inspector]");
    assert_eq!(
        inspector.get_attribute("data-name").as_deref(),
        Some("www-web-2")
    );
    assert_eq!(inspector.get_attribute("data-kind").as_deref(), Some("pvc"));
    click(&root, "[data-testid=inspector-close]").await;

    console(&root, "kubectl scale sts web --replicas=3").await;
    console(&root, "sim settle").await;
    let pod = find(&root, "[data-testid=node] [data-pod=web-2]");
    assert_eq!(
        lane_of(&pod).as_ref(),
        Some(&lanes[2]),
        "web-2 is back on its volume's node"
    );
    assert_eq!(next_of(&pod), "www-web-2");
    assert!(find(&root, "[data-claim=www-web-2]").is_same_node(Some(&before)));
    handle.destroy();
}

#[wasm_bindgen_test]
async fn a_pending_claim_waits_in_the_claims_lane_with_its_reason() {
    let (root, handle) = mount().await;
    apply(
        &root,
        "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: nowhere\nspec:\n  storageClassName: missing\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n      storage: 1Gi\n",
    )
    .await;
    console(&root, "sim settle").await;
    let claim = find(&root, "[data-testid=claims] [data-claim=nowhere]");
    assert_eq!(
        claim.get_attribute("data-phase").as_deref(),
        Some("Pending")
    );
    assert_eq!(
        text(&root, "[data-claim=nowhere] [data-testid=claim-reason]"),
        "storageclass.storage.k8s.io \"missing\" not found"
    );
    handle.destroy();
}

const SOLO: &str = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: solo\nspec:\n  selector:\n    matchLabels:\n      app: solo\n  serviceName: solo\n  replicas: 1\n  template:\n    metadata:\n      labels:\n        app: solo\n    spec:\n      terminationGracePeriodSeconds: 10\n      containers:\n      - name: c\n        image: registry.k8s.io/pause:3.10\n";

#[wasm_bindgen_test]
async fn a_terminating_pod_counts_its_grace_period_down() {
    let (root, handle) = mount().await;
    // The container ignores SIGTERM for 30 s, so the 10 s grace period runs out.
    console(&root, "sim set container-stop 30s").await;
    apply(&root, SOLO).await;
    console(&root, "sim settle").await;
    console(&root, "kubectl delete pod solo-0 --wait=false").await;
    let chip = find(&root, "[data-testid=node] [data-pod=solo-0]");
    assert_eq!(
        chip.get_attribute("data-status").as_deref(),
        Some("Terminating")
    );
    assert_eq!(
        text(&root, "[data-pod=solo-0] [data-testid=grace-left]"),
        "10s"
    );
    console(&root, "sim advance 4s").await;
    assert_eq!(
        text(&root, "[data-pod=solo-0] [data-testid=grace-left]"),
        "6s"
    );
    let style = find(&root, "[data-pod=solo-0]")
        .get_attribute("style")
        .unwrap_or_default();
    assert!(style.contains("--grace: 0.600"), "style: {style}");
    handle.destroy();
}

#[wasm_bindgen_test]
async fn a_pod_back_on_another_node_says_where_it_came_from() {
    let (root, handle) = mount().await;
    apply(&root, SOLO).await;
    console(&root, "sim settle").await;
    let first = find(&root, "[data-testid=node] [data-pod=solo-0]");
    let from = lane_of(&first).unwrap();
    assert_eq!(first.get_attribute("data-moved-from"), None);
    console(&root, &format!("kubectl drain {from} --ignore-daemonsets")).await;
    console(&root, "sim settle").await;
    let back = find(&root, "[data-testid=node] [data-pod=solo-0]");
    assert_ne!(lane_of(&back).as_ref(), Some(&from));
    assert_eq!(
        back.get_attribute("data-moved-from").as_deref(),
        Some(from.as_str())
    );
    assert_eq!(
        text(&root, "[data-pod=solo-0] [data-testid=moved-from]"),
        format!("↪ from {from}")
    );
    // The mark is news, not history: it goes after a while.
    console(&root, "sim advance 30s").await;
    assert_eq!(
        count(&root, "[data-pod=solo-0] [data-testid=moved-from]"),
        0
    );
    handle.destroy();
}

#[wasm_bindgen_test]
async fn statefulset_pods_read_in_ordinal_order_within_a_lane() {
    let (root, handle) = mount().await;
    apply(&root, &WEB.replace("replicas: 3", "replicas: 12")).await;
    console(&root, "sim settle").await;
    let lanes = root.query_selector_all("[data-testid=node]").unwrap();
    let mut total = 0;
    for i in 0..lanes.length() {
        let lane: Element = wasm_bindgen::JsCast::unchecked_into(lanes.item(i).unwrap());
        let chips = lane.query_selector_all("[data-pod^=web-]").unwrap();
        let ordinals: Vec<u32> = (0..chips.length())
            .filter_map(|j| {
                let el: Element = wasm_bindgen::JsCast::unchecked_into(chips.item(j).unwrap());
                el.get_attribute("data-pod")?
                    .strip_prefix("web-")?
                    .parse()
                    .ok()
            })
            .collect();
        total += ordinals.len();
        assert!(
            ordinals.windows(2).all(|w| w[0] < w[1]),
            "{:?}: {ordinals:?}",
            lane.get_attribute("data-node")
        );
    }
    assert_eq!(total, 12);
    handle.destroy();
}
