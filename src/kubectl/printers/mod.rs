//! Table columns per kind, as pkg/printers/internalversion/printers.go defines them.

pub mod endpointslice;
pub mod pod;

use super::duration::age;
use crate::engine::model::*;
use crate::engine::time::SimTime;
use std::collections::BTreeMap;

fn none_if_empty(s: String) -> String {
    if s.is_empty() {
        "<none>".into()
    } else {
        s
    }
}

/// `kubectl get events -o wide` reorders rather than appends.
const EVENT_WIDE: &[&str] = &[
    "LAST SEEN",
    "TYPE",
    "REASON",
    "OBJECT",
    "SUBOBJECT",
    "SOURCE",
    "MESSAGE",
    "FIRST SEEN",
    "COUNT",
    "NAME",
];

/// The column headers `row` fills, with or without `-o wide`.
pub fn headers(kind: Kind, wide: bool) -> Vec<&'static str> {
    if kind == Kind::Event && wide {
        return EVENT_WIDE.to_vec();
    }
    let (base, extra) = columns(kind);
    let mut all = base.to_vec();
    if wide {
        all.extend_from_slice(extra);
    }
    all
}

/// Column headers: normal and the extra `-o wide` ones.
fn columns(kind: Kind) -> (&'static [&'static str], &'static [&'static str]) {
    match kind {
        Kind::Pod => (pod::HEADERS, pod::WIDE),
        Kind::Node => (
            &["NAME", "STATUS", "ROLES", "AGE", "VERSION"],
            &[
                "INTERNAL-IP",
                "EXTERNAL-IP",
                "OS-IMAGE",
                "KERNEL-VERSION",
                "CONTAINER-RUNTIME",
            ],
        ),
        Kind::Namespace => (&["NAME", "STATUS", "AGE"], &[]),
        Kind::Service => (
            &[
                "NAME",
                "TYPE",
                "CLUSTER-IP",
                "EXTERNAL-IP",
                "PORT(S)",
                "AGE",
            ],
            &["SELECTOR"],
        ),
        Kind::Endpoints => (&["NAME", "ENDPOINTS", "AGE"], &[]),
        Kind::EndpointSlice => (endpointslice::HEADERS, &[]),
        Kind::ConfigMap => (&["NAME", "DATA", "AGE"], &[]),
        Kind::Secret => (&["NAME", "TYPE", "DATA", "AGE"], &[]),
        Kind::PersistentVolumeClaim => (
            &[
                "NAME",
                "STATUS",
                "VOLUME",
                "CAPACITY",
                "ACCESS MODES",
                "STORAGECLASS",
                "VOLUMEATTRIBUTESCLASS",
                "AGE",
            ],
            &["VOLUMEMODE"],
        ),
        Kind::PersistentVolume => (
            &[
                "NAME",
                "CAPACITY",
                "ACCESS MODES",
                "RECLAIM POLICY",
                "STATUS",
                "CLAIM",
                "STORAGECLASS",
                "VOLUMEATTRIBUTESCLASS",
                "REASON",
                "AGE",
            ],
            &["VOLUMEMODE"],
        ),
        Kind::StorageClass => (
            &[
                "NAME",
                "PROVISIONER",
                "RECLAIMPOLICY",
                "VOLUMEBINDINGMODE",
                "ALLOWVOLUMEEXPANSION",
                "AGE",
            ],
            &[],
        ),
        Kind::Event => (&["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"], &[]),
        Kind::DaemonSet => (
            &[
                "NAME",
                "DESIRED",
                "CURRENT",
                "READY",
                "UP-TO-DATE",
                "AVAILABLE",
                "NODE SELECTOR",
                "AGE",
            ],
            &["CONTAINERS", "IMAGES", "SELECTOR"],
        ),
        Kind::Deployment => (
            &["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"],
            &["CONTAINERS", "IMAGES", "SELECTOR"],
        ),
        Kind::ReplicaSet => (
            &["NAME", "DESIRED", "CURRENT", "READY", "AGE"],
            &["CONTAINERS", "IMAGES", "SELECTOR"],
        ),
        Kind::StatefulSet => (&["NAME", "READY", "AGE"], &["CONTAINERS", "IMAGES"]),
        Kind::ControllerRevision => (&["NAME", "CONTROLLER", "REVISION", "AGE"], &[]),
        Kind::PodDisruptionBudget => (
            &[
                "NAME",
                "MIN AVAILABLE",
                "MAX UNAVAILABLE",
                "ALLOWED DISRUPTIONS",
                "AGE",
            ],
            &[],
        ),
    }
}

