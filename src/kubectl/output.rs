//! `-o` formats: table (default), wide, yaml, json, name, jsonpath=..., custom-columns=...,
//! plus --show-labels, -L, --no-headers and --sort-by.

use super::jsonpath::Template;
use super::printers;
use super::resources::kind_slash_name;
use super::table::Table;
use super::yaml::{to_json_pretty, to_yaml};
use crate::engine::model::{Kind, Object};
use crate::engine::time::SimTime;
use serde_json::{json, Value};

#[derive(Clone, Debug, PartialEq)]
pub enum Format {
    Table,
    Wide,
    Yaml,
    Json,
    Name,
    JsonPath(String),
    CustomColumns(Vec<(String, String)>),
}

impl Format {
    pub fn parse(text: Option<&str>) -> Result<Format, String> {
        let Some(t) = text else {
            return Ok(Format::Table);
        };
        Ok(match t {
            "" => Format::Table,
            "wide" => Format::Wide,
            "yaml" => Format::Yaml,
            "json" => Format::Json,
            "name" => Format::Name,
            _ => {
                if let Some(p) = t
                    .strip_prefix("jsonpath=")
                    .or_else(|| t.strip_prefix("jsonpath-as-json="))
                {
                    Template::parse(p)
                        .map_err(|e| format!("error: error parsing jsonpath {p}, {e}"))?;
                    Format::JsonPath(p.to_string())
                } else if let Some(spec) = t.strip_prefix("custom-columns=") {
                    let mut cols = Vec::new();
                    for part in spec.split(',') {
                        let Some((h, p)) = part.split_once(':') else {
                            return Err(format!(
                                "error: unexpected custom-columns spec: {part}, expected <header>:<json-path-expr>"
                            ));
                        };
                        cols.push((h.to_string(), p.to_string()));
                    }
                    Format::CustomColumns(cols)
                } else if [
                    "go-template",
                    "template",
                    "templatefile",
                    "go-template-file",
                    "jsonpath-file",
                    "custom-columns-file",
                ]
                .iter()
                .any(|f| t == *f || t.starts_with(&format!("{f}=")))
                {
                    return Err(format!(
                        "error: kubeplay does not support -o {} (a real kubectl format); use -o jsonpath=... or -o custom-columns=... instead",
                        t.split('=').next().unwrap_or(t)
                    ));
                } else {
                    return Err(format!(
                        "error: unable to match a printer suitable for the output format \"{t}\", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml"
                    ));
                }
            }
        })
    }
    pub fn is_table(&self) -> bool {
        matches!(self, Format::Table | Format::Wide)
    }
}

/// Options that shape a table.
#[derive(Clone, Debug, Default)]
pub struct TableOpts {
    pub wide: bool,
    pub with_kind: bool,
    pub with_namespace: bool,
    pub show_labels: bool,
    pub label_columns: Vec<String>,
    pub no_headers: bool,
}

/// Header row and value rows for objects of one kind.
pub fn table_for(kind: Kind, objs: &[&Object], now: SimTime, o: &TableOpts) -> Table {
    let mut headers: Vec<String> = Vec::new();
    if o.with_namespace {
        headers.push("NAMESPACE".into());
    }
    headers.extend(
        printers::headers(kind, o.wide)
            .into_iter()
            .map(String::from),
    );
    for l in &o.label_columns {
        headers.push(l.rsplit('/').next().unwrap_or(l).to_ascii_uppercase());
    }
    if o.show_labels {
        headers.push("LABELS".into());
    }
    let mut t = Table {
        headers,
        rows: Vec::new(),
    };
    for obj in objs {
        let mut r = printers::row(obj, now, o.wide);
        if o.with_kind && kind != Kind::Event {
            if let Some(first) = r.first_mut() {
                *first = kind_slash_name(kind, first);
            }
        }
        if o.with_namespace {
            r.insert(0, obj.meta().namespace.clone());
        }
        for l in &o.label_columns {
            r.push(obj.meta().labels().get(l).cloned().unwrap_or_default());
        }
        if o.show_labels {
            let text: Vec<String> = obj
                .meta()
                .labels()
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            r.push(if text.is_empty() {
                "<none>".into()
            } else {
                text.join(",")
            });
        }
        t.push(r);
    }
    t
}

/// The object as the API server returns it. Fills the few fields the API always writes but
/// our typed model leaves empty (a Service's `status: {loadBalancer: {}}`).
pub fn object_json(o: &Object) -> Value {
    let mut v = o.to_json();
    if let Some(map) = v.as_object_mut() {
        if o.kind() == Kind::Service && map.get("status").is_none_or(Value::is_null) {
            map.insert("status".into(), json!({"loadBalancer": {}}));
        }
    }
    v
}

