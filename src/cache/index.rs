//! The ordered key index: which slot holds which key, sorted by key, so a pattern with a
//! literal prefix is a range scan (O(log n + matches)) and any other pattern is one linear
//! pass in Rust.
//!
//! Layout (an LSM in miniature, chosen for bytes per entry):
//! - `main`: an immutable run sorted by key, front-coded in blocks of `BLOCK` (16) entries
//!   (each entry stores only the bytes that differ from the previous key, then its slot),
//!   so cache keys that share long prefixes (`client:1234:item:…`) cost a few bytes each.
//! - `delta`: a `BTreeMap` of keys written since the last rebuild.
//! - `state[slot]`: `EMPTY`, `IN_MAIN` (the slot's main entry is current), or the
//!   generation of its current delta entry; `main_pos[slot]` its position in `main`.
//! - `main_dead`: one bit per `main` entry, set when the entry goes stale (its slot changed,
//!   or a pattern removed it). Scans read and set these bits in key order — a random access
//!   per key into per-slot arrays cost more than decoding the key (measured: a 111k-key
//!   prefix scan 5.0 ms → 2.2 ms). Stale entries are dropped by the next rebuild (when the
//!   delta exceeds 1/16 of the run, or stale entries outnumber live ones).

use super::pattern::Pattern;
use super::units;
use regex_automata::{meta::Regex, Input};
use std::collections::BTreeMap;

/// Entries per front-coded block (the first key of each block is stored whole).
const BLOCK: usize = 16;
const EMPTY: u32 = 0;
const IN_MAIN: u32 = 1;
const FIRST_GEN: u32 = 2;
/// The run position a joined scan gives a delta entry.
const IN_DELTA: usize = usize::MAX;

/// The ordered index of the keys of one cache, by slot. Keys are bytes: code units encoded
/// one by one (see [`super::units`]), so byte order is JS string order.
#[derive(Debug, Default)]
pub struct KeyIndex {
    state: Vec<u32>,
    next_gen: u32,
    main: Run,
    delta: BTreeMap<(Box<[u8]>, u32), u32>,
    live: usize,
    floor: usize,
    /// slot → its position in `main` (meaningful while `state[slot] == IN_MAIN`).
    main_pos: Vec<u32>,
    /// One bit per `main` position: the entry is stale. Checked in key order, so a scan
    /// reads it sequentially instead of `state` at random slots.
    main_dead: Vec<u64>,
}

#[derive(Debug, Default)]
struct Run {
    data: Vec<u8>,
    blocks: Vec<u32>,
    len: usize,
}

fn put_varint(out: &mut Vec<u8>, mut v: u32) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn get_varint(data: &[u8], pos: &mut usize) -> u32 {
    let mut v = 0u32;
    let mut shift = 0;
    loop {
        let b = data[*pos];
        *pos += 1;
        v |= ((b & 0x7F) as u32) << shift;
        if b < 0x80 {
            return v;
        }
        shift += 7;
    }
}

/// Appends sorted entries to a new front-coded run.
struct RunBuilder {
    run: Run,
    prev: Vec<u8>,
}

impl RunBuilder {
    fn with_capacity(bytes: usize) -> RunBuilder {
        let mut run = Run::default();
        run.data.reserve(bytes);
        RunBuilder {
            run,
            prev: Vec::with_capacity(64),
        }
    }

    fn push(&mut self, key: &[u8], slot: u32) {
        let run = &mut self.run;
        let lcp = if run.len % BLOCK == 0 {
            run.blocks.push(run.data.len() as u32);
            0
        } else {
            self.prev
                .iter()
                .zip(key)
                .take_while(|(a, b)| a == b)
                .count()
        };
        put_varint(&mut run.data, lcp as u32);
        put_varint(&mut run.data, (key.len() - lcp) as u32);
        run.data.extend_from_slice(&key[lcp..]);
        put_varint(&mut run.data, slot);
        self.prev.truncate(lcp);
        self.prev.extend_from_slice(&key[lcp..]);
        run.len += 1;
    }

    fn finish(mut self) -> Run {
        self.run.data.shrink_to_fit();
        self.run.blocks.shrink_to_fit();
        self.run
    }
}

