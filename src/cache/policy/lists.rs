//! The three queues of W-TinyLFU (window, probation, protected) as intrusive doubly linked
//! lists over slot ids: one array of 12-byte nodes indexed by slot, each node holding its
//! links, its queue and its key's hash. This replaced the first version's three
//! `lru::LruCache<u32, ()>` (a hash table entry and a boxed node per entry, ~50–60 bytes,
//! and a `pop` + `push` with a free and an allocation per move between queues); see
//! docs/cache-policy.md for the numbers.
//!
//! Node `i + 3` belongs to slot `i`. Nodes 0, 1 and 2 are the sentinels of the three
//! queues: each list is circular through its sentinel, the sentinel's `next` is the least
//! recently used end and its `prev` the most recently used end, so linking and unlinking
//! never branch on an empty list or an end. A node's queue sits in the top two bits of its
//! `prev` link, so slot ids are below [`MAX_SLOT`].

/// Where a slot is. The discriminant is the node tag; queue `q` has its sentinel at `q - 1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum Queue {
    Absent = 0,
    Window = 1,
    Probation = 2,
    Protected = 3,
}

impl Queue {
    const ALL: [Queue; 4] = [
        Queue::Absent,
        Queue::Window,
        Queue::Probation,
        Queue::Protected,
    ];

    #[inline]
    fn sentinel(self) -> usize {
        debug_assert!(self != Queue::Absent);
        self as usize - 1
    }
}

/// Nodes before the first slot's (the sentinels).
const SENTINELS: u32 = 3;
const TAG_SHIFT: u32 = 30;
const LINK_MASK: u32 = (1 << TAG_SHIFT) - 1;

/// The largest slot id the policy holds (2³⁰ − 4). Larger ids are never held: an insert
/// returns them as evicted at once. (A JS `Map` holds at most 2²⁴ entries, so a JS
/// Cache's dense slot ids stay far below.)
pub const MAX_SLOT: u32 = LINK_MASK - SENTINELS;

/// One slot's node: 12 bytes.
#[derive(Debug, Clone, Copy, Default)]
struct Node {
    /// Queue tag (top 2 bits) and the previous node (towards the LRU end).
    prev: u32,
    /// The next node (towards the MRU end).
    next: u32,
    /// The key's hash (for the sketch).
    hash: u32,
}

impl Node {
    #[inline]
    fn prev(&self) -> u32 {
        self.prev & LINK_MASK
    }

    #[inline]
    fn queue(&self) -> Queue {
        Queue::ALL[(self.prev >> TAG_SHIFT) as usize]
    }
}

/// The three queues over slot ids, and the slots' weights when the policy is weighted.
#[derive(Debug, Clone)]
pub(crate) struct Lists {
    nodes: Vec<Node>,
    /// Weight by node index (the sentinels' unused); `None`: every entry weighs 1.
    weights: Option<Vec<u32>>,
    /// The node array grows by doubling, but stops once at this many nodes (so a full cache
    /// of `max_entries` holds no spare capacity; slots beyond it double again).
    planned: usize,
}

impl Lists {
    /// Empty queues, for a cache of about `entries` slots; `weighted` keeps a weight per
    /// slot (4 more bytes each), otherwise every entry weighs 1.
    pub(crate) fn new(entries: u32, weighted: bool) -> Lists {
        let planned = entries as usize + SENTINELS as usize;
        let initial = planned.min(1024 + SENTINELS as usize);
        let mut nodes = Vec::with_capacity(initial);
        for i in 0..SENTINELS {
            nodes.push(Node {
                prev: i,
                next: i,
                hash: 0,
            });
        }
        let weights = weighted.then(|| {
            let mut w = Vec::with_capacity(initial);
            w.resize(SENTINELS as usize, 0);
            w
        });
        Lists {
            nodes,
            weights,
            planned,
        }
    }

    #[inline]
    fn index(slot: u32) -> usize {
        slot as usize + SENTINELS as usize
    }

    /// The queue `slot` is in ([`Queue::Absent`] for a slot never seen or above [`MAX_SLOT`]).
    #[inline]
    pub(crate) fn queue(&self, slot: u32) -> Queue {
        if slot > MAX_SLOT {
            return Queue::Absent;
        }
        self.nodes
            .get(Lists::index(slot))
            .map_or(Queue::Absent, Node::queue)
    }

