'use strict';
/**
 * Issue 13, "no stall" and "distinct patterns are cheap", at 1M keys
 * (`client:<n>:item:<0..99>`), hotpath native and wasm with both policies, lru-cache and the
 * original design's Map scan in the same run:
 *
 * 1. Mixed workload: fill to 1M, then 200k operations — 60 % get, 30 % set of a new key
 *    (churn: every one evicts), 9.9 % set of a present key, 0.1 % invalidation of one
 *    client (`new RegExp('^client:' + id + ':')`, as SmartInvalidation builds it, and
 *    `invalidatePrefix`, alternating; the first one is the cache's first pattern call). Every
 *    call is timed on its own: p50 / p99 / max per kind, and the worst call of the fill.
 *    lru-cache runs the same gets and sets (its pattern invalidation is a 1 s scan).
 *    Each hotpath cache runs with `patterns: true` and without (the default).
 * 2. Distinct patterns with churn: 100 new keys set between calls (untimed), then one
 *    `invalidate(new RegExp('^client:' + id + ':'))` with a new id each time (timed, with the
 *    RegExp construction, as in the Map scan); and the unanchored `new RegExp(':item:' + n +
 *    '$')`. Ratio = the Map scan's median ÷ hotpath's median.
 */
const { record, backends, median } = require('./harness');
const { internals } = require('../lib/internal');
const { LRUCache } = require('lru-cache');

const quick = process.env.BENCH_QUICK === '1';
const BIG = quick ? 200_000 : 1_000_000;
const OPS = quick ? 50_000 : 200_000;
const key = (i) => `client:${Math.floor(i / 100)}:item:${i % 100}`;
const now = () => process.hrtime.bigint();

/** xorshift32: the same operation sequence for every cache. */
function rng(seed) {
  let x = seed >>> 0;
  return () => {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    return x / 0x100000000;
  };
}

function pct(xs, p) {
  const s = Float64Array.from(xs).sort();
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
}

const us = (ns) => Math.round(Number(ns) / 100) / 10;

function mixed(name, c, patterns) {
  const fill = [];
  for (let i = 0; i < BIG; i++) {
    const t0 = now();
    c.set(key(i), i);
    fill.push(Number(now() - t0));
  }
  const times = { get: [], 'set new': [], 'set present': [], invalidate: [] };
  const random = rng(42);
  let next = BIG;
  let inv = 0;
  for (let o = 0; o < OPS; o++) {
    const r = random();
    // Keys of the last 1M written are the candidates (older ones were evicted).
    const live = () => next - 1 - Math.floor(random() * Math.min(BIG, next) * 0.9);
    let kind;
    let f;
    if (r < 0.6) { kind = 'get'; const k = key(live()); f = () => c.get(k); }
    else if (r < 0.9) { kind = 'set new'; const k = key(next++); f = () => c.set(k, o); }
    else if (r < 0.999 || !patterns) { kind = 'set present'; const k = key(live()); f = () => c.set(k, o); }
    else {
      kind = 'invalidate';
      const id = Math.floor(live() / 100);
      f = inv++ % 2 === 0 ? () => c.invalidate(new RegExp(`^client:${id}:`)) : () => c.invalidatePrefix(`client:${id}:`);
    }
    const t0 = now();
    f();
    times[kind].push(Number(now() - t0));
  }
  const all = Object.values(times).flat();
  const rows = [];
  for (const [kind, xs] of Object.entries({ ...times, 'all calls': all })) {
    if (!xs.length) continue;
    rows.push({ task: `${name}: ${kind}`, op: kind, calls: xs.length, p50us: us(pct(xs, 0.5)), p99us: us(pct(xs, 0.99)), maxUs: us(xs.reduce((a, b) => Math.max(a, b), 0)) });
  }
  rows.push({ task: `${name}: fill`, op: 'fill to 1M (each set)', calls: fill.length, p50us: us(pct(fill, 0.5)), p99us: us(pct(fill, 0.99)), maxUs: us(fill.reduce((a, b) => Math.max(a, b), 0)) });
  return rows;
}

function timeOnce(f) {
  const t0 = now();
  const r = f();
  return [Number(now() - t0), r];
}

