//! W-TinyLFU bookkeeping over slot ids: a window LRU, a segmented main LRU (probation and
//! protected), all three queues intrusive lists over the slots ([`Lists`]), a
//! [`FrequencySketch`] as the admission filter, and the window sized by a mini simulation
//! or a [`HillClimber`].
//!
//! A new entry enters the window. When the window is over its quota its LRU entries move to
//! probation, and while the cache is over its bound each such *candidate* is compared with
//! the probation's LRU *victim*: the one the sketch has seen less often is evicted (the
//! victim wins ties; a warm candidate beats a hot victim 1 time in 128, against hash
//! flooding). A hit in probation promotes to protected; protected overflow demotes back to
//! probation. The window sizing moves quota between the window and protected.

use super::climber::HillClimber;
use super::lists::{Lists, Queue, MAX_SLOT};
use super::minisim::MiniSim;
use super::sketch::FrequencySketch;

/// Fraction of the main space that is protected.
const PERCENT_MAIN_PROTECTED: f64 = 0.80;
/// A candidate at least this frequent is admitted over a hotter victim 1 time in 128.
const ADMIT_HASHDOS_THRESHOLD: u8 = 6;
/// At most this many entries move between queues per window adjustment (the rest is carried
/// over to the next maintenance, as in Caffeine), so no single call does unbounded work.
const QUEUE_TRANSFER_THRESHOLD: usize = 1000;
/// How far ahead in a drained batch the next reads' nodes are prefetched.
const PREFETCH_AHEAD: usize = 8;
/// Below this many entries the nodes and the sketch stay in the processor's caches, and
/// prefetching only costs instructions.
const PREFETCH_MIN_ENTRIES: u32 = 1 << 16;

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
    /// `max_entries` applies. Weighted, the policy keeps 4 more bytes per slot.
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

