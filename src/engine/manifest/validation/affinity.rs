//! Node affinity (`validateNodeAffinity` and the node selector checks under it). The operator is
//! a Go string type (`NodeSelectorOperator`): any string decodes, and an unknown one is refused
//! here as upstream words it, `Invalid value: "Near": not a valid selector operator`, instead of
//! leaving a pod that no node can ever match.

use super::super::errors::{render_int, render_str, FieldError};
use super::names;
use crate::engine::model::{NodeAffinity, NodeSelectorRequirement, NodeSelectorTerm};

pub fn validate_node_affinity(na: &NodeAffinity, path: &str, errs: &mut Vec<FieldError>) {
    if let Some(required) = &na.required_during_scheduling_ignored_during_execution {
        let terms_path =
            format!("{path}.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms");
        if required.node_selector_terms.is_empty() {
            errs.push(FieldError::required(
                &terms_path,
                "must have at least one node selector term",
            ));
        }
        for (i, term) in required.node_selector_terms.iter().enumerate() {
            validate_term(term, true, &format!("{terms_path}[{i}]"), errs);
        }
    }
    let preferred = format!("{path}.preferredDuringSchedulingIgnoredDuringExecution");
    for (i, term) in na
        .preferred_during_scheduling_ignored_during_execution
        .iter()
        .enumerate()
    {
        if !(1..=100).contains(&term.weight) {
            errs.push(FieldError::invalid(
                &format!("{preferred}[{i}].weight"),
                render_int(term.weight.into()),
                "must be in the range 1-100",
            ));
        }
        // Upstream always allows any label value in preferred terms.
        validate_term(
            &term.preference,
            false,
            &format!("{preferred}[{i}].preference"),
            errs,
        );
    }
}

/// `ValidateNodeSelectorTerm`; `check_values`: the label-value check of required terms.
fn validate_term(
    term: &NodeSelectorTerm,
    check_values: bool,
    path: &str,
    errs: &mut Vec<FieldError>,
) {
    for (j, rq) in term.match_expressions.iter().enumerate() {
        let p = format!("{path}.matchExpressions[{j}]");
        validate_requirement(rq, check_values, &p, errs);
    }
    for (j, rq) in term.match_fields.iter().enumerate() {
        let p = format!("{path}.matchFields[{j}]");
        validate_field_requirement(rq, &p, errs);
    }
}

/// `ValidateNodeSelectorRequirement`.
fn validate_requirement(
    rq: &NodeSelectorRequirement,
    check_values: bool,
    path: &str,
    errs: &mut Vec<FieldError>,
) {
    let values = format!("{path}.values");
    match rq.operator.as_str() {
        "In" | "NotIn" if rq.values.is_empty() => errs.push(FieldError::required(
            &values,
            "must be specified when `operator` is 'In' or 'NotIn'",
        )),
        "Exists" | "DoesNotExist" if !rq.values.is_empty() => errs.push(FieldError::forbidden(
            &values,
            "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
        )),
        "Gt" | "Lt" if rq.values.len() != 1 => errs.push(FieldError::required(
            &values,
            "must be specified single value when `operator` is 'Lt' or 'Gt'",
        )),
        "In" | "NotIn" | "Exists" | "DoesNotExist" | "Gt" | "Lt" => {}
        other => errs.push(FieldError::invalid(
            &format!("{path}.operator"),
            render_str(other),
            "not a valid selector operator",
        )),
    }
    for msg in names::qualified_name(&rq.key) {
        errs.push(FieldError::invalid(
            &format!("{path}.key"),
            render_str(&rq.key),
            &msg,
        ));
    }
    if check_values {
        for (i, v) in rq.values.iter().enumerate() {
            for msg in names::label_value(v) {
                errs.push(FieldError::invalid(
                    &format!("{values}[{i}]"),
                    render_str(v),
                    &msg,
                ));
            }
        }
    }
}

/// `ValidateNodeFieldSelectorRequirement`: only `metadata.name`, with one node name.
fn validate_field_requirement(
    rq: &NodeSelectorRequirement,
    path: &str,
    errs: &mut Vec<FieldError>,
) {
    match rq.operator.as_str() {
        "In" | "NotIn" => {
            if rq.values.len() != 1 {
                errs.push(FieldError::required(
                    &format!("{path}.values"),
                    "must be only one value when `operator` is 'In' or 'NotIn' for node field selector",
                ));
            }
        }
        other => errs.push(FieldError::invalid(
            &format!("{path}.operator"),
            render_str(other),
            "not a valid selector operator",
        )),
    }
    if rq.key != "metadata.name" {
        errs.push(FieldError::invalid(
            &format!("{path}.key"),
            render_str(&rq.key),
            "not a valid field selector key",
        ));
    } else {
        for (i, v) in rq.values.iter().enumerate() {
            for msg in names::dns1123_subdomain(v) {
                errs.push(FieldError::invalid(
                    &format!("{path}.values[{i}]"),
                    render_str(v),
                    &msg,
                ));
            }
        }
    }
}
