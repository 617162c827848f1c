//! Small text and colour decisions shared by components.

use crate::engine::model::PodPhase;
use crate::present::PodChip;

/// The colour family of a pod chip (a CSS class suffix).
pub fn pod_tone(chip: &PodChip) -> &'static str {
    let s = chip.status.as_str();
    if s == "Terminating" {
        return "terminating";
    }
    let failing = matches!(chip.phase, PodPhase::Failed)
        || s.contains("Err")
        || s.contains("BackOff")
        || s == "Error"
        || s.starts_with("Init:Error")
        || s.starts_with("ExitCode")
        || s == "Evicted";
    if failing {
        return "bad";
    }
    match chip.phase {
        PodPhase::Running if chip.ready => "ok",
        PodPhase::Running => "warn",
        PodPhase::Succeeded => "done",
        PodPhase::Pending | PodPhase::Unknown | PodPhase::Other(_) => "pending",
        PodPhase::Failed => "bad",
    }
}

/// Simulated time for the clock: `0s`, `1m05s`, `2h03m10s`.
pub fn clock(ms: u64) -> String {
    let secs = ms / 1000;
    let (h, m, s) = (secs / 3600, (secs / 60) % 60, secs % 60);
    let tenths = (ms % 1000) / 100;
    let frac = if tenths > 0 {
        format!(".{tenths}")
    } else {
        String::new()
    };
    if h > 0 {
        format!("{h}h{m:02}m{s:02}{frac}s")
    } else if m > 0 {
        format!("{m}m{s:02}{frac}s")
    } else {
        format!("{s}{frac}s")
    }
}
