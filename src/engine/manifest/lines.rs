//! Field path -> manifest line. The parser's paths carry no spans, so this scans the document's lines
//! with their indentation, the way a reader does: `key:` opens a block, `- ` opens a sequence
//! item, and each key is recorded under its dotted path (`spec.template.spec.containers[0].image`).
//! Flow collections (`{...}`, `[...]`) and block scalars (`|`, `>`) are not entered: a path
//! inside them resolves to the line of the nearest enclosing key, which is still the right place
//! to point at.

use std::collections::BTreeMap;

/// Paths of one document, each with the 1-based line of its key in the whole text.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LineIndex {
    lines: BTreeMap<String, usize>,
}

struct Frame {
    /// Column of the key (or dash) that opened this block; -1 for the document root.
    col: i64,
    path: String,
    /// Next sequence index when this block turns out to be a sequence.
    next_index: usize,
    /// A sequence item: its children must be indented deeper than the dash.
    item: bool,
}

impl LineIndex {
    /// Scans `text`, whose first line is line `first_line` of the whole manifest.
    pub fn build(text: &str, first_line: usize) -> Self {
        let mut index = LineIndex::default();
        let mut stack = vec![Frame {
            col: -1,
            path: String::new(),
            next_index: 0,
            item: false,
        }];
        // Lines more indented than this belong to a block scalar and are skipped.
        let mut scalar_above: Option<i64> = None;
        // Open `{`/`[` of a flow collection spread over several lines: its lines are skipped.
        let mut flow_depth: i64 = 0;
        for (offset, raw) in text.lines().enumerate() {
            let line_no = first_line + offset;
            if flow_depth > 0 {
                flow_depth += bracket_balance(raw);
                continue;
            }
            let trimmed = raw.trim_start_matches(' ');
            let col = (raw.len() - trimmed.len()) as i64;
            if let Some(limit) = scalar_above {
                if trimmed.trim().is_empty() || col > limit {
                    continue;
                }
                scalar_above = None;
            }
            let content = trimmed.trim_end();
            if content.is_empty() || content.starts_with('#') || content.starts_with("---") {
                continue;
            }
            index.scan_line(&mut stack, content, col, line_no, &mut scalar_above);
            if scalar_above.is_none() {
                flow_depth = bracket_balance(content).max(0);
            }
        }
        index
    }

    fn scan_line(
        &mut self,
        stack: &mut Vec<Frame>,
        mut content: &str,
        mut col: i64,
        line_no: usize,
        scalar_above: &mut Option<i64>,
    ) {
        let is_dash = |c: &str| c == "-" || c.starts_with("- ");
        // Close blocks this line is not inside of.
        while stack.len() > 1 {
            let Some(top) = stack.last() else { break };
            let inside = col > top.col || (col == top.col && !top.item && is_dash(content));
            if inside {
                break;
            }
            stack.pop();
        }
        // Sequence items: `- a`, `- key: v`, `- - x`.
        while is_dash(content) {
            let Some(parent) = stack.last_mut() else {
                return;
            };
            let i = parent.next_index;
            parent.next_index += 1;
            let path = format!("{}[{i}]", parent.path);
            self.lines.entry(path.clone()).or_insert(line_no);
            stack.push(Frame {
                col,
                path,
                next_index: 0,
                item: true,
            });
            let rest = content[1..].trim_start_matches(' ');
            col += (content.len() - rest.len()) as i64;
            content = rest;
            if content.is_empty() || content.starts_with('#') {
                return;
            }
        }
        let Some((key, value)) = split_key(content) else {
            if content.starts_with('|') || content.starts_with('>') {
                *scalar_above = Some(col - 1);
            }
            return;
        };
        let Some(parent) = stack.last() else { return };
        let path = if parent.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", parent.path)
        };
        self.lines.entry(path.clone()).or_insert(line_no);
        let value = value.trim();
        let value = strip_anchor(value);
        if value.is_empty() || value.starts_with('#') {
            stack.push(Frame {
                col,
                path,
                next_index: 0,
                item: false,
            });
        } else if value.starts_with('|') || value.starts_with('>') {
            *scalar_above = Some(col);
        }
    }

    /// The line of `path` (`spec.template.spec.containers[0].image`, map keys as
    /// `metadata.labels[app]` or `.app`), or of its nearest recorded ancestor.
    pub fn line_of(&self, path: &str) -> Option<usize> {
        let mut p = normalize(path);
        loop {
            if let Some(l) = self.lines.get(&p) {
                return Some(*l);
            }
            let cut = p.rfind(['.', '['])?;
            p.truncate(cut);
            if p.is_empty() {
                return None;
            }
        }
    }

    /// The paths under `prefix` (`items[2]`), re-rooted: for the objects of a `kind: List`.
    pub fn subtree(&self, prefix: &str) -> LineIndex {
        let mut lines = BTreeMap::new();
        for (path, line) in self.lines.range(prefix.to_string()..) {
            let Some(rest) = path.strip_prefix(prefix) else {
                break;
            };
            if let Some(rest) = rest.strip_prefix('.') {
                lines.insert(rest.to_string(), *line);
            }
        }
        LineIndex { lines }
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }
}

