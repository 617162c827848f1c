//! Pod garbage collection (`pkg/controller/podgc/gc_controller.go`), key = a node name.
//!
//! * Orphaned pods: pods bound to a node that no longer exists are force-deleted after a
//!   quarantine (`config.orphan_pod_gc_delay`; the real controller waits 40 s and checks every
//!   20 s, so 40-60 s; transcript S13-long shows 56.6 s). They are first moved to phase Failed
//!   with condition `DisruptionTarget` / `DeletionByPodGC` / `PodGC: node no longer exists`.
//! * Terminating pods on a NotReady node carrying `node.kubernetes.io/out-of-service` are
//!   force-deleted the same way (non-graceful node shutdown).
//!
//! The terminated-pod threshold (12500 pods) is never reached in a playground and is left out.

use crate::engine::action::{Action, Propagation, Reconcile, WhyReason};
use crate::engine::apply::set_pod_condition;
use crate::engine::model::{Kind, Node, Object, Pod, PodPhase};
use crate::engine::store::{ChangeType, ObjectKey, Store};
use crate::engine::time::SimTime;
use crate::engine::Ctx;

pub const OUT_OF_SERVICE: &str = "node.kubernetes.io/out-of-service";

pub fn reconcile(ctx: &Ctx, key: &ObjectKey) -> Reconcile {
    let mut out = Reconcile::default();
    if let Some(node) = ctx.store.get::<Node>("", &key.name) {
        let out_of_service =
            !node.is_ready() && node.spec.taints.iter().any(|t| t.key == OUT_OF_SERVICE);
        if out_of_service {
            for pod in ctx
                .store
                .pods_on_node(&key.name)
                .filter(|p| p.metadata.deletion_timestamp.is_some())
            {
                force_delete(ctx, pod, None, &mut out);
            }
        }
        return out;
    }
    let removed_at = removal_time(ctx, &key.name);
    for pod in ctx.store.pods_on_node(&key.name) {
        let created = pod.metadata.creation_timestamp.map_or(SimTime(0), |t| t.0);
        let due = removed_at.unwrap_or(created).max(created) + ctx.config.orphan_pod_gc_delay;
        if ctx.now >= due {
            force_delete(
                ctx,
                pod,
                Some(("DeletionByPodGC", "PodGC: node no longer exists")),
                &mut out,
            );
        } else {
            out.requeue(due - ctx.now);
            out.wait(
                ObjectKey::new(Kind::Pod, &pod.metadata.namespace, &pod.metadata.name),
                WhyReason::Other(format!(
                    "node {} no longer exists; pod garbage collection deletes this pod in {}",
                    key.name,
                    due - ctx.now
                )),
            );
        }
    }
    out
}

/// When the node object was deleted, from the store's change log.
fn removal_time(ctx: &Ctx, node: &str) -> Option<SimTime> {
    ctx.store
        .changes_since(oldest_retained(ctx.store))?
        .filter(|c| {
            c.change == ChangeType::Deleted
                && c.object.kind() == Kind::Node
                && c.object.meta().name == node
        })
        .map(|c| c.time)
        .last()
}

/// `markFailedAndDeletePodWithCondition`: phase Failed (plus the condition), then a delete with
/// grace period 0.
fn force_delete(ctx: &Ctx, pod: &Pod, condition: Option<(&str, &str)>, out: &mut Reconcile) {
    if !pod.is_terminal() {
        let mut failed = pod.clone();
        failed.status.phase = PodPhase::Failed;
        if let Some((reason, message)) = condition {
            set_pod_condition(
                &mut failed,
                "DisruptionTarget",
                "True",
                Some(reason),
                Some(message),
                ctx.now,
            );
        }
        out.act(Action::Update(Object::Pod(failed)));
    }
    out.act(Action::Delete {
        key: ObjectKey::new(Kind::Pod, &pod.metadata.namespace, &pod.metadata.name),
        grace_seconds: Some(0),
        propagation: Propagation::Background,
    });
}

/// The lowest resourceVersion the store's change log still reaches back to (`changes_since`
/// refuses versions older than its window, as a watch does with "too old resource version").
pub(crate) fn oldest_retained(store: &Store) -> u64 {
    let (mut lo, mut hi) = (0u64, store.resource_version());
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if store.changes_since(mid).is_some() {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    lo
}
