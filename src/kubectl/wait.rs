//! Commands that wait (`rollout status`, `delete`'s --wait, `get -w`, `drain`, `kubectl wait`)
//! step the simulation instead of sleeping: the engine runs until the condition holds, nothing
//! is left to do, or the timeout (simulated time) passes.

use super::args::{b, v, vs, Flag};
use super::resources::get;
use super::{fail, ok, Ctx};
use crate::engine::model::Kind;
use crate::engine::store::Change;
use crate::engine::time::{SimDuration, SimTime};
use crate::engine::Sim;
use crate::script::Output;

/// How a wait ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ended {
    Done,
    /// The cluster went quiet without the condition holding.
    Idle,
    TimedOut,
}

/// Simulated time per slice while waiting: small enough that a command returns close to when
/// its condition came true, large enough to keep long waits cheap.
const SLICE: SimDuration = SimDuration(200);

/// Reconciles a bounded `Waiting::poll` (or a script `Job::poll`) runs between two looks at
/// its caller's clock.
pub const BATCH: u32 = 2;

/// Looks at the cluster while waiting: sees the watch events since its last call (`None` on
/// the first call, before any time passes, then after every write), may print, and says
/// whether the wait is over.
pub type Check<'a> = Box<dyn FnMut(&Sim, Option<&[Change]>, &mut String) -> bool + 'a>;

/// Steps the cluster until a `Check` says done, the cluster has nothing left to do, or
/// `timeout` of simulated time passes — in pieces if the caller wants: the browser console
/// works on a wait a few milliseconds per animation frame and shows what it printed so far,
/// so a long wait never freezes the page. However it is cut, the engine performs the same
/// work and the check the same looks as in one go.
pub struct Waiting<'a> {
    deadline: SimTime,
    rv: u64,
    /// The end of the slice of time being run; `None` between slices.
    slice_end: Option<SimTime>,
    printed: String,
    check: Check<'a>,
    /// Set once the wait is over (possibly at once, by the first look).
    ended: Option<Ended>,
}

impl<'a> Waiting<'a> {
    /// Starts waiting at most `timeout` of simulated time; the first look happens now.
    pub fn start(sim: &Sim, timeout: SimDuration, mut check: Check<'a>) -> Waiting<'a> {
        let mut printed = String::new();
        let done = check(sim, None, &mut printed);
        Waiting {
            deadline: sim.now() + timeout,
            rv: sim.store().resource_version(),
            slice_end: None,
            printed,
            check,
            ended: done.then_some(Ended::Done),
        }
    }

    /// The command printed `before` ahead of waiting (shown while it waits).
    pub fn after(mut self, before: String) -> Self {
        self.printed.insert_str(0, &before);
        self
    }

    /// What the command has printed so far.
    pub fn printed(&self) -> &str {
        &self.printed
    }

    pub fn take_printed(&mut self) -> String {
        std::mem::take(&mut self.printed)
    }

    /// Whether the wait is over already (the first look found the condition true).
    pub fn is_over(&self) -> bool {
        self.ended.is_some()
    }

    /// Works on the wait until it is over (`Some`) or `out_of_time` says stop (`None`; call
    /// again to continue). Nothing else may change `sim` in between.
    pub fn poll(&mut self, sim: &mut Sim, out_of_time: &mut dyn FnMut() -> bool) -> Option<Ended> {
        self.poll_with(sim, BATCH, out_of_time)
    }

    /// Works on the wait to its end.
    pub fn run_to_end(&mut self, sim: &mut Sim) -> Ended {
        loop {
            if let Some(ended) = self.poll_with(sim, u32::MAX, &mut || false) {
                return ended;
            }
        }
    }

    /// `poll` with `batch` reconciles between two looks at the clock (`u32::MAX` and never
    /// out of time: `run_to_end`), for a `Phased` command that waits inside its own poll.
    pub fn poll_with(
        &mut self,
        sim: &mut Sim,
        batch: u32,
        out_of_time: &mut dyn FnMut() -> bool,
    ) -> Option<Ended> {
        loop {
            if self.ended.is_some() {
                return self.ended;
            }
            if let Some(end) = self.slice_end {
                if !sim.run_toward(end, batch) {
                    if out_of_time() {
                        return None;
                    }
                    continue;
                }
                self.slice_end = None;
                if sim.store().resource_version() != self.rv {
                    let changes: Vec<Change> = sim
                        .store()
                        .changes_since(self.rv)
                        .map(|it| it.cloned().collect())
                        .unwrap_or_default();
                    self.rv = sim.store().resource_version();
                    // Called on every write, even one the change log leaves out (events).
                    if (self.check)(sim, Some(&changes), &mut self.printed) {
                        self.ended = Some(Ended::Done);
                        continue;
                    }
                }
                if out_of_time() {
                    return None;
                }
            }
            if sim.now() >= self.deadline {
                self.ended = Some(Ended::TimedOut);
                continue;
            }
            // Retries that keep failing (a crash loop, an image pull back-off) still change
            // what a watch shows: restarts, back-off states, a briefly Ready container. Only a
            // cluster with nothing scheduled at all is idle here (`sim settle` ignores those
            // retries).
            if sim.pending_work() + sim.pending_retries() == 0 {
                self.ended = Some(Ended::Idle);
                continue;
            }
            let step = SimDuration((self.deadline - sim.now()).0.min(SLICE.0));
            self.slice_end = Some(sim.now() + step);
        }
    }
}

/// What a waiting command prints once its wait is over, given how it ended and what it
/// printed while waiting.
pub type Then = Box<dyn FnOnce(&Sim, Ended, String) -> Output>;

/// A waiting command handed to its caller to work on in pieces (`Ctx::wait`, `Ctx::run_phased`).
pub enum Deferred {
    /// One wait, then what the command prints after it.
    Wait {
        waiting: Waiting<'static>,
        then: Then,
        /// The command wrote before waiting (`delete`: the deletions), so a stopped wait is
        /// recorded as the command without its wait (`Stop::WithoutWait`).
        wrote: bool,
    },
    /// A command that writes between its waits (`drain`: evictions retried every 5 s while a
    /// budget refuses, then the wait for the evicted pods).
    Phased(Box<dyn Phased>),
}

/// A command with phases of its own: it writes to the cluster, lets time pass, writes
/// again... Worked in pieces it performs the same operations, in the same order, as in one go.
pub trait Phased {
    /// Works on it until it is over (`Some`) or `out_of_time` says stop (`None`; call again).
    /// In one go (`batch` = `u32::MAX`, never out of time) it is the command's plain loop.
    fn poll_with(
        &mut self,
        sim: &mut Sim,
        batch: u32,
        out_of_time: &mut dyn FnMut() -> bool,
    ) -> Option<Output>;

