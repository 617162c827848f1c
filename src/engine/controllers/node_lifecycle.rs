//! The node lifecycle controller (`pkg/controller/nodelifecycle`), key = a node.
//!
//! * A node whose kubelet stopped posting status (`sim node fail`) is marked Unknown a grace
//!   period after its last heartbeat: every condition becomes `Unknown` / `NodeStatusUnknown` /
//!   `Kubelet stopped posting node status.`, the node gets `node.kubernetes.io/unreachable`
//!   NoSchedule and NoExecute taints, a `NodeNotReady` event, and its pods are marked not ready
//!   (Warning `NodeNotReady` `Node is not ready` on each). Transcript
//!   `v1.36/g-node-heartbeat-loss.txt` shows about 52 s from the last lease renewal: the v1.36
//!   grace period is 50 s (see `ClusterConfig::node_monitor_grace`).
//! * When the kubelet is back it posts Ready again (its events come from the kubelet) and the
//!   taints go away; the kubelet then reports its pods Ready again.
//! * Taints follow conditions (`doNoScheduleTaintingPass`): not-ready / unreachable / memory-,
//!   disk-, pid-pressure / network-unavailable NoSchedule and the cordon taint
//!   `node.kubernetes.io/unschedulable`; a hand-added taint with one of those keys and no
//!   matching condition is removed again (ERRATA).
//! * The first time it sees a node: `RegisteredNode` `Node X event: Registered Node X in
//!   Controller`.

use crate::engine::action::{Action, ControllerId, EventRecord, Reconcile, WhyReason};
use crate::engine::apply::set_pod_condition;
use crate::engine::kubelet::node_status;
use crate::engine::model::{Event, Kind, Node, Object, Pod, Taint, TaintEffect};
use crate::engine::store::ObjectKey;
use crate::engine::time::{SimTime, Timestamp};
use crate::engine::Ctx;

pub const NOT_READY: &str = "node.kubernetes.io/not-ready";
pub const UNREACHABLE: &str = "node.kubernetes.io/unreachable";
pub const UNSCHEDULABLE: &str = "node.kubernetes.io/unschedulable";
const UNKNOWN_MESSAGE: &str = "Kubelet stopped posting node status.";

/// Condition (type, status) -> NoSchedule taint key, as `nodeConditionToTaintKeyStatusMap`.
const CONDITION_TAINTS: &[(&str, &str, &str)] = &[
    ("Ready", "False", NOT_READY),
    ("Ready", "Unknown", UNREACHABLE),
    (
        "MemoryPressure",
        "True",
        "node.kubernetes.io/memory-pressure",
    ),
    ("DiskPressure", "True", "node.kubernetes.io/disk-pressure"),
    ("PIDPressure", "True", "node.kubernetes.io/pid-pressure"),
    (
        "NetworkUnavailable",
        "True",
        "node.kubernetes.io/network-unavailable",
    ),
];

pub fn reconcile(ctx: &Ctx, key: &ObjectKey) -> Reconcile {
    let mut out = Reconcile::default();
    let Some(stored) = ctx.store.get::<Node>("", &key.name) else {
        return out;
    };
    let name = stored.metadata.name.clone();
    let mut node = stored.clone();
    let mut events = Vec::new();

    if !registered(ctx, stored) {
        events.push(event(
            key,
            false,
            "RegisteredNode",
            format!("Node {name} event: Registered Node {name} in Controller"),
        ));
    }

    if ctx.faults.failed_nodes.contains(&name) {
        let last_heartbeat = ctx
            .faults
            .node_failed_at
            .get(&name)
            .copied()
            .unwrap_or_else(|| heartbeat(stored));
        let deadline = last_heartbeat + ctx.config.node_monitor_grace;
        if ctx.now < deadline {
            out.requeue(deadline - ctx.now);
            out.wait(
                key.clone(),
                WhyReason::Other(format!(
                    "the kubelet stopped posting status; the node controller marks the node NotReady in {}",
                    deadline - ctx.now
                )),
            );
        } else if node
            .condition("Ready")
            .is_some_and(|c| c.status != "Unknown")
        {
            mark_unknown(&mut node, ctx.now);
            out.act(Action::Update(Object::Node(node.clone())));
            events.push(event(
                key,
                false,
                "NodeNotReady",
                format!("Node {name} status is now: NodeNotReady"),
            ));
            mark_pods_not_ready(ctx, &name, &mut out);
        }
    } else if let Some((posted, kubelet_events)) = node_status::post_status(&node, ctx.now) {
        node = posted;
        out.act(Action::Update(Object::Node(node.clone())));
        for e in kubelet_events {
            out.act(Action::Event(e));
        }
    }

    // NoSchedule taints first, then NoExecute, each its own write (as the two passes do).
    for effect in [TaintEffect::NoSchedule, TaintEffect::NoExecute] {
        if let Some(tainted) = retaint(&node, effect, ctx.now) {
            node = tainted;
            out.act(Action::Update(Object::Node(node.clone())));
        }
    }
    for e in events {
        out.act(Action::Event(e));
    }
    out
}

