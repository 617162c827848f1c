//! describe for workloads, nodes, services, storage and config kinds (describe.go).

use super::pod::pod_template;
use super::{annotations, controlled_pods, labels, or_none, pods_status, selector_text, ts, W};
use crate::engine::model::*;
use crate::engine::Sim;

pub(super) fn head(w: &mut W, m: &ObjectMeta) {
    w.line(0, &format!("Name:\t{}", m.name));
    w.line(0, &format!("Namespace:\t{}", m.namespace));
}

pub fn describe(w: &mut W, sim: &Sim, obj: &Object) {
    match obj {
        Object::StatefulSet(s) => statefulset(w, sim, s),
        Object::DaemonSet(d) => daemonset(w, sim, d),
        Object::Deployment(d) => deployment(w, sim, d),
        Object::ReplicaSet(r) => replicaset(w, sim, r),
        Object::Node(n) => super::node::node(w, sim, n),
        Object::Service(s) => super::storage::service(w, sim, s),
        Object::PersistentVolumeClaim(c) => super::storage::pvc(w, sim, c),
        Object::PersistentVolume(v) => super::storage::pv(w, v),
        Object::StorageClass(s) => super::storage::storageclass(w, s),
        Object::Namespace(n) => {
            w.line(0, &format!("Name:\t{}", n.metadata.name));
            labels(w, 0, "Labels", n.metadata.labels.as_ref());
            annotations(w, 0, "Annotations", n.metadata.annotations.as_ref());
            w.line(
                0,
                &format!(
                    "Status:\t{}",
                    n.status.phase.clone().unwrap_or_else(|| "Active".into())
                ),
            );
            w.line(0, "");
            w.line(0, "No resource quota.");
            w.line(0, "");
            w.line(0, "No LimitRange resource.");
        }
        Object::ConfigMap(c) => {
            head(w, &c.metadata);
            labels(w, 0, "Labels", c.metadata.labels.as_ref());
            annotations(w, 0, "Annotations", c.metadata.annotations.as_ref());
            w.line(0, "");
            w.line(0, "Data");
            w.line(0, "====");
            for (k, v) in c.data.iter().flatten() {
                w.line(0, &format!("{k}:"));
                w.line(0, "----");
                w.line(0, v);
                w.line(0, "");
            }
            w.line(0, "");
            w.line(0, "BinaryData");
            w.line(0, "====");
            w.line(0, "");
            w.line(0, "Events:\t<none>");
        }
        Object::Secret(s) => {
            head(w, &s.metadata);
            labels(w, 0, "Labels", s.metadata.labels.as_ref());
            annotations(w, 0, "Annotations", s.metadata.annotations.as_ref());
            w.line(0, "");
            w.line(
                0,
                &format!(
                    "Type:\t{}",
                    s.type_.clone().unwrap_or_else(|| "Opaque".into())
                ),
            );
            w.line(0, "");
            w.line(0, "Data");
            w.line(0, "====");
            for (k, v) in s.data.iter().flatten() {
                w.line(0, &format!("{k}:\t{} bytes", decoded_len(v)));
            }
        }
        Object::PodDisruptionBudget(p) => {
            head(w, &p.metadata);
            if let Some(m) = &p.spec.min_available {
                w.line(0, &format!("Min available:\t{m}"));
            }
            if let Some(m) = &p.spec.max_unavailable {
                w.line(0, &format!("Max unavailable:\t{m}"));
            }
            w.line(
                0,
                &format!("Selector:\t{}", selector_text(p.spec.selector.as_ref())),
            );
            w.line(0, "Status:");
            w.line(
                2,
                &format!("Allowed disruptions:\t{}", p.status.disruptions_allowed),
            );
            w.line(2, &format!("Current:\t{}", p.status.current_healthy));
            w.line(2, &format!("Desired:\t{}", p.status.desired_healthy));
            w.line(2, &format!("Total:\t{}", p.status.expected_pods));
        }
        other => {
            let m = other.meta();
            head(w, m);
            labels(w, 0, "Labels", m.labels.as_ref());
            annotations(w, 0, "Annotations", m.annotations.as_ref());
            w.line(
                0,
                &format!("API Version:\t{}", other.kind().info().api_version()),
            );
            w.line(0, &format!("Kind:\t{}", other.kind().info().name));
        }
    }
}

