//! kubectl's JSONPath templates (`-o jsonpath=...`, custom-columns): `{.a.b}`, `[n]`, `[*]`,
//! `[a:b]`, `[?(@.type=="Ready")]`, `..name`, `{range ...}{end}`, `{"\n"}` literals.
//! Strings print raw; maps and lists print as compact JSON with sorted keys.

use super::yaml::to_json_compact;
use serde_json::Value;

#[derive(Clone, Debug, PartialEq)]
enum Step {
    Field(String),
    Recursive(String),
    Index(i64),
    Slice(Option<i64>, Option<i64>),
    All,
    Filter(Filter),
}

#[derive(Clone, Debug, PartialEq)]
struct Filter {
    path: Vec<Step>,
    op: Option<(String, Value)>,
}

#[derive(Clone, Debug, PartialEq)]
enum Node {
    Text(String),
    Path {
        root: bool,
        steps: Vec<Step>,
    },
    Range {
        root: bool,
        steps: Vec<Step>,
        body: Vec<Node>,
    },
}

/// A parsed template.
#[derive(Clone, Debug)]
pub struct Template {
    nodes: Vec<Node>,
}

impl Template {
    pub fn parse(text: &str) -> Result<Template, String> {
        let mut stack: Vec<(Node, Vec<Node>)> = Vec::new();
        let mut nodes: Vec<Node> = Vec::new();
        let mut rest = text;
        loop {
            let Some(open) = rest.find('{') else {
                if !rest.is_empty() {
                    nodes.push(Node::Text(rest.to_string()));
                }
                break;
            };
            if open > 0 {
                nodes.push(Node::Text(rest[..open].to_string()));
            }
            let after = &rest[open + 1..];
            let close = find_close(after).ok_or_else(|| "unclosed action".to_string())?;
            let action = after[..close].trim();
            rest = &after[close + 1..];
            if let Some(expr) = action.strip_prefix("range ") {
                let (root, steps) = parse_path(expr.trim())?;
                stack.push((
                    Node::Range {
                        root,
                        steps,
                        body: Vec::new(),
                    },
                    std::mem::take(&mut nodes),
                ));
            } else if action == "end" {
                let Some((Node::Range { root, steps, .. }, outer)) = stack.pop() else {
                    return Err("not in range, nothing to end".into());
                };
                let body = std::mem::replace(&mut nodes, outer);
                nodes.push(Node::Range { root, steps, body });
            } else if action.starts_with('"') || action.starts_with('\'') {
                nodes.push(Node::Text(unquote(action)?));
            } else {
                let (root, steps) = parse_path(action)?;
                nodes.push(Node::Path { root, steps });
            }
        }
        if !stack.is_empty() {
            return Err("unclosed range: add {end}".into());
        }
        Ok(Template { nodes })
    }

    /// Runs the template. Missing keys print nothing (kubectl's allowMissingKeys).
    pub fn execute(&self, data: &Value) -> Result<String, String> {
        let mut out = String::new();
        run(&self.nodes, data, data, &mut out)?;
        Ok(out)
    }

    /// The values the first path yields (custom-columns uses one path per column).
    pub fn values(&self, data: &Value) -> Vec<Value> {
        for n in &self.nodes {
            if let Node::Path { root: _, steps } = n {
                return eval(steps, vec![data.clone()]);
            }
        }
        Vec::new()
    }
}

fn find_close(s: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match (quote, c) {
            (_, '\\') => escaped = true,
            (Some(q), c) if c == q => quote = None,
            (None, '"') | (None, '\'') => quote = Some(c),
            (None, '}') => return Some(i),
            _ => {}
        }
    }
    None
}

fn unquote(s: &str) -> Result<String, String> {
    // Drop the opening quote and, if present, the matching closing one (char-safe).
    let mut chars = s.chars();
    let open = chars.next();
    let rest = chars.as_str();
    let inner = match open {
        Some(q) => rest.strip_suffix(q).unwrap_or(rest),
        None => rest,
    };
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('r') => out.push('\r'),
                Some(o) => out.push(o),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    Ok(out)
}

