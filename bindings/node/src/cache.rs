//! `cache` bindings: the ordered key index behind `Cache` pattern invalidation. The hot
//! operations (get/set/has/delete) never cross: they live in lib/cache.js.

use crate::{call, Result};
use hotpath_core::cache::{CacheIndex as CoreIndex, PatternKind};
use napi::bindgen_prelude::Uint32Array;
use napi_derive::napi;

/// The Rust half of one `Cache`: keys by slot, in order, and pattern matching over them.
#[napi]
pub struct CacheIndex {
    inner: CoreIndex,
}

#[napi]
impl CacheIndex {
    /// An empty index.
    #[napi(constructor)]
    pub fn new() -> Result<Self> {
        call(|| {
            Ok(CacheIndex {
                inner: CoreIndex::new(),
            })
        })
    }

    /// Number of indexed keys.
    #[napi(getter)]
    pub fn size(&self) -> Result<u32> {
        call(|| Ok(self.inner.len() as u32))
    }

    /// Approximate heap bytes of the index.
    #[napi(getter)]
    pub fn heap_bytes(&self) -> Result<f64> {
        call(|| Ok(self.inner.heap_bytes() as f64))
    }

    /// Forgets every key.
    #[napi]
    pub fn clear(&mut self) -> Result<()> {
        call(|| {
            {
                self.inner.clear();
            }
            Ok(())
        })
    }

    /// Applies a batch of slot changes: `slots[i]` now holds the next `lens[i]` UTF-16 code
    /// units of `keys` (0xFFFFFFFF: the slot is empty). Keys travel as code units so that
    /// any JS string, lone surrogates included, arrives exactly.
    #[napi]
    pub fn apply(&mut self, slots: &[u32], lens: &[u32], keys: &[u16]) -> Result<()> {
        call(|| self.inner.apply(slots, lens, keys))
    }

    /// `apply` for a batch whose concatenation is well-formed (no lone surrogate), as text:
    /// the fast path (`String.prototype.isWellFormed` decides on the JS side).
    #[napi]
    pub fn apply_text(&mut self, slots: &[u32], lens: &[u32], keys: String) -> Result<()> {
        call(|| self.inner.apply_text(slots, lens, &keys))
    }

    /// Removes the keys matching a pattern (kind 0 regex source+flags, 1 prefix, 2 glob;
    /// the pattern as UTF-16 code units) and returns their slots.
    #[napi]
    pub fn take_matches(
        &mut self,
        kind: u32,
        pattern: &[u16],
        flags: String,
    ) -> Result<Uint32Array> {
        call(|| {
            let kind = PatternKind::from_code(kind)?;
            self.inner
                .take_matches(kind, pattern, &flags)
                .map(Uint32Array::new)
        })
    }

    /// `takeMatches` into a caller's buffer (no allocation crosses): copies what fits and
    /// returns the full length; `copyResult` gives the rest when it did not fit.
    #[napi]
    pub fn take_matches_into(
        &mut self,
        kind: u32,
        pattern: &[u16],
        flags: String,
        mut out: Uint32Array,
    ) -> Result<u32> {
        // SAFETY: the call runs synchronously on the JS thread; nothing else touches the
        // buffer while Rust writes into it.
        let out = unsafe { out.as_mut() };
        call(|| {
            let kind = PatternKind::from_code(kind)?;
            self.inner.take_matches_into(kind, pattern, &flags, out)
        })
    }

    /// Copies the last `takeMatchesInto` result into `out`; returns its length.
    #[napi]
    pub fn copy_result(&mut self, mut out: Uint32Array) -> Result<u32> {
        call(|| {
            Ok({
                // SAFETY: as in `take_matches_into`.
                self.inner.copy_result(unsafe { out.as_mut() })
            })
        })
    }

    /// Indices of the given keys (not in the index: lengths + code units, as in `apply`)
    /// that match a pattern.
    #[napi]
    pub fn match_keys(
        &mut self,
        kind: u32,
        pattern: &[u16],
        flags: String,
        lens: &[u32],
        keys: &[u16],
    ) -> Result<Uint32Array> {
        call(|| {
            let kind = PatternKind::from_code(kind)?;
            self.inner
                .match_keys(kind, pattern, &flags, lens, keys)
                .map(Uint32Array::new)
        })
    }
}
