//! Who watches what: after every store change, queue the actors whose informers would fire.
//! Keeping the whole fan-out here makes "why did X react to Y" answerable in one place.

use super::action::ControllerId as C;
use super::model::*;
use super::scheduler::volumes::pod_claim_names;
use super::store::ObjectKey;
use super::Sim;

impl Sim {
    pub(super) fn on_change(&mut self, old: Option<&Object>, new: Option<&Object>) {
        let Some(obj) = new.or(old) else { return };
        self.update_node_info(old, new);
        let key = ObjectKey::of(obj);
        let ns = obj.meta().namespace.clone();
        let removed = new.is_none();

        // Owners hear about their dependents (pods, replica sets, revisions).
        for o in [old, new].into_iter().flatten() {
            if let Some(r) = o.meta().controller_ref() {
                let owner_kind = Kind::from_kind_name(&r.kind);
                let controller = match owner_kind {
                    // The StatefulSet controller has no claim informer handler: a claim it owns
                    // (retention policy) changing does not wake it (v1.36 ERRATA).
                    Some(Kind::StatefulSet) if o.kind() == Kind::PersistentVolumeClaim => None,
                    Some(Kind::StatefulSet) => Some(C::StatefulSet),
                    Some(Kind::DaemonSet) => Some(C::DaemonSet),
                    Some(Kind::ReplicaSet) => Some(C::ReplicaSet),
                    Some(Kind::Deployment) => Some(C::Deployment),
                    _ => None,
                };
                if let (Some(c), Some(k)) = (controller, owner_kind) {
                    self.enqueue(c, ObjectKey::new(k, &ns, &r.name));
                }
            }
        }
        // The garbage collector looks at dependents of removed owners and at owners being deleted.
        if removed || obj.meta().deletion_timestamp.is_some() {
            let uid = obj.meta().uid.clone();
            let dependents: Vec<ObjectKey> = self.store.owned_by(&uid).cloned().collect();
            for d in dependents {
                self.enqueue(C::GarbageCollector, d);
            }
            if !removed && !obj.meta().finalizers.is_empty() {
                self.enqueue(C::GarbageCollector, key.clone());
            }
        }
        // An owner waiting in foreground deletion looks again when a dependent goes or changes;
        // a new object naming an owner that does not exist is collected.
        for r in &obj.meta().owner_references {
            match self.store.key_of_uid(&r.uid).cloned() {
                Some(owner) => {
                    let deleting = self
                        .store
                        .get_obj(&owner)
                        .is_some_and(|o| o.meta().deletion_timestamp.is_some());
                    if deleting {
                        self.enqueue(C::GarbageCollector, owner);
                    }
                }
                None if old.is_none() => self.enqueue(C::GarbageCollector, key.clone()),
                None => {}
            }
        }

        match obj.kind() {
            Kind::Pod => self.pod_changed(&key, old, new),
            Kind::Node if !node_change_matters(old, new) => {
                // Heartbeats and image lists change nothing a controller or the scheduler uses.
            }
            Kind::Node => {
                // The DaemonSet controller's node handler decides (no handler for node deletion).
                let ds: Vec<ObjectKey> = match new.and_then(Node::from_object) {
                    Some(n) => super::controllers::daemonset::daemonsets_for_node_change(
                        &self.store,
                        old.and_then(Node::from_object),
                        n,
                    ),
                    None => Vec::new(),
                };
                for k in ds {
                    self.enqueue(C::DaemonSet, k);
                }
                self.enqueue(C::NodeLifecycle, key.clone());
                self.enqueue(C::TaintEviction, key.clone());
                // Pod GC: orphans of a removed node; force-deletes on an out-of-service node.
                self.enqueue(C::PodGc, key.clone());
                self.retry_pending_pods();
            }
            Kind::StatefulSet => self.enqueue(C::StatefulSet, key),
            Kind::DaemonSet => self.enqueue(C::DaemonSet, key),
            Kind::Deployment => self.enqueue(C::Deployment, key),
            Kind::ReplicaSet => self.enqueue(C::ReplicaSet, key),
            Kind::PersistentVolumeClaim => {
                // A claim handed to a provisioner gets its volume `config.provision` later.
                if new
                    .and_then(PersistentVolumeClaim::from_object)
                    .is_some_and(super::controllers::volume::provisioner::wants_provisioning)
                {
                    let delay = self.config.provision;
                    self.enqueue_after(C::Provisioner, key.clone(), delay);
                }
                // Bound pods waiting to mount this claim (kubelet volume manager) look again.
                let claim = key.name.clone();
                let mounting: Vec<ObjectKey> = self
                    .store
                    .list_in::<Pod>(&ns)
                    .filter(|p| p.node_name().is_some() && p.status.phase == PodPhase::Pending)
                    .filter(|p| {
                        p.spec.volumes.iter().any(|v| {
                            v.persistent_volume_claim
                                .as_ref()
                                .is_some_and(|c| c.claim_name == claim)
                        })
                    })
                    .map(|p| ObjectKey::new(Kind::Pod, &p.metadata.namespace, &p.metadata.name))
                    .collect();
                for k in mounting {
                    self.enqueue(C::Kubelet, k);
                }
                self.enqueue(C::Volume, key);
                self.retry_pending_pods_with_claims();
            }
            Kind::PersistentVolume => {
                self.enqueue(C::Volume, key);
                // Pending claims may bind to a new or freed volume.
                self.resync_pending_claims();
                self.retry_pending_pods_with_claims();
            }
            Kind::StorageClass => {
                // A claim waiting for a class (or the default one) may provision now.
                self.resync_pending_claims();
                // VolumeBinding also reacts to classes: a claim of a new class may bind later.
                self.retry_pending_pods_with_claims();
            }
            Kind::Service => {
                self.enqueue(C::Endpoints, key.clone());
                self.enqueue(C::EndpointSlice, key);
            }
            // A changed or deleted slice is put back by the controller that manages it.
            Kind::EndpointSlice => {
                let service = new
                    .or(old)
                    .and_then(|o| o.meta().labels().get("kubernetes.io/service-name").cloned());
                if let Some(service) = service {
                    self.enqueue(
                        C::EndpointSlice,
                        ObjectKey::new(Kind::Service, &ns, &service),
                    );
                }
            }
            Kind::ConfigMap | Kind::Secret => {
                // Pods stuck on a missing secret or config map retry when it appears.
                let waiting: Vec<ObjectKey> = self
                    .store
                    .list_in::<Pod>(&ns)
                    .filter(|p| p.node_name().is_some() && p.status.phase == PodPhase::Pending)
                    .map(|p| ObjectKey::new(Kind::Pod, &p.metadata.namespace, &p.metadata.name))
                    .collect();
                for k in waiting {
                    self.enqueue(C::Kubelet, k);
                }
            }
            Kind::PodDisruptionBudget => self.enqueue(C::Disruption, key),
            _ => {}
        }
    }

