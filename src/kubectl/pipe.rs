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
            sorted.sort();
            Ok(join(&sorted))
        }
        "grep" | "egrep" => grep(&stage[1..], &lines),
        other => Err(format!(
            "kubeplay: `{other}` is not available after `|` (use grep, head, tail, wc -l or sort)"
        )),
    }
}

fn grep(args: &[String], lines: &[&str]) -> Result<String, String> {
    let (mut invert, mut ignore_case, mut count_only) = (false, false, false);
    let (mut after, mut before) = (0usize, 0usize);
    let mut pattern: Option<String> = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "-v" => invert = true,
            "-i" => ignore_case = true,
            "-c" => count_only = true,
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
        .zip(keep)
        .filter(|(_, k)| *k)
        .map(|(l, _)| format!("{l}\n"))
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
