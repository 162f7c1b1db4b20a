//! Trace replay for measuring hit rates: the policy as the JS `Cache` will drive it, a plain
//! LRU (lru-cache's policy) and Belady's optimum (evict the entry used farthest in the
//! future; the upper bound for any policy of that size). Used by the unit tests and by the
//! hit-rate benchmark (`bench/hitrate.rs`, `bench/hitrate.bench.js`).

use super::tinylfu::{TinyLfu, TinyLfuOptions};
use lru::LruCache;
use std::collections::{BinaryHeap, HashMap};
use std::num::NonZeroUsize;

/// Hits and requests of one replay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct HitStats {
    /// Requests served from the cache.
    pub hits: u64,
    /// All requests.
    pub requests: u64,
}

impl HitStats {
    /// Hits ÷ requests (0 for an empty trace).
    pub fn hit_rate(&self) -> f64 {
        if self.requests == 0 {
            0.0
        } else {
            self.hits as f64 / self.requests as f64
        }
    }
}

/// Replays `trace` through a plain LRU of `size` entries.
pub fn lru(trace: &[u32], size: usize) -> HitStats {
    let mut stats = HitStats::default();
    let Some(cap) = NonZeroUsize::new(size) else {
        stats.requests = trace.len() as u64;
        return stats;
    };
    let mut cache = LruCache::new(cap);
    for &key in trace {
        stats.requests += 1;
        if cache.get(&key).is_some() {
            stats.hits += 1;
        } else {
            cache.push(key, ());
        }
    }
    stats
}

/// Replays `trace` through Belady's optimal policy (MIN) with `size` entries: every miss is
/// stored, and with a full cache the resident whose next use is farthest away is evicted.
/// (The published reference figures are MIN's. A cache that may decline to store a key,
/// as TinyLFU's admission does, is bounded by MIN with bypass, 0.0–0.2 points higher on
/// the shipped traces.)
pub fn belady(trace: &[u32], size: usize) -> HitStats {
    let n = trace.len();
    let mut next = vec![usize::MAX; n];
    let mut seen: HashMap<u32, usize> = HashMap::new();
    for i in (0..n).rev() {
        if let Some(j) = seen.insert(trace[i], i) {
            next[i] = j;
        }
    }
    drop(seen);
    let mut stats = HitStats {
        hits: 0,
        requests: n as u64,
    };
    if size == 0 {
        return stats;
    }
    // resident key -> its next use; the heap holds (next use, key), stale entries skipped.
    let mut resident: HashMap<u32, usize> = HashMap::with_capacity(size + 1);
    let mut heap: BinaryHeap<(usize, u32)> = BinaryHeap::new();
    for (i, &key) in trace.iter().enumerate() {
        if let Some(slot) = resident.get_mut(&key) {
            stats.hits += 1;
            *slot = next[i];
            heap.push((next[i], key));
            continue;
        }
        if resident.len() == size {
            // The farthest valid entry.
            while let Some(&(use_at, k)) = heap.peek() {
                if resident.get(&k) == Some(&use_at) {
                    break;
                }
                heap.pop();
            }
            let (_, victim) = heap.pop().expect("a full cache has a valid entry");
            resident.remove(&victim);
        }
        resident.insert(key, next[i]);
        heap.push((next[i], key));
    }
    stats
}

