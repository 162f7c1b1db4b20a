//! Window sizing by simulation (Caffeine's simulator calls it `MiniSimClimber`): a few
//! miniature W-TinyLFU caches with fixed windows replay a spatial sample of the requests
//! (keys whose hash falls in 1 of `rate` buckets, each mini sized `entries / rate`, after
//! SHARDS), and at the end of each period the real window takes the share of the mini
//! with the fewest (decayed) misses. Unlike the hit-rate climber it needs no walk: it reads
//! the best share off directly, so a short trace that favours recency reaches a large window
//! at once, and a loop that favours frequency keeps a small one.

use super::tinylfu::{Adapt, TinyLfu, TinyLfuOptions};
use std::collections::HashMap;

/// The window shares simulated (9 shares from 1 % to 99 % measured no better than these 5,
/// at twice the cost). The real window stops at 1 % + protected's 80 % of main.
const SHARES: [f64; 5] = [0.01, 0.1, 0.35, 0.7, 0.99];
/// Entries of one mini cache: the sample rate is `entries / MINI_ENTRIES` (at least 1), so
/// the minis cost about `5 × 128 / entries` mini requests per request (256 measured no
/// better on the shipped traces).
const MINI_ENTRIES: u32 = 128;
/// Weight of the previous periods' misses in a mini's score.
const DECAY: f64 = 0.5;

#[derive(Debug)]
struct Mini {
    policy: TinyLfu,
    slot_of: HashMap<u32, u32>,
    key_of: Vec<u32>,
    free: Vec<u32>,
    misses: u64,
    score: f64,
}

impl Mini {
    fn access(&mut self, hash: u32) {
        if let Some(&slot) = self.slot_of.get(&hash) {
            self.policy.record_accesses(&[slot]);
            return;
        }
        self.misses += 1;
        let slot = self.free.pop().unwrap_or_else(|| {
            self.key_of.push(0);
            (self.key_of.len() - 1) as u32
        });
        self.key_of[slot as usize] = hash;
        self.slot_of.insert(hash, slot);
        for &victim in self.policy.insert(slot, hash, 1) {
            self.slot_of.remove(&self.key_of[victim as usize]);
            self.free.push(victim);
        }
    }
}

/// The miniature caches and the period's bookkeeping.
#[derive(Debug)]
pub(crate) struct MiniSim {
    rate: u32,
    minis: Vec<Mini>,
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
            minis: SHARES
                .iter()
                .map(|&window| Mini {
                    policy: TinyLfu::with_options(TinyLfuOptions {
                        adapt: Adapt::Fixed,
                        window,
                        ..TinyLfuOptions::new(mini_entries)
                    }),
                    slot_of: HashMap::new(),
                    key_of: Vec::new(),
                    free: Vec::new(),
                    misses: 0,
                    score: 0.0,
                })
                .collect(),
            requests: 0,
            period,
        }
    }

    /// Records one request (a hit or an insert) for the key hash `hash`.
    pub(crate) fn record(&mut self, hash: u32) {
        self.requests += 1;
        if self.rate > 1 && (hash.wrapping_mul(0x9e37_79b1) >> 8) % self.rate != 0 {
            return;
        }
        for mini in &mut self.minis {
            mini.access(hash);
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
}
