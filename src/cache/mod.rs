//! The `cache` hot path: the Rust half of `Cache` — the ordered key index and pattern
//! invalidation. The LRU/TTL bookkeeping of the hot operations lives in JS
//! (`lib/cache.js`), by measurement:
//!
//! **Where the FFI crossing is, and why.** A `get` that crosses into native code per call
//! cannot beat lru-cache: a napi class method with a string key costs ~370 ns, a wasm call
//! with a string ~100–120 ns (the copy into linear memory), lru-cache's `get` ~123 ns and
//! a JS `Map.get` ~11 ns (Node 20, this machine). A Caffeine-style read buffer (slot ids
//! in a shared `Uint32Array`, replayed into a Rust policy in one call) still needs the
//! key → slot lookup on the JS side, i.e. a `Map.get`, plus the buffer write — so once the
//! Map is there, moving the recency list across the boundary buys nothing but a replay.
//! So the hot path is lru-cache's own design, leaner: a JS `Map` key → slot, values in a
//! JS array (held by reference), recency as a doubly linked list in two `Uint32Array`s,
//! expiry in a `Float64Array` allocated on first use of a TTL. `get`, `set`, `has`,
//! `delete` never cross the boundary.
//!
//! Rust owns what it is good at: the keys in order, and matching patterns over them in
//! linear time. The index ([`KeyIndex`]) is built on the first pattern invalidation and
//! kept current lazily: JS queues the slots whose key changed and ships them in one
//! batch (`CacheIndex::apply_utf16`: slots, UTF-16 lengths and the keys concatenated
//! into one string) before the next pattern invalidation, or when the queue reaches the
//! cache's capacity. A pattern is compiled once ([`Pattern`], cached by
//! `(kind, source, flags)`); an anchored pattern with a literal prefix (`/^client:42:/`,
//! `invalidatePrefix`, a glob not starting with a wildcard) is a range scan of the sorted
//! index — O(log n + matches) — any other pattern one pass over the keys in Rust. The
//! matched slots come back as one `Uint32Array` and JS deletes them.
//!
//! The index is an LSM in miniature (see [`index`]): a front-coded sorted run plus a
//! small `BTreeMap` delta, so a key costs its differing suffix plus a few bytes, not a
//! second full copy (15.9 bytes per key at 1M keys, run + per-slot state). Invalidated
//! entries are tombstoned on the JS side (value released at once, Map entry purged lazily):
//! at 111k matches the `Map.delete`s alone took ~19 ms, the tombstones ~2.6 ms.
//!
//! Measured (bench/cache.bench.js, one run on a loaded 2-core machine, ratios vs lru-cache
//! 11 / vs the original design's Map scan, native / wasm): get hit 1.21× / 1.24× (same JS
//! path); set at capacity 1.22× / 1.36×; `/^client:42:/` on 1M keys 2346× / 1449×;
//! `/^client:1\d*:/` (111k matches) 4.8× / 4.2×; unanchored `/item:42/` 2.7× / 1.2×; RSS per
//! entry at 1M with the index built 0.97× lru-cache's (native). Details in `docs/cache.md`.

pub mod glob;
pub mod index;
pub mod js_regex;
pub mod pattern;
pub mod policy;

pub use glob::Glob;
pub use index::{KeyIndex, Matches};
pub use pattern::{Pattern, PatternKind};

use crate::{Error, Result};
use std::collections::HashMap;

/// Compiled patterns kept per index (repeated invalidations skip recompiling).
const PATTERN_CACHE: usize = 64;
/// The UTF-16 length that marks "this slot is now empty" in [`CacheIndex::apply_utf16`].
pub const REMOVED: u32 = u32::MAX;

/// A [`KeyIndex`] plus a small cache of compiled patterns: what one JS `Cache` holds.
#[derive(Debug, Default)]
pub struct CacheIndex {
    index: KeyIndex,
    patterns: HashMap<(PatternKind, String, String), Pattern>,
    result: Vec<u32>,
}

impl CacheIndex {
    /// An empty index.
    pub fn new() -> CacheIndex {
        CacheIndex {
            index: KeyIndex::new(),
            patterns: HashMap::new(),
            result: Vec::new(),
        }
    }

    /// Number of indexed keys.
    pub fn len(&self) -> usize {
        self.index.len()
    }

    /// Whether no key is indexed.
    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    /// Approximate heap bytes of the index.
    pub fn heap_bytes(&self) -> usize {
        self.index.heap_bytes()
    }

