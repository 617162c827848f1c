//! The reducer's handling of simulated time: bounded stepping per animation frame, scrubbing
//! back along the timeline, replaying the recorded future and branching from the past.
//!
//! A child module of `state`, so it reaches the session and the view refresh. Two modes:
//! - live: `session` is the tab's cluster; `goal` says where it is heading (play, +1s, Next
//!   event) and each frame works on it for `FRAME_BUDGET_MS`. Whenever the engine stops at
//!   rest the journal records the time moved, so a reload replays the same cluster.
//! - past: the user scrubbed back. `session` then holds a replay of the journal (the live one
//!   is parked in `Past::live`), moving toward `Past::target` in bounded pieces. Play replays
//!   the recorded future; reaching the end returns to live. A command run in the past
//!   branches: the later part of the journal is cut (and kept for Undo).

use super::AppState;
use crate::engine::time::{SimDuration, SimTime};
use crate::script::Session;
use crate::ui::journal::{Journal, Mark};
use crate::ui::stepping::{self, Goal};
use crate::ui::timeline::{progress_tl, replay_toward, Checkpoints, Cursor};
use std::cell::RefCell;
use std::rc::Rc;

/// Engine work per animation frame, in real milliseconds: half a 60 Hz frame, the rest is
/// left for rendering.
pub const FRAME_BUDGET_MS: f64 = 8.0;
/// A replay starts over from a copy at most this often (real ms).
const RESTART_EVERY_MS: f64 = 100.0;
/// Engine work in a frame that also redraws the cluster.
pub const REDRAW_FRAME_BUDGET_MS: f64 = 4.0;
/// Work a click (+1s, Next, a scrub) may do at once, so a small step shows in the same frame.
const CLICK_BUDGET_MS: f64 = 12.0;
/// The longest real gap one frame accounts for (a background tab comes back without a jump).
const MAX_FRAME_GAP_MS: f64 = 100.0;
/// How far ahead of the engine play may run, in real milliseconds at the chosen speed: when
/// the engine cannot keep up, simulated time slows down instead of piling up work.
const MAX_LEAD_REAL_MS: u64 = 250;
/// While time (or a console command) keeps moving, the cluster view is refreshed at most this
/// often (real ms).
pub(super) const VIEW_EVERY_MS: f64 = 50.0;
/// While playing, the journal is saved at most this often (real milliseconds).
const SAVE_EVERY_MS: f64 = 1000.0;

#[derive(Clone, Default)]
pub struct TimeState {
    /// Where the live session is heading; `None` when it is at rest.
    pub goal: Option<Goal>,
    /// Set while an earlier moment is shown.
    pub past: Option<Past>,
    /// The last branch from the past, until dismissed: what Undo restores.
    pub branched: Option<Rc<Branched>>,
    last_frame: Option<f64>,
    /// Simulated milliseconds owed by play but smaller than one.
    carry: f64,
    last_save: f64,
    /// Frame timestamp of the last view refresh, and whether the engine moved since.
    last_show: f64,
    unshown: bool,
    last_restart: f64,
    /// The timestamp of the frame being worked on.
    frame_ts: f64,
    checkpoints: Rc<RefCell<Checkpoints>>,
}

#[derive(Clone)]
pub struct Past {
    /// The live session, untouched while the past is shown.
    live: Rc<RefCell<Session>>,
    cursor: Cursor,
    /// The timeline position asked for.
    pub target: u64,
    /// Whether the replay has got there.
    pub reached: bool,
    /// The replay must start over from a copy (the target is behind it); done by the next
    /// piece of work, so a drag that moves many times a frame copies once.
    restart: bool,
    /// The session shown is still the live one (the past was just entered).
    live_shown: bool,
}

pub struct Branched {
    session: Rc<RefCell<Session>>,
    journal: Rc<Journal>,
    /// Commands of the discarded future.
    pub discarded: usize,
    /// The clock where the timeline was cut.
    pub at_clock: u64,
    /// The open story the cut closed (its setup was discarded); Undo opens it again.
    pub closed_story: Option<usize>,
}

