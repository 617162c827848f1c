//! The DaemonSet controller (`pkg/controller/daemon`): one pod per eligible node.
//!
//! One sync, as `syncDaemonSet` does it: claim pods (adopt matching orphans), find or create the
//! current ControllerRevision, then `manage` (create missing pods, delete failed, surplus and
//! misplaced ones); only when manage has nothing to do does the update strategy run (the real
//! controller waits for its "expectations"); then old revisions are pruned and status written.
//!
//! Daemon pods are created unbound with a `matchFields metadata.name` node affinity; the
//! scheduler binds them. A pending pod belongs to the node its affinity names.

pub mod eligibility;
pub mod manage;
pub mod pods;
pub mod revisions;
pub mod status;
pub mod update;

use crate::engine::action::{Action, ControllerId, Reconcile, WhyReason};
use crate::engine::controllers::controller_utils::{
    claim_pods, create_pod_action, delete_pod_actions, event,
};
use crate::engine::model::{DaemonSet, Kind, Node, Object, Pod};
use crate::engine::store::{ObjectKey, Store};
use crate::engine::time::SimTime;
use crate::engine::Ctx;
use eligibility::Placement;
use std::collections::BTreeMap;

/// `BurstReplicas`: at most this many creates and deletes per sync.
pub const BURST_REPLICAS: usize = 250;

/// One node as this sync sees it.
pub struct NodeEntry<'a> {
    pub node: &'a Node,
    pub placement: Placement,
    /// The DaemonSet's pods mapped to this node, oldest first (pods both terminal and being
    /// deleted are left out, as `getNodesToDaemonPods` does).
    pub pods: Vec<&'a Pod>,
}

/// Everything a sync computes once and its parts (manage, update, status) share.
pub struct SyncState<'a> {
    pub now: SimTime,
    pub hash: String,
    pub generation: Option<i64>,
    /// Nodes where shouldRun is true.
    pub desired: i64,
    /// Every node, in name order.
    pub nodes: Vec<NodeEntry<'a>>,
    index: BTreeMap<&'a str, usize>,
    /// Pods whose target node does not exist.
    pub strays: BTreeMap<String, Vec<&'a Pod>>,
}

impl<'a> SyncState<'a> {
    pub fn should_run(&self, node: &str) -> bool {
        self.index
            .get(node)
            .and_then(|i| self.nodes.get(*i))
            .is_some_and(|e| e.placement.should_run)
    }

    /// The rolling update's view (`nodeToDaemonPods` plus an empty entry per desired node), in
    /// node-name order.
    pub fn update_map(&self) -> Vec<(&str, Vec<&'a Pod>)> {
        let mut list: Vec<(&str, Vec<&'a Pod>)> = self
            .nodes
            .iter()
            .filter(|e| e.placement.should_run || !e.pods.is_empty())
            .map(|e| (e.node.metadata.name.as_str(), e.pods.clone()))
            .chain(self.strays.iter().map(|(n, p)| (n.as_str(), p.clone())))
            .collect();
        crate::engine::stable_sort::sort_by(&mut list, |a, b| a.0.cmp(b.0));
        list
    }
}

fn build_state<'a>(
    store: &'a Store,
    ds: &DaemonSet,
    pods: &[&'a Pod],
    hash: String,
    generation: Option<i64>,
    now: SimTime,
) -> SyncState<'a> {
    let tolerations = pods::daemon_tolerations(&ds.spec.template.spec);
    let mut by_node: BTreeMap<&'a str, Vec<&'a Pod>> = BTreeMap::new();
    for pod in pods.iter().copied() {
        if pod.is_terminal() && pod.metadata.is_terminating() {
            continue;
        }
        if let Some(node) = pods::target_node_name(pod) {
            by_node.entry(node).or_default().push(pod);
        }
    }
    let mut nodes = Vec::new();
    let mut index = BTreeMap::new();
    let mut desired = 0;
    for node in store.list::<Node>() {
        let placement = eligibility::node_should_run(node, &ds.spec.template.spec, &tolerations);
        if placement.should_run {
            desired += 1;
        }
        let mut pods = by_node
            .remove(node.metadata.name.as_str())
            .unwrap_or_default();
        crate::engine::stable_sort::sort_by(&mut pods, pods::oldest_first);
        index.insert(node.metadata.name.as_str(), nodes.len());
        nodes.push(NodeEntry {
            node,
            placement,
            pods,
        });
    }
    let strays = by_node
        .into_iter()
        .map(|(n, p)| (n.to_string(), p))
        .collect();
    SyncState {
        now,
        hash,
        generation,
        desired,
        nodes,
        index,
        strays,
    }
}