    fn pod_changed(&mut self, key: &ObjectKey, old: Option<&Object>, new: Option<&Object>) {
        let pod = |o: Option<&Object>| o.and_then(|o| Pod::from_object(o)).cloned();
        let (old, new) = (pod(old), pod(new));
        // An orphan pod that appears or changes labels wakes the StatefulSets that select it, so
        // they can adopt it (stateful_set.go addPod/updatePod).
        if let Some(p) = new
            .as_ref()
            .filter(|p| p.metadata.controller_ref().is_none())
        {
            if old
                .as_ref()
                .is_none_or(|o| o.metadata.labels != p.metadata.labels)
            {
                let sets: Vec<ObjectKey> = self
                    .store
                    .list_in::<StatefulSet>(&key.namespace)
                    .filter(|s| {
                        s.spec
                            .selector
                            .as_ref()
                            .is_some_and(|sel| !sel.is_empty() && sel.matches(p.metadata.labels()))
                    })
                    .map(|s| {
                        ObjectKey::new(Kind::StatefulSet, &s.metadata.namespace, &s.metadata.name)
                    })
                    .collect();
                for k in sets {
                    self.enqueue(C::StatefulSet, k);
                }
            }
        }
        match &new {
            Some(p) if p.node_name().is_none() && p.metadata.deletion_timestamp.is_none() => {
                // The scheduling queue ignores status-only updates of a pending pod (its own
                // PodScheduled condition among them); only a new pod or a changed spec or
                // metadata earns another attempt.
                let relevant = old.as_ref().is_none_or(|o| {
                    o.spec != p.spec
                        || o.metadata.labels != p.metadata.labels
                        || o.metadata.annotations != p.metadata.annotations
                });
                if relevant {
                    self.enqueue(C::Scheduler, key.clone());
                }
            }
            Some(p) if p.node_name().is_some() => self.enqueue(C::Kubelet, key.clone()),
            _ => {}
        }
        // A pod arriving on a node (or changing tolerations there) is checked against the node's
        // NoExecute taints; one bound to a node that does not exist is pod GC's to collect.
        if let Some(node) = new.as_ref().and_then(|p| p.node_name().map(str::to_string)) {
            let arrived = old
                .as_ref()
                .is_none_or(|o| o.node_name() != Some(node.as_str()));
            let tolerations_changed = old.as_ref().is_some_and(|o| {
                new.as_ref()
                    .is_some_and(|n| o.spec.tolerations != n.spec.tolerations)
            });
            if arrived || tolerations_changed {
                let node_key = ObjectKey::new(Kind::Node, "", &node);
                if self.store.contains(&node_key) {
                    self.enqueue(C::TaintEviction, node_key);
                } else {
                    self.enqueue(C::PodGc, node_key);
                }
            }
        }
        // An orphan pod (added, or relabelled) wakes the DaemonSets and ReplicaSets whose selector
        // matches it, so they can adopt it (`addPod`/`updatePod` orphan branches).
        if let Some(p) = new
            .as_ref()
            .filter(|p| p.metadata.controller_ref().is_none())
        {
            let relabelled = old
                .as_ref()
                .is_none_or(|o| o.metadata.labels != p.metadata.labels);
            if relabelled {
                self.wake_selecting_controllers(p);
            }
        }
        // Deployments look at their ReplicaSets' pods: Recreate waits for old pods to go, and a
        // stuck new pod (image pull back-off, unschedulable) arms the progress deadline.
        if let Some(d) = new
            .as_ref()
            .or(old.as_ref())
            .and_then(|p| self.deployment_of_pod(p))
        {
            self.enqueue(C::Deployment, d);
        }
        // A bound pod going away frees room: pending pods get another scheduling attempt.
        if new.is_none() && old.as_ref().is_some_and(|p| p.node_name().is_some()) {
            self.retry_pods_waiting_for_room();
        }
        // A pod arriving on a node (or relabelled there) may satisfy pending pods' pod affinity.
        let arrived_or_relabelled = new.as_ref().is_some_and(|n| {
            n.node_name().is_some()
                && old.as_ref().is_none_or(|o| {
                    o.node_name().is_none() || o.metadata.labels != n.metadata.labels
                })
        });
        if arrived_or_relabelled {
            self.retry_pods_with_pod_affinity();
        }
        // Services and disruption budgets in the namespace recount their pods.
        let labels_changed = old.as_ref().map(|p| p.metadata.labels.clone())
            != new.as_ref().map(|p| p.metadata.labels.clone());
        // Terminating and finished pods leave a Service's endpoints too.
        let serving = |p: &Pod| {
            (
                p.is_ready(),
                p.status.pod_ip.clone(),
                p.metadata.deletion_timestamp.is_some(),
                p.is_terminal(),
            )
        };
        let readiness_changed = old.as_ref().map(serving) != new.as_ref().map(serving);
        if labels_changed || readiness_changed || new.is_none() || old.is_none() {
            let ns = key.namespace.clone();
            let services: Vec<ObjectKey> = self
                .store
                .list_in::<Service>(&ns)
                .map(|s| ObjectKey::new(Kind::Service, &ns, &s.metadata.name))
                .collect();
            for s in services {
                self.enqueue(C::Endpoints, s.clone());
                self.enqueue(C::EndpointSlice, s);
            }
            let pdbs: Vec<ObjectKey> = self
                .store
                .list_in::<PodDisruptionBudget>(&ns)
                .map(|s| ObjectKey::new(Kind::PodDisruptionBudget, &ns, &s.metadata.name))
                .collect();
            for s in pdbs {
                self.enqueue(C::Disruption, s);
            }
        }
        // Claims a pod uses may now be provisioned (WaitForFirstConsumer) or released.
        if let Some(p) = new.as_ref().or(old.as_ref()) {
            for v in &p.spec.volumes {
                if let Some(c) = &v.persistent_volume_claim {
                    self.enqueue(
                        C::Volume,
                        ObjectKey::new(Kind::PersistentVolumeClaim, &key.namespace, &c.claim_name),
                    );
                }
            }
        }
        // The attach/detach controller looks at a pod with claims arriving on a node; a pod
        // with claims leaving its node detaches them, so other users of those claims retry.
        if let Some(n) = new.as_ref().filter(|n| {
            n.node_name().is_some() && old.as_ref().is_none_or(|o| o.node_name().is_none())
        }) {
            if !pod_claim_names(n).is_empty() {
                self.enqueue(C::AttachDetach, key.clone());
            }
        }
        if let Some(o) = old
            .as_ref()
            .filter(|o| o.node_name().is_some() && new.is_none())
        {
            let claims = pod_claim_names(o);
            if !claims.is_empty() {
                let users: Vec<ObjectKey> = self
                    .store
                    .list_in::<Pod>(&key.namespace)
                    .filter(|p| {
                        p.node_name().is_some()
                            && pod_claim_names(p).iter().any(|c| claims.contains(c))
                    })
                    .map(|p| ObjectKey::new(Kind::Pod, &p.metadata.namespace, &p.metadata.name))
                    .collect();
                for k in users {
                    self.enqueue(C::Kubelet, k.clone());
                    self.enqueue(C::AttachDetach, k);
                }
            }
        }
    }

