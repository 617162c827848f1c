//! The troubleshooting stories of static/examples/troubleshooting/, as the playground shows
//! them: a catalogue (title, symptom, the message to look for) and each script split into the
//! setup that runs when the story opens and the sections the learner runs step by step.
//!
//! A story script is an ordinary kubeplay script (`kubeplay run` and tests/seeds run it whole).
//! Comment lines `# story: look`, `# story: fix` and `# story: next` mark where its sections
//! start; everything before the first marker is the setup. The comment lines right after a
//! marker explain the section; other comments (after a blank line or a command) are a note on
//! the command that follows.
//!
//! Plain Rust with no dependency (not even on this crate), so tests/script.rs can include the
//! file natively although `ui` is compiled for wasm32 only.

/// One troubleshooting story: what the card says, and the script behind it.
pub struct StoryEntry {
    /// The story's letter in the seed guides' troubleshooting list.
    pub letter: char,
    pub title: &'static str,
    /// What the learner sees on screen once the setup has run.
    pub symptom: &'static str,
    /// Text that really appears in the output of the story's `look` steps (tests/script.rs
    /// checks it), so a learner can search for it.
    pub look_for: &'static str,
    pub script: &'static str,
}

pub const STORIES: &[StoryEntry] = &[
    StoryEntry {
        letter: 'a',
        title: "Claim stuck Pending: no such StorageClass",
        symptom: "postgres-statefulset-0 stays Pending with its claim, and the rest of the set is \
                  not created.",
        look_for: "storageclass.storage.k8s.io \"fast-storage\" not found",
        script: include_str!(
            "../../static/examples/troubleshooting/a-claim-pending-no-storage-class.kubeplay"
        ),
    },
    StoryEntry {
        letter: 'b',
        title: "CreateContainerConfigError: a missing Secret",
        symptom: "postgres-statefulset-0 sits in CreateContainerConfigError and holds back -1 and \
                  -2 (OrderedReady).",
        look_for: "secret \"postgres-secret\" not found",
        script: include_str!(
            "../../static/examples/troubleshooting/b-create-container-config-error-secret.kubeplay"
        ),
    },
    StoryEntry {
        letter: 'c',
        title: "Multi-Attach error: a Deployment sharing one disk",
        symptom: "Two mysql replicas share one ReadWriteOnce claim; the one on the second node \
                  waits in ContainerCreating.",
        look_for: "Multi-Attach error for volume",
        script: include_str!(
            "../../static/examples/troubleshooting/c-deployment-shared-rwo-claim.kubeplay"
        ),
    },
    StoryEntry {
        letter: 'd',
        title: "Scaling stuck behind an unready pod",
        symptom: "mongodb was scaled to 5 but stays at 3: mongodb-2 is Running and not Ready.",
        look_for: "Readiness probe failed: HTTP probe failed with statuscode: 503",
        script: include_str!(
            "../../static/examples/troubleshooting/d-scaling-stuck-unready-pod.kubeplay"
        ),
    },
    StoryEntry {
        letter: 'e',
        title: "DaemonSet missing from a new, tainted node",
        symptom: "kind-worker4 joined with a taint and has no logging-agent pod.",
        look_for: "dedicated=gpu:NoSchedule",
        script: include_str!(
            "../../static/examples/troubleshooting/e-daemonset-missing-on-tainted-node.kubeplay"
        ),
    },
    StoryEntry {
        letter: 'f',
        title: "Logs missing: the agent is not on that node",
        symptom: "The checkout pod runs on kind-worker3, and no log agent runs there: the \
                  agent's nodeSelector asks for disktype=ssd.",
        look_for: "disktype=ssd",
        script: include_str!(
            "../../static/examples/troubleshooting/f-logs-missing-agent-not-on-node.kubeplay"
        ),
    },
    StoryEntry {
        letter: 'g',
        title: "A new identity: the wrong controller",
        symptom: "A database runs as a Deployment. Run the steps to delete its pod: the \
                  replacement has a new name and none of the data.",
        look_for: "No such file or directory",
        script: include_str!(
            "../../static/examples/troubleshooting/g-new-identity-wrong-controller.kubeplay"
        ),
    },
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SectionKind {
    /// Commands that show the symptom.
    Look,
    /// Commands that fix it.
    Fix,
    /// The story goes on with a new twist (story d's rollout).
    Next,
}

impl SectionKind {
    fn from_marker(word: &str) -> Option<SectionKind> {
        match word {
            "look" => Some(SectionKind::Look),
            "fix" => Some(SectionKind::Fix),
            "next" => Some(SectionKind::Next),
            _ => None,
        }
    }

    pub fn heading(self) -> &'static str {
        match self {
            SectionKind::Look => "Look",
            SectionKind::Fix => "Fix",
            SectionKind::Next => "Then",
        }
    }
}

