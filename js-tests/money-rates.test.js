'use strict';
/** Rates and the seed facades (ExchangeRateCache, CachedBalanceCalculator), both backends. */
const hotpath = require('../');

const { Rates, ExchangeRateCache, CachedBalanceCalculator, HotpathError, money } = hotpath;

/** A minimal stand-in for the Cache of DESIGN.md: getOrCompute (single-flight) + invalidate. */
class FakeCache {
  constructor() { this.map = new Map(); this.inflight = new Map(); this.computes = 0; this.ttls = []; }
  async getOrCompute(key, fn, { ttl } = {}) {
    if (this.map.has(key)) return this.map.get(key);
    if (this.inflight.has(key)) return this.inflight.get(key);
    this.computes++;
    this.ttls.push(ttl);
    const p = Promise.resolve().then(fn).then((v) => { this.map.set(key, v); return v; }).finally(() => this.inflight.delete(key));
    this.inflight.set(key, p);
    return p;
  }
  invalidate(key) { return this.map.delete(key) ? 1 : 0; }
}

function expectCode(fn, code, mention) {
  let err;
  try { fn(); } catch (e) { err = e; }
  expect(err).toBeInstanceOf(HotpathError);
  expect(err.code).toBe(code);
  if (mention) expect(err.message).toContain(mention);
}