    /// The Deployment owning the ReplicaSet that owns `pod`, if any.
    fn deployment_of_pod(&self, pod: &Pod) -> Option<ObjectKey> {
        let ns = pod.metadata.namespace.as_str();
        let rs_ref = pod
            .metadata
            .controller_ref()
            .filter(|r| r.kind == "ReplicaSet")?;
        let rs = self.store.get::<ReplicaSet>(ns, &rs_ref.name)?;
        let d_ref = rs
            .metadata
            .controller_ref()
            .filter(|r| r.kind == "Deployment")?;
        Some(ObjectKey::new(Kind::Deployment, ns, &d_ref.name))
    }

    /// Queues the DaemonSets and ReplicaSets in the pod's namespace whose selector matches it.
    fn wake_selecting_controllers(&mut self, pod: &Pod) {
        let ns = pod.metadata.namespace.as_str();
        let labels = pod.metadata.labels();
        let selects = |s: &Option<LabelSelector>| {
            s.as_ref()
                .is_some_and(|s| !s.is_empty() && s.matches(labels))
        };
        let mut keys: Vec<(C, ObjectKey)> = Vec::new();
        for d in self
            .store
            .list_in::<DaemonSet>(ns)
            .filter(|d| selects(&d.spec.selector))
        {
            keys.push((
                C::DaemonSet,
                ObjectKey::new(Kind::DaemonSet, ns, &d.metadata.name),
            ));
        }
        for r in self
            .store
            .list_in::<ReplicaSet>(ns)
            .filter(|r| selects(&r.spec.selector))
        {
            keys.push((
                C::ReplicaSet,
                ObjectKey::new(Kind::ReplicaSet, ns, &r.metadata.name),
            ));
        }
        for (c, k) in keys {
            self.enqueue(c, k);
        }
    }

