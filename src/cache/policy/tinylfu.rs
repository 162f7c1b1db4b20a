//! W-TinyLFU bookkeeping over slot ids: a window LRU, a segmented main LRU (probation and
//! protected), all three queues on the `lru` crate, a [`FrequencySketch`] as the admission
//! filter and a [`HillClimber`] sizing the window.
//!
//! A new entry enters the window. When the window is over its quota its LRU entries move to
//! probation, and while the cache is over its bound each such *candidate* is compared with
//! the probation's LRU *victim*: the one the sketch has seen less often is evicted (the
//! victim wins ties; a warm candidate beats a hot victim 1 time in 128, against hash
//! flooding). A hit in probation promotes to protected; protected overflow demotes back to
//! probation. The climber moves quota between the window and protected.

use super::climber::HillClimber;
use super::minisim::MiniSim;
use super::sketch::FrequencySketch;
use lru::LruCache;

/// Fraction of the main space that is protected.
const PERCENT_MAIN_PROTECTED: f64 = 0.80;
/// A candidate at least this frequent is admitted over a hotter victim 1 time in 128.
const ADMIT_HASHDOS_THRESHOLD: u8 = 6;
/// At most this many entries move between queues per window adjustment (the rest is carried
/// over to the next maintenance, as in Caffeine), so no single call does unbounded work.
const QUEUE_TRANSFER_THRESHOLD: usize = 1000;

/// Where a slot is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Queue {
    Absent,
    Window,
    Probation,
    Protected,
}

#[derive(Debug, Clone, Copy)]
struct Slot {
    hash: u32,
    weight: u32,
    queue: Queue,
}

const ABSENT: Slot = Slot {
    hash: 0,
    weight: 0,
    queue: Queue::Absent,
};

/// How the admission window is sized.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Adapt {
    /// Fixed at [`TinyLfuOptions::window`].
    Fixed,
    /// Caffeine's hit-rate hill climber ([`HillClimber`]).
    HillClimb,
    /// Miniature caches with fixed windows on a sample of the keys; the window takes the
    /// share of the one that misses least (see `minisim.rs`).
    MiniSim,
}

/// Construction options for [`TinyLfu`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TinyLfuOptions {
    /// Bound on the number of entries; also sizes the sketch (8 bytes per entry).
    pub max_entries: u32,
    /// Bound on the sum of entry weights; `None` (default): every entry weighs 1 and only
    /// `max_entries` applies.
    pub max_weight: Option<u64>,
    /// How the window is sized (default [`Adapt::MiniSim`]: it met the LRU target on every
    /// shipped trace, the hit-rate climber did not; see docs/cache-policy.md).
    pub adapt: Adapt,
    /// A Bloom-filter doorkeeper in front of the sketch (default `false`: on the shipped
    /// traces it did not pay, see docs/cache-policy.md).
    pub doorkeeper: bool,
    /// The window's initial share of the maximum (default 0.01, Caffeine's); the climber
    /// moves it from there.
    pub window: f64,
}

impl TinyLfuOptions {
    /// Defaults for a cache of `max_entries` unweighted entries.
    pub fn new(max_entries: u32) -> TinyLfuOptions {
        TinyLfuOptions {
            max_entries,
            max_weight: None,
            adapt: Adapt::MiniSim,
            doorkeeper: false,
            window: 0.01,
        }
    }
}

/// The W-TinyLFU eviction policy over caller-owned slot ids (`u32`, dense: the slot table
/// grows to the largest id seen). It holds no keys or values: the caller maps keys to slots,
/// reports accesses and inserts, and deletes the slots returned as evicted.
#[derive(Debug)]
pub struct TinyLfu {
    options: TinyLfuOptions,
    slots: Vec<Slot>,
    window: LruCache<u32, ()>,
    probation: LruCache<u32, ()>,
    protected: LruCache<u32, ()>,
    /// Created when the cache is first half full (as Caffeine does).
    sketch: Option<FrequencySketch>,
    climber: HillClimber,
    minisim: Option<Box<MiniSim>>,
    maximum: u64,
    window_maximum: u64,
    protected_maximum: u64,
    weight: u64,
    window_weight: u64,
    protected_weight: u64,
    len: u32,
    /// Window adjustment not yet applied (transfer budget or weights did not allow it).
    adjustment: i64,
    random: u32,
    candidates: Vec<u32>,
    evicted: Vec<u32>,
}