/// Builds an index whose entries arrive in key order (all in the run, none stale).
struct IndexBuilder {
    ix: KeyIndex,
    run: RunBuilder,
}

impl IndexBuilder {
    fn new(floor: usize, bytes: usize) -> IndexBuilder {
        IndexBuilder {
            ix: KeyIndex::with_rebuild_floor(floor),
            run: RunBuilder::with_capacity(bytes),
        }
    }

    fn push(&mut self, key: &[u8], slot: u32) {
        let s = slot as usize;
        if s >= self.ix.state.len() {
            self.ix.state.resize(s + 1, EMPTY);
            self.ix.main_pos.resize(s + 1, 0);
        }
        self.ix.state[s] = IN_MAIN;
        self.ix.main_pos[s] = self.run.run.len as u32;
        self.run.push(key, slot);
    }

    fn finish(self) -> KeyIndex {
        let mut ix = self.ix;
        ix.main = self.run.finish();
        ix.live = ix.main.len;
        ix.main_dead = vec![0; ix.main.len.div_ceil(64)];
        ix.state.shrink_to_fit();
        ix.main_pos.shrink_to_fit();
        ix
    }
}

/// Decodes a run in order; `key` holds the current key.
struct Cursor<'r> {
    run: &'r Run,
    pos: usize,
    i: usize,
    key: Vec<u8>,
}

impl<'r> Cursor<'r> {
    fn new(run: &'r Run) -> Cursor<'r> {
        Cursor {
            run,
            pos: 0,
            i: 0,
            key: Vec::with_capacity(64),
        }
    }

    /// Moves to the next entry and returns its slot (the key is in `self.key`).
    fn advance(&mut self) -> Option<u32> {
        if self.i >= self.run.len {
            return None;
        }
        let data = &self.run.data;
        let lcp = get_varint(data, &mut self.pos) as usize;
        let n = get_varint(data, &mut self.pos) as usize;
        self.key.truncate(lcp);
        self.key.extend_from_slice(&data[self.pos..self.pos + n]);
        self.pos += n;
        self.i += 1;
        Some(get_varint(data, &mut self.pos))
    }
}

impl Run {
    /// The first key of block `b` (stored whole).
    fn block_head(&self, b: usize) -> &[u8] {
        let mut pos = self.blocks[b] as usize;
        let _lcp = get_varint(&self.data, &mut pos);
        let n = get_varint(&self.data, &mut pos) as usize;
        &self.data[pos..pos + n]
    }

    /// Calls `f(key, slot, position)` for entries in key order, starting at the first block
    /// that can hold keys ≥ `from`; `f` returns false to stop.
    fn scan_from(&self, from: &[u8], mut f: impl FnMut(&[u8], u32, usize) -> bool) {
        if self.len == 0 {
            return;
        }
        let first = self.partition_block(from);
        let mut pos = self.blocks[first] as usize;
        let mut key: Vec<u8> = Vec::with_capacity(64);
        let mut i = first * BLOCK;
        while i < self.len {
            let lcp = get_varint(&self.data, &mut pos) as usize;
            let n = get_varint(&self.data, &mut pos) as usize;
            key.truncate(lcp);
            key.extend_from_slice(&self.data[pos..pos + n]);
            pos += n;
            let slot = get_varint(&self.data, &mut pos);
            i += 1;
            if key.as_slice() < from {
                continue;
            }
            if !f(&key, slot, i - 1) {
                return;
            }
        }
    }

