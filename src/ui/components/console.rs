//! The console: one line of `kubectl ...` or `sim ...`, its output below, the history under
//! the arrow keys, and Tab completion.
//!
//! Tab asks the root (`on_complete`) for the candidates at the cursor — computed from the live
//! cluster only then, never per render. One candidate: it is inserted with a space. Several: the
//! shared prefix is inserted and a list opens under the input; when there is no shared prefix to
//! add, the first candidate is inserted and Tab / Shift+Tab / the arrow keys cycle through them,
//! Enter keeps the choice, Escape closes the list. Nothing to complete (an empty line, an unknown
//! word): Tab does what it always does and moves the focus on.

use crate::kubectl::complete::{utf16_to_byte, Candidate, Completion};
use crate::ui::state::ConsoleEntry;
use std::rc::Rc;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Candidates drawn at most (a namespace can hold thousands of pods; the list scrolls).
const LIST_LIMIT: usize = 100;

#[derive(Properties, PartialEq)]
pub struct ConsoleProps {
    pub entries: Rc<Vec<ConsoleEntry>>,
    pub on_command: Callback<String>,
    /// Completion of `(line, cursor byte offset)` against the live cluster.
    pub on_complete: Callback<(String, usize), Rc<Completion>>,
    /// Ctrl+C or Stop while a command runs.
    pub on_interrupt: Callback<()>,
}

/// The open completion list: the line around the word being completed, and the choices.
#[derive(Clone, PartialEq)]
struct Menu {
    head: String,
    tail: String,
    candidates: Rc<Vec<Candidate>>,
    /// The highlighted candidate, already inserted in the input (None: only the shared prefix
    /// was inserted).
    selected: Option<usize>,
}

impl Menu {
    /// The input's text and caret (UTF-16, as the browser counts) with `value` as the word.
    fn line_with(&self, value: &str, then_space: bool) -> (String, u32) {
        let space = if then_space && !self.tail.starts_with(' ') {
            " "
        } else {
            ""
        };
        let before = format!("{}{value}{space}", self.head);
        let caret = before.encode_utf16().count() + usize::from(then_space && space.is_empty());
        (format!("{before}{}", self.tail), caret as u32)
    }

    /// The candidate after (or before) the highlighted one, wrapping around; from none, the
    /// first (or the last).
    fn next_index(&self, forward: bool) -> usize {
        let n = self.candidates.len();
        match (self.selected, forward) {
            (None, true) => 0,
            (None, false) => n - 1,
            (Some(i), true) => (i + 1) % n,
            (Some(i), false) => (i + n - 1) % n,
        }
    }

    /// The line with candidate `index` kept: a finished word gets its space.
    fn keep(&self, index: usize) -> (String, u32) {
        let chosen = &self.candidates[index];
        self.line_with(&chosen.value, chosen.finished())
    }

    fn select(&self, index: usize) -> (Menu, String, u32) {
        let menu = Menu {
            selected: Some(index),
            ..self.clone()
        };
        let (line, caret) = self.line_with(&self.candidates[index].value, false);
        (menu, line, caret)
    }
}

