'use strict';
/**
 * Cache: hotpath (native + wasm) vs lru-cache 11, mnemonist LRUCache and a plain Map.
 *
 * Each hotpath backend runs with both policies ('lru', and 'tinylfu' rows).
 * 1. get hit, 100k keys — key prebuilt, and key built per call
 * 2. set at capacity (every set evicts) — also with the Rust key index live
 * 3. mixed 90 % get / 10 % set at capacity, and fill 100k
 * 4. invalidation on 1M keys (`client:<0..9999>:item:<0..99>`): /^client:42:/ (100 matches),
 *    /^client:1\d*:/ (111 100 matches), an unanchored /item:42/ (10 000 matches) — vs the
 *    original design's Map scan with RegExp.test and vs lru-cache keys() + delete. Each
 *    sample times one invalidation; the removed keys are put back between samples (untimed;
 *    hotpath's index catches up on them untimed too, and that upkeep is reported apart).
 * 5. heap and RSS bytes per entry at 1M entries (a child process per structure, global.gc()).
 */
const { execFileSync } = require('node:child_process');
const { compare, record, backends, benchApi, median } = require('./harness');
const { internals } = require('../lib/internal');
const { LRUCache } = require('lru-cache');
const MnemonistLRU = require('mnemonist/lru-cache');

const N = 100_000;
const OPS = 100;
const BIG = 1_000_000;
const quick = process.env.BENCH_QUICK === '1';

function bigKey(i) {
  return `client:${Math.floor(i / 100)}:item:${i % 100}`;
}

async function hotOps(hp) {
  const keys = Array.from({ length: N }, (_, i) => `key:${i}`);
  const caches = {
    'lru-cache': new LRUCache({ max: N }),
    'mnemonist LRUCache': new MnemonistLRU(N),
    Map: new Map(),
  };
  for (const { name, api } of hp) {
    caches[name] = new api.Cache({ max: N });
    caches[`${name} tinylfu`] = new api.Cache({ max: N, policy: 'tinylfu' });
  }
  for (const c of Object.values(caches)) keys.forEach((k, i) => c.set(k, i));
  // OPS operations per timed call, so tinybench's per-call overhead (~100 ns here) does not
  // flatten the ratios; figures are per operation.
  const gets = (build) => Object.fromEntries(Object.entries(caches).map(([name, c]) => {
    let j = 0;
    let sink = 0;
    const f = build
      ? () => { for (let o = 0; o < OPS; o++) { sink += c.get(`key:${j}`); j = j + 1 === N ? 0 : j + 1; } }
      : () => { for (let o = 0; o < OPS; o++) { sink += c.get(keys[j]); j = j + 1 === N ? 0 : j + 1; } };
    f.sink = () => sink;
    return [name, f];
  }));
  await compare('get hit, 100k keys, key prebuilt', gets(false), { baseline: 'lru-cache', opsPerCall: OPS });
  await compare('get hit, 100k keys, key built per call', gets(true), { baseline: 'lru-cache', opsPerCall: OPS });

  // Set at capacity: 200k distinct keys cycled through a 100k cache, so every set evicts.
  const fresh = Array.from({ length: 2 * N }, (_, i) => `new:${i}`);
  const sets = {};
  const full = {
    'lru-cache': new LRUCache({ max: N }),
    'mnemonist LRUCache': new MnemonistLRU(N),
  };
  for (const { name, api } of hp) {
    full[name] = new api.Cache({ max: N });
    const indexed = new api.Cache({ max: N });
    indexed.invalidatePrefix('\u0000'); // builds the Rust index: every later set queues it an update
    full[`${name} (index live)`] = indexed;
    full[`${name} tinylfu`] = new api.Cache({ max: N, policy: 'tinylfu' });
  }
  for (const [name, c] of Object.entries(full)) {
    fresh.forEach((k, i) => c.set(k, i));
    let j = 0;
    sets[name] = () => { for (let o = 0; o < OPS; o++) { c.set(fresh[j], j); j = j + 1 === fresh.length ? 0 : j + 1; } };
  }
  // Map has no bound: it is the floor (set + delete of the oldest), kept for scale.
  const m = new Map();
  fresh.slice(0, N).forEach((k, i) => m.set(k, i));
  let mj = 0;
  sets.Map = () => {
    for (let o = 0; o < OPS; o++) {
      const k = fresh[mj];
      m.delete(fresh[(mj + N) % fresh.length]);
      m.set(k, mj);
      mj = mj + 1 === fresh.length ? 0 : mj + 1;
    }
  };
  await compare('set at capacity (each set evicts), 100k entries', sets, { baseline: 'lru-cache', opsPerCall: OPS });

  // Mixed: 9 gets of present keys per set of a new key (each set evicts). With 'tinylfu' the
  // reads are replayed into the policy at the sets' drains, so this row carries its full cost.
  const mixedCaches = { 'lru-cache': new LRUCache({ max: N }) };
  for (const { name, api } of hp) {
    mixedCaches[name] = new api.Cache({ max: N });
    mixedCaches[`${name} tinylfu`] = new api.Cache({ max: N, policy: 'tinylfu' });
  }
  const mixedTasks = {};
  for (const [name, c] of Object.entries(mixedCaches)) {
    keys.forEach((k, i) => c.set(k, i));
    let j = 0;
    let g = 0;
    let sink = 0;
    mixedTasks[name] = () => {
      for (let o = 0; o < OPS; o++) {
        if (o % 10 === 9) { c.set(fresh[j], j); j = j + 1 === fresh.length ? 0 : j + 1; } else { sink += c.get(keys[g]) === undefined ? 0 : 1; g = g + 7 >= N ? g + 7 - N : g + 7; }
      }
    };
    mixedTasks[name].sink = () => sink;
  }
  await compare('mixed: 90 % get, 10 % set of a new key at capacity, 100k entries', mixedTasks, { baseline: 'lru-cache', opsPerCall: OPS });

  const fills = {
    'lru-cache': () => { const c = new LRUCache({ max: N }); for (let i = 0; i < N; i++) c.set(keys[i], i); },
    'mnemonist LRUCache': () => { const c = new MnemonistLRU(N); for (let i = 0; i < N; i++) c.set(keys[i], i); },
    Map: () => { const c = new Map(); for (let i = 0; i < N; i++) c.set(keys[i], i); },
  };
  for (const { name, api } of hp) {
    fills[name] = () => { const c = new api.Cache({ max: N }); for (let i = 0; i < N; i++) c.set(keys[i], i); };
    fills[`${name} tinylfu`] = () => { const c = new api.Cache({ max: N, policy: 'tinylfu' }); for (let i = 0; i < N; i++) c.set(keys[i], i); };
  }
  await compare('fill 100k (new cache + 100k sets; ns per set)', fills, { baseline: 'lru-cache', opsPerCall: N, time: quick ? 100 : 400 });
}

