//! What must exist before containers can start: the pod's volumes (claims bound, secrets and
//! config maps present) and the secrets and config maps its environment refers to. The
//! messages are the kubelet's (`secret "x" not found`, `couldn't find key k in Secret ns/x`).

use crate::engine::controllers::volume::{attach_conflict, claim_ready_for_pod};
use crate::engine::model::{ConfigMap, Container, Pod, Secret};
use crate::engine::store::Store;
use crate::engine::time::SimDuration;

/// Why the pod's volumes cannot be set up yet.
pub enum VolumeWait {
    /// A claim cannot be used, or its ReadWriteOnce volume is attached to another node: the
    /// kubelet waits and, after its 2 min 3 s mount timeout, records Warning FailedMount
    /// `Unable to attach or mount volumes: ...` (`timeout_message`). `reason` explains it now.
    Claim {
        timeout_message: String,
        reason: String,
    },
    /// `MountVolume.SetUp failed ...`: a Warning FailedMount event at once.
    Mount(String),
}

/// The kubelet volume manager's attach-and-mount timeout (`podAttachAndMountTimeout`).
pub const MOUNT_TIMEOUT: SimDuration = SimDuration(123_000);

pub fn volumes_ready(store: &Store, pod: &Pod) -> Result<(), VolumeWait> {
    let ns = pod.metadata.namespace.as_str();
    let claim_volumes: Vec<&str> = pod
        .spec
        .volumes
        .iter()
        .filter(|v| v.persistent_volume_claim.is_some())
        .map(|v| v.name.as_str())
        .collect();
    if !claim_volumes.is_empty() {
        let list = claim_volumes.join(" ");
        if let Err(error) = claim_ready_for_pod(store, pod) {
            return Err(VolumeWait::Claim {
                timeout_message: format!(
                    "Unable to attach or mount volumes: unmounted volumes=[{list}], unattached volumes=[], failed to process volumes=[{list}]: {error}"
                ),
                reason: error,
            });
        }
        if let Some(conflict) = attach_conflict(store, pod) {
            return Err(VolumeWait::Claim {
                timeout_message: format!(
                    "Unable to attach or mount volumes: unmounted volumes=[{list}], unattached volumes=[{list}], failed to process volumes=[]: timed out waiting for the condition"
                ),
                reason: conflict,
            });
        }
    }
    for v in &pod.spec.volumes {
        if let Some(s) = &v.secret {
            if s.optional != Some(true) && store.get::<Secret>(ns, &s.secret_name).is_none() {
                return Err(VolumeWait::Mount(format!(
                    "MountVolume.SetUp failed for volume \"{}\" : secret \"{}\" not found",
                    v.name, s.secret_name
                )));
            }
        }
        if let Some(cm) = &v.config_map {
            if cm.optional != Some(true) && store.get::<ConfigMap>(ns, &cm.name).is_none() {
                return Err(VolumeWait::Mount(format!(
                    "MountVolume.SetUp failed for volume \"{}\" : configmap \"{}\" not found",
                    v.name, cm.name
                )));
            }
        }
    }
    Ok(())
}

/// The container's environment can be built: every referenced secret/config map (and key)
/// exists. Err carries the kubelet's message for CreateContainerConfigError.
pub fn env_ready(store: &Store, pod: &Pod, container: &Container) -> Result<(), String> {
    let ns = pod.metadata.namespace.as_str();
    for src in &container.env_from {
        if let Some(r) = &src.secret_ref {
            if r.optional != Some(true) && store.get::<Secret>(ns, &r.name).is_none() {
                return Err(format!("secret \"{}\" not found", r.name));
            }
        }
        if let Some(r) = &src.config_map_ref {
            if r.optional != Some(true) && store.get::<ConfigMap>(ns, &r.name).is_none() {
                return Err(format!("configmap \"{}\" not found", r.name));
            }
        }
    }
    for var in &container.env {
        let Some(from) = &var.value_from else {
            continue;
        };
        if let Some(k) = &from.secret_key_ref {
            let optional = k.optional == Some(true);
            match store.get::<Secret>(ns, &k.name) {
                None if optional => {}
                None => return Err(format!("secret \"{}\" not found", k.name)),
                Some(secret) => {
                    let has = [&secret.data, &secret.string_data]
                        .iter()
                        .any(|m| m.as_ref().is_some_and(|m| m.contains_key(&k.key)));
                    if !has && !optional {
                        return Err(format!(
                            "couldn't find key {} in Secret {ns}/{}",
                            k.key, k.name
                        ));
                    }
                }
            }
        }
        if let Some(k) = &from.config_map_key_ref {
            let optional = k.optional == Some(true);
            match store.get::<ConfigMap>(ns, &k.name) {
                None if optional => {}
                None => return Err(format!("configmap \"{}\" not found", k.name)),
                Some(cm) => {
                    let has = [&cm.data, &cm.binary_data]
                        .iter()
                        .any(|m| m.as_ref().is_some_and(|m| m.contains_key(&k.key)));
                    if !has && !optional {
                        return Err(format!(
                            "couldn't find key {} in ConfigMap {ns}/{}",
                            k.key, k.name
                        ));
                    }
                }
            }
        }
    }
    Ok(())
}
