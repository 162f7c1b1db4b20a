'use strict';
/** Seed facade: `CacheManager` of the original design (`server/utils/cacheManager.js`). */
const { apiOf } = require('../internal');
const args = require('../args');

/** Seconds (checked: a finite number >= 0) as ms. */
function seconds(name, v) {
  if (typeof v !== 'number' || !(v >= 0) || v === Infinity) args.reject(RangeError, name, 'a finite number of seconds >= 0', v);
  return v * 1000;
}

/**
 * The original `cacheManager` interface on top of a hotpath `Cache`: TTLs in seconds, `get`
 * resolves `null` on a miss, everything async.
 */
class CacheManager {
  /**
   * @param {{ defaultTTL?: number, refreshThreshold?: number, max?: number, maxBytes?: number,
   *   now?: () => number }} [options]
   *   defaultTTL in seconds (default 60; 0 or missing → 60, as the original);
   *   refreshThreshold in seconds (default 0 = off): a getOrCompute hit whose entry has less
   *   left refreshes it once in the background (cache-manager's `refreshThreshold`). Its Cache
   *   is made with `patterns: true` (`invalidate` takes patterns): pass `patterns: false` for none.
   */
  constructor(options = {}) {
    const { defaultTTL, refreshThreshold = 0, useRedis, redis, ...rest } = options || {}; // eslint-disable-line no-unused-vars
    this.defaultTTL = defaultTTL || 60;
    const { Cache } = apiOf(new.target);
    /** The underlying hotpath Cache. */
    this.cache = new Cache({ max: 10_000, patterns: true, ...rest, ttl: this.defaultTTL * 1000, refreshThreshold: seconds('refreshThreshold', refreshThreshold) });
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
   * cache-manager's `mget(keys)`: the values in order, null where missing (as `get`).
   * @param {string[]} keys @returns {Promise<any[]>}
   */
  async mget(keys) {
    return this.cache.mget(keys).map((v) => (v === undefined ? null : v));
  }

  /**
   * cache-manager's `mset(list)`: stores every `{ key, value, ttl? }` (ttl in seconds, default
   * `defaultTTL`); resolves the list. Bad input rejects and stores nothing.
   * @param {Array<{ key: string, value: any, ttl?: number }>} list @returns {Promise<Array<object>>}
   */
  async mset(list) {
    if (!Array.isArray(list)) args.reject(TypeError, 'list', 'an array of { key, value, ttl? }', list);
    this.cache.mset(list.map((e) => (e !== null && typeof e === 'object'
      ? { ...e, ttl: seconds('ttl', e.ttl === undefined ? this.defaultTTL : e.ttl) }
      : e)));
    return list;
  }

  /**
   * @param {string} key @param {() => any} computeFn @param {number} [ttl] seconds
   * @param {number} [refreshThreshold] seconds (default: the manager's), as cache-manager's `wrap`
   * @returns {Promise<any>}
   */
  async getOrCompute(key, computeFn, ttl = this.defaultTTL, refreshThreshold = undefined) {
    const options = { ttl: ttl * 1000 };
    if (refreshThreshold !== undefined) options.refreshThreshold = seconds('refreshThreshold', refreshThreshold);
    return this.cache.getOrCompute(key, () => computeFn(), options);
  }

  /** The underlying cache's stats. */
  stats() {
    return this.cache.stats();
  }
}

module.exports = { CacheManager };