    /// Queues every unbound pod for another scheduling attempt (the scheduler's "move to
    /// active queue on cluster event").
    fn retry_pending_pods(&mut self) {
        let pending = pod_keys(self.store.unbound_pods());
        self.retry(pending);
    }

    /// A removed pod frees resources, host ports and volumes, which only helps pods that were
    /// rejected for those (NodeResourcesFit/NodePorts/volume queueing hints); a pod rejected
    /// by node affinity or taints alone is not retried.
    fn retry_pods_waiting_for_room(&mut self) {
        const ROOM: [&str; 6] = [
            "Insufficient ",
            "Too many pods",
            "free ports",
            "volume",
            "PersistentVolumeClaim",
            "anti-affinity",
        ];
        let waiting_for_room =
            |p: &&Pod| match p.condition("PodScheduled").filter(|c| c.status == "False") {
                Some(c) => c
                    .message
                    .as_deref()
                    .is_some_and(|m| ROOM.iter().any(|r| m.contains(r))),
                None => true,
            };
        let pending = pod_keys(self.store.unbound_pods().filter(waiting_for_room));
        self.retry(pending);
    }

    /// Pending pods with required pod affinity wait for the pods they follow to be placed.
    fn retry_pods_with_pod_affinity(&mut self) {
        let pending = pod_keys(self.store.unbound_pods_with_affinity());
        self.retry(pending);
    }

