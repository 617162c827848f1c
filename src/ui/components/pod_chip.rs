//! A pod chip: name, STATUS, readiness mark, owner colour; a terminating pod fades and counts
//! its grace period down; a pod that came back on another node says where from. Motion is CSS
//! on transform and opacity only, and none under `prefers-reduced-motion: reduce`.

use super::cluster::{inspect_handlers, SYSTEM_NAMESPACE};
use super::format::pod_tone;
use crate::present::{InspectKind, InspectTarget, PodChip};
use yew::prelude::*;

/// Owner colours in cluster.css (`--owner-0` ... `--owner-5`).
const OWNER_HUES: u32 = 6;

/// A stable colour slot for an owner (FNV-1a of `kind/name`), so a DaemonSet's pods carry the
/// same stripe in every lane and a StatefulSet's ordinals read as one family.
pub fn owner_hue(kind: &str, name: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in kind.bytes().chain([b'/']).chain(name.bytes()) {
        h ^= b as u32;
        h = h.wrapping_mul(0x0100_0193);
    }
    h % OWNER_HUES
}

#[derive(Properties, PartialEq)]
pub struct ChipProps {
    pub chip: PodChip,
    #[prop_or_default]
    pub show_reason: bool,
    /// The node this pod ran on before it came back here, while that is news.
    #[prop_or_default]
    pub moved_from: Option<String>,
    /// The clock, only for a terminating pod (so other chips do not re-render every tick).
    #[prop_or_default]
    pub now_ms: Option<u64>,
    /// A claim chip follows this chip (they are drawn joined).
    #[prop_or_default]
    pub with_claim: bool,
    /// Drawn inside a lane slot (a `div`), not as a list item of its own.
    #[prop_or_default]
    pub in_slot: bool,
    pub on_inspect: Callback<InspectTarget>,
}

#[component]
pub fn Chip(props: &ChipProps) -> Html {
    let chip = &props.chip;
    let tone = pod_tone(chip);
    let owner = match (&chip.owner_kind, &chip.owner_name) {
        (Some(k), Some(n)) => format!(" · {k} {n}"),
        _ => String::new(),
    };
    let ready_text = if chip.ready { "Ready" } else { "not Ready" };
    // Seconds of grace period left, rounded up as a countdown reads.
    let grace = match (chip.grace_left_ms(props.now_ms.unwrap_or(0)), chip.grace_ms) {
        (Some(left), Some(total)) if props.now_ms.is_some() => Some((left, total)),
        _ => None,
    };
    let mut title = format!(
        "{}/{} — {}, {}{}",
        chip.namespace, chip.name, chip.status, ready_text, owner
    );
    if let Some((left, total)) = grace {
        title.push_str(&format!(
            " · grace period {}s of {}s left",
            left.div_ceil(1000),
            total / 1000
        ));
    }
    if let Some(from) = &props.moved_from {
        title.push_str(&format!(" · moved from {from}"));
    }
    let class = classes!(
        "pod",
        format!("tone-{tone}"),
        (chip.namespace == SYSTEM_NAMESPACE).then_some("system"),
        props.moved_from.is_some().then_some("moved"),
        props.with_claim.then_some("with-claim"),
        chip.owner_kind.is_some().then_some("owned"),
    );
    let mut style = String::new();
    if let (Some(k), Some(n)) = (&chip.owner_kind, &chip.owner_name) {
        style.push_str(&format!("--owner: var(--owner-{});", owner_hue(k, n)));
    }
    if let Some((left, total)) = grace {
        let share = if total == 0 {
            0.0
        } else {
            left as f64 / total as f64
        };
        style.push_str(&format!("--grace: {share:.3};"));
    }
    let (onclick, onkeydown) = inspect_handlers(
        &props.on_inspect,
        InspectTarget {
            kind: InspectKind::Pod,
            namespace: chip.namespace.clone(),
            name: chip.name.clone(),
        },
    );
    let tag = if props.in_slot { "div" } else { "li" };
    html! {
        <@{tag} class={class} {style} title={title} tabindex="0" role="button" {onclick} {onkeydown}
            data-pod={chip.name.clone()} data-namespace={chip.namespace.clone()} data-uid={chip.uid.clone()}
            data-phase={chip.phase.to_string()} data-status={chip.status.clone()} data-ready={chip.ready.to_string()}
            data-moved-from={props.moved_from.clone()}>
            <span class={classes!("ready-mark", chip.ready.then_some("is-ready"))} aria-hidden="true" />
            <span class="pod-name">{&chip.name}</span>
            <span class="pod-status">{&chip.status}</span>
            if let Some((left, _)) = grace {
                <span class="grace" data-testid="grace-left">{format!("{}s", left.div_ceil(1000))}</span>
                <span class="grace-bar" aria-hidden="true" />
            }
            <span class="sr-only">{format!(", {ready_text}")}</span>
            if let Some(from) = &props.moved_from {
                <span class="moved-from" data-testid="moved-from">{format!("↪ from {from}")}</span>
            }
            if props.show_reason {
                if let Some(reason) = &chip.reason {
                    <span class="pod-reason" data-testid="pending-reason">{reason}</span>
                }
            }
        </@>
    }
}
