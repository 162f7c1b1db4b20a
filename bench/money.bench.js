'use strict';
/**
 * money: exact sums, balances from raw BSON, cached conversion — hotpath (native and wasm)
 * next to the JS anchors, in one run.
 *
 *   npm run bench -- money        (BENCH_ROUNDS / BENCH_TIME_MS shorten it)
 *
 * 1. Exact sum of 1M two-decimal amounts up to 100,000,000.00 (the data): hotpath
 *    from a JS Array and from a Float64Array vs decimal.js, big.js, dinero.js, currency.js
 *    and a plain float sum. The pure-JS decimal libraries take 0.1–1 s per 1M sum, too slow
 *    for tinybench's 64-sample minimum: they are timed with the same median-of-rounds rule
 *    by hand (`timeMedian`), and every ratio goes into one recorded table.
 * 2. Balance of 100k raw BSON Cash documents: hotpath.balanceFromBson (crossing and
 *    Buffer.concat included) vs BSON.deserialize + a JS loop vs BSON.onDemand.parseToElements.
 * 3. rates.convert cached (and the sync getCached) vs the original design's
 *    ExchangeRateCache.convert through CacheManager.getOrCompute.
 */
const { performance } = require('node:perf_hooks');
const Decimal = require('decimal.js');
const Big = require('big.js');
const currency = require('currency.js');
const { dinero, add: dAdd, toSnapshot } = require('dinero.js');
const { USD } = require('dinero.js/currencies');
const { BSON, ObjectId, Decimal128, Double } = require('bson');
const { compare, record, backends, median } = require('./harness');

const ROUNDS = Number(process.env.BENCH_ROUNDS || 5);
const N = 1_000_000;
const DOCS = 100_000;

/** Deterministic PRNG (mulberry32) so every run sums the same data. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Median wall time (ns) of `fn` over `rounds` runs after one warm-up run. */
function timeMedian(fn, rounds = Math.max(3, Math.min(ROUNDS, 5))) {
  fn();
  const xs = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    fn();
    xs.push((performance.now() - t0) * 1e6);
  }
  return median(xs);
}

const round2 = (x) => (x >= 100 ? Math.round(x) : Math.round(x * 100) / 100);

/**
 * Like harness `compare`, for tasks of 50–500 ms per call: tinybench takes at least 64
 * samples per task per round (measured: a 440 ms task ran 64 times with time = 200 ms), which
 * would make this file run for many minutes. Same rule otherwise: rotated order per round,
 * the median per task, ratio = baseline ÷ task; recorded with `record`.
 */
function handCompare(title, tasks, baseline) {
  const names = Object.keys(tasks);
  const rounds = Math.max(3, Math.min(ROUNDS, 5));
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  for (const n of names) tasks[n]();
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < names.length; i++) {
      const n = names[(i + r) % names.length];
      const t0 = performance.now();
      tasks[n]();
      samples[n].push((performance.now() - t0) * 1e6);
    }
  }
  const base = median(samples[baseline]);
  const rows = names.map((n) => {
    const ns = median(samples[n]);
    return { task: n, msPerCall: round2(ns / 1e6), ratio: round2(base / ns) };
  });
  record(title, rows, `ratio = ${baseline} ÷ task (median of ${rounds} rounds, timed by hand)`);
  return rows;
}

