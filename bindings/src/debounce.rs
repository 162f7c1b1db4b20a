//! `debounce`: the core [`Debouncer`](hotpath_core::debounce::Debouncer) as a class over
//! numeric ids (keys are interned on the JS side) and typed arrays. A deadline is a number
//! of ms, `Infinity` when nothing is owed.

use crate::js::{self, Uint32Array, Uint8Array};
use hotpath_binding_macros::export;
use hotpath_core::debounce::{self as core, Forced, Outcome, State};
use hotpath_core::Result;

/// The Debouncer's numeric options, as lib/debounce.js hands them over: validated by the
/// core (`ERR_INVALID_SPEC` naming the option).
#[export(object)]
pub struct DebounceConfig {
    /// ms after the last schedule.
    pub wait: f64,
    /// ms bound on the delay since the first schedule; none when absent.
    pub max_wait: Option<f64>,
    /// Attempts per run in total (1 = no retry).
    pub attempts: f64,
    /// ms before the first retry.
    pub delay: f64,
    /// Backoff factor between retries.
    pub factor: f64,
}

impl From<DebounceConfig> for core::Options {
    fn from(c: DebounceConfig) -> core::Options {
        core::Options {
            wait: c.wait,
            max_wait: c.max_wait,
            attempts: c.attempts,
            delay: c.delay,
            factor: c.factor,
        }
    }
}

/// The core's counters (`Debouncer.stats()` plus `running`).
#[export(object)]
pub struct DebounceStats {
    /// Accepted schedules.
    pub scheduled: f64,
    /// Schedules merged into a run already owed.
    pub coalesced: f64,
    /// Runs started, retries included.
    pub runs: f64,
    /// Runs that succeeded.
    pub succeeded: f64,
    /// Runs whose last attempt failed.
    pub failed: f64,
    /// Failed attempts, retried or not.
    pub failed_attempts: f64,
    /// Retries scheduled after a failure.
    pub retries: f64,
    /// Keys owing a run that has not started.
    pub pending: f64,
    /// Runs in progress.
    pub running: f64,
}

impl From<core::Stats> for DebounceStats {
    fn from(s: core::Stats) -> DebounceStats {
        DebounceStats {
            scheduled: s.scheduled as f64,
            coalesced: s.coalesced as f64,
            runs: s.runs as f64,
            succeeded: s.succeeded as f64,
            failed: s.failed as f64,
            failed_attempts: s.failed_attempts as f64,
            retries: s.retries as f64,
            pending: s.pending as f64,
            running: s.running as f64,
        }
    }
}

/// What the end of a run decided (`done`, `doneBatch`).
#[export]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunOutcome {
    /// Nothing more is owed: the id may be released.
    Idle = 0,
    /// Schedules arrived during the run: one more run is owed.
    Again = 1,
    /// The run failed and will be retried (its payloads must be kept).
    Retry = 2,
    /// The last attempt failed; nothing more is owed.
    GaveUp = 3,
    /// The last attempt failed; a run is still owed for schedules made during it.
    GaveUpAgain = 4,
}

impl From<Outcome> for RunOutcome {
    fn from(o: Outcome) -> RunOutcome {
        match o {
            Outcome::Idle => RunOutcome::Idle,
            Outcome::Again(_) => RunOutcome::Again,
            Outcome::Retry(_) => RunOutcome::Retry,
            Outcome::GaveUp(None) => RunOutcome::GaveUp,
            Outcome::GaveUp(Some(_)) => RunOutcome::GaveUpAgain,
        }
    }
}

/// What `force` (a flush of one key) did.
#[export(mirror = "Forced")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForceResult {
    /// Nothing was owed and nothing is running.
    Nothing = 0,
    /// The owed run is due now.
    Queued = 1,
    /// A run is in progress and nothing more is owed.
    Running = 2,
    /// A run is in progress; the owed one is due as soon as it ends.
    AfterRun = 3,
}

/// Where a key stands (`state`).
#[export(mirror = "State")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyState {
    /// Nothing owed, not running.
    Idle = 0,
    /// A run is owed and has not started.
    Pending = 1,
    /// A run is in progress and nothing more is owed.
    Running = 2,
    /// A run is in progress and one more is owed.
    RunningDirty = 3,
}

