//! Pod identity: names `<set>-<ordinal>`, the ordinal range, the labels the controller writes,
//! hostname/subdomain, and the per-pod claim volumes (stateful_set_utils.go).

use crate::engine::model::{
    ObjectMeta, OwnerReference, Pod, PodTemplateSpec, PvcVolumeSource, StatefulSet, Volume,
};

pub const POD_NAME_LABEL: &str = "statefulset.kubernetes.io/pod-name";
pub const POD_INDEX_LABEL: &str = "apps.kubernetes.io/pod-index";
pub const REVISION_LABEL: &str = "controller-revision-hash";

/// `getParentNameAndOrdinal`: the regex `(.*)-([0-9]+)$`; the ordinal must fit in an int32.
pub fn parent_and_ordinal(pod_name: &str) -> Option<(&str, u32)> {
    let (parent, digits) = pod_name.rsplit_once('-')?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let ordinal: i64 = digits.parse().ok()?;
    if ordinal > i32::MAX as i64 {
        return None;
    }
    Some((parent, ordinal as u32))
}

/// The ordinal of a pod that belongs to `set` by name (`isMemberOf` plus a parsable ordinal).
pub fn member_ordinal(set: &StatefulSet, pod: &Pod) -> Option<u32> {
    let (parent, ordinal) = parent_and_ordinal(&pod.metadata.name)?;
    (parent == set.metadata.name).then_some(ordinal)
}

pub fn is_member(set: &StatefulSet, pod_name: &str) -> bool {
    parent_and_ordinal(pod_name).is_some_and(|(parent, _)| parent == set.metadata.name)
}

pub fn replicas(set: &StatefulSet) -> u32 {
    set.spec.replicas.unwrap_or(1).max(0) as u32
}

/// `spec.ordinals.start`, or 0.
pub fn start_ordinal(set: &StatefulSet) -> u32 {
    set.spec
        .ordinals
        .as_ref()
        .map_or(0, |o| o.start.max(0) as u32)
}

pub fn in_range(set: &StatefulSet, ordinal: u32) -> bool {
    let start = start_ordinal(set);
    ordinal >= start && ordinal - start < replicas(set)
}

pub fn pod_name(set: &StatefulSet, ordinal: u32) -> String {
    format!("{}-{ordinal}", set.metadata.name)
}

/// `<template>-<set>-<ordinal>`, e.g. `www-web-0`.
pub fn claim_name(set: &StatefulSet, template_name: &str, ordinal: u32) -> String {
    format!("{template_name}-{}-{ordinal}", set.metadata.name)
}

pub fn service_name(set: &StatefulSet) -> &str {
    set.spec.service_name.as_deref().unwrap_or_default()
}

/// `metav1.NewControllerRef` to the set.
pub fn controller_ref(set: &StatefulSet) -> OwnerReference {
    OwnerReference {
        api_version: "apps/v1".into(),
        block_owner_deletion: Some(true),
        controller: Some(true),
        kind: "StatefulSet".into(),
        name: set.metadata.name.clone(),
        uid: set.metadata.uid.clone(),
    }
}

pub fn pod_revision(pod: &Pod) -> &str {
    pod.metadata
        .labels()
        .get(REVISION_LABEL)
        .map(String::as_str)
        .unwrap_or_default()
}

/// `identityMatches`: name, namespace and the pod-name label (the pod-index label is not checked).
pub fn identity_matches(set: &StatefulSet, pod: &Pod) -> bool {
    member_ordinal(set, pod).is_some()
        && pod.metadata.namespace == set.metadata.namespace
        && pod.metadata.labels().get(POD_NAME_LABEL) == Some(&pod.metadata.name)
}

/// `storageMatches`: every claim template has a same-named volume pointing at the right claim.
pub fn storage_matches(set: &StatefulSet, pod: &Pod) -> bool {
    let Some(ordinal) = member_ordinal(set, pod) else {
        return false;
    };
    set.spec.volume_claim_templates.iter().all(|t| {
        let want = claim_name(set, &t.metadata.name, ordinal);
        pod.spec.volumes.iter().any(|v| {
            v.name == t.metadata.name
                && v.persistent_volume_claim
                    .as_ref()
                    .is_some_and(|c| c.claim_name == want)
        })
    })
}

/// `updateIdentity`: the pod-name and pod-index labels.
pub fn update_identity(set: &StatefulSet, pod: &mut Pod, ordinal: u32) {
    pod.metadata.name = pod_name(set, ordinal);
    pod.metadata.namespace = set.metadata.namespace.clone();
    let name = pod.metadata.name.clone();
    let labels = pod.metadata.labels_mut();
    labels.insert(POD_NAME_LABEL.into(), name);
    labels.insert(POD_INDEX_LABEL.into(), ordinal.to_string());
}

/// `updateStorage`: one volume per claim template (replacing any same-named volume), then the
/// pod's other volumes in their order.
pub fn update_storage(set: &StatefulSet, pod: &mut Pod, ordinal: u32) {
    let templates = &set.spec.volume_claim_templates;
    let mut volumes: Vec<Volume> = templates
        .iter()
        .map(|t| Volume {
            name: t.metadata.name.clone(),
            persistent_volume_claim: Some(PvcVolumeSource {
                claim_name: claim_name(set, &t.metadata.name, ordinal),
                read_only: None,
            }),
            ..Default::default()
        })
        .collect();
    let others = pod
        .spec
        .volumes
        .iter()
        .filter(|v| !templates.iter().any(|t| t.metadata.name == v.name));
    volumes.extend(others.cloned());
    pod.spec.volumes = volumes;
}

/// `newStatefulSetPod` + `setPodRevision`: a pod built from `template` (the template of the
/// revision the pod should run), with its identity, storage and revision label.
pub fn new_pod(set: &StatefulSet, template: &PodTemplateSpec, ordinal: u32, revision: &str) -> Pod {
    let mut metadata = ObjectMeta::named(&set.metadata.namespace, &pod_name(set, ordinal));
    // GetPodFromTemplate sets generateName to "<set>-"; the explicit name wins.
    metadata.generate_name = Some(format!("{}-", set.metadata.name));
    metadata.labels = template.metadata.labels.clone();
    metadata.annotations = template.metadata.annotations.clone();
    metadata.finalizers = template.metadata.finalizers.clone();
    metadata.owner_references = vec![controller_ref(set)];
    let mut pod = Pod {
        metadata,
        spec: template.spec.clone(),
        ..Default::default()
    };
    update_identity(set, &mut pod, ordinal);
    // initIdentity: hostname and subdomain are immutable, so they are set only at creation.
    pod.spec.hostname = Some(pod.metadata.name.clone());
    let service = service_name(set);
    pod.spec.subdomain = (!service.is_empty()).then(|| service.to_string());
    update_storage(set, &mut pod, ordinal);
    pod.metadata
        .labels_mut()
        .insert(REVISION_LABEL.into(), revision.to_string());
    pod
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinals_parse_like_the_controller_regex() {
        assert_eq!(parent_and_ordinal("web-0"), Some(("web", 0)));
        assert_eq!(parent_and_ordinal("my-web-12"), Some(("my-web", 12)));
        assert_eq!(parent_and_ordinal("web"), None);
        assert_eq!(parent_and_ordinal("web-"), None);
        assert_eq!(parent_and_ordinal("web-x1"), None);
        assert_eq!(parent_and_ordinal("web-99999999999"), None);
    }
}
