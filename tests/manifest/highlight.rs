//! The editor's YAML colouring (src/highlight.rs): what each piece of a manifest is coloured as,
//! and the lexer's contract — every byte covered once, on char boundaries, never a panic,
//! linear time.

use kubeplay::highlight::{tokenize, tokenize_lines, Style, Token};
use proptest::prelude::*;

/// The non-plain tokens as (style, text).
fn styled(text: &str) -> Vec<(Style, &str)> {
    tokenize(text)
        .into_iter()
        .filter(|t| t.style != Style::Plain)
        .map(|t| (t.style, &text[t.start..t.end]))
        .collect()
}

/// The style of the token whose text is exactly `piece` (the first one).
fn style_of(text: &str, piece: &str) -> Style {
    styled(text)
        .into_iter()
        .find(|(_, t)| *t == piece)
        .unwrap_or_else(|| panic!("no token {piece:?} in {:?}", styled(text)))
        .0
}

/// The contract every output must keep.
fn assert_covers(text: &str, tokens: &[Token]) {
    let mut at = 0;
    for t in tokens {
        assert_eq!(
            t.start, at,
            "gap or overlap at byte {at} in {text:?}: {tokens:?}"
        );
        assert!(t.end > t.start, "empty token {t:?} in {text:?}");
        assert!(
            text.is_char_boundary(t.start) && text.is_char_boundary(t.end),
            "{t:?} splits a char in {text:?}"
        );
        at = t.end;
    }
    assert_eq!(
        at,
        text.len(),
        "tokens stop at {at} of {} in {text:?}",
        text.len()
    );
}

