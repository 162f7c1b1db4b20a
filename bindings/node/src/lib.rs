//! Node binding: each function converts its arguments, calls the core inside [`call`],
//! and converts back. No logic lives here.
#![deny(clippy::all)]

use napi_derive::napi;

mod cache;
mod debounce;
mod error;
mod money;
mod pipeline;
pub(crate) use error::{call, Result};

/// The core crate's version.
#[napi]
pub fn version() -> String {
    hotpath_core::VERSION.to_string()
}

/// Adds two integers (the trivial call the foundation benchmark uses to measure FFI cost).
#[napi]
pub fn add(a: i32, b: i32) -> i32 {
    hotpath_core::add(a, b)
}

/// Panics inside the core on purpose: the hidden test export behind `__testPanic`.
#[napi(js_name = "__testPanic")]
pub fn test_panic(message: String) -> Result<()> {
    call(|| hotpath_core::test_panic(&message))
}
