'use strict';
/**
 * The computations behind `Cache#getOrCompute` and `Cache#memo` (lib/cache.js keeps the
 * entries; this file keeps what is in flight).
 *
 * A flight is one call of the user's `fn(key, { signal, stale })` that every concurrent
 * caller for the key waits on (single-flight). Each caller waits with its own `signal` and
 * `timeout`: when they fire, that caller gets the stale value (`staleOnError` and there is
 * one) or rejects with the signal's reason (a `TimeoutError` DOMException for the timeout,
 * as `AbortSignal.timeout` gives). When every caller has given up, the flight's own signal
 * aborts, so `fn` can stop. A result that still arrives is stored unless the key was set,
 * deleted or invalidated meanwhile or a newer flight replaced this one (the edge cases of
 * lru-cache issues #388 and #389: an aborted caller must not lose a value `fn` went on to
 * produce). A background flight (refresh-ahead, stale-while-revalidate) has no caller: its
 * `timeout` aborts it.
 */
const args = require('./args');
const { fail } = require('./errors');

/** Marks "no stale value" (undefined is a value a cache may hold). */
const NO_STALE = Symbol('hotpath.noStale');

/** The options of one getOrCompute call that concern the computation. */
const DEFAULTS = Object.freeze({ signal: undefined, timeout: 0, staleOnError: false, refreshThreshold: undefined });

/**
 * `{ signal, timeout, staleOnError, refreshThreshold }` of getOrCompute's options, checked
 * (TypeError / RangeError naming the option, as the Cache's other options).
 * @param {object} options
 */
function callOptions(options) {
  const { signal, timeout = 0, staleOnError = false, refreshThreshold } = options;
  if (signal !== undefined && (signal === null || typeof signal !== 'object' || typeof signal.addEventListener !== 'function' || typeof signal.aborted !== 'boolean')) {
    args.reject(TypeError, 'options.signal', 'an AbortSignal', signal);
  }
  args.ms(RangeError, 'options.timeout', timeout);
  if (typeof staleOnError !== 'boolean') args.reject(TypeError, 'options.staleOnError', 'a boolean', staleOnError);
  args.optional(args.ms, RangeError, 'options.refreshThreshold', refreshThreshold);
  if (signal === undefined && timeout === 0 && !staleOnError && refreshThreshold === undefined) return DEFAULTS;
  return { signal, timeout, staleOnError, refreshThreshold };
}

function timeoutError(ms) {
  return new DOMException(`getOrCompute timed out after ${ms} ms`, 'TimeoutError');
}

/**
 * Starts a flight: calls `fn(key, { signal, stale })` now.
 * @param {string} key
 * @param {Function} fn
 * @param {{ tags?: string[], stale: any, background: boolean, timeout: number,
 *   store: (value: any) => void, done: () => void }} o `store` writes the result back (the
 *   caller checks `flight.stale`), `done` unregisters the flight; `timeout` only for a
 *   background flight.
 * @returns {object} the flight: `{ settled, stale, aborted, tags, … }`
 */
function start(key, fn, o) {
  const controller = new AbortController();
  const flight = {
    settled: null,
    stale: false, // set, deleted, invalidated or replaced: the result is not written back
    aborted: false, // every caller gave up (or a background timeout): new callers start anew
    tags: o.tags,
    staleValue: o.stale,
    background: o.background,
    waiters: 0,
    controller,
    timer: undefined,
  };
  let p;
  try {
    p = Promise.resolve(fn(key, { signal: controller.signal, stale: o.stale === NO_STALE ? undefined : o.stale }));
  } catch (e) {
    p = Promise.reject(e);
  }
  flight.settled = p.then(
    (value) => { finish(flight, o); o.store(value); return value; },
    (err) => { finish(flight, o); throw err; },
  );
  flight.settled.catch(() => {}); // a flight every caller left rejects unobserved
  if (o.background && o.timeout > 0) flight.timer = setTimeout(() => abort(flight, timeoutError(o.timeout)), o.timeout);
  return flight;
}

function finish(flight, o) {
  clearTimeout(flight.timer);
  o.done();
}

function abort(flight, reason) {
  if (flight.aborted) return;
  flight.aborted = true;
  flight.controller.abort(reason);
}

/**
 * One caller's promise on a flight, bounded by its `signal` and `timeout`; the stale value
 * on failure when `staleOnError` allows it.
 * @param {object} flight
 * @param {{ signal?: AbortSignal, timeout: number, staleOnError: boolean }} call
 */
