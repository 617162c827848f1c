//! PodTopologySpread's system-default soft constraint on `kubernetes.io/hostname` (maxSkew 3,
//! ScheduleAnyway): pods of the same Service, ReplicaSet or StatefulSet are spread over nodes.
//! (The zone constraint is skipped: simulated nodes carry no zone label, and the real plugin
//! ignores nodes without it for system-default constraints.)

use crate::engine::model::{LabelSelector, Node, Pod, ReplicaSet, Service, StatefulSet};
use crate::engine::store::Store;

const MAX_SKEW: f64 = 3.0;

/// helper.DefaultSelector: the selectors of the Services selecting the pod and of its
/// ReplicaSet/StatefulSet owner, all of which must match. `None` when there are none.
fn default_selector(store: &Store, pod: &Pod) -> Option<Vec<LabelSelector>> {
    let ns = &pod.metadata.namespace;
    let labels = pod.metadata.labels();
    let mut selectors: Vec<LabelSelector> = store
        .list_in::<Service>(ns)
        .filter_map(|s| s.spec.selector.as_ref().filter(|sel| !sel.is_empty()))
        .filter(|sel| sel.iter().all(|(k, v)| labels.get(k) == Some(v)))
        .map(|sel| LabelSelector {
            match_labels: Some(sel.clone()),
            match_expressions: Vec::new(),
        })
        .collect();
    if let Some(owner) = pod.metadata.controller_ref() {
        let sel = match owner.kind.as_str() {
            "ReplicaSet" => store
                .get::<ReplicaSet>(ns, &owner.name)
                .and_then(|r| r.spec.selector.clone()),
            "StatefulSet" => store
                .get::<StatefulSet>(ns, &owner.name)
                .and_then(|s| s.spec.selector.clone()),
            _ => None,
        };
        selectors.extend(sel);
    }
    (!selectors.is_empty()).then_some(selectors)
}

/// Normalised 0..100 scores for `feasible`, or `None` when the pod has no default selector.
pub fn scores(store: &Store, pod: &Pod, feasible: &[&Node]) -> Option<Vec<i64>> {
    let selectors = default_selector(store, pod)?;
    let weight = ((feasible.len() + 2) as f64).ln();
    let raw: Vec<i64> = feasible
        .iter()
        .map(|node| {
            let count = super::filters::placed_on(store, &node.metadata.name, pod)
                .into_iter()
                .filter(|p| {
                    p.metadata.namespace == pod.metadata.namespace
                        && p.metadata.deletion_timestamp.is_none()
                })
                .filter(|p| selectors.iter().all(|s| s.matches(p.metadata.labels())))
                .count();
            (count as f64 * weight + (MAX_SKEW - 1.0)).round() as i64
        })
        .collect();
    let max = raw.iter().copied().max().unwrap_or(0);
    let min = raw.iter().copied().min().unwrap_or(0);
    Some(
        raw.iter()
            .map(|s| {
                if max == 0 {
                    100
                } else {
                    100 * (max + min - s) / max
                }
            })
            .collect(),
    )
}
