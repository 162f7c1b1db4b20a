'use strict';
/** Seed facade: `CachedBalanceCalculator` of the original design (`server/utils/cachedBalanceCalculator.js`). */
const args = require('../args');
const { fail } = require('../errors');
const { apiOf } = require('../internal');

/**
 * Facade of the original `CachedBalanceCalculator`, constructed with its dependencies:
 * `aggregate(currency)` returns the `$group` result (e.g. the original's `Cash.aggregate`
 * pipeline) and `cache` (optional) is anything with `getOrCompute(key, fn, { ttl })` and
 * `invalidate(key)`. Totals are exact (Rust) instead of float sums.
 */
class CachedBalanceCalculator {
  #money;

  /**
   * @param {{ aggregate: (currency: string) => Promise<Array<{ _id: string, total: any }>>,
   *   cache?: { getOrCompute: Function, invalidate?: Function }, ttl?: number,
   *   currencies?: string[], keyPrefix?: string, types?: Record<string, string[]>,
   *   output?: 'number'|'string' }} options ttl in ms (default 60 000, the original's 60 s)
   */
  constructor(options = {}) {
    const { aggregate, cache, ttl = 60_000, currencies = ['USD', 'RUB'], keyPrefix = 'balance:', types, output } = options || {};
    if (typeof aggregate !== 'function') args.reject('ERR_INVALID_SPEC', 'options.aggregate', 'an async function (currency) => groups', aggregate);
    if (cache !== undefined && cache !== null && typeof cache.getOrCompute !== 'function') {
      fail('ERR_INVALID_SPEC', 'options.cache must have getOrCompute(key, fn, { ttl })');
    }
    this.#money = apiOf(new.target).money;
    for (const c of currencies) this.#money.minorUnit(c, 'options.currencies[]');
    this.aggregate = aggregate;
    this.cache = cache || null;
    this.ttl = ttl;
    this.currencies = [...currencies];
    this.keyPrefix = keyPrefix;
    this.options = { types, output };
  }

  /** The balance of one currency, through the cache when there is one. */
  async getBalanceByCurrency(currency) {
    this.#money.minorUnit(currency);
    if (!this.cache) return this.calculateBalanceByCurrency(currency);
    return this.cache.getOrCompute(`${this.keyPrefix}${currency}`, () => this.calculateBalanceByCurrency(currency), { ttl: this.ttl });
  }

  /** `{ currency, income, expense, debt, balance, calculatedAt }`, uncached. */
  async calculateBalanceByCurrency(currency) {
    this.#money.minorUnit(currency);
    const groups = await this.aggregate(currency);
    return { ...this.#money.balanceFromGroups(currency, groups || [], this.options), calculatedAt: new Date() };
  }

  /** Every configured currency in parallel: `{ USD: {...}, RUB: {...} }`. */
  async getAllBalances() {
    const rows = await Promise.all(this.currencies.map((c) => this.getBalanceByCurrency(c)));
    return Object.fromEntries(this.currencies.map((c, i) => [c, rows[i]]));
  }

  /** Drops the cached balance of `currency` (every configured currency when omitted). */
  invalidate(currency) {
    if (!this.cache || typeof this.cache.invalidate !== 'function') return 0;
    const list = currency === undefined ? this.currencies : [currency];
    let n = 0;
    for (const c of list) n += Number(this.cache.invalidate(`${this.keyPrefix}${c}`)) || 0;
    return n;
  }
}

module.exports = { CachedBalanceCalculator };