#[component]
pub fn ConsolePanel(props: &ConsoleProps) -> Html {
    let draft = use_state(String::new);
    // Position while browsing history with the arrow keys (None: editing a new line).
    let cursor = use_state(|| None::<usize>);
    let menu = use_state(|| None::<Menu>);
    // Where the caret goes after the next render (a completion in mid-line).
    let caret = use_mut_ref(|| None::<u32>);
    let input = use_node_ref();
    let log = use_node_ref();

    // Keep the newest output in view.
    let busy = props.entries.last().is_some_and(|e| e.running);
    {
        let log = log.clone();
        // Follow new entries and a running command's growing output.
        let last_len = props.entries.last().map_or(0, |e| e.output.len());
        use_effect_with((props.entries.len(), last_len), move |_| {
            if let Some(el) = log.cast::<web_sys::Element>() {
                el.set_scroll_top(el.scroll_height());
            }
        });
    }
    {
        let (caret, input) = (caret.clone(), input.clone());
        use_effect(move || {
            if let (Some(at), Some(el)) =
                (caret.borrow_mut().take(), input.cast::<HtmlInputElement>())
            {
                let _ = el.set_selection_range(at, at);
            }
        });
    }

    let show = {
        let (draft, menu, caret) = (draft.clone(), menu.clone(), caret.clone());
        Rc::new(move |line: String, at: u32, next: Option<Menu>| {
            *caret.borrow_mut() = Some(at);
            draft.set(line);
            menu.set(next);
        })
    };

    let oninput = {
        let (draft, cursor, menu) = (draft.clone(), cursor.clone(), menu.clone());
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            draft.set(input.value());
            cursor.set(None);
            menu.set(None);
        })
    };
    let onsubmit = {
        let (draft, cursor, menu) = (draft.clone(), cursor.clone(), menu.clone());
        let on_command = props.on_command.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if !draft.trim().is_empty() {
                on_command.emit((*draft).clone());
            }
            draft.set(String::new());
            cursor.set(None);
            menu.set(None);
        })
    };
    let onblur = {
        let menu = menu.clone();
        Callback::from(move |_: FocusEvent| menu.set(None))
    };

    let on_tab = {
        let (menu, show) = (menu.clone(), show.clone());
        let on_complete = props.on_complete.clone();
        move |e: &KeyboardEvent, input: HtmlInputElement| {
            if let Some(open) = &*menu {
                // Cycle through the open list.
                e.prevent_default();
                let (m, line, at) = open.select(open.next_index(!e.shift_key()));
                show(line, at, Some(m));
                return;
            }
            if e.shift_key() {
                return;
            }
            let line = input.value();
            let at = input.selection_end().ok().flatten().unwrap_or(0) as usize;
            let at = utf16_to_byte(&line, at);
            let found = on_complete.emit((line.clone(), at));
            if found.candidates.is_empty() {
                return; // Tab moves the focus on, as everywhere else.
            }
            e.prevent_default();
            let open = Menu {
                head: line[..found.start].to_string(),
                tail: line[found.end..].to_string(),
                candidates: Rc::new(found.candidates.clone()),
                selected: None,
            };
            if let [only] = found.candidates.as_slice() {
                let (text, at) = open.line_with(&only.value, only.finished());
                show(text, at, None);
            } else if found.common.len() > found.typed(&line).len() {
                let (text, at) = open.line_with(&found.common, false);
                show(text, at, Some(open));
            } else {
                let (m, text, at) = open.select(0);
                show(text, at, Some(m));
            }
        }
    };

    let onkeydown = {
        let (draft, cursor, menu, show) =
            (draft.clone(), cursor.clone(), menu.clone(), show.clone());
        let entries = props.entries.clone();
        let on_interrupt = props.on_interrupt.clone();
        Callback::from(move |e: KeyboardEvent| {
            let key = e.key();
            // Ctrl+C stops a running command, as at a terminal (unless text is selected,
            // which it copies).
            if busy && e.ctrl_key() && key.eq_ignore_ascii_case("c") {
                let input: HtmlInputElement = e.target_unchecked_into();
                let selected = matches!(
                    (input.selection_start(), input.selection_end()),
                    (Ok(Some(a)), Ok(Some(b))) if a != b
                );
                if !selected {
                    e.prevent_default();
                    on_interrupt.emit(());
                    return;
                }
            }
            if key == "Tab" {
                on_tab(&e, e.target_unchecked_into());
                return;
            }
            if let Some(open) = &*menu {
                match key.as_str() {
                    "ArrowDown" | "ArrowUp" => {
                        e.prevent_default();
                        let (m, line, at) = open.select(open.next_index(key == "ArrowDown"));
                        show(line, at, Some(m));
                    }
                    "Enter" if open.selected.is_some() => {
                        // Keep the choice (and end the word); the next Enter runs the line.
                        e.prevent_default();
                        let (line, at) = open.keep(open.selected.unwrap_or(0));
                        show(line, at, None);
                    }
                    "Escape" => {
                        e.prevent_default();
                        menu.set(None);
                    }
                    _ => {}
                }
                return;
            }
            let n = entries.len();
            let next = match (key.as_str(), *cursor) {
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

    let list = (*menu).clone().map(|open| {
        let shown = open.candidates.len().min(LIST_LIMIT);
        let more = open.candidates.len() - shown;
        html! {
            <ul id="console-completions" class="console-completions" role="listbox"
                aria-label="Completions" data-testid="console-completions">
                { for open.candidates.iter().take(shown).enumerate().map(|(i, c)| {
                    let selected = open.selected == Some(i);
                    let onmousedown = Callback::from(|e: MouseEvent| e.prevent_default());
                    let onclick = {
                        let (open, show) = (open.clone(), show.clone());
                        Callback::from(move |_: MouseEvent| {
                            let (line, at) = open.keep(i);
                            show(line, at, None);
                        })
                    };
                    html! {
                        <li id={format!("console-completion-{i}")} role="option"
                            aria-selected={selected.to_string()}
                            class={classes!("completion", selected.then_some("selected"))}
                            data-value={c.value.clone()} {onmousedown} {onclick}>
                            <span class="completion-value">{c.value.clone()}</span>
                            if let Some(hint) = &c.hint {
                                <span class="completion-hint">{hint.clone()}</span>
                            }
                        </li>
                    }
                }) }
                if more > 0 {
                    <li class="completion-more" role="presentation">{format!("… and {more} more: type more letters")}</li>
                }
            </ul>
        }
    });
    let announcement = match &*menu {
        Some(open) => format!(
            "{} completions; Tab or the arrow keys choose, Enter keeps, Escape closes",
            open.candidates.len()
        ),
        None => String::new(),
    };
    let active = (*menu)
        .as_ref()
        .and_then(|m| m.selected)
        .map(|i| format!("console-completion-{i}"));
    html! {
        <section class="panel console-panel" aria-labelledby="console-title" data-testid="console">
            <div class="panel-head">
                <h2 id="console-title">{"Console"}</h2>
                <p class="console-hint">
                    {"Try "}<code>{"kubectl get pods -o wide"}</code>{" or "}<code>{"sim --help"}</code>
                    <span class="console-tab-hint">{" · Tab completes"}</span>
                </p>
            </div>
            <div class="console-log" ref={log} data-testid="console-output" role="log" aria-live="polite" tabindex="0"
                aria-label="Console output">
                if props.entries.is_empty() {
                    <p class="console-empty">{"Commands you run appear here."}</p>
                }
                { for props.entries.iter().map(|entry| html! {
                    <div class={classes!("entry", (!entry.ok).then_some("bad"), entry.running.then_some("running"))}
                        data-ok={entry.ok.to_string()} data-running={entry.running.to_string()}>
                        <div class="entry-cmd"><span class="prompt" aria-hidden="true">{"$ "}</span>{entry.command.clone()}</div>
                        if !entry.output.is_empty() {
                            <pre class="entry-out">{entry.output.clone()}</pre>
                        }
                        if entry.running {
                            <p class="entry-running" data-testid="console-running">
                                <span class="running-dot" aria-hidden="true"></span>
                                {"Running: simulated time is moving. "}
                                <button type="button" class="btn btn-small" data-testid="console-stop"
                                    onclick={props.on_interrupt.reform(|_: MouseEvent| ())}>{"Stop"}</button>
                                <span class="console-tab-hint">{" or Ctrl+C"}</span>
                            </p>
                        }
                    </div>
                }) }
            </div>
            <form class="console-form" {onsubmit}>
                <label for="console-input" class="prompt" aria-hidden="true">{"$"}</label>
                <input id="console-input" ref={input} type="text" class="console-input" data-testid="console-input"
                    aria-label="Command (kubectl or sim); Tab completes"
                    role="combobox" aria-autocomplete="list"
                    aria-expanded={menu.is_some().to_string()}
                    aria-controls={menu.is_some().then_some("console-completions")}
                    aria-activedescendant={active}
                    placeholder={if busy { "Ctrl+C stops the running command" } else { "kubectl get pods" }}
                    autocomplete="off" autocapitalize="off" spellcheck="false"
                    value={(*draft).clone()} {oninput} {onkeydown} {onblur} />
                <button type="submit" class="btn" data-testid="run">{"Run"}</button>
            </form>
            // Always present, so opening the list never moves the focused input in the DOM
            // (a moved element loses focus).
            <div class="console-completions-slot">{for list}</div>
            <p class="sr-only" aria-live="polite" data-testid="console-completion-status">{announcement}</p>
        </section>
    }
}
