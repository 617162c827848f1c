//! One node's lane: name, roles, Ready/NotReady, cordon, labels, taints, usage meters, and its
//! pods in owner-then-ordinal order, each followed by the claims whose volume lives here.

use super::claim_chip::{claim_title, Claim, ClaimPlace};
use super::cluster::{inspect_handlers, SYSTEM_NAMESPACE};
use super::node_actions::NodeMenu;
use super::pod_chip::{pod_title, Chip, Grace};
use super::tiles::{
    claim_tile, lane_inspect_handlers, more_to_come, pod_tile, status_counts, tiles_caption,
    use_focused_tile, use_paced, TILES_FROM,
};
use super::usage::UsageMeters;
use crate::present::{lane_entries, ArrivalOrder, InspectKind, InspectTarget, LaneEntry, NodeLane};
use std::collections::BTreeMap;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct LaneProps {
    pub lane: NodeLane,
    pub show_system: bool,
    /// Pods that came back on another node, by uid: the node they came from.
    pub moves: Rc<BTreeMap<String, String>>,
    /// The clock, only while the lane holds a terminating pod.
    pub now_ms: Option<u64>,
    pub on_command: Callback<String>,
    pub on_inspect: Callback<InspectTarget>,
}

/// A taint with a line-break opportunity after the key's prefix, so long keys such as
/// `node-role.kubernetes.io/control-plane:NoSchedule` wrap at the slash, not mid-word.
fn breakable(text: &str) -> Html {
    match text.split_once('/') {
        Some((prefix, rest)) => html! { <>{prefix}{"/"}<wbr />{rest}</> },
        None => html! { {text} },
    }
}

#[component]
pub fn NodeLaneView(props: &LaneProps) -> Html {
    let lane = &props.lane;
    let entries = lane_entries(lane, |p| {
        props.show_system || p.namespace != SYSTEM_NAMESPACE
    });
    let class = classes!(
        "lane",
        (!lane.ready).then_some("not-ready"),
        lane.cordoned.then_some("cordoned")
    );
    let pods_label = format!("Pods on {}", lane.name);
    // The labels people set; the well-known ones every kind node has (kubernetes.io/hostname,
    // node-role...) are in the inspector's YAML.
    let user_labels: Vec<&(String, String)> = lane
        .labels
        .iter()
        .filter(|(k, _)| !k.contains("kubernetes.io/"))
        .collect();
    let tiles = entries.len() >= TILES_FROM;
    // Tiles keep the order the lane first showed each pod in (see `ArrivalOrder`).
    let arrivals = use_mut_ref(ArrivalOrder::default);
    let entries = if tiles {
        arrivals.borrow_mut().arrange(entries)
    } else {
        entries
    };
    let keys: Vec<&str> = entries.iter().map(entry_key).collect();
    let paced = use_paced(&keys);
    let focus = use_focused_tile();
    let counts = tiles.then(|| {
        status_counts(entries.iter().filter_map(|e| match e {
            LaneEntry::Pod { pod, .. } => Some(*pod),
            LaneEntry::Claim(_) => None,
        }))
    });
    let draw: fn(&LaneEntry, &LaneProps, bool) -> Html = if tiles { tile_item } else { chip_item };
    let shown: Vec<&LaneEntry> = entries
        .iter()
        .zip(&paced.draw)
        .filter(|(_, shown)| **shown)
        .map(|(e, _)| e)
        .collect();
    let stop = focus.stop_index(&shown, |e, t| entry_holds(e, t));
    let items: Vec<Html> = shown
        .iter()
        .enumerate()
        .map(|(i, e)| draw(e, props, i == stop))
        .collect();
    // Tiles share one pair of handlers on their list; chips carry their own.
    let (onclick, onkeydown) = if tiles {
        let (click, key) = lane_inspect_handlers(&props.on_inspect);
        (Some(click), Some(key))
    } else {
        (None, None)
    };
    html! {
        <li class={class} data-testid="node" data-node={lane.name.clone()} data-ready={lane.ready.to_string()}>
            <div class="lane-head">
                <span class="node-icon" aria-hidden="true">{"▣"}</span>
                <h3 class="node-name">
                    <button type="button" class="node-name-btn" data-testid="inspect-node"
                        title={format!("Inspect node {}", lane.name)}
                        onclick={inspect_handlers(&props.on_inspect, InspectTarget {
                            kind: InspectKind::Node, namespace: String::new(), name: lane.name.clone(),
                        }).0}>{&lane.name}</button>
                </h3>
                { for lane.roles.iter().map(|r| html! { <span class="badge role">{r}</span> }) }
                if lane.ready {
                    <span class="badge ready" data-testid="node-status">{"Ready"}</span>
                } else {
                    <span class="badge not-ready" data-testid="node-status">{"NotReady"}</span>
                }
                if lane.cordoned {
                    <span class="badge cordoned" title="kubectl cordon: no new pods are scheduled here">
                        {"SchedulingDisabled"}
                    </span>
                }
                <NodeMenu node={lane.name.clone()} cordoned={lane.cordoned} ready={lane.ready}
                    taints={lane.taints.clone()} on_command={props.on_command.clone()} />
            </div>
            if !user_labels.is_empty() {
                <ul class="node-labels" aria-label="Labels" data-testid="node-labels">
                    { for user_labels.iter().map(|(k, v)| html! { <li class="node-label">{format!("{k}={v}")}</li> }) }
                </ul>
            }
            if !lane.taints.is_empty() {
                <ul class="taints" aria-label="Taints">
                    { for lane.taints.iter().map(|t| html! { <li class="taint" title="taint">{breakable(t)}</li> }) }
                </ul>
            }
            <UsageMeters node={lane.name.clone()} meters={lane.usage.clone()} />
            if items.is_empty() {
                <p class="lane-empty">{"No pods"}</p>
            } else {
                if let Some(counts) = counts {
                    {counts}
                    {tiles_caption(focus.now.as_ref().and_then(|t| focused_title(&entries, t, props)))}
                }
                // Tiles are buttons in a group (one Tab stop), not list items.
                <ul class={classes!("pods", tiles.then_some("tiles"))} role={tiles.then_some("group")}
                    aria-label={pods_label} {onclick} {onkeydown}
                    onfocusin={tiles.then_some(focus.on_focus_in.clone())}
                    onfocusout={tiles.then_some(focus.on_focus_out.clone())}>
                    { for items }
                </ul>
                {more_to_come(paced.held_back)}
            }
        </li>
    }
}