impl TinyLfu {
    /// A policy for at most `max_entries` entries of weight 1, with the default options.
    pub fn new(max_entries: u32) -> TinyLfu {
        TinyLfu::with_options(TinyLfuOptions::new(max_entries))
    }

    /// A policy with explicit options.
    pub fn with_options(options: TinyLfuOptions) -> TinyLfu {
        let maximum = options.max_weight.unwrap_or(u64::from(options.max_entries));
        let main = ((1.0 - options.window.clamp(0.0, 1.0)) * maximum as f64) as u64;
        let window_maximum = maximum - main;
        TinyLfu {
            options,
            slots: Vec::new(),
            window: LruCache::unbounded(),
            probation: LruCache::unbounded(),
            protected: LruCache::unbounded(),
            sketch: None,
            climber: HillClimber::new(maximum),
            // Decides once per sketch sample (10 × entries, at least 2560 requests).
            minisim: (options.adapt == Adapt::MiniSim).then(|| {
                Box::new(MiniSim::new(
                    options.max_entries,
                    10 * u64::from(options.max_entries.max(256)),
                ))
            }),
            maximum,
            window_maximum,
            protected_maximum: (PERCENT_MAIN_PROTECTED * (maximum - window_maximum) as f64) as u64,
            weight: 0,
            window_weight: 0,
            protected_weight: 0,
            len: 0,
            adjustment: 0,
            random: 0x2545_f491,
            candidates: Vec::new(),
            evicted: Vec::new(),
        }
    }

    /// The options this policy was built with.
    pub fn options(&self) -> TinyLfuOptions {
        self.options
    }

    /// Number of entries held.
    pub fn len(&self) -> usize {
        self.len as usize
    }

    /// Whether no entry is held.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Sum of the weights held.
    pub fn weighted_size(&self) -> u64 {
        self.weight
    }

    /// The window's current quota (weight units).
    pub fn window_maximum(&self) -> u64 {
        self.window_maximum
    }

    /// Whether `slot` is held.
    pub fn contains(&self, slot: u32) -> bool {
        self.queue(slot) != Queue::Absent
    }

    /// The sketch's estimate for a key hash (0 before the sketch exists).
    pub fn frequency(&self, hash: u32) -> u8 {
        self.sketch.as_ref().map_or(0, |s| s.frequency(hash))
    }

    fn queue(&self, slot: u32) -> Queue {
        self.slots
            .get(slot as usize)
            .map_or(Queue::Absent, |s| s.queue)
    }

    fn weigh(&self, weight: u32) -> u32 {
        if self.options.max_weight.is_some() {
            weight.max(1)
        } else {
            1
        }
    }

    fn over(&self) -> bool {
        self.weight > self.maximum || self.len > self.options.max_entries
    }

    /// Replays a batch of reads (a drained read buffer). Slots not held (removed or evicted
    /// since the read) are skipped. Each read counts in the sketch and the climber's sample
    /// and reorders its queue; then the window is re-sized if a sample completed.
    pub fn record_accesses(&mut self, slots: &[u32]) {
        for &slot in slots {
            self.on_access(slot);
        }
        self.climb();
    }

    fn on_access(&mut self, slot: u32) {
        let Some(&s) = self.slots.get(slot as usize) else {
            return;
        };
        if s.queue == Queue::Absent {
            return;
        }
        if let Some(sketch) = &mut self.sketch {
            sketch.increment(s.hash);
        }
        if let Some(minisim) = &mut self.minisim {
            minisim.record(s.hash);
        }
        self.climber.record_hit();
        match s.queue {
            Queue::Window => {
                self.window.promote(&slot);
            }
            Queue::Probation if u64::from(s.weight) <= self.protected_maximum => {
                // Protected overflow is demoted later, in `climb` (as Caffeine defers it).
                self.transfer(slot, Queue::Probation, Queue::Protected);
            }
            Queue::Probation => {
                self.probation.promote(&slot);
            }
            Queue::Protected => {
                self.protected.promote(&slot);
            }
            Queue::Absent => {}
        }
    }

