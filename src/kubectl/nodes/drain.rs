//! `kubectl drain` (drain.go / filters.go semantics): cordon, classify every pod first, stop
//! before evicting anything if one is fatal, evict through the eviction rules that respect
//! PodDisruptionBudgets (kubectl retries a refused eviction every 5 s until its timeout), then
//! wait for the evicted pods to be gone. Node after node.
//!
//! The drain is a `Phased` command: run on its own at the console it works in pieces and
//! prints as it goes; in one go (scripts, the CLI) it is the same loop to its end. Stopped
//! part way it is recorded as itself with `--timeout` set to the time it ran (`cut_short`),
//! which replays to the same cluster.

use super::{dry_run_suffix, node_names, set_cordon};
use crate::engine::action::Propagation;
use crate::engine::model::{DaemonSet, Kind, Object, Pod, PodDisruptionBudget, PodPhase};
use crate::engine::stable_sort::sort_by_key;
use crate::engine::store::{Change, ObjectKey};
use crate::engine::time::{SimDuration, SimTime};
use crate::engine::Sim;
use crate::kubectl::args::{b, o, v, vs, Flag};
use crate::kubectl::selector::LabelSel;
use crate::kubectl::wait::{timeout_arg, CutShort, Ended, Phased, Waiting};
use crate::kubectl::Ctx;
use crate::script::Output;
use std::collections::VecDeque;

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
    let names = match node_names(ctx, &ctx.args.positionals.clone(), "drain") {
        Ok(n) => n,
        Err(e) => return crate::kubectl::fail(e),
    };
    let dry = match dry_run_suffix(ctx) {
        Ok(d) => d,
        Err(e) => return crate::kubectl::fail(e),
    };
    if dry == Some(SERVER_DRY_RUN) {
        // The API server would check each eviction against the budgets without making it,
        // and kubectl would retry refused ones: not simulated, rather than drain for real.
        return crate::kubectl::fail(
            "error: kubeplay does not simulate `kubectl drain --dry-run=server`; --dry-run=client shows what drain would cordon and evict",
        );
    }
    // `--timeout` applies to each node, so only a one-node drain can be recorded as itself
    // with a shorter timeout when it is stopped: a longer one is worked in one go.
    ctx.may_defer &= names.len() == 1;
    let mut drain = Drain {
        opts: Opts::of(ctx, dry),
        nodes: names.into(),
        text: String::new(),
        phase: Phase::NextNode,
    };
    // The writes of the first instant (cordon, first evictions) happen now, as the command is
    // typed; only what needs time to pass is handed over.
    if let Some(out) = drain.act(ctx.sim) {
        return out;
    }
    ctx.run_phased(Box::new(drain))
}

const SERVER_DRY_RUN: &str = " (server dry run)";

/// The flags, read once.
struct Opts {
    /// `--dry-run=client`: the suffix of each line; nothing is written.
    dry: Option<&'static str>,
    ignore_ds: bool,
    force: bool,
    emptydir: bool,
    pod_selector: Option<String>,
    grace: Option<i64>,
    timeout: Option<String>,
}

impl Opts {
    fn of(ctx: &Ctx, dry: Option<&'static str>) -> Opts {
        Opts {
            dry,
            ignore_ds: ctx.args.flag("ignore-daemonsets"),
            force: ctx.args.flag("force"),
            emptydir: ctx.args.flag("delete-emptydir-data") || ctx.args.flag("delete-local-data"),
            pod_selector: ctx.args.value("pod-selector").map(str::to_string),
            grace: ctx
                .args
                .value("grace-period")
                .and_then(|g| g.parse::<i64>().ok())
                .filter(|g| *g >= 0),
            timeout: ctx.args.value("timeout").map(str::to_string),
        }
    }
}

struct Drain {
    opts: Opts,
    /// Nodes not started yet.
    nodes: VecDeque<String>,
    /// What it printed (while a node's wait runs, the wait holds it).
    text: String,
    phase: Phase,
}

