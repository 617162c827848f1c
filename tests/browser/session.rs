//! Saving and sharing the tab's work (Export / Import of the session file) and the
//! troubleshooting stories (picker, card, look and fix steps).

use super::{click, count, find, mount, press, reduce, text};
use kubeplay::ui::session_script::{export_text, ImportStatus};
use kubeplay::ui::state::{Action, AppState};
use kubeplay::ui::stories::STORIES;
use kubeplay::Session;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, Event, EventInit, HtmlSelectElement, HtmlTextAreaElement};

/// `kubectl get all -A` on a copy of the state's cluster (the state itself stays untouched).
fn get_all(state: &AppState) -> String {
    let mut copy: Session = state.with_session(|s| s.clone());
    copy.execute_text("kubectl get all -A").text
}

/// A tab with some work: the example applied, time played in ticks, a console command, a
/// "Next event" press, and a command that failed.
fn worked_tab() -> Rc<AppState> {
    let tab = reduce(
        Rc::new(AppState::fresh()),
        vec![
            Action::Apply,
            Action::Advance(kubeplay::engine::time::SimDuration(400)),
            Action::Advance(kubeplay::engine::time::SimDuration(400)),
            Action::Console(
                "kubectl create deployment shop --image=nginx:1.27 --replicas=2".into(),
            ),
            Action::StepToNextEvent,
            Action::Console("kubectl get pod no-such-pod".into()),
            Action::Console("sim advance 45s".into()),
        ],
    );
    // The typed advance moves time a slice per frame until it is over.
    super::finish_console(tab)
}

fn exported(state: &AppState) -> String {
    export_text(state.seed, &state.journal.to_script())
}

#[wasm_bindgen_test]
fn the_exported_session_is_a_script_kubeplay_run_replays_to_the_same_cluster() {
    let tab = worked_tab();
    let file = exported(&tab);
    assert!(file.contains("\nsim seed 1\nsim reset\n"), "{file}");
    // What `kubeplay run` does with the file.
    let mut run = Session::new(1);
    let t = run.run_script(&file, false);
    assert_eq!(
        t.failures.len(),
        1,
        "only the NotFound fails: {:?}",
        t.failures
    );
    assert_eq!(run.execute_text("kubectl get all -A").text, get_all(&tab));
    assert!(get_all(&tab).contains("pod/shop-"));
}

#[wasm_bindgen_test]
fn importing_an_export_rebuilds_the_cluster_and_keeps_the_manifest() {
    let tab = worked_tab();
    let file = exported(&tab);
    let other = reduce(
        Rc::new(AppState::fresh()),
        vec![
            Action::EditorChanged("kind: ConfigMap\n".into()),
            Action::Console("sim node add kind-worker9".into()),
        ],
    );
    // The export holds a failing command: the import stops there and says so.
    let stopped = reduce(
        other.clone(),
        vec![Action::Import {
            file_name: "s.kubeplay".into(),
            text: Ok(file.clone()),
        }],
    );
    let Some(ImportStatus::Failed(p)) = stopped.import_status.as_deref() else {
        panic!("expected a failed import, got {:?}", stopped.import_status);
    };
    assert!(p.can_force && p.message.contains("no-such-pod"), "{p:?}");
    assert_eq!(p.command.as_deref(), Some("kubectl get pod no-such-pod"));
    let line = p.line.expect("a line number");
    assert_eq!(
        file.lines().nth(line - 1),
        Some("kubectl get pod no-such-pod")
    );
    assert_eq!(get_all(&stopped), get_all(&other), "cluster kept");

    // `other` holds the learner's own commands: the import asks before replacing them.
    let asked = reduce(stopped, vec![Action::ImportAnyway]);
    assert!(asked.pending_import.is_some(), "asks first");
    assert_eq!(get_all(&asked), get_all(&other), "not replaced yet");
    let imported = reduce(asked, vec![Action::ConfirmImport]);
    assert!(matches!(
        imported.import_status.as_deref(),
        Some(ImportStatus::Done { .. })
    ));
    assert_eq!(get_all(&imported), get_all(&tab));
    assert_eq!(imported.view.time_ms, tab.view.time_ms);
    assert_eq!(&*imported.editor, "kind: ConfigMap\n", "the manifest stays");
    // Exporting the import gives the same file back.
    assert_eq!(exported(&imported), file);
}

