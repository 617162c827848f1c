//! describe for PersistentVolumeClaims, PersistentVolumes, StorageClasses and Services (describe.go).

use super::kinds::head;
use super::{annotations, labels, or_none, W};
use crate::engine::model::*;
use crate::engine::Sim;
use crate::kubectl::duration::age;
use crate::kubectl::printers::{access_modes, claim_capacity_and_modes, storage_capacity};

pub fn service(w: &mut W, sim: &Sim, s: &Service) {
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
    // Set (defaulted to Cluster) only on NodePort and LoadBalancer services.
    if let Some(policy) = s
        .spec
        .external_traffic_policy
        .as_deref()
        .filter(|p| !p.is_empty())
    {
        w.line(0, &format!("External Traffic Policy:\t{policy}"));
    }
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

pub fn pvc(w: &mut W, sim: &Sim, c: &PersistentVolumeClaim) {
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
    let (cap, modes) = claim_capacity_and_modes(c);
    w.line(0, &format!("Capacity:\t{cap}"));
    w.line(0, &format!("Access Modes:\t{modes}"));
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

pub fn pv(w: &mut W, v: &PersistentVolume) {
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
        &format!("Capacity:\t{}", storage_capacity(v.spec.capacity.as_ref())),
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

pub fn storageclass(w: &mut W, s: &StorageClass) {
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