/// A kubectl `List` wrapping several objects (what `-o yaml` prints for a listing).
pub fn list_value(objs: &[&Object]) -> Value {
    json!({
        "apiVersion": "v1",
        "items": objs.iter().map(|o| object_json(o)).collect::<Vec<_>>(),
        "kind": "List",
        "metadata": {"resourceVersion": ""}
    })
}

/// Go's `%v` of an unstructured value, as custom-columns prints maps and lists.
pub fn go_value(v: &Value) -> String {
    match v {
        Value::Null => "<nil>".into(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Array(a) => format!("[{}]", a.iter().map(go_value).collect::<Vec<_>>().join(" ")),
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            crate::engine::stable_sort::sort(&mut keys);
            let parts: Vec<String> = keys
                .iter()
                .map(|k| format!("{k}:{}", go_value(&m[*k])))
                .collect();
            format!("map[{}]", parts.join(" "))
        }
    }
}

pub fn custom_columns(
    cols: &[(String, String)],
    objs: &[&Object],
    no_headers: bool,
) -> Result<String, String> {
    Ok(custom_columns_table(cols, objs)?.render(no_headers))
}

/// The custom-columns table (header and one row per object), unrendered.
pub fn custom_columns_table(cols: &[(String, String)], objs: &[&Object]) -> Result<Table, String> {
    let mut templates = Vec::new();
    for (_, p) in cols {
        let expr = if p.starts_with('{') {
            p.clone()
        } else {
            format!("{{{p}}}")
        };
        templates.push(Template::parse(&expr).map_err(|e| format!("error: {e}"))?);
    }
    let mut t = Table {
        headers: cols.iter().map(|(h, _)| h.clone()).collect(),
        rows: Vec::new(),
    };
    for obj in objs {
        let data = object_json(obj);
        let row = templates
            .iter()
            .map(|tpl| {
                let vals = tpl.values(&data);
                if vals.is_empty() || vals.iter().all(Value::is_null) {
                    "<none>".to_string()
                } else {
                    vals.iter().map(go_value).collect::<Vec<_>>().join(",")
                }
            })
            .collect();
        t.push(row);
    }
    Ok(t)
}

/// Renders objects in a non-table format. `single` is true when one object was asked for by
/// name (yaml/json then print the object itself, not a List).
pub fn render_objects(
    format: &Format,
    objs: &[&Object],
    single: bool,
    no_headers: bool,
) -> Result<String, String> {
    let data = || {
        if single && objs.len() == 1 {
            object_json(objs[0])
        } else {
            list_value(objs)
        }
    };
    Ok(match format {
        Format::Yaml => to_yaml(&data()),
        Format::Json => to_json_pretty(&data()),
        Format::Name => objs
            .iter()
            .map(|o| kind_slash_name(o.kind(), &o.meta().name) + "\n")
            .collect(),
        Format::JsonPath(p) => {
            let t = Template::parse(p).map_err(|e| format!("error: {e}"))?;
            t.execute(&data()).map_err(|e| format!("error: {e}"))?
        }
        Format::CustomColumns(cols) => custom_columns(cols, objs, no_headers)?,
        Format::Table | Format::Wide => String::new(),
    })
}

/// Sorts objects by a JSONPath field (`--sort-by=.metadata.creationTimestamp`).
pub fn sort_by(objs: &mut [&Object], field: &str) -> Result<(), String> {
    let expr = if field.starts_with('{') {
        field.to_string()
    } else {
        format!("{{{field}}}")
    };
    let t = Template::parse(&expr).map_err(|e| format!("error: {e}"))?;
    let mut keyed: Vec<(Option<Value>, usize)> = objs
        .iter()
        .enumerate()
        .map(|(i, o)| (t.values(&object_json(o)).into_iter().next(), i))
        .collect();
    crate::engine::stable_sort::sort_by(&mut keyed, |a, b| {
        compare_values(&a.0, &b.0).then(a.1.cmp(&b.1))
    });
    let original: Vec<&Object> = objs.to_vec();
    for (slot, (_, i)) in keyed.into_iter().enumerate() {
        objs[slot] = original[i];
    }
    Ok(())
}

fn compare_values(a: &Option<Value>, b: &Option<Value>) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, _) => Ordering::Less,
        (_, None) => Ordering::Greater,
        (Some(Value::Number(x)), Some(Value::Number(y))) => x
            .as_f64()
            .unwrap_or(0.0)
            .partial_cmp(&y.as_f64().unwrap_or(0.0))
            .unwrap_or(Ordering::Equal),
        (Some(x), Some(y)) => super::jsonpath::text_of(x).cmp(&super::jsonpath::text_of(y)),
    }
}