#[wasm_bindgen_test]
fn a_broken_file_names_its_line_and_changes_nothing() {
    let tab = worked_tab();
    let journal = tab.journal.to_script();
    let broken = "# mine\nsim node add extra\nkubectl apply -f - <<EOF\nkind: Pod\n";
    let after = reduce(
        tab.clone(),
        vec![Action::Import {
            file_name: "broken.kubeplay".into(),
            text: Ok(broken.into()),
        }],
    );
    let Some(ImportStatus::Failed(p)) = after.import_status.as_deref() else {
        panic!("expected a failed import");
    };
    assert_eq!(p.line, Some(3));
    assert!(!p.can_force, "a file that does not parse cannot be forced");
    assert_eq!(after.journal.to_script(), journal);
    assert_eq!(get_all(&after), get_all(&tab));
    assert_eq!(after.editor, tab.editor);
    // Not a kubeplay file at all.
    let after = reduce(
        tab,
        vec![Action::Import {
            file_name: "notes.txt".into(),
            text: Ok("hello world\n".into()),
        }],
    );
    let Some(ImportStatus::Failed(p)) = after.import_status.as_deref() else {
        panic!("expected a failed import");
    };
    assert!(
        p.line == Some(1) && !p.can_force && p.message.contains("not a kubeplay command"),
        "{p:?}"
    );
}

/// Chooses an option of a select as a user does (value, then a bubbling `change`).
pub(crate) async fn choose(root: &Element, selector: &str, value: &str) {
    let select: HtmlSelectElement = find(root, selector).unchecked_into();
    select.set_value(value);
    let init = EventInit::new();
    init.set_bubbles(true);
    select
        .dispatch_event(&Event::new_with_event_init_dict("change", &init).unwrap())
        .unwrap();
    yew::scheduler::flush().await;
}

fn story_index(letter: char) -> String {
    STORIES
        .iter()
        .position(|s| s.letter == letter)
        .unwrap()
        .to_string()
}

fn console_text(root: &Element) -> String {
    text(root, "[data-testid=console-output]")
}

#[wasm_bindgen_test]
async fn the_multi_attach_story_shows_its_symptom_and_its_fix_resolves_it() {
    let (root, handle) = mount().await;
    let editor_before = find(&root, "[data-testid=editor]")
        .unchecked_into::<HtmlTextAreaElement>()
        .value();
    // A fresh tab has no work: the story opens at once.
    choose(&root, "[data-testid=stories]", &story_index('c')).await;
    assert_eq!(
        find(&root, "[data-testid=story-card]")
            .get_attribute("data-story")
            .as_deref(),
        Some("c")
    );
    assert!(text(&root, "[data-testid=story-look-for]").contains("Multi-Attach error"));
    // The symptom is on screen: one mysql pod runs, the other waits in ContainerCreating.
    assert_eq!(
        count(&root, "[data-pod^=mysql-][data-status=ContainerCreating]"),
        1
    );
    assert_eq!(count(&root, "[data-pod^=mysql-][data-status=Running]"), 1);
    // The setup was echoed into the console; the manifest stays.
    assert!(console_text(&root).contains("kubectl apply -f - <<EOF"));
    assert_eq!(
        find(&root, "[data-testid=editor]")
            .unchecked_into::<HtmlTextAreaElement>()
            .value(),
        editor_before
    );

    // Look: `kubectl describe pod -l app=mysql` shows the attach/detach controller's message.
    let describe = root
        .query_selector("[data-testid=story-section][data-kind=look] [aria-label='Run kubectl describe pod -l app=mysql']")
        .unwrap()
        .expect("the describe step");
    describe.unchecked_into::<web_sys::HtmlElement>().click();
    yew::scheduler::flush().await;
    assert!(console_text(&root).contains("Multi-Attach error for volume \"pvc-"));
    assert_eq!(count(&root, "[data-testid=story-step][data-ran=true]"), 1);

    // Fix: run every step; the StatefulSet's pods both run, each with its own claim.
    click(
        &root,
        "[data-testid=story-section][data-kind=fix] [data-testid=story-run-all]",
    )
    .await;
    assert_eq!(
        count(&root, "[data-pod^=mysql-][data-status=ContainerCreating]"),
        0
    );
    assert_eq!(count(&root, "[data-pod=mysql-0][data-ready=true]"), 1);
    assert_eq!(count(&root, "[data-pod=mysql-1][data-ready=true]"), 1);

    click(&root, "[data-testid=story-close]").await;
    assert_eq!(count(&root, "[data-testid=story-card]"), 0);
    handle.destroy();
}

