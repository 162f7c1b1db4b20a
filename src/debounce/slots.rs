//! Per-key bookkeeping: one 40-byte [`Slot`] per id, in chunks of 256.

/// "No id": the end of a list, an empty head.
pub(super) const NIL: u32 = u32::MAX;

/// Where a key stands ([`Slot::state`]).
pub(super) const ST_IDLE: u8 = 0;
pub(super) const ST_PENDING: u8 = 1;
pub(super) const ST_RUNNING: u8 = 2;
/// Running, and schedules arrived during the run: one more run is owed.
pub(super) const ST_DIRTY: u8 = 3;

/// Which structure holds a pending key ([`Slot::loc`]).
pub(super) const LOC_NONE: u8 = 0;
/// Lists A and B (see the module doc of `debounce`).
pub(super) const LOC_LISTS: u8 = 1;
/// The deadline heap ([`super::retry`]).
pub(super) const LOC_HEAP: u8 = 2;
/// The ready list (forced by `flush`).
pub(super) const LOC_READY: u8 = 3;
/// Running-dirty and flushed: the follow-up goes to the ready list when the run ends.
pub(super) const LOC_FORCED: u8 = 4;

/// The links of one intrusive list through a slot ([`super::lists`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Link {
    pub prev: u32,
    pub next: u32,
}

impl Link {
    pub const NONE: Link = Link {
        prev: NIL,
        next: NIL,
    };
}

/// Per-key bookkeeping, 40 bytes. `links[MAIN]` links list A or the ready list (a key is
/// in at most one of them); while the key is in the heap, `links[MAIN].prev` holds its
/// heap index instead. `links[BY_FIRST]` links list B.
#[derive(Debug, Clone, Copy)]
pub(super) struct Slot {
    pub last: f64,
    pub first: f64,
    pub links: [Link; 2],
    pub count: u32,
    pub attempt: u16,
    pub state: u8,
    pub loc: u8,
}

impl Slot {
    pub const IDLE: Slot = Slot {
        last: 0.0,
        first: 0.0,
        links: [Link::NONE; 2],
        count: 0,
        attempt: 0,
        state: ST_IDLE,
        loc: LOC_NONE,
    };
}

const CHUNK_BITS: usize = 8;
const CHUNK: usize = 1 << CHUNK_BITS;

/// Slots in fixed chunks of 256 (10 KB): growing never copies existing slots and never
/// holds more than one partly used chunk (a doubling vector copies ~2× its size while it
/// grows and keeps up to 2× slack).
#[derive(Debug, Clone, Default)]
pub(super) struct Slots {
    chunks: Vec<Box<[Slot]>>,
}

impl Slots {
    /// Slots allocated (a multiple of the chunk size).
    pub fn len(&self) -> usize {
        self.chunks.len() * CHUNK
    }

    /// Allocates chunks until slot `i` exists.
    pub fn ensure(&mut self, i: usize) {
        while i >= self.len() {
            self.chunks.push(vec![Slot::IDLE; CHUNK].into_boxed_slice());
        }
    }

    /// Slot `i`, when allocated.
    pub fn get(&self, i: usize) -> Option<&Slot> {
        self.chunks
            .get(i >> CHUNK_BITS)
            .map(|c| &c[i & (CHUNK - 1)])
    }

    /// Bytes held.
    pub fn bytes(&self) -> usize {
        self.len() * std::mem::size_of::<Slot>()
            + self.chunks.capacity() * std::mem::size_of::<Box<[Slot]>>()
    }
}

impl std::ops::Index<usize> for Slots {
    type Output = Slot;
    fn index(&self, i: usize) -> &Slot {
        &self.chunks[i >> CHUNK_BITS][i & (CHUNK - 1)]
    }
}

impl std::ops::IndexMut<usize> for Slots {
    fn index_mut(&mut self, i: usize) -> &mut Slot {
        &mut self.chunks[i >> CHUNK_BITS][i & (CHUNK - 1)]
    }
}