    /// The last block whose head is ≤ `from` (0 when none).
    fn partition_block(&self, from: &[u8]) -> usize {
        let (mut lo, mut hi) = (0usize, self.blocks.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            if self.block_head(mid) <= from {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo.saturating_sub(1)
    }
}

impl KeyIndex {
    /// An empty index.
    pub fn new() -> KeyIndex {
        KeyIndex::with_rebuild_floor(4096)
    }

    /// An empty index that folds its delta into the main run once the delta holds more
    /// than `max(floor, main/16)` keys (4096 for [`KeyIndex::new`]; small in tests).
    pub fn with_rebuild_floor(floor: usize) -> KeyIndex {
        KeyIndex {
            next_gen: FIRST_GEN,
            floor: floor.max(1),
            ..KeyIndex::default()
        }
    }

    /// Number of slots that currently hold a key.
    pub fn len(&self) -> usize {
        self.live
    }

    /// Whether no slot holds a key.
    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    /// Approximate heap bytes held by the index.
    pub fn heap_bytes(&self) -> usize {
        self.state.capacity() * 4
            + self.main_pos.capacity() * 4
            + self.main_dead.capacity() * 8
            + self.main.data.capacity()
            + self.main.blocks.capacity() * 4
            + self.delta.keys().map(|(k, _)| k.len() + 48).sum::<usize>()
    }

    /// Forgets every key.
    pub fn clear(&mut self) {
        *self = KeyIndex::with_rebuild_floor(self.floor);
    }

    /// Applies a batch of slot changes: `Some(key)` — the slot now holds `key`;
    /// `None` — the slot is empty. Later updates of the same slot win.
    pub fn apply<'a>(&mut self, updates: impl IntoIterator<Item = (u32, Option<&'a [u8]>)>) {
        let mut fresh: Vec<(&'a [u8], u32, u32)> = Vec::new();
        for (slot, key) in updates {
            let s = slot as usize;
            if s >= self.state.len() {
                self.state.resize(s + 1, EMPTY);
                self.main_pos.resize(s + 1, 0);
            }
            // A main entry removed by a pattern keeps state IN_MAIN with its dead bit set.
            let was_live = match self.state[s] {
                EMPTY => false,
                IN_MAIN => !self.main_bit(s),
                _ => true,
            };
            self.retire_main(s);
            if was_live {
                self.live -= 1;
            }
            match key {
                None => self.state[s] = EMPTY,
                Some(k) => {
                    if self.next_gen == u32::MAX {
                        self.rebuild(std::mem::take(&mut fresh));
                    }
                    let g = self.next_gen;
                    self.next_gen += 1;
                    self.state[s] = g;
                    self.live += 1;
                    fresh.push((k, slot, g));
                }
            }
        }
        let limit = self.floor.max(self.main.len / 16);
        if fresh.len() + self.delta.len() > limit {
            self.rebuild(fresh);
        } else {
            for (k, slot, g) in fresh {
                self.delta.insert((k.into(), slot), g);
            }
            self.maybe_compact();
        }
    }

    /// Whether the dead bit of the slot's main entry is set (the slot must be IN_MAIN).
    fn main_bit(&self, s: usize) -> bool {
        let p = self.main_pos[s] as usize;
        self.main_dead[p >> 6] & (1 << (p & 63)) != 0
    }

    /// Marks the slot's main entry stale (if it has the current one).
    fn retire_main(&mut self, s: usize) {
        if self.state[s] == IN_MAIN {
            let p = self.main_pos[s] as usize;
            self.main_dead[p >> 6] |= 1 << (p & 63);
        }
    }

    /// Rebuilds when stale entries outnumber live ones.
    fn maybe_compact(&mut self) {
        let total = self.main.len + self.delta.len();
        if total > self.floor && total > 2 * self.live {
            self.rebuild(Vec::new());
        }
    }

    /// Merges the live main entries, the delta and `fresh` into a new main run, streaming
    /// the old run (no per-key allocation: peak memory is the two runs plus one slice per
    /// new key).
    fn rebuild(&mut self, fresh: Vec<(&[u8], u32, u32)>) {
        let delta = std::mem::take(&mut self.delta);
        let state = &self.state;
        let mut extra: Vec<(&[u8], u32)> = delta
            .iter()
            .filter(|((_, slot), g)| state[*slot as usize] == **g)
            .map(|((k, slot), _)| (&k[..], *slot))
            .collect();
        extra.extend(
            fresh
                .iter()
                .filter(|(_, slot, g)| state[*slot as usize] == *g)
                .map(|(k, slot, _)| (*k, *slot)),
        );
        extra.sort_unstable();
        let old = std::mem::take(&mut self.main);
        let extra_bytes: usize = extra.iter().map(|(k, _)| k.len() / 4 + 4).sum();
        let mut out = RunBuilder::with_capacity(old.data.len() + extra_bytes);
        let mut cur = Cursor::new(&old);
        let mut e = 0;
        let mut placed: Vec<u32> = Vec::with_capacity(old.len + extra.len());
        let dead = &self.main_dead;
        let mut emptied: Vec<u32> = Vec::new();
        while let Some(slot) = cur.advance() {
            let p = cur.i - 1;
            if dead[p >> 6] & (1 << (p & 63)) != 0 {
                // Removed by a pattern and not set since: the slot is empty now.
                if state[slot as usize] == IN_MAIN && self.main_pos[slot as usize] as usize == p {
                    emptied.push(slot);
                }
                continue;
            }
            while e < extra.len() && (extra[e].0, extra[e].1) < (cur.key.as_slice(), slot) {
                out.push(extra[e].0, extra[e].1);
                placed.push(extra[e].1);
                e += 1;
            }
            out.push(&cur.key, slot);
            placed.push(slot);
        }
        for &(k, slot) in &extra[e..] {
            out.push(k, slot);
            placed.push(slot);
        }
        drop(extra);
        for slot in emptied {
            self.state[slot as usize] = EMPTY;
        }
        for (p, &slot) in placed.iter().enumerate() {
            self.state[slot as usize] = IN_MAIN;
            self.main_pos[slot as usize] = p as u32;
        }
        self.main_dead = vec![0; placed.len().div_ceil(64)];
        self.main = out.finish();
        self.next_gen = FIRST_GEN;
    }

    /// Visits the current `(key, slot)` pairs whose key starts with `prefix`, in order of
    /// runs (main, then delta); `f` returns whether to remove the slot. Returns the removed.
    fn visit_prefix(&mut self, prefix: &[u8], mut f: impl FnMut(&[u8]) -> bool) -> Vec<u32> {
        let mut removed = Vec::new();
        let state = &self.state;
        let dead = &mut self.main_dead;
        self.main.scan_from(prefix, |k, slot, pos| {
            if !k.starts_with(prefix) {
                return false;
            }
            // Staleness and removal of main entries are bits at the scan position: read and
            // written in key order, no random access to per-slot state.
            let bit = 1u64 << (pos & 63);
            if dead[pos >> 6] & bit == 0 && f(k) {
                dead[pos >> 6] |= bit;
                removed.push(slot);
            }
            true
        });
        let from_main = removed.len();
        let start: (Box<[u8]>, u32) = (prefix.into(), 0);
        for ((k, slot), g) in self.delta.range(start..) {
            if !k.starts_with(prefix) {
                break;
            }
            if state.get(*slot as usize) == Some(g) && f(k) {
                removed.push(*slot);
            }
        }
        for &slot in &removed[from_main..] {
            self.state[slot as usize] = EMPTY;
        }
        self.live -= removed.len();
        removed
    }

    /// Removes every key matching `pattern` and returns their slots. Cost: a range scan
    /// over the pattern's literal prefix — O(log n + keys with that prefix) — or one pass
    /// over all keys when there is no prefix; each key is matched in linear time.
    pub fn take_matches(&mut self, pattern: &Pattern) -> Vec<u32> {
        // A regex that cannot match a line feed runs once per chunk of keys joined by '\n'
        // (anchors as line anchors) instead of once per key: no match can span two keys.
        // Only without a literal prefix: inside a prefix range most keys tend to match, and
        // one search per match costs more than one match per key (measured: 111k matches
        // 7 ms per key vs 20 ms joined).
        let joined = pattern
            .line_safe_regex()
            .filter(|_| pattern.literal_prefix().is_empty());
        let removed = match joined {
            Some(re) => {
                let (removed, positions) = self.scan_joined(re, pattern);
                for (&slot, &p) in removed.iter().zip(&positions) {
                    if p == IN_DELTA {
                        self.state[slot as usize] = EMPTY;
                    } else {
                        self.main_dead[p >> 6] |= 1 << (p & 63);
                    }
                }
                self.live -= removed.len();
                removed
            }
            None => {
                let mut buf = Vec::new();
                self.visit_prefix(pattern.literal_prefix(), |key| {
                    pattern.is_match_buf(key, &mut buf)
                })
            }
        };
        self.maybe_compact();
        removed
    }

    /// The current keys (main run, then delta) matched by a line-safe `re`, searched chunk
    /// by chunk in one haystack (keys, in the pattern's view, joined by '\n'): their slots
    /// and run positions ([`IN_DELTA`] for a delta entry). Does not change the state (the
    /// caller removes the matches).
    fn scan_joined(&self, re: &Regex, pattern: &Pattern) -> (Vec<u32>, Vec<usize>) {
        const CHUNK: usize = 4096;
        let prefix = pattern.literal_prefix();
        let mut out = Joined {
            removed: Vec::new(),
            removed_pos: Vec::new(),
            hay: Vec::with_capacity(CHUNK * 32),
            starts: Vec::with_capacity(CHUNK + 1),
            slots: Vec::with_capacity(CHUNK),
            poss: Vec::with_capacity(CHUNK),
        };
        let dead = &self.main_dead;
        let mut buf = Vec::new();
        self.main.scan_from(prefix, |k, slot, pos| {
            if !k.starts_with(prefix) {
                return false;
            }
            if dead[pos >> 6] & (1 << (pos & 63)) != 0 {
                return true;
            }
            out.push(k, slot, pos, pattern, &mut buf);
            if out.slots.len() == CHUNK {
                out.search(re);
            }
            true
        });
        for ((k, slot), g) in &self.delta {
            if self.state.get(*slot as usize) == Some(g) {
                out.push(k, *slot, IN_DELTA, pattern, &mut buf);
                if out.slots.len() == CHUNK {
                    out.search(re);
                }
            }
        }
        if !out.slots.is_empty() {
            out.search(re);
        }
        (out.removed, out.removed_pos)
    }

    /// Cuts the index at its median key into two new indexes, lower and upper, with the
    /// first key of the upper one. Slots are renumbered by `move_slot(old, upper)`, called in
    /// key order, so each half's per-slot arrays are dense. Folds the delta in first (one
    /// rebuild), then streams the run once: no key is copied into an allocation of its own
    /// (a split used to cost one `Vec` per key).
    pub fn split(
        &mut self,
        mut move_slot: impl FnMut(u32, bool) -> u32,
    ) -> (KeyIndex, KeyIndex, Vec<u8>) {
        self.rebuild(Vec::new());
        let mid = self.main.len / 2;
        let half = self.main.data.len() / 2 + 64;
        let mut halves = [
            IndexBuilder::new(self.floor, half),
            IndexBuilder::new(self.floor, half),
        ];
        let mut cur = Cursor::new(&self.main);
        let mut first = Vec::new();
        while let Some(slot) = cur.advance() {
            let upper = cur.i > mid;
            if cur.i == mid + 1 {
                first.clone_from(&cur.key);
            }
            halves[upper as usize].push(&cur.key, move_slot(slot, upper));
        }
        let [low, high] = halves;
        (low.finish(), high.finish(), first)
    }

    /// The current keys (as code units) in key order (for tests and debugging).
    pub fn keys(&self) -> Vec<(Vec<u16>, u32)> {
        self.entries()
            .into_iter()
            .map(|(k, slot)| (units::decode(&k), slot))
            .collect()
    }

    /// The current `(key bytes, slot)` pairs in key order (a split of a sharded index).
    pub fn entries(&self) -> Vec<(Vec<u8>, u32)> {
        let mut out = Vec::with_capacity(self.live);
        let state = &self.state;
        let dead = &self.main_dead;
        self.main.scan_from(&[], |k, slot, pos| {
            if dead[pos >> 6] & (1 << (pos & 63)) == 0 {
                out.push((k.to_vec(), slot));
            }
            true
        });
        for ((k, slot), g) in &self.delta {
            if state.get(*slot as usize) == Some(g) {
                out.push((k.to_vec(), *slot));
            }
        }
        out.sort_unstable();
        out
    }

    #[cfg(test)]
    fn check_current(&self, slot: u32) -> bool {
        self.state.get(slot as usize).is_some_and(|g| *g != EMPTY)
    }
}

/// A chunk of keys joined by '\n' and what the joined search found so far.
struct Joined {
    removed: Vec<u32>,
    removed_pos: Vec<usize>,
    hay: Vec<u8>,
    starts: Vec<usize>,
    slots: Vec<u32>,
    poss: Vec<usize>,
}

impl Joined {
    /// Adds a current key to the chunk, or decides it on its own when it holds a line feed
    /// (it would split in the haystack).
    fn push(&mut self, k: &[u8], slot: u32, pos: usize, pattern: &Pattern, buf: &mut Vec<u8>) {
        if k.contains(&b'\n') {
            if pattern.is_match_buf(k, buf) {
                self.removed.push(slot);
                self.removed_pos.push(pos);
            }
            return;
        }
        if !self.slots.is_empty() {
            self.hay.push(b'\n');
        }
        self.starts.push(self.hay.len());
        self.hay.extend_from_slice(pattern.view(k, buf));
        self.slots.push(slot);
        self.poss.push(pos);
    }