    /// Adds `slot` for a key whose hash is `hash`, with `weight` (ignored, i.e. 1, unless
    /// `max_weight` is set; 0 counts as 1). Returns the slots evicted to make room, which may
    /// include `slot` itself (heavier than the whole cache). A `slot` already held with the
    /// same hash is an update (new weight, and it counts as a read); with another hash, the
    /// old entry is removed first.
    pub fn insert(&mut self, slot: u32, hash: u32, weight: u32) -> &[u32] {
        self.evicted.clear();
        let weight = self.weigh(weight);
        match self.slots.get(slot as usize) {
            Some(s) if s.queue != Queue::Absent && s.hash == hash => {
                self.reweigh(slot, weight);
                self.on_access(slot);
            }
            _ => {
                self.remove(slot);
                self.add(slot, hash, weight);
            }
        }
        if self.slots[slot as usize].weight as u64 > self.maximum {
            self.evict(slot);
        }
        self.ensure_sketch();
        self.evict_entries();
        self.climb();
        &self.evicted
    }

    fn add(&mut self, slot: u32, hash: u32, weight: u32) {
        let i = slot as usize;
        if i >= self.slots.len() {
            self.slots.resize(i + 1, ABSENT);
        }
        self.slots[i] = Slot {
            hash,
            weight,
            queue: Queue::Absent,
        };
        self.link(slot, Queue::Window);
        self.len += 1;
        self.weight += u64::from(weight);
        if let Some(sketch) = &mut self.sketch {
            sketch.increment(hash);
        }
        if let Some(minisim) = &mut self.minisim {
            minisim.record(hash);
        }
        self.climber.record_miss();
    }

    fn reweigh(&mut self, slot: u32, weight: u32) {
        let s = &mut self.slots[slot as usize];
        let (old, new) = (u64::from(s.weight), u64::from(weight));
        s.weight = weight;
        self.weight = self.weight - old + new;
        match s.queue {
            Queue::Window => self.window_weight = self.window_weight - old + new,
            Queue::Protected => self.protected_weight = self.protected_weight - old + new,
            _ => {}
        }
    }

    /// Removes `slot` (a delete, an expiry or an invalidation); false when it was not held.
    /// A removed slot is never returned as evicted until it is inserted again.
    pub fn remove(&mut self, slot: u32) -> bool {
        let s = match self.slots.get(slot as usize) {
            Some(s) if s.queue != Queue::Absent => *s,
            _ => return false,
        };
        self.unlink(slot, s.queue);
        self.weight -= u64::from(s.weight);
        self.len -= 1;
        self.slots[slot as usize] = ABSENT;
        true
    }

    /// Removes every entry. The sketch keeps its counts (a key popular before a clear is
    /// still popular after it), and the window keeps its size.
    pub fn clear(&mut self) {
        self.window.clear();
        self.probation.clear();
        self.protected.clear();
        self.slots.clear();
        self.weight = 0;
        self.window_weight = 0;
        self.protected_weight = 0;
        self.len = 0;
    }

    fn evict(&mut self, slot: u32) {
        if self.remove(slot) {
            self.evicted.push(slot);
        }
    }

    /// Caffeine lazily allocates the sketch when the cache is half full: until then nothing
    /// is evicted, so there is nothing to decide.
    fn ensure_sketch(&mut self) {
        if self.sketch.is_none()
            && (self.weight >= self.maximum / 2
                || u64::from(self.len) >= u64::from(self.options.max_entries) / 2)
        {
            self.sketch = Some(FrequencySketch::with_doorkeeper(
                self.options.max_entries as usize,
                self.options.doorkeeper,
            ));
        }
    }

    /// Moves `slot` to the MRU end of `to`.
    fn transfer(&mut self, slot: u32, from: Queue, to: Queue) {
        self.unlink(slot, from);
        self.link(slot, to);
    }

    /// Takes `slot` out of `queue` (its list and the segment's weight).
    fn unlink(&mut self, slot: u32, queue: Queue) {
        let weight = u64::from(self.slots[slot as usize].weight);
        match queue {
            Queue::Window => {
                self.window.pop(&slot);
                self.window_weight -= weight;
            }
            Queue::Probation => {
                self.probation.pop(&slot);
            }
            Queue::Protected => {
                self.protected.pop(&slot);
                self.protected_weight -= weight;
            }
            Queue::Absent => {}
        }
    }

