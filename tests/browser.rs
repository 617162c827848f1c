//! Component tests in headless Chromium (wasm-bindgen-test). Run with
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test browser`
//! (.ci/test.sh does). Each test mounts its own App in its own element and waits for Yew
//! with `yew::scheduler::flush()`, never a timer.
#![cfg(target_arch = "wasm32")]

use kubeplay::engine::time::SimDuration;
use kubeplay::ui::components::format::clock;
use kubeplay::ui::journal::Journal;
use kubeplay::ui::state::{Action, AppState};
use kubeplay::ui::App;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, Event, EventInit, HtmlElement, HtmlInputElement, HtmlTextAreaElement};
use yew::Reducible;

wasm_bindgen_test_configure!(run_in_browser);

#[path = "browser/cluster_tiles.rs"]
mod cluster_tiles;
#[path = "browser/cluster_view.rs"]
mod cluster_view;
#[path = "browser/console_job.rs"]
mod console_job;
#[path = "browser/drain_job.rs"]
mod drain_job;
#[path = "browser/editor_console.rs"]
mod editor_console;
#[path = "browser/enums.rs"]
mod enums;
#[path = "browser/session.rs"]
mod session;
#[path = "browser/session_timeline.rs"]
mod session_timeline;
#[path = "browser/time.rs"]
mod time;

/// The clock of the default cluster when the page opens (it settles before it is shown).
fn start_ms() -> u64 {
    AppState::fresh().view.time_ms
}

fn clock_text(ms: u64) -> String {
    format!("t ={}", clock(ms))
}

/// A fresh App in its own element, with no saved session.
async fn mount() -> (Element, yew::AppHandle<App>) {
    let window = web_sys::window().unwrap();
    window.local_storage().unwrap().unwrap().clear().unwrap();
    let document = window.document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    let handle = yew::Renderer::<App>::with_root(root.clone()).render();
    yew::scheduler::flush().await;
    (root, handle)
}

fn find(root: &Element, selector: &str) -> Element {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("nothing matches {selector}"))
}

fn count(root: &Element, selector: &str) -> u32 {
    root.query_selector_all(selector).unwrap().length()
}

fn text(root: &Element, selector: &str) -> String {
    find(root, selector).text_content().unwrap_or_default()
}

async fn click(root: &Element, selector: &str) {
    find(root, selector).unchecked_into::<HtmlElement>().click();
    yew::scheduler::flush().await;
}

/// A `keydown` of `key` (with Ctrl when `ctrl`) on `el`, built in JavaScript (`new
/// KeyboardEvent(...)`): web-sys's KeyboardEventInit is not among the enabled features.
async fn keydown(el: &Element, key: &str, ctrl: bool) {
    use wasm_bindgen::JsValue;
    let init = js_sys::Object::new();
    for (name, value) in [
        ("key", JsValue::from_str(key)),
        ("ctrlKey", JsValue::from_bool(ctrl)),
        ("bubbles", JsValue::TRUE),
        ("cancelable", JsValue::TRUE),
    ] {
        js_sys::Reflect::set(&init, &name.into(), &value).unwrap();
    }
    let ctor: js_sys::Function =
        js_sys::Reflect::get(&web_sys::window().unwrap(), &"KeyboardEvent".into())
            .unwrap()
            .unchecked_into();
    let args = js_sys::Array::of2(&"keydown".into(), &init);
    let event: Event = js_sys::Reflect::construct(&ctor, &args)
        .unwrap()
        .unchecked_into();
    el.dispatch_event(&event).unwrap();
    yew::scheduler::flush().await;
}

/// Presses `key` on the element `selector` finds (a bubbling keydown, as the keyboard sends).
pub(crate) async fn press(root: &Element, selector: &str, key: &str) {
    keydown(&find(root, selector), key, false).await;
}

/// Waits (real time, animation frames run) until the console has no command running: one
/// that moves time for a while runs a slice per frame.
async fn console_done(root: &Element) {
    wait_until(root, "the console command to finish", |r| {
        r.query_selector("[data-testid=console-output] [data-running=true]")
            .unwrap()
            .is_none()
    })
    .await;
}

