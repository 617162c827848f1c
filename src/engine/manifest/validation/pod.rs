//! Pod spec validation (`ValidatePodSpec` and the container, volume, port, toleration and
//! resource checks under it) — the subset a workload manifest exercises, with the API
//! server's wording and order (volumes, containers, restartPolicy, dnsPolicy, tolerations...).

use super::super::errors::{render_int, render_json, render_str, FieldError};
use super::meta::{validate_annotations, validate_labels};
use super::{affinity, enums, names};
use crate::engine::model::codec::Codec;
use crate::engine::model::{
    Container, HttpGetAction, PodSpec, PodTemplateSpec, Quantity, TaintEffect, Toleration,
};
use std::collections::{BTreeMap, BTreeSet};

/// Validates a template's metadata and spec. `extra_volumes` are names that count as volumes
/// besides `spec.volumes` (a StatefulSet's volumeClaimTemplates).
pub fn validate_template(
    t: &PodTemplateSpec,
    path: &str,
    extra_volumes: &[String],
    errs: &mut Vec<FieldError>,
) {
    // Upstream's quirk: template labels are reported at `spec.template.labels`, without
    // `metadata` (`ValidatePodTemplateSpec` uses `fldPath.Child("labels")`).
    validate_labels(t.metadata.labels(), &format!("{path}.labels"), errs);
    validate_annotations(
        t.metadata.annotations(),
        &format!("{path}.annotations"),
        errs,
    );
    validate_pod_spec(&t.spec, &format!("{path}.spec"), extra_volumes, errs);
}

pub fn validate_pod_spec(
    spec: &PodSpec,
    path: &str,
    extra_volumes: &[String],
    errs: &mut Vec<FieldError>,
) {
    let mut volumes: BTreeSet<String> = extra_volumes.iter().cloned().collect();
    for (i, v) in spec.volumes.iter().enumerate() {
        let p = format!("{path}.volumes[{i}]");
        if v.name.is_empty() {
            errs.push(FieldError::required(&format!("{p}.name"), ""));
        } else {
            for msg in names::dns1123_label(&v.name) {
                errs.push(FieldError::invalid(
                    &format!("{p}.name"),
                    render_str(&v.name),
                    &msg,
                ));
            }
            if !volumes.insert(v.name.clone()) && !extra_volumes.contains(&v.name) {
                errs.push(FieldError::duplicate(
                    &format!("{p}.name"),
                    render_str(&v.name),
                ));
            }
        }
    }
    if spec.containers.is_empty() {
        errs.push(FieldError::required(&format!("{path}.containers"), ""));
    }
    let mut names_seen = BTreeSet::new();
    // Containers first, then init containers (whose names must differ from both).
    for (i, c) in spec.containers.iter().enumerate() {
        validate_container(
            c,
            &format!("{path}.containers[{i}]"),
            &volumes,
            &mut names_seen,
            errs,
        );
    }
    for (i, c) in spec.init_containers.iter().enumerate() {
        validate_container(
            c,
            &format!("{path}.initContainers[{i}]"),
            &volumes,
            &mut names_seen,
            errs,
        );
    }
    // Both are defaulted when empty, so only an unknown value is left to refuse.
    if let Some(rp) = &spec.restart_policy {
        let p = format!("{path}.restartPolicy");
        enums::require_supported(&p, rp, enums::RESTART_POLICIES, errs);
    }
    if let Some(dp) = &spec.dns_policy {
        let p = format!("{path}.dnsPolicy");
        enums::require_supported(&p, dp, enums::DNS_POLICIES, errs);
    }
    if let Some(ns) = &spec.node_selector {
        validate_labels(ns, &format!("{path}.nodeSelector"), errs);
    }
    if let Some(na) = spec
        .affinity
        .as_ref()
        .and_then(|a| a.node_affinity.as_ref())
    {
        affinity::validate_node_affinity(na, &format!("{path}.affinity.nodeAffinity"), errs);
    }
    if let Some(g) = spec.termination_grace_period_seconds {
        if g < 0 {
            errs.push(FieldError::invalid(
                &format!("{path}.terminationGracePeriodSeconds"),
                render_int(g),
                "must be greater than or equal to 0",
            ));
        }
    }
    if let Some(a) = spec.active_deadline_seconds {
        if a <= 0 {
            errs.push(FieldError::invalid(
                &format!("{path}.activeDeadlineSeconds"),
                render_int(a),
                "must be between 1 and 2147483647, inclusive",
            ));
        }
    }
    for (i, t) in spec.tolerations.iter().enumerate() {
        validate_toleration(t, &format!("{path}.tolerations[{i}]"), errs);
    }
    if let Some(pp) = &spec.preemption_policy {
        let p = format!("{path}.preemptionPolicy");
        enums::require_supported(&p, pp, enums::PREEMPTION_POLICIES, errs);
    }
}

