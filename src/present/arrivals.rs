//! Tile order in a crowded lane. A lane of chips reads in owner, ordinal, name order
//! (`pod_order`). Drawn as tiles, the names are hidden, and a ReplicaSet's random name suffixes
//! would slot each newly scheduled pod somewhere in the middle of its group: every tile after
//! it moves (and is painted again) and the tile under the pointer changes while pods arrive.
//! So tiles keep the owner groups and StatefulSet ordinals, and within a group keep the order
//! in which the lane first showed each pod: a new pod joins the end of its group.

use super::claims::{pod_order, LaneEntry};
use crate::engine::stable_sort;
use std::collections::BTreeMap;

/// When each pod (or lone claim) was first seen in one lane, by uid.
#[derive(Clone, Debug, Default)]
pub struct ArrivalOrder {
    seen: BTreeMap<String, Seen>,
    next: u64,
    round: u64,
}

#[derive(Clone, Debug)]
struct Seen {
    order: u64,
    round: u64,
}

/// Sorts after every pod group of a namespace, where `lane_entries` puts lone claims.
const AFTER_PODS: &str = "\u{10FFFF}";

impl ArrivalOrder {
    /// `entries` (in `lane_entries` order) in tile order. Entries not seen before are numbered
    /// in the order given; those no longer in the lane are forgotten.
    pub fn arrange<'a>(&mut self, mut entries: Vec<LaneEntry<'a>>) -> Vec<LaneEntry<'a>> {
        self.round += 1;
        let round = self.round;
        let mut order_of = |uid: &str| {
            if let Some(seen) = self.seen.get_mut(uid) {
                seen.round = round;
                return seen.order;
            }
            self.next += 1;
            self.seen.insert(
                uid.to_string(),
                Seen {
                    order: self.next,
                    round,
                },
            );
            self.next
        };
        // Keys in the order given, so new entries are numbered in that order.
        let mut keyed: Vec<_> = entries
            .drain(..)
            .map(|entry| {
                let key = match &entry {
                    LaneEntry::Pod { pod, .. } => {
                        let (namespace, group, ordinal, _name) = pod_order(pod);
                        (namespace, group, ordinal, order_of(&pod.uid))
                    }
                    LaneEntry::Claim(c) => (
                        c.namespace.clone(),
                        AFTER_PODS.to_string(),
                        None,
                        order_of(&c.uid),
                    ),
                };
                (key, entry)
            })
            .collect();
        stable_sort::sort_by(&mut keyed, |a, b| a.0.cmp(&b.0));
        entries.extend(keyed.into_iter().map(|(_, entry)| entry));
        self.seen.retain(|_, s| s.round == round);
        entries
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::model::PodPhase;
    use crate::present::{lane_entries, NodeLane, PodChip};

    fn pod(name: &str, owner: (&str, &str)) -> PodChip {
        PodChip {
            uid: format!("uid-{name}"),
            namespace: "default".into(),
            name: name.into(),
            phase: PodPhase::Running,
            status: "Running".into(),
            ready: true,
            owner_kind: Some(owner.0.into()),
            owner_name: Some(owner.1.into()),
            reason: None,
            deletion_ms: None,
            grace_ms: None,
        }
    }

    fn lane(pods: Vec<PodChip>) -> NodeLane {
        NodeLane {
            name: "kind-worker".into(),
            roles: Vec::new(),
            ready: true,
            cordoned: false,
            labels: Vec::new(),
            taints: Vec::new(),
            pods,
            usage: Vec::new(),
            claims: Vec::new(),
        }
    }

    fn names(order: &mut ArrivalOrder, lane: &NodeLane) -> Vec<String> {
        order
            .arrange(lane_entries(lane, |_| true))
            .iter()
            .map(|e| match e {
                LaneEntry::Pod { pod, .. } => pod.name.clone(),
                LaneEntry::Claim(c) => c.name.clone(),
            })
            .collect()
    }

    #[test]
    fn a_new_pod_joins_the_end_of_its_group_and_ordinals_keep_their_place() {
        let rs = ("ReplicaSet", "fleet-7d9f");
        let sts = ("StatefulSet", "web");
        let mut pods = vec![
            pod("fleet-7d9f-zk2lq", rs),
            pod("fleet-7d9f-b4x9m", rs),
            pod("web-0", sts),
            pod("web-2", sts),
        ];
        let mut order = ArrivalOrder::default();
        // First seen: the chips' order.
        assert_eq!(
            names(&mut order, &lane(pods.clone())),
            ["fleet-7d9f-b4x9m", "fleet-7d9f-zk2lq", "web-0", "web-2"]
        );
        // A ReplicaSet pod whose name sorts in the middle joins the end of its group; a
        // StatefulSet ordinal still goes to its place.
        pods.push(pod("fleet-7d9f-mmmmm", rs));
        pods.push(pod("web-1", sts));
        assert_eq!(
            names(&mut order, &lane(pods.clone())),
            [
                "fleet-7d9f-b4x9m",
                "fleet-7d9f-zk2lq",
                "fleet-7d9f-mmmmm",
                "web-0",
                "web-1",
                "web-2"
            ]
        );
        // A pod that left and came back is new again.
        pods.retain(|p| p.name != "fleet-7d9f-b4x9m");
        names(&mut order, &lane(pods.clone()));
        pods.push(pod("fleet-7d9f-b4x9m", rs));
        assert_eq!(
            names(&mut order, &lane(pods))[..3],
            ["fleet-7d9f-zk2lq", "fleet-7d9f-mmmmm", "fleet-7d9f-b4x9m"]
        );
    }
}
