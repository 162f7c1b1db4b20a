//! The one error-mapping point of the wasm binding.
//!
//! wasm32-unknown-unknown aborts on panic (a trap, `RuntimeError: unreachable`), so a panic
//! cannot be caught here. The panic hook records the message; the JS wrapper catches the
//! trap, reads it with `takePanicMessage()` and throws `HotpathError` `ERR_INTERNAL`.
//!
//! A trap ends the call without running its epilogues: the shadow-stack pointer keeps the
//! trapped frames and the object whose method trapped stays borrowed. `build.rs` exports the
//! `__stack_pointer` global and [`wasm_exports`] hands the instance's exports to the JS
//! wrapper, which restores the pointer (and releases that borrow) after every exception
//! that came through wasm frames (`lib/errors.js`, `trapRecovery`).

use std::cell::RefCell;
use wasm_bindgen::prelude::*;

/// Result type of exported functions: the error is a JS `Error` with a `code` property.
pub type Result<T> = std::result::Result<T, JsValue>;

thread_local! {
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Maps a core error to a JS `Error` with `code` = the stable code.
pub fn map_error(err: hotpath_core::Error) -> JsValue {
    let js = js_sys::Error::new(err.message());
    let _ = js_sys::Reflect::set(
        &js,
        &JsValue::from_str("code"),
        &JsValue::from_str(err.code()),
    );
    js.into()
}

/// Runs a core call and maps its error.
pub fn call<T>(f: impl FnOnce() -> hotpath_core::Result<T>) -> Result<T> {
    f().map_err(map_error)
}

#[wasm_bindgen(start)]
fn start() {
    std::panic::set_hook(Box::new(|info| {
        let text = info.to_string();
        LAST_PANIC.with(|p| *p.borrow_mut() = Some(text));
    }));
}

/// The message of the last panic (if any), cleared on read.
#[wasm_bindgen(js_name = "takePanicMessage")]
pub fn take_panic_message() -> Option<String> {
    LAST_PANIC.with(|p| p.borrow_mut().take())
}

/// The instance's raw exports (`WebAssembly.Instance#exports`: `memory`, `__stack_pointer`),
/// read once at load time by the JS wrapper to recover from traps (hidden).
#[wasm_bindgen(js_name = "__wasmExports")]
pub fn wasm_exports() -> Result<JsValue> {
    call(|| Ok(wasm_bindgen::exports()))
}
