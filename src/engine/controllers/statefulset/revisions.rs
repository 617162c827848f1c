//! ControllerRevisions: the patch a revision stores, its hash and name, which revisions are
//! current and update, rollback renumbering, collision counting and history truncation
//! (stateful_set_control.go `getStatefulSetRevisions`, `truncateHistory`; history package).
//!
//! The name hash is computed exactly as Kubernetes does (FNV-1 32 over the JSON patch Go's
//! encoder writes, then the collision count, then `rand.SafeEncodeString`), so a defaulted
//! template gets the same `web-5b646f6946` a real cluster gives it.

use super::identity::controller_ref;
use crate::engine::model::codec::Codec;
use crate::engine::model::{ControllerRevision, ObjectMeta, Pod, PodTemplateSpec, StatefulSet};
use serde_json::Value;
use std::collections::BTreeSet;

pub const HASH_LABEL: &str = "controller.kubernetes.io/hash";

/// `getPatch`: `{"spec":{"template":{...,"$patch":"replace"}}}` built from the set's template.
pub fn patch_for(set: &StatefulSet) -> Value {
    let mut template = Codec::encode(&set.spec.template);
    if let Value::Object(map) = &mut template {
        // ObjectMeta fields are all omitempty in Go; our model writes `name: ""` and friends.
        if let Some(Value::Object(meta)) = map.get_mut("metadata") {
            meta.retain(|_, v| !is_go_empty(v));
        }
        map.insert("$patch".into(), Value::String("replace".into()));
    }
    serde_json::json!({ "spec": { "template": template } })
}

fn is_go_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        Value::Bool(b) => !b,
    }
}

/// The pod template a revision restores (`ApplyRevision` with a `$patch: replace` template).
pub fn template_of(revision: &ControllerRevision) -> Option<PodTemplateSpec> {
    let mut template = revision.data.get("spec")?.get("template")?.clone();
    if let Value::Object(map) = &mut template {
        map.remove("$patch");
    }
    crate::engine::manifest::decode::pod_template_from_value(template).ok()
}

/// Go's `json.Marshal` of a `map[string]interface{}`: keys sorted bytewise, no spaces, and the
/// HTML-safe escapes (`<`, `>`, `&`, U+2028, U+2029).
pub fn go_json(v: &Value) -> String {
    let mut out = String::new();
    write_go_json(v, &mut out);
    out
}

fn write_go_json(v: &Value, out: &mut String) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&go_number(n)),
        Value::String(s) => write_go_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_go_json(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let keys: BTreeSet<&String> = map.keys().collect();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_go_string(k, out);
                out.push(':');
                if let Some(item) = map.get(k) {
                    write_go_json(item, out);
                }
            }
            out.push('}');
        }
    }
}

/// Numbers went through Go's float64: integers print plainly, others in shortest form.
fn go_number(n: &serde_json::Number) -> String {
    if let Some(i) = n.as_i64() {
        return i.to_string();
    }
    if let Some(u) = n.as_u64() {
        return u.to_string();
    }
    let f = n.as_f64().unwrap_or(0.0);
    if f.fract() == 0.0 && f.abs() < 1e21 {
        format!("{f:.0}")
    } else {
        format!("{f}")
    }
}

fn write_go_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// FNV-1 (not 1a) 32-bit, as Go's `hash/fnv.New32`.
fn fnv1_32(bytes: &[u8], mut h: u32) -> u32 {
    for b in bytes {
        h = h.wrapping_mul(0x0100_0193);
        h ^= u32::from(*b);
    }
    h
}

/// `rand.SafeEncodeString`: each character mapped into an alphabet without vowels.
fn safe_encode(s: &str) -> String {
    const ALPHANUMS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    s.bytes()
        .map(|b| ALPHANUMS[b as usize % ALPHANUMS.len()] as char)
        .collect()
}

/// `HashControllerRevision(revision, &collisionCount)`.
pub fn revision_hash(patch: &Value, collision_count: i32) -> String {
    let h = fnv1_32(go_json(patch).as_bytes(), 0x811c_9dc5);
    let h = fnv1_32(collision_count.to_string().as_bytes(), h);
    safe_encode(&h.to_string())
}

/// `ControllerRevisionName`: the prefix is cut at 223 bytes.
pub fn revision_name(set_name: &str, hash: &str) -> String {
    let prefix: String = set_name.chars().take(223).collect();
    format!("{prefix}-{hash}")
}

/// `history.EqualRevision`: same hash label and byte-identical data.
pub fn same_data(a: &ControllerRevision, b_patch: &Value) -> bool {
    go_json(&a.data) == go_json(b_patch)
}

/// A new revision object for the set's current template (`newRevision`).
pub fn new_revision(
    set: &StatefulSet,
    patch: Value,
    number: i64,
    collision_count: i32,
) -> ControllerRevision {
    let hash = revision_hash(&patch, collision_count);
    let mut meta = ObjectMeta::named(
        &set.metadata.namespace,
        &revision_name(&set.metadata.name, &hash),
    );
    let mut labels = set.spec.template.metadata.labels().clone();
    labels.insert(HASH_LABEL.into(), hash);
    meta.labels = Some(labels);
    meta.owner_references = vec![controller_ref(set)];
    // The set's annotations are copied, so `kubernetes.io/change-cause` reaches rollout history.
    meta.annotations = Some(set.metadata.annotations().clone());
    ControllerRevision {
        metadata: meta,
        data: patch,
        revision: number,
        ..Default::default()
    }
}

