//! The script language shared by the CLI, the browser console, tests, tutorials and exercises:
//! `kubectl ...` lines, `sim ...` verbs, `# comments`, and `<<EOF` heredocs.

pub mod job;
pub mod parse;
mod sequence;
pub mod session;
pub mod sim_verbs;

pub use job::{Job, Started, Stopped};
pub use parse::{parse_script, ScriptError, ScriptLine};
pub use session::{is_command, may_change_cluster, Session, Transcript};

/// What one command printed, and whether it succeeded (kubectl's exit status).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Output {
    pub text: String,
    pub ok: bool,
}

impl Output {
    pub fn ok(text: impl Into<String>) -> Self {
        Output {
            text: text.into(),
            ok: true,
        }
    }
    pub fn error(text: impl Into<String>) -> Self {
        Output {
            text: text.into(),
            ok: false,
        }
    }
}
