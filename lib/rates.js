'use strict';
/**
 * Exchange rates: `Rates` (its seed facade, `ExchangeRateCache`, is in
 * lib/compat/exchange-rate-cache.js).
 *
 * The rate table lives in JS Maps so that a cached `getCached` is a string concat and a Map
 * lookup (~0.1 µs), never an FFI crossing. The core is called only to derive a rate exactly
 * (1/rate and cross products, 12 significant digits) — once per derivation, then cached —
 * and by `convert` for the exact product rounded to the target currency.
 */
const args = require('./args');
const { fail } = require('./errors');
const { INTERNALS, apiOf } = require('./internal');

const { describe } = args;
const SPEC = 'ERR_INVALID_SPEC';
/** Where a rate came from (`source`). */
const SOURCES = Object.freeze(['identity', 'direct', 'inverse', 'cross', 'fetched', 'fallback', 'unavailable']);

/** A rate as `{ rate: number, text: exact decimal string }`; bad → ERR_INVALID_AMOUNT. */
function readRate(money, rate, what) {
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
  #money;
  #binding;
  #fetch;
  #onError;
  #now;
  #direct;
  #fetched;
  #derived;
  #fallback;
  #inflight;
  #identities;

  /**
   * @param {{ pivot?: string, ttl?: number, fallback?: Record<string, number|string>,
   *   fetch?: (from: string, to: string) => Promise<number|string|null|undefined>,
   *   onError?: (err: unknown, from: string, to: string) => void, now?: () => number }} [options]
   *   ttl in ms (default 3 600 000) for fetched rates; fallback keyed 'FROM:TO'.
   */
  constructor(options = {}) {
    args.object(SPEC, 'options', options);
    const { pivot = 'USD', ttl = 3_600_000, fallback = {}, fetch, onError, now = Date.now } = options;
    const api = apiOf(new.target);
    this.#money = api.money;
    this.#binding = api.__backend.binding;
    this.#money.minorUnit(pivot, 'options.pivot');
    if (!(ttl >= 0)) args.reject(SPEC, 'options.ttl', 'a number of ms >= 0', ttl);
    args.optional(args.func, SPEC, 'options.fetch', fetch);
    /** The currency cross rates go through. */
    this.pivot = pivot;
    /** ms a fetched rate is kept. */
    this.ttl = ttl;
    this.#fetch = fetch;
    this.#onError = onError;
    this.#now = now;
    this.#direct = new Map();
    this.#fetched = new Map();
    this.#derived = new Map();
    this.#fallback = new Map();
    this.#inflight = new Map();
    this.#identities = new Map();
    if (fallback === null || typeof fallback !== 'object') args.reject(SPEC, 'options.fallback', "{ 'FROM:TO': rate }", fallback);
    for (const [key, rate] of Object.entries(fallback)) {
      const [from, to, extra] = key.split(':');
      if (extra !== undefined || !from || !to) args.reject(SPEC, 'options.fallback keys', "'FROM:TO'", key);
      this.#money.minorUnit(from, `options.fallback['${key}'] currency`);
      this.#money.minorUnit(to, `options.fallback['${key}'] currency`);
      this.#fallback.set(key, entry(readRate(this.#money, rate, `options.fallback['${key}']`), 'fallback', from, to));
    }
  }

  /** Sets the direct rate 1 `from` = `rate` `to` (kept until replaced). Returns this. */
  set(from, to, rate) {
    this.#pair(from, to);
    const r = readRate(this.#money, rate, 'rate');
    this.#direct.set(`${from}:${to}`, entry(r, 'direct', from, to));
    this.#derived.clear();
    return this;
  }

  /** Forgets cached fetched and derived rates (direct ones stay). */
  clear() {
    this.#fetched.clear();
    this.#derived.clear();
  }

  #pair(from, to) {
    this.#money.minorUnit(from, 'from');
    this.#money.minorUnit(to, 'to');
  }

  /** A known rate for the exact pair: direct, else fetched and fresh. */
  #known(key, now) {
    const d = this.#direct.get(key);
    if (d !== undefined) return d;
    const f = this.#fetched.get(key);
    if (f !== undefined && f.expires > now) return f;
    return undefined;
  }

  /** Direct / fetched, inverse or cross, without I/O; caches derivations. */
  #resolve(from, to, now) {
    const key = `${from}:${to}`;
    const known = this.#known(key, now);
    if (known !== undefined) return known;
    const cached = this.#derived.get(key);
    if (cached !== undefined && cached.expires > now) return cached;
    let e = this.#leg(from, to, now);
    if (e === undefined && from !== this.pivot && to !== this.pivot) {
      const a = this.#leg(from, this.pivot, now);
      const b = a && this.#leg(this.pivot, to, now);
      if (b !== undefined) {
        const text = this.#binding.moneyRate(this.#binding.RateKind.Cross, a.text, b.text);
        e = entry({ rate: Number(text), text }, 'cross', from, to, Math.min(a.expires, b.expires));
      }
    }
    if (e !== undefined) this.#derived.set(key, e);
    return e;
  }

  /** from→to directly or as the inverse of to→from. */
  #leg(from, to, now) {
    const known = this.#known(`${from}:${to}`, now);
    if (known !== undefined) return known;
    const key = `${from}:${to}`;
    const cached = this.#derived.get(key);
    if (cached !== undefined && cached.source === 'inverse' && cached.expires > now) return cached;
    const back = this.#known(`${to}:${from}`, now);
    if (back === undefined) return undefined;
    const text = this.#binding.moneyRate(this.#binding.RateKind.Inverse, back.text, '');
    const e = entry({ rate: Number(text), text }, 'inverse', from, to, back.expires);
    this.#derived.set(key, e);
    return e;
  }

  /**
   * The rate available now without I/O: identity, direct, inverse, cross, a fresh fetched
   * one, else the fallback; `undefined` when none. Synchronous (a Map lookup when cached).
   * @returns {{ rate: number, source: string, fromCurrency: string, toCurrency: string } | undefined}
   */
  getCached(from, to) {
    const key = `${from}:${to}`;
    const d = this.#direct.get(key);
    if (d !== undefined) return d.result;
    const now = this.#now();
    const c = this.#derived.get(key);
    if (c !== undefined && c.expires > now) return c.result;
    const f = this.#fetched.get(key);
    if (f !== undefined && f.expires > now) return f.result;
    const e = this.#lookup(from, to, now);
    return e === undefined ? undefined : e.result;
  }

  /** Identity or a rate known now (no fallback, no I/O). */
  #entryNow(from, to) {
    if (from === to) return this.#identity(from);
    return this.#resolve(from, to, this.#now());
  }

  #identity(code) {
    let e = this.#identities.get(code);
    if (e === undefined) {
      e = entry({ rate: 1, text: '1' }, 'identity', code, code);
      this.#identities.set(code, e);
    }
    return e;
  }

  #lookup(from, to, now) {
    this.#pair(from, to);
    if (from === to) return this.#identity(from);
    return this.#resolve(from, to, now) || this.#fallback.get(`${from}:${to}`);
  }

  /**
   * The rate: direct → inverse → cross → fetch (single-flight, cached for ttl) → fallback.
   * Resolves `{ rate: null, source: 'unavailable' }` when nothing is known; never rejects for
   * known currencies (a failing fetch is reported to `onError` and falls back).
   */
  async get(from, to) {
    return (await this.#entry(from, to)).result;
  }

  async #entry(from, to) {
    this.#pair(from, to);
    const now = this.#now();
    if (from === to) return this.#identity(from);
    const e = this.#resolve(from, to, now);
    if (e !== undefined) return e;
    if (this.#fetch) {
      const fetched = await this.#fetchOnce(from, to);
      if (fetched !== undefined) return fetched;
    }
    return this.#fallback.get(`${from}:${to}`) || { result: Object.freeze({ rate: null, source: 'unavailable', fromCurrency: from, toCurrency: to }), text: null };
  }

  #fetchOnce(from, to) {
    const key = `${from}:${to}`;
    let p = this.#inflight.get(key);
    if (p === undefined) {
      p = (async () => {
        try {
          const raw = await this.#fetch(from, to);
          if (raw === null || raw === undefined) return undefined;
          const e = entry(readRate(this.#money, raw, `fetch('${from}', '${to}') result`), 'fetched', from, to, this.#now() + this.ttl);
          this.#fetched.set(key, e);
          this.#derived.clear();
          return e;
        } catch (err) {
          if (this.#onError) {
            try { this.#onError(err, from, to); } catch { /* a logger must not break rates */ }
          }
          return undefined;
        } finally {
          this.#inflight.delete(key);
        }
      })();
      this.#inflight.set(key, p);
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
    const money = this.#money;
    const scale = money.minorUnit(to, 'to');
    money.minorUnit(from, 'from');
    const o = { currency: from, scale, rounding: options && options.rounding, output: options && options.output };
    if (typeof amount === 'number' && amount - amount !== 0) fail('ERR_INVALID_AMOUNT', `amount must be a finite number, got ${amount}`);
    let e = this.#entryNow(from, to);
    if (e === undefined) {
      // Validate the amount before any I/O: bad input never reaches fetch.
      money.toExact(amount, from);
      e = await this.#entry(from, to);
    }
    const { rate, source } = e.result;
    // The rate as a number when it prints as its exact text (always, for ≤ 15 digits):
    // then the whole product crosses as numbers.
    const value = e.text === null ? null : money.mul(amount, e.exactNumber ? rate : e.text, o);
    return { amount: value, rate, fromCurrency: from, toCurrency: to, source };
  }

  /**
   * The private state (lib/internal.js): `fallback(from, to)`, the fallback rate of a pair
   * (or undefined): the ExchangeRateCache facade's `fetchRate` falls back to it.
   * @param {Rates} r
   */
  static [INTERNALS](r) {
    return {
      fallback: (from, to) => r.#fallback.get(`${from}:${to}`)?.result.rate,
    };
  }
}

module.exports = { Rates, SOURCES };
