'use strict';
const fc = require('fast-check');
const hotpath = require('../');
const { withPolicy, lruOnly, policy } = require('./helpers/policy');
const { forBackend } = require('../lib/api');
const { internals } = require('../lib/internal');
const { redisMatch } = require('./helpers/redis-glob');
const { clock } = require('./helpers/clock');

const { Cache: PlainCache, CacheManager, HotpathError } = hotpath;
const Cache = withPolicy(PlainCache);
const backend = process.env.HOTPATH_BACKEND;

function codeOf(fn) {
  try {
    fn();
  } catch (e) {
    return e instanceof HotpathError ? e.code : `not a HotpathError: ${e && e.name}`;
  }
  return 'no error';
}

// Keys: mostly structured cache keys, plus characters where JS and naive regex translations differ.
const tricky = ['a', 'b', 'A', 'B', 'k', 'K', 's', 'S', '1', '9', ':', '_', '-', ' ', '\n', '\r', '\u2028',
  '\u00a0', '\ufeff', '\u017f', '\u212a', 'é', 'É', '٣', '😀', '\ud800', '*', '?', '[', ']', '\\', '.'];
const keyArb = fc.oneof(
  fc.tuple(fc.constantFrom('client', 'vagon', 'list', 'balance', 'Client'), fc.nat(130), fc.constantFrom('', ':x', ':balance', ':item:7'))
    .map(([a, n, b]) => `${a}:${n}${b}`),
  fc.array(fc.constantFrom(...tricky), { maxLength: 6 }).map((cs) => cs.join('')),
);
const keySetArb = fc.uniqueArray(keyArb, { maxLength: 60 });

