//! The daemon pod the controller creates (`util.CreatePodTemplate`,
//! `AddOrUpdateDaemonPodTolerations`, `ReplaceDaemonSetPodNodeNameNodeAffinity`) and how it maps
//! pods back to nodes (`GetTargetNodeName`) and picks the oldest one on a node.

use crate::engine::controllers::controller_utils::{controller_ref, pods_prefix};
use crate::engine::model::{
    Affinity, DaemonSet, Kind, NodeAffinity, NodeSelector, NodeSelectorRequirement,
    NodeSelectorTerm, ObjectMeta, Pod, PodSpec, Toleration,
};
use std::cmp::Ordering;

pub const REVISION_HASH_LABEL: &str = "controller-revision-hash";
pub const TEMPLATE_GENERATION_LABEL: &str = "pod-template-generation";
pub const TEMPLATE_GENERATION_ANNOTATION: &str = "deprecated.daemonset.template.generation";

/// The automatic tolerations, in the order the controller appends them. All `Exists`, none with
/// tolerationSeconds, so daemon pods survive NotReady/unreachable nodes forever.
const AUTOMATIC: &[(&str, &str)] = &[
    ("node.kubernetes.io/not-ready", "NoExecute"),
    ("node.kubernetes.io/unreachable", "NoExecute"),
    ("node.kubernetes.io/disk-pressure", "NoSchedule"),
    ("node.kubernetes.io/memory-pressure", "NoSchedule"),
    ("node.kubernetes.io/pid-pressure", "NoSchedule"),
    ("node.kubernetes.io/unschedulable", "NoSchedule"),
];
const NETWORK_UNAVAILABLE: &str = "node.kubernetes.io/network-unavailable";

fn exists(key: &str, effect: &str) -> Toleration {
    Toleration {
        effect: Some(effect.into()),
        key: Some(key.into()),
        operator: Some("Exists".into()),
        toleration_seconds: None,
        value: None,
    }
}

/// `MatchToleration`: same key, operator, value and effect (tolerationSeconds may differ).
fn same_toleration(a: &Toleration, b: &Toleration) -> bool {
    let s = |o: &Option<String>| o.clone().unwrap_or_default();
    s(&a.key) == s(&b.key)
        && s(&a.operator) == s(&b.operator)
        && s(&a.value) == s(&b.value)
        && s(&a.effect) == s(&b.effect)
}

/// `AddOrUpdateTolerationInPodSpec`: a matching toleration is replaced in place (so a user's
/// tolerationSeconds on not-ready/unreachable is dropped), otherwise it is appended.
fn add_or_update(list: &mut Vec<Toleration>, toleration: Toleration) {
    let mut updated = false;
    for t in list.iter_mut() {
        if same_toleration(t, &toleration) {
            *t = toleration.clone();
            updated = true;
        }
    }
    if !updated {
        list.push(toleration);
    }
}

/// The template's tolerations plus the automatic ones (network-unavailable only for hostNetwork).
pub fn daemon_tolerations(spec: &PodSpec) -> Vec<Toleration> {
    let mut list = spec.tolerations.clone();
    for (key, effect) in AUTOMATIC {
        add_or_update(&mut list, exists(key, effect));
    }
    if spec.uses_host_network() {
        add_or_update(&mut list, exists(NETWORK_UNAVAILABLE, "NoSchedule"));
    }
    list
}

/// Replaces the required node affinity with the single `matchFields metadata.name In [node]`
/// term; preferred terms stay; nodeSelector stays.
fn pin_to_node(affinity: Option<Affinity>, node: &str) -> Affinity {
    let term = NodeSelectorTerm {
        match_expressions: Vec::new(),
        match_fields: vec![NodeSelectorRequirement {
            key: "metadata.name".into(),
            operator: "In".into(),
            values: vec![node.into()],
        }],
    };
    let mut affinity = affinity.unwrap_or_default();
    let node_affinity = affinity
        .node_affinity
        .get_or_insert_with(NodeAffinity::default);
    node_affinity.required_during_scheduling_ignored_during_execution = Some(NodeSelector {
        node_selector_terms: vec![term],
    });
    affinity
}

/// The template generation the API server keeps in the `deprecated.daemonset.template.generation`
/// annotation (bumped on every template change).
pub fn template_generation(ds: &DaemonSet) -> Option<i64> {
    ds.metadata
        .annotations()
        .get(TEMPLATE_GENERATION_ANNOTATION)
        .and_then(|v| v.parse().ok())
}

