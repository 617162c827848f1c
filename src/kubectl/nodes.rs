//! Node operations: `cordon`, `uncordon`, `taint` (in `taint`), `drain` (in `drain`).

mod drain;
mod taint;
pub use drain::{run_drain, DRAIN_FLAGS};
pub use taint::{run_taint, TAINT_FLAGS};

use super::apply::Admission;
use super::args::{o, vs, Flag};
use super::resources::not_found;
use super::selector::LabelSel;
use super::{fail, Ctx};
use crate::engine::model::{Kind, Node, Object};
use crate::engine::Sim;
use crate::script::Output;

pub const CORDON_FLAGS: &[Flag] = &[vs("selector", 'l'), o("dry-run", "client")];

/// The names of the nodes `keep` picks, in the API server's list order (by name).
fn nodes_where(sim: &Sim, keep: impl Fn(&Node) -> bool) -> Vec<String> {
    sim.store()
        .list::<Node>()
        .filter(|n| keep(n))
        .map(|n| n.metadata.name.clone())
        .collect()
}

/// The nodes a `-l` selector picks.
fn nodes_selected(sim: &Sim, selector: &str) -> Result<Vec<String>, String> {
    let s = LabelSel::parse(selector).map_err(|e| format!("error: {e}"))?;
    Ok(nodes_where(sim, |n| s.matches(n.metadata.labels())))
}

fn node_names(ctx: &Ctx, args: &[String], usage: &str) -> Result<Vec<String>, String> {
    if let Some(sel) = ctx.args.value("selector") {
        return nodes_selected(ctx.sim, sel);
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

/// The suffix of a `--dry-run=server` line.
const SERVER_DRY_RUN: &str = " (server dry run)";

/// `--dry-run` (kubectl's `GetDryRunStrategy`): the suffix kubectl prints after each line,
/// or `None` when the command writes for real.
fn dry_run_suffix(ctx: &Ctx) -> Result<Option<&'static str>, String> {
    match ctx.args.value("dry-run") {
        None | Some("none") => Ok(None),
        Some("client") | Some("true") => Ok(Some(" (dry run)")),
        Some("server") => Ok(Some(SERVER_DRY_RUN)),
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
