//! `kubectl delete`: by name, `-l`, `--all`, `-f`; `--cascade`, `--grace-period`, `--force`,
//! `--now`; and `--wait` (the default), which steps the cluster until the objects are gone.

use super::apply::delete_files;
use super::args::{b, bs, o, v, vs, Flag};
use super::resources::{get, list, not_found, parse_targets};
use super::scale::NO_RESOURCE_ARGS;
use super::selector::{FieldSel, LabelSel};
use super::wait::{timeout_arg, Ended, Waiting};
use super::{fail, Ctx};
use crate::engine::action::Propagation;
use crate::engine::model::{Kind, Object};
use crate::engine::store::{Change, ObjectKey};
use crate::engine::Sim;
use crate::script::Output;

pub const FLAGS: &[Flag] = &[
    vs("filename", 'f'),
    vs("selector", 'l'),
    v("field-selector"),
    b("all"),
    bs("all-namespaces", 'A'),
    o("cascade", "background"),
    v("grace-period"),
    b("force"),
    b("now"),
    b("wait"),
    b("ignore-not-found"),
    o("dry-run", "client"),
    v("timeout"),
    vs("output", 'o'),
    bs("recursive", 'R'),
    b("interactive"),
    vs("kustomize", 'k'),
];

pub const FORCE_WARNING: &str = "Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n";

fn propagation(ctx: &Ctx, warnings: &mut String) -> Result<Propagation, String> {
    match ctx.args.value("cascade") {
        None | Some("background") => Ok(Propagation::Background),
        Some("true") => {
            warnings.push_str("warning: --cascade=true is deprecated (boolean value) and can be replaced with --cascade=background.\n");
            Ok(Propagation::Background)
        }
        Some("false") => {
            warnings.push_str("warning: --cascade=false is deprecated (boolean value) and can be replaced with --cascade=orphan.\n");
            Ok(Propagation::Orphan)
        }
        Some("orphan") => Ok(Propagation::Orphan),
        Some("foreground") => Ok(Propagation::Foreground),
        Some(o) => Err(format!(
            "error: invalid cascade value ({o}). Must be \"background\", \"foreground\", or \"orphan\"."
        )),
    }
}

