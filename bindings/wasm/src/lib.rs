//! wasm binding: the same surface as bindings/node. Each function converts, calls the core
//! through [`call`], converts back.

use wasm_bindgen::prelude::*;

mod cache;
mod debounce;
mod error;
mod money;
mod pipeline;
pub(crate) use error::{call, Result};

/// The core crate's version.
#[wasm_bindgen]
pub fn version() -> String {
    hotpath_core::VERSION.to_string()
}

/// Adds two integers (the trivial call the foundation benchmark uses to measure FFI cost).
#[wasm_bindgen]
pub fn add(a: i32, b: i32) -> i32 {
    hotpath_core::add(a, b)
}

/// Panics inside the core on purpose: the hidden test export behind `__testPanic`.
#[wasm_bindgen(js_name = "__testPanic")]
pub fn test_panic(message: String) -> Result<()> {
    call(|| hotpath_core::test_panic(&message))
}
