//! The root component: holds the reducer, runs the play timer and saves the tab's work.

use super::components::{ClusterPanel, ConsolePanel, Controls, EditorPanel, Inspector};
use super::state::{Action, AppState};
use super::storage;
use crate::engine::time::SimDuration;
use gloo::timers::callback::Interval;
use yew::prelude::*;

/// Real milliseconds between play ticks. Each tick moves simulated time by
/// `TICK_MS * speed / 100` (speed is a percentage: 25 is 0.25x).
const TICK_MS: u32 = 100;

fn initial_state() -> AppState {
    if storage::replay_unfinished() {
        let editor = storage::load_editor();
        storage::forget_session();
        let mut state = AppState::restore_editor_only(editor);
        state.notice = Some(
            "Your saved session did not finish loading last time, so kubeplay started a fresh \
             cluster (your manifest is kept)."
                .into(),
        );
        return state;
    }
    match storage::load() {
        Some(saved) => {
            storage::mark_replaying(true);
            let state = AppState::restore(saved.seed, &saved.script, saved.editor);
            storage::mark_replaying(false);
            state
        }
        None => AppState::fresh(),
    }
}

#[component]
pub fn App() -> Html {
    let state = use_reducer(initial_state);

    // Play loop: an interval that exists only while playing; dropping it on pause, speed
    // change or unmount stops it.
    {
        let dispatcher = state.dispatcher();
        use_effect_with((state.playing, state.speed), move |&(playing, speed)| {
            let interval = playing.then(|| {
                // `speed` is in percent of real time.
                let step = SimDuration(u64::from(TICK_MS) * u64::from(speed) / 100);
                Interval::new(TICK_MS, move || dispatcher.dispatch(Action::Advance(step)))
            });
            move || drop(interval)
        });
    }

    // Save after every change, so a reload (or a crash) keeps the work.
    {
        let state = state.clone();
        use_effect_with(state.revision, move |_| {
            storage::save(state.seed, &state.journal.to_script(), &state.editor);
        });
    }

    // Mark when the first screen is on the page (the e2e test reports it as first render).
    use_effect_with((), |_| {
        if let Some(perf) = web_sys::window().and_then(|w| w.performance()) {
            let _ = perf.mark("kubeplay-first-render");
        }
    });

    let dispatch = |make: fn(()) -> Action| {
        let d = state.dispatcher();
        Callback::from(move |_| d.dispatch(make(())))
    };
    let on_apply = dispatch(|_| Action::Apply);
    let on_delete = dispatch(|_| Action::Delete);
    let on_dismiss = {
        let d = state.dispatcher();
        Callback::from(move |_: MouseEvent| d.dispatch(Action::DismissNotice))
    };
    let on_reset = dispatch(|_| Action::Reset);
    let on_step = dispatch(|_| Action::Advance(super::state::STEP));
    let on_step_event = dispatch(|_| Action::StepToNextEvent);
    let on_play = {
        let d = state.dispatcher();
        Callback::from(move |playing: bool| d.dispatch(Action::SetPlaying(playing)))
    };
    let on_speed = {
        let d = state.dispatcher();
        Callback::from(move |speed: u32| d.dispatch(Action::SetSpeed(speed)))
    };
    let on_edit = {
        let d = state.dispatcher();
        Callback::from(move |text: String| d.dispatch(Action::EditorChanged(text)))
    };
    let on_example = {
        let d = state.dispatcher();
        Callback::from(move |i: usize| d.dispatch(Action::LoadExample(i)))
    };
    let on_command = {
        let d = state.dispatcher();
        Callback::from(move |text: String| d.dispatch(Action::Console(text)))
    };
    let on_show_system = {
        let d = state.dispatcher();
        Callback::from(move |show: bool| d.dispatch(Action::ShowSystemPods(show)))
    };

    let on_inspect = {
        let d = state.dispatcher();
        Callback::from(move |t| d.dispatch(Action::Inspect(Some(t))))
    };
    let on_close_inspector = {
        let d = state.dispatcher();
        Callback::from(move |()| d.dispatch(Action::Inspect(None)))
    };

    html! {
        <div class="app" data-testid="app">
            <header class="topbar">
                <div class="brand">
                    <span class="brand-mark" aria-hidden="true">{"⎈"}</span>
                    <h1 class="brand-name">{"kubeplay"}</h1>
                    <span class="brand-tag">{"Kubernetes v1.36 workload playground"}</span>
                </div>
                <Controls
                    time_ms={state.view.time_ms}
                    playing={state.playing}
                    speed={state.speed}
                    {on_play} {on_step} {on_step_event} {on_speed} {on_reset}
                />
            </header>
            if let Some(notice) = &state.notice {
                <div class="notice" role="status" data-testid="notice">
                    <p>{notice.clone()}</p>
                    <button type="button" class="btn btn-quiet" aria-label="Dismiss this message"
                        onclick={on_dismiss}>{"×"}</button>
                </div>
            }
            <main class="workspace">
                <EditorPanel
                    text={state.editor.clone()}
                    problem={state.editor_problem.clone()}
                    last_apply={state.last_apply.clone()}
                    playing={state.playing}
                    last_verb={state.last_verb}
                    {on_edit} {on_apply} {on_delete} {on_example}
                />
                <ClusterPanel
                    view={state.view.clone()}
                    show_system={state.show_system_pods}
                    {on_show_system}
                    on_command={on_command.clone()}
                    {on_inspect}
                />
                <ConsolePanel entries={state.console.clone()} {on_command} />
            </main>
            if let Some(view) = &state.inspector {
                <Inspector view={view.clone()} on_close={on_close_inspector} />
            }
        </div>
    }
}
