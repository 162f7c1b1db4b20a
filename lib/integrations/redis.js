'use strict';
/**
 * hotpath/redis — `TieredCache`: an in-process hotpath `Cache` (L1) in front of Redis (L2),
 * with invalidations published to every process. ioredis is an optional peer dependency:
 * pass a client (and optionally a second one for subscribing; by default `redis.duplicate()`).
 *
 * - get: L1 → L2 (`GET` + `PTTL` + `GET` of the tag sidecar in one `MULTI`, promoted into L1
 *   with the entry's remaining TTL and its tags) → undefined.
 * - set: L1 and L2 (`SET … PX ttl`); tags are Redis sets `<prefix>tag:<tag>` (tag → keys, for
 *   invalidation) and a sidecar `<prefix>tags:<key>` (key → tags as JSON, same `PX`, written in
 *   the same `MULTI`), so an L1 copy read from Redis keeps its tags and a tag invalidation from
 *   another process reaches it. A value without a sidecar (written before it existed) reads
 *   without tags.
 * - getOrCompute: single-flight per key across L1 + L2 + compute; `refreshThreshold`
 *   (refresh-ahead, as Cache's): a hit with at most that many ms left returns the value and
 *   refreshes it once in the background.
 * - invalidate / invalidatePrefix / invalidateGlob / invalidateTag: applied to L1, deleted from
 *   Redis by `SCAN MATCH <glob>` + `UNLINK` in batches — never `KEYS` — (with the keys' tag
 *   sidecars), applied to L1 again, then published on `channel` (every other TieredCache on it
 *   applies the same to its L1). Deleting before publishing means a receiver that misses L1
 *   after the message cannot read the old value back from Redis. A RegExp is scanned with
 *   the glob of its literal prefix and each scanned key is then matched exactly by L1's
 *   linear-time engine (never by V8's backtracking RegExp).
 * - A read from Redis that was in flight when an invalidation arrived (its reply can come after
 *   the message: two connections) applies that invalidation again to what it put into L1; a
 *   computed value is not stored when an invalidation that concerns its key arrived while it
 *   was computed (as Cache's getOrCompute).
 * - Redis down, slow (> `timeout` ms) or erroring: L1 and compute keep serving, nothing throws;
 *   `stats().l2Errors` counts the fallbacks (`l2Timeouts` those that waited the timeout).
 *   ioredis reconnects by itself; L2 is used again.
 * - mget / mset: L1 first; the L1 misses are one Redis round trip (`MULTI` of `MGET` + `PTTL`s),
 *   an mset one `MULTI` of `SET … PX` + `SADD`s.
 * - `warm` (option, or `warm()`): loads L1 from L2 — `SCAN MATCH <prefix>*` up to a bound,
 *   values by `MGET` in batches with their `PTTL`, tags from the `<prefix>tag:*` sets —
 *   so a new process starts with a warm L1 (`ready` resolves after it).
 * - `breaker: { failures: 5, resetAfter: 30_000 }`: after that many consecutive L2 failures no
 *   Redis call is made for `resetAfter` ms (no timeout paid), then one probe decides
 *   (lib/integrations/breaker.js); `stats().breaker` shows the state and transitions.
 */
const crypto = require('node:crypto');
const { HotpathError } = require('../errors');
const { CircuitBreaker } = require('./breaker');
const { internals } = require('../internal');
const args = require('../args');

const SCAN_COUNT = 500;

/** Escapes Redis glob metacharacters so `s` matches literally. */
const globEscape = (s) => s.replace(/[*?[\]\\]/g, '\\$&');

/**
 * The literal prefix every match of `re` must start with ('' when there is none: unanchored,
 * case-insensitive, or starting with a special construct). Conservative: it may be shorter
 * than the real one, never wrong.
 */
function literalPrefix(re) {
  const src = re.source;
  if (!src.startsWith('^') || re.flags.includes('i') || re.flags.includes('m')) return '';
  let out = '';
  for (let i = 1; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') {
      const n = src[i + 1];
      if (n === undefined || /[A-Za-z0-9]/.test(n)) break; // \d, \w, \u…: not a literal
      out += n;
      i += 1;
    } else if ('.*+?()[]{}|^$'.includes(c)) {
      if ('*?{'.includes(c)) out = out.slice(0, -1); // the previous char may be absent
      break;
    } else {
      out += c;
    }
    if (i + 1 < src.length && '*?{'.includes(src[i + 1])) { out = out.slice(0, -1); break; }
  }
  return out;
}

