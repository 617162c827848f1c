//! Where in a document a typed decode failed, without a path-tracking deserializer.
//!
//! serde's message names the bad value (`invalid type: string "3", expected i32`) or the missing
//! field (`missing field \`mountPath\``) but not where it is. A path-tracking wrapper around the
//! decoder (serde_path_to_error) would instantiate a second copy of every model type's
//! deserializer, which more than doubled the wasm size; instead we search the value tree and
//! confirm candidates with a few extra decodes of edited copies (`Trial`s).
//!
//! serde decodes a `Value` in document order and stops at the first error: a wrong type fails
//! when its node is reached, a missing field when its object ends. So:
//! - wrong type: among the nodes the message describes (document order), the culprit is the
//!   last one whose removal (with everything after it) makes the error go away; that property is
//!   monotone, so a binary search finds it. Removing later parts can only add `missing field`
//!   errors, never the original one.
//! - missing field: among the objects lacking the field (in the order their ends are reached),
//!   the culprit is the first one that needs it; filling the field into every object from some
//!   point on keeps the error exactly when the culprit lies before that point (a monotone
//!   property again, searched from the start since the culprit is usually early).
//!
//! The work is bounded: at most `MAX_CANDIDATES` candidates, and the caller's trial closure may
//! refuse further decodes (`None`), which makes the search give up (no path).

use serde::de::Unexpected;
use serde_json::{Map, Value};

/// One step of a path from the document root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Index(usize),
}

pub type NodePath = Vec<Seg>;

/// The outcome of decoding an edited copy: the error message (None when it decoded).
pub struct Trial {
    pub error: Option<String>,
}

/// Decodes a copy; `None` when the caller's budget for extra decodes is spent.
pub type TrialFn<'a> = dyn FnMut(Value) -> Option<Trial> + 'a;

const MAX_CANDIDATES: usize = 1024;
/// Nesting deeper than this is never searched (the parser refuses such documents anyway).
const MAX_WALK_DEPTH: usize = super::limits::MAX_DEPTH + 2;