    /// The hash stored for a held slot.
    #[inline]
    pub(crate) fn hash(&self, slot: u32) -> u32 {
        self.nodes[Lists::index(slot)].hash
    }

    /// The weight stored for a held slot (1 when unweighted).
    #[inline]
    pub(crate) fn weight(&self, slot: u32) -> u64 {
        self.weights
            .as_ref()
            .map_or(1, |w| u64::from(w[Lists::index(slot)]))
    }

    /// Sets a held slot's weight (ignored when unweighted).
    #[inline]
    pub(crate) fn set_weight(&mut self, slot: u32, weight: u32) {
        if let Some(w) = &mut self.weights {
            w[Lists::index(slot)] = weight;
        }
    }

    /// The least recently used slot of `queue`.
    #[inline]
    pub(crate) fn lru(&self, queue: Queue) -> Option<u32> {
        let first = self.nodes[queue.sentinel()].next;
        (first >= SENTINELS).then(|| first - SENTINELS)
    }

    /// The slot after `slot` (towards the MRU end) in its queue.
    #[inline]
    pub(crate) fn next(&self, slot: u32) -> Option<u32> {
        let next = self.nodes[Lists::index(slot)].next;
        (next >= SENTINELS).then(|| next - SENTINELS)
    }

    /// Makes `slot` (≤ [`MAX_SLOT`], absent) an unlinked node with `hash` and `weight`,
    /// growing the arrays.
    pub(crate) fn reset(&mut self, slot: u32, hash: u32, weight: u32) {
        let i = Lists::index(slot);
        if i >= self.nodes.len() {
            let capacity = self.nodes.capacity();
            let target = if i < capacity {
                capacity
            } else if capacity < self.planned {
                (2 * capacity).min(self.planned).max(i + 1)
            } else {
                (2 * capacity).max(i + 1)
            };
            self.nodes.reserve_exact(target - self.nodes.len());
            self.nodes.resize(i + 1, Node::default());
            if let Some(w) = &mut self.weights {
                w.reserve_exact(target - w.len());
                w.resize(i + 1, 0);
            }
        }
        self.nodes[i] = Node {
            prev: 0,
            next: 0,
            hash,
        };
        self.set_weight(slot, weight);
    }

    /// Links an absent `slot` at the MRU end of `queue`.
    #[inline]
    pub(crate) fn push(&mut self, slot: u32, queue: Queue) {
        let i = Lists::index(slot);
        let sentinel = queue.sentinel();
        let last = self.nodes[sentinel].prev();
        self.nodes[i].prev = last | (queue as u32) << TAG_SHIFT;
        self.nodes[i].next = sentinel as u32;
        self.nodes[last as usize].next = i as u32;
        let tag = self.nodes[sentinel].prev & !LINK_MASK;
        self.nodes[sentinel].prev = i as u32 | tag;
    }

    /// Unlinks a held `slot` and marks it absent.
    #[inline]
    pub(crate) fn unlink(&mut self, slot: u32) {
        let i = Lists::index(slot);
        let Node { prev, next, .. } = self.nodes[i];
        let prev = prev & LINK_MASK;
        self.nodes[prev as usize].next = next;
        let next = &mut self.nodes[next as usize].prev;
        *next = (*next & !LINK_MASK) | prev;
        self.nodes[i].prev = 0;
    }

    /// Moves a held `slot` to the MRU end of `queue` (its own or another).
    #[inline]
    pub(crate) fn move_to(&mut self, slot: u32, queue: Queue) {
        self.unlink(slot);
        self.push(slot, queue);
    }

    /// Empties every queue (keeps the array's capacity).
    pub(crate) fn clear(&mut self) {
        self.nodes.truncate(SENTINELS as usize);
        if let Some(w) = &mut self.weights {
            w.truncate(SENTINELS as usize);
        }
        for (i, n) in self.nodes.iter_mut().enumerate() {
            n.prev = i as u32;
            n.next = i as u32;
        }
    }

