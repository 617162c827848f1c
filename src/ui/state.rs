//! The one reducer at the UI root. `AppState` owns the session (and so the `Sim`); every user
//! action goes through `reduce`, which returns a new `Rc` whenever something visible changed so
//! Yew re-renders. Timers and localStorage live in effects (see `app.rs`), never here.

use super::editor_check::{check_manifest, EditorProblem};
use super::examples::EXAMPLES;
use super::journal::{apply_line, delete_line, Journal};
use super::session_script::{import, ImportStatus, Imported, PendingImport};
use crate::engine::time::SimDuration;
use crate::present::{cluster_view, inspect, ClusterView, InspectTarget, InspectView};
use crate::script::{parse_script, Session};
use crate::Output;
use std::cell::RefCell;
use std::rc::Rc;
use yew::{AttrValue, Reducible};

/// Simulated time: bounded stepping, the timeline and branching (`time::TimeState`).
#[path = "timeline_reduce.rs"]
pub mod time;

/// A console command that moves time, run a slice per frame (`console_job::Running`).
#[path = "console_job.rs"]
mod console_job;

/// The seed of the default cluster; saved with the journal so a reload rebuilds the same one.
pub const DEFAULT_SEED: u64 = 1;
/// Console lines kept on screen.
const CONSOLE_LIMIT: usize = 200;
/// Simulated time one press of "step" moves.
pub const STEP: SimDuration = SimDuration(1000);
/// Play speeds offered, in percent of real time (25 = 0.25x: a simulated second every four
/// real ones; 1600 = 16x).
pub const SPEEDS: [u32; 7] = [25, 50, 100, 200, 400, 800, 1600];
/// The speed a new tab starts at (2x).
pub const DEFAULT_SPEED: u32 = 200;

#[derive(Clone, Debug, PartialEq)]
pub struct ConsoleEntry {
    pub command: AttrValue,
    pub output: AttrValue,
    pub ok: bool,
    /// The command is still running (its output so far is shown).
    pub running: bool,
}

pub enum Action {
    EditorChanged(String),
    /// `kubectl apply -f -` with the editor text.
    Apply,
    /// `kubectl delete -f -` with the editor text.
    Delete,
    /// A line typed at the console (kubectl or sim).
    Console(String),
    /// Ctrl+C or Stop: the console command still running stops where the cluster is.
    InterruptConsole,
    /// Move simulated time forward (play ticks and the step button).
    Advance(SimDuration),
    /// Move simulated time to the next moment something visible changes.
    StepToNextEvent,
    SetPlaying(bool),
    SetSpeed(u32),
    LoadExample(usize),
    /// A fresh default cluster and the first example.
    Reset,
    ShowSystemPods(bool),
    DismissNotice,
    /// Open the inspector on an object, or close it (`None`).
    Inspect(Option<InspectTarget>),
    /// A fresh default cluster with the setup of troubleshooting story `STORIES[i]` run on it.
    OpenStory(usize),
    CloseStory,
    /// Replace the cluster with a session file's replay; on an error keep everything.
    Import {
        file_name: String,
        /// The file's text, or why it could not be read.
        text: Result<String, String>,
    },
    /// Import the file of the last failed import although one of its commands failed.
    ImportAnyway,
    /// Yes to the pending import: it replaces the learner's work.
    ConfirmImport,
    /// No to the pending import: everything stays as it was.
    CancelImport,
    DismissImportStatus,
    /// An animation frame (its timestamp, ms): play moves time, the engine works a bounded
    /// slice toward the goal or the replay.
    Frame(f64),
    /// Show the timeline position (ms): an earlier moment replays, the end is live.
    Scrub(u64),
    /// Move the timeline position by this many ms (the arrow keys).
    ScrubBy(i64),
    BackToLive,
    /// Restore the future the last branch discarded.
    UndoBranch,
    DismissBranch,
}

