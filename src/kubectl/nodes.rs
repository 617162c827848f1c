//! Node operations: `taint`, `cordon`, `uncordon`, `drain` (drain.go / filters.go semantics:
//! classify every pod first, stop before evicting anything if one is fatal, evict through the
//! eviction rules that respect PodDisruptionBudgets, wait for the pods to be gone).

use super::args::{b, o, v, vs, Flag};
use super::resources::not_found;
use super::scale::update_live;
use super::selector::LabelSel;
use super::wait::{drive, timeout_arg, Ended};
use super::{fail, Ctx};
use crate::engine::action::Propagation;
use crate::engine::manifest::validation::names as name_rules;
use crate::engine::model::{
    DaemonSet, Kind, Node, Object, Pod, PodDisruptionBudget, Taint, TaintEffect,
};
use crate::engine::store::ObjectKey;
use crate::engine::time::{SimDuration, Timestamp};
use crate::script::Output;

pub const TAINT_FLAGS: &[Flag] = &[
    b("overwrite"),
    b("all"),
    vs("selector", 'l'),
    o("dry-run", "client"),
    vs("output", 'o'),
    b("validate"),
];
pub const CORDON_FLAGS: &[Flag] = &[vs("selector", 'l'), o("dry-run", "client")];
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

fn node_names(ctx: &Ctx, args: &[String], usage: &str) -> Result<Vec<String>, String> {
    if let Some(sel) = ctx.args.value("selector") {
        let s = LabelSel::parse(sel).map_err(|e| format!("error: {e}"))?;
        return Ok(ctx
            .sim
            .store()
            .list::<Node>()
            .filter(|n| s.matches(n.metadata.labels()))
            .map(|n| n.metadata.name.clone())
            .collect());
    }
    if args.is_empty() {
        return Err(format!(
            "error: USAGE: {usage} NODE [flags]\nSee 'kubectl {usage} -h' for help and examples"
        ));
    }
    Ok(args
        .iter()
        .map(|a| {
            a.strip_prefix("node/")
                .or_else(|| a.strip_prefix("nodes/"))
                .unwrap_or(a)
                .to_string()
        })
        .collect())
}

fn node_key(name: &str) -> ObjectKey {
    ObjectKey::new(Kind::Node, "", name)
}

/// Sets `spec.unschedulable`; returns the line kubectl prints.
fn set_cordon(ctx: &mut Ctx, name: &str, desired: bool) -> Result<String, String> {
    let Some(node) = ctx.sim.store().get::<Node>("", name) else {
        return Err(not_found(Kind::Node, name));
    };
    let (done, already) = if desired {
        ("cordoned", "already cordoned")
    } else {
        ("uncordoned", "already uncordoned")
    };
    if node.is_unschedulable() == desired {
        return Ok(format!("node/{name} {already}"));
    }
    update_live(ctx, &node_key(name), |o| {
        if let Object::Node(n) = o {
            n.spec.unschedulable = if desired { Some(true) } else { None };
        }
        Ok(())
    })?;
    Ok(format!("node/{name} {done}"))
}

fn cordon_cmd(ctx: &mut Ctx, desired: bool) -> Output {
    let usage = if desired { "cordon" } else { "uncordon" };
    let names = match node_names(ctx, &ctx.args.positionals.clone(), usage) {
        Ok(n) => n,
        Err(e) => return fail(e),
    };
    let mut text = String::new();
    let mut ok = true;
    for n in names {
        match set_cordon(ctx, &n, desired) {
            Ok(line) => text.push_str(&(line + "\n")),
            Err(e) => {
                text.push_str(&(e + "\n"));
                ok = false;
            }
        }
    }
    Output { text, ok }
}

pub fn run_cordon(ctx: &mut Ctx) -> Output {
    cordon_cmd(ctx, true)
}

pub fn run_uncordon(ctx: &mut Ctx) -> Output {
    cordon_cmd(ctx, false)
}

/// One parsed taint argument.
enum TaintOp {
    Add(Taint),
    Remove {
        key: String,
        effect: Option<TaintEffect>,
        shown: String,
    },
}

fn usage_err(msg: String) -> String {
    format!("error: {msg}\nSee 'kubectl taint -h' for help and examples")
}

