//! `kubectl taint` as the v1.32 client runs it (pkg/cmd/taint/taint.go and utils.go): Complete,
//! Validate and RunTaint in that order, so each mistake gets the error kubectl reports first.

use super::{dry_run_suffix, nodes_selected, nodes_where};
use crate::engine::manifest::validation::names as name_rules;
use crate::engine::model::{Kind, Node, Object, Taint, TaintEffect};
use crate::engine::time::Timestamp;
use crate::engine::Sim;
use crate::kubectl::apply::Admission;
use crate::kubectl::args::{b, o, vs, Flag};
use crate::kubectl::output::{render_objects, Format};
use crate::kubectl::resources::{kind_for, not_found};
use crate::kubectl::{fail, Ctx};
use crate::script::Output;

pub const TAINT_FLAGS: &[Flag] = &[
    b("overwrite"),
    b("all"),
    vs("selector", 'l'),
    o("dry-run", "client"),
    vs("output", 'o'),
    b("validate"),
];

/// A `key[:Effect]-` argument: kubectl keeps only the key and the effect.
struct Removal {
    key: String,
    effect: Option<TaintEffect>,
}

impl Removal {
    /// Go's `Taint.ToString()` of the removal (it has no value).
    fn shown(&self) -> String {
        match &self.effect {
            Some(e) => format!("{}:{}", self.key, e.as_str()),
            None => self.key.clone(),
        }
    }

    /// `deleteTaint` matches key and effect, `deleteTaintsByKey` the key alone.
    fn matches(&self, t: &Taint) -> bool {
        t.key == self.key && self.effect.as_ref().is_none_or(|e| *e == t.effect)
    }
}

/// Which nodes RunTaint visits: the builder Complete sets up.
enum Targets {
    Names(Vec<String>),
    Selector(String),
    All,
}

/// Everything Complete and Validate accepted.
struct TaintCmd {
    add: Vec<Taint>,
    remove: Vec<Removal>,
    targets: Targets,
    overwrite: bool,
    /// kubectl's dry-run suffix; `None` writes for real.
    dry: Option<&'static str>,
    /// The `-o` printer, or why there is none (kubectl finds out per node, before patching).
    printer: Result<Format, String>,
}