fn containers_images(t: &PodTemplateSpec) -> (String, String) {
    let names: Vec<&str> = t.spec.containers.iter().map(|c| c.name.as_str()).collect();
    let images: Vec<&str> = t.spec.containers.iter().map(|c| c.image.as_str()).collect();
    (names.join(","), images.join(","))
}

fn selector_text(s: &Option<LabelSelector>) -> String {
    match s {
        Some(sel) if !sel.is_empty() => sel.to_selector_string(),
        _ => "<none>".into(),
    }
}

fn format_labels(l: &Option<Labels>) -> String {
    let text = l
        .iter()
        .flatten()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",");
    none_if_empty(text)
}

/// The `storage` entry of a capacity, as written (empty when there is none).
pub fn storage_capacity(capacity: Option<&BTreeMap<String, Quantity>>) -> String {
    capacity
        .and_then(|m| m.get("storage"))
        .map(|q| q.0.clone())
        .unwrap_or_default()
}

/// A claim's capacity and access modes: `get` and `describe` both show them only once the
/// claim is Bound.
pub fn claim_capacity_and_modes(c: &PersistentVolumeClaim) -> (String, String) {
    if c.status.phase.as_deref() == Some("Bound") {
        (
            storage_capacity(c.status.capacity.as_ref()),
            access_modes(&c.status.access_modes),
        )
    } else {
        (String::new(), String::new())
    }
}

/// `RWO`, `ROX`, `RWX`, `RWOP` joined by commas (storage helper GetAccessModesAsString).
pub fn access_modes(modes: &[String]) -> String {
    let mut out = Vec::new();
    for (full, short) in [
        ("ReadWriteOnce", "RWO"),
        ("ReadOnlyMany", "ROX"),
        ("ReadWriteMany", "RWX"),
        ("ReadWriteOncePod", "RWOP"),
    ] {
        if modes.iter().any(|m| m == full) {
            out.push(short);
        }
    }
    out.join(",")
}

pub fn node_status(n: &Node) -> String {
    let mut s = match n.condition("Ready") {
        Some(c) if c.status == "True" => "Ready".to_string(),
        Some(_) => "NotReady".to_string(),
        None => "Unknown".to_string(),
    };
    if n.is_unschedulable() {
        s.push_str(",SchedulingDisabled");
    }
    s
}

fn service_ports(s: &Service) -> String {
    let parts: Vec<String> = s
        .spec
        .ports
        .iter()
        .map(|p| {
            let proto = p.protocol.clone().unwrap_or_else(|| "TCP".into());
            match p.node_port {
                Some(np) if np != 0 => format!("{}:{np}/{proto}", p.port),
                _ => format!("{}/{proto}", p.port),
            }
        })
        .collect();
    none_if_empty(parts.join(","))
}

