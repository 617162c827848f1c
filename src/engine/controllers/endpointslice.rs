//! The EndpointSlice controller (pkg/controller/endpointslice with the reconciler in
//! staging/src/k8s.io/endpointslice): for each Service with a selector, EndpointSlices named
//! `<service>-<5 random>` (generateName), owned by the Service, listing every selected pod with
//! an IP, terminating ones included, each with ready/serving/terminating conditions
//! (podToEndpoint). Pods that resolve to different port sets go to different slices; a slice
//! holds at most 100 endpoints; a Service without endpoints keeps one empty placeholder slice.
//! The `default/kubernetes` slice is the API server's own (endpointsadapter.go): named
//! `kubernetes`, only a `ready` condition, no owner.

use super::controller_utils::controller_ref;
use super::endpoints::{
    apiserver_subsets, find_port, trigger_time, HEADLESS_LABEL, TRIGGER_TIME_ANNOTATION,
};
use crate::engine::action::{Action, Propagation, Reconcile};
use crate::engine::model::{
    EndpointSlice, Kind, Labels, Node, Object, ObjectMeta, ObjectReference, Pod, Service,
    SliceEndpoint, SliceEndpointConditions, SlicePort,
};
use crate::engine::store::{ObjectKey, Store};
use crate::engine::Ctx;

pub const SERVICE_NAME_LABEL: &str = "kubernetes.io/service-name";
pub const MANAGED_BY_LABEL: &str = "endpointslice.kubernetes.io/managed-by";
pub const CONTROLLER_NAME: &str = "endpointslice-controller.k8s.io";
const ZONE_LABEL: &str = "topology.kubernetes.io/zone";
/// --max-endpoints-per-slice default.
const MAX_ENDPOINTS_PER_SLICE: usize = 100;

/// One slice's worth of desired content.
struct Desired {
    ports: Option<Vec<SlicePort>>,
    endpoints: Option<Vec<SliceEndpoint>>,
}

pub fn reconcile(ctx: &Ctx, key: &ObjectKey) -> Reconcile {
    let mut out = Reconcile::default();
    let store = ctx.store;
    let Some(svc) = store.get::<Service>(&key.namespace, &key.name) else {
        // The garbage collector removes the slices through their owner reference.
        return out;
    };
    let existing = managed_slices(store, svc);
    if svc.spec.selector.is_none() {
        if key.namespace == "default" && key.name == "kubernetes" {
            apiserver_slice(ctx, &mut out);
        }
        return out;
    }
    if svc.spec.type_.as_deref() == Some("ExternalName") {
        for s in existing {
            out.act(delete(s));
        }
        return out;
    }
    let labels = desired_labels(svc);
    let mut desired = desired_slices(store, svc);
    if desired.is_empty() {
        desired.push(Desired {
            ports: None,
            endpoints: None,
        });
    }
    // Keep a slice whose ports already match; reuse leftovers (finalize turns a delete plus a
    // create into an update, so a slice keeps its name); create the rest, delete what is unused.
    let mut unused: Vec<&EndpointSlice> = existing;
    let mut pending = Vec::new();
    for d in desired {
        match unused.iter().position(|s| s.ports == d.ports) {
            Some(i) => {
                let slice = unused.remove(i);
                update_if_changed(ctx, &mut out, slice, d, &labels);
            }
            None => pending.push(d),
        }
    }
    for d in pending {
        if unused.is_empty() {
            out.act(Action::Create(Object::EndpointSlice(new_slice(
                ctx, svc, d, &labels,
            ))));
        } else {
            let slice = unused.remove(0);
            update_if_changed(ctx, &mut out, slice, d, &labels);
        }
    }
    for s in unused {
        out.act(delete(s));
    }
    out
}

/// Slices this controller manages for `svc`: its service-name and managed-by labels.
fn managed_slices<'a>(store: &'a Store, svc: &Service) -> Vec<&'a EndpointSlice> {
    store
        .list_in::<EndpointSlice>(&svc.metadata.namespace)
        .filter(|s| {
            let l = s.metadata.labels();
            l.get(SERVICE_NAME_LABEL) == Some(&svc.metadata.name)
                && l.get(MANAGED_BY_LABEL).map(String::as_str) == Some(CONTROLLER_NAME)
                && !s.metadata.is_terminating()
        })
        .collect()
}

