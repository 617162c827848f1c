//! InterPodAffinity's filter: the pod's required pod affinity and anti-affinity terms, and the
//! required anti-affinity terms of pods already placed. (Preferred terms do not score here.)
//! The model keeps `podAffinity`/`podAntiAffinity` as opaque JSON, so the terms are decoded here.

use super::filters::NodeStatus;
use crate::engine::model::{LabelSelector, LabelSelectorRequirement, Namespace, Node, Pod};
use crate::engine::store::Store;
use serde::Deserialize;
use std::collections::BTreeSet;

pub const REASON_AFFINITY: &str = "node(s) didn't match pod affinity rules";
pub const REASON_ANTI_AFFINITY: &str = "node(s) didn't match pod anti-affinity rules";
pub const REASON_EXISTING_ANTI_AFFINITY: &str =
    "node(s) didn't satisfy existing pods anti-affinity rules";

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Term {
    #[serde(default)]
    label_selector: Option<LabelSelector>,
    #[serde(default)]
    namespaces: Vec<String>,
    #[serde(default)]
    namespace_selector: Option<LabelSelector>,
    #[serde(default)]
    topology_key: String,
    #[serde(default)]
    match_label_keys: Vec<String>,
    #[serde(default)]
    mismatch_label_keys: Vec<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Rules {
    #[serde(default)]
    required_during_scheduling_ignored_during_execution: Vec<Term>,
}

/// A term bound to the pod that declared it (its namespace and labels fill the defaults).
struct Bound<'a> {
    term: Term,
    owner: &'a Pod,
}

fn required(value: Option<&serde_json::Value>) -> Vec<Term> {
    value
        .and_then(|v| serde_json::from_value::<Rules>(v.clone()).ok())
        .map(|r| r.required_during_scheduling_ignored_during_execution)
        .unwrap_or_default()
}

fn affinity_terms(pod: &Pod) -> Vec<Term> {
    required(
        pod.spec
            .affinity
            .as_ref()
            .and_then(|a| a.pod_affinity.as_ref()),
    )
}

fn anti_affinity_terms(pod: &Pod) -> Vec<Term> {
    required(
        pod.spec
            .affinity
            .as_ref()
            .and_then(|a| a.pod_anti_affinity.as_ref()),
    )
}

impl Bound<'_> {
    /// Whether `candidate` is a pod this term talks about: namespace and label selector (with
    /// matchLabelKeys/mismatchLabelKeys taken from the declaring pod's labels).
    fn selects(&self, store: &Store, candidate: &Pod) -> bool {
        let Some(selector) = &self.term.label_selector else {
            return false;
        };
        let ns = &candidate.metadata.namespace;
        let ns_ok = if !self.term.namespaces.is_empty() || self.term.namespace_selector.is_some() {
            self.term.namespaces.contains(ns)
                || self.term.namespace_selector.as_ref().is_some_and(|sel| {
                    store
                        .get::<Namespace>("", ns)
                        .is_some_and(|n| sel.matches(n.metadata.labels()))
                })
        } else {
            *ns == self.owner.metadata.namespace
        };
        if !ns_ok {
            return false;
        }
        let mut selector = selector.clone();
        let owner_labels = self.owner.metadata.labels();
        for (keys, operator) in [
            (&self.term.match_label_keys, "In"),
            (&self.term.mismatch_label_keys, "NotIn"),
        ] {
            for key in keys {
                if let Some(value) = owner_labels.get(key) {
                    selector.match_expressions.push(LabelSelectorRequirement {
                        key: key.clone(),
                        operator: operator.into(),
                        values: vec![value.clone()],
                    });
                }
            }
        }
        selector.matches(candidate.metadata.labels())
    }
}

fn topology_value<'a>(node: &'a Node, key: &str) -> Option<&'a str> {
    node.metadata.labels().get(key).map(String::as_str)
}

