//! What pods need from volumes, for the kubelet and the UI: is the claim usable, which volume
//! backs it, and the attach/detach controller's Multi-Attach check for ReadWriteOnce volumes.

use super::matching::pv_bound_to_claim;
use crate::engine::model::{PersistentVolume, PersistentVolumeClaim, Pod};
use crate::engine::scheduler::volumes::pod_claim_names;
use crate::engine::store::Store;

/// The kubelet's volume manager check (desired_state_of_world_populator getPVCExtractPV):
/// `Err` is the inner error of its `FailedMount` event, e.g. `error processing PVC
/// default/www-web-0: PVC is not bound`. The kubelet wraps it as `Unable to attach or mount
/// volumes: unmounted volumes=[...], unattached volumes=[...], failed to process volumes=[www]:
/// <this>`.
pub fn claim_ready_for_pod(store: &Store, pod: &Pod) -> Result<(), String> {
    let ns = &pod.metadata.namespace;
    for name in pod_claim_names(pod) {
        let problem = match store.get::<PersistentVolumeClaim>(ns, name) {
            None => Some(format!(
                "failed to fetch PVC from API server: persistentvolumeclaims \"{name}\" not found"
            )),
            Some(c) if c.metadata.deletion_timestamp.is_some() => {
                Some("PVC is being deleted".to_string())
            }
            Some(c) if c.phase() != "Bound" => Some("PVC is not bound".to_string()),
            Some(_) => None,
        };
        if let Some(p) = problem {
            return Err(format!("error processing PVC {ns}/{name}: {p}"));
        }
    }
    Ok(())
}

/// The volume bound to a claim, for the UI.
pub fn volume_of_claim<'a>(
    store: &'a Store,
    namespace: &str,
    claim: &str,
) -> Option<&'a PersistentVolume> {
    let c = store.get::<PersistentVolumeClaim>(namespace, claim)?;
    let name = c.spec.volume_name.as_deref().filter(|n| !n.is_empty())?;
    store
        .get::<PersistentVolume>("", name)
        .filter(|pv| pv_bound_to_claim(pv, c))
}

/// Attachable volumes (CSI here; hostPath and local volumes are never attached) that only one
/// node may attach: ReadWriteOnce without a shared mode.
fn single_attach(pv: &PersistentVolume) -> bool {
    let modes = &pv.spec.access_modes;
    pv.spec.csi.is_some()
        && modes
            .iter()
            .any(|m| m == "ReadWriteOnce" || m == "ReadWriteOncePod")
        && !modes
            .iter()
            .any(|m| m == "ReadWriteMany" || m == "ReadOnlyMany")
}

/// The attach/detach controller's Warning `FailedAttachVolume` text when `pod` (bound to a node)
/// needs a ReadWriteOnce volume that is attached to another node: `Multi-Attach error for volume
/// "pvc-..." Volume is already used by pod(s) web-0`. The volume is attached where its oldest
/// bound, unfinished user runs.
pub fn attach_conflict(store: &Store, pod: &Pod) -> Option<String> {
    let node = pod.node_name()?;
    let ns = &pod.metadata.namespace;
    for claim in pod_claim_names(pod) {
        let Some(pv) = volume_of_claim(store, ns, claim) else {
            continue;
        };
        if !single_attach(pv) {
            continue;
        }
        let mut users: Vec<&Pod> = store
            .list_in::<Pod>(ns)
            .filter(|p| p.node_name().is_some() && !p.is_terminal())
            .filter(|p| pod_claim_names(p).contains(&claim))
            .collect();
        crate::engine::stable_sort::sort_by(&mut users, |a, b| {
            a.metadata
                .creation_timestamp
                .cmp(&b.metadata.creation_timestamp)
                .then_with(|| a.metadata.name.cmp(&b.metadata.name))
        });
        let Some(attached_to) = users.first().and_then(|p| p.node_name()) else {
            continue;
        };
        if attached_to == node {
            continue;
        }
        let mut others: Vec<&str> = users
            .iter()
            .filter(|p| p.node_name() != Some(node))
            .map(|p| p.metadata.name.as_str())
            .collect();
        crate::engine::stable_sort::sort(&mut others);
        return Some(format!(
            "Multi-Attach error for volume \"{}\" Volume is already used by pod(s) {}",
            pv.metadata.name,
            others.join(", ")
        ));
    }
    None
}
