//! The Priority admission plugin (plugin/pkg/admission/priority/admission.go) for pods on
//! create: `priorityClassName` resolves the pod's `priority` and `preemptionPolicy`; without a
//! class (and no globalDefault class) the pod gets priority 0 and PreemptLowerPriority.
//!
//! kubeplay has no PriorityClass objects, so the classes are the two every cluster bootstraps
//! (pkg/apis/scheduling/v1/helpers.go `systemPriorityClasses`; both defaulted to
//! PreemptLowerPriority when the API server creates them).

use super::errors::{ApiError, StatusReason};
use crate::engine::model::Pod;

/// `scheduling.SystemCriticalPriority` (2 * HighestUserDefinablePriority).
const SYSTEM_CRITICAL_PRIORITY: i32 = 2_000_000_000;

/// A PriorityClass: name, value, preemptionPolicy.
struct PriorityClass {
    name: &'static str,
    value: i32,
    preemption_policy: &'static str,
}

const SYSTEM_CLASSES: [PriorityClass; 2] = [
    PriorityClass {
        name: "system-node-critical",
        value: SYSTEM_CRITICAL_PRIORITY + 1000,
        preemption_policy: "PreemptLowerPriority",
    },
    PriorityClass {
        name: "system-cluster-critical",
        value: SYSTEM_CRITICAL_PRIORITY,
        preemption_policy: "PreemptLowerPriority",
    },
];

/// `(priority, preemptionPolicy)` the plugin computes for a pod naming `class`; `None` for an
/// unknown class (refused by [`admit_pod`]). No class: `DefaultPriorityWhenNoDefaultClassExists`.
pub fn resolve(class: Option<&str>) -> Option<(i32, &'static str)> {
    match class.filter(|c| !c.is_empty()) {
        None => Some((0, "PreemptLowerPriority")),
        Some(name) => SYSTEM_CLASSES
            .iter()
            .find(|c| c.name == name)
            .map(|c| (c.value, c.preemption_policy)),
    }
}

/// The plugin's refusals on create, in its order: an unknown class, then a `priority` or
/// `preemptionPolicy` written in the pod that differs from the class's.
pub fn admit_pod(pod: &Pod) -> Result<(), ApiError> {
    let class = pod.spec.priority_class_name.as_deref();
    let Some((priority, policy)) = resolve(class) else {
        return Err(forbidden(
            pod,
            format!(
                "no PriorityClass with name {} was found",
                class.unwrap_or_default()
            ),
        ));
    };
    if let Some(given) = pod.spec.priority.filter(|p| *p != priority) {
        return Err(forbidden(pod, format!("the integer value of priority ({given}) must not be provided in pod spec; priority admission controller computed {priority} from the given PriorityClass name")));
    }
    if let Some(given) = pod
        .spec
        .preemption_policy
        .as_deref()
        .filter(|p| *p != policy)
    {
        return Err(forbidden(pod, format!("the string value of PreemptionPolicy ({given}) must not be provided in pod spec; priority admission controller computed {policy} from the given PriorityClass name")));
    }
    Ok(())
}

/// `admission.NewForbidden`: named by the pod's name, else its generateName (names are
/// generated after admission), else "Unknown".
fn forbidden(pod: &Pod, reason: String) -> ApiError {
    let meta = &pod.metadata;
    let name = if !meta.name.is_empty() {
        meta.name.clone()
    } else {
        meta.generate_name
            .clone()
            .filter(|g| !g.is_empty())
            .unwrap_or_else(|| "Unknown".into())
    };
    ApiError {
        reason: StatusReason::Forbidden,
        kind: "Pod".into(),
        message: format!("pods {name:?} is forbidden: {reason}"),
        name,
        causes: vec![],
    }
}