/// Real time passes (animation frames run) until `done` holds, or panics after ~10 s.
pub(crate) async fn wait_until(root: &Element, what: &str, done: impl Fn(&Element) -> bool) {
    for _ in 0..1000 {
        yew::scheduler::flush().await;
        if done(root) {
            return;
        }
        yew::platform::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("timed out waiting for {what}");
}

/// Applies `actions` to the reducer in order.
pub(crate) fn reduce(state: Rc<AppState>, actions: Vec<Action>) -> Rc<AppState> {
    actions.into_iter().fold(state, |s, a| s.reduce(a))
}

/// Animation frames 16 ms apart (the timestamps only pace play; the work budget is real
/// time) until time stops moving or `max` frames. Returns the state and the frames used.
pub(crate) fn frames(mut state: Rc<AppState>, clock: &mut f64, max: u32) -> (Rc<AppState>, u32) {
    let mut n = 0;
    while state.time_active() && n < max {
        *clock += 16.0;
        state = state.reduce(Action::Frame(*clock));
        n += 1;
    }
    (state, n)
}

/// Types a console command, runs it and waits until it is over.
async fn run_command(root: &Element, line: &str) {
    type_into(root, "[data-testid=console-input]", line).await;
    click(root, "[data-testid=run]").await;
    console_done(root).await;
}

/// Animation frames for the reducer alone, until a console command that moves time is over.
fn finish_console(mut state: Rc<AppState>) -> Rc<AppState> {
    let mut clock = 0.0;
    for _ in 0..100_000 {
        if !state.console_busy() {
            return state;
        }
        clock += 16.0;
        state = state.reduce(Action::Frame(clock));
    }
    panic!("the console command did not finish");
}

/// Sets a field's value and fires a bubbling `input` event, as typing does.
async fn type_into(root: &Element, selector: &str, value: &str) {
    let el = find(root, selector);
    if let Some(area) = el.dyn_ref::<HtmlTextAreaElement>() {
        area.set_value(value);
    } else {
        el.unchecked_ref::<HtmlInputElement>().set_value(value);
    }
    let init = EventInit::new();
    init.set_bubbles(true);
    el.dispatch_event(&Event::new_with_event_init_dict("input", &init).unwrap())
        .unwrap();
    yew::scheduler::flush().await;
}

#[wasm_bindgen_test]
async fn first_screen_shows_the_default_cluster_and_the_example() {
    let (root, handle) = mount().await;
    assert_eq!(count(&root, "[data-testid=node]"), 4);
    assert!(text(&root, "[data-node=kind-control-plane]")
        .contains("node-role.kubernetes.io/control-plane:NoSchedule"));
    assert!(text(&root, "[data-node=kind-worker]").contains("Ready"));
    let editor = find(&root, "[data-testid=editor]")
        .unchecked_into::<HtmlTextAreaElement>()
        .value();
    assert!(editor.contains("kind: StatefulSet") && editor.contains("volumeClaimTemplates"));
    assert_eq!(
        text(&root, "[data-testid=sim-time]").trim(),
        clock_text(start_ms())
    );
    handle.destroy();
}

#[wasm_bindgen_test]
async fn step_moves_the_clock_one_second() {
    let (root, handle) = mount().await;
    click(&root, "[data-testid=step]").await;
    click(&root, "[data-testid=step]").await;
    assert_eq!(
        text(&root, "[data-testid=sim-time]").trim(),
        clock_text(start_ms() + 2000)
    );
    handle.destroy();
}

#[wasm_bindgen_test]
async fn play_toggles_and_disables_step() {
    let (root, handle) = mount().await;
    click(&root, "[data-testid=play]").await;
    let play = find(&root, "[data-testid=play]");
    assert_eq!(play.get_attribute("aria-pressed").as_deref(), Some("true"));
    assert!(find(&root, "[data-testid=step]").has_attribute("disabled"));
    click(&root, "[data-testid=play]").await;
    assert_eq!(
        find(&root, "[data-testid=play]")
            .get_attribute("aria-pressed")
            .as_deref(),
        Some("false")
    );
    handle.destroy();
}

#[wasm_bindgen_test]
async fn console_runs_sim_verbs_and_shows_their_output() {
    let (root, handle) = mount().await;
    type_into(
        &root,
        "[data-testid=console-input]",
        "sim node add kind-worker4 --label disktype=ssd",
    )
    .await;
    click(&root, "[data-testid=run]").await;
    assert_eq!(
        count(&root, "[data-testid=node]"),
        5,
        "the new node gets a lane"
    );
    assert!(root
        .query_selector("[data-node=kind-worker4]")
        .unwrap()
        .is_some());
    type_into(&root, "[data-testid=console-input]", "sim time").await;
    click(&root, "[data-testid=run]").await;
    let log = text(&root, "[data-testid=console-output]");
    let expected = format!("t={}", SimDuration(start_ms()));
    assert!(
        log.contains("$ sim time") && log.contains(&expected),
        "console log: {log}"
    );
    type_into(&root, "[data-testid=console-input]", "frobnicate").await;
    click(&root, "[data-testid=run]").await;
    assert_eq!(
        count(&root, "[data-testid=console-output] .entry.bad"),
        1,
        "an unknown command is shown as an error"
    );
    handle.destroy();
}

#[wasm_bindgen_test]
async fn broken_yaml_names_its_line_while_typing() {
    let (root, handle) = mount().await;
    assert!(root
        .query_selector("[data-testid=editor-error]")
        .unwrap()
        .is_none());
    type_into(
        &root,
        "[data-testid=editor]",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  labels: [app\n",
    )
    .await;
    let err = text(&root, "[data-testid=editor-error]");
    assert!(err.contains("Line "), "error without a line: {err}");
    assert_eq!(
        count(&root, ".gutter .ln.err"),
        1,
        "the gutter marks the line"
    );
    type_into(&root, "[data-testid=editor]", "apiVersion: v1\nkind: Pod\n").await;
    assert!(
        root.query_selector("[data-testid=editor-error]")
            .unwrap()
            .is_none(),
        "fixing the text clears the error"
    );
    handle.destroy();
}

#[wasm_bindgen_test]
async fn work_is_saved_to_local_storage() {
    let (root, handle) = mount().await;
    click(&root, "[data-testid=step]").await;
    type_into(&root, "[data-testid=editor]", "# my notes\n").await;
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    let script = storage
        .get_item("kubeplay.script")
        .unwrap()
        .unwrap_or_default();
    assert!(
        script.contains("sim advance 1000ms"),
        "saved script: {script:?}"
    );
    let editor = storage
        .get_item("kubeplay.editor")
        .unwrap()
        .unwrap_or_default();
    assert!(editor.contains("my notes"), "saved editor: {editor:?}");
    handle.destroy();
}

#[wasm_bindgen_test]
async fn a_reload_replays_the_saved_session() {
    let (root, handle) = mount().await;
    type_into(
        &root,
        "[data-testid=console-input]",
        "sim node add kind-worker4",
    )
    .await;
    click(&root, "[data-testid=run]").await;
    click(&root, "[data-testid=step]").await;
    handle.destroy();
    // A second App on the same storage is what a reload sees.
    let document = web_sys::window().unwrap().document().unwrap();
    let root2 = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root2).unwrap();
    let handle2 = yew::Renderer::<App>::with_root(root2.clone()).render();
    yew::scheduler::flush().await;
    assert_eq!(count(&root2, "[data-testid=node]"), 5);
    assert_eq!(
        text(&root2, "[data-testid=sim-time]").trim(),
        clock_text(start_ms() + 1000)
    );
    handle2.destroy();
    drop(root);
}

#[wasm_bindgen_test]
fn journal_round_trips_heredocs_that_contain_eof() {
    let state = Rc::new(AppState::fresh());
    let state = state.reduce(Action::EditorChanged(
        "kind: ConfigMap\nEOF\ndata: {}\n".into(),
    ));
    let state = state.reduce(Action::Apply);
    let state = state.reduce(Action::Advance(SimDuration(1500)));
    let state = state.reduce(Action::Advance(SimDuration(500)));
    let script = state.journal.to_script();
    assert!(
        script.contains("<<EOF1\n"),
        "delimiter must avoid the body's EOF line: {script}"
    );
    assert!(
        script.ends_with("sim advance 2000ms\n"),
        "advances coalesce: {script}"
    );
    let (session, journal) = Journal::replay(state.seed, &script).expect("replays");
    assert_eq!(journal.to_script(), script);
    assert_eq!(session.sim.now().0, start_ms() + 2000);
}

#[wasm_bindgen_test]
fn reset_gives_a_fresh_cluster() {
    let state = Rc::new(AppState::fresh());
    let state = state.reduce(Action::Console("sim node add extra".into()));
    assert_eq!(state.view.nodes.len(), 5);
    let state = state.reduce(Action::Reset);
    assert_eq!(state.view.nodes.len(), 4);
    assert!(state.journal.is_empty());
}

/// Applies a manifest through the editor and the Apply button.
async fn apply(root: &Element, manifest: &str) {
    type_into(root, "[data-testid=editor]", manifest).await;
    click(root, "[data-testid=apply]").await;
}

#[wasm_bindgen_test]
async fn an_unschedulable_pod_waits_in_the_pending_lane_with_the_reason() {
    let (root, handle) = mount().await;
    apply(
        &root,
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: picky\nspec:\n  nodeSelector:\n    disktype: ssd\n  containers:\n  - name: c\n    image: registry.k8s.io/pause:3.10\n",
    )
    .await;
    assert_eq!(
        find(&root, "[data-testid=apply-output]")
            .get_attribute("data-ok")
            .as_deref(),
        Some("true"),
        "apply: {}",
        text(&root, "[data-testid=apply-output]")
    );
    click(&root, "[data-testid=step]").await;
    let chip = find(&root, "[data-testid=pending-lane] [data-pod=picky]");
    assert_eq!(chip.get_attribute("data-phase").as_deref(), Some("Pending"));
    let reason = text(
        &root,
        "[data-testid=pending-lane] [data-testid=pending-reason]",
    );
    assert!(
        reason.contains("didn't match Pod's node affinity/selector"),
        "pending reason: {reason}"
    );
    // A matching node takes it: the chip leaves the Pending lane for that node's lane.
    type_into(
        &root,
        "[data-testid=console-input]",
        "sim node add fast --label disktype=ssd",
    )
    .await;
    click(&root, "[data-testid=run]").await;
    click(&root, "[data-testid=step]").await;
    assert!(root
        .query_selector("[data-testid=pending-lane] [data-pod=picky]")
        .unwrap()
        .is_none());
    assert!(root
        .query_selector("[data-node=fast] [data-pod=picky]")
        .unwrap()
        .is_some());
    handle.destroy();
}

#[wasm_bindgen_test]
async fn node_lanes_show_cordon_and_failure() {
    let (root, handle) = mount().await;
    type_into(
        &root,
        "[data-testid=console-input]",
        "kubectl cordon kind-worker3",
    )
    .await;
    click(&root, "[data-testid=run]").await;
    let lane = text(&root, "[data-node=kind-worker3]");
    assert!(lane.contains("SchedulingDisabled"), "lane: {lane}");
    type_into(
        &root,
        "[data-testid=console-input]",
        "sim node fail kind-worker2",
    )
    .await;
    click(&root, "[data-testid=run]").await;
    run_command(&root, "sim advance 2m").await;
    let worker2 = find(&root, "[data-node=kind-worker2]");
    assert_eq!(
        worker2.get_attribute("data-ready").as_deref(),
        Some("false")
    );
    assert_eq!(
        text(&root, "[data-node=kind-worker2] [data-testid=node-status]"),
        "NotReady"
    );
    handle.destroy();
}

#[wasm_bindgen_test]
async fn hiding_system_pods_leaves_only_user_pods() {
    let (root, handle) = mount().await;
    assert!(count(&root, "[data-namespace=kube-system]") > 0);
    click(&root, "[data-testid=show-system]").await;
    assert_eq!(count(&root, "[data-namespace=kube-system]"), 0);
    handle.destroy();
}

#[wasm_bindgen_test]
async fn reset_asks_for_a_second_click() {
    let (root, handle) = mount().await;
    type_into(&root, "[data-testid=console-input]", "sim node add extra").await;
    click(&root, "[data-testid=run]").await;
    assert_eq!(count(&root, "[data-testid=node]"), 5);
    click(&root, "[data-testid=reset]").await;
    assert_eq!(
        count(&root, "[data-testid=node]"),
        5,
        "one click only arms it"
    );
    assert!(text(&root, "[data-testid=reset]").contains("again"));
    click(&root, "[data-testid=reset]").await;
    assert_eq!(
        count(&root, "[data-testid=node]"),
        4,
        "the second click resets"
    );
    assert_eq!(
        text(&root, "[data-testid=sim-time]").trim(),
        clock_text(start_ms())
    );
    handle.destroy();
}

#[wasm_bindgen_test]
async fn a_replay_that_never_finished_is_not_run_again() {
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    storage.clear().unwrap();
    storage
        .set_item("kubeplay.script", "\"sim node add extra\\n\"")
        .unwrap();
    storage
        .set_item("kubeplay.editor", "\"# mine\\n\"")
        .unwrap();
    storage.set_item("kubeplay.replaying", "1").unwrap();
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    let handle = yew::Renderer::<App>::with_root(root.clone()).render();
    yew::scheduler::flush().await;
    assert_eq!(
        count(&root, "[data-testid=node]"),
        4,
        "the saved script was skipped"
    );
    assert!(text(&root, "[data-testid=notice]").contains("did not finish loading"));
    let editor = find(&root, "[data-testid=editor]")
        .unchecked_into::<HtmlTextAreaElement>()
        .value();
    assert_eq!(editor, "# mine\n", "the manifest is kept");
    assert!(storage.get_item("kubeplay.replaying").unwrap().is_none());
    click(&root, "[data-testid=notice] button").await;
    assert_eq!(
        count(&root, "[data-testid=notice]"),
        0,
        "the notice can be dismissed"
    );
    handle.destroy();
}

#[wasm_bindgen_test]
fn node_action_commands_are_the_kubectl_a_user_would_type() {
    use kubeplay::ui::components::node_actions::{add_node_command, untaint_arg, AddNodeFields};
    assert_eq!(
        untaint_arg("dedicated=db:NoSchedule"),
        "dedicated:NoSchedule-"
    );
    assert_eq!(
        untaint_arg("node-role.kubernetes.io/control-plane:NoSchedule"),
        "node-role.kubernetes.io/control-plane:NoSchedule-"
    );
    let fields = AddNodeFields {
        name: " gpu-1 ".into(),
        labels: "disktype=ssd, zone=a".into(),
        taints: "nvidia.com/gpu=true:NoSchedule".into(),
        cpu: "8".into(),
        memory: "".into(),
        pods: "".into(),
        control_plane: true,
    };
    assert_eq!(
        add_node_command(&fields).as_deref(),
        Some(
            "sim node add gpu-1 --label disktype=ssd --label zone=a \
             --taint nvidia.com/gpu=true:NoSchedule --cpu 8 --control-plane"
        )
    );
    assert_eq!(add_node_command(&AddNodeFields::default()), None);
}

#[wasm_bindgen_test]
async fn node_menu_cordons_and_echoes_the_command() {
    let (root, handle) = mount().await;
    click(
        &root,
        "[data-node=kind-worker3] [data-testid=node-menu] [data-action=cordon]",
    )
    .await;
    let lane = text(&root, "[data-node=kind-worker3]");
    assert!(lane.contains("SchedulingDisabled"), "lane: {lane}");
    let console = text(&root, "[data-testid=console-output]");
    assert!(
        console.contains("kubectl cordon kind-worker3")
            && console.contains("node/kind-worker3 cordoned"),
        "console: {console}"
    );
    // The menu now offers the way back.
    click(
        &root,
        "[data-node=kind-worker3] [data-testid=node-menu] [data-action=uncordon]",
    )
    .await;
    assert!(!text(&root, "[data-node=kind-worker3]").contains("SchedulingDisabled"));
    handle.destroy();
}

#[wasm_bindgen_test]
async fn node_menu_taints_and_untaints() {
    let (root, handle) = mount().await;
    type_into(
        &root,
        "[data-node=kind-worker2] [data-testid=taint-input]",
        "dedicated=db:NoSchedule",
    )
    .await;
    find(&root, "[data-node=kind-worker2] [data-action=taint]")
        .unchecked_into::<HtmlElement>()
        .click();
    yew::scheduler::flush().await;
    assert!(text(&root, "[data-node=kind-worker2] .taints").contains("dedicated=db:NoSchedule"));
    assert!(text(&root, "[data-testid=console-output]")
        .contains("kubectl taint nodes kind-worker2 dedicated=db:NoSchedule"));
    click(
        &root,
        "[data-node=kind-worker2] [data-action=untaint][data-taint='dedicated=db:NoSchedule']",
    )
    .await;
    assert_eq!(count(&root, "[data-node=kind-worker2] .taint"), 0);
    assert!(text(&root, "[data-testid=console-output]")
        .contains("kubectl taint nodes kind-worker2 dedicated:NoSchedule-"));
    handle.destroy();
}

#[wasm_bindgen_test]
async fn add_node_form_adds_a_lane() {
    let (root, handle) = mount().await;
    type_into(&root, "[data-testid=add-node-name]", "kind-worker4").await;
    type_into(&root, "[data-testid=add-node-labels]", "disktype=ssd").await;
    click(&root, "[data-testid=add-node-submit]").await;
    assert_eq!(count(&root, "[data-testid=node]"), 5);
    assert!(text(&root, "[data-testid=console-output]")
        .contains("sim node add kind-worker4 --label disktype=ssd"));
    assert_eq!(
        text(&root, "[data-node=kind-worker4] [data-testid=node-labels]"),
        "disktype=ssd"
    );
    // An empty name says what is missing and runs nothing.
    click(&root, "[data-testid=add-node-submit]").await;
    assert!(text(&root, "[data-testid=add-node]").contains("A node needs a name."));
    assert_eq!(count(&root, "[data-testid=console-output] .entry"), 1);
    handle.destroy();
}

#[wasm_bindgen_test]
async fn clicking_a_pod_opens_the_inspector_with_yaml_dns_claim_and_why() {
    let (root, handle) = mount().await;
    apply(&root, include_str!("../static/examples/web.yaml")).await;
    // Run until web-0 exists and web-1 is not created yet.
    for _ in 0..60 {
        if count(&root, "[data-pod=web-0]") == 1 {
            break;
        }
        click(&root, "[data-testid=step]").await;
    }
    click(&root, "[data-pod=web-0]").await;
    let inspector = find(&root, "[data-testid=inspector]");
    assert_eq!(
        inspector.get_attribute("data-name").as_deref(),
        Some("web-0")
    );
    let yaml = text(&root, "[data-testid=inspector-yaml]");
    assert!(
        yaml.contains("kind: Pod") && yaml.contains("name: web-0"),
        "yaml: {yaml}"
    );
    assert_eq!(
        text(&root, "[data-testid=inspector-dns]"),
        "web-0.nginx.default.svc.cluster.local"
    );
    assert_eq!(text(&root, "[data-testid=inspector-claims]"), "www-web-0");
    assert!(text(&root, "[data-testid=inspector-events]").contains("Events:"));
    // It follows the object as time moves, then closes.
    click(&root, "[data-testid=step]").await;
    assert_eq!(count(&root, "[data-testid=inspector]"), 1);
    click(&root, "[data-testid=inspector-close]").await;
    assert_eq!(count(&root, "[data-testid=inspector]"), 0);
    handle.destroy();
}

#[wasm_bindgen_test]
async fn a_pending_pod_shows_the_scheduler_reason_in_the_inspector() {
    let (root, handle) = mount().await;
    apply(
        &root,
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: picky\nspec:\n  nodeSelector:\n    disktype: ssd\n  containers:\n  - name: c\n    image: registry.k8s.io/pause:3.10\n",
    )
    .await;
    click(&root, "[data-testid=step]").await;
    click(&root, "[data-pod=picky]").await;
    let summary = text(&root, "[data-testid=inspector-summary]");
    assert!(
        summary.contains("didn't match Pod's node affinity/selector"),
        "summary: {summary}"
    );
    let events = text(&root, "[data-testid=inspector-events]");
    assert!(events.contains("FailedScheduling"), "events: {events}");
    // A node opens too.
    click(
        &root,
        "[data-node=kind-control-plane] [data-testid=inspect-node]",
    )
    .await;
    let summary = text(&root, "[data-testid=inspector-summary]");
    assert!(
        summary.contains("node-role.kubernetes.io/control-plane:NoSchedule"),
        "summary: {summary}"
    );
    handle.destroy();
}

#[wasm_bindgen_test]
async fn the_picker_offers_five_examples_that_all_apply() {
    let (root, handle) = mount().await;
    // The placeholder plus five examples.
    assert_eq!(count(&root, "[data-testid=examples] option"), 6);
    for i in 0..5 {
        let select = find(&root, "[data-testid=examples]");
        select
            .unchecked_ref::<web_sys::HtmlSelectElement>()
            .set_value(&i.to_string());
        select
            .dispatch_event(&Event::new("change").unwrap())
            .unwrap();
        yew::scheduler::flush().await;
        click(&root, "[data-testid=apply]").await;
        let out = find(&root, "[data-testid=apply-output]");
        assert_eq!(
            out.get_attribute("data-ok").as_deref(),
            Some("true"),
            "example {i}: {}",
            out.text_content().unwrap_or_default()
        );
    }
    handle.destroy();
}

#[wasm_bindgen_test]
async fn delete_removes_what_the_editor_holds() {
    let (root, handle) = mount().await;
    click(&root, "[data-testid=apply]").await;
    click(&root, "[data-testid=delete]").await;
    let out = text(&root, "[data-testid=apply-output]");
    assert!(out.starts_with("kubectl delete"), "output: {out}");
    assert!(
        out.contains("service \"nginx\" deleted")
            && out.contains("statefulset.apps \"web\" deleted"),
        "output: {out}"
    );
    let console = text(&root, "[data-testid=console-output]");
    assert!(!console.contains("error"), "console: {console}");
    handle.destroy();
}

#[wasm_bindgen_test]
async fn speeds_run_from_a_quarter_to_sixteen_times() {
    let (root, handle) = mount().await;
    let labels: Vec<String> = (0..count(&root, "[data-testid=speed] option"))
        .map(|i| {
            root.query_selector_all("[data-testid=speed] option")
                .unwrap()
                .item(i)
                .and_then(|n| n.text_content())
                .unwrap_or_default()
        })
        .collect();
    assert_eq!(labels, ["0.25×", "0.5×", "1×", "2×", "4×", "8×", "16×"]);
    handle.destroy();
}

#[wasm_bindgen_test]
async fn next_event_moves_to_the_next_visible_change() {
    let (root, handle) = mount().await;
    apply(&root, include_str!("../static/examples/web.yaml")).await;
    let snapshot = |root: &Element| {
        (
            text(root, "[data-testid=cluster]"),
            text(root, "[data-testid=sim-time]"),
        )
    };
    let mut presses = 0;
    while count(&root, "[data-pod=web-1]") == 0 {
        assert!(
            presses < 40,
            "web-1 never appeared by stepping event to event"
        );
        let before = snapshot(&root);
        click(&root, "[data-testid=step-event]").await;
        presses += 1;
        let after = snapshot(&root);
        // Every press shows something new in the cluster (not only a later clock).
        assert_ne!(before.0, after.0, "nothing changed at {}", after.1);
    }
    // Several presses, not one jump: the pod's stages are shown one by one.
    assert!(presses > 2, "web-1 appeared after {presses} presses");
    // OrderedReady: web-1 appears only once web-0 is Ready, and web-2 not yet.
    assert_eq!(count(&root, "[data-pod=web-0][data-ready=true]"), 1);
    assert_eq!(count(&root, "[data-pod=web-2]"), 0);
    handle.destroy();
}