fn decoded_len(b64: &str) -> usize {
    let trimmed = b64.trim_end_matches('=');
    trimmed.len() * 3 / 4
}

fn statefulset(w: &mut W, sim: &Sim, s: &StatefulSet) {
    head(w, &s.metadata);
    w.line(
        0,
        &format!("CreationTimestamp:\t{}", ts(s.metadata.creation_timestamp)),
    );
    w.line(
        0,
        &format!("Selector:\t{}", selector_text(s.spec.selector.as_ref())),
    );
    labels(w, 0, "Labels", s.metadata.labels.as_ref());
    annotations(w, 0, "Annotations", s.metadata.annotations.as_ref());
    w.line(
        0,
        &format!(
            "Replicas:\t{} desired | {} total",
            s.spec.replicas.unwrap_or(1),
            s.status.replicas
        ),
    );
    let strategy = s.spec.update_strategy.clone().unwrap_or_default();
    w.line(
        0,
        &format!(
            "Update Strategy:\t{}",
            strategy
                .type_
                .clone()
                .unwrap_or_else(|| "RollingUpdate".into())
        ),
    );
    if let Some(ru) = &strategy.rolling_update {
        if let Some(p) = ru.partition {
            w.line(1, &format!("Partition:\t{p}"));
        }
        if let Some(m) = &ru.max_unavailable {
            w.line(1, &format!("MaxUnavailable:\t{m}"));
        }
    }
    w.line(
        0,
        &format!(
            "Pods Status:\t{}",
            pods_status(controlled_pods(sim, &s.metadata))
        ),
    );
    pod_template(w, &s.spec.template);
    if s.spec.volume_claim_templates.is_empty() {
        w.line(0, "Volume Claims:\t<none>");
    } else {
        w.line(0, "Volume Claims:");
        for c in &s.spec.volume_claim_templates {
            w.line(1, &format!("Name:\t{}", c.metadata.name));
            w.line(
                1,
                &format!(
                    "StorageClass:\t{}",
                    c.spec.storage_class_name.clone().unwrap_or_default()
                ),
            );
            labels(w, 1, "Labels", c.metadata.labels.as_ref());
            annotations(w, 1, "Annotations", c.metadata.annotations.as_ref());
            let cap = c
                .requested_storage()
                .map(|q| q.0.clone())
                .unwrap_or_else(|| "<default>".into());
            w.line(1, &format!("Capacity:\t{cap}"));
            w.line(
                1,
                &format!("Access Modes:\t[{}]", c.spec.access_modes.join(" ")),
            );
        }
    }
}

fn daemonset(w: &mut W, sim: &Sim, d: &DaemonSet) {
    head(w, &d.metadata);
    w.line(
        0,
        &format!("Selector:\t{}", selector_text(d.spec.selector.as_ref())),
    );
    let ns: Vec<String> = d
        .spec
        .template
        .spec
        .node_selector
        .iter()
        .flatten()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    w.line(0, &format!("Node-Selector:\t{}", or_none(ns.join(","))));
    labels(w, 0, "Labels", d.metadata.labels.as_ref());
    annotations(w, 0, "Annotations", d.metadata.annotations.as_ref());
    let st = &d.status;
    w.line(
        0,
        &format!(
            "Desired Number of Nodes Scheduled: {}",
            st.desired_number_scheduled
        ),
    );
    w.line(
        0,
        &format!(
            "Current Number of Nodes Scheduled: {}",
            st.current_number_scheduled
        ),
    );
    w.line(
        0,
        &format!(
            "Number of Nodes Scheduled with Up-to-date Pods: {}",
            st.updated_number_scheduled
        ),
    );
    w.line(
        0,
        &format!(
            "Number of Nodes Scheduled with Available Pods: {}",
            st.number_available
        ),
    );
    w.line(
        0,
        &format!("Number of Nodes Misscheduled: {}", st.number_misscheduled),
    );
    let sel = d.spec.selector.clone().unwrap_or_default();
    let pods = sim
        .store()
        .list_in::<Pod>(&d.metadata.namespace)
        .filter(|p| !sel.is_empty() && sel.matches(p.metadata.labels()));
    w.line(0, &format!("Pods Status:\t{}", pods_status(pods)));
    pod_template(w, &d.spec.template);
}