/// One command of a story, as script text the console runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// The comment just before the command (may be empty).
    pub note: String,
    /// The command, with its `\` continuation lines and heredoc body, ending in a newline.
    pub script: String,
}

impl Step {
    /// The first line of the command, what a button shows.
    pub fn command(&self) -> &str {
        self.script.lines().next().unwrap_or("").trim()
    }

    /// The heredoc body, if the command has one.
    pub fn body(&self) -> Option<&str> {
        if !self.command().contains("<<") {
            return None;
        }
        let at = self.script.find('\n')?;
        let rest = &self.script[at + 1..];
        let end = rest.trim_end_matches('\n').rfind('\n')?;
        Some(&rest[..end + 1])
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    pub kind: SectionKind,
    /// The comment right after the marker.
    pub about: String,
    pub steps: Vec<Step>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoryScript {
    /// The script's opening comment, without its `Story (x):` prefix.
    pub intro: String,
    /// What runs when the story opens.
    pub setup: Vec<Step>,
    pub sections: Vec<Section>,
}

const MARKER: &str = "# story:";

/// Splits a story script at its `# story: look|fix|next` markers.
pub fn split_story(text: &str) -> Result<StoryScript, String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut story = StoryScript {
        intro: String::new(),
        setup: Vec::new(),
        sections: Vec::new(),
    };
    let mut note: Vec<&str> = Vec::new();
    // Whether comment lines still belong to the section's explanation.
    let mut about_open = false;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim();
        i += 1;
        if line.is_empty() {
            about_open = false;
            continue;
        }
        if let Some(rest) = line.strip_prefix(MARKER) {
            let kind = SectionKind::from_marker(rest.trim()).ok_or_else(|| {
                format!("line {i}: unknown story marker {line:?} (look, fix or next)")
            })?;
            story.sections.push(Section {
                kind,
                about: String::new(),
                steps: Vec::new(),
            });
            note.clear();
            about_open = true;
            continue;
        }
        if let Some(comment) = line.strip_prefix('#') {
            let comment = comment.trim();
            match story.sections.last_mut() {
                None if story.setup.is_empty() => push_sentence(&mut story.intro, comment),
                Some(s) if about_open => push_sentence(&mut s.about, comment),
                _ => note.push(comment),
            }
            continue;
        }
        about_open = false;
        let start = i;
        let mut script = format!("{}\n", lines[i - 1].trim_end());
        let mut command = line.to_string();
        while command.ends_with('\\') && i < lines.len() {
            command.pop();
            command.push_str(lines[i].trim());
            script.push_str(lines[i].trim_end());
            script.push('\n');
            i += 1;
        }
        if let Some((delim, strip_tabs)) = heredoc_delimiter(&command) {
            loop {
                let Some(body_line) = lines.get(i) else {
                    return Err(format!(
                        "line {start}: here-document is never closed (no line {delim})"
                    ));
                };
                i += 1;
                script.push_str(body_line);
                script.push('\n');
                let candidate = if strip_tabs {
                    body_line.trim_start_matches('\t')
                } else {
                    body_line
                };
                if candidate.trim_end() == delim {
                    break;
                }
            }
        }
        let step = Step {
            note: note.join(" "),
            script,
        };
        note.clear();
        match story.sections.last_mut() {
            Some(s) => s.steps.push(step),
            None => story.setup.push(step),
        }
    }
    strip_story_prefix(&mut story.intro);
    Ok(story)
}

fn push_sentence(text: &mut String, comment: &str) {
    if !text.is_empty() {
        text.push(' ');
    }
    text.push_str(comment);
}

/// `Story (a): a claim ...` -> `A claim ...`.
fn strip_story_prefix(intro: &mut String) {
    if intro.starts_with("Story (") {
        if let Some(at) = intro.find("): ") {
            *intro = capitalised(&intro[at + 3..]);
        }
    }
}

/// `text` with its first letter upper-case.
pub fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The delimiter of a `<<EOF` / `<<-EOF` / `<< 'EOF'` heredoc, as the script parser reads it.
fn heredoc_delimiter(command: &str) -> Option<(String, bool)> {
    let rest = &command[command.find("<<")? + 2..];
    let (rest, strip_tabs) = match rest.strip_prefix('-') {
        Some(r) => (r, true),
        None => (rest, false),
    };
    let delim = rest
        .trim()
        .trim_matches(|c| c == '\'' || c == '"')
        .split_whitespace()
        .next()?;
    Some((delim.to_string(), strip_tabs))
}

/// How many commands opening story `i` runs: the first that many commands of a tab's journal
/// are the story's setup, not the learner's work.
pub fn setup_len(i: usize) -> usize {
    STORIES
        .get(i)
        .and_then(|s| split_story(s.script).ok())
        .map_or(0, |s| s.setup.len())
}
