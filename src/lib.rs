//! hotpath-core: the hot paths of an Express + Mongoose backend, in plain Rust.
//!
//! This crate knows nothing of JavaScript: `bindings/` (one source, compiled with napi-rs
//! for the native addon and with wasm-bindgen for the WebAssembly module) converts values,
//! calls into these modules and maps [`Error`] to a JS `HotpathError` in one place.
//!
//! - [`cache`] — LRU + TTL bookkeeping, linear-time pattern invalidation.
//! - [`debounce`] — per-key coalescing state and deadlines.
//! - [`money`] — exact decimals, currencies, balances.
//! - [`pipeline`] — aggregation pipelines from a declarative spec.
#![deny(missing_docs)]

pub mod cache;
pub mod debounce;
mod error;
pub mod money;
pub mod pipeline;

pub use error::{Error, Result};

/// The core's version (the crate version), exposed to JS as `version`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Panics on purpose. Exported by the binding as the hidden `__testPanic` so the JS suite
/// can prove that a core panic becomes `ERR_INTERNAL` and Node keeps running.
#[doc(hidden)]
pub fn test_panic(message: &str) -> Result<()> {
    panic!("deliberate test panic: {message}");
}