/** Distinct-pattern invalidations with churn; returns the median ns per call. */
function distinct(c, makeRe, samples, churn, restore) {
  const ns = [];
  let next = 10_000_000;
  for (let s = 0; s < samples; s++) {
    for (let j = 0; j < churn; j++) c.set(key(next++), j);
    const re = makeRe(s);
    const [t] = timeOnce(() => c.invalidate(new RegExp(re.source, re.flags)));
    ns.push(t);
    restore(s);
    // The restored keys are not churn: their index upkeep is paid here, untimed.
    if (internals(c).index !== null) internals(c).syncIndex();
  }
  return median(ns);
}

function main() {
  const hp = backends();
  const impls = [];
  for (const { name, api } of hp) {
    // `patterns: true` keeps the key index from the start; without it the first pattern
    // call indexes all 1M keys.
    for (const policy of ['lru', 'tinylfu']) {
      impls.push({ name: `${name} ${policy} patterns: true`, make: () => new api.Cache({ max: BIG, policy, patterns: true }), patterns: true });
      impls.push({ name: `${name} ${policy} (default: index on first pattern call)`, make: () => new api.Cache({ max: BIG, policy }), patterns: true });
    }
  }
  impls.push({ name: 'lru-cache (gets and sets only)', make: () => new LRUCache({ max: BIG }), patterns: false });
  const rows = [];
  // STALL_BENCH=distinct skips the mixed workload.
  if (process.env.STALL_BENCH === 'distinct') impls.length = 0;
  for (const impl of impls) {
    rows.push(...mixed(impl.name, impl.make(), impl.patterns));
    if (global.gc) global.gc();
  }
  if (rows.length) record(`worst single call, mixed workload at ${BIG / 1e6}M keys`, rows,
    'µs per call; target: max ≤ 10 ms native, ≤ 25 ms wasm, the first pattern invalidation included (fill rows: V8 Map growth included)');

  // 2. Distinct patterns (STALL_BENCH=mixed skips them).
  if (process.env.STALL_BENCH === 'mixed') return;
  const samples = quick ? 21 : 61;
  const map = new Map();
  for (let i = 0; i < BIG; i++) map.set(key(i), i);
  const clients = BIG / 100;
  const anchored = (s) => new RegExp(`^client:${(s * 7919) % clients}:`);
  const unanchored = (s) => new RegExp(`:item:${(s * 37) % 100}$`);
  const restoreFor = (target, makeRe) => (s) => {
    const re = makeRe(s);
    for (let i = 0; i < BIG; i++) { const k = key(i); if (re.test(k)) target.set(k, i); }
  };
  const mapScan = (makeRe, n) => {
    const ns = [];
    for (let s = 0; s < n; s++) {
      const re = makeRe(s);
      const [t] = timeOnce(() => { const r = new RegExp(re.source, re.flags); let k = 0; for (const key_ of map.keys()) if (r.test(key_)) { map.delete(key_); k++; } return k; });
      ns.push(t);
      restoreFor(map, makeRe)(s);
    }
    return median(ns);
  };
  const out = [];
  for (const [title, makeRe, restoreAll] of [['anchored ^client:<id>: (100 matches)', anchored, false], ['unanchored :item:<n>$ (10k matches)', unanchored, true]]) {
    const base = mapScan(makeRe, quick ? 3 : 5);
    out.push({ pattern: title, task: `${title}: Map scan + RegExp.test (original design)`, us: us(base), ratio: 1 });
    for (const { name, api } of hp) {
      const c = new api.Cache({ max: 2 * BIG });
      for (let i = 0; i < BIG; i++) c.set(key(i), i);
      c.invalidatePrefix('\u0000');
      // Anchored: the removed client's 100 keys come back by their keys; unanchored: a
      // scan of the key space (untimed).
      const restore = restoreAll ? restoreFor(c, makeRe) : (s) => { const id = (s * 7919) % clients; for (let j = 0; j < 100; j++) c.set(key(id * 100 + j), j); };
      const ns = distinct(c, makeRe, restoreAll ? Math.min(samples, 11) : samples, 100, restore);
      out.push({ pattern: title, task: `${title}: ${name}`, us: us(ns), ratio: Math.round(base / ns) });
    }
  }
  record(`distinct patterns at ${BIG / 1e6}M keys, 100 new keys set between calls`, out,
    'one invalidation with a new RegExp each (construction included), median; ratio = Map scan ÷ task. Targets: anchored ≥ 1000× native, ≥ 300× wasm; unanchored on wasm ≥ 1×');
}

main();
