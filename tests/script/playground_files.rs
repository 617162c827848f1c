//! The playground's script files, checked natively: the exported session file replays with
//! `kubeplay run` to the cluster the tab had, and the troubleshooting story scripts split into
//! setup, look and fix steps that together are the whole script.
//!
//! src/ui is compiled for wasm32 only; the two files below are plain Rust, so they are included
//! here as they are. (The browser half — the real journal, Import — is tests/browser/session.rs.)

use kubeplay::engine::time::SimDuration;
use kubeplay::script::{parse_script, ScriptLine};
use kubeplay::Session;

#[allow(dead_code)]
#[path = "../../src/ui/session_script.rs"]
mod session_script;
#[allow(dead_code)]
#[path = "../../src/ui/stories.rs"]
mod stories;

use session_script::{export_text, read_header, SessionFile};
use stories::{split_story, SectionKind, STORIES};

/// A tab's work, recorded the way the playground's journal records it: each command as typed,
/// and the time that play ticks moved coalesced into one `sim advance Nms` line.
struct Tab {
    session: Session,
    journal: String,
    advanced: u64,
}

impl Tab {
    fn new(seed: u64) -> Tab {
        Tab {
            session: Session::new(seed),
            journal: String::new(),
            advanced: 0,
        }
    }

    fn flush_time(&mut self) {
        if self.advanced > 0 {
            self.journal
                .push_str(&format!("sim advance {}ms\n", self.advanced));
            self.advanced = 0;
        }
    }

    fn run(&mut self, text: &str) {
        self.flush_time();
        for line in parse_script(text).expect("a valid command") {
            self.session.execute(&line);
        }
        self.journal.push_str(text);
        if !text.ends_with('\n') {
            self.journal.push('\n');
        }
    }

    /// Play at `speed` percent for `ticks` ticks of 100 ms, as the play loop does.
    fn play(&mut self, speed: u64, ticks: u32) {
        for _ in 0..ticks {
            let ms = 100 * speed / 100;
            self.session.sim.advance_by(SimDuration(ms));
            self.advanced += ms;
        }
    }

    fn get_all(&mut self) -> String {
        self.session.execute_text("kubectl get all -A").text
    }
}

/// The output of the last command of a `kubeplay run` transcript.
fn last_output(transcript: &str, command: &str) -> String {
    let marker = format!("$ {command}\n");
    let at = transcript
        .rfind(&marker)
        .unwrap_or_else(|| panic!("no {command:?} in:\n{transcript}"));
    transcript[at + marker.len()..].to_string()
}

#[test]
fn an_exported_playground_session_replays_with_kubeplay_run() {
    // Seed 7, not kubeplay run's default 1: the file's header must carry it, or the
    // Deployment's pods get other names.
    let mut tab = Tab::new(7);
    tab.run(&format!(
        "kubectl apply -f - <<EOF\n{}EOF\n",
        include_str!("../../static/examples/web.yaml")
    ));
    tab.play(200, 37);
    tab.run("kubectl create deployment shop --image=nginx:1.27 --replicas=3");
    tab.play(1600, 13);
    tab.play(25, 3);
    tab.run("sim node add kind-worker4 --label disktype=ssd");
    tab.run("kubectl get pod no-such-pod"); // a failing command is part of the record too
    tab.run("kubectl scale sts web --replicas=4");
    tab.play(800, 41);
    let expected = tab.get_all();
    tab.flush_time();
    let file = export_text(7, &tab.journal);

    let (status, out, err) = super::kubeplay(&["run", "-"], &format!("{file}kubectl get all -A\n"));
    assert_eq!(status, 0, "{err}");
    assert_eq!(last_output(&out, "kubectl get all -A"), expected);
    assert!(
        expected.contains("pod/shop-") && expected.contains("pod/web-3"),
        "the session made pods worth comparing:\n{expected}"
    );
}

