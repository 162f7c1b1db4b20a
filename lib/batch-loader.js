'use strict';
/**
 * `Loader`: batching and per-key memoisation with DataLoader's API and timing (the N+1
 * killer). Loads issued in one tick go out as one call of `batchFn`, each key once; the
 * results come back per key.
 *
 * DataLoader's semantics are kept (same batches, same results, same resolution order for
 * cache hits; js-tests/batch-loader.test.js runs both on random call sequences), except
 * where its users complain:
 * - the memo is a hotpath `Cache` (bounded: `max`, default 10 000; `ttl`), not an unbounded
 *   Map (DataLoader #13, #194); pattern and tag invalidation reach it (`prefix`, `tags`);
 * - an `Error` returned for a key is not cached: the next load of that key asks again
 *   (DataLoader #258);
 * - keys are compared by their string form, so ObjectIds of any bson copy work without a
 *   `cacheKeyFn` and `clear(id.toString())` clears `load(id)` (DataLoader #65);
 * - duplicate keys are sent once even with `cache: false`;
 * - a `batchFn` that returns the wrong number of values, or (with `key`) values out of key
 *   order, rejects every load of the batch with a HotpathError `ERR_INVALID_SPEC` instead
 *   of handing values to the wrong callers.
 */
const args = require('./args');
const { fail } = require('./errors');
const { apiOf } = require('./internal');

const { describe } = args;

/** Sorts plain objects' keys so that `{ a, b }` and `{ b, a }` give one JSON text. */
function sortedKeys(_k, v) {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || Object.getPrototypeOf(v) !== Object.prototype) return v;
  const out = {};
  for (const k of Object.keys(v).sort()) out[k] = v[k];
  return out;
}

/**
 * The default cache key of a load key: strings as they are; numbers, bigints and booleans
 * as `String(key)`; anything with `toHexString()` (a bson ObjectId or UUID of whatever bson
 * copy made it) as its hex; other objects and arrays as JSON with sorted keys. `null`,
 * `undefined`, functions, symbols and objects JSON cannot represent throw ERR_INVALID_KEY.
 * @param {unknown} key
 * @returns {string}
 */
function defaultCacheKey(key) {
  switch (typeof key) {
    case 'string': return key;
    case 'number': case 'bigint': case 'boolean': return String(key);
    case 'object': {
      if (key === null) break;
      if (typeof key.toHexString === 'function') return key.toHexString();
      let json;
      try { json = JSON.stringify(key, sortedKeys); } catch { json = undefined; }
      if (typeof json === 'string') return json;
      fail('ERR_INVALID_KEY', `key ${describe(key)} has no string form (JSON.stringify failed); pass a cacheKeyFn`);
      break;
    }
    default: break;
  }
  return fail('ERR_INVALID_KEY', `key must be a string, number, bigint, boolean, ObjectId or JSON-serialisable object, got ${describe(key)}`);
}

// DataLoader's default schedule: after the current promise jobs, before the next macrotask.
let resolvedPromise;
function enqueuePostPromiseJob(fn) {
  if (!resolvedPromise) resolvedPromise = Promise.resolve();
  resolvedPromise.then(() => process.nextTick(fn));
}

const isArrayLike = (v) => v !== null && typeof v === 'object' && typeof v.length === 'number'
  && (v.length === 0 || (v.length > 0 && Object.prototype.hasOwnProperty.call(v, v.length - 1)));

/**
 * `value[path]` for a dotted path ('_id', 'profile.slug'); a Mongoose document is read
 * with its own `get` (lean documents and plain objects are walked).
 * @param {any} value
 * @param {string} path
 */
function readPath(value, path) {
  if (value === null || value === undefined) return undefined;
  if (typeof value.get === 'function' && value.$__ !== undefined) return value.get(path);
  let v = value;
  for (const part of path.split('.')) {
    if (v === null || v === undefined) return undefined;
    v = v[part];
  }
  return v;
}

/** Whether `map` is a hotpath Cache (it takes `{ ttl, tags }` on set and has pattern invalidation). */
const isHotpathCache = (map) => typeof map.invalidatePrefix === 'function' && typeof map.invalidateTag === 'function';

function listKeys(keys) {
  const shown = keys.slice(0, 10).map(describe).join(', ');
  return keys.length > 10 ? `${shown}, … (${keys.length} keys)` : shown;
}