    /// Puts `slot` at the MRU end of `queue` and records where it is.
    fn link(&mut self, slot: u32, queue: Queue) {
        let weight = u64::from(self.slots[slot as usize].weight);
        match queue {
            Queue::Window => {
                self.window.push(slot, ());
                self.window_weight += weight;
            }
            Queue::Probation => {
                self.probation.push(slot, ());
            }
            Queue::Protected => {
                self.protected.push(slot, ());
                self.protected_weight += weight;
            }
            Queue::Absent => {}
        }
        self.slots[slot as usize].queue = queue;
    }

    fn evict_entries(&mut self) {
        self.evict_from_window();
        self.evict_from_main();
    }

    /// Moves the window's overflow, LRU first, to the probation's MRU end; they become the
    /// admission candidates.
    fn evict_from_window(&mut self) {
        self.candidates.clear();
        while self.window_weight > self.window_maximum {
            let Some((&slot, _)) = self.window.peek_lru() else {
                break;
            };
            self.transfer(slot, Queue::Window, Queue::Probation);
            self.candidates.push(slot);
        }
    }

    /// While over the bound, evicts the less frequent of the next candidate and the main
    /// space's LRU victim (probation first, then protected, then the window).
    fn evict_from_main(&mut self) {
        let mut next = 0;
        while self.over() {
            // Candidates may have been evicted already as victims.
            while next < self.candidates.len() && !self.contains(self.candidates[next]) {
                next += 1;
            }
            let candidate = self.candidates.get(next).copied();
            let victim = self
                .probation
                .peek_lru()
                .or_else(|| self.protected.peek_lru())
                .or_else(|| self.window.peek_lru())
                .map(|(&slot, _)| slot);
            let (Some(candidate), Some(victim)) = (candidate, victim) else {
                // No candidate left (main grew over by itself): plain LRU eviction.
                match victim {
                    Some(victim) => self.evict(victim),
                    None => break,
                }
                continue;
            };
            // The same entry (probation holds only candidates), or the candidate wins: the
            // victim goes. Either way the next candidate is up.
            if candidate == victim || self.admit(candidate, victim) {
                self.evict(victim);
            } else {
                self.evict(candidate);
            }
            next += 1;
        }
    }

    /// Whether the candidate should replace the victim.
    fn admit(&mut self, candidate: u32, victim: u32) -> bool {
        let (c, v) = (
            self.frequency(self.slots[candidate as usize].hash),
            self.frequency(self.slots[victim as usize].hash),
        );
        if c > v {
            true
        } else if c >= ADMIT_HASHDOS_THRESHOLD {
            // xorshift32: a cheap, deterministic coin with p = 1/128.
            self.random ^= self.random << 13;
            self.random ^= self.random >> 17;
            self.random ^= self.random << 5;
            self.random & 127 == 0
        } else {
            false
        }
    }

    /// The end of every maintenance: demote protected overflow, then apply the climber's
    /// adjustment of the window (if a sample completed, or some was carried over).
    fn climb(&mut self) {
        match (self.options.adapt, &self.sketch) {
            (Adapt::Fixed, _) => {}
            (Adapt::HillClimb, None) => self.climber.reset_sample(),
            (Adapt::HillClimb, Some(sketch)) => {
                if let Some(amount) = self.climber.adjust(sketch.sample_size()) {
                    self.adjustment = amount;
                }
            }
            (Adapt::MiniSim, _) => {
                if let Some(share) = self.minisim.as_mut().and_then(|m| m.best_share()) {
                    let target = self.maximum - ((1.0 - share) * self.maximum as f64) as u64;
                    self.adjustment = target as i64 - self.window_maximum as i64;
                }
            }
        }
        self.demote_from_protected();
        if self.adjustment > 0 {
            self.increase_window();
        } else if self.adjustment < 0 {
            self.decrease_window();
        }
    }

    fn demote_from_protected(&mut self) {
        for _ in 0..QUEUE_TRANSFER_THRESHOLD {
            if self.protected_weight <= self.protected_maximum {
                break;
            }
            let Some((&slot, _)) = self.protected.peek_lru() else {
                break;
            };
            self.transfer(slot, Queue::Protected, Queue::Probation);
        }
    }

