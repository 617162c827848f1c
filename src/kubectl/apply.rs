//! `kubectl apply -f`, `create -f`, `replace -f` and `delete -f`: manifests from a heredoc
//! (`-f -`), a file or a directory; each document applied or refused on its own.
//!
//! apply = create when absent; otherwise a three-way merge of the last applied configuration,
//! the new manifest and the live object (kubectl's client-side apply), so fields other actors
//! own (status, a Service's clusterIP, replicas set by `kubectl scale` when the manifest never
//! set them) survive. All calls into the manifest module (defaults, validation, error text) are
//! in [`Admission`], so the API-server side lives in one place.

use super::args::{b, bs, o, v, vs, Flag};
use super::resources::kind_slash_name;
use super::{fail, Ctx};
use crate::engine::action::Propagation;
use crate::engine::manifest::{self, ApiError, Document};
use crate::engine::model::{Kind, Object};
use crate::engine::store::ObjectKey;
use crate::engine::Sim;
use crate::script::Output;
use serde_json::{Map, Value};

pub const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

pub const APPLY_FLAGS: &[Flag] = &[
    vs("filename", 'f'),
    bs("recursive", 'R'),
    o("dry-run", "client"),
    o("validate", "strict"),
    vs("output", 'o'),
    b("server-side"),
    b("force-conflicts"),
    v("field-manager"),
    b("prune"),
    vs("selector", 'l'),
    b("overwrite"),
    b("force"),
    v("grace-period"),
    b("wait"),
    b("save-config"),
    vs("kustomize", 'k'),
];

/// One manifest source: its name as kubectl prints it (`STDIN` or the path) and its text.
pub struct Source {
    pub name: String,
    pub text: String,
}

/// Reads every `-f` argument. Directories contribute their .yaml/.yml/.json files in name order.
pub fn read_sources(ctx: &Ctx) -> Result<Vec<Source>, String> {
    let files = ctx.args.values("filename");
    if files.is_empty() {
        return Err("error: must specify one of -f and -k".into());
    }
    let mut out = Vec::new();
    for f in files {
        if f == "-" {
            out.push(Source {
                name: "STDIN".into(),
                text: ctx.stdin.unwrap_or_default().to_string(),
            });
            continue;
        }
        read_path(&f, &mut out)?;
    }
    for src in &mut out {
        if let Some(expanded) = expand_lists(&src.text) {
            src.text = expanded;
        }
    }
    Ok(out)
}

/// kubectl accepts `kind: List` documents (what `kubectl get -o yaml` prints) and applies each
/// item; returns the text with such lists replaced by their items, or None when there are none.
fn expand_lists(text: &str) -> Option<String> {
    let chunks = manifest::yaml::split_documents(text);
    let values: Vec<Option<Value>> = chunks
        .iter()
        .map(|c| manifest::yaml::parse_chunk(c).ok().map(|p| p.value))
        .collect();
    let is_list = |v: &Option<Value>| {
        v.as_ref().is_some_and(|v| {
            v.get("kind").and_then(Value::as_str) == Some("List")
                && v.get("items").is_some_and(Value::is_array)
        })
    };
    if !values.iter().any(is_list) {
        return None;
    }
    let mut docs: Vec<String> = Vec::new();
    for (chunk, value) in chunks.iter().zip(&values) {
        match value {
            Some(v) if is_list(value) => {
                for item in v
                    .get("items")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    docs.push(super::yaml::to_yaml(item));
                }
            }
            _ => docs.push(chunk.text.to_string()),
        }
    }
    Some(docs.join("---\n"))
}

#[cfg(not(target_arch = "wasm32"))]
fn read_path(path: &str, out: &mut Vec<Source>) -> Result<(), String> {
    let p = std::path::Path::new(path);
    if p.is_dir() {
        let mut entries: Vec<std::path::PathBuf> = std::fs::read_dir(p)
            .map_err(|e| format!("error: {e}"))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.extension()
                    .is_some_and(|x| x == "yaml" || x == "yml" || x == "json")
            })
            .collect();
        crate::engine::stable_sort::sort(&mut entries);
        for e in entries {
            let text = std::fs::read_to_string(&e).map_err(|err| format!("error: {err}"))?;
            out.push(Source {
                name: e.to_string_lossy().into_owned(),
                text,
            });
        }
        return Ok(());
    }
    match std::fs::read_to_string(p) {
        Ok(text) => {
            out.push(Source {
                name: path.to_string(),
                text,
            });
            Ok(())
        }
        Err(_) => Err(format!("error: the path \"{path}\" does not exist")),
    }
}

