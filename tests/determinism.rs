//! Same seed + same script => byte-identical transcript, natively and on wasm32. The native
//! half checks the example scripts against transcripts recorded in tests/golden/; the wasm32
//! half (same file, compiled for the browser target) runs the same scripts in wasm and checks
//! the same files. Regenerate after an intended behaviour change with
//! `UPDATE_GOLDEN=1 cargo test --test determinism`.

/// (script, golden transcript), both compiled in so the wasm build needs no file system.
const CASES: &[(&str, &str, &str)] = &[
    (
        "statefulset-tutorial",
        include_str!("../static/examples/statefulset-tutorial.kubeplay"),
        include_str!("golden/statefulset-tutorial.txt"),
    ),
    (
        "daemonset-nodes",
        include_str!("../static/examples/daemonset-nodes.kubeplay"),
        include_str!("golden/daemonset-nodes.txt"),
    ),
    (
        "deployment-vs-statefulset",
        include_str!("../static/examples/deployment-vs-statefulset.kubeplay"),
        include_str!("golden/deployment-vs-statefulset.txt"),
    ),
];

const SEED: u64 = 42;

fn transcript(script: &str) -> String {
    kubeplay::Session::new(SEED).run_script(script, false).text
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn native_transcripts_match_the_recorded_ones() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    for (name, script, golden) in CASES {
        let got = transcript(script);
        if update {
            let path = format!("{}/tests/golden/{name}.txt", env!("CARGO_MANIFEST_DIR"));
            std::fs::write(&path, &got).expect("write golden transcript");
            continue;
        }
        assert!(
            got == *golden,
            "{name}: transcript differs from tests/golden/{name}.txt (run with UPDATE_GOLDEN=1 if the change is intended)\n--- got ---\n{got}"
        );
    }
}

#[cfg(target_arch = "wasm32")]
mod wasm {
    use wasm_bindgen_test::*;

    #[wasm_bindgen_test]
    fn wasm_transcripts_match_the_native_ones() {
        for (name, script, golden) in super::CASES {
            let got = super::transcript(script);
            assert!(
                got == *golden,
                "{name}: the wasm32 transcript differs from the native one"
            );
        }
    }
}
