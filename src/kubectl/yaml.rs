//! `-o yaml` and `-o json` exactly as kubectl writes them: sigs.k8s.io/yaml (go-yaml v2) for
//! YAML — keys in go-yaml's natural order, strings quoted only when they would read back as
//! something else, multi-line strings as `|` blocks — and Go's encoding/json with four-space
//! indentation, sorted keys and HTML-safe escapes for JSON.

use serde_json::Value;
use std::cmp::Ordering;

/// go-yaml v2's `keyList.Less`: letters sort after non-letters, digit runs compare as numbers.
pub fn yaml_key_cmp(a: &str, b: &str) -> Ordering {
    let (ar, br): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut i = 0;
    while i < ar.len() && i < br.len() {
        if ar[i] == br[i] {
            i += 1;
            continue;
        }
        let (al, bl) = (ar[i].is_alphabetic(), br[i].is_alphabetic());
        if al && bl {
            return ar[i].cmp(&br[i]);
        }
        if al || bl {
            return if bl {
                Ordering::Less
            } else {
                Ordering::Greater
            };
        }
        let (mut an, mut bn): (i64, i64) = (0, 0);
        if ar[i] == '0' || br[i] == '0' {
            let mut j = i;
            while j > 0 && ar[j - 1].is_ascii_digit() {
                j -= 1;
                if ar[j] != '0' {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        let mut ai = i;
        while ai < ar.len() && ar[ai].is_ascii_digit() {
            an = an
                .saturating_mul(10)
                .saturating_add(ar[ai] as i64 - '0' as i64);
            ai += 1;
        }
        let mut bi = i;
        while bi < br.len() && br[bi].is_ascii_digit() {
            bn = bn
                .saturating_mul(10)
                .saturating_add(br[bi] as i64 - '0' as i64);
            bi += 1;
        }
        if an != bn {
            return an.cmp(&bn);
        }
        if ai != bi {
            return ai.cmp(&bi);
        }
        return ar[i].cmp(&br[i]);
    }
    ar.len().cmp(&br.len())
}

/// The document kubectl prints for `-o yaml` (ends with a newline).
pub fn to_yaml(v: &Value) -> String {
    let mut out = String::new();
    match v {
        Value::Object(m) if !m.is_empty() => emit_map(v, 0, &mut out),
        Value::Array(a) if !a.is_empty() => emit_seq(v, 0, &mut out),
        other => {
            out.push_str(&scalar(other, 0));
            out.push('\n');
        }
    }
    out
}

fn sorted_entries(v: &Value) -> Vec<(&String, &Value)> {
    let mut entries: Vec<(&String, &Value)> = v
        .as_object()
        .map(|m| m.iter().collect())
        .unwrap_or_default();
    crate::engine::stable_sort::sort_by(&mut entries, |a, b| yaml_key_cmp(a.0, b.0));
    entries
}

fn is_block(v: &Value) -> bool {
    match v {
        Value::Object(m) => !m.is_empty(),
        Value::Array(a) => !a.is_empty(),
        _ => false,
    }
}

fn emit_map(v: &Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    for (k, val) in sorted_entries(v) {
        out.push_str(&pad);
        out.push_str(&string_scalar(k, indent));
        out.push(':');
        match val {
            Value::Object(_) if is_block(val) => {
                out.push('\n');
                emit_map(val, indent + 2, out);
            }
            Value::Array(_) if is_block(val) => {
                out.push('\n');
                emit_seq(val, indent, out);
            }
            other => {
                out.push(' ');
                out.push_str(&scalar(other, indent + 2));
                out.push('\n');
            }
        }
    }
}

fn emit_seq(v: &Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    for item in v.as_array().into_iter().flatten() {
        out.push_str(&pad);
        out.push('-');
        match item {
            Value::Object(_) if is_block(item) => {
                // The first key goes on the dash's line.
                let mut inner = String::new();
                emit_map(item, indent + 2, &mut inner);
                out.push(' ');
                out.push_str(&inner[indent + 2..]);
            }
            Value::Array(_) if is_block(item) => {
                let mut inner = String::new();
                emit_seq(item, indent + 2, &mut inner);
                out.push(' ');
                out.push_str(&inner[indent + 2..]);
            }
            other => {
                out.push(' ');
                out.push_str(&scalar(other, indent + 2));
                out.push('\n');
            }
        }
    }
}

fn scalar(v: &Value, indent: usize) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => string_scalar(s, indent),
        Value::Object(_) => "{}".into(),
        Value::Array(_) => "[]".into(),
    }
}

/// Would go-yaml v2 read this plain text back as something other than a string?
fn resolves_to_non_string(s: &str) -> bool {
    const SPECIAL: &[&str] = &[
        "", "~", "null", "Null", "NULL", "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
        "true", "True", "TRUE", "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF",
        ".inf", ".Inf", ".INF", "+.inf", "-.inf", ".nan", ".NaN", ".NAN", "<<",
    ];
    if SPECIAL.contains(&s) {
        return true;
    }
    let plain = s.replace('_', "");
    let body = plain.strip_prefix(['+', '-']).unwrap_or(&plain);
    let is_int = !body.is_empty()
        && (body.chars().all(|c| c.is_ascii_digit())
            || body
                .strip_prefix("0x")
                .is_some_and(|h| !h.is_empty() && h.chars().all(|c| c.is_ascii_hexdigit()))
            || body
                .strip_prefix("0b")
                .is_some_and(|h| !h.is_empty() && h.chars().all(|c| c == '0' || c == '1')));
    if is_int {
        return true;
    }
    if looks_like_float(body) {
        return true;
    }
    looks_like_timestamp(s) || is_base60(s)
}

fn looks_like_float(s: &str) -> bool {
    if s.is_empty()
        || !s
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit() || c == '.')
    {
        return false;
    }
    if !s
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'))
    {
        return false;
    }
    s.parse::<f64>().is_ok()
}

