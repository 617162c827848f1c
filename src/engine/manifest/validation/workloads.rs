//! StatefulSet, DaemonSet, Deployment and ReplicaSet (pkg/apis/apps/validation), in the
//! API server's order. Transcripts: f-validation-errors.txt, scenarios S43, S45, SC-27, SC-45,
//! SC-47, SC-49, SC-51.

use super::super::errors::{render_json, render_str, FieldError};
use super::meta::{
    nonnegative, selector_converts, selector_json, template_labels_mismatch,
    validate_label_selector,
};
use super::pod::validate_template;
use super::storage::validate_claim_spec;
use super::{enums, names};
use crate::engine::model::codec::Codec;
use crate::engine::model::*;
use serde_json::{json, Value};

fn ios_json(v: &Option<IntOrString>) -> Value {
    match v {
        Some(IntOrString::Int(i)) => json!(i),
        Some(IntOrString::String(s)) => json!(s),
        None => Value::Null,
    }
}

/// 0 for a missing value, the number or the percentage otherwise (`getIntOrPercentValue`).
fn int_or_percent_value(v: &Option<IntOrString>) -> i64 {
    match v {
        Some(IntOrString::Int(i)) => *i,
        // A valid percentage counts as its number; any other string as `strconv.Atoi` reads it.
        Some(IntOrString::String(s)) => s.strip_suffix('%').unwrap_or(s).parse().unwrap_or(0),
        None => 0,
    }
}

fn positive_int_or_percent(v: &Option<IntOrString>, path: &str, errs: &mut Vec<FieldError>) {
    match v {
        Some(IntOrString::String(s)) => {
            let ok = s
                .strip_suffix('%')
                .is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
            if !ok {
                errs.push(FieldError::invalid(
                    path,
                    render_str(s),
                    "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
                ));
            }
        }
        Some(IntOrString::Int(i)) => nonnegative(*i, path, errs),
        None => {}
    }
}

fn not_more_than_100_percent(v: &Option<IntOrString>, path: &str, errs: &mut Vec<FieldError>) {
    if let Some(IntOrString::String(s)) = v {
        if s.ends_with('%') && int_or_percent_value(v) > 100 {
            errs.push(FieldError::invalid(
                path,
                render_str(s),
                "must not be greater than 100%",
            ));
        }
    }
}

/// `spec.template.spec.restartPolicy` must be Always; no activeDeadlineSeconds.
fn workload_template_rules(
    spec: &PodSpec,
    kind_name: &str,
    errs: &mut Vec<FieldError>,
    path: &str,
) {
    let rp = spec.restart_policy.as_deref().unwrap_or("");
    enums::check_supported(&format!("{path}.restartPolicy"), rp, &["Always"], errs);
    if spec.active_deadline_seconds.is_some() {
        errs.push(FieldError::forbidden(
            &format!("{path}.activeDeadlineSeconds"),
            &format!("activeDeadlineSeconds in {kind_name} is not Supported"),
        ));
    }
}

