//! The cluster: one lane per node holding its pods, and a lane for pods no node has taken,
//! with the scheduler's reason. Pods are keyed by uid so a pod keeps its element (and its CSS
//! transition) while its phase changes.

use super::format::pod_tone;
use super::node_actions::{AddNodeForm, NodeMenu};
use crate::present::{
    ClaimChip, ClusterView, InspectKind, InspectTarget, NodeLane, PodChip, WaitLine,
};
use std::rc::Rc;
use web_sys::HtmlInputElement;
use yew::prelude::*;

const SYSTEM_NAMESPACE: &str = "kube-system";

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
fn inspect_handlers(
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
                        on_command={props.on_command.clone()} on_inspect={props.on_inspect.clone()} />
                }) }
            </ul>
            <AddNodeForm on_command={props.on_command.clone()} />
            if !view.waiting.is_empty() {
                <WaitingLane lines={view.waiting.clone()} />
            }
            if !view.claims.is_empty() {
                <ClaimsLane claims={view.claims.clone()} on_inspect={props.on_inspect.clone()} />
            }
            if view.pending.is_empty() {
                <PendingLane pods={Vec::new()} on_inspect={props.on_inspect.clone()} />
            }
            </div>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct LaneProps {
    lane: NodeLane,
    show_system: bool,
    on_command: Callback<String>,
    on_inspect: Callback<InspectTarget>,
}

#[component]
fn NodeLaneView(props: &LaneProps) -> Html {
    let lane = &props.lane;
    let pods: Vec<&PodChip> = lane
        .pods
        .iter()
        .filter(|p| props.show_system || p.namespace != SYSTEM_NAMESPACE)
        .collect();
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
            if pods.is_empty() {
                <p class="lane-empty">{"No pods"}</p>
            } else {
                <ul class="pods" aria-label={pods_label}>
                    { for pods.into_iter().map(|p| html! { <Chip key={p.uid.clone()} chip={p.clone()} on_inspect={props.on_inspect.clone()} /> }) }
                </ul>
            }
        </li>
    }
}

/// A taint with a line-break opportunity after the key's prefix, so long keys such as
/// `node-role.kubernetes.io/control-plane:NoSchedule` wrap at the slash, not mid-word.
fn breakable(text: &str) -> Html {
    match text.split_once('/') {
        Some((prefix, rest)) => html! { <>{prefix}{"/"}<wbr />{rest}</> },
        None => html! { {text} },
    }
}

#[derive(Properties, PartialEq)]
struct PendingProps {
    pods: Vec<PodChip>,
    on_inspect: Callback<InspectTarget>,
}

#[component]
fn PendingLane(props: &PendingProps) -> Html {
    html! {
        <div class="lane pending-lane" data-testid="pending-lane">
            <div class="lane-head">
                <span class="node-icon" aria-hidden="true">{"◌"}</span>
                <h3 class="node-name">{"Pending"}</h3>
                <span class="lane-note">{"not on a node yet"}</span>
            </div>
            if props.pods.is_empty() {
                <p class="lane-empty">{"No pods waiting for a node"}</p>
            } else {
                <ul class="pods pending" aria-label="Pods waiting for a node">
                    { for props.pods.iter().map(|p| html! {
                        <Chip key={p.uid.clone()} chip={p.clone()} show_reason=true on_inspect={props.on_inspect.clone()} />
                    }) }
                </ul>
            }
        </div>
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

/// PersistentVolumeClaims: a StatefulSet's pods each get their own, and keep it.
#[component]
fn ClaimsLane(props: &ClaimsProps) -> Html {
    html! {
        <div class="lane claims-lane" data-testid="claims">
            <div class="lane-head">
                <span class="node-icon" aria-hidden="true">{"⛁"}</span>
                <h3 class="node-name">{"PersistentVolumeClaims"}</h3>
            </div>
            <ul class="pods" aria-label="PersistentVolumeClaims">
                { for props.claims.iter().map(|c| html! { <Claim key={c.uid.clone()} claim={c.clone()} on_inspect={props.on_inspect.clone()} /> }) }
            </ul>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct ClaimProps {
    claim: ClaimChip,
    on_inspect: Callback<InspectTarget>,
}

#[component]
fn Claim(props: &ClaimProps) -> Html {
    let c = &props.claim;
    // kubectl shows a claim being deleted as Terminating, whatever its phase.
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
    let mut title = format!("{}/{} — {status}", c.namespace, c.name);
    if let Some(size) = &c.size {
        title.push_str(&format!(", {size}"));
    }
    if let Some(class) = &c.storage_class {
        title.push_str(&format!(", StorageClass {class}"));
    }
    if let Some(node) = &c.node {
        title.push_str(&format!(", on {node}"));
    }
    let (onclick, onkeydown) = inspect_handlers(
        &props.on_inspect,
        InspectTarget {
            kind: InspectKind::Claim,
            namespace: c.namespace.clone(),
            name: c.name.clone(),
        },
    );
    html! {
        <li class={classes!("pod", "claim", format!("tone-{tone}"))} title={title}
            tabindex="0" role="button" {onclick} {onkeydown}
            data-claim={c.name.clone()} data-namespace={c.namespace.clone()} data-phase={c.phase.clone()}>
            <span class="pod-name">{&c.name}</span>
            <span class="pod-status">{status}</span>
            if let Some(size) = &c.size {
                <span class="claim-size">{size}</span>
            }
            if let Some(node) = &c.node {
                <span class="claim-node">{format!("→ {node}")}</span>
            }
        </li>
    }
}

#[derive(Properties, PartialEq)]
struct ChipProps {
    chip: PodChip,
    #[prop_or_default]
    show_reason: bool,
    on_inspect: Callback<InspectTarget>,
}

#[component]
fn Chip(props: &ChipProps) -> Html {
    let chip = &props.chip;
    let tone = pod_tone(chip);
    let owner = match (&chip.owner_kind, &chip.owner_name) {
        (Some(k), Some(n)) => format!(" · {k} {n}"),
        _ => String::new(),
    };
    let ready_text = if chip.ready { "Ready" } else { "not Ready" };
    let title = format!(
        "{}/{} — {}, {}{}",
        chip.namespace, chip.name, chip.status, ready_text, owner
    );
    let class = classes!(
        "pod",
        format!("tone-{tone}"),
        (chip.namespace == SYSTEM_NAMESPACE).then_some("system")
    );
    let (onclick, onkeydown) = inspect_handlers(
        &props.on_inspect,
        InspectTarget {
            kind: InspectKind::Pod,
            namespace: chip.namespace.clone(),
            name: chip.name.clone(),
        },
    );
    html! {
        <li class={class} title={title.clone()} tabindex="0" role="button" {onclick} {onkeydown} data-pod={chip.name.clone()} data-namespace={chip.namespace.clone()}
            data-phase={chip.phase.as_str()} data-status={chip.status.clone()} data-ready={chip.ready.to_string()}>
            <span class={classes!("ready-mark", chip.ready.then_some("is-ready"))} aria-hidden="true" />
            <span class="pod-name">{&chip.name}</span>
            <span class="pod-status">{&chip.status}</span>
            <span class="sr-only">{format!(", {ready_text}")}</span>
            if props.show_reason {
                if let Some(reason) = &chip.reason {
                    <span class="pod-reason" data-testid="pending-reason">{reason}</span>
                }
            }
        </li>
    }
}