/// The pod `syncNodes` creates for `node`: unbound (the scheduler binds it), named by the API
/// server from `generateName: <ds>-`.
pub fn new_daemon_pod(
    ds: &DaemonSet,
    node: &str,
    hash: &str,
    generation: Option<i64>,
    tolerations: &[Toleration],
) -> Pod {
    let template = &ds.spec.template;
    let mut metadata = ObjectMeta::named(&ds.metadata.namespace, "");
    metadata.generate_name = Some(pods_prefix(&ds.metadata.name));
    metadata.labels = Some(template.metadata.labels().clone());
    if let Some(g) = generation {
        metadata
            .labels_mut()
            .insert(TEMPLATE_GENERATION_LABEL.into(), g.to_string());
    }
    if !hash.is_empty() {
        metadata
            .labels_mut()
            .insert(REVISION_HASH_LABEL.into(), hash.into());
    }
    metadata.annotations = template.metadata.annotations.clone();
    metadata.finalizers = template.metadata.finalizers.clone();
    metadata
        .owner_references
        .push(controller_ref(Kind::DaemonSet, &ds.metadata));
    let mut spec = template.spec.clone();
    spec.tolerations = tolerations.to_vec();
    spec.affinity = Some(pin_to_node(spec.affinity.take(), node));
    Pod {
        metadata,
        spec,
        ..Default::default()
    }
}

/// `GetTargetNodeName`: the bound node, or for a pending pod the node of its matchFields term.
pub fn target_node_name(pod: &Pod) -> Option<&str> {
    if let Some(n) = pod.node_name() {
        return Some(n);
    }
    let required = pod
        .spec
        .affinity
        .as_ref()?
        .node_affinity
        .as_ref()?
        .required_during_scheduling_ignored_during_execution
        .as_ref()?;
    required
        .node_selector_terms
        .iter()
        .flat_map(|t| t.match_fields.iter())
        .find(|r| r.key == "metadata.name" && r.operator == "In")
        .filter(|r| r.values.len() == 1)
        .and_then(|r| r.values.first())
        .map(String::as_str)
}

/// `podByCreationTimestampAndPhase`: scheduled before unscheduled, then older, then by name.
pub fn oldest_first(a: &&Pod, b: &&Pod) -> Ordering {
    let scheduled = |p: &Pod| p.node_name().is_none();
    scheduled(a)
        .cmp(&scheduled(b))
        .then(
            a.metadata
                .creation_timestamp
                .cmp(&b.metadata.creation_timestamp),
        )
        .then(a.metadata.name.cmp(&b.metadata.name))
}

/// `IsPodUpdated`: the pod carries the current hash, or the current template generation.
pub fn is_updated(pod: &Pod, hash: &str, generation: Option<i64>) -> bool {
    let labels = pod.metadata.labels();
    let generation_matches =
        generation.is_some_and(|g| labels.get(TEMPLATE_GENERATION_LABEL) == Some(&g.to_string()));
    let hash_matches =
        !hash.is_empty() && labels.get(REVISION_HASH_LABEL).map(String::as_str) == Some(hash);
    hash_matches || generation_matches
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn automatic_tolerations_come_after_the_users_and_replace_matching_ones() {
        let mut spec = PodSpec::default();
        spec.tolerations.push(Toleration {
            effect: Some("NoSchedule".into()),
            key: Some("node-role.kubernetes.io/control-plane".into()),
            operator: Some("Exists".into()),
            ..Default::default()
        });
        spec.tolerations.push(Toleration {
            toleration_seconds: Some(60),
            ..exists("node.kubernetes.io/not-ready", "NoExecute")
        });
        let list = daemon_tolerations(&spec);
        let keys: Vec<&str> = list
            .iter()
            .map(|t| t.key.as_deref().unwrap_or(""))
            .collect();
        assert_eq!(
            keys,
            [
                "node-role.kubernetes.io/control-plane",
                "node.kubernetes.io/not-ready",
                "node.kubernetes.io/unreachable",
                "node.kubernetes.io/disk-pressure",
                "node.kubernetes.io/memory-pressure",
                "node.kubernetes.io/pid-pressure",
                "node.kubernetes.io/unschedulable",
            ]
        );
        assert_eq!(
            list[1].toleration_seconds, None,
            "the user's tolerationSeconds is dropped"
        );
        spec.host_network = Some(true);
        assert_eq!(
            daemon_tolerations(&spec)
                .last()
                .and_then(|t| t.key.clone())
                .as_deref(),
            Some(NETWORK_UNAVAILABLE)
        );
    }

    #[test]
    fn pending_pods_map_to_the_node_of_their_match_fields_term() {
        let ds = DaemonSet {
            metadata: ObjectMeta::named("default", "fluentd"),
            ..Default::default()
        };
        let pod = new_daemon_pod(&ds, "node-2", "5d9f8", Some(1), &[]);
        assert_eq!(target_node_name(&pod), Some("node-2"));
        assert_eq!(pod.metadata.generate_name.as_deref(), Some("fluentd-"));
        assert_eq!(
            pod.metadata
                .labels()
                .get(TEMPLATE_GENERATION_LABEL)
                .map(String::as_str),
            Some("1")
        );
        assert!(pod.spec.node_name.is_none());
    }
}
