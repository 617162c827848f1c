//! Where a claim is drawn. A claim whose volume lives on one node (local-path: the PV's
//! `nodeAffinity` names a single node) sits in that node's lane, beside the pod that uses it,
//! and stays there when the pod goes — that is what persistence looks like. A claim on a volume
//! any node can attach rides beside its pod. Everything else (Pending, Lost, unused) waits in
//! the claims lane with the reason.

use super::{ClaimChip, NodeLane, PodChip};
use crate::engine::model::{Kind, Node, PersistentVolume, PersistentVolumeClaim, Pod};
use crate::engine::scheduler::node_selector::{pv_allows_node, pv_required_affinity};
use crate::engine::store::ObjectKey;
use crate::engine::Sim;
use std::collections::BTreeMap;

/// Pods that mount each claim, by (namespace, claim name): describe pvc's "Used By".
fn claim_users(sim: &Sim) -> BTreeMap<(String, String), Vec<String>> {
    let mut users: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for pod in sim.store().list::<Pod>() {
        for v in &pod.spec.volumes {
            if let Some(c) = &v.persistent_volume_claim {
                let key = (pod.metadata.namespace.clone(), c.claim_name.clone());
                let list = users.entry(key).or_default();
                if !list.contains(&pod.metadata.name) {
                    list.push(pod.metadata.name.clone());
                }
            }
        }
    }
    users
}

/// The node a volume is pinned to, or why a pinned volume has no node to be drawn in.
fn volume_node(sim: &Sim, pv: &PersistentVolume) -> Result<Option<String>, String> {
    if pv_required_affinity(pv).is_none() {
        return Ok(None);
    }
    let nodes: Vec<&Node> = sim
        .store()
        .list::<Node>()
        .filter(|n| pv_allows_node(pv, n))
        .collect();
    match nodes.as_slice() {
        [one] => Ok(Some(one.metadata.name.clone())),
        [] => Err(format!(
            "volume {} is pinned (nodeAffinity) to a node that no longer exists",
            pv.metadata.name
        )),
        // Pinned to a zone or a label many nodes share: not one lane's.
        _ => Ok(None),
    }
}

/// The inspector's extra facts about a claim: who mounts it, and the node its volume lives on.
pub(super) fn claim_facts(
    sim: &Sim,
    claim: &PersistentVolumeClaim,
) -> (Vec<String>, Option<String>) {
    let users = claim_users(sim)
        .remove(&(
            claim.metadata.namespace.clone(),
            claim.metadata.name.clone(),
        ))
        .unwrap_or_default();
    let node = claim
        .spec
        .volume_name
        .as_deref()
        .and_then(|v| sim.store().get::<PersistentVolume>("", v))
        .and_then(|pv| volume_node(sim, pv).ok().flatten());
    (users, node)
}

/// Why a claim is not bound: the controller's `sim why` reason, else its newest event.
fn pending_reason(sim: &Sim, claim: &PersistentVolumeClaim) -> Option<String> {
    let key = ObjectKey::new(
        Kind::PersistentVolumeClaim,
        &claim.metadata.namespace,
        &claim.metadata.name,
    );
    sim.why_all()
        .find(|(_, k, why)| **k == key || why.subject == key)
        .map(|(_, _, why)| why.reason.to_string())
        .or_else(|| sim.events_for(&key).last().map(|e| e.message.clone()))
}