/// What the timeline control draws.
#[derive(Clone, Debug, PartialEq)]
pub struct TimelineInfo {
    /// Timeline positions (ms) of the first and the latest moment.
    pub start: u64,
    pub end: u64,
    /// The moment shown.
    pub position: u64,
    /// The simulated clock at `position`.
    pub clock_ms: u64,
    pub live: bool,
    /// The replay has not reached `position` yet.
    pub catching_up: bool,
    pub marks: Rc<Vec<Mark>>,
    /// After a branch: how many later commands were discarded, and the clock of the cut.
    pub branched: Option<(usize, u64)>,
    /// After a branch that discarded the open story's setup: that story (its card closed).
    pub branch_closed_story: Option<usize>,
}

/// The page's monotonic clock in real milliseconds (0 outside a browser window).
pub(super) fn perf_now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

impl AppState {
    /// Whether frames are needed: playing, a goal in progress, or a replay catching up.
    pub fn time_active(&self) -> bool {
        self.playing
            || self.console_busy()
            || self.time.goal.is_some()
            || self.time.past.as_ref().is_some_and(|p| !p.reached)
    }

    pub fn timeline_info(&self) -> TimelineInfo {
        let journal = &self.journal;
        let recorded = journal.end();
        let (end, position, clock_ms, catching_up) = match &self.time.past {
            Some(p) => (
                recorded.tl,
                p.target,
                journal.clock_at(p.target),
                !p.reached,
            ),
            None => {
                // Live time moved by a goal in progress is not recorded yet, but was reached.
                let end = recorded.tl + self.view.time_ms.saturating_sub(recorded.clock);
                (end, end, self.view.time_ms, false)
            }
        };
        TimelineInfo {
            start: journal.start().tl,
            end,
            position,
            clock_ms,
            live: self.time.past.is_none(),
            catching_up,
            marks: journal.marks(),
            branched: self
                .time
                .branched
                .as_ref()
                .map(|b| (b.discarded, b.at_clock)),
            branch_closed_story: self.time.branched.as_ref().and_then(|b| b.closed_story),
        }
    }

    /// The view and inspector of the session shown, without marking the work as changed.
    fn show(&mut self) {
        self.time.unshown = false;
        self.view = Rc::new(crate::present::cluster_view(&self.session.borrow().sim));
        self.refresh_inspector();
    }

