//! Where the two backends differ, all in one place: the error type and [`call`], the typed
//! arrays (handed back to JS, or read from a mirror struct), the conversion of mirror
//! structs on wasm, and the wasm panic plumbing. Every other file of this crate is shared
//! by both backends.
//!
//! `#[export]` (bindings/macros) runs every exported function inside [`call`], the one
//! error-mapping point of each backend: a core [`Error`] becomes a JS error whose `code` is
//! its stable code, and a panic becomes `ERR_INTERNAL`.
//! - node: the panic is caught here (`catch_unwind`; napi-rs would let it abort Node).
//! - wasm: wasm32-unknown-unknown aborts on panic (a trap, `RuntimeError: unreachable`), so
//!   nothing can catch it here. The panic hook keeps the message; the JS wrapper catches the
//!   trap, reads the message with `takePanicMessage()` and throws `ERR_INTERNAL`. A trap ends
//!   the call without running its epilogues: the shadow-stack pointer keeps the trapped
//!   frames and the object whose method trapped stays borrowed. `build.rs` exports the
//!   `__stack_pointer` global and `__wasmExports` hands the instance's exports to the JS
//!   wrapper, which restores the pointer (and releases that borrow) after every exception
//!   that came through wasm frames (`lib/errors.js`, `trapRecovery`).

use hotpath_core::Error;
use std::borrow::Cow;

pub use backend::*;

/// A typed array held by a mirror struct, read as a slice: borrowed (zero-copy) on node,
/// copied once out of the JS heap on wasm.
pub trait View<T: Clone> {
    /// The elements.
    fn view(&self) -> Cow<'_, [T]>;
}

#[cfg(node)]
mod backend {
    use super::Error;
    use std::panic::{catch_unwind, AssertUnwindSafe};

    /// What an export returns: napi-rs puts the error's `status` (the stable code) on
    /// `err.code`; the JS wrapper turns it into a `HotpathError` (lib/errors.js).
    pub type Result<T> = napi::Result<T, String>;
    /// The JS typed arrays (named as in JS, which is what napi writes in binding.d.ts).
    pub use napi::bindgen_prelude::{Float64Array, Uint32Array, Uint8Array};

    /// A `Uint8Array` an export hands back.
    pub fn u8s(v: Vec<u8>) -> Uint8Array {
        v.into()
    }

    /// A `Uint32Array` an export hands back.
    pub fn u32s(v: Vec<u32>) -> Uint32Array {
        v.into()
    }

    macro_rules! views {
        ($($array:ty => $t:ty),*) => {$(
            impl super::View<$t> for $array {
                fn view(&self) -> super::Cow<'_, [$t]> {
                    super::Cow::Borrowed(self)
                }
            }
        )*};
    }
    views!(Uint8Array => u8, Uint32Array => u32, Float64Array => f64);

    /// Runs `f` on the elements of `out`, in place: what it writes is in the caller's array.
    pub fn write_into<R>(out: &mut Uint32Array, f: impl FnOnce(&mut [u32]) -> R) -> R {
        // SAFETY: the call runs synchronously on the JS thread; nothing else touches the
        // array's memory while Rust writes into it.
        f(unsafe { out.as_mut() })
    }

    /// Runs a core call, turning its error and any panic into the JS error.
    pub fn call<T>(f: impl FnOnce() -> hotpath_core::Result<T>) -> Result<T> {
        match catch_unwind(AssertUnwindSafe(f)) {
            Ok(result) => result.map_err(map_error),
            Err(payload) => Err(map_error(Error::from_panic(&*payload))),
        }
    }

    fn map_error(err: Error) -> napi::Error<String> {
        napi::Error::new(err.code().to_string(), err.message().to_string())
    }

    /// A value handed to JS through serde as a JS object tree (napi's `Env::to_js_value`).
    #[cfg(feature = "bench")]
    pub struct Serde<T>(pub T);

    #[cfg(feature = "bench")]
    impl<T: serde::Serialize> napi::bindgen_prelude::ToNapiValue for Serde<T> {
        unsafe fn to_napi_value(
            env: napi::sys::napi_env,
            val: Self,
        ) -> napi::Result<napi::sys::napi_value> {
            use napi::JsValue;
            Ok(napi::Env::from_raw(env).to_js_value(&val.0)?.raw())
        }
    }
}

#[cfg(wasm)]
mod backend {
    use super::Error;
    use hotpath_binding_macros::export;
    use std::cell::RefCell;
    use wasm_bindgen::JsValue;

    /// What an export returns: the error is a JS `Error` with a `code` property.
    pub type Result<T> = std::result::Result<T, JsValue>;
    /// The JS typed arrays: JS objects, copied in or out of wasm memory when read or made. A
    /// mirror struct keeps them as they are through serde (`serde_wasm_bindgen::preserve`).
    pub use js_sys::{Float64Array, Uint32Array, Uint8Array};

    /// A `Uint8Array` an export hands back (one copy out of wasm memory).
    pub fn u8s(v: Vec<u8>) -> Uint8Array {
        Uint8Array::from(&v[..])
    }

