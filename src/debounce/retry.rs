//! The irregular deadlines — a retry's backoff, the run owed after a dirty run — in an
//! indexed binary min-heap: each slot knows its heap position (`links[MAIN].prev`), so a
//! key is moved or removed in O(log h), h counting only those keys.

use super::lists::MAIN;
use super::slots::Slots;
use super::Config;

impl Config {
    /// The delay before retry `n` (1-based): `delay * factor^(n-1)`.
    pub fn backoff(&self, n: u32) -> f64 {
        self.delay
            * self
                .factor
                .powi(n.saturating_sub(1).min(i32::MAX as u32) as i32)
    }
}

/// `(deadline, id)` entries, earliest first (ties by id).
#[derive(Debug, Clone, Default)]
pub(super) struct Heap {
    entries: Vec<(f64, u32)>,
}

fn less(a: (f64, u32), b: (f64, u32)) -> bool {
    a.0 < b.0 || (a.0 == b.0 && a.1 < b.1)
}

impl Heap {
    /// The earliest entry.
    pub fn first(&self) -> Option<(f64, u32)> {
        self.entries.first().copied()
    }

    /// Bytes held.
    pub fn bytes(&self) -> usize {
        self.entries.capacity() * std::mem::size_of::<(f64, u32)>()
    }

    fn set(&mut self, slots: &mut Slots, i: usize, e: (f64, u32)) {
        self.entries[i] = e;
        slots[e.1 as usize].links[MAIN].prev = i as u32;
    }

    fn up(&mut self, slots: &mut Slots, mut i: usize) {
        let e = self.entries[i];
        while i > 0 {
            let p = (i - 1) / 2;
            if !less(e, self.entries[p]) {
                break;
            }
            let pe = self.entries[p];
            self.set(slots, i, pe);
            i = p;
        }
        self.set(slots, i, e);
    }

    fn down(&mut self, slots: &mut Slots, mut i: usize) {
        let n = self.entries.len();
        let e = self.entries[i];
        loop {
            let l = 2 * i + 1;
            if l >= n {
                break;
            }
            let r = l + 1;
            let c = if r < n && less(self.entries[r], self.entries[l]) {
                r
            } else {
                l
            };
            if !less(self.entries[c], e) {
                break;
            }
            let ce = self.entries[c];
            self.set(slots, i, ce);
            i = c;
        }
        self.set(slots, i, e);
    }

    /// Adds `id` due at `deadline`.
    pub fn push(&mut self, slots: &mut Slots, id: u32, deadline: f64) {
        self.entries.push((deadline, id));
        self.up(slots, self.entries.len() - 1);
    }

    /// Removes `id` (which must be in the heap).
    pub fn remove(&mut self, slots: &mut Slots, id: u32) {
        let i = slots[id as usize].links[MAIN].prev as usize;
        let last = self.entries.pop().expect("the heap holds the key");
        if i < self.entries.len() {
            self.set(slots, i, last);
            self.up(slots, i);
            let j = slots[last.1 as usize].links[MAIN].prev as usize;
            self.down(slots, j);
        }
    }

    /// Moves `id` to `deadline`.
    pub fn update(&mut self, slots: &mut Slots, id: u32, deadline: f64) {
        let i = slots[id as usize].links[MAIN].prev as usize;
        self.entries[i].0 = deadline;
        self.up(slots, i);
        let j = slots[id as usize].links[MAIN].prev as usize;
        self.down(slots, j);
    }
}
