//! kube-scheduler for one unbound pod: PreFilter, the node filters, VolumeBinding, scoring, then
//! bind (or first prepare the pod's WaitForFirstConsumer volumes, as PreBind does). On failure:
//! a Warning `FailedScheduling` event with v1.36's exact FitError text, the pod's PodScheduled
//! condition set to False/Unschedulable, and the text as the blocked reason.
//!
//! Retries: no timer. watch.rs re-queues every unbound pod when a node, claim or volume changes
//! or a bound pod goes away (the scheduler's "move to active queue on cluster event"). The real
//! scheduler also flushes unschedulable pods every 5 minutes; since nothing in a settled cluster
//! changes without an event, that would only repeat the same event, so we leave it out and
//! `Sim::settle` stays finite.

pub mod cache;
pub mod filters;
pub mod messages;
pub mod node_selector;
pub mod pod_affinity;
pub mod scoring;
mod spread;
pub mod usage;
pub mod volumes;

use crate::engine::action::{Action, ControllerId, EventRecord, Reconcile, WhyReason};
use crate::engine::apply::set_pod_condition;
use crate::engine::model::{Node, Object, Pod};
use crate::engine::store::{ObjectKey, Store};
use crate::engine::Ctx;
use cache::{NodeInfo, NodeInfoCache};
use filters::{placed_on, run_node_filters, NodeStatus, REASON_PREFILTER_AFFINITY};
use std::borrow::Cow;
use std::collections::BTreeSet;
use usage::Allocatable;
use usage::Usage;
use volumes::{ClaimPlan, SELECTED_NODE_ANNOTATION};

pub const DEFAULT_SCHEDULER: &str = "default-scheduler";

/// What one scheduling attempt concluded.
enum Decision<'a> {
    Bind(&'a Node),
    /// PreBind: volumes must be bound or provisioned on `node` first.
    PrepareVolumes {
        node: &'a Node,
        actions: Vec<Action>,
    },
    Unschedulable(String),
}

pub fn reconcile(ctx: &Ctx, key: &ObjectKey) -> Reconcile {
    let mut out = Reconcile::default();
    let Some(pod) = ctx.store.get::<Pod>(&key.namespace, &key.name) else {
        return out;
    };
    if pod.node_name().is_some() || pod.metadata.deletion_timestamp.is_some() {
        return out;
    }
    if let Some(other) = pod
        .spec
        .scheduler_name
        .as_deref()
        .filter(|s| *s != DEFAULT_SCHEDULER)
    {
        out.wait(
            key.clone(),
            WhyReason::Other(format!(
                "waiting for scheduler \"{other}\", which this cluster does not run"
            )),
        );
        return out;
    }
    if has_scheduling_gates(pod) {
        out.wait(
            key.clone(),
            WhyReason::Other("scheduling gates hold the pod (SchedulingGated)".into()),
        );
        return out;
    }
    match decide(ctx.store, ctx.node_info, pod) {
        Decision::Bind(node) => out.act(Action::Bind {
            pod: key.clone(),
            node: node.metadata.name.clone(),
        }),
        Decision::PrepareVolumes { node, actions } => {
            out.actions.extend(actions);
            out.wait(
                key.clone(),
                WhyReason::Other(format!(
                    "scheduled to {} once its PersistentVolumeClaims are bound (volume binding)",
                    node.metadata.name
                )),
            );
        }
        Decision::Unschedulable(message) => {
            out.act(Action::Event(EventRecord {
                regarding: key.clone(),
                warning: true,
                reason: "FailedScheduling".into(),
                message: message.clone(),
                source: ControllerId::Scheduler,
                host: None,
            }));
            let mut updated = pod.clone();
            set_pod_condition(
                &mut updated,
                "PodScheduled",
                "False",
                Some("Unschedulable"),
                Some(&message),
                ctx.now,
            );
            if updated != *pod {
                out.act(Action::Update(Object::Pod(updated)));
            }
            out.wait(key.clone(), WhyReason::Unschedulable { message });
        }
    }
    out
}

fn has_scheduling_gates(pod: &Pod) -> bool {
    pod.spec
        .scheduling_gates
        .as_ref()
        .and_then(|v| v.as_array())
        .is_some_and(|a| !a.is_empty())
}