function wait(flight, call) {
  flight.waiters++;
  const { signal, timeout, staleOnError } = call;
  const hasStale = staleOnError && flight.staleValue !== NO_STALE;
  if (signal === undefined && timeout === 0) {
    // Never gives up: only the flight's own outcome (or a background timeout) settles it.
    if (!hasStale && !flight.background) return flight.settled;
    return new Promise((resolve, reject) => {
      const onAbort = () => (hasStale ? resolve(flight.staleValue) : reject(flight.controller.signal.reason));
      flight.controller.signal.addEventListener('abort', onAbort, { once: true });
      flight.settled.then(resolve, (err) => (hasStale ? resolve(flight.staleValue) : reject(err)))
        .finally(() => flight.controller.signal.removeEventListener('abort', onAbort));
    });
  }
  return new Promise((resolve, reject) => {
    let timer;
    let settled = false;
    const cleanup = () => {
      settled = true;
      clearTimeout(timer);
      flight.controller.signal.removeEventListener('abort', onFlightAbort);
      if (signal !== undefined) signal.removeEventListener('abort', onAbort);
    };
    const failWith = (err) => {
      if (settled) return;
      cleanup();
      if (hasStale) resolve(flight.staleValue); else reject(err);
    };
    const leave = (reason) => {
      if (settled) return;
      failWith(reason);
      if (--flight.waiters === 0 && !flight.background) abort(flight, reason);
    };
    const onAbort = () => leave(signal.reason);
    const onFlightAbort = () => failWith(flight.controller.signal.reason);
    flight.controller.signal.addEventListener('abort', onFlightAbort, { once: true });
    if (signal !== undefined) signal.addEventListener('abort', onAbort, { once: true });
    if (timeout > 0) timer = setTimeout(() => leave(timeoutError(timeout)), timeout);
    flight.settled.then(
      (value) => { if (!settled) { cleanup(); resolve(value); } },
      (err) => failWith(err),
    );
    if (signal !== undefined && signal.aborted) onAbort();
  });
}

/** What a caller whose signal was aborted before the call gets: the stale value or the reason. */
function abandoned(call, stale) {
  if (call.staleOnError && stale !== NO_STALE) return Promise.resolve(stale);
  return Promise.reject(call.signal.reason);
}

let memoCount = 0;

/** The default memo key: the arguments as JSON (only JSON-shaped arguments can be keyed). */
function jsonKey(fnArgs) {
  let json;
  try { json = JSON.stringify(fnArgs); } catch { json = undefined; }
  if (json === undefined) fail('ERR_INVALID_KEY', 'memo: the arguments are not JSON-serialisable; pass options.key(...args) => string');
  return json;
}

/**
 * `cache.memo(fn, options)`: an async function that caches `fn(...args)` under
 * `options.key(...args)` (default: a namespace of its own + the arguments as JSON) with
 * getOrCompute (single-flight per key). `options.tags` is an array or `(...args) => string[]`;
 * the other options (`ttl`, `timeout`, `staleOnError`, `refreshThreshold`) are getOrCompute's.
 * The function has `keyOf(...args)`, the cache key a call uses (to invalidate it).
 * @param {{ getOrCompute: Function }} cache
 * @param {Function} fn
 * @param {object} [options]
 */
function memo(cache, fn, options = {}) {
  args.func(TypeError, 'fn', fn);
  args.object(TypeError, 'options', options);
  const { key, tags, ...rest } = options;
  args.optional(args.func, TypeError, 'options.key', key);
  if (tags !== undefined && typeof tags !== 'function' && !Array.isArray(tags)) {
    args.reject(TypeError, 'options.tags', 'an array of strings or a function', tags);
  }
  args.optional(args.ms, RangeError, 'options.ttl', rest.ttl);
  callOptions(rest); // checked now, not at the first call
  const namespace = `memo:${fn.name || 'anonymous'}#${++memoCount}:`;
  const keyOf = key || ((...fnArgs) => namespace + jsonKey(fnArgs));
  const memoized = async (...fnArgs) => {
    const k = keyOf(...fnArgs);
    const t = typeof tags === 'function' ? tags(...fnArgs) : tags;
    return cache.getOrCompute(k, () => fn(...fnArgs), { ...rest, tags: t });
  };
  memoized.keyOf = keyOf;
  return memoized;
}

module.exports = { NO_STALE, DEFAULTS, callOptions, start, wait, abandoned, memo };
