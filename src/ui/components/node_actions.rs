//! Poking the nodes: a per-lane menu and the "Add node" form. Every control builds the same
//! command a console user would type (`kubectl cordon kind-worker2`, `sim node fail ...`) and
//! hands it to the console callback, so the command and its output are echoed there and people
//! learn the kubectl behind each button.

use web_sys::{Element, HtmlInputElement};
use yew::prelude::*;

/// The drain flags the menu always passes: without them kubectl refuses on every kind node
/// (kube-proxy and kindnet are DaemonSet pods).
const DRAIN_FLAGS: &str = "--ignore-daemonsets --delete-emptydir-data";

/// `key=value:Effect` or `key:Effect` -> `key:Effect-`, the untaint form kubectl takes.
pub fn untaint_arg(taint: &str) -> String {
    let (key_value, effect) = taint.rsplit_once(':').unwrap_or((taint, ""));
    let key = key_value.split_once('=').map_or(key_value, |(k, _)| k);
    if effect.is_empty() {
        format!("{key}-")
    } else {
        format!("{key}:{effect}-")
    }
}

/// Words typed into a field, split on spaces and commas (`a=b, c=d` -> `["a=b", "c=d"]`).
fn words(text: &str) -> Vec<&str> {
    text.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|w| !w.is_empty())
        .collect()
}

/// The `sim node add` line for the form's fields; `None` without a name.
pub fn add_node_command(fields: &AddNodeFields) -> Option<String> {
    let name = fields.name.trim();
    if name.is_empty() {
        return None;
    }
    let mut cmd = format!("sim node add {name}");
    for label in words(&fields.labels) {
        cmd.push_str(&format!(" --label {label}"));
    }
    for taint in words(&fields.taints) {
        cmd.push_str(&format!(" --taint {taint}"));
    }
    for (flag, value) in [
        ("--cpu", &fields.cpu),
        ("--memory", &fields.memory),
        ("--pods", &fields.pods),
    ] {
        if let Some(v) = words(value).first() {
            cmd.push_str(&format!(" {flag} {v}"));
        }
    }
    if fields.control_plane {
        cmd.push_str(" --control-plane");
    }
    Some(cmd)
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct AddNodeFields {
    pub name: String,
    pub labels: String,
    pub taints: String,
    pub cpu: String,
    pub memory: String,
    pub pods: String,
    pub control_plane: bool,
}

#[derive(Properties, PartialEq)]
pub struct NodeMenuProps {
    pub node: String,
    pub cordoned: bool,
    pub ready: bool,
    pub taints: Vec<String>,
    pub on_command: Callback<String>,
}

/// Closes the `<details>` menu an event came from, so the lane is visible again.
fn close_menu(e: &Event) {
    if let Some(el) = e.target_dyn_into::<Element>() {
        if let Ok(Some(details)) = el.closest("details") {
            let _ = details.remove_attribute("open");
        }
    }
}

/// Reads a field and clears it.
fn take(input: &NodeRef) -> String {
    input
        .cast::<HtmlInputElement>()
        .map(|i| {
            let v = i.value();
            i.set_value("");
            v
        })
        .unwrap_or_default()
}

/// A `<details>` menu: a native disclosure, so it opens with Enter/Space and needs no script.
#[component]
pub fn NodeMenu(props: &NodeMenuProps) -> Html {
    let node = props.node.clone();
    let run = |cmd: String| {
        let cb = props.on_command.clone();
        Callback::from(move |e: MouseEvent| {
            close_menu(&e);
            cb.emit(cmd.clone())
        })
    };
    let cordon = if props.cordoned {
        ("uncordon", "Uncordon", format!("kubectl uncordon {node}"))
    } else {
        ("cordon", "Cordon", format!("kubectl cordon {node}"))
    };
    let taint_input = use_node_ref();
    let label_input = use_node_ref();
    let on_taint = {
        let cb = props.on_command.clone();
        let input = taint_input.clone();
        let node = node.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let taints = take(&input);
            let taints = words(&taints);
            if !taints.is_empty() {
                close_menu(&e);
                cb.emit(format!("kubectl taint nodes {node} {}", taints.join(" ")));
            }
        })
    };
    let on_label = {
        let cb = props.on_command.clone();
        let input = label_input.clone();
        let node = node.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let labels = take(&input);
            let labels = words(&labels);
            if !labels.is_empty() {
                close_menu(&e);
                cb.emit(format!(
                    "kubectl label nodes {node} {} --overwrite",
                    labels.join(" ")
                ));
            }
        })
    };
    let taint_id = format!("taint-{node}");
    let label_id = format!("label-{node}");
    html! {
        <details class="node-menu" data-testid="node-menu">
            <summary class="btn btn-quiet node-menu-toggle" aria-label={format!("Actions for node {node}")}
                title="Cordon, drain, taint, label, fail or remove this node">
                <span aria-hidden="true">{"⋯"}</span>
            </summary>
            <div class="node-menu-body" role="group" aria-label={format!("Actions for node {node}")}>
                <p class="node-menu-hint">{"Each action runs its command in the console."}</p>
                <div class="node-menu-row">
                    <button type="button" class="btn" data-action={cordon.0} onclick={run(cordon.2.clone())}
                        title={cordon.2.clone()}>{cordon.1}</button>
                    <button type="button" class="btn" data-action="drain"
                        title={format!("kubectl drain {node} {DRAIN_FLAGS}")}
                        onclick={run(format!("kubectl drain {node} {DRAIN_FLAGS}"))}>{"Drain"}</button>
                    if props.ready {
                        <button type="button" class="btn" data-action="fail"
                            title={format!("sim node fail {node}: its kubelet stops posting status")}
                            onclick={run(format!("sim node fail {node}"))}>{"Fail"}</button>
                    }
                    <button type="button" class="btn" data-action="recover"
                        title={format!("sim node recover {node}")}
                        onclick={run(format!("sim node recover {node}"))}>{"Recover"}</button>
                    <button type="button" class="btn btn-danger" data-action="remove"
                        title={format!("sim node remove {node}: the machine is gone")}
                        onclick={run(format!("sim node remove {node}"))}>{"Remove"}</button>
                </div>
                <form class="node-menu-form" onsubmit={on_taint}>
                    <label for={taint_id.clone()}>{"Taint"}</label>
                    <input id={taint_id} ref={taint_input} data-testid="taint-input" type="text"
                        placeholder="key=value:NoSchedule" autocomplete="off" spellcheck="false" />
                    <button type="submit" class="btn" data-action="taint">{"Taint"}</button>
                </form>
                if !props.taints.is_empty() {
                    <div class="node-menu-row">
                        { for props.taints.iter().map(|t| {
                            let cmd = format!("kubectl taint nodes {node} {}", untaint_arg(t));
                            html! {
                                <button type="button" class="btn btn-quiet untaint" data-action="untaint"
                                    data-taint={t.clone()} title={cmd.clone()} onclick={run(cmd)}>
                                    {format!("Untaint {}", untaint_arg(t).trim_end_matches('-'))}
                                </button>
                            }
                        }) }
                    </div>
                }
                <form class="node-menu-form" onsubmit={on_label}>
                    <label for={label_id.clone()}>{"Label"}</label>
                    <input id={label_id} ref={label_input} data-testid="label-input" type="text"
                        placeholder="key=value" autocomplete="off" spellcheck="false" />
                    <button type="submit" class="btn" data-action="label">{"Label"}</button>
                </form>
            </div>
        </details>
    }
}

