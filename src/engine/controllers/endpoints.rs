//! The endpoints controller (pkg/controller/endpoint): for each Service with a selector, an
//! Endpoints object of the same name listing the selected pods' IPs, ready ones under
//! `addresses`, the others under `notReadyAddresses` (all under `addresses` with
//! `publishNotReadyAddresses`), with hostname, nodeName, targetRef and the ports each pod
//! serves. The `default/kubernetes` Service gets the API server's address, as the apiserver's
//! own endpoint reconciler writes it.

use crate::engine::action::{Action, Propagation, Reconcile};
use crate::engine::model::{
    EndpointAddress, EndpointPort, EndpointSubset, Endpoints, IntOrString, Kind, Labels, Node,
    Object, ObjectMeta, Pod, Service, ServicePort,
};
use crate::engine::store::{ObjectKey, Store};
use crate::engine::time::Timestamp;
use crate::engine::Ctx;
use std::collections::BTreeMap;

pub const TRIGGER_TIME_ANNOTATION: &str = "endpoints.kubernetes.io/last-change-trigger-time";
pub const HEADLESS_LABEL: &str = "service.kubernetes.io/headless";

pub fn reconcile(ctx: &Ctx, key: &ObjectKey) -> Reconcile {
    let mut out = Reconcile::default();
    let store = ctx.store;
    let existing = store.get::<Endpoints>(&key.namespace, &key.name);
    let Some(svc) = store.get::<Service>(&key.namespace, &key.name) else {
        if existing.is_some() {
            out.act(Action::Delete {
                key: ObjectKey::new(Kind::Endpoints, &key.namespace, &key.name),
                grace_seconds: None,
                propagation: Propagation::Background,
            });
        }
        return out;
    };
    let (subsets, labels) = if svc.spec.selector.is_some() {
        if svc.spec.type_.as_deref() == Some("ExternalName") {
            return out;
        }
        (desired_subsets(store, svc), desired_labels(svc))
    } else if key.namespace == "default" && key.name == "kubernetes" {
        let mut labels = Labels::new();
        labels.insert(
            "endpointslice.kubernetes.io/skip-mirror".into(),
            "true".into(),
        );
        (apiserver_subsets(store), labels)
    } else {
        // Without a selector the user manages the Endpoints.
        return out;
    };
    match existing {
        Some(ep) if ep.subsets == subsets && ep.metadata.labels() == &labels => {}
        Some(ep) => {
            let mut ep = ep.clone();
            ep.subsets = subsets;
            ep.metadata.labels = Some(labels);
            ep.metadata
                .annotations_mut()
                .insert(TRIGGER_TIME_ANNOTATION.into(), trigger_time(ctx));
            out.act(Action::Update(Object::Endpoints(ep)));
        }
        None => {
            let mut metadata = ObjectMeta::named(&key.namespace, &key.name);
            metadata.labels = Some(labels);
            if svc.spec.selector.is_some() {
                metadata
                    .annotations_mut()
                    .insert(TRIGGER_TIME_ANNOTATION.into(), trigger_time(ctx));
            }
            out.act(Action::Create(Object::Endpoints(Endpoints {
                metadata,
                subsets,
                ..Default::default()
            })));
        }
    }
    out
}

