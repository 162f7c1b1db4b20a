//! Window sizing by simulation (Caffeine's simulator calls it `MiniSimClimber`): a few
//! miniature W-TinyLFU caches with fixed windows replay a spatial sample of the requests
//! (keys whose hash falls in 1 of `rate` buckets, each mini sized `entries / rate`, after
//! SHARDS), and at the end of each period the real window takes the share of the mini
//! with the fewest (decayed) misses. Unlike the hit-rate climber it needs no walk: it reads
//! the best share off directly, so a short trace that favours recency reaches a large window
//! at once, and a loop that favours frequency keeps a small one.
//!
//! Cost: the minis are [`Core`]s (the policy's own intrusive queues), each with a small
//! open-addressing table from key hash to mini slot, and they share one sketch: every mini
//! sees the same sampled requests, and a sketch only counts requests, so their sketches
//! would be identical.

use super::sketch::FrequencySketch;
use super::tinylfu::Core;

/// The window shares simulated (9 shares from 1 % to 99 % measured no better than these 5,
/// at twice the cost). The real window stops at 1 % + protected's 80 % of main.
const SHARES: [f64; 5] = [0.01, 0.1, 0.35, 0.7, 0.99];
/// Entries of one mini cache: the sample rate is `entries / MINI_ENTRIES` (at least 1), so
/// a mini holds fewer than `2 × MINI_ENTRIES` entries (256 measured no better on the
/// shipped traces).
const MINI_ENTRIES: u32 = 128;
/// Weight of the previous periods' misses in a mini's score.
const DECAY: f64 = 0.5;
/// A table slot holding no key.
const EMPTY: u16 = u16::MAX;

#[derive(Debug)]
struct Mini {
    core: Core,
    /// Linear probing from a key hash to its mini slot ([`EMPTY`]: none); at most half full.
    table: Vec<u16>,
    shift: u32,
    free: Vec<u32>,
    slots: u32,
    misses: u64,
    score: f64,
}

impl Mini {
    fn new(entries: u32, window: f64) -> Mini {
        // An insert adds before it evicts: up to entries + 1 slots at once.
        let bits = (2 * (entries + 1))
            .next_power_of_two()
            .trailing_zeros()
            .max(2);
        Mini {
            core: Core::new(entries, None, window),
            table: vec![EMPTY; 1 << bits],
            shift: 32 - bits,
            free: Vec::new(),
            slots: 0,
            misses: 0,
            score: 0.0,
        }
    }

    #[inline]
    fn home(&self, hash: u32) -> usize {
        // A full mix (Wellons' lowbias32): the keys may be sequential, and the sampled ones
        // share residues under the sampling's multiplier.
        let mut x = hash;
        x ^= x >> 16;
        x = x.wrapping_mul(0x7feb_352d);
        x ^= x >> 15;
        x = x.wrapping_mul(0x846c_a68b);
        x ^= x >> 16;
        (x >> self.shift) as usize
    }

    /// The table position holding `hash`'s slot, or the empty position where it would go.
    #[inline]
    fn find(&self, hash: u32) -> (usize, Option<u32>) {
        let mask = self.table.len() - 1;
        let mut i = self.home(hash);
        loop {
            match self.table[i] {
                EMPTY => return (i, None),
                slot if self.core.hash(u32::from(slot)) == hash => {
                    return (i, Some(u32::from(slot)))
                }
                _ => i = (i + 1) & mask,
            }
        }
    }

    /// Deletes the slot at table position `at`, shifting later entries of its run back.
    fn delete(&mut self, mut at: usize) {
        let mask = self.table.len() - 1;
        let mut i = at;
        loop {
            i = (i + 1) & mask;
            let slot = self.table[i];
            if slot == EMPTY {
                break;
            }
            let home = self.home(self.core.hash(u32::from(slot)));
            // The entry at i may fill the hole unless its home lies cyclically in (at, i].
            if (i.wrapping_sub(home) & mask) >= (i.wrapping_sub(at) & mask) {
                self.table[at] = slot;
                at = i;
            }
        }
        self.table[at] = EMPTY;
    }

    fn access(&mut self, hash: u32, sketch: Option<&FrequencySketch>) {
        let (at, found) = self.find(hash);
        if let Some(slot) = found {
            self.core.access(slot);
            self.core.maintain();
            return;
        }
        self.misses += 1;
        let slot = self.free.pop().unwrap_or_else(|| {
            self.slots += 1;
            self.slots - 1
        });
        self.table[at] = slot as u16;
        self.core.clear_evicted();
        self.core.add(slot, hash, 1);
        self.core.evict_entries(sketch);
        self.core.maintain();
        for i in 0..self.core.evicted().len() {
            let victim = self.core.evicted()[i];
            let (at, _) = self.find(self.core.hash(victim));
            self.delete(at);
            self.free.push(victim);
        }
    }
}

