#!/usr/bin/env node
'use strict';
/**
 * TieredCache under load while redis-server is killed and restarted (loopback only; every
 * phase is bounded in time and in requests), run twice: without and with the circuit
 * breaker. The client keeps ioredis's defaults that matter here (offline queue on), so while
 * Redis is down a call waits for the reconnection and pays the L2 timeout, as it does when a
 * Redis host stops answering. Prints, per run: requests served / errors, timeouts paid and
 * L2 calls skipped during the outage, the mean time per request then, and whether L2 served
 * again after the restart. Exit 1 on any rejected request, if L2 never came back, or if the
 * breaker did not pay fewer timeouts than the run without it.
 *
 *   REDIS_FAULT_DOWN_MS=10000 node scripts/stress/redis-faults.js
 */
const IORedis = require('ioredis');
const { startRedis } = require('../../js-tests/helpers/redis');
const { TieredCache } = require('../../lib/integrations/redis');

const UP_MS = Number(process.env.REDIS_FAULT_UP_MS || 2000);
const DOWN_MS = Number(process.env.REDIS_FAULT_DOWN_MS || 5000);
const RESTARTED_MS = Number(process.env.REDIS_FAULT_RESTARTED_MS || 3000);
const MAX_PER_PHASE = Number(process.env.REDIS_FAULT_REQUESTS || 2_000_000); // a safety bound; phases end by time
const TIMEOUT = 50;
const BREAKER = { failures: 5, resetAfter: 1000 };

const pause = (ms) => new Promise((r) => setTimeout(r, ms));

async function scenario(breaker) {
  const server = await startRedis();
  const redis = new IORedis({ port: server.port, host: '127.0.0.1', maxRetriesPerRequest: 1, retryStrategy: () => 50 });
  const cache = new TieredCache({ redis, l1: { max: 2000 }, prefix: 'stress:', channel: 'stress:inv', ttl: 60_000, timeout: TIMEOUT, breaker });
  await cache.ready;
  const ready = async () => { const until = Date.now() + 5000; while (redis.status !== 'ready' && Date.now() < until) await pause(20); };
  await ready();
  let i = 0;
  const phase = async (name, ms) => {
    const s0 = cache.stats();
    const out = { requests: 0, served: 0, errors: 0, l2HitsAfterRestart: 0 };
    const t0 = Date.now();
    while (Date.now() - t0 < ms && out.requests < MAX_PER_PHASE) {
      const key = `k:${i % 5000}`;
      try {
        if (i % 10 === 0) await cache.invalidate(key);
        if (name === 'restarted' && i % 50 === 0) cache.l1.clear(); // force L2 reads after the restart
        const before = cache.stats().l2Hits;
        const v = await cache.getOrCompute(key, async () => `v:${key}`, { ttl: 60_000 });
        if (v === `v:${key}`) out.served += 1;
        if (name === 'restarted' && cache.stats().l2Hits > before) out.l2HitsAfterRestart += 1;
      } catch {
        out.errors += 1;
      }
      out.requests += 1;
      i += 1;
      if (i % 100 === 0) await new Promise((r) => setImmediate(r)); // let I/O run, as a server would
    }
    const s1 = cache.stats();
    out.ms = Date.now() - t0;
    out.timeouts = s1.l2Timeouts - s0.l2Timeouts;
    out.l2Errors = s1.l2Errors - s0.l2Errors;
    out.skipped = (s1.breaker?.shortCircuited ?? 0) - (s0.breaker?.shortCircuited ?? 0);
    return out;
  };
  const up = await phase('up', UP_MS);
  await server.kill();
  const down = await phase('down', DOWN_MS);
  await server.start();
  await ready();
  const restarted = await phase('restarted', RESTARTED_MS);
  const breakerStats = cache.stats().breaker;
  await cache.close();
  redis.disconnect();
  await server.stop();
  return { up, down, restarted, breakerStats };
}

(async () => {
  const runs = [];
  for (const [label, breaker] of [['without breaker', undefined], [`with breaker { failures: ${BREAKER.failures}, resetAfter: ${BREAKER.resetAfter} }`, BREAKER]]) {
    const r = await scenario(breaker);
    runs.push({ label, ...r });
  }
  console.log(`redis faults: redis-server killed for ${(DOWN_MS / 1000).toFixed(1)} s between ${(UP_MS / 1000).toFixed(1)} s up and `
    + `${(RESTARTED_MS / 1000).toFixed(1)} s restarted; L2 timeout ${TIMEOUT} ms; ioredis offline queue on`);
  console.table(Object.fromEntries(runs.map((r) => [r.label, {
    'requests (all)': r.up.requests + r.down.requests + r.restarted.requests,
    errors: r.up.errors + r.down.errors + r.restarted.errors,
    'outage: requests': r.down.requests,
    'outage: timeouts paid': r.down.timeouts,
    'outage: L2 calls skipped': r.down.skipped,
    'outage: ms/request': Number((r.down.ms / Math.max(1, r.down.requests)).toFixed(3)),
    'timeouts paid (all)': r.up.timeouts + r.down.timeouts + r.restarted.timeouts,
    'L2 hits after restart': r.restarted.l2HitsAfterRestart,
  }])));
  const [plain, guarded] = runs;
  if (guarded.breakerStats) console.log(`breaker: ${JSON.stringify(guarded.breakerStats)}`);
  const ok = runs.every((r) => r.up.errors + r.down.errors + r.restarted.errors === 0
    && r.up.served === r.up.requests && r.down.served === r.down.requests && r.restarted.served === r.restarted.requests
    && r.down.l2Errors > 0 && r.restarted.l2HitsAfterRestart > 0)
    && guarded.down.timeouts < plain.down.timeouts;
  console.log(`timeouts paid during the outage: ${plain.down.timeouts} without the breaker, ${guarded.down.timeouts} with it`);
  process.exit(ok ? 0 : 1);
})().catch((e) => { console.error(e); process.exit(1); });
