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

/// A terminating pod's grace period: ms left and the whole period.
#[derive(Clone, Copy, PartialEq)]
pub struct Grace {
    left_ms: u64,
    total_ms: u64,
}

impl Grace {
    /// Only while the clock is passed in (a terminating pod's lane passes it).
    pub fn of(chip: &PodChip, now_ms: Option<u64>) -> Option<Grace> {
        match (chip.grace_left_ms(now_ms?), chip.grace_ms) {
            (Some(left_ms), Some(total_ms)) => Some(Grace { left_ms, total_ms }),
            _ => None,
        }
    }

    /// The share of the grace period left (1 -> 0) as the CSS custom property `--grace`.
    pub fn style(self) -> String {
        let share = if self.total_ms == 0 {
            0.0
        } else {
            self.left_ms as f64 / self.total_ms as f64
        };
        format!("--grace: {share:.3};")
    }

    /// Seconds left, rounded up as a countdown reads.
    fn seconds_left(self) -> u64 {
        self.left_ms.div_ceil(1000)
    }
}

/// The chip's (or tile's) tooltip: namespace/name, STATUS, readiness, owner, grace, move.
pub fn pod_title(chip: &PodChip, grace: Option<Grace>, moved_from: Option<&str>) -> String {
    let owner = match (&chip.owner_kind, &chip.owner_name) {
        (Some(k), Some(n)) => format!(" · {k} {n}"),
        _ => String::new(),
    };
    let ready_text = if chip.ready { "Ready" } else { "not Ready" };
    let mut title = format!(
        "{}/{} — {}, {}{}",
        chip.namespace, chip.name, chip.status, ready_text, owner
    );
    if let Some(g) = grace {
        title.push_str(&format!(
            " · grace period {}s of {}s left",
            g.seconds_left(),
            g.total_ms / 1000
        ));
    }
    if let Some(from) = moved_from {
        title.push_str(&format!(" · moved from {from}"));
    }
    title
}

/// The owner's colour slot as a class (`owner-3`: cluster.css sets `--owner` from it), so a
/// chip needs no style attribute of its own.
pub fn owner_class(chip: &PodChip) -> Option<&'static str> {
    const CLASSES: [&str; OWNER_HUES as usize] = [
        "owner-0", "owner-1", "owner-2", "owner-3", "owner-4", "owner-5",
    ];
    match (&chip.owner_kind, &chip.owner_name) {
        (Some(k), Some(n)) => Some(CLASSES[owner_hue(k, n) as usize]),
        _ => None,
    }
}

#[component]
pub fn Chip(props: &ChipProps) -> Html {
    let chip = &props.chip;
    let tone = pod_tone(chip);
    let ready_text = if chip.ready { "Ready" } else { "not Ready" };
    let grace = Grace::of(chip, props.now_ms);
    let title = pod_title(chip, grace, props.moved_from.as_deref());
    let class = classes!(
        "pod",
        format!("tone-{tone}"),
        (chip.namespace == SYSTEM_NAMESPACE).then_some("system"),
        props.moved_from.is_some().then_some("moved"),
        props.with_claim.then_some("with-claim"),
        chip.owner_kind.is_some().then_some("owned"),
        owner_class(chip),
    );
    let style = grace.map(|g| g.style());
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
            if let Some(g) = grace {
                <span class="grace" data-testid="grace-left">{format!("{}s", g.seconds_left())}</span>
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