#[test]
fn an_export_header_is_read_back_and_keeps_the_files_line_numbers() {
    let body = "kubectl create deployment shop --image=nginx\nsim advance 1500ms\n";
    let file = export_text(42, body);
    let read = read_header(&file, 1);
    assert_eq!(read.seed, 42);
    let from_body = parse_script(&read.body).unwrap();
    let from_file: Vec<ScriptLine> = parse_script(&file).unwrap().into_iter().skip(2).collect();
    assert_eq!(from_body, from_file, "same commands on the same lines");

    // Without the header, a script starts from the default cluster, as `kubeplay run` does.
    assert_eq!(
        read_header(body, 1),
        SessionFile {
            seed: 1,
            body: body.to_string()
        }
    );
    // Only the exact pair counts as a header: `sim reset --empty` is a command to replay.
    let empty = "sim seed 5\nsim reset --empty\n";
    assert_eq!(read_header(empty, 1).seed, 1);
    assert_eq!(read_header("# hi\nsim seed 5\n\nsim reset\n", 1).seed, 5);
    // A file saved by an editor that adds a byte-order mark and CRLF line ends.
    let windows = "\u{feff}sim seed 5\r\nsim reset\r\nsim advance 1s\r\n";
    let read = read_header(windows, 1);
    assert_eq!(read.seed, 5);
    assert_eq!(
        parse_script(&read.body).unwrap()[0].words,
        ["sim", "advance", "1s"]
    );
}

#[test]
fn each_story_splits_into_setup_look_and_fix_that_make_the_whole_script() {
    assert_eq!(STORIES.len(), 7, "stories (a) to (g)");
    for story in STORIES {
        let name = format!("story ({})", story.letter);
        let split = split_story(story.script).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(!split.setup.is_empty(), "{name}: no setup");
        assert!(!split.intro.is_empty(), "{name}: no intro");
        let kinds: Vec<SectionKind> = split.sections.iter().map(|s| s.kind).collect();
        assert_eq!(kinds.first(), Some(&SectionKind::Look), "{name}: {kinds:?}");
        assert!(kinds.contains(&SectionKind::Fix), "{name}: {kinds:?}");
        assert!(
            split.sections.iter().all(|s| !s.steps.is_empty()),
            "{name}: an empty section"
        );

        // Setup then every step, each run on its own as the console runs it, gives the same
        // transcript as the whole script: no command lost, doubled or cut.
        let steps: Vec<&stories::Step> = split
            .setup
            .iter()
            .chain(split.sections.iter().flat_map(|s| s.steps.iter()))
            .collect();
        let whole: Vec<(Vec<String>, Option<String>)> = parse_script(story.script)
            .unwrap()
            .into_iter()
            .map(|l| (l.words, l.stdin))
            .collect();
        let pieces: Vec<(Vec<String>, Option<String>)> = steps
            .iter()
            .flat_map(|s| parse_script(&s.script).unwrap())
            .map(|l| (l.words, l.stdin))
            .collect();
        assert_eq!(pieces, whole, "{name}");
        assert!(
            steps
                .iter()
                .all(|s| parse_script(&s.script).unwrap().len() == 1),
            "{name}: one command per step"
        );

        // After the setup, the look steps show the message the card tells learners to look for.
        let mut s = Session::new(1);
        for step in &split.setup {
            s.run_script(&step.script, false);
        }
        let look: String = split.sections[0]
            .steps
            .iter()
            .map(|step| s.run_script(&step.script, false).text)
            .collect();
        assert!(
            look.contains(story.look_for),
            "{name}: {:?} is not in the look steps' output:\n{look}",
            story.look_for
        );
    }
}

#[test]
fn a_story_with_a_bad_marker_or_an_open_heredoc_says_where() {
    let err = split_story("sim settle\n# story: lok\nkubectl get pods\n").unwrap_err();
    assert!(err.contains("line 2") && err.contains("lok"), "{err}");
    let err = split_story("# story: look\nkubectl apply -f - <<EOF\nkind: Pod\n").unwrap_err();
    assert!(err.contains("line 2"), "{err}");
}

#[test]
fn a_story_step_knows_its_command_note_and_manifest() {
    let split = split_story(
        "# Story (z): the intro\n# goes on.\nsim settle\n# story: fix\n# The fix: apply it.\n\n\
         # a note\nkubectl apply -f - <<EOF\nkind: Pod\nEOF\n",
    )
    .unwrap();
    assert_eq!(split.intro, "The intro goes on.");
    let fix = &split.sections[0];
    assert_eq!(fix.about, "The fix: apply it.");
    assert_eq!(fix.steps[0].note, "a note");
    assert_eq!(fix.steps[0].command(), "kubectl apply -f - <<EOF");
    assert_eq!(fix.steps[0].body(), Some("kind: Pod\n"));
    assert_eq!(split.setup[0].body(), None);
}
