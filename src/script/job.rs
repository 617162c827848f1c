//! Commands that move simulated time, run in pieces.
//!
//! `sim advance`, `sim settle` and kubectl's waiting commands (`rollout status`, `kubectl
//! wait`, `get -w`, `delete`'s wait, `drain`) can run the engine for a long while on a big
//! cluster. The CLI and tests run them in one go; the browser console starts them
//! (`Session::start`) and works on them a few milliseconds per animation frame (`Job::poll`),
//! showing what they printed so far, so the page never freezes. However a job is cut into
//! pieces, the engine performs the same work and the command prints the same text as in one
//! go. Stopped part way (`Job::stop`), it says which script lines replay what it did.

use super::parse::{parse_script, ScriptLine};
use super::sequence::Sequence;
use super::Output;
use crate::engine::time::{SimDuration, SimTime};
use crate::engine::Sim;
use crate::kubectl::wait::{Deferred, Stop, BATCH};
use std::borrow::Cow;

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
    Advance {
        target: SimTime,
        by: SimDuration,
    },
    Settle {
        limit: SimTime,
    },
    Kubectl(Box<Deferred>),
    /// A command of a `;`/`&&`/`||` line (with its own line), and the rest of that line.
    Sequence {
        current: Box<Job>,
        part: ScriptLine,
        rest: Box<Sequence>,
    },
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

    pub(super) fn sequence(sim: &Sim, current: Job, part: ScriptLine, rest: Sequence) -> Job {
        Job {
            work: Work::Sequence {
                current: Box::new(current),
                part,
                rest: Box::new(rest),
            },
            started: sim.now(),
        }
    }

    /// The clock when the command started.
    pub fn started(&self) -> SimTime {
        self.started
    }

    /// What the command has printed so far (a watch's rows, a rollout's progress lines).
    pub fn printed(&self) -> Cow<'_, str> {
        match &self.work {
            Work::Kubectl(d) => Cow::Borrowed(d.printed()),
            Work::Sequence { current, rest, .. } => {
                Cow::Owned(format!("{}{}", rest.printed(), current.printed()))
            }
            _ => Cow::Borrowed(""),
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
            Work::Sequence {
                current,
                part,
                rest,
            } => loop {
                let out = current.poll(sim, out_of_time)?;
                rest.absorb(sim, part.clone(), out);
                match rest.run_until_job(sim) {
                    Some((next, next_part)) => {
                        **current = next;
                        *part = next_part;
                        if out_of_time() {
                            return None;
                        }
                    }
                    None => {
                        return Some(
                            std::mem::replace(rest.as_mut(), Sequence::empty()).into_output(),
                        )
                    }
                }
            },
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
            Work::Sequence {
                mut current,
                mut part,
                mut rest,
            } => loop {
                let out = current.finish(sim);
                rest.absorb(sim, part, out);
                match rest.run_until_job(sim) {
                    Some((next, next_part)) => {
                        *current = next;
                        part = next_part;
                    }
                    None => return rest.into_output(),
                }
            },
        }
    }
}

/// A command stopped part way (`Job::stop`) and how a history records it.
pub struct Stopped {
    /// What it printed so far.
    pub printed: String,
    /// Script lines that, run where the command started, reach the cluster it stopped at,
    /// each with the clock after it: the time it moved (`sim advance`) for a command that only
    /// moves time; for one that wrote on the way (`kubectl drain`: cordon, evictions), its own
    /// line cut short with `--timeout`, then the time from where that gives up.
    pub replay: Vec<(ScriptLine, SimTime)>,
}

impl Job {
    /// Stops the command as `interrupt` does and says how to record it so that a replay
    /// reaches the same cluster. `line` is the command the job runs.
    pub fn stop(self, sim: &mut Sim, line: &ScriptLine) -> Stopped {
        if let Work::Sequence {
            current,
            part,
            rest,
        } = self.work
        {
            // The commands that ran, each on its own line, then the one stopped.
            let (before, mut replay) = rest.into_done();
            let stopped = current.stop(sim, &part);
            replay.extend(stopped.replay);
            return Stopped {
                printed: before.text + &stopped.printed,
                replay,
            };
        }
        let started = self.started;
        // Stopping finishes the work of the current instant; a replay must do it too.
        let was_at_rest = sim.is_at_rest();
        let (printed, stop) = match self.work {
            Work::Kubectl(deferred) => deferred.stop(sim),
            _ => {
                sim.run_toward(sim.now(), u32::MAX);
                (String::new(), Stop::TimeOnly)
            }
        };
        let mut replay = Vec::new();
        let (advance_from, cut) = match stop {
            Stop::TimeOnly => (started, None),
            Stop::WithoutWait => {
                // Its writes were made when it started; the wait only moved time.
                replay.extend(without_wait(line).map(|l| (l, started)));
                (started, None)
            }
            Stop::Cut(cut) => {
                replay.extend(
                    with_timeout(line, cut.timeout)
                        .into_iter()
                        .map(|l| (l, cut.ends_at)),
                );
                (cut.ends_at, Some(cut))
            }
        };
        let rest = sim.now() - advance_from;
        // A command may stop (or, cut short, give up) with work of its last instant still
        // queued: `sim advance 0ms` runs it, as stopping did.
        let unfinished = match cut {
            Some(c) => !c.at_rest,
            None => !was_at_rest,
        };
        if rest > SimDuration::ZERO || unfinished {
            replay.extend(advance_line(rest).map(|l| (l, sim.now())));
        }
        Stopped { printed, replay }
    }
}

fn advance_line(by: SimDuration) -> Option<ScriptLine> {
    parse_script(&format!("sim advance {}ms", by.0))
        .ok()?
        .into_iter()
        .next()
}

/// `line` with its `--timeout` replaced by `timeout` (in milliseconds, exact).
fn with_timeout(line: &ScriptLine, timeout: SimDuration) -> Option<ScriptLine> {
    let mut words: Vec<String> = Vec::new();
    let mut skip_value = false;
    for w in &line.words {
        if std::mem::take(&mut skip_value) {
            continue;
        }
        if w == "--timeout" {
            skip_value = true;
            continue;
        }
        if w.starts_with("--timeout=") {
            continue;
        }
        words.push(w.clone());
    }
    words.push(format!("--timeout={}ms", timeout.0));
    parse_script(&shell_words(&words)).ok()?.into_iter().next()
}

/// `line` with `--wait=false` instead of any `--wait` flag; a heredoc body stays with it.
fn without_wait(line: &ScriptLine) -> Option<ScriptLine> {
    let mut words: Vec<String> = line
        .words
        .iter()
        .filter(|w| *w != "--wait" && !w.starts_with("--wait="))
        .cloned()
        .collect();
    words.push("--wait=false".into());
    let mut command = shell_words(&words);
    if let (Some(_), Some(at)) = (&line.stdin, line.command.find("<<")) {
        command.push(' ');
        command.push_str(&line.command[at..]);
    }
    Some(ScriptLine {
        line: line.line,
        command,
        words,
        stdin: line.stdin.clone(),
    })
}

/// Words as a command line a shell reads back into the same words.
pub(super) fn shell_words(words: &[String]) -> String {
    let quoted: Vec<String> = words.iter().map(|w| shell_quote(w)).collect();
    quoted.join(" ")
}

/// A word as a shell reads it back: bare when it is plain, else in single quotes.
fn shell_quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,@%+".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
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