fn looks_like_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 10
        && b[0..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'-'
        && b[8..10].iter().all(u8::is_ascii_digit)
        && (b.len() == 10 || matches!(b[10], b'T' | b't' | b' '))
}

fn is_base60(s: &str) -> bool {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let mut parts = body.split(':');
    let Some(first) = parts.next() else {
        return false;
    };
    let rest: Vec<&str> = parts.collect();
    !rest.is_empty()
        && !first.is_empty()
        && first.chars().all(|c| c.is_ascii_digit() || c == '_')
        && rest.iter().enumerate().all(|(i, p)| {
            let p = if i + 1 == rest.len() {
                p.split('.').next().unwrap_or("")
            } else {
                p
            };
            !p.is_empty()
                && p.len() <= 2
                && p.chars().all(|c| c.is_ascii_digit())
                && p.parse::<u32>().is_ok_and(|n| n < 60)
        })
}

/// Can the emitter write this string plain in block context (yaml_emitter_analyze_scalar)?
fn plain_allowed(s: &str) -> bool {
    if s.is_empty() || s.starts_with("---") || s.starts_with("...") {
        return false;
    }
    let chars: Vec<char> = s.chars().collect();
    if chars[0] == ' ' || chars[chars.len() - 1] == ' ' {
        return false;
    }
    for (i, &c) in chars.iter().enumerate() {
        let next_ws = chars.get(i + 1).is_none_or(|n| *n == ' ' || *n == '\t');
        if c.is_control() || c == '\t' {
            return false;
        }
        if i == 0 {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => return false,
                '?' | ':' | '-' if next_ws => return false,
                _ => {}
            }
        } else {
            match c {
                ':' if next_ws => return false,
                '#' if chars[i - 1] == ' ' => return false,
                _ => {}
            }
        }
    }
    true
}

fn string_scalar(s: &str, indent: usize) -> String {
    if s.contains('\n') {
        return literal_block(s, indent);
    }
    if resolves_to_non_string(s) {
        return double_quoted(s);
    }
    if plain_allowed(s) {
        return s.to_string();
    }
    if s.chars().any(|c| c.is_control()) {
        return double_quoted(s);
    }
    format!("'{}'", s.replace('\'', "''"))
}

