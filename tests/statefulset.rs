//! StatefulSet controller behaviour, checked against the v1.36 reference scenarios
//! (shared/reference/v1.36/scenarios/SC-*).
//!
//! `controller` and `controller_updates` test the controller alone with the stand-in kubelet of
//! `harness`; `scenarios` runs the reference scenarios as scripts on the default cluster (real
//! scheduler, kubelet, volumes) and compares event, pod and status sequences with the
//! transcripts of a real v1.36.2 cluster.

#[path = "statefulset/controller.rs"]
mod controller;
#[path = "statefulset/controller_updates.rs"]
mod controller_updates;
#[path = "statefulset/harness.rs"]
mod harness;
#[path = "statefulset/policies.rs"]
mod policies;
#[path = "statefulset/scenarios.rs"]
mod scenarios;
