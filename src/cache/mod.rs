//! The `cache` hot path: the Rust half of `Cache` — the ordered key index and pattern
//! invalidation. The LRU/TTL bookkeeping of the hot operations lives in JS
//! (`lib/cache.js`), by measurement:
//!
//! **Where the FFI crossing is, and why.** A `get` that crosses into native code per call
//! cannot beat lru-cache: a crossing with a string key costs more than lru-cache's whole
//! `get`, which costs ~10× a JS `Map.get` (docs/cache.md has the figures). A Caffeine-style
//! read buffer (slot ids in a shared `Uint32Array`, replayed into a Rust policy in one
//! call) still needs the key → slot lookup on the JS side, i.e. a `Map.get`, plus the
//! buffer write — so once the Map is there, moving the recency list across the boundary
//! buys nothing but a replay.
//! So the hot path is lru-cache's own design, leaner: a JS `Map` key → slot, values in a
//! JS array (held by reference), recency as a doubly linked list in two `Uint32Array`s,
//! expiry in a `Float64Array` allocated on first use of a TTL. `get`, `set`, `has`,
//! `delete` never cross the boundary.
//!
//! Rust owns what it is good at: the keys in order, and matching patterns over them in
//! linear time. The index ([`ShardedIndex`]: [`KeyIndex`] shards of at most 8192 keys, so
//! no update pays for the whole index) is built on the first pattern invalidation, or once
//! the cache holds more than 8192 keys, and kept current lazily: JS queues the slots whose
//! key changed and ships them in batches of at most 4096 (`CacheIndex::apply`: slots, UTF-16
//! lengths and the keys' code units concatenated into one `Uint16Array`) before the next
//! pattern invalidation, or when the queue is full. Keys are any JS strings, lone surrogates included, so they cross as
//! code units and are stored with each unit encoded on its own ([`units`]): byte order is
//! JS string order, and a code-unit prefix is a byte prefix. A pattern is compiled once
//! ([`Pattern`], cached by `(kind, source, flags)`) to an automaton over those bytes; an
//! anchored pattern with a literal prefix (`/^client:42:/`, `invalidatePrefix`, a glob not
//! starting with a wildcard) is a range scan of the sorted index — O(log n + matches) — any
//! other pattern one pass over the keys in Rust. Every key is decided in Rust, in linear
//! time: nothing is handed back to JS's backtracking `RegExp`. The matched slots come back
//! as one `Uint32Array` and JS deletes them.
//!
//! The index is an LSM in miniature (see [`index`]): a front-coded sorted run plus a
//! small `BTreeMap` delta, so a key costs its differing suffix plus a few bytes, not a
//! second full copy. Invalidated entries are tombstoned on the JS side (value released at
//! once, Map entry purged lazily): `Map.delete` per match would dominate a large
//! invalidation. docs/cache.md has the measurements (bytes per key, invalidation times,
//! ratios against lru-cache and the original design's Map scan).

pub mod glob;
pub mod index;
pub mod js_regex;
pub mod pattern;
pub mod policy;
pub mod policy_log;
pub mod shards;
pub mod units;

pub use glob::Glob;
pub use index::KeyIndex;
pub use pattern::{Pattern, PatternKind};
pub use policy_log::PolicyLog;
pub use shards::ShardedIndex;

use crate::{Error, Result};
use std::collections::HashMap;

/// Compiled patterns kept per index (repeated invalidations skip recompiling).
const PATTERN_CACHE: usize = 64;
/// The UTF-16 length that marks "this slot is now empty" in [`CacheIndex::apply`].
pub const REMOVED: u32 = u32::MAX;

/// A [`ShardedIndex`] plus a small cache of compiled patterns: what one JS `Cache` holds.
#[derive(Debug, Default)]
pub struct CacheIndex {
    index: ShardedIndex,
    patterns: HashMap<(PatternKind, Vec<u16>, String), Pattern>,
    result: Vec<u32>,
}