// Patterns built from supported syntax only (ASCII literals; ^ first, $ last).
const atomArb = fc.oneof(
  fc.constantFrom('a', 'b', 'k', 's', 'K', 'client', 'list', ':', '1', '\\d', '\\D', '\\w', '\\W', '\\s', '\\S', '.',
    '[a-c]', '[^a]', '[\\d:]', '[^\\w]', '[A-Z]', '\\.', '\\*', '\\u0041', '\\x3a', '[\\s\\S]', '\\n', '[^]', '\\ba', 'b\\B'),
  fc.constantFrom('(?:a|b)', '(client|list)', '(?<n>1)'),
);
const quantArb = fc.constantFrom('', '', '', '*', '+', '?', '{1,2}', '{2}', '*?');
const regexArb = fc.record({
  start: fc.boolean(),
  end: fc.boolean(),
  parts: fc.array(fc.tuple(atomArb, quantArb), { minLength: 1, maxLength: 4 }),
  alt: fc.option(fc.array(fc.tuple(atomArb, quantArb), { minLength: 1, maxLength: 2 }), { nil: undefined }),
  flags: fc.subarray(['i', 'm', 's', 'u']),
}).map(({ start, end, parts, alt, flags }) => {
  const seq = (ps) => ps.map(([a, q]) => (a.startsWith('\\b') || a.endsWith('\\B') ? a : a + q)).join('');
  let src = (start ? '^' : '') + seq(parts);
  if (alt) src += `|${seq(alt)}`;
  if (end) src += '$';
  let g = 0;
  src = src.replace(/\(\?<n>/g, () => `(?<n${g++}>`);
  let f = flags.join('');
  if (f.includes('i') && f.includes('u') && /\\[bB]/.test(src)) f = f.replace('i', '');
  return new RegExp(src, f);
});
const globArb = fc.array(fc.oneof(
  fc.constantFrom('*', '?', '[ab]', '[^a]', '[a-c]', '[c-a]', '\\*', '\\', '[', ':', 'client', 'a', 'b', '1'),
  keyArb,
), { maxLength: 4 }).map((ps) => ps.join(''));

function filled(keys, options) {
  const c = new Cache({ max: 1000, ...options });
  keys.forEach((k, i) => c.set(k, i));
  return c;
}

describe(`Cache (${backend}, ${policy})`, () => {
  test('get/set/has/delete/clear/size, values held by reference', () => {
    const c = new Cache({ max: 10 });
    const v = { deep: [1] };
    expect(c.set('a', v)).toBe(c);
    expect(c.get('a')).toBe(v);
    expect(c.has('a')).toBe(true);
    expect(c.has('b')).toBe(false);
    expect(c.get('b')).toBeUndefined();
    expect(c.size).toBe(1);
    expect(c.delete('a')).toBe(true);
    expect(c.delete('a')).toBe(false);
    c.set('x', 1).set('y', 2);
    c.clear();
    expect(c.size).toBe(0);
    expect([...c.keys()]).toEqual([]);
    expect(Object.keys(c.stats()).sort()).toEqual(['deletes', 'evictions', 'expirations', 'hitRate', 'hits', 'hookErrors', 'invalidated', 'misses', 'sets', 'size'].sort());
  });

  lruOnly('LRU order and eviction at max', () => {
    const c = new Cache({ max: 3 });
    c.set('a', 1).set('b', 2).set('c', 3);
    expect([...c.keys()]).toEqual(['c', 'b', 'a']);
    expect(c.get('a')).toBe(1); // a is now most recent
    c.set('d', 4); // evicts b
    expect([...c.keys()]).toEqual(['d', 'a', 'c']);
    expect(c.has('b')).toBe(false);
    c.set('c', 33); // update moves to front, no eviction
    expect([...c.keys()]).toEqual(['c', 'd', 'a']);
    expect(c.stats().evictions).toBe(1);
  });

  lruOnly('LRU matches a reference model over random operations (fast-check)', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 6 }),
      fc.array(fc.tuple(fc.constantFrom('set', 'get', 'delete', 'has'), fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h')), { maxLength: 60 }),
      (max, ops) => {
        const c = new Cache({ max });
        const model = new Map(); // insertion order = recency (oldest first)
        for (const [op, k] of ops) {
          if (op === 'set') {
            model.delete(k); model.set(k, op + k);
            if (model.size > max) model.delete(model.keys().next().value);
            c.set(k, op + k);
          } else if (op === 'get') {
            const want = model.get(k);
            if (want !== undefined) { model.delete(k); model.set(k, want); }
            expect(c.get(k)).toBe(want);
          } else if (op === 'has') {
            expect(c.has(k)).toBe(model.has(k));
          } else {
            expect(c.delete(k)).toBe(model.delete(k));
          }
        }
        expect([...c.keys()]).toEqual([...model.keys()].reverse());
        expect(c.size).toBe(model.size);
      },
    ), { numRuns: 200 });
  });

  test('maxBytes evicts least recently used entries by sizeOf', () => {
    const c = new Cache({ max: 100, maxBytes: 10, sizeOf: (v) => v.length });
    c.set('a', 'xxxx').set('b', 'yyyy');
    c.get('a');
    c.set('c', 'zzzz'); // 12 > 10: evicts b (LRU)
    expect([...c.keys()]).toEqual(['c', 'a']);
    c.set('big', 'x'.repeat(11)); // larger than maxBytes: not stored
    expect(c.has('big')).toBe(false);
    c.set('a', 'x'.repeat(10)); // replaces a, evicts c
    expect([...c.keys()]).toEqual(['a']);
    expect(c.stats().evictions).toBe(2);
    // The default estimate counts the key and the value.
    const d = new Cache({ maxBytes: 100 });
    d.set('k', 'v'.repeat(30)); // 2 + 60
    d.set('j', 'w'.repeat(30)); // 2 + 60 → over 100: k evicted
    expect([...d.keys()]).toEqual(['j']);
  });

  test('TTL: per entry and default, expired is a miss, counted as expiration', () => {
    const t = clock();
    const c = new Cache({ ttl: 100, now: t.now });
    c.set('d', 1); // default ttl
    c.set('long', 2, { ttl: 1000 });
    c.set('forever', 3, { ttl: 0 });
    t.t += 99;
    expect(c.get('d')).toBe(1);
    t.t += 1;
    expect(c.has('d')).toBe(false);
    expect(c.get('d')).toBeUndefined();
    expect([...c.keys()].sort()).toEqual(['forever', 'long']);
    t.t += 10_000;
    expect(c.get('long')).toBeUndefined();
    expect(c.get('forever')).toBe(3);
    const s = c.stats();
    expect(s.expirations).toBe(2);
    expect(s.hits).toBe(2);
    expect(s.misses).toBe(2);
    expect(s.hitRate).toBe(0.5);
    expect(() => c.set('x', 1, { ttl: -1 })).toThrow(RangeError);
  });

  test('TTL with jest fake timers and the default clock', () => {
    jest.useFakeTimers({ now: 0 });
    try {
      const c = new Cache({ ttl: 1000 });
      c.set('a', 1);
      jest.advanceTimersByTime(999);
      expect(c.get('a')).toBe(1);
      jest.advanceTimersByTime(1);
      expect(c.get('a')).toBeUndefined();
    } finally {
      jest.useRealTimers();
    }
  });

  test('non-string keys → ERR_INVALID_KEY, state unchanged', () => {
    const c = filled(['a', 'b']);
    for (const bad of [1, null, undefined, {}, Symbol('s'), 1n]) {
      expect(codeOf(() => c.set(bad, 1))).toBe('ERR_INVALID_KEY');
      expect(codeOf(() => c.get(bad))).toBe('ERR_INVALID_KEY');
      expect(codeOf(() => c.has(bad))).toBe('ERR_INVALID_KEY');
      expect(codeOf(() => c.delete(bad))).toBe('ERR_INVALID_KEY');
      expect(codeOf(() => c.invalidate(bad))).toBe('ERR_INVALID_KEY');
      expect(codeOf(() => c.invalidatePrefix(bad))).toBe('ERR_INVALID_KEY');
      expect(codeOf(() => c.invalidateGlob(bad))).toBe('ERR_INVALID_KEY');
      expect(codeOf(() => c.invalidateTag(bad))).toBe('ERR_INVALID_KEY');
      expect(codeOf(() => c.getOrCompute(bad, () => 1))).toBe('ERR_INVALID_KEY');
    }
    expect([...c.keys()]).toEqual(['b', 'a']);
  });

  test('unsupported patterns throw ERR_PATTERN_UNSUPPORTED and change nothing', () => {
    const keys = ['aa', 'ab', 'ba', 'a\nb'];
    const c = filled(keys);
    const before = [...c.keys()];
    for (const re of [/(?=a)/, /(?!a)b/, /(?<=a)b/, /(?<!a)b/, /(a)\1/, /(?<x>a)\k<x>/, /a^b/m, /\bx/iu, /[\p{L}--a]/v]) {
      expect(codeOf(() => c.invalidate(re))).toBe('ERR_PATTERN_UNSUPPORTED');
      expect([...c.keys()]).toEqual(before);
    }
    expect(c.stats().invalidated).toBe(0);
  });

  test('invalidate(string) is exact; RegExp/prefix/glob on the seed keys', () => {
    const c = filled(['balance:USD', 'balance:RUB', 'other:key', 'vagonsales:list:1', 'vagonsales:list:2', 'client:42:a', 'client:420:a']);
    expect(c.invalidate('balance')).toBe(0);
    expect(c.invalidate('balance:USD')).toBe(1);
    expect(c.invalidate(/^balance:/)).toBe(1);
    expect(c.invalidatePrefix('client:42:')).toBe(1);
    expect(c.invalidateGlob('vagonsales:list:*')).toBe(2);
    expect([...c.keys()].sort()).toEqual(['client:420:a', 'other:key']);
    expect(c.stats().invalidated).toBe(5);
  });

  test('RegExp invalidation equals RegExp.test over random keys and patterns (fast-check)', () => {
    let checked = 0;
    fc.assert(fc.property(keySetArb, regexArb, (keys, re) => {
      const c = filled(keys);
      let n;
      try {
        n = c.invalidate(re);
      } catch (e) {
        // Only the documented rejections may happen (\b with iu is in the generator).
        expect(e.code).toBe('ERR_PATTERN_UNSUPPORTED');
        return;
      }
      checked++;
      const want = keys.filter((k) => new RegExp(re.source, re.flags).test(k));
      expect(n).toBe(want.length);
      expect([...c.keys()].sort()).toEqual(keys.filter((k) => !want.includes(k)).sort());
    }), { numRuns: Number(process.env.CACHE_RUNS || 400) });
    expect(checked).toBeGreaterThan(300);
  });

  test('glob and prefix invalidation equal a reference filter (fast-check)', () => {
    fc.assert(fc.property(keySetArb, globArb, fc.boolean(), (keys, pat, indexFirst) => {
      const c = filled(keys);
      if (indexFirst) c.invalidate('not there'); // exercise the incremental index path too
      if (indexFirst) c.invalidatePrefix('\u0000none');
      const want = keys.filter((k) => redisMatch(pat, k));
      expect(c.invalidateGlob(pat)).toBe(want.length);
      expect([...c.keys()].sort()).toEqual(keys.filter((k) => !want.includes(k)).sort());
      const c2 = filled(keys);
      const prefix = pat.slice(0, 3);
      const wantP = keys.filter((k) => k.startsWith(prefix));
      expect(c2.invalidatePrefix(prefix)).toBe(wantP.length);
    }), { numRuns: 300 });
  });

  // Under 'tinylfu' the model learns what the policy evicted (internals().holds) and keys()
  // is compared as a set; the index must stay exact either way.
  test('index, LRU order and size stay exact across interleaved writes, reads and invalidations (fast-check)', () => {
    fc.assert(fc.property(
      fc.array(fc.oneof(
        fc.tuple(fc.constant('set'), keyArb),
        fc.tuple(fc.constant('delete'), keyArb),
        fc.tuple(fc.constant('get'), keyArb),
        fc.tuple(fc.constant('regex'), fc.constantFrom(/^client:1/, /^vagon:\d+:x$/, /a/, /^$/)),
        fc.tuple(fc.constant('prefix'), fc.constantFrom('client:1', 'client:', 'vagon', '', 'a')),
        fc.tuple(fc.constant('glob'), globArb),
      ), { maxLength: 80 }),
      fc.integer({ min: 1, max: 30 }),
      (ops, max) => {
        const c = new Cache({ max });
        const model = new Map(); // oldest first
        for (const [op, arg] of ops) {
          if (op === 'set') {
            model.delete(arg); model.set(arg, 1);
            if (policy === 'lru' && model.size > max) model.delete(model.keys().next().value);
            c.set(arg, 1);
            if (policy !== 'lru') for (const k of [...model.keys()]) if (!internals(c).holds(k)) model.delete(k);
            expect(c.size).toBeLessThanOrEqual(max);
          } else if (op === 'delete') {
            expect(c.delete(arg)).toBe(model.delete(arg));
          } else if (op === 'get') {
            const want = model.get(arg);
            if (want !== undefined) { model.delete(arg); model.set(arg, want); }
            expect(c.get(arg)).toBe(want);
          } else {
            const test = op === 'prefix' ? (k) => k.startsWith(arg) : op === 'glob' ? (k) => redisMatch(arg, k) : (k) => arg.test(k);
            const hit = [...model.keys()].filter(test);
            hit.forEach((k) => model.delete(k));
            const n = op === 'prefix' ? c.invalidatePrefix(arg) : op === 'glob' ? c.invalidateGlob(arg) : c.invalidate(arg);
            expect(n).toBe(hit.length);
          }
          expect(c.size).toBe(model.size);
        }
        // Exact LRU order, tombstones of invalidated keys never visible.
        if (policy === 'lru') expect([...c.keys()]).toEqual([...model.keys()].reverse());
        else expect([...c.keys()].sort()).toEqual([...model.keys()].sort());
      },
    ), { numRuns: 200 });
  });

  test('tags: invalidateTag removes exactly the tagged entries', () => {
    fc.assert(fc.property(
      fc.uniqueArray(fc.tuple(keyArb, fc.subarray(['t1', 't2', 't3'])), { selector: ([k]) => k, maxLength: 40 }),
      fc.constantFrom('t1', 't2', 't3', 't4'),
      (entries, tag) => {
        const c = new Cache({ max: 1000 });
        for (const [k, tags] of entries) c.set(k, 1, { tags });
        const want = entries.filter(([, tags]) => tags.includes(tag)).map(([k]) => k);
        expect(c.invalidateTag(tag)).toBe(want.length);
        expect(c.invalidateTag(tag)).toBe(0);
        expect([...c.keys()].sort()).toEqual(entries.map(([k]) => k).filter((k) => !want.includes(k)).sort());
      },
    ), { numRuns: 100 });
    const c = new Cache();
    c.set('a', 1, { tags: ['x'] });
    c.set('a', 2); // re-set without tags drops the old tags
    expect(c.invalidateTag('x')).toBe(0);
    expect(codeOf(() => c.set('b', 1, { tags: [1] }))).toBe('ERR_INVALID_KEY');
  });

  test('getOrCompute: hit does not call fn; N concurrent misses share one call', async () => {
    const c = new Cache();
    c.set('hit', 'cached');
    const never = jest.fn();
    await expect(c.getOrCompute('hit', never)).resolves.toBe('cached');
    expect(never).not.toHaveBeenCalled();
    let release;
    const fn = jest.fn(() => new Promise((r) => { release = r; }));
    const waiters = Array.from({ length: 50 }, () => c.getOrCompute('k', fn, { ttl: 1000, tags: ['t'] }));
    expect(fn).toHaveBeenCalledTimes(1);
    const v = { shared: true };
    release(v);
    const got = await Promise.all(waiters);
    got.forEach((g) => expect(g).toBe(v));
    expect(c.get('k')).toBe(v);
    expect(c.invalidateTag('t')).toBe(1);
  });

  test('getOrCompute single-flight holds for any number of callers (fast-check)', async () => {
    await fc.assert(fc.asyncProperty(fc.integer({ min: 1, max: 40 }), fc.string(), async (n, key) => {
      const c = new Cache();
      let calls = 0;
      const fn = async () => { calls++; await null; return key + calls; };
      const got = await Promise.all(Array.from({ length: n }, () => c.getOrCompute(key, fn)));
      expect(calls).toBe(1);
      expect(new Set(got).size).toBe(1);
    }), { numRuns: 100 });
  });

  test('getOrCompute rejection: every waiter rejects, nothing cached, next call retries', async () => {
    const c = new Cache();
    const boom = new Error('boom');
    const fn = jest.fn(async () => { throw boom; });
    const ps = Array.from({ length: 5 }, () => c.getOrCompute('k', fn));
    const settled = await Promise.allSettled(ps);
    expect(fn).toHaveBeenCalledTimes(1);
    settled.forEach((s) => { expect(s.status).toBe('rejected'); expect(s.reason).toBe(boom); });
    expect(c.has('k')).toBe(false);
    const sync = () => { throw boom; };
    await expect(c.getOrCompute('k', sync)).rejects.toBe(boom);
    await expect(c.getOrCompute('k', async () => 7)).resolves.toBe(7);
    expect(c.get('k')).toBe(7);
  });

  test.each([
    ['invalidate(string)', (c) => c.invalidate('user:1')],
    ['invalidate(RegExp)', (c) => c.invalidate(/^user:/)],
    ['invalidatePrefix', (c) => c.invalidatePrefix('user')],
    ['invalidateGlob', (c) => c.invalidateGlob('user:?')],
    ['invalidateTag', (c) => c.invalidateTag('users')],
    ['delete', (c) => c.delete('user:1')],
    ['clear', (c) => c.clear()],
    ['set', (c) => c.set('user:1', 'newer')],
  ])('a key hit by %s while fn runs does not get the stale result written', async (_name, hit) => {
    const c = new Cache();
    c.set('other', 1);
    let release;
    const p = c.getOrCompute('user:1', () => new Promise((r) => { release = r; }), { tags: ['users'] });
    hit(c);
    // A caller after the invalidation does not join the stale computation.
    const fresh = c.getOrCompute('user:1', async () => 'fresh');
    release('stale');
    await expect(p).resolves.toBe('stale');
    const v = await fresh;
    expect(c.get('user:1')).not.toBe('stale');
    expect(['fresh', 'newer']).toContain(c.get('user:1'));
    expect(v === 'fresh' || v === 'newer').toBe(true);
  });

  test('staleWhileRevalidate: stale value at once, one background refresh', async () => {
    const t = clock();
    const c = new Cache({ ttl: 100, staleWhileRevalidate: 50, now: t.now });
    c.set('k', 'old');
    t.t += 120; // expired, inside the window
    expect(c.get('k')).toBeUndefined();
    let release;
    const fn = jest.fn(() => new Promise((r) => { release = r; }));
    await expect(c.getOrCompute('k', fn)).resolves.toBe('old');
    await expect(c.getOrCompute('k', fn)).resolves.toBe('old');
    expect(fn).toHaveBeenCalledTimes(1);
    release('new');
    await new Promise((r) => setImmediate(r));
    expect(c.get('k')).toBe('new');
    t.t += 1000; // beyond the window: a plain miss
    await expect(c.getOrCompute('k', async () => 'newest')).resolves.toBe('newest');
  });

  test('seed property: cache invalidated after a write — next read is fresh (fast-check)', async () => {
    await fc.assert(fc.asyncProperty(
      fc.uniqueArray(fc.tuple(fc.constantFrom('USD', 'RUB', 'EUR'), fc.nat(20)), { selector: (x) => x.join(), maxLength: 30 }),
      fc.tuple(fc.constantFrom('USD', 'RUB', 'EUR'), fc.nat(20)),
      async (clients, [currency, client]) => {
        const db = new Map();
        const cm = new CacheManager({ defaultTTL: 60 });
        const key = ([cur, cl]) => `client:${cl}:balance:${cur}`;
        for (const c of clients) {
          db.set(key(c), 1);
          await cm.getOrCompute(key(c), async () => db.get(key(c)));
        }
        // A write to (currency, client), then the seed's invalidation pattern.
        const written = key([currency, client]);
        db.set(written, (db.get(written) || 0) + 100);
        await cm.invalidate(new RegExp(`^client:${client}:`));
        for (const c of [...clients, [currency, client]]) {
          const got = await cm.getOrCompute(key(c), async () => db.get(key(c)));
          expect(got).toBe(db.get(key(c)));
        }
      },
    ), { numRuns: 100 });
  });

  test('keys() skips expired entries, most recent first', () => {
    const t = clock();
    const c = new Cache({ now: t.now });
    c.set('a', 1, { ttl: 10 }).set('b', 2).set('c', 3, { ttl: 10 });
    t.t += 10;
    expect([...c.keys()]).toEqual(['b']);
  });

  test('bad options are rejected', () => {
    expect(() => new Cache({ max: 0 })).toThrow(RangeError);
    expect(() => new Cache({ max: 1.5 })).toThrow(RangeError);
    expect(() => new Cache({ maxBytes: -1 })).toThrow(RangeError);
    expect(() => new Cache({ ttl: 'x' })).toThrow(RangeError);
    expect(() => new Cache({ sizeOf: 1 })).toThrow(TypeError);
  });
});

