//! A reference implementation of the same W-TinyLFU policy for the model-based property
//! tests: the policy's first version, written plainly on three `lru::LruCache<u32, ()>` and
//! a table of slots (test-only since the shipped policy moved to intrusive lists, see
//! lists.rs). It shares the sketch, the hill climber and the mini simulation with the
//! policy (each tested on its own); the queues, the admission and the window moves are
//! written independently, and the tests require identical evictions and queue orders.

use super::climber::HillClimber;
use super::minisim::MiniSim;
use super::sketch::FrequencySketch;
use super::tinylfu::{Adapt, TinyLfuOptions};
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

/// The reference policy: the same operations as `TinyLfu`, with the same results.
#[derive(Debug)]
pub(crate) struct Reference {
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

impl Reference {
    /// A policy with explicit options.
    pub(crate) fn with_options(options: TinyLfuOptions) -> Reference {
        let maximum = options.max_weight.unwrap_or(u64::from(options.max_entries));
        let main = ((1.0 - options.window.clamp(0.0, 1.0)) * maximum as f64) as u64;
        let window_maximum = maximum - main;
        Reference {
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

    /// Sum of the weights held.
    pub(crate) fn weighted_size(&self) -> u64 {
        self.weight
    }

    /// The window's current quota (weight units).
    pub(crate) fn window_maximum(&self) -> u64 {
        self.window_maximum
    }

    /// Whether `slot` is held.
    fn contains(&self, slot: u32) -> bool {
        self.queue(slot) != Queue::Absent
    }

    /// The sketch's estimate for a key hash (0 before the sketch exists).
    fn frequency(&self, hash: u32) -> u8 {
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
    pub(crate) fn record_accesses(&mut self, slots: &[u32]) {
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
    pub(crate) fn insert(&mut self, slot: u32, hash: u32, weight: u32) -> &[u32] {
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
    pub(crate) fn remove(&mut self, slot: u32) -> bool {
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
    pub(crate) fn clear(&mut self) {
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

impl Reference {
    /// As `TinyLfu::update_weight`.
    pub(crate) fn update_weight(&mut self, slot: u32, weight: u32) -> &[u32] {
        self.evicted.clear();
        if self.queue(slot) == Queue::Absent {
            return &self.evicted;
        }
        let weight = self.weigh(weight);
        self.reweigh(slot, weight);
        if u64::from(weight) > self.maximum {
            self.evict(slot);
        }
        self.ensure_sketch();
        self.evict_entries();
        self.climb();
        &self.evicted
    }

    /// The three queues (window, probation, protected), least recently used first.
    pub(crate) fn queues(&self) -> [Vec<u32>; 3] {
        let order = |q: &LruCache<u32, ()>| q.iter().rev().map(|(&s, _)| s).collect();
        [
            order(&self.window),
            order(&self.probation),
            order(&self.protected),
        ]
    }
}
