//! The second half of go-yaml v2's `Unmarshal` into an `interface{}`, followed by
//! `sigs.k8s.io/yaml`'s conversion to JSON: a composed node tree becomes a JSON value.

use super::libyaml::Mark;
use super::yaml11::{self, go_format_g, go_sharp_v, json_key, resolve_scalar, Scalar};
use super::{At, Failure, Node, NodeKind};
use crate::engine::manifest::decode::field_path;
use crate::engine::manifest::limits::MAX_DEPTH;
use crate::engine::model::codec::Seg;
use serde_json::{Map, Number, Value};
use std::collections::HashSet;

pub(super) struct Decoder<'t> {
    nodes: &'t [Node],
    /// go-yaml's alias budget: every decoded node counts, and those reached through an alias
    /// may not pass a ratio of the total ("billion laughs" defence, CVE-2019-11254).
    decode_count: u64,
    alias_count: u64,
    alias_depth: u32,
    /// Alias nodes being expanded, to refuse an anchor that contains itself.
    expanding: Vec<bool>,
    /// Merges being applied, across all levels (they recurse without deepening the value).
    merge_nesting: usize,
    path: Vec<Seg>,
    pub(super) duplicates: Vec<String>,
    /// The first key sigs.k8s.io/yaml cannot turn into a JSON key.
    pub(super) key_error: Option<Failure>,
    /// The first float Go's JSON encoder refuses (`.inf`, `.nan`).
    pub(super) json_error: Option<Failure>,
}

impl<'t> Decoder<'t> {
    pub(super) fn new(nodes: &'t [Node]) -> Self {
        Decoder {
            nodes,
            decode_count: 0,
            alias_count: 0,
            alias_depth: 0,
            expanding: vec![false; nodes.len()],
            merge_nesting: 0,
            path: Vec::new(),
            duplicates: Vec::new(),
            key_error: None,
            json_error: None,
        }
    }

    /// go-yaml's count at the top of `decoder.unmarshal`.
    fn tick(&mut self) -> Result<(), Failure> {
        self.decode_count += 1;
        if self.alias_depth > 0 {
            self.alias_count += 1;
        }
        if self.alias_count > 100
            && self.decode_count > 1000
            && self.alias_count as f64 / self.decode_count as f64
                > allowed_alias_ratio(self.decode_count)
        {
            return Err(Failure {
                message:
                    "error converting YAML to JSON: yaml: document contains excessive aliasing"
                        .to_string(),
                at: At::Nowhere,
            });
        }
        Ok(())
    }

    /// Runs `f` as the expansion of alias node `id` (go-yaml's `decoder.alias`).
    fn through_alias<T>(
        &mut self,
        id: usize,
        f: impl FnOnce(&mut Self) -> Result<T, Failure>,
    ) -> Result<T, Failure> {
        let node = &self.nodes[id];
        if self.expanding[id] {
            let name = match &node.kind {
                NodeKind::Alias { name, .. } => name.as_str(),
                _ => "",
            };
            return Err(Failure::go(
                format_args!("anchor '{name}' value contains itself"),
                node.mark,
            ));
        }
        self.expanding[id] = true;
        self.alias_depth += 1;
        let result = f(self);
        self.alias_depth -= 1;
        self.expanding[id] = false;
        result
    }

    /// Node `id` at nesting `depth` as JSON (go-yaml's `decoder.unmarshal`).
    pub(super) fn value(&mut self, id: usize, depth: usize) -> Result<Value, Failure> {
        let nodes = self.nodes;
        let node = &nodes[id];
        if depth > MAX_DEPTH {
            return Err(Failure::too_deep(node.mark));
        }
        self.tick()?;
        match &node.kind {
            NodeKind::Alias { target, .. } => self.through_alias(id, |d| d.value(*target, depth)),
            NodeKind::Scalar {
                value,
                tag,
                implicit,
            } => {
                let scalar = resolve_scalar(tag.as_deref(), value, *implicit)
                    .map_err(|m| Failure::go(m, node.mark))?;
                Ok(self.json_scalar(scalar, node.mark))
            }
            NodeKind::Sequence(children) => {
                let mut out = Vec::with_capacity(children.len());
                for (i, &child) in children.iter().enumerate() {
                    self.path.push(Seg::Index(i));
                    let v = self.value(child, depth + 1);
                    self.path.pop();
                    out.push(v?);
                }
                Ok(Value::Array(out))
            }
            NodeKind::Mapping(_) => {
                let mut out = Map::new();
                self.fill(id, &mut out, depth)?;
                Ok(Value::Object(out))
            }
        }
    }