    /// One animation frame: play moves the goal by the real time since the last frame, then
    /// the engine works for at most `FRAME_BUDGET_MS`. Returns whether the new state must be
    /// kept (something moved, play's frame clock, or the work is over).
    pub(super) fn frame(&mut self, timestamp: f64) -> bool {
        let was_active = self.time_active();
        self.time.frame_ts = timestamp;
        let sim_ms = match self.time.last_frame.replace(timestamp) {
            Some(last) if self.playing => {
                let real = (timestamp - last).clamp(0.0, MAX_FRAME_GAP_MS);
                self.time.carry += real * f64::from(self.speed) / 100.0;
                let whole = self.time.carry.floor();
                self.time.carry -= whole;
                whole as u64
            }
            _ => 0,
        };
        if !self.playing {
            self.time.last_frame = None;
        }
        let lead = MAX_LEAD_REAL_MS * u64::from(self.speed) / 100;
        if sim_ms > 0 {
            if let Some(past) = &mut self.time.past {
                let progress = progress_tl(&self.journal, past.cursor, &self.session.borrow())
                    .max(past.target);
                past.target = (past.target + sim_ms).min(progress + lead).max(past.target);
                past.reached = false;
                if past.target >= self.journal.end().tl {
                    self.back_to_live();
                }
            }
            if self.time.past.is_none() {
                let now = self.session.borrow().sim.now();
                let base = self.time.goal.as_ref().and_then(Goal::until).unwrap_or(now);
                if self.time.goal.as_ref().is_none_or(|g| g.until().is_some()) {
                    let target = (base.0 + sim_ms).min(now.0 + lead).max(base.0);
                    self.time.goal = Some(Goal::Until(SimTime(target)));
                }
            }
        }
        // A frame that redraws the cluster leaves the engine less time: the redraw follows.
        let redraw_due = timestamp - self.time.last_show >= VIEW_EVERY_MS;
        let budget = if redraw_due && self.time.unshown {
            REDRAW_FRAME_BUDGET_MS
        } else {
            FRAME_BUDGET_MS
        };
        let (started, shown_before) = (perf_now(), !self.time.unshown);
        let changed = self.work(budget);
        // One reconcile can outlast the whole budget (a ReplicaSet creating 500 pods at once):
        // that frame is long already, so its redraw waits for the next frame instead of adding
        // to it — once: a later frame draws whatever the engine does.
        let overran = perf_now() - started > FRAME_BUDGET_MS
            && (shown_before || timestamp - self.time.last_show < 2.0 * VIEW_EVERY_MS);
        // While time keeps moving, the cluster is redrawn at most every VIEW_EVERY_MS: a
        // redraw of hundreds of changing pods costs more than the engine's slice, and 20 new
        // pictures a second animate just as well. The last picture is always drawn.
        if changed {
            self.time.unshown = true;
        }
        let due = (redraw_due && !overran) || !self.time_active();
        if self.time.unshown && due {
            self.time.last_show = timestamp;
            self.show();
            return true;
        }
        changed || self.playing || self.time_active() != was_active
    }

    /// Works on the live goal or the replay for `budget_ms`. Returns whether anything moved.
    fn work(&mut self, budget_ms: f64) -> bool {
        let deadline = perf_now() + budget_ms;
        let mut out_of_time = move || perf_now() >= deadline;
        let restarted = self.restart_replay_if_needed(false);
        if let Some(past) = &mut self.time.past {
            if past.reached || past.restart {
                return restarted;
            }
            let mut session = self.session.borrow_mut();
            let before = (
                session.sim.now(),
                session.sim.reconcile_count(),
                past.cursor,
            );
            past.reached = replay_toward(
                &self.journal,
                &mut session,
                &mut past.cursor,
                past.target,
                &mut self.time.checkpoints.borrow_mut(),
                &mut out_of_time,
            );
            return restarted
                || before
                    != (
                        session.sim.now(),
                        session.sim.reconcile_count(),
                        past.cursor,
                    );
        }
        let Some(mut goal) = self.time.goal.take() else {
            return false;
        };
        let worked = {
            let mut session = self.session.borrow_mut();
            let sim = &mut session.sim;
            let before = (sim.now(), sim.reconcile_count());
            let done = stepping::work(sim, &mut goal, &mut out_of_time);
            if !done {
                self.time.goal = Some(goal);
            }
            let worked = before != (sim.now(), sim.reconcile_count());
            if worked && sim.is_at_rest() {
                Rc::make_mut(&mut self.journal).record_rest(sim.now().0);
            }
            worked
        };
        if worked {
            self.mark_saved_now_and_then();
        }
        worked
    }

    /// The journal changed: save it, at most once a second while time keeps moving.
    fn mark_saved_now_and_then(&mut self) {
        let now = perf_now();
        if self.time.goal.is_none() || now - self.time.last_save >= SAVE_EVERY_MS {
            self.time.last_save = now;
            self.revision += 1;
        }
    }

    /// +1s (or any fixed step): live, the goal moves on; in the past, the replay does.
    pub(super) fn advance_action(&mut self, d: SimDuration) -> bool {
        if d == SimDuration::ZERO {
            return false;
        }
        if let Some(past) = &mut self.time.past {
            past.target += d.0;
            past.reached = false;
            if past.target >= self.journal.end().tl {
                self.back_to_live();
                return true;
            }
        } else {
            let now = self.session.borrow().sim.now();
            let base = self.time.goal.as_ref().and_then(Goal::until).unwrap_or(now);
            self.time.goal = Some(Goal::Until(base.max(now) + d));
        }
        self.work(CLICK_BUDGET_MS);
        self.show();
        true
    }

