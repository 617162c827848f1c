//! Benchmark: a DaemonSet spreading over many nodes (5,000 by default), then a rolling update
//! with maxUnavailable 10%. Prints wall time, simulated time, events, reconciles and peak
//! memory (VmHWM from /proc/self/status, Linux only).
//!
//!     cargo run --release --example bench_daemonset [NODES]

use kubeplay::engine::cluster::{add_node, NodeRequest};
use kubeplay::engine::model::{DaemonSet, Event, Object};
use kubeplay::Sim;
use std::time::Instant;

const MANIFEST: &str = r#"
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: node-agent, namespace: kube-system}
spec:
  updateStrategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: 10%}}
  selector: {matchLabels: {app: node-agent}}
  template:
    metadata: {labels: {app: node-agent}}
    spec:
      containers:
      - {name: agent, image: "agent:v1", resources: {requests: {cpu: 10m, memory: 16Mi}}}
"#;

fn peak_memory() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l.trim_start_matches("VmHWM:").trim().to_string())
        })
        .unwrap_or_else(|| "n/a".into())
}

fn status(sim: &Sim) -> String {
    let ds = sim
        .store()
        .get::<DaemonSet>("kube-system", "node-agent")
        .map(|d| d.status.clone())
        .unwrap_or_default();
    format!(
        "{}/{}/{}/{}/{}",
        ds.desired_number_scheduled,
        ds.current_number_scheduled,
        ds.number_ready,
        ds.updated_number_scheduled,
        ds.number_available
    )
}

/// Events recorded (an aggregated Event object counts each occurrence).
fn events(sim: &Sim) -> i64 {
    sim.store()
        .list::<Event>()
        .map(|e| i64::from(e.count.max(1)))
        .sum()
}

fn phase(sim: &mut Sim, label: &str, start_events: i64) {
    let wall = Instant::now();
    let reconciles = sim.reconcile_count();
    let t0 = sim.now();
    let quiet = sim.settle();
    println!(
        "{label:<28} wall {:>8.2?}  simulated {:>8}  quiet {quiet}  status D/C/R/U/A {}  events +{}  reconciles +{}",
        wall.elapsed(),
        (sim.now() - t0).to_string(),
        status(sim),
        events(sim) - start_events,
        sim.reconcile_count() - reconciles,
    );
}

fn main() {
    let nodes: u32 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(5000);
    let total = Instant::now();
    let mut sim = Sim::empty(1);
    let wall = Instant::now();
    for i in 1..=nodes {
        add_node(&mut sim, &NodeRequest::worker(&format!("node-{i:05}")));
    }
    sim.settle();
    println!(
        "{:<28} wall {:>8.2?}  ({nodes} nodes)",
        "add nodes",
        wall.elapsed()
    );

    let docs = kubeplay::engine::manifest::parse_documents(MANIFEST).expect("manifest parses");
    let mut obj = docs
        .into_iter()
        .next()
        .and_then(|d| d.object.ok())
        .expect("a DaemonSet");
    kubeplay::engine::manifest::apply_defaults(&mut obj);
    let before = events(&sim);
    sim.create_object(obj);
    phase(&mut sim, "spread to every node", before);

    let before = events(&sim);
    if let Some(mut ds) = sim
        .store()
        .get::<DaemonSet>("kube-system", "node-agent")
        .cloned()
    {
        ds.spec.template.spec.containers[0].image = "agent:v2".into();
        sim.update_object(Object::DaemonSet(ds));
    }
    phase(&mut sim, "roll, maxUnavailable 10%", before);

    println!(
        "total wall {:.2?}, {} events recorded, {} reconciles, peak memory (VmHWM) {}",
        total.elapsed(),
        events(&sim),
        sim.reconcile_count(),
        peak_memory()
    );
}
