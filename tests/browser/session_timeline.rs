//! Where the session meets the timeline: a branch cut that discards an open story's setup,
//! and a typed `sim advance` that keeps its timeline mark through a reload and an import.

use super::{click, count, find, frames, mount, reduce, type_into};
use kubeplay::engine::time::SimDuration;
use kubeplay::ui::session_script::export_text;
use kubeplay::ui::state::{Action, AppState};
use kubeplay::ui::stories::STORIES;
use std::rc::Rc;
use wasm_bindgen_test::*;
use yew::Reducible;

fn story(letter: char) -> usize {
    STORIES.iter().position(|s| s.letter == letter).unwrap()
}

/// Story (c) open, then 10 s played after its setup.
fn story_then_played(t: &mut f64) -> Rc<AppState> {
    let state = reduce(
        Rc::new(AppState::fresh()),
        vec![
            Action::OpenStory(story('c')),
            Action::Advance(SimDuration::from_secs(10)),
        ],
    );
    let (state, _) = frames(state, t, 10_000);
    assert_eq!(state.story, Some(story('c')));
    state
}

#[wasm_bindgen_test]
fn a_cut_before_the_storys_setup_closes_its_card_and_undo_reopens_it() {
    let mut t = 0.0;
    let state = story_then_played(&mut t);
    let start = state.journal.start().tl;
    // The first moment: none of the setup has run there.
    let (past, _) = frames(state.reduce(Action::Scrub(start)), &mut t, 10_000);
    assert_eq!(past.story, Some(story('c')), "looking back keeps the card");
    let cut = past.reduce(Action::Console("sim node add extra".into()));
    assert!(cut.time.past.is_none(), "the command branched");
    assert_eq!(cut.story, None, "the story's setup is gone, so is its card");
    let info = cut.timeline_info();
    assert_eq!(info.branch_closed_story, Some(story('c')));
    assert!(
        !cut.journal.to_script().contains("mysql"),
        "setup discarded"
    );

    let undone = cut.reduce(Action::UndoBranch);
    assert_eq!(
        undone.story,
        Some(story('c')),
        "Undo brings the setup back, and its card"
    );
    assert!(undone.journal.to_script().contains("sim advance 1m"));
}

#[wasm_bindgen_test]
fn a_cut_after_the_storys_setup_keeps_its_card() {
    let mut t = 0.0;
    let state = story_then_played(&mut t);
    let end = state.journal.end().tl;
    // Inside the 10 s played after the setup.
    let (past, _) = frames(state.reduce(Action::Scrub(end - 5_000)), &mut t, 10_000);
    let cut = past.reduce(Action::Console("sim node add extra".into()));
    assert!(cut.time.past.is_none(), "the command branched");
    assert!(cut.timeline_info().branched.is_some());
    assert_eq!(cut.story, Some(story('c')));
    assert_eq!(cut.timeline_info().branch_closed_story, None);
}

#[wasm_bindgen_test]
async fn a_cut_before_the_setup_closes_the_card_on_screen_and_says_why() {
    let (root, handle) = mount().await;
    super::session::choose(&root, "[data-testid=stories]", &story('c').to_string()).await;
    assert_eq!(count(&root, "[data-testid=story-card]"), 1);
    // Home on the timeline: the first moment, before the setup.
    super::press(&root, "[data-testid=timeline-slider]", "Home").await;
    // The replay to that moment runs in animation frames; the command waits for nothing (a
    // branch finishes the replay first).
    type_into(&root, "[data-testid=console-input]", "sim node add extra").await;
    click(&root, "[data-testid=run]").await;
    assert_eq!(count(&root, "[data-testid=story-card]"), 0);
    let notice = find(&root, "[data-testid=branch-closed-story]")
        .text_content()
        .unwrap_or_default();
    assert!(notice.contains("story (c)"), "{notice}");
    click(&root, "[data-testid=undo-branch]").await;
    assert_eq!(count(&root, "[data-testid=story-card][data-story=c]"), 1);
    handle.destroy();
}

/// A tab where time was played, `sim advance 500ms` typed, and time played again.
fn typed_advance_tab() -> Rc<AppState> {
    let mut t = 0.0;
    let state = reduce(
        Rc::new(AppState::fresh()),
        vec![
            Action::Apply,
            Action::Advance(SimDuration(400)),
            Action::Console("sim advance 500ms".into()),
        ],
    );
    // The typed advance runs to its end before the next action (which would stop it).
    let state = super::finish_console(state);
    let state = reduce(state, vec![Action::Advance(SimDuration(700))]);
    frames(state, &mut t, 10_000).0
}

#[wasm_bindgen_test]
fn a_typed_sim_advance_keeps_its_mark_through_a_reload_and_an_import() {
    let tab = typed_advance_tab();
    let marks: Vec<String> = tab
        .journal
        .marks()
        .iter()
        .map(|m| m.command.clone())
        .collect();
    assert_eq!(marks, ["kubectl apply -f -", "sim advance 500ms"]);
    let script = tab.journal.to_script();
    // A reload replays the saved script.
    let reloaded = AppState::restore(tab.seed, &script, None);
    assert_eq!(reloaded.journal.marks(), tab.journal.marks());
    assert_eq!(reloaded.journal.entries(), tab.journal.entries());
    assert_eq!(
        reloaded.journal.to_script(),
        script,
        "saved again, the same text"
    );
    assert_eq!(reloaded.view.time_ms, tab.view.time_ms);
    // An import of the exported file does too.
    let imported = reduce(
        Rc::new(AppState::fresh()),
        vec![Action::Import {
            file_name: "s.kubeplay".into(),
            text: Ok(export_text(tab.seed, &script)),
        }],
    );
    assert_eq!(imported.journal.marks(), tab.journal.marks());
    // And `kubeplay run` reads it as a script: the marker is a comment.
    let mut run = kubeplay::Session::new(tab.seed);
    let t = run.run_script(&export_text(tab.seed, &script), false);
    assert!(t.failures.is_empty(), "{:?}", t.failures);
    assert_eq!(run.sim.now().0, tab.view.time_ms);
}

#[wasm_bindgen_test]
async fn a_typed_sim_advance_mark_is_still_on_the_timeline_after_a_reload() {
    let (root, handle) = mount().await;
    super::run_command(&root, "sim advance 500ms").await;
    click(&root, "[data-testid=step]").await;
    let tips = |root: &web_sys::Element| -> Vec<String> {
        let marks = root.query_selector_all(".timeline-mark").unwrap();
        (0..marks.length())
            .filter_map(|i| marks.item(i))
            .filter_map(|n| {
                wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(n)
                    .ok()?
                    .get_attribute("data-tip")
            })
            .collect()
    };
    let before = tips(&root);
    assert_eq!(before.len(), 1, "{before:?}");
    assert!(before[0].ends_with("sim advance 500ms"), "{before:?}");
    handle.destroy();
    // A second App on the same storage is what a reload sees.
    let document = web_sys::window().unwrap().document().unwrap();
    let root2 = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root2).unwrap();
    let handle2 = yew::Renderer::<kubeplay::ui::App>::with_root(root2.clone()).render();
    yew::scheduler::flush().await;
    assert_eq!(tips(&root2), before);
    handle2.destroy();
    drop(root);
}