/// A deadline as it crosses: `Infinity` when there is none.
fn deadline(d: Option<f64>) -> f64 {
    d.unwrap_or(f64::INFINITY)
}

/// Per-key debounce bookkeeping over numeric ids (see `src/debounce`).
#[export]
pub struct DebounceCore {
    inner: core::Debouncer,
    #[cfg_attr(not(feature = "bench"), allow(dead_code))]
    keys: core::Interner,
}

#[export]
impl DebounceCore {
    /// Bookkeeping with these options (`ERR_INVALID_SPEC` naming a bad one).
    #[export(constructor)]
    pub fn new(config: DebounceConfig) -> Result<Self> {
        Ok(DebounceCore {
            inner: core::Debouncer::new(core::Options::from(config).validate()?)?,
            keys: core::Interner::new(),
        })
    }

    /// Applies `[id0, t0, id1, t1, …]` in order; returns the earliest deadline.
    pub fn schedule_batch(&mut self, pairs: &[f64]) -> Result<f64> {
        self.inner.schedule_batch(pairs).map(deadline)
    }

    /// One schedule; returns the new earliest deadline when it moved earlier, else
    /// `Infinity`.
    pub fn schedule(&mut self, id: u32, now: f64) -> Result<f64> {
        self.inner.schedule(id, now).map(deadline)
    }

    /// Starts up to `max` due runs, earliest first; returns their ids.
    pub fn take_due(&mut self, now: f64, max: u32) -> Uint32Array {
        js::u32s(self.inner.take_due(now, max as usize))
    }

    /// The earliest deadline.
    pub fn next_deadline(&self) -> f64 {
        deadline(self.inner.next_deadline())
    }

    /// Makes the owed run of `id` due now.
    pub fn force(&mut self, id: u32, now: f64) -> ForceResult {
        self.inner.force(id, now).into()
    }

    /// Makes every owed run due now.
    pub fn force_all(&mut self, now: f64) {
        self.inner.force_all(now)
    }

    /// Ends a run of `id` (`ok`: it succeeded).
    pub fn done(&mut self, id: u32, ok: bool, now: f64) -> Result<RunOutcome> {
        self.inner.done(id, ok, now).map(RunOutcome::from)
    }

    /// `done` for `[id0, ok0, id1, ok1, …]` (ok 1/0): the [`RunOutcome`] of each.
    pub fn done_batch(&mut self, pairs: &[f64], now: f64) -> Result<Uint8Array> {
        let outcomes = self.inner.done_batch(pairs, now)?;
        Ok(js::u8s(
            outcomes
                .into_iter()
                .map(|o| RunOutcome::from(o) as u8)
                .collect(),
        ))
    }

    /// Drops every owed run; returns the ids that became idle.
    pub fn cancel_all(&mut self) -> Uint32Array {
        js::u32s(self.inner.cancel_all())
    }

    /// Drops the owed run of `id`; whether one was owed.
    pub fn cancel(&mut self, id: u32) -> bool {
        self.inner.cancel(id)
    }

    /// Whether a run of `id` is owed and not started.
    pub fn has(&self, id: u32) -> bool {
        self.inner.has(id)
    }

    /// Where `id` stands.
    pub fn state(&self, id: u32) -> KeyState {
        self.inner.state(id).into()
    }

    /// The counters.
    pub fn stats(&self) -> DebounceStats {
        self.inner.stats().into()
    }

    /// Bytes held by the core bookkeeping.
    pub fn memory_bytes(&self) -> f64 {
        self.inner.memory_bytes() as f64
    }
}

#[cfg(feature = "bench")]
#[export]
impl DebounceCore {
    /// One schedule of a string key interned in the core (bench/debounce.bench.js: the cost
    /// of passing a string per call).
    pub fn schedule_key(&mut self, key: String, now: f64) -> Result<f64> {
        let id = self.keys.intern(&key);
        self.inner.schedule(id, now).map(deadline)
    }
}
