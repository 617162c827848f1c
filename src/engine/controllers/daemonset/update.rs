//! The RollingUpdate strategy (`rollingUpdate` in pkg/controller/daemon/update.go): delete old
//! pods within maxUnavailable and let `manage` recreate them, or with maxSurge start the new pod
//! next to the old one and delete the old one once the new one is available.
//!
//! Kubernetes walks a Go map, so which nodes go first is undefined; we walk nodes in name order.

use super::pods::is_updated;
use super::SyncState;
use crate::engine::action::WhyReason;
use crate::engine::controllers::controller_utils::is_pod_available;
use crate::engine::model::{DaemonSet, IntOrString, Pod};

/// What one rolling-update step wants.
#[derive(Default)]
pub struct Step<'a> {
    pub delete: Vec<&'a Pod>,
    pub create_on: Vec<String>,
    /// (pod or node name, reason) pairs explaining why the update is not going faster.
    pub waiting: Vec<(String, WhyReason)>,
}

fn is_rolling(ds: &DaemonSet) -> bool {
    ds.spec
        .update_strategy
        .as_ref()
        .and_then(|s| s.type_.as_deref())
        .unwrap_or("RollingUpdate")
        == "RollingUpdate"
}

/// `util.UnavailableCount` / `util.SurgeCount`: percentages of the desired node count, both
/// rounded up (Deployments round maxUnavailable down; DaemonSets do not).
pub fn surge_and_unavailable(ds: &DaemonSet, desired: i64) -> (i64, i64) {
    if !is_rolling(ds) {
        return (0, 0);
    }
    let Some(ru) = ds
        .spec
        .update_strategy
        .as_ref()
        .and_then(|s| s.rolling_update.as_ref())
    else {
        // API defaulting gives maxUnavailable 1, maxSurge 0.
        return (0, 1);
    };
    let scaled = |v: &Option<IntOrString>| {
        v.as_ref()
            .map_or(Ok(0), |v| v.scaled_value(desired, true))
            .unwrap_or(0)
    };
    let surge = scaled(&ru.max_surge);
    let unavailable = match &ru.max_unavailable {
        Some(v) => v.scaled_value(desired, true).unwrap_or(0),
        None if surge == 0 => 1,
        None => 0,
    };
    (surge, unavailable)
}

/// `util.AllowsSurge`.
pub fn allows_surge(ds: &DaemonSet) -> bool {
    surge_and_unavailable(ds, 1).0 != 0
}

/// `findUpdatedPodsOnNode`: at most one new and one old non-terminating pod, else `None`.
fn new_and_old<'a>(
    pods: &[&'a Pod],
    hash: &str,
    generation: Option<i64>,
) -> Option<(Option<&'a Pod>, Option<&'a Pod>)> {
    let (mut new, mut old) = (None, None);
    for pod in pods
        .iter()
        .copied()
        .filter(|p| !p.metadata.is_terminating())
    {
        let slot = if is_updated(pod, hash, generation) {
            &mut new
        } else {
            &mut old
        };
        if slot.is_some() {
            return None;
        }
        *slot = Some(pod);
    }
    Some((new, old))
}

pub fn rolling_update<'a>(ds: &DaemonSet, state: &SyncState<'a>) -> Step<'a> {
    let (mut max_surge, mut max_unavailable) = surge_and_unavailable(ds, state.desired);
    if state.desired > 0 && max_surge == 0 && max_unavailable == 0 {
        max_unavailable = 1;
    }
    if max_surge < 0 {
        max_surge = 0;
    }
    if max_surge == 0 {
        without_surge(ds, state, max_unavailable)
    } else {
        with_surge(ds, state, max_surge)
    }
}