/// The miniature caches and the period's bookkeeping.
#[derive(Debug)]
pub(crate) struct MiniSim {
    rate: u32,
    /// `rate` as Lemire's divisibility constant (`x % rate == 0` iff `x × c ≤ c − 1`).
    rate_magic: u64,
    minis: Vec<Mini>,
    /// The minis' shared sketch, created when they are half full (as each would).
    sketch: Option<FrequencySketch>,
    mini_entries: u32,
    requests: u64,
    period: u64,
}

impl MiniSim {
    /// Minis for a cache of `entries` entries, deciding every `period` requests.
    pub(crate) fn new(entries: u32, period: u64) -> MiniSim {
        let rate = (entries / MINI_ENTRIES).max(1);
        let mini_entries = (entries / rate).max(1);
        MiniSim {
            rate,
            rate_magic: (u64::MAX / u64::from(rate)).wrapping_add(1),
            minis: SHARES
                .iter()
                .map(|&window| Mini::new(mini_entries, window))
                .collect(),
            sketch: None,
            mini_entries,
            requests: 0,
            period,
        }
    }

    /// Records one request (a hit or an insert) for the key hash `hash`.
    #[inline]
    pub(crate) fn record(&mut self, hash: u32) {
        self.requests += 1;
        // A 1-in-`rate` sample of the keys: (hash × φ) >> 8 divisible by the rate.
        let sample = u64::from(hash.wrapping_mul(0x9e37_79b1) >> 8);
        if self.rate > 1 && sample.wrapping_mul(self.rate_magic) > self.rate_magic - 1 {
            return;
        }
        self.replay(hash);
    }

    fn replay(&mut self, hash: u32) {
        if let Some(sketch) = &mut self.sketch {
            sketch.increment(hash);
        }
        for mini in &mut self.minis {
            mini.access(hash, self.sketch.as_ref());
        }
        if self.sketch.is_none() && self.minis[0].core.half_full() {
            self.sketch = Some(FrequencySketch::new(self.mini_entries as usize));
        }
    }

    /// At the end of a period, the best window share; `None` before.
    pub(crate) fn best_share(&mut self) -> Option<f64> {
        if self.requests < self.period {
            return None;
        }
        self.requests = 0;
        for mini in &mut self.minis {
            mini.score = DECAY * mini.score + mini.misses as f64;
            mini.misses = 0;
        }
        let mut best = 0;
        for (i, mini) in self.minis.iter().enumerate() {
            if mini.score < self.minis[best].score {
                best = i;
            }
        }
        Some(SHARES[best])
    }

    /// Bytes allocated by the minis and their sketch.
    pub(crate) fn memory_bytes(&self) -> usize {
        std::mem::size_of::<MiniSim>()
            + self
                .sketch
                .as_ref()
                .map_or(0, FrequencySketch::memory_bytes)
            + self
                .minis
                .iter()
                .map(|m| {
                    std::mem::size_of::<Mini>()
                        + m.core.memory_bytes()
                        + 2 * m.table.len()
                        + 4 * m.free.capacity()
                })
                .sum::<usize>()
    }
}

#[cfg(test)]
mod tests {
    use super::super::lists::Queue;
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashMap;

    #[test]
    fn the_sample_is_the_keys_whose_scaled_hash_the_rate_divides() {
        for entries in [128u32, 300, 1000, 100_000, 1 << 30] {
            let mut m = MiniSim::new(entries, u64::MAX);
            // Distinct hashes: a first sighting is a miss in every mini, so a mini's misses
            // grow exactly when the request is sampled.
            for hash in (0..200_000u32).map(|i| i.wrapping_mul(2_654_435_761)) {
                let before = m.minis[0].misses;
                m.record(hash);
                let sampled = (hash.wrapping_mul(0x9e37_79b1) >> 8) % m.rate == 0;
                assert_eq!(
                    m.minis[0].misses - before,
                    u64::from(sampled),
                    "{entries}: {hash}"
                );
            }
        }
    }

    proptest! {
        /// A mini's table finds exactly the keys its queues hold (checked against a map of
        /// the mini's own slots), across inserts, hits and evictions with backward shifts.
        #[test]
        fn mini_table_tracks_the_held_keys(keys in proptest::collection::vec(0u32..40, 1..400),
                                           entries in 1u32..12, spread: bool) {
            let mut mini = Mini::new(entries, 0.2);
            let mut sketch = FrequencySketch::new(entries as usize);
            // Clustered hashes (consecutive, one home bucket apart) stress the probing.
            let hash = |k: u32| if spread { k.wrapping_mul(0x9e37_79b9) } else { k };
            for &k in &keys {
                sketch.increment(hash(k));
                mini.access(hash(k), Some(&sketch));
                mini.core.check_invariants();
                let mut held: HashMap<u32, u32> = HashMap::new();
                for slot in 0..mini.slots {
                    if mini.core.queue(slot) != Queue::Absent {
                        held.insert(mini.core.hash(slot), slot);
                    }
                }
                let in_table = mini.table.iter().filter(|&&s| s != EMPTY).count();
                prop_assert_eq!(in_table, held.len());
                for k in 0..40 {
                    prop_assert_eq!(mini.find(hash(k)).1, held.get(&hash(k)).copied());
                }
            }
        }
    }
}