/// Why one node was not tainted, as kubectl's visitor returns it.
enum NodeError {
    /// A server error, already in kubectl's words (`Error from server (NotFound): ...`).
    Api(String),
    /// Plain errors of updateTaints (more than one when several removals found nothing).
    Plain(Vec<String>),
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
fn parse_taints(specs: &[String]) -> Result<(Vec<Taint>, Vec<Removal>), String> {
    let mut add: Vec<Taint> = Vec::new();
    let mut remove = Vec::new();
    for spec in specs {
        if let Some(body) = spec.strip_suffix('-') {
            let (key, _, effect) = parse_taint_parts(body).map_err(usage_err)?;
            remove.push(Removal { key, effect });
            continue;
        }
        let (key, value, effect) = parse_taint_parts(spec).map_err(usage_err)?;
        let Some(effect) = effect else {
            return Err(usage_err(format!("invalid taint spec: {spec}")));
        };
        if add.iter().any(|t| t.key == key && t.effect == effect) {
            // Go's `%v` of the v1.Taint struct.
            return Err(usage_err(format!(
                "duplicated taints with the same key and effect: {{{key} {} {effect} <nil>}}",
                value.as_deref().unwrap_or("")
            )));
        }
        add.push(Taint {
            effect,
            key,
            time_added: None,
            value,
        });
    }
    Ok((add, remove))
}

/// Validate's check that no taint is both added and removed: `{"key":"effect"}` per clash,
/// the effect empty for a removal by key.
fn conflicts(add: &[Taint], remove: &[Removal]) -> Result<(), String> {
    let clashes: Vec<String> = add
        .iter()
        .flat_map(|a| remove.iter().filter(move |r| r.matches(a)))
        .map(|r| {
            let effect = r.effect.as_ref().map_or("", TaintEffect::as_str);
            format!("{{\"{}\":\"{effect}\"}}", r.key)
        })
        .collect();
    if clashes.is_empty() {
        return Ok(());
    }
    Err(format!(
        "error: can not both modify and remove the following taint(s) in the same command: {}",
        clashes.join(", ")
    ))
}

/// Validate's first check: the first argument must name the Node type (in any case, as
/// `kubectl explain` splits `type.field`); `node/NAME` is no type at all.
fn check_resource_type(first: &str) -> Result<(), String> {
    let resource_type = first.to_lowercase();
    let base = resource_type.trim_end_matches('.');
    let base = base.split('.').next().unwrap_or(base);
    match kind_for(base) {
        Ok(Kind::Node) => Ok(()),
        Err(e) if !e.contains("does not simulate") => {
            // The RESTMapper's NoResourceMatchError: CheckErr prints it without `error: `.
            Err(format!(
                "the server doesn't have a resource type \"{base}\""
            ))
        }
        _ => Err(format!(
            "error: invalid resource type {resource_type}, only node types are supported"
        )),
    }
}

/// Complete and Validate: the arguments split into resources and taint changes, the taints
/// parsed, the resource type, conflicts and node choice checked.
fn complete_and_validate(ctx: &Ctx) -> Result<TaintCmd, String> {
    // Complete reads --dry-run before anything else.
    let dry = dry_run_suffix(ctx)?;
    // Resources first, then every argument that looks like a taint (`=`, `:` or a trailing
    // `-`); the taints are parsed before the resource type is checked.
    let mut resources = Vec::new();
    let mut taint_args = Vec::new();
    for arg in &ctx.args.positionals {
        let is_taint = arg.contains('=') || arg.contains(':') || arg.ends_with('-');
        if is_taint {
            taint_args.push(arg.clone());
        } else if !taint_args.is_empty() {
            return Err(format!(
                "error: all resources must be specified before taint changes: {arg}"
            ));
        } else {
            resources.push(arg.clone());
        }
    }
    let Some(first) = resources.first() else {
        return Err("error: one or more resources must be specified as <resource> <name>".into());
    };
    if taint_args.is_empty() {
        return Err("error: at least one taint update is required".into());
    }
    let (add, remove) = parse_taints(&taint_args)?;
    check_resource_type(first)?;
    // The builder takes `node/NAME` after the type too.
    let names: Vec<String> = resources[1..]
        .iter()
        .map(|r| match r.split_once('/') {
            Some((t, n)) if matches!(Kind::lookup(t), Some(Kind::Node)) => n.to_string(),
            _ => r.clone(),
        })
        .collect();
    conflicts(&add, &remove)?;
    // validateFlags, then the builder: a selector or --all picks the nodes and the names
    // after the type are not used at all.
    let all = ctx.args.flag("all");
    let selector = ctx.args.value("selector").filter(|s| !s.is_empty());
    let targets = match (all, selector) {
        (true, Some(_)) => {
            return Err(
                "error: setting 'all' parameter with a non empty selector is prohibited".into(),
            )
        }
        (true, None) => Targets::All,
        (false, Some(sel)) => Targets::Selector(sel.to_string()),
        (false, None) if names.is_empty() => return Err(
            "error: at least one resource name must be specified since 'all' parameter is not set"
                .into(),
        ),
        (false, None) => Targets::Names(names),
    };
    Ok(TaintCmd {
        add,
        remove,
        targets,
        overwrite: ctx.args.flag("overwrite"),
        dry,
        printer: printer(ctx.args.value("output")),
    })
}

/// taint's PrintFlags: the operation line without `-o`; names, JSON/YAML and templates with
/// it; no wide or custom columns.
fn printer(output: Option<&str>) -> Result<Format, String> {
    let none_matches = |t: &str| {
        format!("unable to match a printer suitable for the output format \"{t}\", allowed formats are: go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml")
    };
    match Format::parse(output) {
        Ok(Format::Wide | Format::CustomColumns(_)) => Err(none_matches(output.unwrap_or(""))),
        Ok(format) => Ok(format),
        Err(e) if e.contains("unable to match a printer") => {
            Err(none_matches(output.unwrap_or("")))
        }
        Err(e) => Err(e.trim_start_matches("error: ").to_string()),
    }
}

/// The nodes the builder visits, in the API server's list order (by name) for `-l`/`--all`.
fn resolve(sim: &Sim, targets: &Targets) -> Result<Vec<String>, String> {
    match targets {
        Targets::Names(names) => Ok(names.clone()),
        Targets::All => Ok(nodes_where(sim, |_| true)),
        Targets::Selector(sel) => nodes_selected(sim, sel),
    }
}

/// reorganizeTaints: the added taints first, then the old ones they do not replace, minus the
/// removals; the operation word follows kubectl's rule (`modified` whenever --overwrite is
/// set or taints were both added and removed).
fn reorganize(
    old: &[Taint],
    cmd: &TaintCmd,
    now: Timestamp,
) -> Result<(&'static str, Vec<Taint>), Vec<String>> {
    let mut taints: Vec<Taint> = cmd
        .add
        .iter()
        .map(|t| Taint {
            // The node keeps the time a NoExecute taint appeared (tolerationSeconds counts
            // from it).
            time_added: (t.effect == TaintEffect::NoExecute).then_some(now),
            ..t.clone()
        })
        .collect();
    for t in old {
        if !taints
            .iter()
            .any(|n| n.key == t.key && n.effect == t.effect)
        {
            taints.push(t.clone());
        }
    }
    let added = old.len() != taints.len();
    let mut errors = Vec::new();
    let mut deleted = false;
    for r in &cmd.remove {
        let before = taints.len();
        taints.retain(|t| !r.matches(t));
        // As kubectl's deleteTaints: only the last removal decides `deleted`.
        deleted = taints.len() != before;
        if !deleted {
            errors.push(format!("taint {:?} not found", r.shown()));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let operation = if (added && deleted) || cmd.overwrite {
        "modified"
    } else if added {
        "tainted"
    } else {
        "untainted"
    };
    Ok((operation, taints))
}

/// updateTaints, the printer and the patch for one node; returns what kubectl prints.
fn taint_node(sim: &mut Sim, name: &str, cmd: &TaintCmd) -> Result<String, NodeError> {
    let Some(node) = sim.store().get::<Node>("", name) else {
        return Err(NodeError::Api(not_found(Kind::Node, name)));
    };
    if !cmd.overwrite {
        // checkIfTaintsAlreadyExists: every key added that the node has with that effect.
        let existing: Vec<&str> = cmd
            .add
            .iter()
            .flat_map(|t| {
                node.spec
                    .taints
                    .iter()
                    .filter(move |o| o.key == t.key && o.effect == t.effect)
                    .map(move |_| t.key.as_str())
            })
            .collect();
        if !existing.is_empty() {
            return Err(NodeError::Plain(vec![format!(
                "node {name} already has {} taint(s) with same effect(s) and --overwrite is false",
                existing.join(",")
            )]));
        }
    }
    let (operation, taints) =
        reorganize(&node.spec.taints, cmd, Timestamp(sim.now())).map_err(NodeError::Plain)?;
    let format = cmd
        .printer
        .as_ref()
        .map_err(|e| NodeError::Plain(vec![e.clone()]))?;
    let live = Object::Node(node.clone());
    let mut new = live.clone();
    if let Object::Node(n) = &mut new {
        n.spec.taints = taints;
    }
    if new != live {
        Admission::validate_update(&live, &new)
            .map_err(|e| NodeError::Api(e.kubectl_text(None)))?;
        if cmd.dry.is_none() {
            sim.update_object(new.clone());
        }
    }
    if format.is_table() {
        return Ok(format!(
            "node/{name} {operation}{}\n",
            cmd.dry.unwrap_or("")
        ));
    }
    // A real patch prints what the server returned; a dry run the object it would write.
    let shown = match cmd.dry {
        None => sim
            .store()
            .get::<Node>("", name)
            .cloned()
            .map_or(new, Object::Node),
        Some(_) => new,
    };
    render_objects(format, &[&shown], true, false)
        .map_err(|e| NodeError::Plain(vec![e.trim_start_matches("error: ").to_string()]))
}

/// Go's `aggregate.Error()`: one message alone, several (duplicates once) as `[a, b]`.
fn aggregate_text(messages: &[String]) -> String {
    let mut seen: Vec<&str> = Vec::new();
    for m in messages {
        if !seen.contains(&m.as_str()) {
            seen.push(m);
        }
    }
    match seen.as_slice() {
        [one] => one.to_string(),
        many => format!("[{}]", many.join(", ")),
    }
}

/// What kubectl's CheckErr prints for the visitor's errors, after the lines of the nodes that
/// worked (ContinueOnError): one error with `error: `, several one a line without it.
fn check_err(errors: &[NodeError]) -> String {
    let mut text = String::new();
    match errors {
        [] => {}
        [NodeError::Api(t)] => text = format!("{t}\n"),
        [NodeError::Plain(messages)] if messages.len() == 1 => {
            text = format!("error: {}\n", messages[0])
        }
        [NodeError::Plain(messages)] => {
            for m in messages {
                text.push_str(&format!("{m}\n"));
            }
        }
        many => {
            for e in many {
                let line = match e {
                    NodeError::Api(t) => t.clone(),
                    NodeError::Plain(messages) => aggregate_text(messages),
                };
                text.push_str(&format!("{line}\n"));
            }
        }
    }
    text
}

pub fn run_taint(ctx: &mut Ctx) -> Output {
    let cmd = match complete_and_validate(ctx) {
        Ok(cmd) => cmd,
        Err(e) => return fail(e),
    };
    let nodes = match resolve(ctx.sim, &cmd.targets) {
        Ok(nodes) => nodes,
        Err(e) => return fail(e),
    };
    let mut text = String::new();
    let mut errors = Vec::new();
    for name in nodes {
        match taint_node(ctx.sim, &name, &cmd) {
            Ok(printed) => text.push_str(&printed),
            Err(e) => errors.push(e),
        }
    }
    text.push_str(&check_err(&errors));
    Output {
        text,
        ok: errors.is_empty(),
    }
}
