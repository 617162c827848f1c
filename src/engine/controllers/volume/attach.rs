//! The attach/detach controller's one visible message: a ReadWriteOnce volume attached to one
//! node cannot be attached to a second one. It reports `FailedAttachVolume` once per pod (the
//! real reconciler remembers it reported), and the pod's kubelet waits in ContainerCreating.

use super::pods::attach_conflict;
use crate::engine::action::{Action, ControllerId, EventRecord, Reconcile, WhyReason};
use crate::engine::model::{Event, Pod};
use crate::engine::store::ObjectKey;
use crate::engine::Ctx;

pub const REASON: &str = "FailedAttachVolume";

pub fn reconcile(ctx: &Ctx, key: &ObjectKey) -> Reconcile {
    let mut out = Reconcile::default();
    let Some(pod) = ctx.store.get::<Pod>(&key.namespace, &key.name) else {
        return out;
    };
    if pod.is_terminal() || pod.metadata.deletion_timestamp.is_some() {
        return out;
    }
    let Some(message) = attach_conflict(ctx.store, pod) else {
        return out;
    };
    let reported = ctx.store.list_in::<Event>(&key.namespace).any(|e| {
        e.involved_object.uid == pod.metadata.uid && e.reason == REASON && e.message == message
    });
    if !reported {
        out.act(Action::Event(EventRecord {
            regarding: key.clone(),
            warning: true,
            reason: REASON.into(),
            message: message.clone(),
            source: ControllerId::AttachDetach,
            host: None,
        }));
    }
    out.wait(key.clone(), WhyReason::Other(message));
    out
}