fn external_ip(s: &Service) -> String {
    let ips = s.spec.external_ips.clone().unwrap_or_default();
    match s.spec.type_.as_deref().unwrap_or("ClusterIP") {
        "ExternalName" => s.spec.external_name.clone().unwrap_or_default(),
        "LoadBalancer" => {
            let ingress: Vec<String> = s
                .status
                .pointer("/loadBalancer/ingress")
                .and_then(|v| v.as_array())
                .map(|a| {
                    a.iter()
                        .filter_map(|i| i.get("ip").and_then(|x| x.as_str()).map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            let all: Vec<String> = ingress.into_iter().chain(ips).collect();
            if all.is_empty() {
                "<pending>".into()
            } else {
                all.join(",")
            }
        }
        _ => none_if_empty(ips.join(",")),
    }
}

fn endpoints_text(e: &Endpoints) -> String {
    let mut list = Vec::new();
    let mut count = 0;
    for s in &e.subsets {
        for a in &s.addresses {
            if s.ports.is_empty() {
                count += 1;
                if list.len() < 3 {
                    list.push(a.ip.clone());
                }
            }
            for p in &s.ports {
                count += 1;
                if list.len() < 3 {
                    list.push(format!("{}:{}", a.ip, p.port));
                }
            }
        }
    }
    if count == 0 {
        return "<none>".into();
    }
    let mut text = list.join(",");
    if count > 3 {
        text.push_str(&format!(" + {} more...", count - 3));
    }
    text
}

fn int_or_na(v: &Option<IntOrString>) -> String {
    v.as_ref()
        .map(|x| x.to_string())
        .unwrap_or_else(|| "N/A".into())
}

/// `statefulset.apps/web` for a ControllerRevision's owner.
fn controller_text(meta: &ObjectMeta) -> String {
    match meta.controller_ref() {
        Some(r) => {
            let group = r.api_version.split_once('/').map(|(g, _)| g).unwrap_or("");
            let kind = r.kind.to_ascii_lowercase();
            if group.is_empty() {
                format!("{kind}/{}", r.name)
            } else {
                format!("{kind}.{group}/{}", r.name)
            }
        }
        None => "<none>".into(),
    }
}

/// Event LAST SEEN: `8s`, or `13s (x2 over 26s)` for repeated events.
pub fn event_last_seen(e: &Event, now: SimTime) -> String {
    let last = e
        .last_timestamp
        .or(e.first_timestamp)
        .or(e.metadata.creation_timestamp);
    let first = e.first_timestamp.or(e.metadata.creation_timestamp);
    if e.count > 1 {
        format!("{} (x{} over {})", age(last, now), e.count, age(first, now))
    } else {
        age(last, now)
    }
}

/// One table row (NAME first) for `obj`.
pub fn row(obj: &Object, now: SimTime, wide: bool) -> Vec<String> {
    let created = obj.meta().creation_timestamp;
    let name = obj.meta().name.clone();
    let mut r: Vec<String> = match obj {
        Object::Pod(p) => return pod::row(p, now, wide),
        Object::Node(n) => {
            let roles = n.roles();
            let version = n
                .status
                .node_info
                .as_ref()
                .map(|i| i.kubelet_version.clone())
                .unwrap_or_default();
            let mut r = vec![
                name,
                node_status(n),
                none_if_empty(roles.join(",")),
                age(created, now),
                version,
            ];
            if wide {
                let info = n.status.node_info.clone().unwrap_or_default();
                let ext = n
                    .status
                    .addresses
                    .iter()
                    .find(|a| a.type_ == "ExternalIP")
                    .map(|a| a.address.clone());
                r.push(
                    n.internal_ip()
                        .map(str::to_string)
                        .unwrap_or_else(|| "<none>".into()),
                );
                r.push(ext.unwrap_or_else(|| "<none>".into()));
                r.push(none_if_empty(info.os_image));
                r.push(none_if_empty(info.kernel_version));
                r.push(none_if_empty(info.container_runtime_version));
            }
            return r;
        }
        Object::Namespace(n) => {
            let phase = if n.metadata.deletion_timestamp.is_some() {
                "Terminating".to_string()
            } else {
                n.status.phase.clone().unwrap_or_else(|| "Active".into())
            };
            vec![name, phase, age(created, now)]
        }
        Object::Service(s) => {
            let mut r = vec![
                name,
                s.spec.type_.clone().unwrap_or_else(|| "ClusterIP".into()),
                s.spec.cluster_ip.clone().unwrap_or_else(|| "<none>".into()),
                external_ip(s),
                service_ports(s),
                age(created, now),
            ];
            if wide {
                r.push(format_labels(&s.spec.selector));
            }
            return r;
        }
        Object::Endpoints(e) => vec![name, endpoints_text(e), age(created, now)],
        Object::EndpointSlice(s) => {
            let [address_type, ports, endpoints] = endpointslice::cells(s);
            vec![name, address_type, ports, endpoints, age(created, now)]
        }
        Object::ConfigMap(c) => {
            let n = c.data.as_ref().map_or(0, |d| d.len())
                + c.binary_data.as_ref().map_or(0, |d| d.len());
            vec![name, n.to_string(), age(created, now)]
        }
        Object::Secret(s) => vec![
            name,
            s.type_.clone().unwrap_or_else(|| "Opaque".into()),
            s.data.as_ref().map_or(0, |d| d.len()).to_string(),
            age(created, now),
        ],
        Object::PersistentVolumeClaim(c) => {
            let status = if c.metadata.deletion_timestamp.is_some() {
                "Terminating".to_string()
            } else {
                c.phase().to_string()
            };
            let (capacity, modes) = claim_capacity_and_modes(c);
            let mut r = vec![
                name,
                status,
                c.spec.volume_name.clone().unwrap_or_default(),
                capacity,
                modes,
                c.spec.storage_class_name.clone().unwrap_or_default(),
                c.spec
                    .volume_attributes_class_name
                    .clone()
                    .unwrap_or_else(|| "<unset>".into()),
                age(created, now),
            ];
            if wide {
                r.push(
                    c.spec
                        .volume_mode
                        .clone()
                        .unwrap_or_else(|| "<unset>".into()),
                );
            }
            return r;
        }
        Object::PersistentVolume(v) => {
            let status = if v.metadata.deletion_timestamp.is_some() {
                "Terminating".to_string()
            } else {
                v.status.phase.clone().unwrap_or_else(|| "Pending".into())
            };
            let claim = v
                .spec
                .claim_ref
                .as_ref()
                .map(|c| format!("{}/{}", c.namespace, c.name))
                .unwrap_or_default();
            let mut r = vec![
                name,
                storage_capacity(v.spec.capacity.as_ref()),
                access_modes(&v.spec.access_modes),
                v.spec
                    .persistent_volume_reclaim_policy
                    .clone()
                    .unwrap_or_else(|| "Retain".into()),
                status,
                claim,
                v.spec.storage_class_name.clone().unwrap_or_default(),
                v.spec
                    .volume_attributes_class_name
                    .clone()
                    .unwrap_or_else(|| "<unset>".into()),
                String::new(),
                age(created, now),
            ];
            if wide {
                r.push(
                    v.spec
                        .volume_mode
                        .clone()
                        .unwrap_or_else(|| "<unset>".into()),
                );
            }
            return r;
        }
        Object::StorageClass(s) => {
            let shown = if s.is_default() {
                format!("{name} (default)")
            } else {
                name
            };
            vec![
                shown,
                s.provisioner.clone(),
                s.reclaim_policy.clone().unwrap_or_else(|| "Delete".into()),
                s.volume_binding_mode
                    .clone()
                    .unwrap_or_else(|| "Immediate".into()),
                s.allow_volume_expansion.unwrap_or(false).to_string(),
                age(created, now),
            ]
        }
        Object::Event(e) => {
            let last_seen = event_last_seen(e, now);
            let object = format!(
                "{}/{}",
                e.involved_object.kind.to_ascii_lowercase(),
                e.involved_object.name
            );
            let message = e.message.trim().to_string();
            if !wide {
                return vec![
                    last_seen,
                    e.type_.clone(),
                    e.reason.clone(),
                    object,
                    message,
                ];
            }
            // `-o wide` reorders rather than appends (EVENT_WIDE).
            let source = if e.source.host.is_empty() {
                e.source.component.clone()
            } else {
                format!("{}, {}", e.source.component, e.source.host)
            };
            return vec![
                last_seen,
                e.type_.clone(),
                e.reason.clone(),
                object,
                e.involved_object.field_path.clone().unwrap_or_default(),
                source,
                message,
                age(e.first_timestamp, now),
                e.count.to_string(),
                e.metadata.name.clone(),
            ];
        }
        Object::DaemonSet(d) => {
            let st = &d.status;
            let mut r = vec![
                name,
                st.desired_number_scheduled.to_string(),
                st.current_number_scheduled.to_string(),
                st.number_ready.to_string(),
                st.updated_number_scheduled.to_string(),
                st.number_available.to_string(),
                format_labels(&d.spec.template.spec.node_selector),
                age(created, now),
            ];
            if wide {
                let (c, i) = containers_images(&d.spec.template);
                r.extend([c, i, selector_text(&d.spec.selector)]);
            }
            return r;
        }
        Object::Deployment(d) => {
            let st = &d.status;
            let mut r = vec![
                name,
                format!("{}/{}", st.ready_replicas, d.spec.replicas.unwrap_or(1)),
                st.updated_replicas.to_string(),
                st.available_replicas.to_string(),
                age(created, now),
            ];
            if wide {
                let (c, i) = containers_images(&d.spec.template);
                r.extend([c, i, selector_text(&d.spec.selector)]);
            }
            return r;
        }
        Object::ReplicaSet(rs) => {
            let mut r = vec![
                name,
                rs.spec.replicas.unwrap_or(1).to_string(),
                rs.status.replicas.to_string(),
                rs.status.ready_replicas.to_string(),
                age(created, now),
            ];
            if wide {
                let (c, i) = containers_images(&rs.spec.template);
                r.extend([c, i, selector_text(&rs.spec.selector)]);
            }
            return r;
        }
        Object::StatefulSet(s) => {
            let mut r = vec![
                name,
                format!(
                    "{}/{}",
                    s.status.ready_replicas,
                    s.spec.replicas.unwrap_or(1)
                ),
                age(created, now),
            ];
            if wide {
                let (c, i) = containers_images(&s.spec.template);
                r.extend([c, i]);
            }
            return r;
        }
        Object::ControllerRevision(c) => {
            vec![
                name,
                controller_text(&c.metadata),
                c.revision.to_string(),
                age(created, now),
            ]
        }
        Object::PodDisruptionBudget(p) => vec![
            name,
            int_or_na(&p.spec.min_available),
            int_or_na(&p.spec.max_unavailable),
            p.status.disruptions_allowed.to_string(),
            age(created, now),
        ],
    };
    let _ = wide;
    r.shrink_to_fit();
    r
}