/// Fills the claims' placement fields and moves node-bound ones into their node's lane.
pub fn place_claims(sim: &Sim, lanes: &mut [NodeLane], claims: &mut [ClaimChip]) {
    let users = claim_users(sim);
    let pod_node: BTreeMap<(&str, &str), &str> = lanes
        .iter()
        .flat_map(|l| {
            l.pods
                .iter()
                .map(move |p| ((p.namespace.as_str(), p.name.as_str()), l.name.as_str()))
        })
        .collect();
    let mut placed: Vec<(String, ClaimChip)> = Vec::new();
    for chip in claims.iter_mut() {
        let Some(claim) = sim
            .store()
            .get::<PersistentVolumeClaim>(&chip.namespace, &chip.name)
        else {
            continue;
        };
        chip.used_by = users
            .get(&(chip.namespace.clone(), chip.name.clone()))
            .cloned()
            .unwrap_or_default();
        let pv = chip
            .volume
            .as_deref()
            .and_then(|v| sim.store().get::<PersistentVolume>("", v));
        if chip.phase != "Bound" {
            chip.reason = pending_reason(sim, claim);
            continue;
        }
        let Some(pv) = pv else {
            chip.reason = Some(format!(
                "volume {} not found",
                chip.volume.as_deref().unwrap_or("<none>")
            ));
            continue;
        };
        match volume_node(sim, pv) {
            Ok(Some(node)) => {
                chip.volume_node = Some(node.clone());
                chip.lane = Some(node);
            }
            Ok(None) => {
                // Attachable anywhere: beside the first user that runs on a node.
                chip.lane = chip
                    .used_by
                    .iter()
                    .find_map(|p| pod_node.get(&(chip.namespace.as_str(), p.as_str())))
                    .map(|n| n.to_string());
            }
            Err(reason) => chip.reason = Some(reason),
        }
        if let Some(lane) = &chip.lane {
            placed.push((lane.clone(), chip.clone()));
        }
    }
    for lane in lanes.iter_mut() {
        lane.claims = placed
            .iter()
            .filter(|(n, _)| *n == lane.name)
            .map(|(_, c)| c.clone())
            .collect();
    }
}

/// One item of a node lane, in drawing order.
#[derive(Clone, Debug, PartialEq)]
pub enum LaneEntry<'a> {
    /// A pod and the claims drawn right after it.
    Pod {
        pod: &'a PodChip,
        claims: Vec<&'a ClaimChip>,
    },
    /// A claim whose pod is not in this lane (deleted, Pending, or hidden).
    Claim(&'a ClaimChip),
}

/// The sort key that makes ordered creation and spread read at a glance: namespace, then owner
/// (or the pod's own name), then a StatefulSet ordinal numerically (web-2 before web-10).
pub fn pod_order(pod: &PodChip) -> (String, String, Option<u64>, String) {
    let group = pod.owner_name.clone().unwrap_or_else(|| pod.name.clone());
    let ordinal = match (&pod.owner_kind, &pod.owner_name) {
        (Some(kind), Some(owner)) if kind == "StatefulSet" => pod
            .name
            .strip_prefix(owner.as_str())
            .and_then(|rest| rest.strip_prefix('-'))
            .and_then(|n| n.parse().ok()),
        _ => None,
    };
    (pod.namespace.clone(), group, ordinal, pod.name.clone())
}

/// The lane's pods (those `show` keeps) in `pod_order`, each followed by the lane's claims it
/// mounts; claims without a shown pod come after their namespace's pods.
pub fn lane_entries(lane: &NodeLane, show: impl Fn(&PodChip) -> bool) -> Vec<LaneEntry<'_>> {
    let mut pods: Vec<&PodChip> = lane.pods.iter().filter(|p| show(p)).collect();
    pods.sort_by_cached_key(|p| pod_order(p));
    let mut attached = vec![false; lane.claims.len()];
    let mut entries: Vec<(String, LaneEntry)> = Vec::new();
    for pod in pods {
        let mut claims = Vec::new();
        for (i, c) in lane.claims.iter().enumerate() {
            if !attached[i] && c.namespace == pod.namespace && c.used_by.contains(&pod.name) {
                attached[i] = true;
                claims.push(c);
            }
        }
        entries.push((pod.namespace.clone(), LaneEntry::Pod { pod, claims }));
    }
    for (i, c) in lane.claims.iter().enumerate() {
        if !attached[i] {
            // After the last entry of its namespace (namespaces are already in order).
            let at = entries
                .iter()
                .rposition(|(ns, _)| *ns <= c.namespace)
                .map_or(0, |i| i + 1);
            entries.insert(at, (c.namespace.clone(), LaneEntry::Claim(c)));
        }
    }
    entries.into_iter().map(|(_, e)| e).collect()
}
