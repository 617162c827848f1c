//! The editor's syntax colouring (overlay under the textarea) and the console's Tab completion,
//! driven through the DOM as a user's keys would.

use super::{click, count, find, mount, text, type_into};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlInputElement, HtmlTextAreaElement};

const INPUT: &str = "[data-testid=console-input]";

/// Fires a bubbling, cancelable keydown on `selector`; returns whether the page let the
/// browser's default happen (false: the key was handled, e.g. Tab did not move the focus).
async fn key(root: &Element, selector: &str, key: &str, shift: bool) -> bool {
    let el = find(root, selector);
    let fire = js_sys::Function::new_with_args(
        "el, key, shift",
        "return el.dispatchEvent(new KeyboardEvent('keydown', \
         {key, shiftKey: shift, bubbles: true, cancelable: true}));",
    );
    let allowed = fire
        .call3(
            &JsValue::NULL,
            &el,
            &JsValue::from_str(key),
            &JsValue::from_bool(shift),
        )
        .unwrap()
        .as_bool()
        .unwrap();
    yew::scheduler::flush().await;
    allowed
}

fn input_value(root: &Element) -> String {
    find(root, INPUT)
        .unchecked_into::<HtmlInputElement>()
        .value()
}

fn options(root: &Element) -> Vec<String> {
    let list = root
        .query_selector_all("[data-testid=console-completions] [role=option]")
        .unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i))
        .map(|n| {
            n.unchecked_into::<Element>()
                .get_attribute("data-value")
                .unwrap_or_default()
        })
        .collect()
}

fn selected(root: &Element) -> Option<String> {
    root.query_selector("[data-testid=console-completions] [aria-selected=true]")
        .unwrap()
        .and_then(|e| e.get_attribute("data-value"))
}

/// Runs a console command the way a user does.
async fn run(root: &Element, line: &str) {
    type_into(root, INPUT, line).await;
    click(root, "[data-testid=run]").await;
    super::console_done(root).await;
}

/// The texts of the coloured pieces of one class.
fn pieces(root: &Element, class: &str) -> Vec<String> {
    let list = root
        .query_selector_all(&format!("[data-testid=editor-highlight] .{class}"))
        .unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i))
        .map(|n| n.text_content().unwrap_or_default())
        .collect()
}

fn editor_value(root: &Element) -> String {
    find(root, "[data-testid=editor]")
        .unchecked_into::<HtmlTextAreaElement>()
        .value()
}

#[wasm_bindgen_test]
async fn the_example_manifest_is_coloured_under_the_textarea() {
    let (root, handle) = mount().await;
    // The layer shows exactly the textarea's text (one newline per line), so colours sit under
    // the letters the caret moves over.
    assert_eq!(
        text(&root, "[data-testid=editor-highlight]"),
        format!("{}\n", editor_value(&root))
    );
    let keys = pieces(&root, "tk-key");
    for k in [
        "apiVersion",
        "kind",
        "metadata",
        "replicas",
        "volumeClaimTemplates",
    ] {
        assert!(
            keys.iter().any(|p| p == k),
            "{k} not coloured as a key: {keys:?}"
        );
    }
    assert!(
        pieces(&root, "tk-com").iter().any(|c| c.starts_with("# ")),
        "comments"
    );
    assert!(pieces(&root, "tk-num").iter().any(|n| n == "80"), "numbers");
    assert!(
        pieces(&root, "tk-str").iter().any(|s| s == "StatefulSet"),
        "strings"
    );
    assert_eq!(pieces(&root, "tk-doc"), ["---"], "the document separator");
    assert!(
        pieces(&root, "tk-ind").iter().any(|s| s == "-"),
        "list dashes"
    );
    // (Transparent textarea letters and matching font metrics need the stylesheet: the e2e
    // test checks them against the built app.)
    handle.destroy();
}

