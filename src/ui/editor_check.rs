//! Live check of the editor text: YAML syntax errors with their line, shown while typing so a
//! learner sees a mistake before pressing Apply. Only syntax is checked here; what the API
//! server would say about the objects comes from `kubectl apply` itself.

use crate::engine::manifest::parse_documents;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EditorProblem {
    /// 1-based line in the editor, when the parser knows it.
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

pub fn check_manifest(text: &str) -> Option<EditorProblem> {
    match parse_documents(text) {
        Ok(_) => None,
        Err(e) => Some(EditorProblem {
            line: e.line,
            message: e.message,
        }),
    }
}
