'use strict';
// hotpath/redis TieredCache against a real redis-server on a free loopback port.
const { fork } = require('node:child_process');
const path = require('node:path');
const IORedis = require('ioredis');
const { startRedis } = require('./helpers/redis');
const { TieredCache } = require('../lib/integrations/redis');
const { Cache } = require('../');

let server;
let n = 0;
const fresh = () => ({ prefix: `t${++n}:${process.env.HOTPATH_BACKEND}:`, channel: `hp-inv-${process.pid}-${n}` });
const client = (opts = {}) => new IORedis({ port: server.port, host: '127.0.0.1', ...opts });

beforeAll(async () => { server = await startRedis(); });
afterAll(async () => { await server.stop(); });

async function make(opts = {}) {
  const redis = client(opts.ioredis);
  const t = new TieredCache({ redis, l1: { max: 1000 }, ...fresh(), ...opts });
  await t.ready;
  return { t, redis, done: async () => { await t.close(); redis.disconnect(); } };
}

test('get: L1 → L2 (promoted into L1 with its remaining TTL) → miss; set writes both with PX', async () => {
  const { t, redis, done } = await make();
  await t.set('a', { x: 1 }, { ttl: 60_000 });
  expect(await redis.get(`${t.prefix}a`)).toBe('{"x":1}');
  const pttl = await redis.pttl(`${t.prefix}a`);
  expect(pttl).toBeGreaterThan(59_000);
  t.l1.clear();
  expect(await t.get('a')).toEqual({ x: 1 });
  expect(t.l1.has('a')).toBe(true);
  expect(await t.get('nope')).toBeUndefined();
  expect(t.stats()).toMatchObject({ l2Hits: 1, l2Misses: 1, l2Errors: 0 });
  await done();
});

test('getOrCompute is single-flight across L1 + L2 + compute', async () => {
  const { t, done } = await make();
  let calls = 0;
  const fn = async () => { calls += 1; await new Promise((r) => setTimeout(r, 30)); return 'v'; };
  const got = await Promise.all(Array.from({ length: 20 }, () => t.getOrCompute('k', fn, { ttl: 10_000 })));
  expect(got).toEqual(Array(20).fill('v'));
  expect(calls).toBe(1);
  t.l1.clear();
  expect(await t.getOrCompute('k', fn)).toBe('v'); // from L2
  expect(calls).toBe(1);
  await done();
});

test('invalidation by key, RegExp, prefix, glob and tag removes from L1 and from Redis (SCAN, not KEYS)', async () => {
  const { t, redis, done } = await make();
  const keys = ['client:42:a', 'client:42:b', 'client:420:a', 'client:1:x', 'list:1', 'list:2', 'other'];
  for (const k of keys) await t.set(k, k, { tags: k.startsWith('list') ? ['lists'] : [] });
  expect(await t.invalidate(/^client:42:/)).toBe(2);
  expect(await t.invalidateGlob('client:4?0:*')).toBe(1);
  expect(await t.invalidateTag('lists')).toBe(2);
  expect(await t.invalidatePrefix('client:1')).toBe(1);
  expect(await t.invalidate('other')).toBe(1);
  expect(t.l1.size).toBe(0);
  expect((await redis.keys(`${t.prefix}*`)).sort()).toEqual([]);
  await done();
});

test('an invalidation in one process reaches another process within 100 ms', async () => {
  const { t, done } = await make();
  const child = fork(path.join(__dirname, 'helpers', 'tiered-child.js'), [String(server.port), t.prefix, t.channel]);
  const next = () => new Promise((r) => child.once('message', r));
  await next(); // ready
  const keys = ['vagonsales:list:1', 'vagonsales:list:2', 'balance:USD'];
  child.send({ cmd: 'fill', keys });
  await next();
  child.send({ cmd: 'watch', keys, expectLive: 1 });
  await next(); // watching
  const result = next();
  const t0 = Date.now();
  await t.invalidatePrefix('vagonsales:list:');
  const { live } = await result;
  const elapsed = Date.now() - t0;
  expect(live).toEqual(['balance:USD']);
  expect(elapsed).toBeLessThan(100);
  child.send({ cmd: 'exit' });
  await new Promise((r) => child.once('exit', r));
  expect(t.stats().published).toBe(1);
  await done();
}, 20_000);

