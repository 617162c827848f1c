//! Looking at an earlier moment: the journal replayed up to a timeline position.
//!
//! The engine is deterministic, so the cluster at any earlier moment is the fresh cluster with
//! the journal replayed up to it. A `Cursor` says how far along the journal a replayed session
//! is; `replay_toward` moves it in bounded pieces (like live stepping), and `Checkpoints`
//! keeps copies of replayed sessions so going back does not replay from the start each time.
//!
//! What "the moment T" shows: everything recorded before T, and the clock advanced to T; a
//! command run exactly at T is not run yet (so the first moment shows the cluster before the
//! first command). Play from there re-runs each command when its recorded moment is passed.

use super::journal::{parse_command, Entry, Journal};
use super::stepping::BATCH;
use crate::engine::time::SimTime;
use crate::script::Session;

/// How far a replayed session is along a journal: entries before `index` are done, and
/// `offset` ms of entry `index` (an advance).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Cursor {
    pub index: usize,
    pub offset: u64,
}

impl Cursor {
    /// `offset` ms into entry `index`, an advance of `ms`: past its end is the next entry.
    fn within(index: usize, offset: u64, ms: u64) -> Cursor {
        if offset >= ms {
            Cursor {
                index: index + 1,
                offset: 0,
            }
        } else {
            Cursor { index, offset }
        }
    }

    /// The timeline position the cursor stands at.
    pub fn tl(self, journal: &Journal) -> u64 {
        match journal.entries().get(self.index) {
            Some(e) => e.at().tl + self.offset,
            None => journal.end().tl,
        }
    }
}

/// Where a session replayed to `cursor` has got to, counting work done toward the next
/// position (the clock of an advance in progress). Going back before it needs a checkpoint.
pub fn progress_tl(journal: &Journal, cursor: Cursor, session: &Session) -> u64 {
    match journal.entries().get(cursor.index) {
        Some(Entry::Advance { at, .. }) => {
            let moved = session.sim.now().0.saturating_sub(at.clock);
            at.tl + moved.max(cursor.offset)
        }
        _ => cursor.tl(journal),
    }
}

/// Replays `journal` on `session` from `cursor` toward timeline position `target`. Returns
/// `true` when it got there (or to the journal's end), `false` when `out_of_time` said stop.
/// Commands run whole when their moment is passed; one that moved the clock itself (`sim
/// advance 1m` typed at the console) may carry the session past `target`.
pub fn replay_toward(
    journal: &Journal,
    session: &mut Session,
    cursor: &mut Cursor,
    target: u64,
    checkpoints: &mut Checkpoints,
    out_of_time: &mut dyn FnMut() -> bool,
) -> bool {
    loop {
        let Some(entry) = journal.entries().get(cursor.index) else {
            return true;
        };
        let at = entry.at();
        if at.tl + cursor.offset >= target {
            return true;
        }
        match entry {
            Entry::Command { text, .. } => {
                if let Some(line) = parse_command(text) {
                    let _ = session.execute(&line);
                }
                *cursor = Cursor {
                    index: cursor.index + 1,
                    offset: 0,
                };
            }
            Entry::Advance { ms, .. } => {
                let until = (at.tl + ms).min(target).max(at.tl);
                let clock = SimTime(at.clock + (until - at.tl));
                while !session.sim.run_toward(clock, BATCH) {
                    if out_of_time() {
                        return false;
                    }
                }
                *cursor = Cursor::within(cursor.index, until - at.tl, *ms);
                checkpoints.offer(journal, *cursor, session);
            }
        }
        if out_of_time() {
            return false;
        }
    }
}

/// Copies of replayed sessions along the journal, so moving back replays only from the
/// nearest earlier copy. A copy costs memory (a whole cluster), so they are kept apart.
#[derive(Clone, Default)]
pub struct Checkpoints {
    /// Sorted by cursor; the first is the fresh cluster.
    saved: Vec<(Cursor, u64, Session)>,
}

/// At most this many copies; when full, every other one goes and the spacing doubles.
const MAX_CHECKPOINTS: usize = 6;
/// Reconciles between two copies (about a third of a second of replay in the browser).
const MIN_RECONCILES_APART: u64 = 5_000;

impl Checkpoints {
    /// The fresh cluster the journal starts from.
    pub fn new(start: Session, start_tl: u64) -> Checkpoints {
        Checkpoints {
            saved: vec![(Cursor::default(), start_tl, start)],
        }
    }

    pub fn is_empty(&self) -> bool {
        self.saved.is_empty()
    }

    /// A copy of the latest session that is valid for showing `target`: it stands before
    /// `target` (or is the start), so nothing recorded at `target` has run in it.
    pub fn best_for(&self, target: u64) -> Option<(Cursor, Session)> {
        self.saved
            .iter()
            .rev()
            .find(|(c, tl, _)| *tl < target || *c == Cursor::default())
            .map(|(c, _, s)| (*c, s.clone()))
    }

    /// Keeps a copy if it is far enough from the last one (an even spread over the journal).
    fn offer(&mut self, journal: &Journal, cursor: Cursor, session: &Session) {
        let Some((last_cursor, last_tl, last)) = self.saved.last() else {
            return;
        };
        let tl = cursor.tl(journal);
        let span = journal.end().tl.saturating_sub(journal.start().tl);
        let spacing = (span / MAX_CHECKPOINTS as u64).max(5_000);
        // Worth a copy only where replaying from the last one would be slow: an idle cluster
        // replays minutes in no time, a busy one needs a copy every few thousand reconciles.
        // (`sim reset` starts a new count.)
        let (now, then) = (session.sim.reconcile_count(), last.sim.reconcile_count());
        let work = if now >= then { now - then } else { now };
        if cursor <= *last_cursor
            || tl < last_tl + spacing
            || work < MIN_RECONCILES_APART
            || !session.sim.is_at_rest()
        {
            return;
        }
        self.saved.push((cursor, tl, session.clone()));
        if self.saved.len() > MAX_CHECKPOINTS {
            let mut i = 0;
            self.saved.retain(|_| {
                i += 1;
                i % 2 == 1
            });
        }
    }

    /// Forgets copies past `cursor` (the journal was cut there).
    pub fn cut(&mut self, cursor: Cursor) {
        self.saved.retain(|(c, _, _)| *c <= cursor);
    }

    /// Forgets every copy but the start.
    pub fn clear_after_start(&mut self) {
        self.saved.truncate(1);
    }
}
