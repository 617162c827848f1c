//! "moved from kind-worker2": a pod that comes back under the same name on another node (a
//! StatefulSet pod after a drain, a naked pod re-created elsewhere). The engine forgets a
//! deleted pod, so the UI keeps this small memory of where each name last ran and asks it on
//! every render. Observing the same view twice changes nothing.

use super::ClusterView;
use std::collections::BTreeMap;

/// How long (simulated) a pod stays marked as moved.
pub const MOVED_MARK_MS: u64 = 20_000;
/// Names not seen on any node for this long are forgotten (Deployment pods never come back).
const FORGET_MS: u64 = 10 * 60_000;

#[derive(Clone, Debug)]
struct Seen {
    uid: String,
    node: String,
    at_ms: u64,
}

#[derive(Clone, Debug, PartialEq)]
struct Move {
    from: String,
    at_ms: u64,
}

/// Where each `namespace/name` last ran, and the recent moves.
#[derive(Clone, Debug, Default)]
pub struct MoveTracker {
    seen: BTreeMap<String, Seen>,
    /// By the new pod's uid.
    moves: BTreeMap<String, Move>,
    last_ms: u64,
}

impl MoveTracker {
    /// Takes in `view` and returns the pods to mark, by uid: the node each came from. Called on
    /// every redraw, so a pod it already knows costs a lookup, no allocation.
    pub fn observe(&mut self, view: &ClusterView) -> BTreeMap<String, String> {
        let now = view.time_ms;
        if now < self.last_ms {
            // Time went back (reset, replay to an earlier moment): the memory is of a future.
            *self = MoveTracker::default();
        }
        self.last_ms = now;
        // Every pod on a node now, grouped by name (a name can briefly have two pods: one
        // Terminating): (namespace, name, uid, node).
        let mut current: Vec<(&str, &str, &str, &str)> = view
            .nodes
            .iter()
            .flat_map(|lane| {
                lane.pods.iter().map(|p| {
                    (
                        p.namespace.as_str(),
                        p.name.as_str(),
                        p.uid.as_str(),
                        lane.name.as_str(),
                    )
                })
            })
            .collect();
        crate::engine::stable_sort::sort(&mut current);
        let mut key = String::new();
        for group in current.chunk_by(|a, b| (a.0, a.1) == (b.0, b.1)) {
            key.clear();
            key.push_str(group[0].0);
            key.push('/');
            key.push_str(group[0].1);
            let Some(seen) = self.seen.get_mut(key.as_str()) else {
                let (_, _, uid, node) = group[0];
                let seen = Seen {
                    uid: uid.to_string(),
                    node: node.to_string(),
                    at_ms: now,
                };
                self.seen.insert(key.clone(), seen);
                continue;
            };
            // Keep following the pod we know while it is still there.
            let (_, _, uid, node) = group
                .iter()
                .find(|(_, _, uid, _)| *uid == seen.uid)
                .copied()
                .unwrap_or(group[0]);
            if seen.uid != uid && seen.node != node {
                self.moves.insert(
                    uid.to_string(),
                    Move {
                        from: seen.node.clone(),
                        at_ms: now,
                    },
                );
            }
            if seen.uid != uid {
                seen.uid = uid.to_string();
            }
            if seen.node != node {
                seen.node = node.to_string();
            }
            seen.at_ms = now;
        }
        self.seen
            .retain(|_, s| now.saturating_sub(s.at_ms) < FORGET_MS);
        self.moves
            .retain(|_, m| now.saturating_sub(m.at_ms) < MOVED_MARK_MS);
        self.moves
            .iter()
            .map(|(uid, m)| (uid.clone(), m.from.clone()))
            .collect()
    }
}