/// Precomputed once per scheduling attempt.
pub struct PodAffinityCheck {
    /// Per required affinity term: topology values where a selected pod runs.
    affinity: Vec<(String, BTreeSet<String>)>,
    /// No pod anywhere matches the affinity terms, but the pod matches them itself: the first
    /// pod of a group may go anywhere the topology keys exist.
    affinity_self_satisfied: bool,
    /// Per required anti-affinity term: topology values holding a selected pod.
    anti: Vec<(String, BTreeSet<String>)>,
    /// (topology key, value) pairs where an existing pod's anti-affinity rejects this pod.
    existing_anti: BTreeSet<(String, String)>,
}

/// Placed, unfinished pods with the node they run on.
fn placed(store: &Store) -> Vec<(&Pod, &Node)> {
    store
        .list::<Node>()
        .flat_map(|n| {
            store
                .pods_on_node(&n.metadata.name)
                .filter(|p| !p.is_terminal())
                .map(move |p| (p, n))
        })
        .collect()
}

pub fn prepare(store: &Store, pod: &Pod) -> Option<PodAffinityCheck> {
    let own_affinity: Vec<Bound> = affinity_terms(pod)
        .into_iter()
        .map(|term| Bound { term, owner: pod })
        .collect();
    let own_anti: Vec<Bound> = anti_affinity_terms(pod)
        .into_iter()
        .map(|term| Bound { term, owner: pod })
        .collect();
    let has_existing_anti = store.has_bound_anti_affinity_pods();
    if own_affinity.is_empty() && own_anti.is_empty() && !has_existing_anti {
        return None;
    }
    let others: Vec<(&Pod, &Node)> = placed(store)
        .into_iter()
        .filter(|(p, _)| p.metadata.uid != pod.metadata.uid)
        .collect();
    let domains = |terms: &[Bound]| -> Vec<(String, BTreeSet<String>)> {
        terms
            .iter()
            .map(|b| {
                let key = b.term.topology_key.clone();
                let values = others
                    .iter()
                    .filter(|(p, _)| b.selects(store, p))
                    .filter_map(|(_, n)| topology_value(n, &key).map(str::to_string))
                    .collect();
                (key, values)
            })
            .collect()
    };
    let affinity = domains(&own_affinity);
    let nobody_matches = affinity.iter().all(|(_, values)| values.is_empty())
        && !own_affinity
            .iter()
            .any(|b| others.iter().any(|(p, _)| b.selects(store, p)));
    let affinity_self_satisfied = !own_affinity.is_empty()
        && nobody_matches
        && own_affinity.iter().all(|b| b.selects(store, pod));
    let anti = domains(&own_anti);
    let mut existing_anti = BTreeSet::new();
    for (other, node) in &others {
        for term in anti_affinity_terms(other) {
            let bound = Bound { term, owner: other };
            if bound.selects(store, pod) {
                if let Some(v) = topology_value(node, &bound.term.topology_key) {
                    existing_anti.insert((bound.term.topology_key.clone(), v.to_string()));
                }
            }
        }
    }
    Some(PodAffinityCheck {
        affinity,
        affinity_self_satisfied,
        anti,
        existing_anti,
    })
}

impl PodAffinityCheck {
    pub fn filter(&self, node: &Node) -> Option<NodeStatus> {
        let affinity_ok = if self.affinity_self_satisfied {
            self.affinity
                .iter()
                .all(|(key, _)| topology_value(node, key).is_some())
        } else {
            self.affinity
                .iter()
                .all(|(key, values)| topology_value(node, key).is_some_and(|v| values.contains(v)))
        };
        if !affinity_ok {
            return Some(NodeStatus::unresolvable(REASON_AFFINITY));
        }
        let anti_conflict = self
            .anti
            .iter()
            .any(|(key, values)| topology_value(node, key).is_some_and(|v| values.contains(v)));
        if anti_conflict {
            return Some(NodeStatus::resolvable(REASON_ANTI_AFFINITY));
        }
        let existing_conflict = self
            .existing_anti
            .iter()
            .any(|(key, value)| topology_value(node, key) == Some(value.as_str()));
        if existing_conflict {
            return Some(NodeStatus::resolvable(REASON_EXISTING_ANTI_AFFINITY));
        }
        None
    }
}