test('Redis killed mid-run: zero thrown errors, L1 and compute keep serving, L2 used again after restart', async () => {
  const { t, redis, done } = await make({ timeout: 50, ioredis: { maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => 50 } });
  let errors = 0;
  let served = 0;
  const loop = async (count, label) => {
    for (let i = 0; i < count; i++) {
      try {
        const k = `${label}:${i % 20}`;
        const v = await t.getOrCompute(k, async () => `computed ${k}`, { ttl: 60_000 });
        if (v === `computed ${k}`) served += 1;
        if (i % 7 === 0) await t.invalidate(k);
      } catch {
        errors += 1;
      }
    }
  };
  await loop(100, 'before');
  await server.kill();
  await loop(200, 'during');
  expect(t.stats().l2Errors).toBeGreaterThan(0);
  await server.start();
  const deadline = Date.now() + 5000;
  while (redis.status !== 'ready' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const before = t.stats().l2Hits;
  await t.set('after', 'x');
  t.l1.clear();
  expect(await t.get('after')).toBe('x');
  expect(t.stats().l2Hits).toBe(before + 1);
  await loop(100, 'after');
  expect(errors).toBe(0);
  expect(served).toBe(400);
  await done();
}, 30_000);

test('breaker against a real redis-server: opens after N failures, no Redis call while open, one probe closes it', async () => {
  const clock = { t: 0 };
  const { t, redis, done } = await make({
    timeout: 50,
    breaker: { failures: 3, resetAfter: 30_000, now: () => clock.t },
    ioredis: { maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => 50 },
  });
  const ready = async () => {
    const deadline = Date.now() + 5000;
    while (redis.status !== 'ready' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(redis.status).toBe('ready');
  };
  try {
    await ready();
    await breakerRun(t, redis, clock, ready);
  } finally {
    await done();
  }
}, 30_000);

async function breakerRun(t, redis, clock, ready) {
  await t.set('before', 'x');
  expect(t.stats().breaker).toMatchObject({ state: 'closed', opened: 0, consecutiveFailures: 0 });
  let calls = 0;
  for (const m of ['multi', 'get', 'publish', 'unlink', 'scan', 'smembers']) {
    const orig = redis[m].bind(redis);
    redis[m] = (...args) => { calls += 1; return orig(...args); };
  }
  const loop = async (label, n) => {
    let served = 0;
    for (let i = 0; i < n; i++) {
      if ((await t.getOrCompute(`${label}:${i}`, async () => `${label}${i}`)) === `${label}${i}`) served += 1;
      if (i % 5 === 0) await t.invalidate(`${label}:${i}`);
    }
    return served;
  };
  await server.kill();
  expect(await loop('down', 30)).toBe(30); // compute serves; nothing throws
  expect(calls).toBe(3); // 3 failures, then the breaker is open
  expect(t.stats().breaker).toMatchObject({ state: 'open', opened: 1, consecutiveFailures: 3 });
  expect(t.stats().breaker.shortCircuited).toBeGreaterThan(30);
  await server.start();
  await ready();
  await loop('back', 5);
  expect(calls).toBe(3); // Redis is back, but resetAfter has not passed: still no call
  clock.t += 30_000;
  expect(t.stats().breaker.state).toBe('half-open');
  await t.set('after', 'y'); // the probe
  expect(calls).toBe(4);
  expect(t.stats().breaker).toMatchObject({ state: 'closed', opened: 1, halfOpened: 1, closed: 1 });
  t.l1.clear();
  expect(await t.get('after')).toBe('y');
  expect(await t.get('before')).toBeUndefined(); // redis-server lost it: no persistence in the test server
  expect(t.stats().l2Hits).toBe(1);
}

test('a TieredCache wraps an existing Cache as L1 and rejects a missing client', () => {
  const l1 = new Cache({ max: 5 });
  const redis = client({ lazyConnect: true });
  const t = new TieredCache({ redis, l1, ...fresh() });
  expect(t.l1).toBe(l1);
  expect(() => new TieredCache({})).toThrow(expect.objectContaining({ code: 'ERR_INVALID_SPEC' }));
  return t.close().finally(() => redis.disconnect());
});
