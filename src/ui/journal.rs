//! What the user did in this tab, as a script that rebuilds the same cluster, with the moment
//! each step happened so the timeline can show it and replay up to any point.
//!
//! The play loop moves time with the engine directly (a command per frame would flood the
//! session history), so the UI keeps its own record: each command as typed, and the simulated
//! time that passed between commands coalesced into one `sim advance` line. Replaying it on
//! `Session::new(seed)` gives the same cluster, because the engine is deterministic.
//!
//! A command typed at the console that reads like a recorded advance (`sim advance 500ms`) is
//! written after a `TYPED` comment line, so a replay keeps it a command (with its timeline
//! mark) instead of taking it for time played.
//!
//! Positions: every entry starts at a `Moment`: the simulated clock then, and a timeline
//! position. They are equal unless a command turned the clock back (`sim reset` starts a new
//! cluster at its own clock); the timeline position never goes back, so the timeline can draw
//! the whole tab's history on one axis.

use crate::engine::time::SimDuration;
use crate::script::{parse_script, ScriptLine, Session};
use crate::Output;
use std::rc::Rc;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Moment {
    /// Milliseconds on the timeline (never decreases along the journal).
    pub tl: u64,
    /// The simulated clock, in milliseconds.
    pub clock: u64,
}

impl Moment {
    /// `ms` of simulated time later.
    fn after(self, ms: u64) -> Moment {
        Moment {
            tl: self.tl.saturating_add(ms),
            clock: self.clock.saturating_add(ms),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entry {
    /// Script text of one command, heredoc included, ending in a newline.
    Command { text: String, at: Moment },
    /// Simulated milliseconds that passed by playing or stepping (0: the work queued at that
    /// instant was run before the next command, which `sim advance 0ms` replays).
    Advance { ms: u64, at: Moment },
}

impl Entry {
    pub fn at(&self) -> Moment {
        match self {
            Entry::Command { at, .. } | Entry::Advance { at, .. } => *at,
        }
    }
}

/// The comment line written before a typed command that `sim advance Nms` time played would
/// otherwise be mistaken for. A comment, so `kubeplay run` ignores it.
const TYPED: &str = "# typed at the console:";

/// A command as the timeline marks it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mark {
    pub at: Moment,
    /// The command line without its heredoc (`kubectl apply -f -`).
    pub command: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Journal {
    entries: Vec<Entry>,
    /// Where the journal starts and ends.
    start: Moment,
    end: Moment,
    /// The commands, kept beside the entries so the timeline does not rebuild them per frame.
    marks: Rc<Vec<Mark>>,
}

impl Journal {
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Sets the clock an empty journal starts from (the fresh cluster's, which settles before
    /// it is shown). No effect once something is recorded.
    pub fn anchor(&mut self, clock: u64) {
        if self.entries.is_empty() {
            self.start = Moment { tl: clock, clock };
            self.end = self.start;
        }
    }

    pub fn start(&self) -> Moment {
        self.start
    }

    /// The latest moment recorded: the live end of the timeline.
    pub fn end(&self) -> Moment {
        self.end
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    pub fn marks(&self) -> Rc<Vec<Mark>> {
        self.marks.clone()
    }

    /// A command, run at the journal's end, after which the clock read `clock_after` (`sim
    /// advance` and `kubectl drain` move it; `sim reset` may turn it back).
    pub fn record_command_at(&mut self, line: &ScriptLine, clock_after: u64) {
        let at = self.end;
        let command = match line.command.find("<<") {
            Some(cut) if line.stdin.is_some() => line.command[..cut].trim_end(),
            _ => line.command.as_str(),
        };
        Rc::make_mut(&mut self.marks).push(Mark {
            at,
            command: command.to_string(),
        });
        self.entries.push(Entry::Command {
            text: command_text(line),
            at,
        });
        self.end = Moment {
            tl: at.tl.saturating_add(clock_after.saturating_sub(at.clock)),
            clock: clock_after,
        };
    }

    /// The engine stopped at rest at `clock` after doing work since the last record: records
    /// the time moved, even none (then the work queued by the last command ran before the
    /// next one, and replay must do the same).
    pub fn record_rest(&mut self, clock: u64) {
        let ms = clock.saturating_sub(self.end.clock);
        if ms == 0 && matches!(self.entries.last(), Some(Entry::Advance { .. })) {
            return;
        }
        self.push_advance(ms);
    }

    fn push_advance(&mut self, ms: u64) {
        let end = self.end;
        match self.entries.last_mut() {
            Some(Entry::Advance { ms: total, .. }) => *total = total.saturating_add(ms),
            _ => self.entries.push(Entry::Advance { ms, at: end }),
        }
        self.end = end.after(ms);
    }

    /// Keeps the first `index` entries and `offset` ms of the next one (an advance); drops the
    /// rest. Returns how many commands were dropped.
    pub fn truncate(&mut self, index: usize, offset: u64) -> usize {
        let index = index.min(self.entries.len());
        let mut kept: Vec<Entry> = self.entries.drain(..index).collect();
        let rest = std::mem::take(&mut self.entries);
        if let Some(Entry::Advance { ms, at }) = rest.first() {
            if offset > 0 {
                kept.push(Entry::Advance {
                    ms: offset.min(*ms),
                    at: *at,
                });
            }
        }
        let dropped = rest
            .iter()
            .filter(|e| matches!(e, Entry::Command { .. }))
            .count();
        self.end = match kept.last() {
            Some(Entry::Advance { ms, at }) => at.after(*ms),
            // A command's end is where the dropped entry after it started.
            Some(Entry::Command { .. }) => rest.first().map_or(self.end, Entry::at),
            None => self.start,
        };
        self.entries = kept;
        let marks = Rc::make_mut(&mut self.marks);
        marks.truncate(marks.len() - dropped.min(marks.len()));
        dropped
    }

    /// The clock at a timeline position (exact inside advances; inside a command that moved
    /// the clock, as if time had run evenly).
    pub fn clock_at(&self, tl: u64) -> u64 {
        let before = self
            .entries
            .iter()
            .rev()
            .map(Entry::at)
            .find(|m| m.tl <= tl);
        let from = before.unwrap_or(self.start);
        let clock = from.clock + tl.saturating_sub(from.tl);
        if tl >= self.end.tl {
            self.end.clock + (tl - self.end.tl)
        } else {
            clock
        }
    }

    /// The journal as a kubeplay script (what `kubeplay run` accepts).
    pub fn to_script(&self) -> String {
        let mut out = String::new();
        for e in &self.entries {
            match e {
                Entry::Command { text, .. } => {
                    if parse_command(text).is_some_and(|line| advance_ms(&line).is_some()) {
                        out.push_str(TYPED);
                        out.push('\n');
                    }
                    out.push_str(text);
                }
                Entry::Advance { ms, .. } => out.push_str(&format!("sim advance {ms}ms\n")),
            }
        }
        out
    }

    /// Rebuilds a session from a saved script: `Session::new(seed)` then every command. The
    /// journal of the result is the parsed script, so saving it again gives the same text.
    pub fn replay(seed: u64, script: &str) -> Result<(Session, Journal), String> {
        let lines = parse_script(script).map_err(|e| e.to_string())?;
        let text: Vec<&str> = script.lines().collect();
        // `line.line` is 1-based: the line before it is `text[line.line - 2]`.
        let typed = |line: &ScriptLine| {
            line.line
                .checked_sub(2)
                .and_then(|i| text.get(i))
                .is_some_and(|l| l.trim() == TYPED)
        };
        let mut session = Session::new(seed);
        let mut journal = Journal::default();
        journal.anchor(session.sim.now().0);
        for line in &lines {
            match advance_ms(line).filter(|_| !typed(line)) {
                // Time is replayed exactly as it was played, without going through the
                // session, so the session history matches the live one.
                Some(ms) => {
                    session.sim.advance_by(SimDuration(ms));
                    journal.push_advance(ms);
                }
                None => {
                    let _: Output = session.execute(line);
                    journal.record_command_at(line, session.sim.now().0);
                }
            }
        }
        Ok((session, journal))
    }
}

/// `sim advance Nms` lines written by `to_script`.
fn advance_ms(line: &ScriptLine) -> Option<u64> {
    match line.words.as_slice() {
        [sim, advance, d] if sim == "sim" && advance == "advance" => {
            d.strip_suffix("ms")?.parse().ok()
        }
        _ => None,
    }
}

/// The one command an entry's text holds.
pub fn parse_command(text: &str) -> Option<ScriptLine> {
    parse_script(text).ok()?.into_iter().next()
}

/// A command as script text. A heredoc gets a delimiter that no line of its body equals, so
/// any manifest survives the round trip.
fn command_text(line: &ScriptLine) -> String {
    let Some(body) = &line.stdin else {
        return format!("{}\n", line.command);
    };
    let mut delim = String::from("EOF");
    let mut n = 0u32;
    while body.lines().any(|l| l.trim_end() == delim) {
        n += 1;
        delim = format!("EOF{n}");
    }
    let command = match line.command.find("<<") {
        Some(at) => line.command[..at].trim_end().to_string(),
        None => line.command.clone(),
    };
    let mut out = format!("{command} <<{delim}\n{body}");
    if !body.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(&delim);
    out.push('\n');
    out
}

/// The command the Apply button runs: `kubectl apply -f -` with the editor text as stdin.
pub fn apply_line(manifest: &str) -> ScriptLine {
    stdin_line("apply", manifest)
}

/// `kubectl delete -f -` with the editor text on stdin: deletes what the editor holds.
pub fn delete_line(manifest: &str) -> ScriptLine {
    stdin_line("delete", manifest)
}

/// `kubectl VERB -f -` with `manifest` as its heredoc.
fn stdin_line(verb: &str, manifest: &str) -> ScriptLine {
    let mut body = manifest.to_string();
    if !body.ends_with('\n') {
        body.push('\n');
    }
    ScriptLine {
        line: 1,
        command: format!("kubectl {verb} -f - <<EOF"),
        words: ["kubectl", verb, "-f", "-"]
            .iter()
            .map(|w| w.to_string())
            .collect(),
        stdin: Some(body),
    }
}
