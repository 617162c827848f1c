//! Checks over a recorded watch (see support::watch): the order a learner sees pods appear and
//! go, which is what the guides' "ordered" claims are about.

use super::support::PodRow;

fn find<'a>(snap: &'a [PodRow], name: &str) -> Option<&'a PodRow> {
    snap.iter().find(|r| r.name == name)
}

/// OrderedReady creation: pod N first appears only when pod N-1 is already Running and Ready.
pub fn assert_created_in_order(snaps: &[Vec<PodRow>], set: &str, from: u32, to: u32) {
    for n in from.max(1)..=to {
        let name = format!("{set}-{n}");
        let prev = format!("{set}-{}", n - 1);
        let first = snaps.iter().position(|s| find(s, &name).is_some());
        let Some(first) = first else {
            panic!("{name} never appeared: {snaps:#?}")
        };
        let prev_row = find(&snaps[first], &prev);
        assert!(
            prev_row.is_some_and(PodRow::is_ready),
            "{name} appeared while {prev} was not Running and Ready: {:?}",
            snaps[first]
        );
        if first > 0 {
            assert!(find(&snaps[first - 1], &name).is_none());
        }
    }
}

/// Ordered scale-down: pods `to..=from` go highest ordinal first, and a pod only starts
/// terminating once the one above it is gone.
pub fn assert_deleted_in_reverse_order(snaps: &[Vec<PodRow>], set: &str, from: u32, to: u32) {
    for snap in snaps {
        let terminating: Vec<&str> = snap
            .iter()
            .filter(|r| r.status == "Terminating")
            .map(|r| r.name.as_str())
            .collect();
        assert!(
            terminating.len() <= 1,
            "more than one pod terminating at once: {terminating:?}"
        );
    }
    for n in to..from {
        let lower = format!("{set}-{n}");
        let upper = format!("{set}-{}", n + 1);
        let lower_starts = snaps
            .iter()
            .position(|s| find(s, &lower).is_none_or(|r| r.status == "Terminating"))
            .unwrap_or_else(|| panic!("{lower} was never deleted"));
        assert!(
            find(&snaps[lower_starts], &upper).is_none(),
            "{lower} started terminating while {upper} still existed: {:?}",
            snaps[lower_starts]
        );
    }
}
