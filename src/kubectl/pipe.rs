//! Shell pipes after a kubectl command, as guides use them: `| grep [-v] [-i] [-c] [-A N]
//! [-B N] PATTERN`, `| head [-n] N`, `| tail [-n] N`, `| wc -l`, `| sort`. Patterns are plain
//! substrings with optional `^`/`$` anchors (enough for `grep Running`, `grep ^web`).

/// Applies one filter stage to `text`; `Err` is the shell's usage complaint.
pub fn apply(stage: &[String], text: &str) -> Result<String, String> {
    let Some(cmd) = stage.first() else {
        return Err("syntax error near unexpected token `|'".into());
    };
    let lines: Vec<&str> = text.lines().collect();
    let count = |args: &[String]| -> usize {
        let mut n = 10usize;
        let mut it = args.iter();
        while let Some(a) = it.next() {
            if a == "-n" {
                n = it.next().and_then(|x| x.parse().ok()).unwrap_or(n);
            } else if let Some(num) = a.strip_prefix("-n").or_else(|| a.strip_prefix('-')) {
                n = num.parse().unwrap_or(n);
            }
        }
        n
    };
    let join = |ls: &[&str]| ls.iter().map(|l| format!("{l}\n")).collect::<String>();
    match cmd.as_str() {
        "head" => Ok(join(&lines[..lines.len().min(count(&stage[1..]))])),
        "tail" => {
            let n = count(&stage[1..]);
            Ok(join(&lines[lines.len().saturating_sub(n)..]))
        }
        "wc" => Ok(format!("{}\n", lines.len())),
        "sort" => {
            let mut sorted = lines.clone();
            crate::engine::stable_sort::sort(&mut sorted);
            Ok(join(&sorted))
        }
        "grep" | "egrep" => grep(&stage[1..], &lines),
        other => Err(format!(
            "kubeplay: `{other}` is not available after `|` (use grep, head, tail, wc -l or sort)"
        )),
    }
}

fn grep(args: &[String], lines: &[&str]) -> Result<String, String> {
    let (mut invert, mut ignore_case, mut count_only, mut numbers) = (false, false, false, false);
    let (mut after, mut before) = (0usize, 0usize);
    let mut pattern: Option<String> = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "-v" => invert = true,
            "-i" => ignore_case = true,
            "-c" => count_only = true,
            "-n" => numbers = true,
            "-E" | "-e" | "-w" | "-F" => {}
            "-A" => after = it.next().and_then(|x| x.parse().ok()).unwrap_or(0),
            "-B" => before = it.next().and_then(|x| x.parse().ok()).unwrap_or(0),
            s if s.starts_with("-A") => after = s[2..].parse().unwrap_or(0),
            s if s.starts_with("-B") => before = s[2..].parse().unwrap_or(0),
            _ => pattern = Some(a.clone()),
        }
    }
    let Some(pattern) = pattern else {
        return Err("Usage: grep [OPTION]... PATTERNS [FILE]...".into());
    };
    let norm = |s: &str| {
        if ignore_case {
            s.to_lowercase()
        } else {
            s.to_string()
        }
    };
    let pat = norm(&pattern);
    let (anchored_start, anchored_end) =
        (pat.starts_with('^'), pat.ends_with('$') && pat.len() > 1);
    let core = pat
        .trim_start_matches('^')
        .trim_end_matches('$')
        .to_string();
    let hit = |l: &str| {
        let l = norm(l);
        let m = match (anchored_start, anchored_end) {
            (true, true) => l == core,
            (true, false) => l.starts_with(&core),
            (false, true) => l.ends_with(&core),
            _ => l.contains(&core),
        };
        m != invert
    };
    if count_only {
        return Ok(format!("{}\n", lines.iter().filter(|l| hit(l)).count()));
    }
    let mut keep = vec![false; lines.len()];
    for (i, l) in lines.iter().enumerate() {
        if hit(l) {
            let from = i.saturating_sub(before);
            let to = (i + after).min(lines.len().saturating_sub(1));
            for k in keep.iter_mut().take(to + 1).skip(from) {
                *k = true;
            }
        }
    }
    Ok(lines
        .iter()
        .enumerate()
        .zip(keep)
        .filter(|(_, k)| *k)
        .map(|((i, l), _)| {
            if numbers {
                format!("{}:{l}\n", i + 1)
            } else {
                format!("{l}\n")
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn filters_like_the_shell() {
        let text = "NAME READY\nweb-0 1/1\nweb-1 0/1\ndb-0 1/1\n";
        assert_eq!(
            apply(&w("grep web"), text).unwrap(),
            "web-0 1/1\nweb-1 0/1\n"
        );
        assert_eq!(
            apply(&w("grep -v web"), text).unwrap(),
            "NAME READY\ndb-0 1/1\n"
        );
        assert_eq!(
            apply(&w("grep -A1 Update"), "a\nUpdate x\nPods y\nz\n").unwrap(),
            "Update x\nPods y\n"
        );
        assert_eq!(
            apply(&w("head -2"), text).unwrap(),
            "NAME READY\nweb-0 1/1\n"
        );
        assert_eq!(apply(&w("tail -n 1"), text).unwrap(), "db-0 1/1\n");
        assert_eq!(apply(&w("wc -l"), text).unwrap(), "4\n");
    }
}

/// Which streams a command's redirections send to /dev/null.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Redirect {
    pub stdout: bool,
    pub stderr: bool,
}

/// Removes `>/dev/null`, `2>/dev/null`, `&>/dev/null`, `2>&1` (and the split `> /dev/null`).
pub fn strip_redirects(args: &[String]) -> (Vec<String>, Redirect) {
    let mut out = Vec::new();
    let mut r = Redirect::default();
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        let next_is_null = args.get(i + 1).is_some_and(|n| n == "/dev/null");
        match a {
            ">/dev/null" | "1>/dev/null" => r.stdout = true,
            "2>/dev/null" => r.stderr = true,
            "&>/dev/null" => {
                r.stdout = true;
                r.stderr = true;
            }
            "2>&1" => {}
            ">" | "1>" if next_is_null => {
                r.stdout = true;
                i += 1;
            }
            "2>" if next_is_null => {
                r.stderr = true;
                i += 1;
            }
            _ => out.push(args[i].clone()),
        }
        i += 1;
    }
    (out, r)
}

/// How a command of a sequence depends on the one before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cond {
    /// `;` (or the first command): always runs.
    Always,
    /// `&&`: only after a success.
    IfOk,
    /// `||`: only after a failure.
    IfFailed,
}

/// Splits `a ; b && c || d` into commands. A `;` glued to a word (`'{.status}';`) also
/// separates.
pub fn split_sequence(args: &[String]) -> Vec<(Vec<String>, Cond)> {
    let mut out: Vec<(Vec<String>, Cond)> = vec![(Vec::new(), Cond::Always)];
    for a in args {
        let (word, sep) = if a == ";" {
            (None, Some(Cond::Always))
        } else if a == "&&" {
            (None, Some(Cond::IfOk))
        } else if a == "||" {
            (None, Some(Cond::IfFailed))
        } else if let Some(w) = a.strip_suffix(';').filter(|w| !w.ends_with('\\')) {
            (Some(w.to_string()), Some(Cond::Always))
        } else {
            (Some(a.clone()), None)
        };
        if let (Some(w), Some(last)) = (word, out.last_mut()) {
            last.0.push(w);
        }
        if let Some(cond) = sep {
            out.push((Vec::new(), cond));
        }
    }
    out.retain(|(w, _)| !w.is_empty());
    out
}
