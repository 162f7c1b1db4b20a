'use strict';
/**
 * Exchange rates (`Rates`) and the seed-compatible facades of the money hot path
 * (`ExchangeRateCache`, `CachedBalanceCalculator`).
 *
 * The rate table lives in JS Maps so that a cached `getCached` is a string concat and a Map
 * lookup (~0.1 µs), never an FFI crossing. The core is called only to derive a rate exactly
 * (1/rate and cross products, 12 significant digits) — once per derivation, then cached —
 * and by `convert` for the exact product rounded to the target currency.
 */
const { fail } = require('./errors');

const SOURCES = Object.freeze(['identity', 'direct', 'inverse', 'cross', 'fetched', 'fallback', 'unavailable']);

function describe(v) {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || v === null || v === undefined) return String(v);
  return typeof v;
}

/**
 * @param {Record<string, any>} binding
 * @param {object} money the public money namespace
 * @param {{ minorUnit: (code: string, what?: string) => number, DEFAULT_FALLBACK: Record<string, number> }} helpers
 */
function create(binding, money, { minorUnit, DEFAULT_FALLBACK }) {
  /** A rate as `{ rate: number, text: exact decimal string }`; bad → ERR_INVALID_AMOUNT. */
  function readRate(rate, what) {
    let text;
    if (typeof rate === 'number') {
      if (!(rate > 0) || rate === Infinity) fail('ERR_INVALID_AMOUNT', `${what} must be a positive finite number, got ${describe(rate)}`);
      text = money.toExact(rate);
    } else if (typeof rate === 'string' || (rate && rate._bsontype === 'Decimal128')) {
      text = money.toExact(rate);
      if (!(Number(text) > 0)) fail('ERR_INVALID_AMOUNT', `${what} must be a positive number, got ${describe(String(rate))}`);
    } else {
      fail('ERR_INVALID_AMOUNT', `${what} must be a positive number or decimal string, got ${describe(rate)}`);
    }
    return { rate: Number(text), text };
  }

  function entry(r, source, from, to, expires = Infinity) {
    return {
      result: Object.freeze({ rate: r.rate, source, fromCurrency: from, toCurrency: to }),
      text: r.text,
      exactNumber: r.text !== null && String(r.rate) === r.text,
      expires,
    };
  }

  /**
   * Exchange rates with a cache: direct → inverse (1/rate) → cross via `pivot` → `fetch`
   * (single-flight per pair, cached for `ttl`) → `fallback`. `from === to` is 1 ('identity').
   * Never throws for a pair of known currencies; `source` says where the rate came from.
   */
  class Rates {
    /**
     * @param {{ pivot?: string, ttl?: number, fallback?: Record<string, number|string>,
     *   fetch?: (from: string, to: string) => Promise<number|string|null|undefined>,
     *   onError?: (err: unknown, from: string, to: string) => void, now?: () => number }} [options]
     *   ttl in ms (default 3 600 000) for fetched rates; fallback keyed 'FROM:TO'.
     */
    constructor(options = {}) {
      if (options === null || typeof options !== 'object') fail('ERR_INVALID_SPEC', `options must be an object, got ${describe(options)}`);
      const { pivot = 'USD', ttl = 3_600_000, fallback = {}, fetch, onError, now = Date.now } = options;
      minorUnit(pivot, 'options.pivot');
      if (!(ttl >= 0)) fail('ERR_INVALID_SPEC', `options.ttl must be a number of ms >= 0, got ${describe(ttl)}`);
      if (fetch !== undefined && typeof fetch !== 'function') fail('ERR_INVALID_SPEC', `options.fetch must be a function, got ${describe(fetch)}`);
      this.pivot = pivot;
      this.ttl = ttl;
      this._fetch = fetch;
      this._onError = onError;
      this._now = now;
      this._direct = new Map();
      this._fetched = new Map();
      this._derived = new Map();
      this._fallback = new Map();
      this._inflight = new Map();
      this._identities = new Map();
      if (fallback === null || typeof fallback !== 'object') fail('ERR_INVALID_SPEC', `options.fallback must be { 'FROM:TO': rate }, got ${describe(fallback)}`);
      for (const [key, rate] of Object.entries(fallback)) {
        const [from, to, extra] = key.split(':');
        if (extra !== undefined || !from || !to) fail('ERR_INVALID_SPEC', `options.fallback keys must be 'FROM:TO', got ${describe(key)}`);
        minorUnit(from, `options.fallback['${key}'] currency`);
        minorUnit(to, `options.fallback['${key}'] currency`);
        this._fallback.set(key, entry(readRate(rate, `options.fallback['${key}']`), 'fallback', from, to));
      }
    }

    /** Sets the direct rate 1 `from` = `rate` `to` (kept until replaced). Returns this. */
    set(from, to, rate) {
      this._pair(from, to);
      const r = readRate(rate, 'rate');
      this._direct.set(`${from}:${to}`, entry(r, 'direct', from, to));
      this._derived.clear();
      return this;
    }

    /** Forgets cached fetched and derived rates (direct ones stay). */
    clear() {
      this._fetched.clear();
      this._derived.clear();
    }

    _pair(from, to) {
      minorUnit(from, 'from');
      minorUnit(to, 'to');
    }

    /** A known rate for the exact pair: direct, else fetched and fresh. */
    _known(key, now) {
      const d = this._direct.get(key);
      if (d !== undefined) return d;
      const f = this._fetched.get(key);
      if (f !== undefined && f.expires > now) return f;
      return undefined;
    }

    /** Direct / fetched, inverse or cross, without I/O; caches derivations. */
    _resolve(from, to, now) {
      const key = `${from}:${to}`;
      const known = this._known(key, now);
      if (known !== undefined) return known;
      const cached = this._derived.get(key);
      if (cached !== undefined && cached.expires > now) return cached;
      let e = this._leg(from, to, now);
      if (e === undefined && from !== this.pivot && to !== this.pivot) {
        const a = this._leg(from, this.pivot, now);
        const b = a && this._leg(this.pivot, to, now);
        if (b !== undefined) {
          const text = binding.moneyRate(binding.RateKind.Cross, a.text, b.text);
          e = entry({ rate: Number(text), text }, 'cross', from, to, Math.min(a.expires, b.expires));
        }
      }
      if (e !== undefined) this._derived.set(key, e);
      return e;
    }

    /** from→to directly or as the inverse of to→from. */
    _leg(from, to, now) {
      const known = this._known(`${from}:${to}`, now);
      if (known !== undefined) return known;
      const key = `${from}:${to}`;
      const cached = this._derived.get(key);
      if (cached !== undefined && cached.source === 'inverse' && cached.expires > now) return cached;
      const back = this._known(`${to}:${from}`, now);
      if (back === undefined) return undefined;
      const text = binding.moneyRate(binding.RateKind.Inverse, back.text, '');
      const e = entry({ rate: Number(text), text }, 'inverse', from, to, back.expires);
      this._derived.set(key, e);
      return e;
    }

    /**
     * The rate available now without I/O: identity, direct, inverse, cross, a fresh fetched
     * one, else the fallback; `undefined` when none. Synchronous (a Map lookup when cached).
     * @returns {{ rate: number, source: string, fromCurrency: string, toCurrency: string } | undefined}
     */
    getCached(from, to) {
      const key = `${from}:${to}`;
      const d = this._direct.get(key);
      if (d !== undefined) return d.result;
      const now = this._now();
      const c = this._derived.get(key);
      if (c !== undefined && c.expires > now) return c.result;
      const f = this._fetched.get(key);
      if (f !== undefined && f.expires > now) return f.result;
      const e = this._lookup(from, to, now);
      return e === undefined ? undefined : e.result;
    }

    /** Identity or a rate known now (no fallback, no I/O). */
    _entryNow(from, to) {
      if (from === to) return this._identity(from);
      return this._resolve(from, to, this._now());
    }

    _identity(code) {
      let e = this._identities.get(code);
      if (e === undefined) {
        e = entry({ rate: 1, text: '1' }, 'identity', code, code);
        this._identities.set(code, e);
      }
      return e;
    }

    _lookup(from, to, now) {
      this._pair(from, to);
      if (from === to) return this._identity(from);
      return this._resolve(from, to, now) || this._fallback.get(`${from}:${to}`);
    }

    /**
     * The rate: direct → inverse → cross → fetch (single-flight, cached for ttl) → fallback.
     * Resolves `{ rate: null, source: 'unavailable' }` when nothing is known; never rejects for
     * known currencies (a failing fetch is reported to `onError` and falls back).
     */
    async get(from, to) {
      return (await this._entry(from, to)).result;
    }

    async _entry(from, to) {
      this._pair(from, to);
      const now = this._now();
      if (from === to) return this._identity(from);
      const e = this._resolve(from, to, now);
      if (e !== undefined) return e;
      if (this._fetch) {
        const fetched = await this._fetchOnce(from, to);
        if (fetched !== undefined) return fetched;
      }
      return this._fallback.get(`${from}:${to}`) || { result: Object.freeze({ rate: null, source: 'unavailable', fromCurrency: from, toCurrency: to }), text: null };
    }

    _fetchOnce(from, to) {
      const key = `${from}:${to}`;
      let p = this._inflight.get(key);
      if (p === undefined) {
        p = (async () => {
          try {
            const raw = await this._fetch(from, to);
            if (raw === null || raw === undefined) return undefined;
            const e = entry(readRate(raw, `fetch('${from}', '${to}') result`), 'fetched', from, to, this._now() + this.ttl);
            this._fetched.set(key, e);
            this._derived.clear();
            return e;
          } catch (err) {
            if (this._onError) {
              try { this._onError(err, from, to); } catch { /* a logger must not break rates */ }
            }
            return undefined;
          } finally {
            this._inflight.delete(key);
          }
        })();
        this._inflight.set(key, p);
      }
      return p;
    }

    /**
     * Converts `amount` exactly (amount × rate) and rounds to the minor unit of `to`.
     * @param {number|string|bigint|object} amount
     * @param {string} from
     * @param {string} to
     * @param {{ rounding?: string, output?: 'number'|'string' }} [options]
     * @returns {Promise<{ amount: number|string|null, rate: number|null, fromCurrency: string, toCurrency: string, source: string }>}
     */
    async convert(amount, from, to, options) {
      const scale = minorUnit(to, 'to');
      minorUnit(from, 'from');
      const o = { currency: from, scale, rounding: options && options.rounding, output: options && options.output };
      if (typeof amount === 'number' && amount - amount !== 0) fail('ERR_INVALID_AMOUNT', `amount must be a finite number, got ${amount}`);
      let e = this._entryNow(from, to);
      if (e === undefined) {
        // Validate the amount before any I/O: bad input never reaches fetch.
        money.toExact(amount, from);
        e = await this._entry(from, to);
      }
      const { rate, source } = e.result;
      // The rate as a number when it prints as its exact text (always, for ≤ 15 digits):
      // then the whole product crosses as numbers.
      const value = e.text === null ? null : money.mul(amount, e.exactNumber ? rate : e.text, o);
      return { amount: value, rate, fromCurrency: from, toCurrency: to, source };
    }
  }

  /**
   * Facade of the original `ExchangeRateCache` (getRate, fetchRate, convert) on top of
   * {@link Rates}. Differences (bugs fixed, not copied): an unknown pair gives `null`, not 1.0;
   * `convert` is exact and rounded to the target currency instead of `amount * rate`.
   */
  class ExchangeRateCache {
    /**
     * @param {{ fetch?: (from: string, to: string) => Promise<number|null>, cache?: { getOrCompute: Function, invalidate?: Function },
     *   ttl?: number, fallback?: Record<string, number>, pivot?: string, rates?: Rates }} [options]
     *   fetch: where the original read the database (`ExchangeRate.findOne(...)`); cache: a
     *   hotpath Cache (or anything with getOrCompute(key, fn, { ttl })) shared like the
     *   original `cacheManager`; fallback defaults to RUB:USD 0.011, USD:RUB 90.
     */
    constructor(options = {}) {
      const { fetch, cache, ttl = 3_600_000, fallback = DEFAULT_FALLBACK, pivot, rates } = options || {};
      this.cache = cache;
      this._source = fetch;
      const viaCache = fetch && cache
        ? (from, to) => cache.getOrCompute(`exchange_rate:${from}:${to}`, () => fetch(from, to), { ttl })
        : fetch;
      this.rates = rates || new Rates({ pivot, ttl, fallback, fetch: viaCache });
    }

    /** The rate as a number (1 when from === to, null when nothing is known). */
    async getRate(fromCurrency, toCurrency) {
      return (await this.rates.get(fromCurrency, toCurrency)).rate;
    }

    /** Reads the source (no cache), then the fallback; null when neither knows the pair. */
    async fetchRate(fromCurrency, toCurrency) {
      if (fromCurrency === toCurrency) return 1;
      if (this._source) {
        try {
          const r = await this._source(fromCurrency, toCurrency);
          if (r !== null && r !== undefined) return Number(r);
        } catch { /* fall back */ }
      }
      const fb = this.rates._fallback.get(`${fromCurrency}:${toCurrency}`);
      return fb ? fb.result.rate : null;
    }

    /** `{ amount, rate, fromCurrency, toCurrency, source }`, amount exact and rounded. */
    async convert(amount, fromCurrency, toCurrency, options) {
      return this.rates.convert(amount, fromCurrency, toCurrency, options);
    }
  }

  /**
   * Facade of the original `CachedBalanceCalculator`, constructed with its dependencies:
   * `aggregate(currency)` returns the `$group` result (e.g. the original's `Cash.aggregate`
   * pipeline) and `cache` (optional) is anything with `getOrCompute(key, fn, { ttl })` and
   * `invalidate(key)`. Totals are exact (Rust) instead of float sums.
   */
  class CachedBalanceCalculator {
    /**
     * @param {{ aggregate: (currency: string) => Promise<Array<{ _id: string, total: any }>>,
     *   cache?: { getOrCompute: Function, invalidate?: Function }, ttl?: number,
     *   currencies?: string[], keyPrefix?: string, types?: Record<string, string[]>,
     *   output?: 'number'|'string' }} options ttl in ms (default 60 000, the original's 60 s)
     */
    constructor(options = {}) {
      const { aggregate, cache, ttl = 60_000, currencies = ['USD', 'RUB'], keyPrefix = 'balance:', types, output } = options || {};
      if (typeof aggregate !== 'function') fail('ERR_INVALID_SPEC', `options.aggregate must be an async function (currency) => groups, got ${describe(aggregate)}`);
      if (cache !== undefined && cache !== null && typeof cache.getOrCompute !== 'function') {
        fail('ERR_INVALID_SPEC', 'options.cache must have getOrCompute(key, fn, { ttl })');
      }
      for (const c of currencies) minorUnit(c, 'options.currencies[]');
      this.aggregate = aggregate;
      this.cache = cache || null;
      this.ttl = ttl;
      this.currencies = [...currencies];
      this.keyPrefix = keyPrefix;
      this.options = { types, output };
    }

    /** The balance of one currency, through the cache when there is one. */
    async getBalanceByCurrency(currency) {
      minorUnit(currency);
      if (!this.cache) return this.calculateBalanceByCurrency(currency);
      return this.cache.getOrCompute(`${this.keyPrefix}${currency}`, () => this.calculateBalanceByCurrency(currency), { ttl: this.ttl });
    }

    /** `{ currency, income, expense, debt, balance, calculatedAt }`, uncached. */
    async calculateBalanceByCurrency(currency) {
      minorUnit(currency);
      const groups = await this.aggregate(currency);
      return { ...money.balanceFromGroups(currency, groups || [], this.options), calculatedAt: new Date() };
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

  return { Rates, ExchangeRateCache, CachedBalanceCalculator, SOURCES };
}

module.exports = { create, SOURCES };
