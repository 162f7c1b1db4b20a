'use strict';
/**
 * The JS half of the `cache` hot path: `Cache` (its seed facade, `CacheManager`, is in
 * lib/compat/cache-manager.js).
 *
 * get/set/has/delete never cross into the backend (a crossing costs more than lru-cache's
 * whole `get`; docs/cache.md). With `policy: 'tinylfu'`, eviction is decided by the Rust
 * W-TinyLFU core, fed by an operation log in a Uint32Array (docs/cache-policy.md). The layout is lru-cache's, leaner: a Map key → slot, keys and
 * values in plain arrays (values held by reference), recency as a doubly linked list in two
 * Uint32Arrays, expiry in a Float64Array allocated on first TTL use.
 *
 * The backend's `CacheIndex` (Rust) holds the keys in order for pattern invalidation. It is
 * created by the first pattern call (which indexes every key then: one long call on a large
 * cache), or at construction with `patterns: true` (then no call ever indexes more than FLUSH
 * keys), and kept current lazily: the slots whose key changed are queued and shipped in
 * batches of at most FLUSH before the next pattern invalidation, or when the queue is full.
 * A cache that never uses a pattern pays nothing for it (no index, no queue). Keys and patterns
 * cross as UTF-16 code units (a
 * Uint16Array), so every JS string — lone surrogates included — arrives exactly, and every
 * pattern is decided in Rust in linear time (no RegExp is run here).
 */
const args = require('./args');
const { fail } = require('./errors');
const { INTERNALS, apiOf } = require('./internal');
const compute = require('./cache-compute');
const snapshot = require('./cache-snapshot');

const { describe } = args;
const REMOVED = 0xFFFFFFFF;
// Index upkeep is shipped in batches of at most FLUSH slot changes (~1-3 ms a batch): with
// `patterns: true` no call ships more than FLUSH keys at once (issue 13, "no stall").
const FLUSH = 4096;
// The 'tinylfu' policy's operation log (src/cache/policy_log.rs): a read is the slot id, an
// insert `INSERT | slot, hash, weight`, a removal `REMOVE | slot`.
const INSERT = 0x80000000;
const REMOVE = 0xC0000000;
const LOG = 4096;
const MAX_TINYLFU = 0x3FFFFFFE; // slots (max + 1) must fit the log's 30 slot bits
const POLICIES = ['lru', 'tinylfu'];