describe(`Cache option patterns (${backend}, ${policy})`, () => {
  const fill = (c, n) => { for (let i = 0; i < n; i++) c.set(`k:${i % 97}:${i}`, i); return c; };

  test('default: a large cache never used with a pattern keeps no key index; the first pattern call builds it', () => {
    const c = fill(new Cache({ max: 30_000 }), 20_000);
    expect(internals(c).index).toBeNull();
    c.invalidate('k:1:1'); // a key, not a pattern
    expect(internals(c).index).toBeNull();
    const fives = Array.from({ length: 20_000 }, (_, i) => i).filter((i) => i % 97 === 5).length;
    expect(c.invalidatePrefix('k:5:')).toBe(fives);
    expect(internals(c).index).not.toBeNull();
    c.set('k:5:new', 1);
    expect(c.invalidatePrefix('k:5:')).toBe(1);
    expect(c.size).toBe(20_000 - 1 - fives);
  });

  test('patterns: true keeps the index from the start and answers as the lazy index does (fast-check)', () => {
    expect(internals(new Cache({ patterns: true })).index).not.toBeNull();
    fc.assert(fc.property(keySetArb, fc.array(fc.tuple(fc.constantFrom('set', 'delete', 'prefix', 'glob', 'regex'), keyArb, globArb, regexArb)), (keys, ops) => {
      const lazy = new Cache({ max: 40 });
      const eager = new Cache({ max: 40, patterns: true });
      for (const c of [lazy, eager]) for (const k of keys) c.set(k, k);
      for (const [op, key, glob, { re }] of ops) {
        const run = (c) => {
          try {
            if (op === 'set') return c.set(key, op).size;
            if (op === 'delete') return c.delete(key);
            if (op === 'prefix') return c.invalidatePrefix(key);
            if (op === 'glob') return c.invalidateGlob(glob);
            return c.invalidate(re);
          } catch (e) { return e.code; }
        };
        expect(run(eager)).toEqual(run(lazy));
      }
      expect([...eager.keys()]).toEqual([...lazy.keys()]);
    }), { numRuns: 100 });
  });

  test('patterns must be a boolean (nothing created)', () => {
    expect(() => new Cache({ patterns: 'yes' })).toThrow(/patterns must be a boolean, got/);
    expect(() => new Cache({ patterns: 1 })).toThrow(TypeError);
  });

  test('CacheManager and SmartInvalidation keep the index of their cache from the start', () => {
    expect(internals(new CacheManager().cache).index).not.toBeNull();
    expect(internals(new CacheManager({ patterns: false }).cache).index).toBeNull();
    const c = fill(new Cache({ max: 100 }), 10);
    expect(internals(c).index).toBeNull();
    new hotpath.SmartInvalidation({ cache: c }); // eslint-disable-line no-new
    expect(internals(c).index).not.toBeNull();
    expect(c.invalidatePrefix('k:3:')).toBe(1);
  });
});