async function sums() {
  const rand = rng(42);
  const arr = new Array(N);
  let cents = 0n;
  for (let i = 0; i < N; i++) {
    const c = Math.floor(rand() * 10_000_000_000); // up to 100,000,000.00
    cents += BigInt(c);
    arr[i] = c / 100;
  }
  const f64 = Float64Array.from(arr);
  const [native, wasm] = backends().map((b) => b.api.money);
  const exact = `${cents / 100n}.${String(cents % 100n).padStart(2, '0')}`;
  for (const [name, m] of [['native', native], ['wasm', wasm]]) {
    if (m.sum(f64, { output: 'string', currency: 'USD' }) !== exact) throw new Error(`hotpath ${name} sum is not exact`);
  }
  let floatSum = 0;
  for (let i = 0; i < N; i++) floatSum += arr[i];
  const floatError = Number(BigInt(Math.round(floatSum * 100)) - cents) / 100;

  let sink = 0;
  const fast = {
    'float sum (Float64Array, inexact)': () => { let s = 0; for (let i = 0; i < N; i++) s += f64[i]; sink += s; },
    'float sum (Array, inexact)': () => { let s = 0; for (let i = 0; i < N; i++) s += arr[i]; sink += s; },
    'hotpath native (Float64Array)': () => { sink += native.sum(f64); },
    'hotpath native (Array)': () => { sink += native.sum(arr); },
    'hotpath wasm (Float64Array)': () => { sink += wasm.sum(f64); },
    'hotpath wasm (Array)': () => { sink += wasm.sum(arr); },
  };
  const rows = await compare(`exact sum of ${N / 1e6}M amounts: hotpath vs float sum`, fast,
    { baseline: 'float sum (Float64Array, inexact)', opsPerCall: N, time: Number(process.env.BENCH_TIME_MS || 200) });
  const ns = Object.fromEntries(rows.map((r) => [r.task, r.nsPerOp * N]));

  const slow = {
    'decimal.js': () => { let s = new Decimal(0); for (let i = 0; i < N; i++) s = s.plus(arr[i]); sink += s.toNumber(); },
    'big.js': () => { let s = new Big(0); for (let i = 0; i < N; i++) s = s.plus(arr[i]); sink += s.toNumber(); },
    'dinero.js (Math.round(x*100) minor units)': () => {
      let s = dinero({ amount: 0, currency: USD });
      for (let i = 0; i < N; i++) s = dAdd(s, dinero({ amount: Math.round(arr[i] * 100), currency: USD }));
      sink += toSnapshot(s).amount;
    },
    'currency.js': () => { let s = currency(0); for (let i = 0; i < N; i++) s = s.add(arr[i]); sink += s.value; },
  };
  for (const [name, fn] of Object.entries(slow)) ns[name] = timeMedian(fn);

  const dec = ns['decimal.js'];
  const flt = ns['float sum (Float64Array, inexact)'];
  const table = Object.entries(ns).map(([task, t]) => ({
    task,
    msPer1M: round2(t / 1e6),
    nsPerAmount: round2(t / N),
    'x faster than decimal.js': round2(dec / t),
    'x float sum time': round2(t / flt),
  }));
  record(`exact sum of ${N / 1e6}M amounts: every ratio`, table,
    `float sum error on this data: ${floatError} whole units; decimal libraries timed by hand (median of ${Math.max(3, Math.min(ROUNDS, 5))} runs)`);
  if (sink === 42) console.log('');
  return { ns, floatError };
}

function cashDocs() {
  const rand = rng(7);
  const types = ['client_payment', 'debt_payment', 'expense', 'vagon_expense', 'debt_sale', 'transfer'];
  const docs = [];
  const base = new Date('2025-01-01T00:00:00Z').getTime();
  for (let i = 0; i < DOCS; i++) {
    const c = Math.floor(rand() * 10_000_000_000);
    const k = i % 10;
    // The JS serializer stores whole numbers as int32 and fractions as double; some Decimal128.
    const amount = k === 9 ? Decimal128.fromString((c / 100).toFixed(2)) : k === 8 ? (c % 100000) : c / 100;
    docs.push({
      _id: new ObjectId(),
      type: types[Math.floor(rand() * types.length)],
      amount,
      currency: rand() < 0.6 ? 'USD' : 'RUB',
      client: new ObjectId(),
      description: `payment #${i}`,
      date: new Date(base + i * 60_000),
      isDeleted: rand() < 0.05,
      createdAt: new Date(base + i * 60_000),
      updatedAt: new Date(base + i * 60_000),
    });
  }
  return docs.map((d) => BSON.serialize(d));
}

/** The JS baseline: deserialize each raw document and sum floats per currency and type. */
function jsBalance(buffers) {
  const out = {};
  for (let i = 0; i < buffers.length; i++) {
    const d = BSON.deserialize(buffers[i]);
    if (d.isDeleted === true) continue;
    const row = out[d.currency] || (out[d.currency] = { income: 0, expense: 0, debt: 0 });
    const a = typeof d.amount === 'number' ? d.amount : Number(d.amount.toString());
    switch (d.type) {
      case 'client_payment': case 'debt_payment': row.income += a; break;
      case 'expense': case 'vagon_expense': row.expense += a; break;
      case 'debt_sale': row.debt += a; break;
      default:
    }
  }
  for (const r of Object.values(out)) r.balance = r.income - r.expense;
  return out;
}

