//! `debounce` bindings: the core [`Debouncer`](hotpath_core::debounce::Debouncer) as a class
//! taking plain numbers and typed arrays (ids are interned on the JS side).

use crate::{call, Result};
use hotpath_core::debounce::{self as core, Forced, Outcome};
use wasm_bindgen::prelude::*;

/// Per-key debounce bookkeeping over numeric ids (see `src/debounce`).
#[wasm_bindgen]
pub struct DebounceCore {
    inner: core::Debouncer,
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

#[wasm_bindgen]
impl DebounceCore {
    /// `wait`, `maxWait` (null = none), `attempts`, `delay`, `factor` — all in ms / plain
    /// numbers; invalid values throw ERR_INVALID_SPEC naming the option.
    #[wasm_bindgen(constructor)]
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
        call(|| core::Debouncer::new(cfg)).map(|inner| DebounceCore {
            inner,
            keys: core::Interner::new(),
        })
    }

    /// Applies `[id0, t0, id1, t1, …]` in order; returns the earliest deadline or null.
    #[wasm_bindgen(js_name = "scheduleBatch")]
    pub fn schedule_batch(&mut self, pairs: &[f64]) -> Result<Option<f64>> {
        call(|| self.inner.schedule_batch(pairs))
    }

    /// One schedule; returns the new earliest deadline when it moved earlier, else null.
    #[wasm_bindgen]
    pub fn schedule(&mut self, id: u32, now: f64) -> Result<Option<f64>> {
        call(|| self.inner.schedule(id, now))
    }

    /// One schedule of a string key interned in the core (measurement of string passing).
    #[wasm_bindgen(js_name = "scheduleKey")]
    pub fn schedule_key(&mut self, key: String, now: f64) -> Result<Option<f64>> {
        call(|| {
            let id = self.keys.intern(&key);
            self.inner.schedule(id, now)
        })
    }

    /// Starts up to `max` due runs, earliest first; returns their ids.
    #[wasm_bindgen(js_name = "takeDue")]
    pub fn take_due(&mut self, now: f64, max: u32) -> Result<Vec<u32>> {
        call(|| Ok(self.inner.take_due(now, max as usize)))
    }

    /// The earliest deadline, or null when nothing is owed.
    #[wasm_bindgen(js_name = "nextDeadline")]
    pub fn next_deadline(&self) -> Result<Option<f64>> {
        call(|| Ok(self.inner.next_deadline()))
    }

    /// Makes the owed run of `id` due now: 0 nothing, 1 queued, 2 running, 3 after the run.
    #[wasm_bindgen]
    pub fn force(&mut self, id: u32, now: f64) -> Result<u32> {
        call(|| Ok(forced_code(self.inner.force(id, now))))
    }

    /// Makes every owed run due now.
    #[wasm_bindgen(js_name = "forceAll")]
    pub fn force_all(&mut self, now: f64) -> Result<()> {
        call(|| {
            {
                self.inner.force_all(now)
            }
            Ok(())
        })
    }

    /// Ends a run: 0 idle, 1 again, 2 retry, 3 gave up (idle), 4 gave up (follow-up owed).
    #[wasm_bindgen]
    pub fn done(&mut self, id: u32, ok: bool, now: f64) -> Result<u32> {
        call(|| self.inner.done(id, ok, now).map(outcome_code))
    }

    /// `done` for `[id0, ok0, id1, ok1, …]` (ok 1/0): the outcome code of each.
    #[wasm_bindgen(js_name = "doneBatch")]
    pub fn done_batch(&mut self, pairs: &[f64], now: f64) -> Result<Vec<u8>> {
        call(|| self.inner.done_batch(pairs, now)).map(|v| {
            v.into_iter()
                .map(|o| outcome_code(o) as u8)
                .collect::<Vec<u8>>()
        })
    }

    /// Drops every owed run; returns the ids that became idle.
    #[wasm_bindgen(js_name = "cancelAll")]
    pub fn cancel_all(&mut self) -> Result<Vec<u32>> {
        call(|| Ok(self.inner.cancel_all()))
    }

    /// Drops the owed run of `id`; whether one was owed.
    #[wasm_bindgen]
    pub fn cancel(&mut self, id: u32) -> Result<bool> {
        call(|| Ok(self.inner.cancel(id)))
    }

    /// Whether a run of `id` is owed and not started.
    #[wasm_bindgen]
    pub fn has(&self, id: u32) -> Result<bool> {
        call(|| Ok(self.inner.has(id)))
    }

    /// 0 idle, 1 pending, 2 running, 3 running with a follow-up owed.
    #[wasm_bindgen]
    pub fn state(&self, id: u32) -> Result<u32> {
        call(|| Ok(self.inner.state(id) as u32))
    }

    /// scheduled, coalesced, runs, succeeded, failed, retries, pending, running, failedAttempts.
    #[wasm_bindgen]
    pub fn stats(&self) -> Result<Vec<f64>> {
        call(|| {
            Ok({
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
                v.iter().map(|x| *x as f64).collect::<Vec<f64>>()
            })
        })
    }

    /// Bytes held by the core bookkeeping.
    #[wasm_bindgen(js_name = "memoryBytes")]
    pub fn memory_bytes(&self) -> Result<f64> {
        call(|| Ok(self.inner.memory_bytes() as f64))
    }

    /// Panics inside a `&mut self` method on purpose (hidden; `js-tests/reliability/panics.test.js`).
    #[wasm_bindgen(js_name = "__testPanic")]
    pub fn test_panic(&mut self, message: String) -> Result<()> {
        call(|| hotpath_core::test_panic(&message))
    }
}