fn delete(s: &EndpointSlice) -> Action {
    Action::Delete {
        key: ObjectKey::new(Kind::EndpointSlice, &s.metadata.namespace, &s.metadata.name),
        grace_seconds: None,
        propagation: Propagation::Background,
    }
}

/// setEndpointSliceLabels: the Service's labels minus the reserved ones, the headless label
/// when the Service has no cluster IP, then service-name and managed-by.
fn desired_labels(svc: &Service) -> Labels {
    let mut labels: Labels = svc
        .metadata
        .labels()
        .iter()
        .filter(|(k, _)| k.as_str() != SERVICE_NAME_LABEL && k.as_str() != MANAGED_BY_LABEL)
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let ip_set = svc
        .spec
        .cluster_ip
        .as_deref()
        .is_some_and(|ip| !ip.is_empty() && ip != "None");
    if ip_set {
        labels.remove(HEADLESS_LABEL);
    } else {
        labels.insert(HEADLESS_LABEL.into(), String::new());
    }
    labels.insert(SERVICE_NAME_LABEL.into(), svc.metadata.name.clone());
    labels.insert(MANAGED_BY_LABEL.into(), CONTROLLER_NAME.into());
    labels
}

/// getEndpointPorts: every Service port the pod resolves, in Service order; `name` is always
/// written (`""` for an unnamed port).
fn endpoint_ports(pod: &Pod, svc: &Service) -> Vec<SlicePort> {
    svc.spec
        .ports
        .iter()
        .filter_map(|sp| {
            find_port(pod, sp).map(|n| SlicePort {
                app_protocol: sp.app_protocol.clone(),
                name: Some(sp.name.clone().unwrap_or_default()),
                port: Some(n),
                protocol: Some(sp.protocol.clone().unwrap_or_else(|| "TCP".into())),
            })
        })
        .collect()
}

/// podToEndpoint.
fn pod_endpoint(pod: &Pod, node: &Node, svc: &Service, ip: String) -> SliceEndpoint {
    let serving = pod.is_ready();
    let terminating = pod.metadata.deletion_timestamp.is_some();
    let ready = svc.spec.publish_not_ready_addresses == Some(true) || (serving && !terminating);
    // ShouldSetHostname: the pod's subdomain names this Service (same namespace by listing).
    let hostname = pod.spec.hostname.clone().filter(|h| {
        !h.is_empty() && pod.spec.subdomain.as_deref() == Some(svc.metadata.name.as_str())
    });
    SliceEndpoint {
        addresses: vec![ip],
        conditions: SliceEndpointConditions {
            ready: Some(ready),
            serving: Some(serving),
            terminating: Some(terminating),
        },
        hints: None,
        hostname,
        node_name: pod.spec.node_name.clone(),
        target_ref: Some(ObjectReference {
            kind: "Pod".into(),
            name: pod.metadata.name.clone(),
            namespace: pod.metadata.namespace.clone(),
            uid: pod.metadata.uid.clone(),
            ..Default::default()
        }),
        zone: node
            .metadata
            .labels()
            .get(ZONE_LABEL)
            .filter(|z| !z.is_empty())
            .cloned(),
    }
}