    /// Forgets every key.
    pub fn clear(&mut self) {
        self.index.clear();
    }

    /// Applies slot changes shipped from JS in one batch: `slots[i]` now holds the next
    /// `lens[i]` UTF-16 code units of `keys`, or is empty when `lens[i] == REMOVED`.
    pub fn apply_utf16(&mut self, slots: &[u32], lens: &[u32], keys: &str) -> Result<()> {
        let parts = split_utf16(lens, keys)?;
        if slots.len() != parts.len() {
            return Err(Error::InvalidKey(format!(
                "slots and lens must have the same length, got {} and {}",
                slots.len(),
                lens.len()
            )));
        }
        self.index
            .apply(slots.iter().copied().zip(parts.iter().copied()));
        Ok(())
    }

    /// Compiles (or reuses) a pattern.
    pub fn pattern(&mut self, kind: PatternKind, pattern: &str, flags: &str) -> Result<&Pattern> {
        compiled(&mut self.patterns, kind, pattern, flags)
    }

    /// Removes the keys matching the pattern. Returns `[removed count, removed slots…,
    /// slots the host must check with its own RegExp…]` — one flat array, one crossing.
    pub fn take_matches(
        &mut self,
        kind: PatternKind,
        pattern: &str,
        flags: &str,
    ) -> Result<Vec<u32>> {
        let p = compiled(&mut self.patterns, kind, pattern, flags)?;
        let m = self.index.take_matches(p);
        let mut out = Vec::with_capacity(1 + m.removed.len() + m.host_check.len());
        out.push(m.removed.len() as u32);
        out.extend_from_slice(&m.removed);
        out.extend_from_slice(&m.host_check);
        Ok(out)
    }

    /// [`CacheIndex::take_matches`] into a caller buffer (no allocation crosses the
    /// boundary): copies as much of the result as fits into `out` and returns its full
    /// length; when that is larger than `out`, [`CacheIndex::copy_result`] gives it whole.
    pub fn take_matches_into(
        &mut self,
        kind: PatternKind,
        pattern: &str,
        flags: &str,
        out: &mut [u32],
    ) -> Result<u32> {
        self.result = self.take_matches(kind, pattern, flags)?;
        let n = self.result.len().min(out.len());
        out[..n].copy_from_slice(&self.result[..n]);
        Ok(self.result.len() as u32)
    }

    /// Copies the last [`CacheIndex::take_matches_into`] result into `out` (as much as
    /// fits) and returns its length.
    pub fn copy_result(&mut self, out: &mut [u32]) -> u32 {
        let n = self.result.len().min(out.len());
        out[..n].copy_from_slice(&self.result[..n]);
        let len = self.result.len() as u32;
        self.result = Vec::new();
        len
    }

    /// Indices of the given keys (UTF-16 lengths + concatenation, as in
    /// [`CacheIndex::apply_utf16`]) that match the pattern — for keys not in the index
    /// (computations in flight). Keys the host must check itself are included.
    pub fn match_keys(
        &mut self,
        kind: PatternKind,
        pattern: &str,
        flags: &str,
        lens: &[u32],
        keys: &str,
    ) -> Result<Vec<u32>> {
        let parts = split_utf16(lens, keys)?;
        let p = self.pattern(kind, pattern, flags)?;
        let mut buf = Vec::new();
        Ok(parts
            .iter()
            .enumerate()
            .filter(|(_, k)| {
                k.is_some_and(|k| p.needs_host_check(k) || p.is_match_buf(k, &mut buf))
            })
            .map(|(i, _)| i as u32)
            .collect())
    }
}

/// Looks a pattern up in the per-index cache, compiling it on first use.
fn compiled<'p>(
    patterns: &'p mut HashMap<(PatternKind, String, String), Pattern>,
    kind: PatternKind,
    pattern: &str,
    flags: &str,
) -> Result<&'p Pattern> {
    let key = (kind, pattern.to_string(), flags.to_string());
    if !patterns.contains_key(&key) {
        let compiled = Pattern::compile(kind, pattern, flags)?;
        if patterns.len() >= PATTERN_CACHE {
            patterns.clear();
        }
        patterns.insert(key.clone(), compiled);
    }
    Ok(&patterns[&key])
}

