//! `kubectl get endpointslices` columns: printers.go printEndpointSlice with
//! formatDiscoveryPorts / formatDiscoveryEndpoints / listWithMoreString.

use crate::engine::model::EndpointSlice;

pub const HEADERS: &[&str] = &["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"];

/// The cells between NAME and AGE.
pub fn cells(s: &EndpointSlice) -> [String; 3] {
    [s.address_type.clone(), ports_text(s), endpoints_text(s)]
}

/// Up to three ports (number, else name, else `*`), `<unset>` when there are none.
fn ports_text(s: &EndpointSlice) -> String {
    let ports: Vec<String> = s
        .ports
        .iter()
        .flatten()
        .map(|p| match (p.port, &p.name) {
            (Some(n), _) => n.to_string(),
            (None, Some(name)) => name.clone(),
            (None, None) => "*".into(),
        })
        .collect();
    list_with_more(ports)
}

/// Up to three addresses of any endpoint, ready or not: the printer does not look at conditions.
fn endpoints_text(s: &EndpointSlice) -> String {
    let addresses: Vec<String> = s
        .endpoints
        .iter()
        .flatten()
        .flat_map(|e| e.addresses.iter().cloned())
        .collect();
    list_with_more(addresses)
}

fn list_with_more(all: Vec<String>) -> String {
    const MAX: usize = 3;
    let count = all.len();
    let text = all.into_iter().take(MAX).collect::<Vec<_>>().join(",");
    if count > MAX {
        format!("{text} + {} more...", count - MAX)
    } else if text.is_empty() {
        "<unset>".into()
    } else {
        text
    }
}
