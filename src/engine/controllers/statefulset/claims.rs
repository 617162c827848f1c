//! Claims from `volumeClaimTemplates` and the `persistentVolumeClaimRetentionPolicy`, which the
//! controller carries out only through owner references that the garbage collector acts on
//! (stateful_set_utils.go `getPersistentVolumeClaims`, `isClaimOwnerUpToDate`,
//! `updateClaimOwnerRefForSetAndPod`; stateful_pod_control.go `PodClaimIsStale`).

use super::identity::{claim_name, controller_ref, in_range};
use crate::engine::model::{
    ObjectMeta, OwnerReference, PersistentVolumeClaim, Pod, PvcStatus, StatefulSet,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Retention {
    Retain,
    Delete,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    pub when_deleted: Retention,
    pub when_scaled: Retention,
}

impl Policy {
    pub fn of(set: &StatefulSet) -> Policy {
        let parse = |v: Option<&str>| {
            if v == Some("Delete") {
                Retention::Delete
            } else {
                Retention::Retain
            }
        };
        let p = set.spec.persistent_volume_claim_retention_policy.as_ref();
        Policy {
            when_deleted: parse(p.and_then(|p| p.when_deleted.as_deref())),
            when_scaled: parse(p.and_then(|p| p.when_scaled.as_deref())),
        }
    }
    fn retains_all(self) -> bool {
        self.when_deleted == Retention::Retain && self.when_scaled == Retention::Retain
    }
}

/// The claims a pod of `ordinal` needs: template copies named `<template>-<set>-<ordinal>`,
/// with the set's selector matchLabels added to the template labels (selector wins).
pub fn claims_for(set: &StatefulSet, ordinal: u32) -> Vec<PersistentVolumeClaim> {
    let selector_labels = set
        .spec
        .selector
        .as_ref()
        .and_then(|s| s.match_labels.clone())
        .unwrap_or_default();
    set.spec
        .volume_claim_templates
        .iter()
        .map(|t| {
            let mut meta = ObjectMeta::named(
                &set.metadata.namespace,
                &claim_name(set, &t.metadata.name, ordinal),
            );
            let mut labels = t.metadata.labels().clone();
            labels.extend(selector_labels.clone());
            meta.labels = (!labels.is_empty()).then_some(labels);
            meta.annotations = t.metadata.annotations.clone();
            PersistentVolumeClaim {
                metadata: meta,
                spec: t.spec.clone(),
                status: PvcStatus::default(),
                ..Default::default()
            }
        })
        .collect()
}

fn matches_set(r: &OwnerReference, set: &StatefulSet) -> bool {
    r.api_version == "apps/v1" && r.kind == "StatefulSet" && r.name == set.metadata.name
}

fn matches_pod(r: &OwnerReference, pod_name: &str) -> bool {
    r.api_version == "v1" && r.kind == "Pod" && r.name == pod_name
}

fn has_ref(claim: &PersistentVolumeClaim, uid: &str) -> bool {
    !uid.is_empty() && claim.metadata.owner_references.iter().any(|r| r.uid == uid)
}

/// A ref that names the object but not its uid (left over from an earlier set or pod).
fn stale_ref(
    claim: &PersistentVolumeClaim,
    matches: impl Fn(&OwnerReference) -> bool,
    uid: &str,
) -> bool {
    claim
        .metadata
        .owner_references
        .iter()
        .find(|r| matches(r))
        .is_some_and(|r| r.uid != uid)
}

/// `hasUnexpectedController`: with a non-Retain policy, another controller owns the claim.
pub fn has_unexpected_controller(
    claim: &PersistentVolumeClaim,
    set: &StatefulSet,
    pod: &Pod,
) -> bool {
    if Policy::of(set).retains_all() {
        return false;
    }
    for r in &claim.metadata.owner_references {
        if matches_set(r, set) {
            if r.uid != set.metadata.uid {
                return true;
            }
            continue;
        }
        if matches_pod(r, &pod.metadata.name) {
            if r.uid != pod.metadata.uid {
                return true;
            }
            continue;
        }
        if r.controller == Some(true) {
            return true;
        }
    }
    false
}

/// `isClaimOwnerUpToDate`.
pub fn owner_up_to_date(
    claim: &PersistentVolumeClaim,
    set: &StatefulSet,
    pod: &Pod,
    ordinal: u32,
) -> bool {
    if stale_ref(claim, |r| matches_set(r, set), &set.metadata.uid)
        || stale_ref(
            claim,
            |r| matches_pod(r, &pod.metadata.name),
            &pod.metadata.uid,
        )
    {
        return true;
    }
    let (set_uid, pod_uid) = (&set.metadata.uid, &pod.metadata.uid);
    if has_unexpected_controller(claim, set, pod) {
        return !(has_ref(claim, set_uid) || has_ref(claim, pod_uid));
    }
    let non_controller_owner = claim.metadata.owner_references.iter().any(|r| {
        (r.uid == *set_uid || (!pod_uid.is_empty() && r.uid == *pod_uid))
            && r.controller != Some(true)
    });
    if non_controller_owner {
        return false;
    }
    let (want_set, want_pod) = wanted_refs(set, ordinal);
    has_ref(claim, set_uid) == want_set
        && (pod_uid.is_empty() || has_ref(claim, pod_uid) == want_pod)
}

/// Which refs the policy wants on a claim: (to the set, to the pod).
fn wanted_refs(set: &StatefulSet, ordinal: u32) -> (bool, bool) {
    let policy = Policy::of(set);
    let scaled_down = !in_range(set, ordinal);
    match (policy.when_scaled, policy.when_deleted) {
        (Retention::Retain, Retention::Retain) => (false, false),
        (Retention::Retain, Retention::Delete) => (true, false),
        (Retention::Delete, Retention::Retain) => (false, scaled_down),
        (Retention::Delete, Retention::Delete) => (!scaled_down, scaled_down),
    }
}

/// `updateClaimOwnerRefForSetAndPod`: our refs scrubbed, then the wanted ones added.
pub fn fix_owner_refs(
    claim: &mut PersistentVolumeClaim,
    set: &StatefulSet,
    pod: &Pod,
    ordinal: u32,
) {
    let unexpected = has_unexpected_controller(claim, set, pod);
    claim
        .metadata
        .owner_references
        .retain(|r| !matches_set(r, set) && !matches_pod(r, &pod.metadata.name));
    if unexpected {
        return;
    }
    let (want_set, want_pod) = wanted_refs(set, ordinal);
    if want_pod && !pod.metadata.uid.is_empty() {
        claim.metadata.owner_references.push(OwnerReference {
            api_version: "v1".into(),
            block_owner_deletion: Some(true),
            controller: Some(true),
            kind: "Pod".into(),
            name: pod.metadata.name.clone(),
            uid: pod.metadata.uid.clone(),
        });
    }
    if want_set {
        claim.metadata.owner_references.push(controller_ref(set));
    }
}

/// `PodClaimIsStale`: with `whenScaled: Delete`, a claim still owned by an earlier pod of this
/// name blocks creating the pod until the garbage collector has deleted it.
pub fn claim_is_stale(claim: &PersistentVolumeClaim, set: &StatefulSet, pod_name: &str) -> bool {
    Policy::of(set).when_scaled == Retention::Delete
        && claim
            .metadata
            .owner_references
            .iter()
            .any(|r| matches_pod(r, pod_name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::model::PvcRetentionPolicy;

    fn set(policy: (&str, &str)) -> StatefulSet {
        let mut s = StatefulSet {
            metadata: ObjectMeta::named("default", "web"),
            ..Default::default()
        };
        s.metadata.uid = "set-uid".into();
        s.spec.replicas = Some(2);
        s.spec.persistent_volume_claim_retention_policy = Some(PvcRetentionPolicy {
            when_deleted: Some(policy.0.into()),
            when_scaled: Some(policy.1.into()),
        });
        s
    }

    fn pod(name: &str) -> Pod {
        let mut p = Pod {
            metadata: ObjectMeta::named("default", name),
            ..Default::default()
        };
        p.metadata.uid = format!("uid-{name}");
        p
    }

    #[test]
    fn when_deleted_delete_puts_a_set_ref_on_every_claim() {
        let s = set(("Delete", "Retain"));
        let mut c = PersistentVolumeClaim::default();
        assert!(!owner_up_to_date(&c, &s, &pod("web-0"), 0));
        fix_owner_refs(&mut c, &s, &pod("web-0"), 0);
        assert_eq!(c.metadata.owner_references.len(), 1);
        assert_eq!(c.metadata.owner_references[0].kind, "StatefulSet");
        assert!(owner_up_to_date(&c, &s, &pod("web-0"), 0));
    }

    #[test]
    fn when_scaled_delete_moves_the_ref_to_the_pod_once_condemned() {
        let s = set(("Delete", "Delete"));
        let mut c = PersistentVolumeClaim::default();
        fix_owner_refs(&mut c, &s, &pod("web-3"), 3);
        assert_eq!(c.metadata.owner_references.len(), 1);
        assert_eq!(c.metadata.owner_references[0].kind, "Pod");
        assert!(claim_is_stale(&c, &s, "web-3"));
    }
}
