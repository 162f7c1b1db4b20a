'use strict';
/**
 * The JS half of the `debounce` hot path: `Debouncer` (its seed facade,
 * `DebouncedUpdateManager`, is in lib/compat/debounced-update-manager.js; semantics in
 * docs/debounce.md).
 *
 * Split of work:
 * - JS interns each key to a small numeric id (a `Map` lookup), keeps the payloads, the
 *   user callbacks and the ONE process timer.
 * - The Rust core (`src/debounce`) owns per-key state and every deadline.
 * - The hot `schedule` does not cross the boundary at all: it appends `(id, now)` to a
 *   `Float64Array` that is handed to the core in one call (`scheduleBatch`) when it fills
 *   up, when the timer fires, and before any other core call (has, cancel, flush, stats,
 *   the end of runs), so every answer the core gives is exact. The ends of runs are batched
 *   the same way (`doneBatch`, one call per microtask wave). docs/debounce.md has the
 *   measurements behind both.
 * - Time is read once per microtask checkpoint (like Node's own timers, which use the
 *   loop's cached time): `Date.now()` is not free.
 */
const args = require('./args');
const { fail } = require('./errors');
const { INTERNALS, apiOf } = require('./internal');

const { describe } = args;
const SPEC = 'ERR_INVALID_SPEC';
const BATCH = 1024; // (id, now) pairs buffered (16 KB) before they go to the core in one call
const MAX_TIMEOUT = 2147483647; // setTimeout's ceiling; longer delays re-arm on firing

const OPTION_NAMES = new Set(['wait', 'maxWait', 'concurrency', 'retry', 'run', 'onError', 'timers']);
const RETRY_NAMES = new Set(['attempts', 'delay', 'factor']);

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
  return args.reject('ERR_INVALID_KEY', 'key', 'a string, a finite number or an ObjectId', key);
}

/**
 * Reads Debouncer options: the JS-side ones (concurrency, run, onError, timers) are checked
 * here; the numbers the core keeps (wait, maxWait, retry) are checked by the core when the
 * DebounceCore is made (`debounce::Options::validate`). Every error is ERR_INVALID_SPEC
 * naming the option.
 */
function parseOptions(options) {
  args.object(SPEC, 'options', options);
  for (const k of Object.keys(options)) {
    if (!OPTION_NAMES.has(k)) fail(SPEC, `options.${k} is not a Debouncer option (known: ${[...OPTION_NAMES].join(', ')})`);
  }
  /** The core's options (bindings/src/debounce.rs `DebounceConfig`). */
  const config = {
    wait: args.number(SPEC, 'options.wait', options.wait === undefined ? 0 : options.wait),
    maxWait: args.optional(args.number, SPEC, 'options.maxWait', options.maxWait),
    attempts: 1,
    delay: 0,
    factor: 2,
  };
  const concurrency = options.concurrency === undefined ? Infinity : options.concurrency;
  if (concurrency !== Infinity && !(Number.isInteger(concurrency) && concurrency >= 1)) {
    args.reject(SPEC, 'options.concurrency', 'an integer >= 1 or Infinity', concurrency);
  }
  if (options.retry !== undefined) {
    const r = args.object(SPEC, 'options.retry', options.retry);
    for (const k of Object.keys(r)) {
      if (!RETRY_NAMES.has(k)) fail(SPEC, `options.retry.${k} is not a retry option (known: attempts, delay, factor)`);
      if (r[k] !== undefined) config[k] = args.number(SPEC, `options.retry.${k}`, r[k]);
    }
  }
  const run = args.func(SPEC, 'options.run', options.run);
  const onError = args.optional(args.func, SPEC, 'options.onError', options.onError);
  let timers;
  if (options.timers !== undefined) {
    timers = args.object(SPEC, 'options.timers', options.timers);
    for (const k of ['now', 'setTimeout', 'clearTimeout']) args.optional(args.func, SPEC, `options.timers.${k}`, timers[k]);
  }
  return { config, concurrency, run, onError, timers };
}

function defaultOnError(key, err) {
  // The seed logged and went on (logger.error); so do we, on stderr.
  console.error(`hotpath Debouncer: run for key ${describe(key)} failed: ${err && err.stack ? err.stack : err}`);
}

/**
 * Per-key trailing debounce with one timer, retries and a clean shutdown.
 * See docs/debounce.md for every semantic decision.
 */
