//! Leaf components: they take props and callbacks, render view structs, and own no cluster
//! state (only local UI state such as a console draft).

mod claim_chip;
mod cluster;
mod confirm;
mod console;
mod controls;
mod editor;
pub mod format;
mod inspector;
pub mod node_actions;
mod node_lane;
mod pod_chip;
mod session_file;
mod stories;
mod tiles;
mod timeline;
mod usage;

pub use cluster::ClusterPanel;
pub use console::ConsolePanel;
pub use controls::Controls;
pub use editor::EditorPanel;
pub use inspector::Inspector;
pub use session_file::{ImportStatusBox, SessionFile};
pub use stories::{StoryCard, StoryPicker};
pub use timeline::Timeline;
