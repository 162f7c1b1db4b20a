'use strict';
/**
 * The JS half of the `cache` hot path: `Cache` and the seed facade `CacheManager`.
 *
 * get/set/has/delete never cross into the backend (a crossing costs more than lru-cache's
 * whole `get`; see src/cache/mod.rs). The layout is lru-cache's, leaner: a Map key → slot,
 * keys and values in plain arrays (values held by reference), recency as a doubly linked
 * list in two Uint32Arrays, expiry in a Float64Array allocated on first TTL use.
 *
 * The backend's `CacheIndex` (Rust) holds the keys in order for pattern invalidation. It is
 * created by the first pattern invalidation and kept current lazily: the slots whose key
 * changed are queued and shipped in one batch before the next pattern invalidation (or
 * when the queue reaches the capacity). Keys and patterns cross as UTF-16 code units (a
 * Uint16Array), so every JS string — lone surrogates included — arrives exactly, and every
 * pattern is decided in Rust in linear time (no RegExp is run here).
 */
const { fail } = require('./errors');

const REMOVED = 0xFFFFFFFF;
const BATCH = 1 << 20;

function describe(v) {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'symbol' || typeof v === 'bigint') return `${String(v)} (${typeof v})`;
  if (typeof v === 'function') return 'a function';
  try {
    return `${JSON.stringify(v)} (${v === null ? 'null' : typeof v})`;
  } catch {
    return `a ${typeof v}`;
  }
}

/**
 * The UTF-16 code units of `strings`, concatenated, as a Uint16Array (lone surrogates kept:
 * Node's 'utf16le' encoder copies code units as they are; Buffers are 8-byte aligned).
 * (A charCodeAt loop took ~270 ms for 1M keys on its first, cold run; this ~60 ms.)
 * @param {string[]} strings
 */
function codeUnits(strings) {
  const b = Buffer.from(strings.length === 1 ? strings[0] : strings.join(''), 'utf16le');
  return new Uint16Array(b.buffer, b.byteOffset, b.length >> 1);
}

function invalidKey(param, v) {
  fail('ERR_INVALID_KEY', `${param} must be a string, got ${describe(v)}`);
}

function checkMs(name, v) {
  if (typeof v !== 'number' || !(v >= 0) || v === Infinity) {
    throw new RangeError(`${name} must be a finite number of milliseconds >= 0, got ${describe(v)}`);
  }
  return v;
}

function checkTags(tags) {
  if (tags === undefined) return undefined;
  if (!Array.isArray(tags) || tags.some((t) => typeof t !== 'string')) {
    fail('ERR_INVALID_KEY', `tags must be an array of strings, got ${describe(tags)}`);
  }
  return tags.length ? tags : undefined;
}

/**
 * The default `sizeOf` for `maxBytes`: an estimate in bytes, not a measurement.
 * 2 bytes per UTF-16 unit of the key, plus for the value: strings 2 per UTF-16 unit;
 * numbers, booleans, null, undefined, bigints, symbols 8; ArrayBuffers and views their
 * `byteLength`; anything else 2 bytes per character of its JSON (1024 when it has none).
 * Pass your own `sizeOf(value, key)` when values are large or not JSON-shaped.
 * @param {unknown} value
 * @param {string} key
 * @returns {number}
 */
function defaultSizeOf(value, key) {
  let n;
  if (typeof value === 'string') n = 2 * value.length;
  else if (value === null || typeof value !== 'object') n = 8;
  else if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) n = value.byteLength;
  else {
    let json;
    try { json = JSON.stringify(value); } catch { json = undefined; }
    n = typeof json === 'string' ? 2 * json.length : 1024;
  }
  return 2 * key.length + n;
}

/**
 * Builds this module's public API on top of one loaded binding.
 * @param {Record<string, any>} binding the wrapped binding (lib/loader.js)
 */
