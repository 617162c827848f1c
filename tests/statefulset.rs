//! StatefulSet controller behaviour, checked against the v1.36 reference scenarios
//! (shared/reference/v1.36/scenarios/SC-*).
//!
//! `controller` tests the controller alone with a stand-in kubelet; `scenarios` runs the
//! reference scenarios as scripts on the default cluster (real scheduler, kubelet, volumes) and
//! compares event, pod and status sequences with the transcripts of a real v1.36.2 cluster.

#[path = "statefulset/controller.rs"]
mod controller;
#[path = "statefulset/scenarios.rs"]
mod scenarios;
