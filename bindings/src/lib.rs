//! The JS binding of hotpath-core: one source, compiled with napi-rs into the native addon
//! and with wasm-bindgen into the WebAssembly module (`build.rs` picks by target). Each export
//! converts its arguments, calls the core and converts back; no logic lives here.
//!
//! Every exported item carries `#[export]` (bindings/macros), which writes the attribute of
//! each toolkit and runs every exported function inside [`js::call`], the one error-mapping
//! point of each backend (`src/js.rs`, the only file where the backends differ).
#![deny(clippy::all)]
// napi-rs registers the exports only outside `cfg(test)`: in the test build nothing uses them.
#![cfg_attr(test, allow(dead_code))]

#[cfg(wasm)]
mod alloc;
mod cache;
mod debounce;
mod js;
mod money;
mod pipeline;

use hotpath_binding_macros::export;
use hotpath_core::Result;

/// The core crate's version.
#[export]
pub fn version() -> String {
    hotpath_core::VERSION.to_string()
}

/// Adds two integers: the bare cost of one crossing (bench/ffi.bench.js).
#[cfg(feature = "bench")]
#[export]
pub fn add(a: i32, b: i32) -> i32 {
    a.wrapping_add(b)
}

/// Panics inside the core on purpose (hidden; js-tests/reliability/panics.test.js).
#[export(js_name = "__testPanic")]
pub fn test_panic(message: String) -> Result<()> {
    hotpath_core::test_panic(&message)
}

/// Panics on purpose in every kind of export but the free function (`__testPanic`): a
/// constructor, a getter, a `&self` and a `&mut self` method, and one that cannot fail. Hidden:
/// js-tests/reliability/panics.test.js proves that each panic becomes `ERR_INTERNAL` and
/// leaves the object usable.
#[export]
pub struct PanicProbe {
    calls: u32,
}

#[export]
impl PanicProbe {
    /// A probe; the constructor panics when `panic` is true.
    #[export(constructor)]
    pub fn new(panic: bool) -> Result<Self> {
        if panic {
            hotpath_core::test_panic("in a constructor")?;
        }
        Ok(PanicProbe { calls: 0 })
    }

    /// Panics (a getter).
    #[export(getter)]
    pub fn panicking(&self) -> Result<u32> {
        hotpath_core::test_panic("in a getter")?;
        Ok(self.calls)
    }

    /// Panics (a `&self` method).
    pub fn panic(&self, message: String) -> Result<()> {
        hotpath_core::test_panic(&message)
    }

    /// Counts the call, then panics (a `&mut self` method).
    pub fn panic_mut(&mut self, message: String) -> Result<()> {
        self.calls += 1;
        hotpath_core::test_panic(&message)
    }

    /// Counts the call, then panics in a body that cannot fail: on wasm such an export
    /// returns its plain value, no `Result` (`js::call_plain`), so only the trap mapping of
    /// lib/errors.js stands between the panic and JS.
    pub fn panic_plain(&mut self, message: String) -> u32 {
        self.calls += 1;
        let _ = hotpath_core::test_panic(&message);
        self.calls
    }

    /// Calls that reached `panicMut` or `panicPlain`.
    #[export(getter)]
    pub fn calls(&self) -> u32 {
        self.calls
    }
}
