//! The inspector: what one pod, node or claim is, and why it is (or is not) doing something.
//! Opened by clicking a chip or a node name; the text comes from the same kubectl commands a
//! console user would run (`kubectl get -o yaml`, `kubectl describe`) and from `sim why`.

use crate::present::{InspectKind, InspectView};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct InspectorProps {
    pub view: Rc<InspectView>,
    pub on_close: Callback<()>,
}

#[component]
pub fn Inspector(props: &InspectorProps) -> Html {
    let v = &props.view;
    let t = &v.target;
    let resource = t.kind.resource();
    let ns_flag = if t.kind == InspectKind::Node {
        String::new()
    } else {
        format!(" -n {}", t.namespace)
    };
    // Focus moves into the drawer when it opens on an object, so Escape and Tab work at once.
    let close_button = use_node_ref();
    {
        let close_button = close_button.clone();
        use_effect_with(t.clone(), move |_| {
            if let Some(b) = close_button.cast::<web_sys::HtmlElement>() {
                let _ = b.focus();
            }
        });
    }
    let close = {
        let cb = props.on_close.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let on_key = {
        let cb = props.on_close.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                cb.emit(());
            }
        })
    };
    html! {
        <aside class="inspector" data-testid="inspector" aria-labelledby="inspector-title"
            data-kind={resource} data-name={t.name.clone()} onkeydown={on_key}>
            <div class="inspector-head">
                <h2 id="inspector-title"><span class="inspector-kind">{resource}</span>{"/"}{&t.name}</h2>
                <button type="button" class="btn btn-quiet" ref={close_button} data-testid="inspector-close"
                    aria-label="Close the inspector" onclick={close}>{"×"}</button>
            </div>
            <div class="inspector-body">
                <dl class="inspector-summary" data-testid="inspector-summary">
                    { for v.summary.iter().map(|(k, val)| html! { <><dt>{k}</dt><dd>{val}</dd></> }) }
                    if let Some(dns) = &v.dns {
                        <dt>{"DNS name"}</dt><dd data-testid="inspector-dns"><code>{dns}</code></dd>
                    }
                    if !v.claims.is_empty() {
                        <dt>{"Claims"}</dt>
                        <dd data-testid="inspector-claims">{v.claims.join(", ")}</dd>
                    }
                </dl>
                <section aria-label="Why">
                    <h3>{"Why"}<span class="inspector-cmd">{" sim why"}</span></h3>
                    if v.why.is_empty() {
                        <p class="inspector-empty">{"No controller or the scheduler is waiting on it."}</p>
                    } else {
                        <ul class="why-lines" data-testid="inspector-why">
                            { for v.why.iter().map(|w| html! {
                                <li class="why-line">
                                    <span class="why-component">{format!("{}: ", w.component)}</span>
                                    <span class="why-reason">{&w.reason}</span>
                                </li>
                            }) }
                        </ul>
                    }
                </section>
                <section aria-label="Events">
                    <h3>{"Events"}<span class="inspector-cmd">{format!(" kubectl describe {resource} {}{ns_flag}", t.name)}</span></h3>
                    <pre class="inspector-pre" data-testid="inspector-events">{
                        if v.events.is_empty() { "Events:  <none>" } else { v.events.as_str() }
                    }</pre>
                </section>
                <section aria-label="YAML">
                    <h3>{"YAML"}<span class="inspector-cmd">{format!(" kubectl get {resource} {}{ns_flag} -o yaml", t.name)}</span></h3>
                    <pre class="inspector-pre" data-testid="inspector-yaml" tabindex="0">{&v.yaml}</pre>
                </section>
            </div>
        </aside>
    }
}
