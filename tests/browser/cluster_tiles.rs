//! Crowded lanes: from 40 pods on, a lane draws one tile per pod. Every pod is still there —
//! findable by its data attributes, named by its title, focusable, opened by a click or Enter —
//! the lane counts its pods per STATUS, a crowded Pending lane says each scheduler reason once,
//! and hundreds of pods arriving at once are drawn over a few frames, not in one long one.

use super::{apply, click, count, find, mount, run_command, text, wait_until};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};

/// A Deployment of `replicas` pause pods; `pinned` keeps them Pending (no node has the label).
fn deployment(name: &str, replicas: u32, pinned: bool) -> String {
    let selector = if pinned {
        "      nodeSelector:\n        disktype: ssd\n"
    } else {
        ""
    };
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels: {{app: {name}}}\n  template:\n    metadata:\n      labels: {{app: {name}}}\n    spec:\n{selector}      containers:\n      - name: c\n        image: registry.k8s.io/pause:3.10\n"
    )
}

/// Runs a page function, as the e2e tests do (for what web-sys features do not cover here).
fn js(body: &str, arg: &JsValue) -> JsValue {
    js_sys::Function::new_with_args("arg", body)
        .call1(&JsValue::NULL, arg)
        .expect("the page function runs")
}

#[wasm_bindgen_test]
async fn a_crowded_lane_draws_a_tile_per_pod_each_named_and_openable() {
    let (root, handle) = mount().await;
    apply(&root, &deployment("fleet", 150, false)).await;
    run_command(&root, "sim settle").await;
    // Every pod is on the page, as a tile (the three workers hold about 50 each).
    assert_eq!(
        count(&root, "[data-testid=node] .tile[data-pod^=fleet-]"),
        150
    );
    assert_eq!(count(&root, "[data-testid=node] .pod[data-pod^=fleet-]"), 0);
    assert_eq!(
        count(
            &root,
            "[data-testid=node] [data-pod^=fleet-][data-phase=Running][data-ready=true]"
        ),
        150
    );
    // Its name and status are its accessible name (the title), and it is a button.
    let tile = find(&root, "[data-node=kind-worker] .tile[data-pod^=fleet-]");
    let name = tile.get_attribute("data-pod").unwrap();
    let title = tile.get_attribute("title").unwrap_or_default();
    assert!(
        title.starts_with(&format!(
            "default/{name} — Running, Ready · ReplicaSet fleet-"
        )),
        "title: {title}"
    );
    assert_eq!(tile.get_attribute("role").as_deref(), Some("button"));
    // The lane's tiles are one Tab stop, its first tile; the others are reached by the arrows.
    assert_eq!(
        count(&root, "[data-node=kind-worker] .tiles [tabindex=\"0\"]"),
        1
    );
    assert_eq!(
        find(&root, "[data-node=kind-worker] .tile")
            .get_attribute("tabindex")
            .as_deref(),
        Some("0")
    );
    // The lane counts its pods per STATUS: the fleet and the node's own system pods.
    let on_worker = count(&root, "[data-node=kind-worker] .tile");
    assert!(on_worker >= 40, "{on_worker} tiles on kind-worker");
    assert_eq!(
        text(&root, "[data-node=kind-worker] [data-testid=tile-counts]"),
        format!("{on_worker} Running")
    );
    // A click opens the inspector on that pod...
    tile.clone().unchecked_into::<HtmlElement>().click();
    yew::scheduler::flush().await;
    let inspector = find(&root, "[data-testid=inspector]");
    assert_eq!(inspector.get_attribute("data-name"), Some(name));
    click(&root, "[data-testid=inspector-close]").await;
    assert_eq!(count(&root, "[data-testid=inspector]"), 0);
    // ...and so does Enter on a focused tile, whose name the caption line shows meanwhile (a
    // tooltip only follows the mouse).
    let caption = "[data-node=kind-worker2] [data-testid=tiles-caption]";
    assert!(text(&root, caption).starts_with("One tile per pod"));
    let other = find(&root, "[data-node=kind-worker2] .tile[data-pod^=fleet-]");
    other
        .clone()
        .unchecked_into::<HtmlElement>()
        .focus()
        .unwrap();
    yew::scheduler::flush().await;
    assert_eq!(Some(text(&root, caption)), other.get_attribute("title"));
    super::keydown(&other, "Enter", false).await;
    assert_eq!(
        find(&root, "[data-testid=inspector]").get_attribute("data-name"),
        other.get_attribute("data-pod")
    );
    handle.destroy();
}

#[wasm_bindgen_test]
async fn a_crowded_pending_lane_says_each_reason_once_with_its_count() {
    let (root, handle) = mount().await;
    apply(&root, &deployment("picky", 45, true)).await;
    run_command(&root, "sim advance 5s").await;
    assert_eq!(count(&root, "[data-testid=pending-lane] .tile"), 45);
    assert_eq!(text(&root, "[data-testid=pending-count]"), "45 pods");
    assert_eq!(count(&root, "[data-testid=pending-reason-group]"), 1);
    let reason = text(&root, "[data-testid=pending-reason-group]");
    assert!(
        reason.starts_with("45 pods: 0/4 nodes are available:")
            && reason.contains("node(s) didn't match Pod's node affinity/selector"),
        "reason: {reason}"
    );
    // Each tile still carries its own STATUS and opens its own pod.
    assert_eq!(
        count(
            &root,
            "[data-testid=pending-lane] .tile[data-status=Pending]"
        ),
        45
    );
    let tile = find(&root, "[data-testid=pending-lane] .tile");
    tile.clone().unchecked_into::<HtmlElement>().click();
    yew::scheduler::flush().await;
    assert_eq!(
        find(&root, "[data-testid=inspector]").get_attribute("data-name"),
        tile.get_attribute("data-pod")
    );
    handle.destroy();
}