/** The number `cache` (an L1) removes for an invalidation message. */
function applyTo(cache, { op, arg, source, flags }) {
  switch (op) {
    case 'key': return cache.invalidate(arg);
    case 'regexp': return cache.invalidate(new RegExp(source, flags));
    case 'prefix': return cache.invalidatePrefix(arg);
    case 'glob': return cache.invalidateGlob(arg);
    case 'tag': return cache.invalidateTag(arg);
    default: return 0;
  }
}

/** The tags a sidecar holds (JSON array of strings), or undefined. */
function parseTags(body) {
  if (body === null || body === undefined) return undefined;
  try {
    const tags = JSON.parse(body);
    return Array.isArray(tags) && tags.length > 0 && tags.every((t) => typeof t === 'string' && t !== '') ? tags : undefined;
  } catch {
    return undefined;
  }
}

class TieredCache {
  /** Invalidations seen while an L2 read (get, mget, warm) or a compute runs, one log per run. */
  #logs = new Set();

  /** Keys with a refresh-ahead running. */
  #refreshing = new Set();

  #refreshThreshold;

  /**
   * @param {object} options
   * @param {object} options.l1 options for the L1 `Cache` (`{ max, maxBytes, ttl }`), or a Cache
   * @param {import('ioredis').Redis} options.redis an ioredis client
   * @param {import('ioredis').Redis} [options.subscriber] a client for SUBSCRIBE (default: redis.duplicate())
   * @param {string} [options.prefix='hotpath:'] prefix of every Redis key
   * @param {string} [options.channel='hotpath:invalidate'] pub/sub channel for invalidations
   * @param {number} [options.ttl] default TTL in ms (0 = none) for both tiers
   * @param {number} [options.timeout=100] ms before an L2 call counts as failed
   * @param {typeof import('../cache').Cache} [options.Cache] the Cache class (default: hotpath's)
   * @param {boolean | { failures?: number, resetAfter?: number }} [options.breaker] a circuit breaker
   *   on L2 calls (true: 5 failures, 30 000 ms; default: none)
   * @param {boolean | { limit?: number, batch?: number }} [options.warm] load L1 from L2 at start
   *   (`warm()`'s options; true: its defaults); `ready` resolves once done
   * @param {number} [options.refreshThreshold=0] refresh-ahead for getOrCompute: ms before expiry
   *   within which a hit refreshes once in the background (0 = off)
   */
  constructor({ l1 = {}, redis, subscriber, prefix = 'hotpath:', channel = 'hotpath:invalidate', ttl = 0, timeout = 100, Cache, breaker, warm, refreshThreshold = 0 } = {}) {
    if (!redis || typeof redis.get !== 'function') throw new HotpathError('ERR_INVALID_SPEC', 'TieredCache: redis must be an ioredis client');
    this.#refreshThreshold = args.ms(RangeError, 'refreshThreshold', refreshThreshold);
    const CacheClass = Cache || require('../..').Cache;
    this.l1 = l1 instanceof CacheClass ? l1 : new CacheClass({ ttl, ...l1 });
    this.redis = redis;
    this.prefix = prefix;
    this.channel = channel;
    this.ttl = ttl;
    this.timeout = timeout;
    this.id = crypto.randomUUID();
    this.inflight = new Map();
    this.counts = { l2Hits: 0, l2Misses: 0, l2Errors: 0, l2Timeouts: 0, published: 0, received: 0 };
    this.breaker = breaker ? new CircuitBreaker(breaker === true ? {} : breaker) : null;
    // ioredis logs "Unhandled error event" without a listener; here errors are expected
    // (Redis down) and counted, the operations themselves fall back.
    redis.on('error', () => { this.counts.l2Errors += 1; });
    this.sub = subscriber || redis.duplicate();
    this.sub.on('error', () => { this.counts.l2Errors += 1; });
    this.sub.on('message', (ch, message) => this.#onMessage(ch, message));
    const subscribed = this.sub.subscribe(channel).catch(() => { this.counts.l2Errors += 1; });
    // Warmed after subscribing: an invalidation published meanwhile reaches the loaded L1.
    this.ready = warm ? subscribed.then(() => this.warm(warm === true ? {} : warm)) : subscribed;
  }

  /**
   * Runs an L2 call with the timeout; resolves to `fallback` (and counts) on any failure, or
   * at once, without calling Redis, while the breaker is open.
   */
  async #l2(fn, fallback) {
    const ticket = this.breaker ? this.breaker.acquire() : 0;
    if (ticket < 0) return fallback;
    let timer;
    let timedOut = false;
    try {
      const result = await Promise.race([
        fn(),
        new Promise((_, reject) => { timer = setTimeout(() => { timedOut = true; reject(new Error('redis timeout')); }, this.timeout); }),
      ]);
      this.breaker?.success(ticket);
      return result;
    } catch {
      this.counts.l2Errors += 1;
      if (timedOut) this.counts.l2Timeouts += 1;
      this.breaker?.failure(ticket);
      return fallback;
    } finally {
      clearTimeout(timer);
    }
  }