enum Phase {
    /// Cordon the next node and sort its pods.
    NextNode,
    /// Evicting the node's pods from `next` on, at this instant.
    Evicting(NodeDrain),
    /// A budget refused an eviction at `refused_at`; the next try is 5 s later.
    Pausing {
        node: NodeDrain,
        refused_at: SimTime,
    },
    /// Every pod evicted at `since`; waiting for them to be gone.
    Waiting {
        node: NodeDrain,
        since: SimTime,
        waiting: Waiting<'static>,
    },
    Over,
}

/// One node's drain in progress.
struct NodeDrain {
    name: String,
    timeout: SimDuration,
    started: SimTime,
    evict: Vec<(String, String)>,
    /// The pod being evicted (index into `evict`), and once its `evicting pod` line is out,
    /// its uid then.
    next: usize,
    announced: Option<String>,
    /// Evicted pods with the uid they had: a pod recreated under the same name is another.
    pending: Vec<(String, String, String)>,
}

impl NodeDrain {
    fn deadline(&self) -> SimTime {
        self.started + self.timeout
    }
}

impl Drain {
    /// Does everything that takes no time, up to a point where time must pass (a pause
    /// before a retry, a wait) or the end (`Some`).
    fn act(&mut self, sim: &mut Sim) -> Option<Output> {
        loop {
            match std::mem::replace(&mut self.phase, Phase::Over) {
                Phase::NextNode => {
                    let Some(name) = self.nodes.pop_front() else {
                        return Some(Output::ok(std::mem::take(&mut self.text)));
                    };
                    match self.start_node(sim, name) {
                        Ok(node) => self.phase = Phase::Evicting(node),
                        Err(()) => return Some(self.failed()),
                    }
                }
                Phase::Evicting(node) => match self.evict(sim, node) {
                    Ok(phase) => self.phase = phase,
                    Err(()) => return Some(self.failed()),
                },
                Phase::Waiting {
                    node,
                    since,
                    mut waiting,
                } => {
                    if !waiting.is_over() {
                        self.phase = Phase::Waiting {
                            node,
                            since,
                            waiting,
                        };
                        return None;
                    }
                    let ended = waiting.run_to_end(sim);
                    self.text = waiting.take_printed();
                    if self.finish_node(&node, ended).is_err() {
                        return Some(self.failed());
                    }
                    self.phase = Phase::NextNode;
                }
                phase @ Phase::Pausing { .. } => {
                    self.phase = phase;
                    return None;
                }
                Phase::Over => return Some(Output::ok(std::mem::take(&mut self.text))),
            }
        }
    }

    fn failed(&mut self) -> Output {
        Output {
            text: std::mem::take(&mut self.text),
            ok: false,
        }
    }

    /// Cordons the node and decides which pods to evict; `Err` when drain stops there.
    fn start_node(&mut self, sim: &mut Sim, name: String) -> Result<NodeDrain, ()> {
        let text = &mut self.text;
        match set_cordon(sim, &name, true, self.opts.dry) {
            Ok(line) => text.push_str(&(line + "\n")),
            Err(e) => {
                text.push_str(&(e + "\n"));
                return Err(());
            }
        }
        let pod_sel = match self.opts.pod_selector.as_deref().map(LabelSel::parse) {
            None => None,
            Some(Ok(s)) => Some(s),
            Some(Err(e)) => {
                text.push_str(&format!("error: {e}\n"));
                return Err(());
            }
        };
        let evict = classify(sim, &name, &self.opts, pod_sel.as_ref(), text)?;
        let timeout = timeout_arg(self.opts.timeout.as_deref(), sim.config().settle_limit)
            .unwrap_or(SimDuration::from_secs(300));
        Ok(NodeDrain {
            name,
            timeout,
            started: sim.now(),
            evict,
            next: 0,
            announced: None,
            pending: Vec::new(),
        })
    }