/// The object that lacks the required `field` the message `msg` is about.
pub fn missing_field(
    value: &Value,
    field: &str,
    msg: &str,
    trial: &mut TrialFn,
) -> Option<NodePath> {
    // Candidates are counted, not listed: a document may hold a great many objects, and filling
    // a suffix of a cut list would leave objects after the cut failing the same way.
    let lacks = |node: &Value| node.as_object().is_some_and(|m| !m.contains_key(field));
    let mut count = 0usize;
    collect(
        value,
        &mut Vec::new(),
        0,
        &mut |node, _| {
            count += usize::from(lacks(node));
            true
        },
        Order::Post,
    );
    // Whether the error stays with the field filled into the candidates from `from` on
    // (`field: ""`, as the caller fills it): true exactly when the culprit is before `from`.
    let mut stays = |from: usize| -> Option<bool> {
        if from >= count {
            return Some(true); // nothing filled: the document as it failed
        }
        let mut filled = value.clone();
        fill_lacking(&mut filled, field, from, &mut 0, 0);
        Some(trial(filled)?.error.as_deref() == Some(msg))
    };
    // Gallop from the start (the culprit is usually among the first), then halve: the
    // smallest `from` that keeps the error. None when even filling every candidate keeps it.
    let (mut below, mut from) = (None, 1); // `below`: the largest `from` known to lose it
    let mut hi = loop {
        let next = from.min(count);
        if stays(next)? {
            break next;
        }
        below = Some(next);
        from = next * 2;
    };
    let mut lo = below.map_or(0, |b| b + 1);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if stays(mid)? {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    let culprit = hi.checked_sub(1)?;
    let (mut seen, mut found) = (0usize, None);
    collect(
        value,
        &mut Vec::new(),
        0,
        &mut |node, path| {
            if lacks(node) {
                if seen == culprit {
                    found = Some(path.to_vec());
                    return false;
                }
                seen += 1;
            }
            true
        },
        Order::Post,
    );
    found
}

/// Inserts `field: ""` into the objects lacking it, from the `from`th one on in the order
/// their ends are reached (`seen` counts them). Appended, so an enclosing object's own fields
/// still decode before it.
fn fill_lacking(node: &mut Value, field: &str, from: usize, seen: &mut usize, depth: usize) {
    if depth > MAX_WALK_DEPTH {
        return;
    }
    match node {
        Value::Object(map) => {
            for child in map.values_mut() {
                fill_lacking(child, field, from, seen, depth + 1);
            }
            if !map.contains_key(field) {
                if *seen >= from {
                    map.insert(field.to_string(), Value::String(String::new()));
                }
                *seen += 1;
            }
        }
        Value::Array(items) => {
            for child in items {
                fill_lacking(child, field, from, seen, depth + 1);
            }
        }
        _ => {}
    }
}

/// How many trial decodes a document may cost: enough for dozens of missing fields in a real
/// manifest, and about the work of a few dozen decodes of the largest accepted document.
pub fn trial_budget(value: &Value) -> usize {
    const MAX_TRIALS: usize = 192;
    const MIN_TRIALS: usize = 16;
    const NODE_VISITS: usize = 4_000_000;
    let mut nodes = 0usize;
    collect(
        value,
        &mut Vec::new(),
        0,
        &mut |_, _| {
            nodes += 1;
            true
        },
        Order::Pre,
    );
    (NODE_VISITS / nodes.max(1)).clamp(MIN_TRIALS, MAX_TRIALS)
}

/// `path` if it is the node the error is about: the document cut just before it decodes past
/// the error, and the document cut just after it fails the same way.
pub fn confirm(value: &Value, path: &NodePath, msg: &str, trial: &mut TrialFn) -> Option<NodePath> {
    let before = trial(truncated(value, path, false))?.error;
    if before.as_deref() == Some(msg) {
        return None;
    }
    let through = trial(truncated(value, path, true))?.error;
    (through.as_deref() == Some(msg)).then(|| path.clone())
}

/// The node whose wrong type or value the message `msg` is about.
pub fn culprit(value: &Value, msg: &str, trial: &mut TrialFn) -> Option<NodePath> {
    let matcher = Matcher::for_message(msg);
    let mut candidates: Vec<NodePath> = Vec::new();
    collect(
        value,
        &mut Vec::new(),
        0,
        &mut |node, path| {
            if !path.is_empty() && matcher.matches(node, msg) {
                if candidates.len() == MAX_CANDIDATES {
                    return false;
                }
                candidates.push(path.to_vec());
            }
            true
        },
        Order::Pre,
    );
    // First candidate whose removal (with all after it) keeps the error: the one before it is
    // the culprit.
    let (mut lo, mut hi) = (0, candidates.len());
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let kept = trial(truncated(value, &candidates[mid], false))?
            .error
            .as_deref()
            == Some(msg);
        if kept {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    let found = candidates.get(lo.checked_sub(1)?)?;
    // Confirm: the document up to and including it fails the same way.
    let confirmed = trial(truncated(value, found, true))?.error.as_deref() == Some(msg);
    confirmed.then(|| found.clone())
}

/// Which nodes a message can be about.
enum Matcher {
    /// `invalid type: string "3", expected i32`, `invalid value: integer `7`, expected u8`.
    Unexpected,
    /// `unknown variant `Sometimes`, expected one of ...`.
    Variant,
    /// `invalid length 2, expected ...` (a list).
    Length,
    /// The model's own wording ending in `got <JSON>` (IntOrString, Quantity).
    Got(Value),
    /// Anything else: every node is a candidate.
    Any,
}

impl Matcher {
    fn for_message(msg: &str) -> Matcher {
        if msg.starts_with("invalid type: ") || msg.starts_with("invalid value: ") {
            Matcher::Unexpected
        } else if msg.starts_with("unknown variant `") {
            Matcher::Variant
        } else if msg.starts_with("invalid length ") {
            Matcher::Length
        } else if let Some(got) = msg
            .split_once(", got ")
            .and_then(|(_, json)| serde_json::from_str::<Value>(json).ok())
        {
            Matcher::Got(got)
        } else {
            Matcher::Any
        }
    }

    fn matches(&self, node: &Value, msg: &str) -> bool {
        match self {
            Matcher::Unexpected => {
                let rest = msg
                    .strip_prefix("invalid type: ")
                    .or_else(|| msg.strip_prefix("invalid value: "))
                    .unwrap_or_default();
                describes(node, rest)
            }
            // A variant is a string, or the single key of a map (`{NoSchedule: ...}`).
            Matcher::Variant => {
                let name = match node {
                    Value::String(s) => Some(s.as_str()),
                    Value::Object(map) if map.len() == 1 => map.keys().next().map(String::as_str),
                    _ => None,
                };
                name.is_some_and(|s| msg.starts_with(&format!("unknown variant `{s}`, expected")))
            }
            // A struct given as a list, or a list longer than a tuple: the number is not always
            // the list's length.
            Matcher::Length => node.is_array(),
            Matcher::Got(got) => node == got,
            Matcher::Any => true,
        }
    }
}

/// Whether `text` (`string "3", expected i32`) starts with serde_json's description of `node`.
/// serde_json words null as `null` and floats as ryu prints them (`1e300`), so floats are
/// compared by value.
fn describes(node: &Value, text: &str) -> bool {
    let described = match node {
        Value::Null => "null".to_string(),
        Value::Bool(b) => Unexpected::Bool(*b).to_string(),
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => Unexpected::Unsigned(u).to_string(),
            (None, Some(i)) => Unexpected::Signed(i).to_string(),
            _ => {
                let literal = text
                    .strip_prefix("floating point `")
                    .and_then(|t| t.split_once('`'))
                    .and_then(|(lit, _)| lit.parse::<f64>().ok());
                return literal.is_some() && literal == n.as_f64();
            }
        },
        Value::String(s) => Unexpected::Str(s).to_string(),
        Value::Array(_) => Unexpected::Seq.to_string(),
        Value::Object(_) => Unexpected::Map.to_string(),
    };
    text.strip_prefix(described.as_str())
        .is_some_and(|after| after.starts_with(", expected "))
}

#[derive(Clone, Copy, PartialEq)]
enum Order {
    Pre,
    Post,
}

/// Visits nodes in document order (`visit` returns false to stop early). Returns false when
/// stopped.
fn collect(
    node: &Value,
    path: &mut NodePath,
    depth: usize,
    visit: &mut dyn FnMut(&Value, &[Seg]) -> bool,
    order: Order,
) -> bool {
    if depth > MAX_WALK_DEPTH {
        return true;
    }
    if order == Order::Pre && !visit(node, path) {
        return false;
    }
    let ok = match node {
        Value::Object(map) => map.iter().all(|(k, child)| {
            path.push(Seg::Key(k.clone()));
            let ok = collect(child, path, depth + 1, visit, order);
            path.pop();
            ok
        }),
        Value::Array(items) => items.iter().enumerate().all(|(i, child)| {
            path.push(Seg::Index(i));
            let ok = collect(child, path, depth + 1, visit, order);
            path.pop();
            ok
        }),
        _ => true,
    };
    ok && (order == Order::Pre || visit(node, path))
}

/// A copy of the document up to the node at `path`: everything after the node in document
/// order is dropped, and the node itself too unless `keep`.
pub fn truncated(value: &Value, path: &[Seg], keep: bool) -> Value {
    let Some((first, rest)) = path.split_first() else {
        return value.clone();
    };
    let descend = keep || !rest.is_empty();
    match (first, value) {
        (Seg::Key(key), Value::Object(map)) => {
            let mut out = Map::new();
            for (k, child) in map {
                if k == key {
                    if descend {
                        out.insert(k.clone(), truncated(child, rest, keep));
                    }
                    break;
                }
                out.insert(k.clone(), child.clone());
            }
            Value::Object(out)
        }
        (Seg::Index(i), Value::Array(items)) => {
            let mut out: Vec<Value> = items.iter().take(*i).cloned().collect();
            if let Some(child) = items.get(*i).filter(|_| descend) {
                out.push(truncated(child, rest, keep));
            }
            Value::Array(out)
        }
        _ => value.clone(),
    }
}

/// The node at `path`.
pub fn get_mut<'v>(value: &'v mut Value, path: &[Seg]) -> Option<&'v mut Value> {
    path.iter().try_fold(value, |v, seg| match seg {
        Seg::Key(k) => v.as_object_mut()?.get_mut(k),
        Seg::Index(i) => v.as_array_mut()?.get_mut(*i),
    })
}

