//! `kubectl scale` and `kubectl set image`, plus `update_live`, the read-modify-write every
//! mutating verb uses (validation through the API server's rules, then `Sim::update_object`).

use super::apply::Admission;
use super::args::{b, bs, o, v, vs, Flag};
use super::resources::{get, kind_slash_name, list, not_found, parse_targets};
use super::selector::LabelSel;
use super::{fail, ok, Ctx};
use crate::engine::model::{Kind, Object, PodTemplateSpec};
use crate::engine::store::ObjectKey;
use crate::script::Output;

pub const FLAGS: &[Flag] = &[
    v("replicas"),
    v("current-replicas"),
    v("resource-version"),
    vs("selector", 'l'),
    b("all"),
    bs("all-namespaces", 'A'),
    v("timeout"),
    o("dry-run", "client"),
    vs("output", 'o'),
    vs("filename", 'f'),
];

pub const SET_FLAGS: &[Flag] = &[
    b("all"),
    vs("selector", 'l'),
    o("dry-run", "client"),
    vs("output", 'o'),
    b("local"),
    vs("filename", 'f'),
    b("record"),
    // set resources
    vs("containers", 'c'),
    v("limits"),
    v("requests"),
];

/// Flags only `set resources` has: `set image` rejects them as pflag would.
const RESOURCES_ONLY: &[&str] = &["containers", "limits", "requests"];

/// Reads the live object, lets `change` edit a copy, validates and writes it. Returns whether
/// anything changed.
pub fn update_live(
    ctx: &mut Ctx,
    key: &ObjectKey,
    change: impl FnOnce(&mut Object) -> Result<(), String>,
) -> Result<bool, String> {
    let Some(live) = ctx.sim.store().get_obj(key).cloned() else {
        return Err(not_found(key.kind, &key.name));
    };
    let mut new = live.clone();
    change(&mut new)?;
    if new == live {
        return Ok(false);
    }
    Admission::validate_update(&live, &new).map_err(|e| e.kubectl_text(None))?;
    ctx.sim.update_object(new);
    Ok(true)
}

/// The pod template of a workload (or None for kinds without one).
pub fn template_mut(obj: &mut Object) -> Option<&mut PodTemplateSpec> {
    match obj {
        Object::StatefulSet(s) => Some(&mut s.spec.template),
        Object::DaemonSet(d) => Some(&mut d.spec.template),
        Object::Deployment(d) => Some(&mut d.spec.template),
        Object::ReplicaSet(r) => Some(&mut r.spec.template),
        _ => None,
    }
}

fn replicas_mut(obj: &mut Object) -> Option<&mut Option<i32>> {
    match obj {
        Object::StatefulSet(s) => Some(&mut s.spec.replicas),
        Object::Deployment(d) => Some(&mut d.spec.replicas),
        Object::ReplicaSet(r) => Some(&mut r.spec.replicas),
        _ => None,
    }
}

/// kubectl's complaint when a command got no resource arguments.
pub const NO_RESOURCE_ARGS: &str = "error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'";

/// Resolves targets (names, or `-l`/`--all` listings) to keys, collecting NotFound errors.
pub fn resolve_keys(ctx: &Ctx, verb: &str) -> Result<(Vec<ObjectKey>, String), String> {
    let targets = parse_targets(&ctx.args.positionals)?;
    if targets.is_empty() {
        return Err(NO_RESOURCE_ARGS.to_string());
    }
    let ns = ctx.namespace();
    let mut keys = Vec::new();
    let mut errors = String::new();
    if targets.names.is_empty() {
        let sel = ctx
            .args
            .value("selector")
            .map(LabelSel::parse)
            .transpose()
            .map_err(|e| format!("error: {e}"))?;
        if sel.is_none() && !ctx.args.flag("all") {
            return Err(format!(
                "error: resource(s) were provided, but no name was specified\nSee 'kubectl {verb} -h' for help and examples"
            ));
        }
        for kind in &targets.kinds {
            for o in list(ctx.sim, *kind, Some(&ns)) {
                if sel.as_ref().is_none_or(|s| s.matches(o.meta().labels())) {
                    keys.push(ObjectKey::of(o));
                }
            }
        }
    } else {
        for (kind, name) in &targets.names {
            match get(ctx.sim, *kind, &ns, name) {
                Some(o) => keys.push(ObjectKey::of(o)),
                None => {
                    errors.push_str(&not_found(*kind, name));
                    errors.push('\n');
                }
            }
        }
    }
    Ok((keys, errors))
}

