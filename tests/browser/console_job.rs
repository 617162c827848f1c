//! Console commands that move time (`sim settle`, `kubectl rollout status`...) run a slice
//! per animation frame: the page keeps drawing while they work, their output appears as it
//! is printed, and Ctrl+C or Stop ends them where the cluster is, as at a terminal.

use super::{console_done, find, mount, text, type_into};
use kubeplay::ui::state::{Action, AppState};
use kubeplay::Session;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};
use yew::Reducible;

/// Enough pods that settling takes many frames, however fast the machine.
const BIG: &str = "kubectl create deployment big --image=nginx:1.27 --replicas=300";

fn last_entry(state: &AppState) -> (String, bool) {
    let entry = state.console.last().expect("a console entry");
    (entry.output.to_string(), entry.running)
}

/// What the cluster view draws of the pods: each one's name, status and readiness.
fn view_counts(state: &AppState) -> Vec<(String, String, bool)> {
    let mut pods: Vec<_> = state
        .view
        .nodes
        .iter()
        .flat_map(|n| n.pods.iter())
        .chain(state.view.pending.iter())
        .map(|p| (p.name.clone(), p.status.clone(), p.ready))
        .collect();
    pods.sort();
    pods
}

#[wasm_bindgen_test]
fn a_long_sim_settle_runs_over_many_frames_and_prints_what_one_go_prints() {
    let state = Rc::new(AppState::fresh()).reduce(Action::Console(BIG.into()));
    // What the same command prints when run in one go, on a copy.
    let mut copy: Session = state.with_session(|s| s.clone());
    let state = state.reduce(Action::Console("sim settle".into()));
    let started = view_counts(&state);
    assert!(
        state.console_busy(),
        "settling 300 pods is not over at once"
    );
    let (_, running) = last_entry(&state);
    assert!(running, "the entry says the command runs");

    let mut clock = 0.0;
    let mut state = state;
    let mut frames = 0;
    // What the view showed on frames that did not finish the command.
    let mut meanwhile = Vec::new();
    while state.console_busy() {
        clock += 16.0;
        state = state.reduce(Action::Frame(clock));
        if state.console_busy() {
            meanwhile.push(view_counts(&state));
        }
        frames += 1;
        assert!(frames < 100_000, "sim settle never finished");
    }
    assert!(frames > 3, "the work was spread over frames ({frames})");
    let finished = view_counts(&state);
    assert!(
        meanwhile.iter().any(|c| *c != started && *c != finished),
        "the cluster view did not follow the work while settling ({} pictures)",
        meanwhile.len()
    );
    let (output, running) = last_entry(&state);
    assert!(!running);
    let expected = copy.execute_text("sim settle").text;
    assert_eq!(output, expected.trim_end());
    let mut now = state.with_session(|s| s.clone());
    assert_eq!(
        now.execute_text("kubectl get pods -o wide").text,
        copy.execute_text("kubectl get pods -o wide").text
    );
    // The journal holds the command itself, so a reload replays the same cluster.
    assert!(state.journal.to_script().contains("sim settle"));
}

#[wasm_bindgen_test]
fn another_action_stops_a_running_command_where_the_cluster_is() {
    let state = Rc::new(AppState::fresh())
        .reduce(Action::Console(BIG.into()))
        .reduce(Action::Console(
            "kubectl rollout status deployment/big".into(),
        ));
    assert!(state.console_busy());
    let mut clock = 0.0;
    let mut state = state;
    for _ in 0..3 {
        clock += 16.0;
        state = state.reduce(Action::Frame(clock));
    }
    let moved_to = state.with_session(|s| s.sim.now().0);
    let state = state.reduce(Action::Console("kubectl get deployment big".into()));
    assert!(!state.console_busy());
    let entries = &state.console;
    let stopped = &entries[entries.len() - 2];
    assert!(
        stopped
            .output
            .contains("Waiting for deployment \"big\" rollout to finish")
            && stopped.output.ends_with("^C"),
        "stopped entry: {}",
        stopped.output
    );
    assert!(!stopped.running);
    // The stopped command is recorded as the time it moved, and replays to the same cluster.
    let script = state.journal.to_script();
    assert!(!script.contains("rollout status"), "{script}");
    let replayed = AppState::restore(state.seed, &script, None);
    assert_eq!(replayed.view.time_ms, state.view.time_ms);
    assert!(replayed.view.time_ms >= moved_to);
    let mut a = replayed.with_session(|s| s.clone());
    let mut b = state.with_session(|s| s.clone());
    assert_eq!(
        a.execute_text("kubectl get pods -o wide").text,
        b.execute_text("kubectl get pods -o wide").text
    );
}

