//! Metadata shared by every object: ObjectMeta, owner references, label selectors, quantities.

use super::codec::{codec_struct, serde_via_codec, Codec, DecodeCx, DecodeError};
use crate::engine::time::Timestamp;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;

pub type Labels = BTreeMap<String, String>;

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct ObjectMeta {
        "annotations" [omit] pub annotations: Option<Labels>,
        "creationTimestamp" [omit] pub creation_timestamp: Option<Timestamp>,
        "deletionGracePeriodSeconds" [omit] pub deletion_grace_period_seconds: Option<i64>,
        "deletionTimestamp" [omit] pub deletion_timestamp: Option<Timestamp>,
        "finalizers" [omit] pub finalizers: Vec<String>,
        "generateName" [omit] pub generate_name: Option<String>,
        "generation" [omit] pub generation: i64,
        "labels" [omit] pub labels: Option<Labels>,
        /// Accepted so pasted `kubectl get -o yaml` output applies; never written back.
        "managedFields" [skip] pub managed_fields: Option<Value>,
        // Skipped when empty: pod templates have no name and the API never prints `name: ""`.
        "name" [omit] pub name: String,
        "namespace" [omit] pub namespace: String,
        "ownerReferences" [omit] pub owner_references: Vec<OwnerReference>,
        "resourceVersion" [omit] pub resource_version: String,
        "selfLink" [omit] pub self_link: Option<String>,
        "uid" [omit] pub uid: String,
    }
}

impl ObjectMeta {
    pub fn named(namespace: &str, name: &str) -> Self {
        ObjectMeta {
            name: name.to_string(),
            namespace: namespace.to_string(),
            ..Default::default()
        }
    }
    pub fn labels(&self) -> &Labels {
        static EMPTY: Labels = BTreeMap::new();
        self.labels.as_ref().unwrap_or(&EMPTY)
    }
    pub fn labels_mut(&mut self) -> &mut Labels {
        self.labels.get_or_insert_with(BTreeMap::new)
    }
    pub fn annotations(&self) -> &Labels {
        static EMPTY: Labels = BTreeMap::new();
        self.annotations.as_ref().unwrap_or(&EMPTY)
    }
    pub fn annotations_mut(&mut self) -> &mut Labels {
        self.annotations.get_or_insert_with(BTreeMap::new)
    }
    pub fn controller_ref(&self) -> Option<&OwnerReference> {
        self.owner_references
            .iter()
            .find(|r| r.controller == Some(true))
    }
    pub fn is_terminating(&self) -> bool {
        self.deletion_timestamp.is_some()
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct OwnerReference {
        "apiVersion" pub api_version: String,
        "blockOwnerDeletion" [omit] pub block_owner_deletion: Option<bool>,
        "controller" [omit] pub controller: Option<bool>,
        "kind" pub kind: String,
        "name" pub name: String,
        "uid" pub uid: String,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct LabelSelector {
        "matchExpressions" [omit] pub match_expressions: Vec<LabelSelectorRequirement>,
        "matchLabels" [omit] pub match_labels: Option<Labels>,
    }
}

codec_struct! {
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct LabelSelectorRequirement {
        "key" pub key: String,
        "operator" pub operator: String,
        "values" [omit] pub values: Vec<String>,
    }
}

impl LabelSelector {
    pub fn is_empty(&self) -> bool {
        self.match_expressions.is_empty() && self.match_labels.as_ref().is_none_or(|m| m.is_empty())
    }
    /// metav1.LabelSelectorAsSelector semantics: every term must hold; an empty selector matches
    /// everything (callers that must reject empty selectors check `is_empty` first).
    pub fn matches(&self, labels: &Labels) -> bool {
        if let Some(ml) = &self.match_labels {
            if !ml.iter().all(|(k, v)| labels.get(k) == Some(v)) {
                return false;
            }
        }
        self.match_expressions.iter().all(|r| {
            let value = labels.get(&r.key);
            match r.operator.as_str() {
                "In" => value.is_some_and(|v| r.values.contains(v)),
                "NotIn" => value.is_none_or(|v| !r.values.contains(v)),
                "Exists" => value.is_some(),
                "DoesNotExist" => value.is_none(),
                _ => false,
            }
        })
    }
    /// The `app=nginx,tier in (web)` form kubectl prints.
    pub fn to_selector_string(&self) -> String {
        let mut parts: Vec<String> = self
            .match_labels
            .iter()
            .flatten()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        for r in &self.match_expressions {
            parts.push(match r.operator.as_str() {
                "In" => format!("{} in ({})", r.key, r.values.join(",")),
                "NotIn" => format!("{} notin ({})", r.key, r.values.join(",")),
                "Exists" => r.key.clone(),
                "DoesNotExist" => format!("!{}", r.key),
                op => format!("{} {op} ({})", r.key, r.values.join(",")),
            });
        }
        parts.join(",")
    }
}

/// `intstr.IntOrString`: `maxUnavailable: 1` or `maxUnavailable: 25%`, `targetPort: web`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IntOrString {
    /// Defaults to the integer 0, as Go's zero value does.
    Int(i64),
    String(String),
}

impl Codec for IntOrString {
    fn decode(v: &Value, cx: &mut DecodeCx) -> Result<Self, DecodeError> {
        match v {
            Value::Number(n) if n.is_i64() => Ok(IntOrString::Int(n.as_i64().unwrap_or_default())),
            Value::String(s) => Ok(IntOrString::String(s.clone())),
            other => Err(cx.error(format!(
                "expected an integer or a string such as \"25%\", got {other}"
            ))),
        }
    }
    fn encode(&self) -> Value {
        match self {
            IntOrString::Int(i) => Value::from(*i),
            IntOrString::String(t) => Value::String(t.clone()),
        }
    }
    fn absent() -> Option<Self> {
        Some(IntOrString::default())
    }
}
serde_via_codec!(IntOrString);

impl Default for IntOrString {
    fn default() -> Self {
        IntOrString::Int(0)
    }
}

impl fmt::Display for IntOrString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IntOrString::Int(i) => write!(f, "{i}"),
            IntOrString::String(s) => write!(f, "{s}"),
        }
    }
}