/** BSON.onDemand: parse element offsets, read the four fields by hand. */
function onDemandBalance(buffers) {
  const { parseToElements, ByteUtils, NumberUtils } = BSON.onDemand;
  const out = {};
  for (let i = 0; i < buffers.length; i++) {
    const b = buffers[i];
    const els = parseToElements(b, 0);
    let cur; let type; let amount = 0; let deleted = false;
    for (let j = 0; j < els.length; j++) {
      const [t, no, nl, off, len] = els[j];
      const name = ByteUtils.toUTF8(b, no, no + nl, false);
      if (name === 'currency') cur = ByteUtils.toUTF8(b, off + 4, off + len - 1, false);
      else if (name === 'type') type = ByteUtils.toUTF8(b, off + 4, off + len - 1, false);
      else if (name === 'isDeleted') deleted = b[off] === 1;
      else if (name === 'amount') {
        if (t === 1) amount = NumberUtils.getFloat64LE(b, off);
        else if (t === 16) amount = NumberUtils.getInt32LE(b, off);
        else if (t === 19) amount = Number(new Decimal128(b.subarray(off, off + 16)).toString());
      }
    }
    if (deleted) continue;
    const row = out[cur] || (out[cur] = { income: 0, expense: 0, debt: 0 });
    if (type === 'client_payment' || type === 'debt_payment') row.income += amount;
    else if (type === 'expense' || type === 'vagon_expense') row.expense += amount;
    else if (type === 'debt_sale') row.debt += amount;
  }
  return out;
}

function balances() {
  const buffers = cashDocs();
  const joined = Buffer.concat(buffers);
  const [native, wasm] = backends().map((b) => b.api.money);
  const a = native.balanceFromBson(buffers);
  const w = wasm.balanceFromBson(joined);
  const j = jsBalance(buffers);
  const o = onDemandBalance(buffers);
  if (JSON.stringify(a) !== JSON.stringify(w)) throw new Error('native and wasm balances differ');
  for (const c of Object.keys(j)) {
    if (Math.abs(j[c].balance - a[c].balance) > 1 || Math.abs(o[c].balance - a[c].balance) > 1) throw new Error(`balances disagree for ${c}`);
  }
  let sink = 0;
  const rows = handCompare(`balance of ${DOCS / 1000}k raw BSON documents (${(joined.length / 1e6).toFixed(1)} MB)`, {
    'BSON.deserialize + JS loop': () => { sink += jsBalance(buffers).USD.balance; },
    'BSON.onDemand.parseToElements + JS': () => { sink += onDemandBalance(buffers).USD.balance; },
    'hotpath native (Buffer[] → concat + 1 call)': () => { sink += native.balanceFromBson(buffers).USD.balance; },
    'hotpath native (one Buffer)': () => { sink += native.balanceFromBson(joined).USD.balance; },
    'hotpath wasm (Buffer[] → concat + 1 call)': () => { sink += wasm.balanceFromBson(buffers).USD.balance; },
    'hotpath wasm (one Buffer)': () => { sink += wasm.balanceFromBson(joined).USD.balance; },
  }, 'BSON.deserialize + JS loop');
  // The same documents as JS objects (e.g. `.lean()` results): fields read in JS into typed
  // columns, one call; vs the float loop the original design effectively runs.
  const objs = buffers.map((b) => BSON.deserialize(b));
  const floatLoop = (docs) => {
    const out = {};
    for (const d of docs) {
      if (d.isDeleted === true) continue;
      const row = out[d.currency] || (out[d.currency] = { income: 0, expense: 0, debt: 0 });
      const x = typeof d.amount === 'number' ? d.amount : Number(d.amount.toString());
      if (d.type === 'client_payment' || d.type === 'debt_payment') row.income += x;
      else if (d.type === 'expense' || d.type === 'vagon_expense') row.expense += x;
      else if (d.type === 'debt_sale') row.debt += x;
    }
    return out;
  };
  handCompare(`balance of ${DOCS / 1000}k JS documents (lean objects)`, {
    'JS float loop (inexact)': () => { sink += floatLoop(objs).USD.income; },
    'hotpath native balance(docs)': () => { sink += native.balance(objs).USD.balance; },
    'hotpath wasm balance(docs)': () => { sink += wasm.balance(objs).USD.balance; },
  }, 'JS float loop (inexact)');
  if (sink === 42) console.log('');
  return rows;
}