/// kubectl's `parseTaint`: `<key>=<value>:<effect>`, `<key>:<effect>` or `<key>`, each part
/// checked as kubectl checks it (the effect first, then the value, then the key).
fn parse_taint_parts(st: &str) -> Result<(String, Option<String>, Option<TaintEffect>), String> {
    let invalid = |errs: Vec<String>| format!("invalid taint spec: {st}, {}", errs.join("; "));
    let parts: Vec<&str> = st.split(':').collect();
    let (key, value, effect) = match parts.as_slice() {
        [key] => (*key, None, None),
        [kv, effect] => {
            let effect = TaintEffect::parse(effect).ok_or_else(|| {
                format!("invalid taint effect: {effect}, unsupported taint effect")
            })?;
            let kv: Vec<&str> = kv.split('=').collect();
            if kv.len() > 2 {
                return Err(format!("invalid taint spec: {st}"));
            }
            if let Some(value) = kv.get(1) {
                let errs = name_rules::label_value(value);
                if !errs.is_empty() {
                    return Err(invalid(errs));
                }
            }
            (kv[0], kv.get(1).copied(), Some(effect))
        }
        _ => return Err(format!("invalid taint spec: {st}")),
    };
    let errs = name_rules::qualified_name(key);
    if !errs.is_empty() {
        return Err(invalid(errs));
    }
    let value = value.filter(|v| !v.is_empty()).map(str::to_string);
    Ok((key.to_string(), value, effect))
}

/// kubectl's `parseTaints`: removals end in `-`; an addition needs an effect and may not
/// repeat a key and effect. Errors are kubectl's usage errors.
fn parse_taints(specs: &[String]) -> Result<Vec<TaintOp>, String> {
    let mut ops = Vec::new();
    let mut seen: Vec<(String, TaintEffect)> = Vec::new();
    for spec in specs {
        if let Some(body) = spec.strip_suffix('-') {
            let (key, _, effect) = parse_taint_parts(body).map_err(usage_err)?;
            let shown = match &effect {
                Some(e) => format!("{key}:{}", e.as_str()),
                None => key.clone(),
            };
            ops.push(TaintOp::Remove { key, effect, shown });
            continue;
        }
        let (key, value, effect) = parse_taint_parts(spec).map_err(usage_err)?;
        let Some(effect) = effect else {
            return Err(usage_err(format!("invalid taint spec: {spec}")));
        };
        if seen.iter().any(|(k, e)| *k == key && *e == effect) {
            // Go's `%v` of the v1.Taint struct.
            return Err(usage_err(format!(
                "duplicated taints with the same key and effect: {{{key} {} {effect} <nil>}}",
                value.as_deref().unwrap_or("")
            )));
        }
        seen.push((key.clone(), effect.clone()));
        ops.push(TaintOp::Add(Taint {
            effect,
            key,
            time_added: None,
            value,
        }));
    }
    Ok(ops)
}

