//! Matching nodes against node selectors, node affinity terms, taints and a PersistentVolume's
//! node affinity, as `k8s.io/component-helpers/scheduling/corev1` does. Shared by the scheduler
//! filters, its scoring and the volume controller.

use crate::engine::model::{
    Node, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, PersistentVolume, Pod, Taint,
    TaintEffect, Toleration,
};

/// One `matchExpressions` requirement against a label set (`In`, `NotIn`, `Exists`,
/// `DoesNotExist`, `Gt`, `Lt`). An unknown operator never matches.
fn expression_matches(req: &NodeSelectorRequirement, value: Option<&str>) -> bool {
    match req.operator.as_str() {
        "In" => value.is_some_and(|v| req.values.iter().any(|x| x == v)),
        "NotIn" => value.is_none_or(|v| !req.values.iter().any(|x| x == v)),
        "Exists" => value.is_some(),
        "DoesNotExist" => value.is_none(),
        "Gt" | "Lt" => {
            // Gt/Lt take exactly one integer value; anything else is a parse error, which the
            // scheduler treats as "does not match".
            let (Some(v), [bound]) = (value, req.values.as_slice()) else {
                return false;
            };
            match (v.parse::<i64>(), bound.parse::<i64>()) {
                (Ok(v), Ok(b)) if req.operator == "Gt" => v > b,
                (Ok(v), Ok(b)) => v < b,
                _ => false,
            }
        }
        _ => false,
    }
}

/// A node selector term: every expression on labels and every field (`metadata.name` only)
/// must hold. An empty term matches nothing, as in the API.
pub fn term_matches(term: &NodeSelectorTerm, node: &Node) -> bool {
    if term.match_expressions.is_empty() && term.match_fields.is_empty() {
        return false;
    }
    let labels = node.metadata.labels();
    let exprs_ok = term
        .match_expressions
        .iter()
        .all(|r| expression_matches(r, labels.get(&r.key).map(String::as_str)));
    let fields_ok = term.match_fields.iter().all(|r| {
        // Only metadata.name is a supported field selector for nodes.
        r.key == "metadata.name"
            && matches!(r.operator.as_str(), "In" | "NotIn")
            && expression_matches(r, Some(&node.metadata.name))
    });
    exprs_ok && fields_ok
}

/// Terms are ORed.
pub fn selector_matches(selector: &NodeSelector, node: &Node) -> bool {
    selector
        .node_selector_terms
        .iter()
        .any(|t| term_matches(t, node))
}

/// `nodeSelector` and `requiredDuringSchedulingIgnoredDuringExecution` together
/// (nodeaffinity.GetRequiredNodeAffinity(pod).Match).
pub fn pod_required_affinity_matches(pod: &Pod, node: &Node) -> bool {
    if let Some(sel) = &pod.spec.node_selector {
        let labels = node.metadata.labels();
        if !sel.iter().all(|(k, v)| labels.get(k) == Some(v)) {
            return false;
        }
    }
    match required_terms(pod) {
        Some(selector) => selector_matches(selector, node),
        None => true,
    }
}

pub fn required_terms(pod: &Pod) -> Option<&NodeSelector> {
    pod.spec
        .affinity
        .as_ref()?
        .node_affinity
        .as_ref()?
        .required_during_scheduling_ignored_during_execution
        .as_ref()
}

/// v1.Toleration.ToleratesTaint.
pub fn tolerates(t: &Toleration, taint: &Taint) -> bool {
    if let Some(effect) = t.effect.as_deref().filter(|e| !e.is_empty()) {
        if effect != taint.effect.as_str() {
            return false;
        }
    }
    if let Some(key) = t.key.as_deref().filter(|k| !k.is_empty()) {
        if key != taint.key {
            return false;
        }
    }
    match t.operator.as_deref().unwrap_or("Equal") {
        "Exists" => true,
        "" | "Equal" => t.value.as_deref().unwrap_or("") == taint.value.as_deref().unwrap_or(""),
        _ => false,
    }
}

pub fn tolerated_by(tolerations: &[Toleration], taint: &Taint) -> bool {
    tolerations.iter().any(|t| tolerates(t, taint))
}

/// The first NoSchedule/NoExecute taint the pod does not tolerate.
pub fn first_untolerated_hard_taint<'a>(pod: &Pod, node: &'a Node) -> Option<&'a Taint> {
    node.spec
        .taints
        .iter()
        .filter(|t| matches!(t.effect, TaintEffect::NoSchedule | TaintEffect::NoExecute))
        .find(|t| !tolerated_by(&pod.spec.tolerations, t))
}

/// A PersistentVolume's `spec.nodeAffinity.required`, if it has one.
pub fn pv_required_affinity(pv: &PersistentVolume) -> Option<NodeSelector> {
    let required = pv.spec.node_affinity.as_ref()?.get("required")?;
    serde_json::from_value(required.clone()).ok()
}

/// Whether a pod on `node` can use `pv` (no node affinity means any node).
pub fn pv_allows_node(pv: &PersistentVolume, node: &Node) -> bool {
    match pv_required_affinity(pv) {
        Some(sel) => selector_matches(&sel, node),
        None => true,
    }
}