    /// Grows the window by taking quota from protected, and moves main entries (probation
    /// LRU first) into the window to fill it.
    fn increase_window(&mut self) {
        if self.protected_maximum == 0 {
            self.adjustment = 0;
            return;
        }
        let mut quota = (self.adjustment as u64).min(self.protected_maximum);
        self.protected_maximum -= quota;
        self.window_maximum += quota;
        self.demote_from_protected();
        for _ in 0..QUEUE_TRANSFER_THRESHOLD {
            let from_probation = self
                .probation
                .peek_lru()
                .map(|(&s, _)| s)
                .filter(|&s| u64::from(self.slots[s as usize].weight) <= quota);
            let (slot, from) = match from_probation {
                Some(s) => (s, Queue::Probation),
                None => match self.protected.peek_lru() {
                    Some((&s, _)) => (s, Queue::Protected),
                    None => break,
                },
            };
            let weight = u64::from(self.slots[slot as usize].weight);
            if quota < weight {
                break;
            }
            quota -= weight;
            self.transfer(slot, from, Queue::Window);
        }
        self.protected_maximum += quota;
        self.window_maximum -= quota;
        self.adjustment = quota as i64;
    }

    /// Shrinks the window (never below 1) in favour of protected, moving the window's LRU
    /// entries to probation.
    fn decrease_window(&mut self) {
        if self.window_maximum <= 1 {
            self.adjustment = 0;
            return;
        }
        let mut quota = self
            .adjustment
            .unsigned_abs()
            .min(self.window_maximum.saturating_sub(1));
        self.protected_maximum += quota;
        self.window_maximum -= quota;
        for _ in 0..QUEUE_TRANSFER_THRESHOLD {
            let Some((&slot, _)) = self.window.peek_lru() else {
                break;
            };
            let weight = u64::from(self.slots[slot as usize].weight);
            if quota < weight {
                break;
            }
            quota -= weight;
            self.transfer(slot, Queue::Window, Queue::Probation);
        }
        self.protected_maximum -= quota;
        self.window_maximum += quota;
        self.adjustment = -(quota as i64);
    }
}