    /// Decodes mapping `id` into `out` (go-yaml's `decoder.mapping`): pairs in order, a merge
    /// key merging where it stands.
    fn fill(
        &mut self,
        id: usize,
        out: &mut Map<String, Value>,
        depth: usize,
    ) -> Result<(), Failure> {
        let nodes = self.nodes;
        let NodeKind::Mapping(children) = &nodes[id].kind else {
            return Ok(());
        };
        let mut written: HashSet<String> = HashSet::new();
        for pair in children.chunks_exact(2) {
            let (k, v) = (pair[0], pair[1]);
            if self.is_merge(k) {
                self.merge(v, out, depth)?;
                continue;
            }
            let key = self.key(k, v, depth)?;
            self.path.push(Seg::Key(key.clone()));
            let value = self.value(v, depth + 1);
            if value.is_ok() && !written.insert(key.clone()) {
                self.duplicates.push(field_path(&self.path));
            }
            self.path.pop();
            out.insert(key, value?);
        }
        Ok(())
    }

    fn is_merge(&self, id: usize) -> bool {
        matches!(&self.nodes[id].kind, NodeKind::Scalar { value, tag, implicit }
            if value == "<<" && (*implicit || tag.as_deref() == Some(yaml11::MERGE)))
    }

    /// go-yaml's `decoder.merge`: a mapping, an alias of one, or a sequence of those (earlier
    /// ones win, so they are merged last).
    fn merge(
        &mut self,
        id: usize,
        out: &mut Map<String, Value>,
        depth: usize,
    ) -> Result<(), Failure> {
        let nodes = self.nodes;
        let node = &nodes[id];
        // Merges do not deepen the value but do deepen the recursion: bound them all together.
        if self.merge_nesting >= MAX_DEPTH {
            return Err(Failure::too_deep(node.mark));
        }
        self.merge_nesting += 1;
        let result = self.merge_node(id, out, depth);
        self.merge_nesting -= 1;
        result
    }

    fn merge_node(
        &mut self,
        id: usize,
        out: &mut Map<String, Value>,
        depth: usize,
    ) -> Result<(), Failure> {
        let nodes = self.nodes;
        let node = &nodes[id];
        let want_map = || {
            Failure::go(
                "map merge requires map or sequence of maps as the value",
                node.mark,
            )
        };
        match &node.kind {
            NodeKind::Sequence(children) => {
                for &child in children.iter().rev() {
                    if !self.is_mapping_or_alias_of_one(child) {
                        return Err(want_map());
                    }
                    self.merge_one(child, out, depth)?;
                }
                Ok(())
            }
            _ if self.is_mapping_or_alias_of_one(id) => self.merge_one(id, out, depth),
            _ => Err(want_map()),
        }
    }

    /// Merges one mapping node or alias of a mapping into `out`.
    fn merge_one(
        &mut self,
        id: usize,
        out: &mut Map<String, Value>,
        depth: usize,
    ) -> Result<(), Failure> {
        self.tick()?;
        match &self.nodes[id].kind {
            NodeKind::Alias { target, .. } => {
                let target = *target;
                self.through_alias(id, |d| {
                    d.tick()?;
                    d.fill(target, out, depth)
                })
            }
            _ => self.fill(id, out, depth),
        }
    }

    fn is_mapping(&self, id: usize) -> bool {
        matches!(self.nodes[id].kind, NodeKind::Mapping(_))
    }

    /// What a merge accepts as one source.
    fn is_mapping_or_alias_of_one(&self, id: usize) -> bool {
        match &self.nodes[id].kind {
            NodeKind::Alias { target, .. } => self.is_mapping(*target),
            _ => self.is_mapping(id),
        }
    }

