//! `debounce`: the core [`Debouncer`](hotpath_core::debounce::Debouncer) as a class taking
//! plain numbers and typed arrays (keys are interned to ids on the JS side).

use crate::js::{F64s, U32s, U8s};
use hotpath_binding_macros::export;
use hotpath_core::debounce::{self as core, Forced, Outcome};
use hotpath_core::Result;

/// Per-key debounce bookkeeping over numeric ids (see `src/debounce`).
#[export]
pub struct DebounceCore {
    inner: core::Debouncer,
    #[cfg_attr(not(feature = "bench"), allow(dead_code))]
    keys: core::Interner,
}

fn outcome_code(o: Outcome) -> u32 {
    match o {
        Outcome::Idle => 0,
        Outcome::Again(_) => 1,
        Outcome::Retry(_) => 2,
        Outcome::GaveUp(None) => 3,
        Outcome::GaveUp(Some(_)) => 4,
    }
}

fn forced_code(f: Forced) -> u32 {
    match f {
        Forced::Nothing => 0,
        Forced::Queued => 1,
        Forced::Running => 2,
        Forced::AfterRun => 3,
    }
}

#[export]
impl DebounceCore {
    /// `wait`, `maxWait` (null = none), `attempts`, `delay`, `factor` — all in ms / plain
    /// numbers; invalid values throw ERR_INVALID_SPEC naming the option.
    #[export(constructor)]
    pub fn new(
        wait: f64,
        max_wait: Option<f64>,
        attempts: u32,
        delay: f64,
        factor: f64,
    ) -> Result<Self> {
        let cfg = core::Config {
            wait,
            max_wait,
            attempts,
            delay,
            factor,
        };
        Ok(DebounceCore {
            inner: core::Debouncer::new(cfg)?,
            keys: core::Interner::new(),
        })
    }

    /// Applies `[id0, t0, id1, t1, …]` in order; returns the earliest deadline or null.
    pub fn schedule_batch(&mut self, pairs: &[f64]) -> Result<Option<f64>> {
        self.inner.schedule_batch(pairs)
    }

    /// One schedule; returns the new earliest deadline when it moved earlier, else null.
    pub fn schedule(&mut self, id: u32, now: f64) -> Result<Option<f64>> {
        self.inner.schedule(id, now)
    }

    /// Starts up to `max` due runs, earliest first; returns their ids.
    pub fn take_due(&mut self, now: f64, max: u32) -> U32s {
        self.inner.take_due(now, max as usize).into()
    }

    /// The earliest deadline, or null when nothing is owed.
    pub fn next_deadline(&self) -> Option<f64> {
        self.inner.next_deadline()
    }

    /// Makes the owed run of `id` due now: 0 nothing, 1 queued, 2 running, 3 after the run.
    pub fn force(&mut self, id: u32, now: f64) -> u32 {
        forced_code(self.inner.force(id, now))
    }

    /// Makes every owed run due now.
    pub fn force_all(&mut self, now: f64) {
        self.inner.force_all(now)
    }

    /// Ends a run: 0 idle, 1 again, 2 retry, 3 gave up (idle), 4 gave up (follow-up owed).
    pub fn done(&mut self, id: u32, ok: bool, now: f64) -> Result<u32> {
        self.inner.done(id, ok, now).map(outcome_code)
    }

    /// `done` for `[id0, ok0, id1, ok1, …]` (ok 1/0): the outcome code of each.
    pub fn done_batch(&mut self, pairs: &[f64], now: f64) -> Result<U8s> {
        let outcomes = self.inner.done_batch(pairs, now)?;
        Ok(outcomes
            .into_iter()
            .map(|o| outcome_code(o) as u8)
            .collect::<Vec<u8>>()
            .into())
    }

    /// Drops every owed run; returns the ids that became idle.
    pub fn cancel_all(&mut self) -> U32s {
        self.inner.cancel_all().into()
    }

    /// Drops the owed run of `id`; whether one was owed.
    pub fn cancel(&mut self, id: u32) -> bool {
        self.inner.cancel(id)
    }

    /// Whether a run of `id` is owed and not started.
    pub fn has(&self, id: u32) -> bool {
        self.inner.has(id)
    }

    /// 0 idle, 1 pending, 2 running, 3 running with a follow-up owed.
    pub fn state(&self, id: u32) -> u32 {
        self.inner.state(id) as u32
    }

    /// scheduled, coalesced, runs, succeeded, failed, retries, pending, running, failedAttempts.
    pub fn stats(&self) -> F64s {
        let s = self.inner.stats();
        let v = [
            s.scheduled,
            s.coalesced,
            s.runs,
            s.succeeded,
            s.failed,
            s.retries,
            s.pending,
            s.running,
            s.failed_attempts,
        ];
        v.iter().map(|x| *x as f64).collect::<Vec<f64>>().into()
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
    pub fn schedule_key(&mut self, key: String, now: f64) -> Result<Option<f64>> {
        let id = self.keys.intern(&key);
        self.inner.schedule(id, now)
    }
}