describe(`CacheManager facade (${backend}, ${policy})`, () => {
  test('null on miss, ttlSeconds, invalidate by string and RegExp, stats', async () => {
    const t = clock();
    const cm = new CacheManager({ defaultTTL: 60, max: 100, now: t.now });
    expect(await cm.get('missing')).toBeNull();
    await cm.set('test-key', { value: 123 }, 1);
    expect(await cm.get('test-key')).toEqual({ value: 123 });
    t.t += 1000;
    expect(await cm.get('test-key')).toBeNull();
    await cm.set('balance:USD', { value: 100 });
    await cm.set('balance:RUB', { value: 200 });
    await cm.set('other:key', { value: 300 });
    t.t += 59_000;
    expect(await cm.get('other:key')).toEqual({ value: 300 });
    await cm.invalidate(/^balance:/);
    expect(await cm.get('balance:USD')).toBeNull();
    expect(await cm.get('balance:RUB')).toBeNull();
    expect(await cm.get('other:key')).not.toBeNull();
    await cm.invalidate('other:key');
    expect(await cm.get('other:key')).toBeNull();
    t.t += 1000;
    const fn = jest.fn(async () => 'v');
    expect(await cm.getOrCompute('g', fn, 5)).toBe('v');
    expect(await cm.getOrCompute('g', fn)).toBe('v');
    expect(fn).toHaveBeenCalledTimes(1);
    t.t += 5000;
    expect(await cm.get('g')).toBeNull();
    expect(cm.stats().hits).toBeGreaterThan(0);
    // The seed's `new RegExp('vagonsales:list:*')` keeps its JS meaning.
    await cm.set('vagonsales:list:1', 1);
    await cm.set('vagonsales:lis', 2);
    expect(await cm.invalidate(new RegExp('vagonsales:list:*'))).toBe(1);
  });

  test('defaultTTL defaults to 60 seconds (0 too, as the original)', async () => {
    const t = clock();
    const cm = new CacheManager({ defaultTTL: 0, now: t.now });
    expect(cm.defaultTTL).toBe(60);
    await cm.set('k', 1);
    t.t += 59_999;
    expect(await cm.get('k')).toBe(1);
    t.t += 1;
    expect(await cm.get('k')).toBeNull();
  });
});

