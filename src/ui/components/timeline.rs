//! The timeline: simulated time from the first moment to the latest one reached, with a mark
//! where each command ran. Dragging (or the keys) shows an earlier moment; the end is live.

use super::format::clock;
use crate::ui::journal::Mark;
use crate::ui::state::time::TimelineInfo;
use crate::ui::stories::STORIES;
use web_sys::{HtmlInputElement, KeyboardEvent};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    pub info: TimelineInfo,
    pub playing: bool,
    /// Show a timeline position (ms).
    pub on_scrub: Callback<u64>,
    /// Move the shown position by this many ms (relative, so fast key repeats add up).
    pub on_scrub_by: Callback<i64>,
    pub on_live: Callback<()>,
    pub on_undo: Callback<()>,
    pub on_dismiss: Callback<()>,
}

/// Arrow keys move this much simulated time; with Shift ten times as much.
const KEY_STEP_MS: u64 = 1000;

/// The moment just after a command ran (a command at T is not yet run at T itself).
fn after(mark: &Mark) -> u64 {
    mark.at.tl + 1
}

/// What a key does to the slider.
enum KeyMove {
    By(i64),
    To(u64),
}

/// Where a key takes the slider, or `None` for keys the slider leaves alone.
fn key_move(key: &str, shift: bool, info: &TimelineInfo) -> Option<KeyMove> {
    let step = if shift { KEY_STEP_MS * 10 } else { KEY_STEP_MS } as i64;
    let pos = info.position;
    let target = match key {
        "ArrowLeft" | "ArrowDown" => return Some(KeyMove::By(-step)),
        "ArrowRight" | "ArrowUp" => return Some(KeyMove::By(step)),
        "Home" => info.start,
        "End" => info.end,
        // The commands are the landmarks: jump from one to the next.
        "PageUp" => info
            .marks
            .iter()
            .rev()
            .map(after)
            .find(|&t| t < pos)
            .unwrap_or(info.start),
        "PageDown" => info
            .marks
            .iter()
            .map(after)
            .find(|&t| t > pos)
            .unwrap_or(info.end),
        _ => return None,
    };
    Some(KeyMove::To(target.clamp(info.start, info.end)))
}

/// The last command run before `position`, for the caption.
fn last_command(info: &TimelineInfo) -> Option<&Mark> {
    info.marks.iter().rev().find(|m| m.at.tl < info.position)
}

