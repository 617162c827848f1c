//! The Yew front end (wasm32 only).
//!
//! - `state`: the one reducer at the root; it owns the session (and so the `Sim`).
//! - `journal`: the tab's work as a replayable script; `storage` keeps it across reloads.
//! - `app`: the root component and its effects (play timer, saving, first-render mark).
//! - `components`: leaves that take props and callbacks and render `present` view structs.

pub mod app;
pub mod components;
pub mod editor_check;
pub mod examples;
pub mod journal;
pub mod session_script;
pub mod state;
pub mod stepping;
pub mod storage;
pub mod stories;
pub mod timeline;
mod timeline_frames;

pub use app::App;

/// Mounts the playground on the page's body.
pub fn start() {
    yew::Renderer::<App>::new().render();
}
