//! The W-TinyLFU eviction policy's bookkeeping (`new Cache({ policy: 'tinylfu' })`), as a pure
//! core: it sees slot ids (`u32`, owned by the JS side), 32-bit key hashes and weights, never
//! keys or values.
//!
//! - [`FrequencySketch`] — a count-min sketch of 4-bit counters with periodic halving, and an
//!   optional doorkeeper (Bloom filter).
//! - [`TinyLfu`] — a window LRU and a segmented main LRU (probation + protected) as
//!   intrusive lists over the slot ids (12 bytes a slot), admission by the sketch, window
//!   size by a mini simulation or the [`HillClimber`].
//! - [`sim`] — trace replay: the policy, a plain LRU (on the `lru` crate) and Belady's
//!   optimum.
//!
//! How the JS side drives it (Caffeine's design, single-threaded): `get` records the hit's
//! slot in a shared ring buffer without crossing; [`TinyLfu::record_accesses`] replays the
//! buffer in one call when it fills or before a write; [`TinyLfu::insert`] adds a slot and
//! returns the slots to evict; [`TinyLfu::update_weight`], [`TinyLfu::remove`] and
//! [`TinyLfu::clear`] follow size changes and deletes.
//! Design and measurements: docs/cache-policy.md.

mod climber;
mod lists;
mod minisim;
#[cfg(test)]
mod reference;
pub mod sim;
mod sketch;
mod tinylfu;

pub use climber::HillClimber;
pub use lists::MAX_SLOT;
pub use sketch::FrequencySketch;
pub use tinylfu::{Adapt, TinyLfu, TinyLfuOptions};