fn without_surge<'a>(ds: &DaemonSet, state: &SyncState<'a>, max_unavailable: i64) -> Step<'a> {
    let min_ready = ds.spec.min_ready_seconds.unwrap_or(0);
    let mut step = Step::default();
    // Nodes that count against maxUnavailable, each with what makes it unavailable.
    let mut unavailable: Vec<(String, String)> = Vec::new();
    let mut new_not_available: Vec<(&Pod, String)> = Vec::new();
    let mut replacements: Vec<&Pod> = Vec::new();
    let mut candidates: Vec<&Pod> = Vec::new();
    let mut held: Vec<(&Pod, String)> = Vec::new();
    for (node, pods) in state.update_map() {
        let Some((new, old)) = new_and_old(&pods, &state.hash, state.generation) else {
            unavailable.push((node.to_string(), "more than one pod".into()));
            continue;
        };
        match (new, old) {
            (None, None) => {
                let what = match pods.iter().find(|p| p.metadata.is_terminating()) {
                    Some(p) => format!("pod {} terminating", p.metadata.name),
                    None => "no pod yet".into(),
                };
                unavailable.push((node.to_string(), what));
            }
            (Some(_), Some(_)) => {
                unavailable.push((node.to_string(), "an old and a new pod".into()))
            }
            (Some(new), None) => {
                // update.go: "an unavailable new pod is counted against maxUnavailable".
                if !is_pod_available(new, min_ready, state.now) {
                    unavailable.push((
                        node.to_string(),
                        format!("new pod {} not available yet", new.metadata.name),
                    ));
                    new_not_available.push((new, node.to_string()));
                }
            }
            (None, Some(old)) => {
                if !is_pod_available(old, min_ready, state.now) {
                    replacements.push(old);
                    unavailable.push((
                        node.to_string(),
                        format!("old pod {} not available", old.metadata.name),
                    ));
                } else if (unavailable.len() as i64) < max_unavailable {
                    candidates.push(old);
                } else {
                    held.push((old, node.to_string()));
                }
            }
        }
    }
    let remaining = (max_unavailable - unavailable.len() as i64)
        .max(0)
        .min(candidates.len() as i64) as usize;
    let deleted_now: Vec<(String, String)> = candidates[..remaining]
        .iter()
        .map(|p| {
            (
                p.spec.node_name.clone().unwrap_or_default(),
                format!("old pod {} being replaced", p.metadata.name),
            )
        })
        .collect();
    for skipped in &candidates[remaining..] {
        held.push((skipped, skipped.spec.node_name.clone().unwrap_or_default()));
    }
    // Nothing old is held back (a new DaemonSet, a new node): new pods that are still starting
    // are not holding anything up, so the rolling update has nothing to explain.
    if !held.is_empty() {
        let busy: Vec<String> = unavailable
            .iter()
            .chain(&deleted_now)
            .map(|(node, what)| format!("{node}: {what}"))
            .collect();
        for (old, node) in held {
            step.waiting.push((
                old.metadata.name.clone(),
                WhyReason::Other(format!(
                    "rolling update: {} on {node} keeps the old revision for now: \
                     maxUnavailable is {max_unavailable} and {}",
                    old.metadata.name,
                    describe_busy(&busy)
                )),
            ));
        }
        for (new, node) in new_not_available {
            step.waiting.push((
                new.metadata.name.clone(),
                WhyReason::Other(format!(
                    "rolling update: new pod {} on {node} is not available yet; until it is, \
                     {node} counts against maxUnavailable {max_unavailable} and old pods on other \
                     nodes wait",
                    new.metadata.name
                )),
            ));
        }
    }
    step.delete = replacements;
    step.delete.extend(candidates.into_iter().take(remaining));
    step
}

/// `1 node is already unavailable (kind-worker: ...)`, `2 nodes are ... (...; ...)`.
fn describe_busy(busy: &[String]) -> String {
    match busy.len() {
        0 => "no node is unavailable yet".into(),
        1 => format!("1 node is already unavailable ({})", busy[0]),
        n => format!("{n} nodes are already unavailable ({})", busy.join("; ")),
    }
}

