//! Go string "enums" (`type RestartPolicy string`): the API server decodes any string into them
//! and refuses the unknown ones here, in validation, with `Required value` for an empty one and
//! `Unsupported value: "x": supported values: ...` otherwise. The list is passed in the order
//! upstream passes it: some call sites list the constants by hand (dnsPolicy, restartPolicy,
//! taint effects), others sort a set (`sets.List`: protocols, service type, schemes).

use super::super::errors::{render_str, FieldError};

/// `switch v { case known...: ; case "": Required; default: NotSupported }`.
pub fn require_supported(path: &str, value: &str, supported: &[&str], errs: &mut Vec<FieldError>) {
    if value.is_empty() {
        errs.push(FieldError::required(path, ""));
    } else {
        check_supported(path, value, supported, errs);
    }
}

/// `if !supported.Has(v) { NotSupported }` (an empty value is simply not supported).
pub fn check_supported(path: &str, value: &str, supported: &[&str], errs: &mut Vec<FieldError>) {
    if !supported.contains(&value) {
        errs.push(FieldError::not_supported(
            path,
            render_str(value),
            supported,
        ));
    }
}

/// The `dnsPolicy` list, in `validateDNSPolicy`'s hand-written order (not sorted).
pub const DNS_POLICIES: &[&str] = &["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"];
pub const RESTART_POLICIES: &[&str] = &["Always", "OnFailure", "Never"];
pub const PULL_POLICIES: &[&str] = &["Always", "IfNotPresent", "Never"];
pub const TERMINATION_MESSAGE_POLICIES: &[&str] = &["File", "FallbackToLogsOnError"];
pub const PREEMPTION_POLICIES: &[&str] = &["PreemptLowerPriority", "Never"];
/// `sets.List(supportedPortProtocols)`: sorted.
pub const PORT_PROTOCOLS: &[&str] = &["SCTP", "TCP", "UDP"];
/// `sets.List(supportedHTTPSchemes)`: sorted.
pub const HTTP_SCHEMES: &[&str] = &["HTTP", "HTTPS"];
