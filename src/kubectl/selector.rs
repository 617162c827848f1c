//! `-l` label selectors (`a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`) and
//! `--field-selector` (metadata.name, metadata.namespace, status.phase, spec.nodeName,
//! involvedObject.*, type, reason) with apimachinery's parse errors.

use crate::engine::model::{Labels, Object};

#[derive(Clone, Debug, PartialEq)]
enum Req {
    Eq(String, String),
    NotEq(String, String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    NotExists(String),
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct LabelSel {
    reqs: Vec<Req>,
}

/// Splits on commas that are not inside parentheses.
fn split_top(text: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut depth = 0;
    let mut cur = String::new();
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    parts.push(cur);
    parts
}

fn valid_key(k: &str) -> bool {
    !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
}

impl LabelSel {
    pub fn parse(text: &str) -> Result<LabelSel, String> {
        let mut reqs = Vec::new();
        if text.trim().is_empty() {
            return Ok(LabelSel { reqs });
        }
        for part in split_top(text) {
            let p = part.trim();
            let err = || format!("unable to parse requirement: found '{p}', expected: identifier");
            let req = if let Some(k) = p.strip_prefix('!') {
                Req::NotExists(k.trim().to_string())
            } else if let Some((k, v)) = p.split_once("!=") {
                Req::NotEq(k.trim().into(), v.trim().into())
            } else if let Some((k, v)) = p.split_once("==") {
                Req::Eq(k.trim().into(), v.trim().into())
            } else if let Some((k, v)) = p.split_once('=') {
                Req::Eq(k.trim().into(), v.trim().into())
            } else if let Some((k, rest)) = split_word(p, " notin ") {
                Req::NotIn(k, parse_set(&rest).ok_or_else(err)?)
            } else if let Some((k, rest)) = split_word(p, " in ") {
                Req::In(k, parse_set(&rest).ok_or_else(err)?)
            } else {
                Req::Exists(p.to_string())
            };
            let key = match &req {
                Req::Eq(k, _)
                | Req::NotEq(k, _)
                | Req::In(k, _)
                | Req::NotIn(k, _)
                | Req::Exists(k)
                | Req::NotExists(k) => k,
            };
            if !valid_key(key) {
                return Err(err());
            }
            reqs.push(req);
        }
        Ok(LabelSel { reqs })
    }

    pub fn matches(&self, labels: &Labels) -> bool {
        self.reqs.iter().all(|r| match r {
            Req::Eq(k, v) => labels.get(k) == Some(v),
            Req::NotEq(k, v) => labels.get(k) != Some(v),
            Req::In(k, vs) => labels.get(k).is_some_and(|x| vs.contains(x)),
            Req::NotIn(k, vs) => labels.get(k).is_none_or(|x| !vs.contains(x)),
            Req::Exists(k) => labels.contains_key(k),
            Req::NotExists(k) => !labels.contains_key(k),
        })
    }
}

fn split_word(p: &str, word: &str) -> Option<(String, String)> {
    p.split_once(word)
        .map(|(k, r)| (k.trim().to_string(), r.trim().to_string()))
}

fn parse_set(text: &str) -> Option<Vec<String>> {
    let inner = text.trim().strip_prefix('(')?.strip_suffix(')')?;
    Some(
        inner
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect(),
    )
}

/// `--field-selector`: equality terms on the fields the API server indexes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FieldSel {
    terms: Vec<(String, bool, String)>,
    /// The selector as given, for error messages.
    raw: String,
}

impl FieldSel {
    pub fn parse(text: &str) -> Result<FieldSel, String> {
        let mut terms = Vec::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (k, eq, v) = if let Some((k, v)) = part.split_once("!=") {
                (k, false, v)
            } else if let Some((k, v)) = part.split_once("==") {
                (k, true, v)
            } else if let Some((k, v)) = part.split_once('=') {
                (k, true, v)
            } else {
                return Err(format!(
                    "invalid selector: '{part}'; can't understand '{part}'"
                ));
            };
            terms.push((k.trim().to_string(), eq, v.trim().to_string()));
        }
        Ok(FieldSel {
            terms,
            raw: text.to_string(),
        })
    }

    /// Checks the selector's fields exist for this kind, with the API server's error.
    pub fn check_supported(
        &self,
        obj_kind: &str,
        resource: &str,
        label_selector: &str,
    ) -> Result<(), String> {
        for (k, _, _) in &self.terms {
            if field_value_name(obj_kind, k).is_none() {
                // cli-runtime quotes both selectors exactly as the user gave them.
                return Err(format!(
                    "Error from server (BadRequest): Unable to find \"/v1, Resource={resource}\" that match label selector \"{label_selector}\", field selector \"{}\": field label not supported: {k}",
                    self.raw
                ));
            }
        }
        Ok(())
    }

    pub fn matches(&self, obj: &Object) -> bool {
        let json = obj.to_json();
        self.terms.iter().all(|(k, eq, want)| {
            let got = field_value(obj, &json, k).unwrap_or_default();
            (got == *want) == *eq
        })
    }
}

fn field_value_name(kind: &str, key: &str) -> Option<()> {
    let ok = match key {
        "metadata.name" | "metadata.namespace" => true,
        _ => match kind {
            "Pod" => matches!(
                key,
                "spec.nodeName"
                    | "status.phase"
                    | "spec.restartPolicy"
                    | "spec.schedulerName"
                    | "spec.serviceAccountName"
                    | "status.podIP"
                    | "status.nominatedNodeName"
                    | "spec.hostNetwork"
            ),
            "Event" => {
                key.starts_with("involvedObject.")
                    || matches!(key, "reason" | "type" | "source" | "reportingComponent")
            }
            "Node" => key == "spec.unschedulable",
            "Secret" => key == "type",
            "Namespace" => key == "status.phase",
            _ => false,
        },
    };
    ok.then_some(())
}

fn field_value(obj: &Object, json: &serde_json::Value, key: &str) -> Option<String> {
    let _ = obj;
    let mut cur = json;
    for part in key.split('.') {
        cur = cur.get(part)?;
    }
    Some(match cur {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Bool(b) => b.to_string(),
        serde_json::Value::Number(n) => n.to_string(),
        _ => String::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> Labels {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn parses_every_operator() {
        let l = labels(&[("app", "web"), ("tier", "fe")]);
        for (sel, want) in [
            ("app=web", true),
            ("app==web", true),
            ("app!=web", false),
            ("tier in (fe,be)", true),
            ("tier notin (fe)", false),
            ("app", true),
            ("!app", false),
            ("app=web,tier in (be)", false),
        ] {
            assert_eq!(LabelSel::parse(sel).unwrap().matches(&l), want, "{sel}");
        }
    }
}