impl IntOrString {
    /// intstr.GetScaledValueFromIntOrPercent: percentages scale against `total`, rounding up or
    /// down as the caller's controller does.
    pub fn scaled_value(&self, total: i64, round_up: bool) -> Result<i64, String> {
        match self {
            IntOrString::Int(i) => Ok(*i),
            IntOrString::String(s) => {
                let pct = s
                    .strip_suffix('%')
                    .and_then(|p| p.parse::<i64>().ok())
                    .ok_or_else(|| {
                        "invalid value for IntOrString: invalid type: string is not a percentage"
                            .to_string()
                    })?;
                let scaled = pct * total;
                Ok(if round_up {
                    (scaled + 99) / 100
                } else {
                    scaled / 100
                })
            }
        }
    }
}

/// `resource.Quantity` as written (`500m`, `1Gi`, `2`). We keep the user's spelling for output
/// and convert to milli-units on demand.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Quantity(pub String);

impl Codec for Quantity {
    fn decode(v: &Value, cx: &mut DecodeCx) -> Result<Self, DecodeError> {
        match v {
            // Stored in the API server's canonical form (`0.5` is `500m`), as it prints it.
            Value::String(s) => Ok(Quantity(
                super::quantity::canonical(s).unwrap_or_else(|| s.clone()),
            )),
            Value::Number(n) => {
                let text = n.to_string();
                Ok(Quantity(super::quantity::canonical(&text).unwrap_or(text)))
            }
            other => Err(cx.error(format!(
                "quantities must be strings or numbers, got {other}"
            ))),
        }
    }
    fn encode(&self) -> Value {
        Value::String(self.0.clone())
    }
    fn omit_empty(&self) -> bool {
        self.0.is_empty()
    }
    fn absent() -> Option<Self> {
        Some(Quantity::default())
    }
    /// `resource.Quantity` reads `null` as zero.
    fn from_null() -> Option<Self> {
        Some(Quantity("0".into()))
    }
}
serde_via_codec!(Quantity);

