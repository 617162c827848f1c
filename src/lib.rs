//! kubeplay: a Kubernetes workload playground.
//!
//! - `engine`: the deterministic simulated cluster (no UI, no clock, no OS randomness).
//! - `kubectl`: command line -> typed command -> execution -> kubectl-identical text.
//! - `script`: the script language (kubectl lines, `sim` verbs, heredocs) and sessions.
//! - `present`: engine state -> plain view structs the UI renders (native, testable).
//! - `ui`: the Yew front end (wasm32 only).
//!
//! Determinism: same seed + same script => byte-identical transcript on native and wasm32.

pub mod engine;
pub mod highlight;
pub mod kubectl;
pub mod present;
pub mod script;

#[cfg(target_arch = "wasm32")]
pub mod ui;

pub use engine::Sim;
pub use script::{Output, Session};