fn validate_container(
    c: &Container,
    path: &str,
    volumes: &BTreeSet<String>,
    names_seen: &mut BTreeSet<String>,
    errs: &mut Vec<FieldError>,
) {
    if c.name.is_empty() {
        errs.push(FieldError::required(&format!("{path}.name"), ""));
    } else {
        for msg in names::dns1123_label(&c.name) {
            errs.push(FieldError::invalid(
                &format!("{path}.name"),
                render_str(&c.name),
                &msg,
            ));
        }
    }
    if c.image.trim().is_empty() {
        errs.push(FieldError::required(&format!("{path}.image"), ""));
    }
    // `validateContainerCommon`'s order: name, image, terminationMessagePolicy, ports,
    // volumeMounts, imagePullPolicy, resources; then the duplicate name and the probes.
    enums::require_supported(
        &format!("{path}.terminationMessagePolicy"),
        c.termination_message_policy.as_deref().unwrap_or(""),
        enums::TERMINATION_MESSAGE_POLICIES,
        errs,
    );
    let mut port_names = BTreeSet::new();
    for (i, port) in c.ports.iter().enumerate() {
        let p = format!("{path}.ports[{i}]");
        if let Some(name) = port.name.as_deref().filter(|n| !n.is_empty()) {
            for msg in names::iana_svc_name(name) {
                errs.push(FieldError::invalid(
                    &format!("{p}.name"),
                    render_str(name),
                    &msg,
                ));
            }
            if !port_names.insert(name.to_string()) {
                errs.push(FieldError::duplicate(
                    &format!("{p}.name"),
                    render_str(name),
                ));
            }
        }
        if port.container_port == 0 {
            errs.push(FieldError::required(&format!("{p}.containerPort"), ""));
        } else if !(1..=65535).contains(&port.container_port) {
            errs.push(FieldError::invalid(
                &format!("{p}.containerPort"),
                render_int(port.container_port),
                names::PORT_NUM_RANGE,
            ));
        }
        if let Some(h) = port.host_port.filter(|h| *h != 0) {
            if !(1..=65535).contains(&h) {
                errs.push(FieldError::invalid(
                    &format!("{p}.hostPort"),
                    render_int(h),
                    names::PORT_NUM_RANGE,
                ));
            }
        }
        if let Some(proto) = &port.protocol {
            let pp = format!("{p}.protocol");
            enums::require_supported(&pp, proto, enums::PORT_PROTOCOLS, errs);
        }
    }
    // `ValidateVolumeMounts`: an empty name is both Required and Not found, as upstream.
    let mut mount_points = BTreeSet::new();
    for (i, m) in c.volume_mounts.iter().enumerate() {
        let p = format!("{path}.volumeMounts[{i}]");
        if m.name.is_empty() {
            errs.push(FieldError::required(&format!("{p}.name"), ""));
        }
        if !volumes.contains(&m.name) {
            errs.push(FieldError::not_found(
                &format!("{p}.name"),
                render_str(&m.name),
            ));
        }
        if m.mount_path.is_empty() {
            errs.push(FieldError::required(&format!("{p}.mountPath"), ""));
        }
        if !mount_points.insert(m.mount_path.clone()) {
            errs.push(FieldError::invalid(
                &format!("{p}.mountPath"),
                render_str(&m.mount_path),
                "must be unique",
            ));
        }
    }
    if let Some(p) = &c.image_pull_policy {
        let pp = format!("{path}.imagePullPolicy");
        enums::require_supported(&pp, p, enums::PULL_POLICIES, errs);
    }
    if let Some(res) = &c.resources {
        let limits = res.limits.clone().unwrap_or_default();
        let requests = res.requests.clone().unwrap_or_default();
        validate_quantities(&limits, &format!("{path}.resources.limits"), errs);
        validate_quantities(&requests, &format!("{path}.resources.requests"), errs);
        for (name, req) in &requests {
            let (Some(lim), Ok(r)) = (limits.get(name), req.to_milli()) else {
                continue;
            };
            if let Ok(l) = lim.to_milli() {
                if r > l {
                    errs.push(FieldError::invalid(
                        &format!("{path}.resources.requests"),
                        render_str(&req.0),
                        &format!("must be less than or equal to {name} limit of {}", lim.0),
                    ));
                }
            }
        }
    }
    if !names_seen.insert(c.name.clone()) {
        errs.push(FieldError::duplicate(
            &format!("{path}.name"),
            render_str(&c.name),
        ));
    }
    for (field, probe) in [
        ("livenessProbe", &c.liveness_probe),
        ("readinessProbe", &c.readiness_probe),
        ("startupProbe", &c.startup_probe),
    ] {
        let Some(probe) = probe else { continue };
        let p = format!("{path}.{field}");
        // `validateProbe`: the handler first, then the numbers.
        let handlers = [
            ("exec", probe.exec.is_some()),
            ("httpGet", probe.http_get.is_some()),
            ("tcpSocket", probe.tcp_socket.is_some()),
            ("grpc", probe.grpc.is_some()),
        ];
        let set: Vec<&str> = handlers.iter().filter(|h| h.1).map(|h| h.0).collect();
        if set.is_empty() {
            errs.push(FieldError::required(&p, "must specify a handler type"));
        }
        // Only the first handler is validated; any further one is the Forbidden error.
        if let (Some(&"httpGet"), Some(get)) = (set.first(), &probe.http_get) {
            validate_http_get(get, &format!("{p}.httpGet"), errs);
        }
        if let Some(extra) = set.get(1) {
            errs.push(FieldError::forbidden(
                &format!("{p}.{extra}"),
                "may not specify more than 1 handler type",
            ));
        }
        for (name, v) in [
            ("initialDelaySeconds", probe.initial_delay_seconds),
            ("timeoutSeconds", probe.timeout_seconds),
            ("periodSeconds", probe.period_seconds),
            ("successThreshold", probe.success_threshold),
            ("failureThreshold", probe.failure_threshold),
        ] {
            if let Some(v) = v.filter(|v| *v < 0) {
                errs.push(FieldError::invalid(
                    &format!("{p}.{name}"),
                    render_int(v),
                    "must be greater than or equal to 0",
                ));
            }
        }
        if field != "readinessProbe" {
            if let Some(v) = probe.success_threshold.filter(|v| *v != 1) {
                errs.push(FieldError::invalid(
                    &format!("{p}.successThreshold"),
                    render_int(v),
                    "must be 1",
                ));
            }
        }
    }
}

