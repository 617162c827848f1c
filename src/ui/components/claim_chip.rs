//! A PersistentVolumeClaim chip. Beside its pod it reads as the pod's disk; left alone in a node
//! lane it says "no pod" — the data waits on that node for the pod to come back; in the claims
//! lane it says why it is not bound.

use super::cluster::inspect_handlers;
use crate::present::{ClaimChip, InspectKind, InspectTarget};
use yew::prelude::*;

/// Where the chip is drawn, which decides what it needs to say.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClaimPlace {
    /// Right after the pod that mounts it.
    BesidePod,
    /// In a node lane without its pod.
    Alone,
    /// In the claims lane (Pending, Lost, or not on any node).
    ClaimsLane,
}

#[derive(Properties, PartialEq)]
pub struct ClaimProps {
    pub claim: ClaimChip,
    pub place: ClaimPlace,
    pub on_inspect: Callback<InspectTarget>,
}

/// kubectl's STATUS for a claim (a claim being deleted shows Terminating, whatever its
/// phase) and its colour family.
pub fn claim_status(c: &ClaimChip) -> (&str, &'static str) {
    let status = if c.terminating {
        "Terminating"
    } else {
        c.phase.as_str()
    };
    let tone = match status {
        "Bound" => "ok",
        "Terminating" => "terminating",
        "Lost" => "bad",
        _ => "pending",
    };
    (status, tone)
}

/// Who mounts the claim, in words.
fn users_text(c: &ClaimChip) -> String {
    if c.used_by.is_empty() {
        "no pod".to_string()
    } else {
        format!("used by {}", c.used_by.join(", "))
    }
}

/// The chip's (or tile's) tooltip: status, size, class, volume and where it lives, users.
pub fn claim_title(c: &ClaimChip, place: ClaimPlace) -> String {
    let (status, _) = claim_status(c);
    let mut title = format!(
        "PersistentVolumeClaim {}/{} — {status}",
        c.namespace, c.name
    );
    if let Some(size) = &c.size {
        title.push_str(&format!(", {size}"));
    }
    if let Some(class) = &c.storage_class {
        title.push_str(&format!(", StorageClass {class}"));
    }
    if let Some(volume) = &c.volume {
        title.push_str(&format!(", volume {volume}"));
    }
    if let Some(node) = &c.volume_node {
        title.push_str(&format!(" on {node}"));
    } else if let Some(node) = &c.node {
        title.push_str(&format!(", selected node {node}"));
    }
    title.push_str(&format!(", {}", users_text(c)));
    if place == ClaimPlace::Alone && c.used_by.is_empty() {
        title.push_str(" — the data stays on this node for the next pod that mounts it");
    }
    title
}

#[component]
pub fn Claim(props: &ClaimProps) -> Html {
    let c = &props.claim;
    let (status, tone) = claim_status(c);
    let users = users_text(c);
    let title = claim_title(c, props.place);
    let (onclick, onkeydown) = inspect_handlers(
        &props.on_inspect,
        InspectTarget {
            kind: InspectKind::Claim,
            namespace: c.namespace.clone(),
            name: c.name.clone(),
        },
    );
    let place = match props.place {
        ClaimPlace::BesidePod => "beside-pod",
        ClaimPlace::Alone => "alone",
        ClaimPlace::ClaimsLane => "claims-lane",
    };
    let unused = c.used_by.is_empty();
    // In a node lane the chip lives inside its pod's slot; in the claims lane it is a list item.
    let tag = if props.place == ClaimPlace::ClaimsLane {
        "li"
    } else {
        "div"
    };
    html! {
        <@{tag} class={classes!("pod", "claim", format!("tone-{tone}"), place, (props.place == ClaimPlace::Alone).then_some("unused"))}
            title={title} tabindex="0" role="button" {onclick} {onkeydown}
            data-testid="claim" data-claim={c.name.clone()} data-namespace={c.namespace.clone()}
            data-phase={c.phase.clone()} data-place={place} data-used={(!unused).to_string()}>
            <span class="claim-icon" aria-hidden="true">{"⛁"}</span>
            <span class="sr-only">{"PersistentVolumeClaim "}</span>
            <span class="pod-name">{&c.name}</span>
            if props.place != ClaimPlace::BesidePod || status != "Bound" {
                <span class="pod-status">{status}</span>
            }
            if let Some(size) = &c.size {
                <span class="claim-size">{size}</span>
            }
            if props.place == ClaimPlace::Alone {
                <span class="claim-users" data-testid="claim-users">{users.clone()}</span>
            }
            if props.place == ClaimPlace::ClaimsLane {
                if let Some(node) = c.volume_node.as_ref().or(c.node.as_ref()) {
                    <span class="claim-node">{format!("→ {node}")}</span>
                }
                if let Some(reason) = &c.reason {
                    <span class="pod-reason" data-testid="claim-reason">{reason}</span>
                }
            }
        </@>
    }
}
