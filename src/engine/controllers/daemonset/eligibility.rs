//! Which nodes should run a daemon pod: `NodeShouldRunDaemonPod` of
//! `pkg/controller/daemon/daemon_controller.go`, with the reason for every "no" so `sim why`
//! can explain an empty node.
//!
//! The controller checks the template's `nodeName`, its nodeSelector and required node affinity
//! (`nodeaffinity.GetRequiredNodeAffinity(pod).Match(node)`), and NoSchedule/NoExecute taints
//! against the template's tolerations plus the ones it adds itself. It does not look at
//! resources, host ports, cordon or node conditions: those are the scheduler's business.

use super::pods::daemon_tolerations;
use crate::engine::model::{
    DaemonSet, Labels, Node, NodeSelectorRequirement, NodeSelectorTerm, PodSpec, Taint,
    TaintEffect, Toleration,
};

/// The answer for one (node, DaemonSet) pair.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placement {
    /// A daemon pod should be created here if there is none.
    pub should_run: bool,
    /// An existing daemon pod may stay here.
    pub should_continue_running: bool,
    /// Why `should_run` is false, worded for a learner.
    pub reason: Option<String>,
}

impl Placement {
    fn yes() -> Self {
        Placement {
            should_run: true,
            should_continue_running: true,
            reason: None,
        }
    }
    fn no(keep: bool, reason: String) -> Self {
        Placement {
            should_run: false,
            should_continue_running: keep,
            reason: Some(reason),
        }
    }
}

/// `NodeShouldRunDaemonPod`. `tolerations` are the template's plus the automatic ones
/// (see `pods::daemon_tolerations`); pass them in so a sync over many nodes builds them once.
pub fn node_should_run(node: &Node, spec: &PodSpec, tolerations: &[Toleration]) -> Placement {
    if let Some(wanted) = spec.node_name.as_deref().filter(|n| !n.is_empty()) {
        if wanted != node.metadata.name {
            return Placement::no(false, format!("the pod template sets nodeName {wanted}"));
        }
    }
    if let Some(reason) = affinity_mismatch(node, spec) {
        return Placement::no(false, reason);
    }
    let relevant = |t: &Taint| matches!(t.effect, TaintEffect::NoSchedule | TaintEffect::NoExecute);
    if let Some(taint) = first_untolerated(&node.spec.taints, tolerations, relevant) {
        // Only an untolerated NoExecute taint evicts a running daemon pod.
        let keep = first_untolerated(&node.spec.taints, tolerations, |t| {
            t.effect == TaintEffect::NoExecute
        })
        .is_none();
        return Placement::no(keep, taint_reason(taint));
    }
    Placement::yes()
}

/// Convenience for callers holding the DaemonSet rather than prepared tolerations.
pub fn node_should_run_ds(node: &Node, ds: &DaemonSet) -> Placement {
    let tolerations = daemon_tolerations(&ds.spec.template.spec);
    node_should_run(node, &ds.spec.template.spec, &tolerations)
}

fn taint_reason(taint: &Taint) -> String {
    let mut text = format!("taint {} not tolerated", taint.display());
    let hint = match (taint.key.as_str(), &taint.effect) {
        ("node.kubernetes.io/not-ready", _) => Some("node is NotReady"),
        ("node.kubernetes.io/unreachable", _) => Some("node is unreachable"),
        ("node.kubernetes.io/network-unavailable", _) => Some(
            "node network is unavailable; only hostNetwork daemon pods tolerate it automatically",
        ),
        ("node-role.kubernetes.io/control-plane", _) => {
            Some("control-plane node; add a toleration to run there")
        }
        _ => None,
    };
    if let Some(h) = hint {
        text.push_str(&format!(" ({h})"));
    }
    text
}

/// `v1helper.FindMatchingUntoleratedTaint`: the first taint (in node order) that passes
/// `filter` and that no toleration tolerates.
pub fn first_untolerated<'a>(
    taints: &'a [Taint],
    tolerations: &[Toleration],
    filter: impl Fn(&Taint) -> bool,
) -> Option<&'a Taint> {
    taints
        .iter()
        .filter(|t| filter(t))
        .find(|t| !tolerations.iter().any(|tol| tolerates(tol, t)))
}

