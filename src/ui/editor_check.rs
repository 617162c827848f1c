//! Live check of the editor text, shown while typing so a learner sees a mistake before
//! pressing Apply: YAML syntax errors, documents kubectl could not decode, fields the API
//! does not know (kubectl's strict validation refuses those), then the first value the API
//! server's create validation refuses (`Unsupported value`, `Invalid value`, `Duplicate
//! value`: a taint's `effect: Sometimes` decodes as a string, validation refuses it). Each
//! with the line it is on. What is still missing (`Required value`) is left out: half-typed
//! text always lacks something. The rest (missing fields, what depends on the cluster) comes
//! from `kubectl apply`.

use crate::engine::manifest::{parse_documents, ErrorType};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EditorProblem {
    /// 1-based line in the editor, when known.
    pub line: Option<usize>,
    pub message: String,
}

impl EditorProblem {
    /// "Line 7: ..." for the status bar.
    pub fn summary(&self) -> String {
        match self.line {
            Some(line) => format!("Line {line}: {}", self.message),
            None => self.message.clone(),
        }
    }
}

/// The first problem in the text, if any.
pub fn check_manifest(text: &str) -> Option<EditorProblem> {
    let docs = match parse_documents(text) {
        Ok(docs) => docs,
        Err(e) => {
            return Some(EditorProblem {
                line: e.line,
                message: e.message,
            })
        }
    };
    for doc in &docs {
        if let Err(e) = &doc.object {
            return Some(EditorProblem {
                line: e.line.or(Some(doc.line)),
                message: without_go_line(&e.message).to_string(),
            });
        }
        if let Some(field) = doc.unknown_fields.first() {
            return Some(EditorProblem {
                line: doc.paths.line_of(field).or(Some(doc.line)),
                message: format!("unknown field {field:?}"),
            });
        }
        if let Some(field) = doc.duplicate_fields.first() {
            return Some(EditorProblem {
                line: doc.paths.line_of(field).or(Some(doc.line)),
                message: format!("duplicate field {field:?}"),
            });
        }
        if let Some(cause) = doc.validate_create().err().and_then(|e| {
            e.causes.into_iter().find(|c| {
                matches!(
                    c.error_type,
                    ErrorType::NotSupported | ErrorType::Invalid | ErrorType::Duplicate
                )
            })
        }) {
            return Some(EditorProblem {
                line: cause.line.or(Some(doc.line)),
                message: cause.to_string(),
            });
        }
    }
    None
}

/// kubectl's YAML errors carry go-yaml's own line (`yaml: line 5: ...`), counted within the
/// document and sometimes from zero. Beside the editor's own line number it would only
/// confuse, so the live check drops it; the Apply output still shows kubectl's exact text.
fn without_go_line(message: &str) -> &str {
    let rest = message
        .strip_prefix("error converting YAML to JSON: ")
        .unwrap_or(message);
    let Some(after) = rest.strip_prefix("yaml: line ") else {
        return message;
    };
    let digits = after.len() - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    match after[digits..].strip_prefix(": ") {
        Some(text) if digits > 0 => text,
        _ => message,
    }
}