/// `validateHTTPGetAction`'s scheme check (the path is defaulted to `/`).
fn validate_http_get(get: &HttpGetAction, path: &str, errs: &mut Vec<FieldError>) {
    let scheme = get.scheme.as_deref().unwrap_or("");
    enums::check_supported(&format!("{path}.scheme"), scheme, enums::HTTP_SCHEMES, errs);
}

fn validate_quantities(q: &BTreeMap<String, Quantity>, path: &str, errs: &mut Vec<FieldError>) {
    for (name, value) in q {
        match value.to_milli() {
            Err(msg) => errs.push(FieldError::invalid(
                &format!("{path}[{name}]"),
                render_str(&value.0),
                &msg,
            )),
            Ok(m) if m < 0 => errs.push(FieldError::invalid(
                &format!("{path}[{name}]"),
                render_str(&value.0),
                "must be greater than or equal to 0",
            )),
            Ok(_) => {}
        }
    }
}

/// `ValidateTolerations`.
fn validate_toleration(t: &Toleration, path: &str, errs: &mut Vec<FieldError>) {
    let key = t.key.as_deref().unwrap_or("");
    if !key.is_empty() {
        for msg in names::qualified_name(key) {
            errs.push(FieldError::invalid(
                &format!("{path}.key"),
                render_str(key),
                &msg,
            ));
        }
    }
    let operator = t.operator.as_deref().unwrap_or("");
    if key.is_empty() && operator != "Exists" {
        errs.push(FieldError::invalid(
            &format!("{path}.operator"),
            render_str(operator),
            "operator must be Exists when `key` is empty, which means \"match all values and all keys\"",
        ));
    }
    if t.toleration_seconds.is_some() && t.effect.as_deref() != Some("NoExecute") {
        errs.push(FieldError::invalid(
            &format!("{path}.effect"),
            render_str(t.effect.as_deref().unwrap_or("")),
            "effect must be 'NoExecute' when `tolerationSeconds` is set",
        ));
    }
    let value = t.value.as_deref().unwrap_or("");
    match operator {
        "" | "Equal" => {
            let msgs = names::label_value(value);
            if !msgs.is_empty() {
                errs.push(FieldError::invalid(
                    &format!("{path}.operator"),
                    render_str(value),
                    &msgs.join(";"),
                ));
            }
        }
        "Exists" => {
            if !value.is_empty() {
                errs.push(FieldError::invalid(
                    &format!("{path}.operator"),
                    // The internal Go struct, so capitalised field names.
                    render_json(&serde_json::json!({
                        "Key": t.key.as_deref().unwrap_or(""),
                        "Operator": operator,
                        "Value": value,
                        "Effect": t.effect.as_deref().unwrap_or(""),
                        "TolerationSeconds": t.toleration_seconds,
                    })),
                    "value must be empty when `operator` is 'Exists'",
                ));
            }
        }
        other => errs.push(FieldError::not_supported(
            &format!("{path}.operator"),
            render_str(other),
            &["Equal", "Exists"],
        )),
    }
    // `validateTaintEffect` with allowEmpty true (an empty effect tolerates every effect).
    if let Some(effect) = t.effect.as_deref().filter(|e| !e.is_empty()) {
        let p = format!("{path}.effect");
        enums::check_supported(&p, effect, TaintEffect::KNOWN, errs);
    }
}

/// `ValidatePodUpdate`'s mutation rule. The real message goes on with a Go `cmp.Diff` of the
/// two specs, which kubeplay leaves out.
pub fn validate_pod_update(old: &PodSpec, new: &PodSpec, errs: &mut Vec<FieldError>) {
    let mut masked = new.clone();
    for (m, o) in masked.containers.iter_mut().zip(&old.containers) {
        m.image = o.image.clone();
    }
    for (m, o) in masked.init_containers.iter_mut().zip(&old.init_containers) {
        m.image = o.image.clone();
    }
    masked.active_deadline_seconds = old.active_deadline_seconds;
    // Tolerations may only be added.
    if old.tolerations.iter().all(|t| new.tolerations.contains(t)) {
        masked.tolerations = old.tolerations.clone();
    }
    // A negative grace period may be raised to 1.
    if old.termination_grace_period_seconds.is_some_and(|g| g < 0)
        && new.termination_grace_period_seconds == Some(1)
    {
        masked.termination_grace_period_seconds = old.termination_grace_period_seconds;
    }
    if Codec::encode(&masked) != Codec::encode(old) {
        errs.push(FieldError::forbidden(
            "spec",
            "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
        ));
    }
}
