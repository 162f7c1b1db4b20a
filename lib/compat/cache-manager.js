'use strict';
/** Seed facade: `CacheManager` of the original design (`server/utils/cacheManager.js`). */
const { apiOf } = require('../internal');

/**
 * The original `cacheManager` interface on top of a hotpath `Cache`: TTLs in seconds, `get`
 * resolves `null` on a miss, everything async.
 */
class CacheManager {
  /**
   * @param {{ defaultTTL?: number, max?: number, maxBytes?: number, now?: () => number }} [options]
   *   defaultTTL in seconds (default 60; 0 or missing → 60, as the original).
   */
  constructor(options = {}) {
    const { defaultTTL, useRedis, redis, ...rest } = options || {}; // eslint-disable-line no-unused-vars
    this.defaultTTL = defaultTTL || 60;
    const { Cache } = apiOf(new.target);
    /** The underlying hotpath Cache. */
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

module.exports = { CacheManager };