pub fn run(ctx: &mut Ctx) -> Output {
    let mut text = String::new();
    let prop = match propagation(ctx, &mut text) {
        Ok(p) => p,
        Err(e) => return fail(e),
    };
    let force = ctx.args.flag("force");
    let mut grace: Option<i64> = match ctx.args.value("grace-period").map(str::parse::<i64>) {
        None => None,
        Some(Ok(g)) if g < 0 => None,
        Some(Ok(g)) => Some(g),
        Some(Err(_)) => {
            return fail("error: invalid argument for --grace-period: must be an integer")
        }
    };
    if ctx.args.flag("now") {
        grace = Some(1);
    }
    // kubectl turns --grace-period=0 into 1 unless --force is given; --force alone means 0.
    if grace == Some(0) && !force {
        grace = Some(1);
    }
    if force && grace.is_none() {
        grace = Some(0);
    }
    let immediate = force && grace == Some(0);
    if immediate {
        text.push_str(FORCE_WARNING);
    }
    let suffix = match ctx.args.value("dry-run") {
        None | Some("none") => "",
        Some("server") => " (server dry run)",
        Some(_) => " (dry run)",
    };
    if ctx.args.has("filename") {
        let mut out = delete_files(ctx, prop, grace, suffix);
        out.text = text + &out.text;
        return out;
    }
    let targets = match parse_targets(&ctx.args.positionals) {
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    if targets.is_empty() {
        return fail(format!(
            "{NO_RESOURCE_ARGS}\nSee 'kubectl delete -h' for help and examples"
        ));
    }
    let label = match ctx.args.value("selector").map(LabelSel::parse).transpose() {
        Ok(s) => s,
        Err(e) => return fail(format!("error: {e}")),
    };
    let fields = match ctx
        .args
        .value("field-selector")
        .map(FieldSel::parse)
        .transpose()
    {
        Ok(s) => s,
        Err(e) => return fail(format!("error: {e}")),
    };
    let ns = ctx.namespace();
    let mut keys: Vec<ObjectKey> = Vec::new();
    let mut all_ok = true;
    if targets.names.is_empty() {
        if label.is_none() && fields.is_none() && !ctx.args.flag("all") {
            return fail("error: resource(s) were provided, but no name was specified\nSee 'kubectl delete -h' for help and examples".to_string());
        }
        let scope = if ctx.all_namespaces() {
            None
        } else {
            Some(ns.as_str())
        };
        for kind in &targets.kinds {
            for o in list(ctx.sim, *kind, scope) {
                if label.as_ref().is_none_or(|l| l.matches(o.meta().labels()))
                    && fields.as_ref().is_none_or(|f| f.matches(o))
                {
                    keys.push(ObjectKey::of(o));
                }
            }
        }
        if keys.is_empty() {
            text.push_str("No resources found\n");
            return Output { text, ok: true };
        }
    } else {
        for (kind, name) in &targets.names {
            match get(ctx.sim, *kind, &ns, name) {
                Some(o) => keys.push(ObjectKey::of(o)),
                None if ctx.args.flag("ignore-not-found") => {}
                None => {
                    text.push_str(&not_found(*kind, name));
                    text.push('\n');
                    all_ok = false;
                }
            }
        }
    }
    let name_output = ctx.args.value("output") == Some("name");
    let mut deleted = Vec::new();
    for key in &keys {
        let verb = if immediate {
            "force deleted"
        } else {
            "deleted"
        };
        if name_output {
            text.push_str(&format!(
                "{}/{}\n",
                key.kind.info().singular_group(),
                key.name
            ));
        } else {
            text.push_str(&format!(
                "{} \"{}\" {verb}{suffix}\n",
                key.kind.info().singular_group(),
                key.name
            ));
        }
        if !suffix.is_empty() {
            continue;
        }
        let uid = ctx
            .sim
            .store()
            .get_obj(key)
            .map(|o| o.meta().uid.clone())
            .unwrap_or_default();
        if key.kind == Kind::Namespace {
            delete_namespace_contents(ctx, &key.name);
        }
        ctx.sim.delete_object(key, grace, prop);
        deleted.push((key.clone(), uid));
    }
    let wait = ctx.args.value("wait").is_none_or(|w| w != "false");
    if wait && !deleted.is_empty() {
        // kubectl waits forever; a script waits for the longest grace period plus a minute.
        let longest_grace = keys
            .iter()
            .filter_map(|k| {
                ctx.sim
                    .store()
                    .get::<crate::engine::model::Pod>(&k.namespace, &k.name)
            })
            .map(|p| grace.unwrap_or_else(|| p.spec.grace_period_secs()).max(0) as u64)
            .max()
            .unwrap_or(0);
        let default_wait = crate::engine::time::SimDuration::from_secs(longest_grace + 60);
        let timeout = match timeout_arg(ctx.args.value("timeout"), default_wait) {
            Ok(t) => t,
            Err(e) => return fail(e),
        };
        // kubectl waits until no object with the deleted uid remains (a recreated pod with the
        // same name has a new uid and does not count).
        let gone = move |sim: &Sim| {
            deleted
                .iter()
                .all(|(k, uid)| sim.store().get_obj(k).is_none_or(|o| &o.meta().uid != uid))
        };
        let check = {
            let gone = gone.clone();
            Box::new(move |sim: &Sim, _: Option<&[Change]>, _: &mut String| gone(sim))
        };
        let waiting = Waiting::start(ctx.sim, timeout, check).after(text);
        let explicit_timeout = ctx.args.has("timeout");
        let then = Box::new(move |sim: &Sim, ended: Ended, mut text: String| {
            if ended != Ended::Done && !gone(sim) {
                if explicit_timeout {
                    text.push_str("error: timed out waiting for the condition\n");
                    return Output { text, ok: false };
                }
                text.push_str(
                    "(kubeplay: the object is still there and nothing in the cluster will remove it soon; kubectl would keep waiting. See `sim why`.)\n",
                );
            }
            Output { text, ok: all_ok }
        });
        return ctx.wait_after_writes(waiting, then);
    }
    Output { text, ok: all_ok }
}

/// The namespace controller's job, done at once: everything in the namespace is deleted.
fn delete_namespace_contents(ctx: &mut Ctx, ns: &str) {
    let keys: Vec<ObjectKey> = Kind::ALL
        .iter()
        .filter(|k| k.info().namespaced)
        .flat_map(|k| {
            list(ctx.sim, *k, Some(ns))
                .into_iter()
                .map(ObjectKey::of)
                .collect::<Vec<_>>()
        })
        .collect();
    for k in keys {
        ctx.sim.delete_object(&k, None, Propagation::Background);
    }
    let _ = Object::kind;
}