/// Replays `trace` through [`TinyLfu`] the way the JS `Cache` drives it: keys map to slots
/// (freed slots reused), a hit is queued in a read buffer of `read_buffer` slots that is
/// drained when full and before every insert, and a miss inserts the key (hash = the key)
/// with weight 1, then frees the evicted slots.
pub fn tinylfu(trace: &[u32], options: TinyLfuOptions, read_buffer: usize) -> HitStats {
    let mut policy = TinyLfu::with_options(options);
    let mut slot_of: HashMap<u32, u32> = HashMap::new();
    let mut key_of: Vec<u32> = Vec::new();
    let mut free: Vec<u32> = Vec::new();
    let mut buffer: Vec<u32> = Vec::with_capacity(read_buffer.max(1));
    let mut stats = HitStats::default();
    for &key in trace {
        stats.requests += 1;
        if let Some(&slot) = slot_of.get(&key) {
            stats.hits += 1;
            buffer.push(slot);
            if buffer.len() >= read_buffer {
                policy.record_accesses(&buffer);
                buffer.clear();
            }
            continue;
        }
        policy.record_accesses(&buffer);
        buffer.clear();
        let slot = free.pop().unwrap_or_else(|| {
            key_of.push(0);
            (key_of.len() - 1) as u32
        });
        key_of[slot as usize] = key;
        slot_of.insert(key, slot);
        for &victim in policy.insert(slot, key, 1) {
            slot_of.remove(&key_of[victim as usize]);
            free.push(victim);
        }
    }
    stats
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lru_of_a_loop_larger_than_the_cache_never_hits() {
        let trace: Vec<u32> = (0..10).cycle().take(100).collect();
        assert_eq!(lru(&trace, 9).hits, 0);
        assert_eq!(lru(&trace, 10).hits, 90);
    }

    #[test]
    fn belady_by_hand() {
        // size 2: a b c a b c — c evicts b (needed last), then b evicts a (never needed
        // again): hits on the second a and c.
        let trace = [1, 2, 3, 1, 2, 3];
        assert_eq!(belady(&trace, 2).hits, 2);
        // A loop of 3 over 2 slots: every miss evicts the key needed last, one hit in two
        // after the first three accesses.
        let looped: Vec<u32> = (0..3).cycle().take(303).collect();
        assert_eq!(belady(&looped, 2).hits, 150);
        assert_eq!(belady(&looped, 3).hits, 300);
    }

    #[test]
    fn belady_bounds_lru_and_tinylfu_on_random_traces() {
        let mut x = 12345u32;
        let trace: Vec<u32> = (0..20_000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                // Skewed: small keys far more often.
                (x % 1000) * (x % 1000) / 1000
            })
            .collect();
        for size in [10, 50, 200] {
            let opt = belady(&trace, size).hits;
            assert!(lru(&trace, size).hits <= opt);
            assert!(tinylfu(&trace, TinyLfuOptions::new(size as u32), 16).hits <= opt);
        }
    }

    /// Reads a shipped LIRS trace (gzip text, one key a line, `*` lines are markers).
    fn lirs_trace(name: &str) -> Vec<u32> {
        use std::io::Read;
        let path = format!("{}/bench/traces/{name}", env!("CARGO_MANIFEST_DIR"));
        let mut text = String::new();
        flate2::read::GzDecoder::new(std::fs::File::open(&path).expect(&path))
            .read_to_string(&mut text)
            .expect("a gzip text trace");
        text.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && *l != "*")
            .map(|l| l.parse().expect("a key"))
            .collect()
    }

    /// The targets on shipped traces where W-TinyLFU reaches them (the full table is
    /// `cargo run --release --example hitrate`): ≥ 90 % of Belady, never more than one point
    /// below LRU. sprite @ 1000 is the recency-friendly case the window sizing must catch.
    #[test]
    fn shipped_traces_meet_the_targets() {
        for (name, size, belady_reference) in [
            ("lirs_ps.trace.gz", 200, Some(0.5029)),
            ("lirs_ps.trace.gz", 1000, None),
            ("lirs_loop.trace.gz", 512, Some(0.5054)),
            ("lirs_sprite.trace.gz", 1000, None),
        ] {
            let trace = lirs_trace(name);
            let opt = belady(&trace, size).hit_rate();
            if let Some(reference) = belady_reference {
                assert!((opt - reference).abs() < 0.00005, "{name} Belady {opt}");
            }
            let lru = lru(&trace, size).hit_rate();
            let policy = tinylfu(&trace, TinyLfuOptions::new(size as u32), 64).hit_rate();
            assert!(
                policy >= 0.9 * opt,
                "{name} @ {size}: {policy} vs Belady {opt}"
            );
            assert!(
                policy >= lru - 0.01,
                "{name} @ {size}: {policy} vs LRU {lru}"
            );
        }
    }
}
