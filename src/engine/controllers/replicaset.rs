//! The ReplicaSet controller (`pkg/controller/replicaset/replica_set.go`): keep `spec.replicas`
//! active pods, created in parallel from the template (`<rs>-<5 random>`), and report status.
//!
//! Pods are placed by the scheduler (any feasible node), unlike daemon pods. Surplus pods are
//! deleted in the controller's preference order: unscheduled, pending, not ready, co-located
//! with more siblings, ready for less time, more restarts, newer.

use super::controller_utils::{
    claim_pods, controller_ref, create_pod_action, delete_pod_actions, is_pod_available,
    pods_prefix, time_until_available,
};
use crate::engine::action::{Action, ControllerId, Reconcile, WhyReason};
use crate::engine::model::{Kind, Object, ObjectMeta, Pod, PodPhase, ReplicaSet, ReplicaSetStatus};
use crate::engine::store::ObjectKey;
use crate::engine::time::{SimDuration, SimTime};
use crate::engine::Ctx;
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// `BurstReplicas`: creates or deletes per sync.
pub const BURST_REPLICAS: usize = 500;

pub fn reconcile(ctx: &Ctx, key: &ObjectKey) -> Reconcile {
    let mut r = Reconcile::default();
    let Some(rs) = ctx.store.get::<ReplicaSet>(&key.namespace, &key.name) else {
        return r;
    };
    let Some(selector) = rs.spec.selector.as_ref() else {
        return r;
    };
    let claimed = claim_pods(ctx.store, Kind::ReplicaSet, &rs.metadata, selector);
    r.actions.extend(claimed.actions);
    // `FilterActivePods`: not finished and not being deleted.
    let active: Vec<&Pod> = claimed
        .pods
        .iter()
        .copied()
        .filter(|p| !p.is_terminal() && !p.metadata.is_terminating())
        .collect();
    if !rs.metadata.is_terminating() {
        manage_replicas(rs, key, &active, ctx.now, &mut r);
    }
    for p in claimed.pods.iter().filter(|p| p.metadata.is_terminating()) {
        r.wait(
            ObjectKey::new(Kind::Pod, &p.metadata.namespace, &p.metadata.name),
            WhyReason::WaitingForTermination {
                pod: p.metadata.name.clone(),
            },
        );
    }
    let (status, recheck) = compute_status(rs, &active, ctx.now);
    if status != rs.status {
        let mut updated = rs.clone();
        updated.status = status;
        r.act(Action::Update(Object::ReplicaSet(updated)));
    }
    if let Some(d) = recheck {
        r.requeue(d);
    }
    r
}

fn manage_replicas(
    rs: &ReplicaSet,
    key: &ObjectKey,
    active: &[&Pod],
    now: SimTime,
    r: &mut Reconcile,
) {
    let want = rs.spec.replicas.unwrap_or(1).max(0) as usize;
    if active.len() < want {
        let missing = (want - active.len()).min(BURST_REPLICAS);
        for _ in 0..missing {
            r.act(create_pod_action(
                key,
                new_pod(rs),
                ControllerId::ReplicaSet,
            ));
        }
    } else if active.len() > want {
        let surplus = (active.len() - want).min(BURST_REPLICAS);
        for pod in pods_to_delete(active, surplus, now) {
            r.actions
                .extend(delete_pod_actions(key, pod, ControllerId::ReplicaSet));
        }
    }
}

/// `GetPodFromTemplate`: the template's labels, annotations and spec, owned by the set.
pub fn new_pod(rs: &ReplicaSet) -> Pod {
    let template = &rs.spec.template;
    let mut metadata = ObjectMeta::named(&rs.metadata.namespace, "");
    metadata.generate_name = Some(pods_prefix(&rs.metadata.name));
    metadata.labels = template.metadata.labels.clone();
    metadata.annotations = template.metadata.annotations.clone();
    metadata.finalizers = template.metadata.finalizers.clone();
    metadata
        .owner_references
        .push(controller_ref(Kind::ReplicaSet, &rs.metadata));
    Pod {
        metadata,
        spec: template.spec.clone(),
        ..Default::default()
    }
}

/// `getPodsToDelete` with `ActivePodsWithRanks`: the `count` pods to delete first.
fn pods_to_delete<'a>(active: &[&'a Pod], count: usize, now: SimTime) -> Vec<&'a Pod> {
    let mut per_node: BTreeMap<&str, usize> = BTreeMap::new();
    for p in active {
        if let Some(n) = p.node_name() {
            *per_node.entry(n).or_default() += 1;
        }
    }
    let rank = |p: &Pod| {
        p.node_name()
            .map_or(0, |n| per_node.get(n).copied().unwrap_or(0))
    };
    let mut list: Vec<&Pod> = active.to_vec();
    crate::engine::stable_sort::sort_by(&mut list, |a, b| {
        deletion_order(a, b, rank(a), rank(b), now)
    });
    list.truncate(count);
    list
}

fn phase_rank(p: &Pod) -> u8 {
    match p.status.phase {
        PodPhase::Pending => 0,
        PodPhase::Unknown => 1,
        PodPhase::Running => 2,
        _ => 3,
    }
}

/// Smaller first = deleted first.
fn deletion_order(a: &Pod, b: &Pod, rank_a: usize, rank_b: usize, now: SimTime) -> Ordering {
    let assigned = |p: &Pod| p.node_name().is_some();
    assigned(a)
        .cmp(&assigned(b))
        .then(phase_rank(a).cmp(&phase_rank(b)))
        .then(a.is_ready().cmp(&b.is_ready()))
        // More siblings on the same node: delete from there first.
        .then(rank_b.cmp(&rank_a))
        // Ready for less time first.
        .then_with(|| {
            let since = |p: &Pod| p.ready_since().map(|t| now - t.0);
            match (a.is_ready() && b.is_ready(), since(a), since(b)) {
                (true, Some(x), Some(y)) => x.cmp(&y),
                _ => Ordering::Equal,
            }
        })
        .then(b.restarts().cmp(&a.restarts()))
        // Newer first.
        .then(
            b.metadata
                .creation_timestamp
                .cmp(&a.metadata.creation_timestamp),
        )
        .then(a.metadata.name.cmp(&b.metadata.name))
}

/// `calculateStatus`.
fn compute_status(
    rs: &ReplicaSet,
    active: &[&Pod],
    now: SimTime,
) -> (ReplicaSetStatus, Option<SimDuration>) {
    let min_ready = rs.spec.min_ready_seconds.unwrap_or(0);
    let template_labels = rs.spec.template.metadata.labels();
    let mut status = ReplicaSetStatus {
        conditions: rs.status.conditions.clone(),
        observed_generation: Some(rs.metadata.generation),
        replicas: active.len() as i32,
        ..Default::default()
    };
    let mut recheck: Option<SimDuration> = None;
    for p in active {
        if template_labels
            .iter()
            .all(|(k, v)| p.metadata.labels().get(k) == Some(v))
        {
            status.fully_labeled_replicas += 1;
        }
        if p.is_ready() {
            status.ready_replicas += 1;
            if is_pod_available(p, min_ready, now) {
                status.available_replicas += 1;
            } else if let Some(d) = time_until_available(p, min_ready, now) {
                let d = SimDuration(d.0 + 1000);
                recheck = Some(recheck.map_or(d, |r| r.min(d)));
            }
        }
    }
    (status, recheck)
}
