'use strict';
/**
 * Glob parity with a real redis-server (issue 12, "keep the references"): random keys and
 * globs — ASCII, the glob's own metacharacters, non-ASCII, astral characters, lone
 * surrogates, U+FFFD, the empty key — are written to Redis through ioredis and to a Cache;
 * `invalidateGlob(glob)` must remove exactly the keys `KEYS glob` (and `SCAN … MATCH glob`)
 * return. Redis compares the UTF-8 bytes ioredis sends (a lone surrogate as U+FFFD), so
 * two JS keys with the same bytes are one Redis key: each run keeps one of them.
 */
const fc = require('fast-check');
const Redis = require('ioredis');
const hotpath = require('../');
const { withPolicy, lruOnly, policy } = require('./helpers/policy');
const { startRedis } = require('./helpers/redis');
const { redisMatch } = require('./helpers/redis-glob');

const { Cache: PlainCache } = hotpath;
const Cache = withPolicy(PlainCache);
const backend = process.env.HOTPATH_BACKEND;

const FRAGMENTS = ['a', 'b', 'c', 'A', 'z', '1', ':', '-', '^', '*', '?', '[', ']', '\\', 'é', 'ß', '€', '😀', '\uD83D',
  '\uDE00', '\uD800', '\uFFFD', '\n', ' ', 'client:', 'list:'];
const GLOB_FRAGMENTS = [...FRAGMENTS, '*', '*', '?', '[a-c]', '[^a]', '[c-a]', '[\\]]', '\\*', '\\?', '[', '[^', '[é]',
  '[a-\uFFFD]', '?\u00a9'];
const keyArb = fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 4 }).map((f) => f.join(''));
const globArb = fc.array(fc.constantFrom(...GLOB_FRAGMENTS), { maxLength: 4 }).map((f) => f.join(''));

/** Keeps one JS key per distinct UTF-8 byte string (what Redis would store). */
function distinctInRedis(keys) {
  const seen = new Map();
  for (const k of keys) {
    const hex = Buffer.from(k).toString('hex');
    if (!seen.has(hex)) seen.set(hex, k);
  }
  return [...seen.values()];
}

const hex = (bufs) => bufs.map((b) => Buffer.from(b).toString('hex')).sort();

describe(`invalidateGlob = redis-server KEYS / SCAN MATCH (${backend}, ${policy})`, () => {
  let server;
  let redis;

  beforeAll(async () => {
    server = await startRedis();
    redis = new Redis(server.port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
  });

  afterAll(async () => {
    if (redis) redis.disconnect();
    if (server) await server.stop();
  });

  async function redisKeys(glob) {
    const keys = await redis.keysBuffer(glob);
    const scanned = [];
    let cursor = '0';
    do {
      const [next, batch] = await redis.scanBuffer(cursor, 'MATCH', glob, 'COUNT', 1000);
      cursor = String(next);
      scanned.push(...batch);
    } while (cursor !== '0');
    expect(hex(scanned)).toEqual(hex(keys));
    return hex(keys);
  }

  test('random keys and globs (fast-check)', async () => {
    await fc.assert(fc.asyncProperty(fc.uniqueArray(keyArb, { maxLength: 25 }), globArb, async (rawKeys, glob) => {
      const keys = distinctInRedis(rawKeys);
      await redis.flushdb();
      if (keys.length) await redis.mset(...keys.flatMap((k) => [k, '1']));
      const want = await redisKeys(glob);
      const c = new Cache({ max: 1000 });
      keys.forEach((k, i) => c.set(k, i));
      const n = c.invalidateGlob(glob);
      const removed = keys.filter((k) => !c.has(k));
      expect({ glob, removed: hex(removed) }).toEqual({ glob, removed: want });
      expect(n).toBe(want.length);
      // The in-test reference agrees with Redis too (it is the model suite's oracle).
      expect(hex(keys.filter((k) => redisMatch(glob, k)))).toEqual(want);
    }), { numRuns: Number(process.env.CACHE_GLOB_RUNS || 300) });
  });

  test('the documented edge cases, against Redis', async () => {
    const keys = ['', 'a', 'ab', 'é', '😀', '\uD800', 'a*', 'a\\', 'h[llo'];
    for (const glob of ['*', '**', '?', '??', '????', 'a*', 'a\\*', 'a\\', '[', '[^', 'h[^e]llo', '*\uFFFD*', '\uD800', 'h[', '[a-b]']) {
      await redis.flushdb();
      await redis.mset(...keys.flatMap((k) => [k, '1']));
      const want = await redisKeys(glob);
      const c = new Cache();
      keys.forEach((k, i) => c.set(k, i));
      c.invalidateGlob(glob);
      expect({ glob, removed: hex(keys.filter((k) => !c.has(k))) }).toEqual({ glob, removed: want });
    }
  });
});