    /// Claim and volume changes only matter to pending pods that use claims (the VolumeBinding
    /// plugin's queueing hint); other pending pods are not retried, so their FailedScheduling
    /// counts do not grow with unrelated storage activity.
    fn retry_pending_pods_with_claims(&mut self) {
        let pending = pod_keys(self.store.unbound_pods_with_claims());
        self.retry(pending);
    }

    /// Asks the volume controller to look at every Pending claim again.
    fn resync_pending_claims(&mut self) {
        let pending: Vec<ObjectKey> = self
            .store
            .list::<PersistentVolumeClaim>()
            .filter(|c| c.phase() == "Pending")
            .map(|c| {
                ObjectKey::new(
                    Kind::PersistentVolumeClaim,
                    &c.metadata.namespace,
                    &c.metadata.name,
                )
            })
            .collect();
        for k in pending {
            self.enqueue(C::Volume, k);
        }
    }

    fn retry(&mut self, pods: Vec<ObjectKey>) {
        for k in pods {
            self.enqueue(C::Scheduler, k);
        }
    }
}

fn pod_keys<'a>(pods: impl Iterator<Item = &'a Pod>) -> Vec<ObjectKey> {
    pods.map(|p| ObjectKey::new(Kind::Pod, &p.metadata.namespace, &p.metadata.name))
        .collect()
}

impl Sim {
    /// Keeps the scheduler's per-node cache in step with the store.
    fn update_node_info(&mut self, old: Option<&Object>, new: Option<&Object>) {
        match new.or(old).map(Object::kind) {
            Some(Kind::Pod) => self.node_info.pod_changed(
                old.and_then(|o| Pod::from_object(o)),
                new.and_then(|o| Pod::from_object(o)),
            ),
            Some(Kind::Node) => self.node_info.node_changed(
                old.and_then(|o| Node::from_object(o)),
                new.and_then(|o| Node::from_object(o)),
            ),
            _ => {}
        }
    }
}

/// Whether a node change can change scheduling or daemon placement: labels, taints, cordon,
/// allocatable, readiness or pressure conditions, or the node appearing/disappearing.
fn node_change_matters(old: Option<&Object>, new: Option<&Object>) -> bool {
    let view = |o: Option<&Object>| {
        o.and_then(|o| Node::from_object(o)).map(|n| {
            let conditions: Vec<(String, String)> = n
                .status
                .conditions
                .iter()
                .map(|c| (c.type_.clone(), c.status.clone()))
                .collect();
            (
                n.metadata.labels.clone(),
                n.spec.clone(),
                n.status.allocatable.clone(),
                conditions,
            )
        })
    };
    match (old, new) {
        (Some(_), Some(_)) => view(old) != view(new),
        _ => true,
    }
}
