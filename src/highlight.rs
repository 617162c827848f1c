//! YAML syntax colouring for the manifest editor: text -> a flat list of coloured byte ranges.
//!
//! This is a colouring lexer, not a parser: it never fails, it keeps going on broken input (the
//! editor shows whatever the user is typing), and it reads each byte once plus one look-ahead
//! scan per line, so it runs in linear time. Its contract, asserted by the native tests:
//! - the tokens cover every byte of the input exactly once, in order, with no empty token,
//! - every token boundary is a UTF-8 character boundary (the UI slices the text by them),
//! - the lines of a block scalar (`|`, `>`) and of a quoted string that spans lines are strings.
//!
//! Plain scalars are coloured the way Kubernetes reads them, not the way YAML 1.2 would: the API
//! server decodes manifests with go-yaml v2 (sigs.k8s.io/yaml), where `yes`, `no`, `on`, `off`,
//! `y` and `n` are booleans. A learner who writes `value: on` should see that it is not a string.

/// What a stretch of text is, for colouring.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Style {
    /// Spaces, newlines and anything without a colour of its own.
    Plain,
    /// A mapping key (`name` in `name: web`).
    Key,
    /// A quoted or plain string scalar, and every line of a block scalar.
    String,
    /// An integer or a float (`80`, `0.5`, `0x1F`, `.inf`).
    Number,
    /// Booleans and null (`true`, `no`, `null`, `~`).
    Literal,
    /// `# ...` to the end of the line.
    Comment,
    /// The document markers `---` and `...`.
    Document,
    /// Structure: `-` of a list item, `:` after a key, `? `, `,`, brackets and braces, and the
    /// header of a block scalar (`|`, `>-`).
    Indicator,
    /// `&name`: an anchor.
    Anchor,
    /// `*name`: an alias.
    Alias,
    /// `!tag` and `%` directives.
    Tag,
}

impl Style {
    /// The CSS class the editor gives this style (`None` for plain text).
    pub fn class(self) -> Option<&'static str> {
        Some(match self {
            Style::Plain => return None,
            Style::Key => "tk-key",
            Style::String => "tk-str",
            Style::Number => "tk-num",
            Style::Literal => "tk-lit",
            Style::Comment => "tk-com",
            Style::Document => "tk-doc",
            Style::Indicator => "tk-ind",
            Style::Anchor => "tk-anchor",
            Style::Alias => "tk-alias",
            Style::Tag => "tk-tag",
        })
    }
}

/// One coloured byte range `start..end` of the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub style: Style,
    pub start: usize,
    pub end: usize,
}

/// Colours YAML text. See the module documentation for the guarantees.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut lexer = Lexer {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        tokens: Vec::new(),
        state: State::Normal,
    };
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let end = start + line.len();
        let content = line.strip_suffix('\n').unwrap_or(line);
        let content = content.strip_suffix('\r').unwrap_or(content);
        let content_end = start + content.len();
        lexer.line(start, content_end);
        lexer.emit(Style::Plain, end);
        start = end;
    }
    lexer.tokens
}

/// Tokens grouped by line: for each line (without its newline), its tokens clipped to it. A
/// text ending in a newline has an empty last line, as an editor shows it.
pub fn tokenize_lines(text: &str) -> Vec<Vec<Token>> {
    let tokens = tokenize(text);
    let mut lines = Vec::new();
    let mut current = Vec::new();
    for t in tokens {
        let mut start = t.start;
        // A token may hold newlines (plain whitespace does); split it at each one.
        while let Some(nl) = text[start..t.end].find('\n').map(|i| start + i) {
            if nl > start {
                current.push(Token {
                    style: t.style,
                    start,
                    end: nl,
                });
            }
            lines.push(std::mem::take(&mut current));
            start = nl + 1;
        }
        if t.end > start {
            current.push(Token {
                style: t.style,
                start,
                end: t.end,
            });
        }
    }
    lines.push(current);
    lines
}

/// What the previous lines left open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Normal,
    /// Inside a block scalar: lines indented deeper than `parent` (or blank) belong to it.
    Block {
        parent: isize,
    },
    /// Inside a quoted string that did not close on its line.
    Quoted {
        quote: u8,
    },
}

struct Lexer<'a> {
    text: &'a str,
    bytes: &'a [u8],
    /// Everything before `pos` is covered by `tokens`.
    pos: usize,
    tokens: Vec<Token>,
    state: State,
}

fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// `---` or `...` alone or followed by a blank (the line must start with it).
fn is_document_marker(rest: &[u8]) -> bool {
    (rest.starts_with(b"---") || rest.starts_with(b"..."))
        && rest.get(3).is_none_or(|&b| is_blank(b))
}

/// Flow punctuation ends plain scalars inside `[...]` and `{...}`.
fn is_flow_indicator(b: u8) -> bool {
    matches!(b, b',' | b'[' | b']' | b'{' | b'}')
}

impl Lexer<'_> {
    /// Covers `pos..end` with one token of `style` (merged into the previous token when it has
    /// the same style). `end` is clamped to a character boundary, so no token splits a char.
    fn emit(&mut self, style: Style, end: usize) {
        let mut end = end.min(self.bytes.len());
        while !self.text.is_char_boundary(end) {
            end += 1;
        }
        if end <= self.pos {
            return;
        }
        match self.tokens.last_mut() {
            Some(last) if last.style == style && last.end == self.pos => last.end = end,
            _ => self.tokens.push(Token {
                style,
                start: self.pos,
                end,
            }),
        }
        self.pos = end;
    }

    fn skip_blanks(&self, mut p: usize, end: usize) -> usize {
        while p < end && is_blank(self.bytes[p]) {
            p += 1;
        }
        p
    }

    /// One line's content `start..end` (the newline is emitted by the caller).
    fn line(&mut self, start: usize, end: usize) {
        let indent = self.skip_blanks(start, end) - start;
        let first = start + indent;
        match self.state {
            State::Block { parent } => {
                // A document marker ends every block scalar, even a top-level one.
                let marker = indent == 0 && is_document_marker(&self.bytes[first..end]);
                if !marker && (first == end || indent as isize > parent) {
                    self.emit(Style::Plain, first);
                    self.emit(Style::String, end);
                    return;
                }
                self.state = State::Normal;
            }
            State::Quoted { quote } => {
                match self.closing_quote(start, end, quote) {
                    Some(close) => {
                        self.state = State::Normal;
                        self.emit(Style::String, close + 1);
                        self.after_scalar(close + 1, end);
                    }
                    None => self.emit(Style::String, end),
                }
                return;
            }
            State::Normal => {}
        }
        self.emit(Style::Plain, first);
        let rest = &self.bytes[first..end];
        if indent == 0 && is_document_marker(rest) {
            self.emit(Style::Document, first + 3);
            // `--- |` starts a top-level block scalar: any indentation belongs to it.
            self.value(first + 3, end, -1);
            return;
        }
        if indent == 0 && rest.first() == Some(&b'%') {
            self.emit(Style::Tag, end);
            return;
        }
        self.node(first, end);
    }

    /// A block node: list dashes and `? `, then `key: value` or a bare value.
    fn node(&mut self, mut p: usize, end: usize) {
        let line_start = self.line_start(p);
        loop {
            p = self.skip_blanks(p, end);
            self.emit(Style::Plain, p);
            if p >= end {
                return;
            }
            let b = self.bytes[p];
            let next_blank = self.bytes.get(p + 1).is_none_or(|&n| is_blank(n)) || p + 1 == end;
            if (b == b'-' || b == b'?') && next_blank {
                self.emit(Style::Indicator, p + 1);
                p += 1;
                continue;
            }
            if b == b'#' {
                self.emit(Style::Comment, end);
                return;
            }
            break;
        }
        let column = (p - line_start) as isize;
        match self.key_colon(p, end) {
            Some((key_end, colon)) => {
                self.emit(Style::Key, key_end);
                self.emit(Style::Plain, colon);
                self.emit(Style::Indicator, colon + 1);
                self.value(colon + 1, end, column);
            }
            // A bare value (a list item, a continuation line): its block scalar, if any, holds
            // the lines indented deeper than the value itself... minus one, as `- |` allows
            // content at the dash's column + 1.
            None => self.value(p, end, column - 1),
        }
    }

    fn line_start(&self, p: usize) -> usize {
        self.bytes[..p]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1)
    }

    /// If a block mapping key starts at `p`: where the key text ends and where its `:` is.
    fn key_colon(&self, p: usize, end: usize) -> Option<(usize, usize)> {
        let b = self.bytes[p];
        if b == b'"' || b == b'\'' {
            let close = self.closing_quote(p + 1, end, b)?;
            let colon = self.skip_blanks(close + 1, end);
            return (self.bytes.get(colon) == Some(&b':') && self.colon_ends(colon, end))
                .then_some((close + 1, colon));
        }
        if matches!(
            b,
            b'[' | b'{' | b'&' | b'*' | b'!' | b'|' | b'>' | b'#' | b'%' | b'@' | b'`'
        ) {
            return None;
        }
        let mut i = p;
        while i < end {
            match self.bytes[i] {
                b':' if self.colon_ends(i, end) => {
                    let mut key_end = i;
                    while key_end > p && is_blank(self.bytes[key_end - 1]) {
                        key_end -= 1;
                    }
                    return Some((key_end, i));
                }
                b'#' if is_blank(self.bytes[i - 1]) => return None,
                _ => {}
            }
            i += 1;
        }
        None
    }

    /// A `:` is a mapping indicator when a blank or the end of the line follows it.
    fn colon_ends(&self, colon: usize, end: usize) -> bool {
        colon + 1 >= end || is_blank(self.bytes[colon + 1])
    }

    /// Where the quote that closes a string opened before `from` is, on this line.
    fn closing_quote(&self, from: usize, end: usize, quote: u8) -> Option<usize> {
        let mut i = from;
        while i < end {
            let b = self.bytes[i];
            if quote == b'"' && b == b'\\' {
                i += 2;
                continue;
            }
            if b == quote {
                // '' is an escaped quote inside a single-quoted string.
                if quote == b'\'' && self.bytes.get(i + 1) == Some(&b'\'') && i + 1 < end {
                    i += 2;
                    continue;
                }
                return Some(i);
            }
            i += 1;
        }
        None
    }

    /// A value after `key:`, a dash or a document marker. `parent` is the indentation a block
    /// scalar's lines must exceed.
    fn value(&mut self, p: usize, end: usize, parent: isize) {
        let mut p = self.properties(p, end, false);
        p = self.skip_blanks(p, end);
        self.emit(Style::Plain, p);
        if p >= end {
            return;
        }
        match self.bytes[p] {
            b'#' => self.emit(Style::Comment, end),
            b'|' | b'>' => {
                let mut h = p + 1;
                while h < end && matches!(self.bytes[h], b'-' | b'+' | b'0'..=b'9') {
                    h += 1;
                }
                if h < end && !is_blank(self.bytes[h]) {
                    // `>foo` is not a block scalar header: a plain string.
                    self.plain(p, end, false);
                    return;
                }
                self.emit(Style::Indicator, h);
                self.state = State::Block { parent };
                self.after_scalar(h, end);
            }
            b'"' | b'\'' => self.quoted(p, end),
            b'[' | b'{' | b']' | b'}' | b',' => self.flow(p, end),
            _ => {
                self.plain(p, end, false);
            }
        }
    }

    /// Anchors, aliases and tags before a value; returns where they end.
    fn properties(&mut self, mut p: usize, end: usize, in_flow: bool) -> usize {
        loop {
            p = self.skip_blanks(p, end);
            if p >= end {
                return p;
            }
            let style = match self.bytes[p] {
                b'&' => Style::Anchor,
                b'*' => Style::Alias,
                b'!' => Style::Tag,
                _ => return p,
            };
            let mut e = p + 1;
            while e < end
                && !is_blank(self.bytes[e])
                && !(in_flow && is_flow_indicator(self.bytes[e]))
            {
                e += 1;
            }
            self.emit(Style::Plain, p);
            self.emit(style, e);
            p = e;
        }
    }

    /// A quoted scalar starting at `p`; it may go on over the next lines.
    fn quoted(&mut self, p: usize, end: usize) {
        let quote = self.bytes[p];
        match self.closing_quote(p + 1, end, quote) {
            Some(close) => {
                self.emit(Style::String, close + 1);
                self.after_scalar(close + 1, end);
            }
            None => {
                self.emit(Style::String, end);
                self.state = State::Quoted { quote };
            }
        }
    }

    /// A plain scalar from `p`: up to ` #`, the line's end, or (in flow) a flow indicator or
    /// `: `. Returns where it ended.
    fn plain(&mut self, p: usize, end: usize, in_flow: bool) -> usize {
        let mut e = p;
        while e < end {
            let b = self.bytes[e];
            if b == b'#' && e > p && is_blank(self.bytes[e - 1]) {
                break;
            }
            if in_flow && (is_flow_indicator(b) || (b == b':' && self.colon_ends(e, end))) {
                break;
            }
            e += 1;
        }
        let mut text_end = e;
        while text_end > p && is_blank(self.bytes[text_end - 1]) {
            text_end -= 1;
        }
        let style = classify(&self.text[p..text_end]);
        self.emit(style, text_end);
        if !in_flow {
            self.after_scalar(text_end, end);
        }
        text_end
    }

    /// After a complete scalar on a line: a comment, or (in a flow collection spread over
    /// lines) more flow items.
    fn after_scalar(&mut self, p: usize, end: usize) {
        let p = self.skip_blanks(p, end);
        self.emit(Style::Plain, p);
        if p >= end {
            return;
        }
        if self.bytes[p] == b'#' {
            self.emit(Style::Comment, end);
        } else {
            self.flow(p, end);
        }
    }

    /// Flow content (`[a, b]`, `{k: v}`) to the end of the line. Nesting depth need not be
    /// tracked for colouring: punctuation is punctuation at any depth.
    fn flow(&mut self, mut p: usize, end: usize) {
        while p < end {
            p = self.properties(p, end, true);
            p = self.skip_blanks(p, end);
            self.emit(Style::Plain, p);
            if p >= end {
                return;
            }
            let b = self.bytes[p];
            if is_flow_indicator(b) || (b == b':' && self.colon_ends(p, end)) || b == b'?' {
                self.emit(Style::Indicator, p + 1);
                p += 1;
            } else if b == b'#' && (p == 0 || is_blank(self.bytes[p - 1])) {
                self.emit(Style::Comment, end);
                return;
            } else if b == b'"' || b == b'\'' {
                match self.closing_quote(p + 1, end, b) {
                    Some(close) => {
                        let key = self.flow_key_follows(close + 1, end);
                        self.emit(if key { Style::Key } else { Style::String }, close + 1);
                        p = close + 1;
                    }
                    None => {
                        self.emit(Style::String, end);
                        self.state = State::Quoted { quote: b };
                        return;
                    }
                }
            } else {
                let before = self.tokens.len();
                let e = self.plain(p, end, true);
                if self.flow_key_follows(e, end) {
                    if let Some(t) = self.tokens.get_mut(before) {
                        t.style = Style::Key;
                    }
                }
                // `plain` always moves forward unless it stopped on a flow indicator.
                p = e.max(p + usize::from(e == p));
                self.emit(Style::String, p);
            }
        }
    }

    fn flow_key_follows(&self, p: usize, end: usize) -> bool {
        let p = self.skip_blanks(p, end);
        p < end && self.bytes[p] == b':' && self.colon_ends(p, end)
    }
}