/// Endpoints grouped by the port set their pod resolves, chunked by the per-slice maximum.
fn desired_slices(store: &Store, svc: &Service) -> Vec<Desired> {
    let ns = &svc.metadata.namespace;
    let selector = svc.spec.selector.clone().unwrap_or_default();
    let mut groups: Vec<(Vec<SlicePort>, Vec<SliceEndpoint>)> = Vec::new();
    for pod in store.list_in::<Pod>(ns) {
        let labels = pod.metadata.labels();
        if !selector.iter().all(|(k, v)| labels.get(k) == Some(v)) {
            continue;
        }
        // ShouldPodBeInEndpoints(pod, includeTerminating=true).
        if pod.is_terminal() {
            continue;
        }
        let Some(ip) = pod
            .status
            .pod_ip
            .clone()
            .filter(|ip| !ip.is_empty() && !ip.contains(':'))
        else {
            continue;
        };
        // A pod whose node is gone is left out until the node is back.
        let Some(node) = pod
            .spec
            .node_name
            .as_deref()
            .and_then(|n| store.get::<Node>("", n))
        else {
            continue;
        };
        let ports = endpoint_ports(pod, svc);
        let endpoint = pod_endpoint(pod, node, svc, ip);
        match groups.iter_mut().find(|(p, _)| *p == ports) {
            Some((_, eps)) => eps.push(endpoint),
            None => groups.push((ports, vec![endpoint])),
        }
    }
    let mut out = Vec::new();
    for (ports, mut endpoints) in groups {
        crate::engine::stable_sort::sort_by(&mut endpoints, |a, b| a.addresses.cmp(&b.addresses));
        for chunk in endpoints.chunks(MAX_ENDPOINTS_PER_SLICE) {
            out.push(Desired {
                ports: (!ports.is_empty()).then(|| ports.clone()),
                endpoints: Some(chunk.to_vec()),
            });
        }
    }
    out
}

fn new_slice(ctx: &Ctx, svc: &Service, d: Desired, labels: &Labels) -> EndpointSlice {
    let mut metadata = ObjectMeta {
        namespace: svc.metadata.namespace.clone(),
        generate_name: Some(format!("{}-", svc.metadata.name)),
        labels: Some(labels.clone()),
        owner_references: vec![controller_ref(Kind::Service, &svc.metadata)],
        ..Default::default()
    };
    metadata
        .annotations_mut()
        .insert(TRIGGER_TIME_ANNOTATION.into(), trigger_time(ctx));
    EndpointSlice {
        address_type: "IPv4".into(),
        endpoints: d.endpoints,
        metadata,
        ports: d.ports,
        ..Default::default()
    }
}

fn update_if_changed(
    ctx: &Ctx,
    out: &mut Reconcile,
    slice: &EndpointSlice,
    d: Desired,
    labels: &Labels,
) {
    if slice.endpoints == d.endpoints && slice.ports == d.ports && slice.metadata.labels() == labels
    {
        return;
    }
    let mut s = slice.clone();
    s.endpoints = d.endpoints;
    s.ports = d.ports;
    s.metadata.labels = Some(labels.clone());
    s.metadata
        .annotations_mut()
        .insert(TRIGGER_TIME_ANNOTATION.into(), trigger_time(ctx));
    out.act(Action::Update(Object::EndpointSlice(s)));
}

/// The API server's `kubernetes` slice, mirroring its Endpoints (endpointSliceFromEndpoints).
fn apiserver_slice(ctx: &Ctx, out: &mut Reconcile) {
    let subset = apiserver_subsets(ctx.store).into_iter().next();
    let ports = subset.as_ref().map(|s| {
        s.ports
            .iter()
            .map(|p| SlicePort {
                app_protocol: None,
                name: Some(p.name.clone().unwrap_or_default()),
                port: Some(p.port),
                protocol: p.protocol.clone(),
            })
            .collect::<Vec<_>>()
    });
    let endpoints = subset.map(|s| {
        s.addresses
            .iter()
            .map(|a| SliceEndpoint {
                addresses: vec![a.ip.clone()],
                conditions: SliceEndpointConditions {
                    ready: Some(true),
                    ..Default::default()
                },
                node_name: a.node_name.clone(),
                ..Default::default()
            })
            .collect::<Vec<_>>()
    });
    let mut labels = Labels::new();
    labels.insert(SERVICE_NAME_LABEL.into(), "kubernetes".into());
    match ctx.store.get::<EndpointSlice>("default", "kubernetes") {
        Some(s) if s.endpoints == endpoints && s.ports == ports => {}
        Some(s) => {
            let mut s = s.clone();
            s.endpoints = endpoints;
            s.ports = ports;
            out.act(Action::Update(Object::EndpointSlice(s)));
        }
        None => {
            let mut metadata = ObjectMeta::named("default", "kubernetes");
            metadata.labels = Some(labels);
            out.act(Action::Create(Object::EndpointSlice(EndpointSlice {
                address_type: "IPv4".into(),
                endpoints,
                metadata,
                ports,
                ..Default::default()
            })));
        }
    }
}
