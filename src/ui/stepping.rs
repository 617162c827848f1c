//! "Step to the next event": move simulated time to the next moment something visible
//! changes. Built only from `run_until` (and `step` to find the next timer), so the distance
//! moved is an ordinary `sim advance` and the journal replays it exactly.

use crate::engine::{Sim, StepOutcome};
use crate::present::{cluster_view, ClusterView};

/// Timer instants tried before giving up on a visible change (a controller's periodic requeue
/// changes nothing on screen; this bounds the search on an idle cluster).
const MAX_INSTANTS: u32 = 200;

/// The view without its clock: what "something visible changed" compares.
fn visible(sim: &Sim) -> ClusterView {
    let mut v = cluster_view(sim);
    v.time_ms = 0;
    v
}

/// Runs the current instant's queued work, then timer instant after timer instant, until the
/// cluster view changes. Returns the simulated milliseconds moved (0 when the change happened
/// at the current instant, or nothing was pending).
pub fn step_to_next_event(sim: &mut Sim) -> u64 {
    let start = sim.now();
    let before = visible(sim);
    sim.run_until(start);
    if visible(sim) != before {
        return 0;
    }
    for _ in 0..MAX_INSTANTS {
        match sim.step() {
            StepOutcome::Idle => break,
            StepOutcome::Worked | StepOutcome::Advanced(_) => {
                let now = sim.now();
                sim.run_until(now);
                if visible(sim) != before {
                    break;
                }
            }
        }
    }
    sim.now().0.saturating_sub(start.0)
}