  /** The Redis key of `key`'s tag sidecar. */
  #sidecar(key) { return `${this.prefix}tags:${key}`; }

  /** Queues on MULTI `m` the writes of one entry: the value, its tag sidecar (or its removal) and its tag sets. */
  #queueWrite(m, key, body, ttl, tags) {
    const px = ttl > 0 ? ['PX', ttl] : [];
    m.set(this.prefix + key, body, ...px);
    if (tags && tags.length) {
      m.set(this.#sidecar(key), JSON.stringify(tags), ...px);
      for (const tag of tags) m.sadd(`${this.prefix}tag:${tag}`, key);
    } else {
      m.unlink(this.#sidecar(key)); // a value set again without tags loses the old ones
    }
  }

  /**
   * Runs `read` (an L2 read that puts what it found into L1), then applies again to L1 every
   * invalidation that arrived while it ran: Redis may have answered before the invalidation
   * deleted the keys and the answer been delivered after the message.
   */
  async #loading(read) {
    const log = [];
    this.#logs.add(log);
    try {
      return await read();
    } finally {
      this.#logs.delete(log);
      for (const msg of log) this.#applyQuietly(msg, false);
    }
  }

  /** The value for `key`, or undefined. */
  async get(key) {
    const hit = this.l1.get(key);
    if (hit !== undefined) return hit;
    return this.#loading(async () => {
      const k = this.prefix + key;
      const res = await this.#l2(() => this.redis.multi().get(k).pttl(k).get(this.#sidecar(key)).exec(), null);
      if (!res || res[0][1] === null) {
        if (res) this.counts.l2Misses += 1;
        return undefined;
      }
      this.counts.l2Hits += 1;
      const value = JSON.parse(res[0][1]);
      const pttl = res[1][1];
      this.l1.set(key, value, { ttl: pttl > 0 ? pttl : this.ttl, tags: parseTags(res[2][1]) });
      return value;
    });
  }

  /** Writes both tiers. `ttl` in ms; `tags` are recorded in both. Resolves once L2 answered (or failed). */
  async set(key, value, { ttl = this.ttl, tags } = {}) {
    this.l1.set(key, value, { ttl, tags });
    const body = JSON.stringify(value);
    await this.#l2(() => {
      const m = this.redis.multi();
      this.#queueWrite(m, key, body, ttl, tags);
      return m.exec();
    }, null);
    return this;
  }

  /**
   * The values of `keys` (undefined where missing): L1, then every L1 miss in one Redis round
   * trip (promoted into L1 with its remaining TTL). Redis down: the L1 values, nothing throws.
   * @param {string[]} keys
   */
  async mget(keys) {
    const out = this.l1.mget(keys);
    const misses = [];
    for (let j = 0; j < out.length; j++) if (out[j] === undefined) misses.push(j);
    if (misses.length === 0) return out;
    const redisKeys = misses.map((j) => this.prefix + keys[j]);
    return this.#loading(async () => {
      const res = await this.#l2(() => {
        const m = this.redis.multi().mget(...redisKeys).mget(...misses.map((j) => this.#sidecar(keys[j])));
        for (const k of redisKeys) m.pttl(k);
        return m.exec();
      }, null);
      if (!res) return out;
      const bodies = res[0][1];
      const sidecars = res[1][1];
      misses.forEach((j, n) => {
        if (bodies[n] === null) { this.counts.l2Misses += 1; return; }
        this.counts.l2Hits += 1;
        const pttl = res[n + 2][1];
        out[j] = JSON.parse(bodies[n]);
        this.l1.set(keys[j], out[j], { ttl: pttl > 0 ? pttl : this.ttl, tags: parseTags(sidecars[n]) });
      });
      return out;
    });
  }

  /**
   * Stores every `{ key, value, ttl?, tags? }` in L1 and, in one Redis round trip, in L2
   * (ttl in ms, default the cache's). Bad input rejects and stores nothing.
   * @param {Array<{ key: string, value: any, ttl?: number, tags?: string[] }>} entries
   */
  async mset(entries) {
    if (!Array.isArray(entries)) throw new TypeError(`entries must be an array of { key, value, ttl?, tags? }, got ${typeof entries}`);
    const withTtl = entries.map((e) => (e !== null && typeof e === 'object' && e.ttl === undefined ? { ...e, ttl: this.ttl } : e));
    this.l1.mset(withTtl);
    const bodies = withTtl.map((e) => JSON.stringify(e.value));
    await this.#l2(() => {
      const m = this.redis.multi();
      withTtl.forEach(({ key, ttl, tags }, j) => this.#queueWrite(m, key, bodies[j], ttl, tags));
      return m.exec();
    }, null);
    return this;
  }

  /**
   * Loads L1 from L2: `SCAN MATCH <prefix>*` until `limit` entries (default 10 000), their values by `MGET` and TTLs by `PTTL` in one round trip per `batch`
   * keys (default 500), and their tags from the `<prefix>tag:*` sets. Each round trip has the
   * timeout (and the breaker); Redis failing stops the warm-up, nothing throws. Resolves the
   * number of entries loaded. Keys L1 already holds are kept; invalidations applied while it
   * ran are applied again to what it loaded.
   * @param {{ limit?: number, batch?: number }} [options]
   */
  async warm({ limit = 10_000, batch = SCAN_COUNT } = {}) {
    return this.#loading(() => this.#warm(limit, batch));
  }

  async #warm(limit, batch) {
    const p = this.prefix;
    const tagPrefix = `${p}tag:`;
    const sidecarPrefix = `${p}tags:`;
    const loaded = new Map(); // key → [value, ttl]
    let cursor = '0';
    do {
      const page = await this.#l2(() => this.redis.scan(cursor, 'MATCH', `${globEscape(p)}*`, 'COUNT', batch), null);
      if (!page) break;
      cursor = page[0];
      const keys = page[1].filter((k) => !k.startsWith(tagPrefix) && !k.startsWith(sidecarPrefix)).slice(0, limit - loaded.size);
      if (keys.length === 0) continue;
      const res = await this.#l2(() => {
        const m = this.redis.multi().mget(...keys);
        for (const k of keys) m.pttl(k);
        return m.exec();
      }, null);
      if (!res) break;
      keys.forEach((k, n) => {
        const body = res[0][1][n];
        const pttl = res[n + 1][1];
        if (body === null || pttl === -2) return;
        let value;
        try { value = JSON.parse(body); } catch { return; } // not written by a TieredCache
        loaded.set(k.slice(p.length), [value, pttl > 0 ? pttl : this.ttl]);
      });
    } while (cursor !== '0' && loaded.size < limit);
    const tags = loaded.size ? await this.#tagsOf(loaded, batch) : new Map();
    let n = 0;
    for (const [key, [value, ttl]] of loaded) {
      if (this.l1.has(key)) continue;
      this.l1.set(key, value, { ttl, tags: tags.get(key) });
      n += 1;
    }
    return n;
  }

  /** key → tags for the loaded keys, from the `<prefix>tag:*` sets (SCAN + SMEMBERS per batch). */
  async #tagsOf(loaded, batch) {
    const tagPrefix = `${this.prefix}tag:`;
    const out = new Map();
    let cursor = '0';
    do {
      const page = await this.#l2(() => this.redis.scan(cursor, 'MATCH', `${globEscape(tagPrefix)}*`, 'COUNT', batch), null);
      if (!page) break;
      cursor = page[0];
      if (page[1].length === 0) continue;
      const res = await this.#l2(() => {
        const m = this.redis.multi();
        for (const setKey of page[1]) m.smembers(setKey);
        return m.exec();
      }, null);
      if (!res) break;
      page[1].forEach((setKey, n) => {
        const tag = setKey.slice(tagPrefix.length);
        for (const key of Array.isArray(res[n][1]) ? res[n][1] : []) {
          if (!loaded.has(key)) continue;
          if (!out.has(key)) out.set(key, []);
          out.get(key).push(tag);
        }
      });
    } while (cursor !== '0');
    return out;
  }

  /**
   * L1 → L2 → `fn(key, { stale })`; concurrent callers for one key share one call of `fn`. The
   * result is stored in both tiers unless an invalidation concerning the key arrived while
   * `fn` ran. With `refreshThreshold` (ms; the call's, else the cache's): a hit with at most
   * that many ms left (L1's remaining TTL, which a value read from Redis takes from `PTTL`)
   * returns the value and calls `fn` once in the background (`stale`: the current value); a
   * failed refresh keeps the value until it expires.
   */
  getOrCompute(key, fn, { ttl = this.ttl, tags, refreshThreshold } = {}) {
    args.optional(args.ms, RangeError, 'options.refreshThreshold', refreshThreshold);
    const threshold = refreshThreshold === undefined ? this.#refreshThreshold : refreshThreshold;
    const running = this.inflight.get(key);
    if (running) return running;
    const p = (async () => {
      const found = await this.get(key);
      if (found !== undefined) {
        if (threshold > 0) this.#refreshAhead(key, fn, ttl, tags, found, threshold);
        return found;
      }
      return this.#compute(key, fn, ttl, tags, undefined);
    })().finally(() => this.inflight.delete(key));
    this.inflight.set(key, p);
    return p;
  }

  /**
   * Calls `fn` and stores its result in both tiers unless an invalidation that concerns `key`
   * (tagged `concernTags`: the new tags, for a refresh also the old ones) arrived meanwhile.
   */
  async #compute(key, fn, ttl, tags, stale, concernTags = tags) {
    const log = [];
    this.#logs.add(log);
    let value;
    try {
      value = await fn(key, { stale });
    } finally {
      this.#logs.delete(log);
    }
    if (!this.#concerns(log, key, concernTags)) await this.set(key, value, { ttl, tags });
    return value;
  }

  /** Does any of `msgs` remove `key` (tagged `tags`)? Asked of a one-entry Cache, so every pattern means what it means to L1. */
  #concerns(msgs, key, tags) {
    if (msgs.length === 0) return false;
    const probe = new this.l1.constructor({ max: 1 });
    return msgs.some((msg) => {
      probe.set(key, true, { tags });
      try { return applyTo(probe, msg) > 0; } catch { return true; }
    });
  }

  /** Refresh-ahead: one background `#compute` per key when the L1 copy has at most `threshold` ms left. */
  #refreshAhead(key, fn, ttl, tags, value, threshold) {
    if (this.#refreshing.has(key)) return;
    const left = this.l1.getRemainingTTL(key);
    if (left <= 0 || left > threshold) return; // not in L1 (dropped meanwhile), or not due yet
    const oldTags = this.l1.info(key)?.tags;
    const concernTags = oldTags && tags ? [...new Set([...oldTags, ...tags])] : oldTags || tags;
    this.#refreshing.add(key);
    this.#compute(key, fn, ttl, tags, value, concernTags)
      .catch(() => {}) // the value stays until it expires
      .finally(() => this.#refreshing.delete(key));
  }

  /** Removes `key` (string) or every key matching a RegExp, in every process and in Redis. */
  invalidate(keyOrRegExp) {
    if (keyOrRegExp instanceof RegExp) {
      return this.#invalidate({ op: 'regexp', source: keyOrRegExp.source, flags: keyOrRegExp.flags });
    }
    return this.#invalidate({ op: 'key', arg: keyOrRegExp });
  }

  /** Removes every key starting with `prefix`, everywhere. */
  invalidatePrefix(prefix) { return this.#invalidate({ op: 'prefix', arg: prefix }); }

  /** Removes every key matching a Redis glob, everywhere. */
  invalidateGlob(glob) { return this.#invalidate({ op: 'glob', arg: glob }); }

  /** Removes every key set with `tag`, everywhere. */
  invalidateTag(tag) { return this.#invalidate({ op: 'tag', arg: tag }); }

  /**
   * Applies to L1 first (so a bad pattern throws before anything is sent), deletes from Redis,
   * applies to L1 again (a get of this process may have read the old value back meanwhile),
   * then publishes: a receiver that misses after the message finds Redis already cleaned.
   */
  async #invalidate(msg) {
    const removed = this.#applyLocal(msg);
    await this.#deleteFromL2(msg);
    this.#applyQuietly(msg);
    await this.#l2(() => this.redis.publish(this.channel, JSON.stringify({ ...msg, from: this.id })), 0);
    this.counts.published += 1;
    return removed;
  }

  /** Applies `msg` to L1 (and, with `log`, records it for the reads and computes running). */
  #applyLocal(msg, log = true) {
    if (log) for (const l of this.#logs) l.push(msg);
    return applyTo(this.l1, msg);
  }

  #onMessage(channel, message) {
    if (channel !== this.channel) return;
    let msg;
    try { msg = JSON.parse(message); } catch { return; }
    if (!msg || msg.from === this.id) return;
    this.counts.received += 1;
    this.#applyQuietly(msg);
  }

  #applyQuietly(msg, log = true) {
    try { this.#applyLocal(msg, log); } catch { /* a pattern this process cannot run: nothing to do */ }
  }

  async #deleteFromL2({ op, arg, source, flags }) {
    const p = this.prefix;
    if (op === 'key') return this.#l2(() => this.redis.unlink(p + arg, this.#sidecar(arg)), 0);
    if (op === 'tag') {
      const setKey = `${p}tag:${arg}`;
      return this.#l2(async () => {
        const members = await this.redis.smembers(setKey);
        for (let i = 0; i < members.length; i += SCAN_COUNT) {
          await this.redis.unlink(...members.slice(i, i + SCAN_COUNT).flatMap((m) => [p + m, this.#sidecar(m)]));
        }
        await this.redis.unlink(setKey);
      }, 0);
    }
    let glob;
    let exact = null;
    if (op === 'prefix') glob = `${globEscape(p + arg)}*`;
    else if (op === 'glob') glob = globEscape(p) + arg;
    else {
      const re = new RegExp(source, flags);
      glob = `${globEscape(p + literalPrefix(re))}*`;
      // Matched by hotpath's linear-time engine, as L1 does (a key may hold user input).
      exact = (keys) => new Set(internals(this.l1).matching(re, keys.map((k) => k.slice(p.length))).map((k) => p + k));
    }
    return this.#l2(async () => {
      let cursor = '0';
      do {
        const [next, keys] = await this.redis.scan(cursor, 'MATCH', glob, 'COUNT', SCAN_COUNT);
        cursor = next;
        let doomed = keys;
        if (exact && keys.length) {
          const hit = exact(keys);
          doomed = keys.filter((k) => hit.has(k));
        }
        // With each value its tag sidecar (which the pattern, applied to the value's key, may not match).
        if (doomed.length) await this.redis.unlink(...doomed.flatMap((k) => [k, this.#sidecar(k.slice(p.length))]));
      } while (cursor !== '0');
    }, 0);
  }

  /** L1 stats plus `{ l2Hits, l2Misses, l2Errors, l2Timeouts, published, received }` and, with a breaker, `breaker`. */
  stats() {
    const out = { ...this.l1.stats(), ...this.counts };
    if (this.breaker) out.breaker = this.breaker.stats();
    return out;
  }

  /** Unsubscribes and closes the subscriber connection (the main client is the caller's). */
  async close() {
    await this.ready;
    try { await this.sub.quit(); } catch { this.sub.disconnect(); }
  }
}

module.exports = { TieredCache, literalPrefix, globEscape };