#[cfg(target_arch = "wasm32")]
fn read_path(path: &str, _out: &mut Vec<Source>) -> Result<(), String> {
    Err(format!(
        "error: the path \"{path}\" does not exist (in the browser, paste the manifest with `kubectl apply -f - <<EOF`)"
    ))
}

/// The API server's side of a write: defaults, validation and error text.
pub struct Admission;

impl Admission {
    pub fn default(obj: &mut Object) {
        manifest::apply_defaults(obj);
    }
    /// A new object: client-sent status dropped, then defaults.
    pub fn prepare_create(obj: &mut Object) {
        manifest::prepare_for_create(obj);
    }
    /// An update: the stored status kept (status is a subresource), then defaults.
    pub fn prepare_update(live: &Object, new: &mut Object) {
        manifest::prepare_for_update(live, new);
    }
    pub fn validate_create(doc: Option<&Document>, obj: &Object) -> Result<(), ApiError> {
        manifest::validate_create(obj).map_err(|mut e| {
            if let Some(d) = doc {
                e.attach_lines(&d.paths);
            }
            e
        })
    }
    pub fn validate_update(old: &Object, new: &Object) -> Result<(), ApiError> {
        manifest::validate_update(old, new)
    }
    /// Everything a create goes through before it is stored: the allocators first (the
    /// Service storage's BeginCreate), then validation, as upstream.
    pub fn check_create(sim: &Sim, doc: Option<&Document>, obj: &Object) -> Result<(), ApiError> {
        sim.admit_service_create(obj)?;
        Self::validate_create(doc, obj)
    }
    /// The same for an update (the storage's beginUpdate, then validation).
    pub fn check_update(sim: &Sim, live: &Object, new: &Object) -> Result<(), ApiError> {
        sim.admit_service_update(live, new)?;
        Self::validate_update(live, new)
    }
    pub fn error_text(e: &ApiError, verb: &str, source: &str) -> String {
        e.kubectl_text(Some((verb, source)))
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Apply,
    Create,
    Replace,
}

pub fn run_apply(ctx: &mut Ctx) -> Output {
    run_mode(ctx, Mode::Apply)
}

pub fn run_replace(ctx: &mut Ctx) -> Output {
    run_mode(ctx, Mode::Replace)
}

/// `kubectl create -f`.
pub fn run_create_files(ctx: &mut Ctx) -> Output {
    run_mode(ctx, Mode::Create)
}

fn dry_run_suffix(ctx: &Ctx) -> Result<&'static str, String> {
    match ctx.args.value("dry-run") {
        None | Some("none") => Ok(""),
        Some("client") | Some("true") => Ok(" (dry run)"),
        Some("server") => Ok(" (server dry run)"),
        Some(other) => Err(format!(
            "error: Invalid dry-run value ({other}). Must be \"none\", \"server\", or \"client\"."
        )),
    }
}

/// Whether unknown fields are refused (kubectl's default `--validate=strict`) or only warned.
fn strict(ctx: &Ctx) -> Result<Option<bool>, String> {
    match ctx.args.value("validate") {
        None | Some("true") | Some("strict") => Ok(Some(true)),
        Some("warn") => Ok(Some(false)),
        Some("false") | Some("ignore") => Ok(None),
        Some(o) => Err(format!("error: invalid - validate option \"{o}\"; must be one of: strict (or true), warn, ignore (or false)")),
    }
}

