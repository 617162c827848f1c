//! API errors as the kube-apiserver builds them (`field.Error`, `apierrors.StatusError`) and
//! the text kubectl prints for them.
//!
//! - [`FieldError`] is one cause: a field path (`spec.template.spec.containers[0].image`), a type
//!   (`Required value`, `Invalid value`, ...), the offending value already rendered the way
//!   v1.36 renders it (JSON: `"Web"`, `-1`, `{"app":"bar"}`), a detail, and the manifest line it
//!   points at when the text is known.
//! - [`ApiError`] is what the server answers: a reason (`Invalid`, `BadRequest`...), the kind and
//!   name, the causes, and the server's own `message`.
//! - [`ApiError::kubectl_text`] renders what kubectl prints. Invalid errors print their causes
//!   (`The StatefulSet "web" is invalid: ...`, several causes as `* ...` lines after a first line
//!   ending in `: `), even for `apply`/`create -f`, because kubectl rebuilds the text from the
//!   structured causes; other reasons print `Error from server (Reason): error when creating
//!   "STDIN": <message>` (the "error when ..." part only when a source is given).

use crate::engine::model::Kind;
use serde_json::Value;
use std::fmt;

/// `field.ErrorType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorType {
    NotFound,
    Required,
    Duplicate,
    Invalid,
    NotSupported,
    Forbidden,
    TooLong,
    TooMany,
    Internal,
}

impl ErrorType {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorType::NotFound => "Not found",
            ErrorType::Required => "Required value",
            ErrorType::Duplicate => "Duplicate value",
            ErrorType::Invalid => "Invalid value",
            ErrorType::NotSupported => "Unsupported value",
            ErrorType::Forbidden => "Forbidden",
            ErrorType::TooLong => "Too long",
            ErrorType::TooMany => "Too many",
            ErrorType::Internal => "Internal error",
        }
    }
}

/// One validation failure (`field.Error`).
#[derive(Clone, Debug, PartialEq)]
pub struct FieldError {
    /// `spec.template.spec.containers[0].image`.
    pub path: String,
    pub error_type: ErrorType,
    /// The bad value as v1.36 prints it (JSON), when the error type shows one.
    pub value: Option<String>,
    pub detail: String,
    /// 1-based line of the field in the manifest text, when known.
    pub line: Option<usize>,
}

impl FieldError {
    fn new(path: &str, error_type: ErrorType, value: Option<String>, detail: &str) -> Self {
        FieldError {
            path: path.to_string(),
            error_type,
            value,
            detail: detail.to_string(),
            line: None,
        }
    }
    pub fn required(path: &str, detail: &str) -> Self {
        Self::new(path, ErrorType::Required, None, detail)
    }
    pub fn forbidden(path: &str, detail: &str) -> Self {
        Self::new(path, ErrorType::Forbidden, None, detail)
    }
    /// `value` is already rendered: use [`render_str`], [`render_int`] or [`render_json`].
    pub fn invalid(path: &str, value: String, detail: &str) -> Self {
        Self::new(path, ErrorType::Invalid, Some(value), detail)
    }
    pub fn not_found(path: &str, value: String) -> Self {
        Self::new(path, ErrorType::NotFound, Some(value), "")
    }
    pub fn duplicate(path: &str, value: String) -> Self {
        Self::new(path, ErrorType::Duplicate, Some(value), "")
    }
    /// `Unsupported value: "x": supported values: "a", "b"`.
    pub fn not_supported(path: &str, value: String, supported: &[&str]) -> Self {
        let list: Vec<String> = supported.iter().map(|s| render_str(s)).collect();
        let detail = format!("supported values: {}", list.join(", "));
        Self::new(path, ErrorType::NotSupported, Some(value), &detail)
    }
    pub fn too_long(path: &str, max_bytes: usize) -> Self {
        Self::new(
            path,
            ErrorType::TooLong,
            None,
            &format!("may not be more than {max_bytes} bytes"),
        )
    }
    /// `field.Error.ErrorBody()`: what follows `<path>: `.
    pub fn body(&self) -> String {
        let mut s = self.error_type.as_str().to_string();
        let shows_value = !matches!(
            self.error_type,
            ErrorType::Required | ErrorType::Forbidden | ErrorType::TooLong | ErrorType::Internal
        );
        if shows_value {
            if let Some(v) = &self.value {
                s.push_str(": ");
                s.push_str(v);
            }
        }
        if !self.detail.is_empty() {
            s.push_str(": ");
            s.push_str(&self.detail);
        }
        s
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.body())
    }
}

/// A string value as the API server prints it (`"Web"`).
pub fn render_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
}

/// An integer value (`-1`).
pub fn render_int(i: i64) -> String {
    i.to_string()
}

/// A map or struct value, as JSON (`{"app":"bar"}`) — v1.34+ rendering.
pub fn render_json(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// `metav1.StatusReason` values kubeplay produces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusReason {
    Invalid,
    BadRequest,
    RequestEntityTooLarge,
    AlreadyExists,
    NotFound,
    Conflict,
    Forbidden,
}