/// A pod as a chip (with the claims drawn joined to it), or a claim left alone. A slot with a
/// claim is keyed by the claim: it stays put while its pod goes and comes back.
fn chip_item(entry: &LaneEntry, props: &LaneProps, _first: bool) -> Html {
    match entry {
        LaneEntry::Pod { pod, claims } => {
            let now_ms = pod.deletion_ms.and(props.now_ms);
            let key = claims.first().map_or(&pod.uid, |c| &c.uid).clone();
            let mut chips = vec![html! {
                <Chip key={pod.uid.clone()} chip={(*pod).clone()} moved_from={props.moves.get(&pod.uid).cloned()}
                    {now_ms} with_claim={!claims.is_empty()} in_slot=true on_inspect={props.on_inspect.clone()} />
            }];
            chips.extend(claims.iter().map(|c| html! {
                <Claim key={c.uid.clone()} claim={(*c).clone()} place={ClaimPlace::BesidePod} on_inspect={props.on_inspect.clone()} />
            }));
            html! { <li {key} class="slot">{ for chips }</li> }
        }
        LaneEntry::Claim(c) => {
            // The same shape as a pod's slot, so the claim keeps its element when its pod goes.
            let chips = vec![html! {
                <Claim key={c.uid.clone()} claim={(*c).clone()} place={ClaimPlace::Alone} on_inspect={props.on_inspect.clone()} />
            }];
            html! { <li key={c.uid.clone()} class="slot">{ for chips }</li> }
        }
    }
}

/// The same entry as a tile: a pod alone is its own list item (one element per pod); a pod
/// with claims, or a claim alone, sits in a slot like a chip does.
fn tile_item(entry: &LaneEntry, props: &LaneProps, first: bool) -> Html {
    match entry {
        LaneEntry::Pod { pod, claims } if claims.is_empty() => pod_tile(
            pod,
            props.moves.get(&pod.uid),
            pod.deletion_ms.and(props.now_ms),
            false,
            first,
        ),
        LaneEntry::Pod { pod, claims } => {
            let mut tiles = vec![pod_tile(
                pod,
                props.moves.get(&pod.uid),
                pod.deletion_ms.and(props.now_ms),
                true,
                first,
            )];
            tiles.extend(
                claims
                    .iter()
                    .map(|c| claim_tile(c, ClaimPlace::BesidePod, false)),
            );
            html! { <li key={claims[0].uid.clone()} class="slot" role="none">{ for tiles }</li> }
        }
        LaneEntry::Claim(c) => {
            let tiles = vec![claim_tile(c, ClaimPlace::Alone, first)];
            html! { <li key={c.uid.clone()} class="slot" role="none">{ for tiles }</li> }
        }
    }
}

/// Whether an entry draws the tile of `target` (its pod, or one of its claims).
fn entry_holds(entry: &LaneEntry, target: &InspectTarget) -> bool {
    let is = |kind: InspectKind, namespace: &str, name: &str| {
        target.kind == kind && target.namespace == namespace && target.name == name
    };
    match entry {
        LaneEntry::Pod { pod, claims } => {
            is(InspectKind::Pod, &pod.namespace, &pod.name)
                || claims
                    .iter()
                    .any(|c| is(InspectKind::Claim, &c.namespace, &c.name))
        }
        LaneEntry::Claim(c) => is(InspectKind::Claim, &c.namespace, &c.name),
    }
}

/// The title of the focused tile's pod or claim as this render draws it.
fn focused_title(
    entries: &[LaneEntry],
    target: &InspectTarget,
    props: &LaneProps,
) -> Option<String> {
    let same = |namespace: &str, name: &str| namespace == target.namespace && name == target.name;
    entries.iter().find_map(|entry| match (entry, target.kind) {
        (LaneEntry::Pod { pod, .. }, InspectKind::Pod) if same(&pod.namespace, &pod.name) => {
            let grace = Grace::of(pod, pod.deletion_ms.and(props.now_ms));
            Some(pod_title(
                pod,
                grace,
                props.moves.get(&pod.uid).map(String::as_str),
            ))
        }
        (LaneEntry::Pod { claims, .. }, InspectKind::Claim) => claims
            .iter()
            .find(|c| same(&c.namespace, &c.name))
            .map(|c| claim_title(c, ClaimPlace::BesidePod)),
        (LaneEntry::Claim(c), InspectKind::Claim) if same(&c.namespace, &c.name) => {
            Some(claim_title(c, ClaimPlace::Alone))
        }
        _ => None,
    })
}

/// What identifies an entry while it stays in the lane: its pod's or its lone claim's uid.
fn entry_key<'a>(entry: &LaneEntry<'a>) -> &'a str {
    match entry {
        LaneEntry::Pod { pod, .. } => &pod.uid,
        LaneEntry::Claim(c) => &c.uid,
    }
}