function timeOnce(f) {
  const t0 = process.hrtime.bigint();
  const r = f();
  return [Number(process.hrtime.bigint() - t0), r];
}

async function invalidation(hp) {
  // Samples per task: the JS scans take 30–600 ms each, hotpath's sub-millisecond ones are
  // sampled more (after a warm-up) so their median is not one scheduler hiccup.
  const rounds = quick ? 3 : 7;
  const fastRounds = quick ? 11 : 41;
  const keys = Array.from({ length: BIG }, (_, i) => bigKey(i));
  const patterns = [
    ['selective anchored /^client:42:/', /^client:42:/, 100],
    ['anchored, 111k matches /^client:1\\d*:/', /^client:1\d*:/, 111_100],
    ['unanchored /item:42/', /item:42/, 10_000],
  ];
  const map = new Map();
  const lru = new LRUCache({ max: BIG });
  keys.forEach((k, i) => { map.set(k, i); lru.set(k, i); });
  const hps = hp.map(({ name, api }) => {
    const c = new api.Cache({ max: BIG });
    keys.forEach((k, i) => c.set(k, i));
    const [buildNs] = timeOnce(() => internals(c).syncIndex());
    return { name, c, buildNs };
  });
  record('index build on first pattern invalidation, 1M keys (one-off)', hps.map(({ name, buildNs }) => ({ task: name, ms: Math.round(buildNs / 1e6) })));
  for (const [title, re, expected] of patterns) {
    const matching = keys.filter((k) => re.test(k));
    if (matching.length !== expected) throw new Error(`${title}: ${matching.length} keys match, expected ${expected}`);
    const tasks = {
      'Map scan + RegExp.test (original design)': {
        run: () => { let n = 0; for (const k of map.keys()) if (re.test(k)) { map.delete(k); n++; } return n; },
        restore: () => matching.forEach((k, i) => map.set(k, i)),
      },
      'lru-cache keys() + delete': {
        run: () => { let n = 0; for (const k of lru.keys()) if (re.test(k)) { lru.delete(k); n++; } return n; },
        restore: () => matching.forEach((k, i) => lru.set(k, i)),
      },
    };
    const upkeep = {};
    for (const { name, c } of hps) {
      upkeep[name] = [];
      tasks[name] = {
        run: () => c.invalidate(re),
        restore: () => {
          matching.forEach((k, i) => c.set(k, i));
          upkeep[name].push(timeOnce(() => internals(c).syncIndex())[0]);
        },
      };
    }
    const samples = Object.fromEntries(Object.keys(tasks).map((n) => [n, []]));
    for (let r = 0; r < fastRounds; r++) {
      for (const [name, t] of Object.entries(tasks)) {
        if (r >= rounds && !name.startsWith('hotpath')) continue;
        const [ns, n] = timeOnce(t.run);
        if (n !== expected) throw new Error(`${title} / ${name}: removed ${n}, expected ${expected}`);
        samples[name].push(ns);
        t.restore();
      }
    }
    const base = median(samples['Map scan + RegExp.test (original design)']);
    record(`invalidation on 1M keys: ${title}`, Object.keys(tasks).map((name) => {
      const ns = median(samples[name]);
      return { task: name, ms: Math.round(ns / 1e4) / 100, ratio: Math.round((base / ns) * 10) / 10 };
    }), `one invalidation (${expected} removed), median of ${rounds} (JS) / ${fastRounds} (hotpath) samples; ratio = Map scan ms ÷ task ms`);
    record(`index upkeep after re-inserting the ${expected} keys (untimed above)`, hps.map(({ name }) => ({
      task: name, ms: Math.round(median(upkeep[name]) / 1e4) / 100, nsPerKey: Math.round(median(upkeep[name]) / expected),
    })));
  }
}

