//! Saving the tab's work in localStorage so a reload keeps it: the editor text, the seed and
//! the journal script. Failures (private mode, full quota) are ignored: saving is a convenience.

use gloo::storage::{LocalStorage, Storage};

const EDITOR_KEY: &str = "kubeplay.editor";
const SCRIPT_KEY: &str = "kubeplay.script";
const SEED_KEY: &str = "kubeplay.seed";
/// The open troubleshooting story (its index), so a reload mid-story keeps the card.
const STORY_KEY: &str = "kubeplay.story";
/// Set while a saved session is being replayed. Still set on the next load means that replay
/// never finished (it trapped or hung and the tab was reloaded), so it must not run again:
/// otherwise one bad script would break the page for good.
const REPLAYING_KEY: &str = "kubeplay.replaying";

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
    LocalStorage::delete(STORY_KEY);
    LocalStorage::delete(SEED_KEY);
    LocalStorage::delete(SCRIPT_KEY);
    LocalStorage::delete(EDITOR_KEY);
}

/// The saved editor text alone.
pub fn load_editor() -> Option<String> {
    LocalStorage::get(EDITOR_KEY).ok()
}

/// Whether the last replay of the saved session never finished.
pub fn replay_unfinished() -> bool {
    LocalStorage::raw()
        .get_item(REPLAYING_KEY)
        .ok()
        .flatten()
        .is_some()
}

pub fn mark_replaying(replaying: bool) {
    if replaying {
        let _ = LocalStorage::raw().set_item(REPLAYING_KEY, "1");
    } else {
        LocalStorage::delete(REPLAYING_KEY);
    }
}

/// Forgets the saved session, keeping the editor text.
pub fn forget_session() {
    LocalStorage::delete(STORY_KEY);
    LocalStorage::delete(SCRIPT_KEY);
    LocalStorage::delete(SEED_KEY);
    LocalStorage::delete(REPLAYING_KEY);
}

pub fn save_story(story: Option<usize>) {
    match story {
        Some(i) => {
            let _ = LocalStorage::set(STORY_KEY, i);
        }
        None => LocalStorage::delete(STORY_KEY),
    }
}

/// The saved open story, if it is one of the stories this build has.
pub fn load_story() -> Option<usize> {
    LocalStorage::get::<usize>(STORY_KEY)
        .ok()
        .filter(|i| *i < super::stories::STORIES.len())
}
