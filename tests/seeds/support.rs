//! Helpers for the seed-guide tests: run commands the way a learner types them, read kubectl
//! tables back, and find the output of one command in a script's transcript.

use kubeplay::Session;

/// Absolute path of a file under static/examples/seeds/ (tests run in parallel, so nothing may
/// depend on the process's current directory).
pub fn seed(name: &str) -> String {
    format!(
        "{}/static/examples/seeds/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// Runs one console line that must succeed and returns what it printed.
pub fn ok(s: &mut Session, line: &str) -> String {
    let out = s.execute_text(line);
    assert!(out.ok, "`{line}` failed:\n{}", out.text);
    out.text
}

/// Runs one console line that must fail and returns what it printed.
pub fn fails(s: &mut Session, line: &str) -> String {
    let out = s.execute_text(line);
    assert!(
        !out.ok,
        "`{line}` should have failed but printed:\n{}",
        out.text
    );
    out.text
}

/// Runs a script (heredocs allowed); every command must succeed. Returns the transcript.
pub fn script(s: &mut Session, text: &str) -> String {
    let t = s.run_script(text, false);
    assert!(
        t.failures.is_empty(),
        "commands failed: {:?}\n{}",
        t.failures,
        t.text
    );
    t.text
}

/// `kubectl apply -f <seed file>`; must succeed.
pub fn apply_seed(s: &mut Session, name: &str) -> String {
    ok(s, &format!("kubectl apply -f {}", seed(name)))
}

/// One row of `kubectl get pods [-o wide]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodRow {
    pub name: String,
    pub ready: String,
    pub status: String,
    pub ip: String,
    pub node: String,
}

impl PodRow {
    pub fn is_ready(&self) -> bool {
        self.status == "Running" && self.ready.split('/').next() == self.ready.split('/').nth(1)
    }
}

/// Parses `kubectl get pods` output (narrow or `-o wide`; a `grep` of it has no header).
pub fn pod_rows(text: &str) -> Vec<PodRow> {
    text.lines()
        .filter(|l| {
            !l.starts_with("NAME ") && !l.trim().is_empty() && !l.starts_with("No resources")
        })
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            // RESTARTS may read `1 (5s ago)`: three words instead of one.
            let shift = if f.get(4).is_some_and(|w| w.starts_with('(')) {
                2
            } else {
                0
            };
            let at = |i: usize| f.get(i).copied().unwrap_or("").to_string();
            PodRow {
                name: at(0),
                ready: at(1),
                status: at(2),
                ip: at(5 + shift),
                node: at(6 + shift),
            }
        })
        .collect()
}

/// `kubectl get pods -o wide` filtered by a label selector, parsed.
pub fn pods(s: &mut Session, selector: &str) -> Vec<PodRow> {
    pod_rows(&ok(s, &format!("kubectl get pods -o wide -l {selector}")))
}

pub fn names(rows: &[PodRow]) -> Vec<String> {
    rows.iter().map(|r| r.name.clone()).collect()
}

/// Pod names with their node, sorted by node: one entry per daemon pod.
pub fn nodes_of(rows: &[PodRow]) -> Vec<String> {
    let mut n: Vec<String> = rows.iter().map(|r| r.node.clone()).collect();
    n.sort();
    n
}

/// Advances the simulation one second at a time for `seconds`, recording the pods matching
/// `selector` after each step: how a learner watching `kubectl get pods -w` sees the order.
pub fn watch(s: &mut Session, selector: &str, seconds: u32) -> Vec<Vec<PodRow>> {
    (0..seconds)
        .map(|_| {
            ok(s, "sim advance 1s");
            pods(s, selector)
        })
        .collect()
}

/// The output of the `nth` (0-based) command in a transcript whose command line starts with
/// `command`.
pub fn output_of(transcript: &str, command: &str, nth: usize) -> String {
    let mut found = 0;
    let mut lines = transcript.lines().peekable();
    while let Some(line) = lines.next() {
        if let Some(cmd) = line.strip_prefix("$ ") {
            if cmd.starts_with(command) {
                if found == nth {
                    let mut out = String::new();
                    while let Some(next) = lines.peek() {
                        if next.starts_with("$ ") {
                            break;
                        }
                        out.push_str(next);
                        out.push('\n');
                        lines.next();
                    }
                    return out;
                }
                found += 1;
            }
        }
    }
    panic!("no command #{nth} starting with {command:?} in transcript:\n{transcript}")
}

/// The script of a troubleshooting story, from static/examples/troubleshooting/.
pub fn story(name: &str) -> String {
    let path = format!(
        "{}/static/examples/troubleshooting/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Runs a story script and returns its transcript; every command in it must succeed (the
/// symptoms are shown by commands that succeed: get, describe, sim why).
pub fn run_story(name: &str) -> String {
    let mut s = Session::new(1);
    let t = s.run_script(&story(name), false);
    assert!(
        t.failures.is_empty(),
        "{name}: commands failed: {:?}\n{}",
        t.failures,
        t.text
    );
    // Same seed, same script: the same transcript (what the lesson page shows).
    let again = Session::new(1).run_script(&story(name), false);
    assert_eq!(
        t.text, again.text,
        "{name}: transcript differs between two runs"
    );
    t.text
}

/// The event lines (from a describe) in the order printed.
pub fn event_messages(describe: &str) -> Vec<String> {
    describe
        .lines()
        .skip_while(|l| !l.starts_with("Events:"))
        .skip(3)
        .map(|l| l.trim().to_string())
        .collect()
}
