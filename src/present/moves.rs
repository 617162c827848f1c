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

/// Where each (namespace, name) last ran, and the recent moves.
#[derive(Clone, Debug, Default)]
pub struct MoveTracker {
    seen: BTreeMap<(String, String), Seen>,
    /// By the new pod's uid.
    moves: BTreeMap<String, Move>,
    last_ms: u64,
}

impl MoveTracker {
    /// Takes in `view` and returns the pods to mark, by uid: the node each came from.
    pub fn observe(&mut self, view: &ClusterView) -> BTreeMap<String, String> {
        let now = view.time_ms;
        if now < self.last_ms {
            // Time went back (reset, replay to an earlier moment): the memory is of a future.
            *self = MoveTracker::default();
        }
        self.last_ms = now;
        // Every pod on a node now, by name (a name can briefly have two pods: one Terminating).
        let mut current: BTreeMap<(String, String), Vec<(&str, &str)>> = BTreeMap::new();
        for lane in &view.nodes {
            for pod in &lane.pods {
                current
                    .entry((pod.namespace.clone(), pod.name.clone()))
                    .or_default()
                    .push((pod.uid.as_str(), lane.name.as_str()));
            }
        }
        for (key, pods) in current {
            let known = self.seen.get(&key);
            // Keep following the pod we know while it is still there.
            let (uid, node) = match known {
                Some(s) => pods
                    .iter()
                    .find(|(uid, _)| *uid == s.uid)
                    .copied()
                    .unwrap_or(pods[0]),
                None => pods[0],
            };
            if let Some(s) = known {
                if s.uid != uid && s.node != node {
                    self.moves.insert(
                        uid.to_string(),
                        Move {
                            from: s.node.clone(),
                            at_ms: now,
                        },
                    );
                }
            }
            self.seen.insert(
                key,
                Seen {
                    uid: uid.to_string(),
                    node: node.to_string(),
                    at_ms: now,
                },
            );
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
