//! `a ; b`, `a && b`, `a || b` on one line, as a shell runs them: each command in turn, the
//! next one depending on how the last one ended; a heredoc feeds the first. A command that
//! moves time for a while (`sim settle`, `kubectl rollout status`...) runs in pieces like a
//! command on its own line, and the rest of the line waits for it (`Job`'s sequence work).

use super::job::{Job, Started};
use super::parse::ScriptLine;
use super::session::dispatch;
use super::Output;
use crate::engine::time::SimTime;
use crate::engine::Sim;
use crate::kubectl::pipe::Cond;
use std::collections::VecDeque;

/// What is left of a line's sequence, and what its commands did so far.
pub struct Sequence {
    line: usize,
    parts: VecDeque<(Vec<String>, Cond)>,
    /// The heredoc, for the first command.
    stdin: Option<String>,
    total: Output,
    /// Each command run so far, with the clock after it: how a stopped line is recorded.
    done: Vec<(ScriptLine, SimTime)>,
}

impl Sequence {
    pub fn new(line: &ScriptLine, parts: Vec<(Vec<String>, Cond)>) -> Sequence {
        Sequence {
            line: line.line,
            parts: parts.into(),
            stdin: line.stdin.clone(),
            total: Output::ok(""),
            done: Vec::new(),
        }
    }

    /// Runs commands until one must run in pieces (returned with its own line) or the line
    /// is over (`None`).
    pub fn run_until_job(&mut self, sim: &mut Sim) -> Option<(Job, ScriptLine)> {
        while let Some((words, cond)) = self.parts.pop_front() {
            let runs = match cond {
                Cond::Always => true,
                Cond::IfOk => self.total.ok,
                Cond::IfFailed => !self.total.ok,
            };
            if !runs {
                continue;
            }
            let part = ScriptLine {
                line: self.line,
                command: super::job::shell_words(&words),
                words,
                stdin: self.stdin.take(),
            };
            match dispatch(sim, &part) {
                Started::Done(out) => self.absorb(sim, part, out),
                Started::Running(job) => return Some((job, part)),
            }
        }
        None
    }

    /// A sequence with nothing left (what a finished job leaves behind).
    pub fn empty() -> Sequence {
        Sequence {
            line: 0,
            parts: VecDeque::new(),
            stdin: None,
            total: Output::ok(""),
            done: Vec::new(),
        }
    }

    /// One command is over.
    pub fn absorb(&mut self, sim: &Sim, part: ScriptLine, out: Output) {
        self.total.text.push_str(&out.text);
        self.total.ok = out.ok;
        self.done.push((part, sim.now()));
    }

    /// What the line's commands printed so far.
    pub fn printed(&self) -> &str {
        &self.total.text
    }

    pub fn into_output(self) -> Output {
        self.total
    }

    /// The commands that ran, each as its own line with the clock after it.
    pub fn into_done(self) -> (Output, Vec<(ScriptLine, SimTime)>) {
        (self.total, self.done)
    }
}

/// Starts a line's sequence: done at once, or a job for the first command that runs in pieces.
pub fn start(sim: &mut Sim, line: &ScriptLine, parts: Vec<(Vec<String>, Cond)>) -> Started {
    let mut sequence = Sequence::new(line, parts);
    match sequence.run_until_job(sim) {
        None => Started::Done(sequence.into_output()),
        Some((job, part)) => Started::Running(Job::sequence(sim, job, part, sequence)),
    }
}
