//! The one error-mapping point of the Node binding.

use std::panic::{catch_unwind, AssertUnwindSafe};

/// A napi error whose `status` is our stable code string; napi-rs exposes it as `err.code`.
pub type Result<T> = napi::Result<T, String>;

/// Maps a core error to a JS error with `code` = the stable code. The JS wrapper turns it
/// into a `HotpathError` (lib/errors.js).
pub fn map_error(err: hotpath_core::Error) -> napi::Error<String> {
    napi::Error::new(err.code().to_string(), err.message().to_string())
}

/// Runs a core call, turning both its error and any panic into a coded JS error.
pub fn call<T>(f: impl FnOnce() -> hotpath_core::Result<T>) -> Result<T> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(result) => result.map_err(map_error),
        Err(payload) => Err(map_error(hotpath_core::Error::from_panic(&*payload))),
    }
}