fn parse_path(expr: &str) -> Result<(bool, Vec<Step>), String> {
    let mut s = expr.trim();
    let mut root = false;
    if let Some(r) = s.strip_prefix('$') {
        root = true;
        s = r;
    } else if let Some(r) = s.strip_prefix('@') {
        s = r;
    }
    let chars: Vec<char> = s.chars().collect();
    let mut steps = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '.' => {
                let recursive = chars.get(i + 1) == Some(&'.');
                i += if recursive { 2 } else { 1 };
                let mut name = String::new();
                while i < chars.len() && chars[i] != '.' && chars[i] != '[' {
                    if chars[i] == '\\' && i + 1 < chars.len() {
                        name.push(chars[i + 1]);
                        i += 2;
                        continue;
                    }
                    name.push(chars[i]);
                    i += 1;
                }
                if recursive {
                    steps.push(Step::Recursive(name));
                } else if !name.is_empty() {
                    steps.push(Step::Field(name));
                }
            }
            '[' => {
                let start = i + 1;
                let mut depth = 1;
                let mut j = start;
                while j < chars.len() && depth > 0 {
                    match chars[j] {
                        '[' => depth += 1,
                        ']' => depth -= 1,
                        _ => {}
                    }
                    j += 1;
                }
                if depth != 0 {
                    return Err(format!("unterminated array index in {expr}"));
                }
                let inner: String = chars[start..j - 1].iter().collect();
                steps.push(parse_bracket(inner.trim())?);
                i = j;
            }
            c if c.is_whitespace() => i += 1,
            _ => {
                // A bare name (e.g. `{status}`) reads like `.status`.
                let mut name = String::new();
                while i < chars.len() && chars[i] != '.' && chars[i] != '[' {
                    name.push(chars[i]);
                    i += 1;
                }
                steps.push(Step::Field(name));
            }
        }
    }
    Ok((root, steps))
}

fn parse_bracket(inner: &str) -> Result<Step, String> {
    if inner == "*" {
        return Ok(Step::All);
    }
    if let Some(f) = inner.strip_prefix("?(").and_then(|x| x.strip_suffix(')')) {
        return parse_filter(f.trim()).map(Step::Filter);
    }
    for q in ['\'', '"'] {
        if let Some(name) = inner.strip_prefix(q).and_then(|x| x.strip_suffix(q)) {
            return Ok(Step::Field(name.to_string()));
        }
    }
    if let Some((a, b)) = inner.split_once(':') {
        let num = |t: &str| -> Result<Option<i64>, String> {
            let t = t.trim();
            if t.is_empty() {
                Ok(None)
            } else {
                t.parse()
                    .map(Some)
                    .map_err(|_| format!("invalid array index {inner}"))
            }
        };
        let b = b.split(':').next().unwrap_or("");
        return Ok(Step::Slice(num(a)?, num(b)?));
    }
    inner
        .parse::<i64>()
        .map(Step::Index)
        .map_err(|_| format!("invalid array index {inner}"))
}

fn parse_filter(f: &str) -> Result<Filter, String> {
    for op in ["==", "!=", "<=", ">=", "<", ">"] {
        if let Some((l, r)) = f.split_once(op) {
            let (_, path) = parse_path(l.trim())?;
            let r = r.trim();
            let value = if r.starts_with('"') || r.starts_with('\'') {
                Value::String(unquote(r)?)
            } else if let Ok(n) = r.parse::<i64>() {
                Value::from(n)
            } else if let Ok(n) = r.parse::<f64>() {
                Value::from(n)
            } else {
                Value::String(r.to_string())
            };
            return Ok(Filter {
                path,
                op: Some((op.to_string(), value)),
            });
        }
    }
    let (_, path) = parse_path(f)?;
    Ok(Filter { path, op: None })
}

