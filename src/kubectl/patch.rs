//! `kubectl patch`: JSON merge patch (RFC 7386), strategic merge for the common cases (lists
//! of named items merge by name), and JSON patch (RFC 6902); `--subresource=scale`.

use super::apply::{decode_object, Admission};
use super::args::{o, v, vs, Flag};
use super::resources::{get, kind_slash_name, not_found, parse_targets};
use super::{fail, Ctx};
use crate::script::Output;
use serde_json::Value;

pub const FLAGS: &[Flag] = &[
    vs("patch", 'p'),
    v("type"),
    o("dry-run", "client"),
    vs("output", 'o'),
    v("subresource"),
    vs("filename", 'f'),
    v("patch-file"),
];

fn merge(target: &mut Value, patch: &Value, strategic: bool) {
    let Some(p) = patch.as_object() else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Default::default());
    }
    let Some(t) = target.as_object_mut() else {
        return;
    };
    for (k, pv) in p {
        if pv.is_null() {
            t.remove(k);
            continue;
        }
        match (t.get_mut(k), pv) {
            (Some(tv), Value::Object(_)) => merge(tv, pv, strategic),
            (Some(Value::Array(ta)), Value::Array(pa))
                if strategic && pa.iter().all(|x| x.get("name").is_some()) =>
            {
                for item in pa {
                    let name = item.get("name").cloned();
                    match ta.iter_mut().find(|x| x.get("name") == name.as_ref()) {
                        Some(existing) => merge(existing, item, true),
                        None => ta.push(item.clone()),
                    }
                }
            }
            _ => {
                t.insert(k.clone(), pv.clone());
            }
        }
    }
}

fn pointer_parts(path: &str) -> Vec<String> {
    path.split('/')
        .skip(1)
        .map(|p| p.replace("~1", "/").replace("~0", "~"))
        .collect()
}

fn json_patch(target: &mut Value, ops: &Value) -> Result<(), String> {
    let Some(list) = ops.as_array() else {
        return Err("error: unable to parse JSON patch: expected a list of operations".into());
    };
    for op in list {
        let kind = op.get("op").and_then(Value::as_str).unwrap_or_default();
        let path = op.get("path").and_then(Value::as_str).unwrap_or_default();
        let parts = pointer_parts(path);
        let Some((last, parents)) = parts.split_last() else {
            return Err(format!("error: invalid JSON patch path {path:?}"));
        };
        let parent_path: String = parents
            .iter()
            .map(|p| format!("/{}", p.replace('~', "~0").replace('/', "~1")))
            .collect();
        let missing =
            || format!("The request is invalid: doc is missing path: \"{path}\": missing value");
        let parent = target.pointer_mut(&parent_path).ok_or_else(missing)?;
        let value = op.get("value").cloned().unwrap_or(Value::Null);
        match (kind, parent) {
            ("add" | "replace", Value::Object(m)) => {
                if kind == "replace" && !m.contains_key(last) {
                    return Err(missing());
                }
                m.insert(last.clone(), value);
            }
            ("add" | "replace", Value::Array(a)) => {
                let idx = if last == "-" {
                    a.len()
                } else {
                    last.parse::<usize>().map_err(|_| missing())?
                };
                if kind == "add" && idx <= a.len() {
                    a.insert(idx, value);
                } else if let Some(slot) = a.get_mut(idx) {
                    *slot = value;
                } else {
                    return Err(missing());
                }
            }
            ("remove", Value::Object(m)) => {
                m.remove(last).ok_or_else(missing)?;
            }
            ("remove", Value::Array(a)) => {
                let idx = last.parse::<usize>().map_err(|_| missing())?;
                if idx >= a.len() {
                    return Err(missing());
                }
                a.remove(idx);
            }
            ("test", p) => {
                let cur = p
                    .get(last.as_str())
                    .or_else(|| last.parse::<usize>().ok().and_then(|i| p.get(i)));
                if cur != Some(&value) {
                    return Err(format!(
                        "The request is invalid: the test operation on {path} failed"
                    ));
                }
            }
            (other, _) => return Err(format!("error: unsupported JSON patch operation {other:?}")),
        }
    }
    Ok(())
}

pub fn run(ctx: &mut Ctx) -> Output {
    let targets = match parse_targets(&ctx.args.positionals) {
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    let Some((kind, name)) = targets.names.first().cloned() else {
        return fail("error: You must provide one or more resources by argument or filename.");
    };
    let from_file = match ctx.args.value("patch-file") {
        Some(path) => match read_patch_file(path) {
            Ok(t) => Some(t),
            Err(e) => return fail(e),
        },
        None => None,
    };
    let Some(text) = ctx.args.value("patch").map(str::to_string).or(from_file) else {
        return fail(
            "error: must specify --patch or --patch-file containing the contents of the patch",
        );
    };
    let patch: Value = match serde_json::from_str(&text)
        .or_else(|_| crate::engine::manifest::yaml::to_json(&text))
    {
        Ok(p) => p,
        Err(e) => return fail(format!("error: unable to parse \"{text}\": {e}")),
    };
    let ns = ctx.namespace();
    let Some(live) = get(ctx.sim, kind, &ns, &name).cloned() else {
        return fail(not_found(kind, &name));
    };
    let label = kind_slash_name(kind, &name);
    let mut doc = live.to_json();
    if ctx.args.value("subresource") == Some("scale") {
        let Some(r) = patch.pointer("/spec/replicas").and_then(Value::as_i64) else {
            return fail(format!("{label} patched (no change)"));
        };
        if r < 0 {
            return fail(format!("The Scale \"{name}\" is invalid: spec.replicas: Invalid value: {r}: must be greater than or equal to 0"));
        }
        doc["spec"]["replicas"] = Value::from(r);
    } else {
        match ctx.args.value("type").unwrap_or("strategic") {
            "merge" => merge(&mut doc, &patch, false),
            "strategic" => merge(&mut doc, &patch, true),
            "json" => {
                if let Err(e) = json_patch(&mut doc, &patch) {
                    return fail(e);
                }
            }
            other => {
                return fail(format!(
                    "error: --type must be one of [json merge strategic], not \"{other}\""
                ));
            }
        }
    }
    let Some(mut new) = decode_object(doc) else {
        return fail(format!(
            "Error from server (BadRequest): the patch for {label} does not decode as a {}",
            kind.info().name
        ));
    };
    // The API server decodes the patched object, defaults it and keeps the stored status (and
    // for a Service drops what its new type no longer uses), then validates. The stored object
    // is compared once defaulted too: what the engine wrote itself may lack a default that
    // decoding fills, which is no change the user made.
    Admission::prepare_update(&live, &mut new);
    let mut current = live.clone();
    Admission::default(&mut current);
    if new.to_json() == current.to_json() {
        return Output::ok(format!("{label} patched (no change)\n"));
    }
    if let Err(e) = Admission::check_update(ctx.sim, &current, &new) {
        return fail(e.kubectl_text(None));
    }
    let dry = ctx.args.value("dry-run").is_some_and(|d| d != "none");
    if !dry {
        ctx.sim.update_object(new);
    }
    Output::ok(format!("{label} patched\n"))
}

#[cfg(not(target_arch = "wasm32"))]
fn read_patch_file(path: &str) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|_| {
        format!("error: unable to read patch file: open {path}: no such file or directory")
    })
}

#[cfg(target_arch = "wasm32")]
fn read_patch_file(path: &str) -> Result<String, String> {
    Err(format!("error: unable to read patch file: open {path}: no such file or directory (in the browser, pass the patch with -p)"))
}