describe(`Rates (${hotpath.backend})`, () => {
  test('direct, inverse (12 significant digits), cross via pivot, identity', async () => {
    const rates = new Rates({ pivot: 'USD' });
    rates.set('USD', 'RUB', 90).set('EUR', 'USD', '1.08');
    expect(await rates.get('USD', 'RUB')).toMatchObject({ rate: 90, source: 'direct' });
    expect(await rates.get('RUB', 'USD')).toMatchObject({ rate: 0.0111111111111, source: 'inverse' });
    expect(await rates.get('EUR', 'RUB')).toMatchObject({ rate: 97.2, source: 'cross' });
    expect(await rates.get('RUB', 'EUR')).toMatchObject({ rate: 0.0102880658436, source: 'cross' });
    expect(await rates.get('JPY', 'JPY')).toMatchObject({ rate: 1, source: 'identity' });
    expect(rates.getCached('RUB', 'USD')).toMatchObject({ rate: 0.0111111111111, source: 'inverse' });
    // A later direct rate wins over the derived one.
    rates.set('RUB', 'USD', 0.0112);
    expect(rates.getCached('RUB', 'USD')).toMatchObject({ rate: 0.0112, source: 'direct' });
  });

  test('nothing known: fallback, else unavailable (never 1.0 for different currencies, never throws)', async () => {
    const rates = new Rates({ fallback: { 'RUB:USD': 0.011 } });
    expect(await rates.get('RUB', 'USD')).toMatchObject({ rate: 0.011, source: 'fallback' });
    expect(await rates.get('GBP', 'JPY')).toMatchObject({ rate: null, source: 'unavailable' });
    expect(rates.getCached('GBP', 'JPY')).toBeUndefined();
    const conv = await rates.convert(10, 'GBP', 'JPY');
    expect(conv).toEqual({ amount: null, rate: null, fromCurrency: 'GBP', toCurrency: 'JPY', source: 'unavailable' });
  });

  test('fetch failure → fallback with source; onError told', async () => {
    const errors = [];
    const rates = new Rates({
      fallback: { 'RUB:USD': 0.011 },
      fetch: async () => { throw new Error('db down'); },
      onError: (e, from, to) => errors.push(`${from}:${to}:${e.message}`),
    });
    const r = await rates.get('RUB', 'USD');
    expect(r).toMatchObject({ rate: 0.011, source: 'fallback' });
    expect(errors).toEqual(['RUB:USD:db down']);
    const c = await rates.convert(1000, 'RUB', 'USD');
    expect(c).toEqual({ amount: 11, rate: 0.011, fromCurrency: 'RUB', toCurrency: 'USD', source: 'fallback' });
  });

  test('fetched rates are cached for ttl, then re-fetched; fetch is single-flight per pair', async () => {
    let t = 1_000;
    let calls = 0;
    let release;
    const gate = new Promise((r) => { release = r; });
    const rates = new Rates({ ttl: 500, now: () => t, fetch: async (from, to) => { calls++; await gate; return from === 'USD' && to === 'RUB' ? 90 + calls : null; } });
    const all = Promise.all([rates.get('USD', 'RUB'), rates.get('USD', 'RUB'), rates.get('USD', 'RUB')]);
    release();
    const got = await all;
    expect(calls).toBe(1);
    expect(got.map((g) => g.rate)).toEqual([91, 91, 91]);
    expect(got[0].source).toBe('fetched');
    expect(rates.getCached('USD', 'RUB')).toMatchObject({ rate: 91, source: 'fetched' });
    // The inverse comes from the fetched rate without another fetch.
    expect(await rates.get('RUB', 'USD')).toMatchObject({ source: 'inverse', rate: 0.010989010989 });
    expect(calls).toBe(1);
    t += 499;
    expect((await rates.get('USD', 'RUB')).rate).toBe(91);
    expect(calls).toBe(1);
    t += 2;
    expect(rates.getCached('USD', 'RUB')).toBeUndefined();
    expect((await rates.get('USD', 'RUB')).rate).toBe(92);
    expect(calls).toBe(2);
  });

  test('convert is exact and rounded to the target currency', async () => {
    const rates = new Rates();
    rates.set('USD', 'JPY', '151.235').set('USD', 'KWD', 0.3071);
    expect(await rates.convert(19.99, 'USD', 'JPY')).toEqual({ amount: 3023, rate: 151.235, fromCurrency: 'USD', toCurrency: 'JPY', source: 'direct' });
    expect((await rates.convert(10.005, 'USD', 'KWD')).amount).toBe(3.073);
    expect((await rates.convert(1999n, 'USD', 'JPY', { output: 'string', rounding: 'down' })).amount).toBe('3023');
    expect((await rates.convert('0.1', 'USD', 'USD')).amount).toBe(0.1);
  });

  test('bad input → HotpathError, state unchanged', async () => {
    const rates = new Rates();
    rates.set('USD', 'RUB', 90);
    expectCode(() => rates.set('USD', 'RUB', -1), 'ERR_INVALID_AMOUNT', 'rate');
    expectCode(() => rates.set('USD', 'RUB', NaN), 'ERR_INVALID_AMOUNT', 'NaN');
    expectCode(() => rates.set('USD', 'RUB', 'abc'), 'ERR_INVALID_AMOUNT');
    expectCode(() => rates.set('USD', 'XXX', 2), 'ERR_UNKNOWN_CURRENCY', 'XXX');
    expectCode(() => rates.getCached('usd', 'RUB'), 'ERR_UNKNOWN_CURRENCY', 'usd');
    await expect(rates.get('USD', 42)).rejects.toMatchObject({ code: 'ERR_UNKNOWN_CURRENCY' });
    await expect(rates.convert(NaN, 'USD', 'RUB')).rejects.toMatchObject({ code: 'ERR_INVALID_AMOUNT' });
    expectCode(() => new Rates({ fallback: { USDRUB: 1 } }), 'ERR_INVALID_SPEC', 'USDRUB');
    expectCode(() => new Rates({ pivot: 'NOPE' }), 'ERR_UNKNOWN_CURRENCY', 'NOPE');
    expect(rates.getCached('USD', 'RUB')).toMatchObject({ rate: 90, source: 'direct' });
  });

  test('a cached getCached takes well under 10 µs', () => {
    const rates = new Rates();
    rates.set('USD', 'RUB', 90).set('EUR', 'USD', 1.08);
    rates.getCached('EUR', 'RUB');
    const n = 100_000;
    let x = 0;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) x += rates.getCached(i & 1 ? 'EUR' : 'RUB', i & 1 ? 'RUB' : 'USD').rate;
    const perCall = Number(process.hrtime.bigint() - t0) / n;
    expect(x).toBeGreaterThan(0);
    expect(perCall).toBeLessThan(10_000);
  });
});