    /// Runs `re` over the chunk: each match lies inside one key (the regex cannot match the
    /// '\n' between keys); after a match the search resumes at the next key.
    fn search(&mut self, re: &Regex) {
        let n = self.slots.len();
        self.starts.push(self.hay.len() + 1);
        let (hay, starts, slots) = (&self.hay, &self.starts, &self.slots);
        let mut pos = 0;
        while pos <= hay.len() {
            let Some(m) = re.find(Input::new(hay).range(pos..)) else {
                break;
            };
            let k = starts.partition_point(|&s| s <= m.start()) - 1;
            if k >= n {
                break;
            }
            self.removed.push(slots[k]);
            self.removed_pos.push(self.poss[k]);
            pos = starts[k + 1];
        }
        self.hay.clear();
        self.starts.clear();
        self.slots.clear();
        self.poss.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::model::{self, Indexed};
    use super::*;
    use proptest::prelude::*;

    fn enc(s: &str) -> Vec<u8> {
        units::encode(&units::from_str(s))
    }

    fn re(src: &str, flags: &str) -> Option<Pattern> {
        Pattern::js_regex(&units::from_str(src), flags).ok()
    }

    #[test]
    fn range_scan_and_removal() {
        let mut ix = KeyIndex::new();
        ix.apply_keys(&model::client_keys(10_000));
        assert_eq!(ix.len(), 10_000);
        let p = re("^client:42:", "").unwrap();
        assert_eq!(ix.take_matches(&p).len(), 100);
        assert_eq!(ix.len(), 9_900);
        assert!(ix.take_matches(&p).is_empty());
        ix.apply([(42u32, Some(&enc("client:42:again")[..]))]);
        assert!(ix.check_current(42));
        let m = ix.take_matches(&Pattern::prefix(&units::from_str("client:42:")));
        assert_eq!(m, vec![42]);
    }

    /// Keys as code units, lone surrogates and line feeds included.
    fn key_units() -> impl Strategy<Value = Vec<u16>> {
        proptest::collection::vec(
            proptest::sample::select(vec![
                0x61u16, 0x62, 0x3A, 0x31, 0x0A, 0x20, 0xE9, 0x5F, 0x2D, 0xD83D, 0xDE00, 0xD800,
            ]),
            0..6,
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn joined_scan_equals_per_key_matching(
            keys in proptest::collection::btree_set(key_units(), 0..60),
            pat in proptest::sample::select(vec![
                "a", "b:", "^a", "^a:1*$", "b$", "^(a|b)", "\\ba", "a\\b", "\\Bb", "a.b", "[^a]",
                "\\d+", "\\w:", "(a|1)b*", "", "x*", "é", "[^\\n]{3}", "\\uD83D", "^\\uD83D", ".\\uDE00",
            ]),
            flags in proptest::sample::select(vec!["", "i", "u", "iu", "s"]),
            floor in 1usize..8,
        ) {
            let Some(p) = re(pat, flags) else { return Ok(()); };
            let mut ix = KeyIndex::with_rebuild_floor(floor);
            let keys: Vec<Vec<u8>> = keys.iter().map(|k| units::encode(k)).collect();
            ix.apply(keys.iter().enumerate().map(|(i, k)| (i as u32, Some(&k[..]))));
            let mut got = ix.take_matches(&p);
            got.sort();
            let want: Vec<u32> = keys.iter().enumerate()
                .filter(|(_, k)| p.is_match(k)).map(|(i, _)| i as u32).collect();
            prop_assert_eq!(got, want);
        }

        #[test]
        fn index_equals_a_reference_map(
            ops in proptest::collection::vec((0u32..64, proptest::option::of(key_units()), 0u8..8), 1..300),
            floor in 1usize..40,
        ) {
            model::check(&mut KeyIndex::with_rebuild_floor(floor), ops)?;
        }
    }
}

/// A reference-map check shared by the index's and the sharded index's property tests.
#[cfg(test)]
pub(crate) mod model {
    use super::super::pattern::Pattern;
    use super::super::units;
    use proptest::prelude::*;
    use std::collections::HashMap;

    /// What the check needs of an index.
    pub(crate) trait Indexed {
        fn apply_one(&mut self, slot: u32, key: Option<&[u8]>);
        fn take(&mut self, pattern: &Pattern) -> Vec<u32>;
        fn count(&self) -> usize;
        fn all(&self) -> Vec<(Vec<u16>, u32)>;
        /// One batch: slot `i` holds `keys[i]`.
        fn apply_keys(&mut self, keys: &[Vec<u8>]);
    }

    /// `n` encoded keys `client:<i % 100>:item:<i>`: 100 clients, keys sharing prefixes.
    pub(crate) fn client_keys(n: usize) -> Vec<Vec<u8>> {
        (0..n)
            .map(|i| units::encode(&units::from_str(&format!("client:{}:item:{i}", i % 100))))
            .collect()
    }

    macro_rules! indexed {
        ($($t:ty),*) => {$(
            impl Indexed for $t {
                fn apply_one(&mut self, slot: u32, key: Option<&[u8]>) {
                    self.apply([(slot, key)]);
                }
                fn take(&mut self, pattern: &Pattern) -> Vec<u32> {
                    self.take_matches(pattern)
                }
                fn count(&self) -> usize {
                    self.len()
                }
                fn all(&self) -> Vec<(Vec<u16>, u32)> {
                    self.keys()
                }
                fn apply_keys(&mut self, keys: &[Vec<u8>]) {
                    self.apply(keys.iter().enumerate().map(|(i, k)| (i as u32, Some(&k[..]))));
                }
            }
        )*};
    }
    indexed!(super::KeyIndex, super::super::shards::ShardedIndex);

    /// Runs `(slot, key, op)` operations (op 0: take the keys with the prefix `key`; else:
    /// the slot now holds `key`, or is empty) on `ix` and on a map, comparing as it goes.
    pub(crate) fn check(
        ix: &mut impl Indexed,
        ops: Vec<(u32, Option<Vec<u16>>, u8)>,
    ) -> Result<(), TestCaseError> {
        let mut model: HashMap<u32, Vec<u16>> = HashMap::new();
        for (slot, key, op) in ops {
            if op == 0 {
                let prefix = key.clone().unwrap_or_default();
                let mut want: Vec<u32> = model
                    .iter()
                    .filter(|(_, k)| k.starts_with(&prefix))
                    .map(|(s, _)| *s)
                    .collect();
                let mut got = ix.take(&Pattern::prefix(&prefix));
                want.sort();
                got.sort();
                prop_assert_eq!(&got, &want);
                for s in want {
                    model.remove(&s);
                }
            } else {
                // Keys are unique across slots, as in a JS Map.
                if let Some(k) = &key {
                    if let Some((&other, _)) = model.iter().find(|(s, v)| *v == k && **s != slot) {
                        model.remove(&other);
                        ix.apply_one(other, None);
                    }
                }
                let bytes = key.as_ref().map(|k| units::encode(k));
                ix.apply_one(slot, bytes.as_deref());
                match key {
                    Some(k) => {
                        model.insert(slot, k);
                    }
                    None => {
                        model.remove(&slot);
                    }
                }
            }
            prop_assert_eq!(ix.count(), model.len());
        }
        let mut want: Vec<(Vec<u16>, u32)> = model.into_iter().map(|(s, k)| (k, s)).collect();
        want.sort();
        let mut got = ix.all();
        got.sort();
        prop_assert_eq!(got, want);
        Ok(())
    }
}