impl CacheIndex {
    /// An empty index.
    pub fn new() -> CacheIndex {
        CacheIndex {
            index: ShardedIndex::new(),
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
    /// `lens[i]` UTF-16 code units of `units` (the keys concatenated), or is empty when
    /// `lens[i] == REMOVED`. Checked whole before anything changes.
    pub fn apply(&mut self, slots: &[u32], lens: &[u32], units: &[u16]) -> Result<()> {
        if slots.len() != lens.len() {
            return Err(Error::InvalidKey(format!(
                "slots and lens must have the same length, got {} and {}",
                slots.len(),
                lens.len()
            )));
        }
        let parts = split_units(lens, units)?;
        let mut bytes = Vec::with_capacity(units.len() + units.len() / 4);
        let mut ends = Vec::with_capacity(parts.len());
        for part in &parts {
            if let Some(p) = part {
                units::push_units(&mut bytes, p);
            }
            ends.push(bytes.len());
        }
        let mut start = 0;
        let updates = parts.iter().zip(&ends).map(|(part, &end)| {
            let key = part.map(|_| &bytes[start..end]);
            start = end;
            key
        });
        self.index.apply(slots.iter().copied().zip(updates));
        Ok(())
    }

    /// [`CacheIndex::apply`] for a batch whose concatenation is well-formed UTF-16 (no lone
    /// surrogate in the whole text), passed as UTF-8: the fast path, which the JS side takes
    /// when `String.prototype.isWellFormed` says so. The unit encoding of a BMP character is
    /// its UTF-8, so a key without astral characters is stored from the text as it is; a key
    /// with one, or cut inside a surrogate pair by its length (two keys may split a pair
    /// between them), is re-encoded unit by unit.
    pub fn apply_text(&mut self, slots: &[u32], lens: &[u32], text: &str) -> Result<()> {
        if slots.len() != lens.len() {
            return Err(Error::InvalidKey(format!(
                "slots and lens must have the same length, got {} and {}",
                slots.len(),
                lens.len()
            )));
        }
        let bytes = text.as_bytes();
        let short =
            || Error::InvalidKey("keys: the batch is shorter than its lengths say".to_string());
        // Where each key's bytes are: the text itself, or `side` (re-encoded).
        let mut spans: Vec<Option<(bool, usize, usize)>> = Vec::with_capacity(lens.len());
        let mut side = Vec::new();
        let (mut pos, mut carry) = (0usize, None::<u16>);
        for &len in lens {
            if len == REMOVED {
                spans.push(None);
                continue;
            }
            let (mut taken, mut end) = (0u32, pos);
            let low = if len > 0 { carry.take() } else { None };
            taken += low.is_some() as u32;
            let (mut plain, mut cut) = (low.is_none(), None);
            while taken < len {
                let b = *bytes.get(end).ok_or_else(short)?;
                let n = match b {
                    0..=0x7F => 1,
                    0x80..=0xDF => 2,
                    0xE0..=0xEF => 3,
                    _ => 4,
                };
                if n == 4 {
                    plain = false;
                    if taken + 1 == len {
                        // The key ends with the first half of this pair.
                        let c = text[end..end + 4].chars().next().ok_or_else(short)?;
                        let mut pair = [0u16; 2];
                        c.encode_utf16(&mut pair);
                        cut = Some((end, pair[0]));
                        carry = Some(pair[1]);
                        taken += 1;
                        end += 4;
                        continue;
                    }
                    taken += 2;
                } else {
                    taken += 1;
                }
                end += n;
            }
            if plain {
                spans.push(Some((false, pos, end)));
            } else {
                let from = side.len();
                if let Some(lo) = low {
                    units::push_unit(&mut side, lo);
                }
                let whole = cut.map_or(end, |(at, _)| at);
                for u in text[pos..whole].encode_utf16() {
                    units::push_unit(&mut side, u);
                }
                if let Some((_, hi)) = cut {
                    units::push_unit(&mut side, hi);
                }
                spans.push(Some((true, from, side.len())));
            }
            pos = end;
        }
        if pos != bytes.len() || carry.is_some() {
            return Err(Error::InvalidKey(format!(
                "keys: {} bytes beyond the lengths given",
                bytes.len() - pos
            )));
        }
        let updates = spans.iter().map(|span| {
            span.map(|(in_side, a, b)| if in_side { &side[a..b] } else { &bytes[a..b] })
        });
        self.index.apply(slots.iter().copied().zip(updates));
        Ok(())
    }

    /// Compiles (or reuses) a pattern given as code units.
    pub fn pattern(&mut self, kind: PatternKind, pattern: &[u16], flags: &str) -> Result<&Pattern> {
        compiled(&mut self.patterns, kind, pattern, flags)
    }

    /// Removes the keys matching the pattern and returns their slots. The pattern is
    /// compiled first: an unsupported one changes nothing.
    pub fn take_matches(
        &mut self,
        kind: PatternKind,
        pattern: &[u16],
        flags: &str,
    ) -> Result<Vec<u32>> {
        let p = compiled(&mut self.patterns, kind, pattern, flags)?;
        Ok(self.index.take_matches(p))
    }

    /// [`CacheIndex::take_matches`] into a caller buffer (no allocation crosses the
    /// boundary): copies as much of the result as fits into `out` and returns its full
    /// length; when that is larger than `out`, [`CacheIndex::copy_result`] gives it whole.
    pub fn take_matches_into(
        &mut self,
        kind: PatternKind,
        pattern: &[u16],
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

    /// Indices of the given keys (UTF-16 lengths + concatenated code units, as in
    /// [`CacheIndex::apply`]) that match the pattern — for keys not in the index
    /// (computations in flight).
    pub fn match_keys(
        &mut self,
        kind: PatternKind,
        pattern: &[u16],
        flags: &str,
        lens: &[u32],
        units: &[u16],
    ) -> Result<Vec<u32>> {
        let parts = split_units(lens, units)?;
        let p = self.pattern(kind, pattern, flags)?;
        let (mut key, mut buf) = (Vec::new(), Vec::new());
        Ok(parts
            .iter()
            .enumerate()
            .filter(|(_, k)| {
                k.is_some_and(|k| {
                    key.clear();
                    units::push_units(&mut key, k);
                    p.is_match_buf(&key, &mut buf)
                })
            })
            .map(|(i, _)| i as u32)
            .collect())
    }
}

/// Looks a pattern up in the per-index cache, compiling it on first use.
fn compiled<'p>(
    patterns: &'p mut HashMap<(PatternKind, Vec<u16>, String), Pattern>,
    kind: PatternKind,
    pattern: &[u16],
    flags: &str,
) -> Result<&'p Pattern> {
    let key = (kind, pattern.to_vec(), flags.to_string());
    if !patterns.contains_key(&key) {
        let compiled = Pattern::compile(kind, pattern, flags)?;
        if patterns.len() >= PATTERN_CACHE {
            patterns.clear();
        }
        patterns.insert(key.clone(), compiled);
    }
    Ok(&patterns[&key])
}

/// Splits `units` into consecutive pieces of `lens[i]` code units (`REMOVED` → None); the
/// lengths must add up to exactly `units.len()`.
pub fn split_units<'a>(lens: &[u32], units: &'a [u16]) -> Result<Vec<Option<&'a [u16]>>> {
    let mut out = Vec::with_capacity(lens.len());
    let mut rest = units;
    for &len in lens {
        if len == REMOVED {
            out.push(None);
            continue;
        }
        if len as usize > rest.len() {
            return Err(Error::InvalidKey(format!(
                "keys: the batch is shorter than its lengths say ({len} code units expected, {} left)",
                rest.len()
            )));
        }
        let (head, tail) = rest.split_at(len as usize);
        out.push(Some(head));
        rest = tail;
    }
    if !rest.is_empty() {
        return Err(Error::InvalidKey(format!(
            "keys: {} code units beyond the lengths given",
            rest.len()
        )));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn u(s: &str) -> Vec<u16> {
        units::from_str(s)
    }

    #[test]
    fn batches_split_by_code_units() {
        let all = u("a😀é€x");
        let parts = split_units(&[1, REMOVED, 2, 0, 3], &all).unwrap();
        assert_eq!(
            parts,
            vec![
                Some(&all[0..1]),
                None,
                Some(&all[1..3]),
                Some(&all[3..3]),
                Some(&all[3..6])
            ]
        );
        assert!(split_units(&[5], &u("ab")).is_err());
        assert!(split_units(&[1], &u("ab")).is_err());
    }

    /// Issue 12, item 1: two keys that split a surrogate pair between them.
    #[test]
    fn a_pair_split_across_keys_is_two_lone_surrogates() {
        let mut ci = CacheIndex::new();
        let keys = [vec![0x61, 0xD83D], vec![0xDE00, 0x62], u("c")];
        let lens: Vec<u32> = keys.iter().map(|k| k.len() as u32).collect();
        ci.apply(&[0, 1, 2], &lens, &keys.concat()).unwrap();
        assert_eq!(ci.len(), 3);
        assert_eq!(
            ci.take_matches(PatternKind::Regex, &u("^c"), "").unwrap(),
            vec![2]
        );
        assert_eq!(
            ci.take_matches(PatternKind::Regex, &u("\\uD83D$"), "")
                .unwrap(),
            vec![0]
        );
        assert_eq!(
            ci.take_matches(PatternKind::Prefix, &[0xDE00], "").unwrap(),
            vec![1]
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        /// The text fast path stores exactly what the code-unit path stores, pairs cut
        /// between keys included.
        #[test]
        fn text_batches_equal_unit_batches(
            keys in proptest::collection::vec(proptest::collection::vec(
                proptest::sample::select(vec![0x61u16, 0xE9, 0x20AC, 0xD83D, 0xDE00, 0xD800, 0xDC00]), 0..4), 0..12),
        ) {
            let all: Vec<u16> = keys.concat();
            let Ok(text) = String::from_utf16(&all) else { return Ok(()); };
            let lens: Vec<u32> = keys.iter().map(|k| k.len() as u32).collect();
            // Distinct slots per key; later duplicates of a key would collide in a Map.
            let slots: Vec<u32> = (0..keys.len() as u32).collect();
            let (mut a, mut b) = (CacheIndex::new(), CacheIndex::new());
            a.apply(&slots, &lens, &all).unwrap();
            b.apply_text(&slots, &lens, &text).unwrap();
            prop_assert_eq!(a.index.keys(), b.index.keys());
            let mut more = lens.clone();
            more.push(1);
            let mut slots2 = slots.clone();
            slots2.push(99);
            prop_assert!(b.apply_text(&slots2, &more, &text).is_err());
        }
    }

    #[test]
    fn take_matches_is_flat() {
        let mut ci = CacheIndex::new();
        let all = u("a:1a:2b:1😀");
        ci.apply(&[0, 1, 2], &[3, 3, 5], &all).unwrap();
        let mut got = ci.take_matches(PatternKind::Regex, &u("^a:"), "").unwrap();
        got.sort();
        assert_eq!(got, vec![0, 1]);
        // An astral key is decided in Rust too.
        assert_eq!(
            ci.take_matches(PatternKind::Regex, &u("b"), "").unwrap(),
            vec![2]
        );
        let e = ci
            .take_matches(PatternKind::Regex, &u("(?=a)"), "")
            .unwrap_err();
        assert_eq!(e.code(), "ERR_PATTERN_UNSUPPORTED");
        assert_eq!(ci.len(), 0);
    }

    /// A reference glob/prefix matcher on sorted keys vs the index (any order of ops).
    fn key_strategy() -> impl Strategy<Value = String> {
        proptest::string::string_regex("[ab:*?\\[\\]^\\-é😀]{0,6}").unwrap()
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
                ci.apply(&slots, &lens, &u(&keys.concat())).unwrap();
                let mut got = ci.take_matches(kind, &u(&pat), "").unwrap();
                got.sort();
                let want: Vec<u32> = keys.iter().enumerate().filter(|(_, k)| match kind {
                    PatternKind::Glob => pat == "*" || glob::string_match(pat.as_bytes(), k.as_bytes()),
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
            ci.apply(&slots, &lens, &u(&keys.concat())).unwrap();
            let mut got = ci.take_matches(PatternKind::Regex, &u(pat), "").unwrap();
            got.sort();
            let re = regex::Regex::new(pat).unwrap();
            let want: Vec<u32> = keys.iter().enumerate().filter(|(_, k)| re.is_match(k)).map(|(i, _)| i as u32).collect();
            prop_assert_eq!(got, want);
        }
    }
}
