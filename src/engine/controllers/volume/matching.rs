//! Which PersistentVolume fits which claim (pv_controller's `findBestMatchForClaim` and the
//! scheduler's `findMatchingVolumes`): same class, enough capacity, the claim's access modes,
//! volume mode and selector; the smallest fit wins, a volume pre-bound to the claim first.

use crate::engine::model::{Node, PersistentVolume, PersistentVolumeClaim, StorageClass};
use crate::engine::scheduler::node_selector::pv_allows_node;
use crate::engine::store::Store;

/// The claim's class name; "" means "no class" (only class-less volumes match). A claim that
/// does not name a class gets the default one, as the DefaultStorageClass admission plugin
/// writes it at creation (the volume controller then records it on the claim).
pub fn claim_class<'a>(store: &'a Store, claim: &'a PersistentVolumeClaim) -> &'a str {
    match claim.spec.storage_class_name.as_deref() {
        Some(name) => name,
        None => store
            .list::<StorageClass>()
            .find(|c| c.is_default())
            .map(|c| c.metadata.name.as_str())
            .unwrap_or(""),
    }
}

pub fn class_of<'a>(
    store: &'a Store,
    claim: &'a PersistentVolumeClaim,
) -> Option<&'a StorageClass> {
    let name = claim_class(store, claim);
    if name.is_empty() {
        return None;
    }
    store.get::<StorageClass>("", name)
}

/// volume.IsDelayBindingMode: the claim's class exists and binds WaitForFirstConsumer. A
/// missing class counts as Immediate.
pub fn is_delay_binding(store: &Store, claim: &PersistentVolumeClaim) -> bool {
    class_of(store, claim).is_some_and(|c| c.waits_for_first_consumer())
}

pub fn claim_request_milli(claim: &PersistentVolumeClaim) -> i128 {
    claim
        .requested_storage()
        .map(|q| q.milli_or_zero())
        .unwrap_or(0)
}

pub fn pv_capacity_milli(pv: &PersistentVolume) -> i128 {
    pv.spec
        .capacity
        .as_ref()
        .and_then(|c| c.get("storage"))
        .map(|q| q.milli_or_zero())
        .unwrap_or(0)
}

/// The PV's claimRef names this claim (and, when the ref carries a uid, this very claim).
pub fn pv_bound_to_claim(pv: &PersistentVolume, claim: &PersistentVolumeClaim) -> bool {
    pv.spec.claim_ref.as_ref().is_some_and(|r| {
        r.name == claim.metadata.name
            && r.namespace == claim.metadata.namespace
            && r.uid
                .as_deref()
                .is_none_or(|u| u.is_empty() || u == claim.metadata.uid)
    })
}

/// Static properties: class, capacity, access modes, volume mode, selector.
fn pv_satisfies_claim(pv: &PersistentVolume, claim: &PersistentVolumeClaim, class: &str) -> bool {
    let pv_class = pv.spec.storage_class_name.as_deref().unwrap_or("");
    let modes_ok = claim
        .spec
        .access_modes
        .iter()
        .all(|m| pv.spec.access_modes.contains(m));
    let volume_mode = |m: &Option<String>| m.clone().unwrap_or_else(|| "Filesystem".into());
    let selector_ok = claim
        .spec
        .selector
        .as_ref()
        .is_none_or(|s| s.matches(pv.metadata.labels()));
    pv_class == class
        && pv_capacity_milli(pv) >= claim_request_milli(claim)
        && modes_ok
        && volume_mode(&pv.spec.volume_mode) == volume_mode(&claim.spec.volume_mode)
        && selector_ok
}

/// The best volume for `claim`. `node` restricts to volumes usable there (the scheduler's
/// view); without a node and with delayed binding only volumes pre-bound to the claim count,
/// because the scheduler picks the rest. `taken` are volumes already chosen for other claims of
/// the same pod.
pub fn best_match<'a>(
    store: &'a Store,
    claim: &PersistentVolumeClaim,
    node: Option<&Node>,
    taken: &[String],
) -> Option<&'a PersistentVolume> {
    let delay = is_delay_binding(store, claim);
    let class = claim_class(store, claim);
    let usable = |pv: &&PersistentVolume| {
        pv.metadata.deletion_timestamp.is_none()
            && !taken.contains(&pv.metadata.name)
            && pv_satisfies_claim(pv, claim, class)
            && node.is_none_or(|n| pv_allows_node(pv, n))
    };
    let candidates: Vec<&PersistentVolume> =
        store.list::<PersistentVolume>().filter(usable).collect();
    if let Some(pre) = candidates.iter().find(|pv| pv_bound_to_claim(pv, claim)) {
        return Some(pre);
    }
    if node.is_none() && delay {
        return None;
    }
    candidates
        .into_iter()
        .filter(|pv| pv.spec.claim_ref.is_none() && pv.status.phase.as_deref() == Some("Available"))
        .min_by(|a, b| {
            pv_capacity_milli(a)
                .cmp(&pv_capacity_milli(b))
                .then_with(|| a.metadata.name.cmp(&b.metadata.name))
        })
}