fn double_quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\x{:02X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn literal_block(s: &str, indent: usize) -> String {
    let chomp = if !s.ends_with('\n') {
        "-"
    } else if s.ends_with("\n\n") {
        "+"
    } else {
        ""
    };
    let indicator = if s.starts_with(' ') || s.starts_with('\n') {
        "2"
    } else {
        ""
    };
    let pad = " ".repeat(indent);
    let mut out = format!("|{indicator}{chomp}");
    let body = s.strip_suffix('\n').unwrap_or(s);
    for line in body.split('\n') {
        out.push('\n');
        if !line.is_empty() {
            out.push_str(&pad);
            out.push_str(line);
        }
    }
    out
}

/// Recursively sorts object keys (Go's encoding/json order: bytewise).
pub fn sort_keys(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            crate::engine::stable_sort::sort(&mut keys);
            let mut out = serde_json::Map::new();
            for k in keys {
                out.insert(k.clone(), sort_keys(&m[k]));
            }
            Value::Object(out)
        }
        Value::Array(a) => Value::Array(a.iter().map(sort_keys).collect()),
        other => other.clone(),
    }
}

/// Go's json.Marshal escaping of `<`, `>` and `&`.
fn html_escape(s: &str) -> String {
    s.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// `json.MarshalIndent(obj, "", "    ")` plus a trailing newline, as `-o json` prints.
pub fn to_json_pretty(v: &Value) -> String {
    let sorted = sort_keys(v);
    let mut buf = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, fmt);
    let _ = serde::Serialize::serialize(&sorted, &mut ser);
    let text = String::from_utf8(buf).unwrap_or_default();
    html_escape(&text) + "\n"
}

/// Compact JSON with sorted keys (jsonpath and custom-columns print maps this way).
pub fn to_json_compact(v: &Value) -> String {
    html_escape(&serde_json::to_string(&sort_keys(v)).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn writes_yaml_like_kubectl() {
        let v = json!({
            "metadata": {"labels": {"b": "0", "a": "x"}, "name": "web-0", "creationTimestamp": "2026-11-21T04:46:34Z"},
            "spec": {"containers": [{"name": "nginx", "ports": [{"containerPort": 80}], "resources": {}}], "empty": ""},
            "apiVersion": "v1",
            "note": "line\n",
            "status": {"conditions": [{"lastProbeTime": null, "status": "True"}]}
        });
        let want = "apiVersion: v1\nmetadata:\n  creationTimestamp: \"2026-11-21T04:46:34Z\"\n  labels:\n    a: x\n    b: \"0\"\n  name: web-0\nnote: |\n  line\nspec:\n  containers:\n  - name: nginx\n    ports:\n    - containerPort: 80\n    resources: {}\n  empty: \"\"\nstatus:\n  conditions:\n  - lastProbeTime: null\n    status: \"True\"\n";
        assert_eq!(to_yaml(&v), want);
    }

    #[test]
    fn quotes_only_what_needs_quoting() {
        assert_eq!(
            string_scalar("registry.k8s.io/nginx-slim:0.24", 0),
            "registry.k8s.io/nginx-slim:0.24"
        );
        assert_eq!(string_scalar("0.24", 0), "\"0.24\"");
        assert_eq!(string_scalar("yes", 0), "\"yes\"");
        assert_eq!(string_scalar("{\"a\":1}", 0), "'{\"a\":1}'");
        assert_eq!(string_scalar("a: b", 0), "'a: b'");
        assert_eq!(
            string_scalar("/dev/termination-log", 0),
            "/dev/termination-log"
        );
    }

    #[test]
    fn json_uses_four_spaces_and_sorted_keys() {
        assert_eq!(
            to_json_pretty(&json!({"b": 1, "a": "<x>"})),
            "{\n    \"a\": \"\\u003cx\\u003e\",\n    \"b\": 1\n}\n"
        );
    }
}
