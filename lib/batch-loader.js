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
const { fail } = require('./errors');

function describe(v) {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'symbol' || typeof v === 'bigint') return `${String(v)} (${typeof v})`;
  try {
    const json = JSON.stringify(v);
    return json === undefined ? String(v) : `${json.length > 80 ? `${json.slice(0, 77)}...` : json} (${v === null ? 'null' : typeof v})`;
  } catch {
    return `a ${typeof v}`;
  }
}

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
 * Builds the Loader class on top of one API's Cache.
 * @param {{ Cache: new (options?: object) => any }} cacheApi
 */
function create({ Cache }) {
  /**
   * Batches and memoises loads of one kind of thing: `new Loader(async (keys) => values)`.
   * DataLoader's API (`load`, `loadMany`, `prime`, `clear`, `clearAll`, options `batch`,
   * `maxBatchSize`, `batchScheduleFn`, `cacheKeyFn`, `cache`, `cacheMap`, `name`) on a
   * bounded hotpath Cache.
   */
  class Loader {
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
      if (typeof batchFn !== 'function') throw new TypeError(`batchFn must be a function (keys) => Promise<values>, got ${describe(batchFn)}`);
      if (options === null || typeof options !== 'object') throw new TypeError(`options must be an object, got ${describe(options)}`);
      const { batch = true, maxBatchSize = Infinity, batchScheduleFn, cacheKeyFn, cache = true, cacheMap,
        max = 10_000, ttl, prefix = '', tags, key, name = null } = options;
      if (!(typeof maxBatchSize === 'number' && maxBatchSize >= 1)) throw new RangeError(`maxBatchSize must be a number >= 1, got ${describe(maxBatchSize)}`);
      if (batchScheduleFn !== undefined && typeof batchScheduleFn !== 'function') throw new TypeError(`batchScheduleFn must be a function, got ${describe(batchScheduleFn)}`);
      if (cacheKeyFn !== undefined && typeof cacheKeyFn !== 'function') throw new TypeError(`cacheKeyFn must be a function, got ${describe(cacheKeyFn)}`);
      if (typeof prefix !== 'string') fail('ERR_INVALID_KEY', `prefix must be a string, got ${describe(prefix)}`);
      if (tags !== undefined && typeof tags !== 'function') throw new TypeError(`tags must be a function (key) => string[], got ${describe(tags)}`);
      if (ttl !== undefined && (typeof ttl !== 'number' || !(ttl >= 0) || ttl === Infinity)) throw new RangeError(`ttl must be a finite number of milliseconds >= 0, got ${describe(ttl)}`);
      if (key !== undefined && typeof key !== 'string' && typeof key !== 'function') throw new TypeError(`key must be a field name or a function (value) => key, got ${describe(key)}`);
      let map = null;
      if (cache !== false) {
        if (cacheMap === undefined || cacheMap === null) {
          map = new Cache({ max, ttl: ttl ?? 0 });
          this._own = true;
        } else {
          for (const m of ['get', 'set', 'delete', 'clear']) {
            if (typeof cacheMap[m] !== 'function') fail('ERR_INVALID_SPEC', `cacheMap must be a Map-like object with get/set/delete/clear (a hotpath Cache works), it has no ${m}()`);
          }
          if (typeof cacheMap.getOrCompute === 'function' && cacheMap.redis) {
            fail('ERR_INVALID_SPEC', 'cacheMap: a TieredCache is asynchronous; pass its l1 (a Cache) or a Cache');
          }
          map = cacheMap;
          this._own = false;
        }
      }
      this._hotpath = map !== null && isHotpathCache(map);
      if (tags !== undefined && !this._hotpath) fail('ERR_INVALID_SPEC', 'tags need a hotpath Cache as the memo (the default, or cacheMap: a Cache)');
      this._batchFn = batchFn;
      this._maxBatchSize = batch === false ? 1 : maxBatchSize;
      this._schedule = batchScheduleFn || enqueuePostPromiseJob;
      this._keyFn = cacheKeyFn || defaultCacheKey;
      this._map = map;
      this._prefix = prefix;
      this._tags = tags;
      // Per-entry options on a hotpath Cache: ttl when asked for on a given Cache, tags when set.
      this._setTtl = this._own ? undefined : ttl;
      this._valueKey = typeof key === 'string' ? (v) => readPath(v, key) : key;
      this._keyName = typeof key === 'string' ? key : 'key(value)';
      this._batch = null;
      /** DataLoader's `name` option. */
      this.name = name;
    }

    /** The memo (a hotpath Cache unless another Map-like was given), or null with `cache: false`. */
    get cacheMap() { return this._map; }

    /**
     * Loads one key: a promise of its value. Loads in one tick share one call of batchFn.
     * @param {any} key
     */
    load(key) {
      if (key === null || key === undefined) fail('ERR_INVALID_KEY', `load(key): key must not be ${key}`);
      const memoKey = this._memoKey(key);
      const batch = this._currentBatch();
      const map = this._map;
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
      if (map !== null) this._store(memoKey, entry.promise, key);
      return entry.promise;
    }

    /**
     * Loads several keys; resolves to an array of values or Error instances (it never rejects).
     * @param {ArrayLike<any>} keys
     */
    loadMany(keys) {
      if (!isArrayLike(keys)) throw new TypeError(`loadMany(keys): keys must be an array, got ${describe(keys)}`);
      const out = [];
      for (let i = 0; i < keys.length; i++) out.push(this.load(keys[i]).catch((error) => error));
      return Promise.all(out);
    }

    /**
     * Removes `key` from the memo; returns the loader.
     * @param {any} key
     */
    clear(key) {
      if (this._map !== null) this._map.delete(this._memoKey(key));
      return this;
    }

    /**
     * Removes every entry of this loader: the whole memo when it is the loader's own (or a
     * Map-like without `prefix`), only `prefix`'s entries of a shared hotpath Cache.
     */
    clearAll() {
      const map = this._map;
      if (map === null) return this;
      if (this._own || this._prefix === '') map.clear();
      else if (this._hotpath) map.invalidatePrefix(this._prefix);
      else if (typeof map.keys === 'function') {
        for (const k of [...map.keys()]) if (typeof k === 'string' && k.startsWith(this._prefix)) map.delete(k);
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
      const map = this._map;
      if (map === null) return this;
      const memoKey = this._memoKey(key);
      if (map.get(memoKey) === undefined) {
        let promise;
        if (value instanceof Error) {
          promise = Promise.reject(value);
          promise.catch(() => {});
        } else {
          promise = Promise.resolve(value);
        }
        this._store(memoKey, promise, key);
      }
      return this;
    }

    // --- internals -------------------------------------------------------------------

    _memoKey(key) {
      const k = this._keyFn(key);
      if (this._prefix === '' && !this._hotpath) return k;
      if (typeof k !== 'string') fail('ERR_INVALID_KEY', `cacheKeyFn must return a string here (a hotpath Cache memo or a prefix), got ${describe(k)}`);
      return this._prefix + k;
    }

    _store(memoKey, promise, key) {
      if (!this._hotpath || (this._setTtl === undefined && this._tags === undefined)) {
        this._map.set(memoKey, promise);
        return;
      }
      const opts = {};
      if (this._setTtl !== undefined) opts.ttl = this._setTtl;
      if (this._tags !== undefined) opts.tags = this._tags(key);
      this._map.set(memoKey, promise, opts);
    }

    _currentBatch() {
      const b = this._batch;
      if (b !== null && !b.dispatched && b.keys.length < this._maxBatchSize) return b;
      const batch = { dispatched: false, keys: [], memoKeys: [], index: new Map(), loads: [], hits: null };
      this._batch = batch;
      this._schedule(() => this._dispatch(batch));
      return batch;
    }

    _dispatch(batch) {
      batch.dispatched = true;
      if (batch.keys.length === 0) {
        resolveHits(batch);
        return;
      }
      let out;
      try {
        out = this._batchFn(batch.keys);
      } catch (err) {
        this._failed(batch, err);
        return;
      }
      Promise.resolve(out).then((values) => {
        this._check(batch, values);
        resolveHits(batch);
        for (const load of batch.loads) {
          const v = values[load.i];
          if (v instanceof Error) {
            this._forget(batch.memoKeys[load.i], load.promise);
            load.reject(v);
          } else {
            load.resolve(v);
          }
        }
      }).catch((err) => this._failed(batch, err));
    }

    /** Throws ERR_INVALID_SPEC when `values` cannot be matched to `batch.keys`. */
    _check(batch, values) {
      const { keys } = batch;
      if (!isArrayLike(values)) {
        fail('ERR_INVALID_SPEC', `Loader${this.name ? ` ${this.name}` : ''}: batchFn must resolve to an array of one value per key, got ${describe(values)} for keys ${listKeys(keys)}`);
      }
      if (values.length !== keys.length) {
        fail('ERR_INVALID_SPEC', `Loader${this.name ? ` ${this.name}` : ''}: batchFn returned ${values.length} values for ${keys.length} keys; it must return one value (or null, or an Error) per key, in key order. Keys: ${listKeys(keys)}`);
      }
      if (this._valueKey === undefined) return;
      for (let i = 0; i < keys.length; i++) {
        const v = values[i];
        if (v === null || v === undefined || v instanceof Error) continue;
        const got = this._valueKey(v);
        let same;
        try { same = got !== undefined && got !== null && this._memoKey(got) === batch.memoKeys[i]; } catch { same = false; }
        if (!same) {
          fail('ERR_INVALID_SPEC', `Loader${this.name ? ` ${this.name}` : ''}: batchFn's value at index ${i} has ${this._keyName} ${describe(got)}, but the key at index ${i} is ${describe(keys[i])}; values must be in key order (null for a missing key)`);
        }
      }
    }

    /** The whole batch failed: every load rejects and nothing of it stays memoised (as DataLoader). */
    _failed(batch, err) {
      resolveHits(batch);
      for (const load of batch.loads) {
        if (this._map !== null) this._map.delete(batch.memoKeys[load.i]);
        load.reject(err);
      }
    }

    /** An Error for one key is not cached: drop the entry if it is still this load's. */
    _forget(memoKey, promise) {
      const map = this._map;
      if (map !== null && map.get(memoKey) === promise) map.delete(memoKey);
    }
  }

  function resolveHits(batch) {
    if (batch.hits !== null) for (const hit of batch.hits) hit();
  }

  return { Loader };
}

module.exports = { create, defaultCacheKey, readPath };
