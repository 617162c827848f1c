//! Export and Import of the tab's session as a script file, Copy of the same script, the
//! question an import asks before it replaces the learner's work, and the box that reports
//! what the last import did.

use super::confirm::{focus, InlineConfirm};
use crate::ui::journal::Journal;
use crate::ui::session_script::{export_text, ImportStatus, FILE_NAME, MAX_IMPORT_BYTES};
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{FileReader, HtmlAnchorElement, HtmlInputElement};
use yew::prelude::*;

/// Downloads `text` as `FILE_NAME` through a temporary object URL.
fn download(text: &str) -> Result<(), JsValue> {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let blob = web_sys::Blob::new_with_str_sequence(&parts)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let document = gloo::utils::document();
    let a: HtmlAnchorElement = document.create_element("a")?.unchecked_into();
    a.set_href(&url);
    a.set_download(FILE_NAME);
    a.click();
    web_sys::Url::revoke_object_url(&url)
}

/// What a copy reports to: whether the text reached the clipboard.
type Done = Box<dyn FnOnce(bool)>;

/// `navigator.clipboard.writeText(text)`, looked up dynamically (it exists only in secure
/// contexts, and web-sys would need two more features for one call). `done` hears whether the
/// text reached the clipboard.
fn copy_to_clipboard(text: &str, done: impl FnOnce(bool) + 'static) {
    let write = || -> Result<js_sys::Promise, JsValue> {
        let navigator = js_sys::Reflect::get(&gloo::utils::window(), &"navigator".into())?;
        let clipboard = js_sys::Reflect::get(&navigator, &"clipboard".into())?;
        let write: js_sys::Function =
            js_sys::Reflect::get(&clipboard, &"writeText".into())?.dyn_into()?;
        write
            .call1(&clipboard, &JsValue::from_str(text))?
            .dyn_into()
    };
    match write() {
        Ok(promise) => {
            // Exactly one of the two handlers runs; the shared slot hands `done` to it.
            let slot: Rc<Cell<Option<Done>>> = Rc::new(Cell::new(Some(Box::new(done))));
            let handler = |ok: bool| {
                let slot = slot.clone();
                Closure::<dyn FnMut(JsValue)>::new(move |_: JsValue| {
                    if let Some(f) = slot.take() {
                        f(ok);
                    }
                })
            };
            let (resolved, rejected) = (handler(true), handler(false));
            let _ = promise.then2(&resolved, &rejected);
            // One small pair per click; JS owns them from here.
            resolved.forget();
            rejected.forget();
        }
        Err(_) => done(false),
    }
}

#[derive(Properties, PartialEq)]
pub struct SessionFileProps {
    pub seed: u64,
    pub journal: Rc<Journal>,
    /// (file name, its text or why it was not read) of a file the learner picked.
    pub on_import: Callback<(String, Result<String, String>)>,
    /// The name of a file whose import waits for a yes (it would replace the learner's work).
    pub pending: Option<AttrValue>,
    pub on_confirm: Callback<()>,
    pub on_cancel: Callback<()>,
    /// The Import button, shared with `ImportStatusBox`: where the focus returns.
    pub import_ref: NodeRef,
}