class Debouncer {
  /**
   * The instance's state: one private field holding a plain record (one shape for every
   * Debouncer, whichever backend's subclass made it: lib/api.js) rather than a private field
   * per value. On Node 20 (V8 11.3) `schedule()`'s dozen private field reads and writes made
   * it about 1.5× slower than the same code on this record (bench/debounce.bench.js, 100k
   * keys × 10: ~155 vs ~110 ns per schedule, medians of 3 runs; docs/ARCHITECTURE.md).
   */
  #s;

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
    const binding = apiOf(new.target).__backend.binding;
    const t = o.timers || {};
    this.#s = {
      binding,
      core: new binding.DebounceCore(o.config),
      wait: o.config.wait,
      concurrency: o.concurrency,
      run: o.run,
      onError: o.onError || defaultOnError,
      clockFn: t.now || Date.now,
      coarse: !t.now, // cache the real clock per microtask checkpoint
      setTimeout: t.setTimeout || setTimeout,
      clearTimeout: t.clearTimeout || clearTimeout,
      cachedNow: -1,
      resetNow: () => { this.#s.cachedNow = -1; },
      ids: new Map(), // normalized key -> id
      keys: [], // id -> the key as first scheduled (given to run)
      payloads: [], // id -> payload array (only when payloads were given)
      free: [], // released ids
      buf: new Float64Array(BATCH * 2),
      n: 0,
      timer: null,
      armedAt: Infinity,
      onTimer: () => { this.#s.timer = null; this.#s.armedAt = Infinity; this.#pump(); },
      running: 0,
      pumping: false,
      // Runs that ended, handed to the core together (one crossing per microtask wave).
      doneIds: [],
      doneOk: [],
      doneErr: [],
      donePayloads: [],
      doneQueued: false,
      processDone: () => this.#completeBatch(),
      waiters: new Map(), // id -> [{ left, resolve }]
      closed: false,
      closing: null,
      hooks: null,
    };
  }

  #now() {
    if (!this.#s.coarse) return this.#s.clockFn();
    let now = this.#s.cachedNow;
    if (now < 0) {
      now = this.#s.cachedNow = this.#s.clockFn();
      queueMicrotask(this.#s.resetNow);
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
    const s = this.#s;
    if (s.closed) fail('ERR_CLOSED', `Debouncer is closed: schedule(${describe(key)}) after close()`);
    let id = s.ids.get(key);
    if (id === undefined) id = this.#intern(key);
    if (arguments.length > 1) {
      const p = s.payloads[id];
      if (p === undefined) s.payloads[id] = [payload];
      else p.push(payload);
    }
    let now = s.cachedNow; // the clock, read once per microtask checkpoint
    if (now < 0) now = this.#now();
    const n = s.n;
    const buf = s.buf;
    buf[n] = id;
    buf[n + 1] = now;
    s.n = n + 2;
    if (n + 2 === buf.length) this.#drain();
    // No new deadline can be earlier than now + wait: re-arm only if the timer is later.
    if (now + s.wait < s.armedAt) this.#arm(now + s.wait, now);
  }

  #intern(key) {
    const norm = typeof key === 'string' ? key : normalizeKey(key);
    let id;
    // Strings and numbers were looked up as they are already; ObjectIds by hex string.
    if (norm !== key) {
      id = this.#s.ids.get(norm);
      if (id !== undefined) return id;
    }
    id = this.#s.free.length > 0 ? this.#s.free.pop() : this.#s.keys.length;
    this.#s.ids.set(norm, id);
    this.#s.keys[id] = key;
    return id;
  }

  #lookup(key) {
    const id = this.#s.ids.get(key);
    return id !== undefined ? id : this.#s.ids.get(normalizeKey(key));
  }

  #release(id) {
    const key = this.#s.keys[id];
    this.#s.ids.delete(typeof key === 'object' ? key.toString() : key);
    this.#s.keys[id] = undefined;
    if (this.#s.payloads[id] !== undefined) this.#s.payloads[id] = undefined;
    this.#s.free.push(id);
  }