    /// "Next event" on the live cluster (the button is off while an earlier moment is shown).
    pub(super) fn next_event_action(&mut self) -> bool {
        if self.time.past.is_some() {
            return false;
        }
        self.time.goal = Some(Goal::next_event(&self.session.borrow().sim));
        self.work(CLICK_BUDGET_MS);
        self.show();
        true
    }

    /// Play toggled: a pause stops time at once; only the instant under way is finished.
    pub(super) fn on_playing_changed(&mut self) {
        self.time.last_frame = None;
        self.time.carry = 0.0;
        if self.playing {
            return;
        }
        // The last frames may not have been drawn (redraws are spaced out while playing).
        if self.time.unshown {
            self.show();
        }
        if let Some(past) = &mut self.time.past {
            if past.restart {
                return;
            }
            let progress = progress_tl(&self.journal, past.cursor, &self.session.borrow());
            past.target = past.target.min(progress.max(past.cursor.tl(&self.journal)));
            return;
        }
        let now = self.session.borrow().sim.now();
        if self.time.goal.is_some() {
            self.time.goal = Some(Goal::Until(now));
        }
    }

    /// Before a command: live, the instant under way is finished and recorded (so the
    /// journal replays the command at the same point); in the past, the timeline branches.
    pub(super) fn before_command(&mut self) {
        if self.time.past.is_some() {
            self.branch();
            return;
        }
        if matches!(self.time.goal, Some(Goal::NextEvent { .. })) {
            self.time.goal = None;
        }
        let mut session = self.session.borrow_mut();
        let sim = &mut session.sim;
        if !sim.is_at_rest() {
            let now = sim.now();
            sim.run_until(now);
            Rc::make_mut(&mut self.journal).record_rest(now.0);
        } else if sim.now().0 > self.journal.end().clock {
            Rc::make_mut(&mut self.journal).record_rest(sim.now().0);
        }
    }

    /// Before a console line. Returns whether it goes into the journal: not when an earlier
    /// moment is shown and every command only reads (`kubectl get`, `sim why`...): looking at
    /// the past must not throw its future away.
    /// A line that does not parse or runs nothing kubeplay knows (`clear`, a typo) changes
    /// nothing, so it neither branches the timeline nor goes into the journal.
    pub(super) fn before_console_command(&mut self, text: &str) -> bool {
        let Ok(lines) = crate::script::parse_script(text) else {
            return false;
        };
        if !lines.iter().any(|l| is_cluster_command(&l.words)) {
            return false;
        }
        let reads_only = lines.iter().all(|l| only_reads(&l.words));
        if self.time.past.is_some() && reads_only {
            return false;
        }
        self.before_command();
        true
    }

    /// The clock after a command, for the journal.
    pub(super) fn clock(&self) -> u64 {
        self.session.borrow().sim.now().0
    }

    /// Shows timeline position `tl`: the live end returns to live, anything earlier replays.
    pub(super) fn scrub(&mut self, tl: u64) -> bool {
        let tl = tl.max(self.journal.start().tl);
        if tl >= self.journal.end().tl {
            return self.back_to_live();
        }
        match &mut self.time.past {
            None => {
                self.before_command();
                self.time.goal = None;
                self.time.past = Some(Past {
                    live: self.session.clone(),
                    cursor: Cursor::default(),
                    target: tl,
                    reached: false,
                    restart: true,
                    live_shown: true,
                });
            }
            Some(past) if past.target == tl => return false,
            Some(past) => {
                if !past.restart
                    && !replay_valid_for(&self.journal, past.cursor, &self.session.borrow(), tl)
                {
                    past.restart = true;
                }
                past.target = tl;
                past.reached = false;
            }
        }
        // The replay itself runs in the next frames: a drag sends several positions a frame,
        // and only the latest one is worth replaying to.
        true
    }