fn run_mode(ctx: &mut Ctx, mode: Mode) -> Output {
    let sources = match read_sources(ctx) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let (suffix, strictness) = match (dry_run_suffix(ctx), strict(ctx)) {
        (Ok(s), Ok(v)) => (s, v),
        (Err(e), _) | (_, Err(e)) => return fail(e),
    };
    let mut text = String::new();
    let mut all_ok = true;
    let mut count = 0;
    for src in &sources {
        let docs = match manifest::parse_documents(&src.text) {
            Ok(d) => d,
            Err(e) => {
                text.push_str(&e.kubectl_text(&src.name));
                text.push('\n');
                all_ok = false;
                continue;
            }
        };
        let chunks = manifest::yaml::split_documents(&src.text);
        for doc in &docs {
            count += 1;
            let obj = match &doc.object {
                Ok(o) => o.clone(),
                Err(e) => {
                    text.push_str(&e.kubectl_text(&src.name));
                    text.push('\n');
                    all_ok = false;
                    if e.stops_stream() {
                        break;
                    }
                    continue;
                }
            };
            let raw = chunks
                .get(doc.index)
                .and_then(|c| manifest::yaml::parse_chunk(c).ok())
                .map(|p| p.value)
                .unwrap_or(Value::Null);
            match strictness {
                Some(true) => {
                    if let Some(e) = doc.strict_error() {
                        let verb = if mode == Mode::Replace {
                            "replacing"
                        } else {
                            "creating"
                        };
                        text.push_str(&Admission::error_text(&e, verb, &src.name));
                        text.push('\n');
                        all_ok = false;
                        continue;
                    }
                }
                Some(false) => {
                    for w in &doc.warnings {
                        text.push_str(&format!("Warning: {w}\n"));
                    }
                }
                None => {}
            }
            match write_one(ctx, mode, doc, obj, raw, &src.name, suffix) {
                Ok(line) => text.push_str(&line),
                Err(line) => {
                    text.push_str(&line);
                    all_ok = false;
                }
            }
            text.push('\n');
        }
    }
    if count == 0 && all_ok {
        let verb = match mode {
            Mode::Apply => "apply",
            Mode::Create => "create",
            Mode::Replace => "replace",
        };
        return fail(format!("error: no objects passed to {verb}"));
    }
    Output { text, ok: all_ok }
}

/// The namespace an object goes to, or kubectl's mismatch error.
fn target_namespace(ctx: &Ctx, obj: &Object) -> Result<String, String> {
    if !obj.kind().info().namespaced {
        return Ok(String::new());
    }
    let own = obj.meta().namespace.clone();
    match (own.is_empty(), ctx.explicit_namespace()) {
        (true, _) => Ok(ctx.namespace()),
        (false, Some(n)) if n != own => Err(format!(
            "error: the namespace from the provided object \"{own}\" does not match the namespace \"{n}\". You must pass '--namespace={own}' to perform this operation."
        )),
        _ => Ok(own),
    }
}

/// kubectl's last-applied-configuration: the manifest as JSON with sorted keys, the
/// namespace filled in and the annotation itself left out.
fn last_applied_json(raw: &Value, namespace: &str) -> String {
    let mut v = raw.clone();
    if let Some(meta) = v.get_mut("metadata").and_then(Value::as_object_mut) {
        if !namespace.is_empty() {
            meta.insert("namespace".into(), Value::String(namespace.into()));
        }
        let mut ann = meta
            .get("annotations")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        ann.remove(LAST_APPLIED);
        meta.insert("annotations".into(), Value::Object(ann));
    }
    super::yaml::to_json_compact(&v) + "\n"
}

