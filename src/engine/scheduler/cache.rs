//! The scheduler's cache of what each node holds (kube-scheduler's NodeInfo): allocatable and
//! the summed requests, pod count and host ports of the non-terminal pods bound to it.
//! It is kept up to date from every pod and node change (watch.rs), so a scheduling attempt
//! costs the number of nodes, not the number of pods in the cluster.

use super::usage::{Allocatable, Usage};
use crate::engine::model::{Node, Pod};
use std::collections::BTreeMap;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct NodeInfo {
    pub allocatable: Allocatable,
    pub used: Usage,
}

#[derive(Clone, Debug, Default)]
pub struct NodeInfoCache {
    nodes: BTreeMap<String, NodeInfo>,
}

/// Whether a pod holds resources on its node: bound and not finished. (The scheduler's pod
/// informer filters out Succeeded and Failed pods the same way.)
fn holds_resources(pod: &Pod) -> Option<&str> {
    pod.node_name().filter(|_| !pod.is_terminal())
}

impl NodeInfoCache {
    /// What `node` holds; an unknown node holds nothing.
    pub fn get(&self, node: &str) -> Option<&NodeInfo> {
        self.nodes.get(node)
    }

    pub fn node_changed(&mut self, old: Option<&Node>, new: Option<&Node>) {
        match new {
            Some(n) => {
                let entry = self.nodes.entry(n.metadata.name.clone()).or_default();
                entry.allocatable = Allocatable::compute(n);
            }
            None => {
                if let Some(o) = old {
                    // Pods of a deleted node stay bound until pod GC; keep their usage but drop
                    // the allocatable so nothing can fit there.
                    if let Some(entry) = self.nodes.get_mut(&o.metadata.name) {
                        entry.allocatable = Allocatable::default();
                        if entry.used.pods == 0 {
                            self.nodes.remove(&o.metadata.name);
                        }
                    }
                }
            }
        }
    }

    pub fn pod_changed(&mut self, old: Option<&Pod>, new: Option<&Pod>) {
        let before = old.and_then(|p| holds_resources(p).map(|n| (n, p)));
        let after = new.and_then(|p| holds_resources(p).map(|n| (n, p)));
        if let (Some((nb, pb)), Some((na, pa))) = (before, after) {
            // Requests and ports cannot change on a bound pod except through resize, which is
            // rare; skip the work when nothing relevant moved.
            if nb == na
                && pb.spec.containers == pa.spec.containers
                && pb.spec.init_containers == pa.spec.init_containers
            {
                return;
            }
        }
        if let Some((node, pod)) = before {
            if let Some(entry) = self.nodes.get_mut(node) {
                entry.used.subtract(&Usage::of_pod(pod));
            }
        }
        if let Some((node, pod)) = after {
            self.nodes
                .entry(node.to_string())
                .or_default()
                .used
                .add(&Usage::of_pod(pod));
        }
    }
}
