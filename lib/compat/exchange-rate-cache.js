'use strict';
/** Seed facade: `ExchangeRateCache` of the original design (`server/utils/exchangeRateCache.js`). */
const { DEFAULT_FALLBACK } = require('../money');
const { apiOf, internals } = require('../internal');

/**
 * Facade of the original `ExchangeRateCache` (getRate, fetchRate, convert) on top of
 * {@link Rates}. Differences (bugs fixed, not copied): an unknown pair gives `null`, not 1.0;
 * `convert` is exact and rounded to the target currency instead of `amount * rate`.
 */
class ExchangeRateCache {
  #source;

  /**
   * @param {{ fetch?: (from: string, to: string) => Promise<number|null>, cache?: { getOrCompute: Function, invalidate?: Function },
   *   ttl?: number, fallback?: Record<string, number>, pivot?: string, rates?: Rates }} [options]
   *   fetch: where the original read the database (`ExchangeRate.findOne(...)`); cache: a
   *   hotpath Cache (or anything with getOrCompute(key, fn, { ttl })) shared like the
   *   original `cacheManager`; fallback defaults to RUB:USD 0.011, USD:RUB 90.
   */
  constructor(options = {}) {
    const { fetch, cache, ttl = 3_600_000, fallback = DEFAULT_FALLBACK, pivot, rates } = options || {};
    /** The cache fetched rates go through (the original's `cacheManager`). */
    this.cache = cache;
    this.#source = fetch;
    const viaCache = fetch && cache
      ? (from, to) => cache.getOrCompute(`exchange_rate:${from}:${to}`, () => fetch(from, to), { ttl })
      : fetch;
    const { Rates } = apiOf(new.target);
    /** The Rates behind the facade. */
    this.rates = rates || new Rates({ pivot, ttl, fallback, fetch: viaCache });
  }

  /** The rate as a number (1 when from === to, null when nothing is known). */
  async getRate(fromCurrency, toCurrency) {
    return (await this.rates.get(fromCurrency, toCurrency)).rate;
  }

  /** Reads the source (no cache), then the fallback; null when neither knows the pair. */
  async fetchRate(fromCurrency, toCurrency) {
    if (fromCurrency === toCurrency) return 1;
    if (this.#source) {
      try {
        const r = await this.#source(fromCurrency, toCurrency);
        if (r !== null && r !== undefined) return Number(r);
      } catch { /* fall back */ }
    }
    return internals(this.rates).fallback(fromCurrency, toCurrency) ?? null;
  }

  /** `{ amount, rate, fromCurrency, toCurrency, source }`, amount exact and rounded. */
  async convert(amount, fromCurrency, toCurrency, options) {
    return this.rates.convert(amount, fromCurrency, toCurrency, options);
  }
}

module.exports = { ExchangeRateCache };