fn write_one(
    ctx: &mut Ctx,
    mode: Mode,
    doc: &Document,
    mut obj: Object,
    raw: Value,
    source: &str,
    suffix: &str,
) -> Result<String, String> {
    let ns = target_namespace(ctx, &obj)?;
    obj.meta_mut().namespace = ns.clone();
    let kind = obj.kind();
    let name = obj.meta().name.clone();
    let label = kind_slash_name(kind, &name);
    if !ns.is_empty()
        && ctx
            .sim
            .store()
            .get::<crate::engine::model::Namespace>("", &ns)
            .is_none()
    {
        let verb = if mode == Mode::Replace {
            "replacing"
        } else {
            "creating"
        };
        return Err(format!("Error from server (NotFound): error when {verb} \"{source}\": namespaces \"{ns}\" not found"));
    }
    let key = ObjectKey::new(kind, &ns, &name);
    let live = ctx.sim.store().get_obj(&key).cloned();
    let dry = !suffix.is_empty();
    match (mode, live) {
        (Mode::Apply, None) | (Mode::Create, None) => {
            if name.is_empty() && obj.meta().generate_name.is_none() {
                return Err(format!(
                    "error: error when retrieving current configuration of:\nResource: \"{}\", GroupVersionKind: \"{}, Kind={}\"\nName: \"\", Namespace: \"{ns}\"\nfrom server for: \"{source}\": resource name may not be empty",
                    kind.info().resource_group(),
                    kind.info().api_version(),
                    kind.info().name
                ));
            }
            if mode == Mode::Apply || ctx.args.flag("save-config") {
                obj.meta_mut().annotations_mut().insert(LAST_APPLIED.into(), last_applied_json(&raw, &ns));
            }
            Admission::prepare_create(&mut obj);
            Admission::check_create(ctx.sim, Some(doc), &obj).map_err(|e| Admission::error_text(&e, "creating", source))?;
            if !dry {
                let key = ctx.sim.create_object(obj);
                return Ok(format!("{} created{suffix}", kind_slash_name(kind, &key.name)));
            }
            Ok(format!("{label} created{suffix}"))
        }
        (Mode::Create, Some(_)) => Err(format!(
            "Error from server (AlreadyExists): error when creating \"{source}\": {} \"{name}\" already exists",
            kind.info().resource_group()
        )),
        (Mode::Replace, None) => Err(format!(
            "Error from server (NotFound): error when replacing \"{source}\": {} \"{name}\" not found",
            kind.info().resource_group()
        )),
        (Mode::Replace, Some(live)) => {
            let mut new = obj;
            carry_server_fields(&live, &mut new);
            Admission::prepare_update(&live, &mut new);
            Admission::check_update(ctx.sim, &live, &new).map_err(|e| Admission::error_text(&e, "replacing", source))?;
            if !dry {
                ctx.sim.update_object(new);
            }
            Ok(format!("{label} replaced{suffix}"))
        }
        (Mode::Apply, Some(live)) => {
            let merged = three_way(&live, &raw, &ns)?;
            let Some(mut new) = decode_object(merged) else {
                return Err(format!("error: unable to apply {label}: the merged object is not a valid {}", kind.info().name));
            };
            Admission::prepare_update(&live, &mut new);
            Admission::check_update(ctx.sim, &live, &new).map_err(|e| Admission::error_text(&e, "patching", source))?;
            if same_object(&live, &new) {
                return Ok(format!("{label} unchanged{suffix}"));
            }
            if !dry {
                ctx.sim.update_object(new);
            }
            Ok(format!("{label} configured{suffix}"))
        }
    }
}

/// Equal apart from what the server changes on every write.
fn same_object(a: &Object, b: &Object) -> bool {
    let mut a = a.to_json();
    let mut b = b.to_json();
    for v in [&mut a, &mut b] {
        if let Some(m) = v.pointer_mut("/metadata").and_then(Value::as_object_mut) {
            m.remove("resourceVersion");
            m.remove("generation");
            m.remove("managedFields");
        }
    }
    a == b
}

/// Keeps what the server owns when a whole object is replaced.
fn carry_server_fields(live: &Object, new: &mut Object) {
    let (lm, nm) = (live.meta().clone(), new.meta_mut());
    nm.uid = lm.uid;
    nm.creation_timestamp = lm.creation_timestamp;
    nm.owner_references = if nm.owner_references.is_empty() {
        lm.owner_references
    } else {
        nm.owner_references.clone()
    };
    nm.finalizers = if nm.finalizers.is_empty() {
        lm.finalizers
    } else {
        nm.finalizers.clone()
    };
    if let (Object::Service(l), Object::Service(n)) = (live, new) {
        if n.spec.cluster_ip.is_none() {
            n.spec.cluster_ip = l.spec.cluster_ip.clone();
            n.spec.cluster_ips = l.spec.cluster_ips.clone();
        }
    }
}