/// Splits `keys` into consecutive pieces of `lens[i]` UTF-16 code units (`REMOVED` → None).
pub fn split_utf16<'a>(lens: &[u32], keys: &'a str) -> Result<Vec<Option<&'a str>>> {
    let mut out = Vec::with_capacity(lens.len());
    let mut rest = keys;
    for &len in lens {
        if len == REMOVED {
            out.push(None);
            continue;
        }
        let mut units = 0u32;
        let mut end = 0usize;
        let mut chars = rest.char_indices();
        while units < len {
            match chars.next() {
                Some((_, c)) => {
                    units += c.len_utf16() as u32;
                    end += c.len_utf8();
                }
                None => {
                    return Err(Error::InvalidKey(format!(
                    "keys: the batch is shorter than its lengths say ({len} UTF-16 units expected)"
                )))
                }
            }
        }
        out.push(Some(&rest[..end]));
        rest = &rest[end..];
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn utf16_batches() {
        let parts = split_utf16(&[1, REMOVED, 2, 0, 3], "a😀é€x").unwrap();
        assert_eq!(
            parts,
            vec![Some("a"), None, Some("😀"), Some(""), Some("é€x")]
        );
        assert!(split_utf16(&[5], "ab").is_err());
    }

    #[test]
    fn take_matches_is_flat() {
        let mut ci = CacheIndex::new();
        ci.apply_utf16(&[0, 1, 2], &[3, 3, 4], "a:1a:2b:1😀")
            .unwrap();
        let out = ci.take_matches(PatternKind::Regex, "^a:", "").unwrap();
        assert_eq!(out[0], 2);
        let mut got = out[1..].to_vec();
        got.sort();
        assert_eq!(got, vec![0, 1]);
        // An astral key is left to the host's RegExp.
        let out = ci.take_matches(PatternKind::Regex, "b", "").unwrap();
        assert_eq!(out, vec![0, 2]);
        let e = ci
            .take_matches(PatternKind::Regex, "(?=a)", "")
            .unwrap_err();
        assert_eq!(e.code(), "ERR_PATTERN_UNSUPPORTED");
        assert_eq!(ci.len(), 1);
    }

    /// A reference glob/prefix matcher on sorted keys vs the index (any order of ops).
    fn key_strategy() -> impl Strategy<Value = String> {
        proptest::string::string_regex("[ab:*?\\[\\]^-]{0,6}").unwrap()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn glob_and_prefix_scans_equal_a_filter(
            keys in proptest::collection::btree_set(key_strategy(), 0..40),
            pat in key_strategy(),
        ) {
            let keys: Vec<String> = keys.into_iter().collect();
            for kind in [PatternKind::Glob, PatternKind::Prefix] {
                let mut ci = CacheIndex::new();
                let lens: Vec<u32> = keys.iter().map(|k| k.encode_utf16().count() as u32).collect();
                let slots: Vec<u32> = (0..keys.len() as u32).collect();
                ci.apply_utf16(&slots, &lens, &keys.concat()).unwrap();
                let out = ci.take_matches(kind, &pat, "").unwrap();
                let mut got: Vec<u32> = out[1..=out[0] as usize].to_vec();
                got.sort();
                let want: Vec<u32> = keys.iter().enumerate().filter(|(_, k)| match kind {
                    PatternKind::Glob => {
                        let p: Vec<u32> = pat.chars().map(|c| c as u32).collect();
                        let s: Vec<u32> = k.chars().map(|c| c as u32).collect();
                        glob::string_match(&p, &s, false)
                    }
                    _ => k.starts_with(&pat),
                }).map(|(i, _)| i as u32).collect();
                prop_assert_eq!(got, want);
            }
        }

        #[test]
        fn regex_scans_equal_a_full_regex_filter(
            keys in proptest::collection::btree_set("[ab:1]{0,5}", 0..40),
            pat in proptest::sample::select(vec!["^a", "^a:", "^ab*:", "b$", "^a:1", "a|b", "^(a|b):", "^[ab]1", "^a.*1$", "^$"]),
        ) {
            let keys: Vec<String> = keys.into_iter().collect();
            let mut ci = CacheIndex::new();
            let lens: Vec<u32> = keys.iter().map(|k| k.len() as u32).collect();
            let slots: Vec<u32> = (0..keys.len() as u32).collect();
            ci.apply_utf16(&slots, &lens, &keys.concat()).unwrap();
            let out = ci.take_matches(PatternKind::Regex, pat, "").unwrap();
            let mut got: Vec<u32> = out[1..=out[0] as usize].to_vec();
            got.sort();
            let re = regex::Regex::new(pat).unwrap();
            let want: Vec<u32> = keys.iter().enumerate().filter(|(_, k)| re.is_match(k)).map(|(i, _)| i as u32).collect();
            prop_assert_eq!(got, want);
        }
    }
}