    /// What it has printed so far.
    fn printed(&self) -> &str;

    /// Stopped now (Ctrl+C), after the work of the current instant: how a replay of a
    /// history does what it did (see `CutShort`). `sim` may move on a little to reach a point
    /// such a replay can stop at.
    fn cut_short(&mut self, sim: &mut Sim) -> CutShort;
}

/// How a history records a phased command stopped part way, so that replaying it reaches
/// the same cluster: the command again with `--timeout` set to `timeout` (it then gives up
/// at `ends_at`, having made the same writes), then `sim advance` from there to the clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CutShort {
    pub timeout: SimDuration,
    pub ends_at: SimTime,
    /// Whether the replayed command gives up with all work of its last instant done (else a
    /// `sim advance` must follow even when no time is left to move).
    pub at_rest: bool,
}

/// How a history records a command stopped part way, so that its replay reaches the same
/// cluster.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// It only moved time: an ordinary `sim advance`.
    TimeOnly,
    /// It wrote, then waited (`delete`): the command with `--wait=false`, then the time.
    WithoutWait,
    /// It wrote on the way (`drain`): see `CutShort`.
    Cut(CutShort),
}

impl Deferred {
    /// What the command has printed so far.
    pub fn printed(&self) -> &str {
        match self {
            Deferred::Wait { waiting, .. } => waiting.printed(),
            Deferred::Phased(p) => p.printed(),
        }
    }

    /// Works on it until its output is ready (`Some`) or `out_of_time` says stop.
    pub fn poll(&mut self, sim: &mut Sim, out_of_time: &mut dyn FnMut() -> bool) -> Option<Output> {
        match self {
            Deferred::Wait { waiting, then, .. } => {
                let ended = waiting.poll(sim, out_of_time)?;
                let then = std::mem::replace(then, Box::new(|_, _, text| Output::ok(text)));
                Some(then(sim, ended, waiting.take_printed()))
            }
            Deferred::Phased(p) => p.poll_with(sim, BATCH, out_of_time),
        }
    }

    pub fn finish(self, sim: &mut Sim) -> Output {
        match self {
            Deferred::Wait {
                mut waiting, then, ..
            } => {
                let ended = waiting.run_to_end(sim);
                then(sim, ended, waiting.take_printed())
            }
            Deferred::Phased(mut p) => run_phased_to_end(p.as_mut(), sim),
        }
    }

    /// Stops it (Ctrl+C) after the work of the current instant, and says how a history
    /// records it (`Stop`). Returns what it printed too.
    pub fn stop(self, sim: &mut Sim) -> (String, Stop) {
        sim.run_toward(sim.now(), u32::MAX);
        match self {
            Deferred::Wait {
                mut waiting, wrote, ..
            } => {
                let stop = if wrote {
                    Stop::WithoutWait
                } else {
                    Stop::TimeOnly
                };
                (waiting.take_printed(), stop)
            }
            Deferred::Phased(mut p) => {
                let cut = p.cut_short(sim);
                (p.printed().to_string(), Stop::Cut(cut))
            }
        }
    }
}

