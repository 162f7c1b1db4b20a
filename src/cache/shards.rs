//! The key index split by key range into shards of bounded size, so that no single update
//! or invalidation pays for the whole index (issue 13, "no stall").
//!
//! Each shard is a [`KeyIndex`] over its own dense local slot ids, and holds the keys from
//! its lower bound up to the next shard's. A [`KeyIndex`] rebuilds its front-coded run when
//! its delta grows: over one run of 1M keys that merge took ~100 ms in one call; over a shard
//! of at most `split` keys it is bounded by the shard. A shard that grows past `split` keys
//! is cut in two at its median key (cost: one shard). A pattern with a literal prefix visits
//! only the shards whose range can hold that prefix; any other pattern visits them all.
//!
//! `where_[slot]` packs the slot's shard id (high 16 bits) and local id (low 16 bits), so a
//! shard holds fewer than 2^16 local ids (`split` plus one batch) and there are fewer than
//! 2^16 shards.

use super::index::KeyIndex;
use super::pattern::Pattern;
use super::units;

const NONE: u32 = u32::MAX;

/// One slot change for a shard: its local id and the key it now holds (None: empty).
type Update<'a> = (u32, Option<&'a [u8]>);
/// Updates applied per step before oversized shards are split (bounds the local ids).
const STEP: usize = 4096;

#[derive(Debug, Default)]
struct Shard {
    /// The least key this shard may hold (the first shard: empty, i.e. every key).
    lo: Box<[u8]>,
    index: KeyIndex,
    /// local id → global slot.
    globals: Vec<u32>,
    free: Vec<u32>,
}

impl Shard {
    fn new(lo: Box<[u8]>, floor: usize) -> Shard {
        Shard {
            lo,
            index: KeyIndex::with_rebuild_floor(floor),
            globals: Vec::new(),
            free: Vec::new(),
        }
    }

    fn alloc(&mut self, global: u32) -> u32 {
        match self.free.pop() {
            Some(l) => {
                self.globals[l as usize] = global;
                l
            }
            None => {
                self.globals.push(global);
                (self.globals.len() - 1) as u32
            }
        }
    }
}

/// A key index in range shards of at most `split` keys each (see the module docs).
#[derive(Debug)]
pub struct ShardedIndex {
    shards: Vec<Shard>,
    /// Shard ids in key order.
    order: Vec<u16>,
    where_: Vec<u32>,
    /// Ids of shards merged away (reused by the next split).
    free_ids: Vec<usize>,
    split: usize,
    floor: usize,
}

impl Default for ShardedIndex {
    fn default() -> Self {
        ShardedIndex::new()
    }
}

impl ShardedIndex {
    /// Shards of at most 8192 keys, each folding its delta at 2048 keys (or 1/16 of its run).
    pub fn new() -> ShardedIndex {
        ShardedIndex::with_limits(8192, 2048)
    }

    /// Shards of at most `split` keys (≥ 2) whose [`KeyIndex`] rebuild floor is `floor`.
    pub fn with_limits(split: usize, floor: usize) -> ShardedIndex {
        ShardedIndex {
            shards: vec![Shard::new(Box::default(), floor)],
            order: vec![0],
            where_: Vec::new(),
            free_ids: Vec::new(),
            split: split.clamp(2, 60_000),
            floor,
        }
    }

    /// Number of indexed keys.
    pub fn len(&self) -> usize {
        self.shards.iter().map(|s| s.index.len()).sum()
    }

    /// Whether no key is indexed.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Number of shards.
    pub fn shard_count(&self) -> usize {
        self.order.len()
    }

    /// Approximate heap bytes.
    pub fn heap_bytes(&self) -> usize {
        self.where_.capacity() * 4
            + self
                .shards
                .iter()
                .map(|s| {
                    s.index.heap_bytes()
                        + s.globals.capacity() * 4
                        + s.free.capacity() * 4
                        + s.lo.len()
                        + 64
                })
                .sum::<usize>()
    }

