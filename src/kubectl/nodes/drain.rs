//! `kubectl drain` (cmd/drain.go `RunDrain`, pkg/drain/drain.go `evictPods` semantics): check
//! the flags, cordon every node, then node after node list the pods (stop before evicting
//! anything if one may not go), evict each pod on its own — a pod a PodDisruptionBudget
//! refuses (429) is retried every 5 s while the others go at once; any other refusal gives
//! the pod up — and wait for the evicted pods to be gone. With `--disable-eviction`
//! (`deletePods`) each pod is simply deleted, no budget asked, and the wait is the same. A
//! node that fails does not stop the next ones; the failed nodes are listed at the end.
//!
//! kubectl evicts each pod in its own goroutine, all started together, so every retry falls
//! on the same 5 s grid: here one "round" of tries per 5 s. The drain is a `Phased` command:
//! run on its own at the console it works in pieces and prints as it goes; in one go
//! (scripts, the CLI) it is the same loop to its end. Stopped part way it is recorded as
//! itself with `--timeout` set to the time it ran (`cut_short`), which replays to the same
//! cluster.

#[path = "drain/filters.rs"]
mod filters;

use super::{dry_run_suffix, node_names, set_cordon, SERVER_DRY_RUN};
use crate::engine::model::{Kind, Node, Pod};
use crate::engine::store::Change;
use crate::engine::time::{SimDuration, SimTime};
use crate::engine::Sim;
use crate::kubectl::args::{b, o, v, vs, Flag};
use crate::kubectl::resources::not_found;
use crate::kubectl::selector::LabelSel;
use crate::kubectl::wait::{CutShort, Phased, Waiting};
use crate::kubectl::Ctx;
use crate::script::Output;
use filters::{
    aggregate, delete_pod, pods_for_deletion, try_evict, Filters, Listed, Refusal, ToEvict,
};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

pub const DRAIN_FLAGS: &[Flag] = &[
    b("ignore-daemonsets"),
    b("force"),
    b("delete-emptydir-data"),
    b("delete-local-data"),
    b("disable-eviction"),
    v("grace-period"),
    v("timeout"),
    vs("selector", 'l'),
    v("pod-selector"),
    o("dry-run", "client"),
    v("skip-wait-for-delete-timeout"),
    v("chunk-size"),
];

/// kubectl's wait between two tries of a refused eviction.
const RETRY: SimDuration = SimDuration(5_000);

pub fn run_drain(ctx: &mut Ctx) -> Output {
    let opts = match Opts::of(ctx) {
        Ok(o) => o,
        Err(e) => return crate::kubectl::fail(e),
    };
    let names = match node_names(ctx, &ctx.args.positionals.clone(), "drain") {
        Ok(n) => n,
        Err(e) => return crate::kubectl::fail(e),
    };
    // kubectl looks every node up before it writes anything.
    if let Some(missing) = names
        .iter()
        .find(|n| ctx.sim.store().get::<Node>("", n).is_none())
    {
        return crate::kubectl::fail(not_found(Kind::Node, missing));
    }
    if opts.dry == Some(SERVER_DRY_RUN) {
        // The API server would check each eviction against the budgets without making it,
        // and kubectl would retry refused ones: not simulated, rather than drain for real.
        return crate::kubectl::fail(
            "error: kubeplay does not simulate `kubectl drain --dry-run=server`; --dry-run=client shows what drain would cordon and evict",
        );
    }
    // `--timeout` applies to each node, so only a one-node drain can be recorded as itself
    // with a shorter timeout when it is stopped: a longer one is worked in one go.
    ctx.may_defer &= names.len() == 1;
    let mut text = String::new();
    // RunCordonOrUncordon: every node first; one that cannot be cordoned is still drained.
    for name in &names {
        match set_cordon(ctx.sim, name, true, opts.dry) {
            Ok(line) | Err(line) => text.push_str(&(line + "\n")),
        }
    }
    let timeout = opts
        .timeout
        .unwrap_or_else(|| ctx.sim.config().settle_limit);
    let mut drain = Drain {
        opts,
        timeout,
        nodes: names.into(),
        text,
        failed: Vec::new(),
        phase: Phase::NextNode,
    };
    // The writes of the first instant (cordons, first evictions) happen now, as the command
    // is typed; only what needs time to pass is handed over.
    if let Some(out) = drain.act(ctx.sim) {
        return out;
    }
    ctx.run_phased(Box::new(drain))
}

