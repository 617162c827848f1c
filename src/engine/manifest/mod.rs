//! Manifest text -> validated, defaulted typed objects, with the API server's wording.
//!
//! The pipeline a manifest goes through, and who calls what:
//!
//! 1. [`parse_documents`] (kubectl's side): splits the text at `---` lines, parses each document
//!    on its own ([`yaml`], on libyaml with go-yaml v2's rules), checks apiVersion/kind and decodes
//!    the typed object ([`decode`]). Each [`Document`] carries its start line, its object or a
//!    [`ManifestError`] (render with [`ManifestError::kubectl_text`]`(source)`; a syntax error
//!    [`ManifestError::stops_stream`] as kubectl stops there), unknown-field warnings (with
//!    kubectl's default `--validate=strict` those are an error instead:
//!    [`Document::strict_error`]), repeated keys (an editor hint), the object as written
//!    ([`Document::raw`], keys sorted as kubectl sends them: use it for
//!    `last-applied-configuration`) and a path -> line index ([`lines`]). `kind: List` items
//!    become documents of their own. Input over 3 MiB is refused whole ([`limits`]).
//! 2. [`prepare_for_create`] (the API server, on create: drops client-sent status, then
//!    defaults) or [`prepare_for_update`] (on update: keeps the stored status, then defaults;
//!    [`apply_defaults`] alone where no status can change): the v1.36 defaults, so
//!    `kubectl get -o yaml` shows what a real cluster shows.
//! 3. [`validate_create`] / [`validate_update`] (the API server, after defaulting): `Err` is an
//!    [`ApiError`] with structured causes; [`ApiError::kubectl_text`] prints what kubectl prints
//!    (`The StatefulSet "web" is invalid: ...`; other reasons as `Error from server (Reason):
//!    error when creating "STDIN": ...`); [`Document::validate_create`] also fills each cause's
//!    line; [`ApiError::message`] is the server's message that controllers quote in events.

pub mod decode;
pub mod defaults;
pub mod document;
pub mod errors;
pub mod gotypes;
mod json_stream;
pub mod limits;
pub mod lines;
pub mod priority;
mod service_update;
pub mod validation;
pub mod yaml;

pub use defaults::{apply_defaults, prepare_for_create, prepare_for_update};
pub use document::{Document, ManifestError, ManifestErrorKind};
pub use errors::{ApiError, ErrorType, FieldError, StatusReason};
pub use lines::LineIndex;
pub use validation::names::validate_dns1123_subdomain;
pub use validation::{validate_create, validate_update};

/// Splits a multi-document manifest and decodes each document. `Err` only when the whole text
/// is refused (over the API server's 3 MiB request limit); every other problem belongs to one
/// document, and the documents after it are still decoded.
pub fn parse_documents(text: &str) -> Result<Vec<Document>, ManifestError> {
    if text.len() > limits::MAX_REQUEST_BYTES {
        return Err(ManifestError::new(
            ManifestErrorKind::TooLarge,
            limits::too_large_message(),
        ));
    }
    if json_stream::is_json_stream(text) {
        return Ok(json_documents(text));
    }
    let mut docs = Vec::new();
    for (index, chunk) in yaml::split_documents(text).into_iter().enumerate() {
        chunk_documents(index, &chunk, &mut docs);
    }
    Ok(docs)
}

/// A stream kubectl reads as JSON: one value after another, each a document; a syntax error
/// ends the stream (the values before it still count, as they do for kubectl).
fn json_documents(text: &str) -> Vec<Document> {
    let (values, error) = json_stream::split_values(text);
    let line_at = |byte: usize| text[..byte.min(text.len())].matches('\n').count() + 1;
    let mut docs = Vec::new();
    for (index, range) in values.iter().enumerate() {
        let line = line_at(range.start);
        let chunk = yaml::Chunk {
            text: &text[range.clone()],
            first_line: line,
            content_line: line,
            bad_separator: None,
        };
        chunk_documents(index, &chunk, &mut docs);
    }
    if let Some(e) = error {
        let before = &text[..e.at.min(text.len())];
        let line = line_at(e.at);
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        docs.push(syntax_error_document(
            values.len(),
            line,
            e.message,
            Some(line),
            Some(column),
        ));
    }
    docs
}

