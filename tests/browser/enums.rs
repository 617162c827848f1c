//! Enum-valued fields in the editor's live check: a value the API server's validation refuses
//! (the decoder takes any string) is shown while typing, on the line the field is written on,
//! even where upstream's path starts elsewhere (`metadata.taints`); a half-typed manifest that
//! only lacks fields is not flagged.

use super::{count, mount, text, type_into};
use wasm_bindgen_test::*;

#[wasm_bindgen_test]
async fn an_unsupported_taint_effect_is_marked_on_its_line_while_typing() {
    let (root, handle) = mount().await;
    type_into(
        &root,
        "[data-testid=editor]",
        "apiVersion: v1\nkind: Node\nmetadata:\n  name: extra\nspec:\n  taints:\n  - key: a\n    effect: Sometimes\n",
    )
    .await;
    assert_eq!(
        text(&root, "[data-testid=editor-error]"),
        "Manifest problem: Line 8: metadata.taints[0].effect: Unsupported value: \"Sometimes\": supported values: \"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\""
    );
    assert_eq!(text(&root, ".gutter .ln.err").trim(), "8");
    // Half-typed: only missing fields, nothing flagged yet.
    type_into(
        &root,
        "[data-testid=editor]",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n",
    )
    .await;
    assert_eq!(count(&root, "[data-testid=editor-error]"), 0);
    handle.destroy();
}
