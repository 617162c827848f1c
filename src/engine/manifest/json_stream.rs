//! A manifest stream that starts with `{` is JSON to kubectl, not YAML: its
//! `YAMLOrJSONDecoder` (k8s.io/apimachinery/pkg/util/yaml) peeks at the first non-space
//! character and then decodes one JSON value after another with Go's `encoding/json`, without
//! `---` separators. A syntax error stops the stream with Go's words and byte offset
//! (`json: offset 30: invalid character '}' looking for beginning of value`), and a value cut
//! short ends it with `unexpected EOF`.
//!
//! This module finds where each value of the stream starts and ends, and the first syntax
//! error as Go's scanner (encoding/json/scanner.go) words it. The values themselves are then
//! read by the usual document pipeline.

use std::ops::Range;

/// Whether kubectl reads `text` as a JSON stream (`GuessJSONStream`: the first non-space
/// character is `{`).
pub fn is_json_stream(text: &str) -> bool {
    text.trim_start().starts_with('{')
}

/// Where the stream stopped being JSON.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    /// kubectl's message after `error parsing STDIN: `.
    pub message: String,
    /// Byte index of the offending character (the end of the text for `unexpected EOF`).
    pub at: usize,
}

/// The byte ranges of the stream's values, in order, and the error that stopped it, if any.
/// Values before an error are complete and valid JSON.
pub fn split_values(text: &str) -> (Vec<Range<usize>>, Option<SyntaxError>) {
    let mut scanner = Scanner {
        bytes: text.as_bytes(),
        pos: 0,
        depth: 0,
    };
    let mut values = Vec::new();
    loop {
        scanner.skip_space();
        if scanner.pos >= scanner.bytes.len() {
            return (values, None);
        }
        let start = scanner.pos;
        match scanner.value() {
            Ok(()) => values.push(start..scanner.pos),
            Err(e) => return (values, Some(e)),
        }
    }
}

/// Nesting is bounded like the YAML path's (Go allows 10,000 levels; kubeplay refuses more
/// than `MAX_DEPTH`, in its own words, to keep the page responsive and the recursion short).
const MAX_NESTING: usize = super::limits::MAX_DEPTH;

struct Scanner<'a> {
    bytes: &'a [u8],
    pos: usize,
    depth: usize,
}

type Scan = Result<(), SyntaxError>;

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    /// `invalid character 'x' <context>` at the current byte, or `unexpected EOF` past the end.
    fn fail(&self, context: &str) -> SyntaxError {
        match self.peek() {
            Some(c) => SyntaxError {
                message: format!(
                    "json: offset {}: invalid character {} {context}",
                    self.pos + 1,
                    quote_char(c)
                ),
                at: self.pos,
            },
            None => SyntaxError {
                message: "unexpected EOF".into(),
                at: self.bytes.len(),
            },
        }
    }

    fn value(&mut self) -> Scan {
        self.skip_space();
        match self.peek() {
            Some(b'{') => self.nested(Self::object),
            Some(b'[') => self.nested(Self::array),
            Some(b'"') => self.string(),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b't') => self.literal(b"true"),
            Some(b'f') => self.literal(b"false"),
            Some(b'n') => self.literal(b"null"),
            _ => Err(self.fail("looking for beginning of value")),
        }
    }

    fn nested(&mut self, f: fn(&mut Self) -> Scan) -> Scan {
        if self.depth >= MAX_NESTING {
            return Err(SyntaxError {
                message: super::limits::too_deep_message(),
                at: self.pos,
            });
        }
        self.depth += 1;
        let result = f(self);
        self.depth -= 1;
        result
    }

    fn object(&mut self) -> Scan {
        self.pos += 1; // '{'
        self.skip_space();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(());
        }
        loop {
            self.skip_space();
            if self.peek() != Some(b'"') {
                return Err(self.fail("looking for beginning of object key string"));
            }
            self.string()?;
            self.skip_space();
            if self.peek() != Some(b':') {
                return Err(self.fail("after object key"));
            }
            self.pos += 1;
            self.value()?;
            self.skip_space();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(());
                }
                _ => return Err(self.fail("after object key:value pair")),
            }
        }
    }

    fn array(&mut self) -> Scan {
        self.pos += 1; // '['
        self.skip_space();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(());
        }
        loop {
            self.value()?;
            self.skip_space();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(());
                }
                _ => return Err(self.fail("after array element")),
            }
        }
    }

    fn string(&mut self) -> Scan {
        self.pos += 1; // '"'
        loop {
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(());
                }
                Some(b'\\') => {
                    self.pos += 1;
                    match self.peek() {
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => {
                            self.pos += 1
                        }
                        Some(b'u') => {
                            self.pos += 1;
                            for _ in 0..4 {
                                if !self.peek().is_some_and(|c| c.is_ascii_hexdigit()) {
                                    return Err(self.fail("in \\u hexadecimal character escape"));
                                }
                                self.pos += 1;
                            }
                        }
                        _ => return Err(self.fail("in string escape code")),
                    }
                }
                Some(c) if c < 0x20 => return Err(self.fail("in string literal")),
                Some(_) => self.pos += 1,
                None => return Err(self.fail("in string literal")),
            }
        }
    }

    fn digits(&mut self) {
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
    }

    fn number(&mut self) -> Scan {
        if self.peek() == Some(b'-') {
            self.pos += 1;
            if !self.peek().is_some_and(|c| c.is_ascii_digit()) {
                return Err(self.fail("in numeric literal"));
            }
        }
        // A leading 0 stands alone (`0644` is `0` and then an unexpected `6`).
        if self.peek() == Some(b'0') {
            self.pos += 1;
        } else {
            self.digits();
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if !self.peek().is_some_and(|c| c.is_ascii_digit()) {
                return Err(self.fail("after decimal point in numeric literal"));
            }
            self.digits();
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if !self.peek().is_some_and(|c| c.is_ascii_digit()) {
                return Err(self.fail("in exponent of numeric literal"));
            }
            self.digits();
        }
        Ok(())
    }

    fn literal(&mut self, word: &'static [u8]) -> Scan {
        let name = std::str::from_utf8(word).unwrap_or_default();
        self.pos += 1;
        for &expected in &word[1..] {
            if self.peek() != Some(expected) {
                return Err(self.fail(&format!(
                    "in literal {name} (expecting {})",
                    quote_char(expected)
                )));
            }
            self.pos += 1;
        }
        Ok(())
    }
}

