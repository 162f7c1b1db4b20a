//! The frequency sketch of TinyLFU: a count-min sketch of 4-bit counters with periodic
//! halving ("reset"), laid out as Caffeine's `FrequencySketch` is, plus an optional
//! doorkeeper (a Bloom filter in front of the counters, from the TinyLFU paper).
//!
//! The table holds 16 counters per `u64`, one `u64` per expected entry (rounded up to a
//! power of two, at least 256). A key's four counters lie in one 64-byte block (8 words),
//! one counter in each 16-byte quarter of the block, so an increment touches one cache line.
//! After `10 × entries` increments that changed a counter, every counter is halved; the
//! count of additions is then reduced by the truncation (the odd counters) and halved too,
//! so popularity ages and a key that was hot long ago fades away.

/// Masks every counter's top bit off after a shift right by one (halving all 16 counters).
const RESET_MASK: u64 = 0x7777_7777_7777_7777;
/// The low bit of every counter (to count the odd counters a halving truncates).
const ONE_MASK: u64 = 0x1111_1111_1111_1111;
/// The smallest table, in `u64` words (so a tiny cache still has a useful sketch).
const MIN_WORDS: usize = 256;
/// Sample size (increments between two halvings) per expected entry.
const SAMPLE_FACTOR: u64 = 10;

/// Caffeine's supplemental hash (a three-round integer hash by Chris Wellons' prospector):
/// defends against a poor key hash.
#[inline]
fn spread(mut x: u32) -> u32 {
    x ^= x >> 17;
    x = x.wrapping_mul(0xed5a_d4bb);
    x ^= x >> 11;
    x = x.wrapping_mul(0xac4c_1b51);
    x ^= x >> 15;
    x
}

/// A second round of hashing: selects the four counters inside the block.
#[inline]
fn rehash(mut x: u32) -> u32 {
    x = x.wrapping_mul(0x3184_8bab);
    x ^= x >> 14;
    x
}

/// A count-min sketch of 4-bit counters (saturating at 15) with periodic halving, and an
/// optional doorkeeper. Keys are 32-bit hashes supplied by the caller.
#[derive(Debug, Clone)]
pub struct FrequencySketch {
    table: Vec<u64>,
    block_mask: u32,
    sample_size: u64,
    additions: u64,
    doorkeeper: Option<Doorkeeper>,
}

impl FrequencySketch {
    /// A sketch sized for a cache of `entries` entries (at least 256), without doorkeeper.
    pub fn new(entries: usize) -> FrequencySketch {
        FrequencySketch::with_doorkeeper(entries, false)
    }

    /// A sketch sized for `entries` entries; `doorkeeper` puts a Bloom filter in front of the
    /// counters, so a key seen once costs a bit rather than four counters (the filter is
    /// cleared at each halving, and a key in it counts one more).
    pub fn with_doorkeeper(entries: usize, doorkeeper: bool) -> FrequencySketch {
        let words = entries.clamp(MIN_WORDS, 1 << 30).next_power_of_two();
        FrequencySketch {
            table: vec![0; words],
            block_mask: ((words >> 3) - 1) as u32,
            sample_size: SAMPLE_FACTOR * entries.clamp(MIN_WORDS, 1 << 30) as u64,
            additions: 0,
            doorkeeper: doorkeeper.then(|| Doorkeeper::new(words * 16)),
        }
    }

    /// Increments between two halvings (`10 × entries`).
    pub fn sample_size(&self) -> u64 {
        self.sample_size
    }

    /// Size of the counter table in bytes (plus the doorkeeper's, when there is one).
    pub fn memory_bytes(&self) -> usize {
        self.table.len() * 8 + self.doorkeeper.as_ref().map_or(0, |d| d.bits.len() * 8)
    }

    /// The four (word, shift) positions of a key's counters.
    #[inline]
    fn positions(&self, hash: u32) -> [(usize, u32); 4] {
        let block_hash = spread(hash);
        let counter_hash = rehash(block_hash);
        let block = ((block_hash & self.block_mask) << 3) as usize;
        let mut out = [(0, 0); 4];
        for (i, slot) in out.iter_mut().enumerate() {
            let h = counter_hash >> (i << 3);
            let index = (h >> 1) & 15;
            let word = block + (h & 1) as usize + (i << 1);
            *slot = (word, index << 2);
        }
        out
    }

    /// Hints the processor to load the block of `hash`'s counters (x86-64; a no-op elsewhere).
    #[inline]
    pub(crate) fn prefetch(&self, hash: u32) {
        let block = ((spread(hash) & self.block_mask) << 3) as usize;
        super::lists::prefetch(&self.table[block]);
    }

    /// The estimated number of times `hash` was seen since it last aged, 0 to 15.
    pub fn frequency(&self, hash: u32) -> u8 {
        let mut min = 15u8;
        for (word, shift) in self.positions(hash) {
            min = min.min(((self.table[word] >> shift) & 0xf) as u8);
        }
        match &self.doorkeeper {
            Some(d) if d.contains(hash) => (min + 1).min(15),
            _ => min,
        }
    }

