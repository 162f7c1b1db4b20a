'use strict';
// TieredCache across processes against a real redis-server: L1 copies read from Redis keep
// their tags, invalidation deletes from Redis before publishing, reads and computes racing an
// invalidation do not keep the old value, and refresh-ahead (refreshThreshold).
// Two TieredCache instances with their own ioredis clients stand for two processes.
const { tieredSuite } = require('./helpers/redis');
const { clock } = require('./helpers/clock');
const { TieredCache } = require('../lib/integrations/redis');

const { make, client } = tieredSuite('g');

/** Two "processes" on one prefix and channel. */
async function pair(optsA = {}, optsB = {}) {
  const a = await make(optsA);
  const b = await make({ prefix: a.prefix, channel: a.channel, ...optsB });
  return [a, b];
}

async function until(cond, ms = 3000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`condition not met within ${ms} ms: ${cond}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

function deferred() {
  let resolve;
  let reject;
  const promise = new Promise((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}

describe('L1 copies read from Redis keep their tags', () => {
  test('get: A sets with tags, B reads it into its L1, A invalidates the tag, B misses', async () => {
    const [a, b] = await pair();
    await a.set('k', { v: 1 }, { tags: ['t', 'u'], ttl: 60_000 });
    await a.set('other', 2, { tags: ['x'] });
    expect(await b.get('k')).toEqual({ v: 1 });
    expect(await b.get('other')).toBe(2);
    expect(b.l1.info('k').tags.sort()).toEqual(['t', 'u']);
    expect(b.stats().l2Hits).toBe(2);
    expect(await a.invalidateTag('u')).toBe(1);
    await until(() => b.stats().received >= 1);
    expect(b.l1.has('k')).toBe(false);
    expect(await b.get('k')).toBeUndefined();
    expect(b.l1.has('other')).toBe(true);
  });

  test('mget: the same, for the L1 misses read in one round trip', async () => {
    const [a, b] = await pair();
    await a.mset([{ key: 'k1', value: 1, tags: ['t'] }, { key: 'k2', value: 2, tags: ['u'] }, { key: 'k3', value: 3 }]);
    expect(await b.mget(['k1', 'k2', 'k3', 'k4'])).toEqual([1, 2, 3, undefined]);
    expect(b.l1.size).toBe(3);
    await a.invalidateTag('t');
    await until(() => b.stats().received >= 1);
    expect(b.l1.has('k1')).toBe(false);
    expect(b.l1.mget(['k2', 'k3'])).toEqual([2, 3]);
    expect(await b.mget(['k1', 'k2', 'k3'])).toEqual([undefined, 2, 3]);
  });

  test('the tag sidecar: one per tagged key, same PX, gone with the value on every invalidation path', async () => {
    const a = await make();
    const r = a.redis;
    const side = (k) => `${a.prefix}tags:${k}`;
    await a.set('k', 1, { tags: ['t'], ttl: 60_000 });
    expect(JSON.parse(await r.get(side('k')))).toEqual(['t']);
    const [vttl, sttl] = [await r.pttl(`${a.prefix}k`), await r.pttl(side('k'))];
    expect(sttl).toBeGreaterThan(59_000);
    expect(Math.abs(vttl - sttl)).toBeLessThan(50);
    await a.set('k', 2); // set again without tags: the old tags go
    expect(await r.exists(side('k'))).toBe(0);
    await a.mset([{ key: 'm', value: 1, tags: ['m'] }, { key: 'plain', value: 1 }]);
    expect(await r.pttl(side('m'))).toBe(-1); // no ttl, like its value
    expect(await r.exists(side('plain'))).toBe(0);
    // Every invalidation path removes the sidecars with the values.
    const keys = ['client:42:a', 'client:420:a', 'client:1:x', 'list:1', 'one'];
    for (const k of keys) await a.set(k, k, { tags: [`tag-${k}`, 'all'] });
    await a.invalidate(/^client:42:/);
    await a.invalidateGlob('client:4?0:*');
    await a.invalidatePrefix('client:1');
    await a.invalidate('one');
    await a.invalidateTag('tag-list:1');
    await a.invalidateTag('m');
    const left = (await r.keys(`${a.prefix}*`)).filter((k) => !k.startsWith(`${a.prefix}tag:`)).sort();
    expect(left).toEqual([`${a.prefix}k`, `${a.prefix}plain`]);
  });

  test('values written before the sidecar existed (or with a foreign one) read fine, without tags', async () => {
    const [a, b] = await pair();
    await a.redis.set(`${a.prefix}old`, '{"x":1}', 'PX', 60_000);
    await a.redis.set(`${a.prefix}odd`, '"y"');
    await a.redis.set(`${a.prefix}tags:odd`, 'not json');
    expect(await b.get('old')).toEqual({ x: 1 });
    expect(b.l1.info('old').tags).toBeUndefined();
    expect(b.l1.getRemainingTTL('old')).toBeGreaterThan(59_000);
    expect(await a.mget(['old', 'odd'])).toEqual([{ x: 1 }, 'y']);
    expect(a.l1.info('odd').tags).toBeUndefined();
  });

  test('warm does not load the sidecars as values and keeps the tags', async () => {
    const a = await make();
    await a.mset([{ key: 'k1', value: 1, tags: ['t'] }, { key: 'k2', value: 2 }]);
    const b = await make({ prefix: a.prefix, channel: a.channel });
    expect(await b.warm()).toBe(2);
    expect([...b.l1.keys()].sort()).toEqual(['k1', 'k2']);
    expect(b.l1.info('k1').tags).toEqual(['t']);
  });
});

describe('invalidation order and reads racing it', () => {
  test('Redis is cleaned before the message goes out: a receiver that misses after it cannot read the old value back', async () => {
    const [a, b] = await pair({ timeout: 5_000 });
    await a.set('k', 'old');
    expect(await b.get('k')).toBe('old');
    const publish = a.redis.publish.bind(a.redis);
    a.redis.publish = async (...args) => {
      const res = await publish(...args);
      // B gets the message, misses L1 and reads L2 before A's invalidation finishes.
      await until(() => b.stats().received >= 1);
      expect(b.l1.has('k')).toBe(false);
      await b.get('k');
      return res;
    };
    await a.invalidate('k');
    expect(b.l1.has('k')).toBe(false);
    expect(await b.get('k')).toBeUndefined();
    expect(a.stats().published).toBe(1);
  });

  test('a read whose reply arrives after the invalidation message applies it again to what it loaded', async () => {
    const [a, b] = await pair({}, { timeout: 5_000 });
    await a.set('k', 'old');
    await a.set('k2', 'old2');
    for (const [read, expected] of [[() => b.get('k'), 'old'], [() => b.mget(['k2']), ['old2']]]) {
      const multi = b.redis.multi.bind(b.redis);
      b.redis.multi = (...args) => {
        b.redis.multi = multi;
        const m = multi(...args);
        const exec = m.exec.bind(m);
        m.exec = async () => {
          const res = await exec(); // Redis answered with the old value ...
          const seen = b.stats().received;
          await a.invalidatePrefix('k'); // ... then it is invalidated and B gets the message first
          await until(() => b.stats().received > seen);
          return res;
        };
        return m;
      };
      expect(await read()).toEqual(expected); // it was the value when Redis read it
      expect(b.l1.size).toBe(0);
      await a.set('k', 'old');
      await a.set('k2', 'old2');
    }
  });

  test('an own get reading Redis between L1 and Redis being cleaned does not keep the old value', async () => {
    const a = await make({ timeout: 5_000 });
    await a.set('k', 'old');
    const unlink = a.redis.unlink.bind(a.redis);
    let read;
    a.redis.unlink = async (...args) => {
      read = await a.get('k'); // L1 already dropped it, Redis not yet
      return unlink(...args);
    };
    await a.invalidate('k');
    expect(read).toBe('old');
    expect(a.l1.has('k')).toBe(false);
    expect(await a.get('k')).toBeUndefined();
  });

  test('getOrCompute does not store a value computed while its key or tag was invalidated elsewhere', async () => {
    const [a, b] = await pair();
    const gate = deferred();
    const result = b.getOrCompute('k', () => gate.promise, { tags: ['t'] });
    await a.invalidateTag('t');
    await until(() => b.stats().received >= 1);
    gate.resolve('computed-from-old-data');
    expect(await result).toBe('computed-from-old-data');
    expect(b.l1.has('k')).toBe(false);
    expect(await b.redis.exists(`${b.prefix}k`)).toBe(0);
    // An invalidation that does not concern it does not stop the store.
    const gate2 = deferred();
    const result2 = b.getOrCompute('k', () => gate2.promise, { tags: ['t'] });
    await a.invalidateTag('other');
    await a.invalidatePrefix('j');
    await until(() => b.stats().received >= 3);
    gate2.resolve('fresh');
    expect(await result2).toBe('fresh');
    expect(b.l1.get('k')).toBe('fresh');
    expect(await b.redis.get(`${b.prefix}k`)).toBe('"fresh"');
  });
});

describe('refreshThreshold (refresh-ahead)', () => {
  test('an L1 hit within the threshold returns the value and refreshes once in the background', async () => {
    const c = clock();
    const t = await make({ l1: { max: 100, now: c.now }, refreshThreshold: 1_000 });
    const calls = [];
    let gate = null;
    const fn = async (key, { stale }) => {
      calls.push([key, stale]);
      if (gate) await gate.promise;
      return `v${calls.length}`;
    };
    expect(await t.getOrCompute('k', fn, { ttl: 5_000 })).toBe('v1');
    expect(calls).toEqual([['k', undefined]]);
    c.t += 3_900; // 1 100 ms left: not due
    expect(await t.getOrCompute('k', fn, { ttl: 5_000 })).toBe('v1');
    expect(calls.length).toBe(1);
    c.t += 200; // 900 ms left
    gate = deferred();
    expect(await t.getOrCompute('k', fn, { ttl: 5_000 })).toBe('v1');
    expect(await t.getOrCompute('k', fn, { ttl: 5_000 })).toBe('v1'); // one refresh at a time
    expect(calls).toEqual([['k', undefined], ['k', 'v1']]);
    gate.resolve();
    await until(() => t.l1.peek('k') === 'v2');
    expect(t.l1.getRemainingTTL('k')).toBe(5_000);
    expect(await t.redis.get(`${t.prefix}k`)).toBe('"v2"');
    expect(await t.redis.pttl(`${t.prefix}k`)).toBeGreaterThan(4_000);
    // Per call: 0 turns it off, a value turns it on.
    c.t += 4_500;
    gate = null;
    expect(await t.getOrCompute('k', fn, { ttl: 5_000, refreshThreshold: 0 })).toBe('v2');
    expect(calls.length).toBe(2);
    const plain = await make({ l1: { max: 100, now: c.now } });
    await plain.set('p', 'p1', { ttl: 5_000 });
    c.t += 4_500;
    expect(await plain.getOrCompute('p', fn, { ttl: 5_000 })).toBe('p1');
    expect(calls.length).toBe(2); // off by default
    expect(await plain.getOrCompute('p', fn, { ttl: 5_000, refreshThreshold: 600 })).toBe('p1');
    await until(() => plain.l1.peek('p') === 'v3');
  });

  test('an L2 hit takes its remaining TTL from Redis; a failed refresh keeps the value', async () => {
    const [a, b] = await pair({}, { refreshThreshold: 30_000 });
    await a.set('near', 'old', { ttl: 20_000 });
    await a.set('far', 'old', { ttl: 60_000 });
    let calls = 0;
    const fn = async () => { calls += 1; return 'new'; };
    expect(await b.getOrCompute('far', fn)).toBe('old');
    expect(await b.getOrCompute('near', fn, { ttl: 60_000 })).toBe('old');
    await until(() => b.l1.peek('near') === 'new');
    expect(calls).toBe(1);
    expect(await a.redis.pttl(`${a.prefix}near`)).toBeGreaterThan(50_000);
    await a.set('bad', 'kept', { ttl: 20_000 });
    const failing = jest.fn(async () => { throw new Error('source down'); });
    expect(await b.getOrCompute('bad', failing)).toBe('kept');
    await until(() => failing.mock.calls.length === 1);
    await new Promise((r) => setTimeout(r, 20));
    expect(b.l1.peek('bad')).toBe('kept');
    expect(await b.redis.get(`${b.prefix}bad`)).toBe('"kept"');
  });

  test('a refresh whose key is invalidated meanwhile is not stored', async () => {
    const [a, b] = await pair({}, { refreshThreshold: 30_000 });
    await a.set('k', 'old', { ttl: 20_000, tags: ['t'] });
    const gate = deferred();
    expect(await b.getOrCompute('k', () => gate.promise)).toBe('old'); // refresh started, no new tags
    await a.invalidateTag('t'); // the old entry's tag
    await until(() => b.stats().received >= 1);
    gate.resolve('new-from-old-data');
    await new Promise((r) => setTimeout(r, 20));
    expect(b.l1.has('k')).toBe(false);
    expect(await b.redis.exists(`${b.prefix}k`)).toBe(0);
  });

  test('bad refreshThreshold throws RangeError naming it', async () => {
    const redis = client({ lazyConnect: true });
    expect(() => new TieredCache({ redis, refreshThreshold: -1 })).toThrow(/refreshThreshold/);
    redis.disconnect();
    const t = await make();
    expect(() => t.getOrCompute('k', async () => 1, { refreshThreshold: Number.NaN })).toThrow(RangeError);
  });
});
