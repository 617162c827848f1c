//! The session file: what Export writes and Import reads. It is a kubeplay script — a header
//! that rebuilds the tab's starting cluster (`sim seed N` + `sim reset`) then the tab's journal —
//! so `kubeplay run kubeplay-session.kubeplay` reproduces the same cluster on the command line.
//!
//! The text functions are plain Rust (tests/script.rs includes this file natively); importing,
//! which replays the script on a fresh session, is compiled for the browser only.

/// The name of the downloaded file.
pub const FILE_NAME: &str = "kubeplay-session.kubeplay";

/// Larger files are refused before they are read: a session typed by hand is kilobytes, and
/// replaying megabytes of commands would freeze the tab.
pub const MAX_IMPORT_BYTES: f64 = 2.0 * 1024.0 * 1024.0;

/// The exported file: a header naming the seed, then the journal's commands.
pub fn export_text(seed: u64, journal_script: &str) -> String {
    format!(
        "# A kubeplay session, exported from the playground.\n\
         # Replay it with `kubeplay run {FILE_NAME}`, or with Import in the playground.\n\
         sim seed {seed}\n\
         sim reset\n\
         {journal_script}"
    )
}

/// A session file with its header read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionFile {
    /// The seed of the starting cluster: the header's, or `default_seed` without a header.
    pub seed: u64,
    /// The commands after the header. The header's lines are blanked rather than removed, so
    /// line numbers in errors are the file's.
    pub body: String,
}

/// Reads the `sim seed N` + `sim reset` header that `export_text` writes (after any comments).
/// A script without it starts from `default_seed`, as `kubeplay run` does. A byte-order mark
/// (some Windows editors add one) is dropped.
pub fn read_header(text: &str, default_seed: u64) -> SessionFile {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<&str> = text.lines().collect();
    let mut commands = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| {
            let l = l.trim();
            !l.is_empty() && !l.starts_with('#')
        })
        .map(|(i, l)| (i, l.split_whitespace().collect::<Vec<_>>()));
    let header = match (commands.next(), commands.next()) {
        (Some((seed_at, seed_words)), Some((reset_at, reset_words))) => {
            match (seed_words.as_slice(), reset_words.as_slice()) {
                (["sim", "seed", n], ["sim", "reset"]) => {
                    n.parse::<u64>().ok().map(|seed| (seed, seed_at, reset_at))
                }
                _ => None,
            }
        }
        _ => None,
    };
    match header {
        Some((seed, seed_at, reset_at)) => {
            let mut body = String::with_capacity(text.len());
            for (i, line) in lines.iter().enumerate() {
                if i != seed_at && i != reset_at {
                    body.push_str(line);
                }
                body.push('\n');
            }
            SessionFile { seed, body }
        }
        None => SessionFile {
            seed: default_seed,
            body: text.to_string(),
        },
    }
}

#[cfg(target_arch = "wasm32")]
pub use import::{import, refused, ImportProblem, ImportStatus, Imported, PendingImport};

#[cfg(target_arch = "wasm32")]
mod import {
    use super::read_header;
    use crate::script::{parse_script, Session};
    use crate::ui::journal::Journal;

    /// Why a file was not imported. The current cluster and editor are left as they were.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct ImportProblem {
        pub file_name: String,
        /// The file's line the problem is on.
        pub line: Option<usize>,
        /// The command that failed, as written.
        pub command: Option<String>,
        pub message: String,
        /// A command that ran and failed (a NotFound, say) may be part of the story the file
        /// tells: the learner may import it anyway. A file that does not parse may not.
        pub can_force: bool,
        /// The file's text, kept for "Import anyway".
        pub text: String,
    }

    /// What the last Import did, shown until dismissed.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub enum ImportStatus {
        Failed(ImportProblem),
        Done { file_name: String, commands: usize },
    }

    #[derive(Clone, Debug)]
    pub struct Imported {
        pub seed: u64,
        pub session: Session,
        pub journal: Journal,
        pub commands: usize,
    }

    /// A file that replays cleanly but would replace the learner's own work: it waits for
    /// their yes (Import asks first, as opening a story does).
    #[derive(Debug)]
    pub struct PendingImport {
        pub file_name: String,
        pub imported: Imported,
    }

    /// A file that was not read (too large, unreadable).
    pub fn refused(file_name: &str, message: String) -> ImportProblem {
        ImportProblem {
            file_name: file_name.to_string(),
            line: None,
            command: None,
            message,
            can_force: false,
            text: String::new(),
        }
    }

    /// Replays a session file on a fresh cluster. Unless `force`, the first command that
    /// fails stops the import and is reported with its line.
    pub fn import(
        file_name: &str,
        text: &str,
        default_seed: u64,
        force: bool,
    ) -> Result<Imported, ImportProblem> {
        let problem = |line: Option<usize>, command: Option<String>, message: String, can_force| {
            ImportProblem {
                file_name: file_name.to_string(),
                line,
                command,
                message,
                can_force,
                text: text.to_string(),
            }
        };
        if text.trim().is_empty() {
            return Err(problem(None, None, "the file is empty".into(), false));
        }
        let file = read_header(text, default_seed);
        let lines =
            parse_script(&file.body).map_err(|e| problem(Some(e.line), None, e.message, false))?;
        if !force {
            let mut trial = Session::new(file.seed);
            for line in &lines {
                let first = line.words.first().map(String::as_str).unwrap_or("");
                if !crate::script::is_command(first) {
                    return Err(problem(
                        Some(line.line),
                        Some(line.command.clone()),
                        format!(
                            "{first:?} is not a kubeplay command: each line starts with \
                             `kubectl` or `sim`. Is this a kubeplay session file?"
                        ),
                        false,
                    ));
                }
                let out = trial.execute(line);
                if !out.ok {
                    return Err(problem(
                        Some(line.line),
                        Some(line.command.clone()),
                        out.text.trim_end().to_string(),
                        true,
                    ));
                }
            }
        }
        let (session, journal) =
            Journal::replay(file.seed, &file.body).map_err(|e| problem(None, None, e, false))?;
        Ok(Imported {
            seed: file.seed,
            session,
            journal,
            commands: lines.len(),
        })
    }
}