#[derive(Properties, PartialEq)]
pub struct AddNodeProps {
    pub on_command: Callback<String>,
}

/// The "Add node" form: `sim node add NAME [--label k=v]... [--taint k=v:Effect]...`.
#[component]
pub fn AddNodeForm(props: &AddNodeProps) -> Html {
    let name = use_node_ref();
    let labels = use_node_ref();
    let taints = use_node_ref();
    let cpu = use_node_ref();
    let memory = use_node_ref();
    let pods = use_node_ref();
    let control_plane = use_node_ref();
    let error = use_state(|| false);
    let on_submit = {
        let refs = (
            name.clone(),
            labels.clone(),
            taints.clone(),
            cpu.clone(),
            memory.clone(),
            pods.clone(),
            control_plane.clone(),
        );
        let cb = props.on_command.clone();
        let error = error.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let value = |r: &NodeRef| {
                r.cast::<HtmlInputElement>()
                    .map(|i| i.value())
                    .unwrap_or_default()
            };
            let fields = AddNodeFields {
                name: value(&refs.0),
                labels: value(&refs.1),
                taints: value(&refs.2),
                cpu: value(&refs.3),
                memory: value(&refs.4),
                pods: value(&refs.5),
                control_plane: refs
                    .6
                    .cast::<HtmlInputElement>()
                    .is_some_and(|i| i.checked()),
            };
            match add_node_command(&fields) {
                Some(cmd) => {
                    error.set(false);
                    if let Some(i) = refs.0.cast::<HtmlInputElement>() {
                        i.set_value("");
                    }
                    cb.emit(cmd);
                }
                None => error.set(true),
            }
        })
    };
    let field = |id: &str, label: &str, r: &NodeRef, placeholder: &str| {
        html! {
            <label class="add-node-field">
                <span>{label.to_string()}</span>
                <input ref={r.clone()} data-testid={format!("add-node-{id}")} type="text"
                    placeholder={placeholder.to_string()} autocomplete="off" spellcheck="false" />
            </label>
        }
    };
    html! {
        <details class="add-node" data-testid="add-node">
            <summary class="btn">{"+ Add node"}</summary>
            <form class="add-node-form" onsubmit={on_submit} aria-label="Add a node">
                {field("name", "Name", &name, "kind-worker4")}
                {field("labels", "Labels", &labels, "disktype=ssd")}
                {field("taints", "Taints", &taints, "dedicated=db:NoSchedule")}
                {field("cpu", "CPU", &cpu, "4")}
                {field("memory", "Memory", &memory, "8Gi")}
                {field("pods", "Pods", &pods, "110")}
                <label class="add-node-check">
                    <input ref={control_plane} type="checkbox" data-testid="add-node-control-plane" />
                    <span>{"control-plane"}</span>
                </label>
                <button type="submit" class="btn btn-primary" data-testid="add-node-submit">{"Add node"}</button>
                if *error {
                    <p class="add-node-error" role="alert">{"A node needs a name."}</p>
                }
                <p class="node-menu-hint">{"Runs "}<code>{"sim node add NAME --label k=v --taint k=v:Effect ..."}</code></p>
            </form>
        </details>
    }
}