    /// Forgets every key.
    pub fn clear(&mut self) {
        *self = ShardedIndex::with_limits(self.split, self.floor);
    }

    /// The id of the shard whose range holds `key`.
    fn shard_for(&self, key: &[u8]) -> u16 {
        let p = self
            .order
            .partition_point(|&id| &*self.shards[id as usize].lo <= key);
        self.order[p.saturating_sub(1)]
    }

    /// Applies slot changes (`Some(key)`: the slot holds `key` now; `None`: it is empty),
    /// later updates of a slot winning, in steps of at most `STEP` updates per shard
    /// rebuild and split.
    pub fn apply<'a>(&mut self, updates: impl IntoIterator<Item = (u32, Option<&'a [u8]>)>) {
        let mut pending: Vec<Vec<Update<'a>>> = Vec::new();
        let mut n = 0;
        for (slot, key) in updates {
            let g = slot as usize;
            if g >= self.where_.len() {
                self.where_.resize(g + 1, NONE);
            }
            pending.resize_with(self.shards.len(), Vec::new);
            let w = self.where_[g];
            if w != NONE {
                let (id, local) = ((w >> 16) as usize, w & 0xFFFF);
                pending[id].push((local, None));
                self.shards[id].free.push(local);
                self.where_[g] = NONE;
            }
            if let Some(k) = key {
                let id = self.shard_for(k);
                let local = self.shards[id as usize].alloc(slot);
                self.where_[g] = (u32::from(id) << 16) | local;
                pending[id as usize].push((local, Some(k)));
            }
            n += 1;
            if n == STEP {
                self.flush(&mut pending);
                n = 0;
            }
        }
        self.flush(&mut pending);
    }

    fn flush(&mut self, pending: &mut [Vec<Update<'_>>]) {
        let mut touched = Vec::new();
        for (id, ups) in pending.iter_mut().enumerate() {
            if ups.is_empty() {
                continue;
            }
            touched.push(id);
            self.shards[id].index.apply(ups.drain(..));
            let mut over = vec![id];
            while let Some(s) = over.pop() {
                if self.shards[s].index.len() > self.split {
                    over.push(s);
                    over.push(self.split_shard(s));
                }
            }
        }
        // After every shard's updates are in: a merge reuses freed local ids.
        for id in touched {
            self.maybe_merge(id);
        }
    }

    /// Folds shard `id` into the shard before it in key order when both are small (so churn
    /// over moving key ranges does not leave a trail of empty shards). Cost: shard `id`.
    fn maybe_merge(&mut self, id: usize) {
        let Some(pos) = self.order.iter().position(|&o| o as usize == id) else {
            return;
        };
        if pos == 0 {
            return;
        }
        let prev = self.order[pos - 1] as usize;
        let (n, m) = (self.shards[id].index.len(), self.shards[prev].index.len());
        if n > self.split / 8 || n + m > self.split / 2 {
            return;
        }
        let gone = std::mem::replace(&mut self.shards[id], Shard::new(Box::default(), self.floor));
        let entries = gone.index.entries();
        let target = &mut self.shards[prev];
        let mut ups = Vec::with_capacity(entries.len());
        for (k, local) in &entries {
            let g = gone.globals[*local as usize];
            let l = target.alloc(g);
            self.where_[g as usize] = ((prev as u32) << 16) | l;
            ups.push((l, Some(&k[..])));
        }
        target.index.apply(ups);
        self.order.remove(pos);
        self.free_ids.push(id);
    }

    /// Cuts shard `id` at its median key: the upper half moves to a new shard (its id is
    /// returned). Cost: one pass over the shard.
    fn split_shard(&mut self, id: usize) -> usize {
        let new_id = self.free_ids.pop().unwrap_or(self.shards.len());
        assert!(new_id < 0xFFFF, "too many index shards");
        let old = &mut self.shards[id];
        let mut low = Shard::new(std::mem::take(&mut old.lo), self.floor);
        let mut high = Shard::new(Box::default(), self.floor);
        let (globals, where_) = (&old.globals, &mut self.where_);
        let (low_index, high_index, first) = old.index.split(|local, upper| {
            let g = globals[local as usize];
            let (shard, sid) = if upper {
                (&mut high, new_id)
            } else {
                (&mut low, id)
            };
            let l = shard.alloc(g);
            where_[g as usize] = ((sid as u32) << 16) | l;
            l
        });
        low.index = low_index;
        high.index = high_index;
        high.lo = first.into_boxed_slice();
        self.shards[id] = low;
        if new_id == self.shards.len() {
            self.shards.push(high);
        } else {
            self.shards[new_id] = high;
        }
        let pos = self
            .order
            .iter()
            .position(|&o| o as usize == id)
            .unwrap_or(0);
        self.order.insert(pos + 1, new_id as u16);
        new_id
    }

    /// Removes every key matching `pattern` and returns their slots, visiting only the
    /// shards whose range can hold the pattern's literal prefix.
    pub fn take_matches(&mut self, pattern: &Pattern) -> Vec<u32> {
        let prefix = pattern.literal_prefix();
        let start = if prefix.is_empty() {
            0
        } else {
            self.order
                .partition_point(|&id| &*self.shards[id as usize].lo <= prefix)
                .saturating_sub(1)
        };
        let mut out = Vec::new();
        let mut emptied = Vec::new();
        for p in start..self.order.len() {
            let id = self.order[p] as usize;
            let shard = &mut self.shards[id];
            if p > start && !prefix.is_empty() && !shard.lo.starts_with(prefix) {
                // Its keys are all ≥ its bound > every key with the prefix.
                break;
            }
            let from = out.len();
            for local in shard.index.take_matches(pattern) {
                let g = shard.globals[local as usize];
                shard.free.push(local);
                self.where_[g as usize] = NONE;
                out.push(g);
            }
            if out.len() > from {
                emptied.push(id);
            }
        }
        for id in emptied {
            self.maybe_merge(id);
        }
        out
    }

    /// The current keys (as code units) with their slots, in key order.
    pub fn keys(&self) -> Vec<(Vec<u16>, u32)> {
        let mut out = Vec::new();
        for &id in &self.order {
            let s = &self.shards[id as usize];
            for (k, local) in s.index.entries() {
                out.push((units::decode(&k), s.globals[local as usize]));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::super::index::model::{self, Indexed};
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn splits_and_finds_prefixes_across_shards() {
        let mut ix = ShardedIndex::with_limits(64, 8);
        ix.apply_keys(&model::client_keys(5000));
        assert!(ix.shard_count() > 50, "{}", ix.shard_count());
        assert_eq!(ix.len(), 5000);
        let p = Pattern::prefix(&units::from_str("client:42:"));
        let mut got = ix.take_matches(&p);
        got.sort();
        let want: Vec<u32> = (0..5000).filter(|i| i % 100 == 42).collect();
        assert_eq!(got, want);
        assert_eq!(ix.len(), 4950);
        let all = ix.take_matches(&Pattern::prefix(&[]));
        assert_eq!(all.len(), 4950);
        assert!(ix.is_empty());
    }

    fn key_units() -> impl Strategy<Value = Vec<u16>> {
        proptest::collection::vec(
            proptest::sample::select(vec![0x61u16, 0x62, 0x3A, 0x31, 0x0A, 0xE9, 0xD83D, 0xDE00]),
            0..5,
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn sharded_index_equals_a_reference_map(
            ops in proptest::collection::vec((0u32..96, proptest::option::of(key_units()), 0u8..8), 1..400),
            split in 2usize..12,
            floor in 1usize..6,
        ) {
            model::check(&mut ShardedIndex::with_limits(split, floor), ops)?;
        }
    }
}