#[derive(Clone)]
pub struct AppState {
    /// Shared, not cloned per action: a Sim can be large, and the reducer is its only writer.
    session: Rc<RefCell<Session>>,
    pub seed: u64,
    pub journal: Rc<Journal>,
    pub view: Rc<ClusterView>,
    pub editor: AttrValue,
    pub editor_problem: Option<EditorProblem>,
    pub last_apply: Option<Rc<Output>>,
    /// The kubectl verb that produced `last_apply` (`apply` or `delete`).
    pub last_verb: &'static str,
    pub console: Rc<Vec<ConsoleEntry>>,
    pub playing: bool,
    pub speed: u32,
    pub show_system_pods: bool,
    /// Bumped on every change that should be saved.
    pub revision: u64,
    /// Set when a saved session could not be restored.
    pub notice: Option<AttrValue>,
    /// What the inspector shows, recomputed after every change; `None` when closed or when
    /// the selected object is gone.
    pub inspect_target: Option<InspectTarget>,
    pub inspector: Option<Rc<InspectView>>,
    /// The troubleshooting story whose card is open (an index into `stories::STORIES`).
    pub story: Option<usize>,
    pub import_status: Option<Rc<ImportStatus>>,
    /// An import asking whether it may replace the learner's work (see `has_own_work`).
    pub pending_import: Option<Rc<PendingImport>>,
    /// Where time is heading, and the earlier moment shown, if any (see `time`).
    pub time: time::TimeState,
    /// The console command still running, if any (see `console_job`).
    console_job: Option<console_job::Shared>,
}

impl AppState {
    /// A fresh default cluster with the first example in the editor.
    pub fn fresh() -> AppState {
        AppState::restore_editor_only(None)
    }

    /// A fresh default cluster with the given editor text (or the first example).
    pub fn restore_editor_only(editor: Option<String>) -> AppState {
        let editor = editor.unwrap_or_else(|| EXAMPLES[0].text.to_string());
        AppState::from_parts(
            DEFAULT_SEED,
            Session::new(DEFAULT_SEED),
            Journal::default(),
            editor,
        )
    }

    /// Restores a saved tab: replays the journal; falls back to a fresh cluster (and says so)
    /// when the saved script no longer runs.
    pub fn restore(seed: u64, script: &str, editor: Option<String>) -> AppState {
        match Journal::replay(seed, script) {
            Ok((session, journal)) => {
                let editor = editor.unwrap_or_else(|| EXAMPLES[0].text.to_string());
                AppState::from_parts(seed, session, journal, editor)
            }
            Err(e) => {
                let mut s = AppState::restore_editor_only(editor);
                s.notice = Some(
                    format!(
                        "Your saved session could not be replayed ({e}); started a fresh cluster."
                    )
                    .into(),
                );
                s
            }
        }
    }

    fn from_parts(seed: u64, session: Session, mut journal: Journal, editor: String) -> AppState {
        journal.anchor(session.sim.now().0);
        let view = Rc::new(cluster_view(&session.sim));
        AppState {
            session: Rc::new(RefCell::new(session)),
            seed,
            journal: Rc::new(journal),
            view,
            editor_problem: check_manifest(&editor),
            editor: editor.into(),
            last_apply: None,
            last_verb: "apply",
            console: Rc::new(Vec::new()),
            playing: false,
            speed: DEFAULT_SPEED,
            show_system_pods: true,
            revision: 0,
            notice: None,
            inspect_target: None,
            inspector: None,
            story: None,
            import_status: None,
            pending_import: None,
            time: Default::default(),
            console_job: None,
        }
    }

    /// Another cluster in this tab: the editor text and the view settings stay.
    fn with_cluster(&self, seed: u64, session: Session, journal: Journal) -> AppState {
        let mut s = AppState::from_parts(seed, session, journal, self.editor.to_string());
        s.revision = self.revision + 1;
        s.speed = self.speed;
        s.show_system_pods = self.show_system_pods;
        s
    }

    /// Whether the tab holds commands of the learner's own (more than the open story's setup):
    /// what opening a story or importing a file would throw away, so both ask first.
    pub fn has_own_work(&self) -> bool {
        self.journal.marks().len() > self.story.map_or(0, super::stories::setup_len)
    }

