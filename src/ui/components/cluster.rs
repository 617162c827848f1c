//! The cluster: one lane per node holding its pods (node_lane.rs), a lane for pods no node has
//! taken, with the scheduler's reason, the controllers' waits, and the claims no node holds.
//! Pods and claims are keyed by uid so each keeps its element (and its CSS transition) while its
//! state changes.

use super::claim_chip::{Claim, ClaimPlace};
use super::node_actions::AddNodeForm;
use super::node_lane::NodeLaneView;
use super::pod_chip::{pod_title, Chip};
use super::tiles::{
    grouped_reasons, lane_inspect_handlers, more_to_come, pod_tile, tiles_caption,
    use_focused_tile, use_paced, TileFocus, TILES_FROM,
};
use crate::present::{ClaimChip, ClusterView, MoveTracker, PodChip, WaitLine};
use crate::present::{InspectKind, InspectTarget};
use std::rc::Rc;
use web_sys::HtmlInputElement;
use yew::prelude::*;

pub(super) const SYSTEM_NAMESPACE: &str = "kube-system";

#[derive(Properties, PartialEq)]
pub struct ClusterProps {
    pub view: Rc<ClusterView>,
    pub show_system: bool,
    pub on_show_system: Callback<bool>,
    /// Runs a command as if typed at the console (node actions echo there).
    pub on_command: Callback<String>,
    /// Opens the inspector on a pod, node or claim.
    pub on_inspect: Callback<InspectTarget>,
}

/// Click and Enter/Space handlers that open the inspector on `target`.
pub(super) fn inspect_handlers(
    cb: &Callback<InspectTarget>,
    target: InspectTarget,
) -> (Callback<MouseEvent>, Callback<KeyboardEvent>) {
    let click = {
        let cb = cb.clone();
        let target = target.clone();
        Callback::from(move |_: MouseEvent| cb.emit(target.clone()))
    };
    let key = {
        let cb = cb.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" || e.key() == " " {
                e.prevent_default();
                cb.emit(target.clone());
            }
        })
    };
    (click, key)
}

#[component]
pub fn ClusterPanel(props: &ClusterProps) -> Html {
    let view = &props.view;
    let visible = |chip: &&PodChip| props.show_system || chip.namespace != SYSTEM_NAMESPACE;
    let pod_count: usize = view
        .nodes
        .iter()
        .map(|n| n.pods.iter().filter(visible).count())
        .sum::<usize>()
        + view.pending.len();
    let ready_nodes = view.nodes.iter().filter(|n| n.ready).count();
    // Where each pod name last ran, to mark a pod that came back on another node.
    let tracker = use_mut_ref(MoveTracker::default);
    let moves = Rc::new(tracker.borrow_mut().observe(view));
    let loose_claims: Vec<ClaimChip> = view
        .claims
        .iter()
        .filter(|c| c.lane.is_none())
        .cloned()
        .collect();
    let toggle = {
        let cb = props.on_show_system.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            cb.emit(input.checked());
        })
    };
    html! {
        <section class="panel cluster-panel" aria-labelledby="cluster-title" data-testid="cluster">
            <div class="panel-head">
                <h2 id="cluster-title">{"Cluster"}</h2>
                <p class="cluster-summary" data-testid="cluster-summary">
                    {format!("{} nodes ({} Ready) · {} pods", view.nodes.len(), ready_nodes, pod_count)}
                </p>
                <label class="toggle">
                    <input type="checkbox" checked={props.show_system} onchange={toggle} data-testid="show-system" />
                    <span>{"kube-system pods"}</span>
                </label>
            </div>
            <div class="cluster-body">
            // Waiting pods are the news: above the nodes while there are any, below when not.
            if !view.pending.is_empty() {
                <PendingLane pods={view.pending.clone()} on_inspect={props.on_inspect.clone()} />
            }
            <ul class="lanes" aria-label="Nodes">
                { for view.nodes.iter().map(|lane| html! {
                    <NodeLaneView key={lane.name.clone()} lane={lane.clone()} show_system={props.show_system}
                        moves={moves.clone()}
                        now_ms={lane.pods.iter().any(|p| p.deletion_ms.is_some()).then_some(view.time_ms)}
                        on_command={props.on_command.clone()} on_inspect={props.on_inspect.clone()} />
                }) }
            </ul>
            <AddNodeForm on_command={props.on_command.clone()} />
            if !view.waiting.is_empty() {
                <WaitingLane lines={view.waiting.clone()} />
            }
            if !loose_claims.is_empty() {
                <ClaimsLane claims={loose_claims} on_inspect={props.on_inspect.clone()} />
            }
            if view.pending.is_empty() {
                <PendingLane pods={Vec::new()} on_inspect={props.on_inspect.clone()} />
            }
            </div>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct PendingProps {
    pods: Vec<PodChip>,
    on_inspect: Callback<InspectTarget>,
}

#[component]
fn PendingLane(props: &PendingProps) -> Html {
    let keys: Vec<&str> = props.pods.iter().map(|p| p.uid.as_str()).collect();
    let paced = use_paced(&keys);
    let drawn = || {
        props
            .pods
            .iter()
            .zip(&paced.draw)
            .filter(|(_, shown)| **shown)
            .map(|(p, _)| p)
    };
    let focus = use_focused_tile();
    html! {
        <div class="lane pending-lane" data-testid="pending-lane">
            <div class="lane-head">
                <span class="node-icon" aria-hidden="true">{"◌"}</span>
                <h3 class="node-name">{"Pending"}</h3>
                <span class="lane-note">{"not on a node yet"}</span>
            </div>
            if props.pods.is_empty() {
                <p class="lane-empty">{"No pods waiting for a node"}</p>
            } else if props.pods.len() >= TILES_FROM {
                {crowded_pending(props, drawn(), paced.held_back, focus)}
            } else {
                <ul class="pods pending" aria-label="Pods waiting for a node">
                    { for drawn().map(|p| html! {
                        <Chip key={p.uid.clone()} chip={p.clone()} show_reason=true on_inspect={props.on_inspect.clone()} />
                    }) }
                </ul>
                {more_to_come(paced.held_back)}
            }
        </div>
    }
}

/// Many pods waiting at once (a big Deployment just applied, or a cluster out of room): a tile
/// per pod, and each scheduler reason once with how many pods it holds back.
/// Only the `drawn` pods have their tiles yet; `held_back` wait a frame (see `use_paced`).
fn crowded_pending<'a>(
    props: &PendingProps,
    drawn: impl Iterator<Item = &'a PodChip>,
    held_back: usize,
    focus: TileFocus,
) -> Html {
    let (onclick, onkeydown) = lane_inspect_handlers(&props.on_inspect);
    let drawn: Vec<&PodChip> = drawn.collect();
    let stop = focus.stop_index(&drawn, |p, t| {
        t.kind == InspectKind::Pod && p.namespace == t.namespace && p.name == t.name
    });
    let focused_title = focus.now.as_ref().and_then(|t| {
        props
            .pods
            .iter()
            .find(|p| p.namespace == t.namespace && p.name == t.name)
            .map(|p| pod_title(p, None, None))
    });
    html! {
        <>
            <p class="tiles-total" data-testid="pending-count">{format!("{} pods", props.pods.len())}</p>
            {grouped_reasons(&props.pods)}
            {tiles_caption(focused_title)}
            <ul class="pods tiles pending" role="group" aria-label="Pods waiting for a node" {onclick} {onkeydown}
                onfocusin={focus.on_focus_in} onfocusout={focus.on_focus_out}>
                { for drawn.iter().enumerate().map(|(i, p)| pod_tile(p, None, None, false, i == stop)) }
            </ul>
            {more_to_come(held_back)}
        </>
    }
}