/// The flags, read and checked once, before anything is written.
struct Opts {
    /// `--dry-run=client`: the suffix of each line; nothing is written.
    dry: Option<&'static str>,
    filters: Filters,
    pod_selector: Option<LabelSel>,
    grace: Option<i64>,
    /// `--disable-eviction`: plain DELETEs, which no PodDisruptionBudget holds up.
    disable_eviction: bool,
    /// `None`: no `--timeout` (or 0), kubectl waits forever.
    timeout: Option<SimDuration>,
}

impl Opts {
    /// The node's pods drain would evict now, as these flags pick them.
    fn pods_on(&self, sim: &Sim, node: &str) -> Listed {
        pods_for_deletion(sim, node, &self.filters, self.pod_selector.as_ref())
    }

    fn of(ctx: &Ctx) -> Result<Opts, String> {
        let flag_error = |flag: &str, value: &str, why: String| {
            format!("Error: invalid argument \"{value}\" for \"--{flag}\" flag: {why}\nSee 'kubectl drain --help' for usage.")
        };
        let timeout = match ctx.args.value("timeout") {
            None => None,
            Some(t) => {
                if let Some(why) = go_duration_error(t) {
                    return Err(flag_error("timeout", t, why));
                }
                // 0 means forever (a negative one too, here).
                SimDuration::parse(t).ok().filter(|d| d.0 > 0)
            }
        };
        let grace = match ctx.args.value("grace-period") {
            None => None,
            Some(g) => match g.parse::<i64>() {
                Ok(g) => Some(g).filter(|g| *g >= 0),
                Err(_) => {
                    return Err(flag_error(
                        "grace-period",
                        g,
                        format!("strconv.ParseInt: parsing \"{g}\": invalid syntax"),
                    ))
                }
            },
        };
        let pod_selector = match ctx.args.value("pod-selector") {
            None | Some("") => None,
            Some(s) => Some(LabelSel::parse(s).map_err(|_| {
                "error: --pod-selector=<pod_selector> must be a valid label selector".to_string()
            })?),
        };
        Ok(Opts {
            dry: dry_run_suffix(ctx)?,
            filters: Filters {
                ignore_ds: ctx.args.flag("ignore-daemonsets"),
                force: ctx.args.flag("force"),
                emptydir: ctx.args.flag("delete-emptydir-data")
                    || ctx.args.flag("delete-local-data"),
            },
            pod_selector,
            grace,
            disable_eviction: ctx.args.flag("disable-eviction"),
            timeout,
        })
    }
}

/// Why Go's `time.ParseDuration` (a `--timeout` flag) refuses `text`, if it does.
fn go_duration_error(text: &str) -> Option<String> {
    let invalid = || Some(format!("time: invalid duration {text:?}"));
    let s = text.strip_prefix(['+', '-']).unwrap_or(text);
    if s == "0" {
        return None;
    }
    if s.is_empty() {
        return invalid();
    }
    let mut rest = s;
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(rest.len());
        let num = &rest[..num_len];
        if num.is_empty() || num == "." {
            return invalid();
        }
        rest = &rest[num_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit = &rest[..unit_len];
        if unit.is_empty() {
            return Some(format!("time: missing unit in duration {text:?}"));
        }
        if !["ns", "us", "µs", "μs", "ms", "s", "m", "h"].contains(&unit) {
            return Some(format!("time: unknown unit {unit:?} in duration {text:?}"));
        }
        rest = &rest[unit_len..];
    }
    None
}

struct Drain {
    opts: Opts,
    /// Each node's timeout (kubeplay's settle limit when kubectl would wait forever).
    timeout: SimDuration,
    /// Nodes not started yet.
    nodes: VecDeque<String>,
    /// What it printed (while a wait runs, the wait holds it).
    text: String,
    /// Nodes that failed, with their errors.
    failed: Vec<(String, Vec<String>)>,
    phase: Phase,
}

enum Phase {
    /// List the next node's pods.
    NextNode,
    /// A round of tries: every pod not evicted yet, at this instant.
    Trying(NodeDrain),
    /// Waiting for the evicted pods to go until `until`: the next round, or the deadline once
    /// every pod is evicted.
    Waiting {
        node: NodeDrain,
        until: SimTime,
        waiting: Waiting<'static>,
    },
    /// The wait is over early (all evicted pods gone while others are refused, or nothing
    /// left to happen); time runs on to `until`.
    Pausing {
        node: NodeDrain,
        until: SimTime,
    },
    Over,
}

/// A pod evicted (or deleted), and whether it is gone yet.
struct Evicted {
    pod: ToEvict,
    gone: bool,
}