/// How Kubernetes' YAML decoder resolves a plain scalar: bool/null, number or string.
fn classify(s: &str) -> Style {
    const LITERALS: &[&str] = &[
        "~", "null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE", "y", "Y",
        "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF",
    ];
    if LITERALS.contains(&s) {
        Style::Literal
    } else if is_number(s) {
        Style::Number
    } else {
        Style::String
    }
}

fn is_number(s: &str) -> bool {
    let unsigned = s.strip_prefix(['+', '-']).unwrap_or(s);
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") || matches!(s, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    let digits =
        |t: &str, ok: fn(char) -> bool| !t.is_empty() && t.chars().all(|c| ok(c) || c == '_');
    if let Some(hex) = unsigned.strip_prefix("0x") {
        return digits(hex, |c| c.is_ascii_hexdigit());
    }
    if let Some(oct) = unsigned.strip_prefix("0o") {
        return digits(oct, |c| ('0'..='7').contains(&c));
    }
    if let Some(bin) = unsigned.strip_prefix("0b") {
        return digits(bin, |c| c == '0' || c == '1');
    }
    // Decimal int or float: digits, at most one '.', an optional exponent.
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(i) => (&unsigned[..i], Some(&unsigned[i + 1..])),
        None => (unsigned, None),
    };
    let mut parts = mantissa.splitn(2, '.');
    let whole = parts.next().unwrap_or("");
    let fraction = parts.next();
    let is_digits = |t: &str| t.chars().all(|c| c.is_ascii_digit() || c == '_');
    let mantissa_ok = match fraction {
        None => !whole.is_empty() && is_digits(whole),
        Some(f) => (!whole.is_empty() || !f.is_empty()) && is_digits(whole) && is_digits(f),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && e.chars().all(|c| c.is_ascii_digit())
    });
    mantissa_ok && exponent_ok && !whole.starts_with('_')
}