/// A document that did not parse: the error where it is, nothing decoded.
fn syntax_error_document(
    index: usize,
    line: usize,
    message: String,
    error_line: Option<usize>,
    column: Option<usize>,
) -> Document {
    let mut err = ManifestError::new(ManifestErrorKind::Syntax, message);
    err.line = error_line;
    err.column = column;
    Document {
        index,
        line,
        object: Err(err),
        warnings: vec![],
        unknown_fields: vec![],
        duplicate_fields: vec![],
        paths: LineIndex::default(),
        raw: serde_json::Value::Null,
    }
}

/// The documents of one chunk of the stream (a `kind: List` gives one per item).
fn chunk_documents(index: usize, chunk: &yaml::Chunk<'_>, docs: &mut Vec<Document>) {
    let parsed = match yaml::parse_chunk(chunk) {
        Ok(p) => p,
        Err(e) => {
            docs.push(syntax_error_document(
                index,
                chunk.content_line,
                e.message,
                e.line,
                e.column,
            ));
            return;
        }
    };
    // Empty and comment-only documents are skipped, as kubectl skips them.
    if parsed.value.is_null() {
        return;
    }
    let paths = LineIndex::build(chunk.text, chunk.first_line);
    // `kubectl get -o yaml` of several objects prints a `kind: List`; kubectl sends its items.
    if let Some(items) = list_items(&parsed.value) {
        for (i, item) in items.iter().enumerate() {
            let prefix = format!("items[{i}]");
            let line = paths.line_of(&prefix).unwrap_or(chunk.content_line);
            let item_paths = paths.subtree(&prefix);
            docs.push(decode_document(
                index,
                line,
                item.clone(),
                vec![],
                item_paths,
            ));
        }
        return;
    }
    // kubectl turns YAML into JSON before sending it, and that conversion keeps the last of
    // repeated keys without a word; only a JSON document reaches the server with its
    // repeats, which the server reports (`duplicate field "spec.replicas"`).
    let is_json = json_stream::is_json_stream(chunk.text);
    let mut doc = decode_document(
        index,
        chunk.content_line,
        parsed.value,
        if is_json {
            parsed.duplicate_paths.clone()
        } else {
            vec![]
        },
        paths,
    );
    doc.duplicate_fields = parsed.duplicate_paths;
    docs.push(doc);
}

/// The items of a `v1 List` (any `...List` kind with an `items` array).
fn list_items(value: &serde_json::Value) -> Option<&Vec<serde_json::Value>> {
    let kind = value.get("kind")?.as_str()?;
    if !kind.ends_with("List") {
        return None;
    }
    value.get("items")?.as_array()
}

fn decode_document(
    index: usize,
    line: usize,
    value: serde_json::Value,
    duplicate_fields: Vec<String>,
    paths: LineIndex,
) -> Document {
    // kubectl sends the JSON of a Go map, keys sorted: that order is what the server reports
    // unknown fields in, and what last-applied-configuration records.
    let value = sorted(value, 0);
    let raw = value.clone();
    let (object, unknown_fields) = match decode::decode(value) {
        Ok(d) => (Ok(d.object), d.unknown_fields),
        Err(mut e) => {
            e.line = e
                .path
                .as_deref()
                .and_then(|p| paths.line_of(p))
                .or(Some(line));
            (Err(e), vec![])
        }
    };
    let mut warnings: Vec<String> = unknown_fields
        .iter()
        .map(|p| format!("unknown field {p:?}"))
        .collect();
    warnings.extend(
        duplicate_fields
            .iter()
            .map(|p| format!("duplicate field {p:?}")),
    );
    Document {
        index,
        line,
        object,
        warnings,
        unknown_fields,
        duplicate_fields,
        paths,
        raw,
    }
}

fn sorted(value: serde_json::Value, depth: usize) -> serde_json::Value {
    match value {
        serde_json::Value::Object(map) if depth <= limits::MAX_DEPTH => {
            let mut entries: Vec<(String, serde_json::Value)> = map.into_iter().collect();
            crate::engine::stable_sort::sort_by(&mut entries, |a, b| a.0.cmp(&b.0));
            serde_json::Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k, sorted(v, depth + 1)))
                    .collect(),
            )
        }
        serde_json::Value::Array(items) if depth <= limits::MAX_DEPTH => {
            serde_json::Value::Array(items.into_iter().map(|v| sorted(v, depth + 1)).collect())
        }
        other => other,
    }
}