fn run_phased_to_end(p: &mut dyn Phased, sim: &mut Sim) -> Output {
    loop {
        if let Some(out) = p.poll_with(sim, u32::MAX, &mut || false) {
            return out;
        }
    }
}

/// Parses `--timeout` (`90s`, `5m`; `0` means kubectl's "wait forever", capped here).
pub fn timeout_arg(text: Option<&str>, default: SimDuration) -> Result<SimDuration, String> {
    match text {
        None => Ok(default),
        Some("0") | Some("0s") => Ok(SimDuration::from_secs(3600)),
        Some(t) => SimDuration::parse(t)
            .map_err(|e| format!("error: invalid argument \"{t}\" for \"--timeout\" flag: {e}")),
    }
}

pub const FLAGS: &[Flag] = &[
    v("for"),
    v("timeout"),
    bs_all(),
    vs("selector", 'l'),
    b("all-namespaces"),
    vs("filename", 'f'),
    b("local"),
];

const fn bs_all() -> Flag {
    super::args::b("all")
}

/// `kubectl wait --for=condition=Ready pod/web-0 --timeout=60s`, `--for=delete`.
pub fn run_wait(ctx: &mut Ctx) -> Output {
    let Some(cond) = ctx.args.value("for").map(str::to_string) else {
        return fail("error: unrecognized condition: \"\"");
    };
    let (keys, errors) = match super::scale::resolve_keys(ctx, "wait") {
        Ok(x) => x,
        Err(e) => return fail(e),
    };
    if !errors.is_empty() && cond != "delete" {
        return fail(errors);
    }
    if keys.is_empty() && errors.is_empty() {
        return fail("error: no matching resources found");
    }
    let names: Vec<(Kind, String)> = keys.iter().map(|k| (k.kind, k.name.clone())).collect();
    let timeout = match timeout_arg(ctx.args.value("timeout"), SimDuration::from_secs(30)) {
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    let ns = ctx.namespace();
    // Only a single wait can be handed to the caller: the next object's wait follows it.
    ctx.may_defer &= names.len() == 1;
    let mut out = String::new();
    for (kind, name) in names {
        let label = super::resources::kind_slash_name(kind, &name);
        if get(ctx.sim, kind, &ns, &name).is_none() && cond != "delete" {
            return fail(format!("{out}{}", super::resources::not_found(kind, &name)));
        }
        let verb = if cond == "delete" {
            "deleted"
        } else {
            "condition met"
        };
        let (cond, ns, object) = (cond.clone(), ns.clone(), name.clone());
        let check = Box::new(move |sim: &Sim, _: Option<&[Change]>, _: &mut String| {
            condition_holds(sim, kind, &ns, &object, &cond)
        });
        let waiting = Waiting::start(ctx.sim, timeout, check);
        let before = std::mem::take(&mut out);
        let then = Box::new(move |_: &Sim, ended: Ended, _: String| match ended {
            Ended::Done => ok(format!("{before}{label} {verb}\n")),
            _ => fail(format!(
                "{before}error: timed out waiting for the condition on {}/{name}",
                kind.info().plural
            )),
        });
        let result = ctx.wait(waiting, then);
        if !result.ok {
            return result;
        }
        out = result.text;
    }
    ok(out)
}

/// Whether `kubectl wait --for=<cond>` is satisfied for the object.
fn condition_holds(sim: &Sim, kind: Kind, ns: &str, name: &str, cond: &str) -> bool {
    let obj = get(sim, kind, ns, name);
    if cond == "delete" {
        return obj.is_none();
    }
    let Some(obj) = obj else { return false };
    let json = obj.to_json();
    if let Some(c) = cond.strip_prefix("condition=") {
        let (ctype, want) = c.split_once('=').unwrap_or((c, "True"));
        return json
            .pointer("/status/conditions")
            .and_then(|v| v.as_array())
            .is_some_and(|a| {
                a.iter().any(|x| {
                    x.get("type")
                        .and_then(|t| t.as_str())
                        .is_some_and(|t| t.eq_ignore_ascii_case(ctype))
                        && x.get("status")
                            .and_then(|s| s.as_str())
                            .is_some_and(|s| s.eq_ignore_ascii_case(want))
                })
            });
    }
    if let Some(j) = cond.strip_prefix("jsonpath=") {
        let (path, want) = j.split_once('=').unwrap_or((j, ""));
        let expr = if path.starts_with('{') {
            path.to_string()
        } else {
            format!("{{{path}}}")
        };
        return super::jsonpath::Template::parse(&expr)
            .map(|t| {
                t.values(&json)
                    .iter()
                    .any(|v| super::jsonpath::text_of(v) == want)
            })
            .unwrap_or(false);
    }
    false
}