/// One node's drain in progress.
struct NodeDrain {
    name: String,
    started: SimTime,
    /// Pods to try at the next round (refused so far).
    refused: Vec<ToEvict>,
    /// The errors of pods the eviction API refused for good: the node fails once the
    /// others are done.
    failed: Vec<String>,
    /// Shared with the wait's check, which marks them gone.
    evicted: Rc<RefCell<Vec<Evicted>>>,
    /// The instant of the latest round.
    round_at: SimTime,
}

impl NodeDrain {
    fn all_gone(&self) -> bool {
        self.evicted.borrow().iter().all(|e| e.gone)
    }
}

impl Drain {
    fn deadline(&self, node: &NodeDrain) -> SimTime {
        node.started + self.timeout
    }

    /// Does everything that takes no time, up to a point where time must pass (a pause
    /// before a round, a wait) or the end (`Some`).
    fn act(&mut self, sim: &mut Sim) -> Option<Output> {
        loop {
            match std::mem::replace(&mut self.phase, Phase::Over) {
                Phase::NextNode => {
                    let Some(name) = self.nodes.pop_front() else {
                        return Some(self.finish());
                    };
                    if let Some(node) = self.start_node(sim, name) {
                        self.phase = Phase::Trying(node);
                    } else {
                        self.phase = Phase::NextNode;
                    }
                }
                Phase::Trying(node) => {
                    if let Err(out) = self.round(sim, node) {
                        return Some(out);
                    }
                }
                Phase::Waiting {
                    node,
                    until,
                    mut waiting,
                } => {
                    if !waiting.is_over() {
                        self.phase = Phase::Waiting {
                            node,
                            until,
                            waiting,
                        };
                        return None;
                    }
                    self.text = waiting.take_printed();
                    if let Err(out) = self.after_wait(sim, node, until) {
                        return Some(out);
                    }
                }
                phase @ Phase::Pausing { .. } => {
                    self.phase = phase;
                    return None;
                }
                Phase::Over => return Some(self.finish()),
            }
        }
    }

    /// Lists the node's pods; `None` when drain stops there (the errors are recorded).
    fn start_node(&mut self, sim: &mut Sim, name: String) -> Option<NodeDrain> {
        let listed = self.opts.pods_on(sim, &name);
        let (pods, warning) = match listed {
            Ok(l) => l,
            Err(errors) => {
                self.node_failed(name, errors);
                return None;
            }
        };
        self.text.push_str(warning.as_deref().unwrap_or(""));
        // kubectl's `deleteOrEvictPodsSimple` with --dry-run=client: names the pods, evicts
        // nothing, waits for nothing.
        if let Some(suffix) = self.opts.dry {
            for p in &pods {
                self.text
                    .push_str(&format!("evicting pod {}/{}{suffix}\n", p.ns, p.name));
            }
            self.text
                .push_str(&format!("node/{name} drained{suffix}\n"));
            return None;
        }
        Some(NodeDrain {
            name,
            started: sim.now(),
            refused: pods,
            failed: Vec::new(),
            evicted: Rc::new(RefCell::new(Vec::new())),
            round_at: sim.now(),
        })
    }

    /// Tries every pod not evicted yet, then waits until the next round (or, all evicted,
    /// for them to go). A refused pod whose next try would come after the deadline gives up
    /// now (kubectl's goroutine sleeps past the deadline first), and the node with it.
    fn round(&mut self, sim: &mut Sim, mut node: NodeDrain) -> Result<(), Output> {
        let mut still = Vec::new();
        for pod in std::mem::take(&mut node.refused) {
            let (ns, name) = (&pod.ns, &pod.name);
            if self.opts.disable_eviction {
                // deletePods: a DELETE for each, printing nothing until the pod is gone.
                delete_pod(sim, ns, name, self.opts.grace);
                node.evicted.borrow_mut().push(Evicted { pod, gone: false });
                continue;
            }
            self.text.push_str(&format!("evicting pod {ns}/{name}\n"));
            match try_evict(sim, ns, name, self.opts.grace) {
                Ok(()) => node.evicted.borrow_mut().push(Evicted { pod, gone: false }),
                // 429: a PodDisruptionBudget allows no disruption now.
                Err(Refusal::Retry(msg)) => {
                    self.text.push_str(&format!(
                        "error when evicting pods/\"{name}\" -n \"{ns}\" (will retry after 5s): {msg}\n"
                    ));
                    still.push(pod);
                }
                // Not retried: the goroutine returns the error, printed with the node's.
                Err(Refusal::Fatal(msg)) => node.failed.push(format!(
                    "error when evicting pods/\"{name}\" -n \"{ns}\": {msg}"
                )),
            }
        }
        node.refused = still;
        node.round_at = sim.now();
        let deadline = self.deadline(&node);
        if !node.refused.is_empty() && sim.now() + RETRY > deadline {
            return self.timed_out(sim, node);
        }
        let until = if node.refused.is_empty() {
            deadline
        } else {
            sim.now() + RETRY
        };
        let gone = gone_check(&node, self.opts.disable_eviction);
        let waiting =
            Waiting::start(sim, until - sim.now(), gone).after(std::mem::take(&mut self.text));
        self.phase = Phase::Waiting {
            node,
            until,
            waiting,
        };
        Ok(())
    }