/// NodeAffinity PreFilter: `matchFields metadata.name In [...]` in every required term narrows
/// the candidates to those nodes. `Err` when the terms contradict each other.
fn prefilter_node_names(pod: &Pod) -> Result<Option<BTreeSet<String>>, String> {
    let Some(required) = node_selector::required_terms(pod) else {
        return Ok(None);
    };
    if required.node_selector_terms.is_empty() {
        return Ok(None);
    }
    let mut union: BTreeSet<String> = BTreeSet::new();
    for term in &required.node_selector_terms {
        let mut names: Option<BTreeSet<String>> = None;
        for r in term
            .match_fields
            .iter()
            .filter(|r| r.key == "metadata.name" && r.operator == "In")
        {
            let set: BTreeSet<String> = r.values.iter().cloned().collect();
            names = Some(match names {
                None => set,
                Some(prev) => prev.intersection(&set).cloned().collect(),
            });
        }
        match names {
            // A term without a node-name field lets every node through (terms are ORed).
            None => return Ok(None),
            Some(n) => union.extend(n),
        }
    }
    if union.is_empty() {
        return Err("pod affinity terms conflict".into());
    }
    Ok(Some(union))
}

fn decide<'a>(store: &'a Store, cache: &'a NodeInfoCache, pod: &'a Pod) -> Decision<'a> {
    let nodes: Vec<&Node> = store.list::<Node>().collect();
    let num_nodes = nodes.len();
    if num_nodes == 0 {
        // ErrNoNodesAvailable, before any plugin runs.
        return Decision::Unschedulable("no nodes available to schedule pods".into());
    }
    let allowed = match prefilter_node_names(pod) {
        Ok(a) => a,
        Err(reason) => {
            return Decision::Unschedulable(messages::prefilter_rejection(num_nodes, &reason))
        }
    };
    let claims = match volumes::prefilter(store, pod) {
        Ok(c) => c,
        Err(reason) => {
            return Decision::Unschedulable(messages::prefilter_rejection(num_nodes, &reason))
        }
    };
    if let Some(node) = volumes::node_selected_for_provisioning(store, &claims) {
        // Waiting in PreBind for the provisioner; the pod binds once the claims are bound.
        return Decision::PrepareVolumes {
            node,
            actions: Vec::new(),
        };
    }

    let demand = Usage::of_pod(pod);
    let mut feasible: Vec<(&Node, Cow<NodeInfo>, Vec<ClaimPlan>)> = Vec::new();
    let mut failed: Vec<(&Node, NodeStatus, Vec<&Pod>)> = Vec::new();
    let mut absent = 0usize;
    let rwop_in_use = volumes::read_write_once_pod_in_use(store, pod);
    let pod_affinity = pod_affinity::prepare(store, pod);
    for node in &nodes {
        if allowed
            .as_ref()
            .is_some_and(|a| !a.contains(&node.metadata.name))
        {
            absent += 1;
            continue;
        }
        let info = cache
            .get(&node.metadata.name)
            .map(Cow::Borrowed)
            .unwrap_or_else(|| {
                Cow::Owned(NodeInfo {
                    allocatable: Allocatable::compute(node),
                    used: Usage::default(),
                })
            });
        // The filters in the scheduler's order; the first rejection is the node's status.
        let rejected = run_node_filters(pod, &demand, node, &info)
            .or_else(|| rwop_in_use.then(|| NodeStatus::resolvable(volumes::REASON_RWOP_IN_USE)));
        let verdict = match rejected {
            Some(status) => Err(status),
            None => volumes::filter(store, &claims, node).and_then(|plans| {
                match pod_affinity.as_ref().and_then(|check| check.filter(node)) {
                    Some(status) => Err(status),
                    None => Ok(plans),
                }
            }),
        };
        match verdict {
            Ok(plans) => feasible.push((node, info, plans)),
            Err(status) => failed.push((node, status, placed_on(store, &node.metadata.name, pod))),
        }
    }

    if feasible.is_empty() {
        return Decision::Unschedulable(unschedulable_message(pod, num_nodes, &failed, absent));
    }
    let candidates: Vec<(&Node, &NodeInfo)> =
        feasible.iter().map(|(n, u, _)| (*n, u.as_ref())).collect();
    let nodes_only: Vec<&Node> = candidates.iter().map(|(n, _)| *n).collect();
    let spread = spread::scores(store, pod, &nodes_only);
    let Some(chosen) = scoring::pick_node(pod, &demand, &candidates, spread.as_deref()) else {
        return Decision::Unschedulable(unschedulable_message(pod, num_nodes, &failed, absent));
    };
    let plans = feasible
        .into_iter()
        .find(|(n, _, _)| n.metadata.name == chosen.metadata.name)
        .map(|(_, _, p)| p);
    let actions = prebind_actions(chosen, plans.unwrap_or_default());
    if claims.delayed.is_empty() {
        Decision::Bind(chosen)
    } else {
        Decision::PrepareVolumes {
            node: chosen,
            actions,
        }
    }
}