/** A 32-bit hash of a key for the frequency sketch (FNV-1a over the code units). */
function hashKey(key) {
  let h = 0x811C9DC5;
  for (let j = 0; j < key.length; j++) h = Math.imul(h ^ key.charCodeAt(j), 0x01000193);
  return h >>> 0;
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
 * An in-process LRU cache with TTL, byte bound, tag/prefix/glob/RegExp invalidation and
 * single-flight `getOrCompute`. Keys are strings; values are held by reference.
 */
class Cache {
  #binding;
  #max;
  #slots;
  #policy;
  #log;
  #logLen;
  #evicted;
  #ttl;
  #swr;
  #maxBytes;
  #sizeOf;
  #now;
  #map;
  #cap;
  #keys;
  #vals;
  #next;
  #prev;
  #exp;
  #sizes;
  #tags;
  #tagIndex;
  #bytes;
  #size;
  #listLen;
  #dead;
  #deadCount;
  #out;
  #fill;
  #free;
  #head;
  #tail;
  #index;
  #pending;
  #inflight;
  #hits;
  #misses;
  #sets;
  #deletes;
  #evictions;
  #expirations;
  #invalidated;
  #dispose;
  #onInsert;
  #refresh;
  #hookErrors;

  /**
   * @param {{ max?: number, maxBytes?: number, ttl?: number, sizeOf?: (value: any, key: string) => number,
   *   staleWhileRevalidate?: number, refreshThreshold?: number, now?: () => number,
   *   policy?: 'lru' | 'tinylfu', patterns?: boolean, dispose?: (value: any, key: string, reason: string) => void,
   *   onInsert?: (value: any, key: string, reason: 'add' | 'update' | 'replace') => void }} [options]
   *   max: entries (default 10 000); maxBytes: bound on the sum of `sizeOf` (default none);
   *   policy: what to evict — 'lru' (default) the least recently used entry, 'tinylfu'
   *   W-TinyLFU (docs/cache-policy.md): a recency window plus a frequency-filtered main space;
   *   patterns: true keeps the key index for pattern invalidation current from the start, so
   *   that no call stalls (default false: the first pattern call builds it);
   *   ttl: default time to live in ms (0 = none); staleWhileRevalidate: ms after expiry during
   *   which getOrCompute serves the stale value and refreshes once in the background;
   *   refreshThreshold: ms before expiry within which a getOrCompute hit refreshes once in the
   *   background (refresh-ahead, 0 = off); now: the clock in ms (default Date.now);
   *   dispose: called when a value leaves ('evict' | 'expire' | 'delete' | 'set' | 'invalidate'
   *   | 'clear'); onInsert: called when a value is stored. A hook that throws is counted in
   *   `stats().hookErrors` and ignored.
   */
  constructor(options = {}) {
    args.object(TypeError, 'options', options);
    const { max = 10_000, maxBytes, ttl = 0, sizeOf, staleWhileRevalidate = 0, refreshThreshold = 0, now, dispose, onInsert, policy = 'lru', patterns = false } = options;
    if (!POLICIES.includes(policy)) args.reject(RangeError, 'policy', "'lru' or 'tinylfu'", policy);
    const top = policy === 'tinylfu' ? MAX_TINYLFU : 0xFFFFFFF0;
    if (!Number.isInteger(max) || max < 1 || max > top) args.reject(RangeError, 'max', `an integer from 1 to ${top}`, max);
    if (maxBytes !== undefined && (typeof maxBytes !== 'number' || !(maxBytes > 0))) args.reject(RangeError, 'maxBytes', 'a number > 0', maxBytes);
    args.optional(args.func, TypeError, 'sizeOf', sizeOf);
    args.optional(args.func, TypeError, 'now', now);
    args.optional(args.func, TypeError, 'dispose', dispose);
    args.optional(args.func, TypeError, 'onInsert', onInsert);
    if (typeof patterns !== 'boolean') args.reject(TypeError, 'patterns', 'a boolean', patterns);
    this.#binding = apiOf(new.target).__backend.binding;
    this.#max = max;
    if (policy === 'tinylfu') {
      // One slot more than max: a set stores its entry before the policy picks what to evict.
      this.#slots = max + 1;
      this.#policy = new this.#binding.CachePolicy(max, maxBytes === undefined ? 0 : Math.max(1, Math.floor(maxBytes)));
      this.#log = new Uint32Array(LOG);
      this.#evicted = new Uint32Array(64);
    } else {
      this.#slots = max;
      this.#policy = null;
      this.#log = null;
      this.#evicted = null;
    }
    this.#logLen = 0;
    this.#ttl = args.ms(RangeError, 'ttl', ttl);
    this.#swr = args.ms(RangeError, 'staleWhileRevalidate', staleWhileRevalidate);
    this.#refresh = args.ms(RangeError, 'refreshThreshold', refreshThreshold);
    this.#dispose = dispose || null;
    this.#onInsert = onInsert || null;
    this.#hookErrors = 0;
    this.#maxBytes = maxBytes === undefined ? 0 : maxBytes;
    this.#sizeOf = sizeOf || defaultSizeOf;
    this.#now = now || Date.now;
    this.#map = new Map();
    this.#cap = Math.min(this.#slots, 1024);
    // Preallocated (holey) like lru-cache's, grown with the typed arrays: no push slack.
    this.#keys = new Array(this.#cap);
    this.#vals = new Array(this.#cap);
    this.#next = new Uint32Array(this.#cap);
    this.#prev = new Uint32Array(this.#cap);
    this.#exp = null; // Float64Array once a TTL is used: absolute expiry ms, 0 = none
    this.#sizes = this.#maxBytes ? new Float64Array(this.#cap) : null;
    this.#tags = null; // slot → tags, once tags are used
    this.#tagIndex = null; // tag → Set of keys
    this.#bytes = 0;
    this.#size = 0; // live entries (the Map and the list also hold tombstones until purged)
    this.#listLen = 0; // entries in the recency list, tombstones included
    this.#dead = []; // tombstoned slots (exp = -1), purged lazily
    this.#deadCount = 0;
    this.#out = null; // result buffer for the index
    this.#fill = 0; // slots ever used
    this.#free = [];
    this.#head = 0;
    this.#tail = 0;
    // The backend's CacheIndex: from the start with `patterns`, else from the first pattern call.
    this.#index = patterns ? new this.#binding.CacheIndex() : null;
    this.#pending = [];
    this.#inflight = new Map(); // key → { promise, stale, tags }
    this.#hits = 0; this.#misses = 0; this.#sets = 0; this.#deletes = 0;
    this.#evictions = 0; this.#expirations = 0; this.#invalidated = 0;
  }

  /** Number of entries (expired entries not yet removed included, as in lru-cache). */
  get size() { return this.#size; }

  /**
   * The value for `key`, or undefined (an expired entry counts as a miss). Marks it most
   * recently used.
   * @param {string} key
   */
  get(key) {
    const i = this.#map.get(key);
    if (i === undefined) {
      if (typeof key !== 'string') invalidKey('key', key);
      this.#misses++;
      return undefined;
    }
    if (this.#exp !== null) {
      const e = this.#exp[i];
      if (e !== 0 && (e < 0 || e <= this.#now())) {
        this.#misses++;
        if (e < 0) this.#purge(i);
        else if (this.#swr === 0 || e + this.#swr <= this.#now()) this.#expire(i);
        return undefined;
      }
    }
    this.#hits++;
    if (this.#policy !== null) {
      // W-TinyLFU: the read goes to the log (no crossing), dropped when the log is full (as
      // Caffeine's read buffer): the next write drains it.
      if (this.#logLen !== LOG) this.#log[this.#logLen++] = i;
      return this.#vals[i];
    }
    if (i !== this.#head) this.#bump(i);
    return this.#vals[i];
  }

  /**
   * Whether `key` holds a live (unexpired) entry; does not change recency or stats.
   * @param {string} key
   */
  has(key) {
    const i = this.#map.get(key);
    if (i === undefined) {
      if (typeof key !== 'string') invalidKey('key', key);
      return false;
    }
    if (this.#exp !== null) {
      const e = this.#exp[i];
      if (e !== 0 && (e < 0 || e <= this.#now())) return false;
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
    const ttl = options === undefined ? this.#ttl : this.#entryTtl(options);
    const tags = options === undefined ? undefined : checkTags(options.tags);
    if (this.#inflight.size !== 0) this.#staleInflight(key);
    this.#store(key, value, ttl, tags);
    return this;
  }

  #store(key, value, ttl, tags) {
    let size = 0;
    if (this.#maxBytes !== 0) {
      size = this.#sizeOf(value, key);
      if (typeof size !== 'number' || !(size >= 0)) args.reject(RangeError, 'sizeOf(value, key)', 'a number >= 0', size);
      if (size > this.#maxBytes) {
        // Larger than the whole cache: not stored (and an older value is dropped), as lru-cache.
        const old = this.#map.get(key);
        if (old !== undefined) this.#drop(old, 'set');
        return;
      }
    }
    let i = this.#map.get(key);
    if (this.#policy !== null) {
      this.#storeTinyLfu(key, value, ttl, tags, size, i);
      return;
    }
    let inserted = 'add';
    if (i === undefined && this.#fill === this.#max && this.#free.length === 0 && this.#deadCount === 0) {
      // At capacity: recycle the least recently used slot in place (no unlink + relink).
      i = this.#tail;
      const old = this.#keys[i];
      if (this.#dispose !== null) this.#disposed(this.#vals[i], old, 'evict');
      this.#map.delete(old);
      if (this.#tags !== null && this.#tags[i] !== undefined) this.#untag(i, old);
      if (this.#sizes !== null) { this.#bytes -= this.#sizes[i]; this.#sizes[i] = 0; }
      this.#evictions++;
      if (i !== this.#head) this.#bump(i);
      this.#map.set(key, i);
      this.#keys[i] = key;
      if (this.#index !== null) this.#queue(i);
    } else if (i === undefined) {
      i = this.#add(key);
    } else if (this.#exp !== null && this.#exp[i] < 0) {
      this.#revive(i);
    } else {
      if (i !== this.#head) this.#bump(i);
      if (this.#tags !== null && this.#tags[i] !== undefined) this.#untag(i);
      inserted = this.#vals[i] === value ? 'update' : 'replace';
      if (this.#dispose !== null && inserted === 'replace') this.#disposed(this.#vals[i], key, 'set');
    }
    this.#setEntry(i, key, value, ttl, tags);
    if (this.#maxBytes !== 0) {
      this.#bytes += size - this.#sizes[i];
      this.#sizes[i] = size;
      while (this.#bytes > this.#maxBytes && this.#tail !== i) {
        const t = this.#tail;
        if (this.#exp !== null && this.#exp[t] < 0) {
          this.#purge(t);
        } else {
          this.#evictions++;
          this.#removeSlot(t, true, 'evict');
        }
      }
    }
    if (this.#onInsert !== null) this.#hook(this.#onInsert, value, key, inserted);
  }

  /**
   * A tombstone of its key becomes a live slot again (the index forgot it: it is queued
   * again). Live before it is queued: the queue may ship at once, and a slot still marked
   * dead would go to the index as removed.
   */
  #revive(i) {
    if (--this.#deadCount === 0) this.#dead.length = 0;
    this.#exp[i] = 0;
    this.#size++;
    if (i !== this.#head) this.#bump(i);
    if (this.#index !== null) this.#queue(i);
  }

  /** A new slot for `key` (linked, counted, queued for the index); returns it. */
  #add(key) {
    const i = this.#alloc();
    this.#map.set(key, i);
    this.#keys[i] = key;
    this.#link(i);
    this.#size++;
    if (this.#index !== null) this.#queue(i);
    return i;
  }

  /** Value, expiry and tags of slot i (its key is `key`). */
  #setEntry(i, key, value, ttl, tags) {
    this.#vals[i] = value;
    if (ttl > 0) {
      if (this.#exp === null) this.#exp = new Float64Array(this.#cap);
      this.#exp[i] = this.#now() + ttl;
    } else if (this.#exp !== null) {
      this.#exp[i] = 0;
    }
    if (tags !== undefined) this.#tag(i, key, tags);
    this.#sets++;
  }

  /**
   * `#store` with W-TinyLFU: the entry is stored at once and logged for the policy; the log
   * is drained (one crossing, which evicts) when the cache is over `max` or `maxBytes`, or
   * the log is full. Below the bounds, sets cost no crossing.
   */
  #storeTinyLfu(key, value, ttl, tags, size, i) {
    let inserted = 'add';
    if (i === undefined) {
      i = this.#add(key);
      this.#logInsert(i, key, size);
    } else if (this.#exp !== null && this.#exp[i] < 0) {
      this.#revive(i);
      this.#logInsert(i, key, size);
    } else {
      // The JS list is only the write order here (keys(), dump()): reads do not move it.
      if (i !== this.#head) this.#bump(i);
      if (this.#tags !== null && this.#tags[i] !== undefined) this.#untag(i);
      inserted = this.#vals[i] === value ? 'update' : 'replace';
      if (this.#dispose !== null && inserted === 'replace') this.#disposed(this.#vals[i], key, 'set');
      // An update is a read for the policy, or a reweigh (same slot and hash) with maxBytes.
      if (this.#maxBytes !== 0) this.#logInsert(i, key, size);
      else if (this.#logLen !== LOG) this.#log[this.#logLen++] = i;
    }
    this.#setEntry(i, key, value, ttl, tags);
    if (this.#maxBytes !== 0) {
      this.#bytes += size - this.#sizes[i];
      this.#sizes[i] = size;
    }
    // Stored, then told: the policy may evict this very entry (admission), which `dispose`
    // then reports as 'evict'.
    if (this.#onInsert !== null) this.#hook(this.#onInsert, value, key, inserted);
    if (this.#size > this.#max || this.#bytes > this.#maxBytes || this.#logLen === LOG) this.#drain();
  }

  #logInsert(i, key, size) {
    if (this.#logLen > LOG - 3) this.#drain();
    const log = this.#log;
    let n = this.#logLen;
    log[n++] = (INSERT | i) >>> 0;
    log[n++] = hashKey(key);
    log[n++] = size === 0 ? 0 : Math.min(Math.ceil(size), 0xFFFFFFFF);
    this.#logLen = n;
  }

  /** Logs that slot i was emptied (the policy must forget it). */
  #logRemove(i) {
    if (this.#logLen === LOG) this.#drain();
    this.#log[this.#logLen++] = (REMOVE | i) >>> 0;
  }

  /** Ships the log to the policy in one call and evicts what it returns. */
  #drain() {
    const n = this.#logLen;
    this.#logLen = 0;
    let out = this.#evicted;
    const len = this.#policy.drain(this.#log.subarray(0, n), out);
    if (len > out.length) {
      out = new Uint32Array(len);
      this.#policy.copyEvicted(out);
    }
    for (let j = 0; j < len; j++) {
      this.#evictions++;
      this.#removeSlot(out[j], true, 'evict', false);
    }
  }

  /**
   * Removes `key`; true when it was there.
   * @param {string} key
   */
  delete(key) {
    if (typeof key !== 'string') invalidKey('key', key);
    if (this.#inflight.size !== 0) this.#staleInflight(key);
    const i = this.#map.get(key);
    if (i === undefined || this.#drop(i, 'delete')) return false;
    this.#deletes++;
    return true;
  }

  /** Removes every entry; computations in flight will not write their results. */
  clear() {
    const gone = this.#dispose !== null ? [...this.#entries(true)] : null;
    for (const rec of this.#inflight.values()) rec.stale = true;
    this.#inflight.clear();
    this.#map.clear();
    this.#keys.fill(undefined);
    this.#vals.fill(undefined);
    this.#free = [];
    this.#fill = 0;
    this.#bytes = 0;
    this.#size = 0;
    this.#listLen = 0;
    this.#dead = [];
    this.#deadCount = 0;
    this.#tags = null;
    this.#tagIndex = null;
    if (this.#exp !== null) this.#exp.fill(0);
    if (this.#sizes !== null) this.#sizes.fill(0);
    this.#pending = [];
    if (this.#index !== null) this.#index.clear();
    if (this.#policy !== null) { this.#logLen = 0; this.#policy.clear(); }
    if (gone !== null) for (const e of gone) this.#disposed(e.value, e.key, e.expired ? 'expire' : 'clear');
  }

  /** Live keys, most recently used first (as lru-cache's `keys()`). */
  * keys() {
    const now = this.#exp !== null ? this.#now() : 0;
    let n = this.#listLen;
    for (let i = this.#head; n > 0; i = this.#next[i], n--) {
      const key = this.#keys[i];
      if (this.#exp !== null && this.#exp[i] !== 0 && (this.#exp[i] < 0 || this.#exp[i] <= now)) continue;
      yield key;
    }
  }

  /**
   * `{ hits, misses, sets, deletes, evictions, expirations, invalidated, hookErrors, size, hitRate }`.
   * `invalidated` counts entries removed by invalidate*, `deletes` by delete(), `hookErrors`
   * the calls of `dispose` / `onInsert` that threw.
   */
  stats() {
    const lookups = this.#hits + this.#misses;
    return {
      hits: this.#hits,
      misses: this.#misses,
      sets: this.#sets,
      deletes: this.#deletes,
      evictions: this.#evictions,
      expirations: this.#expirations,
      invalidated: this.#invalidated,
      hookErrors: this.#hookErrors,
      size: this.#size,
      hitRate: lookups === 0 ? 0 : this.#hits / lookups,
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
      if (this.#inflight.size !== 0) this.#staleInflight(keyOrPattern);
      const i = this.#map.get(keyOrPattern);
      if (i === undefined) return 0;
      const n = this.#invalidateSlot(i, this.#exp !== null ? this.#now() : 0);
      this.#invalidated += n;
      return n;
    }
    if (!(keyOrPattern instanceof RegExp)) invalidKey('keyOrPattern (a string or a RegExp)', keyOrPattern);
    return this.#invalidatePattern(this.#binding.PatternKind.Regex, keyOrPattern.source, keyOrPattern.flags);
  }

  /**
   * Removes every key starting with `prefix`; returns the number removed.
   * @param {string} prefix
   */
  invalidatePrefix(prefix) {
    if (typeof prefix !== 'string') invalidKey('prefix', prefix);
    return this.#invalidatePattern(this.#binding.PatternKind.Prefix, prefix, '');
  }

  /**
   * Removes every key matching a Redis MATCH glob (`*`, `?`, `[abc]`, `[^a]`, `[a-z]`,
   * `\x`); returns the number removed.
   * @param {string} glob
   */
  invalidateGlob(glob) {
    if (typeof glob !== 'string') invalidKey('glob', glob);
    return this.#invalidatePattern(this.#binding.PatternKind.Glob, glob, '');
  }

  /**
   * Removes every entry set with `tag`; returns the number removed.
   * @param {string} tag
   */
  invalidateTag(tag) {
    if (typeof tag !== 'string') invalidKey('tag', tag);
    for (const rec of this.#inflight.values()) {
      if (rec.tags !== undefined && rec.tags.includes(tag)) rec.stale = true;
    }
    for (const [k, rec] of this.#inflight) if (rec.stale) this.#inflight.delete(k);
    const keys = this.#tagIndex !== null ? this.#tagIndex.get(tag) : undefined;
    if (keys === undefined) return 0;
    let n = 0;
    const now = this.#exp !== null ? this.#now() : 0;
    for (const key of [...keys]) {
      const i = this.#map.get(key);
      if (i !== undefined) n += this.#invalidateSlot(i, now);
    }
    this.#invalidated += n;
    return n;
  }

  /**
   * The cached value, or the result of `fn(key, { signal, stale })` (stored with `ttl`/`tags`).
   * Concurrent misses for one key share one call of `fn`; if it rejects, every waiter rejects
   * and nothing is stored; a key set, deleted or invalidated while `fn` runs does not get
   * the result written back. With `staleWhileRevalidate`, an entry expired less than that long
   * ago is returned at once and refreshed once in the background; with `refreshThreshold`, so
   * is a live entry that expires within that many ms (refresh-ahead).
   *
   * `signal` and `timeout` bound this call: when either fires, the call rejects with the
   * signal's reason (a `TimeoutError` DOMException for the timeout) — or, with `staleOnError`,
   * resolves to the expired value `fn` was asked to replace, if there was one (also when `fn`
   * rejects). When every waiting caller has given up, the `signal` passed to `fn` aborts; a
   * result `fn` still delivers is stored unless the key changed meanwhile (lib/cache-compute.js).
   * @template T
   * @param {string} key
   * @param {(key: string, context: { signal: AbortSignal, stale: T | undefined }) => T | Promise<T>} fn
   * @param {{ ttl?: number, tags?: string[], signal?: AbortSignal, timeout?: number,
   *   staleOnError?: boolean, refreshThreshold?: number }} [options]
   * @returns {Promise<T>}
   */
  getOrCompute(key, fn, options) {
    if (typeof key !== 'string') invalidKey('key', key);
    args.func(TypeError, 'fn', fn);
    const ttl = options === undefined ? this.#ttl : this.#entryTtl(options);
    const tags = options === undefined ? undefined : checkTags(options.tags);
    const call = options === undefined ? compute.DEFAULTS : compute.callOptions(options);
    const i = this.#map.get(key);
    let stale = compute.NO_STALE;
    if (i !== undefined) {
      const e = this.#exp !== null ? this.#exp[i] : 0;
      const now = e !== 0 ? this.#now() : 0;
      if (e === 0 || e > now) {
        this.#hits++;
        if (this.#policy !== null) { if (this.#logLen !== LOG) this.#log[this.#logLen++] = i; }
        else if (i !== this.#head) this.#bump(i);
        const value = this.#vals[i];
        if (e !== 0 && e - now <= (call.refreshThreshold === undefined ? this.#refresh : call.refreshThreshold)) {
          this.#background(key, fn, ttl, tags, value, call.timeout);
        }
        return Promise.resolve(value);
      }
      if (this.#swr !== 0 && e > 0 && e + this.#swr > now) {
        this.#hits++;
        const value = this.#vals[i];
        this.#background(key, fn, ttl, tags, value, call.timeout);
        return Promise.resolve(value);
      }
      if (e < 0) this.#purge(i);
      else { stale = this.#vals[i]; this.#expire(i); }
    }
    this.#misses++;
    const running = this.#running(key);
    if (call.signal !== undefined && call.signal.aborted) return compute.abandoned(call, running !== undefined ? running.staleValue : stale);
    return compute.wait(running || this.#start(key, fn, ttl, tags, stale, false, 0), call);
  }

  /**
   * `fn` memoised in this cache: an async function with single-flight per key.
   * `options.key(...args)` names the entry (default: a namespace of this memo + the
   * arguments as JSON); `tags` is an array or `(...args) => string[]`; `ttl`, `timeout`,
   * `staleOnError`, `refreshThreshold` are getOrCompute's. `memoized.keyOf(...args)` is the
   * key of a call (lib/cache-compute.js).
   * @template {(...args: any[]) => any} F
   * @param {F} fn
   * @param {object} [options]
   */
  memo(fn, options) {
    return compute.memo(this, fn, options);
  }

  /**
   * The value of a live entry, or undefined, without marking it used or counting a hit
   * (lru-cache's `peek`).
   * @param {string} key
   */
  peek(key) {
    const i = this.#live(key);
    return i < 0 ? undefined : this.#vals[i];
  }

  /**
   * The ms `key` has left: 0 when it is missing or expired, Infinity when it has no TTL
   * (lru-cache's `getRemainingTTL`, except that an expired entry reads 0, not a negative).
   * @param {string} key
   */
  getRemainingTTL(key) {
    const i = this.#live(key);
    if (i < 0) return 0;
    const e = this.#exp !== null ? this.#exp[i] : 0;
    return e === 0 ? Infinity : e - this.#now();
  }

  /**
   * `{ value, ttl, start, tags }` of a live entry (ttl: the ms left, with `start` the clock's
   * now, both only when it has a TTL; tags when it has some), or undefined — lru-cache's
   * `info`. No recency or stats change.
   * @param {string} key
   */
  info(key) {
    const i = this.#live(key);
    if (i < 0) return undefined;
    const out = { value: this.#vals[i] };
    const e = this.#exp !== null ? this.#exp[i] : 0;
    if (e !== 0) {
      const now = this.#now();
      out.ttl = e - now;
      out.start = now;
    }
    if (this.#tags !== null && this.#tags[i] !== undefined) out.tags = this.#tags[i].slice();
    return out;
  }

  /**
   * The live entries, least recently used first, as `[key, { value, ttl, tags? }]` with `ttl`
   * the ms left (0 = none): JSON-serialisable when the values are. `load()` restores them.
   * @returns {Array<[string, { value: any, ttl: number, tags?: string[] }]>}
   */
  dump() {
    return snapshot.dump(this.#entries(false));
  }

  /**
   * Stores `dump()`'s entries (in order, so recency is kept), each with its remaining TTL
   * and tags, over what the cache holds. All are checked first: bad input throws and stores
   * nothing. Returns the cache.
   * @param {Array<[string, { value: any, ttl?: number, tags?: string[] }]>} entries
   */
  load(entries) {
    for (const [key, value, options] of snapshot.check(entries)) this.set(key, value, options);
    return this;
  }

  /**
   * The values of `keys` (undefined where missing), as `get` each: hits and misses counted,
   * recency changed.
   * @param {string[]} keys
   */
  mget(keys) {
    if (!Array.isArray(keys)) invalidKey('keys (an array of strings)', keys);
    const out = new Array(keys.length);
    for (let j = 0; j < keys.length; j++) out[j] = this.get(keys[j]);
    return out;
  }

  /**
   * Stores every `{ key, value, ttl?, tags? }` (cache-manager's `mset` shape); all are checked
   * first, so bad input stores nothing. Returns the cache.
   * @param {Array<{ key: string, value: any, ttl?: number, tags?: string[] }>} entries
   */
  mset(entries) {
    if (!Array.isArray(entries)) args.reject(TypeError, 'entries', 'an array of { key, value, ttl?, tags? }', entries);
    const checked = entries.map((e, j) => {
      args.object(TypeError, `entries[${j}]`, e);
      if (typeof e.key !== 'string') invalidKey(`entries[${j}].key`, e.key);
      const ttl = e.ttl === undefined ? this.#ttl : args.ms(RangeError, `entries[${j}].ttl`, e.ttl);
      return [e.key, e.value, { ttl, tags: checkTags(e.tags) }];
    });
    for (const [key, value, options] of checked) this.set(key, value, options);
    return this;
  }

  // --- internals -------------------------------------------------------------------

  /** The flight computing `key`, unless there is none or every caller left it. */
  #running(key) {
    const rec = this.#inflight.size !== 0 ? this.#inflight.get(key) : undefined;
    return rec === undefined || rec.aborted ? undefined : rec;
  }

  /** Starts computing `key` (replacing an abandoned flight, whose result will not be stored). */
  #start(key, fn, ttl, tags, stale, background, timeout) {
    const old = this.#inflight.get(key);
    if (old !== undefined) old.stale = true;
    const rec = compute.start(key, fn, {
      tags,
      stale,
      background,
      timeout,
      store: (value) => { if (!rec.stale) this.#store(key, value, ttl, tags); },
      done: () => { if (this.#inflight.get(key) === rec) this.#inflight.delete(key); },
    });
    this.#inflight.set(key, rec);
    return rec;
  }

  /** A refresh in the background (refresh-ahead, stale-while-revalidate), once per key. */
  #background(key, fn, ttl, tags, stale, timeout) {
    if (this.#running(key) === undefined) this.#start(key, fn, ttl, tags, stale, true, timeout);
  }

  /** Slot of a live entry of `key`, or -1 (throws ERR_INVALID_KEY for a non-string). */
  #live(key) {
    const i = this.#map.get(key);
    if (i === undefined) {
      if (typeof key !== 'string') invalidKey('key', key);
      return -1;
    }
    if (this.#exp !== null) {
      const e = this.#exp[i];
      if (e !== 0 && (e < 0 || e <= this.#now())) return -1;
    }
    return i;
  }

  /**
   * The entries, least recently used first: `{ key, value, ttl, tags, expired }` with `ttl`
   * the ms left (0 = none). Expired ones only `withExpired`; tombstones never.
   */
  * #entries(withExpired) {
    const now = this.#exp !== null ? this.#now() : 0;
    let n = this.#listLen;
    for (let i = this.#tail; n > 0; i = this.#prev[i], n--) {
      const e = this.#exp !== null ? this.#exp[i] : 0;
      if (e < 0) continue;
      const expired = e !== 0 && e <= now;
      if (expired && !withExpired) continue;
      const tags = this.#tags !== null ? this.#tags[i] : undefined;
      yield { key: this.#keys[i], value: this.#vals[i], ttl: e === 0 ? 0 : e - now, tags, expired };
    }
  }

  /** Tells `dispose` that a value left. */
  #disposed(value, key, reason) {
    this.#hook(this.#dispose, value, key, reason);
  }

  /** Calls a user hook; one that throws is counted and never breaks the cache. */
  #hook(fn, value, key, reason) {
    try {
      fn(value, key, reason);
    } catch {
      this.#hookErrors++;
    }
  }

  /** The ttl of an entry's `{ ttl, tags }` options (checked), the cache's when absent. */
  #entryTtl(options) {
    args.object(TypeError, 'options', options);
    return options.ttl === undefined ? this.#ttl : args.ms(RangeError, 'options.ttl', options.ttl);
  }

  #bump(i) {
    const next = this.#next;
    const prev = this.#prev;
    const p = prev[i];
    if (i === this.#tail) this.#tail = p;
    else prev[next[i]] = p;
    next[p] = next[i];
    next[i] = this.#head;
    prev[this.#head] = i;
    this.#head = i;
  }

  #alloc() {
    if (this.#free.length !== 0) return this.#free.pop();
    if (this.#fill < this.#slots) {
      const i = this.#fill++;
      if (i >= this.#cap) this.#grow();
      return i;
    }
    if (this.#deadCount !== 0) {
      this.#purgeSome(1);
      return this.#free.pop();
    }
    if (this.#policy !== null) {
      // Not reached (after each call at most max live entries fill max + 1 slots): let the
      // policy evict, then take a freed slot.
      this.#drain();
      return this.#free.pop();
    }
    // At capacity: reuse the least recently used slot.
    // The caller queues the slot's new key for the index, so the removal is not queued.
    const i = this.#tail;
    this.#evictions++;
    this.#removeSlot(i, false, 'evict');
    return this.#free.pop();
  }

  #grow() {
    const cap = Math.min(this.#slots, this.#cap * 2);
    const grow = (a, T) => { const b = new T(cap); b.set(a); return b; };
    const growArray = (a) => { const b = new Array(cap); for (let i = 0; i < a.length; i++) b[i] = a[i]; return b; };
    this.#keys = growArray(this.#keys);
    this.#vals = growArray(this.#vals);
    this.#next = grow(this.#next, Uint32Array);
    this.#prev = grow(this.#prev, Uint32Array);
    if (this.#exp !== null) this.#exp = grow(this.#exp, Float64Array);
    if (this.#sizes !== null) this.#sizes = grow(this.#sizes, Float64Array);
    this.#cap = cap;
  }

  #expire(i) {
    this.#expirations++;
    this.#removeSlot(i, true, 'expire');
  }

  /**
   * Unlinks slot i, frees it; `queue` false when the index already forgot it; `reason` is
   * what `dispose` is told; `logged` false when the policy already forgot it (it evicted it).
   */
  #removeSlot(i, queue, reason, logged = true) {
    const key = this.#keys[i];
    if (this.#dispose !== null) this.#disposed(this.#vals[i], key, reason);
    this.#map.delete(key);
    this.#unlink(i);
    this.#size--;
    this.#keys[i] = undefined;
    this.#vals[i] = undefined;
    if (this.#exp !== null) this.#exp[i] = 0;
    if (this.#sizes !== null) { this.#bytes -= this.#sizes[i]; this.#sizes[i] = 0; }
    if (this.#tags !== null && this.#tags[i] !== undefined) this.#untag(i, key);
    if (queue && this.#index !== null) this.#queue(i);
    if (logged && this.#policy !== null) this.#logRemove(i);
    this.#free.push(i);
  }

  #link(i) {
    if (++this.#listLen === 1) {
      this.#head = i; this.#tail = i;
    } else {
      this.#next[i] = this.#head;
      this.#prev[this.#head] = i;
      this.#head = i;
    }
  }

  #unlink(i) {
    if (--this.#listLen === 0) {
      this.#head = 0; this.#tail = 0;
    } else if (i === this.#head) {
      this.#head = this.#next[i];
    } else if (i === this.#tail) {
      this.#tail = this.#prev[i];
    } else {
      this.#next[this.#prev[i]] = this.#next[i];
      this.#prev[this.#next[i]] = this.#prev[i];
    }
  }

  /**
   * Removes live slot i, or purges it when it is a tombstone; returns true for a tombstone
   * (nothing live was removed).
   */
  #drop(i, reason) {
    if (this.#exp !== null && this.#exp[i] < 0) { this.#purge(i); return true; }
    this.#removeSlot(i, true, reason);
    return false;
  }

  /**
   * Removes slot i for an invalidation. Returns 1 when it held a live entry; 0 when it was
   * a tombstone or had expired (an expired entry is already gone: it counts as an
   * expiration, not as invalidated).
   */
  #invalidateSlot(i, now) {
    if (this.#exp !== null) {
      const e = this.#exp[i];
      if (e < 0) { this.#purge(i); return 0; }
      if (e !== 0 && e <= now) { this.#expire(i); return 0; }
    }
    this.#removeSlot(i, true, 'invalidate');
    return 1;
  }

  /**
   * Pattern invalidation of slot i: its value is released at once; its Map entry and list
   * node stay as a tombstone (exp = -1) until the slot is needed, reaches the LRU tail or
   * the key is touched — Map.delete and unlinking (random memory accesses) are the per-key
   * costs that would otherwise dominate a large invalidation. The index forgot the slot.
   */
  #kill(i, reason) {
    if (this.#dispose !== null) this.#disposed(this.#vals[i], this.#keys[i], reason);
    this.#size--;
    if (this.#exp === null) this.#exp = new Float64Array(this.#cap);
    this.#exp[i] = -1;
    this.#vals[i] = undefined;
    if (this.#policy !== null) this.#logRemove(i);
    if (this.#sizes !== null) { this.#bytes -= this.#sizes[i]; this.#sizes[i] = 0; }
    if (this.#tags !== null && this.#tags[i] !== undefined) this.#untag(i);
    this.#dead.push(i);
    this.#deadCount++;
    if (this.#dead.length > 2 * this.#deadCount + 1024) {
      // Drop queue entries of slots revived since (their exp is no longer -1).
      this.#dead = this.#dead.filter((d) => this.#exp[d] < 0);
    }
  }

  /** Purges tombstone i: its Map entry goes, its slot is free. */
  #purge(i) {
    this.#unlink(i);
    this.#map.delete(this.#keys[i]);
    this.#keys[i] = undefined;
    this.#exp[i] = 0;
    if (--this.#deadCount === 0) this.#dead.length = 0;
    this.#free.push(i);
  }

  /** Purges up to `n` tombstones from the queue (skipping revived or reused slots). */
  #purgeSome(n) {
    const dead = this.#dead;
    while (n > 0 && dead.length !== 0) {
      const i = dead.pop();
      if (this.#exp[i] < 0) { this.#purge(i); n--; }
    }
  }

  #tag(i, key, tags) {
    if (this.#tags === null) { this.#tags = []; this.#tagIndex = new Map(); }
    this.#tags[i] = tags.slice();
    for (const t of tags) {
      let set = this.#tagIndex.get(t);
      if (set === undefined) this.#tagIndex.set(t, (set = new Set()));
      set.add(key);
    }
  }

  #untag(i, key = this.#keys[i]) {
    for (const t of this.#tags[i]) {
      const set = this.#tagIndex.get(t);
      if (set !== undefined) {
        set.delete(key);
        if (set.size === 0) this.#tagIndex.delete(t);
      }
    }
    this.#tags[i] = undefined;
  }

  #staleInflight(key) {
    const rec = this.#inflight.get(key);
    if (rec !== undefined) {
      rec.stale = true;
      this.#inflight.delete(key);
    }
  }

  #queue(i) {
    this.#pending.push(i);
    if (this.#pending.length >= FLUSH) this.#flush();
  }

  /** Ships the queued slot changes to the index in batches. */
  #flush() {
    const pending = this.#pending;
    if (pending.length === 0) return;
    this.#pending = [];
    for (let s = 0; s < pending.length; s += FLUSH) {
      const n = Math.min(FLUSH, pending.length - s);
      const slots = new Uint32Array(n);
      const lens = new Uint32Array(n);
      const parts = [];
      for (let j = 0; j < n; j++) {
        const i = pending[s + j];
        slots[j] = i;
        const k = this.#keys[i];
        if (k === undefined || (this.#exp !== null && this.#exp[i] < 0)) lens[j] = REMOVED;
        else { lens[j] = k.length; parts.push(k); }
      }
      // Text when the batch is well-formed (the common case: no copy of code units; the
      // index stores BMP keys as their UTF-8), code units when it holds a lone surrogate.
      const text = parts.join('');
      if (text.isWellFormed()) this.#index.applyText(slots, lens, text);
      else this.#index.apply(slots, lens, codeUnits([text]));
    }
  }

  #ensureIndex() {
    if (this.#index === null) {
      this.#index = new this.#binding.CacheIndex();
      const pending = [];
      for (const i of this.#map.values()) pending.push(i);
      this.#pending = pending;
    }
    this.#flush();
  }

  /**
   * Kind, pattern, flags → removes the matches (all decided by the backend). Returns the
   * number of live entries removed; matched entries that had expired count as expirations.
   */
  #invalidatePattern(kind, pattern, flags) {
    this.#ensureIndex();
    const units = codeUnits([pattern]);
    // Compiles first: an unsupported pattern throws here, before anything changes.
    let out = this.#out || (this.#out = new Uint32Array(1024));
    const len = this.#index.takeMatchesInto(kind, units, flags, out);
    if (len > out.length) {
      out = new Uint32Array(len);
      this.#index.copyResult(out);
    }
    let removed = len;
    const now = this.#exp !== null ? this.#now() : 0;
    for (let j = 0; j < len; j++) {
      const e = this.#exp !== null ? this.#exp[out[j]] : 0;
      if (e > 0 && e <= now) { removed--; this.#expirations++; this.#kill(out[j], 'expire'); } else this.#kill(out[j], 'invalidate');
    }
    if (this.#inflight.size !== 0) this.#staleInflightMatching(kind, units, flags);
    this.#invalidated += removed;
    return removed;
  }

  #staleInflightMatching(kind, units, flags) {
    const keys = [...this.#inflight.keys()];
    for (const j of this.#matchKeys(kind, units, flags, keys)) this.#staleInflight(keys[j]);
  }

  /** Indices of `keys` that the pattern matches (the index need not hold them). */
  #matchKeys(kind, units, flags, keys) {
    const lens = new Uint32Array(keys.length);
    keys.forEach((k, j) => { lens[j] = k.length; });
    return this.#index.matchKeys(kind, units, flags, lens, codeUnits(keys));
  }

  /**
   * The given keys (not necessarily cached) that a RegExp matches, decided by the backend in
   * linear time, as `invalidate(re)` would.
   */
  #matching(re, keys) {
    this.#ensureIndex();
    const hits = this.#matchKeys(this.#binding.PatternKind.Regex, codeUnits([re.source]), re.flags, keys);
    return Array.from(hits, (j) => keys[j]);
  }

  /**
   * The private state (lib/internal.js): `matching(re, keys)` (TieredCache filters Redis keys
   * with it, so no key is ever tested with V8's backtracking RegExp), `syncIndex()` (creates
   * the index if need be and ships queued updates now: benchmarks time them apart; a facade
   * that always invalidates by pattern turns `patterns` on with it for a cache it is given), `holds(key)` (the key has an
   * entry, expired or not: the tinylfu model test learns evictions from it), `index` (the backend's CacheIndex,
   * null before the first pattern invalidation) and `bytes` (the running sum of `sizeOf`).
   * @param {Cache} c
   */
  static [INTERNALS](c) {
    return {
      matching: (re, keys) => c.#matching(re, keys),
      syncIndex: () => c.#ensureIndex(),
      holds: (key) => { const i = c.#map.get(key); return i !== undefined && !(c.#exp !== null && c.#exp[i] < 0); },
      get index() { return c.#index; },
      get bytes() { return c.#bytes; },
    };
  }
}

module.exports = { Cache, defaultSizeOf };