describe(`ExchangeRateCache facade (${hotpath.backend})`, () => {
  test('original fallbacks, getRate / fetchRate / convert, cache used for fetches', async () => {
    const cache = new FakeCache();
    let dbCalls = 0;
    const erc = new ExchangeRateCache({ cache, fetch: async (from, to) => { dbCalls++; return from === 'EUR' && to === 'USD' ? 1.08 : null; } });
    expect(await erc.getRate('USD', 'USD')).toBe(1);
    expect(await erc.getRate('RUB', 'USD')).toBe(0.011);
    expect(await erc.getRate('USD', 'RUB')).toBe(90);
    expect(await erc.getRate('EUR', 'USD')).toBe(1.08);
    expect(await erc.getRate('EUR', 'USD')).toBe(1.08);
    expect(cache.ttls.every((t) => t === 3_600_000)).toBe(true);
    expect(await erc.fetchRate('RUB', 'USD')).toBe(0.011);
    expect(await erc.fetchRate('GBP', 'JPY')).toBeNull();
    const before = dbCalls;
    const c = await erc.convert(100, 'EUR', 'USD');
    expect(c).toEqual({ amount: 108, rate: 1.08, fromCurrency: 'EUR', toCurrency: 'USD', source: 'fetched' });
    expect(dbCalls).toBe(before);
    const noSource = new ExchangeRateCache();
    expect(await noSource.convert(1000, 'RUB', 'USD')).toMatchObject({ amount: 11, source: 'fallback' });
  });
});

describe(`CachedBalanceCalculator facade (${hotpath.backend})`, () => {
  const GROUPS = {
    USD: [{ _id: 'client_payment', total: 0.1 }, { _id: 'debt_payment', total: 0.2 }, { _id: 'expense', total: 0.05 }, { _id: 'debt_sale', total: 3 }],
    RUB: [{ _id: 'vagon_expense', total: 10 }],
  };

  test('getBalanceByCurrency caches through cache.getOrCompute with the original key and ttl', async () => {
    const cache = new FakeCache();
    let calls = 0;
    const calc = new CachedBalanceCalculator({ cache, aggregate: async (c) => { calls++; return GROUPS[c] || []; } });
    const usd = await calc.getBalanceByCurrency('USD');
    expect(usd).toMatchObject({ currency: 'USD', income: 0.3, expense: 0.05, debt: 3, balance: 0.25 });
    expect(usd.calculatedAt).toBeInstanceOf(Date);
    await calc.getBalanceByCurrency('USD');
    expect(calls).toBe(1);
    expect([...cache.map.keys()]).toEqual(['balance:USD']);
    expect(cache.ttls).toEqual([60_000]);
    const all = await calc.getAllBalances();
    expect(Object.keys(all)).toEqual(['USD', 'RUB']);
    expect(all.RUB).toMatchObject({ income: 0, expense: 10, debt: 0, balance: -10 });
    expect(calls).toBe(2);
    expect(calc.invalidate('USD')).toBe(1);
    await calc.getBalanceByCurrency('USD');
    expect(calls).toBe(3);
  });

  test('no cache: computes every time; bad input is a HotpathError', async () => {
    let calls = 0;
    const calc = new CachedBalanceCalculator({ aggregate: async (c) => { calls++; return GROUPS[c] || []; } });
    await calc.getBalanceByCurrency('RUB');
    await calc.getBalanceByCurrency('RUB');
    expect(calls).toBe(2);
    expect((await calc.calculateBalanceByCurrency('USD')).balance).toBe(0.25);
    await expect(calc.getBalanceByCurrency('NOPE')).rejects.toMatchObject({ code: 'ERR_UNKNOWN_CURRENCY' });
    expectCode(() => new CachedBalanceCalculator({}), 'ERR_INVALID_SPEC', 'aggregate');
    expectCode(() => new CachedBalanceCalculator({ aggregate: async () => [], cache: {} }), 'ERR_INVALID_SPEC', 'getOrCompute');
    expect(calc.invalidate()).toBe(0);
    expect(money.add(1, 1)).toBe(2);
  });
});
