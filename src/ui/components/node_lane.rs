//! One node's lane: name, roles, Ready/NotReady, cordon, labels, taints, usage meters, and its
//! pods in owner-then-ordinal order, each followed by the claims whose volume lives here.

use super::claim_chip::{Claim, ClaimPlace};
use super::cluster::{inspect_handlers, SYSTEM_NAMESPACE};
use super::node_actions::NodeMenu;
use super::pod_chip::Chip;
use super::usage::UsageMeters;
use crate::present::{lane_entries, InspectKind, InspectTarget, LaneEntry, NodeLane};
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
    // One slot per pod (with the claims drawn joined to it) or per claim left alone. A slot
    // with a claim is keyed by the claim: it stays put while its pod goes and comes back.
    let items: Vec<Html> = entries
        .into_iter()
        .map(|entry| match entry {
            LaneEntry::Pod { pod, claims } => {
                let now_ms = pod.deletion_ms.and(props.now_ms);
                let key = claims.first().map_or(&pod.uid, |c| &c.uid).clone();
                let mut chips = vec![html! {
                    <Chip key={pod.uid.clone()} chip={pod.clone()} moved_from={props.moves.get(&pod.uid).cloned()}
                        {now_ms} with_claim={!claims.is_empty()} in_slot=true on_inspect={props.on_inspect.clone()} />
                }];
                chips.extend(claims.into_iter().map(|c| html! {
                    <Claim key={c.uid.clone()} claim={c.clone()} place={ClaimPlace::BesidePod} on_inspect={props.on_inspect.clone()} />
                }));
                html! { <li {key} class="slot">{ for chips }</li> }
            }
            LaneEntry::Claim(c) => {
                // The same shape as a pod's slot, so the claim keeps its element when its pod goes.
                let chips = vec![html! {
                    <Claim key={c.uid.clone()} claim={c.clone()} place={ClaimPlace::Alone} on_inspect={props.on_inspect.clone()} />
                }];
                html! { <li key={c.uid.clone()} class="slot">{ for chips }</li> }
            }
        })
        .collect();
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
                <ul class="pods" aria-label={pods_label}>
                    { for items }
                </ul>
            }
        </li>
    }
}