impl Quantity {
    /// Value in thousandths of the base unit (millicores for cpu, millibytes for memory), or a
    /// description of why it is not a quantity (the API server's wording).
    pub fn to_milli(&self) -> Result<i128, String> {
        parse_quantity_milli(&self.0)
    }
    pub fn milli_or_zero(&self) -> i128 {
        self.to_milli().unwrap_or(0)
    }
}

pub const QUANTITY_ERROR: &str =
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

pub fn parse_quantity_milli(text: &str) -> Result<i128, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+' || c == '-'))
        .unwrap_or(t.len());
    let (num, suffix) = t.split_at(split);
    if num.is_empty() || num == "+" || num == "-" {
        return Err(QUANTITY_ERROR.to_string());
    }
    let value: f64 = num.parse().map_err(|_| QUANTITY_ERROR.to_string())?;
    let factor: f64 = match suffix {
        "" => 1.0,
        "m" => 0.001,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "E" => 1e18,
        "Ki" => 1024.0,
        "Mi" => 1024.0 * 1024.0,
        "Gi" => 1024.0 * 1024.0 * 1024.0,
        "Ti" => 1024f64.powi(4),
        "Pi" => 1024f64.powi(5),
        "Ei" => 1024f64.powi(6),
        s if s.starts_with('e') || s.starts_with('E') => {
            let exp: i32 = s[1..].parse().map_err(|_| QUANTITY_ERROR.to_string())?;
            10f64.powi(exp)
        }
        _ => return Err("unable to parse quantity's suffix".to_string()),
    };
    Ok((value * factor * 1000.0).round() as i128)
}

/// Formats milli-units the way kubectl prints allocated resources: `250m`, `1`, `128Mi`.
pub fn format_cpu_milli(m: i128) -> String {
    if m % 1000 == 0 {
        format!("{}", m / 1000)
    } else {
        format!("{m}m")
    }
}

pub fn format_bytes_milli(m: i128) -> String {
    let bytes = m / 1000;
    for (suffix, f) in [("Gi", 1i128 << 30), ("Mi", 1 << 20), ("Ki", 1 << 10)] {
        if bytes != 0 && bytes % f == 0 {
            return format!("{}{suffix}", bytes / f);
        }
    }
    format!("{bytes}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_parse_to_milli_units() {
        assert_eq!(parse_quantity_milli("500m"), Ok(500));
        assert_eq!(parse_quantity_milli("2"), Ok(2000));
        assert_eq!(parse_quantity_milli("1Gi"), Ok(1_073_741_824_000));
        assert!(parse_quantity_milli("lots").is_err());
        assert_eq!(format_bytes_milli(128 * 1024 * 1024 * 1000), "128Mi");
        assert_eq!(format_cpu_milli(1500), "1500m");
    }

    #[test]
    fn selectors_match_labels_and_expressions() {
        let sel: LabelSelector = serde_json::from_value(serde_json::json!({
            "matchLabels": {"app": "web"},
            "matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["db"]}]
        }))
        .unwrap();
        let mut labels = Labels::new();
        labels.insert("app".into(), "web".into());
        assert!(sel.matches(&labels));
        labels.insert("tier".into(), "db".into());
        assert!(!sel.matches(&labels));
        assert_eq!(sel.to_selector_string(), "app=web,tier notin (db)");
    }

    #[test]
    fn percentages_scale_with_rounding() {
        let p = IntOrString::String("25%".into());
        assert_eq!(p.scaled_value(10, true), Ok(3));
        assert_eq!(p.scaled_value(10, false), Ok(2));
    }
}
