//! Node operations: `taint`, `cordon`, `uncordon`, `drain` (in `drain`).

mod drain;
pub use drain::{run_drain, DRAIN_FLAGS};

use super::apply::Admission;
use super::args::{b, o, vs, Flag};
use super::resources::not_found;
use super::scale::update_live;
use super::selector::LabelSel;
use super::{fail, Ctx};
use crate::engine::manifest::validation::names as name_rules;
use crate::engine::model::{Kind, Node, Object, Taint, TaintEffect};
use crate::engine::store::ObjectKey;
use crate::engine::time::Timestamp;
use crate::engine::Sim;
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

/// `--dry-run` (kubectl's `GetDryRunStrategy`): the suffix kubectl prints after each line,
/// or `None` when the command writes for real.
fn dry_run_suffix(ctx: &Ctx) -> Result<Option<&'static str>, String> {
    match ctx.args.value("dry-run") {
        None | Some("none") => Ok(None),
        Some("client") | Some("true") => Ok(Some(" (dry run)")),
        Some("server") => Ok(Some(" (server dry run)")),
        Some(other) => Err(format!(
            "error: Invalid dry-run value ({other}). Must be \"none\", \"server\", or \"client\"."
        )),
    }
}

/// Sets `spec.unschedulable` (only checks it with `dry`, the `--dry-run` suffix); returns the
/// line kubectl prints.
fn set_cordon(
    sim: &mut Sim,
    name: &str,
    desired: bool,
    dry: Option<&str>,
) -> Result<String, String> {
    let Some(node) = sim.store().get::<Node>("", name) else {
        return Err(not_found(Kind::Node, name));
    };
    let (done, already) = if desired {
        ("cordoned", "already cordoned")
    } else {
        ("uncordoned", "already uncordoned")
    };
    let suffix = dry.unwrap_or("");
    if node.is_unschedulable() == desired {
        return Ok(format!("node/{name} {already}{suffix}"));
    }
    let live = Object::Node(node.clone());
    let mut new = live.clone();
    if let Object::Node(n) = &mut new {
        n.spec.unschedulable = if desired { Some(true) } else { None };
    }
    // What `update_live` does, on the `Sim` alone (drain cordons as it goes).
    Admission::validate_update(&live, &new).map_err(|e| e.kubectl_text(None))?;
    if dry.is_none() {
        sim.update_object(new);
    }
    Ok(format!("node/{name} {done}{suffix}"))
}

fn cordon_cmd(ctx: &mut Ctx, desired: bool) -> Output {
    let usage = if desired { "cordon" } else { "uncordon" };
    let names = match node_names(ctx, &ctx.args.positionals.clone(), usage) {
        Ok(n) => n,
        Err(e) => return fail(e),
    };
    let dry = match dry_run_suffix(ctx) {
        Ok(d) => d,
        Err(e) => return fail(e),
    };
    let mut text = String::new();
    let mut ok = true;
    for n in names {
        match set_cordon(ctx.sim, &n, desired, dry) {
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