pub fn validate_statefulset_spec(s: &StatefulSet, errs: &mut Vec<FieldError>) {
    let spec = &s.spec;
    match spec.pod_management_policy.as_deref().unwrap_or("") {
        "" => errs.push(FieldError::required("spec.podManagementPolicy", "")),
        "OrderedReady" | "Parallel" => {}
        other => errs.push(FieldError::invalid(
            "spec.podManagementPolicy",
            render_str(other),
            "must be 'OrderedReady' or 'Parallel'",
        )),
    }
    let strategy = spec.update_strategy.clone().unwrap_or_default();
    let ru_json = |ru: &RollingUpdateStatefulSet| json!({"Partition": ru.partition.unwrap_or(0), "MaxUnavailable": ios_json(&ru.max_unavailable)});
    match strategy.type_.as_deref().unwrap_or("") {
        "" => errs.push(FieldError::required("spec.updateStrategy", "")),
        "OnDelete" => {
            if let Some(ru) = &strategy.rolling_update {
                errs.push(FieldError::invalid(
                    "spec.updateStrategy.rollingUpdate",
                    render_json(&ru_json(ru)),
                    "only allowed for updateStrategy 'RollingUpdate'",
                ));
            }
        }
        "RollingUpdate" => {
            if let Some(ru) = &strategy.rolling_update {
                if let Some(p) = ru.partition {
                    nonnegative(
                        p.into(),
                        "spec.updateStrategy.rollingUpdate.partition",
                        errs,
                    );
                }
            }
        }
        other => {
            let value = json!({"Type": other, "RollingUpdate": strategy.rolling_update.as_ref().map(ru_json)});
            errs.push(FieldError::invalid(
                "spec.updateStrategy",
                render_json(&value),
                "must be 'RollingUpdate' or 'OnDelete'",
            ));
        }
    }
    if let Some(policy) = &spec.persistent_volume_claim_retention_policy {
        for (field, v) in [
            ("whenDeleted", &policy.when_deleted),
            ("whenScaled", &policy.when_scaled),
        ] {
            let v = v.as_deref().unwrap_or("");
            let p = format!("spec.persistentVolumeClaimRetentionPolicy.{field}");
            enums::check_supported(&p, v, &["Retain", "Delete"], errs);
        }
    }
    nonnegative(spec.replicas.unwrap_or(1).into(), "spec.replicas", errs);
    nonnegative(
        spec.min_ready_seconds.unwrap_or(0).into(),
        "spec.minReadySeconds",
        errs,
    );
    if let Some(o) = &spec.ordinals {
        nonnegative(o.start.into(), "spec.ordinals.start", errs);
    }
    match &spec.selector {
        None => errs.push(FieldError::required("spec.selector", "")),
        Some(sel) => {
            validate_label_selector(sel, "spec.selector", errs);
            if sel.is_empty() {
                errs.push(FieldError::invalid(
                    "spec.selector",
                    selector_json(sel),
                    "empty selector is invalid for statefulset",
                ));
            }
        }
    }
    // A missing selector matches nothing; an empty one matches everything; one that does not
    // convert is reported as such and the labels are not compared.
    let mismatch = match &spec.selector {
        None => true,
        Some(sel) if !selector_converts(sel) => {
            errs.push(FieldError::invalid("spec.selector", selector_json(sel), ""));
            false
        }
        Some(sel) => !sel.is_empty() && !sel.matches(spec.template.metadata.labels()),
    };
    if mismatch {
        errs.push(template_labels_mismatch(
            &spec.template.metadata.labels,
            "spec.template.metadata.labels",
        ));
    }
    // 1.34+: the template is validated at create; claim templates count as volumes (ERRATA).
    let claim_names: Vec<String> = spec
        .volume_claim_templates
        .iter()
        .map(|c| c.metadata.name.clone())
        .collect();
    validate_template(&spec.template, "spec.template", &claim_names, errs);
    workload_template_rules(
        &spec.template.spec,
        "StatefulSet",
        errs,
        "spec.template.spec",
    );
    if let Some(limit) = spec.revision_history_limit {
        nonnegative(limit.into(), "spec.revisionHistoryLimit", errs);
    }
    if let Some(svc) = spec.service_name.as_deref().filter(|s| !s.is_empty()) {
        for msg in names::dns1123_label(svc) {
            errs.push(FieldError::invalid(
                "spec.serviceName",
                render_str(svc),
                &msg,
            ));
        }
    }
    for (i, claim) in spec.volume_claim_templates.iter().enumerate() {
        validate_claim_spec(
            &claim.spec,
            &format!("spec.volumeClaimTemplates[{i}].spec"),
            errs,
        );
    }
}

pub fn validate_statefulset_update(
    old: &StatefulSet,
    new: &StatefulSet,
    errs: &mut Vec<FieldError>,
) {
    validate_statefulset_spec(new, errs);
    let mut clone = new.spec.clone();
    clone.replicas = old.spec.replicas;
    clone.template = old.spec.template.clone();
    clone.update_strategy = old.spec.update_strategy.clone();
    clone.min_ready_seconds = old.spec.min_ready_seconds;
    clone.ordinals = old.spec.ordinals.clone();
    clone.revision_history_limit = old.spec.revision_history_limit;
    clone.persistent_volume_claim_retention_policy =
        old.spec.persistent_volume_claim_retention_policy.clone();
    if Codec::encode(&clone) != Codec::encode(&old.spec) {
        errs.push(FieldError::forbidden(
            "spec",
            "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
        ));
    }
}

