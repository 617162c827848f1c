//! The root component: holds the reducer, runs the play timer and saves the tab's work.

use super::components::{
    ClusterPanel, ConsolePanel, Controls, EditorPanel, ImportStatusBox, Inspector, SessionFile,
    StoryCard, StoryPicker, Timeline,
};
use super::state::{Action, AppState};
use super::storage;
use super::timeline_frames::FrameLoop;
use yew::prelude::*;

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
            let mut state = AppState::restore(saved.seed, &saved.script, saved.editor);
            storage::mark_replaying(false);
            if state.notice.is_none() {
                state.story = storage::load_story();
            }
            state
        }
        None => AppState::fresh(),
    }
}

#[component]
pub fn App() -> Html {
    let state = use_reducer(initial_state);

    // Time loop: one action per animation frame while time is moving (playing, a step or a
    // replay in progress). The reducer works on the engine for a bounded slice of each frame
    // (see state::time), so the page keeps answering. Dropping the loop stops it.
    {
        let dispatcher = state.dispatcher();
        use_effect_with(state.time_active(), move |&active| {
            let frames =
                active.then(|| FrameLoop::start(move |t| dispatcher.dispatch(Action::Frame(t))));
            move || drop(frames)
        });
    }

    // Save after every change, so a reload (or a crash) keeps the work.
    {
        let state = state.clone();
        use_effect_with(state.revision, move |_| {
            storage::save(state.seed, &state.journal.to_script(), &state.editor);
        });
    }

    // Saving is throttled while time moves; a tab that is closed or hidden saves what it has,
    // so a reload during play loses nothing.
    // The latest state (a cheap handle); what to keep is worked out only when the tab goes.
    let latest = use_mut_ref(|| None::<UseReducerHandle<AppState>>);
    *latest.borrow_mut() = Some(state.clone());
    use_effect_with((), move |_| {
        let save = move || {
            if let Some(state) = latest.borrow().as_ref() {
                let journal = state.journal_to_keep();
                storage::save(state.seed, &journal.to_script(), &state.editor);
            }
        };
        let listeners = web_sys::window().map(|window| {
            let save_on_hide = save.clone();
            let hide = gloo::events::EventListener::new(&window, "pagehide", move |_| save());
            let document = window.document();
            let hidden = document.map(|doc| {
                let d = doc.clone();
                gloo::events::EventListener::new(&doc, "visibilitychange", move |_| {
                    if d.hidden() {
                        save_on_hide();
                    }
                })
            });
            (hide, hidden)
        });
        move || drop(listeners)
    });

    // The open story card survives a reload with the cluster it is about.
    use_effect_with(state.story, |story| storage::save_story(*story));

    // Mark when the first screen is on the page (the e2e test reports it as first render).
    use_effect_with((), |_| {
        if let Some(perf) = web_sys::window().and_then(|w| w.performance()) {
            let _ = perf.mark("kubeplay-first-render");
        }
    });

    // Callbacks are made once: a Callback compares by identity, so a new one per render would
    // re-render every child that takes one (the editor, the console, every node lane) on every
    // animation frame while time moves.
    let h = {
        let dispatcher = state.dispatcher();
        use_memo((), move |_| Handlers::new(dispatcher))
    };
    // Tab completion reads the live session only when Tab is pressed; nothing is copied per
    // render. Remade only when the session itself is replaced.
    let on_complete = {
        let session = SessionRef(state.session_ref());
        use_callback(session, |(line, at): (String, usize), session| {
            std::rc::Rc::new(crate::kubectl::complete::complete(
                &line,
                at,
                &session.0.borrow().sim,
            ))
        })
    };

    // The Import button, where the focus returns from the import's question and report.
    let import_button = use_node_ref();

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
                    past={state.time.past.is_some()}
                    on_play={h.on_play.clone()} on_step={h.on_step.clone()}
                    on_step_event={h.on_step_event.clone()} on_speed={h.on_speed.clone()}
                    on_reset={h.on_reset.clone()}
                />
                <Timeline info={state.timeline_info()} playing={state.playing}
                    on_scrub={h.on_scrub.clone()} on_scrub_by={h.on_scrub_by.clone()}
                    on_live={h.on_live.clone()} on_undo={h.on_undo_branch.clone()}
                    on_dismiss={h.on_dismiss_branch.clone()} />
            </header>
            {session_bar(&state, &h, &import_button)}
            if let Some(notice) = &state.notice {
                <div class="notice" role="status" data-testid="notice">
                    <p>{notice.clone()}</p>
                    <button type="button" class="btn btn-quiet" aria-label="Dismiss this message"
                        onclick={h.on_dismiss.clone()}>{"×"}</button>
                </div>
            }
            <main class={classes!("workspace", state.story.is_some().then_some("has-story"))}>
                if let Some(story) = state.story {
                    <StoryCard key={story} {story} on_command={h.on_command.clone()}
                        on_close={h.on_close_story.clone()} />
                }
                <EditorPanel
                    text={state.editor.clone()}
                    problem={state.editor_problem.clone()}
                    last_apply={state.last_apply.clone()}
                    playing={state.playing}
                    last_verb={state.last_verb}
                    on_edit={h.on_edit.clone()} on_apply={h.on_apply.clone()}
                    on_delete={h.on_delete.clone()} on_example={h.on_example.clone()}
                />
                // Keyed by the session: a replaced cluster (reset, import, a story, the
                // timeline's replay) starts with a fresh view memory (no false "moved" marks).
                <ClusterPanel
                    key={std::rc::Rc::as_ptr(&state.session_ref()) as usize}
                    view={state.view.clone()}
                    show_system={state.show_system_pods}
                    on_show_system={h.on_show_system.clone()}
                    on_command={h.on_command.clone()}
                    on_inspect={h.on_inspect.clone()}
                />
                <ConsolePanel entries={state.console.clone()} on_command={h.on_command.clone()}
                    on_interrupt={h.on_interrupt.clone()} {on_complete} />
            </main>
            if let Some(view) = &state.inspector {
                <Inspector view={view.clone()} on_close={h.on_close_inspector.clone()} />
            }
        </div>
    }
}