    /// Records one occurrence of `hash`. Counters saturate at 15; after `sample_size`
    /// increments that changed a counter, every counter is halved.
    pub fn increment(&mut self, hash: u32) {
        if let Some(d) = &mut self.doorkeeper {
            if !d.insert(hash) {
                return; // first sighting since the last halving: only the filter's bits
            }
        }
        let mut added = false;
        for (word, shift) in self.positions(hash) {
            let mask = 0xf_u64 << shift;
            if self.table[word] & mask != mask {
                self.table[word] += 1 << shift;
                added = true;
            }
        }
        if added {
            self.additions += 1;
            if self.additions >= self.sample_size {
                self.reset();
            }
        }
    }

    /// Halves every counter (the aging step) and clears the doorkeeper.
    pub fn reset(&mut self) {
        let mut odd = 0u64;
        for w in &mut self.table {
            odd += u64::from((*w & ONE_MASK).count_ones());
            *w = (*w >> 1) & RESET_MASK;
        }
        self.additions = self.additions.saturating_sub(odd >> 2) >> 1;
        if let Some(d) = &mut self.doorkeeper {
            d.clear();
        }
    }
}

/// A Bloom filter with two probes derived from one 32-bit hash.
#[derive(Debug, Clone)]
struct Doorkeeper {
    bits: Vec<u64>,
    mask: u32,
}

impl Doorkeeper {
    /// A filter of `bits` bits (a power of two, at least 64).
    fn new(bits: usize) -> Doorkeeper {
        let bits = bits.max(64).next_power_of_two();
        Doorkeeper {
            bits: vec![0; bits / 64],
            mask: (bits - 1) as u32,
        }
    }

    #[inline]
    fn probes(&self, hash: u32) -> [u32; 2] {
        let h = spread(hash ^ 0x9e37_79b9);
        [h & self.mask, rehash(h) & self.mask]
    }

    fn contains(&self, hash: u32) -> bool {
        self.probes(hash)
            .iter()
            .all(|&b| self.bits[(b >> 6) as usize] & (1 << (b & 63)) != 0)
    }

    /// Sets the key's bits; true when they were all set already.
    fn insert(&mut self, hash: u32) -> bool {
        let mut present = true;
        for b in self.probes(hash) {
            let (word, bit) = ((b >> 6) as usize, 1u64 << (b & 63));
            present &= self.bits[word] & bit != 0;
            self.bits[word] |= bit;
        }
        present
    }

    fn clear(&mut self) {
        self.bits.fill(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn counts_up_to_fifteen_and_saturates() {
        let mut s = FrequencySketch::new(512);
        for i in 1..=20u8 {
            s.increment(42);
            assert_eq!(s.frequency(42), i.min(15));
        }
        assert_eq!(s.frequency(43), 0);
    }

    #[test]
    fn reset_halves_every_counter() {
        let mut s = FrequencySketch::new(512);
        for _ in 0..15 {
            s.increment(7);
        }
        for _ in 0..6 {
            s.increment(8);
        }
        s.increment(9);
        s.reset();
        assert_eq!(s.frequency(7), 7);
        assert_eq!(s.frequency(8), 3);
        assert_eq!(s.frequency(9), 0);
    }

    #[test]
    fn halves_by_itself_after_the_sample_size() {
        let mut s = FrequencySketch::new(256);
        for _ in 0..15 {
            s.increment(1);
        }
        assert_eq!(s.frequency(1), 15);
        // Distinct keys, each adding at least one counter, until the additions drop (a halving).
        let mut key = 1000u32;
        let mut previous = s.additions;
        loop {
            s.increment(key);
            key += 1;
            assert!(u64::from(key - 1000) <= s.sample_size());
            if s.additions < previous {
                break;
            }
            previous = s.additions;
        }
        assert!(s.frequency(1) <= 7, "halved: {}", s.frequency(1));
    }

    #[test]
    fn doorkeeper_absorbs_the_first_occurrence() {
        let mut s = FrequencySketch::with_doorkeeper(512, true);
        s.increment(5);
        assert_eq!(s.frequency(5), 1);
        assert_eq!(s.additions, 0, "the first sighting only sets filter bits");
        s.increment(5);
        assert_eq!(s.frequency(5), 2);
        assert_eq!(s.additions, 1);
        s.reset();
        assert_eq!(s.frequency(5), 0, "counter 1 halves to 0, filter cleared");
    }

    proptest! {
        /// The estimate never undercounts (count-min), never exceeds 15, and a halving
        /// maps every estimate e to at most e / 2 (other keys share counters, never fewer).
        #[test]
        fn estimates_bound_true_counts(keys in proptest::collection::vec(0u32..64, 0..400)) {
            let mut s = FrequencySketch::new(256);
            let mut truth = [0u32; 64];
            for &k in &keys {
                s.increment(k);
                truth[k as usize] += 1;
            }
            let before: Vec<u8> = (0..64).map(|k| s.frequency(k)).collect();
            for k in 0..64 {
                prop_assert!(u32::from(before[k]) >= truth[k].min(15));
                prop_assert!(before[k] <= 15);
            }
            s.reset();
            for k in 0..64u32 {
                prop_assert!(s.frequency(k) <= before[k as usize] / 2);
                prop_assert!(u32::from(s.frequency(k)) >= truth[k as usize].min(15) / 2);
            }
        }
    }
}
