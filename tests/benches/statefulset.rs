//! Benchmark: a 1,000-replica OrderedReady StatefulSet (one claim per pod) created on the
//! default cluster and settled until every pod is Ready.
//!
//! Run with `cargo run --release --example bench_statefulset [REPLICAS]`. Prints wall time,
//! simulated time, events recorded and reconciles run.

use kubeplay::engine::model::{Event, Object, StatefulSet};
use kubeplay::engine::time::SimDuration;
use kubeplay::Sim;
use std::time::Instant;

fn main() {
    let replicas: i32 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1000);
    // Each node takes 110 pods (kubelet maxPods) including its kube-system daemons, so the
    // default three workers stop an ordered set at about 322 pods: add workers to fit the set.
    let workers = (replicas.max(0) as u32).div_ceil(100).max(3);
    let mut sim = Sim::with_workers(1, workers);
    // 1,000 ordered pods take well over the default one-hour settle limit of simulated time.
    sim.config_mut().settle_limit = SimDuration::from_secs(48 * 3600);
    let set: StatefulSet = serde_json::from_value(serde_json::json!({
        "apiVersion": "apps/v1", "kind": "StatefulSet",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {
            "serviceName": "nginx",
            "replicas": replicas,
            "selector": {"matchLabels": {"app": "nginx"}},
            "template": {
                "metadata": {"labels": {"app": "nginx"}},
                "spec": {"containers": [{
                    "name": "nginx", "image": "registry.k8s.io/nginx-slim:0.24",
                    "volumeMounts": [{"name": "www", "mountPath": "/usr/share/nginx/html"}]
                }]}
            },
            "volumeClaimTemplates": [{
                "metadata": {"name": "www"},
                "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}
            }]
        }
    }))
    .expect("benchmark manifest decodes");
    let (start_sim, start_reconciles) = (sim.now(), sim.reconcile_count());
    let wall = Instant::now();
    sim.create_object(Object::StatefulSet(set));
    let quiet = sim.settle();
    let elapsed = wall.elapsed();
    let status = &sim
        .store()
        .get::<StatefulSet>("default", "web")
        .expect("set exists")
        .status;
    let events: i64 = sim
        .store()
        .list_in::<Event>("default")
        .map(|e| i64::from(e.count))
        .sum();
    let simulated = SimDuration::from_millis(sim.now().0 - start_sim.0);
    println!(
        "statefulset web: {replicas} replicas, OrderedReady, one claim each, {workers} workers"
    );
    println!(
        "settled:        {quiet} (ready {}/{replicas})",
        status.ready_replicas
    );
    println!("wall time:      {:.2} s", elapsed.as_secs_f64());
    println!("simulated time: {simulated} ({} s)", simulated.as_secs());
    println!("events:         {events} (in namespace default, counting repeats)");
    println!(
        "reconciles:     {}",
        sim.reconcile_count() - start_reconciles
    );
}
