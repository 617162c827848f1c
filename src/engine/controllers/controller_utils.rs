//! Helpers the workload controllers share, after `pkg/controller/controller_utils.go` and
//! `pkg/api/v1/pod/util.go`: template hashes, pod availability, controller references, adoption
//! of orphans, and the create/delete actions with the events `RealPodControl` records.

use crate::engine::action::{Action, ControllerId, EventRecord, Propagation};
use crate::engine::model::{Kind, LabelSelector, ObjectMeta, OwnerReference, Pod, PodTemplateSpec};
use crate::engine::store::{ObjectKey, Store};
use crate::engine::time::{SimDuration, SimTime};

/// FNV-1a, 32 bit (Go's `hash/fnv` New32a).
pub fn fnv32a(bytes: &[u8]) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for b in bytes {
        hash ^= u32::from(*b);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash
}

/// apimachinery `rand.SafeEncodeString`: every byte mapped into the alphabet without vowels and
/// look-alike digits, so a hash can never spell a word.
pub fn safe_encode(text: &str) -> String {
    const ALPHANUMS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    text.bytes()
        .map(|b| ALPHANUMS[usize::from(b) % ALPHANUMS.len()] as char)
        .collect()
}

/// `controller.ComputeHash`: the template (plus the collision count, when set) hashed with
/// FNV-32a, printed in decimal and safe-encoded, so it only uses `456789bcdf`.
///
/// Kubernetes hashes Go's deep-printed struct (`spew` `%#v` of the defaulted template); we hash
/// the template's JSON instead. The value is therefore a different string than a real cluster
/// would show for the same manifest, but it has the same shape and the same properties: equal
/// templates give equal hashes, so a rollback finds its old revision again.
pub fn compute_hash(template: &PodTemplateSpec, collision_count: Option<i32>) -> String {
    let mut bytes = serde_json::to_vec(template).unwrap_or_default();
    if let Some(c) = collision_count {
        // Go writes the count's 4 little-endian bytes after the printed object.
        bytes.extend_from_slice(&c.to_le_bytes());
    }
    safe_encode(&fnv32a(&bytes).to_string())
}

/// `podutil.IsPodAvailable`: Ready, and Ready for longer than `min_ready_seconds`.
pub fn is_pod_available(pod: &Pod, min_ready_seconds: i32, now: SimTime) -> bool {
    if !pod.is_ready() {
        return false;
    }
    if min_ready_seconds <= 0 {
        return true;
    }
    match pod.ready_since() {
        Some(since) => since.0 + SimDuration::from_secs(min_ready_seconds as u64) < now,
        None => false,
    }
}

/// How long until a Ready pod becomes available, if it is Ready but not yet available.
pub fn time_until_available(
    pod: &Pod,
    min_ready_seconds: i32,
    now: SimTime,
) -> Option<SimDuration> {
    if min_ready_seconds <= 0 || !pod.is_ready() || is_pod_available(pod, min_ready_seconds, now) {
        return None;
    }
    let since = pod.ready_since()?;
    let at = since.0 + SimDuration::from_secs(min_ready_seconds as u64);
    Some(at - now)
}

/// `metav1.NewControllerRef`.
pub fn controller_ref(kind: Kind, meta: &ObjectMeta) -> OwnerReference {
    OwnerReference {
        api_version: kind.info().api_version(),
        block_owner_deletion: Some(true),
        controller: Some(true),
        kind: kind.info().name.to_string(),
        name: meta.name.clone(),
        uid: meta.uid.clone(),
    }
}

/// The pods a controller owns after `ClaimPods`: pods whose controller reference names it, plus
/// orphans its selector matches (adopted). Owned pods that no longer match are released.
pub struct ClaimedPods<'a> {
    pub pods: Vec<&'a Pod>,
    /// Updates that adopt orphans or release pods (ownerReferences patches).
    pub actions: Vec<Action>,
}

