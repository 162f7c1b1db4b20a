//! The `debounce` hot path: per-key coalescing bookkeeping and deadlines.
//!
//! The JS wrapper (`lib/debounce.js`) interns every key to a small dense numeric id, keeps
//! the payloads and the one process timer, and hands this core `(id, now)` pairs. The core
//! owns everything else: per-key state (pending / running / running-dirty), first and last
//! schedule times, the retry attempt, the number of coalesced schedules, and the order in
//! which deadlines fall due.
//!
//! # The deadline structure, and why
//!
//! A key's deadline is `min(last + wait, first + maxWait)` while it waits for its first
//! attempt, `failed_at + delay * factor^(n-1)` while it waits for retry `n`, and
//! `max(run_end, min(last + wait, first + maxWait))` for the follow-up run owed by
//! schedules made during a run. Because `wait` and `maxWait` are constants and the clock
//! is clamped to be monotone, the first kind is the minimum of two *monotone FIFO orders*:
//!
//! - list **A**, keys by last schedule time: a re-schedule unlinks the key and appends it
//!   at the tail (the linked-hash-map "move to back"), so the head has the smallest
//!   `last + wait`;
//! - list **B** (only when `maxWait` is set), keys by first schedule time: appended once,
//!   never moved, so the head has the smallest `first + maxWait`.
//!
//! Both are intrusive doubly linked lists threaded through the per-key slots (one generic
//! [`lists`] type; `u32` links, no allocation per schedule), so schedule, take and cancel
//! are O(1). The irregular deadlines (retries, follow-ups after a dirty run) go to an
//! indexed binary min-heap ([`retry`]: each slot knows its heap position, so a key is moved
//! or removed in O(log h) where h counts only those keys); keys forced by `flush` go to a
//! FIFO *ready* list. The earliest deadline is the minimum of four O(1) heads. Each key
//! costs one 40-byte slot ([`slots`]), stored in chunks of 256 indexed by id; the JS side
//! reuses the ids of idle keys, so the storage is as large as the largest number of keys
//! live at once. docs/debounce.md has the measurements behind these choices (lists against
//! a heap, a lazy-deletion heap and a timing wheel; chunks against a doubling vector).

use crate::{Error, Result};

mod lists;
mod retry;
mod slots;

use lists::{List, BY_FIRST, MAIN};
use retry::Heap;
use slots::{
    Slot, Slots, LOC_FORCED, LOC_HEAP, LOC_LISTS, LOC_NONE, LOC_READY, NIL, ST_DIRTY, ST_IDLE,
    ST_PENDING, ST_RUNNING,
};

/// Debouncer options, already in milliseconds. See [`Config::validate`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Config {
    /// Trailing wait after the last schedule, ms (finite, ≥ 0).
    pub wait: f64,
    /// Upper bound on the delay since the first schedule, ms; `None` = unbounded. A value
    /// below `wait` is raised to `wait`, as lodash.debounce does.
    pub max_wait: Option<f64>,
    /// Total attempts per run, the first included (BullMQ's `attempts`); 1 = no retry.
    pub attempts: u32,
    /// Delay before the first retry, ms (finite, ≥ 0).
    pub delay: f64,
    /// Backoff factor: retry `n` waits `delay * factor^(n-1)` (finite, ≥ 1).
    pub factor: f64,
}

impl Default for Config {
    /// `wait` 0, no `maxWait`, 1 attempt, retry delay 0, factor 2.
    fn default() -> Self {
        Config {
            wait: 0.0,
            max_wait: None,
            attempts: 1,
            delay: 0.0,
            factor: 2.0,
        }
    }
}

fn bad_option(name: &str, v: f64, rule: &str) -> Error {
    Error::InvalidSpec(format!("options.{name} must be {rule}, got {v}"))
}

/// The most attempts per run.
pub const MAX_ATTEMPTS: u32 = 1000;

