'use strict';
/**
 * `policy: 'tinylfu'`'s own contract (issue 13). Everything it shares with 'lru' (TTL, tags,
 * invalidation, getOrCompute, stats) is checked by the cache suites, which run again under
 * 'tinylfu' (jest.config.js), including the plain-JS model (js-tests/cache-model.test.js).
 */
const fc = require('fast-check');
const hotpath = require('../');
const { internals } = require('../lib/internal');

const { Cache } = hotpath;
const backend = process.env.HOTPATH_BACKEND;

/** A full cache, then `hot` keys read `reads` times each, then a scan of one-hit wonders. */
function scan(policy, { max = 100, hot = 10, reads = 5, wonders = 1000 } = {}) {
  const c = new Cache({ max, policy });
  for (let i = 0; i < max; i++) c.set(`fill:${i}`, i);
  for (let i = 0; i < hot; i++) c.set(`hot:${i}`, i);
  for (let r = 0; r < reads; r++) for (let i = 0; i < hot; i++) c.get(`hot:${i}`);
  for (let i = 0; i < wonders; i++) c.set(`once:${i}`, i);
  let kept = 0;
  for (let i = 0; i < hot; i++) kept += c.get(`hot:${i}`) === i;
  return { c, kept };
}

describe(`Cache policy 'tinylfu' (${backend})`, () => {
  test('scan resistance: hot keys survive a scan of one-hit wonders that flushes LRU', () => {
    expect(scan('lru').kept).toBe(0);
    const { c, kept } = scan('tinylfu');
    expect(kept).toBe(10);
    expect(c.size).toBe(100);
    expect(c.stats().evictions).toBe(10 + 1000);
  });

  test('size never exceeds max; every entry it holds has its last value (fast-check)', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 40 }),
      fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 120 })), { maxLength: 400 }),
      (max, ops) => {
        const c = new Cache({ max, policy: 'tinylfu' });
        const last = new Map();
        for (const [write, k] of ops) {
          const key = `k${k}`;
          if (write) { c.set(key, k * 2); last.set(key, k * 2); } else c.get(key);
          expect(c.size).toBeLessThanOrEqual(max);
        }
        for (const key of c.keys()) expect(c.get(key)).toBe(last.get(key));
        const { evictions, sets } = c.stats();
        expect(c.size).toBe(Math.min(new Set(ops.filter(([w]) => w).map(([, k]) => k)).size, sets - evictions, c.size));
      },
    ), { numRuns: 150 });
  });

  test('maxBytes bounds the sum of sizeOf; a heavy update evicts others', () => {
    const c = new Cache({ max: 1000, maxBytes: 100, sizeOf: (v) => v.length, policy: 'tinylfu' });
    for (let i = 0; i < 50; i++) c.set(`k${i}`, 'x'.repeat(7));
    expect(internals(c).bytes).toBeLessThanOrEqual(100);
    expect(c.size).toBe(14);
    c.set('big', 'y'.repeat(101));
    expect(c.has('big')).toBe(false);
    const keep = [...c.keys()][0];
    c.set(keep, 'z'.repeat(90));
    expect(internals(c).bytes).toBeLessThanOrEqual(100);
    expect(c.size).toBeLessThanOrEqual(2);
  });

  test('a key invalidated, deleted or expired while its insert is still in the log is not evicted again later', () => {
    const t = { now: 0 };
    const c = new Cache({ max: 3, policy: 'tinylfu', now: () => t.now });
    c.set('a', 1).set('b', 2).set('c', 3, { ttl: 10 });
    expect(c.invalidate(/^a$/)).toBe(1);
    c.delete('b');
    t.now = 20;
    expect(c.get('c')).toBeUndefined();
    c.set('d', 4).set('e', 5).set('f', 6); // slots reused; the old inserts were logged
    expect([...c.keys()].sort()).toEqual(['d', 'e', 'f']);
    c.set('g', 7); // the first eviction decision replays the whole log
    expect(c.size).toBe(3);
    expect(c.stats().evictions).toBe(1);
    for (const k of c.keys()) expect(c.get(k)).toBe(k.charCodeAt(0) - 96);
  });

  test('getOrCompute hits count as reads; clear() empties the policy too', async () => {
    const c = new Cache({ max: 50, policy: 'tinylfu' });
    for (let i = 0; i < 50; i++) c.set(`fill:${i}`, i);
    await c.getOrCompute('hot', async () => 'v');
    for (let r = 0; r < 5; r++) expect(await c.getOrCompute('hot', async () => 'other')).toBe('v');
    for (let i = 0; i < 500; i++) c.set(`once:${i}`, i);
    expect(c.get('hot')).toBe('v');
    c.clear();
    expect(c.size).toBe(0);
    for (let i = 0; i < 50; i++) c.set(`n${i}`, i);
    expect(c.size).toBe(50);
    expect(c.stats().evictions).toBe(500 + 1);
  });

  test("bad policy or max is refused with a RangeError naming it", () => {
    expect(() => new Cache({ policy: 'lfu' })).toThrow(/policy must be 'lru' or 'tinylfu'/);
    expect(() => new Cache({ policy: 'lfu' })).toThrow(RangeError);
    expect(() => new Cache({ policy: 'tinylfu', max: 2 ** 30 })).toThrow(/max must be an integer from 1 to 1073741822/);
    expect(new Cache({ policy: 'lru', max: 2 ** 30 }).size).toBe(0);
  });
  test('hooks: dispose tells each entry the policy evicted (evict), replaced (set), deleted, invalidated, cleared; onInsert add/update/replace', () => {
    const log = [];
    const c = new Cache({
      policy: 'tinylfu',
      max: 20,
      dispose: (v, k, reason) => log.push(`${reason}:${k}`),
      onInsert: (v, k, reason) => log.push(`${reason}:${k}`),
    });
    const one = { n: 1 };
    c.set('a', one);
    c.set('a', one);
    c.set('a', { n: 2 });
    expect(log).toEqual(['add:a', 'update:a', 'set:a', 'replace:a']);
    log.length = 0;
    for (let i = 0; i < 500; i++) c.set(`k${i}`, i);
    const evicted = log.filter((e) => e.startsWith('evict:')).map((e) => e.slice(6));
    expect(evicted.length).toBe(c.stats().evictions);
    expect(evicted.length).toBe(501 - 20);
    for (const k of evicted) expect(c.peek(k)).toBeUndefined();
    const live = [...c.keys()];
    expect(new Set([...evicted, ...live])).toEqual(new Set(['a', ...Array.from({ length: 500 }, (_, i) => `k${i}`)]));
    log.length = 0;
    c.delete(live[0]);
    c.invalidatePrefix(live[1]);
    c.clear();
    expect(log.slice(0, 2)).toEqual([`delete:${live[0]}`, `invalidate:${live[1]}`]);
    expect(log.slice(2).every((e) => e.startsWith('clear:'))).toBe(true);
    expect(log.length).toBe(live.length);
  });

  test('peek/info/mget/mset/dump/load and refresh-ahead under tinylfu', async () => {
    let now = 1000;
    const c = new Cache({ policy: 'tinylfu', max: 10, ttl: 100, refreshThreshold: 20, now: () => now });
    c.mset([{ key: 'a', value: 1 }, { key: 'b', value: 2, ttl: 0, tags: ['t'] }]);
    expect(c.mget(['a', 'b', 'c'])).toEqual([1, 2, undefined]);
    expect(c.peek('a')).toBe(1);
    expect(c.info('b')).toEqual({ value: 2, tags: ['t'] });
    expect(c.getRemainingTTL('a')).toBe(100);
    c.set('a', 3); // write order: b, a
    expect(c.dump().map(([k]) => k)).toEqual(['b', 'a']);
    const copy = new Cache({ policy: 'tinylfu', max: 10 }).load(c.dump());
    expect([...copy.keys()]).toEqual(['a', 'b']);
    now += 90; // 10 ms left: a hit refreshes in the background
    let calls = 0;
    expect(await c.getOrCompute('a', async () => { calls++; return 4; })).toBe(3);
    await new Promise((r) => setImmediate(r));
    expect(calls).toBe(1);
    expect(c.get('a')).toBe(4);
  });
});
