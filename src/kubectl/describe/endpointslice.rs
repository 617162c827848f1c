//! `kubectl describe endpointslice` (describe.go describeEndpointSliceV1).

use super::{annotations, labels, W};
use crate::engine::model::EndpointSlice;

pub fn describe(w: &mut W, s: &EndpointSlice) {
    super::kinds::head(w, &s.metadata);
    labels(w, 0, "Labels", s.metadata.labels.as_ref());
    annotations(w, 0, "Annotations", s.metadata.annotations.as_ref());
    w.line(0, &format!("AddressType:\t{}", s.address_type));
    match s.ports.as_deref() {
        None | Some([]) => w.line(0, "Ports: <unset>"),
        Some(ports) => {
            w.line(0, "Ports:");
            w.line(1, "Name\tPort\tProtocol");
            w.line(1, "----\t----\t--------");
            for p in ports {
                let name = p
                    .name
                    .clone()
                    .filter(|n| !n.is_empty())
                    .unwrap_or_else(|| "<unset>".into());
                let port = p
                    .port
                    .map(|n| n.to_string())
                    .unwrap_or_else(|| "<unset>".into());
                let protocol = p.protocol.clone().unwrap_or_default();
                w.line(1, &format!("{name}\t{port}\t{protocol}"));
            }
        }
    }
    match s.endpoints.as_deref() {
        None | Some([]) => w.line(0, "Endpoints: <none>"),
        Some(endpoints) => {
            w.line(0, "Endpoints:");
            for e in endpoints {
                let addresses = if e.addresses.is_empty() {
                    "<none>".to_string()
                } else {
                    e.addresses.join(", ")
                };
                w.line(1, &format!("- Addresses:\t{addresses}"));
                w.line(2, "Conditions:");
                let ready = e
                    .conditions
                    .ready
                    .map(|b| b.to_string())
                    .unwrap_or_else(|| "<unset>".into());
                w.line(3, &format!("Ready:\t{ready}"));
                let unset = |v: &Option<String>| v.clone().unwrap_or_else(|| "<unset>".into());
                w.line(2, &format!("Hostname:\t{}", unset(&e.hostname)));
                if let Some(r) = &e.target_ref {
                    w.line(2, &format!("TargetRef:\t{}/{}", r.kind, r.name));
                }
                w.line(2, &format!("NodeName:\t{}", unset(&e.node_name)));
                w.line(2, &format!("Zone:\t{}", unset(&e.zone)));
            }
        }
    }
}