fn event(key: &ObjectKey, warning: bool, reason: &str, message: String) -> EventRecord {
    EventRecord {
        regarding: key.clone(),
        warning,
        reason: reason.into(),
        message,
        source: ControllerId::NodeLifecycle,
        host: None,
    }
}

fn registered(ctx: &Ctx, node: &Node) -> bool {
    ctx.store
        .list_prefixed::<Event>("default", &format!("{}.", node.metadata.name))
        .any(|e| e.involved_object.uid == node.metadata.uid && e.reason == "RegisteredNode")
}

/// The kubelet's last heartbeat as the node shows it.
fn heartbeat(node: &Node) -> SimTime {
    node.condition("Ready")
        .and_then(|c| c.last_heartbeat_time)
        .or(node.metadata.creation_timestamp)
        .map_or(SimTime(0), |t| t.0)
}

fn mark_unknown(node: &mut Node, now: SimTime) {
    for c in node.status.conditions.iter_mut() {
        if c.type_ == "NetworkUnavailable" {
            continue;
        }
        if c.status != "Unknown" {
            c.last_transition_time = Some(Timestamp(now));
        }
        c.status = "Unknown".into();
        c.reason = Some("NodeStatusUnknown".into());
        c.message = Some(UNKNOWN_MESSAGE.into());
    }
}

/// `MarkPodsNotReady`: the Ready condition of every pod on the node goes False.
fn mark_pods_not_ready(ctx: &Ctx, node: &str, out: &mut Reconcile) {
    let pods: Vec<&Pod> = ctx.store.pods_on_node(node).collect();
    for pod in pods {
        if !pod.is_ready() {
            continue;
        }
        let mut updated = pod.clone();
        let reason = updated.condition("Ready").and_then(|c| c.reason.clone());
        let message = updated.condition("Ready").and_then(|c| c.message.clone());
        set_pod_condition(
            &mut updated,
            "Ready",
            "False",
            reason.as_deref(),
            message.as_deref(),
            ctx.now,
        );
        out.act(Action::Update(Object::Pod(updated)));
        out.act(Action::Event(EventRecord {
            regarding: ObjectKey::new(Kind::Pod, &pod.metadata.namespace, &pod.metadata.name),
            warning: true,
            reason: "NodeNotReady".into(),
            message: "Node is not ready".into(),
            source: ControllerId::NodeLifecycle,
            host: None,
        }));
    }
}

/// The taint keys this controller owns for `effect`, and the ones the node should have now.
fn wanted_taints(node: &Node, effect: TaintEffect) -> (Vec<&'static str>, Vec<&'static str>) {
    let ready = node.condition("Ready").map(|c| c.status.as_str());
    match effect {
        TaintEffect::NoExecute => {
            let wanted = match ready {
                Some("False") => vec![NOT_READY],
                Some("Unknown") => vec![UNREACHABLE],
                _ => vec![],
            };
            (vec![NOT_READY, UNREACHABLE], wanted)
        }
        _ => {
            let mut owned: Vec<&str> = CONDITION_TAINTS.iter().map(|(_, _, k)| *k).collect();
            owned.push(UNSCHEDULABLE);
            let mut wanted: Vec<&str> = CONDITION_TAINTS
                .iter()
                .filter(|(t, s, _)| node.condition(t).is_some_and(|c| c.status == *s))
                .map(|(_, _, k)| *k)
                .collect();
            if node.is_unschedulable() {
                wanted.push(UNSCHEDULABLE);
            }
            (owned, wanted)
        }
    }
}

/// The node with its controller-owned taints of `effect` brought in line, or None if they are.
fn retaint(node: &Node, effect: TaintEffect, now: SimTime) -> Option<Node> {
    let (owned, wanted) = wanted_taints(node, effect.clone());
    let mut taints: Vec<Taint> = node
        .spec
        .taints
        .iter()
        .filter(|t| {
            !(t.effect == effect
                && owned.contains(&t.key.as_str())
                && !wanted.contains(&t.key.as_str()))
        })
        .cloned()
        .collect();
    for key in wanted {
        if !taints.iter().any(|t| t.effect == effect && t.key == key) {
            taints.push(Taint {
                effect: effect.clone(),
                key: key.into(),
                time_added: Some(Timestamp(now)),
                value: None,
            });
        }
    }
    if taints == node.spec.taints {
        return None;
    }
    let mut updated = node.clone();
    updated.spec.taints = taints;
    Some(updated)
}