    /// Evicts the node's pods from `next` on: on to the wait once all are evicted, a pause
    /// when a budget refuses one, `Err` once the timeout would pass before the next try.
    fn evict(&mut self, sim: &mut Sim, mut node: NodeDrain) -> Result<Phase, ()> {
        let text = &mut self.text;
        // kubectl's `deleteOrEvictPodsSimple` with --dry-run=client: names the pods, evicts
        // nothing, waits for nothing.
        if let Some(suffix) = self.opts.dry {
            for (ns, pod) in &node.evict {
                text.push_str(&format!("evicting pod {ns}/{pod}{suffix}\n"));
            }
            text.push_str(&format!("node/{} drained{suffix}\n", node.name));
            return Ok(Phase::NextNode);
        }
        while let Some((ns, pod)) = node.evict.get(node.next).cloned() {
            if node.announced.is_none() {
                text.push_str(&format!("evicting pod {ns}/{pod}\n"));
                // The uid before the first try: the pod that must be gone.
                let uid = sim
                    .store()
                    .get::<Pod>(&ns, &pod)
                    .map(|p| p.metadata.uid.clone())
                    .unwrap_or_default();
                node.announced = Some(uid);
            }
            match try_evict(sim, &ns, &pod, self.opts.grace) {
                Ok(()) => {
                    let uid = node.announced.take().unwrap_or_default();
                    node.pending.push((ns, pod, uid));
                    node.next += 1;
                }
                // The eviction API refuses while a PodDisruptionBudget allows no disruption;
                // kubectl retries every 5 s until its timeout.
                Err(msg) => {
                    text.push_str(&format!(
                        "error when evicting pods/\"{pod}\" -n \"{ns}\" (will retry after 5s): {msg}\n"
                    ));
                    if sim.now() + RETRY > node.deadline() {
                        let (name, timeout) = (&node.name, node.timeout);
                        text.push_str(&format!(
                            "There are pending pods in node \"{name}\" when an error occurred: error when evicting pods/\"{pod}\" -n \"{ns}\": global timeout reached: {timeout}\nerror: unable to drain node \"{name}\" due to error: error when evicting pods/\"{pod}\" -n \"{ns}\": global timeout reached: {timeout}, continuing command...\nThere are pending nodes to be drained:\n {name}\nerror when evicting pods/\"{pod}\" -n \"{ns}\": global timeout reached: {timeout}\n"
                        ));
                        return Err(());
                    }
                    return Ok(Phase::Pausing {
                        node,
                        refused_at: sim.now(),
                    });
                }
            }
        }
        let waiting = Waiting::start(sim, node.deadline() - sim.now(), gone_check(&node))
            .after(std::mem::take(text));
        Ok(Phase::Waiting {
            node,
            since: sim.now(),
            waiting,
        })
    }

    /// The node's wait is over: `drained`, or the timeout error.
    fn finish_node(&mut self, node: &NodeDrain, ended: Ended) -> Result<(), ()> {
        let name = &node.name;
        if ended == Ended::TimedOut {
            let timeout = node.timeout;
            self.text.push_str(&format!("error: unable to drain node \"{name}\" due to error: global timeout reached: {timeout}, continuing command...\nThere are pending nodes to be drained:\n {name}\n"));
            return Err(());
        }
        self.text.push_str(&format!("node/{name} drained\n"));
        Ok(())
    }
}

