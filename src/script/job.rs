//! Commands that move simulated time, run in pieces.
//!
//! `sim advance`, `sim settle` and kubectl's waiting commands (`rollout status`, `kubectl
//! wait`, `get -w`, `delete`'s wait) can run the engine for a long while on a big cluster. The
//! CLI and tests run them in one go; the browser console starts them (`Session::start`) and
//! works on them a few milliseconds per animation frame (`Job::poll`), showing what they
//! printed so far, so the page never freezes. However a job is cut into pieces, the engine
//! performs the same work and the command prints the same text as in one go.

use super::Output;
use crate::engine::time::{SimDuration, SimTime};
use crate::engine::Sim;
use crate::kubectl::wait::Deferred;

/// Reconciles run between two looks at the caller's clock.
const BATCH: u32 = 2;

/// How `Session::start` left a command.
pub enum Started {
    Done(Output),
    Running(Job),
}

/// A command still moving time.
pub struct Job {
    work: Work,
    /// The clock when the command started.
    started: SimTime,
}

enum Work {
    Advance { target: SimTime, by: SimDuration },
    Settle { limit: SimTime },
    Kubectl(Box<Deferred>),
}

impl Job {
    pub(super) fn advance(sim: &Sim, by: SimDuration) -> Job {
        Job {
            work: Work::Advance {
                target: sim.now() + by,
                by,
            },
            started: sim.now(),
        }
    }

    pub(super) fn settle(sim: &Sim) -> Job {
        Job {
            work: Work::Settle {
                limit: sim.now() + sim.config().settle_limit,
            },
            started: sim.now(),
        }
    }

    pub(super) fn kubectl(sim: &Sim, deferred: Deferred) -> Job {
        Job {
            work: Work::Kubectl(Box::new(deferred)),
            started: sim.now(),
        }
    }

    /// The clock when the command started.
    pub fn started(&self) -> SimTime {
        self.started
    }

    /// What the command has printed so far (a watch's rows, a rollout's progress lines).
    pub fn printed(&self) -> &str {
        match &self.work {
            Work::Kubectl(d) => d.waiting.printed(),
            _ => "",
        }
    }

    /// Works on the command until it is over (`Some(output)`) or `out_of_time` says stop
    /// (`None`; call again to continue). Nothing else may change `sim` in between.
    pub fn poll(&mut self, sim: &mut Sim, out_of_time: &mut dyn FnMut() -> bool) -> Option<Output> {
        match &mut self.work {
            Work::Advance { target, by } => loop {
                if sim.run_toward(*target, BATCH) {
                    return Some(advanced(sim, *by));
                }
                if out_of_time() {
                    return None;
                }
            },
            Work::Settle { limit } => loop {
                if let Some(quiet) = sim.settle_toward(*limit, BATCH) {
                    return Some(settled(sim, self.started, quiet));
                }
                if out_of_time() {
                    return None;
                }
            },
            Work::Kubectl(deferred) => deferred.poll(sim, out_of_time),
        }
    }

    /// Works on the command to its end.
    pub fn finish(self, sim: &mut Sim) -> Output {
        match self.work {
            Work::Advance { by, .. } => {
                sim.advance_by(by);
                advanced(sim, by)
            }
            Work::Settle { .. } => {
                let quiet = sim.settle();
                settled(sim, self.started, quiet)
            }
            Work::Kubectl(deferred) => deferred.finish(sim),
        }
    }

    /// Stops the command where the cluster is (Ctrl+C at a terminal): the work of the current
    /// instant is finished, so the cluster is at rest and the time the command moved is an
    /// ordinary `sim advance` (`started()` to the clock). Returns what it printed.
    pub fn interrupt(self, sim: &mut Sim) -> String {
        sim.run_toward(sim.now(), u32::MAX);
        match self.work {
            Work::Kubectl(deferred) => deferred.interrupt(),
            _ => String::new(),
        }
    }
}

fn advanced(sim: &Sim, by: SimDuration) -> Output {
    Output::ok(format!("advanced {by} to t={}\n", SimDuration(sim.now().0)))
}

/// Said after `sim settle` when steady-state retries are still scheduled.
const RETRIES_LEFT: &str =
    "(the kubelet keeps retrying what cannot succeed until something changes; \
`sim advance` lets those retries run, `sim why` says what they wait for)\n";

fn settled(sim: &Sim, start: SimTime, quiet: bool) -> Output {
    let took = sim.now() - start;
    if quiet {
        let mut text = format!("settled after {took} at t={}\n", SimDuration(sim.now().0));
        // Only while a pod is in such a retry (a deleted pod's last retry timer may linger;
        // it finds nothing to do).
        if sim.pending_retries() > 0 && super::sim_verbs::some_pod_retrying(sim) {
            text.push_str(RETRIES_LEFT);
        }
        Output::ok(text)
    } else {
        Output::ok(format!(
            "still busy after {took} (t={}): something keeps changing; see `sim why`\n",
            SimDuration(sim.now().0)
        ))
    }
}
