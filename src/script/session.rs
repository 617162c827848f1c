//! A session: one simulated cluster plus the commands run against it. The CLI, the browser
//! console and the tests all drive kubeplay through this type.

use super::job::{Job, Started};
use super::parse::{parse_script, ScriptLine};
use super::{sim_verbs, Output};
use crate::engine::Sim;

/// The printed record of a script run: `$ command` then its output, per command.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Transcript {
    pub text: String,
    /// Commands that failed (1-based script line, command).
    pub failures: Vec<(usize, String)>,
}

#[derive(Clone, Debug)]
pub struct Session {
    pub sim: Sim,
    /// Every command run so far, with its heredoc body, so a session can be exported as a
    /// script and replayed to the same state.
    history: Vec<ScriptLine>,
}

impl Session {
    /// The default cluster with the given seed.
    pub fn new(seed: u64) -> Session {
        Session {
            sim: Sim::new(seed),
            history: Vec::new(),
        }
    }

    pub fn with_sim(sim: Sim) -> Session {
        Session {
            sim,
            history: Vec::new(),
        }
    }

    pub fn history(&self) -> &[ScriptLine] {
        &self.history
    }

    /// The session as a script that rebuilds it: the seed, a fresh cluster built with it, then
    /// every command. A heredoc whose body happens to contain its delimiter line gets another
    /// delimiter, so the export always parses back to the same commands.
    pub fn export_script(&self) -> String {
        let mut out = format!("sim seed {}\nsim reset\n", self.sim.seed());
        for line in &self.history {
            let Some(body) = &line.stdin else {
                out.push_str(&line.command);
                out.push('\n');
                continue;
            };
            let (before, delim) = match super::parse::heredoc_marker(&line.command) {
                Some((before, delim, _)) => (before, delim),
                None => (line.command.clone(), "EOF".to_string()),
            };
            let clashes = |d: &str| body.lines().any(|l| l.trim_end() == d);
            let mut chosen = delim.clone();
            let mut n = 1;
            while clashes(&chosen) {
                chosen = format!("{delim}_{n}");
                n += 1;
            }
            out.push_str(&format!("{before} <<{chosen}\n{body}"));
            if !body.ends_with('\n') {
                out.push('\n');
            }
            out.push_str(&chosen);
            out.push('\n');
        }
        out
    }

    /// Runs one already-parsed command.
    pub fn execute(&mut self, line: &ScriptLine) -> Output {
        match self.start(line) {
            Started::Done(out) => out,
            Started::Running(job) => job.finish(&mut self.sim),
        }
    }

    /// Starts one already-parsed command. A command that moves time for a while (`sim
    /// advance`, `sim settle`, kubectl's waiting commands run on their own) comes back as a
    /// `Job`: work on it with `Job::poll` and change nothing else in the session until it is
    /// over. Worked to its end it prints what `execute` prints.
    pub fn start(&mut self, line: &ScriptLine) -> Started {
        let started = dispatch(&mut self.sim, line);
        self.history.push(line.clone());
        started
    }

    /// A job was stopped part way with `Job::stop`: its command leaves the history for the
    /// lines that replay what it did (see `Stopped::replay`).
    pub fn record_stopped(&mut self, stopped: &super::job::Stopped) {
        self.history.pop();
        self.history
            .extend(stopped.replay.iter().map(|(line, _)| line.clone()));
    }

    /// Runs one line typed at a console (no heredoc).
    pub fn execute_text(&mut self, text: &str) -> Output {
        match parse_script(text) {
            Ok(lines) if lines.is_empty() => Output::ok(""),
            Ok(lines) => {
                let mut combined = Output::ok("");
                for l in &lines {
                    let o = self.execute(l);
                    combined.text.push_str(&o.text);
                    combined.ok &= o.ok;
                }
                combined
            }
            Err(e) => Output::error(format!("error: {e}")),
        }
    }

    /// Runs a whole script, printing `$ command` and its output for each command. With
    /// `strict`, stops at the first failing command.
    pub fn run_script(&mut self, text: &str, strict: bool) -> Transcript {
        let mut t = Transcript::default();
        let lines = match parse_script(text) {
            Ok(l) => l,
            Err(e) => {
                t.text = format!("error: {e}\n");
                t.failures.push((e.line, String::new()));
                return t;
            }
        };
        for line in &lines {
            t.text.push_str("$ ");
            t.text.push_str(&line.command);
            t.text.push('\n');
            if let Some(body) = &line.stdin {
                t.text.push_str(body);
                t.text.push_str("EOF\n");
            }
            let out = self.execute(line);
            t.text.push_str(&out.text);
            if !out.text.is_empty() && !out.text.ends_with('\n') {
                t.text.push('\n');
            }
            if !out.ok {
                t.failures.push((line.line, line.command.clone()));
                if strict {
                    break;
                }
            }
        }
        t
    }
}

/// Runs (or starts) one line on the cluster: `kubectl`, `sim`, `cat`/`echo`, or a sequence of
/// them joined by `;`, `&&`, `||`.
pub(super) fn dispatch(sim: &mut Sim, line: &ScriptLine) -> Started {
    let Some(first) = line.words.first() else {
        return Started::Done(Output::ok(""));
    };
    let sequence = crate::kubectl::pipe::split_sequence(&line.words);
    if !matches!(sequence.as_slice(), [(words, _)] if *words == line.words) {
        return super::sequence::start(sim, line, sequence);
    }
    Started::Done(match first.as_str() {
        "kubectl" | "k" => {
            return match crate::kubectl::start(sim, &line.words[1..], line.stdin.as_deref()) {
                crate::kubectl::Started::Done(out) => Started::Done(out),
                crate::kubectl::Started::Waiting(deferred) => {
                    Started::Running(Job::kubectl(sim, deferred))
                }
            }
        }
        "sim" => return sim_verbs::start(sim, &line.words[1..]),
        "cat" | "echo" => Output::ok(
            line.stdin
                .clone()
                .unwrap_or_else(|| line.words[1..].join(" ") + "\n"),
        ),
        other => Output::error(format!(
            "error: unknown command {other:?}: a script line starts with `kubectl` or `sim` (see `sim --help`)\n"
        )),
    })
}

/// Whether a script line starting with `word` is one `Session` runs (`dispatch` above); any
/// other first word is an "unknown command" error that changes nothing.
pub fn is_command(word: &str) -> bool {
    matches!(word, "kubectl" | "k" | "sim" | "cat" | "echo")
}

/// Whether such a line can change the cluster (`cat` and `echo` only print).
pub fn may_change_cluster(word: &str) -> bool {
    matches!(word, "kubectl" | "k" | "sim")
}