    fn import_file(mut self, file_name: &str, text: &str, force: bool) -> AppState {
        match import(file_name, text, DEFAULT_SEED, force) {
            Ok(imported) if self.has_own_work() => {
                self.import_status = None;
                self.pending_import = Some(Rc::new(PendingImport {
                    file_name: file_name.to_string(),
                    imported,
                }));
                self
            }
            Ok(imported) => self.with_import(file_name, imported),
            Err(problem) => {
                self.import_status = Some(Rc::new(ImportStatus::Failed(problem)));
                self
            }
        }
    }

    /// The cluster of an import replaces this one.
    fn with_import(&self, file_name: &str, imported: Imported) -> AppState {
        let mut s = self.with_cluster(imported.seed, imported.session, imported.journal);
        s.import_status = Some(Rc::new(ImportStatus::Done {
            file_name: file_name.to_string(),
            commands: imported.commands,
        }));
        s
    }

    /// The session itself, for readers that outlive one render (console completion).
    pub fn session_ref(&self) -> Rc<RefCell<Session>> {
        self.session.clone()
    }

    /// Read access for what needs more than the view (tests).
    pub fn with_session<R>(&self, f: impl FnOnce(&Session) -> R) -> R {
        f(&self.session.borrow())
    }

    fn refresh_view(&mut self) {
        self.view = Rc::new(cluster_view(&self.session.borrow().sim));
        self.refresh_inspector();
        self.revision += 1;
    }

    fn refresh_inspector(&mut self) {
        self.inspector = self.inspect_target.as_ref().and_then(|t| {
            let mut session = self.session.borrow_mut();
            inspect(&mut session.sim, t).map(Rc::new)
        });
    }

    /// A typed line. A command that moves time for a while runs a slice per frame (see
    /// `console_job`), unless `in_pieces` is false (a story's setup runs at once).
    fn run_console(&mut self, text: &str, in_pieces: bool) {
        let text = text.trim();
        if text.is_empty() {
            return;
        }
        // A read at an earlier moment looks at it without changing the timeline.
        let record = self.before_console_command(text);
        self.open_console_entry(text);
        match parse_script(text) {
            Ok(lines) => self.run_console_lines(lines, record, Output::ok(""), in_pieces),
            Err(e) => self.set_last_entry(&Output::error(format!("error: {e}\n")), false),
        }
        self.refresh_view();
    }
}

