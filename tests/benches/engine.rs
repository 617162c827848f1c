//! Benchmark (not a test): settle 1,000 nodes carrying 10,000 pods, and print wall time,
//! events per second and peak memory. Run with `cargo run --release --example bench_engine`.
//! Goal: each step costs what it touches, not the whole store.

use kubeplay::engine::cluster::{add_node, NodeRequest};
use kubeplay::engine::model::*;
use kubeplay::Sim;
use std::time::Instant;

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() {
    let nodes: u32 = std::env::var("NODES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let pods: u32 = std::env::var("PODS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let start = Instant::now();
    let mut sim = Sim::empty(1);
    for i in 0..nodes {
        add_node(&mut sim, &NodeRequest::worker(&format!("node-{i:04}")));
    }
    sim.settle();
    let nodes_done = start.elapsed();
    for i in 0..pods {
        let mut pod = Pod {
            metadata: ObjectMeta::named("default", &format!("pod-{i:05}")),
            ..Default::default()
        };
        pod.metadata
            .labels_mut()
            .insert("app".into(), "bench".into());
        let mut c = Container {
            name: "app".into(),
            image: "nginx:1.27".into(),
            ..Default::default()
        };
        let mut requests = std::collections::BTreeMap::new();
        requests.insert("cpu".to_string(), Quantity("100m".into()));
        requests.insert("memory".to_string(), Quantity("64Mi".into()));
        c.resources = Some(ResourceRequirements {
            requests: Some(requests),
            ..Default::default()
        });
        pod.spec.containers.push(c);
        sim.create_object(Object::Pod(pod));
    }
    let quiet = sim.settle();
    let wall = start.elapsed();
    let running = sim
        .store()
        .list::<Pod>()
        .filter(|p| p.is_running_and_ready())
        .count();
    let events = sim.store().count(Kind::Event);
    let reconciles = sim.reconcile_count();
    println!("bench_engine: {nodes} nodes, {pods} pods");
    println!(
        "  settled: {quiet}, running+ready pods: {running}, simulated time: {} s",
        sim.now().0 / 1000
    );
    println!(
        "  wall time: {:.2} s (nodes registered in {:.2} s)",
        wall.as_secs_f64(),
        nodes_done.as_secs_f64()
    );
    println!(
        "  events: {events} ({:.0} events/s), reconciles: {reconciles} ({:.0}/s)",
        events as f64 / wall.as_secs_f64(),
        reconciles as f64 / wall.as_secs_f64()
    );
    if let Some(kib) = peak_rss_kib() {
        println!("  peak memory: {:.1} MiB", kib as f64 / 1024.0);
    }
}