/// The row under the top bar: troubleshooting stories and the session file (export, import),
/// and what the last import did.
fn session_bar(state: &AppState, h: &Handlers, import_button: &NodeRef) -> Html {
    html! {
        <>
            <nav class="session-bar" aria-label="Stories and session file">
                <StoryPicker current={state.story} has_work={state.has_own_work()}
                    on_open={h.on_open_story.clone()} />
                <SessionFile seed={state.seed} journal={state.journal.clone()}
                    on_import={h.on_import.clone()}
                    pending={state.pending_import.as_ref().map(|p| AttrValue::from(p.file_name.clone()))}
                    on_confirm={h.on_confirm_import.clone()} on_cancel={h.on_cancel_import.clone()}
                    import_ref={import_button.clone()} />
            </nav>
            if let Some(status) = &state.import_status {
                <ImportStatusBox status={status.clone()} on_force={h.on_import_anyway.clone()}
                    on_dismiss={h.on_dismiss_import.clone()} import_ref={import_button.clone()} />
            }
        </>
    }
}

/// A session compared by identity: completion is remade only when the session is replaced.
#[derive(Clone)]
struct SessionRef(std::rc::Rc<std::cell::RefCell<crate::script::Session>>);

impl PartialEq for SessionRef {
    fn eq(&self, other: &Self) -> bool {
        std::rc::Rc::ptr_eq(&self.0, &other.0)
    }
}

/// A callback that dispatches `make(value)`.
fn dispatch<T: 'static>(d: &UseReducerDispatcher<AppState>, make: fn(T) -> Action) -> Callback<T> {
    let d = d.clone();
    Callback::from(move |value: T| d.dispatch(make(value)))
}

/// Every root callback that only dispatches an action.
struct Handlers {
    on_apply: Callback<()>,
    on_delete: Callback<()>,
    on_dismiss: Callback<MouseEvent>,
    on_reset: Callback<()>,
    on_step: Callback<()>,
    on_step_event: Callback<()>,
    on_play: Callback<bool>,
    on_speed: Callback<u32>,
    on_edit: Callback<String>,
    on_example: Callback<usize>,
    on_command: Callback<String>,
    on_interrupt: Callback<()>,
    on_show_system: Callback<bool>,
    on_inspect: Callback<crate::present::InspectTarget>,
    on_close_inspector: Callback<()>,
    on_close_story: Callback<()>,
    on_open_story: Callback<usize>,
    on_import: Callback<(String, Result<String, String>)>,
    on_import_anyway: Callback<()>,
    on_confirm_import: Callback<()>,
    on_cancel_import: Callback<()>,
    on_dismiss_import: Callback<()>,
    on_scrub: Callback<u64>,
    on_scrub_by: Callback<i64>,
    on_live: Callback<()>,
    on_undo_branch: Callback<()>,
    on_dismiss_branch: Callback<()>,
}

impl Handlers {
    fn new(d: UseReducerDispatcher<AppState>) -> Handlers {
        let d = &d;
        Handlers {
            on_apply: dispatch(d, |()| Action::Apply),
            on_delete: dispatch(d, |()| Action::Delete),
            on_dismiss: dispatch(d, |_: MouseEvent| Action::DismissNotice),
            on_reset: dispatch(d, |()| Action::Reset),
            on_step: dispatch(d, |()| Action::Advance(super::state::STEP)),
            on_step_event: dispatch(d, |()| Action::StepToNextEvent),
            on_play: dispatch(d, Action::SetPlaying),
            on_speed: dispatch(d, Action::SetSpeed),
            on_edit: dispatch(d, Action::EditorChanged),
            on_example: dispatch(d, Action::LoadExample),
            on_command: dispatch(d, Action::Console),
            on_interrupt: dispatch(d, |()| Action::InterruptConsole),
            on_show_system: dispatch(d, Action::ShowSystemPods),
            on_inspect: dispatch(d, |t| Action::Inspect(Some(t))),
            on_close_inspector: dispatch(d, |()| Action::Inspect(None)),
            on_close_story: dispatch(d, |()| Action::CloseStory),
            on_open_story: dispatch(d, Action::OpenStory),
            on_import: dispatch(d, |(file_name, text)| Action::Import { file_name, text }),
            on_import_anyway: dispatch(d, |()| Action::ImportAnyway),
            on_confirm_import: dispatch(d, |()| Action::ConfirmImport),
            on_cancel_import: dispatch(d, |()| Action::CancelImport),
            on_dismiss_import: dispatch(d, |()| Action::DismissImportStatus),
            on_scrub: dispatch(d, Action::Scrub),
            on_scrub_by: dispatch(d, Action::ScrubBy),
            on_live: dispatch(d, |()| Action::BackToLive),
            on_undo_branch: dispatch(d, |()| Action::UndoBranch),
            on_dismiss_branch: dispatch(d, |()| Action::DismissBranch),
        }
    }
}