function create(binding) {
  const { PatternKind } = binding;
  /**
   * An in-process LRU cache with TTL, byte bound, tag/prefix/glob/RegExp invalidation and
   * single-flight `getOrCompute`. Keys are strings; values are held by reference.
   */
  class Cache {
    /**
     * @param {{ max?: number, maxBytes?: number, ttl?: number, sizeOf?: (value: any, key: string) => number,
     *   staleWhileRevalidate?: number, now?: () => number }} [options]
     *   max: entries (default 10 000); maxBytes: bound on the sum of `sizeOf` (default none);
     *   ttl: default time to live in ms (0 = none); staleWhileRevalidate: ms after expiry during
     *   which getOrCompute serves the stale value and refreshes once in the background;
     *   now: the clock in ms (default Date.now).
     */
    constructor(options = {}) {
      if (options === null || typeof options !== 'object') throw new TypeError(`options must be an object, got ${describe(options)}`);
      const { max = 10_000, maxBytes, ttl = 0, sizeOf, staleWhileRevalidate = 0, now } = options;
      if (!Number.isInteger(max) || max < 1 || max > 0xFFFFFFF0) throw new RangeError(`max must be an integer from 1 to 4294967280, got ${describe(max)}`);
      if (maxBytes !== undefined && (typeof maxBytes !== 'number' || !(maxBytes > 0))) throw new RangeError(`maxBytes must be a number > 0, got ${describe(maxBytes)}`);
      if (sizeOf !== undefined && typeof sizeOf !== 'function') throw new TypeError(`sizeOf must be a function, got ${describe(sizeOf)}`);
      if (now !== undefined && typeof now !== 'function') throw new TypeError(`now must be a function, got ${describe(now)}`);
      this._max = max;
      this._ttl = checkMs('ttl', ttl);
      this._swr = checkMs('staleWhileRevalidate', staleWhileRevalidate);
      this._maxBytes = maxBytes === undefined ? 0 : maxBytes;
      this._sizeOf = sizeOf || defaultSizeOf;
      this._now = now || Date.now;
      this._map = new Map();
      this._cap = Math.min(max, 1024);
      // Preallocated (holey) like lru-cache's, grown with the typed arrays: no push slack.
      this._keys = new Array(this._cap);
      this._vals = new Array(this._cap);
      this._next = new Uint32Array(this._cap);
      this._prev = new Uint32Array(this._cap);
      this._exp = null; // Float64Array once a TTL is used: absolute expiry ms, 0 = none
      this._sizes = this._maxBytes ? new Float64Array(this._cap) : null;
      this._tags = null; // slot → tags, once tags are used
      this._tagIndex = null; // tag → Set of keys
      this._bytes = 0;
      this._size = 0; // live entries (the Map and the list also hold tombstones until purged)
      this._listLen = 0; // entries in the recency list, tombstones included
      this._dead = []; // tombstoned slots (exp = -1), purged lazily
      this._deadCount = 0;
      this._out = null; // result buffer for the index
      this._fill = 0; // slots ever used
      this._free = [];
      this._head = 0;
      this._tail = 0;
      this._index = null; // the backend's CacheIndex, once a pattern invalidation ran
      this._pending = [];
      this._inflight = new Map(); // key → { promise, stale, tags }
      this._hits = 0; this._misses = 0; this._sets = 0; this._deletes = 0;
      this._evictions = 0; this._expirations = 0; this._invalidated = 0;
    }

    /** Number of entries (expired entries not yet removed included, as in lru-cache). */
    get size() { return this._size; }

    /**
     * The value for `key`, or undefined (an expired entry counts as a miss). Marks it most
     * recently used.
     * @param {string} key
     */
    get(key) {
      const i = this._map.get(key);
      if (i === undefined) {
        if (typeof key !== 'string') invalidKey('key', key);
        this._misses++;
        return undefined;
      }
      if (this._exp !== null) {
        const e = this._exp[i];
        if (e !== 0 && (e < 0 || e <= this._now())) {
          this._misses++;
          if (e < 0) this._purge(i);
          else if (this._swr === 0 || e + this._swr <= this._now()) this._expire(i);
          return undefined;
        }
      }
      this._hits++;
      if (i !== this._head) this._bump(i);
      return this._vals[i];
    }

    /**
     * Whether `key` holds a live (unexpired) entry; does not change recency or stats.
     * @param {string} key
     */
    has(key) {
      const i = this._map.get(key);
      if (i === undefined) {
        if (typeof key !== 'string') invalidKey('key', key);
        return false;
      }
      if (this._exp !== null) {
        const e = this._exp[i];
        if (e !== 0 && (e < 0 || e <= this._now())) return false;
      }
      return true;
    }

    /**
     * Stores `value` under `key` (most recently used), evicting the least recently used
     * entries beyond `max` / `maxBytes`. Returns the cache.
     * @param {string} key
     * @param {any} value
     * @param {{ ttl?: number, tags?: string[] }} [options] ttl in ms (0 = none; default: the cache's)
     */
    set(key, value, options) {
      if (typeof key !== 'string') invalidKey('key', key);
      let ttl = this._ttl;
      let tags;
      if (options !== undefined) {
        if (options === null || typeof options !== 'object') throw new TypeError(`options must be an object, got ${describe(options)}`);
        if (options.ttl !== undefined) ttl = checkMs('ttl', options.ttl);
        tags = checkTags(options.tags);
      }
      if (this._inflight.size !== 0) this._staleInflight(key);
      this._store(key, value, ttl, tags);
      return this;
    }

    _store(key, value, ttl, tags) {
      let size = 0;
      if (this._maxBytes !== 0) {
        size = this._sizeOf(value, key);
        if (typeof size !== 'number' || !(size >= 0)) throw new RangeError(`sizeOf must return a number >= 0, got ${describe(size)}`);
        if (size > this._maxBytes) {
          // Larger than the whole cache: not stored (and an older value is dropped), as lru-cache.
          const old = this._map.get(key);
          if (old !== undefined) this._drop(old);
          return;
        }
      }
      let i = this._map.get(key);
      if (i === undefined && this._fill === this._max && this._free.length === 0 && this._deadCount === 0) {
        // At capacity: recycle the least recently used slot in place (no unlink + relink).
        i = this._tail;
        const old = this._keys[i];
        this._map.delete(old);
        if (this._tags !== null && this._tags[i] !== undefined) this._untag(i, old);
        if (this._sizes !== null) { this._bytes -= this._sizes[i]; this._sizes[i] = 0; }
        this._evictions++;
        if (i !== this._head) this._bump(i);
        this._map.set(key, i);
        this._keys[i] = key;
        if (this._index !== null) this._queue(i);
      } else if (i === undefined) {
        i = this._alloc();
        this._map.set(key, i);
        this._keys[i] = key;
        this._link(i);
        this._size++;
        if (this._index !== null) this._queue(i);
      } else if (this._exp !== null && this._exp[i] < 0) {
        // A tombstone of this key: revive the slot (the index forgot it: queue it again).
        if (--this._deadCount === 0) this._dead.length = 0;
        this._size++;
        if (i !== this._head) this._bump(i);
        if (this._index !== null) this._queue(i);
      } else {
        if (i !== this._head) this._bump(i);
        if (this._tags !== null && this._tags[i] !== undefined) this._untag(i);
      }
      this._vals[i] = value;
      if (ttl > 0) {
        if (this._exp === null) this._exp = new Float64Array(this._cap);
        this._exp[i] = this._now() + ttl;
      } else if (this._exp !== null) {
        this._exp[i] = 0;
      }
      if (tags !== undefined) this._tag(i, key, tags);
      this._sets++;
      if (this._maxBytes !== 0) {
        this._bytes += size - this._sizes[i];
        this._sizes[i] = size;
        while (this._bytes > this._maxBytes && this._tail !== i) {
          const t = this._tail;
          if (this._exp !== null && this._exp[t] < 0) {
            this._purge(t);
          } else {
            this._evictions++;
            this._removeSlot(t, true);
          }
        }
      }
    }

    /**
     * Removes `key`; true when it was there.
     * @param {string} key
     */
    delete(key) {
      if (typeof key !== 'string') invalidKey('key', key);
      if (this._inflight.size !== 0) this._staleInflight(key);
      const i = this._map.get(key);
      if (i === undefined || this._drop(i)) return false;
      this._deletes++;
      return true;
    }

    /** Removes every entry; computations in flight will not write their results. */
    clear() {
      for (const rec of this._inflight.values()) rec.stale = true;
      this._inflight.clear();
      this._map.clear();
      this._keys.fill(undefined);
      this._vals.fill(undefined);
      this._free = [];
      this._fill = 0;
      this._bytes = 0;
      this._size = 0;
      this._listLen = 0;
      this._dead = [];
      this._deadCount = 0;
      this._tags = null;
      this._tagIndex = null;
      if (this._exp !== null) this._exp.fill(0);
      if (this._sizes !== null) this._sizes.fill(0);
      this._pending = [];
      if (this._index !== null) this._index.clear();
    }

    /** Live keys, most recently used first (as lru-cache's `keys()`). */
    * keys() {
      const now = this._exp !== null ? this._now() : 0;
      let n = this._listLen;
      for (let i = this._head; n > 0; i = this._next[i], n--) {
        const key = this._keys[i];
        if (this._exp !== null && this._exp[i] !== 0 && (this._exp[i] < 0 || this._exp[i] <= now)) continue;
        yield key;
      }
    }

    /**
     * `{ hits, misses, sets, deletes, evictions, expirations, invalidated, size, hitRate }`.
     * `invalidated` counts entries removed by invalidate*, `deletes` by delete().
     */
    stats() {
      const lookups = this._hits + this._misses;
      return {
        hits: this._hits,
        misses: this._misses,
        sets: this._sets,
        deletes: this._deletes,
        evictions: this._evictions,
        expirations: this._expirations,
        invalidated: this._invalidated,
        size: this._size,
        hitRate: lookups === 0 ? 0 : this._hits / lookups,
      };
    }

    /**
     * Removes one key (a string) or every key a RegExp matches (JS semantics for flags
     * i m s u; patterns the linear-time engine cannot run exactly throw
     * ERR_PATTERN_UNSUPPORTED and change nothing). Returns the number removed.
     * @param {string | RegExp} keyOrPattern
     */
    invalidate(keyOrPattern) {
      if (typeof keyOrPattern === 'string') {
        if (this._inflight.size !== 0) this._staleInflight(keyOrPattern);
        const i = this._map.get(keyOrPattern);
        if (i === undefined) return 0;
        const n = this._invalidateSlot(i, this._exp !== null ? this._now() : 0);
        this._invalidated += n;
        return n;
      }
      if (!(keyOrPattern instanceof RegExp)) invalidKey('keyOrPattern (a string or a RegExp)', keyOrPattern);
      return this._invalidatePattern(PatternKind.Regex, keyOrPattern.source, keyOrPattern.flags);
    }

    /**
     * Removes every key starting with `prefix`; returns the number removed.
     * @param {string} prefix
     */
    invalidatePrefix(prefix) {
      if (typeof prefix !== 'string') invalidKey('prefix', prefix);
      return this._invalidatePattern(PatternKind.Prefix, prefix, '');
    }

    /**
     * Removes every key matching a Redis MATCH glob (`*`, `?`, `[abc]`, `[^a]`, `[a-z]`,
     * `\x`); returns the number removed.
     * @param {string} glob
     */
    invalidateGlob(glob) {
      if (typeof glob !== 'string') invalidKey('glob', glob);
      return this._invalidatePattern(PatternKind.Glob, glob, '');
    }

    /**
     * Removes every entry set with `tag`; returns the number removed.
     * @param {string} tag
     */
    invalidateTag(tag) {
      if (typeof tag !== 'string') invalidKey('tag', tag);
      for (const rec of this._inflight.values()) {
        if (rec.tags !== undefined && rec.tags.includes(tag)) rec.stale = true;
      }
      for (const [k, rec] of this._inflight) if (rec.stale) this._inflight.delete(k);
      const keys = this._tagIndex !== null ? this._tagIndex.get(tag) : undefined;
      if (keys === undefined) return 0;
      let n = 0;
      const now = this._exp !== null ? this._now() : 0;
      for (const key of [...keys]) {
        const i = this._map.get(key);
        if (i !== undefined) n += this._invalidateSlot(i, now);
      }
      this._invalidated += n;
      return n;
    }

    /**
     * The cached value, or the result of `fn()` (stored with `ttl`/`tags`). Concurrent
     * misses for one key share one call of `fn`; if it rejects, every waiter rejects and
     * nothing is stored; a key invalidated (or set/deleted) while `fn` runs does not get
     * the stale result written back. With `staleWhileRevalidate`, an entry expired less
     * than that long ago is returned at once and refreshed once in the background.
     * @template T
     * @param {string} key
     * @param {(key: string) => T | Promise<T>} fn
     * @param {{ ttl?: number, tags?: string[] }} [options]
     * @returns {Promise<T>}
     */
    getOrCompute(key, fn, options) {
      if (typeof key !== 'string') invalidKey('key', key);
      if (typeof fn !== 'function') throw new TypeError(`fn must be a function, got ${describe(fn)}`);
      let ttl = this._ttl;
      let tags;
      if (options !== undefined) {
        if (options === null || typeof options !== 'object') throw new TypeError(`options must be an object, got ${describe(options)}`);
        if (options.ttl !== undefined) ttl = checkMs('ttl', options.ttl);
        tags = checkTags(options.tags);
      }
      const i = this._map.get(key);
      if (i !== undefined) {
        const e = this._exp !== null ? this._exp[i] : 0;
        const now = e !== 0 ? this._now() : 0;
        if (e === 0 || e > now) {
          this._hits++;
          if (i !== this._head) this._bump(i);
          return Promise.resolve(this._vals[i]);
        }
        if (this._swr !== 0 && e > 0 && e + this._swr > now) {
          this._hits++;
          const stale = this._vals[i];
          if (!this._inflight.has(key)) this._compute(key, fn, ttl, tags).catch(() => {});
          return Promise.resolve(stale);
        }
        if (e < 0) this._purge(i);
        else this._expire(i);
      }
      this._misses++;
      const rec = this._inflight.get(key);
      if (rec !== undefined) return rec.promise;
      return this._compute(key, fn, ttl, tags);
    }

    _compute(key, fn, ttl, tags) {
      const rec = { promise: null, stale: false, tags };
      this._inflight.set(key, rec);
      rec.promise = (async () => {
        try {
          const value = await fn(key);
          if (!rec.stale) this._store(key, value, ttl, tags);
          return value;
        } finally {
          if (this._inflight.get(key) === rec) this._inflight.delete(key);
        }
      })();
      return rec.promise;
    }

    // --- internals -------------------------------------------------------------------

    _bump(i) {
      const next = this._next;
      const prev = this._prev;
      const p = prev[i];
      if (i === this._tail) this._tail = p;
      else prev[next[i]] = p;
      next[p] = next[i];
      next[i] = this._head;
      prev[this._head] = i;
      this._head = i;
    }

    _alloc() {
      if (this._free.length !== 0) return this._free.pop();
      if (this._fill < this._max) {
        const i = this._fill++;
        if (i >= this._cap) this._grow();
        return i;
      }
      if (this._deadCount !== 0) {
        this._purgeSome(1);
        return this._free.pop();
      }
      // At capacity: reuse the least recently used slot.
      // The caller queues the slot's new key for the index, so the removal is not queued.
      const i = this._tail;
      this._evictions++;
      this._removeSlot(i, false);
      return this._free.pop();
    }

    _grow() {
      const cap = Math.min(this._max, this._cap * 2);
      const grow = (a, T) => { const b = new T(cap); b.set(a); return b; };
      const growArray = (a) => { const b = new Array(cap); for (let i = 0; i < a.length; i++) b[i] = a[i]; return b; };
      this._keys = growArray(this._keys);
      this._vals = growArray(this._vals);
      this._next = grow(this._next, Uint32Array);
      this._prev = grow(this._prev, Uint32Array);
      if (this._exp !== null) this._exp = grow(this._exp, Float64Array);
      if (this._sizes !== null) this._sizes = grow(this._sizes, Float64Array);
      this._cap = cap;
    }

    _expire(i) {
      this._expirations++;
      this._removeSlot(i, true);
    }

    /** Unlinks slot i, frees it; `queue` false when the index already forgot it. */
    _removeSlot(i, queue) {
      const key = this._keys[i];
      this._map.delete(key);
      this._unlink(i);
      this._size--;
      this._keys[i] = undefined;
      this._vals[i] = undefined;
      if (this._exp !== null) this._exp[i] = 0;
      if (this._sizes !== null) { this._bytes -= this._sizes[i]; this._sizes[i] = 0; }
      if (this._tags !== null && this._tags[i] !== undefined) this._untag(i, key);
      if (queue && this._index !== null) this._queue(i);
      this._free.push(i);
    }

    _link(i) {
      if (++this._listLen === 1) {
        this._head = i; this._tail = i;
      } else {
        this._next[i] = this._head;
        this._prev[this._head] = i;
        this._head = i;
      }
    }

    _unlink(i) {
      if (--this._listLen === 0) {
        this._head = 0; this._tail = 0;
      } else if (i === this._head) {
        this._head = this._next[i];
      } else if (i === this._tail) {
        this._tail = this._prev[i];
      } else {
        this._next[this._prev[i]] = this._next[i];
        this._prev[this._next[i]] = this._prev[i];
      }
    }

    /**
     * Removes live slot i, or purges it when it is a tombstone; returns true for a tombstone
     * (nothing live was removed).
     */
    _drop(i) {
      if (this._exp !== null && this._exp[i] < 0) { this._purge(i); return true; }
      this._removeSlot(i, true);
      return false;
    }

    /**
     * Removes slot i for an invalidation. Returns 1 when it held a live entry; 0 when it was
     * a tombstone or had expired (an expired entry is already gone: it counts as an
     * expiration, not as invalidated).
     */
    _invalidateSlot(i, now) {
      if (this._exp !== null) {
        const e = this._exp[i];
        if (e < 0) { this._purge(i); return 0; }
        if (e !== 0 && e <= now) { this._expire(i); return 0; }
      }
      this._removeSlot(i, true);
      return 1;
    }

    /**
     * Pattern invalidation of slot i: its value is released at once; its Map entry and list
     * node stay as a tombstone (exp = -1) until the slot is needed, reaches the LRU tail or
     * the key is touched — Map.delete and unlinking (random memory accesses) are the per-key
     * costs that would otherwise dominate a large invalidation. The index forgot the slot.
     */
    _kill(i) {
      this._size--;
      if (this._exp === null) this._exp = new Float64Array(this._cap);
      this._exp[i] = -1;
      this._vals[i] = undefined;
      if (this._sizes !== null) { this._bytes -= this._sizes[i]; this._sizes[i] = 0; }
      if (this._tags !== null && this._tags[i] !== undefined) this._untag(i);
      this._dead.push(i);
      this._deadCount++;
      if (this._dead.length > 2 * this._deadCount + 1024) {
        // Drop queue entries of slots revived since (their exp is no longer -1).
        this._dead = this._dead.filter((d) => this._exp[d] < 0);
      }
    }

    /** Purges tombstone i: its Map entry goes, its slot is free. */
    _purge(i) {
      this._unlink(i);
      this._map.delete(this._keys[i]);
      this._keys[i] = undefined;
      this._exp[i] = 0;
      if (--this._deadCount === 0) this._dead.length = 0;
      this._free.push(i);
    }

    /** Purges up to `n` tombstones from the queue (skipping revived or reused slots). */
    _purgeSome(n) {
      const dead = this._dead;
      while (n > 0 && dead.length !== 0) {
        const i = dead.pop();
        if (this._exp[i] < 0) { this._purge(i); n--; }
      }
    }

    _tag(i, key, tags) {
      if (this._tags === null) { this._tags = []; this._tagIndex = new Map(); }
      this._tags[i] = tags.slice();
      for (const t of tags) {
        let set = this._tagIndex.get(t);
        if (set === undefined) this._tagIndex.set(t, (set = new Set()));
        set.add(key);
      }
    }

    _untag(i, key = this._keys[i]) {
      for (const t of this._tags[i]) {
        const set = this._tagIndex.get(t);
        if (set !== undefined) {
          set.delete(key);
          if (set.size === 0) this._tagIndex.delete(t);
        }
      }
      this._tags[i] = undefined;
    }

    _staleInflight(key) {
      const rec = this._inflight.get(key);
      if (rec !== undefined) {
        rec.stale = true;
        this._inflight.delete(key);
      }
    }

    _queue(i) {
      this._pending.push(i);
      if (this._pending.length >= Math.max(4096, this._cap)) this._flush();
    }

    /** Ships the queued slot changes to the index in batches. */
    _flush() {
      const pending = this._pending;
      if (pending.length === 0) return;
      this._pending = [];
      for (let s = 0; s < pending.length; s += BATCH) {
        const n = Math.min(BATCH, pending.length - s);
        const slots = new Uint32Array(n);
        const lens = new Uint32Array(n);
        const parts = [];
        for (let j = 0; j < n; j++) {
          const i = pending[s + j];
          slots[j] = i;
          const k = this._keys[i];
          if (k === undefined || (this._exp !== null && this._exp[i] < 0)) lens[j] = REMOVED;
          else { lens[j] = k.length; parts.push(k); }
        }
        // Text when the batch is well-formed (the common case: no copy of code units; the
        // index stores BMP keys as their UTF-8), code units when it holds a lone surrogate.
        const text = parts.join('');
        if (text.isWellFormed()) this._index.applyText(slots, lens, text);
        else this._index.apply(slots, lens, codeUnits([text]));
      }
    }

    _ensureIndex() {
      if (this._index === null) {
        this._index = new binding.CacheIndex();
        const pending = [];
        for (const i of this._map.values()) pending.push(i);
        this._pending = pending;
      }
      this._flush();
    }

    /**
     * Kind, pattern, flags → removes the matches (all decided by the backend). Returns the
     * number of live entries removed; matched entries that had expired count as expirations.
     */
    _invalidatePattern(kind, pattern, flags) {
      this._ensureIndex();
      const units = codeUnits([pattern]);
      // Compiles first: an unsupported pattern throws here, before anything changes.
      let out = this._out || (this._out = new Uint32Array(1024));
      const len = this._index.takeMatchesInto(kind, units, flags, out);
      if (len > out.length) {
        out = new Uint32Array(len);
        this._index.copyResult(out);
      }
      let removed = len;
      if (this._exp !== null) {
        const now = this._now();
        const exp = this._exp;
        for (let j = 0; j < len; j++) {
          const e = exp[out[j]];
          if (e > 0 && e <= now) { removed--; this._expirations++; }
        }
      }
      for (let j = 0; j < len; j++) this._kill(out[j]);
      if (this._inflight.size !== 0) this._staleInflightMatching(kind, units, flags);
      this._invalidated += removed;
      return removed;
    }

    _staleInflightMatching(kind, units, flags) {
      const keys = [...this._inflight.keys()];
      for (const j of this._matchKeys(kind, units, flags, keys)) this._staleInflight(keys[j]);
    }

    /** Indices of `keys` that the pattern matches (the index need not hold them). */
    _matchKeys(kind, units, flags, keys) {
      const lens = new Uint32Array(keys.length);
      keys.forEach((k, j) => { lens[j] = k.length; });
      return this._index.matchKeys(kind, units, flags, lens, codeUnits(keys));
    }

    /**
     * Hidden: the given keys (not necessarily cached) that a RegExp matches, decided by the
     * backend in linear time, as `invalidate(re)` would (TieredCache filters Redis keys with
     * it, so no key is ever tested with V8's backtracking RegExp).
     * @param {RegExp} re
     * @param {string[]} keys
     */
    _matching(re, keys) {
      this._ensureIndex();
      const hits = this._matchKeys(PatternKind.Regex, codeUnits([re.source]), re.flags, keys);
      return Array.from(hits, (j) => keys[j]);
    }

    /** Hidden: ships queued index updates now (benchmarks use it to time them apart). */
    _syncIndex() {
      this._ensureIndex();
    }
  }

  /**
   * The original design's `server/utils/cacheManager.js` interface on top of `Cache`:
   * TTLs in seconds, `get` resolves `null` on a miss, everything async.
   */
  class CacheManager {
    /**
     * @param {{ defaultTTL?: number, max?: number, maxBytes?: number, now?: () => number }} [options]
     *   defaultTTL in seconds (default 60; 0 or missing → 60, as the original).
     */
    constructor(options = {}) {
      const { defaultTTL, useRedis, redis, ...rest } = options || {}; // eslint-disable-line no-unused-vars
      this.defaultTTL = defaultTTL || 60;
      this.cache = new Cache({ max: 10_000, ...rest, ttl: this.defaultTTL * 1000 });
    }

    /** @param {string} key @returns {Promise<any>} the value or null */
    async get(key) {
      const v = this.cache.get(key);
      return v === undefined ? null : v;
    }

    /** @param {string} key @param {any} value @param {number} [ttl] seconds */
    async set(key, value, ttl = this.defaultTTL) {
      this.cache.set(key, value, { ttl: ttl * 1000 });
    }

    /** @param {string | RegExp} keyOrPattern @returns {Promise<number>} entries removed */
    async invalidate(keyOrPattern) {
      return this.cache.invalidate(keyOrPattern);
    }

    /**
     * @param {string} key @param {() => any} computeFn @param {number} [ttl] seconds
     * @returns {Promise<any>}
     */
    async getOrCompute(key, computeFn, ttl = this.defaultTTL) {
      return this.cache.getOrCompute(key, () => computeFn(), { ttl: ttl * 1000 });
    }

    /** The underlying cache's stats. */
    stats() {
      return this.cache.stats();
    }
  }

  return { Cache, CacheManager };
}

module.exports = { create, defaultSizeOf };