  /** Hands the buffered schedules to the core (one crossing). */
  #drain() {
    const n = this.#s.n;
    if (n === 0) return;
    this.#s.n = 0;
    this.#s.core.scheduleBatch(n === this.#s.buf.length ? this.#s.buf : this.#s.buf.subarray(0, n));
  }

  #arm(at, now) {
    if (this.#s.timer !== null) this.#s.clearTimeout(this.#s.timer);
    const ms = Math.min(Math.max(0, Math.ceil(at - now)), MAX_TIMEOUT);
    const timer = this.#s.setTimeout(this.#s.onTimer, ms);
    if (timer && typeof timer.unref === 'function') timer.unref();
    this.#s.timer = timer;
    this.#s.armedAt = at;
  }

  #disarm() {
    if (this.#s.timer !== null) this.#s.clearTimeout(this.#s.timer);
    this.#s.timer = null;
    this.#s.armedAt = Infinity;
  }

  /** Starts every due run a free slot allows, then re-arms the one timer. */
  #pump() {
    if (this.#s.pumping) return;
    this.#s.pumping = true;
    try {
      this.#drain();
      const now = this.#now();
      while (this.#s.running < this.#s.concurrency) {
        const want = Math.min(this.#s.concurrency - this.#s.running, 65536);
        const ids = this.#s.core.takeDue(now, want);
        for (let i = 0; i < ids.length; i++) this.#start(ids[i]);
        if (ids.length < want) break;
      }
      if (this.#s.running >= this.#s.concurrency) {
        // Full: the end of a run pumps again; a timer now could only spin.
        this.#disarm();
      } else {
        const next = this.#s.core.nextDeadline(); // Infinity when nothing is owed
        if (next === Infinity) this.#disarm();
        else if (next < this.#s.armedAt) this.#arm(next, now);
      }
    } finally {
      this.#s.pumping = false;
    }
  }

  #start(id) {
    const key = this.#s.keys[id];
    const payloads = this.#s.payloads[id] || [];
    if (this.#s.payloads[id] !== undefined) this.#s.payloads[id] = undefined;
    this.#s.running++;
    try {
      const result = this.#s.run(key, payloads);
      if (result !== null && (typeof result === 'object' || typeof result === 'function')
        && typeof result.then === 'function') {
        result.then(
          () => this.#finish(id, key, payloads, true, undefined),
          (e) => this.#finish(id, key, payloads, false, e),
        );
        return;
      }
    } catch (e) {
      this.#finish(id, key, payloads, false, e);
      return;
    }
    // A synchronous run: no promise needed; its end is reported with the others.
    this.#finish(id, key, payloads, true, undefined);
  }

  #finish(id, key, payloads, ok, error) {
    this.#s.doneIds.push(id);
    this.#s.doneOk.push(ok);
    this.#s.doneErr.push(error);
    this.#s.donePayloads.push(payloads);
    if (!this.#s.doneQueued) {
      this.#s.doneQueued = true;
      queueMicrotask(this.#s.processDone);
    }
  }

  /** Reports every run that ended since the last call to the core in one crossing. */
  #completeBatch() {
    this.#s.doneQueued = false;
    const ids = this.#s.doneIds;
    const oks = this.#s.doneOk;
    const errs = this.#s.doneErr;
    const pls = this.#s.donePayloads;
    const n = ids.length;
    if (n === 0) return;
    this.#s.doneIds = [];
    this.#s.doneOk = [];
    this.#s.doneErr = [];
    this.#s.donePayloads = [];
    this.#drain(); // the core must see schedules made during the runs
    const pairs = new Float64Array(n * 2);
    for (let i = 0; i < n; i++) {
      pairs[2 * i] = ids[i];
      pairs[2 * i + 1] = oks[i] ? 1 : 0;
    }
    const codes = this.#s.core.doneBatch(pairs, this.#now());
    const Outcome = this.#s.binding.RunOutcome;
    this.#s.running -= n;
    for (let i = 0; i < n; i++) {
      const id = ids[i];
      const code = codes[i];
      if (code === Outcome.Retry) {
        // The retry carries the failed run's payloads, then any scheduled since.
        const later = this.#s.payloads[id];
        this.#s.payloads[id] = later === undefined ? pls[i] : pls[i].concat(later);
      } else if (code === Outcome.GaveUp || code === Outcome.GaveUpAgain) {
        const key = this.#s.keys[id];
        try {
          this.#s.onError(key, errs[i], pls[i]);
        } catch (e) {
          defaultOnError(key, e);
        }
      }
      if (this.#s.waiters.size !== 0) this.#notify(id, oks[i], errs[i]);
      if (code === Outcome.Idle || code === Outcome.GaveUp) this.#release(id);
    }
    this.#pump();
  }

  #notify(id, ok, error) {
    const ws = this.#s.waiters.get(id);
    if (ws === undefined) return;
    const keep = [];
    for (const w of ws) {
      if (--w.left <= 0) w.resolve({ ok, error });
      else keep.push(w);
    }
    if (keep.length) this.#s.waiters.set(id, keep);
    else this.#s.waiters.delete(id);
  }

  #waitFor(id, left) {
    return new Promise((resolve) => {
      const ws = this.#s.waiters.get(id);
      if (ws === undefined) this.#s.waiters.set(id, [{ left, resolve }]);
      else ws.push({ left, resolve });
    });
  }

  /** Forces the owed run of `id` and resolves after it ends, with `{ ok, error }`. */
  #flushId(id, now) {
    const r = this.#s.core.force(id, now);
    const { ForceResult } = this.#s.binding;
    if (r === ForceResult.Nothing) return null;
    return this.#waitFor(id, r === ForceResult.AfterRun ? 2 : 1);
  }

  /** flush(key) with the outcome: `{ ok, error }`, or null if idle. */
  async #flushKey(key) {
    const id = this.#lookup(key);
    if (id === undefined) return null;
    this.#drain();
    const p = this.#flushId(id, this.#now());
    if (p === null) return null;
    this.#pump();
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
      await this.#flushKey(key);
      return;
    }
    this.#drain();
    const now = this.#now();
    const waits = [];
    for (const id of this.#s.ids.values()) {
      const p = this.#flushId(id, now);
      if (p !== null) waits.push(p);
    }
    this.#pump();
    await Promise.all(waits);
  }

  /**
   * Drops the owed run of `key` and its payloads (a run in progress is not interrupted).
   * @param {any} key
   * @returns {boolean} whether a run was owed
   */
  cancel(key) {
    const id = this.#lookup(key);
    if (id === undefined) return false;
    this.#drain();
    const cancelled = this.#s.core.cancel(id);
    if (!cancelled) return false;
    if (this.#s.payloads[id] !== undefined) this.#s.payloads[id] = undefined;
    const running = this.#s.core.state(id) === this.#s.binding.KeyState.Running;
    const ws = this.#s.waiters.get(id);
    if (ws !== undefined) {
      for (const w of ws) if (!running) w.resolve({ ok: true, error: undefined }); else w.left = 1;
      if (!running) this.#s.waiters.delete(id);
    }
    if (!running) this.#release(id);
    return true; // a later deadline at most: the one timer may fire early and re-arm

  }

  /**
   * Whether a run of `key` is owed and has not started yet.
   * @param {any} key
   */
  has(key) {
    const id = this.#lookup(key);
    if (id === undefined) return false;
    this.#drain();
    return this.#s.core.has(id);
  }

  /** Keys owing a run that has not started. */
  get pending() {
    this.#drain();
    return this.#s.core.stats().pending;
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
    this.#drain();
    const { running, ...counters } = this.#s.core.stats(); // eslint-disable-line no-unused-vars
    return counters;
  }

  /** Whether `close()` was called. */
  get closed() {
    return this.#s.closed;
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
    this.#s.closed = true;
    if (this.#s.closing === null) this.#s.closing = this.#close(flush);
    return this.#s.closing;
  }

  async #close(flush) {
    if (!flush) {
      this.#drain();
      const idle = this.#s.core.cancelAll();
      for (let i = 0; i < idle.length; i++) this.#release(idle[i]);
      for (const id of this.#s.ids.values()) if (this.#s.payloads[id] !== undefined) this.#s.payloads[id] = undefined;
      for (const ws of this.#s.waiters.values()) for (const w of ws) w.left = 1; // only the run in progress
      for (const [id, ws] of this.#s.waiters) {
        if (this.#s.keys[id] === undefined) {
          for (const w of ws) w.resolve({ ok: true, error: undefined });
          this.#s.waiters.delete(id);
        }
      }
    }
    for (;;) {
      this.#drain();
      const s = this.#s.core.stats();
      if (s.pending === 0 && s.running === 0) break;
      await this.flush();
    }
    this.#disarm();
    this.#uninstallHooks();
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
    this.#uninstallHooks();
    const handlers = [];
    for (const signal of signals) {
      const onSignal = () => {
        this.close({ flush: true })
          .catch((e) => defaultOnError('(close)', e))
          .then(() => {
            this.#uninstallHooks();
            if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
          });
      };
      process.on(signal, onSignal);
      handlers.push([signal, onSignal]);
    }
    if (beforeExit) {
      const onBeforeExit = () => {
        this.#drain();
        const s = this.#s.core.stats();
        if (s.pending > 0 || s.running > 0) this.flush();
      };
      process.on('beforeExit', onBeforeExit);
      handlers.push(['beforeExit', onBeforeExit]);
    }
    this.#s.hooks = handlers;
    return () => this.#uninstallHooks();
  }

  #uninstallHooks() {
    if (this.#s.hooks === null) return;
    for (const [event, fn] of this.#s.hooks) process.removeListener(event, fn);
    this.#s.hooks = null;
  }

  /**
   * The private state (lib/internal.js): `flushKey(key)` (flush with the run's outcome
   * `{ ok, error }`, or null when nothing was owed: the DebouncedUpdateManager facade rejects
   * with it), `core` (the backend's DebounceCore), `ids`, `keys`, `payloads`, `waiters`.
   * @param {Debouncer} d
   */
  static [INTERNALS](d) {
    return {
      flushKey: (key) => d.#flushKey(key),
      get core() { return d.#s.core; },
      get ids() { return d.#s.ids; },
      get keys() { return d.#s.keys; },
      get payloads() { return d.#s.payloads; },
      get waiters() { return d.#s.waiters; },
    };
  }
}

module.exports = { Debouncer, normalizeKey };
