//! A console command that moves time (`sim settle`, `sim advance 10m`, `kubectl rollout
//! status`, `kubectl get pods -w`, `kubectl wait`, `delete`'s wait) runs in pieces, one per
//! animation frame, instead of blocking the page until it is over.
//!
//! A child module of `state`, so it reaches the session, the journal and the console. While
//! the command runs its console entry shows what it printed so far (a watch's rows appear as
//! they happen) and the cluster view follows. Ctrl+C or Stop ends it where the cluster is, as
//! at a terminal; so does any other action that changes the cluster (a new command, Play,
//! Apply...). A finished command enters the journal as it would have run in one go; a stopped
//! one enters it as the time it moved, so a reload replays the same cluster.

use super::time::{self, perf_now, FRAME_BUDGET_MS, VIEW_EVERY_MS};
use super::{AppState, ConsoleEntry, CONSOLE_LIMIT};
use crate::present::cluster_view;
use crate::script::{Job, ScriptLine, Started};
use crate::ui::journal::Journal;
use crate::Output;
use std::cell::RefCell;
use std::rc::Rc;

/// Work a command gets as soon as it is typed: a short one is over at once, as before.
const START_BUDGET_MS: f64 = 12.0;

/// The running command, shared by the states Yew keeps (like the session): taken out when
/// it ends.
pub type Shared = Rc<RefCell<Option<Running>>>;

/// The command running, with what is left of its console line.
pub struct Running {
    job: Job,
    line: ScriptLine,
    /// The input's later lines (a story's fix runs several), waiting for it.
    rest: Vec<ScriptLine>,
    /// Whether the line goes into the journal (not a read at an earlier moment).
    record: bool,
    /// What the line's earlier commands printed.
    before: Output,
    /// What the console entry shows of the command's own output.
    shown_len: usize,
    last_show: f64,
}

impl AppState {
    /// Whether a console command is still running.
    pub fn console_busy(&self) -> bool {
        self.console_job.is_some()
    }

    /// The journal a reload should replay. A tab closed while a command runs keeps that
    /// command (and the rest of its input), as if it had run to its end: the learner typed it.
    pub fn journal_to_keep(&self) -> Rc<Journal> {
        let Some(running) = &self.console_job else {
            return self.journal.clone();
        };
        let slot = running.borrow();
        let Some(r) = slot.as_ref() else {
            return self.journal.clone();
        };
        let mut journal = (*self.journal).clone();
        let clock = self.session.borrow().sim.now().0;
        for line in std::iter::once(&r.line).chain(&r.rest) {
            if r.record && time::is_cluster_command(&line.words) {
                journal.record_command_at(line, clock);
            }
        }
        Rc::new(journal)
    }

    /// Runs a typed line's commands in order; the first that moves time for a while becomes
    /// the running job and the rest wait for it.
    /// With `in_pieces` false every command is worked to its end at once (a story's setup).
    pub(super) fn run_console_lines(
        &mut self,
        lines: Vec<ScriptLine>,
        record: bool,
        mut before: Output,
        in_pieces: bool,
    ) {
        let mut lines = lines.into_iter();
        while let Some(line) = lines.next() {
            let started = self.session.borrow_mut().start(&line);
            match started {
                Started::Done(out) => {
                    self.finish_line(&line, record, out, &mut before);
                }
                Started::Running(job) if !in_pieces => {
                    let out = job.finish(&mut self.session.borrow_mut().sim);
                    self.finish_line(&line, record, out, &mut before);
                }
                Started::Running(job) => {
                    self.console_job = Some(Rc::new(RefCell::new(Some(Running {
                        job,
                        line,
                        rest: lines.collect(),
                        record,
                        before,
                        shown_len: 0,
                        last_show: 0.0,
                    }))));
                    self.show_running_entry();
                    // run_console draws the view afterwards.
                    self.work_console_job(START_BUDGET_MS, None);
                    return;
                }
            }
        }
        self.set_last_entry(&before, false);
    }

    /// One command's output, and its journal entry at the clock it reached.
    fn finish_line(&mut self, line: &ScriptLine, record: bool, out: Output, into: &mut Output) {
        if record && time::is_cluster_command(&line.words) {
            let clock = self.session.borrow().sim.now().0;
            Rc::make_mut(&mut self.journal).record_command_at(line, clock);
        }
        into.text.push_str(&out.text);
        into.ok &= out.ok;
    }

    /// An animation frame while a command runs: work on it, show its progress, and when it is
    /// over go on with the rest of its line. Returns whether anything visible changed.
    pub(super) fn console_job_frame(&mut self, timestamp: f64) -> bool {
        self.work_console_job(FRAME_BUDGET_MS, Some(timestamp))
    }

