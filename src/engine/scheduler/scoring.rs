//! Scoring the feasible nodes with the default profile's weights: NodeResourcesFit
//! (LeastAllocated, 1), NodeResourcesBalancedAllocation (1), NodeAffinity preferred terms (2),
//! TaintToleration PreferNoSchedule (3), PodTopologySpread's default hostname spreading (2,
//! computed in `spread.rs`). Not simulated: ImageLocality and InterPodAffinity.
//!
//! Ties: the real scheduler picks at random among the best nodes. We pick the best node whose
//! FNV-1a hash of (pod uid, node name) is smallest: deterministic for a seed (uids come from
//! the seeded RNG) yet not always the alphabetically first node.

use super::cache::NodeInfo;
use super::node_selector::{term_matches, tolerated_by};
use super::usage::Usage;
use crate::engine::model::{Node, Pod, TaintEffect, Toleration};

const MAX_NODE_SCORE: i64 = 100;

/// Requested and allocatable cpu and memory with the pod placed there. LeastAllocated counts
/// containers without requests at the scheduler's defaults; BalancedAllocation uses the real
/// requests.
fn usage(demand: &Usage, info: &NodeInfo, nonzero: bool) -> [(i128, i128); 2] {
    let (alloc, used) = (info.allocatable.resources, &info.used);
    [0, 1].map(|i| {
        let requested = if nonzero {
            used.nonzero[i] + demand.nonzero[i]
        } else {
            used.requested[i] + demand.requested[i]
        };
        (requested, alloc[i])
    })
}

fn least_allocated(demand: &Usage, info: &NodeInfo) -> i64 {
    let scores: Vec<i64> = usage(demand, info, true)
        .iter()
        .map(|&(req, alloc)| {
            if alloc == 0 || req > alloc {
                0
            } else {
                ((alloc - req) * MAX_NODE_SCORE as i128 / alloc) as i64
            }
        })
        .collect();
    scores.iter().sum::<i64>() / scores.len().max(1) as i64
}

fn balanced_allocation(demand: &Usage, info: &NodeInfo) -> i64 {
    let fractions: Vec<f64> = usage(demand, info, false)
        .iter()
        .map(|&(req, alloc)| {
            if alloc == 0 {
                1.0
            } else {
                (req as f64 / alloc as f64).min(1.0)
            }
        })
        .collect();
    let std = (fractions[0] - fractions[1]).abs() / 2.0;
    ((1.0 - std) * MAX_NODE_SCORE as f64) as i64
}

fn preferred_affinity_raw(pod: &Pod, node: &Node) -> i64 {
    let Some(aff) = pod
        .spec
        .affinity
        .as_ref()
        .and_then(|a| a.node_affinity.as_ref())
    else {
        return 0;
    };
    aff.preferred_during_scheduling_ignored_during_execution
        .iter()
        .filter(|t| t.weight != 0 && term_matches(&t.preference, node))
        .map(|t| t.weight as i64)
        .sum()
}

fn intolerable_prefer_no_schedule(pod: &Pod, node: &Node) -> i64 {
    // Only tolerations with an empty or PreferNoSchedule effect count here.
    let tolerations: Vec<Toleration> = pod
        .spec
        .tolerations
        .iter()
        .filter(|t| {
            matches!(
                t.effect.as_deref(),
                None | Some("") | Some("PreferNoSchedule")
            )
        })
        .cloned()
        .collect();
    node.spec
        .taints
        .iter()
        .filter(|t| t.effect == TaintEffect::PreferNoSchedule && !tolerated_by(&tolerations, t))
        .count() as i64
}

fn fnv1a(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain(std::iter::once(0u8)) {
            h ^= b as u64;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// The chosen node among `feasible` (each with what its pods already use).
pub fn pick_node<'a>(
    pod: &Pod,
    demand: &Usage,
    feasible: &[(&'a Node, &NodeInfo)],
    spread: Option<&[i64]>,
) -> Option<&'a Node> {
    let affinity_raw: Vec<i64> = feasible
        .iter()
        .map(|(n, _)| preferred_affinity_raw(pod, n))
        .collect();
    let taint_raw: Vec<i64> = feasible
        .iter()
        .map(|(n, _)| intolerable_prefer_no_schedule(pod, n))
        .collect();
    let max_affinity = affinity_raw.iter().copied().max().unwrap_or(0);
    let max_taint = taint_raw.iter().copied().max().unwrap_or(0);
    let mut best: Option<(i64, u64, &'a Node)> = None;
    for (i, (node, used)) in feasible.iter().enumerate() {
        let affinity = if max_affinity > 0 {
            affinity_raw[i] * MAX_NODE_SCORE / max_affinity
        } else {
            0
        };
        let taint = if max_taint > 0 {
            MAX_NODE_SCORE - taint_raw[i] * MAX_NODE_SCORE / max_taint
        } else {
            MAX_NODE_SCORE
        };
        let spread_score = spread.and_then(|s| s.get(i).copied()).unwrap_or(0);
        let total = 2 * spread_score
            + least_allocated(demand, used)
            + balanced_allocation(demand, used)
            + 2 * affinity
            + 3 * taint;
        let tie = fnv1a(&[&pod.metadata.uid, &node.metadata.name]);
        let better = match best {
            None => true,
            Some((score, hash, _)) => total > score || (total == score && tie < hash),
        };
        if better {
            best = Some((total, tie, *node));
        }
    }
    best.map(|(_, _, n)| n)
}
