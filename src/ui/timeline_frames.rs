//! A requestAnimationFrame loop that lives as long as its handle (dropping it stops it).
//!
//! Each frame's callback is a one-shot JS function (`Closure::once_into_js`), so nothing Rust
//! owns is dropped while the browser is calling it: the callback may dispatch an action whose
//! effect drops this very loop.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

struct LoopState {
    on_frame: RefCell<Box<dyn FnMut(f64)>>,
    stopped: Cell<bool>,
}

pub struct FrameLoop {
    state: Rc<LoopState>,
}

impl FrameLoop {
    /// Calls `on_frame(timestamp)` on every animation frame until dropped.
    pub fn start(on_frame: impl FnMut(f64) + 'static) -> FrameLoop {
        let state = Rc::new(LoopState {
            on_frame: RefCell::new(Box::new(on_frame)),
            stopped: Cell::new(false),
        });
        request(&state);
        FrameLoop { state }
    }
}

fn request(state: &Rc<LoopState>) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let next = state.clone();
    let callback = Closure::once_into_js(move |timestamp: f64| {
        if next.stopped.get() {
            return;
        }
        if let Ok(mut on_frame) = next.on_frame.try_borrow_mut() {
            on_frame(timestamp);
        }
        if !next.stopped.get() {
            request(&next);
        }
    });
    let _ = window.request_animation_frame(callback.unchecked_ref());
}

impl Drop for FrameLoop {
    /// Stops the loop. The frame already requested still fires and returns at once: a
    /// cancelled one-shot callback would never be freed.
    fn drop(&mut self) {
        self.state.stopped.set(true);
    }
}