#[derive(Properties, PartialEq)]
struct WaitingProps {
    lines: Vec<WaitLine>,
}

/// Why nothing happens yet: each controller's and the scheduler's blocked reasons (`sim why`).
#[component]
fn WaitingLane(props: &WaitingProps) -> Html {
    html! {
        <div class="lane waiting-lane" data-testid="waiting">
            <div class="lane-head">
                <span class="node-icon" aria-hidden="true">{"◔"}</span>
                <h3 class="node-name">{"Waiting"}</h3>
                <span class="lane-note">{"what the controllers wait for — "}<code>{"sim why"}</code></span>
            </div>
            <ul class="why-lines">
                { for props.lines.iter().map(|w| html! {
                    <li class="why-line" data-testid="why-line" data-subject={w.subject.clone()}>
                        <code class="why-key">{&w.key}</code>
                        if w.others > 0 {
                            <span class="why-others" data-testid="why-others">
                                {format!(" and {} more like it", w.others)}
                            </span>
                        }
                        <span class="why-component">{format!(" ({})", w.component)}</span>
                        {": "}
                        if w.subject != w.key {
                            <code class="why-subject">{&w.subject}</code>
                            {": "}
                        }
                        <span class="why-reason">{&w.reason}</span>
                    </li>
                }) }
            </ul>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct ClaimsProps {
    claims: Vec<ClaimChip>,
    on_inspect: Callback<InspectTarget>,
}

/// Claims no node lane holds: not bound yet (with the reason), lost, or on a volume any node
/// can attach whose pod is not running. Bound claims on a node's volume are in that node's lane.
#[component]
fn ClaimsLane(props: &ClaimsProps) -> Html {
    html! {
        <div class="lane claims-lane" data-testid="claims">
            <div class="lane-head">
                <span class="node-icon" aria-hidden="true">{"⛁"}</span>
                <h3 class="node-name">{"PersistentVolumeClaims"}</h3>
                <span class="lane-note">{"not on a node yet"}</span>
            </div>
            <ul class="pods claims" aria-label="PersistentVolumeClaims not on a node">
                { for props.claims.iter().map(|c| html! {
                    <Claim key={c.uid.clone()} claim={c.clone()} place={ClaimPlace::ClaimsLane} on_inspect={props.on_inspect.clone()} />
                }) }
            </ul>
        </div>
    }
}