#[wasm_bindgen_test]
async fn typing_recolours_block_scalars_anchors_and_the_error_line() {
    let (root, handle) = mount().await;
    let text_in = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: &n app # named\ndata:\n  script: |\n    echo: not a key\n    # not a comment\n  debug: on\n  copy: *n\n";
    type_into(&root, "[data-testid=editor]", text_in).await;
    assert_eq!(
        text(&root, "[data-testid=editor-highlight]"),
        format!("{text_in}\n")
    );
    let strings = pieces(&root, "tk-str");
    assert!(
        strings.contains(&"echo: not a key".to_string()),
        "{strings:?}"
    );
    assert!(
        strings.contains(&"# not a comment".to_string()),
        "{strings:?}"
    );
    assert_eq!(pieces(&root, "tk-anchor"), ["&n"]);
    assert_eq!(pieces(&root, "tk-alias"), ["*n"]);
    assert_eq!(
        pieces(&root, "tk-lit"),
        ["on"],
        "on is a boolean to the API server"
    );
    assert_eq!(pieces(&root, "tk-com"), ["# named"]);
    // ...and so the API server refuses it in a ConfigMap's string data: the live check marks
    // that line, as kubectl apply would fail on it.
    assert_eq!(
        count(&root, "[data-testid=editor-highlight] .hl-line.err"),
        1
    );
    assert_eq!(
        text(&root, "[data-testid=editor-highlight] .hl-line.err").trim_end(),
        "  debug: on"
    );

    // A broken line gets the red band on the same line as the gutter's mark.
    type_into(
        &root,
        "[data-testid=editor]",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  labels: [app\n",
    )
    .await;
    assert_eq!(
        count(&root, "[data-testid=editor-highlight] .hl-line.err"),
        1
    );
    let band = root
        .query_selector_all("[data-testid=editor-highlight] .hl-line")
        .unwrap();
    let band_line = (0..band.length())
        .position(|i| {
            band.item(i)
                .unwrap()
                .unchecked_into::<Element>()
                .get_attribute("class")
                .is_some_and(|c| c.split(' ').any(|c| c == "err"))
        })
        .unwrap()
        + 1;
    assert_eq!(text(&root, ".gutter .ln.err").trim(), band_line.to_string());
    handle.destroy();
}

#[wasm_bindgen_test]
async fn tab_completes_a_kind_and_then_a_live_object_name() {
    let (root, handle) = mount().await;
    type_into(&root, INPUT, "kubectl get stat").await;
    assert!(
        !key(&root, INPUT, "Tab", false).await,
        "Tab was handled, focus stays"
    );
    assert_eq!(input_value(&root), "kubectl get statefulsets ");
    assert_eq!(
        count(&root, "[data-testid=console-completions]"),
        0,
        "one candidate: no list"
    );

    // `st` is both statefulsets and storageclasses: the list opens on the first.
    type_into(&root, INPUT, "kubectl get st").await;
    key(&root, INPUT, "Tab", false).await;
    assert_eq!(options(&root), ["statefulsets", "storageclasses"]);
    assert_eq!(input_value(&root), "kubectl get statefulsets");
    assert_eq!(
        find(&root, INPUT).get_attribute("aria-expanded").as_deref(),
        Some("true")
    );
    assert!(text(&root, "[data-testid=console-completion-status]").contains("2 completions"));
    key(&root, INPUT, "Escape", false).await;
    assert_eq!(
        count(&root, "[data-testid=console-completions]"),
        0,
        "Escape closes the list"
    );
    assert_eq!(input_value(&root), "kubectl get statefulsets");
    handle.destroy();
}

#[wasm_bindgen_test]
async fn ambiguous_names_open_a_list_that_tab_and_arrows_cycle() {
    let (root, handle) = mount().await;
    click(&root, "[data-testid=apply]").await;
    // kubectl's answer appearing under the editor must not take the colours away.
    assert_eq!(
        text(&root, "[data-testid=editor-highlight]"),
        format!("{}\n", editor_value(&root))
    );
    run(&root, "sim settle").await;
    type_into(&root, INPUT, "kubectl describe pod web-").await;
    key(&root, INPUT, "Tab", false).await;
    assert_eq!(options(&root), ["web-0", "web-1", "web-2"]);
    assert_eq!(selected(&root).as_deref(), Some("web-0"));
    assert_eq!(input_value(&root), "kubectl describe pod web-0");
    key(&root, INPUT, "Tab", false).await;
    assert_eq!(input_value(&root), "kubectl describe pod web-1");
    key(&root, INPUT, "Tab", true).await;
    assert_eq!(input_value(&root), "kubectl describe pod web-0");
    key(&root, INPUT, "ArrowUp", false).await;
    assert_eq!(
        selected(&root).as_deref(),
        Some("web-2"),
        "arrows wrap around"
    );
    assert_eq!(
        find(&root, INPUT)
            .get_attribute("aria-activedescendant")
            .as_deref(),
        Some("console-completion-2")
    );
    // Enter keeps the choice and ends the word; the next Enter runs it.
    assert!(!key(&root, INPUT, "Enter", false).await);
    assert_eq!(input_value(&root), "kubectl describe pod web-2 ");
    assert_eq!(count(&root, "[data-testid=console-completions]"), 0);
    click(&root, "[data-testid=run]").await;
    assert!(text(&root, "[data-testid=console-output]").contains("Name:             web-2"));

    // Names follow -n: the kube-system pods are offered only there.
    type_into(&root, INPUT, "kubectl get pods -n kube-system kube-proxy-").await;
    key(&root, INPUT, "Tab", false).await;
    assert_eq!(options(&root).len(), 4, "{:?}", options(&root));
    handle.destroy();
}

#[wasm_bindgen_test]
async fn tab_with_nothing_to_complete_moves_focus_and_history_still_works() {
    let (root, handle) = mount().await;
    assert!(
        key(&root, INPUT, "Tab", false).await,
        "an empty line must not trap Tab"
    );
    type_into(&root, INPUT, "frobnicate").await;
    assert!(
        key(&root, INPUT, "Tab", false).await,
        "nothing to complete: Tab moves on"
    );
    assert_eq!(count(&root, "[data-testid=console-completions]"), 0);
    type_into(&root, INPUT, "kubectl get st").await;
    key(&root, INPUT, "Tab", false).await;
    assert!(
        !key(&root, INPUT, "Tab", true).await,
        "Shift+Tab cycles while the list is open"
    );
    key(&root, INPUT, "Escape", false).await;
    assert!(
        key(&root, INPUT, "Tab", true).await,
        "Shift+Tab with the list closed moves focus back"
    );

    run(&root, "sim time").await;
    run(&root, "kubectl get nodes").await;
    key(&root, INPUT, "ArrowUp", false).await;
    assert_eq!(input_value(&root), "kubectl get nodes");
    key(&root, INPUT, "ArrowUp", false).await;
    assert_eq!(input_value(&root), "sim time");
    key(&root, INPUT, "ArrowDown", false).await;
    assert_eq!(input_value(&root), "kubectl get nodes");
    handle.destroy();
}
