//! What the user did in this tab, as a script that rebuilds the same cluster.
//!
//! The play loop moves time with `Sim::advance_by` directly (a command per frame would flood
//! the session history), so the UI keeps its own record: each command as typed, and the
//! simulated time that passed between commands coalesced into one `sim advance` line. Replaying
//! it on `Session::new(seed)` gives the same cluster, because the engine is deterministic.

use crate::script::{parse_script, ScriptLine, Session};
use crate::Output;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Journal {
    entries: Vec<Entry>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Entry {
    /// Script text of one command, heredoc included, ending in a newline.
    Command(String),
    /// Simulated milliseconds that passed by playing or stepping.
    Advance(u64),
}

impl Journal {
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn record_command(&mut self, line: &ScriptLine) {
        self.entries.push(Entry::Command(command_text(line)));
    }

    pub fn record_advance(&mut self, ms: u64) {
        if ms == 0 {
            return;
        }
        match self.entries.last_mut() {
            Some(Entry::Advance(total)) => *total = total.saturating_add(ms),
            _ => self.entries.push(Entry::Advance(ms)),
        }
    }

    /// The journal as a kubeplay script (what `kubeplay run` accepts).
    pub fn to_script(&self) -> String {
        let mut out = String::new();
        for e in &self.entries {
            match e {
                Entry::Command(text) => out.push_str(text),
                Entry::Advance(ms) => out.push_str(&format!("sim advance {ms}ms\n")),
            }
        }
        out
    }

    /// Rebuilds a session from a saved script: `Session::new(seed)` then every command. The
    /// journal of the result is the parsed script, so saving it again gives the same text.
    pub fn replay(seed: u64, script: &str) -> Result<(Session, Journal), String> {
        let lines = parse_script(script).map_err(|e| e.to_string())?;
        let mut session = Session::new(seed);
        let mut journal = Journal::default();
        for line in &lines {
            match advance_ms(line) {
                // Time is replayed exactly as it was played, without going through the
                // session, so the session history matches the live one.
                Some(ms) => {
                    session.sim.advance_by(crate::engine::time::SimDuration(ms));
                    journal.record_advance(ms);
                }
                None => {
                    let _: Output = session.execute(line);
                    journal.record_command(line);
                }
            }
        }
        Ok((session, journal))
    }
}

/// `sim advance Nms` lines written by `to_script`.
fn advance_ms(line: &ScriptLine) -> Option<u64> {
    match line.words.as_slice() {
        [sim, advance, d] if sim == "sim" && advance == "advance" => {
            d.strip_suffix("ms")?.parse().ok()
        }
        _ => None,
    }
}

/// A command as script text. A heredoc gets a delimiter that no line of its body equals, so
/// any manifest survives the round trip.
fn command_text(line: &ScriptLine) -> String {
    let Some(body) = &line.stdin else {
        return format!("{}\n", line.command);
    };
    let mut delim = String::from("EOF");
    let mut n = 0u32;
    while body.lines().any(|l| l.trim_end() == delim) {
        n += 1;
        delim = format!("EOF{n}");
    }
    let command = match line.command.find("<<") {
        Some(at) => line.command[..at].trim_end().to_string(),
        None => line.command.clone(),
    };
    let mut out = format!("{command} <<{delim}\n{body}");
    if !body.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(&delim);
    out.push('\n');
    out
}

/// The command the Apply button runs: `kubectl apply -f -` with the editor text as stdin.
pub fn apply_line(manifest: &str) -> ScriptLine {
    stdin_line("apply", manifest)
}

/// `kubectl delete -f -` with the editor text on stdin: deletes what the editor holds.
pub fn delete_line(manifest: &str) -> ScriptLine {
    stdin_line("delete", manifest)
}

/// `kubectl VERB -f -` with `manifest` as its heredoc.
fn stdin_line(verb: &str, manifest: &str) -> ScriptLine {
    let mut body = manifest.to_string();
    if !body.ends_with('\n') {
        body.push('\n');
    }
    ScriptLine {
        line: 1,
        command: format!("kubectl {verb} -f - <<EOF"),
        words: ["kubectl", verb, "-f", "-"]
            .iter()
            .map(|w| w.to_string())
            .collect(),
        stdin: Some(body),
    }
}
