//! The kubelet's side of node status: when a failed node's kubelet comes back it posts fresh
//! conditions (replacing the node controller's Unknown ones) and records the events the real
//! kubelet's condition setters record on such a transition.

use crate::engine::action::{ControllerId, EventRecord};
use crate::engine::model::{Kind, Node, NodeCondition};
use crate::engine::store::ObjectKey;
use crate::engine::time::{SimTime, Timestamp};

/// The kubelet's healthy conditions, as it posts them.
const HEALTHY: &[(&str, &str, &str, &str, &str)] = &[
    (
        "MemoryPressure",
        "False",
        "KubeletHasSufficientMemory",
        "kubelet has sufficient memory available",
        "NodeHasSufficientMemory",
    ),
    (
        "DiskPressure",
        "False",
        "KubeletHasNoDiskPressure",
        "kubelet has no disk pressure",
        "NodeHasNoDiskPressure",
    ),
    (
        "PIDPressure",
        "False",
        "KubeletHasSufficientPID",
        "kubelet has sufficient PID available",
        "NodeHasSufficientPID",
    ),
    (
        "Ready",
        "True",
        "KubeletReady",
        "kubelet is posting ready status",
        "NodeReady",
    ),
];

/// If the node controller marked the node Unknown, the returning kubelet posts its status:
/// the updated node and one event per condition that changed back.
pub fn post_status(node: &Node, now: SimTime) -> Option<(Node, Vec<EventRecord>)> {
    let stale = node
        .status
        .conditions
        .iter()
        .any(|c| c.reason.as_deref() == Some("NodeStatusUnknown"));
    if !stale {
        return None;
    }
    let mut updated = node.clone();
    let mut events = Vec::new();
    let key = ObjectKey::new(Kind::Node, "", &node.metadata.name);
    for (type_, status, reason, message, event) in HEALTHY {
        let ts = Some(Timestamp(now));
        match updated
            .status
            .conditions
            .iter_mut()
            .find(|c| c.type_ == *type_)
        {
            Some(c) => {
                if c.status != *status {
                    c.last_transition_time = ts;
                    events.push(record(&key, node, event));
                }
                c.status = (*status).into();
                c.reason = Some((*reason).into());
                c.message = Some((*message).into());
                c.last_heartbeat_time = ts;
            }
            None => {
                updated.status.conditions.push(NodeCondition {
                    last_heartbeat_time: ts,
                    last_transition_time: ts,
                    message: Some((*message).into()),
                    reason: Some((*reason).into()),
                    status: (*status).into(),
                    type_: (*type_).into(),
                });
                events.push(record(&key, node, event));
            }
        }
    }
    Some((updated, events))
}

fn record(key: &ObjectKey, node: &Node, status: &str) -> EventRecord {
    EventRecord {
        regarding: key.clone(),
        warning: false,
        reason: (*status).into(),
        message: format!("Node {} status is now: {status}", node.metadata.name),
        source: ControllerId::Kubelet,
        host: Some(node.metadata.name.clone()),
    }
}