/// Opened minus closed flow brackets on a line, ignoring quoted text and comments.
fn bracket_balance(line: &str) -> i64 {
    let mut depth = 0i64;
    let mut quote: Option<char> = None;
    let mut prev = ' ';
    for c in line.chars() {
        match quote {
            Some(q) => {
                if c == q {
                    quote = None;
                }
            }
            None => match c {
                '"' | '\'' => quote = Some(c),
                '#' if prev == ' ' => break,
                '{' | '[' => depth += 1,
                '}' | ']' => depth -= 1,
                _ => {}
            },
        }
        prev = c;
    }
    depth
}

/// `field.Path` writes map keys as `[key]`; the index stores them as `.key`.
fn normalize(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut rest = path;
    while let Some(open) = rest.find('[') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find(']') else {
            out.push_str(&rest[open..]);
            return out;
        };
        let inner = &after[..close];
        if !inner.is_empty() && inner.bytes().all(|b| b.is_ascii_digit()) {
            out.push('[');
            out.push_str(inner);
            out.push(']');
        } else {
            out.push('.');
            out.push_str(inner);
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

fn strip_anchor(value: &str) -> &str {
    if let Some(rest) = value.strip_prefix('&') {
        return rest.split_once(' ').map(|(_, v)| v.trim()).unwrap_or("");
    }
    value
}

/// `key: value` / `key:` / `"key": value`; None for plain scalars and flow collections.
fn split_key(content: &str) -> Option<(&str, &str)> {
    if content.starts_with('{') || content.starts_with('[') {
        return None;
    }
    if let Some(q) = content.chars().next().filter(|c| *c == '"' || *c == '\'') {
        let end = content[1..].find(q)? + 1;
        let key = &content[1..end];
        let rest = content[end + 1..].trim_start();
        let value = rest.strip_prefix(':')?;
        return Some((key, value));
    }
    let bytes = content.as_bytes();
    for i in 0..bytes.len() {
        if bytes[i] == b':'
            && (i + 1 == bytes.len() || bytes[i + 1] == b' ' || bytes[i + 1] == b'\t')
        {
            let key = content[..i].trim_end();
            if key.is_empty() || key.contains(" #") {
                return None;
            }
            return Some((key, &content[i + 1..]));
        }
        if bytes[i] == b'#' && i > 0 && bytes[i - 1] == b' ' {
            return None;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const STS: &str = "apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
  labels: {app: web}
spec:
  selector:
    matchLabels:
      app: nginx
  template:
    spec:
      containers:
      - name: nginx
        image: nginx
        volumeMounts:
        - name: www
          mountPath: /usr/share
      - name: side
        args:
          - |
            echo hi
            image: not-a-key
        image: busybox
";

    #[test]
    fn keys_and_list_items_get_their_lines() {
        let ix = LineIndex::build(STS, 1);
        assert_eq!(ix.line_of("metadata.name"), Some(4));
        assert_eq!(ix.line_of("spec.selector"), Some(7));
        assert_eq!(ix.line_of("spec.template.spec.containers[0]"), Some(13));
        assert_eq!(
            ix.line_of("spec.template.spec.containers[0].image"),
            Some(14)
        );
        assert_eq!(
            ix.line_of("spec.template.spec.containers[0].volumeMounts[0].name"),
            Some(16)
        );
        assert_eq!(
            ix.line_of("spec.template.spec.containers[1].name"),
            Some(18)
        );
        assert_eq!(
            ix.line_of("spec.template.spec.containers[1].image"),
            Some(23)
        );
    }

    #[test]
    fn unknown_paths_fall_back_to_the_nearest_ancestor() {
        let ix = LineIndex::build(STS, 10);
        // Inside a flow mapping: the key that holds it.
        assert_eq!(ix.line_of("metadata.labels[app]"), Some(14));
        assert_eq!(ix.line_of("spec.selector.matchLabels[app]"), Some(18));
        assert_eq!(ix.line_of("spec.replicas"), Some(15));
        assert_eq!(ix.line_of("status"), None);
    }

    #[test]
    fn indented_sequences_and_nested_items() {
        let text = "spec:\n  ports:\n    - port: 80\n      name: web\n    - port: 443\n  x:\n  - - a\n    - b\n";
        let ix = LineIndex::build(text, 1);
        assert_eq!(ix.line_of("spec.ports[1].port"), Some(5));
        assert_eq!(ix.line_of("spec.ports[0].name"), Some(4));
        assert_eq!(ix.line_of("spec.x[0][1]"), Some(8));
    }

    #[test]
    fn multi_line_flow_collections_are_skipped() {
        let text = "metadata: {\n  name: x,\n  labels: {a: b}\n}\nspec:\n  replicas: 1\n";
        let ix = LineIndex::build(text, 1);
        assert_eq!(ix.line_of("metadata.name"), Some(1));
        assert_eq!(ix.line_of("name"), None);
        assert_eq!(ix.line_of("spec.replicas"), Some(6));
    }
}
