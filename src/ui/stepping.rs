//! Moving the live cluster toward a goal in bounded pieces, so the page never freezes.
//!
//! A goal is worked on for a time budget per animation frame (the caller's `out_of_time`)
//! and continued on the next frame. Everything goes through `Sim::run_toward`, which stops
//! between reconciles and, continued, leaves exactly the state one `run_until` would: the
//! distance moved is an ordinary `sim advance` and the journal replays it exactly.

use crate::engine::time::SimTime;
use crate::engine::Sim;
use crate::present::{cluster_view, ClusterView};
use std::rc::Rc;

/// Reconciles run between two looks at the clock. A reconcile over hundreds of pods can take
/// a few milliseconds, so the clock is read often; reading it costs about a microsecond.
pub const BATCH: u32 = 2;

/// Timer instants tried before giving up on a visible change (a controller's periodic requeue
/// changes nothing on screen; this bounds the search on an idle cluster).
const MAX_INSTANTS: u32 = 200;

#[derive(Clone, Debug, PartialEq)]
pub enum Goal {
    /// Reach this clock (play, +1s).
    Until(SimTime),
    /// Run instant after instant until the cluster view changes ("Next event").
    NextEvent {
        /// The view (without its clock) when the search started.
        before: Rc<ClusterView>,
        /// The instant being finished.
        instant: SimTime,
        instants_left: u32,
    },
}

impl Goal {
    pub fn next_event(sim: &Sim) -> Goal {
        Goal::NextEvent {
            before: Rc::new(visible(sim)),
            instant: sim.now(),
            instants_left: MAX_INSTANTS,
        }
    }

    /// The clock this goal is heading for, when it has a fixed one.
    pub fn until(&self) -> Option<SimTime> {
        match self {
            Goal::Until(t) => Some(*t),
            Goal::NextEvent { .. } => None,
        }
    }
}

/// The view without its clock: what "something visible changed" compares.
fn visible(sim: &Sim) -> ClusterView {
    let mut v = cluster_view(sim);
    v.time_ms = 0;
    v
}

/// Works on `goal` until it is reached (`true`) or `out_of_time` says stop (`false`; call
/// again with the same goal to continue).
pub fn work(sim: &mut Sim, goal: &mut Goal, out_of_time: &mut dyn FnMut() -> bool) -> bool {
    match goal {
        Goal::Until(target) => loop {
            if sim.run_toward(*target, BATCH) {
                return true;
            }
            if out_of_time() {
                return false;
            }
        },
        Goal::NextEvent {
            before,
            instant,
            instants_left,
        } => loop {
            // Finish the current instant, then look.
            if !sim.run_toward(*instant, BATCH) {
                if out_of_time() {
                    return false;
                }
                continue;
            }
            if **before != visible(sim) || *instants_left == 0 {
                return true;
            }
            let Some(next) = sim.next_timer() else {
                return true;
            };
            *instant = next;
            *instants_left -= 1;
            if out_of_time() {
                return false;
            }
        },
    }
}