/// Watches the evicted pods go, printing `pod/<name> evicted` for each as it goes.
fn gone_check(node: &NodeDrain) -> crate::kubectl::wait::Check<'static> {
    let pending = node.pending.clone();
    let mut done = vec![false; pending.len()];
    Box::new(
        move |sim: &Sim, _: Option<&[Change]>, printed: &mut String| {
            for (i, (ns, pod, uid)) in pending.iter().enumerate() {
                if !done[i]
                    && sim
                        .store()
                        .get::<Pod>(ns, pod)
                        .is_none_or(|p| &p.metadata.uid != uid)
                {
                    done[i] = true;
                    printed.push_str(&format!("pod/{pod} evicted\n"));
                }
            }
            done.iter().all(|d| *d)
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
                Phase::Pausing { refused_at, .. } => {
                    let retry_at = *refused_at + RETRY;
                    if sim.run_toward(retry_at, batch) {
                        let Phase::Pausing { node, .. } =
                            std::mem::replace(&mut self.phase, Phase::Over)
                        else {
                            unreachable!("matched above")
                        };
                        self.phase = Phase::Evicting(node);
                    } else if out_of_time() {
                        return None;
                    }
                }
                Phase::Waiting { waiting, .. } => {
                    let ended = if batch == u32::MAX {
                        Some(waiting.run_to_end(sim))
                    } else {
                        waiting.poll(sim, out_of_time)
                    };
                    // Over: `act` finishes the node.
                    ended?;
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
        match &self.phase {
            // Replayed with a timeout that ends within this pause, the drain gives up right
            // after the refusal (`now + 5s > deadline`) having tried exactly as often, and the
            // time since is an advance. At least 1 ms: a zero timeout means "forever".
            Phase::Pausing { node, refused_at } => {
                let ran = sim.now() - node.started;
                let latest = ((*refused_at + RETRY) - node.started).0.saturating_sub(1);
                CutShort {
                    timeout: SimDuration(ran.0.clamp(1, latest.max(1))),
                    ends_at: *refused_at,
                    at_rest: false,
                }
            }
            // Replayed with the time it ran as its timeout, the drain's wait ends exactly
            // now, having run the last instant's work unless its wait had no time left at all
            // (stopped as it began). Stopped before any time passed, it first runs 1 ms (a
            // zero timeout means "forever").
            Phase::Waiting { node, since, .. } => {
                if sim.now() == node.started {
                    sim.run_toward(node.started + SimDuration(1), u32::MAX);
                }
                CutShort {
                    timeout: sim.now() - node.started,
                    ends_at: sim.now(),
                    at_rest: sim.now() > *since,
                }
            }
            // Never left between two instants (`act` runs these through).
            _ => CutShort {
                timeout: SimDuration(1),
                ends_at: sim.now(),
                at_rest: false,
            },
        }
    }
}

/// Why drain will not evict a pod, or what it warns about.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Class {
    Unmanaged,
    DaemonSet,
    LocalStorage,
}

impl Class {
    fn fatal(self) -> &'static str {
        match self {
            Class::Unmanaged => {
                "cannot delete Pods that declare no controller (use --force to override)"
            }
            Class::DaemonSet => "DaemonSet-managed Pods (use --ignore-daemonsets to ignore)",
            Class::LocalStorage => {
                "Pods with local storage (use --delete-emptydir-data to override)"
            }
        }
    }
    fn warning(self) -> &'static str {
        match self {
            Class::Unmanaged => "deleting Pods that declare no controller",
            Class::DaemonSet => "ignoring DaemonSet-managed Pods",
            Class::LocalStorage => "deleting Pods with local storage",
        }
    }
}