/** Child process: builds one structure with 1M entries and prints its memory deltas. */
function memoryChild(kind) {
  const gc = global.gc;
  const keys = Array.from({ length: BIG }, (_, i) => bigKey(i));
  const hp = kind.startsWith('hotpath') ? benchApi(kind.includes('wasm') ? 'wasm' : 'native') : null;
  gc(); gc();
  const m0 = process.memoryUsage();
  let s;
  if (kind === 'lru-cache') { s = new LRUCache({ max: BIG }); for (let i = 0; i < BIG; i++) s.set(keys[i], i); }
  else if (kind === 'lru-cache (ttl)') { s = new LRUCache({ max: BIG, ttl: 60_000 }); for (let i = 0; i < BIG; i++) s.set(keys[i], i); }
  else if (kind === 'Map') { s = new Map(); for (let i = 0; i < BIG; i++) s.set(keys[i], i); }
  else {
    s = new hp.Cache({ max: BIG, ttl: kind.includes('ttl') ? 60_000 : 0, policy: kind.includes('tinylfu') ? 'tinylfu' : 'lru' });
    for (let i = 0; i < BIG; i++) s.set(keys[i], i);
    if (kind.includes('index')) s.invalidatePrefix('\u0000');
  }
  gc(); gc();
  const m1 = process.memoryUsage();
  const per = (a) => Math.round((m1[a] - m0[a]) / BIG * 10) / 10;
  const index = s instanceof LRUCache || s instanceof Map ? null : internals(s).index;
  const indexPerEntry = index ? Math.round(index.heapBytes / BIG * 10) / 10 : 0;
  process.stdout.write(JSON.stringify({ task: kind, indexPerEntry, heapPerEntry: Math.round(((m1.heapUsed + m1.external) - (m0.heapUsed + m0.external)) / BIG * 10) / 10, rssPerEntry: per('rss'), size: s.size }));
}

function memory() {
  const kinds = ['Map', 'lru-cache', 'lru-cache (ttl)', 'hotpath native', 'hotpath native (index built)', 'hotpath native (ttl, index built)',
    'hotpath wasm', 'hotpath wasm (index built)', 'hotpath native tinylfu', 'hotpath native tinylfu (index built)', 'hotpath wasm tinylfu',
    'hotpath wasm tinylfu (index built)'];
  const rows = kinds.map((k) => JSON.parse(execFileSync(process.execPath, ['--expose-gc', __filename, '--memory', k], { encoding: 'utf8' })));
  const lru = rows.find((r) => r.task === 'lru-cache');
  const lruTtl = rows.find((r) => r.task === 'lru-cache (ttl)');
  for (const r of rows) {
    const base = r.task.includes('ttl') ? lruTtl : lru;
    r.rssVsLru = Math.round((r.rssPerEntry / base.rssPerEntry) * 100) / 100;
    delete r.size;
  }
  record('bytes per entry at 1M entries (keys included; heap = heapUsed + external)', rows,
    'rssVsLru: RSS per entry ÷ lru-cache\'s (the ttl rows ÷ lru-cache with ttl). wasm memory counts in RSS (and in external as an ArrayBuffer).');
}

if (process.argv[2] === '--memory') {
  memoryChild(process.argv[3]);
} else {
  (async () => {
    // CACHE_BENCH=hot,invalidation,memory (default: all) runs a subset.
    const only = (process.env.CACHE_BENCH || 'hot,invalidation,memory').split(',');
    const hp = backends();
    if (only.includes('hot')) await hotOps(hp);
    if (only.includes('invalidation')) await invalidation(hp);
    if (only.includes('memory')) memory();
  })().catch((e) => { console.error(e); process.exit(1); });
}
