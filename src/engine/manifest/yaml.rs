//! YAML text -> JSON values, one document at a time, the way kubectl converts them
//! (`sigs.k8s.io/yaml`: go-yaml v2, YAML 1.1, then JSON).
//!
//! Documents are split the way kubectl's `YAMLReader` splits them: a line starting with `---`
//! and followed only by spaces or a comment ends a document (followed by anything else, it is an
//! error that stops the stream). Each chunk is parsed on its own, so a syntax error in one does
//! not hide the others (the caller decides whether to go on), and line numbers are mapped back to
//! the whole text.
//!
//! Parsing follows go-yaml v2's two steps. `compose` turns libyaml events (`libyaml`) into a node
//! tree (syntax errors, unknown anchors; like go-yaml it reads only the chunk's first document).
//! `Decoder` (`yaml_decode`) then builds the JSON value: scalars resolved by YAML 1.1 rules
//! ([`yaml11`]: `0644` is 420, `on` is true), anchors expanded under go-yaml's aliasing budget,
//! `<<` merge keys applied where they stand (later keys overwrite earlier ones, merged or not),
//! mapping keys turned into strings, a repeated key keeping its last value and being reported
//! with its path.

#[path = "libyaml.rs"]
mod libyaml;
#[path = "yaml11.rs"]
mod yaml11;
#[path = "yaml_decode.rs"]
mod yaml_decode;

use super::limits::{too_deep_message, MAX_DEPTH};
use libyaml::{Event, Mark, ScalarStyle};
use serde_json::Value;
use std::collections::HashMap;
use yaml_decode::Decoder;

/// One `---`-separated chunk of the text.
#[derive(Clone, Debug)]
pub struct Chunk<'a> {
    pub text: &'a str,
    /// 1-based line in the whole text where the chunk's text starts.
    pub first_line: usize,
    /// 1-based line of the first line with content (not blank, not a comment).
    pub content_line: usize,
    /// The chunk ended at a `---` line followed by something other than a comment, which
    /// kubectl's reader refuses: (1-based line in the whole text, what followed `---`).
    pub bad_separator: Option<(usize, String)>,
}

/// Splits the stream like kubectl's `YAMLReader`.
pub fn split_documents(text: &str) -> Vec<Chunk<'_>> {
    let mut chunks = Vec::new();
    let mut start = 0usize;
    let mut start_line = 1usize;
    let mut pos = 0usize;
    for (line_no, line) in (1usize..).zip(text.split_inclusive('\n')) {
        let end = pos + line.len();
        if let Some(rest) = separator_rest(line) {
            let mut chunk = make_chunk(&text[start..pos], start_line);
            if !rest.is_empty() && !rest.starts_with('#') {
                chunk.bad_separator = Some((line_no, rest.to_string()));
            }
            chunks.push(chunk);
            start = end;
            start_line = line_no + 1;
        }
        pos = end;
    }
    chunks.push(make_chunk(&text[start..], start_line));
    chunks
}

/// For a line starting with `---`, the rest of it without surrounding spaces.
fn separator_rest(line: &str) -> Option<&str> {
    line.strip_prefix("---").map(str::trim)
}

fn make_chunk(text: &str, first_line: usize) -> Chunk<'_> {
    let content_offset = text
        .lines()
        .position(|l| {
            let t = l.trim();
            !t.is_empty() && !t.starts_with('#')
        })
        .unwrap_or(0);
    Chunk {
        text,
        first_line,
        content_line: first_line + content_offset,
        bad_separator: None,
    }
}

/// A YAML syntax (or structure) error, located in the whole text.
#[derive(Clone, Debug, PartialEq)]
pub struct SyntaxError {
    /// As kubectl words it: `error converting YAML to JSON: yaml: line 3: mapping values are not
    /// allowed in this context` (the line in that text is relative to the document, as kubectl's is).
    pub message: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
}

/// A parsed chunk: its JSON value (Null when empty) and the paths of repeated keys.
#[derive(Clone, Debug)]
pub struct ParsedChunk {
    pub value: Value,
    pub duplicate_paths: Vec<String>,
}

pub fn parse_chunk(chunk: &Chunk<'_>) -> Result<ParsedChunk, SyntaxError> {
    if let Some((line, rest)) = &chunk.bad_separator {
        // apimachinery's YAMLReader stops there, before any YAML is parsed.
        return Err(SyntaxError {
            message: format!("invalid Yaml document separator: {rest}"),
            line: Some(*line),
            column: Some(4),
        });
    }
    let located = |f: Failure| f.locate(chunk);
    let tree = compose(chunk.text).map_err(located)?;
    let Some(root) = tree.root else {
        return Ok(ParsedChunk {
            value: Value::Null,
            duplicate_paths: vec![],
        });
    };
    let mut decoder = Decoder::new(&tree.nodes);
    let value = decoder.value(root, 0).map_err(located)?;
    // go-yaml's decoding finishes first; then sigs.k8s.io/yaml converts keys, then Go's JSON
    // encoder meets the floats JSON cannot hold.
    if let Some(f) = decoder.key_error.or(decoder.json_error) {
        return Err(located(f));
    }
    Ok(ParsedChunk {
        value,
        duplicate_paths: decoder.duplicates,
    })
}

/// An error before it is placed in the whole text.
#[derive(Debug)]
struct Failure {
    message: String,
    at: At,
}

#[derive(Debug)]
enum At {
    Nowhere,
    Mark(Mark),
    /// Byte offset in the chunk (libyaml's reader errors have no mark).
    Offset(u64),
}

