//! Which pods `kubectl drain` evicts from a node (drain's `GetPodsForDeletion` filters), and
//! the eviction subresource that answers each try.

use crate::engine::action::Propagation;
use crate::engine::model::{DaemonSet, Kind, Object, Pod, PodDisruptionBudget, PodPhase};
use crate::engine::stable_sort::sort_by_key;
use crate::engine::store::ObjectKey;
use crate::engine::Sim;
use crate::kubectl::selector::LabelSel;

/// The flags that decide which pods may go.
pub(super) struct Filters {
    pub ignore_ds: bool,
    pub force: bool,
    pub emptydir: bool,
}

/// A pod drain will evict, with the uid it had when listed: a pod recreated under the same
/// name is another one, and counts as gone.
#[derive(Clone)]
pub(super) struct ToEvict {
    pub ns: String,
    pub name: String,
    pub uid: String,
}

/// The pods of the node to evict and the warning to print first (`Ok`), or the errors that
/// stop drain on this node before it evicts anything (`Err`, kubectl's fatal filter messages).
pub(super) type Listed = Result<(Vec<ToEvict>, Option<String>), Vec<String>>;

/// Why drain will not evict a pod, or what it warns about.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Class {
    Unmanaged,
    DaemonSet,
    LocalStorage,
}

impl Class {
    fn fatal(self) -> &'static str {
        match self {
            Class::Unmanaged => {
                "cannot delete Pods that declare no controller (use --force to override)"
            }
            Class::DaemonSet => "DaemonSet-managed Pods (use --ignore-daemonsets to ignore)",
            Class::LocalStorage => {
                "Pods with local storage (use --delete-emptydir-data to override)"
            }
        }
    }
    fn warning(self) -> &'static str {
        match self {
            Class::Unmanaged => "deleting Pods that declare no controller",
            Class::DaemonSet => "ignoring DaemonSet-managed Pods",
            Class::LocalStorage => "deleting Pods with local storage",
        }
    }
}

/// kubectl's `GetPodsForDeletion` for the node.
pub(super) fn pods_for_deletion(
    sim: &Sim,
    node: &str,
    filters: &Filters,
    pod_sel: Option<&LabelSel>,
) -> Listed {
    let mut fatal: Vec<(Class, Vec<String>)> = Vec::new();
    let mut warn: Vec<(Class, Vec<String>)> = Vec::new();
    let mut evict: Vec<ToEvict> = Vec::new();
    let store = sim.store();
    let note = |list: &mut Vec<(Class, Vec<String>)>, c: Class, pod: String| match list
        .iter_mut()
        .find(|(k, _)| *k == c)
    {
        Some((_, v)) => v.push(pod),
        None => list.push((c, vec![pod])),
    };
    for pod in store.pods_on_node(node) {
        if pod_sel.is_some_and(|s| !s.matches(pod.metadata.labels())) {
            continue;
        }
        let id = format!("{}/{}", pod.metadata.namespace, pod.metadata.name);
        if pod
            .metadata
            .annotations()
            .contains_key("kubernetes.io/config.mirror")
        {
            continue;
        }
        let owner = pod.metadata.controller_ref();
        if let Some(o) = owner.filter(|o| o.kind == "DaemonSet") {
            if !pod.is_terminal()
                && store
                    .get::<DaemonSet>(&pod.metadata.namespace, &o.name)
                    .is_some()
            {
                if filters.ignore_ds {
                    note(&mut warn, Class::DaemonSet, id);
                } else {
                    note(&mut fatal, Class::DaemonSet, id);
                }
                continue;
            }
        }
        if !pod.is_terminal() && pod.spec.volumes.iter().any(|v| v.empty_dir.is_some()) {
            if filters.emptydir {
                note(&mut warn, Class::LocalStorage, id.clone());
            } else {
                note(&mut fatal, Class::LocalStorage, id);
                continue;
            }
        }
        if owner.is_none() && !pod.is_terminal() {
            if filters.force {
                note(&mut warn, Class::Unmanaged, id.clone());
            } else {
                note(&mut fatal, Class::Unmanaged, id);
                continue;
            }
        }
        evict.push(ToEvict {
            ns: pod.metadata.namespace.clone(),
            name: pod.metadata.name.clone(),
            uid: pod.metadata.uid.clone(),
        });
    }
    sort_by_key(&mut fatal, |(c, _)| *c);
    sort_by_key(&mut warn, |(c, _)| *c);
    if !fatal.is_empty() {
        return Err(fatal
            .iter()
            .map(|(c, pods)| format!("cannot delete {}: {}", c.fatal(), pods.join(", ")))
            .collect());
    }
    let warning = (!warn.is_empty()).then(|| {
        let parts: Vec<String> = warn
            .iter()
            .map(|(c, pods)| format!("{}: {}", c.warning(), pods.join(", ")))
            .collect();
        format!("Warning: {}\n", parts.join("; "))
    });
    Ok((evict, warning))
}

/// Why the eviction subresource refused a pod.
pub(super) enum Refusal {
    /// 429 TooManyRequests (a PodDisruptionBudget allows no disruption now): kubectl tries
    /// again in 5 s.
    Retry(String),
    /// Any other error (500 for a pod under two budgets): kubectl gives the pod up at once.
    Fatal(String),
}

/// The eviction subresource: allowed when every matching PodDisruptionBudget permits a
/// disruption (and then the budget is spent), refused otherwise.
pub(super) fn try_evict(
    sim: &mut Sim,
    ns: &str,
    pod: &str,
    grace: Option<i64>,
) -> Result<(), Refusal> {
    let Some(p) = sim.store().get::<Pod>(ns, pod).cloned() else {
        return Ok(());
    };
    let pdbs: Vec<PodDisruptionBudget> = sim
        .store()
        .list_in::<PodDisruptionBudget>(ns)
        .filter(|b| {
            b.spec
                .selector
                .as_ref()
                .is_some_and(|s| !s.is_empty() && s.matches(p.metadata.labels()))
        })
        .cloned()
        .collect();
    if pdbs.len() > 1 {
        // pkg/registry/core/pod/storage/eviction.go answers this with a 500.
        return Err(Refusal::Fatal("This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.".into()));
    }
    // Terminal or not-yet-running pods do not count against a budget.
    let counts = p.status.phase == PodPhase::Running;
    if let Some(mut b) = pdbs.into_iter().next().filter(|_| counts) {
        if b.status.disruptions_allowed <= 0 {
            return Err(Refusal::Retry(
                "Cannot evict pod as it would violate the pod's disruption budget.".into(),
            ));
        }
        b.status.disruptions_allowed -= 1;
        sim.update_object(Object::PodDisruptionBudget(b));
    }
    delete_pod(sim, ns, pod, grace);
    Ok(())
}

/// A plain DELETE of the pod (`--disable-eviction`, and an allowed eviction): no budget is
/// looked at; a pod already gone is not an error.
pub(super) fn delete_pod(sim: &mut Sim, ns: &str, pod: &str, grace: Option<i64>) {
    if sim.store().get::<Pod>(ns, pod).is_none() {
        return;
    }
    let key = ObjectKey::new(Kind::Pod, ns, pod);
    sim.delete_object(&key, grace, Propagation::Background);
}

/// kubectl's aggregate error text: the one message, or `[a, b]`.
pub(super) fn aggregate(errors: &[String]) -> String {
    match errors {
        [one] => one.clone(),
        _ => format!("[{}]", errors.join(", ")),
    }
}