/// Go's `quoteChar`: the byte in single quotes, escaped as `strconv.Quote` escapes it.
fn quote_char(c: u8) -> String {
    match c {
        b'\'' => "'\\''".into(),
        b'"' => "'\"'".into(),
        b'\n' => "'\\n'".into(),
        b'\t' => "'\\t'".into(),
        b'\r' => "'\\r'".into(),
        0x07 => "'\\a'".into(),
        0x08 => "'\\b'".into(),
        0x0c => "'\\f'".into(),
        0x0b => "'\\v'".into(),
        0x20..=0x7e => format!("'{}'", c as char),
        0x80..=0x9f => format!("'\\u{c:04x}'"),
        0xa0..=0xff => format!("'{}'", char::from(c)),
        _ => format!("'\\x{c:02x}'"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(text: &str) -> String {
        split_values(text).1.map(|e| e.message).unwrap_or_default()
    }

    /// Each expectation is what kubectl v1.32.4 printed after `error parsing STDIN: ` for the
    /// same input (`kubectl label --local -f - x=y`).
    #[test]
    fn syntax_errors_are_worded_and_placed_as_kubectl_words_them() {
        let cases = [
            (r#"{"apiVersion": "v1", "kind": }"#, "json: offset 30: invalid character '}' looking for beginning of value"),
            (r#"  {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}, "data": {"x": 0644}}"#,
             "json: offset 87: invalid character '6' after object key:value pair"),
            (r#"{"a": [1, 2 3]}"#, "json: offset 13: invalid character '3' after array element"),
            (r#"{"a" 1}"#, "json: offset 6: invalid character '1' after object key"),
            (r#"{a: 1}"#, "json: offset 2: invalid character 'a' looking for beginning of object key string"),
            (r#"{"a": tru}"#, "json: offset 10: invalid character '}' in literal true (expecting 'e')"),
            (r#"{"a": "x\q"}"#, "json: offset 10: invalid character 'q' in string escape code"),
            (r#"{"a": 1.}"#, "json: offset 9: invalid character '}' after decimal point in numeric literal"),
            (r#"{"a": -x}"#, "json: offset 8: invalid character 'x' in numeric literal"),
            (r#"{"a": 1e}"#, "json: offset 9: invalid character '}' in exponent of numeric literal"),
            (r#"{"a": 1"#, "unexpected EOF"),
            ("{\"kind\":\"ConfigMap\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"a\"}} x",
             "json: offset 64: invalid character 'x' looking for beginning of value"),
            ("{\"kind\":\"ConfigMap\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"a\"}}\n{\"a\": }",
             "json: offset 70: invalid character '}' looking for beginning of value"),
        ];
        for (text, want) in cases {
            assert_eq!(error(text), want, "{text}");
        }
    }

    #[test]
    fn values_follow_one_another_without_separators() {
        let text = "{\"a\": 1}\n {\"b\": [true, null, -1.5e3, \"\\u00e9\"]}  \n";
        let (values, err) = split_values(text);
        assert_eq!(err, None);
        let parts: Vec<&str> = values.iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(
            parts,
            ["{\"a\": 1}", "{\"b\": [true, null, -1.5e3, \"\\u00e9\"]}"]
        );
        assert!(is_json_stream("  \n{\"a\": 1}"));
        assert!(!is_json_stream("a: {b: 1}"));
    }

    #[test]
    fn deep_nesting_ends_with_an_error_not_a_stack_overflow() {
        let text = "[".repeat(50_000);
        let text = format!("{{\"a\": {text}");
        assert_eq!(error(&text), super::super::limits::too_deep_message());
    }
}