pub fn run(ctx: &mut Ctx) -> Output {
    let Some(replicas_text) = ctx.args.value("replicas").map(str::to_string) else {
        return fail("error: required flag(s) \"replicas\" not set");
    };
    let replicas: i32 = match replicas_text.parse() {
        Ok(r) if r >= 0 => r,
        Ok(_) => return fail("error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0"),
        Err(_) => {
            return fail(format!(
                "Error: invalid argument \"{replicas_text}\" for \"--replicas\" flag: strconv.ParseInt: parsing \"{replicas_text}\": invalid syntax\nSee 'kubectl scale --help' for usage."
            ))
        }
    };
    let current: Option<i32> = match ctx.args.value("current-replicas").map(str::parse::<i32>) {
        None => None,
        Some(Ok(c)) if c >= 0 => Some(c),
        Some(Ok(_)) => None,
        Some(Err(_)) => return fail("error: invalid --current-replicas"),
    };
    let (keys, mut text) = match resolve_keys(ctx, "scale") {
        Ok(x) => x,
        Err(e) => return fail(e),
    };
    // kubectl before v1.35 glues its own prefix onto the server's NotFound (kubectl#1770).
    text = text.replace(
        "Error from server (NotFound): ",
        "error: no objects passed to scale ",
    );
    let mut all_ok = text.is_empty();
    for key in keys {
        if !matches!(
            key.kind,
            Kind::StatefulSet | Kind::Deployment | Kind::ReplicaSet
        ) {
            text.push_str(&format!(
                "error: no scaler has been implemented for {{\"{}\" \"{}\"}}\n",
                key.kind.info().group,
                key.kind.info().name
            ));
            all_ok = false;
            continue;
        }
        let label = kind_slash_name(key.kind, &key.name);
        let dry = ctx.args.has("dry-run") && ctx.args.value("dry-run") != Some("none");
        let result = update_live(ctx, &key, |obj| {
            let Some(r) = replicas_mut(obj) else {
                return Ok(());
            };
            if let Some(c) = current {
                let was = r.unwrap_or(1);
                if was != c {
                    return Err(format!("error: Expected replicas to be {c}, was {was}"));
                }
            }
            if !dry {
                *r = Some(replicas);
            }
            Ok(())
        });
        match result {
            Ok(_) => text.push_str(&format!(
                "{label} scaled{}\n",
                if dry { " (dry run)" } else { "" }
            )),
            Err(e) => {
                text.push_str(&e);
                text.push('\n');
                all_ok = false;
            }
        }
    }
    Output { text, ok: all_ok }
}

/// `kubectl set image TYPE/NAME container=image ...`.
pub fn run_set(ctx: &mut Ctx) -> Output {
    let Some(sub) = ctx.args.positionals.first().cloned() else {
        return ok(super::help::for_verb("set", None));
    };
    if sub == "resources" {
        ctx.args.positionals.remove(0);
        return super::set_resources::run(ctx);
    }
    if sub != "image" {
        return fail(format!(
            "error: unknown command \"{sub}\"\nSee 'kubectl set -h' for help and examples"
        ));
    }
    if let Some(flag) = RESOURCES_ONLY.iter().find(|f| ctx.args.has(f)) {
        return fail(format!(
            "Error: unknown flag: --{flag}\nSee 'kubectl set image --help' for usage."
        ));
    }
    ctx.args.positionals.remove(0);
    // Split `name=image` pairs from resource arguments.
    let (pairs, resources): (Vec<String>, Vec<String>) = ctx
        .args
        .positionals
        .iter()
        .cloned()
        .partition(|a| a.contains('='));
    if resources.is_empty() {
        return fail(NO_RESOURCE_ARGS);
    }
    if pairs.is_empty() {
        return fail("error: at least one image update is required\nSee 'kubectl set image -h' for help and examples");
    }
    ctx.args.positionals = resources;
    let (keys, mut text) = match resolve_keys(ctx, "set image") {
        Ok(x) => x,
        Err(e) => return fail(e),
    };
    let mut all_ok = text.is_empty();
    for key in keys {
        let label = kind_slash_name(key.kind, &key.name);
        let pairs = pairs.clone();
        let result = update_live(ctx, &key, |obj| {
            let spec = match obj {
                Object::Pod(p) => &mut p.spec,
                other => match template_mut(other) {
                    Some(t) => &mut t.spec,
                    None => return Err(format!("error: {label} does not have a pod template")),
                },
            };
            for pair in &pairs {
                let (name, image) = pair.split_once('=').unwrap_or((pair, ""));
                let mut found = false;
                for c in spec
                    .containers
                    .iter_mut()
                    .chain(spec.init_containers.iter_mut())
                {
                    if name == "*" || c.name == name {
                        c.image = image.to_string();
                        found = true;
                    }
                }
                if !found {
                    return Err(format!("error: unable to find container named \"{name}\""));
                }
            }
            Ok(())
        });
        match result {
            Ok(_) => text.push_str(&format!("{label} image updated\n")),
            Err(e) => {
                text.push_str(&e);
                text.push('\n');
                all_ok = false;
            }
        }
    }
    Output { text, ok: all_ok }
}
