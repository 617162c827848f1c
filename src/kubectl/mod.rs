//! kubectl: tokens and flags -> a typed command -> execution against the engine -> the exact
//! text kubectl v1.36 prints. (Minimal version; the full surface is its own work item.)

use crate::engine::Sim;
use crate::script::Output;

/// Runs one kubectl invocation. `args` excludes the leading `kubectl`; `stdin` carries `-f -`
/// input (heredocs).
pub fn run(sim: &mut Sim, args: &[String], stdin: Option<&str>) -> Output {
    let _ = (sim, stdin);
    Output::error(format!("error: unknown command \"{}\" for \"kubectl\"", args.first().cloned().unwrap_or_default()))
}

/// The STATUS column of `kubectl get pods` (printers.go printPod): the pod's reason, a
/// container's waiting/terminated reason, or `Terminating`.
pub fn pod_status_text(pod: &crate::engine::model::Pod) -> String {
    let mut reason = pod.status.reason.clone().unwrap_or_else(|| pod.status.phase.as_str().to_string());
    for c in pod.status.container_statuses.iter().rev() {
        if let Some(state) = &c.state {
            if let Some(w) = state.waiting.as_ref().and_then(|w| w.reason.clone()) {
                reason = w;
            } else if let Some(t) = &state.terminated {
                reason = t.reason.clone().unwrap_or_else(|| format!("ExitCode:{}", t.exit_code));
            }
        }
    }
    if pod.metadata.deletion_timestamp.is_some() {
        reason = "Terminating".into();
    }
    reason
}