#[wasm_bindgen_test]
async fn opening_a_story_over_work_asks_first() {
    let (root, handle) = mount().await;
    click(&root, "[data-testid=apply]").await;
    choose(&root, "[data-testid=stories]", &story_index('e')).await;
    assert_eq!(count(&root, "[data-testid=story-card]"), 0, "not yet");
    assert!(text(&root, "[data-testid=story-confirm]").contains("DaemonSet missing"));
    // The question has the focus, so the keyboard answers it next.
    let focused = web_sys::window()
        .unwrap()
        .document()
        .unwrap()
        .active_element()
        .and_then(|e| e.get_attribute("data-testid"));
    assert_eq!(focused.as_deref(), Some("story-confirm-open"));
    click(&root, "[data-testid=story-confirm] .btn-quiet").await;
    assert_eq!(count(&root, "[data-testid=story-confirm]"), 0);
    assert_eq!(count(&root, "[data-testid=story-card]"), 0, "cancelled");

    choose(&root, "[data-testid=stories]", &story_index('e')).await;
    click(&root, "[data-testid=story-confirm-open]").await;
    assert_eq!(count(&root, "[data-testid=story-card][data-story=e]"), 1);
    assert!(root
        .query_selector("[data-node=kind-worker4]")
        .unwrap()
        .is_some());
    assert_eq!(count(&root, "[data-pod^=web-]"), 0, "a fresh cluster");
    // The story's own setup is not the learner's work: another story opens without asking.
    choose(&root, "[data-testid=stories]", &story_index('a')).await;
    assert_eq!(count(&root, "[data-testid=story-confirm]"), 0);
    assert_eq!(count(&root, "[data-testid=story-card][data-story=a]"), 1);
    // One command of their own is.
    click(&root, "[data-testid=story-step]").await;
    choose(&root, "[data-testid=stories]", &story_index('b')).await;
    assert_eq!(count(&root, "[data-testid=story-confirm]"), 1);
    handle.destroy();
}

#[wasm_bindgen_test]
async fn every_story_opens_with_its_card_and_steps() {
    let (root, handle) = mount().await;
    for (i, story) in STORIES.iter().enumerate() {
        choose(&root, "[data-testid=stories]", &i.to_string()).await;
        if count(&root, "[data-testid=story-confirm-open]") == 1 {
            click(&root, "[data-testid=story-confirm-open]").await;
        }
        assert_eq!(
            find(&root, "[data-testid=story-card]")
                .get_attribute("data-story")
                .as_deref(),
            Some(story.letter.to_string().as_str())
        );
        assert!(count(&root, "[data-testid=story-section][data-kind=look]") >= 1);
        assert!(count(&root, "[data-testid=story-section][data-kind=fix]") >= 1);
        assert_eq!(
            count(&root, "[data-testid=story-step][data-ran=true]"),
            0,
            "ticks start afresh for ({})",
            story.letter
        );
        // Tick one step so the next story shows it does not inherit the ticks.
        click(&root, "[data-testid=story-step]").await;
    }
    handle.destroy();
}

fn import_action(file: &str) -> Action {
    Action::Import {
        file_name: "kubeplay-session.kubeplay".into(),
        text: Ok(file.to_string()),
    }
}

/// A session file whose cluster has a fifth node, `kind-worker9`.
fn extra_node_file() -> String {
    exported(&reduce(
        Rc::new(AppState::fresh()),
        vec![Action::Console("sim node add kind-worker9".into())],
    ))
}

fn has_node(state: &AppState, name: &str) -> bool {
    state.view.nodes.iter().any(|n| n.name == name)
}