    /// The slots of `queue`, least recently used first.
    pub(crate) fn iter(&self, queue: Queue) -> impl Iterator<Item = u32> + '_ {
        std::iter::successors(self.lru(queue), |&slot| self.next(slot))
    }

    /// Bytes allocated (the arrays' capacities).
    pub(crate) fn memory_bytes(&self) -> usize {
        self.nodes.capacity() * std::mem::size_of::<Node>()
            + self.weights.as_ref().map_or(0, |w| w.capacity() * 4)
    }

    /// Hints the processor to load `slot`'s node (x86-64; a no-op elsewhere).
    #[inline]
    pub(crate) fn prefetch(&self, slot: u32) {
        if let Some(node) = self.nodes.get(Lists::index(slot)) {
            prefetch(node);
        }
    }

    /// Hints the processor to load the nodes around a held `slot` (its unlink writes them).
    #[inline]
    pub(crate) fn prefetch_neighbours(&self, slot: u32) {
        let node = &self.nodes[Lists::index(slot)];
        prefetch(&self.nodes[node.prev() as usize]);
        prefetch(&self.nodes[node.next as usize]);
    }

    /// Checks every queue's links both ways and the tags against the lists.
    #[cfg(test)]
    pub(crate) fn check(&self) {
        let mut linked = 0;
        for queue in [Queue::Window, Queue::Probation, Queue::Protected] {
            let s = queue.sentinel();
            let mut at = s;
            loop {
                let next = self.nodes[at].next as usize;
                assert_eq!(self.nodes[next].prev() as usize, at, "{queue:?} back link");
                if next == s {
                    break;
                }
                assert_eq!(self.nodes[next].queue(), queue, "node {next} tag");
                linked += 1;
                at = next;
                assert!(linked < self.nodes.len(), "{queue:?} cycles");
            }
        }
        let tagged = self.nodes[SENTINELS as usize..]
            .iter()
            .filter(|n| n.queue() != Queue::Absent)
            .count();
        assert_eq!(linked, tagged, "every tagged node is linked");
    }
}

#[cfg(target_arch = "x86_64")]
#[inline]
pub(crate) fn prefetch<T>(at: &T) {
    // SAFETY: a prefetch is a hint; it never faults and `at` is a valid reference anyway.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
            (at as *const T).cast::<i8>(),
        );
    }
}

#[cfg(not(target_arch = "x86_64"))]
#[inline]
pub(crate) fn prefetch<T>(_at: &T) {}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(l: &Lists, q: Queue) -> Vec<u32> {
        l.iter(q).collect()
    }

    #[test]
    fn push_move_unlink_keep_order_and_tags() {
        let mut l = Lists::new(8, false);
        for slot in 0..6 {
            l.reset(slot, 100 + slot, 5);
            l.push(
                slot,
                if slot < 3 {
                    Queue::Window
                } else {
                    Queue::Protected
                },
            );
        }
        assert_eq!(order(&l, Queue::Window), [0, 1, 2]);
        assert_eq!(order(&l, Queue::Protected), [3, 4, 5]);
        l.move_to(0, Queue::Window);
        assert_eq!(order(&l, Queue::Window), [1, 2, 0]);
        l.move_to(4, Queue::Probation);
        l.move_to(1, Queue::Probation);
        assert_eq!(order(&l, Queue::Probation), [4, 1]);
        assert_eq!(order(&l, Queue::Protected), [3, 5]);
        assert_eq!(
            (l.queue(4), l.hash(4), l.weight(4)),
            (Queue::Probation, 104, 1)
        );
        l.unlink(2);
        l.unlink(0);
        assert_eq!(l.lru(Queue::Window), None);
        assert_eq!(l.queue(0), Queue::Absent);
        assert_eq!(l.queue(7), Queue::Absent);
        assert_eq!(l.queue(MAX_SLOT + 1), Queue::Absent);
        l.check();
        l.clear();
        assert_eq!(l.lru(Queue::Probation), None);
        assert_eq!(l.queue(4), Queue::Absent);
        l.check();
    }

    #[test]
    fn grows_by_doubling_up_to_the_planned_size() {
        let mut l = Lists::new(3000, true);
        l.reset(2999, 1, 7);
        assert_eq!(l.nodes.capacity(), 3003);
        assert_eq!(l.weight(2999), 7);
        let mut l = Lists::new(3000, true);
        l.reset(1024, 1, 1);
        assert_eq!(l.nodes.capacity(), 2054);
        l.reset(5000, 1, 1);
        assert_eq!((l.nodes.len(), l.nodes.capacity()), (5004, 5004));
        l.reset(5004, 1, 9);
        assert_eq!(l.nodes.capacity(), 10_008);
        assert_eq!(l.weights.as_ref().map(Vec::capacity), Some(10_008));
        l.set_weight(5004, 3);
        assert_eq!(l.weight(5004), 3);
        l.check();
    }
}