#[component]
pub fn Timeline(props: &TimelineProps) -> Html {
    let info = &props.info;
    let span = info.end.saturating_sub(info.start).max(1) as f64;
    let percent = |tl: u64| (tl.saturating_sub(info.start) as f64 / span * 100.0).min(100.0);

    let on_input = {
        let on_scrub = props.on_scrub.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Ok(v) = input.value().parse::<f64>() {
                on_scrub.emit(v.max(0.0).round() as u64);
            }
        })
    };
    let on_key = {
        let on_scrub = props.on_scrub.clone();
        let on_scrub_by = props.on_scrub_by.clone();
        let info = info.clone();
        Callback::from(
            move |e: KeyboardEvent| match key_move(&e.key(), e.shift_key(), &info) {
                Some(KeyMove::By(ms)) => {
                    e.prevent_default();
                    on_scrub_by.emit(ms);
                }
                Some(KeyMove::To(t)) => {
                    e.prevent_default();
                    on_scrub.emit(t);
                }
                None => {}
            },
        )
    };
    // Buttons that remove themselves (Back to live, Undo, ×) hand the keyboard focus to the
    // slider first, so it does not fall back to the page.
    let slider = use_node_ref();
    let on_live = {
        let on_live = props.on_live.clone();
        let slider = slider.clone();
        Callback::from(move |_: MouseEvent| {
            focus(&slider);
            on_live.emit(());
        })
    };
    let jump = |tl: u64| {
        let on_scrub = props.on_scrub.clone();
        Callback::from(move |_: MouseEvent| on_scrub.emit(tl))
    };

    let clock_text = clock(info.clock_ms);
    let value_text = if info.live {
        format!("t = {clock_text}, live")
    } else {
        format!("t = {clock_text}")
    };
    let status = if info.live {
        html! { <span class="timeline-live"><span class="live-dot" aria-hidden="true"></span>{"Live"}</span> }
    } else if info.catching_up {
        html! { <span>{if props.playing { "Replaying…" } else { "Rewinding…" }}</span> }
    } else if props.playing {
        html! { <span>{"Replaying"}</span> }
    } else {
        html! { <span>{"Earlier moment"}</span> }
    };
    let caption = (!info.live).then(|| match last_command(info) {
        Some(m) => format!(
            "t = {clock_text} · last command before it: {} (at {})",
            m.command,
            clock(m.at.clock)
        ),
        None => format!("t = {clock_text} · before the first command"),
    });

    html! {
        <section class={classes!("timeline", (!info.live).then_some("is-past"))}
            data-testid="timeline" data-live={info.live.to_string()} aria-label="Timeline">
            <div class="timeline-row">
                <span class="timeline-status" data-testid="timeline-status" aria-live="polite">
                    {status}
                </span>
                <div class="timeline-track">
                    // Pointer-only shortcuts: the keyboard reaches the same moments with Page
                    // Up / Page Down on the slider, and the caption names the command.
                    <div class="timeline-marks" aria-hidden="true">
                        { for info.marks.iter().map(|m| html! {
                            <span class="timeline-mark"
                                style={format!("left: {:.3}%", percent(m.at.tl))}
                                data-tip={format!("{} · {}", clock(m.at.clock), m.command)}
                                onclick={jump(after(m))}>
                            </span>
                        }) }
                    </div>
                    <input type="range" class="timeline-slider" data-testid="timeline-slider" ref={slider.clone()}
                        min={info.start.to_string()} max={info.end.max(info.start + 1).to_string()}
                        step="any" value={info.position.to_string()}
                        aria-label="Timeline of simulated time"
                        aria-valuetext={value_text}
                        aria-keyshortcuts="ArrowLeft ArrowRight PageUp PageDown Home End"
                        title="Drag to an earlier moment. Arrows: ±1s (Shift: ±10s), Page Up/Down: previous/next command, End: live"
                        style={format!("--fill: {:.3}%", percent(info.position))}
                        oninput={on_input} onkeydown={on_key} />
                </div>
                if !info.live {
                    <button type="button" class="btn btn-primary timeline-back" data-testid="back-to-live"
                        onclick={on_live}>{"Back to live"}</button>
                }
            </div>
            if let Some(caption) = caption {
                <p class="timeline-caption" data-testid="timeline-caption">{caption}</p>
            }
            if let Some((discarded, at_clock)) = info.branched {
                { branch_notice(discarded, at_clock, info.branch_closed_story, &props.on_undo, &props.on_dismiss, &slider) }
            }
        </section>
    }
}

/// Said after a command changed an earlier moment: what was thrown away, with Undo.
fn branch_notice(
    discarded: usize,
    at_clock: u64,
    closed_story: Option<usize>,
    on_undo: &Callback<()>,
    on_dismiss: &Callback<()>,
    slider: &NodeRef,
) -> Html {
    let what = match discarded {
        0 => "the recorded time after it was discarded".to_string(),
        1 => "the 1 later command was discarded".to_string(),
        n => format!("the {n} later commands were discarded"),
    };
    // The story card went with its setup; saying so keeps its disappearance from looking
    // like a glitch.
    let story = closed_story.and_then(|i| STORIES.get(i)).map(|story| {
        format!(
            " The setup of story ({}) was among them, so its card closed; Undo brings it back.",
            story.letter
        )
    });
    let undo = {
        let on_undo = on_undo.clone();
        let slider = slider.clone();
        Callback::from(move |_: MouseEvent| {
            focus(&slider);
            on_undo.emit(());
        })
    };
    let dismiss = {
        let on_dismiss = on_dismiss.clone();
        let slider = slider.clone();
        Callback::from(move |_: MouseEvent| {
            focus(&slider);
            on_dismiss.emit(());
        })
    };
    html! {
        <div class="timeline-branch" role="status" data-testid="branch-notice">
            <p>
                {format!("You changed the cluster at t = {}, so the timeline continues from there: {what}.",
                    clock(at_clock))}
                if let Some(story) = story {
                    <span data-testid="branch-closed-story">{story}</span>
                }
            </p>
            <button type="button" class="btn" data-testid="undo-branch" onclick={undo}
                title="Bring back the discarded future (what you did since goes)">{"Undo"}</button>
            <button type="button" class="btn btn-quiet" aria-label="Dismiss this message"
                onclick={dismiss}>{"×"}</button>
        </div>
    }
}

fn focus(node: &NodeRef) {
    if let Some(el) = node.cast::<web_sys::HtmlElement>() {
        let _ = el.focus();
    }
}
