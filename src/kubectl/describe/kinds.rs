//! describe for workloads, nodes, services, storage and config kinds (describe.go).

use super::pod::pod_template;
use super::{annotations, controlled_pods, labels, pods_status, selector_text, ts, W};
use crate::engine::model::*;
use crate::engine::Sim;
use crate::kubectl::duration::age;
use crate::kubectl::printers::access_modes;

fn or_none(s: String) -> String {
    if s.is_empty() {
        "<none>".into()
    } else {
        s
    }
}

fn head(w: &mut W, m: &ObjectMeta) {
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
        Object::Service(s) => service(w, sim, s),
        Object::PersistentVolumeClaim(c) => pvc(w, sim, c),
        Object::PersistentVolume(v) => pv(w, v),
        Object::StorageClass(s) => storageclass(w, s),
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
    rss.sort_by_key(|r| {
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

fn service(w: &mut W, sim: &Sim, s: &Service) {
    head(w, &s.metadata);
    labels(w, 0, "Labels", s.metadata.labels.as_ref());
    annotations(w, 0, "Annotations", s.metadata.annotations.as_ref());
    let sel: Vec<String> = s
        .spec
        .selector
        .iter()
        .flatten()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    w.line(0, &format!("Selector:\t{}", or_none(sel.join(","))));
    w.line(
        0,
        &format!(
            "Type:\t{}",
            s.spec.type_.clone().unwrap_or_else(|| "ClusterIP".into())
        ),
    );
    w.line(
        0,
        &format!(
            "IP Family Policy:\t{}",
            s.spec
                .ip_family_policy
                .clone()
                .unwrap_or_else(|| "SingleStack".into())
        ),
    );
    w.line(
        0,
        &format!(
            "IP Families:\t{}",
            s.spec
                .ip_families
                .clone()
                .unwrap_or_else(|| vec!["IPv4".into()])
                .join(",")
        ),
    );
    let ip = s.spec.cluster_ip.clone().unwrap_or_default();
    w.line(0, &format!("IP:\t{ip}"));
    w.line(
        0,
        &format!(
            "IPs:\t{}",
            s.spec
                .cluster_ips
                .clone()
                .unwrap_or_else(|| vec![ip.clone()])
                .join(",")
        ),
    );
    let eps = sim
        .store()
        .get::<Endpoints>(&s.metadata.namespace, &s.metadata.name);
    for p in &s.spec.ports {
        let proto = p.protocol.clone().unwrap_or_else(|| "TCP".into());
        w.line(
            0,
            &format!(
                "Port:\t{}\t{}/{proto}",
                p.name.clone().unwrap_or_else(|| "<unset>".into()),
                p.port
            ),
        );
        let tp = p
            .target_port
            .as_ref()
            .map(|t| t.to_string())
            .unwrap_or_else(|| p.port.to_string());
        w.line(0, &format!("TargetPort:\t{tp}/{proto}"));
        if let Some(np) = p.node_port {
            w.line(
                0,
                &format!(
                    "NodePort:\t{}\t{np}/{proto}",
                    p.name.clone().unwrap_or_else(|| "<unset>".into())
                ),
            );
        }
        let addrs: Vec<String> = eps
            .iter()
            .flat_map(|e| e.subsets.iter())
            .flat_map(|sub| {
                let port = sub
                    .ports
                    .iter()
                    .find(|ep| ep.name == p.name)
                    .or(sub.ports.first())
                    .map(|ep| ep.port);
                sub.addresses.iter().map(move |a| match port {
                    Some(pt) => format!("{}:{pt}", a.ip),
                    None => a.ip.clone(),
                })
            })
            .collect();
        w.line(0, &format!("Endpoints:\t{}", addrs.join(",")));
    }
    w.line(
        0,
        &format!(
            "Session Affinity:\t{}",
            s.spec
                .session_affinity
                .clone()
                .unwrap_or_else(|| "None".into())
        ),
    );
    w.line(
        0,
        &format!(
            "Internal Traffic Policy:\t{}",
            s.spec
                .internal_traffic_policy
                .clone()
                .unwrap_or_else(|| "Cluster".into())
        ),
    );
}

fn pvc(w: &mut W, sim: &Sim, c: &PersistentVolumeClaim) {
    head(w, &c.metadata);
    w.line(
        0,
        &format!(
            "StorageClass:\t{}",
            c.spec.storage_class_name.clone().unwrap_or_default()
        ),
    );
    let status = if c.metadata.deletion_timestamp.is_some() {
        format!(
            "Terminating (lasts {})",
            age(c.metadata.deletion_timestamp, sim.now())
        )
    } else {
        c.phase().to_string()
    };
    w.line(0, &format!("Status:\t{status}"));
    w.line(
        0,
        &format!(
            "Volume:\t{}",
            c.spec.volume_name.clone().unwrap_or_default()
        ),
    );
    labels(w, 0, "Labels", c.metadata.labels.as_ref());
    annotations(w, 0, "Annotations", c.metadata.annotations.as_ref());
    w.line(
        0,
        &format!("Finalizers:\t[{}]", c.metadata.finalizers.join(" ")),
    );
    let bound = c.status.phase.as_deref() == Some("Bound");
    let cap = if bound {
        c.status
            .capacity
            .as_ref()
            .and_then(|m| m.get("storage"))
            .map(|q| q.0.clone())
            .unwrap_or_default()
    } else {
        String::new()
    };
    w.line(0, &format!("Capacity:\t{cap}"));
    w.line(
        0,
        &format!(
            "Access Modes:\t{}",
            if bound {
                access_modes(&c.status.access_modes)
            } else {
                String::new()
            }
        ),
    );
    w.line(
        0,
        &format!(
            "VolumeMode:\t{}",
            c.spec
                .volume_mode
                .clone()
                .unwrap_or_else(|| "Filesystem".into())
        ),
    );
    let users: Vec<String> = sim
        .store()
        .list_in::<Pod>(&c.metadata.namespace)
        .filter(|p| {
            p.spec.volumes.iter().any(|v| {
                v.persistent_volume_claim
                    .as_ref()
                    .is_some_and(|x| x.claim_name == c.metadata.name)
            })
        })
        .map(|p| p.metadata.name.clone())
        .collect();
    w.line(0, &format!("Used By:\t{}", or_none(users.join(","))));
}

fn pv(w: &mut W, v: &PersistentVolume) {
    w.line(0, &format!("Name:\t{}", v.metadata.name));
    labels(w, 0, "Labels", v.metadata.labels.as_ref());
    annotations(w, 0, "Annotations", v.metadata.annotations.as_ref());
    w.line(
        0,
        &format!("Finalizers:\t[{}]", v.metadata.finalizers.join(" ")),
    );
    w.line(
        0,
        &format!(
            "StorageClass:\t{}",
            v.spec.storage_class_name.clone().unwrap_or_default()
        ),
    );
    w.line(
        0,
        &format!(
            "Status:\t{}",
            v.status.phase.clone().unwrap_or_else(|| "Pending".into())
        ),
    );
    let claim = v
        .spec
        .claim_ref
        .as_ref()
        .map(|c| format!("{}/{}", c.namespace, c.name))
        .unwrap_or_default();
    w.line(0, &format!("Claim:\t{claim}"));
    w.line(
        0,
        &format!(
            "Reclaim Policy:\t{}",
            v.spec
                .persistent_volume_reclaim_policy
                .clone()
                .unwrap_or_else(|| "Retain".into())
        ),
    );
    w.line(
        0,
        &format!("Access Modes:\t{}", access_modes(&v.spec.access_modes)),
    );
    w.line(
        0,
        &format!(
            "VolumeMode:\t{}",
            v.spec
                .volume_mode
                .clone()
                .unwrap_or_else(|| "Filesystem".into())
        ),
    );
    w.line(
        0,
        &format!(
            "Capacity:\t{}",
            v.spec
                .capacity
                .as_ref()
                .and_then(|m| m.get("storage"))
                .map(|q| q.0.clone())
                .unwrap_or_default()
        ),
    );
    let terms = v
        .spec
        .node_affinity
        .as_ref()
        .and_then(|a| a.pointer("/required/nodeSelectorTerms"))
        .and_then(|t| t.as_array())
        .cloned();
    match terms {
        None => w.line(0, "Node Affinity:\t<none>"),
        Some(terms) => {
            w.line(0, "Node Affinity:\t");
            w.line(1, "Required Terms:\t");
            for (i, t) in terms.iter().enumerate() {
                let exprs: Vec<String> = t
                    .get("matchExpressions")
                    .and_then(|e| e.as_array())
                    .into_iter()
                    .flatten()
                    .map(|e| {
                        let key = e.get("key").and_then(|k| k.as_str()).unwrap_or("");
                        let op = e
                            .get("operator")
                            .and_then(|k| k.as_str())
                            .unwrap_or("")
                            .to_ascii_lowercase();
                        let vals: Vec<&str> = e
                            .get("values")
                            .and_then(|v| v.as_array())
                            .into_iter()
                            .flatten()
                            .filter_map(|x| x.as_str())
                            .collect();
                        format!("{key} {op} [{}]", vals.join(" "))
                    })
                    .collect();
                w.line(2, &format!("Term {i}:\t{}", exprs.join(", ")));
            }
        }
    }
    w.line(0, "Message:\t");
    w.line(0, "Source:");
    if let Some(l) = &v.spec.local {
        w.line(
            2,
            "Type:\tLocalVolume (a persistent volume backed by local storage on a node)",
        );
        w.line(
            2,
            &format!(
                "Path:\t{}",
                l.get("path").and_then(|p| p.as_str()).unwrap_or("")
            ),
        );
    } else if let Some(h) = &v.spec.host_path {
        w.line(2, "Type:\tHostPath (bare host directory volume)");
        w.line(
            2,
            &format!(
                "Path:\t{}",
                h.get("path").and_then(|p| p.as_str()).unwrap_or("")
            ),
        );
        w.line(
            2,
            &format!(
                "HostPathType:\t{}",
                h.get("type").and_then(|p| p.as_str()).unwrap_or("")
            ),
        );
    } else {
        w.line(2, "Type:\t<unknown>");
    }
}

fn storageclass(w: &mut W, s: &StorageClass) {
    w.line(0, &format!("Name:\t{}", s.metadata.name));
    w.line(
        0,
        &format!(
            "IsDefaultClass:\t{}",
            if s.is_default() { "Yes" } else { "No" }
        ),
    );
    annotations(w, 0, "Annotations", s.metadata.annotations.as_ref());
    w.line(0, &format!("Provisioner:\t{}", s.provisioner));
    let params: Vec<String> = s
        .parameters
        .iter()
        .flatten()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    w.line(0, &format!("Parameters:\t{}", or_none(params.join(","))));
    w.line(
        0,
        &format!(
            "AllowVolumeExpansion:\t{}",
            s.allow_volume_expansion
                .map(|b| b.to_string())
                .unwrap_or_else(|| "<unset>".into())
        ),
    );
    w.line(0, "MountOptions:\t<none>");
    w.line(
        0,
        &format!(
            "ReclaimPolicy:\t{}",
            s.reclaim_policy.clone().unwrap_or_else(|| "Delete".into())
        ),
    );
    w.line(
        0,
        &format!(
            "VolumeBindingMode:\t{}",
            s.volume_binding_mode
                .clone()
                .unwrap_or_else(|| "Immediate".into())
        ),
    );
}