    /// `timestamp`: the frame's, which paces the view's redraws (`None`: no redraw).
    fn work_console_job(&mut self, budget_ms: f64, timestamp: Option<f64>) -> bool {
        let Some(running) = self.console_job.clone() else {
            return false;
        };
        let deadline = perf_now() + budget_ms;
        let finished = {
            let mut slot = running.borrow_mut();
            let Some(r) = slot.as_mut() else {
                // Taken by a stop already: this state must forget it too.
                self.console_job = None;
                return true;
            };
            let mut session = self.session.borrow_mut();
            r.job.poll(&mut session.sim, &mut || perf_now() >= deadline)
        };
        match finished {
            Some(out) => {
                self.console_job = None;
                let Some(r) = running.borrow_mut().take() else {
                    return false;
                };
                let Running {
                    line,
                    rest,
                    record,
                    mut before,
                    ..
                } = r;
                self.finish_line(&line, record, out, &mut before);
                self.run_console_lines(rest, record, before, true);
                if !self.console_busy() {
                    self.refresh_view();
                }
                true
            }
            None => {
                let (printed_more, view_due) = {
                    let slot = running.borrow();
                    let Some(r) = slot.as_ref() else {
                        return false;
                    };
                    (
                        r.job.printed().len() != r.shown_len,
                        timestamp.is_some_and(|t| t - r.last_show >= VIEW_EVERY_MS),
                    )
                };
                if let (true, Some(t)) = (view_due, timestamp) {
                    if let Some(r) = running.borrow_mut().as_mut() {
                        r.last_show = t;
                    }
                    self.view = Rc::new(cluster_view(&self.session.borrow().sim));
                    self.refresh_inspector();
                }
                if printed_more {
                    self.show_running_entry();
                }
                view_due || printed_more
            }
        }
    }

    /// Ctrl+C: the running command stops where the cluster is. What it printed stays, marked
    /// `^C`; the rest of its line is dropped, as a shell drops it.
    pub(super) fn stop_console_job(&mut self) -> bool {
        let Some(running) = self.console_job.take() else {
            return false;
        };
        let Some(r) = running.borrow_mut().take() else {
            return false;
        };
        let stopped = {
            let mut session = self.session.borrow_mut();
            let stopped = r.job.stop(&mut session.sim, &r.line);
            session.record_stopped(&stopped);
            stopped
        };
        if r.record {
            // What replays it: the time it moved, as play would have moved it, and for a
            // command that wrote on the way (delete, drain) that command cut short.
            let journal = Rc::make_mut(&mut self.journal);
            for (line, clock) in &stopped.replay {
                if line
                    .words
                    .starts_with(&["sim".to_string(), "advance".to_string()])
                {
                    journal.record_rest(clock.0);
                } else {
                    journal.record_command_at(line, clock.0);
                }
            }
        }
        let printed = stopped.printed;
        let mut out = r.before;
        out.text.push_str(&printed);
        if !out.text.is_empty() && !out.text.ends_with('\n') {
            out.text.push('\n');
        }
        out.text.push_str("^C");
        self.set_last_entry(&out, false);
        self.refresh_view();
        true
    }

    /// The running command's entry: the line's output so far.
    fn show_running_entry(&mut self) {
        let Some(running) = self.console_job.clone() else {
            return;
        };
        let out = {
            let mut slot = running.borrow_mut();
            let Some(r) = slot.as_mut() else {
                return;
            };
            let mut out = r.before.clone();
            let printed = r.job.printed();
            out.text.push_str(&printed);
            let shown = printed.len();
            r.shown_len = shown;
            out
        };
        self.set_last_entry(&out, true);
    }

    /// Updates the newest console entry (the line being run).
    pub(super) fn set_last_entry(&mut self, out: &Output, running: bool) {
        let console = Rc::make_mut(&mut self.console);
        if let Some(entry) = console.last_mut() {
            entry.output = out.text.trim_end().to_string().into();
            entry.ok = out.ok;
            entry.running = running;
        }
    }

    /// A new console entry for a typed line, filled in as its commands run.
    pub(super) fn open_console_entry(&mut self, text: &str) {
        let console = Rc::make_mut(&mut self.console);
        console.push(ConsoleEntry {
            command: text.to_string().into(),
            output: Default::default(),
            ok: true,
            running: false,
        });
        if console.len() > CONSOLE_LIMIT {
            let extra = console.len() - CONSOLE_LIMIT;
            console.drain(..extra);
        }
    }
}