    /// The wait toward `until` is over: the node is drained, the next round or the deadline
    /// has come, or time must run on to it.
    fn after_wait(&mut self, sim: &mut Sim, node: NodeDrain, until: SimTime) -> Result<(), Output> {
        if node.refused.is_empty() && node.all_gone() {
            if node.failed.is_empty() {
                self.text.push_str(&format!("node/{} drained\n", node.name));
            } else {
                self.pods_failed(sim, node.name, node.failed);
            }
            self.phase = Phase::NextNode;
        } else if sim.now() < until {
            self.phase = Phase::Pausing { node, until };
        } else if !node.refused.is_empty() {
            self.phase = Phase::Trying(node);
        } else {
            return self.timed_out(sim, node);
        }
        Ok(())
    }

    /// The node's timeout came with pods refused or not gone yet: each pod's error, as its
    /// goroutine returns it (the waits notice first: they look every second).
    fn timed_out(&mut self, sim: &mut Sim, node: NodeDrain) -> Result<(), Output> {
        let name = node.name.clone();
        if self.opts.timeout.is_none() {
            // kubectl would wait forever; kubeplay stops at its settle limit.
            let limit = self.timeout;
            self.text.push_str(&format!("(kubeplay: node \"{name}\" still has pods to evict or waiting to go after {limit} of simulated time; kubectl would keep waiting. Pass --timeout to choose how long to wait, or see `sim why`.)\n"));
            return Err(Output {
                text: std::mem::take(&mut self.text),
                ok: false,
            });
        }
        let timeout = self.timeout;
        if self.opts.disable_eviction {
            // deletePods waits for all the pods at once (`wait.PollImmediate`'s timeout).
            let errors = vec!["timed out waiting for the condition".to_string()];
            self.pods_failed(sim, name, errors);
            self.phase = Phase::NextNode;
            return Ok(());
        }
        // The pods given up at once returned their errors first.
        let mut errors = node.failed;
        errors.extend(node
            .evicted
            .borrow()
            .iter()
            .filter(|e| !e.gone)
            .map(|e| format!("error when waiting for pod \"{}\" in namespace \"{}\" to terminate: global timeout reached: {timeout}", e.pod.name, e.pod.ns)));
        for pod in &node.refused {
            // Woken after the deadline, the goroutine prints its line once more and gives up.
            self.text
                .push_str(&format!("evicting pod {}/{}\n", pod.ns, pod.name));
            errors.push(format!(
                "error when evicting pods/\"{}\" -n \"{}\": global timeout reached: {timeout}",
                pod.name, pod.ns
            ));
        }
        self.pods_failed(sim, name, errors);
        self.phase = Phase::NextNode;
        Ok(())
    }

    /// The node's pods did not all go: `deleteOrEvictPodsSimple` lists the node's pods again
    /// and names those still there, then the node fails.
    fn pods_failed(&mut self, sim: &Sim, name: String, errors: Vec<String>) {
        let agg = aggregate(&errors);
        if let Ok((pending, _)) = self.opts.pods_on(sim, &name) {
            if !pending.is_empty() {
                self.text.push_str(&format!(
                    "There are pending pods in node \"{name}\" when an error occurred: {agg}\n"
                ));
                for p in pending {
                    self.text.push_str(&format!("pod/{}\n", p.name));
                }
            }
        }
        self.node_failed(name, errors);
    }

    fn node_failed(&mut self, name: String, errors: Vec<String>) {
        let agg = aggregate(&errors);
        self.text.push_str(&format!(
            "error: unable to drain node \"{name}\" due to error: {agg}, continuing command...\n"
        ));
        self.failed.push((name, errors));
    }