pub fn claim_pods<'a>(
    store: &'a Store,
    owner_kind: Kind,
    owner: &ObjectMeta,
    selector: &LabelSelector,
) -> ClaimedPods<'a> {
    let mut pods = Vec::new();
    let mut actions = Vec::new();
    let owner_terminating = owner.is_terminating();
    // Owned pods, from the owner index (cheap even with thousands of pods elsewhere).
    for key in store.owned_by(&owner.uid) {
        if key.kind != Kind::Pod {
            continue;
        }
        let Some(pod) = store.get::<Pod>(&key.namespace, &key.name) else {
            continue;
        };
        let is_ours = pod
            .metadata
            .controller_ref()
            .is_some_and(|r| r.uid == owner.uid);
        if !is_ours {
            continue;
        }
        if selector.matches(pod.metadata.labels()) || pod.metadata.is_terminating() {
            pods.push(pod);
        } else if !owner_terminating {
            // Release: the pod's labels no longer match, so the controller lets go of it.
            let mut released = pod.clone();
            released
                .metadata
                .owner_references
                .retain(|r| r.uid != owner.uid);
            actions.push(Action::Update(crate::engine::model::Object::Pod(released)));
        }
    }
    // Orphans that match: adopt them (never while the owner is being deleted).
    if !owner_terminating && !selector.is_empty() {
        for pod in store.list_in::<Pod>(&owner.namespace) {
            if pod.metadata.controller_ref().is_some() || pod.metadata.is_terminating() {
                continue;
            }
            if !selector.matches(pod.metadata.labels()) {
                continue;
            }
            let mut adopted = pod.clone();
            adopted
                .metadata
                .owner_references
                .push(controller_ref(owner_kind, owner));
            actions.push(Action::Update(crate::engine::model::Object::Pod(adopted)));
            pods.push(pod);
        }
    }
    ClaimedPods { pods, actions }
}

/// Create a pod from `generateName` and record `SuccessfulCreate` `Created pod: NAME` on the owner.
pub fn create_pod_action(owner: &ObjectKey, pod: Pod, source: ControllerId) -> Action {
    Action::CreateAndRecord {
        object: crate::engine::model::Object::Pod(pod),
        event: EventRecord {
            regarding: owner.clone(),
            warning: false,
            reason: "SuccessfulCreate".into(),
            message: "Created pod: {name}".into(),
            source,
            host: None,
        },
    }
}

/// Delete a pod (graceful) and record `SuccessfulDelete` `Deleted pod: NAME` on the owner.
pub fn delete_pod_actions(owner: &ObjectKey, pod: &Pod, source: ControllerId) -> [Action; 2] {
    [
        Action::Delete {
            key: ObjectKey::new(Kind::Pod, &pod.metadata.namespace, &pod.metadata.name),
            grace_seconds: None,
            propagation: Propagation::Background,
        },
        Action::Event(EventRecord {
            regarding: owner.clone(),
            warning: false,
            reason: "SuccessfulDelete".into(),
            message: format!("Deleted pod: {}", pod.metadata.name),
            source,
            host: None,
        }),
    ]
}

/// A Normal or Warning event about `regarding`.
pub fn event(
    regarding: &ObjectKey,
    warning: bool,
    reason: &str,
    message: String,
    source: ControllerId,
) -> Action {
    Action::Event(EventRecord {
        regarding: regarding.clone(),
        warning,
        reason: reason.into(),
        message,
        source,
        host: None,
    })
}

/// `controller.getPodsPrefix`: `<name>-` (the API server appends 5 random characters).
pub fn pods_prefix(controller_name: &str) -> String {
    format!("{controller_name}-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_encoding_maps_decimal_digits_like_apimachinery() {
        assert_eq!(safe_encode("0123456789"), "456789bcdf");
    }

    #[test]
    fn fnv32a_matches_go_hash_fnv() {
        // Reference values of Go's fnv.New32a.
        assert_eq!(fnv32a(b""), 0x811c9dc5);
        assert_eq!(fnv32a(b"a"), 0xe40c292c);
    }

    #[test]
    fn equal_templates_hash_equal_and_different_ones_differ() {
        let mut a = PodTemplateSpec::default();
        a.metadata.labels_mut().insert("app".into(), "web".into());
        let b = a.clone();
        assert_eq!(compute_hash(&a, None), compute_hash(&b, None));
        let mut c = a.clone();
        c.metadata.labels_mut().insert("tier".into(), "x".into());
        assert_ne!(compute_hash(&a, None), compute_hash(&c, None));
        assert_ne!(compute_hash(&a, None), compute_hash(&a, Some(1)));
        assert!(compute_hash(&a, None)
            .chars()
            .all(|ch| "456789bcdf".contains(ch)));
    }
}