    /// Starts the replay over from the nearest copy before the target, when the target is
    /// behind it (or the past was just entered: the shown session is still the live one).
    fn restart_replay_if_needed(&mut self, force: bool) -> bool {
        let Some(past) = &mut self.time.past else {
            return false;
        };
        if !past.restart {
            return false;
        }
        // A copy of a big cluster takes a while: a drag back starts over at most 10 times a
        // second (the picture waits at the last moment shown in between).
        // Frame timestamps, not the wall clock: the pace follows the frames actually drawn.
        let now = self.time.frame_ts;
        if now - self.time.last_restart < RESTART_EVERY_MS && !past.live_shown && !force {
            return false;
        }
        self.time.last_restart = now;
        let mut checkpoints = self.time.checkpoints.borrow_mut();
        if checkpoints.is_empty() {
            *checkpoints = Checkpoints::new(Session::new(self.seed), self.journal.start().tl);
        }
        let Some((cursor, session)) = checkpoints.best_for(past.target) else {
            return false;
        };
        past.cursor = cursor;
        past.restart = false;
        past.live_shown = false;
        self.session = Rc::new(RefCell::new(session));
        true
    }

    /// Moves the shown position by `ms` (negative: back).
    pub(super) fn scrub_by(&mut self, ms: i64) -> bool {
        let from = self.timeline_info().position;
        let to = if ms < 0 {
            from.saturating_sub(ms.unsigned_abs())
        } else {
            from.saturating_add(ms as u64)
        };
        self.scrub(to)
    }

    /// Back to the live cluster (the parked one: replaying to the end would give the same).
    pub(super) fn back_to_live(&mut self) -> bool {
        let Some(past) = self.time.past.take() else {
            return false;
        };
        self.session = past.live;
        self.show();
        true
    }

    /// A command while an earlier moment is shown: the shown cluster becomes the live one and
    /// the journal is cut at its moment. The old future is kept until the notice goes, for Undo.
    fn branch(&mut self) {
        // A replay that has not started, or not arrived, is run to the moment shown first.
        if self
            .time
            .past
            .as_ref()
            .is_some_and(|p| p.restart || !p.reached)
        {
            self.restart_replay_if_needed(true);
            let session = self.session.clone();
            if let Some(past) = &mut self.time.past {
                past.reached = replay_toward(
                    &self.journal,
                    &mut session.borrow_mut(),
                    &mut past.cursor,
                    past.target,
                    &mut self.time.checkpoints.borrow_mut(),
                    &mut || false,
                );
            }
        }
        let Some(past) = self.time.past.take() else {
            return;
        };
        let old_journal = self.journal.clone();
        let mut session = self.session.borrow_mut();
        let now = session.sim.now();
        // Finish the instant under way, so the journal can say exactly where the cut is.
        session.sim.run_until(now);
        drop(session);
        let (index, offset) = match self.journal.entries().get(past.cursor.index) {
            Some(crate::ui::journal::Entry::Advance { ms, at }) => {
                (past.cursor.index, now.0.saturating_sub(at.clock).min(*ms))
            }
            _ => (past.cursor.index, 0),
        };
        let journal = Rc::make_mut(&mut self.journal);
        let discarded = journal.truncate(index, offset);
        journal.record_rest(now.0);
        // A cut before the open story's setup was over leaves a cluster the story is not
        // about: its card would describe commands that no longer happened.
        let kept = journal.marks().len();
        let closed_story = self
            .story
            .filter(|&i| kept < crate::ui::stories::setup_len(i));
        if closed_story.is_some() {
            self.story = None;
        }
        self.time
            .checkpoints
            .borrow_mut()
            .cut(Cursor { index, offset });
        self.time.goal = None;
        self.time.branched = Some(Rc::new(Branched {
            session: past.live,
            journal: old_journal,
            discarded,
            at_clock: now.0,
            closed_story,
        }));
        self.revision += 1;
    }

