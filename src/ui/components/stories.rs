//! The troubleshooting stories: a picker that opens one (asking first when the tab has work)
//! and the card of the open story — its symptom, the message to look for, and its look and fix
//! steps as buttons that run the command in the console.

use super::confirm::InlineConfirm;
use crate::ui::stories::{capitalised, split_story, SectionKind, Step, StoryEntry, STORIES};
use std::collections::BTreeSet;
use wasm_bindgen::JsCast;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// `(a) Claim stuck Pending: …`
fn story_label(story: &StoryEntry) -> String {
    format!("({}) {}", story.letter, story.title)
}

#[derive(Properties, PartialEq)]
pub struct StoryPickerProps {
    /// The open story, which the select shows.
    pub current: Option<usize>,
    /// Whether the tab holds the learner's own work (`AppState::has_own_work`), which opening
    /// a story would throw away.
    pub has_work: bool,
    pub on_open: Callback<usize>,
}

/// A select of the stories. With work in the tab, choosing one asks for a second confirmation
/// inline. The select shows the open story, so arrow keys move from it.
#[component]
pub fn StoryPicker(props: &StoryPickerProps) -> Html {
    let pending = use_state(|| None::<usize>);
    let select_ref = use_node_ref();
    // Set by a confirmed Open: the focus moves to the new card's heading once it is drawn
    // (the confirm box that had it is gone).
    let focus_card = use_mut_ref(|| false);
    {
        let select_ref = select_ref.clone();
        let focus_card = focus_card.clone();
        use_effect_with(props.current, move |current| {
            // Shows `current` (also after a cancelled choice).
            if let Some(select) = select_ref.cast::<HtmlSelectElement>() {
                select.set_value(&current.map(|i| i.to_string()).unwrap_or_default());
            }
            if current.is_some() && std::mem::take(&mut *focus_card.borrow_mut()) {
                focus_story_heading();
            }
        });
    }
    let pick = {
        let pending = pending.clone();
        let on_open = props.on_open.clone();
        let has_work = props.has_work;
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            if let Ok(i) = select.value().parse::<usize>() {
                if has_work {
                    pending.set(Some(i));
                } else {
                    on_open.emit(i);
                }
            }
        })
    };
    let confirm = {
        let pending = pending.clone();
        let on_open = props.on_open.clone();
        Callback::from(move |()| {
            if let Some(i) = *pending {
                *focus_card.borrow_mut() = true;
                pending.set(None);
                on_open.emit(i);
            }
        })
    };
    let cancel = {
        let pending = pending.clone();
        let select_ref = select_ref.clone();
        let current = props.current;
        Callback::from(move |()| {
            pending.set(None);
            if let Some(select) = select_ref.cast::<HtmlSelectElement>() {
                select.set_value(&current.map(|i| i.to_string()).unwrap_or_default());
            }
        })
    };
    let confirm_box = (*pending).and_then(|i| STORIES.get(i)).map(|story| {
        html! {
            <InlineConfirm testid="story-confirm" ok_testid="story-confirm-open"
                confirm_label="Open story" return_focus={select_ref.clone()}
                on_confirm={confirm.clone()} on_cancel={cancel.clone()}>
                {"Open "}<strong>{story_label(story)}</strong>
                {"? It starts a fresh cluster, so this tab's commands are lost unless you \
                  Export them first. Your manifest stays."}
            </InlineConfirm>
        }
    });
    html! {
        <div class="story-pick">
            <label class="picker">
                <span class="sr-only">{"Open a troubleshooting story"}</span>
                <select data-testid="stories" ref={select_ref} onchange={pick}
                    title="Troubleshooting stories from the guides: set up a broken cluster, then find and fix it">
                    <option value="">{"Stories…"}</option>
                    { for STORIES.iter().enumerate().map(|(i, s)| html! {
                        <option value={i.to_string()}>{story_label(s)}</option>
                    }) }
                </select>
            </label>
            // One node whether asked or not: a list that grows or shrinks at its end would
            // make Yew rebuild the elements before it (and drop their focus).
            {confirm_box.unwrap_or_default()}
        </div>
    }
}

/// Focuses the open story card's heading (it takes the focus, not the tab order).
fn focus_story_heading() {
    if let Some(heading) = gloo::utils::document().get_element_by_id(STORY_TITLE_ID) {
        if let Ok(heading) = heading.dyn_into::<web_sys::HtmlElement>() {
            let _ = heading.focus();
        }
    }
}

/// The id of the card's heading.
const STORY_TITLE_ID: &str = "story-title";

#[derive(Properties, PartialEq)]
pub struct StoryCardProps {
    pub story: usize,
    /// Runs a command in the console (as if typed).
    pub on_command: Callback<String>,
    pub on_close: Callback<()>,
}

