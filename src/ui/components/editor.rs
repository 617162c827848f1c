//! The manifest editor: a textarea with a line-number gutter, an example picker, the Apply
//! button (also Ctrl/Cmd+Enter), the live YAML check and what `kubectl apply` answered.
//!
//! Syntax colouring uses the overlay technique: the textarea (transparent text, visible caret
//! and selection) lies over a `<pre>` that shows the same text coloured by
//! `crate::highlight`, with identical font metrics; the `<pre>` follows the textarea's scroll.
//! Each line of the `<pre>` is its own component, so a key press repaints the lines that
//! changed, not the whole manifest.

use crate::highlight::{tokenize_lines, Style};
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
    let overlay = use_node_ref();
    let area = use_node_ref();
    let error_line = props.problem.as_ref().and_then(|p| p.line);

    let oninput = {
        let on_edit = props.on_edit.clone();
        Callback::from(move |e: InputEvent| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            on_edit.emit(area.value());
        })
    };
    // The gutter and the coloured text follow the textarea's scroll position so numbers and
    // colours stay under their lines.
    let onscroll = {
        let (gutter, overlay) = (gutter.clone(), overlay.clone());
        Callback::from(move |e: Event| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            sync_scroll(&area, &gutter, &overlay);
        })
    };
    // Colour the changed lines and number them, then sync the scroll again: typing can scroll
    // the textarea before the new line exists in the overlay (which then clamps its own scroll).
    let painter = use_mut_ref(LinePainter::default);
    let numbers = use_mut_ref(GutterPainter::default);
    {
        let (area, gutter, overlay) = (area.clone(), gutter.clone(), overlay.clone());
        use_effect_with(
            (props.text.clone(), error_line),
            move |(text, error_line)| {
                if let Some(pre) = overlay.cast::<web_sys::Element>() {
                    let count = painter.borrow_mut().paint(&pre, text, *error_line);
                    if let Some(g) = gutter.cast::<web_sys::Element>() {
                        numbers.borrow_mut().paint(&g, count, *error_line);
                    }
                }
                if let Some(a) = area.cast::<HtmlTextAreaElement>() {
                    sync_scroll(&a, &gutter, &overlay);
                }
            },
        );
    }
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
                <span class="sr-only">{"Manifest problem: "}</span>{p.summary()}
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
                <pre class="gutter" ref={gutter} aria-hidden="true"></pre>
                <div class="code-area">
                <pre class="code-highlight" ref={overlay} aria-hidden="true" data-testid="editor-highlight">
                </pre>
                <textarea
                    ref={area}
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
            </div>
            {status}
            // A fixed slot: an unkeyed child appearing at the end of the section would make Yew
            // pair the children anew and rebuild the textarea (losing focus and colours).
            <div class="apply-slot">{for result}</div>
        </section>
    }
}

fn sync_scroll(area: &HtmlTextAreaElement, gutter: &NodeRef, overlay: &NodeRef) {
    if let Some(g) = gutter.cast::<web_sys::Element>() {
        g.set_scroll_top(area.scroll_top());
    }
    if let Some(o) = overlay.cast::<web_sys::Element>() {
        o.set_scroll_top(area.scroll_top());
        o.set_scroll_left(area.scroll_left());
    }
}

/// The gutter's line numbers, kept by hand like the coloured lines: a new line appends one
/// number, a deleted one removes the last, and the error mark moves between two of them.
#[derive(Default)]
struct GutterPainter {
    target: Option<web_sys::Element>,
    numbers: Vec<web_sys::Element>,
    error: Option<usize>,
}

impl GutterPainter {
    fn paint(&mut self, gutter: &web_sys::Element, count: usize, error_line: Option<usize>) {
        let Some(document) = gutter.owner_document() else {
            return;
        };
        if self.target.as_ref() != Some(gutter) {
            *self = GutterPainter {
                target: Some(gutter.clone()),
                ..GutterPainter::default()
            };
            gutter.set_inner_html("");
        }
        while self.numbers.len() > count {
            if let Some(el) = self.numbers.pop() {
                el.remove();
            }
        }
        while self.numbers.len() < count {
            let Ok(el) = document.create_element("span") else {
                return;
            };
            el.set_class_name("ln");
            el.set_text_content(Some(&format!("{}\n", self.numbers.len() + 1)));
            let _ = gutter.append_child(&el);
            self.numbers.push(el);
        }
        let error = error_line.and_then(|n| n.checked_sub(1));
        if let Some(el) = self.error.and_then(|i| self.numbers.get(i)) {
            el.set_class_name("ln");
        }
        if let Some(el) = error.and_then(|i| self.numbers.get(i)) {
            el.set_class_name("ln err");
        }
        self.error = error;
    }
}