fn conditions(w: &mut W, list: &[WorkloadCondition]) {
    if list.is_empty() {
        return;
    }
    w.line(0, "Conditions:");
    w.line(1, "Type\tStatus\tReason");
    w.line(1, "----\t------\t------");
    for c in list {
        w.line(
            1,
            &format!(
                "{} \t{}\t{}",
                c.type_,
                c.status,
                c.reason.clone().unwrap_or_default()
            ),
        );
    }
}

fn deployment(w: &mut W, sim: &Sim, d: &Deployment) {
    head(w, &d.metadata);
    w.line(
        0,
        &format!("CreationTimestamp:\t{}", ts(d.metadata.creation_timestamp)),
    );
    labels(w, 0, "Labels", d.metadata.labels.as_ref());
    annotations(w, 0, "Annotations", d.metadata.annotations.as_ref());
    w.line(
        0,
        &format!("Selector:\t{}", selector_text(d.spec.selector.as_ref())),
    );
    let st = &d.status;
    w.line(
        0,
        &format!(
            "Replicas:\t{} desired | {} updated | {} total | {} available | {} unavailable",
            d.spec.replicas.unwrap_or(1),
            st.updated_replicas,
            st.replicas,
            st.available_replicas,
            st.unavailable_replicas
        ),
    );
    let strategy = d.spec.strategy.clone().unwrap_or_default();
    let t = strategy
        .type_
        .clone()
        .unwrap_or_else(|| "RollingUpdate".into());
    w.line(0, &format!("StrategyType:\t{t}"));
    w.line(
        0,
        &format!(
            "MinReadySeconds:\t{}",
            d.spec.min_ready_seconds.unwrap_or(0)
        ),
    );
    if let Some(ru) = &strategy.rolling_update {
        let mu = ru
            .max_unavailable
            .as_ref()
            .map(|x| x.to_string())
            .unwrap_or_else(|| "25%".into());
        let ms = ru
            .max_surge
            .as_ref()
            .map(|x| x.to_string())
            .unwrap_or_else(|| "25%".into());
        w.line(
            0,
            &format!("RollingUpdateStrategy:\t{mu} max unavailable, {ms} max surge"),
        );
    }
    pod_template(w, &d.spec.template);
    conditions(w, &st.conditions);
    let mut rss: Vec<&ReplicaSet> = sim
        .store()
        .list_in::<ReplicaSet>(&d.metadata.namespace)
        .filter(|r| {
            r.metadata
                .controller_ref()
                .is_some_and(|o| o.uid == d.metadata.uid)
        })
        .collect();
    crate::engine::stable_sort::sort_by_key(&mut rss, |r| {
        r.metadata
            .annotations()
            .get("deployment.kubernetes.io/revision")
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(0)
    });
    let newest = rss.pop();
    let fmt_rs = |r: &ReplicaSet| {
        format!(
            "{} ({}/{} replicas created)",
            r.metadata.name,
            r.status.replicas,
            r.spec.replicas.unwrap_or(1)
        )
    };
    let old: Vec<String> = rss
        .iter()
        .filter(|r| r.spec.replicas.unwrap_or(1) > 0 || r.status.replicas > 0)
        .map(|r| fmt_rs(r))
        .collect();
    w.line(0, &format!("OldReplicaSets:\t{}", or_none(old.join(", "))));
    w.line(
        0,
        &format!(
            "NewReplicaSet:\t{}",
            newest.map(fmt_rs).unwrap_or_else(|| "<none>".into())
        ),
    );
}

fn replicaset(w: &mut W, sim: &Sim, r: &ReplicaSet) {
    head(w, &r.metadata);
    w.line(
        0,
        &format!("Selector:\t{}", selector_text(r.spec.selector.as_ref())),
    );
    labels(w, 0, "Labels", r.metadata.labels.as_ref());
    annotations(w, 0, "Annotations", r.metadata.annotations.as_ref());
    if let Some(o) = r.metadata.controller_ref() {
        w.line(0, &format!("Controlled By:\t{}/{}", o.kind, o.name));
    }
    w.line(
        0,
        &format!(
            "Replicas:\t{} current / {} desired",
            r.status.replicas,
            r.spec.replicas.unwrap_or(1)
        ),
    );
    w.line(
        0,
        &format!(
            "Pods Status:\t{}",
            pods_status(controlled_pods(sim, &r.metadata))
        ),
    );
    pod_template(w, &r.spec.template);
    conditions(w, &r.status.conditions);
}
