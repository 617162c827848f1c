//! Node validation (`ValidateNode` / `ValidateNodeUpdate`): the taints, the one part of a Node a
//! learner writes by hand.
//!
//! Upstream's quirk, kept on purpose: both functions build the taints' path from
//! `field.NewPath("metadata")`, so a bad taint is reported at `metadata.taints[0].effect`, not
//! `spec.taints[0].effect` (pkg/apis/core/validation/validation.go, `validateNodeTaints`).

use super::super::errors::{render_json, render_str, FieldError};
use super::{enums, names};
use crate::engine::model::codec::Codec;
use crate::engine::model::{Node, Taint, TaintEffect};
use serde_json::json;
use std::collections::BTreeSet;

pub fn validate_node(node: &Node, errs: &mut Vec<FieldError>) {
    validate_taints(&node.spec.taints, "metadata.taints", errs);
}

/// `validateNodeTaints`: per taint its key, value and effect, then uniqueness by (key, effect).
fn validate_taints(taints: &[Taint], path: &str, errs: &mut Vec<FieldError>) {
    let mut seen: BTreeSet<(&str, &str)> = BTreeSet::new();
    for (i, taint) in taints.iter().enumerate() {
        let p = format!("{path}[{i}]");
        for msg in names::qualified_name(&taint.key) {
            errs.push(FieldError::invalid(
                &format!("{p}.key"),
                render_str(&taint.key),
                &msg,
            ));
        }
        let value = taint.value.as_deref().unwrap_or("");
        let msgs = names::label_value(value);
        if !msgs.is_empty() {
            errs.push(FieldError::invalid(
                &format!("{p}.value"),
                render_str(value),
                &msgs.join(";"),
            ));
        }
        // `validateTaintEffect` with allowEmpty false, in its hand-written order.
        let effect = &taint.effect;
        enums::require_supported(
            &format!("{p}.effect"),
            effect.as_str(),
            TaintEffect::KNOWN,
            errs,
        );
        if !seen.insert((taint.key.as_str(), taint.effect.as_str())) {
            let mut e = FieldError::duplicate(&p, render_json(&internal_taint(taint)));
            e.detail = "taints must be unique by key and effect pair".into();
            errs.push(e);
        }
    }
}

/// The API server's internal `core.Taint` as a bad value prints (Go field names, no json tags).
fn internal_taint(t: &Taint) -> serde_json::Value {
    json!({
        "Key": t.key,
        "Value": t.value.as_deref().unwrap_or(""),
        "Effect": t.effect.as_str(),
        "TimeAdded": t.time_added.as_ref().map(Codec::encode),
    })
}