/// The coloured copy of the editor text, drawn into the overlay `<pre>` by hand rather than
/// through Yew: a key press changes one line, and diffing the old lines against the new ones
/// (same start, same end, replace the middle) touches only that line's element. With 500 lines,
/// rebuilding and diffing a virtual node per line on every key press cost tens of milliseconds.
#[derive(Default)]
struct LinePainter {
    /// The `<pre>` the lines were drawn into (if Yew ever replaces it, start over).
    target: Option<web_sys::Element>,
    lines: Vec<(LineTokens, web_sys::Element)>,
    /// 0-based index of the line drawn with the error band.
    error: Option<usize>,
}

impl LinePainter {
    /// Draws `text` into `pre`; returns how many lines it has.
    fn paint(&mut self, pre: &web_sys::Element, text: &str, error_line: Option<usize>) -> usize {
        let Some(document) = pre.owner_document() else {
            return 0;
        };
        if self.target.as_ref() != Some(pre) {
            *self = LinePainter {
                target: Some(pre.clone()),
                ..LinePainter::default()
            };
            pre.set_inner_html("");
        }
        let new = split_lines(text);
        let old_len = self.lines.len();
        let same_start = self
            .lines
            .iter()
            .zip(&new)
            .take_while(|((old, _), new)| old == *new)
            .count();
        let same_end = self.lines[same_start..]
            .iter()
            .rev()
            .zip(new[same_start..].iter().rev())
            .take_while(|((old, _), new)| old == *new)
            .count();
        let removed: Vec<_> = self.lines.drain(same_start..old_len - same_end).collect();
        for (_, el) in &removed {
            el.remove();
        }
        let anchor = self.lines.get(same_start).map(|(_, el)| el.clone());
        let inserted: Vec<_> = new[same_start..new.len() - same_end]
            .iter()
            .filter_map(|line| {
                let el = document.create_element("span").ok()?;
                el.set_class_name("hl-line");
                el.set_inner_html(&line_html(line));
                let _ = pre.insert_before(&el, anchor.as_ref().map(|a| a.as_ref()));
                Some((line.clone(), el))
            })
            .collect();
        self.lines.splice(same_start..same_start, inserted);

        let error = error_line.and_then(|n| n.checked_sub(1));
        if let Some((_, el)) = self.error.and_then(|i| self.lines.get(i)) {
            el.set_class_name("hl-line");
        }
        if let Some((_, el)) = error.and_then(|i| self.lines.get(i)) {
            el.set_class_name("hl-line err");
        }
        self.error = error;
        self.lines.len()
    }
}

/// One line's text and its coloured pieces (byte ranges into `text`).
#[derive(Clone, PartialEq)]
struct LineTokens {
    text: String,
    pieces: Vec<(Style, usize, usize)>,
}

fn split_lines(text: &str) -> Vec<LineTokens> {
    let mut starts = Vec::with_capacity(text.len() / 24 + 1);
    starts.push(0);
    starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
    tokenize_lines(text)
        .into_iter()
        .zip(starts)
        .map(|(tokens, start)| {
            let end = tokens.last().map_or(start, |t| t.end);
            LineTokens {
                text: text[start..end].to_string(),
                pieces: tokens
                    .iter()
                    .map(|t| (t.style, t.start - start, t.end - start))
                    .collect(),
            }
        })
        .collect()
}

/// A line as HTML: coloured pieces in `<span class="tk-...">`, text escaped, and the newline
/// (so the layer's text is exactly the textarea's).
fn line_html(line: &LineTokens) -> String {
    let mut html = String::with_capacity(line.text.len() * 2 + 1);
    for &(style, start, end) in &line.pieces {
        let piece = escape_html(&line.text[start..end]);
        match style.class() {
            Some(class) => {
                html.push_str("<span class=\"");
                html.push_str(class);
                html.push_str("\">");
                html.push_str(&piece);
                html.push_str("</span>");
            }
            None => html.push_str(&piece),
        }
    }
    html.push('\n');
    html
}

fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
    out
}