impl Config {
    /// Checks every option; the error ([`Error::InvalidSpec`]) names the option as the JS
    /// `Debouncer` takes it (`options.wait`, `options.retry.delay`, …) and the value.
    pub fn validate(&self) -> Result<()> {
        let ms = "a finite number of ms >= 0";
        if !(self.wait.is_finite() && self.wait >= 0.0) {
            return Err(bad_option("wait", self.wait, ms));
        }
        if let Some(m) = self.max_wait {
            if !(m.is_finite() && m >= 0.0) {
                return Err(bad_option("maxWait", m, ms));
            }
        }
        if self.attempts < 1 || self.attempts > MAX_ATTEMPTS {
            return Err(bad_option(
                "retry.attempts",
                self.attempts as f64,
                "an integer from 1 to 1000",
            ));
        }
        if !(self.delay.is_finite() && self.delay >= 0.0) {
            return Err(bad_option("retry.delay", self.delay, ms));
        }
        if !(self.factor.is_finite() && self.factor >= 1.0) {
            return Err(bad_option(
                "retry.factor",
                self.factor,
                "a finite number >= 1",
            ));
        }
        Ok(())
    }
}

/// The options as a caller holding only numbers gives them (JS): [`Options::validate`]
/// checks them all and makes the [`Config`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Options {
    /// See [`Config::wait`].
    pub wait: f64,
    /// See [`Config::max_wait`].
    pub max_wait: Option<f64>,
    /// See [`Config::attempts`]: an integer from 1 to 1000.
    pub attempts: f64,
    /// See [`Config::delay`].
    pub delay: f64,
    /// See [`Config::factor`].
    pub factor: f64,
}

impl Options {
    /// The [`Config`], or [`Error::InvalidSpec`] naming the first bad option and its value.
    pub fn validate(self) -> Result<Config> {
        let a = self.attempts;
        if !(a.fract() == 0.0 && a >= 1.0 && a <= MAX_ATTEMPTS as f64) {
            return Err(bad_option("retry.attempts", a, "an integer from 1 to 1000"));
        }
        let cfg = Config {
            wait: self.wait,
            max_wait: self.max_wait,
            attempts: a as u32,
            delay: self.delay,
            factor: self.factor,
        };
        cfg.validate()?;
        Ok(cfg)
    }
}

/// Where a key stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Nothing owed, not running (the id may be reused).
    Idle,
    /// A run is owed and has not started (waiting for its deadline, a retry or a slot).
    Pending,
    /// A run is in progress and nothing more is owed.
    Running,
    /// A run is in progress and schedules arrived during it: one more run is owed.
    RunningDirty,
}

/// What [`Debouncer::done`] decided for the key.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Outcome {
    /// Nothing more is owed: the key is idle and its id may be released.
    Idle,
    /// Schedules arrived during the run: one more run is owed, due at the deadline.
    Again(f64),
    /// The run failed and will be retried at the deadline (payloads must be kept).
    Retry(f64),
    /// The run failed its last attempt; `Some(deadline)` when a follow-up run is still
    /// owed for schedules made during the run, `None` when the key is idle.
    GaveUp(Option<f64>),
}

/// What [`Debouncer::force`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Forced {
    /// Nothing was owed and nothing is running.
    Nothing,
    /// The owed run is due now (it starts at the next `take_due`).
    Queued,
    /// A run is in progress and nothing more is owed: wait for it.
    Running,
    /// A run is in progress; the owed follow-up will be due as soon as it ends.
    AfterRun,
}

/// Counters, as in `Debouncer.stats()` (plus `running`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Accepted `schedule` calls.
    pub scheduled: u64,
    /// Schedules that merged into a run already owed (no new run).
    pub coalesced: u64,
    /// Runs started (retries included).
    pub runs: u64,
    /// Runs that succeeded.
    pub succeeded: u64,
    /// Runs whose last attempt failed, retries exhausted (BullMQ's failed jobs): a key that
    /// fails all of its attempts counts once.
    pub failed: u64,
    /// Failed attempts, retried or not.
    pub failed_attempts: u64,
    /// Retries scheduled after a failure.
    pub retries: u64,
    /// Keys owing a run that has not started.
    pub pending: u64,
    /// Runs in progress.
    pub running: u64,
}

/// Per-key debounce bookkeeping for dense numeric ids (see the module doc).
#[derive(Debug, Clone)]
pub struct Debouncer {
    cfg: Config,
    slots: Slots,
    a: List,
    b: List,
    ready: List,
    heap: Heap,
    now: f64,
    stats: Stats,
}