/// `Toleration.ToleratesTaint` (`staging/src/k8s.io/api/core/v1/toleration.go`).
pub fn tolerates(toleration: &Toleration, taint: &Taint) -> bool {
    if let Some(effect) = toleration.effect.as_deref().filter(|e| !e.is_empty()) {
        if effect != taint.effect.as_str() {
            return false;
        }
    }
    if let Some(key) = toleration.key.as_deref().filter(|k| !k.is_empty()) {
        if key != taint.key {
            return false;
        }
    }
    match toleration.operator.as_deref().unwrap_or("") {
        "" | "Equal" => {
            toleration.value.as_deref().unwrap_or("") == taint.value.as_deref().unwrap_or("")
        }
        "Exists" => true,
        _ => false,
    }
}

/// nodeSelector AND required node affinity, as `GetRequiredNodeAffinity(pod).Match(node)`;
/// `None` when the node matches, else the reason.
fn affinity_mismatch(node: &Node, spec: &PodSpec) -> Option<String> {
    let labels = node.metadata.labels();
    if let Some(selector) = &spec.node_selector {
        for (k, v) in selector {
            match labels.get(k) {
                Some(have) if have == v => {}
                Some(have) => {
                    return Some(format!(
                        "node selector {k}={v} does not match (the node's {k} label is {have})"
                    ))
                }
                None => {
                    return Some(format!(
                        "node selector {k}={v} does not match (the node has no {k} label)"
                    ))
                }
            }
        }
    }
    let required = spec
        .affinity
        .as_ref()
        .and_then(|a| a.node_affinity.as_ref())
        .and_then(|na| {
            na.required_during_scheduling_ignored_during_execution
                .as_ref()
        });
    if let Some(required) = required {
        let matched = required
            .node_selector_terms
            .iter()
            .any(|term| term_matches(term, labels, &node.metadata.name));
        if !matched {
            return Some(
                "required node affinity does not match: no nodeSelectorTerm matches the node"
                    .into(),
            );
        }
    }
    None
}

/// One nodeSelectorTerm: all expressions and fields must hold; an empty term matches nothing.
pub fn term_matches(term: &NodeSelectorTerm, labels: &Labels, node_name: &str) -> bool {
    if term.match_expressions.is_empty() && term.match_fields.is_empty() {
        return false;
    }
    term.match_expressions
        .iter()
        .all(|r| requirement_matches(r, labels.get(&r.key).map(String::as_str)))
        && term.match_fields.iter().all(|r| {
            // matchFields supports only metadata.name.
            r.key == "metadata.name" && requirement_matches(r, Some(node_name))
        })
}

