//! Simulated time in the playground: bounded stepping over animation frames, pause, the
//! timeline (scrub back, replay the recorded future, back to live) and branching from the past.

use super::{click, count, find, frames, mount, reduce, text, wait_until};
use kubeplay::present::ClusterView;
use kubeplay::ui::components::format::clock;
use kubeplay::ui::journal::Journal;
use kubeplay::ui::state::{Action, AppState};
use kubeplay::Session;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, Event, EventInit, HtmlInputElement};
use yew::Reducible;

const AGENT: &str = "apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  updateStrategy: {rollingUpdate: {maxUnavailable: 10}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers:
      - {name: agent, image: \"agent:IMAGE\"}
";

/// What `kubectl` shows of a cluster: every pod as YAML and the events.
fn observable(session: &Session) -> String {
    let mut copy = session.clone();
    copy.execute_text("kubectl get pods -A -o yaml").text
        + &copy.execute_text("kubectl get events -A").text
}

/// The pods a view shows, by name, with their status.
fn pods(view: &ClusterView) -> Vec<(String, String)> {
    let mut pods: Vec<(String, String)> = view
        .nodes
        .iter()
        .flat_map(|n| n.pods.iter())
        .chain(view.pending.iter())
        .map(|p| (p.name.clone(), p.status.clone()))
        .collect();
    pods.sort();
    pods
}

fn has_pod(view: &ClusterView, name: &str) -> bool {
    pods(view).iter().any(|(n, _)| n == name)
}

/// A 100-worker cluster with a DaemonSet on every node.
fn hundred_nodes_with_agent(frame_clock: &mut f64) -> Rc<AppState> {
    let state = reduce(
        Rc::new(AppState::fresh()),
        vec![
            Action::Console("sim reset --workers 100".into()),
            Action::EditorChanged(AGENT.replace("IMAGE", "v1")),
            Action::Apply,
            Action::Advance(kubeplay::engine::time::SimDuration::from_secs(60)),
        ],
    );
    let (state, _) = frames(state, frame_clock, 100_000);
    assert!(!state.time_active());
    state
}

#[wasm_bindgen_test]
fn a_big_step_is_spread_over_frames_and_ends_where_one_advance_would() {
    let mut t = 0.0;
    let state = hundred_nodes_with_agent(&mut t);
    let before = state.view.time_ms;
    // The rolling update of 100 daemon pods: far more work than one frame may take.
    let state = reduce(
        state,
        vec![
            Action::EditorChanged(AGENT.replace("IMAGE", "v2")),
            Action::Apply,
            Action::Advance(kubeplay::engine::time::SimDuration::from_secs(30)),
        ],
    );
    assert!(
        state.time_active(),
        "a 30 s step of a 100-node rollout finished inside one click's budget"
    );
    assert!(state.view.time_ms < before + 30_000);
    let (state, used) = frames(state, &mut t, 100_000);
    assert!(used > 1, "the step took {used} frames");
    assert!(!state.time_active());
    assert_eq!(state.view.time_ms, before + 30_000);
    let live = state.with_session(observable);
    assert!(live.contains("agent:v2"), "the rollout has started");

    // The journal recorded exactly the time that passed: a reload replays the same cluster.
    let (replayed, _) = Journal::replay(state.seed, &state.journal.to_script()).expect("replays");
    assert_eq!(observable(&replayed), live);
}

#[wasm_bindgen_test]
fn pause_stops_time_at_the_instant_under_way() {
    let mut t = 0.0;
    let state = hundred_nodes_with_agent(&mut t);
    let state = reduce(
        state,
        vec![
            Action::EditorChanged(AGENT.replace("IMAGE", "v2")),
            Action::Apply,
            Action::SetSpeed(1600),
            Action::SetPlaying(true),
        ],
    );
    let (state, _) = frames(state, &mut t, 12);
    let shown = state.view.time_ms;
    let state = state.reduce(Action::SetPlaying(false));
    let (state, used) = frames(state, &mut t, 1000);
    assert!(
        !state.time_active(),
        "still busy {used} frames after the pause"
    );
    assert_eq!(state.view.time_ms, shown, "the clock moved after the pause");
    assert_eq!(state.journal.end().clock, shown);
    let (replayed, _) = Journal::replay(state.seed, &state.journal.to_script()).expect("replays");
    assert_eq!(observable(&replayed), state.with_session(observable));
}

/// The web StatefulSet applied at the start, `kubectl scale` to 4 at +20 s, played to +60 s;
/// with the views live play showed at +20 s and +60 s.
fn recorded_tab() -> (Rc<AppState>, ClusterView, ClusterView, u64) {
    let mut t = 0.0;
    let start = AppState::fresh().view.time_ms;
    let state = reduce(
        Rc::new(AppState::fresh()),
        vec![
            Action::Apply,
            Action::Advance(kubeplay::engine::time::SimDuration::from_secs(20)),
        ],
    );
    let (state, _) = frames(state, &mut t, 10_000);
    let at_20 = (*state.view).clone();
    let state = reduce(
        state,
        vec![
            Action::Console("kubectl scale sts web --replicas=4".into()),
            Action::Advance(kubeplay::engine::time::SimDuration::from_secs(40)),
        ],
    );
    let (state, _) = frames(state, &mut t, 10_000);
    assert_eq!(state.view.time_ms, start + 60_000);
    let at_60 = (*state.view).clone();
    assert!(
        has_pod(&at_60, "web-3"),
        "web-3 runs by +60 s: {:?}",
        pods(&at_60)
    );
    (state, at_20, at_60, start)
}

#[wasm_bindgen_test]
fn scrubbing_back_shows_the_cluster_as_it_was_and_play_reruns_the_recorded_commands() {
    let (state, at_20, at_60, start) = recorded_tab();
    let recorded = state.journal.marks();
    let mut t = 0.0;

    let state = state.reduce(Action::Scrub(start + 20_000));
    let (state, _) = frames(state, &mut t, 10_000);
    assert!(state.time.past.is_some());
    assert_eq!(*state.view, at_20, "the moment before the scale command");
    assert_eq!(state.timeline_info().position, start + 20_000);
    assert!(!state.timeline_info().live);

    // Further back, then forward again: checkpoints or replay, the same cluster.
    let state = state.reduce(Action::Scrub(start + 1));
    let (state, _) = frames(state, &mut t, 10_000);
    assert!(!has_pod(&state.view, "web-1"));
    let state = state.reduce(Action::Scrub(start + 20_000));
    let (state, _) = frames(state, &mut t, 10_000);
    assert_eq!(*state.view, at_20);

    // Play replays the future: `kubectl scale` runs again at its moment, web-3 follows, and
    // the end of the timeline is live again.
    let mut state = reduce(
        state,
        vec![Action::SetSpeed(1600), Action::SetPlaying(true)],
    );
    let mut saw_web_3 = false;
    for _ in 0..10_000 {
        if state.time.past.is_none() {
            break;
        }
        t += 16.0;
        state = state.reduce(Action::Frame(t));
        if state.time.past.is_some() && has_pod(&state.view, "web-3") {
            saw_web_3 = true;
        }
    }
    assert!(
        state.time.past.is_none(),
        "the replay never reached the end"
    );
    assert!(
        saw_web_3,
        "web-3 never appeared while the recorded future replayed"
    );
    let state = state.reduce(Action::SetPlaying(false));
    // Replaying changed nothing recorded: the same commands at the same moments (live play
    // goes on from the end).
    assert_eq!(*state.journal.marks(), *recorded);
    assert!(state.journal.end().clock >= start + 60_000);
    assert!(has_pod(&state.view, "web-3"));
    assert_eq!(pods(&at_60).len(), pods(&state.view).len());
}

#[wasm_bindgen_test]
fn a_command_in_the_past_branches_and_undo_restores_the_future() {
    let (state, _, at_60, start) = recorded_tab();
    let mut t = 0.0;
    let state = state.reduce(Action::Scrub(start + 10_000));
    let (state, _) = frames(state, &mut t, 10_000);
    let state = state.reduce(Action::Console("sim node add extra".into()));

    assert!(state.time.past.is_none(), "the changed moment is live now");
    let info = state.timeline_info();
    assert_eq!(
        info.branched,
        Some((1, start + 10_000)),
        "one later command discarded"
    );
    let script = state.journal.to_script();
    assert!(!script.contains("kubectl scale"), "{script}");
    assert!(script.contains("sim node add extra"), "{script}");
    assert_eq!(state.view.nodes.len(), 5);
    assert_eq!(state.view.time_ms, start + 10_000);
    // The cut journal replays to the cluster on screen.
    let (replayed, _) = Journal::replay(state.seed, &script).expect("replays");
    assert_eq!(observable(&replayed), state.with_session(observable));

    let state = state.reduce(Action::UndoBranch);
    assert!(state.timeline_info().branched.is_none());
    assert!(state.journal.to_script().contains("kubectl scale"));
    assert!(!state.journal.to_script().contains("sim node add extra"));
    assert_eq!(*state.view, at_60);
}

#[wasm_bindgen_test]
fn a_change_chained_after_a_read_in_the_past_branches() {
    let (state, _, _, start) = recorded_tab();
    let mut t = 0.0;
    let past = state.reduce(Action::Scrub(start + 10_000));
    let (past, _) = frames(past, &mut t, 10_000);
    // `;` runs both: the second changes the cluster, so this is not a read.
    let state = past.reduce(Action::Console(
        "kubectl get pods; kubectl create deployment extra --image=nginx".into(),
    ));
    assert!(
        state.time.past.is_none(),
        "a change at an earlier moment branches"
    );
    assert_eq!(state.timeline_info().branched, Some((1, start + 10_000)));
    assert!(state
        .journal
        .to_script()
        .contains("create deployment extra"));
}

#[wasm_bindgen_test]
fn a_sequence_that_starts_with_echo_but_writes_goes_into_the_journal() {
    let state = Rc::new(AppState::fresh()).reduce(Action::Console(
        "echo making one; kubectl create deployment w --image=nginx:1.27".into(),
    ));
    let script = state.journal.to_script();
    assert!(script.contains("kubectl create deployment w"), "{script}");
    // A reload replays it.
    let reloaded = AppState::restore(state.seed, &script, None);
    let mut session = reloaded.with_session(|s| s.clone());
    assert!(session.execute_text("kubectl get deployment w").ok);
}

#[wasm_bindgen_test]
fn a_watch_written_as_combined_short_flags_is_not_a_read_in_the_past() {
    let (state, _, _, start) = recorded_tab();
    let mut t = 0.0;
    let past = state.reduce(Action::Scrub(start + 10_000));
    let (past, _) = frames(past, &mut t, 10_000);
    // `-Aw` is `-A -w`: a watch moves time, so at an earlier moment it branches like `-w`.
    let state = super::finish_console(past.reduce(Action::Console("kubectl get pods -Aw".into())));
    assert!(
        state.time.past.is_none(),
        "the watch ran on the live cluster's branch"
    );
    assert!(state.journal.to_script().contains("kubectl get pods -Aw"));
}

#[wasm_bindgen_test]
fn lines_that_change_nothing_neither_branch_nor_go_into_the_journal() {
    let (state, _, _, start) = recorded_tab();
    let marks = state.journal.marks().len();
    let mut t = 0.0;
    let past = state.reduce(Action::Scrub(start + 10_000));
    let (past, _) = frames(past, &mut t, 10_000);
    // A typo and an unparsable line at an earlier moment: errors, no branch.
    let state = reduce(
        past,
        vec![
            Action::Console("clear".into()),
            Action::Console("kubectl get pods 'oops".into()),
        ],
    );
    assert!(
        state.time.past.is_some(),
        "still looking at the earlier moment"
    );
    assert!(state.timeline_info().branched.is_none());
    assert_eq!(state.journal.marks().len(), marks);
    // Live, a typo is answered but not journaled, so an exported session imports cleanly.
    let live = state.reduce(Action::BackToLive);
    let live = live.reduce(Action::Console("clear".into()));
    assert!(!live.console.last().expect("answered").ok);
    assert!(
        !live.journal.to_script().contains("clear"),
        "{}",
        live.journal.to_script()
    );
}

#[wasm_bindgen_test]
fn journal_moments_survive_a_reload() {
    let mut t = 0.0;
    let start = AppState::fresh().view.time_ms;
    let state = reduce(
        Rc::new(AppState::fresh()),
        vec![Action::Console("sim advance 5s".into())],
    );
    // The typed advance runs to its end before the next action (which would stop it).
    let state = reduce(
        super::finish_console(state),
        vec![
            Action::Apply,
            Action::Advance(kubeplay::engine::time::SimDuration::from_secs(2)),
        ],
    );
    let (state, _) = frames(state, &mut t, 10_000);
    let marks = state.journal.marks();
    assert_eq!(marks.len(), 2);
    assert_eq!(marks[0].command, "sim advance 5s");
    assert_eq!(marks[0].at.clock, start);
    assert_eq!(marks[1].command, "kubectl apply -f -");
    assert_eq!(marks[1].at.clock, start + 5000);
    assert_eq!(state.journal.end().clock, start + 7000);
    let (_, replayed) = Journal::replay(state.seed, &state.journal.to_script()).expect("replays");
    assert_eq!(replayed, *state.journal);
}

fn slider(root: &Element) -> HtmlInputElement {
    find(root, "[data-testid=timeline-slider]").unchecked_into()
}

fn live(root: &Element) -> bool {
    find(root, "[data-testid=timeline]")
        .get_attribute("data-live")
        .as_deref()
        == Some("true")
}

/// A `keydown` of `key` on the slider.
async fn key(root: &Element, key: &str) {
    super::keydown(&slider(root), key, false).await;
}

#[wasm_bindgen_test]
async fn the_timeline_slider_goes_back_and_returns_to_live() {
    let (root, handle) = mount().await;
    let start = super::start_ms();
    click(&root, "[data-testid=apply]").await;
    for _ in 0..8 {
        click(&root, "[data-testid=step]").await;
    }
    wait_until(&root, "8 steps", |r| {
        text(r, "[data-testid=sim-time]").contains(&clock(start + 8000))
    })
    .await;
    let web_pods_live = count(&root, "[data-pod^=web-]");
    assert!(web_pods_live > 0);
    let s = slider(&root);
    assert_eq!(
        s.get_attribute("aria-valuetext").as_deref(),
        Some(format!("t = {}, live", clock(start + 8000)).as_str())
    );
    assert!(s.get_attribute("aria-label").is_some());
    assert!(live(&root));
    assert_eq!(count(&root, ".timeline-mark"), 1, "the apply is marked");

    // Drag to just after the apply: the StatefulSet exists, its pods are only starting.
    s.set_value(&(start + 1).to_string());
    let init = EventInit::new();
    init.set_bubbles(true);
    s.dispatch_event(&Event::new_with_event_init_dict("input", &init).unwrap())
        .unwrap();
    yew::scheduler::flush().await;
    wait_until(&root, "the earlier moment", |r| {
        !live(r) && !text(r, "[data-testid=timeline-status]").contains('…')
    })
    .await;
    assert!(text(&root, "[data-testid=sim-time]").contains(&clock(start)));
    assert!(count(&root, "[data-pod^=web-]") < web_pods_live);
    assert!(text(&root, "[data-testid=timeline-caption]").contains("kubectl apply -f -"));
    assert_eq!(
        slider(&root).get_attribute("aria-valuetext").as_deref(),
        Some(format!("t = {}", clock(start)).as_str())
    );
    // Next event is for the live cluster.
    assert!(find(&root, "[data-testid=step-event]").has_attribute("disabled"));

    // Keys: one second on, then End is live again.
    key(&root, "ArrowRight").await;
    wait_until(&root, "one second later", |r| {
        text(r, "[data-testid=sim-time]").contains(&clock(start + 1001))
    })
    .await;
    key(&root, "End").await;
    wait_until(&root, "live", live).await;
    assert_eq!(count(&root, "[data-pod^=web-]"), web_pods_live);

    // Home: the first moment, before anything was applied.
    key(&root, "Home").await;
    wait_until(&root, "the first moment", |r| {
        !live(r) && !text(r, "[data-testid=timeline-status]").contains('…')
    })
    .await;
    assert_eq!(count(&root, "[data-pod^=web-]"), 0);
    assert!(text(&root, "[data-testid=sim-time]").contains(&clock(start)));
    key(&root, "End").await;
    wait_until(&root, "live", live).await;

    // Page Up jumps to the moment after the previous command; Back to live returns.
    key(&root, "PageUp").await;
    wait_until(&root, "the apply's moment", |r| !live(r)).await;
    click(&root, "[data-testid=back-to-live]").await;
    wait_until(&root, "live", live).await;
    assert!(text(&root, "[data-testid=sim-time]").contains(&clock(start + 8000)));
    handle.destroy();
}

#[wasm_bindgen_test]
async fn changing_an_earlier_moment_says_what_was_discarded_and_offers_undo() {
    let (root, handle) = mount().await;
    click(&root, "[data-testid=apply]").await;
    for _ in 0..3 {
        click(&root, "[data-testid=step]").await;
    }
    key(&root, "ArrowLeft").await;
    key(&root, "ArrowLeft").await;
    wait_until(&root, "an earlier moment", |r| !live(r)).await;
    // Any command branches: here the Apply button again.
    click(&root, "[data-testid=apply]").await;
    wait_until(&root, "the branch notice", |r| {
        count(r, "[data-testid=branch-notice]") == 1
    })
    .await;
    assert!(live(&root));
    let notice = text(&root, "[data-testid=branch-notice]");
    assert!(
        notice.contains("the recorded time after it was discarded"),
        "{notice}"
    );
    click(&root, "[data-testid=undo-branch]").await;
    assert_eq!(count(&root, "[data-testid=branch-notice]"), 0);
    assert_eq!(count(&root, ".timeline-mark"), 1);
    // The Undo button is gone; the keyboard focus went to the timeline, not the page.
    let focused = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element())
        .map(|e| e.get_attribute("data-testid").unwrap_or_default());
    assert_eq!(focused.as_deref(), Some("timeline-slider"));
    handle.destroy();
}

