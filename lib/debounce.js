'use strict';
/**
 * The JS half of the `debounce` hot path: `Debouncer` and the seed facade
 * `DebouncedUpdateManager` (docs/debounce.md).
 *
 * Split of work:
 * - JS interns each key to a small numeric id (a `Map` lookup), keeps the payloads, the
 *   user callbacks and the ONE process timer.
 * - The Rust core (`src/debounce`) owns per-key state and every deadline.
 * - The hot `schedule` does not cross the boundary at all: it appends `(id, now)` to a
 *   `Float64Array` that is handed to the core in one call (`scheduleBatch`) when it fills
 *   up, when the timer fires, and before any other core call (has, cancel, flush, stats,
 *   the end of runs), so every answer the core gives is exact. Measured (bench/debounce
 *   .bench.js, 100k keys × 10, raw binding, loaded 2-core machine): native, a string per
 *   call 683 ns and an id per call 623 ns against 146 ns for the whole batched
 *   `schedule`; wasm 753 / 749 / 397 ns. The ends of runs are batched the same way
 *   (`doneBatch`, one call per microtask wave).
 * - Time is read once per microtask checkpoint (like Node's own timers, which use the
 *   loop's cached time): `Date.now()` costs ~145 ns on the benchmark machine.
 */
const { fail, HotpathError } = require('./errors');

const BATCH = 1024; // (id, now) pairs buffered (16 KB) before they go to the core in one call
const MAX_TIMEOUT = 2147483647; // setTimeout's ceiling; longer delays re-arm on firing

const OPTION_NAMES = new Set(['wait', 'maxWait', 'concurrency', 'retry', 'run', 'onError', 'timers']);
const RETRY_NAMES = new Set(['attempts', 'delay', 'factor']);


function describe(v) {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'function') return 'a function';
  if (v === null) return 'null';
  if (typeof v === 'object') return Array.isArray(v) ? 'an array' : `an object (${v.constructor?.name ?? 'null prototype'})`;
  return String(v);
}

function isObjectIdLike(key) {
  return typeof key.toHexString === 'function' || key._bsontype === 'ObjectId' || key._bsontype === 'ObjectID';
}

/**
 * The Map key for a user key: strings and finite numbers as they are, ObjectId-likes as
 * their `toString()` (24 hex chars). Anything else throws ERR_INVALID_KEY.
 * @param {unknown} key
 * @returns {string|number}
 */
function normalizeKey(key) {
  if (typeof key === 'string') return key;
  if (typeof key === 'number') {
    if (Number.isFinite(key)) return key;
  } else if (key !== null && typeof key === 'object' && isObjectIdLike(key)) {
    return key.toString();
  }
  return fail('ERR_INVALID_KEY', `key must be a string, a finite number or an ObjectId, got ${describe(key)}`);
}

/** A number option as it is (its range is the core's to check), else ERR_INVALID_SPEC. */
function checkNumber(name, v, { optional = false } = {}) {
  if (v === undefined && optional) return v;
  if (typeof v !== 'number') fail('ERR_INVALID_SPEC', `${name} must be a number, got ${describe(v)}`);
  return v;
}

function checkFn(name, v, { optional = false } = {}) {
  if (v === undefined && optional) return v;
  if (typeof v !== 'function') fail('ERR_INVALID_SPEC', `${name} must be a function, got ${describe(v)}`);
  return v;
}

function checkObject(name, v) {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    fail('ERR_INVALID_SPEC', `${name} must be an object, got ${describe(v)}`);
  }
}

/**
 * Reads Debouncer options: the JS-side ones (concurrency, run, onError, timers) are checked
 * here; the numbers the core keeps (wait, maxWait, retry) are checked by the core when the
 * DebounceCore is made (`Options::validate`). Every error is ERR_INVALID_SPEC naming the option.
 */
