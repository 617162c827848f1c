//! `kubectl drain` typed at the console (or sent by a node's Drain action) runs in pieces,
//! one per animation frame: its lines appear as it goes, and what it prints and leaves is
//! what one go would.

use kubeplay::ui::state::{Action, AppState};
use kubeplay::Session;
use std::rc::Rc;
use wasm_bindgen_test::*;
use yew::Reducible;

/// Enough pods that a drain's evictions and wait take many frames, however fast the machine.
const BIG: &str = "kubectl create deployment big --image=nginx:1.27 --replicas=300";

const DRAIN: &str = "kubectl drain kind-worker --ignore-daemonsets";

/// Frames until the running console command is over; returns the running entry's output as
/// each frame left it.
fn frames_until_done(mut state: Rc<AppState>) -> (Rc<AppState>, Vec<String>) {
    let mut clock = 0.0;
    let mut shown = Vec::new();
    while state.console_busy() {
        clock += 16.0;
        state = state.reduce(Action::Frame(clock));
        if let Some(entry) = state.console.last().filter(|e| e.running) {
            shown.push(entry.output.to_string());
        }
        assert!(shown.len() < 100_000, "the command never finished");
    }
    (state, shown)
}

#[wasm_bindgen_test]
fn a_drain_runs_over_frames_and_prints_what_one_go_prints() {
    let state = Rc::new(AppState::fresh())
        .reduce(Action::Console(BIG.into()))
        .reduce(Action::Console("sim settle".into()));
    let (state, _) = frames_until_done(state);
    let mut copy: Session = state.with_session(|s| s.clone());

    let state = state.reduce(Action::Console(DRAIN.into()));
    assert!(
        state.console_busy(),
        "draining ~75 pods is not over at once"
    );
    let (state, shown) = frames_until_done(state);
    assert!(shown.len() > 3, "the work was spread over frames");
    assert!(
        shown
            .iter()
            .any(|o| o.contains("evicting pod default/big-") && !o.contains("drained")),
        "the evictions show before the drain is over"
    );
    let entry = state.console.last().unwrap();
    assert!(!entry.running && entry.ok);
    let expected = copy.execute_text(DRAIN).text;
    assert!(
        expected.ends_with("node/kind-worker drained\n"),
        "{expected}"
    );
    assert_eq!(entry.output.to_string(), expected.trim_end());

    // The journal holds the drain itself: a reload replays the same cluster.
    let script = state.journal.to_script();
    assert!(script.contains(DRAIN), "{script}");
    let replayed = AppState::restore(state.seed, &script, None);
    let mut a = replayed.with_session(|s| s.clone());
    let mut b = state.with_session(|s| s.clone());
    assert_eq!(a.sim.now(), b.sim.now());
    assert_eq!(
        a.execute_text("kubectl get pods,nodes -o wide").text,
        b.execute_text("kubectl get pods,nodes -o wide").text
    );
}