fn eval(steps: &[Step], mut cur: Vec<Value>) -> Vec<Value> {
    for step in steps {
        let mut next = Vec::new();
        for v in cur {
            match step {
                Step::Field(name) => {
                    if let Some(x) = v.get(name) {
                        next.push(x.clone());
                    }
                }
                Step::Recursive(name) => collect_recursive(&v, name, &mut next),
                Step::Index(i) => {
                    if let Some(a) = v.as_array() {
                        let idx = if *i < 0 { a.len() as i64 + i } else { *i };
                        if idx >= 0 {
                            if let Some(x) = a.get(idx as usize) {
                                next.push(x.clone());
                            }
                        }
                    }
                }
                Step::Slice(a, b) => {
                    if let Some(arr) = v.as_array() {
                        let len = arr.len() as i64;
                        let norm = |x: i64| if x < 0 { (len + x).max(0) } else { x.min(len) };
                        let from = norm(a.unwrap_or(0)) as usize;
                        let to = norm(b.unwrap_or(len)) as usize;
                        if from < to {
                            next.extend(arr[from..to].iter().cloned());
                        }
                    }
                }
                Step::All => match v {
                    Value::Array(a) => next.extend(a),
                    Value::Object(m) => next.extend(m.into_iter().map(|(_, x)| x)),
                    _ => {}
                },
                Step::Filter(f) => {
                    if let Some(a) = v.as_array() {
                        next.extend(a.iter().filter(|item| filter_matches(f, item)).cloned());
                    }
                }
            }
        }
        cur = next;
    }
    cur
}

fn collect_recursive(v: &Value, name: &str, out: &mut Vec<Value>) {
    match v {
        Value::Object(m) => {
            if let Some(x) = m.get(name) {
                out.push(x.clone());
            }
            for x in m.values() {
                collect_recursive(x, name, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| collect_recursive(x, name, out)),
        _ => {}
    }
}

fn filter_matches(f: &Filter, item: &Value) -> bool {
    let found = eval(&f.path, vec![item.clone()]);
    let Some((op, want)) = &f.op else {
        return !found.is_empty();
    };
    found.iter().any(|got| match (got, want) {
        (Value::Number(a), Value::Number(b)) => {
            let (a, b) = (a.as_f64().unwrap_or(0.0), b.as_f64().unwrap_or(0.0));
            match op.as_str() {
                "==" => a == b,
                "!=" => a != b,
                "<" => a < b,
                ">" => a > b,
                "<=" => a <= b,
                _ => a >= b,
            }
        }
        _ => {
            let a = text_of(got);
            let b = text_of(want);
            match op.as_str() {
                "==" => a == b,
                "!=" => a != b,
                _ => false,
            }
        }
    })
}

/// How kubectl prints one jsonpath result.
pub fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        other => to_json_compact(other),
    }
}

fn run(nodes: &[Node], root: &Value, cur: &Value, out: &mut String) -> Result<(), String> {
    for n in nodes {
        match n {
            Node::Text(t) => out.push_str(t),
            Node::Path {
                root: from_root,
                steps,
            } => {
                let start = if *from_root { root } else { cur };
                let vals = eval(steps, vec![start.clone()]);
                let texts: Vec<String> = vals.iter().map(text_of).collect();
                out.push_str(&texts.join(" "));
            }
            Node::Range {
                root: from_root,
                steps,
                body,
            } => {
                let start = if *from_root { root } else { cur };
                for item in eval(steps, vec![start.clone()]) {
                    run(body, root, &item, out)?;
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn runs_kubectl_style_templates() {
        let data = json!({"items": [
            {"metadata": {"name": "a"}, "status": {"conditions": [{"type": "Ready", "status": "True"}]}},
            {"metadata": {"name": "b"}, "status": {"conditions": [{"type": "Ready", "status": "False"}]}}
        ]});
        let t = Template::parse(r#"{range .items[*]}{.metadata.name}={.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}"#).unwrap();
        assert_eq!(t.execute(&data).unwrap(), "a=True\nb=False\n");
        let t = Template::parse("{.items[*].metadata.name}").unwrap();
        // Unterminated or multi-byte quoting never panics.
        let _ = Template::parse("{\"\u{e9}}");
        let _ = Template::parse("{.a['\u{e9}]}");
        let _ = Template::parse("{\"\u{e9}\"}").map(|t| t.execute(&data));
        assert_eq!(t.execute(&data).unwrap(), "a b");
        let t = Template::parse("{.items[0].status}").unwrap();
        assert_eq!(
            t.execute(&data).unwrap(),
            r#"{"conditions":[{"status":"True","type":"Ready"}]}"#
        );
    }
}