    /// Restores the future a branch discarded (what was done since is dropped).
    pub(super) fn undo_branch(&mut self) -> bool {
        let Some(b) = self.time.branched.take() else {
            return false;
        };
        self.time.past = None;
        self.time.goal = None;
        self.session = b.session.clone();
        self.journal = b.journal.clone();
        if b.closed_story.is_some() {
            self.story = b.closed_story;
        }
        self.time.checkpoints.borrow_mut().clear_after_start();
        self.show();
        self.revision += 1;
        true
    }

    pub(super) fn dismiss_branch(&mut self) -> bool {
        self.time.branched.take().is_some()
    }
}

/// Whether a replay at `cursor` can move on to `tl` (it has not passed it, nor run a command
/// recorded at `tl` itself).
fn replay_valid_for(journal: &Journal, cursor: Cursor, session: &Session, tl: u64) -> bool {
    if progress_tl(journal, cursor, session) > tl {
        return false;
    }
    let last_run = if cursor.offset > 0 {
        journal.entries().get(cursor.index)
    } else {
        cursor
            .index
            .checked_sub(1)
            .and_then(|i| journal.entries().get(i))
    };
    last_run.is_none_or(|e| e.at().tl < tl)
}

/// A line that runs a kubectl or sim command (the only ones that can change the cluster; an
/// unknown first word is an error that changes nothing).
pub(super) fn is_cluster_command(words: &[String]) -> bool {
    // Every command of a `;`/`&&`/`||` sequence counts: `echo x; kubectl create ...` writes.
    crate::kubectl::pipe::split_sequence(words)
        .iter()
        .any(|(command, _)| {
            command
                .first()
                .is_some_and(|w| crate::script::may_change_cluster(w))
        })
}

/// Commands that only read the cluster: run at an earlier moment, they leave its future alone.
/// Every command of a `;`/`&&`/`||` sequence must read; what follows a `|` is a text filter
/// (grep, head...); a redirect writes a file, so it does not count as a read.
fn only_reads(words: &[String]) -> bool {
    if words.iter().any(|w| w.starts_with('>') || w.contains("$(")) {
        return false;
    }
    let sequence = crate::kubectl::pipe::split_sequence(words);
    !sequence.is_empty()
        && sequence.iter().all(|(command, _)| {
            let before_pipe = command.split(|w| w == "|").next().unwrap_or_default();
            command_only_reads(before_pipe)
        })
}

/// Whether a cluster of short flags (`-w`, `-Aw`, `-wA`) holds `-w`. A flag that takes a
/// value ends the cluster (`-owide` is `-o wide`, `-lapp=web` is `-l app=web`).
fn short_flags_watch(word: &str) -> bool {
    let Some(flags) = word.strip_prefix('-').filter(|f| !f.starts_with('-')) else {
        return false;
    };
    for c in flags.chars() {
        match c {
            'w' => return true,
            'o' | 'l' | 'n' | 'L' | 'f' | 'c' | 'p' | 's' | 'k' => return false,
            _ => {}
        }
    }
    false
}

fn command_only_reads(words: &[String]) -> bool {
    let watching = words
        .iter()
        .any(|w| w.starts_with("--watch") || short_flags_watch(w));
    let Some((program, rest)) = words.split_first() else {
        return false;
    };
    match program.as_str() {
        "kubectl" | "k" => {
            let verb = crate::kubectl::args::find_verb(rest).and_then(|i| rest.get(i));
            !watching
                && verb.is_some_and(|v| {
                    matches!(
                        v.as_str(),
                        "get"
                            | "describe"
                            | "logs"
                            | "explain"
                            | "api-resources"
                            | "api-versions"
                            | "version"
                            | "cluster-info"
                            | "top"
                    )
                })
        }
        "sim" => matches!(
            rest.first().map(String::as_str),
            None | Some("why" | "time" | "--help" | "-h" | "help")
        ),
        _ => false,
    }
}
