#!/usr/bin/env node
'use strict';
/**
 * TieredCache under load while redis-server is killed and restarted (loopback only; the
 * loop is bounded in count and time). Prints requests served / errors, the fallbacks the
 * stats counted, and whether L2 served again after the restart. Exit 1 on any rejected
 * request or if L2 never came back.
 *
 *   REDIS_FAULT_REQUESTS=30000 node scripts/stress/redis-faults.js
 */
const IORedis = require('ioredis');
const { startRedis } = require('../../js-tests/helpers/redis');
const { TieredCache } = require('../../lib/redis');

const TOTAL = Number(process.env.REDIS_FAULT_REQUESTS || 30_000);
const DEADLINE_MS = 120_000;

(async () => {
  const server = await startRedis();
  const redis = new IORedis({ port: server.port, host: '127.0.0.1', maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => 50 });
  const cache = new TieredCache({ redis, l1: { max: 2000 }, prefix: 'stress:', channel: 'stress:inv', ttl: 60_000, timeout: 50 });
  await cache.ready;
  let served = 0;
  let errors = 0;
  let l2HitsAfterRestart = 0;
  const t0 = Date.now();
  const phase = (i) => (i < TOTAL / 3 ? 'up' : i < (2 * TOTAL) / 3 ? 'down' : 'restarted');
  for (let i = 0; i < TOTAL && Date.now() - t0 < DEADLINE_MS; i++) {
    if (i === Math.floor(TOTAL / 3)) await server.kill();
    if (i === Math.floor((2 * TOTAL) / 3)) {
      await server.start();
      const until = Date.now() + 5000;
      while (redis.status !== 'ready' && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    }
    const key = `k:${i % 5000}`;
    try {
      if (i % 10 === 0) await cache.invalidate(key);
      if (phase(i) === 'restarted' && i % 50 === 0) cache.l1.clear(); // force L2 reads after the restart
      const before = cache.stats().l2Hits;
      const v = await cache.getOrCompute(key, async () => `v:${key}`, { ttl: 60_000 });
      if (v === `v:${key}`) served += 1;
      if (phase(i) === 'restarted' && cache.stats().l2Hits > before) l2HitsAfterRestart += 1;
    } catch {
      errors += 1;
    }
  }
  const s = cache.stats();
  console.log(`redis faults: ${served} requests served / ${errors} errors of ${TOTAL} (redis killed at 1/3, restarted at 2/3); `
    + `L2 fallbacks counted ${s.l2Errors}; L2 hits after restart ${l2HitsAfterRestart}; ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  await cache.close();
  redis.disconnect();
  await server.stop();
  process.exit(errors === 0 && served === TOTAL && s.l2Errors > 0 && l2HitsAfterRestart > 0 ? 0 : 1);
})().catch((e) => { console.error(e); process.exit(1); });
