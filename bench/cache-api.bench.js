'use strict';
/**
 * Issue 15 items 2 and 7, in one run:
 *
 * 1. Refresh-ahead against the expiry cliff. CLIENTS concurrent clients each ask for one of
 *    KEYS keys every ms for RUN_MS; the source costs SOURCE_MS; entries live TTL_MS. Without
 *    refresh-ahead every expiry makes the next callers wait for the source (the cliff); with
 *    `refreshThreshold` a hit near expiry refreshes in the background. Per task: p50 / p99 /
 *    max latency and how many calls waited > 1 ms; medians over BENCH_ROUNDS rounds. lru-cache's
 *    `fetch` (no allowStale) is the peer. ratio = cliff p99 ÷ task p99 (same backend).
 * 2. TieredCache with a real redis-server: `mget` of N keys against N `get`s (concurrent, and
 *    one after the other as a loop writes it), all L1 misses (L1 cleared before each call) and
 *    all L1 hits. ratio = sequential gets ÷ task.
 */
const IORedis = require('ioredis');
const { LRUCache } = require('lru-cache');
const { compare, record, backends, median } = require('./harness');
const { TieredCache } = require('../lib/integrations/redis');
const { startRedis } = require('../js-tests/helpers/redis');

const ROUNDS = Number(process.env.BENCH_ROUNDS || 5);
const RUN_MS = Number(process.env.CLIFF_RUN_MS || (process.env.BENCH_QUICK === '1' ? 300 : 1500));
const SOURCE_MS = 20;
const TTL_MS = 200;
const KEYS = 10;
const CLIENTS = 8;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const source = async (key) => { await sleep(SOURCE_MS); return { key, at: Date.now() }; };

/** Runs the clients against `get(key)` for RUN_MS; returns the latencies in ms. */
async function drive(get) {
  const lat = [];
  const end = Date.now() + RUN_MS;
  let n = 0;
  const client = async () => {
    while (Date.now() < end) {
      const key = `rate:${n++ % KEYS}`;
      const t0 = process.hrtime.bigint();
      const v = await get(key);
      lat.push(Number(process.hrtime.bigint() - t0) / 1e6);
      if (!v || v.key !== key) throw new Error('wrong value');
      await sleep(1);
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, client));
  return lat;
}

const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };

async function cliff(list) {
  const tasks = {
    'lru-cache fetch (peer)': () => { const l = new LRUCache({ max: 100, ttl: TTL_MS, fetchMethod: source }); return (k) => l.fetch(k); },
  };
  for (const { name, api } of list) {
    tasks[`${name} getOrCompute (cliff)`] = () => { const c = new api.Cache({ ttl: TTL_MS }); return (k) => c.getOrCompute(k, source); };
    tasks[`${name} refreshThreshold ${TTL_MS / 4} ms`] = () => { const c = new api.Cache({ ttl: TTL_MS, refreshThreshold: TTL_MS / 4 }); return (k) => c.getOrCompute(k, source); };
  }
  const names = Object.keys(tasks);
  const stats = Object.fromEntries(names.map((n) => [n, { p50: [], p99: [], max: [], waited: [] }]));
  for (let r = 0; r < ROUNDS; r++) {
    for (let j = 0; j < names.length; j++) {
      const t = names[(j + r) % names.length];
      const lat = await drive(tasks[t]());
      const s = stats[t];
      s.p50.push(pct(lat, 0.5)); s.p99.push(pct(lat, 0.99)); s.max.push(Math.max(...lat));
      s.waited.push(lat.filter((x) => x > 1).length / lat.length);
    }
  }
  const r2 = (x) => Math.round(x * 100) / 100;
  const cliffOf = (t) => (t.startsWith('hotpath') ? `${t.split(' getOrCompute')[0].split(' refreshThreshold')[0]} getOrCompute (cliff)` : t);
  record(`refresh-ahead vs the expiry cliff: ${CLIENTS} clients, ${KEYS} keys, source ${SOURCE_MS} ms, ttl ${TTL_MS} ms, ${RUN_MS} ms per run`, names.map((t) => ({
    task: t,
    p50ms: r2(median(stats[t].p50)),
    p99ms: r2(median(stats[t].p99)),
    maxMs: r2(median(stats[t].max)),
    waitedPct: r2(100 * median(stats[t].waited)),
    ratioP99: r2(median(stats[cliffOf(t)].p99) / median(stats[t].p99)),
  })), `medians of ${ROUNDS} rounds; waitedPct = calls slower than 1 ms; ratioP99 = the same backend's cliff p99 ÷ task p99`);
}

async function tiered(list) {
  const server = await startRedis();
  try {
    for (const N of [10, 100]) {
      const tasks = {};
      const open = [];
      for (const { name, api } of list) {
        const redis = new IORedis({ port: server.port, host: '127.0.0.1' });
        const t = new TieredCache({ redis, Cache: api.Cache, prefix: `bench:${name}:`, channel: `bench:${name}`, l1: { max: 10_000 } });
        await t.ready;
        open.push([t, redis]);
        const keys = Array.from({ length: N }, (_, i) => `k${i}`);
        await t.mset(keys.map((key, i) => ({ key, value: { i, name: `row ${i}` } })));
        const check = (vs) => { if (vs.length !== N || vs.some((v, i) => !v || v.i !== i)) throw new Error('wrong values'); };
        tasks[`${name} L1 misses: get × ${N}, one after the other`] = async () => { t.l1.clear(); const out = []; for (const k of keys) out.push(await t.get(k)); check(out); };
        tasks[`${name} L1 misses: get × ${N}, Promise.all`] = async () => { t.l1.clear(); check(await Promise.all(keys.map((k) => t.get(k)))); };
        tasks[`${name} L1 misses: mget`] = async () => { t.l1.clear(); check(await t.mget(keys)); };
        tasks[`${name} L1 hits: get × ${N}, Promise.all`] = async () => check(await Promise.all(keys.map((k) => t.get(k))));
        tasks[`${name} L1 hits: mget`] = async () => check(await t.mget(keys));
      }
      await compare(`TieredCache, ${N} keys from a local redis-server: mget vs N gets`, tasks, { baseline: Object.keys(tasks)[0], time: 300 });
      for (const [t, redis] of open) { await t.close(); redis.disconnect(); }
    }
  } finally {
    await server.stop();
  }
}

(async () => {
  const list = backends();
  await cliff(list);
  await tiered(list);
})().catch((e) => { console.error(e); process.exit(1); });