#[wasm_bindgen_test]
fn reading_at_an_earlier_moment_keeps_the_future() {
    let (state, _, _, start) = recorded_tab();
    let marks = state.journal.marks();
    let mut t = 0.0;
    let past = state.reduce(Action::Scrub(start + 20_000));
    let (past, _) = frames(past, &mut t, 10_000);
    let read = reduce(
        past.clone(),
        vec![
            Action::Console("kubectl get pods -o wide".into()),
            Action::Console("kubectl describe statefulset web".into()),
            Action::Console("sim why".into()),
        ],
    );
    assert!(read.time.past.is_some(), "a read left the earlier moment");
    assert!(read.timeline_info().branched.is_none());
    assert_eq!(*read.journal.marks(), *marks);
    let got = read.console[read.console.len() - 3].output.to_string();
    assert!(got.contains("web-2"), "kubectl get pods at +20 s: {got}");
    assert!(
        !got.contains("web-3"),
        "web-3 is not there yet at +20 s: {got}"
    );

    // The reads changed nothing: going on from there shows what going on without them shows.
    let on =
        |s: Rc<AppState>, t: &mut f64| frames(s.reduce(Action::Scrub(start + 40_000)), t, 10_000).0;
    let with_reads = on(read, &mut t);
    let without = on(past, &mut t);
    assert_eq!(*with_reads.view, *without.view);
}

#[wasm_bindgen_test]
fn a_command_while_time_is_moving_lands_where_the_journal_replays_it() {
    let mut t = 0.0;
    let state = hundred_nodes_with_agent(&mut t);
    let state = reduce(
        state,
        vec![
            Action::EditorChanged(AGENT.replace("IMAGE", "v2")),
            Action::Apply,
            Action::Advance(kubeplay::engine::time::SimDuration::from_secs(30)),
        ],
    );
    // A couple of frames into the step, in the middle of an instant's work.
    let (state, _) = frames(state, &mut t, 2);
    assert!(
        state.time_active(),
        "the step finished too soon to test this"
    );
    let state = state.reduce(Action::Console("sim node add late-node".into()));
    let (state, _) = frames(state, &mut t, 100_000);
    assert!(!state.time_active());
    let live = state.with_session(observable);
    assert!(live.contains("late-node"));
    let (replayed, _) = Journal::replay(state.seed, &state.journal.to_script()).expect("replays");
    assert_eq!(observable(&replayed), live);
}