/// The queues, bounds and eviction of W-TinyLFU, without the sketch or the window sizing:
/// [`TinyLfu`] wraps one, and each of the MiniSim's minis is one (the minis share a sketch).
#[derive(Debug, Clone)]
pub(crate) struct Core {
    lists: Lists,
    max_entries: u32,
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

impl Core {
    /// Empty queues for `max_entries` entries, bounded by `max_weight` when set (then each
    /// slot keeps its weight), the window at `window` of the maximum.
    pub(crate) fn new(max_entries: u32, max_weight: Option<u64>, window: f64) -> Core {
        let maximum = max_weight.unwrap_or(u64::from(max_entries));
        let main = ((1.0 - window.clamp(0.0, 1.0)) * maximum as f64) as u64;
        let window_maximum = maximum - main;
        Core {
            lists: Lists::new(max_entries, max_weight.is_some()),
            max_entries,
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

    #[inline]
    pub(crate) fn queue(&self, slot: u32) -> Queue {
        self.lists.queue(slot)
    }

    #[inline]
    pub(crate) fn hash(&self, slot: u32) -> u32 {
        self.lists.hash(slot)
    }

    /// The slots evicted since the last [`Core::clear_evicted`].
    pub(crate) fn evicted(&self) -> &[u32] {
        &self.evicted
    }

    pub(crate) fn clear_evicted(&mut self) {
        self.evicted.clear();
    }

    /// Whether the first-use condition of the sketch holds (half full, as in Caffeine).
    pub(crate) fn half_full(&self) -> bool {
        self.weight >= self.maximum / 2 || u64::from(self.len) >= u64::from(self.max_entries) / 2
    }

    fn over(&self) -> bool {
        self.weight > self.maximum || self.len > self.max_entries
    }

    /// Reorders a held slot after a read and returns its hash; `None` when not held.
    #[inline]
    pub(crate) fn access(&mut self, slot: u32) -> Option<u32> {
        match self.lists.queue(slot) {
            Queue::Absent => return None,
            Queue::Window => self.lists.move_to(slot, Queue::Window),
            Queue::Probation => {
                let weight = self.lists.weight(slot);
                if weight <= self.protected_maximum {
                    // Protected overflow is demoted later, in `maintain` (as Caffeine defers it).
                    self.lists.move_to(slot, Queue::Protected);
                    self.protected_weight += weight;
                } else {
                    self.lists.move_to(slot, Queue::Probation);
                }
            }
            Queue::Protected => self.lists.move_to(slot, Queue::Protected),
        }
        Some(self.lists.hash(slot))
    }

    /// Adds an absent `slot` (≤ [`MAX_SLOT`]) at the window's MRU end.
    pub(crate) fn add(&mut self, slot: u32, hash: u32, weight: u32) {
        self.lists.reset(slot, hash, weight);
        self.lists.push(slot, Queue::Window);
        let weight = u64::from(weight);
        self.window_weight += weight;
        self.weight += weight;
        self.len += 1;
    }

    fn reweigh(&mut self, slot: u32, weight: u32) {
        let (old, new) = (self.lists.weight(slot), u64::from(weight));
        self.lists.set_weight(slot, weight);
        self.weight = self.weight - old + new;
        match self.lists.queue(slot) {
            Queue::Window => self.window_weight = self.window_weight - old + new,
            Queue::Protected => self.protected_weight = self.protected_weight - old + new,
            _ => {}
        }
    }

    pub(crate) fn remove(&mut self, slot: u32) -> bool {
        let queue = self.lists.queue(slot);
        if queue == Queue::Absent {
            return false;
        }
        let weight = self.lists.weight(slot);
        self.lists.unlink(slot);
        match queue {
            Queue::Window => self.window_weight -= weight,
            Queue::Protected => self.protected_weight -= weight,
            _ => {}
        }
        self.weight -= weight;
        self.len -= 1;
        true
    }

    fn clear(&mut self) {
        self.lists.clear();
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

    /// Moves a held `slot` to the MRU end of `to`, keeping the segments' weights.
    fn transfer(&mut self, slot: u32, to: Queue) {
        let weight = self.lists.weight(slot);
        match self.lists.queue(slot) {
            Queue::Window => self.window_weight -= weight,
            Queue::Protected => self.protected_weight -= weight,
            _ => {}
        }
        self.lists.move_to(slot, to);
        match to {
            Queue::Window => self.window_weight += weight,
            Queue::Protected => self.protected_weight += weight,
            _ => {}
        }
    }

    /// Evicts until within the bounds: the window's overflow becomes candidates for main.
    pub(crate) fn evict_entries(&mut self, sketch: Option<&FrequencySketch>) {
        self.evict_from_window();
        self.evict_from_main(sketch);
    }

    /// Moves the window's overflow, LRU first, to the probation's MRU end; they become the
    /// admission candidates.
    fn evict_from_window(&mut self) {
        self.candidates.clear();
        while self.window_weight > self.window_maximum {
            let Some(slot) = self.lists.lru(Queue::Window) else {
                break;
            };
            self.transfer(slot, Queue::Probation);
            self.candidates.push(slot);
        }
    }

    /// While over the bound, evicts the less frequent of the next candidate and the main
    /// space's LRU victim (probation first, then protected, then the window).
    fn evict_from_main(&mut self, sketch: Option<&FrequencySketch>) {
        let mut next = 0;
        while self.over() {
            // Candidates may have been evicted already as victims.
            while next < self.candidates.len() && self.queue(self.candidates[next]) == Queue::Absent
            {
                next += 1;
            }
            let candidate = self.candidates.get(next).copied();
            let victim = self
                .lists
                .lru(Queue::Probation)
                .or_else(|| self.lists.lru(Queue::Protected))
                .or_else(|| self.lists.lru(Queue::Window));
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
            if candidate == victim || self.admit(candidate, victim, sketch) {
                self.evict(victim);
            } else {
                self.evict(candidate);
            }
            next += 1;
        }
    }

    /// Whether the candidate should replace the victim.
    fn admit(&mut self, candidate: u32, victim: u32, sketch: Option<&FrequencySketch>) -> bool {
        let frequency = |slot| sketch.map_or(0, |s| s.frequency(self.lists.hash(slot)));
        let (c, v) = (frequency(candidate), frequency(victim));
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

    /// The end of every maintenance: demote protected overflow, then apply the pending
    /// adjustment of the window.
    pub(crate) fn maintain(&mut self) {
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
            let Some(slot) = self.lists.lru(Queue::Protected) else {
                break;
            };
            self.transfer(slot, Queue::Probation);
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
                .lists
                .lru(Queue::Probation)
                .filter(|&s| self.lists.weight(s) <= quota);
            let Some(slot) = from_probation.or_else(|| self.lists.lru(Queue::Protected)) else {
                break;
            };
            let weight = self.lists.weight(slot);
            if quota < weight {
                break;
            }
            quota -= weight;
            self.transfer(slot, Queue::Window);
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
            let Some(slot) = self.lists.lru(Queue::Window) else {
                break;
            };
            let weight = self.lists.weight(slot);
            if quota < weight {
                break;
            }
            quota -= weight;
            self.transfer(slot, Queue::Probation);
        }
        self.protected_maximum -= quota;
        self.window_maximum += quota;
        self.adjustment = -(quota as i64);
    }

    pub(crate) fn memory_bytes(&self) -> usize {
        self.lists.memory_bytes() + 4 * (self.candidates.capacity() + self.evicted.capacity())
    }
}

/// The W-TinyLFU eviction policy over caller-owned slot ids (`u32` up to [`MAX_SLOT`],
/// dense: the slot table grows to the largest id seen, 12 bytes a slot, 16 when weighted).
/// It holds no keys or values: the caller maps keys to slots, reports reads and inserts, and
/// deletes the slots returned as evicted.
#[derive(Debug)]
pub struct TinyLfu {
    options: TinyLfuOptions,
    core: Core,
    /// Created when the cache is first half full (as Caffeine does).
    sketch: Option<FrequencySketch>,
    climber: HillClimber,
    minisim: Option<Box<MiniSim>>,
}

impl TinyLfu {
    /// A policy for at most `max_entries` entries of weight 1, with the default options.
    pub fn new(max_entries: u32) -> TinyLfu {
        TinyLfu::with_options(TinyLfuOptions::new(max_entries))
    }

    /// A policy with explicit options.
    pub fn with_options(options: TinyLfuOptions) -> TinyLfu {
        let core = Core::new(options.max_entries, options.max_weight, options.window);
        TinyLfu {
            options,
            climber: HillClimber::new(core.maximum),
            core,
            sketch: None,
            // Decides once per sketch sample (10 × entries, at least 2560 requests).
            minisim: (options.adapt == Adapt::MiniSim).then(|| {
                Box::new(MiniSim::new(
                    options.max_entries,
                    10 * u64::from(options.max_entries.max(256)),
                ))
            }),
        }
    }

    /// The options this policy was built with.
    pub fn options(&self) -> TinyLfuOptions {
        self.options
    }

    /// Number of entries held.
    pub fn len(&self) -> usize {
        self.core.len as usize
    }

    /// Whether no entry is held.
    pub fn is_empty(&self) -> bool {
        self.core.len == 0
    }

    /// Sum of the weights held.
    pub fn weighted_size(&self) -> u64 {
        self.core.weight
    }

    /// The window's current quota (weight units).
    pub fn window_maximum(&self) -> u64 {
        self.core.window_maximum
    }

    /// Whether `slot` is held.
    pub fn contains(&self, slot: u32) -> bool {
        self.core.queue(slot) != Queue::Absent
    }

    /// The slots held, in ascending order (for tests and debugging: O(n log n)).
    pub fn resident(&self) -> Vec<u32> {
        let mut slots: Vec<u32> = [Queue::Window, Queue::Probation, Queue::Protected]
            .into_iter()
            .flat_map(|q| self.core.lists.iter(q))
            .collect();
        slots.sort_unstable();
        slots
    }

    /// The sketch's estimate for a key hash (0 before the sketch exists).
    pub fn frequency(&self, hash: u32) -> u8 {
        self.sketch.as_ref().map_or(0, |s| s.frequency(hash))
    }

    /// Bytes the policy has allocated: its slot table, the sketch (created when the cache is
    /// first half full) and the mini simulation's caches.
    pub fn memory_bytes(&self) -> usize {
        std::mem::size_of::<TinyLfu>()
            + self.core.memory_bytes()
            + self
                .sketch
                .as_ref()
                .map_or(0, FrequencySketch::memory_bytes)
            + self.minisim.as_ref().map_or(0, |m| m.memory_bytes())
    }

    fn weigh(&self, weight: u32) -> u32 {
        if self.options.max_weight.is_some() {
            weight.max(1)
        } else {
            1
        }
    }

    /// Replays a batch of reads (a drained read buffer). Slots not held (removed or evicted
    /// since the read) are skipped. Each read counts in the sketch and the window sizing's
    /// sample and reorders its queue; then the window is re-sized if a sample completed.
    pub fn record_accesses(&mut self, slots: &[u32]) {
        if self.core.len < PREFETCH_MIN_ENTRIES {
            for &slot in slots {
                self.on_access(slot);
            }
        } else {
            for (i, &slot) in slots.iter().enumerate() {
                self.prefetch(slots, i);
                self.on_access(slot);
            }
        }
        self.climb();
    }

    /// Before the read at `i` of a large cache: hints the processor to load the node of the
    /// read [`PREFETCH_AHEAD`] later, and for the read half as far ahead (whose node should
    /// be loaded by now) its sketch block and its neighbours, which its move writes.
    #[inline]
    fn prefetch(&self, slots: &[u32], i: usize) {
        if let Some(&ahead) = slots.get(i + PREFETCH_AHEAD) {
            self.core.lists.prefetch(ahead);
        }
        if let Some(&near) = slots.get(i + PREFETCH_AHEAD / 2) {
            if self.core.queue(near) != Queue::Absent {
                if let Some(sketch) = &self.sketch {
                    sketch.prefetch(self.core.hash(near));
                }
                self.core.lists.prefetch_neighbours(near);
            }
        }
    }

    #[inline]
    fn on_access(&mut self, slot: u32) {
        if let Some(hash) = self.core.access(slot) {
            self.count(hash);
            self.climber.record_hit();
        }
    }

    /// One request for `hash`: the sketch and the mini simulation see it.
    #[inline]
    fn count(&mut self, hash: u32) {
        if let Some(sketch) = &mut self.sketch {
            sketch.increment(hash);
        }
        if let Some(minisim) = &mut self.minisim {
            minisim.record(hash);
        }
    }

    /// Adds `slot` for a key whose hash is `hash`, with `weight` (ignored, i.e. 1, unless
    /// `max_weight` is set; 0 counts as 1). Returns the slots evicted to make room, which may
    /// include `slot` itself (heavier than the whole cache, or above [`MAX_SLOT`]). A `slot`
    /// already held with the same hash is an update (new weight, and it counts as a read);
    /// with another hash, the old entry is removed first.
    pub fn insert(&mut self, slot: u32, hash: u32, weight: u32) -> &[u32] {
        let weight = self.weigh(weight);
        self.core.evicted.clear();
        if slot > MAX_SLOT {
            self.core.evicted.push(slot);
            return &self.core.evicted;
        }
        if self.core.queue(slot) != Queue::Absent && self.core.hash(slot) == hash {
            self.core.reweigh(slot, weight);
            self.on_access(slot);
        } else {
            self.core.remove(slot);
            self.core.add(slot, hash, weight);
            self.count(hash);
            self.climber.record_miss();
        }
        self.settle(slot, weight)
    }

    /// Changes a held slot's weight without counting a read (e.g. a value whose size
    /// changed in place). Returns the slots evicted to get back within `max_weight`, which
    /// may include `slot` itself; nothing when `slot` is not held or the policy is
    /// unweighted.
    pub fn update_weight(&mut self, slot: u32, weight: u32) -> &[u32] {
        self.core.evicted.clear();
        if self.core.queue(slot) == Queue::Absent {
            return &self.core.evicted;
        }
        let weight = self.weigh(weight);
        self.core.reweigh(slot, weight);
        self.settle(slot, weight)
    }

    /// After a write to `slot`: evicts it if heavier than the whole cache, then whatever
    /// the bounds require, then the window sizing's turn.
    fn settle(&mut self, slot: u32, weight: u32) -> &[u32] {
        if u64::from(weight) > self.core.maximum {
            self.core.evict(slot);
        }
        self.ensure_sketch();
        self.core.evict_entries(self.sketch.as_ref());
        self.climb();
        &self.core.evicted
    }

    /// Removes `slot` (a delete, an expiry or an invalidation); false when it was not held.
    /// A removed slot is never returned as evicted until it is inserted again.
    pub fn remove(&mut self, slot: u32) -> bool {
        self.core.remove(slot)
    }

    /// Removes every entry. The sketch keeps its counts (a key popular before a clear is
    /// still popular after it), and the window keeps its size.
    pub fn clear(&mut self) {
        self.core.clear();
    }

    /// Caffeine lazily allocates the sketch when the cache is half full: until then nothing
    /// is evicted, so there is nothing to decide.
    fn ensure_sketch(&mut self) {
        if self.sketch.is_none() && self.core.half_full() {
            self.sketch = Some(FrequencySketch::with_doorkeeper(
                self.options.max_entries as usize,
                self.options.doorkeeper,
            ));
        }
    }

    /// The end of every maintenance: take the window sizing's decision (if a sample
    /// completed), demote protected overflow and apply the adjustment.
    fn climb(&mut self) {
        match (self.options.adapt, &self.sketch) {
            (Adapt::Fixed, _) => {}
            (Adapt::HillClimb, None) => self.climber.reset_sample(),
            (Adapt::HillClimb, Some(sketch)) => {
                if let Some(amount) = self.climber.adjust(sketch.sample_size()) {
                    self.core.adjustment = amount;
                }
            }
            (Adapt::MiniSim, _) => {
                if let Some(share) = self.minisim.as_mut().and_then(|m| m.best_share()) {
                    let maximum = self.core.maximum;
                    let target = maximum - ((1.0 - share) * maximum as f64) as u64;
                    self.core.adjustment = target as i64 - self.core.window_maximum as i64;
                }
            }
        }
        self.core.maintain();
    }
}

#[cfg(test)]
impl Core {
    /// Checks the lists, the tags and the running totals against each other.
    pub(crate) fn check_invariants(&self) {
        self.lists.check();
        let (mut len, mut weight, mut window, mut protected) = (0u32, 0u64, 0u64, 0u64);
        for queue in [Queue::Window, Queue::Probation, Queue::Protected] {
            for slot in self.lists.iter(queue) {
                assert_eq!(self.lists.queue(slot), queue);
                let w = self.lists.weight(slot);
                len += 1;
                weight += w;
                match queue {
                    Queue::Window => window += w,
                    Queue::Protected => protected += w,
                    _ => {}
                }
            }
        }
        assert_eq!(len, self.len);
        assert_eq!(weight, self.weight);
        assert_eq!(window, self.window_weight);
        assert_eq!(protected, self.protected_weight);
        assert!(self.len <= self.max_entries);
        assert!(self.weight <= self.maximum);
        assert!(self.window_maximum + self.protected_maximum <= self.maximum);
    }
}

#[cfg(test)]
impl TinyLfu {
    fn check_invariants(&self) {
        self.core.check_invariants();
    }

    /// The three queues (window, probation, protected), least recently used first.
    fn queues(&self) -> [Vec<u32>; 3] {
        [Queue::Window, Queue::Probation, Queue::Protected]
            .map(|q| self.core.lists.iter(q).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::super::reference::Reference;
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
        for key in 1000..11_000u32 {
            let slot = free.pop().unwrap_or_else(|| {
                next_slot += 1;
                next_slot - 1
            });
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
        p.record_accesses(&[0, 1, 4_000_000, MAX_SLOT, u32::MAX]);
        assert!(p.is_empty());
        p.check_invariants();
    }

    #[test]
    fn slots_above_the_largest_id_are_never_held() {
        let mut p = TinyLfu::new(4);
        assert_eq!(p.insert(MAX_SLOT + 1, 7, 1), &[MAX_SLOT + 1]);
        assert_eq!(p.insert(u32::MAX, 7, 1), &[u32::MAX]);
        assert!(p.is_empty() && !p.contains(u32::MAX) && !p.remove(u32::MAX));
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
    fn update_weight_evicts_to_fit_without_counting_a_read() {
        let mut p = TinyLfu::with_options(TinyLfuOptions {
            max_weight: Some(100),
            ..TinyLfuOptions::new(10)
        });
        for slot in 0..4 {
            assert!(p.insert(slot, 10 + slot, 20).is_empty());
        }
        let frequency = p.frequency(12);
        assert!(p.update_weight(2, 30).is_empty());
        assert_eq!(p.weighted_size(), 90);
        assert_eq!(p.frequency(12), frequency, "not a read");
        // 90 - 30 + 50 = 110 > 100: one entry goes.
        let evicted = p.update_weight(2, 50).to_vec();
        assert_eq!(evicted.len(), 1);
        assert!(p.weighted_size() <= 100);
        // Heavier than the whole cache: the slot itself goes.
        let held = *p.resident().last().expect("entries left");
        assert_eq!(p.update_weight(held, 101), &[held]);
        // Not held: nothing happens.
        assert!(p.update_weight(9, 1).is_empty());
        p.check_invariants();
        // Unweighted: every entry weighs 1 whatever it is given.
        let mut p = TinyLfu::new(2);
        p.insert(0, 1, 1);
        assert!(p.update_weight(0, 1000).is_empty());
        assert_eq!(p.weighted_size(), 1);
    }

    #[test]
    fn large_drains_prefetch_and_keep_the_reference_order() {
        // Above PREFETCH_MIN_ENTRIES the drain takes the prefetching loop: the same queues.
        let entries = PREFETCH_MIN_ENTRIES + 4000;
        let options = TinyLfuOptions::new(entries);
        let (mut p, mut r) = (
            TinyLfu::with_options(options),
            Reference::with_options(options),
        );
        for slot in 0..entries {
            let hash = slot.wrapping_mul(0x9e37_79b9);
            assert_eq!(p.insert(slot, hash, 1), r.insert(slot, hash, 1));
        }
        let mut x = 3u32;
        for round in 0..200u32 {
            // Skewed reads with stale ids mixed in, and batch ends that cut the look-ahead.
            let batch: Vec<u32> = (0..(round % 70))
                .map(|i| {
                    x ^= x << 13;
                    x ^= x >> 17;
                    x ^= x << 5;
                    match i % 16 {
                        0 => u32::MAX - i,
                        1 => entries + i,
                        _ => x % (1 + entries / (1 + x % 64)),
                    }
                })
                .collect();
            p.record_accesses(&batch);
            r.record_accesses(&batch);
            let evicted = p.insert(entries + round, x, 1).to_vec();
            assert_eq!(evicted, r.insert(entries + round, x, 1), "round {round}");
            assert!(evicted.iter().all(|&v| !p.contains(v)));
        }
        assert_eq!(p.queues(), r.queues());
        p.check_invariants();
    }

    #[test]
    fn resident_lists_the_held_slots() {
        let mut p = TinyLfu::new(8);
        for slot in [5, 1, 9, 3] {
            p.insert(slot, 100 + slot, 1);
        }
        p.remove(9);
        assert_eq!(p.resident(), [1, 3, 5]);
        p.clear();
        assert!(p.resident().is_empty());
    }

    #[test]
    fn memory_is_about_twenty_bytes_per_entry_at_a_million() {
        let entries = 1 << 20;
        let mut p = TinyLfu::new(entries);
        for slot in 0..entries {
            p.insert(slot, slot.wrapping_mul(0x9e37_79b9), 1);
        }
        // 12-byte nodes, an 8-byte-per-entry sketch, the minis' fixed few kilobytes.
        let per_entry = p.memory_bytes() as f64 / f64::from(entries);
        assert!((20.0..20.2).contains(&per_entry), "{per_entry}");
        let mut p = TinyLfu::with_options(TinyLfuOptions {
            max_weight: Some(u64::MAX),
            ..TinyLfuOptions::new(entries)
        });
        for slot in 0..entries {
            p.insert(slot, slot, 1);
        }
        let per_entry = p.memory_bytes() as f64 / f64::from(entries);
        assert!((24.0..24.2).contains(&per_entry), "weighted {per_entry}");
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
        Reweigh(u32, u32),
        Clear,
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            6 => (0u32..48, 0u32..24, 0u32..12).prop_map(|(s, h, w)| Op::Insert(s, h, w)),
            4 => proptest::collection::vec(0u32..48, 0..16).prop_map(Op::Read),
            2 => (0u32..48).prop_map(Op::Remove),
            1 => (0u32..48, 0u32..30).prop_map(|(s, w)| Op::Reweigh(s, w)),
            1 => Just(Op::Clear),
        ]
    }

    /// Runs `ops` through the policy and the reference implementation: after every op the
    /// evicted slots (in order), the three queues (in order), the window's quota and the
    /// totals must be identical, and the policy must hold exactly what a plain model of
    /// "inserted, not yet removed or evicted" holds.
    fn run(options: TinyLfuOptions, ops: &[Op]) -> Result<(), TestCaseError> {
        let mut p = TinyLfu::with_options(options);
        let mut r = Reference::with_options(options);
        // The model: slots held -> hash.
        let mut held: HashMap<u32, u32> = HashMap::new();
        for op in ops {
            match op {
                &Op::Insert(slot, hash, weight) => {
                    let evicted = p.insert(slot, hash, weight).to_vec();
                    prop_assert_eq!(&evicted, r.insert(slot, hash, weight));
                    held.insert(slot, hash);
                    for v in &evicted {
                        // Only held slots are evicted, each once.
                        prop_assert!(held.remove(v).is_some(), "evicted {} not held", v);
                    }
                }
                Op::Read(slots) => {
                    p.record_accesses(slots);
                    r.record_accesses(slots);
                }
                &Op::Remove(slot) => {
                    let removed = p.remove(slot);
                    prop_assert_eq!(removed, r.remove(slot));
                    prop_assert_eq!(removed, held.remove(&slot).is_some());
                }
                &Op::Reweigh(slot, weight) => {
                    let evicted = p.update_weight(slot, weight).to_vec();
                    prop_assert_eq!(&evicted, r.update_weight(slot, weight));
                    for v in &evicted {
                        prop_assert!(held.remove(v).is_some(), "evicted {} not held", v);
                    }
                }
                Op::Clear => {
                    p.clear();
                    r.clear();
                    held.clear();
                }
            }
            p.check_invariants();
            prop_assert_eq!(p.queues(), r.queues());
            prop_assert_eq!(p.window_maximum(), r.window_maximum());
            prop_assert_eq!(p.weighted_size(), r.weighted_size());
            prop_assert_eq!(p.len(), held.len());
            let mut model: Vec<u32> = held.keys().copied().collect();
            model.sort_unstable();
            prop_assert_eq!(p.resident(), model);
        }
        Ok(())
    }

    proptest! {
        #[test]
        fn matches_the_reference_unweighted(ops in proptest::collection::vec(op(), 1..300), cap in 1u32..20) {
            run(TinyLfuOptions::new(cap), &ops)?;
        }

        #[test]
        fn matches_the_reference_weighted(ops in proptest::collection::vec(op(), 1..300),
                                          cap in 1u32..20, weight in 1u64..60, doorkeeper: bool) {
            run(TinyLfuOptions { max_weight: Some(weight), doorkeeper, ..TinyLfuOptions::new(cap) }, &ops)?;
        }

        #[test]
        fn matches_the_reference_fixed_window(ops in proptest::collection::vec(op(), 1..300), cap in 1u32..20, window in 0.0f64..1.0) {
            run(TinyLfuOptions { adapt: Adapt::Fixed, window, ..TinyLfuOptions::new(cap) }, &ops)?;
        }

        #[test]
        fn matches_the_reference_hill_climbing(ops in proptest::collection::vec(op(), 1..300),
                                               cap in 1u32..20, weight in proptest::option::of(1u64..60)) {
            run(TinyLfuOptions { adapt: Adapt::HillClimb, max_weight: weight, ..TinyLfuOptions::new(cap) }, &ops)?;
        }
    }

    /// Long skewed workloads (many window decisions, by both sizings, weighted or not):
    /// the same evictions and queues as the reference, checked every 1000 requests.
    #[test]
    fn matches_the_reference_over_many_window_decisions() {
        for (entries, adapt, weighted) in [
            (50, Adapt::MiniSim, false),
            (300, Adapt::MiniSim, true),
            (2000, Adapt::MiniSim, false),
            (50, Adapt::HillClimb, true),
            (700, Adapt::HillClimb, false),
        ] {
            let options = TinyLfuOptions {
                adapt,
                max_weight: weighted.then_some(u64::from(entries) * 4),
                ..TinyLfuOptions::new(entries)
            };
            let (mut p, mut r) = (
                TinyLfu::with_options(options),
                Reference::with_options(options),
            );
            let mut slot_of: HashMap<u32, u32> = HashMap::new();
            let mut key_of: Vec<u32> = Vec::new();
            let mut free: Vec<u32> = Vec::new();
            let mut reads: Vec<u32> = Vec::new();
            let mut x = 7u32;
            for i in 0..300_000u32 {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                // Phases: a skewed mix, then a recency-friendly stretch, then a loop.
                let key = match (i / 60_000) % 3 {
                    0 => (x % (8 * entries)) * (x % 97) / 97,
                    1 => i / 3 - (x % entries).min(i / 3),
                    _ => i % (entries + entries / 3),
                };
                match slot_of.get(&key) {
                    Some(&slot) => {
                        reads.push(slot);
                        if reads.len() == 64 {
                            p.record_accesses(&reads);
                            r.record_accesses(&reads);
                            reads.clear();
                        }
                    }
                    None => {
                        p.record_accesses(&reads);
                        r.record_accesses(&reads);
                        reads.clear();
                        let slot = free.pop().unwrap_or_else(|| {
                            key_of.push(0);
                            key_of.len() as u32 - 1
                        });
                        key_of[slot as usize] = key;
                        slot_of.insert(key, slot);
                        let weight = 1 + x % 7;
                        let evicted = p.insert(slot, key, weight).to_vec();
                        assert_eq!(evicted, r.insert(slot, key, weight), "request {i}");
                        for victim in evicted {
                            slot_of.remove(&key_of[victim as usize]);
                            free.push(victim);
                        }
                    }
                }
                if i % 1000 == 0 {
                    assert_eq!(p.queues(), r.queues(), "{entries} {adapt:?}: request {i}");
                    assert_eq!(p.window_maximum(), r.window_maximum());
                    p.check_invariants();
                }
            }
            assert_ne!(
                p.window_maximum(),
                TinyLfu::with_options(options).window_maximum(),
                "{entries} {adapt:?}: the window never moved"
            );
        }
    }
}