#[wasm_bindgen_test]
fn an_import_over_the_learners_work_asks_and_cancel_keeps_everything() {
    let file = extra_node_file();
    let mine = reduce(
        Rc::new(AppState::fresh()),
        vec![Action::Console(
            "kubectl create deployment mine --image=nginx:1.27".into(),
        )],
    );
    assert!(mine.has_own_work());
    let asked = reduce(mine.clone(), vec![import_action(&file)]);
    let pending = asked
        .pending_import
        .as_ref()
        .expect("the import asks first");
    assert_eq!(pending.file_name, "kubeplay-session.kubeplay");
    assert!(asked.import_status.is_none(), "nothing imported yet");
    assert_eq!(get_all(&asked), get_all(&mine), "the cluster is still mine");
    assert!(!has_node(&asked, "kind-worker9"));

    let cancelled = reduce(asked.clone(), vec![Action::CancelImport]);
    assert!(cancelled.pending_import.is_none());
    assert!(cancelled.import_status.is_none());
    assert_eq!(get_all(&cancelled), get_all(&mine));
    assert_eq!(cancelled.journal.to_script(), mine.journal.to_script());
    assert_eq!(cancelled.view.time_ms, mine.view.time_ms);

    let confirmed = reduce(asked, vec![Action::ConfirmImport]);
    assert!(confirmed.pending_import.is_none());
    assert!(matches!(
        confirmed.import_status.as_deref(),
        Some(ImportStatus::Done { commands: 1, .. })
    ));
    assert!(has_node(&confirmed, "kind-worker9"));
    assert!(!get_all(&confirmed).contains("deployment.apps/mine"));
}

#[wasm_bindgen_test]
fn an_import_with_nothing_to_lose_does_not_ask_as_the_story_picker_does_not() {
    let file = extra_node_file();
    // A fresh tab: nothing of the learner's.
    let fresh = reduce(Rc::new(AppState::fresh()), vec![import_action(&file)]);
    assert!(fresh.pending_import.is_none());
    assert!(has_node(&fresh, "kind-worker9"), "imported at once");
    // Played time alone is not work either (the picker counts commands too).
    let played = reduce(
        Rc::new(AppState::fresh()),
        vec![Action::Advance(kubeplay::engine::time::SimDuration(2000))],
    );
    assert!(!played.has_own_work());
    assert!(has_node(
        &reduce(played, vec![import_action(&file)]),
        "kind-worker9"
    ));
    // A story with only its own setup run: reopening it is one click, so no question.
    let c = story_index('c').parse().unwrap();
    let story = reduce(Rc::new(AppState::fresh()), vec![Action::OpenStory(c)]);
    assert!(!story.journal.is_empty() && !story.has_own_work());
    let imported = reduce(story.clone(), vec![import_action(&file)]);
    assert!(imported.pending_import.is_none());
    assert!(has_node(&imported, "kind-worker9"));
    assert_eq!(
        imported.story, None,
        "the story's cluster is gone, so is its card"
    );
    // One command of the learner's own on top of the story is work: it asks.
    let worked = reduce(
        story,
        vec![
            Action::Console("kubectl get pods".into()),
            import_action(&file),
        ],
    );
    assert!(worked.pending_import.is_some());
    assert_eq!(worked.story, Some(c), "the card stays until the answer");
}

fn focused_testid() -> Option<String> {
    web_sys::window()
        .unwrap()
        .document()
        .unwrap()
        .active_element()
        .and_then(|e| e.get_attribute("data-testid"))
}

#[wasm_bindgen_test]
async fn the_story_question_hands_the_focus_back_to_the_picker_or_on_to_the_card() {
    let (root, handle) = mount().await;
    click(&root, "[data-testid=apply]").await;
    let e = story_index('e');
    // Cancel: the focus goes back to the picker, which shows no story again.
    choose(&root, "[data-testid=stories]", &e).await;
    assert_eq!(focused_testid().as_deref(), Some("story-confirm-open"));
    click(&root, "[data-testid=story-confirm-cancel]").await;
    assert_eq!(count(&root, "[data-testid=story-confirm]"), 0);
    assert_eq!(focused_testid().as_deref(), Some("stories"));
    let select: HtmlSelectElement = find(&root, "[data-testid=stories]").unchecked_into();
    assert_eq!(select.value(), "");
    // Escape is Cancel.
    choose(&root, "[data-testid=stories]", &e).await;
    press(&root, "[data-testid=story-confirm-open]", "Escape").await;
    assert_eq!(count(&root, "[data-testid=story-confirm]"), 0);
    assert_eq!(count(&root, "[data-testid=story-card]"), 0);
    assert_eq!(focused_testid().as_deref(), Some("stories"));
    // Open: the focus moves on to the new card's heading, which names the story.
    choose(&root, "[data-testid=stories]", &e).await;
    click(&root, "[data-testid=story-confirm-open]").await;
    assert_eq!(count(&root, "[data-testid=story-card][data-story=e]"), 1);
    assert_eq!(focused_testid().as_deref(), Some("story-title"));
    assert!(text(&root, "[data-testid=story-title]").contains("DaemonSet missing"));
    handle.destroy();
}
