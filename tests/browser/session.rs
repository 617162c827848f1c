//! Saving and sharing the tab's work (Export / Import of the session file) and the
//! troubleshooting stories (picker, card, look and fix steps).

use super::{click, count, find, mount, text};
use kubeplay::ui::session_script::{export_text, ImportStatus};
use kubeplay::ui::state::{Action, AppState};
use kubeplay::ui::stories::STORIES;
use kubeplay::Session;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, Event, EventInit, HtmlSelectElement, HtmlTextAreaElement};
use yew::Reducible;

fn reduce(state: Rc<AppState>, actions: Vec<Action>) -> Rc<AppState> {
    actions.into_iter().fold(state, |s, a| s.reduce(a))
}

/// `kubectl get all -A` on a copy of the state's cluster (the state itself stays untouched).
fn get_all(state: &AppState) -> String {
    let mut copy: Session = state.with_session(|s| s.clone());
    copy.execute_text("kubectl get all -A").text
}

/// A tab with some work: the example applied, time played in ticks, a console command, a
/// "Next event" press, and a command that failed.
fn worked_tab() -> Rc<AppState> {
    reduce(
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
    )
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

    let imported = reduce(stopped, vec![Action::ImportAnyway]);
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
async fn choose(root: &Element, selector: &str, value: &str) {
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
