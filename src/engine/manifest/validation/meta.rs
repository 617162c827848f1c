//! ObjectMeta, labels, annotations and label selectors (`ValidateObjectMeta`,
//! `ValidateLabels`, `ValidateAnnotations`, `ValidateLabelSelector`).

use super::super::errors::{render_json, render_str, FieldError};
use super::names;
use crate::engine::model::{Kind, LabelSelector, Labels, ObjectMeta};
use serde_json::{json, Map, Value};

/// Which name rule a kind's `metadata.name` follows.
fn name_rule(kind: Kind) -> fn(&str) -> Vec<String> {
    match kind {
        // StatefulSet names become pod hostnames; 1.36 checks them as DNS labels
        // (SC-49: "must not contain dots", "must be no more than 63 characters").
        Kind::StatefulSet | Kind::Namespace => names::dns1123_label,
        Kind::Service => names::dns1035_label,
        _ => names::dns1123_subdomain,
    }
}

pub fn validate_object_meta(kind: Kind, meta: &ObjectMeta, errs: &mut Vec<FieldError>) {
    if let Some(prefix) = meta.generate_name.as_deref().filter(|g| !g.is_empty()) {
        // A prefix may end with '-' (`web-`): checked as if that dash were a letter.
        let masked = match prefix.strip_suffix('-') {
            Some(head) => format!("{head}a"),
            None => prefix.to_string(),
        };
        for msg in name_rule(kind)(&masked) {
            errs.push(FieldError::invalid(
                "metadata.generateName",
                render_str(prefix),
                &msg,
            ));
        }
    }
    if meta.name.is_empty() {
        if meta.generate_name.as_deref().unwrap_or("").is_empty() {
            errs.push(FieldError::required(
                "metadata.name",
                "name or generateName is required",
            ));
        }
    } else {
        for msg in name_rule(kind)(&meta.name) {
            errs.push(FieldError::invalid(
                "metadata.name",
                render_str(&meta.name),
                &msg,
            ));
        }
    }
    if kind.info().namespaced && !meta.namespace.is_empty() {
        for msg in names::dns1123_label(&meta.namespace) {
            errs.push(FieldError::invalid(
                "metadata.namespace",
                render_str(&meta.namespace),
                &msg,
            ));
        }
    }
    validate_labels(meta.labels(), "metadata.labels", errs);
    validate_annotations(meta.annotations(), "metadata.annotations", errs);
}

pub fn validate_labels(labels: &Labels, path: &str, errs: &mut Vec<FieldError>) {
    for (k, v) in labels {
        for msg in names::qualified_name(k) {
            errs.push(FieldError::invalid(path, render_str(k), &msg));
        }
        // Upstream reports a bad value at the map's path, not at the key.
        for msg in names::label_value(v) {
            errs.push(FieldError::invalid(path, render_str(v), &msg));
        }
    }
}

const TOTAL_ANNOTATION_SIZE_LIMIT: usize = 256 * 1024;

pub fn validate_annotations(annotations: &Labels, path: &str, errs: &mut Vec<FieldError>) {
    let mut total = 0usize;
    for (k, v) in annotations {
        for msg in names::qualified_name(&k.to_ascii_lowercase()) {
            errs.push(FieldError::invalid(path, render_str(k), &msg));
        }
        total += k.len() + v.len();
    }
    if total > TOTAL_ANNOTATION_SIZE_LIMIT {
        errs.push(FieldError::too_long(path, TOTAL_ANNOTATION_SIZE_LIMIT));
    }
}

/// A selector as v1.36 prints it in an error: `{"matchLabels":{"app":"x"}}` (Go field order).
pub fn selector_json(sel: &LabelSelector) -> String {
    let mut m = Map::new();
    if let Some(ml) = sel.match_labels.as_ref().filter(|m| !m.is_empty()) {
        m.insert("matchLabels".into(), json!(ml));
    }
    if !sel.match_expressions.is_empty() {
        let exprs: Vec<Value> = sel
            .match_expressions
            .iter()
            .map(|r| {
                let mut e = Map::new();
                e.insert("key".into(), json!(r.key));
                e.insert("operator".into(), json!(r.operator));
                if !r.values.is_empty() {
                    e.insert("values".into(), json!(r.values));
                }
                Value::Object(e)
            })
            .collect();
        m.insert("matchExpressions".into(), Value::Array(exprs));
    }
    render_json(&Value::Object(m))
}

/// Labels as printed in an error: `{"app":"bar"}`; no labels print as `null` (a nil Go map).
pub fn labels_json(labels: &Option<Labels>) -> String {
    match labels {
        Some(l) => render_json(&json!(l)),
        None => "null".to_string(),
    }
}

/// `ValidateLabelSelector`: matchLabels first, then each requirement.
pub fn validate_label_selector(sel: &LabelSelector, path: &str, errs: &mut Vec<FieldError>) {
    if let Some(ml) = &sel.match_labels {
        validate_labels(ml, &format!("{path}.matchLabels"), errs);
    }
    for (i, r) in sel.match_expressions.iter().enumerate() {
        let p = format!("{path}.matchExpressions[{i}]");
        match r.operator.as_str() {
            "In" | "NotIn" => {
                if r.values.is_empty() {
                    errs.push(FieldError::required(
                        &format!("{p}.values"),
                        "must be specified when `operator` is 'In' or 'NotIn'",
                    ));
                }
            }
            "Exists" | "DoesNotExist" => {
                if !r.values.is_empty() {
                    errs.push(FieldError::forbidden(
                        &format!("{p}.values"),
                        "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                    ));
                }
            }
            other => errs.push(FieldError::invalid(
                &format!("{p}.operator"),
                render_str(other),
                "not a valid selector operator",
            )),
        }
        for msg in names::qualified_name(&r.key) {
            errs.push(FieldError::invalid(
                &format!("{p}.key"),
                render_str(&r.key),
                &msg,
            ));
        }
        for (vi, value) in r.values.iter().enumerate() {
            for msg in names::label_value(value) {
                errs.push(FieldError::invalid(
                    &format!("{p}.values[{vi}]"),
                    render_str(value),
                    &msg,
                ));
            }
        }
    }
}

/// Whether `metav1.LabelSelectorAsSelector` accepts the selector (it refuses exactly what
/// `validate_label_selector` reports); when it does not, the template-labels check is skipped.
pub fn selector_converts(sel: &LabelSelector) -> bool {
    let mut errs = Vec::new();
    validate_label_selector(sel, "", &mut errs);
    errs.is_empty()
}

/// `selector does not match template labels`, the workload controllers' shared check.
pub fn template_labels_mismatch(template_labels: &Option<Labels>, path: &str) -> FieldError {
    FieldError::invalid(
        path,
        labels_json(template_labels),
        "`selector` does not match template `labels`",
    )
}

pub fn nonnegative(value: i64, path: &str, errs: &mut Vec<FieldError>) {
    if value < 0 {
        errs.push(FieldError::invalid(
            path,
            value.to_string(),
            "must be greater than or equal to 0",
        ));
    }
}
