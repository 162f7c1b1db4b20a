//! One intrusive doubly linked FIFO list, threaded through the slots (`u32` links, no
//! allocation per push): lists A and B and the ready list are three of it.

use super::slots::{Slots, NIL};

/// The links list A and the ready list use (a key is in at most one of them).
pub(super) const MAIN: usize = 0;
/// The links list B (keys by first schedule) uses.
pub(super) const BY_FIRST: usize = 1;

/// A FIFO list of ids over one pair of links of each slot (`MAIN` or `BY_FIRST`).
#[derive(Debug, Clone, Copy)]
pub(super) struct List {
    pub head: u32,
    pub tail: u32,
    link: usize,
}

impl List {
    /// An empty list over the links `link` of each slot.
    pub const fn new(link: usize) -> List {
        List {
            head: NIL,
            tail: NIL,
            link,
        }
    }

    /// Appends `id` at the tail.
    pub fn push(&mut self, slots: &mut Slots, id: u32) {
        let tail = self.tail;
        slots[id as usize].links[self.link] = super::slots::Link {
            prev: tail,
            next: NIL,
        };
        if tail == NIL {
            self.head = id;
        } else {
            slots[tail as usize].links[self.link].next = id;
        }
        self.tail = id;
    }

    /// Removes `id` (which must be in this list).
    pub fn unlink(&mut self, slots: &mut Slots, id: u32) {
        let super::slots::Link { prev, next } = slots[id as usize].links[self.link];
        if prev == NIL {
            self.head = next;
        } else {
            slots[prev as usize].links[self.link].next = next;
        }
        if next == NIL {
            self.tail = prev;
        } else {
            slots[next as usize].links[self.link].prev = prev;
        }
    }
}