impl Debouncer {
    /// A debouncer with validated options (`maxWait` below `wait` is raised to `wait`).
    pub fn new(mut cfg: Config) -> Result<Debouncer> {
        cfg.validate()?;
        if let Some(m) = cfg.max_wait {
            cfg.max_wait = Some(m.max(cfg.wait));
        }
        Ok(Debouncer {
            cfg,
            slots: Slots::default(),
            a: List::new(MAIN),
            b: List::new(BY_FIRST),
            ready: List::new(MAIN),
            heap: Heap::default(),
            now: f64::NEG_INFINITY,
            stats: Stats::default(),
        })
    }

    /// The options in force.
    pub fn config(&self) -> &Config {
        &self.cfg
    }

    fn clock(&mut self, now: f64) -> f64 {
        if now > self.now {
            self.now = now;
        }
        self.now
    }

    fn slot_mut(&mut self, id: u32) -> &mut Slot {
        let i = id as usize;
        self.slots.ensure(i);
        &mut self.slots[i]
    }

    fn check(&self, id: u32) -> Result<()> {
        if id == NIL {
            return Err(Error::InvalidKey(format!(
                "id must be below {NIL}, got {id}"
            )));
        }
        Ok(())
    }

    // ---- placement -------------------------------------------------------------------

    /// Removes a pending key from whichever structure holds it.
    fn unplace(&mut self, id: u32) {
        match self.slots[id as usize].loc {
            LOC_LISTS => {
                self.a.unlink(&mut self.slots, id);
                if self.cfg.max_wait.is_some() {
                    self.b.unlink(&mut self.slots, id);
                }
            }
            LOC_HEAP => self.heap.remove(&mut self.slots, id),
            LOC_READY => self.ready.unlink(&mut self.slots, id),
            _ => {}
        }
        self.slots[id as usize].loc = LOC_NONE;
    }

    fn debounce_deadline(&self, s: &Slot) -> f64 {
        let d = s.last + self.cfg.wait;
        match self.cfg.max_wait {
            Some(m) => d.min(s.first + m),
            None => d,
        }
    }

    /// Places a key owing a follow-up run after its run ended at `now`.
    fn place_follow_up(&mut self, id: u32, now: f64) -> f64 {
        if self.slots[id as usize].loc == LOC_FORCED {
            self.slots[id as usize].last = now;
            self.slots[id as usize].loc = LOC_READY;
            self.ready.push(&mut self.slots, id);
            return now;
        }
        let d = self.debounce_deadline(&self.slots[id as usize]).max(now);
        self.slots[id as usize].loc = LOC_HEAP;
        self.heap.push(&mut self.slots, id, d);
        d
    }

    // ---- public API ------------------------------------------------------------------

    /// Records a schedule of `id` at `now` (ms; the clock is clamped to never go back).
    /// Returns `Some(earliest)` when the earliest deadline moved earlier (or appeared) —
    /// the only case in which the caller must re-arm its timer.
    pub fn schedule(&mut self, id: u32, now: f64) -> Result<Option<f64>> {
        self.check(id)?;
        let before = self.next_deadline();
        self.schedule_one(id, now);
        let after = self.next_deadline();
        Ok(match (before, after) {
            (None, Some(a)) => Some(a),
            (Some(b), Some(a)) if a < b => Some(a),
            _ => None,
        })
    }

    /// Records many `(id, now)` schedules in order: `pairs` is `[id0, t0, id1, t1, …]`.
    /// Returns the earliest deadline afterwards (`None` when nothing is owed).
    pub fn schedule_batch(&mut self, pairs: &[f64]) -> Result<Option<f64>> {
        for p in pairs.chunks_exact(2) {
            let id = p[0];
            if !(id >= 0.0 && id < NIL as f64 && id.fract() == 0.0) {
                return Err(Error::InvalidKey(format!(
                    "id must be an integer in 0..{NIL}, got {id}"
                )));
            }
            self.schedule_one(id as u32, p[1]);
        }
        Ok(self.next_deadline())
    }