#[cfg(test)]
impl TinyLfu {
    /// Checks the queues, the slot table and the running totals against each other.
    fn check_invariants(&self) {
        let mut counts = [0usize; 4];
        let (mut weight, mut window, mut protected) = (0u64, 0u64, 0u64);
        for (i, s) in self.slots.iter().enumerate() {
            let slot = i as u32;
            let w = u64::from(s.weight);
            match s.queue {
                Queue::Absent => {
                    assert!(!self.window.contains(&slot));
                    assert!(!self.probation.contains(&slot));
                    assert!(!self.protected.contains(&slot));
                }
                Queue::Window => {
                    assert!(self.window.contains(&slot));
                    window += w;
                }
                Queue::Probation => assert!(self.probation.contains(&slot)),
                Queue::Protected => {
                    assert!(self.protected.contains(&slot));
                    protected += w;
                }
            }
            if s.queue != Queue::Absent {
                weight += w;
            }
            counts[s.queue as usize] += 1;
        }
        assert_eq!(counts[Queue::Window as usize], self.window.len());
        assert_eq!(counts[Queue::Probation as usize], self.probation.len());
        assert_eq!(counts[Queue::Protected as usize], self.protected.len());
        assert_eq!(
            self.len as usize,
            self.window.len() + self.probation.len() + self.protected.len()
        );
        assert_eq!(weight, self.weight);
        assert_eq!(window, self.window_weight);
        assert_eq!(protected, self.protected_weight);
        assert!(self.len <= self.options.max_entries);
        assert!(self.weight <= self.maximum);
        assert!(self.window_maximum + self.protected_maximum <= self.maximum);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashMap;

    #[test]
    fn fills_then_evicts_one_per_insert() {
        let mut p = TinyLfu::new(10);
        for slot in 0..10 {
            assert!(p.insert(slot, slot, 1).is_empty());
        }
        assert_eq!(p.len(), 10);
        let evicted = p.insert(10, 10, 1).to_vec();
        assert_eq!(evicted.len(), 1);
        assert!(!p.contains(evicted[0]));
        assert_eq!(p.len(), 10);
        p.check_invariants();
    }

    #[test]
    fn frequent_entries_survive_a_scan() {
        let mut p = TinyLfu::new(100);
        for slot in 0..100 {
            p.insert(slot, slot, 1);
        }
        for _ in 0..5 {
            p.record_accesses(&(0..50).collect::<Vec<u32>>());
        }
        // A scan of 10 000 keys seen once each, slots reused as they are evicted.
        let mut free: Vec<u32> = Vec::new();
        let mut next_slot = 100;
        let mut key_of: HashMap<u32, u32> = HashMap::new();
        for key in 1000..11_000u32 {
            let slot = free.pop().unwrap_or_else(|| {
                next_slot += 1;
                next_slot - 1
            });
            key_of.insert(slot, key);
            free.extend_from_slice(p.insert(slot, key, 1));
        }
        let hot_left = (0..50).filter(|&s| p.contains(s)).count();
        assert!(hot_left >= 45, "only {hot_left} of 50 hot entries survived");
        p.check_invariants();
    }

    #[test]
    fn admission_compares_frequencies() {
        // No window: every new entry is a candidate against the probation's LRU victim.
        let mut p = TinyLfu::with_options(TinyLfuOptions {
            adapt: Adapt::Fixed,
            window: 0.0,
            ..TinyLfuOptions::new(100)
        });
        for slot in 0..100 {
            p.insert(slot, slot, 1);
        }
        let all: Vec<u32> = (0..100).collect();
        p.record_accesses(&all);
        p.record_accesses(&all);
        // Key 500 is seen 8 times through a slot that is then freed again.
        for _ in 0..8 {
            p.remove(99);
            p.insert(99, 500, 1);
        }
        p.remove(99);
        assert!(p.insert(99, 99, 1).is_empty());
        // A key seen once loses to any resident: its own slot comes back.
        assert_eq!(p.insert(100, 777, 1), &[100]);
        // The frequent key wins: a resident goes.
        let evicted = p.insert(101, 500, 1).to_vec();
        assert_eq!(evicted.len(), 1);
        assert_ne!(evicted[0], 101);
        assert!(p.contains(101));
        p.check_invariants();
    }

    #[test]
    fn too_heavy_an_entry_is_evicted_at_once() {
        let mut p = TinyLfu::with_options(TinyLfuOptions {
            max_weight: Some(100),
            ..TinyLfuOptions::new(10)
        });
        assert!(p.insert(1, 1, 60).is_empty());
        assert_eq!(p.insert(2, 2, 101), &[2]);
        assert!(!p.contains(2));
        assert_eq!(p.weighted_size(), 60);
        // 60 + 50 > 100: one of them goes.
        assert_eq!(p.insert(3, 3, 50).len(), 1);
        assert!(p.weighted_size() <= 100);
        p.check_invariants();
    }

    #[test]
    fn remove_and_stale_accesses() {
        let mut p = TinyLfu::new(4);
        assert!(!p.remove(0));
        p.insert(0, 0, 1);
        assert!(p.remove(0));
        assert!(!p.contains(0));
        // Reads of removed or never-used slots (a lossy read buffer) are ignored.
        p.record_accesses(&[0, 1, 4_000_000]);
        assert!(p.is_empty());
        p.check_invariants();
    }

    #[test]
    fn update_keeps_the_slot_and_a_new_hash_replaces_it() {
        let mut p = TinyLfu::with_options(TinyLfuOptions {
            max_weight: Some(100),
            ..TinyLfuOptions::new(10)
        });
        p.insert(0, 7, 10);
        p.insert(0, 7, 30);
        assert_eq!((p.len(), p.weighted_size()), (1, 30));
        p.insert(0, 8, 5);
        assert_eq!((p.len(), p.weighted_size()), (1, 5));
        p.check_invariants();
    }

    #[test]
    fn clear_empties_and_keeps_frequencies() {
        let mut p = TinyLfu::new(4);
        for slot in 0..4 {
            p.insert(slot, 40 + slot, 1);
        }
        p.record_accesses(&[0, 0, 0]);
        let before = p.frequency(40);
        assert!(before >= 3);
        p.clear();
        assert!(p.is_empty() && !p.contains(0));
        assert_eq!(p.frequency(40), before);
        p.check_invariants();
    }

    #[test]
    fn the_window_grows_when_recency_pays() {
        for adapt in [Adapt::MiniSim, Adapt::HillClimb] {
            window_grows_when_recency_pays(adapt);
        }
    }

    fn window_grows_when_recency_pays(adapt: Adapt) {
        // Each key is read a few times soon after its insert and never again: only a
        // large window (plain LRU) hits, so the window should grow.
        let mut p = TinyLfu::with_options(TinyLfuOptions {
            adapt,
            ..TinyLfuOptions::new(1000)
        });
        let initial = p.window_maximum();
        let mut slot_of: HashMap<u32, u32> = HashMap::new();
        let mut free: Vec<u32> = Vec::new();
        let mut next = 0u32;
        let mut x = 1u32;
        for i in 0..400_000u32 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            // a key from the last ~800 inserted
            let key = i / 4 - (x % 200).min(i / 4);
            match slot_of.get(&key) {
                Some(&slot) => p.record_accesses(&[slot]),
                None => {
                    let slot = free.pop().unwrap_or_else(|| {
                        next += 1;
                        next - 1
                    });
                    slot_of.insert(key, slot);
                    for &victim in p.insert(slot, key, 1) {
                        slot_of.retain(|_, s| *s != victim);
                        free.push(victim);
                    }
                }
            }
        }
        assert!(
            p.window_maximum() > 5 * initial,
            "{adapt:?}: window {} (from {initial})",
            p.window_maximum()
        );
        p.check_invariants();
    }