#[component]
pub fn SessionFile(props: &SessionFileProps) -> Html {
    let input = use_node_ref();
    // What the Copy button last did, announced next to it.
    let copied = use_state(|| None::<&'static str>);
    let script = {
        let seed = props.seed;
        let journal = props.journal.clone();
        move || export_text(seed, &journal.to_script())
    };
    let export = {
        let script = script.clone();
        Callback::from(move |_: MouseEvent| {
            let _ = download(&script());
        })
    };
    let copy = {
        let copied = copied.clone();
        Callback::from(move |_: MouseEvent| {
            let copied = copied.clone();
            copy_to_clipboard(&script(), move |ok| {
                copied.set(Some(if ok {
                    "Copied"
                } else {
                    "Copy failed: the browser did not allow it"
                }))
            });
        })
    };
    let clear_copied = {
        let copied = copied.clone();
        Callback::from(move |_: FocusEvent| copied.set(None))
    };
    let open_picker = {
        let input = input.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(input) = input.cast::<HtmlInputElement>() {
                input.click();
            }
        })
    };
    let confirm_box = props.pending.as_ref().map(|file_name| {
        html! {
            <InlineConfirm testid="import-confirm" ok_testid="import-confirm-ok"
                confirm_label="Import" return_focus={props.import_ref.clone()}
                on_confirm={focus_then_emit(&props.on_confirm, &props.import_ref)}
                on_cancel={props.on_cancel.clone()}>
                {"Import "}<strong>{file_name.clone()}</strong>
                {"? It replays the file on a fresh cluster, so this tab's commands are lost \
                  unless you Export them first. Your manifest stays."}
            </InlineConfirm>
        }
    });
    let picked = {
        let on_import = props.on_import.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let Some(file) = input.files().and_then(|f| f.get(0)) else {
                return;
            };
            // The same file may be picked again after a fix, so the input forgets it.
            input.set_value("");
            let name = file.name();
            if file.size() > MAX_IMPORT_BYTES {
                on_import.emit((
                    name,
                    Err(format!(
                        "the file is {:.1} MB; kubeplay imports session files of at most 2 MB",
                        file.size() / 1024.0 / 1024.0
                    )),
                ));
                return;
            }
            let Ok(reader) = FileReader::new() else {
                return;
            };
            let on_import = on_import.clone();
            let reader_in_load = reader.clone();
            let onload = Closure::once_into_js(move || {
                let text = reader_in_load
                    .result()
                    .ok()
                    .and_then(|r| r.as_string())
                    .ok_or_else(|| "the file could not be read as text".to_string());
                on_import.emit((name, text));
            });
            reader.set_onload(Some(onload.unchecked_ref()));
            let _ = reader.read_as_text(&file);
        })
    };
    html! {
        <div class="session-file" role="group" aria-label="Session file">
            <button type="button" class="btn" data-testid="export" onclick={export}
                title={format!("Download this tab's session as {FILE_NAME}: a script `kubeplay run` replays")}>
                <span class="icon" aria-hidden="true">{"↓"}</span>{"Export"}
            </button>
            <button type="button" class="btn" data-testid="import" onclick={open_picker}
                ref={props.import_ref.clone()}
                title="Replay a session file on a fresh cluster (your cluster stays if it fails)">
                <span class="icon" aria-hidden="true">{"↑"}</span>{"Import"}
            </button>
            <input type="file" ref={input} class="sr-only" data-testid="import-file" tabindex="-1"
                aria-hidden="true" accept=".kubeplay,.sh,.txt,text/plain" onchange={picked} />
            <button type="button" class="btn btn-quiet" data-testid="copy-script" onclick={copy}
                onblur={clear_copied} title="Copy this tab's session script to the clipboard">
                {"Copy script"}
            </button>
            <span class="copy-status" role="status" data-testid="copy-status">{(*copied).unwrap_or("")}</span>
            // One node whether asked or not: a list that grows or shrinks at its end would
            // make Yew rebuild the elements before it (and drop their focus).
            {confirm_box.unwrap_or_default()}
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct ImportStatusProps {
    pub status: Rc<ImportStatus>,
    pub on_force: Callback<()>,
    pub on_dismiss: Callback<()>,
    /// The Import button: the focus goes back there when the box's button that had it goes.
    pub import_ref: NodeRef,
}

/// `done`, after handing the focus to `to` (the clicked button is about to go).
fn focus_then_emit(done: &Callback<()>, to: &NodeRef) -> Callback<()> {
    let (done, to) = (done.clone(), to.clone());
    Callback::from(move |()| {
        focus(&to);
        done.emit(());
    })
}

/// What the last import did: its error at its line (the cluster is untouched), or how many
/// commands it replayed.
#[component]
pub fn ImportStatusBox(props: &ImportStatusProps) -> Html {
    // Both buttons go with the box (or with its failure), so the focus goes back to Import
    // first; a question the import then asks takes it from there.
    let dismiss = focus_then_emit(&props.on_dismiss, &props.import_ref).reform(|_: MouseEvent| ());
    let force = focus_then_emit(&props.on_force, &props.import_ref).reform(|_: MouseEvent| ());
    match &*props.status {
        ImportStatus::Done {
            file_name,
            commands,
        } => html! {
            <div class="import-status ok" role="status" data-testid="import-status" data-ok="true">
                <p>{format!("Imported {file_name}: {commands} command{} replayed on a fresh cluster.",
                    if *commands == 1 { "" } else { "s" })}</p>
                <button type="button" class="btn btn-quiet" aria-label="Dismiss this message"
                    onclick={dismiss}>{"×"}</button>
            </div>
        },
        ImportStatus::Failed(p) => {
            let place = match p.line {
                Some(line) => format!("{} line {line}", p.file_name),
                None => p.file_name.clone(),
            };
            html! {
                <div class="import-status bad" role="alert" data-testid="import-status" data-ok="false"
                    data-line={p.line.map(|l| l.to_string())}>
                    <div class="import-status-text">
                        <p class="import-status-head">
                            {format!("Not imported: {place}")}
                        </p>
                        if let Some(command) = &p.command {
                            <pre class="import-status-cmd">{format!("$ {command}")}</pre>
                        }
                        <pre class="import-status-msg" data-testid="import-error">{p.message.clone()}</pre>
                        <p class="import-status-kept">{"Your cluster and manifest are unchanged."}</p>
                    </div>
                    <div class="import-status-actions">
                        if p.can_force {
                            <button type="button" class="btn" data-testid="import-anyway" onclick={force}
                                title="Replay the whole file; failing commands fail as they did when it was recorded">
                                {"Import anyway"}
                            </button>
                        }
                        <button type="button" class="btn btn-quiet" aria-label="Dismiss this message"
                            data-testid="import-dismiss" onclick={dismiss}>{"×"}</button>
                    </div>
                </div>
            }
        }
    }
}