    fn schedule_one(&mut self, id: u32, now: f64) {
        let now = self.clock(now);
        let has_max = self.cfg.max_wait.is_some();
        self.stats.scheduled += 1;
        let i = id as usize;
        let s = *self.slot_mut(id);
        match s.state {
            ST_IDLE => {
                self.slots[i] = Slot {
                    state: ST_PENDING,
                    first: now,
                    last: now,
                    count: 1,
                    attempt: 0,
                    loc: LOC_LISTS,
                    ..Slot::IDLE
                };
                self.stats.pending += 1;
                self.a.push(&mut self.slots, id);
                if has_max {
                    self.b.push(&mut self.slots, id);
                }
            }
            ST_PENDING => {
                self.stats.coalesced += 1;
                self.slots[i].count = s.count.saturating_add(1);
                match s.loc {
                    LOC_LISTS => {
                        self.slots[i].last = now;
                        if self.a.tail != id {
                            self.a.unlink(&mut self.slots, id);
                            self.a.push(&mut self.slots, id);
                        }
                    }
                    LOC_HEAP if s.attempt == 0 => {
                        // A follow-up after a dirty run: the debounce window moves on.
                        self.slots[i].last = now;
                        let d = self.debounce_deadline(&self.slots[i]).max(now);
                        self.heap.update(&mut self.slots, id, d);
                    }
                    // A retry keeps its backoff deadline; a forced key stays due now.
                    _ => {}
                }
            }
            ST_RUNNING => {
                let t = &mut self.slots[i];
                t.state = ST_DIRTY;
                t.first = now;
                t.last = now;
                t.count = 1;
                self.stats.pending += 1;
            }
            _ => {
                self.stats.coalesced += 1;
                let t = &mut self.slots[i];
                t.last = now;
                t.count = t.count.saturating_add(1);
            }
        }
    }

    /// The earliest deadline of any owed run (`None` when nothing is owed). Keys forced by
    /// [`force`](Self::force) are due at the time they were forced (the ready list is FIFO
    /// in that time, so it is one more monotone queue).
    pub fn next_deadline(&self) -> Option<f64> {
        self.head().map(|(d, _, _)| d)
    }

    /// The earliest (deadline, id, source) over the four structures.
    fn head(&self) -> Option<(f64, u32, u8)> {
        let mut best: Option<(f64, u32, u8)> = None;
        let mut offer = |d: f64, id: u32, src: u8| {
            if best.is_none_or(|(bd, bid, _)| d < bd || (d == bd && id < bid)) {
                best = Some((d, id, src));
            }
        };
        if self.a.head != NIL {
            let id = self.a.head;
            offer(self.slots[id as usize].last + self.cfg.wait, id, LOC_LISTS);
        }
        if let (Some(m), true) = (self.cfg.max_wait, self.b.head != NIL) {
            let id = self.b.head;
            offer(self.slots[id as usize].first + m, id, LOC_LISTS);
        }
        if let Some((d, id)) = self.heap.first() {
            offer(d, id, LOC_HEAP);
        }
        if self.ready.head != NIL {
            let id = self.ready.head;
            offer(self.slots[id as usize].last, id, LOC_READY);
        }
        best
    }

    /// Starts up to `max` runs whose deadline is `<= now`, earliest first; each returned id
    /// is now running and must be reported with [`done`](Self::done).
    pub fn take_due(&mut self, now: f64, max: usize) -> Vec<u32> {
        let mut out = Vec::new();
        self.take_due_with(now, max, |id| out.push(id));
        out
    }

    /// [`take_due`](Self::take_due) writing into `out`; returns how many ids were written
    /// (at most `out.len()`).
    pub fn take_due_into(&mut self, now: f64, out: &mut [u32]) -> usize {
        let mut n = 0;
        let max = out.len();
        self.take_due_with(now, max, |id| {
            out[n] = id;
            n += 1;
        });
        n
    }

    fn take_due_with(&mut self, now: f64, max: usize, mut emit: impl FnMut(u32)) {
        let now = self.clock(now);
        let mut taken = 0;
        while taken < max {
            let Some((d, id, _)) = self.head() else { break };
            if d > now {
                break;
            }
            self.unplace(id);
            let s = &mut self.slots[id as usize];
            s.state = ST_RUNNING;
            s.count = 0;
            self.stats.pending -= 1;
            self.stats.running += 1;
            self.stats.runs += 1;
            emit(id);
            taken += 1;
        }
    }

