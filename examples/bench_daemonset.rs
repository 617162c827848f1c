//! Benchmark: a DaemonSet spreading over many nodes (5,000 by default), then a rolling update
//! with maxUnavailable 10%. Prints wall time, simulated time, events, reconciles and peak
//! memory (VmHWM from /proc/self/status, Linux only).
//!
//!     cargo run --release --example bench_daemonset [NODES]

use kubeplay::engine::cluster::{add_node, NodeRequest};
use kubeplay::engine::model::{DaemonSet, Kind, Object};
use kubeplay::Sim;
use std::time::Instant;

const MANIFEST: &str = r#"
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: node-agent, namespace: default}
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
        .get::<DaemonSet>("default", "node-agent")
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

fn phase(sim: &mut Sim, label: &str, start_events: usize) {
    let wall = Instant::now();
    let reconciles = sim.reconcile_count();
    let t0 = sim.now();
    let quiet = sim.settle();
    println!(
        "{label:<28} wall {:>8.2?}  simulated {:>8}  quiet {quiet}  status D/C/R/U/A {}  events +{}  reconciles +{}",
        wall.elapsed(),
        (sim.now() - t0).to_string(),
        status(sim),
        sim.store().count(Kind::Event) - start_events,
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
    let events = sim.store().count(Kind::Event);
    sim.create_object(obj);
    phase(&mut sim, "spread to every node", events);

    let events = sim.store().count(Kind::Event);
    if let Some(mut ds) = sim
        .store()
        .get::<DaemonSet>("default", "node-agent")
        .cloned()
    {
        ds.spec.template.spec.containers[0].image = "agent:v2".into();
        sim.update_object(Object::DaemonSet(ds));
    }
    phase(&mut sim, "roll, maxUnavailable 10%", events);

    println!(
        "total wall {:.2?}, {} events stored, {} reconciles, peak memory (VmHWM) {}",
        total.elapsed(),
        sim.store().count(Kind::Event),
        sim.reconcile_count(),
        peak_memory()
    );
}
