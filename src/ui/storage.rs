//! Saving the tab's work in localStorage so a reload keeps it: the editor text, the seed and
//! the journal script. Failures (private mode, full quota) are ignored: saving is a convenience.

use gloo::storage::{LocalStorage, Storage};

const EDITOR_KEY: &str = "kubeplay.editor";
const SCRIPT_KEY: &str = "kubeplay.script";
const SEED_KEY: &str = "kubeplay.seed";

pub struct Saved {
    pub seed: u64,
    pub script: String,
    pub editor: Option<String>,
}

pub fn load() -> Option<Saved> {
    let script: String = LocalStorage::get(SCRIPT_KEY).ok()?;
    let seed: u64 = LocalStorage::get(SEED_KEY).unwrap_or(super::state::DEFAULT_SEED);
    let editor: Option<String> = LocalStorage::get(EDITOR_KEY).ok();
    Some(Saved {
        seed,
        script,
        editor,
    })
}

pub fn save(seed: u64, script: &str, editor: &str) {
    let _ = LocalStorage::set(SEED_KEY, seed);
    let _ = LocalStorage::set(SCRIPT_KEY, script);
    let _ = LocalStorage::set(EDITOR_KEY, editor);
}

pub fn clear() {
    LocalStorage::delete(SEED_KEY);
    LocalStorage::delete(SCRIPT_KEY);
    LocalStorage::delete(EDITOR_KEY);
}
