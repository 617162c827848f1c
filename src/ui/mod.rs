//! The Yew front end (wasm32 only). (Stub: the first screen is its own work item.)

pub fn start() {}
