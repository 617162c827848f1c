//! Advancing in bounded pieces, so a caller with a frame budget (the browser playground) can
//! spread one long `run_until` over many frames.
//!
//! `run_toward` performs exactly the sequence of operations `run_until` performs (pop a queued
//! reconcile and run it; or release the timers of the next instant), only it may stop between
//! two of them. Nothing else touches the `Sim` in between, so calling it until it returns
//! `true` leaves exactly the state one `run_until(target)` leaves: same objects, events, uids
//! and random stream.

use super::time::SimTime;
use super::Sim;

impl Sim {
    /// Like `run_until(target)`, but returns after at most `max_reconciles` reconciles.
    /// Returns `true` once the target is reached (the clock then reads `target`), `false` when
    /// work is left; call again with the same target to continue.
    ///
    /// It prefers to stop between two instants: once the budget is spent it does not release
    /// the next instant's timers, so a `false` often leaves the `Sim` at rest (`is_at_rest`),
    /// where the clock so far can be recorded as an ordinary `sim advance`.
    pub fn run_toward(&mut self, target: SimTime, max_reconciles: u32) -> bool {
        let mut budget = max_reconciles;
        loop {
            if !self.run_queued(&mut budget) {
                return false;
            }
            match self.timers.next_due() {
                Some(due) if due <= target => {
                    if budget == 0 {
                        return false;
                    }
                    self.now = self.now.max(due);
                    self.release_due_timers();
                }
                _ => break,
            }
        }
        self.now = self.now.max(target);
        true
    }

    /// Like `settle` with the given time limit, but returns `None` after at most
    /// `max_reconciles` reconciles when work is left (call again with the same limit to
    /// continue). Returns whether the cluster went quiet, exactly as `settle` would.
    pub fn settle_toward(&mut self, limit: SimTime, max_reconciles: u32) -> Option<bool> {
        let mut budget = max_reconciles;
        loop {
            if !self.run_queued(&mut budget) {
                return None;
            }
            if self.pending_work() == 0 {
                return Some(true);
            }
            match self.timers.next_due() {
                None => return Some(true),
                Some(due) if due > limit => {
                    self.now = limit;
                    return Some(false);
                }
                Some(_) if budget == 0 => return None,
                Some(due) => {
                    self.now = self.now.max(due);
                    self.release_due_timers();
                }
            }
        }
    }

    /// Runs queued reconciles while `budget` lasts. Returns whether the queue is empty.
    fn run_queued(&mut self, budget: &mut u32) -> bool {
        while *budget > 0 {
            let Some((c, k)) = self.queue.pop() else {
                break;
            };
            self.run_reconcile(c, k);
            *budget -= 1;
        }
        self.queue.len() == 0
    }

    /// Whether all work of the current instant is done: nothing queued and no timer due at or
    /// before the clock. The state is then exactly what `run_until(now())` would leave, so it
    /// is a point a journal can record as a plain advance.
    pub fn is_at_rest(&self) -> bool {
        self.queue.len() == 0 && self.timers.next_due().is_none_or(|due| due > self.now)
    }

    /// When the next timer fires (a controller's requeue, a container start...), if any.
    pub fn next_timer(&self) -> Option<SimTime> {
        self.timers.next_due()
    }
}