/** The original design's CacheManager (memory branch) and ExchangeRateCache.convert. */
class SeedCacheManager {
  constructor() { this.memoryCache = new Map(); this.defaultTTL = 60; }
  async get(key) {
    const cached = this.memoryCache.get(key);
    if (cached && Date.now() < cached.expiry) return cached.value;
    this.memoryCache.delete(key);
    return null;
  }
  async set(key, value, ttl = this.defaultTTL) { this.memoryCache.set(key, { value, expiry: Date.now() + ttl * 1000 }); }
  async getOrCompute(key, computeFn, ttl = this.defaultTTL) {
    let value = await this.get(key);
    if (value === null) { value = await computeFn(); await this.set(key, value, ttl); }
    return value;
  }
}
const seedCache = new SeedCacheManager();
const SeedRates = {
  async getRate(from, to) {
    if (from === to) return 1.0;
    return seedCache.getOrCompute(`exchange_rate:${from}:${to}`, async () => this.fetchRate(from, to), 3600);
  },
  async fetchRate(from, to) { return ({ 'RUB:USD': 0.011, 'USD:RUB': 90.0 })[`${from}:${to}`] || 1.0; },
  async convert(amount, from, to) {
    const rate = await this.getRate(from, to);
    return { amount: amount * rate, rate, fromCurrency: from, toCurrency: to };
  },
};

async function rates() {
  const list = backends();
  const tasks = {
    'original ExchangeRateCache.convert (getOrCompute, float)': async () => { await SeedRates.convert(1234.56, 'USD', 'RUB'); },
    'original getRate (getOrCompute)': async () => { await SeedRates.getRate('USD', 'RUB'); },
  };
  for (const { name, api } of list) {
    const r = new api.Rates({ fallback: { 'RUB:USD': 0.011, 'USD:RUB': 90 }, fetch: async (f, t) => (f === 'USD' && t === 'RUB' ? 90 : null) });
    await r.get('USD', 'RUB');
    tasks[`${name} rates.convert (exact, rounded)`] = async () => { await r.convert(1234.56, 'USD', 'RUB'); };
    tasks[`${name} rates.get`] = async () => { await r.get('USD', 'RUB'); };
    tasks[`${name} rates.getCached (sync)`] = () => r.getCached('USD', 'RUB');
  }
  await SeedRates.convert(1, 'USD', 'RUB');
  return compare('rates: cached convert / lookup vs the original getOrCompute path', tasks,
    { baseline: 'original ExchangeRateCache.convert (getOrCompute, float)' });
}

(async () => {
  const s = await sums();
  const b = balances();
  const r = await rates();
  const ns = s.ns;
  const dec = ns['decimal.js'];
  const flt = ns['float sum (Float64Array, inexact)'];
  const bRatio = (name) => b.find((x) => x.task === name).ratio;
  const targets = [
    { task: 'sum 1M Float64Array native vs decimal.js', target: '>= 30x', measured: round2(dec / ns['hotpath native (Float64Array)']) },
    { task: 'sum 1M Float64Array native vs float sum', target: '<= 3x float time', measured: round2(ns['hotpath native (Float64Array)'] / flt) },
    { task: 'sum 1M Float64Array wasm vs decimal.js', target: '>= 10x', measured: round2(dec / ns['hotpath wasm (Float64Array)']) },
    { task: 'sum 1M Array native vs decimal.js', target: '(info)', measured: round2(dec / ns['hotpath native (Array)']) },
    { task: 'sum 1M Array wasm vs decimal.js', target: '(info)', measured: round2(dec / ns['hotpath wasm (Array)']) },
    { task: 'balance 100k BSON native (Buffer[]) vs deserialize+JS', target: '>= 4x', measured: bRatio('hotpath native (Buffer[] → concat + 1 call)') },
    { task: 'balance 100k BSON wasm (Buffer[]) vs deserialize+JS', target: '(info)', measured: bRatio('hotpath wasm (Buffer[] → concat + 1 call)') },
    { task: 'getCached native ns/op', target: '< 10000 ns', measured: r.find((x) => x.task === 'hotpath native rates.getCached (sync)').nsPerOp },
  ];
  record('money targets (one run)', targets.map((t) => ({ ...t, met: t.target === '(info)' ? '' : String(t.target.startsWith('>=') ? t.measured >= parseFloat(t.target.slice(3)) : t.measured <= parseFloat(t.target.replace(/[^0-9.]/g, ''))) })),
    `float sum error on the 1M data: ${s.floatError} whole units`);
})();