function parseOptions(options) {
  checkObject('options', options);
  for (const k of Object.keys(options)) {
    if (!OPTION_NAMES.has(k)) fail('ERR_INVALID_SPEC', `options.${k} is not a Debouncer option (known: ${[...OPTION_NAMES].join(', ')})`);
  }
  const config = {
    wait: checkNumber('options.wait', options.wait === undefined ? 0 : options.wait),
    maxWait: checkNumber('options.maxWait', options.maxWait, { optional: true }),
    attempts: 1,
    delay: 0,
    factor: 2,
  };
  const concurrency = options.concurrency === undefined ? Infinity : options.concurrency;
  if (concurrency !== Infinity && !(Number.isInteger(concurrency) && concurrency >= 1)) {
    fail('ERR_INVALID_SPEC', `options.concurrency must be an integer >= 1 or Infinity, got ${describe(concurrency)}`);
  }
  if (options.retry !== undefined) {
    const r = options.retry;
    checkObject('options.retry', r);
    for (const k of Object.keys(r)) {
      if (!RETRY_NAMES.has(k)) fail('ERR_INVALID_SPEC', `options.retry.${k} is not a retry option (known: attempts, delay, factor)`);
      if (r[k] !== undefined) config[k] = checkNumber(`options.retry.${k}`, r[k]);
    }
  }
  const run = checkFn('options.run', options.run);
  const onError = checkFn('options.onError', options.onError, { optional: true });
  let timers;
  if (options.timers !== undefined) {
    checkObject('options.timers', options.timers);
    for (const k of ['now', 'setTimeout', 'clearTimeout']) checkFn(`options.timers.${k}`, options.timers[k], { optional: true });
    timers = options.timers;
  }
  return { config, concurrency, run, onError, timers };
}

function defaultOnError(key, err) {
  // The seed logged and went on (logger.error); so do we, on stderr.
  console.error(`hotpath Debouncer: run for key ${describe(key)} failed: ${err && err.stack ? err.stack : err}`);
}

/**
 * Builds this module's public API on top of one loaded binding.
 * @param {Record<string, any>} binding the wrapped binding (lib/loader.js)
 */