describe('parity native = wasm', () => {
  const native = forBackend('native');
  const wasm = forBackend('wasm');
  const opArb = fc.oneof(
    fc.tuple(fc.constant('set'), keyArb, fc.nat(5)),
    fc.tuple(fc.constant('get'), keyArb),
    fc.tuple(fc.constant('delete'), keyArb),
    fc.tuple(fc.constant('regex'), regexArb),
    fc.tuple(fc.constant('glob'), globArb),
    fc.tuple(fc.constant('prefix'), fc.constantFrom('client:1', 'vagon:', 'a', '')),
    fc.tuple(fc.constant('tick'), fc.nat(50)),
  );

  function run(api, ops) {
    const t = clock();
    const c = new api.Cache({ max: 25, ttl: 40, now: t.now });
    const out = [];
    for (const [op, a, b] of ops) {
      try {
        if (op === 'set') out.push(c.set(a, b, { ttl: b * 20, tags: [`t${b}`] }).size);
        else if (op === 'get') out.push(c.get(a));
        else if (op === 'delete') out.push(c.delete(a));
        else if (op === 'regex') out.push(c.invalidate(a));
        else if (op === 'glob') out.push(c.invalidateGlob(a));
        else if (op === 'prefix') out.push(c.invalidatePrefix(a));
        else t.t += a;
      } catch (e) {
        out.push(e.code);
      }
    }
    out.push([...c.keys()], c.stats());
    return out;
  }

  test('random operation sequences give identical results (fast-check)', () => {
    fc.assert(fc.property(fc.array(opArb, { maxLength: 50 }), (ops) => {
      expect(run(wasm, ops)).toEqual(run(native, ops));
    }), { numRuns: 150 });
  });
});
