//! Unknown fields without a wrapping deserializer.
//!
//! A deserializer wrapper that reports ignored keys (serde_ignored) compiles a second copy of
//! every model type's deserializer, the largest part of the wasm. Instead the decoded object is
//! serialized back and compared with the input: a key the round trip lost is either unknown or a
//! known field our model does not write back (an empty list or default value skipped on output,
//! `metadata.managedFields`). Which of the two is settled by a decode of a copy where the key's
//! value has a type no typed field accepts: serde skips an unknown key whatever its value, so
//! the copy still decodes only if the key is unknown.

use super::super::locate::{field_path, get_mut, NodePath, Seg};
use serde_json::Value;

/// Keys lost on the way back that are settled one by one, at most; beyond that (a document
/// mixing many unknown keys with skipped known ones) a lost key counts as unknown.
const MAX_SINGLE_TRIALS: usize = 64;
/// Nesting deeper than this is not compared (the parser refuses such documents anyway).
const MAX_DEPTH: usize = super::super::limits::MAX_DEPTH + 2;

/// The unknown keys of `input`, whose typed decode serializes to `round_trip`, as the API
/// server names them (`spec.template.spec.containers[0].imagee`), in document order.
/// `decodes` tells whether an edited copy of `input` still decodes.
pub fn unknown_fields(
    input: &Value,
    round_trip: &Value,
    decodes: &mut dyn FnMut(Value) -> bool,
) -> Vec<String> {
    let mut lost = Vec::new();
    collect_lost(input, round_trip, &mut Vec::new(), 0, &mut lost);
    if lost.is_empty() {
        return Vec::new();
    }
    // Usually every lost key is unknown: one decode confirms them all.
    let unknown: Vec<&NodePath> = if decodes(rejecting_copy(input, &lost)) {
        lost.iter().collect()
    } else {
        let mut trials_left = MAX_SINGLE_TRIALS;
        lost.iter()
            .filter(|path| match trials_left.checked_sub(1) {
                Some(left) => {
                    trials_left = left;
                    decodes(rejecting_copy(input, std::slice::from_ref(*path)))
                }
                None => true,
            })
            .collect()
    };
    unknown.into_iter().map(|p| field_path(p)).collect()
}

/// Keys of `input` missing from `output`, in document order, without looking inside them
/// (serde skips an unknown key's whole value).
fn collect_lost(
    input: &Value,
    output: &Value,
    path: &mut NodePath,
    depth: usize,
    lost: &mut Vec<NodePath>,
) {
    if depth > MAX_DEPTH {
        return;
    }
    match (input, output) {
        (Value::Object(map), Value::Object(out)) => {
            let in_metadata = matches!(path.last(), Some(Seg::Key(k)) if k == "metadata");
            for (key, child) in map {
                path.push(Seg::Key(key.clone()));
                match out.get(key) {
                    Some(out_child) => collect_lost(child, out_child, path, depth + 1, lost),
                    // Accepted so pasted `kubectl get -o yaml` output applies; never written
                    // back, and its opaque type accepts any value.
                    None if in_metadata && key == "managedFields" => {}
                    None => lost.push(path.clone()),
                }
                path.pop();
            }
        }
        (Value::Array(items), Value::Array(out)) => {
            for (i, (child, out_child)) in items.iter().zip(out).enumerate() {
                path.push(Seg::Index(i));
                collect_lost(child, out_child, path, depth + 1, lost);
                path.pop();
            }
        }
        _ => {}
    }
}

/// A copy of `input` where each key at `paths` holds a value its known field would reject: a
/// field that decoded a bool rejects a string; every other typed field rejects a bool.
fn rejecting_copy(input: &Value, paths: &[NodePath]) -> Value {
    let mut copy = input.clone();
    for path in paths {
        if let Some(v) = get_mut(&mut copy, path) {
            *v = if v.is_boolean() {
                Value::String(String::new())
            } else {
                Value::Bool(true)
            };
        }
    }
    copy
}