function create(binding) {
  const { RunOutcome, ForceResult, KeyState } = binding;
  /**
   * Per-key trailing debounce with one timer, retries and a clean shutdown.
   * See docs/debounce.md for every semantic decision.
   */
  class Debouncer {
    /**
     * @param {object} options
     * @param {number} [options.wait=0] ms after the last schedule before the run
     * @param {number} [options.maxWait] ms bound on the delay since the first schedule
     *   (raised to `wait` when smaller, as lodash.debounce does)
     * @param {number} [options.concurrency=Infinity] runs in progress at once (all keys)
     * @param {{ attempts?: number, delay?: number, factor?: number }} [options.retry]
     *   `attempts` in total (default 1 = no retry); retry n waits `delay * factor^(n-1)`
     * @param {(key: any, payloads: any[]) => any} options.run the work; may return a promise
     * @param {(key: any, err: unknown, payloads: any[]) => void} [options.onError] called when
     *   the last attempt failed, with the payloads of that run (default: log to stderr)
     * @param {{ now?: () => number, setTimeout?: Function, clearTimeout?: Function }} [options.timers]
     *   injectable clock and timer (tests); default Date.now and the global timers
     */
    constructor(options) {
      const o = parseOptions(options);
      this._core = new binding.DebounceCore(o.config);
      this._wait = o.config.wait;
      this._concurrency = o.concurrency;
      this._run = o.run;
      this._onError = o.onError || defaultOnError;
      const t = o.timers || {};
      this._clockFn = t.now || Date.now;
      this._coarse = !t.now; // cache the real clock per microtask checkpoint
      this._setTimeout = t.setTimeout || setTimeout;
      this._clearTimeout = t.clearTimeout || clearTimeout;
      this._cachedNow = -1;
      this._resetNow = () => { this._cachedNow = -1; };
      this._ids = new Map(); // normalized key -> id
      this._keys = []; // id -> the key as first scheduled (given to run)
      this._payloads = []; // id -> payload array (only when payloads were given)
      this._free = []; // released ids
      this._buf = new Float64Array(BATCH * 2);
      this._n = 0;
      this._timer = null;
      this._armedAt = Infinity;
      this._onTimer = () => { this._timer = null; this._armedAt = Infinity; this._pump(); };
      this._running = 0;
      this._pumping = false;
      // Runs that ended, handed to the core together (one crossing per microtask wave).
      this._doneIds = [];
      this._doneOk = [];
      this._doneErr = [];
      this._donePayloads = [];
      this._doneQueued = false;
      this._processDone = () => this._completeBatch();
      this._waiters = new Map(); // id -> [{ left, resolve }]
      this._closed = false;
      this._closing = null;
      this._hooks = null;
    }

    _now() {
      if (!this._coarse) return this._clockFn();
      let now = this._cachedNow;
      if (now < 0) {
        now = this._cachedNow = this._clockFn();
        queueMicrotask(this._resetNow);
      }
      return now;
    }

    /**
     * Schedules a run of `key` `wait` ms from now (trailing debounce); re-scheduling a
     * pending key moves its run later, up to `maxWait` after its first schedule.
     * @param {string|number|{ toHexString(): string }} key a string, finite number or ObjectId
     * @param {any} [payload] collected into the `payloads` array of the next run (only when
     *   passed: `schedule(key)` adds nothing)
     */
    schedule(key, payload) {
      if (this._closed) fail('ERR_CLOSED', `Debouncer is closed: schedule(${describe(key)}) after close()`);
      let id = this._ids.get(key);
      if (id === undefined) id = this._intern(key);
      if (arguments.length > 1) {
        const p = this._payloads[id];
        if (p === undefined) this._payloads[id] = [payload];
        else p.push(payload);
      }
      let now = this._cachedNow; // the clock, read once per microtask checkpoint
      if (now < 0) now = this._now();
      const n = this._n;
      const buf = this._buf;
      buf[n] = id;
      buf[n + 1] = now;
      this._n = n + 2;
      if (n + 2 === buf.length) this._drain();
      // No new deadline can be earlier than now + wait: re-arm only if the timer is later.
      if (now + this._wait < this._armedAt) this._arm(now + this._wait, now);
    }

    _intern(key) {
      const norm = typeof key === 'string' ? key : normalizeKey(key);
      let id;
      // Strings and numbers were looked up as they are already; ObjectIds by hex string.
      if (norm !== key) {
        id = this._ids.get(norm);
        if (id !== undefined) return id;
      }
      id = this._free.length > 0 ? this._free.pop() : this._keys.length;
      this._ids.set(norm, id);
      this._keys[id] = key;
      return id;
    }

    _lookup(key) {
      const id = this._ids.get(key);
      return id !== undefined ? id : this._ids.get(normalizeKey(key));
    }

    _release(id) {
      const key = this._keys[id];
      this._ids.delete(typeof key === 'object' ? key.toString() : key);
      this._keys[id] = undefined;
      if (this._payloads[id] !== undefined) this._payloads[id] = undefined;
      this._free.push(id);
    }

    /** Hands the buffered schedules to the core (one crossing). */
    _drain() {
      const n = this._n;
      if (n === 0) return;
      this._n = 0;
      this._core.scheduleBatch(n === this._buf.length ? this._buf : this._buf.subarray(0, n));
    }

    _arm(at, now) {
      if (this._timer !== null) this._clearTimeout(this._timer);
      const ms = Math.min(Math.max(0, Math.ceil(at - now)), MAX_TIMEOUT);
      const timer = this._setTimeout(this._onTimer, ms);
      if (timer && typeof timer.unref === 'function') timer.unref();
      this._timer = timer;
      this._armedAt = at;
    }

    _disarm() {
      if (this._timer !== null) this._clearTimeout(this._timer);
      this._timer = null;
      this._armedAt = Infinity;
    }

    /** Starts every due run a free slot allows, then re-arms the one timer. */
    _pump() {
      if (this._pumping) return;
      this._pumping = true;
      try {
        this._drain();
        const now = this._now();
        while (this._running < this._concurrency) {
          const want = Math.min(this._concurrency - this._running, 65536);
          const ids = this._core.takeDue(now, want);
          for (let i = 0; i < ids.length; i++) this._start(ids[i]);
          if (ids.length < want) break;
        }
        if (this._running >= this._concurrency) {
          // Full: the end of a run pumps again; a timer now could only spin.
          this._disarm();
        } else {
          const next = this._core.nextDeadline(); // Infinity when nothing is owed
          if (next === Infinity) this._disarm();
          else if (next < this._armedAt) this._arm(next, now);
        }
      } finally {
        this._pumping = false;
      }
    }

    _start(id) {
      const key = this._keys[id];
      const payloads = this._payloads[id] || [];
      if (this._payloads[id] !== undefined) this._payloads[id] = undefined;
      this._running++;
      try {
        const result = this._run(key, payloads);
        if (result !== null && (typeof result === 'object' || typeof result === 'function')
          && typeof result.then === 'function') {
          result.then(
            () => this._finish(id, key, payloads, true, undefined),
            (e) => this._finish(id, key, payloads, false, e),
          );
          return;
        }
      } catch (e) {
        this._finish(id, key, payloads, false, e);
        return;
      }
      // A synchronous run: no promise needed; its end is reported with the others.
      this._finish(id, key, payloads, true, undefined);
    }

    _finish(id, key, payloads, ok, error) {
      this._doneIds.push(id);
      this._doneOk.push(ok);
      this._doneErr.push(error);
      this._donePayloads.push(payloads);
      if (!this._doneQueued) {
        this._doneQueued = true;
        queueMicrotask(this._processDone);
      }
    }

    /** Reports every run that ended since the last call to the core in one crossing. */
    _completeBatch() {
      this._doneQueued = false;
      const ids = this._doneIds;
      const oks = this._doneOk;
      const errs = this._doneErr;
      const pls = this._donePayloads;
      const n = ids.length;
      if (n === 0) return;
      this._doneIds = [];
      this._doneOk = [];
      this._doneErr = [];
      this._donePayloads = [];
      this._drain(); // the core must see schedules made during the runs
      const pairs = new Float64Array(n * 2);
      for (let i = 0; i < n; i++) {
        pairs[2 * i] = ids[i];
        pairs[2 * i + 1] = oks[i] ? 1 : 0;
      }
      const codes = this._core.doneBatch(pairs, this._now());
      this._running -= n;
      for (let i = 0; i < n; i++) {
        const id = ids[i];
        const code = codes[i];
        if (code === RunOutcome.Retry) {
          // The retry carries the failed run's payloads, then any scheduled since.
          const later = this._payloads[id];
          this._payloads[id] = later === undefined ? pls[i] : pls[i].concat(later);
        } else if (code === RunOutcome.GaveUp || code === RunOutcome.GaveUpAgain) {
          const key = this._keys[id];
          try {
            this._onError(key, errs[i], pls[i]);
          } catch (e) {
            defaultOnError(key, e);
          }
        }
        if (this._waiters.size !== 0) this._notify(id, oks[i], errs[i]);
        if (code === RunOutcome.Idle || code === RunOutcome.GaveUp) this._release(id);
      }
      this._pump();
    }

    _notify(id, ok, error) {
      const ws = this._waiters.get(id);
      if (ws === undefined) return;
      const keep = [];
      for (const w of ws) {
        if (--w.left <= 0) w.resolve({ ok, error });
        else keep.push(w);
      }
      if (keep.length) this._waiters.set(id, keep);
      else this._waiters.delete(id);
    }

    _waitFor(id, left) {
      return new Promise((resolve) => {
        const ws = this._waiters.get(id);
        if (ws === undefined) this._waiters.set(id, [{ left, resolve }]);
        else ws.push({ left, resolve });
      });
    }

    /** Forces the owed run of `id` and resolves after it ends, with `{ ok, error }`. */
    _flushId(id, now) {
      const r = this._core.force(id, now);
      if (r === ForceResult.Nothing) return null;
      return this._waitFor(id, r === ForceResult.AfterRun ? 2 : 1);
    }

    /** flush(key) with the outcome (for the facade): `{ ok, error }`, or null if idle. */
    async _flushKey(key) {
      const id = this._lookup(key);
      if (id === undefined) return null;
      this._drain();
      const p = this._flushId(id, this._now());
      if (p === null) return null;
      this._pump();
      return p;
    }

    /**
     * Runs now what is owed: for `key` (its run starts now, or right after the run in
     * progress) or, without a key, for every key (runs in progress are awaited too).
     * Concurrency still applies. Resolves after those runs end; never rejects (a failure
     * follows the retry policy and onError).
     * @param {any} [key]
     * @returns {Promise<void>}
     */
    async flush(key) {
      if (key !== undefined) {
        await this._flushKey(key);
        return;
      }
      this._drain();
      const now = this._now();
      const waits = [];
      for (const id of this._ids.values()) {
        const p = this._flushId(id, now);
        if (p !== null) waits.push(p);
      }
      this._pump();
      await Promise.all(waits);
    }

    /**
     * Drops the owed run of `key` and its payloads (a run in progress is not interrupted).
     * @param {any} key
     * @returns {boolean} whether a run was owed
     */
    cancel(key) {
      const id = this._lookup(key);
      if (id === undefined) return false;
      this._drain();
      const cancelled = this._core.cancel(id);
      if (!cancelled) return false;
      if (this._payloads[id] !== undefined) this._payloads[id] = undefined;
      const running = this._core.state(id) === KeyState.Running;
      const ws = this._waiters.get(id);
      if (ws !== undefined) {
        for (const w of ws) if (!running) w.resolve({ ok: true, error: undefined }); else w.left = 1;
        if (!running) this._waiters.delete(id);
      }
      if (!running) this._release(id);
      return true; // a later deadline at most: the one timer may fire early and re-arm

    }

    /**
     * Whether a run of `key` is owed and has not started yet.
     * @param {any} key
     */
    has(key) {
      const id = this._lookup(key);
      if (id === undefined) return false;
      this._drain();
      return this._core.has(id);
    }

    /** Keys owing a run that has not started. */
    get pending() {
      this._drain();
      return this._core.stats().pending;
    }

    /**
     * Counters since construction.
     * `failed` counts runs whose last attempt failed (retries exhausted: a key that fails all
     * of its attempts counts once, as BullMQ's failed jobs); `failedAttempts` every failed
     * attempt, retried or not; `runs` every attempt started.
     * @returns {{ scheduled: number, coalesced: number, runs: number, succeeded: number,
     *   failed: number, failedAttempts: number, retries: number, pending: number }}
     */
    stats() {
      this._drain();
      const { running, ...counters } = this._core.stats(); // eslint-disable-line no-unused-vars
      return counters;
    }

    /** Whether `close()` was called. */
    get closed() {
      return this._closed;
    }

    /**
     * Stops accepting schedules (`schedule` then throws ERR_CLOSED). With `flush: true`
     * (the default) every owed run — retries included, without their backoff delay — is
     * run before the promise resolves; with `flush: false` owed runs are dropped and only
     * the runs in progress are awaited.
     * @param {{ flush?: boolean }} [options]
     * @returns {Promise<void>}
     */
    close({ flush = true } = {}) {
      this._closed = true;
      if (this._closing === null) this._closing = this._close(flush);
      return this._closing;
    }

    async _close(flush) {
      if (!flush) {
        this._drain();
        const idle = this._core.cancelAll();
        for (let i = 0; i < idle.length; i++) this._release(idle[i]);
        for (const id of this._ids.values()) if (this._payloads[id] !== undefined) this._payloads[id] = undefined;
        for (const ws of this._waiters.values()) for (const w of ws) w.left = 1; // only the run in progress
        for (const [id, ws] of this._waiters) {
          if (this._keys[id] === undefined) {
            for (const w of ws) w.resolve({ ok: true, error: undefined });
            this._waiters.delete(id);
          }
        }
      }
      for (;;) {
        this._drain();
        const s = this._core.stats();
        if (s.pending === 0 && s.running === 0) break;
        await this.flush();
      }
      this._disarm();
      this._uninstallHooks();
    }

    /**
     * Opt-in process shutdown: on SIGTERM / SIGINT, `close({ flush: true })`, then re-raise
     * the signal so the process exits as it would have (unless another listener for it
     * remains, which then owns the exit); on `beforeExit`, flush what is owed (the one timer
     * is unref'd, so without this a process that runs out of work would drop it).
     * @param {{ signals?: string[], beforeExit?: boolean }} [options]
     * @returns {() => void} uninstalls the hooks
     */
    installShutdownHooks({ signals = ['SIGTERM', 'SIGINT'], beforeExit = true } = {}) {
      this._uninstallHooks();
      const handlers = [];
      for (const signal of signals) {
        const onSignal = () => {
          this.close({ flush: true })
            .catch((e) => defaultOnError('(close)', e))
            .then(() => {
              this._uninstallHooks();
              if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
            });
        };
        process.on(signal, onSignal);
        handlers.push([signal, onSignal]);
      }
      if (beforeExit) {
        const onBeforeExit = () => {
          this._drain();
          const s = this._core.stats();
          if (s.pending > 0 || s.running > 0) this.flush();
        };
        process.on('beforeExit', onBeforeExit);
        handlers.push(['beforeExit', onBeforeExit]);
      }
      this._hooks = handlers;
      return () => this._uninstallHooks();
    }

    _uninstallHooks() {
      if (this._hooks === null) return;
      for (const [event, fn] of this._hooks) process.removeListener(event, fn);
      this._hooks = null;
    }
  }

  /**
   * The seed's `DebouncedUpdateManager` (server/utils/debouncedUpdates.js) on a Debouncer:
   * same method names and argument order, one timer instead of one per vagon, no overlap
   * of two updates of one vagon, and failures reported instead of leaving the key stuck.
   */
  class DebouncedUpdateManager {
    /**
     * @param {object} [options]
     * @param {number} [options.delay=5000] the debounce delay (the seed's `debounceDelay`)
     * @param {(vagonId: any) => any} [options.execute] the update (the seed's
     *   `executeVagonTotalsUpdate` body: recalculate totals, invalidate the cache)
     * @param {(key: any, err: unknown) => void} [options.onError] default: log to stderr
     * @param {number} [options.maxWait] @param {number} [options.concurrency]
     * @param {{ attempts?: number, delay?: number, factor?: number }} [options.retry]
     * @param {object} [options.timers]
     */
    constructor(options = {}) {
      checkObject('options', options);
      const { delay = 5000, execute, onError, ...rest } = options;
      checkNumber('options.delay', delay);
      checkFn('options.execute', execute, { optional: true });
      this.debounceDelay = delay;
      this._execute = execute;
      this._debouncer = new Debouncer({
        ...rest,
        wait: delay,
        run: (key) => this.executeVagonTotalsUpdate(key),
        onError: onError === undefined
          ? (key, err) => console.error(`Debounced vagon totals update failed: ${err && err.message}`)
          : checkFn('options.onError', onError),
      });
    }

    /**
     * Schedules a debounced totals update of `vagonId` (string or ObjectId).
     * @param {any} vagonId
     */
    scheduleVagonTotalsUpdate(vagonId) {
      this._debouncer.schedule(vagonId);
    }

    /**
     * Schedules a debounced `execute(key)` for any key.
     * @param {any} key
     */
    schedule(key) {
      this._debouncer.schedule(key);
    }

    /**
     * Runs the update (override it, spy on it, or pass `execute`).
     * @param {any} vagonId
     */
    async executeVagonTotalsUpdate(vagonId) {
      if (this._execute === undefined) {
        throw new HotpathError('ERR_INVALID_SPEC', 'options.execute is not set: pass execute or override executeVagonTotalsUpdate');
      }
      return this._execute(vagonId);
    }

    /**
     * Updates now, replacing the pending debounced update (if a run is in progress, right
     * after it). Rejects with the update's error, as the seed did.
     * @param {any} vagonId
     * @returns {Promise<void>}
     */
    async forceVagonTotalsUpdate(vagonId) {
      this._debouncer.schedule(vagonId);
      const r = await this._debouncer._flushKey(vagonId);
      if (r && !r.ok) throw r.error;
    }

    /** Whether an update of `key` is waiting. @param {any} key */
    has(key) {
      return this._debouncer.has(key);
    }

    /** Updates waiting. */
    get pending() {
      return this._debouncer.pending;
    }

    /** Runs every waiting update now. */
    flush() {
      return this._debouncer.flush();
    }

    /** Flushes and stops accepting updates. @param {{ flush?: boolean }} [options] */
    close(options) {
      return this._debouncer.close(options);
    }

    /** The underlying Debouncer's counters. */
    stats() {
      return this._debouncer.stats();
    }
  }

  return { Debouncer, DebouncedUpdateManager };
}

module.exports = { create, normalizeKey };
