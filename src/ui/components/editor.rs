//! The manifest editor: a textarea with a line-number gutter, an example picker, the Apply
//! button (also Ctrl/Cmd+Enter), the live YAML check and what `kubectl apply` answered.

use crate::script::Output;
use crate::ui::editor_check::EditorProblem;
use crate::ui::examples::EXAMPLES;
use std::rc::Rc;
use web_sys::{HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct EditorProps {
    pub text: AttrValue,
    pub problem: Option<EditorProblem>,
    pub last_apply: Option<Rc<Output>>,
    /// Whether simulated time is running (the hint after an apply says how to start it).
    pub playing: bool,
    pub on_edit: Callback<String>,
    pub on_apply: Callback<()>,
    /// `kubectl delete -f -` on the editor text.
    pub on_delete: Callback<()>,
    /// The verb of the last result shown (`apply` or `delete`).
    pub last_verb: AttrValue,
    pub on_example: Callback<usize>,
}

#[component]
pub fn EditorPanel(props: &EditorProps) -> Html {
    let gutter = use_node_ref();
    let line_count = props.text.lines().count().max(1) + usize::from(props.text.ends_with('\n'));
    let error_line = props.problem.as_ref().and_then(|p| p.line);

    let oninput = {
        let on_edit = props.on_edit.clone();
        Callback::from(move |e: InputEvent| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            on_edit.emit(area.value());
        })
    };
    // The gutter follows the textarea's scroll position so numbers stay beside their lines.
    let onscroll = {
        let gutter = gutter.clone();
        Callback::from(move |e: Event| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            if let Some(g) = gutter.cast::<web_sys::Element>() {
                g.set_scroll_top(area.scroll_top());
            }
        })
    };
    let onkeydown = {
        let on_apply = props.on_apply.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" && (e.ctrl_key() || e.meta_key()) {
                e.prevent_default();
                on_apply.emit(());
            }
        })
    };
    let apply = {
        let on_apply = props.on_apply.clone();
        Callback::from(move |_: MouseEvent| on_apply.emit(()))
    };
    let delete = {
        let on_delete = props.on_delete.clone();
        Callback::from(move |_: MouseEvent| on_delete.emit(()))
    };
    let pick = {
        let on_example = props.on_example.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            if let Ok(i) = select.value().parse() {
                on_example.emit(i);
                select.set_value("");
            }
        })
    };

    let status = match &props.problem {
        Some(p) => html! {
            <p class="editor-status bad" role="alert" data-testid="editor-error">
                <span class="sr-only">{"YAML error: "}</span>{p.summary()}
            </p>
        },
        None => {
            html! { <p class="editor-status ok" data-testid="editor-ok">{"YAML looks well-formed"}</p> }
        }
    };
    let verb = props.last_verb.clone();
    let result = props.last_apply.as_ref().map(|out| {
        let class = if out.ok { "apply-output ok" } else { "apply-output bad" };
        let text = if out.text.trim().is_empty() { "(no output)".to_string() } else { out.text.trim_end().to_string() };
        html! {
            <div class={class} data-testid="apply-output" data-ok={out.ok.to_string()} role="status" aria-live="polite">
                <div class="apply-output-head">{if out.ok { format!("kubectl {verb}") } else { format!("kubectl {verb} failed") }}</div>
                <pre>{text}</pre>
                if out.ok && !props.playing {
                    <p class="apply-hint">{"Nothing moves until simulated time does: press Play or Step +1s."}</p>
                }
            </div>
        }
    });

    html! {
        <section class="panel editor-panel" aria-labelledby="editor-title" data-testid="editor-panel">
            <div class="panel-head">
                <h2 id="editor-title">{"Manifest"}</h2>
                <label class="example-pick">
                    <span class="sr-only">{"Load an example manifest"}</span>
                    <select data-testid="examples" onchange={pick}>
                        <option value="" selected=true>{"Examples…"}</option>
                        { for EXAMPLES.iter().enumerate().map(|(i, ex)| html! {
                            <option value={i.to_string()}>{ex.title}</option>
                        }) }
                    </select>
                </label>
                <button type="button" class="btn" data-testid="delete" onclick={delete}
                    title="kubectl delete -f -: delete the objects this manifest describes">
                    {"Delete"}
                </button>
                <button type="button" class="btn btn-primary" data-testid="apply" onclick={apply}
                    title="kubectl apply -f - (Ctrl+Enter)">
                    {"Apply"}
                </button>
            </div>
            <div class="editor">
                <pre class="gutter" ref={gutter} aria-hidden="true">
                    { for (1..=line_count).map(|n| {
                        let class = if Some(n) == error_line { "ln err" } else { "ln" };
                        html! { <span class={class}>{n}{"\n"}</span> }
                    }) }
                </pre>
                <textarea
                    class="code"
                    data-testid="editor"
                    aria-label="Manifest YAML"
                    aria-invalid={props.problem.is_some().to_string()}
                    spellcheck="false"
                    autocomplete="off"
                    autocapitalize="off"
                    wrap="off"
                    value={props.text.clone()}
                    {oninput} {onscroll} {onkeydown}
                />
            </div>
            {status}
            {for result}
        </section>
    }
}