pub fn decode_object(v: Value) -> Option<Object> {
    manifest::decode::decode(v).ok().map(|d| d.object)
}

/// Three-way merge: `live` patched with the change from the last applied configuration to the
/// new manifest. Lists are replaced whole (a simplification of strategic merge).
fn three_way(live: &Object, raw: &Value, ns: &str) -> Result<Value, String> {
    let mut live_json = live.to_json();
    let last: Value = live
        .meta()
        .annotations()
        .get(LAST_APPLIED)
        .and_then(|s| serde_json::from_str(s).ok())
        .unwrap_or(Value::Object(Map::new()));
    let mut new = raw.clone();
    if let Some(meta) = new.get_mut("metadata").and_then(Value::as_object_mut) {
        if !ns.is_empty() {
            meta.insert("namespace".into(), Value::String(ns.into()));
        }
    }
    merge(&mut live_json, &last, &new, 0);
    if let Some(meta) = live_json.get_mut("metadata").and_then(Value::as_object_mut) {
        let ann = meta
            .entry("annotations")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(a) = ann.as_object_mut() {
            a.insert(
                LAST_APPLIED.into(),
                Value::String(last_applied_json(raw, ns)),
            );
        }
    }
    Ok(live_json)
}

fn merge(live: &mut Value, last: &Value, new: &Value, depth: usize) {
    let (Some(live_map), Some(new_map)) = (live.as_object_mut(), new.as_object()) else {
        *live = new.clone();
        return;
    };
    let empty = Map::new();
    let last_map = last.as_object().unwrap_or(&empty);
    for (k, nv) in new_map {
        if depth == 0 && k == "status" {
            continue;
        }
        match (live_map.get_mut(k), nv) {
            (Some(lv), Value::Object(_)) if lv.is_object() => {
                merge(lv, last_map.get(k).unwrap_or(&Value::Null), nv, depth + 1);
            }
            _ => {
                live_map.insert(k.clone(), nv.clone());
            }
        }
    }
    for k in last_map.keys() {
        if !new_map.contains_key(k) && !(depth == 0 && (k == "status" || k == "metadata")) {
            live_map.remove(k);
        }
    }
}

/// `kubectl delete -f`: deletes what each document names.
pub fn delete_files(
    ctx: &mut Ctx,
    propagation: Propagation,
    grace: Option<i64>,
    suffix: &str,
) -> Output {
    let sources = match read_sources(ctx) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let mut text = String::new();
    let mut all_ok = true;
    let ignore_nf = ctx.args.flag("ignore-not-found");
    for src in &sources {
        let docs = match manifest::parse_documents(&src.text) {
            Ok(d) => d,
            Err(e) => return fail(e.kubectl_text(&src.name)),
        };
        for doc in docs {
            let obj = match doc.object {
                Ok(o) => o,
                Err(e) => {
                    text.push_str(&e.kubectl_text(&src.name));
                    text.push('\n');
                    all_ok = false;
                    continue;
                }
            };
            let ns = match target_namespace(ctx, &obj) {
                Ok(n) => n,
                Err(e) => {
                    text.push_str(&e);
                    text.push('\n');
                    all_ok = false;
                    continue;
                }
            };
            let kind: Kind = obj.kind();
            let name = obj.meta().name.clone();
            let key = ObjectKey::new(kind, &ns, &name);
            if !ctx.sim.store().contains(&key) {
                if !ignore_nf {
                    text.push_str(&format!(
                        "Error from server (NotFound): error when deleting \"{}\": {} \"{name}\" not found\n",
                        src.name,
                        kind.info().resource_group()
                    ));
                    all_ok = false;
                }
                continue;
            }
            if suffix.is_empty() {
                ctx.sim.delete_object(&key, grace, propagation);
            }
            text.push_str(&format!(
                "{} \"{name}\" deleted{suffix}\n",
                kind.info().singular_group()
            ));
        }
    }
    Output { text, ok: all_ok }
}