    /// A mapping key as a JSON key. Collections cannot be keys (go-yaml's `invalid map key`);
    /// null and uint64 keys are refused later by sigs.k8s.io/yaml (recorded, decoding goes on).
    fn key(&mut self, id: usize, value_id: usize, depth: usize) -> Result<String, Failure> {
        let nodes = self.nodes;
        let (scalar_id, via_alias) = match &nodes[id].kind {
            NodeKind::Alias { target, .. } => (*target, true),
            _ => (id, false),
        };
        let NodeKind::Scalar {
            value,
            tag,
            implicit,
        } = &nodes[scalar_id].kind
        else {
            self.value(id, depth + 1)?;
            let shown = go_value_text(nodes, id, false, &mut 4096);
            return Err(Failure::go(
                format_args!("invalid map key: {shown}"),
                nodes[id].mark,
            ));
        };
        self.tick()?;
        if via_alias {
            self.alias_depth += 1;
            let counted = self.tick();
            self.alias_depth -= 1;
            counted?;
        }
        let scalar = resolve_scalar(tag.as_deref(), value, *implicit)
            .map_err(|m| Failure::go(m, nodes[id].mark))?;
        match json_key(&scalar) {
            Ok(key) => Ok(key),
            Err((go_type, key_text)) => {
                if self.key_error.is_none() {
                    let value_text = go_value_text(nodes, value_id, true, &mut 4096);
                    self.key_error = Some(Failure {
                        message: format!("error converting YAML to JSON: unsupported map key of type: {go_type}, key: {key_text}, value: {value_text}"),
                        at: At::Mark(nodes[id].mark),
                    });
                }
                Ok(key_text)
            }
        }
    }

    fn json_scalar(&mut self, scalar: Scalar, mark: Mark) -> Value {
        match scalar {
            Scalar::Null => Value::Null,
            Scalar::Bool(b) => Value::Bool(b),
            Scalar::Int(i) => Value::from(i),
            Scalar::Uint(u) => Value::from(u),
            Scalar::Str(s) => Value::String(s),
            Scalar::Float(f) => json_float(f).unwrap_or_else(|| {
                if self.json_error.is_none() {
                    self.json_error = Some(Failure {
                        message: format!(
                            "error converting YAML to JSON: json: unsupported value: {}",
                            go_format_g(f, false)
                        ),
                        at: At::Mark(mark),
                    });
                }
                Value::Null
            }),
        }
    }
}

/// go-yaml's `allowedAliasRatio`: 99% of decodes may come from aliases up to 400,000 decodes,
/// scaling down to 10% at 4,000,000.
fn allowed_alias_ratio(decode_count: u64) -> f64 {
    const LOW: f64 = 400_000.0;
    const HIGH: f64 = 4_000_000.0;
    let count = decode_count as f64;
    if count <= LOW {
        0.99
    } else if count >= HIGH {
        0.10
    } else {
        0.99 - 0.89 * ((count - LOW) / (HIGH - LOW))
    }
}

/// A float as kubectl sends it. Go's JSON encoder writes integral values below 1e21 without a
/// fraction (`3.0` -> `3`, `1e12` -> `1000000000000`), so the server reads them as integers.
/// None for `.inf`/`.nan`, which JSON cannot hold.
fn json_float(v: f64) -> Option<Value> {
    if v.fract() == 0.0 && v.abs() < 1e21 {
        if v >= i64::MIN as f64 && v < i64::MAX as f64 {
            return Some(Value::from(v as i64));
        }
        if v >= 0.0 && v < u64::MAX as f64 {
            return Some(Value::from(v as u64));
        }
    }
    Number::from_f64(v).map(Value::Number)
}

/// Go's `%#v` of a decoded node, for error messages; `budget` bounds the text.
fn go_value_text(nodes: &[Node], id: usize, top: bool, budget: &mut usize) -> String {
    if *budget == 0 {
        return "...".to_string();
    }
    *budget -= 1;
    let text = match &nodes[id].kind {
        NodeKind::Alias { target, .. } => return go_value_text(nodes, *target, top, budget),
        NodeKind::Scalar {
            value,
            tag,
            implicit,
        } => {
            let scalar = resolve_scalar(tag.as_deref(), value, *implicit)
                .unwrap_or_else(|_| Scalar::Str(value.clone()));
            go_sharp_v(&scalar, top)
        }
        NodeKind::Sequence(children) => {
            let items: Vec<String> = children
                .iter()
                .map(|&c| go_value_text(nodes, c, false, budget))
                .collect();
            format!("[]interface {{}}{{{}}}", items.join(", "))
        }
        NodeKind::Mapping(children) => {
            let mut items: Vec<String> = children
                .chunks_exact(2)
                .map(|p| {
                    let k = go_value_text(nodes, p[0], false, budget);
                    let v = go_value_text(nodes, p[1], false, budget);
                    format!("{k}:{v}")
                })
                .collect();
            // fmt prints map entries sorted by key.
            items.sort();
            format!("map[interface {{}}]interface {{}}{{{}}}", items.join(", "))
        }
    };
    *budget = budget.saturating_sub(text.len() / 64);
    text
}