const WEB: &str = "\
# The headless Service
apiVersion: v1
kind: Service
metadata:
  name: nginx   # the governing service
  labels: {app: nginx, tier: \"web\"}
spec:
  clusterIP: None
  ports:
  - port: 80
    name: web
---
apiVersion: apps/v1
kind: StatefulSet
spec:
  replicas: 3
  minReadySeconds: 0.5
  paused: false
  template:
    spec:
      containers:
      - name: nginx
        image: registry.k8s.io/nginx-slim:0.24
        args: [\"--port\", '8080']
        command:
        - sh
        - -c
        - |
          echo hello: world
          # not a comment: part of the script

          exit 0
        env:
        - name: DEBUG
          value: on
      volumeClaimTemplates: []
";

#[test]
fn keys_strings_numbers_and_literals_get_their_own_colours() {
    assert_eq!(style_of(WEB, "apiVersion"), Style::Key);
    assert_eq!(style_of(WEB, "apps/v1"), Style::String);
    assert_eq!(style_of(WEB, "3"), Style::Number);
    assert_eq!(style_of(WEB, "0.5"), Style::Number);
    assert_eq!(style_of(WEB, "80"), Style::Number);
    assert_eq!(style_of(WEB, "false"), Style::Literal);
    assert_eq!(
        style_of(WEB, "None"),
        Style::String,
        "None is not null in YAML"
    );
    assert_eq!(
        style_of(WEB, "registry.k8s.io/nginx-slim:0.24"),
        Style::String,
        "a colon without a space is part of a scalar"
    );
    assert_eq!(style_of(WEB, ":"), Style::Indicator);
}

#[test]
fn values_are_coloured_as_kubernetes_reads_them() {
    // go-yaml v2 (what the API server uses) reads these as booleans: a classic env-var trap.
    for word in ["on", "off", "yes", "No", "y", "TRUE", "null", "~"] {
        assert_eq!(
            style_of(&format!("value: {word}\n"), word),
            Style::Literal,
            "{word}"
        );
    }
    for word in [
        "\"on\"", "'80'", "1Gi", "500m", "v1", "1.2.3", "0x", "_1", "e5", "nullable",
    ] {
        assert_eq!(
            style_of(&format!("value: {word}\n"), word),
            Style::String,
            "{word}"
        );
    }
    for word in [
        "80", "-1", "+3", "0x1F", "0o17", "1e3", "2.5E-3", ".5", "-.inf", ".nan", "1_000",
    ] {
        assert_eq!(
            style_of(&format!("value: {word}\n"), word),
            Style::Number,
            "{word}"
        );
    }
}

#[test]
fn comments_documents_dashes_anchors_and_aliases() {
    assert_eq!(style_of(WEB, "# The headless Service"), Style::Comment);
    assert_eq!(style_of(WEB, "# the governing service"), Style::Comment);
    assert_eq!(style_of(WEB, "---"), Style::Document);
    assert_eq!(style_of(WEB, "-"), Style::Indicator);
    let text = "base: &defaults\n  cpu: 100m\nweb:\n  <<: *defaults\n  tag: !!str 42\n...\n";
    assert_eq!(style_of(text, "&defaults"), Style::Anchor);
    assert_eq!(style_of(text, "*defaults"), Style::Alias);
    assert_eq!(style_of(text, "!!str"), Style::Tag);
    assert_eq!(style_of(text, "<<"), Style::Key);
    assert_eq!(style_of(text, "..."), Style::Document);
    // A `#` inside a scalar is not a comment; `-` that starts a word is not a list dash.
    assert_eq!(
        style_of("url: http://x/#top\n", "http://x/#top"),
        Style::String
    );
    assert_eq!(style_of("- -c\n", "-c"), Style::String);
    // `---` only separates documents at the start of a line.
    assert_eq!(style_of("a: ---\n", "---"), Style::String);
}

#[test]
fn flow_collections_colour_their_keys_values_and_brackets() {
    let s = styled("labels: {app: nginx, replicas: 2, ok: true}\n");
    assert!(
        s.contains(&(Style::Key, "app")) && s.contains(&(Style::Key, "replicas")),
        "{s:?}"
    );
    assert!(
        s.contains(&(Style::String, "nginx"))
            && s.contains(&(Style::Number, "2"))
            && s.contains(&(Style::Literal, "true")),
        "{s:?}"
    );
    assert!(
        s.contains(&(Style::Indicator, "{"))
            && s.contains(&(Style::Indicator, "}"))
            && s.contains(&(Style::Indicator, ",")),
        "{s:?}"
    );
    assert_eq!(style_of(WEB, "\"--port\""), Style::String);
    assert_eq!(style_of(WEB, "'8080'"), Style::String);
    // A flow sequence spread over lines keeps its colours on the later lines.
    let s = styled("args: [\n  \"a\",\n  80\n]\n");
    assert!(
        s.contains(&(Style::String, "\"a\""))
            && s.contains(&(Style::Number, "80"))
            && s.contains(&(Style::Indicator, "]")),
        "{s:?}"
    );
}

#[test]
fn every_line_of_a_block_scalar_is_a_string() {
    let lines = tokenize_lines(WEB);
    let text_lines: Vec<&str> = WEB.split('\n').collect();
    let at = |needle: &str| text_lines.iter().position(|l| l.contains(needle)).unwrap();
    for needle in ["echo hello: world", "# not a comment", "exit 0"] {
        let i = at(needle);
        let coloured: Vec<Style> = lines[i]
            .iter()
            .map(|t| t.style)
            .filter(|s| *s != Style::Plain)
            .collect();
        assert_eq!(
            coloured,
            vec![Style::String],
            "line {} {:?}",
            i + 1,
            text_lines[i]
        );
    }
    // The header is an indicator, and the block ends where the indentation comes back.
    assert_eq!(style_of(WEB, "|"), Style::Indicator);
    assert_eq!(style_of(WEB, "env"), Style::Key);
    // Folded, stripped and explicit-indentation headers; a block at the end of the text.
    let text = "a: >-\n  folded: text\n  - not a list\nb: |2+\n   kept\n";
    let s = styled(text);
    assert!(
        s.contains(&(Style::Indicator, ">-")) && s.contains(&(Style::Indicator, "|2+")),
        "{s:?}"
    );
    assert!(
        s.contains(&(Style::String, "folded: text"))
            && s.contains(&(Style::String, "- not a list")),
        "{s:?}"
    );
    assert!(
        s.contains(&(Style::Key, "b")) && s.contains(&(Style::String, "kept")),
        "{s:?}"
    );
    // A document marker ends a top-level block scalar.
    let s = styled("--- |\nline\n---\nkind: Pod\n");
    assert!(
        s.contains(&(Style::String, "line")) && s.contains(&(Style::Key, "kind")),
        "{s:?}"
    );
}

#[test]
fn a_quoted_string_over_several_lines_stays_a_string() {
    let text = "description: \"first\n  second # still text\n  third\" # a comment\nnext: 1\n";
    let s = styled(text);
    assert!(
        s.contains(&(Style::String, "  second # still text")),
        "{s:?}"
    );
    assert!(
        s.contains(&(Style::Comment, "# a comment")) && s.contains(&(Style::Key, "next")),
        "{s:?}"
    );
    // Doubled single quotes and escaped double quotes do not close the string.
    assert_eq!(style_of("a: 'it''s'\n", "'it''s'"), Style::String);
    assert_eq!(
        style_of("a: \"say \\\"hi\\\"\"\n", "\"say \\\"hi\\\"\""),
        Style::String
    );
}

#[test]
fn lines_split_tokens_at_newlines_and_keep_an_empty_last_line() {
    let text = "a: 1\n\n# c\r\n";
    let lines = tokenize_lines(text);
    assert_eq!(lines.len(), 4, "{lines:?}");
    assert!(lines[1].is_empty() && lines[3].is_empty());
    let line2: Vec<&str> = lines[2].iter().map(|t| &text[t.start..t.end]).collect();
    assert_eq!(line2.concat(), "# c\r");
    assert_eq!(lines[2][0].style, Style::Comment);
    assert_eq!(tokenize_lines("").len(), 1);
}

#[test]
fn the_examples_and_odd_inputs_are_covered_byte_for_byte() {
    let odd = [
        "",
        "\n",
        "-",
        "- ",
        ":",
        "a:",
        "\"",
        "'unclosed",
        "key: \"é\\",
        "é: ü # ö\n  - ✓",
        "[",
        "]]]",
        "{a: [b, {c: d}], 'e': \"f\"}",
        "&",
        "*",
        "!",
        "|",
        ">\n",
        "a: |\n\n\n",
        "--- ",
        "---|\n",
        "%YAML 1.2\n---\n",
        "? complex\n: value\n",
        "a\tb:\tc",
        "\r\n\r\n",
        "key: value\r\nother: 2\r\n",
    ];
    for text in odd.iter().copied().chain([WEB]) {
        assert_covers(text, &tokenize(text));
    }
}

#[test]
fn time_grows_linearly_even_on_pathological_lines() {
    // 200 KB of each shape; a quadratic scan would take minutes here.
    let shapes = ["[", "\"", "a:", "- ", "&a ", "{a: ", "x #", "'' ", "\\"];
    for shape in shapes {
        let one_line = shape.repeat(200_000 / shape.len());
        let many_lines = format!("{shape}\n").repeat(50_000);
        for text in [one_line, many_lines] {
            let started = std::time::Instant::now();
            let tokens = tokenize(&text);
            assert!(
                started.elapsed().as_millis() < 1500,
                "{shape:?} took {:?}",
                started.elapsed()
            );
            assert_covers(&text, &tokens);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn any_text_is_covered_exactly_once(text in "(?s).{0,300}") {
        assert_covers(&text, &tokenize(&text));
        let lines = tokenize_lines(&text);
        prop_assert_eq!(lines.len(), text.split('\n').count());
    }

    #[test]
    fn yaml_shaped_text_is_covered_exactly_once(text in "([ \\-:#|>'\"\\[\\]{},&*!?%a-z0-9é\n]){0,300}") {
        assert_covers(&text, &tokenize(&text));
    }
}