impl Failure {
    /// An error go-yaml raises itself (`failf`): `yaml: ` and no line.
    fn go(problem: impl std::fmt::Display, mark: Mark) -> Failure {
        Failure {
            message: format!("error converting YAML to JSON: yaml: {problem}"),
            at: At::Mark(mark),
        }
    }

    fn too_deep(mark: Mark) -> Failure {
        Failure {
            message: format!("error converting YAML to JSON: {}", too_deep_message()),
            at: At::Mark(mark),
        }
    }

    /// go-yaml's `parser.fail()`: scanner errors report the 1-based line of the problem,
    /// parser errors its 0-based line; on the first line, the context's line or none.
    fn libyaml(e: &libyaml::Error) -> Failure {
        let line = if e.problem_mark.line != 0 {
            e.problem_mark.line + u64::from(e.kind == libyaml::ErrorKind::Scanner)
        } else {
            e.context_mark.line
        };
        let problem = match e.problem.as_str() {
            "" => "unknown problem parsing YAML content",
            p => p,
        };
        let message = if line == 0 {
            format!("error converting YAML to JSON: yaml: {problem}")
        } else {
            format!("error converting YAML to JSON: yaml: line {line}: {problem}")
        };
        let at = match e.kind {
            libyaml::ErrorKind::Reader => At::Offset(e.problem_offset),
            _ => At::Mark(e.problem_mark),
        };
        Failure { message, at }
    }

    fn locate(self, chunk: &Chunk<'_>) -> SyntaxError {
        let (line, column) = match self.at {
            At::Nowhere => (None, None),
            At::Mark(m) => (
                Some(chunk.first_line + m.line as usize),
                Some(m.column as usize + 1),
            ),
            At::Offset(offset) => {
                let before = chunk.text.as_bytes();
                let before = &before[..(offset as usize).min(before.len())];
                let line_start = before
                    .iter()
                    .rposition(|b| *b == b'\n')
                    .map_or(0, |i| i + 1);
                let newlines = before.iter().filter(|b| **b == b'\n').count();
                let column = String::from_utf8_lossy(&before[line_start..])
                    .chars()
                    .count();
                (Some(chunk.first_line + newlines), Some(column + 1))
            }
        };
        SyntaxError {
            message: self.message,
            line,
            column,
        }
    }
}

// ------------------------------------------------------------------ composing (go-yaml's parser)

struct Node {
    kind: NodeKind,
    mark: Mark,
}

enum NodeKind {
    Scalar {
        value: String,
        tag: Option<String>,
        /// libyaml's plain_implicit: plain and untagged (or tagged `!`).
        implicit: bool,
    },
    Sequence(Vec<usize>),
    /// Keys and values, alternating.
    Mapping(Vec<usize>),
    Alias {
        name: String,
        target: usize,
    },
}

struct Tree {
    nodes: Vec<Node>,
    root: Option<usize>,
}

/// The first document of `text` as a node tree; anchors resolved as go-yaml's parser does (an
/// anchor names the latest node that carried it, a collection from its start).
fn compose(text: &str) -> Result<Tree, Failure> {
    let mut parser = libyaml::Parser::new(text.as_bytes());
    let mut nodes: Vec<Node> = Vec::new();
    let mut anchors: HashMap<String, usize> = HashMap::new();
    let mut open: Vec<usize> = Vec::new();
    let mut root = None;
    loop {
        let (event, mark) = parser.next().map_err(|e| Failure::libyaml(&e))?;
        let (kind, anchor, opens) = match event {
            Event::StreamStart | Event::DocumentStart => continue,
            Event::StreamEnd | Event::DocumentEnd => break,
            Event::SequenceEnd | Event::MappingEnd => {
                open.pop();
                continue;
            }
            Event::Alias { anchor } => {
                let Some(&target) = anchors.get(&anchor) else {
                    return Err(Failure::go(
                        format_args!("unknown anchor '{anchor}' referenced"),
                        mark,
                    ));
                };
                let kind = NodeKind::Alias {
                    name: anchor,
                    target,
                };
                (kind, None, false)
            }
            Event::Scalar {
                anchor,
                tag,
                value,
                style,
            } => {
                let implicit =
                    (style == ScalarStyle::Plain && tag.is_none()) || tag.as_deref() == Some("!");
                let kind = NodeKind::Scalar {
                    value,
                    tag,
                    implicit,
                };
                (kind, anchor, false)
            }
            Event::SequenceStart { anchor } => (NodeKind::Sequence(Vec::new()), anchor, true),
            Event::MappingStart { anchor } => (NodeKind::Mapping(Vec::new()), anchor, true),
        };
        if open.len() > MAX_DEPTH {
            return Err(Failure::too_deep(mark));
        }
        let id = nodes.len();
        nodes.push(Node { kind, mark });
        match open.last() {
            Some(&parent) => match &mut nodes[parent].kind {
                NodeKind::Sequence(children) | NodeKind::Mapping(children) => children.push(id),
                _ => {}
            },
            None => root = Some(id),
        }
        if let Some(anchor) = anchor {
            anchors.insert(anchor, id);
        }
        if opens {
            open.push(id);
        }
    }
    Ok(Tree { nodes, root })
}

/// One YAML (or JSON) text as kubectl's `yaml.ToJSON` reads it (a `kubectl patch` body):
/// go-yaml v2's rules, the error in its words (`error converting YAML to JSON: yaml: ...`).
pub fn to_json(text: &str) -> Result<Value, String> {
    let chunk = Chunk {
        text,
        first_line: 1,
        content_line: 1,
        bad_separator: None,
    };
    parse_chunk(&chunk)
        .map(|parsed| parsed.value)
        .map_err(|e| e.message)
}
