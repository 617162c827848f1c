//! kube-scheduler's FailedScheduling text (FitError.Error in pkg/scheduler/framework/types.go),
//! as v1.36 prints it with DynamicResourceAllocation on:
//!
//! * PreFilter rejection: `0/3 nodes are available: <reason>. not found` (the DRA PostFilter
//!   finds no state of its own, because its PreFilter never ran, and fails with "not found").
//! * Filter rejection: `0/3 nodes are available: <histogram>. no new claims to deallocate,
//!   preemption: 0/3 nodes are available: <preemption histogram>.`
//!
//! A histogram is `<count> <reason>` per distinct reason, sorted as plain strings (so
//! `10 ...` sorts before `2 ...`) and joined with ", ".

use std::collections::BTreeMap;

pub const PREEMPTION_NOT_HELPFUL: &str = "Preemption is not helpful for scheduling";
pub const NO_VICTIMS: &str = "No preemption victims found for incoming pod";

/// `<count> <reason>` entries sorted as strings.
pub fn histogram<'a>(reasons: impl IntoIterator<Item = &'a str>) -> String {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for r in reasons {
        *counts.entry(r).or_default() += 1;
    }
    let mut entries: Vec<String> = counts.iter().map(|(r, n)| format!("{n} {r}")).collect();
    crate::engine::stable_sort::sort(&mut entries);
    entries.join(", ")
}

pub fn prefilter_rejection(num_nodes: usize, reason: &str) -> String {
    format!("0/{num_nodes} nodes are available: {reason}. not found")
}

/// `node_reasons`: every reason of every node (absent nodes included); `postfilter`: the
/// preemption plugin's message without its `preemption: ` prefix.
pub fn filter_rejection(num_nodes: usize, node_reasons: &[String], postfilter: &str) -> String {
    let hist = histogram(node_reasons.iter().map(String::as_str));
    let mut msg = format!("0/{num_nodes} nodes are available:");
    if !hist.is_empty() {
        msg.push_str(&format!(" {hist}."));
    }
    msg.push_str(&format!(
        " no new claims to deallocate, preemption: {postfilter}"
    ));
    msg
}

/// The preemption FitError: one entry per node.
pub fn preemption_summary(num_nodes: usize, node_reasons: &[String]) -> String {
    format!(
        "0/{num_nodes} nodes are available: {}.",
        histogram(node_reasons.iter().map(String::as_str))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_sorts_entries_as_strings() {
        let reasons = ["b", "a", "b"]
            .into_iter()
            .chain(std::iter::repeat_n("z", 10));
        assert_eq!(histogram(reasons), "1 a, 10 z, 2 b");
    }

    #[test]
    fn prefilter_message_has_the_trailing_not_found() {
        assert_eq!(
            prefilter_rejection(3, "pod has unbound immediate PersistentVolumeClaims"),
            "0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. not found"
        );
    }
}