async fn submit(root: &Element, line: &str) {
    type_into(root, "[data-testid=console-input]", line).await;
    find(root, "[data-testid=run]")
        .unchecked_into::<HtmlElement>()
        .click();
    yew::scheduler::flush().await;
}

#[wasm_bindgen_test]
async fn ctrl_c_in_the_console_stops_a_running_rollout_status() {
    let (root, handle) = mount().await;
    submit(&root, BIG).await;
    console_done(&root).await;
    submit(&root, "kubectl rollout status deployment/big").await;
    let running = find(&root, "[data-testid=console-output] [data-running=true]");
    assert!(
        text(&root, "[data-testid=console-running]").contains("Stop"),
        "the running entry offers Stop"
    );
    assert!(running
        .text_content()
        .unwrap_or_default()
        .contains("Waiting for deployment"));
    let input = find(&root, "[data-testid=console-input]");
    super::keydown(&input, "c", true).await;
    assert!(root
        .query_selector("[data-testid=console-output] [data-running=true]")
        .unwrap()
        .is_none());
    let log = text(&root, "[data-testid=console-output]");
    assert!(log.trim_end().ends_with("^C"), "log: {log}");
    handle.destroy();
}

#[wasm_bindgen_test]
async fn the_stop_button_ends_a_running_settle_and_the_page_keeps_the_time_reached() {
    let (root, handle) = mount().await;
    submit(&root, BIG).await;
    console_done(&root).await;
    submit(&root, "sim settle").await;
    // A few frames of work, then Stop.
    yew::platform::time::sleep(std::time::Duration::from_millis(50)).await;
    yew::scheduler::flush().await;
    find(&root, "[data-testid=console-stop]")
        .unchecked_into::<HtmlElement>()
        .click();
    yew::scheduler::flush().await;
    assert!(root
        .query_selector("[data-testid=console-stop]")
        .unwrap()
        .is_none());
    let shown = text(&root, "[data-testid=sim-time]");
    // Nothing moves after the stop.
    yew::platform::time::sleep(std::time::Duration::from_millis(100)).await;
    yew::scheduler::flush().await;
    assert_eq!(text(&root, "[data-testid=sim-time]"), shown);
    handle.destroy();
}

#[wasm_bindgen_test]
fn a_timeline_key_at_the_live_end_stops_a_running_command_for_good() {
    let state = Rc::new(AppState::fresh())
        .reduce(Action::Console(BIG.into()))
        .reduce(Action::Console("sim settle".into()));
    assert!(state.console_busy());
    // The slider is already at its end: the key moves nothing, but the command stopped.
    let end = state.timeline_info().end;
    let state = state.reduce(Action::Scrub(end));
    assert!(
        !state.console_busy(),
        "the stopped command still counts as running"
    );
    let (output, running) = last_entry(&state);
    assert!(!running && output.ends_with("^C"), "{output}");
    let state = state.reduce(Action::Frame(16.0));
    assert!(!state.console_busy());
    // Play moves time again.
    let state = state.reduce(Action::SetPlaying(true));
    let before = state.view.time_ms;
    let mut clock = 16.0;
    let mut state = state;
    for _ in 0..10 {
        clock += 16.0;
        state = state.reduce(Action::Frame(clock));
    }
    assert!(state.view.time_ms > before, "play is stuck");
}

#[wasm_bindgen_test]
async fn a_tab_closed_while_a_command_runs_keeps_that_command_for_the_reload() {
    let (root, handle) = mount().await;
    submit(&root, BIG).await;
    console_done(&root).await;
    submit(&root, "sim settle").await;
    assert!(root
        .query_selector("[data-testid=console-output] [data-running=true]")
        .unwrap()
        .is_some());
    let window = web_sys::window().unwrap();
    window
        .dispatch_event(&web_sys::Event::new("pagehide").unwrap())
        .unwrap();
    let saved = kubeplay::ui::storage::load().expect("a saved session");
    assert!(
        saved.script.contains("kubectl create deployment big")
            && saved.script.contains("sim settle"),
        "saved: {}",
        saved.script
    );
    // The reload replays it to the end.
    let reloaded = AppState::restore(saved.seed, &saved.script, saved.editor);
    assert!(reloaded.notice.is_none(), "{:?}", reloaded.notice);
    let mut session = reloaded.with_session(|s| s.clone());
    let deploy = session.execute_text("kubectl get deployment big").text;
    assert!(
        deploy.contains("big    300/300"),
        "after the reload: {deploy}"
    );
    handle.destroy();
}
