'use strict';
// TieredCache mget / mset / warm (issue 15 items 5 and 7) against a real redis-server.
const IORedis = require('ioredis');
const { tieredSuite } = require('./helpers/redis');
const { TieredCache } = require('../lib/integrations/redis');

const { make, fresh, client, track } = tieredSuite('b');

/** Counts the Redis commands a client sends (one `multi` = one round trip). */
function spy(redis) {
  const counts = { multi: 0, get: 0, set: 0, keys: 0 };
  for (const m of Object.keys(counts)) {
    const orig = redis[m].bind(redis);
    redis[m] = (...a) => { counts[m] += 1; return orig(...a); };
  }
  return counts;
}

test('mset: both tiers, Redis in one round trip, with PX and tag sets', async () => {
  const t = await make();
  const calls = spy(t.redis);
  await t.mset([{ key: 'a', value: { x: 1 }, ttl: 60_000, tags: ['g'] }, { key: 'b', value: 'é😀' }, { key: 'c', value: [null], tags: ['g'] }]);
  expect(calls).toMatchObject({ multi: 1, set: 0 });
  expect(t.l1.mget(['a', 'b', 'c'])).toEqual([{ x: 1 }, 'é😀', [null]]);
  expect(await t.redis.get(`${t.prefix}a`)).toBe('{"x":1}');
  expect(await t.redis.pttl(`${t.prefix}a`)).toBeGreaterThan(59_000);
  expect(await t.redis.pttl(`${t.prefix}b`)).toBe(-1);
  expect((await t.redis.smembers(`${t.prefix}tag:g`)).sort()).toEqual(['a', 'c']);
  await expect(t.mset([{ key: 'ok', value: 1 }, { key: 2, value: 1 }])).rejects.toMatchObject({ code: 'ERR_INVALID_KEY' });
  expect(await t.redis.exists(`${t.prefix}ok`)).toBe(0);
});

test('mget: L1 hits stay local, every L1 miss in one round trip, promoted with its remaining TTL', async () => {
  const t = await make();
  await t.mset([{ key: 'a', value: 1, ttl: 30_000 }, { key: 'b', value: 2 }, { key: 'c', value: 3 }]);
  t.l1.delete('a');
  t.l1.delete('c');
  const calls = spy(t.redis);
  expect(await t.mget(['a', 'b', 'nope', 'c'])).toEqual([1, 2, undefined, 3]);
  expect(calls).toMatchObject({ multi: 1, get: 0 });
  expect(t.l1.getRemainingTTL('a')).toBeGreaterThan(29_000);
  expect(t.l1.getRemainingTTL('a')).toBeLessThanOrEqual(30_000);
  expect(t.stats()).toMatchObject({ l2Hits: 2, l2Misses: 1 });
  expect(await t.mget(['a', 'b', 'c'])).toEqual([1, 2, 3]);
  expect(calls.multi).toBe(1); // all in L1 now
});

test('mget / mset with Redis down: L1 serves, nothing throws, failures counted', async () => {
  const redis = new IORedis({ port: 1, host: '127.0.0.1', lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
  const t = track(new TieredCache({ redis, ...fresh(), timeout: 50 }), redis);
  await t.mset([{ key: 'a', value: 1 }]);
  expect(await t.mget(['a', 'b'])).toEqual([1, undefined]);
  expect(t.stats().l2Errors).toBeGreaterThanOrEqual(2);
});

test('warm: loads L1 from L2 (SCAN bounded, MGET in batches) with TTLs and tags; never KEYS', async () => {
  const a = await make();
  const entries = Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: { i }, ttl: i % 2 ? 60_000 : 0, tags: i < 5 ? ['first'] : undefined }));
  await a.mset(entries);
  const b = new TieredCache({ redis: client(), l1: { max: 1000 }, prefix: a.prefix, channel: a.channel, warm: { limit: 1000, batch: 7 } });
  track(b, b.redis);
  const calls = spy(b.redis);
  await b.ready;
  expect(b.l1.size).toBe(30);
  expect(calls.keys).toBe(0);
  expect(calls.multi).toBeGreaterThanOrEqual(Math.ceil(30 / 7));
  for (const { key, value, ttl } of entries) {
    expect(b.l1.peek(key)).toEqual(value);
    if (ttl) expect(b.l1.getRemainingTTL(key)).toBeGreaterThan(50_000);
    else expect(b.l1.getRemainingTTL(key)).toBe(Infinity);
  }
  expect(b.l1.invalidateTag('first')).toBe(5); // tags came along
  // The bound, and keys L1 already holds are kept.
  const c = new TieredCache({ redis: client(), l1: { max: 1000 }, prefix: a.prefix, channel: a.channel });
  track(c, c.redis);
  await c.ready;
  c.l1.set('k1', 'newer');
  expect(await c.warm({ limit: 10 })).toBeLessThanOrEqual(10);
  expect(c.l1.size).toBeLessThanOrEqual(11);
  expect(c.l1.peek('k1')).toBe('newer');
});

test('warm: an invalidation applied while it runs is applied again to what it loaded', async () => {
  const a = await make();
  await a.mset([{ key: 'k1', value: 1 }, { key: 'k2', value: 2 }]);
  const b = await make({ prefix: a.prefix, channel: `${a.channel}-b` });
  const multi = b.redis.multi.bind(b.redis);
  let once = true;
  b.redis.multi = (...args) => {
    // Between SCAN and MGET: L1 drops k1 at once; Redis only after the PUBLISH round trip.
    if (once) { once = false; b.invalidatePrefix('k1'); }
    return multi(...args);
  };
  expect(await b.warm()).toBe(2); // k1 was read before Redis dropped it ...
  expect(b.l1.has('k1')).toBe(false); // ... and dropped again from L1
  expect(b.l1.get('k2')).toBe(2);
});
