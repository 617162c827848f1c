//! What one kubelet pass over a pod decides: the new pod status, the events to record, images
//! the node now holds, and when to look again.

use super::memory::History;
use crate::engine::action::{Action, ControllerId, EventRecord, Reconcile, WhyReason};
use crate::engine::model::{Kind, Node, Object, Pod};
use crate::engine::store::ObjectKey;
use crate::engine::time::SimTime;
use crate::engine::Ctx;

pub struct Plan<'a> {
    pub ctx: &'a Ctx<'a>,
    pub node: &'a Node,
    pub history: History<'a>,
    /// The pod as the kubelet will report it (a copy of the stored pod, edited in place).
    pub pod: Pod,
    key: ObjectKey,
    events: Vec<EventRecord>,
    pulled: Vec<String>,
    pulling: Vec<String>,
    wake: Option<SimTime>,
    /// A retry that will fail again unless something outside changes (see `retry_at`).
    retry: Option<SimTime>,
    why: Vec<WhyReason>,
}

impl<'a> Plan<'a> {
    pub fn new(ctx: &'a Ctx<'a>, node: &'a Node, pod: &Pod) -> Plan<'a> {
        Plan {
            ctx,
            node,
            history: History::of(ctx.store, pod),
            pod: pod.clone(),
            key: ObjectKey::new(Kind::Pod, &pod.metadata.namespace, &pod.metadata.name),
            events: Vec::new(),
            pulled: Vec::new(),
            pulling: Vec::new(),
            wake: None,
            retry: None,
            why: Vec::new(),
        }
    }

    pub fn now(&self) -> SimTime {
        self.ctx.now
    }

    pub fn event(&mut self, warning: bool, reason: &str, message: String) {
        self.events.push(EventRecord {
            regarding: self.key.clone(),
            warning,
            reason: reason.into(),
            message,
            source: ControllerId::Kubelet,
            host: Some(self.node.metadata.name.clone()),
        });
    }

    /// Look at the pod again at `at` (the earliest of all requests wins).
    pub fn wake_at(&mut self, at: SimTime) {
        let at = at.max(self.ctx.now);
        self.wake = Some(self.wake.map_or(at, |w| w.min(at)));
    }

    /// Try again at `at`, an attempt bound to fail like the last one until something outside
    /// the kubelet changes (a missing Secret, a crash or image fault). It fires when time passes
    /// but does not keep `sim settle` from settling.
    pub fn retry_at(&mut self, at: SimTime) {
        let at = at.max(self.ctx.now);
        self.retry = Some(self.retry.map_or(at, |w| w.min(at)));
    }

    /// Records that a pull of `image` starts now; false if this pass already started one (two
    /// containers of a pod with the same image share the pull).
    pub fn start_pull(&mut self, image: &str) -> bool {
        if self.pulling.iter().any(|i| i == image) {
            return false;
        }
        self.pulling.push(image.to_string());
        true
    }

    /// Whether this pass already finished pulling `image` (for another container of the pod).
    pub fn just_pulled(&self, image: &str) -> bool {
        self.pulled.iter().any(|i| i == image)
    }

    pub fn pulled(&mut self, image: &str) {
        self.pulled.push(image.to_string());
    }

    pub fn waiting_because(&mut self, reason: String) {
        self.why.push(WhyReason::Other(reason));
    }

    /// `namespace/name` as the kubelet's `format.Pod` writes it: `web-0_default(uid)`.
    pub fn pod_ref(&self) -> String {
        format!(
            "{}_{}({})",
            self.pod.metadata.name, self.pod.metadata.namespace, self.pod.metadata.uid
        )
    }

    /// Turns the plan into actions: the status write (if anything changed), the node's image
    /// list, then the events in the order they happened.
    pub fn finish(self, original: &Pod) -> Reconcile {
        let mut out = Reconcile::default();
        if self.pod != *original {
            out.act(Action::Update(Object::Pod(self.pod)));
        }
        if !self.pulled.is_empty() {
            let mut node = self.node.clone();
            for image in &self.pulled {
                node = super::images::node_with_image(&node, image);
            }
            if node != *self.node {
                out.act(Action::Update(Object::Node(node)));
            }
        }
        for e in self.events {
            out.act(Action::Event(e));
        }
        for reason in self.why {
            out.wait(self.key.clone(), reason);
        }
        // Anything due now was handled in this pass; only the future needs a timer. It is a
        // steady-state retry only if nothing else is expected to happen to the pod.
        let now = self.ctx.now;
        let wake = self.wake.filter(|at| *at > now);
        let retry = self.retry.filter(|at| *at > now);
        if let Some(at) = [wake, retry].into_iter().flatten().min() {
            out.requeue(at - now);
            out.steady_retry = wake.is_none();
        }
        out
    }
}