/// The open story. Steps already run are ticked; the ticks are forgotten when another story
/// opens (the card is keyed by story in `App`).
#[component]
pub fn StoryCard(props: &StoryCardProps) -> Html {
    let done = use_state(BTreeSet::<(usize, usize)>::new);
    // Split once per story, not on every render (play re-renders 60 times a second).
    let split = use_memo(props.story, |&i| {
        STORIES.get(i).map(|e| split_story(e.script))
    });
    let Some(entry) = STORIES.get(props.story) else {
        return html! {};
    };
    let script = match split.as_ref() {
        Some(Ok(s)) => s,
        Some(Err(e)) => return html! { <p class="story-card bad">{e.clone()}</p> },
        None => return html! {},
    };
    let run = |section: usize, steps: Vec<(usize, String)>| {
        let done = done.clone();
        let on_command = props.on_command.clone();
        Callback::from(move |_: MouseEvent| {
            let mut ticked = (*done).clone();
            for (i, text) in &steps {
                on_command.emit(text.trim_end().to_string());
                ticked.insert((section, *i));
            }
            done.set(ticked);
        })
    };
    let close = {
        let on_close = props.on_close.clone();
        Callback::from(move |_: MouseEvent| on_close.emit(()))
    };
    let step_view = |section: usize, i: usize, step: &Step| {
        let ran = done.contains(&(section, i));
        let command = step.command().to_string();
        html! {
            <li class={classes!("story-step", ran.then_some("ran"))}>
                if !step.note.is_empty() {
                    <p class="story-note">
                        // A quoted note is the seed guide's own advice.
                        if step.note.starts_with('"') {
                            <span class="story-note-source">{"The guide: "}</span>
                        }
                        {step.note.clone()}
                    </p>
                }
                <button type="button" class="story-cmd" data-testid="story-step"
                    data-section={section.to_string()} data-ran={ran.to_string()}
                    aria-label={format!("Run {command}")}
                    onclick={run(section, vec![(i, step.script.clone())])}>
                    <span class="story-cmd-mark" aria-hidden="true">{if ran { "✓" } else { "▶" }}</span>
                    <code>{command}</code>
                </button>
                if let Some(body) = step.body() {
                    <details class="story-body">
                        <summary>{"Manifest"}</summary>
                        <pre>{body.to_string()}</pre>
                    </details>
                }
            </li>
        }
    };
    let sections = script.sections.iter().enumerate().map(|(si, section)| {
        let all: Vec<(usize, String)> = section
            .steps
            .iter()
            .enumerate()
            .map(|(i, s)| (i, s.script.clone()))
            .collect();
        let kind = match section.kind {
            SectionKind::Look => "look",
            SectionKind::Fix => "fix",
            SectionKind::Next => "next",
        };
        let about = section.about.strip_prefix("The fix: ").unwrap_or(&section.about);
        let heading_id = format!("story-section-{si}");
        html! {
            <section class={classes!("story-section", kind)} data-testid="story-section"
                data-kind={kind} aria-labelledby={heading_id.clone()}>
                <div class="story-section-head">
                    <h4 id={heading_id}>{section.kind.heading()}</h4>
                    if section.steps.len() > 1 {
                        <button type="button" class="btn btn-quiet btn-small" data-testid="story-run-all"
                            onclick={run(si, all)}>
                            {format!("Run all {}", section.steps.len())}
                        </button>
                    }
                </div>
                if !about.is_empty() {
                    <p class="story-about">{capitalised(about)}</p>
                }
                <ol class="story-steps">
                    { for section.steps.iter().enumerate().map(|(i, s)| step_view(si, i, s)) }
                </ol>
            </section>
        }
    });
    html! {
        <section class="panel story-card" aria-labelledby={STORY_TITLE_ID} data-testid="story-card"
            data-story={entry.letter.to_string()}>
            <div class="panel-head">
                <span class="story-letter" aria-hidden="true">{entry.letter}</span>
                <h2 id={STORY_TITLE_ID} tabindex="-1" data-testid="story-title">{entry.title}</h2>
                <button type="button" class="btn btn-quiet" data-testid="story-close"
                    aria-label="Close the story card" onclick={close}>{"×"}</button>
            </div>
            <div class="story-body-scroll">
                <p class="story-symptom"><strong>{"Symptom: "}</strong>{entry.symptom}</p>
                <p class="story-look-for">
                    <span>{"Look for"}</span>
                    <code data-testid="story-look-for">{entry.look_for}</code>
                </p>
                <details class="story-intro">
                    <summary>{"Background and setup"}</summary>
                    <p>{script.intro.clone()}</p>
                    <p class="story-setup-title">{"Already run for you:"}</p>
                    <pre class="story-setup">
                        { for script.setup.iter().map(|s| s.command().to_string() + "\n") }
                    </pre>
                </details>
                <div class="story-sections">{ for sections }</div>
                <p class="story-hint">{"Each button runs its command in the console; you can type them too."}</p>
            </div>
        </section>
    }
}