pub fn reconcile(ctx: &Ctx, key: &ObjectKey) -> Reconcile {
    let mut r = Reconcile::default();
    let Some(ds) = ctx.store.get::<DaemonSet>(&key.namespace, &key.name) else {
        return r;
    };
    // A DaemonSet being deleted is left alone, not even status (the GC removes its pods).
    if ds.metadata.is_terminating() {
        return r;
    }
    let Some(selector) = ds.spec.selector.as_ref() else {
        return r;
    };
    if selector.is_empty() {
        r.act(event(
            key,
            true,
            "SelectingAll",
            "This daemon set is selecting all pods. A non-empty selector is required.".into(),
            ControllerId::DaemonSet,
        ));
        return r;
    }
    let claimed = claim_pods(ctx.store, Kind::DaemonSet, &ds.metadata, selector);
    r.actions.extend(claimed.actions);
    let history = revisions::construct_history(ctx.store, ds, &mut r.actions);
    // The API server keeps the template generation in an annotation; without it (a manifest
    // layer that does not set it yet) the revision number is the closest equivalent.
    let generation = pods::template_generation(ds).or(Some(history.revision));
    let state = build_state(
        ctx.store,
        ds,
        &claimed.pods,
        history.hash.clone(),
        generation,
        ctx.now,
    );

    let plan = manage::manage(ctx.store, ds, &state);
    for (warning, reason, message) in &plan.events {
        r.act(event(
            key,
            *warning,
            reason,
            message.clone(),
            ControllerId::DaemonSet,
        ));
    }
    let (mut create_on, mut delete) = (plan.create_on, plan.delete);
    let mut waiting = plan.waiting;
    if let Some(d) = plan.requeue_after {
        r.requeue(d);
    }
    // The update strategy runs only once manage is satisfied (the "expectations" gate).
    if create_on.is_empty() && delete.is_empty() {
        let rolling = ds
            .spec
            .update_strategy
            .as_ref()
            .and_then(|s| s.type_.as_deref())
            .unwrap_or("RollingUpdate")
            == "RollingUpdate";
        if rolling {
            let step = update::rolling_update(ds, &state);
            create_on = step.create_on;
            delete = step.delete;
            waiting.extend(step.waiting);
        }
    }
    sync_nodes(ds, key, &state, &create_on, &delete, &mut r);
    explain(key, &state, &mut r);
    for (name, reason) in waiting {
        r.wait(
            ObjectKey::new(Kind::Pod, &ds.metadata.namespace, &name),
            reason,
        );
    }
    revisions::cleanup_history(ds, &history, &claimed.pods, &mut r.actions);

    let computed = status::compute(ds, &state);
    if status::needs_write(ds, &computed.status) {
        let mut updated = ds.clone();
        updated.status = computed.status;
        r.act(Action::Update(Object::DaemonSet(updated)));
    }
    if let Some(d) = computed.recheck_after {
        r.requeue(d);
    }
    r
}

/// `syncNodes`: the creates (at most `BURST_REPLICAS`, from the current template) and deletes.
fn sync_nodes(
    ds: &DaemonSet,
    key: &ObjectKey,
    state: &SyncState,
    create_on: &[String],
    delete: &[&Pod],
    r: &mut Reconcile,
) {
    let tolerations = pods::daemon_tolerations(&ds.spec.template.spec);
    for node in create_on.iter().take(BURST_REPLICAS) {
        let pod = pods::new_daemon_pod(ds, node, &state.hash, state.generation, &tolerations);
        r.act(create_pod_action(key, pod, ControllerId::DaemonSet));
    }
    if create_on.len() > BURST_REPLICAS {
        r.wait(
            key.clone(),
            WhyReason::Other(format!(
                "{} more nodes need a pod; the controller creates at most {BURST_REPLICAS} per sync",
                create_on.len() - BURST_REPLICAS
            )),
        );
        // The pod-add events of this batch bring the next sync; ask for one anyway.
        r.requeue(crate::engine::time::SimDuration::ZERO);
    }
    for pod in delete.iter().take(BURST_REPLICAS) {
        r.actions
            .extend(delete_pod_actions(key, pod, ControllerId::DaemonSet));
    }
}

/// `sim why ds/NAME`: every node without a pod, and why.
fn explain(key: &ObjectKey, state: &SyncState, r: &mut Reconcile) {
    for entry in &state.nodes {
        let Some(reason) = &entry.placement.reason else {
            continue;
        };
        let node = entry.node.metadata.name.clone();
        let node_key = ObjectKey::new(Kind::Node, "", &node);
        let reason = match entry.pods.first() {
            None => reason.clone(),
            Some(p) if entry.placement.should_continue_running => format!(
                "{reason}; its pod {} keeps running there (counted as misscheduled) but is not replaced if it goes",
                p.metadata.name
            ),
            Some(p) => format!("{reason}; its pod {} is deleted", p.metadata.name),
        };
        r.wait(node_key, WhyReason::NodeNotEligible { node, reason });
    }
    let _ = key;
}

/// Whether a node change should wake this DaemonSet, as the v1.33+ node-update queue decides:
/// the node now needs a pod it lacks, or must lose one it has, or it has a pod while the status
/// counts misscheduled pods. So adding a NoSchedule taint to a node that already runs the pod
/// does not resync the DaemonSet (its status keeps the old counts), and deleting a node has no
/// handler at all (status changes only when pod GC removes the pod).
pub fn node_change_wakes(store: &Store, ds: &DaemonSet, node: &Node) -> bool {
    let placement = eligibility::node_should_run_ds(node, ds);
    let scheduled = store.pods_on_node(&node.metadata.name).any(|p| {
        p.metadata.namespace == ds.metadata.namespace
            && p.metadata
                .controller_ref()
                .is_some_and(|r| r.uid == ds.metadata.uid)
    });
    if scheduled {
        !placement.should_continue_running || ds.status.number_misscheduled > 0
    } else {
        placement.should_run
    }
}

/// The DaemonSets to queue after a node was added or updated (labels or taints changed).
pub fn daemonsets_for_node_change(store: &Store, old: Option<&Node>, new: &Node) -> Vec<ObjectKey> {
    if let Some(old) = old {
        if old.metadata.labels == new.metadata.labels && old.spec.taints == new.spec.taints {
            return Vec::new();
        }
    }
    store
        .list::<DaemonSet>()
        .filter(|ds| node_change_wakes(store, ds, new))
        .map(|ds| ObjectKey::new(Kind::DaemonSet, &ds.metadata.namespace, &ds.metadata.name))
        .collect()
}