pub fn validate_daemonset_spec(d: &DaemonSet, errs: &mut Vec<FieldError>) {
    let spec = &d.spec;
    if let Some(sel) = &spec.selector {
        validate_label_selector(sel, "spec.selector", errs);
    }
    let mismatch = match &spec.selector {
        None => true,
        Some(sel) => selector_converts(sel) && !sel.matches(spec.template.metadata.labels()),
    };
    if mismatch {
        errs.push(template_labels_mismatch(
            &spec.template.metadata.labels,
            "spec.template.metadata.labels",
        ));
    }
    if let Some(sel) = spec.selector.as_ref().filter(|s| s.is_empty()) {
        errs.push(FieldError::invalid(
            "spec.selector",
            selector_json(sel),
            "empty selector is invalid for daemonset",
        ));
    }
    validate_template(&spec.template, "spec.template", &[], errs);
    workload_template_rules(&spec.template.spec, "DaemonSet", errs, "spec.template.spec");
    nonnegative(
        spec.min_ready_seconds.unwrap_or(0).into(),
        "spec.minReadySeconds",
        errs,
    );
    let strategy = spec.update_strategy.clone().unwrap_or_default();
    match strategy.type_.as_deref().unwrap_or("") {
        "OnDelete" => {}
        "RollingUpdate" => match &strategy.rolling_update {
            None => errs.push(FieldError::required(
                "spec.updateStrategy.rollingUpdate",
                "",
            )),
            Some(ru) => {
                let p = "spec.updateStrategy.rollingUpdate";
                positive_int_or_percent(&ru.max_unavailable, &format!("{p}.maxUnavailable"), errs);
                positive_int_or_percent(&ru.max_surge, &format!("{p}.maxSurge"), errs);
                not_more_than_100_percent(
                    &ru.max_unavailable,
                    &format!("{p}.maxUnavailable"),
                    errs,
                );
                not_more_than_100_percent(&ru.max_surge, &format!("{p}.maxSurge"), errs);
                let has_unavailable = int_or_percent_value(&ru.max_unavailable) != 0;
                let has_surge = int_or_percent_value(&ru.max_surge) != 0;
                if has_unavailable && has_surge {
                    errs.push(FieldError::invalid(
                        &format!("{p}.maxSurge"),
                        render_json(&ios_json(&ru.max_surge)),
                        "may not be set when maxUnavailable is non-zero",
                    ));
                } else if !has_unavailable && !has_surge {
                    errs.push(FieldError::required(
                        &format!("{p}.maxUnavailable"),
                        "cannot be 0 when maxSurge is 0",
                    ));
                }
            }
        },
        other => {
            let ru = strategy
                .rolling_update
                .as_ref()
                .map(|ru| json!({"MaxUnavailable": ios_json(&ru.max_unavailable), "MaxSurge": ios_json(&ru.max_surge)}));
            let value = json!({"Type": other, "RollingUpdate": ru});
            errs.push(FieldError::not_supported(
                "spec.updateStrategy",
                render_json(&value),
                &["RollingUpdate", "OnDelete"],
            ));
        }
    }
    if let Some(limit) = spec.revision_history_limit {
        nonnegative(limit.into(), "spec.revisionHistoryLimit", errs);
    }
}

/// Selector immutability comes first on v1.36 (f5, S43), then the full spec check.
pub fn validate_daemonset_update(old: &DaemonSet, new: &DaemonSet, errs: &mut Vec<FieldError>) {
    immutable_selector(&old.spec.selector, &new.spec.selector, errs);
    validate_daemonset_spec(new, errs);
}

fn immutable_selector(
    old: &Option<LabelSelector>,
    new: &Option<LabelSelector>,
    errs: &mut Vec<FieldError>,
) {
    let norm = |s: &Option<LabelSelector>| s.as_ref().map(selector_json);
    if norm(old) != norm(new) {
        let value = new
            .as_ref()
            .map(selector_json)
            .unwrap_or_else(|| "null".into());
        errs.push(FieldError::invalid(
            "spec.selector",
            value,
            "field is immutable",
        ));
    }
}

