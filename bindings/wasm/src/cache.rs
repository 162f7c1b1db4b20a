//! `cache` bindings: the ordered key index behind `Cache` pattern invalidation (the same
//! surface as bindings/node). The hot operations never cross: they live in lib/cache.js.

use crate::{call, Result};
use hotpath_core::cache::{CacheIndex as CoreIndex, PatternKind};
use wasm_bindgen::prelude::*;

/// The Rust half of one `Cache`: keys by slot, in order, and pattern matching over them.
#[wasm_bindgen]
pub struct CacheIndex {
    inner: CoreIndex,
}

#[wasm_bindgen]
impl CacheIndex {
    /// An empty index.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Result<CacheIndex> {
        call(|| {
            Ok(CacheIndex {
                inner: CoreIndex::new(),
            })
        })
    }

    /// Number of indexed keys.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> Result<u32> {
        call(|| Ok(self.inner.len() as u32))
    }

    /// Approximate heap bytes of the index.
    #[wasm_bindgen(getter, js_name = "heapBytes")]
    pub fn heap_bytes(&self) -> Result<f64> {
        call(|| Ok(self.inner.heap_bytes() as f64))
    }

    /// Forgets every key.
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
    pub fn apply(&mut self, slots: &[u32], lens: &[u32], keys: &[u16]) -> Result<()> {
        call(|| self.inner.apply(slots, lens, keys))
    }

    /// `apply` for a batch whose concatenation is well-formed (no lone surrogate), as text:
    /// the fast path (`String.prototype.isWellFormed` decides on the JS side).
    #[wasm_bindgen(js_name = "applyText")]
    pub fn apply_text(&mut self, slots: &[u32], lens: &[u32], keys: &str) -> Result<()> {
        call(|| self.inner.apply_text(slots, lens, keys))
    }

    /// Removes the keys matching a pattern (kind 0 regex source+flags, 1 prefix, 2 glob;
    /// the pattern as UTF-16 code units) and returns their slots.
    #[wasm_bindgen(js_name = "takeMatches")]
    pub fn take_matches(&mut self, kind: u32, pattern: &[u16], flags: &str) -> Result<Vec<u32>> {
        call(|| {
            let kind = PatternKind::from_code(kind)?;
            self.inner.take_matches(kind, pattern, flags)
        })
    }

    /// `takeMatches` into a caller's buffer (no allocation crosses): copies what fits and
    /// returns the full length; `copyResult` gives the rest when it did not fit.
    #[wasm_bindgen(js_name = "takeMatchesInto")]
    pub fn take_matches_into(
        &mut self,
        kind: u32,
        pattern: &[u16],
        flags: &str,
        out: &mut [u32],
    ) -> Result<u32> {
        call(|| {
            let kind = PatternKind::from_code(kind)?;
            self.inner.take_matches_into(kind, pattern, flags, out)
        })
    }

    /// Copies the last `takeMatchesInto` result into `out`; returns its length.
    #[wasm_bindgen(js_name = "copyResult")]
    pub fn copy_result(&mut self, out: &mut [u32]) -> Result<u32> {
        call(|| Ok(self.inner.copy_result(out)))
    }

    /// Indices of the given keys (not in the index: lengths + code units, as in `apply`)
    /// that match a pattern.
    #[wasm_bindgen(js_name = "matchKeys")]
    pub fn match_keys(
        &mut self,
        kind: u32,
        pattern: &[u16],
        flags: &str,
        lens: &[u32],
        keys: &[u16],
    ) -> Result<Vec<u32>> {
        call(|| {
            let kind = PatternKind::from_code(kind)?;
            self.inner.match_keys(kind, pattern, flags, lens, keys)
        })
    }
}
