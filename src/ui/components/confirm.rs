//! The inline question asked before something replaces the tab's cluster (opening a story,
//! importing a session file). No modal dialog: nothing may block the page, so the question sits
//! under the control that raised it.
//!
//! Keyboard: the question takes the focus when it appears (its confirming button), Escape
//! cancels, and Cancel hands the focus back to `return_focus` (the control that raised it), so
//! it never falls to the page when the question goes away.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct InlineConfirmProps {
    /// `data-testid` of the box; its Cancel button's is `<testid>-cancel`.
    pub testid: AttrValue,
    /// `data-testid` of the confirming button.
    pub ok_testid: AttrValue,
    /// The label of the confirming button (`Open story`, `Import`).
    pub confirm_label: AttrValue,
    /// Where the focus goes on Cancel or Escape.
    pub return_focus: NodeRef,
    pub on_confirm: Callback<()>,
    pub on_cancel: Callback<()>,
    /// The question.
    pub children: Html,
}

#[component]
pub fn InlineConfirm(props: &InlineConfirmProps) -> Html {
    let ok_ref = use_node_ref();
    {
        // Mounted when asked: the keyboard answers next.
        let ok_ref = ok_ref.clone();
        use_effect_with((), move |_| focus(&ok_ref));
    }
    let cancel = {
        let on_cancel = props.on_cancel.clone();
        let return_focus = props.return_focus.clone();
        move || {
            // Before the box goes, so the focus never falls to the page.
            focus(&return_focus);
            on_cancel.emit(());
        }
    };
    let on_key = {
        let cancel = cancel.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                e.prevent_default();
                cancel();
            }
        })
    };
    let on_cancel = Callback::from(move |_: MouseEvent| cancel());
    let on_confirm = {
        let on_confirm = props.on_confirm.clone();
        Callback::from(move |_: MouseEvent| on_confirm.emit(()))
    };
    let text_id = format!("{}-text", props.testid);
    html! {
        <div class="inline-confirm" role="alertdialog" aria-labelledby={text_id.clone()}
            data-testid={props.testid.clone()} onkeydown={on_key}>
            <p id={text_id}>{props.children.clone()}</p>
            <div class="inline-confirm-actions">
                <button type="button" class="btn btn-quiet" data-testid={format!("{}-cancel", props.testid)}
                    onclick={on_cancel}>{"Cancel"}</button>
                <button type="button" class="btn btn-primary" data-testid={props.ok_testid.clone()}
                    ref={ok_ref} onclick={on_confirm}>{props.confirm_label.clone()}</button>
            </div>
        </div>
    }
}

/// Focuses the element behind `node`, if it is on the page.
pub fn focus(node: &NodeRef) {
    if let Some(el) = node.cast::<web_sys::HtmlElement>() {
        let _ = el.focus();
    }
}
