'use strict';
/**
 * Benchmark harness: tinybench, several rounds, medians, ratios against a baseline.
 *
 *   const { compare, record, backends } = require('./harness');
 *   await compare('get hit, 100k keys', {
 *     'lru-cache': () => lru.get(k),
 *     'hotpath native': () => native.get(k),
 *   }, { baseline: 'lru-cache' });
 *
 * Each round runs every task (in a rotated order, so none always runs first); the figure
 * kept per task is the median over rounds of its mean ns/op. `ratio` is how many times
 * faster than the baseline (baseline ns/op ÷ task ns/op), so > 1 means faster.
 * `record(title, rows)` stores other measured figures (bytes per entry, documents examined).
 * Results go to stdout as a table and, when run by bench/run.js, to its results file.
 */
const fs = require('node:fs');
const path = require('node:path');
const { Bench } = require('tinybench');
const { createApi } = require('../lib/api');
const { loadBackend, platformTriples } = require('../lib/loader');

const ROUNDS = Number(process.env.BENCH_ROUNDS || 5);
const TIME_MS = Number(process.env.BENCH_TIME_MS || 200);
const results = [];

/**
 * The bench build (`node scripts/build.js bench`, run by bench/run.js): the released code
 * plus the exports only benchmarks use (the `bench` cargo feature), in bench/build/.
 */
const BUILD = path.join(__dirname, 'build');
const LOADERS = [
  ...platformTriples().map((t) => ({ backend: 'native', from: `bench/build/hotpath.${t}.node`, load: () => require(path.join(BUILD, `hotpath.${t}.node`)) })),
  { backend: 'wasm', from: 'bench/build/wasm', load: () => require(path.join(BUILD, 'wasm', 'hotpath_wasm.js')) },
];
const apis = new Map();

/** The hotpath API on one backend of the bench build, loaded once per process. */
function benchApi(backend) {
  if (!apis.has(backend)) apis.set(backend, createApi(loadBackend({ env: { HOTPATH_BACKEND: backend }, loaders: LOADERS })));
  return apis.get(backend);
}

/** The hotpath API on each backend, loaded side by side in this process. */
function backends() {
  return [
    { name: 'hotpath native', api: benchApi('native') },
    { name: 'hotpath wasm', api: benchApi('wasm') },
  ];
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Runs each task for `rounds` rounds and prints medians and ratios.
 * @param {string} title
 * @param {Record<string, () => any>} tasks
 * @param {{ baseline?: string, rounds?: number, time?: number, opsPerCall?: number }} [options]
 *   opsPerCall: how many operations one call performs (ns/op is divided by it).
 */
async function compare(title, tasks, { baseline, rounds = ROUNDS, time = TIME_MS, opsPerCall = 1 } = {}) {
  const names = Object.keys(tasks);
  const base = baseline ?? names[0];
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < rounds; r++) {
    const bench = new Bench({ time, warmupTime: Math.min(50, time) });
    const order = names.map((_, i) => names[(i + r) % names.length]);
    for (const n of order) bench.add(n, tasks[n]);
    await bench.run();
    for (const t of bench.tasks) {
      if (t.result.state !== 'completed') throw new Error(`${title} / ${t.name}: ${t.result.error || t.result.state}`);
      samples[t.name].push((t.result.latency.mean * 1e6) / opsPerCall);
    }
  }
  const baseNs = median(samples[base]);
  const rows = names.map((n) => {
    const ns = median(samples[n]);
    return { task: n, nsPerOp: round(ns), opsPerSec: Math.round(1e9 / ns), ratio: round(baseNs / ns) };
  });
  print(title, rows, `ratio = ${base} ns/op ÷ task ns/op (median of ${rounds} rounds)`);
  results.push({ title, baseline: base, rounds, rows });
  return rows;
}

/** Records figures measured some other way (bytes, documents examined…). */
function record(title, rows, note = '') {
  print(title, rows, note);
  results.push({ title, rows, note });
  return rows;
}

function round(x) {
  return x >= 100 ? Math.round(x) : Math.round(x * 100) / 100;
}

function print(title, rows, note) {
  console.log(`\n## ${title}${note ? `\n(${note})` : ''}`);
  console.table(Object.fromEntries(rows.map(({ task, ...rest }) => [task, rest])));
}

process.on('beforeExit', () => {
  const out = process.env.HOTPATH_BENCH_OUT;
  if (out && results.length) {
    fs.writeFileSync(out, JSON.stringify(results, null, 2));
    results.length = 0;
  }
});

module.exports = { compare, record, backends, benchApi, median };