impl StatusReason {
    pub fn as_str(self) -> &'static str {
        match self {
            StatusReason::Invalid => "Invalid",
            StatusReason::BadRequest => "BadRequest",
            StatusReason::RequestEntityTooLarge => "RequestEntityTooLarge",
            StatusReason::AlreadyExists => "AlreadyExists",
            StatusReason::NotFound => "NotFound",
            StatusReason::Conflict => "Conflict",
            StatusReason::Forbidden => "Forbidden",
        }
    }
}

/// The server's answer to a refused request (`apierrors.StatusError`).
#[derive(Clone, Debug, PartialEq)]
pub struct ApiError {
    pub reason: StatusReason,
    /// `StatefulSet` (empty when the kind is unknown).
    pub kind: String,
    pub name: String,
    pub causes: Vec<FieldError>,
    /// `Status.message` exactly as the server writes it, e.g.
    /// `StatefulSet.apps "web" is invalid: spec.replicas: Invalid value: -1: must be ...`.
    /// Controllers quote this in events (`FailedCreate ... Pod "web-0" is invalid: ...`).
    pub message: String,
}

impl ApiError {
    /// `apierrors.NewInvalid`: the causes become the message, deduplicated, `[a, b]` when several.
    pub fn invalid(kind: Kind, name: &str, causes: Vec<FieldError>) -> Self {
        let info = kind.info();
        let qualified = if info.group.is_empty() {
            info.name.to_string()
        } else {
            format!("{}.{}", info.name, info.group)
        };
        let mut texts: Vec<String> = Vec::new();
        for c in &causes {
            let t = c.to_string();
            if !texts.contains(&t) {
                texts.push(t);
            }
        }
        let joined = if texts.len() == 1 {
            texts[0].clone()
        } else {
            format!("[{}]", texts.join(", "))
        };
        ApiError {
            reason: StatusReason::Invalid,
            kind: info.name.to_string(),
            name: name.to_string(),
            message: format!("{qualified} {name:?} is invalid: {joined}"),
            causes,
        }
    }

    pub fn bad_request(kind: &str, name: &str, message: String) -> Self {
        ApiError {
            reason: StatusReason::BadRequest,
            kind: kind.to_string(),
            name: name.to_string(),
            causes: vec![],
            message,
        }
    }

    pub fn too_large() -> Self {
        ApiError {
            reason: StatusReason::RequestEntityTooLarge,
            kind: String::new(),
            name: String::new(),
            causes: vec![],
            message: super::limits::too_large_message(),
        }
    }

    /// What kubectl prints (without the final newline). `source` is `Some(("creating", "STDIN"))`
    /// for `create -f`/`apply -f` of a new object, `Some(("patching", file))`..., `None` for
    /// commands without a file (`patch`, `scale`).
    ///
    /// Invalid errors ignore `source`: kubectl's `checkErr` rebuilds them from the causes, which
    /// is why `kubectl apply` shows `The StatefulSet "badsel" is invalid: ...` with no prefix
    /// (f-validation-errors.txt, f1).
    pub fn kubectl_text(&self, source: Option<(&str, &str)>) -> String {
        if self.reason == StatusReason::Invalid {
            return self.invalid_text();
        }
        let message = match source {
            Some((verb, src)) => format!("error when {verb} {src:?}: {}", self.message),
            None => self.message.clone(),
        };
        format!("Error from server ({}): {message}", self.reason.as_str())
    }

    /// `The StatefulSet "web" is invalid: <cause>` or, with several causes, a first line ending in
    /// `: ` and one `* <cause>` line each (identical causes once).
    pub fn invalid_text(&self) -> String {
        let prefix = if self.kind.is_empty() && self.name.is_empty() {
            "The request is invalid".to_string()
        } else {
            format!("The {} {:?} is invalid", self.kind, self.name)
        };
        let mut lines: Vec<String> = Vec::new();
        for c in &self.causes {
            let t = c.to_string();
            if !lines.contains(&t) {
                lines.push(t);
            }
        }
        match lines.len() {
            0 => prefix,
            1 => format!("{prefix}: {}", lines[0]),
            _ => {
                let mut out = format!("{prefix}: ");
                for l in lines {
                    out.push_str("\n* ");
                    out.push_str(&l);
                }
                out
            }
        }
    }

    /// Fills each cause's `line` from a manifest's path index.
    pub fn attach_lines(&mut self, index: &super::lines::LineIndex) {
        for c in &mut self.causes {
            c.line = index.line_of(&super::validation::written_path(&c.path));
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ApiError {}

/// Builds field paths the way `field.Path` prints them: `spec.containers[0].ports[1]`, map
/// keys as `[key]`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FieldPath(String);

impl FieldPath {
    pub fn root(name: &str) -> Self {
        FieldPath(name.to_string())
    }
    pub fn child(&self, name: &str) -> Self {
        if self.0.is_empty() {
            FieldPath(name.to_string())
        } else {
            FieldPath(format!("{}.{name}", self.0))
        }
    }
    pub fn index(&self, i: usize) -> Self {
        FieldPath(format!("{}[{i}]", self.0))
    }
    pub fn key(&self, k: &str) -> Self {
        FieldPath(format!("{}[{k}]", self.0))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