/// The pods to evict from the node, after its warnings; `Err` (with kubectl's error printed)
/// when a pod may not be deleted.
fn classify(
    sim: &Sim,
    name: &str,
    opts: &Opts,
    pod_sel: Option<&LabelSel>,
    text: &mut String,
) -> Result<Vec<(String, String)>, ()> {
    let mut fatal: Vec<(Class, Vec<String>)> = Vec::new();
    let mut warn: Vec<(Class, Vec<String>)> = Vec::new();
    let mut evict: Vec<(String, String)> = Vec::new();
    let store = sim.store();
    let note = |list: &mut Vec<(Class, Vec<String>)>, c: Class, pod: String| match list
        .iter_mut()
        .find(|(k, _)| *k == c)
    {
        Some((_, v)) => v.push(pod),
        None => list.push((c, vec![pod])),
    };
    for pod in store.pods_on_node(name) {
        if pod_sel.is_some_and(|s| !s.matches(pod.metadata.labels())) {
            continue;
        }
        let id = format!("{}/{}", pod.metadata.namespace, pod.metadata.name);
        if pod
            .metadata
            .annotations()
            .contains_key("kubernetes.io/config.mirror")
        {
            continue;
        }
        let owner = pod.metadata.controller_ref();
        if let Some(o) = owner.filter(|o| o.kind == "DaemonSet") {
            if !pod.is_terminal()
                && store
                    .get::<DaemonSet>(&pod.metadata.namespace, &o.name)
                    .is_some()
            {
                if opts.ignore_ds {
                    note(&mut warn, Class::DaemonSet, id);
                } else {
                    note(&mut fatal, Class::DaemonSet, id);
                }
                continue;
            }
        }
        if !pod.is_terminal() && pod.spec.volumes.iter().any(|v| v.empty_dir.is_some()) {
            if opts.emptydir {
                note(&mut warn, Class::LocalStorage, id.clone());
            } else {
                note(&mut fatal, Class::LocalStorage, id);
                continue;
            }
        }
        if owner.is_none() && !pod.is_terminal() {
            if opts.force {
                note(&mut warn, Class::Unmanaged, id.clone());
            } else {
                note(&mut fatal, Class::Unmanaged, id);
                continue;
            }
        }
        evict.push((pod.metadata.namespace.clone(), pod.metadata.name.clone()));
    }
    sort_by_key(&mut fatal, |(c, _)| *c);
    sort_by_key(&mut warn, |(c, _)| *c);
    if !fatal.is_empty() {
        let msgs: Vec<String> = fatal
            .iter()
            .map(|(c, pods)| format!("cannot delete {}: {}", c.fatal(), pods.join(", ")))
            .collect();
        let joined = if msgs.len() == 1 {
            msgs[0].clone()
        } else {
            format!("[{}]", msgs.join(", "))
        };
        text.push_str(&format!(
            "error: unable to drain node \"{name}\" due to error: {joined}, continuing command...\nThere are pending nodes to be drained:\n {name}\n"
        ));
        for m in msgs {
            text.push_str(&m);
            text.push('\n');
        }
        return Err(());
    }
    if !warn.is_empty() {
        let parts: Vec<String> = warn
            .iter()
            .map(|(c, pods)| format!("{}: {}", c.warning(), pods.join(", ")))
            .collect();
        text.push_str(&format!("Warning: {}\n", parts.join("; ")));
    }
    Ok(evict)
}

/// The eviction subresource: allowed when every matching PodDisruptionBudget permits a
/// disruption (and then the budget is spent), refused otherwise.
fn try_evict(sim: &mut Sim, ns: &str, pod: &str, grace: Option<i64>) -> Result<(), String> {
    let Some(p) = sim.store().get::<Pod>(ns, pod).cloned() else {
        return Ok(());
    };
    let pdbs: Vec<PodDisruptionBudget> = sim
        .store()
        .list_in::<PodDisruptionBudget>(ns)
        .filter(|b| {
            b.spec
                .selector
                .as_ref()
                .is_some_and(|s| !s.is_empty() && s.matches(p.metadata.labels()))
        })
        .cloned()
        .collect();
    if pdbs.len() > 1 {
        return Err("This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.".into());
    }
    // Terminal or not-yet-running pods do not count against a budget.
    let counts = p.status.phase == PodPhase::Running;
    if let Some(mut b) = pdbs.into_iter().next().filter(|_| counts) {
        if b.status.disruptions_allowed <= 0 {
            return Err("Cannot evict pod as it would violate the pod's disruption budget.".into());
        }
        b.status.disruptions_allowed -= 1;
        sim.update_object(Object::PodDisruptionBudget(b));
    }
    let key = ObjectKey::new(Kind::Pod, ns, pod);
    sim.delete_object(&key, grace, Propagation::Background);
    Ok(())
}
