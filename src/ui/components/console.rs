//! The console: one line of `kubectl ...` or `sim ...`, its output below, and the history
//! under the arrow keys.

use crate::ui::state::ConsoleEntry;
use std::rc::Rc;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ConsoleProps {
    pub entries: Rc<Vec<ConsoleEntry>>,
    pub on_command: Callback<String>,
}

#[component]
pub fn ConsolePanel(props: &ConsoleProps) -> Html {
    let draft = use_state(String::new);
    // Position while browsing history with the arrow keys (None: editing a new line).
    let cursor = use_state(|| None::<usize>);
    let log = use_node_ref();

    // Keep the newest output in view.
    {
        let log = log.clone();
        use_effect_with(props.entries.len(), move |_| {
            if let Some(el) = log.cast::<web_sys::Element>() {
                el.set_scroll_top(el.scroll_height());
            }
        });
    }

    let oninput = {
        let draft = draft.clone();
        let cursor = cursor.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            draft.set(input.value());
            cursor.set(None);
        })
    };
    let onsubmit = {
        let draft = draft.clone();
        let cursor = cursor.clone();
        let on_command = props.on_command.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if !draft.trim().is_empty() {
                on_command.emit((*draft).clone());
            }
            draft.set(String::new());
            cursor.set(None);
        })
    };
    let onkeydown = {
        let draft = draft.clone();
        let cursor = cursor.clone();
        let entries = props.entries.clone();
        Callback::from(move |e: KeyboardEvent| {
            let n = entries.len();
            let next = match (e.key().as_str(), *cursor) {
                ("ArrowUp", None) if n > 0 => Some(n - 1),
                ("ArrowUp", Some(i)) => Some(i.saturating_sub(1)),
                ("ArrowDown", Some(i)) if i + 1 < n => Some(i + 1),
                ("ArrowDown", Some(_)) => {
                    e.prevent_default();
                    cursor.set(None);
                    draft.set(String::new());
                    return;
                }
                _ => return,
            };
            e.prevent_default();
            if let Some(i) = next {
                if let Some(entry) = entries.get(i) {
                    draft.set(entry.command.to_string());
                    cursor.set(Some(i));
                }
            }
        })
    };

    html! {
        <section class="panel console-panel" aria-labelledby="console-title" data-testid="console">
            <div class="panel-head">
                <h2 id="console-title">{"Console"}</h2>
                <p class="console-hint">
                    {"Try "}<code>{"kubectl get pods -o wide"}</code>{" or "}<code>{"sim --help"}</code>
                </p>
            </div>
            <div class="console-log" ref={log} data-testid="console-output" role="log" aria-live="polite" tabindex="0"
                aria-label="Console output">
                if props.entries.is_empty() {
                    <p class="console-empty">{"Commands you run appear here."}</p>
                }
                { for props.entries.iter().map(|entry| html! {
                    <div class={classes!("entry", (!entry.ok).then_some("bad"))} data-ok={entry.ok.to_string()}>
                        <div class="entry-cmd"><span class="prompt" aria-hidden="true">{"$ "}</span>{entry.command.clone()}</div>
                        if !entry.output.is_empty() {
                            <pre class="entry-out">{entry.output.clone()}</pre>
                        }
                    </div>
                }) }
            </div>
            <form class="console-form" {onsubmit}>
                <label for="console-input" class="prompt" aria-hidden="true">{"$"}</label>
                <input id="console-input" type="text" class="console-input" data-testid="console-input"
                    aria-label="Command (kubectl or sim)" placeholder="kubectl get pods"
                    autocomplete="off" autocapitalize="off" spellcheck="false"
                    value={(*draft).clone()} {oninput} {onkeydown} />
                <button type="submit" class="btn" data-testid="run">{"Run"}</button>
            </form>
        </section>
    }
}