/// PreBind for WaitForFirstConsumer claims: write the chosen volume's claimRef (the PV
/// controller completes the binding) or mark the claim with the selected node (the provisioner
/// creates a volume there).
fn prebind_actions(node: &Node, plans: Vec<ClaimPlan>) -> Vec<Action> {
    let mut actions = Vec::new();
    for plan in plans {
        match plan {
            ClaimPlan::UseVolume(claim, pv) => {
                if crate::engine::controllers::volume::matching::pv_bound_to_claim(pv, claim)
                    && pv.spec.claim_ref.is_some()
                {
                    continue;
                }
                let mut pv = pv.clone();
                pv.spec.claim_ref = Some(crate::engine::controllers::volume::claim_ref(claim));
                pv.metadata
                    .annotations_mut()
                    .insert("pv.kubernetes.io/bound-by-controller".into(), "yes".into());
                actions.push(Action::Update(Object::PersistentVolume(pv)));
            }
            ClaimPlan::Provision(claim) => {
                if claim.metadata.annotations().get(SELECTED_NODE_ANNOTATION)
                    == Some(&node.metadata.name)
                {
                    continue;
                }
                let mut claim = claim.clone();
                claim
                    .metadata
                    .annotations_mut()
                    .insert(SELECTED_NODE_ANNOTATION.into(), node.metadata.name.clone());
                actions.push(Action::Update(Object::PersistentVolumeClaim(claim)));
            }
        }
    }
    actions
}

/// FitError text, with the preemption plugin's verdict for every node.
fn unschedulable_message(
    pod: &Pod,
    num_nodes: usize,
    failed: &[(&Node, NodeStatus, Vec<&Pod>)],
    absent: usize,
) -> String {
    let mut reasons: Vec<String> = failed
        .iter()
        .flat_map(|(_, s, _)| s.reasons.iter().cloned())
        .collect();
    reasons.extend(std::iter::repeat_n(
        REASON_PREFILTER_AFFINITY.to_string(),
        absent,
    ));
    let postfilter = if pod.spec.preemption_policy.as_deref() == Some("Never") {
        "not eligible due to preemptionPolicy=Never.".to_string()
    } else {
        let mut verdicts: Vec<String> = Vec::new();
        for (node, status, on_node) in failed {
            verdicts.extend(preemption_verdict(pod, node, status, on_node));
        }
        verdicts.extend(std::iter::repeat_n(
            messages::PREEMPTION_NOT_HELPFUL.to_string(),
            absent,
        ));
        messages::preemption_summary(num_nodes, &verdicts)
    };
    messages::filter_rejection(num_nodes, &reasons, &postfilter)
}

/// SelectVictimsOnNode: unresolvable failures are "not helpful"; otherwise remove every pod of
/// lower priority and filter again. With no such pod (the usual case: everything at priority
/// 0) the node has "No preemption victims". Evicting victims is not simulated: when removing
/// them would make room we still report no victims (only reachable with explicit priorities).
fn preemption_verdict(
    pod: &Pod,
    node: &Node,
    status: &NodeStatus,
    on_node: &[&Pod],
) -> Vec<String> {
    if status.unresolvable {
        return vec![messages::PREEMPTION_NOT_HELPFUL.to_string()];
    }
    let priority = pod.spec.priority.unwrap_or(0);
    let remaining: Vec<&Pod> = on_node
        .iter()
        .copied()
        .filter(|p| p.spec.priority.unwrap_or(0) >= priority)
        .collect();
    if remaining.len() == on_node.len() {
        return vec![messages::NO_VICTIMS.to_string()];
    }
    let info = NodeInfo {
        allocatable: Allocatable::compute(node),
        used: Usage::of_pods(&remaining),
    };
    match run_node_filters(pod, &Usage::of_pod(pod), node, &info) {
        Some(s) => s.reasons,
        None => vec![messages::NO_VICTIMS.to_string()],
    }
}
