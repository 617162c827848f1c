//! Play/pause, step, speed, the simulated clock and reset.

use super::format::clock;
use crate::ui::state::SPEEDS;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ControlsProps {
    pub time_ms: u64,
    pub playing: bool,
    pub speed: u32,
    /// An earlier moment is shown (the timeline is scrubbed back).
    #[prop_or_default]
    pub past: bool,
    pub on_play: Callback<bool>,
    pub on_step: Callback<()>,
    pub on_step_event: Callback<()>,
    pub on_speed: Callback<u32>,
    pub on_reset: Callback<()>,
}

/// `25` -> `0.25×`, `200` -> `2×`.
fn speed_label(percent: u32) -> String {
    let whole = percent / 100;
    match percent % 100 {
        0 => format!("{whole}×"),
        frac if frac % 10 == 0 => format!("{whole}.{}×", frac / 10),
        frac => format!("{whole}.{frac:02}×"),
    }
}

#[component]
pub fn Controls(props: &ControlsProps) -> Html {
    let playing = props.playing;
    let toggle = {
        let on_play = props.on_play.clone();
        Callback::from(move |_: MouseEvent| on_play.emit(!playing))
    };
    let step = {
        let on_step = props.on_step.clone();
        Callback::from(move |_: MouseEvent| on_step.emit(()))
    };
    let step_event = {
        let on_step_event = props.on_step_event.clone();
        Callback::from(move |_: MouseEvent| on_step_event.emit(()))
    };
    // Reset throws work away, so it asks for a second click (no dialog: nothing may block the
    // page); moving focus away disarms it.
    let armed = use_state(|| false);
    let reset = {
        let on_reset = props.on_reset.clone();
        let armed = armed.clone();
        Callback::from(move |_: MouseEvent| {
            if *armed {
                armed.set(false);
                on_reset.emit(());
            } else {
                armed.set(true);
            }
        })
    };
    let disarm = {
        let armed = armed.clone();
        Callback::from(move |_: FocusEvent| armed.set(false))
    };
    let speed = {
        let on_speed = props.on_speed.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            if let Ok(v) = select.value().parse() {
                on_speed.emit(v);
            }
        })
    };
    let (play_icon, play_label) = if playing {
        ("❚❚", "Pause")
    } else {
        ("▶", "Play")
    };
    // Three siblings, not one box: the top bar places the clock and Reset beside the brand on
    // a phone and after the buttons on a wide screen (layout.css).
    html! {
        <>
        <div class="controls" role="group" aria-label="Simulated time">
            <button type="button" class="btn btn-primary play" data-testid="play"
                aria-pressed={playing.to_string()} title={format!("{play_label} simulated time")}
                onclick={toggle}>
                <span aria-hidden="true" class="icon">{play_icon}</span>
                <span>{play_label}</span>
            </button>
            <button type="button" class="btn" data-testid="step" disabled={playing}
                title="Advance simulated time by one second" onclick={step}>
                <span class="step-word">{"Step "}</span><span>{"+1s"}</span>
            </button>
            <button type="button" class="btn" data-testid="step-event" disabled={playing || props.past}
                aria-label="Step to the next event"
                title={if props.past {
                    "Go back to live to step to the next event (Play replays what was recorded)"
                } else {
                    "Run until something in the cluster changes (the next event)"
                }} onclick={step_event}>
                <span>{"Next"}</span><span class="step-word">{" event"}</span>
            </button>
            <label class="speed">
                <span class="speed-label">{"Speed"}</span>
                <select data-testid="speed" onchange={speed} aria-label="Speed of simulated time">
                    { for SPEEDS.iter().map(|s| html! {
                        <option value={s.to_string()} selected={*s == props.speed}>{speed_label(*s)}</option>
                    }) }
                </select>
            </label>
        </div>
            <output class="clock" data-testid="sim-time" aria-label="Simulated time" aria-live="off">
                <span class="clock-label" aria-hidden="true">{"t ="}</span>
                {clock(props.time_ms)}
            </output>
            <button type="button" class={classes!("btn", "reset", if *armed { "btn-danger" } else { "btn-quiet" })}
                data-testid="reset" data-armed={armed.to_string()}
                title="Throw the cluster away and start again with the default one"
                onclick={reset} onblur={disarm}>
                {if *armed { "Click again to reset" } else { "Reset" }}
            </button>
        </>
    }
}