pub(crate) fn trigger_time(ctx: &Ctx) -> String {
    serde_json::to_value(Timestamp(ctx.now))
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn desired_labels(svc: &Service) -> Labels {
    let mut labels = svc.metadata.labels().clone();
    if svc.spec.is_headless() {
        labels.insert(HEADLESS_LABEL.into(), String::new());
    }
    labels
}

pub(crate) fn apiserver_subsets(store: &Store) -> Vec<EndpointSubset> {
    let ip = store
        .list::<Node>()
        .find(|n| {
            n.metadata
                .labels()
                .contains_key("node-role.kubernetes.io/control-plane")
        })
        .and_then(|n| n.internal_ip().map(str::to_string));
    match ip {
        Some(ip) => vec![EndpointSubset {
            addresses: vec![EndpointAddress {
                ip,
                ..Default::default()
            }],
            not_ready_addresses: Vec::new(),
            ports: vec![EndpointPort {
                name: Some("https".into()),
                port: 6443,
                protocol: Some("TCP".into()),
            }],
        }],
        None => Vec::new(),
    }
}

/// podutil.FindPort: a numeric targetPort is used as is (defaulting to the service port), a
/// named one must be a container port of the pod with that name and protocol.
pub(crate) fn find_port(pod: &Pod, port: &ServicePort) -> Option<i64> {
    let protocol = port.protocol.as_deref().unwrap_or("TCP");
    match &port.target_port {
        None | Some(IntOrString::Int(0)) => Some(port.port),
        Some(IntOrString::Int(n)) => Some(*n),
        Some(IntOrString::String(name)) => pod
            .spec
            .containers
            .iter()
            .flat_map(|c| c.ports.iter())
            .find(|p| {
                p.name.as_deref() == Some(name.as_str())
                    && p.protocol.as_deref().unwrap_or("TCP") == protocol
            })
            .map(|p| p.container_port),
    }
}

fn address_of(pod: &Pod, svc: &Service) -> Option<EndpointAddress> {
    let ip = pod.status.pod_ip.clone().filter(|ip| !ip.is_empty())?;
    let hostname = pod.spec.hostname.clone().filter(|h| {
        !h.is_empty() && pod.spec.subdomain.as_deref() == Some(svc.metadata.name.as_str())
    });
    Some(EndpointAddress {
        hostname,
        ip,
        node_name: pod.spec.node_name.clone(),
        target_ref: Some(serde_json::json!({
            "kind": "Pod",
            "name": pod.metadata.name,
            "namespace": pod.metadata.namespace,
            "uid": pod.metadata.uid,
        })),
    })
}

/// (name, port, protocol): how ports are told apart; `port -1` stands for "no ports".
type PortKey = (String, i64, String);

/// Subsets as RepackSubsets leaves them: one subset per distinct set of addresses, holding every
/// port those addresses serve; addresses sorted by IP.
pub fn desired_subsets(store: &Store, svc: &Service) -> Vec<EndpointSubset> {
    let ns = &svc.metadata.namespace;
    let selector = svc.spec.selector.clone().unwrap_or_default();
    let publish_not_ready = svc.spec.publish_not_ready_addresses == Some(true);
    // port (sorted key) -> (ready addresses, not ready addresses)
    let mut by_port: BTreeMap<PortKey, (Vec<EndpointAddress>, Vec<EndpointAddress>)> =
        BTreeMap::new();
    let mut port_of: BTreeMap<PortKey, Option<EndpointPort>> = BTreeMap::new();
    for pod in store.list_in::<Pod>(ns) {
        let labels = pod.metadata.labels();
        if !selector.iter().all(|(k, v)| labels.get(k) == Some(v)) {
            continue;
        }
        // endpointsliceutil.ShouldPodBeInEndpoints.
        if pod.is_terminal() || (!publish_not_ready && pod.metadata.deletion_timestamp.is_some()) {
            continue;
        }
        let Some(address) = address_of(pod, svc) else {
            continue;
        };
        let ready = publish_not_ready || pod.is_ready();
        let ports: Vec<Option<EndpointPort>> = if svc.spec.ports.is_empty() {
            // A headless service may have no ports: addresses only.
            if svc.spec.is_headless() {
                vec![None]
            } else {
                Vec::new()
            }
        } else {
            svc.spec
                .ports
                .iter()
                .filter_map(|sp| {
                    find_port(pod, sp).map(|n| {
                        Some(EndpointPort {
                            name: sp.name.clone(),
                            port: n,
                            protocol: Some(sp.protocol.clone().unwrap_or_else(|| "TCP".into())),
                        })
                    })
                })
                .collect()
        };
        for port in ports {
            let k = port
                .as_ref()
                .map(|p| {
                    (
                        p.name.clone().unwrap_or_default(),
                        p.port,
                        p.protocol.clone().unwrap_or_default(),
                    )
                })
                .unwrap_or_else(|| (String::new(), -1, String::new()));
            port_of.insert(k.clone(), port);
            let entry = by_port.entry(k).or_default();
            if ready {
                entry.0.push(address.clone());
            } else {
                entry.1.push(address.clone());
            }
        }
    }
    // Group ports that share exactly the same addresses.
    let mut groups: Vec<EndpointSubset> = Vec::new();
    for (k, (mut ready, mut not_ready)) in by_port {
        let sort = |v: &mut Vec<EndpointAddress>| {
            crate::engine::stable_sort::sort_by(v, |a, b| {
                a.ip.cmp(&b.ip).then_with(|| {
                    a.target_ref
                        .as_ref()
                        .map(|t| t.to_string())
                        .cmp(&b.target_ref.as_ref().map(|t| t.to_string()))
                })
            })
        };
        sort(&mut ready);
        sort(&mut not_ready);
        let port = port_of.get(&k).cloned().flatten();
        match groups
            .iter_mut()
            .find(|g| g.addresses == ready && g.not_ready_addresses == not_ready)
        {
            Some(g) => g.ports.extend(port),
            None => groups.push(EndpointSubset {
                addresses: ready,
                not_ready_addresses: not_ready,
                ports: port.into_iter().collect(),
            }),
        }
    }
    crate::engine::stable_sort::sort_by(&mut groups, |a, b| {
        let first = |s: &EndpointSubset| {
            s.addresses
                .first()
                .or(s.not_ready_addresses.first())
                .map(|a| a.ip.clone())
        };
        first(a).cmp(&first(b))
    });
    groups
}
