//! The taint-eviction controller (`pkg/controller/tainteviction/taint_eviction.go`), key = a
//! node. Pods on a node with NoExecute taints they do not all tolerate are deleted at once;
//! pods that tolerate them all, some with `tolerationSeconds`, are deleted that long after the
//! taint appeared (the smallest of the matching tolerations' seconds); pods that tolerate them
//! forever stay. Each deletion records Normal `TaintManagerEviction` `Marking for deletion Pod
//! ns/name` and adds the `DisruptionTarget` condition first. A scheduled deletion that is no
//! longer needed (the taint went away before the time ran out) records `Cancelling deletion of
//! Pod ns/name`, as seen in transcript S21.

use crate::engine::action::{Action, ControllerId, EventRecord, Propagation, Reconcile, WhyReason};
use crate::engine::apply::set_pod_condition;
use crate::engine::model::{Event, Kind, Node, Object, Pod, Taint, TaintEffect};
use crate::engine::scheduler::node_selector::tolerates;
use crate::engine::store::ObjectKey;
use crate::engine::time::{SimDuration, SimTime};
use crate::engine::Ctx;

/// What the NoExecute taints of a node mean for one pod.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Verdict {
    /// No NoExecute taints, or all tolerated without a time limit.
    Stay,
    /// Some taint is not tolerated: delete now.
    EvictNow,
    /// All tolerated, the shortest toleration runs out at this time.
    EvictAt(SimTime),
}

pub fn reconcile(ctx: &Ctx, key: &ObjectKey) -> Reconcile {
    let mut out = Reconcile::default();
    let Some(node) = ctx.store.get::<Node>("", &key.name) else {
        return out;
    };
    let previous = previous_version(ctx, node);
    for pod in ctx.store.pods_on_node(&node.metadata.name) {
        if pod.metadata.deletion_timestamp.is_some() {
            continue;
        }
        let now_verdict = verdict(node, pod);
        let was_scheduled = previous
            .as_ref()
            .is_some_and(|prev| matches!(verdict(prev, pod), Verdict::EvictAt(t) if t > ctx.now));
        let still_scheduled = matches!(now_verdict, Verdict::EvictAt(_));
        if was_scheduled && !still_scheduled {
            cancel(ctx, pod, &mut out);
        }
        match now_verdict {
            Verdict::Stay => {}
            Verdict::EvictAt(at) if at > ctx.now => {
                out.requeue(at - ctx.now);
                out.wait(
                    pod_key(pod),
                    WhyReason::Other(format!(
                        "tolerates the node's NoExecute taint for {} more; then the taint-eviction controller deletes it",
                        at - ctx.now
                    )),
                );
            }
            Verdict::EvictNow | Verdict::EvictAt(_) => evict(ctx, pod, &mut out),
        }
    }
    out
}

fn pod_key(pod: &Pod) -> ObjectKey {
    ObjectKey::new(Kind::Pod, &pod.metadata.namespace, &pod.metadata.name)
}

fn no_execute(node: &Node) -> Vec<&Taint> {
    node.spec
        .taints
        .iter()
        .filter(|t| t.effect == TaintEffect::NoExecute)
        .collect()
}

/// `processPodOnNode`: every taint needs a toleration (the first that matches is the one used);
/// the earliest expiry among the used ones decides. The clock starts at the taint's timeAdded
/// (or when the pod arrived on the node, if later).
fn verdict(node: &Node, pod: &Pod) -> Verdict {
    let taints = no_execute(node);
    if taints.is_empty() {
        return Verdict::Stay;
    }
    let mut min_seconds: Option<i64> = None;
    for taint in &taints {
        let Some(used) = pod.spec.tolerations.iter().find(|t| tolerates(t, taint)) else {
            return Verdict::EvictNow;
        };
        if let Some(s) = used.toleration_seconds {
            min_seconds = Some(min_seconds.map_or(s, |m| m.min(s)));
        }
    }
    let Some(seconds) = min_seconds else {
        return Verdict::Stay;
    };
    if seconds <= 0 {
        return Verdict::EvictNow;
    }
    let tainted_at = taints
        .iter()
        .filter_map(|t| t.time_added.map(|ts| ts.0))
        .min()
        .or(node.metadata.creation_timestamp.map(|t| t.0))
        .unwrap_or(SimTime(0));
    let arrived = pod
        .condition("PodScheduled")
        .and_then(|c| c.last_transition_time)
        .or(pod.metadata.creation_timestamp)
        .map_or(SimTime(0), |t| t.0);
    Verdict::EvictAt(tainted_at.max(arrived) + SimDuration::from_secs(seconds as u64))
}

fn evict(ctx: &Ctx, pod: &Pod, out: &mut Reconcile) {
    let key = pod_key(pod);
    out.act(Action::Event(record(
        &key,
        format!(
            "Marking for deletion Pod {}/{}",
            pod.metadata.namespace, pod.metadata.name
        ),
    )));
    let mut marked = pod.clone();
    set_pod_condition(
        &mut marked,
        "DisruptionTarget",
        "True",
        Some("DeletionByTaintManager"),
        Some("Taint manager: deleting due to NoExecute taint"),
        ctx.now,
    );
    if marked != *pod {
        out.act(Action::Update(Object::Pod(marked)));
    }
    out.act(Action::Delete {
        key,
        grace_seconds: None,
        propagation: Propagation::Background,
    });
}

fn cancel(ctx: &Ctx, pod: &Pod, out: &mut Reconcile) {
    let message = format!(
        "Cancelling deletion of Pod {}/{}",
        pod.metadata.namespace, pod.metadata.name
    );
    let prefix = format!("{}.", pod.metadata.name);
    let already = ctx
        .store
        .list_prefixed::<Event>(&pod.metadata.namespace, &prefix)
        .any(|e| {
            e.involved_object.uid == pod.metadata.uid
                && e.message.ends_with(&message)
                && e.last_timestamp.map(|t| t.0) == Some(ctx.now)
        });
    if !already {
        out.act(Action::Event(record(&pod_key(pod), message)));
    }
}

fn record(key: &ObjectKey, message: String) -> EventRecord {
    EventRecord {
        regarding: key.clone(),
        warning: false,
        reason: "TaintManagerEviction".into(),
        message,
        source: ControllerId::TaintEviction,
        host: None,
    }
}

/// The node as it was before its latest change, if that change happened just now: the real
/// controller compares old and new node in its update handler; we read the store's change log.
fn previous_version(ctx: &Ctx, node: &Node) -> Option<Node> {
    let changes = ctx
        .store
        .changes_since(super::podgc::oldest_retained(ctx.store))?;
    let mut current_at = None;
    let mut before = None;
    for change in changes {
        let Object::Node(n) = &change.object else {
            continue;
        };
        if n.metadata.name != node.metadata.name || n.metadata.uid != node.metadata.uid {
            continue;
        }
        if n.metadata.resource_version == node.metadata.resource_version {
            current_at = Some(change.time);
            break;
        }
        before = Some(n);
    }
    if current_at != Some(ctx.now) {
        return None;
    }
    before.cloned()
}