    /// Makes the owed run of `id` due now (`flush(key)`); see [`Forced`].
    pub fn force(&mut self, id: u32, now: f64) -> Forced {
        let now = self.clock(now);
        match self.slots.get(id as usize).map(|s| s.state) {
            Some(ST_PENDING) => {
                if self.slots[id as usize].loc != LOC_READY {
                    self.unplace(id);
                    self.slots[id as usize].last = now;
                    self.slots[id as usize].loc = LOC_READY;
                    self.ready.push(&mut self.slots, id);
                }
                Forced::Queued
            }
            Some(ST_DIRTY) => {
                self.slots[id as usize].loc = LOC_FORCED;
                Forced::AfterRun
            }
            Some(ST_RUNNING) => Forced::Running,
            _ => Forced::Nothing,
        }
    }

    /// Makes every owed run due now (`flush()` / `close({ flush: true })`), retries
    /// included; follow-ups of running keys become due when their run ends.
    pub fn force_all(&mut self, now: f64) {
        let now = self.clock(now);
        for id in 0..self.slots.len() as u32 {
            match self.slots[id as usize].state {
                ST_PENDING => {
                    self.force(id, now);
                }
                ST_DIRTY => self.slots[id as usize].loc = LOC_FORCED,
                _ => {}
            }
        }
    }

    /// Forces everything and starts every owed run that can start now: the ids returned
    /// are running (follow-ups of keys already running start when those end).
    pub fn take_all(&mut self, now: f64) -> Vec<u32> {
        self.force_all(now);
        self.take_due(now, usize::MAX)
    }

    /// Reports the end of a run of `id` at `now`; `ok` = it succeeded.
    pub fn done(&mut self, id: u32, ok: bool, now: f64) -> Result<Outcome> {
        let now = self.clock(now);
        let state = self.slots.get(id as usize).map(|s| s.state);
        let dirty = match state {
            Some(ST_RUNNING) => false,
            Some(ST_DIRTY) => true,
            _ => return Err(Error::InvalidKey(format!("id {id} is not running"))),
        };
        self.stats.running -= 1;
        if ok {
            self.stats.succeeded += 1;
        } else {
            self.stats.failed_attempts += 1;
        }
        let attempt = self.slots[id as usize].attempt as u32;
        if !ok && attempt + 1 < self.cfg.attempts {
            let n = attempt + 1;
            let at = now + self.cfg.backoff(n);
            self.stats.retries += 1;
            if !dirty {
                self.stats.pending += 1;
            }
            let s = &mut self.slots[id as usize];
            s.attempt = n as u16;
            s.state = ST_PENDING;
            s.loc = LOC_HEAP;
            self.heap.push(&mut self.slots, id, at);
            return Ok(Outcome::Retry(at));
        }
        if !ok {
            self.stats.failed += 1;
        }
        self.slots[id as usize].attempt = 0;
        let again = if dirty {
            self.slots[id as usize].state = ST_PENDING;
            Some(self.place_follow_up(id, now))
        } else {
            self.slots[id as usize] = Slot::IDLE;
            None
        };
        Ok(match (ok, again) {
            (true, None) => Outcome::Idle,
            (true, Some(d)) => Outcome::Again(d),
            (false, a) => Outcome::GaveUp(a),
        })
    }

    /// [`done`](Self::done) for many runs at once: `pairs` is `[id0, ok0, id1, ok1, …]`
    /// with `ok` 1 or 0. Stops at the first error (the earlier ones are applied).
    pub fn done_batch(&mut self, pairs: &[f64], now: f64) -> Result<Vec<Outcome>> {
        let mut out = Vec::with_capacity(pairs.len() / 2);
        for p in pairs.chunks_exact(2) {
            let id = p[0];
            if !(id >= 0.0 && id < NIL as f64 && id.fract() == 0.0) {
                return Err(Error::InvalidKey(format!(
                    "id must be an integer in 0..{NIL}, got {id}"
                )));
            }
            out.push(self.done(id as u32, p[1] != 0.0, now)?);
        }
        Ok(out)
    }