fn with_surge<'a>(ds: &DaemonSet, state: &SyncState<'a>, max_surge: i64) -> Step<'a> {
    let min_ready = ds.spec.min_ready_seconds.unwrap_or(0);
    let mut step = Step::default();
    let mut surging = 0i64;
    let mut available = 0i64;
    let mut allowed_new: Vec<String> = Vec::new();
    let mut candidate_new: Vec<String> = Vec::new();
    let mut should_not_run: Vec<&Pod> = Vec::new();
    for (node, pods) in state.update_map() {
        let Some((new, old)) = new_and_old(&pods, &state.hash, state.generation) else {
            surging += 1;
            continue;
        };
        if let Some(p) = old.or(new) {
            if is_pod_available(p, min_ready, state.now) {
                available += 1;
            }
        }
        let should_run = state.should_run(node);
        match (new, old) {
            (_, None) => {}
            (None, Some(old)) => {
                if !is_pod_available(old, min_ready, state.now) {
                    if should_run {
                        allowed_new.push(node.to_string());
                    } else {
                        step.delete.push(old);
                    }
                } else if !should_run {
                    should_not_run.push(old);
                } else if surging < max_surge {
                    candidate_new.push(node.to_string());
                }
            }
            (Some(new), Some(old)) => {
                if !is_pod_available(new, min_ready, state.now) {
                    surging += 1;
                    step.waiting.push((
                        new.metadata.name.clone(),
                        WhyReason::Other(format!(
                            "rolling update (maxSurge {max_surge}): {} waits for the new pod {} on {node} to be available",
                            old.metadata.name, new.metadata.name
                        )),
                    ));
                } else {
                    step.delete.push(old);
                }
            }
        }
    }
    // With surge the owner expects full availability: pods on nodes that no longer qualify go
    // only while more pods are available than nodes want one.
    let deletable = (available - state.desired)
        .max(0)
        .min(should_not_run.len() as i64) as usize;
    step.delete
        .extend(should_not_run.into_iter().take(deletable));
    let remaining = (max_surge - surging).max(0).min(candidate_new.len() as i64) as usize;
    step.create_on = allowed_new;
    step.create_on
        .extend(candidate_new.into_iter().take(remaining));
    step
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::model::{DaemonSetUpdateStrategy, RollingUpdateDaemonSet};

    fn ds_with(unavailable: Option<IntOrString>, surge: Option<IntOrString>) -> DaemonSet {
        let mut ds = DaemonSet::default();
        ds.spec.update_strategy = Some(DaemonSetUpdateStrategy {
            type_: Some("RollingUpdate".into()),
            rolling_update: Some(RollingUpdateDaemonSet {
                max_surge: surge,
                max_unavailable: unavailable,
            }),
        });
        ds
    }

    #[test]
    fn percentages_round_up_for_both_fields() {
        let pct = |p: &str| Some(IntOrString::String(p.into()));
        assert_eq!(
            surge_and_unavailable(&ds_with(pct("10%"), None), 10),
            (0, 1)
        );
        assert_eq!(
            surge_and_unavailable(&ds_with(pct("15%"), None), 10),
            (0, 2)
        );
        assert_eq!(
            surge_and_unavailable(&ds_with(pct("25%"), None), 10),
            (0, 3)
        );
        assert_eq!(surge_and_unavailable(&ds_with(pct("50%"), None), 2), (0, 1));
        assert_eq!(
            surge_and_unavailable(&ds_with(Some(IntOrString::Int(0)), pct("100%")), 2),
            (2, 0)
        );
        assert_eq!(
            surge_and_unavailable(&ds_with(pct("10%"), None), 5000),
            (0, 500)
        );
        assert!(allows_surge(&ds_with(
            Some(IntOrString::Int(0)),
            pct("20%")
        )));
        assert!(!allows_surge(&DaemonSet::default()));
    }
}
