//! Script text -> command lines. Handles comments, blank lines, `\` continuations and
//! `<<EOF ... EOF` heredocs (the body becomes the command's standard input).

/// One command of a script.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptLine {
    /// 1-based line where the command starts.
    pub line: usize,
    /// The command as written, without the heredoc body (`kubectl apply -f - <<EOF`).
    pub command: String,
    /// The words, split like a POSIX shell would (quotes removed, heredoc marker dropped).
    pub words: Vec<String>,
    /// Heredoc body, if any.
    pub stdin: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptError {
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for ScriptError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// Splits one command line into words with shell quoting rules (single quotes literal, double
/// quotes with backslash escapes, backslash outside quotes escapes the next character).
pub fn split_words(text: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(ch) => cur.push(ch),
                        None => return Err("unterminated single quote: add the closing '".into()),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(ch @ ('"' | '\\' | '$' | '`')) => cur.push(ch),
                            Some(ch) => {
                                cur.push('\\');
                                cur.push(ch);
                            }
                            None => {
                                return Err("unterminated double quote: add the closing \"".into())
                            }
                        },
                        Some(ch) => cur.push(ch),
                        None => return Err("unterminated double quote: add the closing \"".into()),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(ch) = chars.next() {
                    cur.push(ch);
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    Ok(words)
}

/// Finds a heredoc marker (`<<EOF`, `<< 'EOF'`, `<<-EOF`) and returns (command without it, delimiter).
pub(crate) fn heredoc_marker(line: &str) -> Option<(String, String, bool)> {
    let pos = line.find("<<")?;
    let (before, rest) = line.split_at(pos);
    let mut rest = &rest[2..];
    let strip_tabs = rest.starts_with('-');
    if strip_tabs {
        rest = &rest[1..];
    }
    let rest = rest.trim();
    let delim: String = rest
        .trim_matches(|c| c == '\'' || c == '"')
        .split_whitespace()
        .next()?
        .to_string();
    if delim.is_empty() {
        return None;
    }
    Some((before.trim_end().to_string(), delim, strip_tabs))
}

pub fn parse_script(text: &str) -> Result<Vec<ScriptLine>, ScriptError> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let start = i + 1;
        let mut command = lines[i].trim().to_string();
        i += 1;
        if command.is_empty() || command.starts_with('#') {
            continue;
        }
        while command.ends_with('\\') && i < lines.len() {
            command.pop();
            command.push(' ');
            command.push_str(lines[i].trim());
            i += 1;
        }
        let command = command.strip_prefix("$ ").unwrap_or(&command).to_string();
        // A here-document's body is the command's stdin; the words come from the text before
        // its marker.
        let mut stdin = None;
        let mut words_text = command.clone();
        if let Some((before, delim, strip_tabs)) = heredoc_marker(&command) {
            let mut body = String::new();
            let mut closed = false;
            while i < lines.len() {
                let l = lines[i];
                i += 1;
                let candidate = if strip_tabs {
                    l.trim_start_matches('\t')
                } else {
                    l
                };
                if candidate.trim_end() == delim {
                    closed = true;
                    break;
                }
                body.push_str(candidate);
                body.push('\n');
            }
            if !closed {
                return Err(ScriptError {
                    line: start,
                    message: format!("here-document started here is never closed: add a line containing only {delim}"),
                });
            }
            stdin = Some(body);
            words_text = before;
        }
        let words = split_words(&words_text).map_err(|m| ScriptError {
            line: start,
            message: m,
        })?;
        out.push(ScriptLine {
            line: start,
            command,
            words,
            stdin,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heredocs_become_stdin_and_comments_vanish() {
        let s = "# setup\nkubectl apply -f - <<EOF\nkind: Pod\nEOF\n\nsim settle\n";
        let lines = parse_script(s).unwrap();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].words, vec!["kubectl", "apply", "-f", "-"]);
        assert_eq!(lines[0].stdin.as_deref(), Some("kind: Pod\n"));
        assert_eq!(lines[1].line, 6);
    }

    #[test]
    fn quotes_and_continuations_split_like_a_shell() {
        let lines = parse_script(
            "kubectl get events \\\n  --sort-by='.lastTimestamp' -o \"jsonpath={.items[*]}\"",
        )
        .unwrap();
        assert_eq!(
            lines[0].words,
            vec![
                "kubectl",
                "get",
                "events",
                "--sort-by=.lastTimestamp",
                "-o",
                "jsonpath={.items[*]}"
            ]
        );
    }

    #[test]
    fn unclosed_heredoc_names_its_line() {
        let err = parse_script("sim settle\nkubectl apply -f - <<EOF\nkind: Pod\n").unwrap_err();
        assert_eq!(err.line, 2);
        assert!(err.message.contains("EOF"));
    }
}