/// What the revision step decided for this sync.
#[derive(Clone, Debug)]
pub struct RevisionPlan {
    pub current: ControllerRevision,
    pub update: ControllerRevision,
    pub collision_count: i32,
    /// A revision to create (new template) or to renumber (rollback to an older template).
    pub create: Option<ControllerRevision>,
    pub renumber: Option<ControllerRevision>,
}

/// `getStatefulSetRevisions`. `revisions` are the set's revisions sorted by number; `taken`
/// answers whether a revision name already exists (for collision handling) with its data.
pub fn plan<'a>(
    set: &StatefulSet,
    revisions: &[&ControllerRevision],
    existing_named: impl Fn(&str) -> Option<&'a ControllerRevision>,
) -> RevisionPlan {
    let mut collision_count = set.status.collision_count.unwrap_or(0);
    let patch = patch_for(set);
    let next = revisions.last().map_or(1, |r| r.revision + 1);
    let equal: Vec<&&ControllerRevision> =
        revisions.iter().filter(|r| same_data(r, &patch)).collect();
    let mut create = None;
    let mut renumber = None;
    let update = match (equal.last(), revisions.last()) {
        (Some(eq), Some(latest)) if eq.metadata.name == latest.metadata.name => (**latest).clone(),
        (Some(eq), _) => {
            // Rollback: the older revision gets the next number instead of a new object.
            let mut r = (**eq).clone();
            r.revision = next;
            renumber = Some(r.clone());
            r
        }
        (None, _) => {
            // CreateControllerRevision: on a name taken by different data, bump the count.
            let mut candidate = new_revision(set, patch.clone(), next, collision_count);
            for _ in 0..1000 {
                match existing_named(&candidate.metadata.name) {
                    Some(found) if !same_data(found, &patch) => {
                        collision_count += 1;
                        candidate = new_revision(set, patch.clone(), next, collision_count);
                    }
                    Some(found) => {
                        candidate = found.clone();
                        break;
                    }
                    None => {
                        create = Some(candidate.clone());
                        break;
                    }
                }
            }
            candidate
        }
    };
    let current_name = set.status.current_revision.as_deref().unwrap_or_default();
    let current = revisions
        .iter()
        .find(|r| r.metadata.name == current_name)
        .map(|r| (*r).clone())
        .unwrap_or_else(|| update.clone());
    RevisionPlan {
        current,
        update,
        collision_count,
        create,
        renumber,
    }
}

/// `truncateHistory`: revisions that are neither current, update nor used by a pod are deleted,
/// lowest number first, until at most `revisionHistoryLimit` remain.
pub fn to_truncate<'a>(
    set: &StatefulSet,
    revisions: &[&'a ControllerRevision],
    pods: &[&Pod],
    plan: &RevisionPlan,
) -> Vec<&'a ControllerRevision> {
    let limit = set.spec.revision_history_limit.unwrap_or(10);
    if limit < 0 {
        return Vec::new();
    }
    let mut live: BTreeSet<&str> = BTreeSet::new();
    live.insert(&plan.current.metadata.name);
    live.insert(&plan.update.metadata.name);
    for p in pods {
        live.insert(super::identity::pod_revision(p));
    }
    let history: Vec<&ControllerRevision> = revisions
        .iter()
        .copied()
        .filter(|r| !live.contains(r.metadata.name.as_str()))
        .collect();
    let excess = history.len().saturating_sub(limit as usize);
    history.into_iter().take(excess).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The vector from kubernetes' stateful_set_compatibility_test.go (hash `c77f6d978`).
    #[test]
    fn hash_matches_the_kubernetes_compatibility_vector() {
        let raw = r#"{"spec":{"template":{"$patch":"replace","metadata":{"annotations":{"test":"value"},"creationTimestamp":null,"labels":{"app":"foo"}},"spec":{"containers":[{"image":"test","imagePullPolicy":"Always","name":"test","resources":{},"terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File"}],"dnsPolicy":"ClusterFirst","restartPolicy":"Always","schedulerName":"default-scheduler","securityContext":{},"terminationGracePeriodSeconds":30}}}}"#;
        let v: Value = serde_json::from_str(raw).unwrap();
        assert_eq!(go_json(&v), raw);
        assert_eq!(revision_hash(&v, 0), "c77f6d978");
    }

    #[test]
    fn go_json_escapes_html_characters_and_sorts_keys() {
        let v = serde_json::json!({"b": "a && b <c>", "a": [1, 2.5]});
        assert_eq!(
            go_json(&v),
            r#"{"a":[1,2.5],"b":"a \u0026\u0026 b \u003cc\u003e"}"#
        );
    }
}
