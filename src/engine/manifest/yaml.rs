//! YAML text -> JSON values, one document at a time. The only module that uses serde_yaml.
//!
//! Documents are split the way kubectl's `YAMLReader` splits them: a line starting with `---`
//! and followed only by spaces or a comment ends a document. Each chunk is parsed on its own, so
//! a syntax error in one does not hide the others (the caller decides whether to go on), and line
//! numbers are mapped back to the whole text. Like `sigs.k8s.io/yaml`, mapping keys become strings
//! and a repeated key keeps its last value; repeats are reported with their path.

use super::errors::FieldPath;
use super::limits::{too_deep_message, MAX_DEPTH};
use serde::de::{DeserializeSeed, Deserializer, Error as _, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use std::cell::RefCell;
use std::fmt;

/// One `---`-separated chunk of the text.
#[derive(Clone, Debug)]
pub struct Chunk<'a> {
    pub text: &'a str,
    /// 1-based line in the whole text where the chunk's text starts.
    pub first_line: usize,
    /// 1-based line of the first line with content (not blank, not a comment).
    pub content_line: usize,
}

/// Splits the stream like kubectl's `YAMLReader`.
pub fn split_documents(text: &str) -> Vec<Chunk<'_>> {
    let mut chunks = Vec::new();
    let mut start = 0usize;
    let mut start_line = 1usize;
    let mut pos = 0usize;
    for (line_no, line) in (1usize..).zip(text.split_inclusive('\n')) {
        let end = pos + line.len();
        if is_separator(line) {
            chunks.push(make_chunk(&text[start..pos], start_line));
            start = end;
            start_line = line_no + 1;
        }
        pos = end;
    }
    chunks.push(make_chunk(&text[start..], start_line));
    chunks
}

fn is_separator(line: &str) -> bool {
    let Some(rest) = line.strip_prefix("---") else {
        return false;
    };
    let rest = rest.trim();
    rest.is_empty() || rest.starts_with('#')
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
    let duplicates = RefCell::new(Vec::new());
    let seed = Tracked {
        depth: 0,
        path: FieldPath::default(),
        duplicates: &duplicates,
    };
    let de = serde_yaml::Deserializer::from_str(chunk.text);
    match seed.deserialize(de) {
        Ok(value) => Ok(ParsedChunk {
            value,
            duplicate_paths: duplicates.into_inner(),
        }),
        Err(e) => Err(syntax_error(&e, chunk.first_line)),
    }
}

fn syntax_error(e: &serde_yaml::Error, first_line: usize) -> SyntaxError {
    let loc = e.location();
    let display = e.to_string();
    let problem = display
        .split(" at line ")
        .next()
        .unwrap_or(&display)
        .split(" at position ")
        .next()
        .unwrap_or(&display)
        .to_string();
    // libyaml 0.2.5 words tabs specially; go-yaml (kubectl's parser) does not.
    let problem = match problem.as_str() {
        "found a tab character that violates indentation" => {
            "found character that cannot start any token".to_string()
        }
        _ => problem,
    };
    let is_parser = format!("{e:?}").contains("PARSER");
    let message = match (&loc, problem.as_str()) {
        (_, "repetition limit exceeded") => {
            "error converting YAML to JSON: yaml: document contains excessive aliasing".to_string()
        }
        (_, "recursion limit exceeded") => {
            format!("error converting YAML to JSON: {}", too_deep_message())
        }
        (Some(l), p) => {
            // go-yaml reports scanner errors with 1-based lines and parser errors with the
            // 0-based line of the problem mark; kubectl shows whichever it got.
            let go_line = if is_parser {
                l.line().saturating_sub(1)
            } else {
                l.line()
            };
            if go_line == 0 {
                format!("error converting YAML to JSON: yaml: {p}")
            } else {
                format!("error converting YAML to JSON: yaml: line {go_line}: {p}")
            }
        }
        (None, p) => format!("error converting YAML to JSON: yaml: {p}"),
    };
    SyntaxError {
        message,
        line: loc.as_ref().map(|l| first_line + l.line() - 1),
        column: loc.as_ref().map(|l| l.column()),
    }
}

/// Deserializes any YAML node into a JSON value, bounding depth and recording repeated keys.
struct Tracked<'a> {
    depth: usize,
    path: FieldPath,
    duplicates: &'a RefCell<Vec<String>>,
}

impl<'de> DeserializeSeed<'de> for Tracked<'_> {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        if self.depth > MAX_DEPTH {
            return Err(D::Error::custom(too_deep_message()));
        }
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Tracked<'_> {
    type Value = Value;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        // kubectl re-encodes YAML floats with Go's JSON encoder, which writes integral values
        // below 1e21 without a fraction (`3.0` -> `3`, `1e12` -> `1000000000000`), so the
        // server reads them as integers.
        if v.fract() == 0.0 && v.abs() < 1e21 {
            if v >= i64::MIN as f64 && v <= i64::MAX as f64 {
                return Ok(Value::from(v as i64));
            }
            if v >= 0.0 && v <= u64::MAX as f64 {
                return Ok(Value::from(v as u64));
            }
        }
        // YAML `.inf`/`.nan` have no JSON form; sigs.k8s.io/yaml fails on them too.
        Ok(Number::from_f64(v)
            .map(Value::Number)
            .unwrap_or(Value::Null))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        self.deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        loop {
            let seed = Tracked {
                depth: self.depth + 1,
                path: self.path.index(out.len()),
                duplicates: self.duplicates,
            };
            match seq.next_element_seed(seed)? {
                Some(v) => out.push(v),
                None => break,
            }
        }
        Ok(Value::Array(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key_seed(KeySeed)? {
            let seed = Tracked {
                depth: self.depth + 1,
                path: self.path.child(&key),
                duplicates: self.duplicates,
            };
            let value = map.next_value_seed(seed)?;
            if out.insert(key.clone(), value).is_some() {
                self.duplicates
                    .borrow_mut()
                    .push(self.path.child(&key).to_string());
            }
        }
        Ok(Value::Object(out))
    }
}

/// Mapping keys as strings, as YAML-to-JSON conversion does (`1: a` has the key "1").
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = String;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = String;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a mapping key")
    }
    fn visit_bool<E>(self, v: bool) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_i64<E>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_u64<E>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_f64<E>(self, v: f64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_str<E>(self, v: &str) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_unit<E>(self) -> Result<String, E> {
        Ok("null".to_string())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, _seq: A) -> Result<String, A::Error> {
        Err(A::Error::custom("a sequence cannot be a mapping key"))
    }
    fn visit_map<A: MapAccess<'de>>(self, _map: A) -> Result<String, A::Error> {
        Err(A::Error::custom("a mapping cannot be a mapping key"))
    }
}

/// The object's YAML text, for `-o yaml` style output of a JSON value.
pub fn to_yaml(value: &Value) -> String {
    serde_yaml::to_string(value).unwrap_or_default()
}
