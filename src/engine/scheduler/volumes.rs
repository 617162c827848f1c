//! The VolumeBinding plugin: PreFilter (claims exist, immediate claims are bound), Filter (bound
//! volumes reachable from the node, delayed claims matchable or provisionable there) and the
//! PreBind step (pick volumes for delayed claims, or ask for provisioning on the chosen node).

use super::filters::NodeStatus;
use super::node_selector::pv_allows_node;
use crate::engine::controllers::volume::matching::{best_match, class_of, is_delay_binding};
use crate::engine::model::{Node, PersistentVolume, PersistentVolumeClaim, Pod};
use crate::engine::store::Store;

pub const SELECTED_NODE_ANNOTATION: &str = "volume.kubernetes.io/selected-node";
pub const REASON_BIND_CONFLICT: &str = "node(s) didn't find available persistent volumes to bind";
pub const REASON_NODE_CONFLICT: &str = "node(s) had volume node affinity conflict";
pub const REASON_RWOP_IN_USE: &str =
    "node(s) unavailable due to PersistentVolumeClaim with ReadWriteOncePod access mode already in-use by another pod";
pub const REASON_PV_NOT_EXIST: &str =
    "node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)";

/// The pod's claims, split as `GetPodVolumeClaims` does.
#[derive(Default)]
pub struct PodClaims<'a> {
    /// Claims with a volume, and that volume if it exists.
    pub bound: Vec<(&'a PersistentVolumeClaim, Option<&'a PersistentVolume>)>,
    /// WaitForFirstConsumer claims not bound yet: the scheduler chooses for them.
    pub delayed: Vec<&'a PersistentVolumeClaim>,
}

/// Names of the claims a pod's volumes refer to, in volume order, without repeats.
pub fn pod_claim_names(pod: &Pod) -> Vec<&str> {
    let mut names: Vec<&str> = Vec::new();
    for v in &pod.spec.volumes {
        if let Some(c) = &v.persistent_volume_claim {
            if !names.contains(&c.claim_name.as_str()) {
                names.push(&c.claim_name);
            }
        }
    }
    names
}

/// PreFilter. `Err` is the message that rejects the pod on every node.
pub fn prefilter<'a>(store: &'a Store, pod: &Pod) -> Result<PodClaims<'a>, String> {
    let ns = &pod.metadata.namespace;
    let mut claims = PodClaims::default();
    let mut unbound_immediate = false;
    for name in pod_claim_names(pod) {
        let Some(claim) = store.get::<PersistentVolumeClaim>(ns, name) else {
            return Err(format!("persistentvolumeclaim \"{name}\" not found"));
        };
        if claim.metadata.deletion_timestamp.is_some() {
            return Err(format!("persistentvolumeclaim \"{name}\" is being deleted"));
        }
        match claim.spec.volume_name.as_deref().filter(|v| !v.is_empty()) {
            Some(pv_name) if claim.phase() == "Bound" => {
                claims
                    .bound
                    .push((claim, store.get::<PersistentVolume>("", pv_name)));
            }
            _ if is_delay_binding(store, claim)
                && claim.spec.volume_name.as_deref().unwrap_or("").is_empty() =>
            {
                claims.delayed.push(claim)
            }
            _ => unbound_immediate = true,
        }
    }
    if unbound_immediate {
        return Err("pod has unbound immediate PersistentVolumeClaims".into());
    }
    Ok(claims)
}

/// What the scheduler does for one delayed claim once it has chosen a node.
#[derive(Clone, Debug, PartialEq)]
pub enum ClaimPlan<'a> {
    /// Bind this existing volume (the scheduler writes its claimRef; the PV controller finishes).
    UseVolume(&'a PersistentVolumeClaim, &'a PersistentVolume),
    /// Ask the class's provisioner for a volume on the node (the selected-node annotation).
    Provision(&'a PersistentVolumeClaim),
}

/// Filter for one node: `Ok` carries the plan for the delayed claims.
pub fn filter<'a>(
    store: &'a Store,
    claims: &PodClaims<'a>,
    node: &Node,
) -> Result<Vec<ClaimPlan<'a>>, NodeStatus> {
    let mut reasons: Vec<String> = Vec::new();
    for (_, pv) in &claims.bound {
        match pv {
            None => return Err(NodeStatus::unresolvable(REASON_PV_NOT_EXIST)),
            Some(pv) if !pv_allows_node(pv, node) => {
                if !reasons.iter().any(|r| r == REASON_NODE_CONFLICT) {
                    reasons.push(REASON_NODE_CONFLICT.into());
                }
            }
            Some(_) => {}
        }
    }
    let mut plans = Vec::new();
    let mut taken: Vec<String> = Vec::new();
    let mut unmatched = false;
    for claim in &claims.delayed {
        if let Some(pv) = best_match(store, claim, Some(node), &taken) {
            taken.push(pv.metadata.name.clone());
            plans.push(ClaimPlan::UseVolume(claim, pv));
        } else if class_of(store, claim).is_some_and(|c| c.provisions_dynamically()) {
            plans.push(ClaimPlan::Provision(claim));
        } else {
            unmatched = true;
        }
    }
    if unmatched {
        reasons.push(REASON_BIND_CONFLICT.into());
    }
    if reasons.is_empty() {
        Ok(plans)
    } else {
        Err(NodeStatus {
            reasons,
            unresolvable: true,
        })
    }
}

/// A delayed claim already handed to a provisioner for a node that still exists: the real
/// scheduler is then waiting in PreBind for that node, so we must not pick another one.
pub fn node_selected_for_provisioning<'a>(
    store: &'a Store,
    claims: &PodClaims,
) -> Option<&'a Node> {
    claims.delayed.iter().find_map(|c| {
        let node = c.metadata.annotations().get(SELECTED_NODE_ANNOTATION)?;
        store.get::<Node>("", node)
    })
}

/// VolumeRestrictions: a ReadWriteOncePod claim of the pod is already used by another scheduled,
/// unfinished pod. The filter then rejects every node (preemption could help).
pub fn read_write_once_pod_in_use(store: &Store, pod: &Pod) -> bool {
    let ns = &pod.metadata.namespace;
    let rwop: Vec<&str> = pod_claim_names(pod)
        .into_iter()
        .filter(|name| {
            store
                .get::<PersistentVolumeClaim>(ns, name)
                .is_some_and(|c| c.spec.access_modes.iter().any(|m| m == "ReadWriteOncePod"))
        })
        .collect();
    if rwop.is_empty() {
        return false;
    }
    store.list_in::<Pod>(ns).any(|other| {
        other.metadata.uid != pod.metadata.uid
            && other.node_name().is_some()
            && !other.is_terminal()
            && pod_claim_names(other).iter().any(|c| rwop.contains(c))
    })
}
