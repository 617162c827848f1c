//! PodDisruptionBudget status (`pkg/controller/disruption/disruption.go`): how many matching
//! pods are expected and healthy, how many must stay healthy, and how many may be evicted now.
//! `kubectl drain` reads `disruptionsAllowed` through the Eviction API.

use crate::engine::action::{Action, Reconcile, WhyReason};
use crate::engine::model::{
    Deployment, IntOrString, MetaCondition, Object, PdbStatus, Pod, PodDisruptionBudget,
    ReplicaSet, StatefulSet,
};
use crate::engine::store::{ObjectKey, Store};
use crate::engine::time::{SimTime, Timestamp};
use crate::engine::Ctx;
use std::collections::BTreeSet;

pub fn reconcile(ctx: &Ctx, key: &ObjectKey) -> Reconcile {
    let mut r = Reconcile::default();
    let Some(pdb) = ctx
        .store
        .get::<PodDisruptionBudget>(&key.namespace, &key.name)
    else {
        return r;
    };
    let pods: Vec<&Pod> = match pdb.spec.selector.as_ref() {
        // An empty selector matches every pod in the namespace (policy/v1).
        Some(sel) => ctx
            .store
            .list_in::<Pod>(&key.namespace)
            .filter(|p| sel.matches(p.metadata.labels()))
            .collect(),
        None => Vec::new(),
    };
    let (expected, desired) = expected_and_desired(ctx.store, pdb, &pods);
    // `countHealthyPods`: Ready and not being deleted.
    let healthy = pods
        .iter()
        .filter(|p| !p.metadata.is_terminating() && p.is_ready())
        .count() as i32;
    let allowed = if expected <= 0 {
        0
    } else {
        (healthy - desired).max(0)
    };
    if allowed == 0 {
        r.wait(
            key.clone(),
            WhyReason::Other(format!(
                "no disruption allowed: {healthy} healthy pods, at least {desired} must stay healthy; evictions are refused"
            )),
        );
    }
    let status = PdbStatus {
        conditions: allowed_condition(pdb, allowed, ctx.now),
        current_healthy: healthy,
        desired_healthy: desired,
        disruptions_allowed: allowed,
        expected_pods: expected,
        observed_generation: Some(pdb.metadata.generation),
    };
    if status != pdb.status {
        let mut updated = pdb.clone();
        updated.status = status;
        r.act(Action::Update(Object::PodDisruptionBudget(updated)));
    }
    r
}

/// (expectedPods, desiredHealthy) as `getExpectedPodCount` computes them.
fn expected_and_desired(store: &Store, pdb: &PodDisruptionBudget, pods: &[&Pod]) -> (i32, i32) {
    let count = pods.len() as i32;
    if let Some(max_unavailable) = &pdb.spec.max_unavailable {
        let expected = expected_scale(store, pods);
        let unavailable = max_unavailable
            .scaled_value(i64::from(expected), true)
            .unwrap_or(0) as i32;
        return (expected, (expected - unavailable).max(0));
    }
    match &pdb.spec.min_available {
        Some(IntOrString::Int(n)) => (count, *n as i32),
        Some(pct @ IntOrString::String(_)) => {
            let expected = expected_scale(store, pods);
            (
                expected,
                pct.scaled_value(i64::from(expected), true).unwrap_or(0) as i32,
            )
        }
        None => (count, 0),
    }
}

/// The sum of the desired scale of the controllers of the pods (Deployment via its ReplicaSet,
/// ReplicaSet, StatefulSet), each counted once. Pods without such a controller count as one.
fn expected_scale(store: &Store, pods: &[&Pod]) -> i32 {
    let mut seen: BTreeSet<(String, String)> = BTreeSet::new();
    let mut total = 0;
    for pod in pods {
        let ns = pod.metadata.namespace.as_str();
        let Some(owner) = pod.metadata.controller_ref() else {
            total += 1;
            continue;
        };
        let scale = match owner.kind.as_str() {
            "ReplicaSet" => store.get::<ReplicaSet>(ns, &owner.name).map(|rs| {
                match rs
                    .metadata
                    .controller_ref()
                    .filter(|o| o.kind == "Deployment")
                {
                    Some(d) => (
                        format!("Deployment/{}", d.name),
                        store
                            .get::<Deployment>(ns, &d.name)
                            .and_then(|d| d.spec.replicas)
                            .unwrap_or(1),
                    ),
                    None => (
                        format!("ReplicaSet/{}", rs.metadata.name),
                        rs.spec.replicas.unwrap_or(1),
                    ),
                }
            }),
            "StatefulSet" => store.get::<StatefulSet>(ns, &owner.name).map(|s| {
                (
                    format!("StatefulSet/{}", s.metadata.name),
                    s.spec.replicas.unwrap_or(1),
                )
            }),
            _ => None,
        };
        match scale {
            Some((id, n)) => {
                if seen.insert((ns.to_string(), id)) {
                    total += n;
                }
            }
            None => total += 1,
        }
    }
    total
}

/// `UpdateDisruptionAllowedCondition`: `DisruptionAllowed` True (SufficientPods) or False
/// (InsufficientPods); the transition time moves only when the status does.
fn allowed_condition(pdb: &PodDisruptionBudget, allowed: i32, now: SimTime) -> Vec<MetaCondition> {
    let (status, reason) = if allowed > 0 {
        ("True", "SufficientPods")
    } else {
        ("False", "InsufficientPods")
    };
    let mut conditions = pdb.status.conditions.clone();
    let previous = conditions.iter().find(|c| c.type_ == "DisruptionAllowed");
    let transition = match previous {
        Some(c) if c.status == status => c.last_transition_time,
        _ => Some(Timestamp(now)),
    };
    conditions.retain(|c| c.type_ != "DisruptionAllowed");
    conditions.push(MetaCondition {
        last_transition_time: transition,
        message: String::new(),
        observed_generation: Some(pdb.metadata.generation),
        reason: reason.into(),
        status: status.into(),
        type_: "DisruptionAllowed".into(),
    });
    conditions
}