/// Deployments and ReplicaSets share the replica-set template rules.
fn replicated_template(
    selector: &Option<LabelSelector>,
    template: &PodTemplateSpec,
    kind_name: &str,
    errs: &mut Vec<FieldError>,
) {
    match selector {
        None => errs.push(FieldError::required("spec.selector", "")),
        Some(sel) => {
            validate_label_selector(sel, "spec.selector", errs);
            if sel.is_empty() {
                errs.push(FieldError::invalid(
                    "spec.selector",
                    selector_json(sel),
                    "empty selector is invalid for deployment",
                ));
            }
        }
    }
    let mismatch = match selector {
        None => true,
        Some(sel) if !selector_converts(sel) => {
            errs.push(FieldError::invalid(
                "spec.selector",
                selector_json(sel),
                "invalid label selector",
            ));
            false
        }
        Some(sel) => !sel.is_empty() && !sel.matches(template.metadata.labels()),
    };
    if mismatch {
        errs.push(template_labels_mismatch(
            &template.metadata.labels,
            "spec.template.metadata.labels",
        ));
    }
    validate_template(template, "spec.template", &[], errs);
    workload_template_rules(&template.spec, kind_name, errs, "spec.template.spec");
}

pub fn validate_deployment_spec(d: &Deployment, errs: &mut Vec<FieldError>) {
    let spec = &d.spec;
    nonnegative(spec.replicas.unwrap_or(1).into(), "spec.replicas", errs);
    replicated_template(&spec.selector, &spec.template, "ReplicaSet", errs);
    let strategy = spec.strategy.clone().unwrap_or_default();
    match strategy.type_.as_deref().unwrap_or("") {
        "Recreate" => {
            if strategy.rolling_update.is_some() {
                errs.push(FieldError::forbidden(
                    "spec.strategy.rollingUpdate",
                    "may not be specified when strategy `type` is 'Recreate'",
                ));
            }
        }
        "RollingUpdate" => match &strategy.rolling_update {
            None => errs.push(FieldError::required(
                "spec.strategy.rollingUpdate",
                "this should be defaulted and never be nil",
            )),
            Some(ru) => {
                let p = "spec.strategy.rollingUpdate";
                positive_int_or_percent(&ru.max_unavailable, &format!("{p}.maxUnavailable"), errs);
                positive_int_or_percent(&ru.max_surge, &format!("{p}.maxSurge"), errs);
                if int_or_percent_value(&ru.max_unavailable) == 0
                    && int_or_percent_value(&ru.max_surge) == 0
                {
                    errs.push(FieldError::invalid(
                        &format!("{p}.maxUnavailable"),
                        render_json(&ios_json(&ru.max_unavailable)),
                        "may not be 0 when `maxSurge` is 0",
                    ));
                }
                not_more_than_100_percent(
                    &ru.max_unavailable,
                    &format!("{p}.maxUnavailable"),
                    errs,
                );
            }
        },
        other => {
            let ru = strategy
                .rolling_update
                .as_ref()
                .map(|ru| json!({"MaxUnavailable": ios_json(&ru.max_unavailable), "MaxSurge": ios_json(&ru.max_surge)}));
            let value = json!({"Type": other, "RollingUpdate": ru});
            errs.push(FieldError::not_supported(
                "spec.strategy",
                render_json(&value),
                &["Recreate", "RollingUpdate"],
            ));
        }
    }
    let min_ready = spec.min_ready_seconds.unwrap_or(0);
    nonnegative(min_ready.into(), "spec.minReadySeconds", errs);
    if let Some(limit) = spec.revision_history_limit {
        nonnegative(limit.into(), "spec.revisionHistoryLimit", errs);
    }
    if let Some(deadline) = spec.progress_deadline_seconds {
        nonnegative(deadline.into(), "spec.progressDeadlineSeconds", errs);
        if deadline <= min_ready {
            errs.push(FieldError::invalid(
                "spec.progressDeadlineSeconds",
                deadline.to_string(),
                "must be greater than minReadySeconds",
            ));
        }
    }
}

pub fn validate_replicaset_spec(r: &ReplicaSet, errs: &mut Vec<FieldError>) {
    nonnegative(r.spec.replicas.unwrap_or(1).into(), "spec.replicas", errs);
    nonnegative(
        r.spec.min_ready_seconds.unwrap_or(0).into(),
        "spec.minReadySeconds",
        errs,
    );
    replicated_template(&r.spec.selector, &r.spec.template, "ReplicaSet", errs);
}

pub fn validate_deployment_update(old: &Deployment, new: &Deployment, errs: &mut Vec<FieldError>) {
    immutable_selector(&old.spec.selector, &new.spec.selector, errs);
    validate_deployment_spec(new, errs);
}

pub fn validate_replicaset_update(old: &ReplicaSet, new: &ReplicaSet, errs: &mut Vec<FieldError>) {
    immutable_selector(&old.spec.selector, &new.spec.selector, errs);
    validate_replicaset_spec(new, errs);
}
