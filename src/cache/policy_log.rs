//! The bridge between the JS `Cache` (`policy: 'tinylfu'`) and [`TinyLfu`]: the JS side
//! appends what happened to its slots to one `Uint32Array` (the read buffer and the write
//! log in one, in order) and ships it in one call when a write needs an eviction decision or
//! the buffer fills; [`PolicyLog::apply`] replays it and returns the slots to evict.
//!
//! Encoding, one operation per word (a slot is < 2^30):
//! - `slot` — a read (a hit) of `slot`;
//! - `INSERT | slot, hash, weight` — `slot` now holds a key with that 32-bit hash and weight
//!   (the same slot and hash again: an update, which counts as a read);
//! - `REMOVE | slot` — `slot` was emptied by the JS side (delete, expiry, invalidation).

use super::policy::{TinyLfu, TinyLfuOptions};
use crate::{Error, Result};

/// Tag of an insert (followed by the key's hash and the entry's weight).
pub const INSERT: u32 = 0x8000_0000;
/// Tag of a removal.
pub const REMOVE: u32 = 0xC000_0000;
/// The slot bits of a tagged word.
pub const SLOT: u32 = 0x3FFF_FFFF;

/// A [`TinyLfu`] driven by an operation log.
#[derive(Debug)]
pub struct PolicyLog {
    policy: TinyLfu,
    reads: Vec<u32>,
    evicted: Vec<u32>,
}

impl PolicyLog {
    /// A policy for at most `max_entries` entries and, when `max_weight` is set, at most that
    /// sum of weights.
    pub fn new(max_entries: u32, max_weight: Option<u64>) -> PolicyLog {
        PolicyLog {
            policy: TinyLfu::with_options(TinyLfuOptions {
                max_weight,
                ..TinyLfuOptions::new(max_entries)
            }),
            reads: Vec::new(),
            evicted: Vec::new(),
        }
    }

    /// Number of entries the policy holds.
    pub fn len(&self) -> usize {
        self.policy.len()
    }

    /// Whether the policy holds no entry.
    pub fn is_empty(&self) -> bool {
        self.policy.is_empty()
    }

    /// Forgets every entry (the sketch keeps its counts).
    pub fn clear(&mut self) {
        self.policy.clear();
        self.reads.clear();
        self.evicted.clear();
    }

    /// Replays `log` and returns the slots the caller must now empty: slots evicted during
    /// the replay and not emptied or refilled by a later operation of the same log (the
    /// caller already emptied those). Checked whole before anything changes.
    pub fn apply(&mut self, log: &[u32]) -> Result<&[u32]> {
        check(log)?;
        self.evicted.clear();
        self.reads.clear();
        let mut i = 0;
        while i < log.len() {
            let w = log[i];
            if w & INSERT == 0 {
                self.reads.push(w);
                i += 1;
                continue;
            }
            self.flush_reads();
            let slot = w & SLOT;
            if w & REMOVE == REMOVE {
                if !self.policy.remove(slot) {
                    // Evicted earlier in this log, then emptied by the caller: not reported.
                    if let Some(p) = self.evicted.iter().rposition(|&s| s == slot) {
                        self.evicted.swap_remove(p);
                    }
                }
                i += 1;
            } else {
                let evicted = self.policy.insert(slot, log[i + 1], log[i + 2]);
                self.evicted.extend_from_slice(evicted);
                i += 3;
            }
        }
        self.flush_reads();
        Ok(&self.evicted)
    }

    /// [`PolicyLog::apply`] into a caller's buffer: copies as many evicted slots as fit and
    /// returns their number ([`PolicyLog::copy_evicted`] gives the rest).
    pub fn apply_into(&mut self, log: &[u32], out: &mut [u32]) -> Result<u32> {
        self.apply(log)?;
        Ok(self.copy_evicted(out))
    }

    /// Copies the last [`PolicyLog::apply`]'s evicted slots into `out` (as many as fit) and
    /// returns their number.
    pub fn copy_evicted(&self, out: &mut [u32]) -> u32 {
        let n = self.evicted.len().min(out.len());
        out[..n].copy_from_slice(&self.evicted[..n]);
        self.evicted.len() as u32
    }

    fn flush_reads(&mut self) {
        if !self.reads.is_empty() {
            self.policy.record_accesses(&self.reads);
            self.reads.clear();
        }
    }
}

fn check(log: &[u32]) -> Result<()> {
    let mut i = 0;
    while i < log.len() {
        let w = log[i];
        i += if w & INSERT == 0 || w & REMOVE == REMOVE {
            1
        } else {
            3
        };
    }
    if i == log.len() {
        Ok(())
    } else {
        Err(Error::InvalidKey(
            "log: an insert is cut short (it takes 3 words)".to_string(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_and_reports_evictions() {
        let mut p = PolicyLog::new(4, None);
        let mut log = Vec::new();
        for s in 0..6u32 {
            log.extend([INSERT | s, s * 7 + 1, 1]);
        }
        let evicted = p.apply(&log).unwrap().to_vec();
        assert_eq!(evicted.len(), 2);
        assert_eq!(p.len(), 4);
    }

    #[test]
    fn an_eviction_the_caller_already_undid_is_not_reported() {
        let mut p = PolicyLog::new(2, None);
        // Slot 0 is evicted by the insert of slot 2 (or 2 itself is rejected) ...
        let mut log = vec![INSERT, 11, 1, INSERT | 1, 22, 1, INSERT | 2, 33, 1];
        // ... then the caller empties every slot and refills slot 0 with a new key.
        log.extend([REMOVE, REMOVE | 1, REMOVE | 2, INSERT, 44, 1]);
        let evicted = p.apply(&log).unwrap().to_vec();
        assert!(evicted.is_empty(), "{evicted:?}");
        assert_eq!(p.len(), 1);
    }

    #[test]
    fn a_truncated_insert_is_refused_and_changes_nothing() {
        let mut p = PolicyLog::new(2, None);
        let err = p.apply(&[INSERT, 1, 1, INSERT | 1, 5]).unwrap_err();
        assert_eq!(err.code(), "ERR_INVALID_KEY");
        assert!(p.is_empty());
    }

    #[test]
    fn hot_keys_survive_a_scan() {
        let mut p = PolicyLog::new(100, None);
        let mut log = Vec::new();
        for s in 0..50u32 {
            log.extend([INSERT | s, s, 1]);
        }
        for _ in 0..20 {
            log.extend(0..50u32);
        }
        p.apply(&log).unwrap();
        let mut gone = Vec::new();
        for s in 50..1050u32 {
            // One-hit wonders: each slot is emptied as soon as the policy evicts it.
            let e = p.apply(&[INSERT | s, s, 1]).unwrap().to_vec();
            gone.extend(e);
        }
        assert!(gone.iter().all(|&s| s >= 50), "a hot slot was evicted");
    }
}