pub fn run_taint(ctx: &mut Ctx) -> Output {
    // kubectl's `Complete`: resources first, then every argument that looks like a taint
    // (`=`, `:` or a trailing `-`); the taints are parsed before the resource type is checked.
    let mut resources = Vec::new();
    let mut taint_args = Vec::new();
    for arg in &ctx.args.positionals {
        let is_taint = arg.contains('=') || arg.contains(':') || arg.ends_with('-');
        if is_taint {
            taint_args.push(arg.clone());
        } else if !taint_args.is_empty() {
            return fail(format!(
                "error: all resources must be specified before taint changes: {arg}"
            ));
        } else {
            resources.push(arg.clone());
        }
    }
    let Some(first) = resources.first().cloned() else {
        return fail("error: one or more resources must be specified as <resource> <name>");
    };
    if taint_args.is_empty() {
        return fail("error: at least one taint update is required");
    }
    let ops = match parse_taints(&taint_args) {
        Ok(ops) => ops,
        Err(e) => return fail(e),
    };
    let names_args: Vec<String> = if let Some(n) = first
        .strip_prefix("node/")
        .or_else(|| first.strip_prefix("nodes/"))
    {
        std::iter::once(n.to_string())
            .chain(resources[1..].iter().cloned())
            .collect()
    } else if matches!(first.as_str(), "node" | "nodes" | "no") {
        resources[1..].to_vec()
    } else {
        return fail(format!(
            "error: invalid resource type {first}, only node types are supported"
        ));
    };
    let names: Vec<String> = if ctx.args.flag("all") {
        ctx.sim
            .store()
            .list::<Node>()
            .map(|n| n.metadata.name.clone())
            .collect()
    } else if names_args.is_empty() {
        return fail(
            "error: at least one resource name must be specified since 'all' parameter is not set",
        );
    } else {
        names_args
    };
    let overwrite = ctx.args.flag("overwrite");
    let now = ctx.sim.now();
    let mut text = String::new();
    let mut all_ok = true;
    for name in names {
        let mut operation = "";
        let result = update_live(ctx, &node_key(&name), |o| {
            let Object::Node(n) = o else { return Ok(()) };
            let mut added = false;
            let mut modified = false;
            let mut removed = false;
            for op in &ops {
                match op {
                    TaintOp::Add(t) => {
                        let mut t = t.clone();
                        if t.effect == TaintEffect::NoExecute {
                            t.time_added = Some(Timestamp(now));
                        }
                        if let Some(existing) = n
                            .spec
                            .taints
                            .iter_mut()
                            .find(|x| x.key == t.key && x.effect == t.effect)
                        {
                            if !overwrite {
                                return Err(format!(
                                    "error: node {name} already has {} taint(s) with same effect(s) and --overwrite is false",
                                    t.key
                                ));
                            }
                            *existing = t;
                            modified = true;
                        } else {
                            n.spec.taints.push(t);
                            added = true;
                        }
                    }
                    TaintOp::Remove { key, effect, shown } => {
                        let before = n.spec.taints.len();
                        n.spec.taints.retain(|x| {
                            !(x.key == *key && effect.as_ref().is_none_or(|e| *e == x.effect))
                        });
                        if n.spec.taints.len() == before {
                            return Err(format!("error: taint {shown:?} not found"));
                        }
                        removed = true;
                    }
                }
            }
            operation = if modified {
                "modified"
            } else if added {
                "tainted"
            } else if removed {
                "untainted"
            } else {
                "unchanged"
            };
            Ok(())
        });
        match result {
            Ok(_) => text.push_str(&format!("node/{name} {operation}\n")),
            Err(e) => {
                text.push_str(&e);
                text.push('\n');
                all_ok = false;
            }
        }
    }
    Output { text, ok: all_ok }
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

pub fn run_drain(ctx: &mut Ctx) -> Output {
    let names = match node_names(ctx, &ctx.args.positionals.clone(), "drain") {
        Ok(n) => n,
        Err(e) => return fail(e),
    };
    let mut text = String::new();
    for name in names {
        match drain_one(ctx, &name, &mut text) {
            Ok(()) => {}
            Err(()) => return Output { text, ok: false },
        }
    }
    Output { text, ok: true }
}

fn drain_one(ctx: &mut Ctx, name: &str, text: &mut String) -> Result<(), ()> {
    match set_cordon(ctx, name, true) {
        Ok(line) => text.push_str(&(line + "\n")),
        Err(e) => {
            text.push_str(&(e + "\n"));
            return Err(());
        }
    }
    let ignore_ds = ctx.args.flag("ignore-daemonsets");
    let force = ctx.args.flag("force");
    let emptydir = ctx.args.flag("delete-emptydir-data") || ctx.args.flag("delete-local-data");
    let pod_sel = match ctx
        .args
        .value("pod-selector")
        .map(LabelSel::parse)
        .transpose()
    {
        Ok(s) => s,
        Err(e) => {
            text.push_str(&format!("error: {e}\n"));
            return Err(());
        }
    };
    let mut fatal: Vec<(Class, Vec<String>)> = Vec::new();
    let mut warn: Vec<(Class, Vec<String>)> = Vec::new();
    let mut evict: Vec<(String, String)> = Vec::new();
    let store = ctx.sim.store();
    let note = |list: &mut Vec<(Class, Vec<String>)>, c: Class, pod: String| match list
        .iter_mut()
        .find(|(k, _)| *k == c)
    {
        Some((_, v)) => v.push(pod),
        None => list.push((c, vec![pod])),
    };
    for pod in store.pods_on_node(name) {
        if pod_sel
            .as_ref()
            .is_some_and(|s| !s.matches(pod.metadata.labels()))
        {
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
                if ignore_ds {
                    note(&mut warn, Class::DaemonSet, id);
                } else {
                    note(&mut fatal, Class::DaemonSet, id);
                }
                continue;
            }
        }
        if !pod.is_terminal() && pod.spec.volumes.iter().any(|v| v.empty_dir.is_some()) {
            if emptydir {
                note(&mut warn, Class::LocalStorage, id.clone());
            } else {
                note(&mut fatal, Class::LocalStorage, id);
                continue;
            }
        }
        if owner.is_none() && !pod.is_terminal() {
            if force {
                note(&mut warn, Class::Unmanaged, id.clone());
            } else {
                note(&mut fatal, Class::Unmanaged, id);
                continue;
            }
        }
        evict.push((pod.metadata.namespace.clone(), pod.metadata.name.clone()));
    }
    crate::engine::stable_sort::sort_by_key(&mut fatal, |(c, _)| *c);
    crate::engine::stable_sort::sort_by_key(&mut warn, |(c, _)| *c);
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
    let grace: Option<i64> = ctx
        .args
        .value("grace-period")
        .and_then(|g| g.parse::<i64>().ok())
        .filter(|g| *g >= 0);
    let timeout = timeout_arg(ctx.args.value("timeout"), ctx.sim.config().settle_limit)
        .unwrap_or(SimDuration::from_secs(300));
    let deadline = ctx.sim.now() + timeout;
    let mut pending: Vec<(String, String, String)> = Vec::new();
    for (ns, pod) in &evict {
        text.push_str(&format!("evicting pod {ns}/{pod}\n"));
        let uid = ctx
            .sim
            .store()
            .get::<Pod>(ns, pod)
            .map(|p| p.metadata.uid.clone())
            .unwrap_or_default();
        // The eviction API refuses while a PodDisruptionBudget allows no disruption; kubectl
        // retries every 5 s until its timeout.
        loop {
            match try_evict(ctx, ns, pod, grace) {
                Ok(()) => break,
                Err(msg) => {
                    text.push_str(&format!(
                        "error when evicting pods/\"{pod}\" -n \"{ns}\" (will retry after 5s): {msg}\n"
                    ));
                    if ctx.sim.now() + SimDuration::from_secs(5) > deadline {
                        text.push_str(&format!(
                            "There are pending pods in node \"{name}\" when an error occurred: error when evicting pods/\"{pod}\" -n \"{ns}\": global timeout reached: {timeout}\nerror: unable to drain node \"{name}\" due to error: error when evicting pods/\"{pod}\" -n \"{ns}\": global timeout reached: {timeout}, continuing command...\nThere are pending nodes to be drained:\n {name}\nerror when evicting pods/\"{pod}\" -n \"{ns}\": global timeout reached: {timeout}\n"
                        ));
                        return Err(());
                    }
                    ctx.sim.advance_by(SimDuration::from_secs(5));
                }
            }
        }
        pending.push((ns.clone(), pod.clone(), uid));
    }
    let mut done: Vec<bool> = vec![false; pending.len()];
    let mut order: Vec<usize> = Vec::new();
    let left = SimDuration(deadline.0.saturating_sub(ctx.sim.now().0));
    let ended = drive(ctx.sim, left, |sim, _| {
        for (i, (ns, pod, uid)) in pending.iter().enumerate() {
            if !done[i]
                && sim
                    .store()
                    .get::<Pod>(ns, pod)
                    .is_none_or(|p| &p.metadata.uid != uid)
            {
                done[i] = true;
                order.push(i);
            }
        }
        done.iter().all(|d| *d)
    });
    for i in &order {
        text.push_str(&format!("pod/{} evicted\n", pending[*i].1));
    }
    if ended == Ended::TimedOut {
        text.push_str(&format!("error: unable to drain node \"{name}\" due to error: global timeout reached: {timeout}, continuing command...\nThere are pending nodes to be drained:\n {name}\n"));
        return Err(());
    }
    text.push_str(&format!("node/{name} drained\n"));
    Ok(())
}

/// The eviction subresource: allowed when every matching PodDisruptionBudget permits a
/// disruption (and then the budget is spent), refused otherwise.
fn try_evict(ctx: &mut Ctx, ns: &str, pod: &str, grace: Option<i64>) -> Result<(), String> {
    let Some(p) = ctx.sim.store().get::<Pod>(ns, pod).cloned() else {
        return Ok(());
    };
    let pdbs: Vec<PodDisruptionBudget> = ctx
        .sim
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
    let counts = p.status.phase == crate::engine::model::PodPhase::Running;
    if let Some(mut b) = pdbs.into_iter().next().filter(|_| counts) {
        if b.status.disruptions_allowed <= 0 {
            return Err("Cannot evict pod as it would violate the pod's disruption budget.".into());
        }
        b.status.disruptions_allowed -= 1;
        ctx.sim.update_object(Object::PodDisruptionBudget(b));
    }
    let key = ObjectKey::new(Kind::Pod, ns, pod);
    ctx.sim.delete_object(&key, grace, Propagation::Background);
    Ok(())
}