/// Actions that change the cluster or the time shown: a console command still running stops
/// first, as a terminal's Ctrl+C (the new action needs the cluster at rest).
fn stops_console_job(action: &Action) -> bool {
    matches!(
        action,
        Action::Apply
            | Action::Delete
            | Action::Console(_)
            | Action::InterruptConsole
            | Action::Advance(_)
            | Action::StepToNextEvent
            | Action::SetPlaying(true)
            | Action::Reset
            | Action::OpenStory(_)
            | Action::Import { .. }
            | Action::ImportAnyway
            | Action::ConfirmImport
            | Action::Scrub(_)
            | Action::ScrubBy(_)
            | Action::BackToLive
            | Action::UndoBranch
    )
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        if next.console_busy() && stops_console_job(&action) && next.stop_console_job() {
            // Stopping is a change of its own: the action then applies to the stopped state
            // (and an action that changes nothing leaves that state, not the running one).
            return Rc::new(next).reduce(action);
        }
        match action {
            Action::EditorChanged(text) => {
                if *next.editor == *text {
                    return self;
                }
                next.editor_problem = check_manifest(&text);
                next.editor = text.into();
                next.revision += 1;
            }
            Action::Apply | Action::Delete => {
                let (line, verb) = match action {
                    Action::Delete => (delete_line(&next.editor), "delete"),
                    _ => (apply_line(&next.editor), "apply"),
                };
                next.last_verb = verb;
                next.before_command();
                let out = next.session.borrow_mut().execute(&line);
                let clock = next.clock();
                Rc::make_mut(&mut next.journal).record_command_at(&line, clock);
                next.last_apply = Some(Rc::new(out));
                next.refresh_view();
            }
            Action::Console(text) => next.run_console(&text, true),
            // Nothing running (a running command was stopped above).
            Action::InterruptConsole => return self,
            Action::Advance(d) => {
                if !next.advance_action(d) {
                    return self;
                }
            }
            Action::StepToNextEvent => {
                if !next.next_event_action() {
                    return self;
                }
            }
            Action::SetPlaying(playing) => {
                if next.playing == playing {
                    return self;
                }
                next.playing = playing;
                next.on_playing_changed();
            }
            Action::Frame(timestamp) => {
                // Frames come 60 times a second: no new state unless something moved.
                let moved = if next.console_busy() {
                    next.console_job_frame(timestamp)
                } else {
                    next.frame(timestamp)
                };
                if !moved {
                    return self;
                }
            }
            Action::Scrub(tl) => {
                if !next.scrub(tl) {
                    return self;
                }
            }
            Action::ScrubBy(ms) => {
                if !next.scrub_by(ms) {
                    return self;
                }
            }
            Action::BackToLive => {
                if !next.back_to_live() {
                    return self;
                }
            }
            Action::UndoBranch => {
                if !next.undo_branch() {
                    return self;
                }
            }
            Action::DismissBranch => {
                if !next.dismiss_branch() {
                    return self;
                }
            }
            Action::SetSpeed(speed) => {
                if next.speed == speed || !SPEEDS.contains(&speed) {
                    return self;
                }
                next.speed = speed;
            }
            Action::LoadExample(i) => {
                let Some(example) = EXAMPLES.get(i) else {
                    return self;
                };
                next.editor_problem = check_manifest(example.text);
                next.editor = example.text.into();
                next.last_apply = None;
                next.revision += 1;
            }
            Action::Reset => {
                let mut fresh = AppState::fresh();
                fresh.revision = next.revision + 1;
                fresh.show_system_pods = next.show_system_pods;
                fresh.speed = next.speed;
                return Rc::new(fresh);
            }
            Action::DismissNotice => {
                if next.notice.is_none() {
                    return self;
                }
                next.notice = None;
            }
            Action::Inspect(target) => {
                if next.inspect_target == target {
                    return self;
                }
                next.inspect_target = target;
                next.refresh_inspector();
            }
            Action::OpenStory(i) => {
                let Some(story) = super::stories::STORIES.get(i) else {
                    return self;
                };
                let Ok(script) = super::stories::split_story(story.script) else {
                    return self;
                };
                let mut s =
                    next.with_cluster(DEFAULT_SEED, Session::new(DEFAULT_SEED), Journal::default());
                for step in &script.setup {
                    s.run_console(&step.script, false);
                }
                s.story = Some(i);
                return Rc::new(s);
            }
            Action::CloseStory => {
                if next.story.is_none() {
                    return self;
                }
                next.story = None;
            }
            Action::Import { file_name, text } => {
                // A new file supersedes a question still open about another.
                next.pending_import = None;
                match text {
                    Ok(text) => return Rc::new(next.import_file(&file_name, &text, false)),
                    Err(why) => {
                        let problem = super::session_script::refused(&file_name, why);
                        next.import_status = Some(Rc::new(ImportStatus::Failed(problem)));
                    }
                }
            }
            Action::ImportAnyway => {
                let Some(ImportStatus::Failed(p)) = next.import_status.as_deref().cloned() else {
                    return self;
                };
                return Rc::new(next.import_file(&p.file_name, &p.text, true));
            }
            Action::ConfirmImport => {
                let Some(pending) = next.pending_import.take() else {
                    return self;
                };
                // A copy: the previous state still holds the pending import.
                return Rc::new(next.with_import(&pending.file_name, pending.imported.clone()));
            }
            Action::CancelImport => {
                if next.pending_import.take().is_none() {
                    return self;
                }
            }
            Action::DismissImportStatus => {
                if next.import_status.is_none() {
                    return self;
                }
                next.import_status = None;
            }
            Action::ShowSystemPods(show) => {
                if next.show_system_pods == show {
                    return self;
                }
                next.show_system_pods = show;
            }
        }
        Rc::new(next)
    }
}
