//! A node lane's cpu / memory / pod meters: the requests of the node's non-terminated pods
//! against its allocatable, exactly as `kubectl describe node` prints them under "Allocated
//! resources" (the figures come from `kubectl::allocated`, not from a second computation).

use crate::engine::model::Node;
use crate::engine::Sim;
use crate::kubectl::allocated::{allocated, cpu_text, memory_text, percent};

/// One meter: `cpu 850m/4 (21%)`.
#[derive(Clone, Debug, PartialEq)]
pub struct UsageMeter {
    /// `cpu`, `memory` or `pods`.
    pub resource: &'static str,
    /// What is requested (or, for pods, how many run), as describe prints it.
    pub used: String,
    /// The node's allocatable amount.
    pub capacity: String,
    /// describe's percentage (truncated, as `int64(fraction)` does).
    pub percent: i64,
    /// The exact share, 0.0..=1.0, for the bar (describe's 0% may still be a visible sliver).
    pub fill: f64,
}

impl UsageMeter {
    /// The meter's text, e.g. `cpu 850m/4 (21%)`.
    pub fn text(&self) -> String {
        format!(
            "{} {}/{} ({}%)",
            self.resource, self.used, self.capacity, self.percent
        )
    }

    /// The figures in words, e.g. `850m of 4 (21%)`.
    pub fn value_text(&self) -> String {
        format!("{} of {} ({}%)", self.used, self.capacity, self.percent)
    }
}

fn meter(
    resource: &'static str,
    used: i128,
    capacity: i128,
    text: fn(i128) -> String,
) -> UsageMeter {
    UsageMeter {
        resource,
        used: text(used),
        capacity: text(capacity),
        percent: percent(used, capacity) as i64,
        fill: if capacity > 0 {
            (used as f64 / capacity as f64).clamp(0.0, 1.0)
        } else {
            0.0
        },
    }
}

fn count_text(milli: i128) -> String {
    (milli / 1000).to_string()
}

/// cpu and memory requests, and the pod count against the `pods` allocatable.
pub fn node_usage(sim: &Sim, node: &Node) -> Vec<UsageMeter> {
    let alloc = allocated(sim, node);
    let pods = alloc.pods.len() as i128 * 1000;
    vec![
        meter("cpu", alloc.cpu_requests, alloc.allocatable_cpu, cpu_text),
        meter(
            "memory",
            alloc.memory_requests,
            alloc.allocatable_memory,
            memory_text,
        ),
        meter("pods", pods, node.allocatable_milli("pods"), count_text),
    ]
}