/// `spec.template.spec.containers[0].image`, for pointing at the line.
pub fn field_path(path: &[Seg]) -> String {
    let mut p = String::new();
    for seg in path {
        match seg {
            Seg::Key(key) => {
                if !p.is_empty() {
                    p.push('.');
                }
                p.push_str(key);
            }
            Seg::Index(index) => p.push_str(&format!("[{index}]")),
        }
    }
    p
}

/// The JSON keys from the root, without list indices (Go's error names the field that way).
pub fn keys(path: &[Seg]) -> Vec<String> {
    path.iter()
        .filter_map(|seg| match seg {
            Seg::Key(k) => Some(k.clone()),
            Seg::Index(_) => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn truncation_keeps_everything_before_the_node() {
        let v = json!({"a": 1, "b": {"c": [1, 2, 3], "d": 4}, "e": 5});
        let path = vec![Seg::Key("b".into()), Seg::Key("c".into()), Seg::Index(1)];
        assert_eq!(
            truncated(&v, &path, false),
            json!({"a": 1, "b": {"c": [1]}})
        );
        assert_eq!(
            truncated(&v, &path, true),
            json!({"a": 1, "b": {"c": [1, 2]}})
        );
        assert_eq!(field_path(&path), "b.c[1]");
        assert_eq!(keys(&path), vec!["b".to_string(), "c".to_string()]);
    }

    #[test]
    fn descriptions_match_serde_json_wording() {
        let m = Matcher::for_message("invalid type: string \"3\", expected i32");
        assert!(m.matches(&json!("3"), "invalid type: string \"3\", expected i32"));
        assert!(!m.matches(&json!(3), "invalid type: string \"3\", expected i32"));
        let got = "expected an integer or a string such as \"25%\", got 1.5";
        assert!(Matcher::for_message(got).matches(&json!(1.5), got));
    }
}