fn requirement_matches(r: &NodeSelectorRequirement, value: Option<&str>) -> bool {
    match r.operator.as_str() {
        "In" => value.is_some_and(|v| r.values.iter().any(|x| x == v)),
        "NotIn" => value.is_none_or(|v| !r.values.iter().any(|x| x == v)),
        "Exists" => value.is_some(),
        "DoesNotExist" => value.is_none(),
        "Gt" | "Lt" => {
            let (Some(v), Some(bound)) = (value, r.values.first()) else {
                return false;
            };
            let (Ok(v), Ok(bound)) = (v.parse::<i64>(), bound.parse::<i64>()) else {
                return false;
            };
            if r.operator == "Gt" {
                v > bound
            } else {
                v < bound
            }
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::model::{Affinity, NodeAffinity, NodeSelector};

    fn taint(key: &str, value: Option<&str>, effect: TaintEffect) -> Taint {
        Taint {
            effect,
            key: key.into(),
            time_added: None,
            value: value.map(str::to_string),
        }
    }
    fn tol(
        key: Option<&str>,
        op: Option<&str>,
        value: Option<&str>,
        effect: Option<&str>,
    ) -> Toleration {
        Toleration {
            effect: effect.map(str::to_string),
            key: key.map(str::to_string),
            operator: op.map(str::to_string),
            toleration_seconds: None,
            value: value.map(str::to_string),
        }
    }
    fn node(name: &str) -> Node {
        let mut n = Node::default();
        n.metadata.name = name.into();
        n
    }

    #[test]
    fn toleration_matching_follows_tolerates_taint() {
        let cp = taint(
            "node-role.kubernetes.io/control-plane",
            None,
            TaintEffect::NoSchedule,
        );
        assert!(tolerates(
            &tol(
                Some("node-role.kubernetes.io/control-plane"),
                Some("Exists"),
                None,
                Some("NoSchedule")
            ),
            &cp
        ));
        assert!(tolerates(
            &tol(
                Some("node-role.kubernetes.io/control-plane"),
                Some("Equal"),
                Some(""),
                Some("NoSchedule")
            ),
            &cp
        ));
        assert!(!tolerates(
            &tol(
                Some("node-role.kubernetes.io/control-plane"),
                Some("Exists"),
                None,
                Some("NoExecute")
            ),
            &cp
        ));
        assert!(tolerates(&tol(None, Some("Exists"), None, None), &cp));
        let infra = taint("dedicated", Some("infra"), TaintEffect::NoSchedule);
        assert!(tolerates(
            &tol(
                Some("dedicated"),
                Some("Equal"),
                Some("infra"),
                Some("NoSchedule")
            ),
            &infra
        ));
        assert!(!tolerates(
            &tol(
                Some("dedicated"),
                Some("Equal"),
                Some("other"),
                Some("NoSchedule")
            ),
            &infra
        ));
        assert!(tolerates(
            &tol(Some("dedicated"), None, Some("infra"), None),
            &infra
        ));
    }

    #[test]
    fn untolerated_no_schedule_keeps_running_pods_but_no_execute_evicts() {
        let spec = PodSpec::default();
        let tolerations = crate::engine::controllers::daemonset::pods::daemon_tolerations(&spec);
        let mut n = node("node-3");
        n.spec
            .taints
            .push(taint("dedicated", Some("infra"), TaintEffect::NoSchedule));
        let p = node_should_run(&n, &spec, &tolerations);
        assert_eq!((p.should_run, p.should_continue_running), (false, true));
        assert_eq!(
            p.reason.as_deref(),
            Some("taint dedicated=infra:NoSchedule not tolerated")
        );
        n.spec
            .taints
            .push(taint("dedicated", Some("infra"), TaintEffect::NoExecute));
        let p = node_should_run(&n, &spec, &tolerations);
        assert_eq!((p.should_run, p.should_continue_running), (false, false));
        // PreferNoSchedule never matters; the automatic tolerations cover cordon and NotReady NoExecute.
        let mut n = node("node-1");
        n.spec
            .taints
            .push(taint("x", None, TaintEffect::PreferNoSchedule));
        n.spec.taints.push(taint(
            "node.kubernetes.io/unschedulable",
            None,
            TaintEffect::NoSchedule,
        ));
        n.spec.taints.push(taint(
            "node.kubernetes.io/not-ready",
            None,
            TaintEffect::NoExecute,
        ));
        assert!(node_should_run(&n, &spec, &tolerations).should_run);
        n.spec.taints.push(taint(
            "node.kubernetes.io/not-ready",
            None,
            TaintEffect::NoSchedule,
        ));
        let p = node_should_run(&n, &spec, &tolerations);
        assert!(!p.should_run && p.should_continue_running);
        assert!(p.reason.unwrap_or_default().contains("node is NotReady"));
    }

    #[test]
    fn selector_and_required_affinity_are_anded_and_terms_ored() {
        let mut spec = PodSpec {
            node_selector: Some(
                [("disktype".to_string(), "ssd".to_string())]
                    .into_iter()
                    .collect(),
            ),
            ..Default::default()
        };
        let tolerations = Vec::new();
        let mut n = node("node-1");
        let p = node_should_run(&n, &spec, &tolerations);
        assert_eq!((p.should_run, p.should_continue_running), (false, false));
        assert_eq!(
            p.reason.as_deref(),
            Some("node selector disktype=ssd does not match (the node has no disktype label)")
        );
        n.metadata
            .labels_mut()
            .insert("disktype".into(), "ssd".into());
        assert!(node_should_run(&n, &spec, &tolerations).should_run);
        let zone = |z: &str| NodeSelectorTerm {
            match_expressions: vec![NodeSelectorRequirement {
                key: "topology.kubernetes.io/zone".into(),
                operator: "In".into(),
                values: vec![z.into()],
            }],
            match_fields: vec![],
        };
        spec.affinity = Some(Affinity {
            node_affinity: Some(NodeAffinity {
                preferred_during_scheduling_ignored_during_execution: vec![],
                required_during_scheduling_ignored_during_execution: Some(NodeSelector {
                    node_selector_terms: vec![zone("zone-a"), zone("zone-c")],
                }),
            }),
            ..Default::default()
        });
        assert!(!node_should_run(&n, &spec, &tolerations).should_run);
        n.metadata
            .labels_mut()
            .insert("topology.kubernetes.io/zone".into(), "zone-c".into());
        assert!(node_should_run(&n, &spec, &tolerations).should_run);
    }
}