    #[derive(Debug, Clone)]
    enum Op {
        Insert(u32, u32, u32),
        Read(Vec<u32>),
        Remove(u32),
        Clear,
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            6 => (0u32..48, 0u32..24, 0u32..12).prop_map(|(s, h, w)| Op::Insert(s, h, w)),
            4 => proptest::collection::vec(0u32..48, 0..16).prop_map(Op::Read),
            2 => (0u32..48).prop_map(Op::Remove),
            1 => Just(Op::Clear),
        ]
    }

    fn run(options: TinyLfuOptions, ops: &[Op]) -> Result<(), TestCaseError> {
        let mut p = TinyLfu::with_options(options);
        // The model: slots held -> hash.
        let mut held: HashMap<u32, u32> = HashMap::new();
        for op in ops {
            match op {
                &Op::Insert(slot, hash, weight) => {
                    let evicted = p.insert(slot, hash, weight).to_vec();
                    held.insert(slot, hash);
                    for v in &evicted {
                        // Only held slots are evicted, each once.
                        prop_assert!(held.remove(v).is_some(), "evicted {} not held", v);
                    }
                }
                Op::Read(slots) => p.record_accesses(slots),
                &Op::Remove(slot) => prop_assert_eq!(p.remove(slot), held.remove(&slot).is_some()),
                Op::Clear => {
                    p.clear();
                    held.clear();
                }
            }
            p.check_invariants();
            prop_assert_eq!(p.len(), held.len());
            for slot in 0..48 {
                prop_assert_eq!(p.contains(slot), held.contains_key(&slot));
            }
        }
        Ok(())
    }

    proptest! {
        /// Never over the bound; removed slots are never returned; the queues, the slot
        /// table and the totals agree; the policy holds exactly what the model holds.
        #[test]
        fn invariants_unweighted(ops in proptest::collection::vec(op(), 1..300), cap in 1u32..20) {
            run(TinyLfuOptions::new(cap), &ops)?;
        }

        #[test]
        fn invariants_weighted(ops in proptest::collection::vec(op(), 1..300),
                               cap in 1u32..20, weight in 1u64..60, doorkeeper: bool) {
            run(TinyLfuOptions { max_weight: Some(weight), doorkeeper, ..TinyLfuOptions::new(cap) }, &ops)?;
        }

        #[test]
        fn invariants_fixed_window(ops in proptest::collection::vec(op(), 1..300), cap in 1u32..20, window in 0.0f64..1.0) {
            run(TinyLfuOptions { adapt: Adapt::Fixed, window, ..TinyLfuOptions::new(cap) }, &ops)?;
        }
    }
}
