//! The README documents every `sim` verb by quoting `sim --help`; this keeps the quote true.
#![cfg(not(target_arch = "wasm32"))]

#[test]
fn readme_quotes_sim_help_verbatim() {
    let readme = include_str!("../README.md");
    let help = kubeplay::script::sim_verbs::HELP;
    assert!(
        readme.contains(help.trim_end()),
        "README.md's `sim` verbs section differs from `sim --help` (src/script/sim_verbs.rs HELP): \
         paste the current help text into README.md"
    );
}