/**
 * Batches and memoises loads of one kind of thing: `new Loader(async (keys) => values)`.
 * DataLoader's API (`load`, `loadMany`, `prime`, `clear`, `clearAll`, options `batch`,
 * `maxBatchSize`, `batchScheduleFn`, `cacheKeyFn`, `cache`, `cacheMap`, `name`) on a
 * bounded hotpath Cache.
 */
class Loader {
  #own;
  #hotpath;
  #batchFn;
  #maxBatchSize;
  #schedule;
  #keyFn;
  #map;
  #prefix;
  #tags;
  #setTtl;
  #valueKey;
  #keyName;
  #batch;

  /**
   * @param {(keys: any[]) => Promise<ArrayLike<any>> | ArrayLike<any>} batchFn one value (or null,
   *   or an Error) per key, in key order; called with the loader as `this`
   * @param {object} [options]
   * @param {boolean} [options.batch=true] false: one key per batch
   * @param {number} [options.maxBatchSize=Infinity] distinct keys per call of batchFn
   * @param {(dispatch: () => void) => void} [options.batchScheduleFn] when to dispatch a batch
   *   (default: after the current promise jobs, as DataLoader)
   * @param {(key: any) => any} [options.cacheKeyFn] the memo key of a load key (default: its
   *   string form, see defaultCacheKey)
   * @param {boolean} [options.cache=true] false: no memo (loads still batch and dedupe per batch)
   * @param {object} [options.cacheMap] the memo: a hotpath Cache (shared or not) or any Map-like
   *   `{ get, set, delete, clear }` (default: `new Cache({ max, ttl })`)
   * @param {number} [options.max=10000] entries of the default memo
   * @param {number} [options.ttl] ms an entry lives from its load (default memo: 0 = no expiry;
   *   a given hotpath Cache: per entry, else that cache's default)
   * @param {string} [options.prefix=''] prepended to every memo key, so a shared Cache's
   *   `invalidatePrefix(prefix)` and `clearAll()` reach only this loader's entries
   * @param {(key: any) => string[]} [options.tags] tags of each entry (hotpath Cache memo only)
   * @param {string | ((value: any) => any)} [options.key] where each returned value carries its key
   *   (a field name such as '_id', or a function): values out of key order are rejected
   * @param {string | null} [options.name=null] a label (DataLoader's `name`)
   */
  constructor(batchFn, options = {}) {
    if (typeof batchFn !== 'function') args.reject(TypeError, 'batchFn', 'a function (keys) => Promise<values>', batchFn);
    args.object(TypeError, 'options', options);
    const { batch = true, maxBatchSize = Infinity, batchScheduleFn, cacheKeyFn, cache = true, cacheMap,
      max = 10_000, ttl, prefix = '', tags, key, name = null } = options;
    if (!(typeof maxBatchSize === 'number' && maxBatchSize >= 1)) args.reject(RangeError, 'maxBatchSize', 'a number >= 1', maxBatchSize);
    args.optional(args.func, TypeError, 'batchScheduleFn', batchScheduleFn);
    args.optional(args.func, TypeError, 'cacheKeyFn', cacheKeyFn);
    args.string('ERR_INVALID_KEY', 'prefix', prefix);
    if (tags !== undefined && typeof tags !== 'function') args.reject(TypeError, 'tags', 'a function (key) => string[]', tags);
    args.optional(args.ms, RangeError, 'ttl', ttl);
    if (key !== undefined && typeof key !== 'string' && typeof key !== 'function') args.reject(TypeError, 'key', 'a field name or a function (value) => key', key);
    let map = null;
    if (cache !== false) {
      if (cacheMap === undefined || cacheMap === null) {
        const { Cache } = apiOf(new.target);
        map = new Cache({ max, ttl: ttl ?? 0 });
        this.#own = true;
      } else {
        for (const m of ['get', 'set', 'delete', 'clear']) {
          if (typeof cacheMap[m] !== 'function') fail('ERR_INVALID_SPEC', `cacheMap must be a Map-like object with get/set/delete/clear (a hotpath Cache works), it has no ${m}()`);
        }
        if (typeof cacheMap.getOrCompute === 'function' && cacheMap.redis) {
          fail('ERR_INVALID_SPEC', 'cacheMap: a TieredCache is asynchronous; pass its l1 (a Cache) or a Cache');
        }
        map = cacheMap;
        this.#own = false;
      }
    }
    this.#hotpath = map !== null && isHotpathCache(map);
    if (tags !== undefined && !this.#hotpath) fail('ERR_INVALID_SPEC', 'tags need a hotpath Cache as the memo (the default, or cacheMap: a Cache)');
    this.#batchFn = batchFn;
    this.#maxBatchSize = batch === false ? 1 : maxBatchSize;
    this.#schedule = batchScheduleFn || enqueuePostPromiseJob;
    this.#keyFn = cacheKeyFn || defaultCacheKey;
    this.#map = map;
    this.#prefix = prefix;
    this.#tags = tags;
    // Per-entry options on a hotpath Cache: ttl when asked for on a given Cache, tags when set.
    this.#setTtl = this.#own ? undefined : ttl;
    this.#valueKey = typeof key === 'string' ? (v) => readPath(v, key) : key;
    this.#keyName = typeof key === 'string' ? key : 'key(value)';
    this.#batch = null;
    /** DataLoader's `name` option. */
    this.name = name;
  }

  /** The memo (a hotpath Cache unless another Map-like was given), or null with `cache: false`. */
  get cacheMap() { return this.#map; }

  /**
   * Loads one key: a promise of its value. Loads in one tick share one call of batchFn.
   * @param {any} key
   */
  load(key) {
    if (key === null || key === undefined) fail('ERR_INVALID_KEY', `load(key): key must not be ${key}`);
    const memoKey = this.#memoKey(key);
    const batch = this.#currentBatch();
    const map = this.#map;
    if (map !== null) {
      const cached = map.get(memoKey);
      if (cached) {
        // As DataLoader: a hit resolves with the batch, so cached and fresh values arrive together.
        const hits = batch.hits || (batch.hits = []);
        return new Promise((resolve) => { hits.push(() => resolve(cached)); });
      }
    }
    // A key already in this batch (loaded again after clear(), or with cache: false) is
    // sent once; its load still settles in load order, as DataLoader's would.
    let i = batch.index.get(memoKey);
    if (i === undefined) {
      i = batch.keys.length;
      batch.index.set(memoKey, i);
      batch.keys.push(key);
      batch.memoKeys.push(memoKey);
    }
    const entry = { i, resolve: null, reject: null, promise: null };
    entry.promise = new Promise((resolve, reject) => { entry.resolve = resolve; entry.reject = reject; });
    batch.loads.push(entry);
    if (map !== null) this.#store(memoKey, entry.promise, key);
    return entry.promise;
  }

  /**
   * Loads several keys; resolves to an array of values or Error instances (it never rejects).
   * @param {ArrayLike<any>} keys
   */
  loadMany(keys) {
    if (!isArrayLike(keys)) args.reject(TypeError, 'loadMany(keys): keys', 'an array', keys);
    const out = [];
    for (let i = 0; i < keys.length; i++) out.push(this.load(keys[i]).catch((error) => error));
    return Promise.all(out);
  }

  /**
   * Removes `key` from the memo; returns the loader.
   * @param {any} key
   */
  clear(key) {
    if (this.#map !== null) this.#map.delete(this.#memoKey(key));
    return this;
  }

  /**
   * Removes every entry of this loader: the whole memo when it is the loader's own (or a
   * Map-like without `prefix`), only `prefix`'s entries of a shared hotpath Cache.
   */
  clearAll() {
    const map = this.#map;
    if (map === null) return this;
    if (this.#own || this.#prefix === '') map.clear();
    else if (this.#hotpath) map.invalidatePrefix(this.#prefix);
    else if (typeof map.keys === 'function') {
      for (const k of [...map.keys()]) if (typeof k === 'string' && k.startsWith(this.#prefix)) map.delete(k);
    } else map.clear();
    return this;
  }

  /**
   * Adds `key` → `value` to the memo unless `key` is there already; an Error is stored as a
   * rejection (as DataLoader: priming is explicit). Returns the loader.
   * @param {any} key
   * @param {any} value
   */
  prime(key, value) {
    const map = this.#map;
    if (map === null) return this;
    const memoKey = this.#memoKey(key);
    if (map.get(memoKey) === undefined) {
      let promise;
      if (value instanceof Error) {
        promise = Promise.reject(value);
        promise.catch(() => {});
      } else {
        promise = Promise.resolve(value);
      }
      this.#store(memoKey, promise, key);
    }
    return this;
  }

  // --- internals -------------------------------------------------------------------

  #memoKey(key) {
    const k = this.#keyFn(key);
    if (this.#prefix === '' && !this.#hotpath) return k;
    if (typeof k !== 'string') fail('ERR_INVALID_KEY', `cacheKeyFn must return a string here (a hotpath Cache memo or a prefix), got ${describe(k)}`);
    return this.#prefix + k;
  }

  #store(memoKey, promise, key) {
    if (!this.#hotpath || (this.#setTtl === undefined && this.#tags === undefined)) {
      this.#map.set(memoKey, promise);
      return;
    }
    const opts = {};
    if (this.#setTtl !== undefined) opts.ttl = this.#setTtl;
    if (this.#tags !== undefined) opts.tags = this.#tags(key);
    this.#map.set(memoKey, promise, opts);
  }

  #currentBatch() {
    const b = this.#batch;
    if (b !== null && !b.dispatched && b.keys.length < this.#maxBatchSize) return b;
    const batch = { dispatched: false, keys: [], memoKeys: [], index: new Map(), loads: [], hits: null };
    this.#batch = batch;
    this.#schedule(() => this.#dispatch(batch));
    return batch;
  }

  #dispatch(batch) {
    batch.dispatched = true;
    if (batch.keys.length === 0) {
      resolveHits(batch);
      return;
    }
    let out;
    try {
      out = this.#batchFn(batch.keys);
    } catch (err) {
      this.#failed(batch, err);
      return;
    }
    Promise.resolve(out).then((values) => {
      this.#check(batch, values);
      resolveHits(batch);
      for (const load of batch.loads) {
        const v = values[load.i];
        if (v instanceof Error) {
          this.#forget(batch.memoKeys[load.i], load.promise);
          load.reject(v);
        } else {
          load.resolve(v);
        }
      }
    }).catch((err) => this.#failed(batch, err));
  }

  /** Throws ERR_INVALID_SPEC when `values` cannot be matched to `batch.keys`. */
  #check(batch, values) {
    const { keys } = batch;
    if (!isArrayLike(values)) {
      fail('ERR_INVALID_SPEC', `Loader${this.name ? ` ${this.name}` : ''}: batchFn must resolve to an array of one value per key, got ${describe(values)} for keys ${listKeys(keys)}`);
    }
    if (values.length !== keys.length) {
      fail('ERR_INVALID_SPEC', `Loader${this.name ? ` ${this.name}` : ''}: batchFn returned ${values.length} values for ${keys.length} keys; it must return one value (or null, or an Error) per key, in key order. Keys: ${listKeys(keys)}`);
    }
    if (this.#valueKey === undefined) return;
    for (let i = 0; i < keys.length; i++) {
      const v = values[i];
      if (v === null || v === undefined || v instanceof Error) continue;
      const got = this.#valueKey(v);
      let same;
      try { same = got !== undefined && got !== null && this.#memoKey(got) === batch.memoKeys[i]; } catch { same = false; }
      if (!same) {
        fail('ERR_INVALID_SPEC', `Loader${this.name ? ` ${this.name}` : ''}: batchFn's value at index ${i} has ${this.#keyName} ${describe(got)}, but the key at index ${i} is ${describe(keys[i])}; values must be in key order (null for a missing key)`);
      }
    }
  }

  /** The whole batch failed: every load rejects and nothing of it stays memoised (as DataLoader). */
  #failed(batch, err) {
    resolveHits(batch);
    for (const load of batch.loads) {
      if (this.#map !== null) this.#map.delete(batch.memoKeys[load.i]);
      load.reject(err);
    }
  }

  /** An Error for one key is not cached: drop the entry if it is still this load's. */
  #forget(memoKey, promise) {
    const map = this.#map;
    if (map !== null && map.get(memoKey) === promise) map.delete(memoKey);
  }
}

function resolveHits(batch) {
  if (batch.hits !== null) for (const hit of batch.hits) hit();
}

module.exports = { Loader, defaultCacheKey, readPath };
