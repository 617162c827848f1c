//! `kubectl label` and `kubectl annotate` (label.go / annotate.go): `k=v` adds, `k-` removes,
//! `--overwrite` to change an existing value; several objects at once.

use super::args::{b, bs, o, v, vs, Flag};
use super::resources::kind_slash_name;
use super::scale::{resolve_keys, update_live};
use super::{fail, Ctx};
use crate::engine::model::Labels;
use crate::script::Output;

pub const FLAGS: &[Flag] = &[
    b("overwrite"),
    b("all"),
    bs("all-namespaces", 'A'),
    vs("selector", 'l'),
    v("field-selector"),
    b("list"),
    b("local"),
    o("dry-run", "client"),
    vs("output", 'o'),
    v("resource-version"),
    vs("filename", 'f'),
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum What {
    Label,
    Annotation,
}

pub fn run_label(ctx: &mut Ctx) -> Output {
    run_with(ctx, What::Label)
}

pub fn run_annotate(ctx: &mut Ctx) -> Output {
    run_with(ctx, What::Annotation)
}

fn valid_label_value(v: &str) -> bool {
    v.len() <= 63
        && (v.is_empty()
            || (v
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
                && v.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
                && v.chars().last().is_some_and(|c| c.is_ascii_alphanumeric())))
}

fn run_with(ctx: &mut Ctx, what: What) -> Output {
    let verb = if what == What::Label {
        "label"
    } else {
        "annotate"
    };
    let mut adds: Vec<(String, String)> = Vec::new();
    let mut removes: Vec<String> = Vec::new();
    let mut resources = Vec::new();
    for a in ctx.args.positionals.clone() {
        if let Some((k, v)) = a.split_once('=') {
            if what == What::Label && !valid_label_value(v) {
                return fail(format!("error: invalid label value: \"{a}\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"));
            }
            adds.push((k.to_string(), v.to_string()));
        } else if let Some(k) = a.strip_suffix('-').filter(|_| !resources.is_empty()) {
            removes.push(k.to_string());
        } else {
            resources.push(a);
        }
    }
    if resources.is_empty() {
        return fail("error: one or more resources must be specified as <resource> <name> or <resource>/<name>");
    }
    if adds.is_empty() && removes.is_empty() && !ctx.args.flag("list") {
        let noun = if what == What::Label {
            "label"
        } else {
            "annotation"
        };
        return fail(format!("error: at least one {noun} update is required"));
    }
    for (k, _) in &adds {
        if removes.contains(k) {
            return fail(format!(
                "error: can not both modify and remove {}s in the same command",
                if what == What::Label {
                    "label"
                } else {
                    "annotation"
                }
            ));
        }
    }
    ctx.args.positionals = resources;
    let (keys, mut text) = match resolve_keys(ctx, verb) {
        Ok(x) => x,
        Err(e) => return fail(e),
    };
    let mut all_ok = text.is_empty();
    let overwrite = ctx.args.flag("overwrite");
    for key in keys {
        let label = kind_slash_name(key.kind, &key.name);
        let (adds, removes) = (adds.clone(), removes.clone());
        let mut notes = String::new();
        let result = update_live(ctx, &key, |obj| {
            let meta = obj.meta_mut();
            let map: &mut Labels = if what == What::Label {
                meta.labels_mut()
            } else {
                meta.annotations_mut()
            };
            if !overwrite {
                let mut conflicts = Vec::new();
                for (k, v) in &adds {
                    if let Some(cur) = map.get(k) {
                        if cur != v {
                            conflicts.push(format!("'{k}' already has a value ({cur})"));
                        }
                    }
                }
                if !conflicts.is_empty() {
                    return Err(if what == What::Label {
                        format!("error: {}, and --overwrite is false", conflicts.join(", "))
                    } else {
                        format!(
                            "error: --overwrite is false but found the following declared annotation(s): {}",
                            conflicts.join("; ")
                        )
                    });
                }
            }
            for k in &removes {
                if map.remove(k).is_none() && what == What::Label {
                    notes.push_str(&format!("label \"{k}\" not found.\n"));
                }
            }
            for (k, v) in &adds {
                map.insert(k.clone(), v.clone());
            }
            Ok(())
        });
        text.push_str(&notes);
        match result {
            Ok(changed) => {
                let msg = match (what, changed) {
                    (What::Label, false) => "not labeled",
                    (What::Label, true) if adds.is_empty() => "unlabeled",
                    (What::Label, true) => "labeled",
                    (What::Annotation, _) => "annotated",
                };
                text.push_str(&format!("{label} {msg}\n"));
            }
            Err(e) => {
                text.push_str(&e);
                text.push('\n');
                all_ok = false;
            }
        }
    }
    Output { text, ok: all_ok }
}