#[wasm_bindgen_test]
async fn two_hundred_pods_arriving_at_once_are_drawn_over_a_few_frames() {
    let (root, handle) = mount().await;
    apply(&root, &deployment("burst", 200, true)).await;
    // Record, every animation frame, the tiles in the Pending lane and what stands for the rest.
    js(
        "window.__tiles = []; window.__stop = false;
         const tick = () => {
           const n = arg.querySelectorAll('[data-testid=pending-lane] .tile').length;
           const more = arg.querySelector('[data-testid=pending-lane] [data-testid=tiles-more]');
           if (n || window.__tiles.length) window.__tiles.push(n + '|' + (more ? more.textContent : ''));
           if (!window.__stop) requestAnimationFrame(tick);
         };
         requestAnimationFrame(tick);",
        &root,
    );
    click(&root, "[data-testid=step]").await;
    wait_until(&root, "all 200 tiles", |r| {
        count(r, "[data-testid=pending-lane] .tile") == 200
    })
    .await;
    let frames = js(
        "window.__stop = true; return window.__tiles.join(',');",
        &JsValue::NULL,
    )
    .as_string()
    .unwrap_or_default();
    // The ReplicaSet made all 200 in one step; the first frame draws 150 and says so.
    let first = frames.split(',').next().unwrap_or_default();
    assert_eq!(first, "150|+50 more…", "frames: {frames}");
    assert_eq!(count(&root, "[data-testid=tiles-more]"), 0);
    handle.destroy();
}

#[wasm_bindgen_test]
async fn claims_in_a_crowded_lane_are_round_tiles_beside_their_pods() {
    let (root, handle) = mount().await;
    apply(
        &root,
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\nspec:\n  replicas: 40\n  podManagementPolicy: Parallel\n  serviceName: db\n  selector:\n    matchLabels: {app: db}\n  template:\n    metadata:\n      labels: {app: db}\n    spec:\n      nodeSelector:\n        kubernetes.io/hostname: kind-worker\n      containers:\n      - name: c\n        image: registry.k8s.io/pause:3.10\n        volumeMounts:\n        - {name: data, mountPath: /data}\n  volumeClaimTemplates:\n  - metadata:\n      name: data\n    spec:\n      accessModes: [ReadWriteOnce]\n      resources:\n        requests:\n          storage: 1Gi\n",
    )
    .await;
    run_command(&root, "sim settle").await;
    let lane = "[data-node=kind-worker] ul.tiles";
    assert_eq!(count(&root, &format!("{lane} .tile[data-pod^=db-]")), 40);
    // Each claim is a round tile right after its pod's tile, named by its title.
    assert_eq!(
        count(
            &root,
            &format!("{lane} .slot > .tile[data-pod^=db-] + .claim-tile[data-claim^=data-db-][data-place=beside-pod]")
        ),
        40
    );
    let claim = find(&root, &format!("{lane} .claim-tile[data-claim=data-db-7]"));
    let title = claim.get_attribute("title").unwrap_or_default();
    assert!(
        title.starts_with("PersistentVolumeClaim default/data-db-7 — Bound, 1Gi")
            && title.ends_with("used by db-7"),
        "title: {title}"
    );
    claim.unchecked_into::<HtmlElement>().click();
    yew::scheduler::flush().await;
    let inspector = find(&root, "[data-testid=inspector]");
    assert_eq!(
        inspector.get_attribute("data-name").as_deref(),
        Some("data-db-7")
    );
    handle.destroy();
}

#[wasm_bindgen_test]
async fn the_arrow_keys_home_and_end_move_between_a_lanes_tiles() {
    let (root, handle) = mount().await;
    apply(&root, &deployment("fleet", 150, false)).await;
    run_command(&root, "sim settle").await;
    let tiles = root
        .query_selector_all("[data-node=kind-worker] .tile")
        .unwrap();
    let tile = |i: u32| -> Element { tiles.item(i).unwrap().unchecked_into() };
    let focused = || -> Option<String> {
        web_sys::window()?
            .document()?
            .active_element()?
            .get_attribute("data-pod")
    };
    tile(0).unchecked_into::<HtmlElement>().focus().unwrap();
    super::keydown(&tile(0), "ArrowRight", false).await;
    assert_eq!(focused(), tile(1).get_attribute("data-pod"));
    super::keydown(&tile(1), "End", false).await;
    let last = tiles.length() - 1;
    assert_eq!(focused(), tile(last).get_attribute("data-pod"));
    super::keydown(&tile(last), "ArrowDown", false).await;
    assert_eq!(
        focused(),
        tile(last).get_attribute("data-pod"),
        "stays on the last"
    );
    super::keydown(&tile(last), "Home", false).await;
    assert_eq!(focused(), tile(0).get_attribute("data-pod"));
    // Leaving the lane and coming back with Tab lands on the tile last focused: the lane's one
    // Tab stop follows the focus.
    super::keydown(&tile(0), "ArrowRight", false).await;
    super::keydown(&tile(1), "ArrowRight", false).await;
    find(&root, "[data-testid=console-input]")
        .unchecked_into::<HtmlElement>()
        .focus()
        .unwrap();
    yew::scheduler::flush().await;
    let stops = root
        .query_selector_all("[data-node=kind-worker] .tiles [tabindex=\"0\"]")
        .unwrap();
    assert_eq!(stops.length(), 1);
    let stop: Element = stops.item(0).unwrap().unchecked_into();
    assert_eq!(
        stop.get_attribute("data-pod"),
        tile(2).get_attribute("data-pod")
    );
    handle.destroy();
}