    /// Drops every owed run (`close({ flush: false })`); returns the ids that became idle
    /// (keys still running keep their id until their run ends).
    pub fn cancel_all(&mut self) -> Vec<u32> {
        let mut idle = Vec::new();
        for id in 0..self.slots.len() as u32 {
            match self.slots[id as usize].state {
                ST_PENDING => {
                    self.cancel(id);
                    idle.push(id);
                }
                ST_DIRTY => {
                    self.cancel(id);
                }
                _ => {}
            }
        }
        idle
    }

    /// Drops the owed run of `id` (a running run is not interrupted, but its follow-up is
    /// dropped). Returns whether a run was owed.
    pub fn cancel(&mut self, id: u32) -> bool {
        match self.slots.get(id as usize).map(|s| s.state) {
            Some(ST_PENDING) => {
                self.unplace(id);
                self.slots[id as usize] = Slot::IDLE;
                self.stats.pending -= 1;
                true
            }
            Some(ST_DIRTY) => {
                let s = &mut self.slots[id as usize];
                s.state = ST_RUNNING;
                s.count = 0;
                s.loc = LOC_NONE;
                self.stats.pending -= 1;
                true
            }
            _ => false,
        }
    }

    /// Whether a run of `id` is owed and has not started.
    pub fn has(&self, id: u32) -> bool {
        matches!(self.state(id), State::Pending | State::RunningDirty)
    }

    /// The state of `id` (ids never seen are idle).
    pub fn state(&self, id: u32) -> State {
        match self.slots.get(id as usize).map(|s| s.state) {
            Some(ST_PENDING) => State::Pending,
            Some(ST_RUNNING) => State::Running,
            Some(ST_DIRTY) => State::RunningDirty,
            _ => State::Idle,
        }
    }

    /// Schedules coalesced into the run `id` owes (0 when none is owed).
    pub fn count(&self, id: u32) -> u32 {
        if self.has(id) {
            self.slots[id as usize].count
        } else {
            0
        }
    }

    /// The retry attempt `id` is waiting for or running (0 = first attempt).
    pub fn attempt(&self, id: u32) -> u32 {
        self.slots.get(id as usize).map_or(0, |s| s.attempt as u32)
    }

    /// Keys owing a run that has not started.
    pub fn pending(&self) -> u64 {
        self.stats.pending
    }

    /// Runs in progress.
    pub fn running(&self) -> u64 {
        self.stats.running
    }

    /// The counters.
    pub fn stats(&self) -> Stats {
        self.stats
    }

    /// Bytes held by the bookkeeping (slot chunks and heap capacity).
    pub fn memory_bytes(&self) -> usize {
        self.slots.bytes() + self.heap.bytes()
    }
}

/// String keys to dense ids, for callers that cannot intern on their side (the bindings'
/// `scheduleKey`, used to measure passing strings across the boundary).
#[derive(Debug, Default, Clone)]
pub struct Interner {
    ids: std::collections::HashMap<String, u32>,
    keys: Vec<Option<String>>,
    free: Vec<u32>,
}

impl Interner {
    /// An empty interner.
    pub fn new() -> Interner {
        Interner::default()
    }

    /// The id of `key`, allocating one (reusing released ids first).
    pub fn intern(&mut self, key: &str) -> u32 {
        if let Some(&id) = self.ids.get(key) {
            return id;
        }
        let id = match self.free.pop() {
            Some(id) => {
                self.keys[id as usize] = Some(key.to_string());
                id
            }
            None => {
                self.keys.push(Some(key.to_string()));
                (self.keys.len() - 1) as u32
            }
        };
        self.ids.insert(key.to_string(), id);
        id
    }

    /// The key of `id`, if live.
    pub fn key(&self, id: u32) -> Option<&str> {
        self.keys.get(id as usize).and_then(|k| k.as_deref())
    }

    /// Forgets `id` so it can be reused.
    pub fn release(&mut self, id: u32) {
        if let Some(k) = self.keys.get_mut(id as usize).and_then(Option::take) {
            self.ids.remove(&k);
            self.free.push(id);
        }
    }
}

#[cfg(test)]
mod tests;