    /// A `Uint32Array` an export hands back (one copy out of wasm memory).
    pub fn u32s(v: Vec<u32>) -> Uint32Array {
        Uint32Array::from(&v[..])
    }

    macro_rules! views {
        ($($array:ty => $t:ty),*) => {$(
            impl super::View<$t> for $array {
                fn view(&self) -> super::Cow<'_, [$t]> {
                    super::Cow::Owned(self.to_vec())
                }
            }
        )*};
    }
    views!(Uint8Array => u8, Uint32Array => u32, Float64Array => f64);

    /// Runs `f` on a copy of the elements of `out` and copies them back (the memory of a JS
    /// typed array is not wasm memory).
    pub fn write_into<R>(out: &mut Uint32Array, f: impl FnOnce(&mut [u32]) -> R) -> R {
        let mut elements = out.to_vec();
        let r = f(&mut elements);
        out.copy_from(&elements);
        r
    }

    /// A mirror struct (`#[export(object)]`) crosses as a plain JS object through serde:
    /// serde-wasm-bindgen reads it from, or writes it to, the object's properties. (napi
    /// does the same for `#[napi(object)]` itself.)
    macro_rules! wasm_object {
        ($ty:ident) => {
            impl wasm_bindgen::describe::WasmDescribe for $ty {
                fn describe() {
                    <wasm_bindgen::JsValue as wasm_bindgen::describe::WasmDescribe>::describe()
                }
            }

            impl wasm_bindgen::convert::FromWasmAbi for $ty {
                type Abi = <wasm_bindgen::JsValue as wasm_bindgen::convert::FromWasmAbi>::Abi;
                unsafe fn from_abi(js: Self::Abi) -> Self {
                    let value =
                        <wasm_bindgen::JsValue as wasm_bindgen::convert::FromWasmAbi>::from_abi(js);
                    serde_wasm_bindgen::from_value(value)
                        .unwrap_or_else(|e| wasm_bindgen::throw_str(&e.to_string()))
                }
            }

            impl wasm_bindgen::convert::IntoWasmAbi for $ty {
                type Abi = <wasm_bindgen::JsValue as wasm_bindgen::convert::IntoWasmAbi>::Abi;
                fn into_abi(self) -> Self::Abi {
                    let ser = serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true);
                    serde::Serialize::serialize(&self, &ser)
                        .unwrap_or_else(|e| wasm_bindgen::throw_str(&e.to_string()))
                        .into_abi()
                }
            }
        };
    }
    pub(crate) use wasm_object;

    /// Runs a core call and maps its error (a panic traps; see the module doc).
    pub fn call<T>(f: impl FnOnce() -> hotpath_core::Result<T>) -> Result<T> {
        f().map_err(map_error)
    }

    /// Runs an export that cannot fail: its plain value, no `Result` (a panic traps; see the
    /// module doc). A `Result` return would make every call build an array in JS.
    pub fn call_plain<T>(f: impl FnOnce() -> T) -> T {
        f()
    }

    fn map_error(err: Error) -> JsValue {
        let js = js_sys::Error::new(err.message());
        let _ = js_sys::Reflect::set(
            &js,
            &JsValue::from_str("code"),
            &JsValue::from_str(err.code()),
        );
        js.into()
    }

    thread_local! {
        static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
    }

    /// Runs when the module is instantiated: keeps every panic's message for the JS wrapper.
    #[export(start)]
    fn start() {
        std::panic::set_hook(Box::new(|info| {
            let text = info.to_string();
            LAST_PANIC.with(|p| *p.borrow_mut() = Some(text));
        }));
    }

    /// The message of the last panic (if any), cleared on read.
    #[export]
    pub fn take_panic_message() -> Option<String> {
        LAST_PANIC.with(|p| p.borrow_mut().take())
    }

    /// A value handed to JS through serde as a JS object tree (serde-wasm-bindgen, maps as
    /// plain objects).
    #[cfg(feature = "bench")]
    pub struct Serde<T>(pub T);

    #[cfg(feature = "bench")]
    impl<T> wasm_bindgen::describe::WasmDescribe for Serde<T> {
        fn describe() {
            <JsValue as wasm_bindgen::describe::WasmDescribe>::describe()
        }
    }

    #[cfg(feature = "bench")]
    impl<T: serde::Serialize> wasm_bindgen::convert::IntoWasmAbi for Serde<T> {
        type Abi = <JsValue as wasm_bindgen::convert::IntoWasmAbi>::Abi;
        fn into_abi(self) -> Self::Abi {
            let ser = serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true);
            let value = serde::Serialize::serialize(&self.0, &ser)
                .unwrap_or_else(|e| wasm_bindgen::throw_str(&e.to_string()));
            value.into_abi()
        }
    }

    /// The instance's raw exports (`WebAssembly.Instance#exports`: `memory`,
    /// `__stack_pointer`), read once at load time by the JS wrapper to recover from traps
    /// (hidden).
    #[export(js_name = "__wasmExports")]
    pub fn wasm_exports() -> JsValue {
        wasm_bindgen::exports()
    }
}