    /// Every node done: the nodes that failed, then the command's error (kubectl's aggregate
    /// of the nodes' errors: one node's errors one a line each, else one line per node).
    fn finish(&mut self) -> Output {
        self.phase = Phase::Over;
        let mut text = std::mem::take(&mut self.text);
        if self.failed.is_empty() {
            return Output::ok(text);
        }
        text.push_str("There are pending nodes to be drained:\n");
        for (name, _) in &self.failed {
            text.push_str(&format!(" {name}\n"));
        }
        let lines: Vec<String> = match self.failed.as_slice() {
            [(_, errors)] => errors.clone(),
            nodes => nodes.iter().map(|(_, e)| aggregate(e)).collect(),
        };
        for line in lines {
            text.push_str(&line);
            text.push('\n');
        }
        Output { text, ok: false }
    }
}

/// Watches the evicted pods go, printing `pod/<name> evicted` (`deleted` when they were
/// deleted: cmd/drain `onPodDeletionOrEvictionFinished`) for each as it goes; done when all
/// are gone.
fn gone_check(node: &NodeDrain, deleted: bool) -> crate::kubectl::wait::Check<'static> {
    let evicted = Rc::clone(&node.evicted);
    let verb = if deleted { "deleted" } else { "evicted" };
    Box::new(
        move |sim: &Sim, _: Option<&[Change]>, printed: &mut String| {
            let mut evicted = evicted.borrow_mut();
            for e in evicted.iter_mut().filter(|e| !e.gone) {
                if sim
                    .store()
                    .get::<Pod>(&e.pod.ns, &e.pod.name)
                    .is_none_or(|p| p.metadata.uid != e.pod.uid)
                {
                    e.gone = true;
                    printed.push_str(&format!("pod/{} {verb}\n", e.pod.name));
                }
            }
            evicted.iter().all(|e| e.gone)
        },
    )
}

impl Phased for Drain {
    fn poll_with(
        &mut self,
        sim: &mut Sim,
        batch: u32,
        out_of_time: &mut dyn FnMut() -> bool,
    ) -> Option<Output> {
        loop {
            if let Some(out) = self.act(sim) {
                self.phase = Phase::Over;
                return Some(out);
            }
            match &mut self.phase {
                Phase::Pausing { until, .. } => {
                    if sim.run_toward(*until, batch) {
                        let Phase::Pausing { node, until } =
                            std::mem::replace(&mut self.phase, Phase::Over)
                        else {
                            unreachable!("matched above")
                        };
                        if let Err(out) = self.after_wait(sim, node, until) {
                            self.phase = Phase::Over;
                            return Some(out);
                        }
                    } else if out_of_time() {
                        return None;
                    }
                }
                Phase::Waiting { waiting, .. } => {
                    // Over: `act` goes on.
                    waiting.poll_with(sim, batch, out_of_time)?;
                }
                _ => {}
            }
        }
    }

    fn printed(&self) -> &str {
        match &self.phase {
            Phase::Waiting { waiting, .. } => waiting.printed(),
            _ => &self.text,
        }
    }

    fn cut_short(&mut self, sim: &mut Sim) -> CutShort {
        let node = match &self.phase {
            Phase::Waiting { node, .. } | Phase::Pausing { node, .. } => node,
            // Never left between two instants (`act` runs these through).
            _ => {
                return CutShort {
                    timeout: SimDuration(1),
                    ends_at: sim.now(),
                    at_rest: false,
                }
            }
        };
        if !node.refused.is_empty() {
            // Replayed with a timeout that ends before the next round, the drain gives up
            // right after the latest round (`now + 5s > deadline`) having tried exactly as
            // often, and the time since is an advance. At least 1 ms: no timeout means
            // "forever".
            let ran = sim.now() - node.started;
            let latest = ((node.round_at + RETRY) - node.started).0.saturating_sub(1);
            return CutShort {
                timeout: SimDuration(ran.0.clamp(1, latest.max(1))),
                ends_at: node.round_at,
                at_rest: false,
            };
        }
        // All evicted: replayed with the time it ran as its timeout, the drain's wait ends
        // exactly now, having run the last instant's work unless its wait had no time left
        // at all (stopped as it began). Stopped before any time passed, it first runs 1 ms.
        let (started, since) = (node.started, node.round_at);
        if sim.now() == started {
            sim.run_toward(started + SimDuration(1), u32::MAX);
        }
        CutShort {
            timeout: sim.now() - started,
            ends_at: sim.now(),
            at_rest: sim.now() > since,
        }
    }
}
