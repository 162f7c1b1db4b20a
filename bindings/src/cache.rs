//! `cache`: the ordered key index behind `Cache` pattern invalidation. The hot operations
//! (get/set/has/delete) never cross: they live in lib/cache.js.

use crate::js::{self, Uint32Array};
use hotpath_binding_macros::export;
use hotpath_core::cache::{self as core, CacheIndex as CoreIndex};
use hotpath_core::Result;

/// What an invalidation pattern is (`takeMatches`, `takeMatchesInto`, `matchKeys`).
#[export(mirror = "core::PatternKind")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatternKind {
    /// A JS RegExp: the pattern is its `source`, with its `flags`.
    Regex = 0,
    /// Keys starting with the pattern.
    Prefix = 1,
    /// A Redis MATCH glob.
    Glob = 2,
}

/// The Rust half of one `Cache`: keys by slot, in order, and pattern matching over them.
#[export]
pub struct CacheIndex {
    inner: CoreIndex,
}

#[export]
impl CacheIndex {
    /// An empty index.
    #[export(constructor)]
    pub fn new() -> Self {
        CacheIndex {
            inner: CoreIndex::new(),
        }
    }

    /// Number of indexed keys.
    #[export(getter)]
    pub fn size(&self) -> u32 {
        self.inner.len() as u32
    }

    /// Forgets every key.
    pub fn clear(&mut self) {
        self.inner.clear()
    }

    /// Applies a batch of slot changes: `slots[i]` now holds the next `lens[i]` UTF-16 code
    /// units of `keys` (0xFFFFFFFF: the slot is empty). Keys travel as code units so that
    /// any JS string, lone surrogates included, arrives exactly.
    pub fn apply(&mut self, slots: &[u32], lens: &[u32], keys: &[u16]) -> Result<()> {
        self.inner.apply(slots, lens, keys)
    }

    /// `apply` for a batch whose concatenation is well-formed (no lone surrogate), as text:
    /// the fast path (`String.prototype.isWellFormed` decides on the JS side).
    pub fn apply_text(&mut self, slots: &[u32], lens: &[u32], keys: String) -> Result<()> {
        self.inner.apply_text(slots, lens, &keys)
    }

    /// Removes the keys matching a pattern (as UTF-16 code units; `flags` for a RegExp)
    /// and returns their slots.
    pub fn take_matches(
        &mut self,
        kind: PatternKind,
        pattern: &[u16],
        flags: String,
    ) -> Result<Uint32Array> {
        Ok(js::u32s(self.inner.take_matches(
            kind.into(),
            pattern,
            &flags,
        )?))
    }

    /// `takeMatches` into a caller's buffer (no allocation crosses): copies what fits and
    /// returns the full length; `copyResult` gives the rest when it did not fit.
    pub fn take_matches_into(
        &mut self,
        kind: PatternKind,
        pattern: &[u16],
        flags: String,
        mut out: Uint32Array,
    ) -> Result<u32> {
        js::write_into(&mut out, |out| {
            self.inner
                .take_matches_into(kind.into(), pattern, &flags, out)
        })
    }

    /// Copies the last `takeMatchesInto` result into `out`; returns its length.
    pub fn copy_result(&mut self, mut out: Uint32Array) -> u32 {
        js::write_into(&mut out, |out| self.inner.copy_result(out))
    }

    /// Indices of the given keys (not in the index: lengths + code units, as in `apply`)
    /// that match a pattern.
    pub fn match_keys(
        &mut self,
        kind: PatternKind,
        pattern: &[u16],
        flags: String,
        lens: &[u32],
        keys: &[u16],
    ) -> Result<Uint32Array> {
        Ok(js::u32s(self.inner.match_keys(
            kind.into(),
            pattern,
            &flags,
            lens,
            keys,
        )?))
    }
}

#[cfg(feature = "bench")]
#[export]
impl CacheIndex {
    /// Approximate heap bytes of the index (bench/cache.bench.js).
    #[export(getter)]
    pub fn heap_bytes(&self) -> f64 {
        self.inner.heap_bytes() as f64
    }
}

/// The W-TinyLFU policy of one `Cache({ policy: 'tinylfu' })`: the JS side logs reads,
/// inserts and removals of its slots in a `Uint32Array` and ships them in one `drain`.
#[export]
pub struct CachePolicy {
    inner: core::PolicyLog,
}

#[export]
impl CachePolicy {
    /// A policy for at most `max_entries` entries and, when `max_weight` > 0, at most that
    /// sum of weights.
    #[export(constructor)]
    pub fn new(max_entries: u32, max_weight: f64) -> Self {
        CachePolicy {
            inner: core::PolicyLog::new(
                max_entries,
                (max_weight > 0.0).then_some(max_weight as u64),
            ),
        }
    }

    /// Number of entries the policy holds.
    #[export(getter)]
    pub fn size(&self) -> u32 {
        self.inner.len() as u32
    }

    /// Forgets every entry (the frequency sketch keeps its counts).
    pub fn clear(&mut self) {
        self.inner.clear()
    }

    /// Replays an operation log (see `hotpath_core::cache::policy_log`) and writes the slots
    /// to evict into `out`; returns their number (`copyEvicted` gives them all when more than
    /// `out` holds).
    pub fn drain(&mut self, log: &[u32], mut out: Uint32Array) -> Result<u32> {
        js::write_into(&mut out, |out| self.inner.apply_into(log, out))
    }

    /// Copies the last `drain`'s evicted slots into `out`; returns their number.
    pub fn copy_evicted(&mut self, mut out: Uint32Array) -> u32 {
        js::write_into(&mut out, |out| self.inner.copy_evicted(out))
    }
}
