//! One document of a manifest, its problems, and how kubectl prints them.

use super::errors::{ApiError, StatusReason};
use super::lines::LineIndex;
use crate::engine::model::Object;

/// One YAML document of a manifest.
#[derive(Clone, Debug)]
pub struct Document {
    /// 0-based position in the stream (counting empty documents).
    pub index: usize,
    /// 1-based line where the document's content starts in the whole text (its first line that
    /// is not blank or a comment), for showing errors inline.
    pub line: usize,
    pub object: Result<Object, ManifestError>,
    /// What kubectl prints after `Warning: ` with `--validate=warn`: `unknown field
    /// "spec.replica"` (and, for JSON documents only, `duplicate field "spec.replicas"`). Those
    /// fields are dropped. kubectl's default `--validate=strict` refuses such a document
    /// instead: see [`Document::strict_error`].
    pub warnings: Vec<String>,
    /// Unknown field paths, as in the warnings.
    pub unknown_fields: Vec<String>,
    /// Repeated keys, as paths; the last value wins. In a YAML document real kubectl says
    /// nothing about them (its YAML-to-JSON step drops the earlier values silently), so they are
    /// not in `warnings`: an editor hint, not kubectl output.
    pub duplicate_fields: Vec<String>,
    /// Field path -> line, for pointing validation errors at their line.
    pub paths: LineIndex,
    /// The object exactly as written (JSON, before decoding and defaults), as kubectl sends it:
    /// what `kubectl.kubernetes.io/last-applied-configuration` records. For a `kind: List`
    /// this is the item. Null for a document that failed to parse.
    pub raw: serde_json::Value,
}

impl Document {
    /// The line of a field path in this document (`spec.template.spec.containers[0].image`), or
    /// of its nearest ancestor that has one.
    pub fn line_of(&self, path: &str) -> Option<usize> {
        self.paths.line_of(path)
    }

    /// The server's refusal under kubectl's default `--validate=strict` when the document has
    /// unknown or repeated fields: `StatefulSet in version "v1" cannot be handled as a
    /// StatefulSet: strict decoding error: unknown field "spec.replica"`.
    pub fn strict_error(&self) -> Option<ApiError> {
        let obj = self.object.as_ref().ok()?;
        if self.warnings.is_empty() {
            return None;
        }
        let info = obj.kind().info();
        let message = format!(
            "{} in version {:?} cannot be handled as a {}: strict decoding error: {}",
            info.name,
            info.version,
            info.name,
            self.warnings.join(", ")
        );
        let mut e = ApiError::bad_request(info.name, &obj.meta().name, message);
        e.reason = StatusReason::BadRequest;
        Some(e)
    }

    /// The error kubectl prints for this document under `--validate=false`, where its own
    /// apiVersion/kind check is skipped and the decoder complains instead
    /// (`error: unable to decode "STDIN": Object 'Kind' is missing in '{...}'`). `None` when
    /// that flag changes nothing for this document.
    pub fn unvalidated_error(&self, source: &str) -> Option<String> {
        let err = self.object.as_ref().err()?;
        if err.kind != ManifestErrorKind::Schema || !self.raw.is_object() {
            return None;
        }
        let has = |k: &str| {
            self.raw
                .get(k)
                .and_then(|v| v.as_str())
                .is_some_and(|v| !v.is_empty())
        };
        let missing = if !has("kind") {
            "Kind"
        } else if !has("apiVersion") {
            "apiVersion"
        } else {
            return None;
        };
        let json = serde_json::to_string(&self.raw).unwrap_or_default();
        Some(format!(
            "error: unable to decode {source:?}: Object '{missing}' is missing in '{json}'"
        ))
    }

    /// Defaults a copy of the object and validates it for create, each cause pointed at its
    /// line in the text (`Ok` when the document did not decode: that error is `object`'s).
    pub fn validate_create(&self) -> Result<(), ApiError> {
        let Ok(obj) = &self.object else { return Ok(()) };
        let mut obj = obj.clone();
        super::defaults::apply_defaults(&mut obj);
        super::validation::validate_create(&obj).map_err(|mut e| {
            e.attach_lines(&self.paths);
            e
        })
    }
}

/// Why a document could not become an object.
#[derive(Clone, Debug, PartialEq)]
pub enum ManifestErrorKind {
    /// YAML syntax (kubectl: `error: error parsing STDIN: <message>`).
    Syntax,
    /// kubectl's client-side check: apiVersion/kind missing, not a mapping
    /// (`error: error validating "STDIN": <message>`).
    Schema,
    /// Unknown apiVersion/kind (`error: resource mapping not found for name: ...`).
    NoKindMatch { name: Box<str>, namespace: Box<str> },
    /// The server could not decode it (wrong types): `Error from server (BadRequest): ...`.
    BadRequest,
    /// Over the 3 MiB request limit.
    TooLarge,
    /// A built-in kind a real cluster accepts but kubeplay does not simulate (Job, Ingress...):
    /// kubeplay's own message, never a fake "no matches for kind".
    Unsupported,
}

/// A document that is not an object, with kubectl's wording.
#[derive(Clone, Debug, PartialEq)]
pub struct ManifestError {
    /// The message without the source-dependent prefix kubectl adds (see `kubectl_text`).
    pub message: String,
    /// 1-based line and column in the whole text, when known.
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub kind: ManifestErrorKind,
    /// The field at fault (`spec.replicas`) for a wrong-type error.
    pub path: Option<String>,
}

impl ManifestError {
    pub fn new(kind: ManifestErrorKind, message: String) -> Self {
        ManifestError {
            message,
            line: None,
            column: None,
            kind,
            path: None,
        }
    }

    /// What kubectl prints for this document read from `source` (`STDIN` or the file name),
    /// when it would create the object.
    pub fn kubectl_text(&self, source: &str) -> String {
        self.kubectl_text_for("creating", source)
    }

    /// As [`ManifestError::kubectl_text`], with the verb of kubectl's "error when <verb>"
    /// wrapper of server errors (`creating`, `replacing`, `patching`).
    pub fn kubectl_text_for(&self, verb: &str, source: &str) -> String {
        match &self.kind {
            ManifestErrorKind::Syntax => format!("error: error parsing {source}: {}", self.message),
            ManifestErrorKind::Schema => format!("error: error validating {source:?}: {}", self.message),
            ManifestErrorKind::NoKindMatch { name, namespace } => format!(
                "error: resource mapping not found for name: {name:?} namespace: {namespace:?} from {source:?}: {}\nensure CRDs are installed first",
                self.message
            ),
            ManifestErrorKind::BadRequest => {
                format!("Error from server (BadRequest): error when {verb} {source:?}: {}", self.message)
            }
            ManifestErrorKind::Unsupported => format!("error: {}", self.message),
            ManifestErrorKind::TooLarge => {
                format!("Error from server (RequestEntityTooLarge): error when {verb} {source:?}: {}", self.message)
            }
        }
    }

    /// kubectl stops reading a stream at a syntax error (documents before it are applied).
    pub fn stops_stream(&self) -> bool {
        self.kind == ManifestErrorKind::Syntax
    }
}

impl std::fmt::Display for ManifestError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}
