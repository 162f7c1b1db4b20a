'use strict';
/**
 * Issue 15 items 1–7 on Cache and CacheManager: abortable, time-bounded getOrCompute
 * (lru-cache's fetch; its issues #388 and #389 as cases), refresh-ahead, dispose/onInsert
 * hooks, peek/getRemainingTTL/info, dump/load, memo, mget/mset. Semantics shared with
 * lru-cache 11 are checked against it (fast-check differential); timeouts with Jest's fake
 * timers. (The plain-JS model in cache-model.test.js checks the hooks and inspection too.)
 */
const fc = require('fast-check');
const { LRUCache } = require('lru-cache');
const hotpath = require('../');
const { clock } = require('./helpers/clock');

const { Cache, CacheManager, HotpathError } = hotpath;
const backend = process.env.HOTPATH_BACKEND;

/** A promise with its resolve/reject, and whether `fn`'s signal aborted. */
function deferred() {
  const d = {};
  d.promise = new Promise((resolve, reject) => { d.resolve = resolve; d.reject = reject; });
  return d;
}

const flush = () => new Promise((r) => setImmediate(r));

describe(`getOrCompute: signal, timeout, staleOnError (${backend})`, () => {
  beforeEach(() => { jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] }); });
  afterEach(() => { jest.useRealTimers(); });

  test('fn gets (key, { signal, stale }); stale is the expired value it replaces', async () => {
    const t = clock();
    const c = new Cache({ ttl: 100, now: t.now });
    const seen = [];
    const fn = (key, { signal, stale }) => { seen.push([key, signal instanceof AbortSignal, stale]); return 'v2'; };
    await c.getOrCompute('k', fn);
    c.set('k', 'v1');
    t.t += 100;
    expect(await c.getOrCompute('k', fn)).toBe('v2');
    expect(seen).toEqual([['k', true, undefined], ['k', true, 'v1']]);
  });

  test('timeout: the call rejects with a TimeoutError, fn\'s signal aborts, a late result is still stored (lru-cache #388)', async () => {
    const c = new Cache();
    const d = deferred();
    let signal;
    const p = c.getOrCompute('k', (key, ctx) => { signal = ctx.signal; return d.promise; }, { timeout: 50 });
    const failed = expect(p).rejects.toMatchObject({ name: 'TimeoutError' });
    await jest.advanceTimersByTimeAsync(49);
    expect(signal.aborted).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    await failed;
    expect(signal.aborted).toBe(true);
    expect(signal.reason.name).toBe('TimeoutError');
    expect(c.peek('k')).toBeUndefined();
    d.resolve('late'); // fn ignored the signal
    await flush();
    expect(c.get('k')).toBe('late');
  });

  test('timeout with staleOnError serves the stale value; without a stale value it rejects', async () => {
    const t = clock();
    const c = new Cache({ ttl: 100, now: t.now });
    c.set('k', 'old');
    t.t += 200;
    const never = () => new Promise(() => {});
    const p = c.getOrCompute('k', never, { timeout: 10, staleOnError: true });
    await jest.advanceTimersByTimeAsync(10);
    expect(await p).toBe('old');
    const q = c.getOrCompute('other', never, { timeout: 10, staleOnError: true });
    const failed = expect(q).rejects.toMatchObject({ name: 'TimeoutError' });
    await jest.advanceTimersByTimeAsync(10);
    await failed;
  });

  test('rejection: staleOnError serves the stale value and stores nothing; without it every waiter rejects', async () => {
    const t = clock();
    const c = new Cache({ ttl: 100, now: t.now });
    c.set('k', 'old');
    t.t += 200;
    const boom = async () => { throw new Error('db down'); };
    expect(await c.getOrCompute('k', boom, { staleOnError: true })).toBe('old');
    expect(c.peek('k')).toBeUndefined();
    c.set('j', 'old');
    t.t += 200;
    const waiters = [c.getOrCompute('j', boom), c.getOrCompute('j', boom, { staleOnError: true })];
    await expect(waiters[0]).rejects.toThrow('db down');
    expect(await waiters[1]).toBe('old'); // the joiner serves the flight's stale value
    expect(c.has('j')).toBe(false);
  });

  test('the caller\'s signal: abort rejects with its reason (or serves stale); an aborted signal does not call fn', async () => {
    const t = clock();
    const c = new Cache({ ttl: 100, now: t.now });
    const ac = new AbortController();
    const d = deferred();
    const p = c.getOrCompute('k', () => d.promise, { signal: ac.signal });
    ac.abort(new Error('client went away'));
    await expect(p).rejects.toThrow('client went away');
    let calls = 0;
    await expect(c.getOrCompute('x', () => { calls++; return 1; }, { signal: ac.signal })).rejects.toThrow('client went away');
    c.set('s', 'stale');
    t.t += 200;
    expect(await c.getOrCompute('s', () => { calls++; return 1; }, { signal: ac.signal, staleOnError: true })).toBe('stale');
    expect(calls).toBe(0);
  });

  test('single flight: one waiter leaving does not abort fn for the others; the last one leaving does', async () => {
    const c = new Cache();
    const d = deferred();
    let signal;
    let calls = 0;
    const fn = (key, ctx) => { calls++; signal = ctx.signal; return d.promise; };
    const a = new AbortController();
    const b = new AbortController();
    const pa = c.getOrCompute('k', fn, { signal: a.signal });
    const pb = c.getOrCompute('k', fn, { signal: b.signal });
    const pc = c.getOrCompute('k', fn); // waits without bound
    a.abort();
    await expect(pa).rejects.toMatchObject({ name: 'AbortError' });
    b.abort();
    await expect(pb).rejects.toMatchObject({ name: 'AbortError' });
    expect(signal.aborted).toBe(false);
    d.resolve('v');
    expect(await pc).toBe('v');
    expect(calls).toBe(1);
    // Two bounded waiters, both leave: fn's signal aborts.
    const d2 = deferred();
    const x = new AbortController();
    const y = new AbortController();
    const px = c.getOrCompute('k2', (key, ctx) => { signal = ctx.signal; return d2.promise; }, { signal: x.signal });
    const py = c.getOrCompute('k2', fn, { signal: y.signal });
    x.abort();
    expect(signal.aborted).toBe(false);
    y.abort();
    expect(signal.aborted).toBe(true);
    await expect(px).rejects.toBeDefined();
    await expect(py).rejects.toBeDefined();
  });

  test('concurrent aborted fetches all keep their late results (lru-cache #389)', async () => {
    const c = new Cache({ ttl: 10_000 });
    const ac = new AbortController();
    const fn = (key) => new Promise((r) => setTimeout(() => r(Number(key)), 100 * Number(key)));
    const p2 = c.getOrCompute('2', fn, { signal: ac.signal, staleOnError: true });
    const p1 = c.getOrCompute('1', fn, { signal: ac.signal, staleOnError: true });
    await jest.advanceTimersByTimeAsync(50);
    ac.abort(new Error('gimme the stale value'));
    await expect(p1).rejects.toThrow('gimme'); // no stale value: the reason
    await expect(p2).rejects.toThrow('gimme');
    expect([c.peek('1'), c.peek('2')]).toEqual([undefined, undefined]);
    await jest.advanceTimersByTimeAsync(100);
    expect([c.peek('1'), c.peek('2')]).toEqual([1, undefined]);
    await jest.advanceTimersByTimeAsync(100);
    expect([c.peek('1'), c.peek('2')]).toEqual([1, 2]);
  });

  test('a late result is not stored after set, delete, invalidate or a newer compute', async () => {
    const c = new Cache();
    const changes = [(k) => c.set(k, 'set'), (k) => c.delete(k), (k) => c.invalidate(k), (k) => c.invalidatePrefix(k), (k) => c.invalidateTag('t'), () => c.clear()];
    for (const [i, change] of changes.entries()) {
      const key = `k${i}`;
      const d = deferred();
      const ac = new AbortController();
      const p = c.getOrCompute(key, () => d.promise, { signal: ac.signal, tags: ['t'] });
      ac.abort();
      await expect(p).rejects.toMatchObject({ name: 'AbortError' });
      change(key);
      const after = c.peek(key);
      d.resolve('late');
      await flush();
      expect(c.peek(key)).toBe(after);
      expect(after).toBe(i === 0 ? 'set' : undefined);
    }
    // The caller gave up; the next caller starts a new compute, whose value wins.
    const old = deferred();
    const ac = new AbortController();
    const p = c.getOrCompute('n', () => old.promise, { signal: ac.signal });
    ac.abort();
    await expect(p).rejects.toBeDefined();
    expect(await c.getOrCompute('n', () => 'new')).toBe('new');
    old.resolve('old');
    await flush();
    expect(c.get('n')).toBe('new');
  });

  test('bad options: TypeError / RangeError naming the option, nothing called', () => {
    const c = new Cache();
    const fn = jest.fn();
    expect(() => c.getOrCompute('k', fn, { signal: {} })).toThrow(/options\.signal must be an AbortSignal/);
    expect(() => c.getOrCompute('k', fn, { timeout: -1 })).toThrow(RangeError);
    expect(() => c.getOrCompute('k', fn, { staleOnError: 'yes' })).toThrow(/options\.staleOnError/);
    expect(() => c.getOrCompute('k', fn, { refreshThreshold: NaN })).toThrow(RangeError);
    expect(fn).not.toHaveBeenCalled();
  });

  test('as lru-cache fetch with ignoreFetchAbort + allowStaleOnFetchAbort: same answers and same later cache', async () => {
    // The scenario of lru-cache #388 (fixed there): a new key, the caller aborts, fn ignores it.
    const fetchMethod = (k) => new Promise((r) => setTimeout(() => r(k), 100));
    const lru = new LRUCache({ ttl: 10_000, max: 10, ignoreFetchAbort: true, allowStaleOnFetchAbort: true, fetchMethod });
    const c = new Cache({ ttl: 10_000 });
    const ac = new AbortController();
    const pl = lru.fetch('a', { signal: ac.signal });
    const ph = c.getOrCompute('a', fetchMethod, { signal: ac.signal, staleOnError: true }).catch(() => undefined);
    await jest.advanceTimersByTimeAsync(10);
    ac.abort(new Error('stop'));
    expect(await ph).toBe(await pl); // undefined: no stale value
    await jest.advanceTimersByTimeAsync(200);
    expect(c.get('a')).toBe(lru.get('a'));
    expect(c.get('a')).toBe('a');
  });
});

describe(`refresh-ahead (${backend})`, () => {
  test('a hit within refreshThreshold returns the value and refreshes once in the background', async () => {
    const t = clock();
    const c = new Cache({ ttl: 1000, refreshThreshold: 200, now: t.now });
    let calls = 0;
    const d = deferred();
    const fn = () => { calls++; return calls === 1 ? 'v1' : d.promise; };
    expect(await c.getOrCompute('k', fn)).toBe('v1');
    t.t += 799; // 201 ms left: outside the threshold
    expect(await c.getOrCompute('k', fn)).toBe('v1');
    expect(calls).toBe(1);
    t.t += 1; // 200 left
    const hits = await Promise.all([1, 2, 3].map(() => c.getOrCompute('k', fn)));
    expect(hits).toEqual(['v1', 'v1', 'v1']);
    expect(calls).toBe(2);
    d.resolve('v2');
    await flush();
    expect(c.get('k')).toBe('v2');
    expect(c.getRemainingTTL('k')).toBe(1000);
    t.t += 1000; // no refresh came: it expired, a miss computes
    expect(c.get('k')).toBeUndefined();
  });

  test('the per-call threshold overrides the cache\'s; a failed refresh keeps the value', async () => {
    const t = clock();
    const c = new Cache({ ttl: 1000, now: t.now });
    c.set('k', 'v1');
    t.t += 900;
    let calls = 0;
    expect(await c.getOrCompute('k', () => { calls++; return 'x'; })).toBe('v1');
    expect(calls).toBe(0);
    expect(await c.getOrCompute('k', async () => { calls++; throw new Error('no'); }, { refreshThreshold: 100 })).toBe('v1');
    await flush();
    expect(calls).toBe(1);
    expect(c.get('k')).toBe('v1');
  });

  test('CacheManager: refreshThreshold in seconds, on the manager and per call (cache-manager\'s wrap)', async () => {
    const t = clock();
    const m = new CacheManager({ defaultTTL: 10, refreshThreshold: 2, now: t.now });
    let n = 0;
    const fn = async () => ++n;
    expect(await m.getOrCompute('k', fn)).toBe(1);
    t.t += 7_000;
    expect(await m.getOrCompute('k', fn)).toBe(1);
    expect(n).toBe(1);
    t.t += 1_000; // 2 s left
    expect(await m.getOrCompute('k', fn)).toBe(1);
    await flush();
    expect(await m.get('k')).toBe(2);
    t.t += 5_000;
    expect(await m.getOrCompute('k', fn, 10, 6)).toBe(2); // 5 s left < 6
    await flush();
    expect(await m.get('k')).toBe(3);
  });
});

describe(`hooks (${backend})`, () => {
  test('dispose reasons: evict, expire, delete, set, invalidate (key and pattern), clear; onInsert add/update/replace', () => {
    const t = clock();
    const log = [];
    const c = new Cache({
      max: 2,
      maxBytes: 100,
      sizeOf: (v) => (typeof v === 'string' ? v.length : 1),
      now: t.now,
      dispose: (v, k, why) => log.push(`${why}:${k}=${v}`),
      onInsert: (v, k, why) => log.push(`${why}:${k}=${v}`),
    });
    c.set('a', 1).set('a', 1).set('a', 2).set('b', 3).set('c', 4);
    c.set('x', 5, { ttl: 10 });
    t.t += 10;
    c.get('x');
    c.set('d', 6).delete('d');
    c.set('p:1', 7).set('p:2', 8);
    c.invalidate('p:1');
    c.invalidatePrefix('p:');
    c.set('big', 'y'.repeat(101)); // larger than maxBytes: not stored
    c.set('big', 9).set('big', 'y'.repeat(101));
    c.set('e', 10).clear();
    expect(log).toEqual([
      'add:a=1', 'update:a=1', 'set:a=1', 'replace:a=2', 'add:b=3', 'evict:a=2', 'add:c=4',
      'evict:b=3', 'add:x=5', 'expire:x=5',
      'add:d=6', 'delete:d=6',
      'add:p:1=7', 'evict:c=4', 'add:p:2=8',
      'invalidate:p:1=7', 'invalidate:p:2=8',
      'add:big=9', 'set:big=9',
      'add:e=10', 'clear:e=10',
    ]);
  });

  test('a hook that throws is counted in stats().hookErrors and never breaks the cache', () => {
    const c = new Cache({ max: 2, dispose: () => { throw new Error('x'); }, onInsert: () => { throw new Error('y'); } });
    c.set('a', 1).set('b', 2).set('c', 3);
    expect(c.delete('b')).toBe(true);
    expect([...c.keys()]).toEqual(['c']);
    expect(c.get('c')).toBe(3);
    expect(c.stats().hookErrors).toBe(5); // 3 inserts, 1 eviction, 1 delete
    expect(() => new Cache({ dispose: 1 })).toThrow(TypeError);
  });
});

describe(`inspection (${backend})`, () => {
  test('peek: no recency change, no stats; getRemainingTTL: 0 missing, Infinity without TTL; info', () => {
    const t = clock();
    const c = new Cache({ max: 2, now: t.now });
    c.set('a', 1, { ttl: 100, tags: ['t'] }).set('b', 2);
    expect(c.peek('a')).toBe(1);
    expect(c.stats()).toMatchObject({ hits: 0, misses: 0 });
    c.set('c', 3); // 'a' is still least recently used
    expect(c.peek('a')).toBeUndefined();
    c.set('a', 1, { ttl: 100, tags: ['t'] });
    t.t += 40;
    expect(c.getRemainingTTL('a')).toBe(60);
    expect(c.getRemainingTTL('c')).toBe(Infinity);
    expect(c.getRemainingTTL('zzz')).toBe(0);
    expect(c.info('a')).toEqual({ value: 1, ttl: 60, start: t.t, tags: ['t'] });
    expect(c.info('c')).toEqual({ value: 3 });
    t.t += 60;
    expect([c.peek('a'), c.getRemainingTTL('a'), c.info('a')]).toEqual([undefined, 0, undefined]);
    expect(() => c.peek(1)).toThrow(HotpathError);
  });

  test('peek, has, get, getRemainingTTL, size, dispose and onInsert agree with lru-cache 11 (fast-check)', () => {
    const op = fc.oneof(
      fc.tuple(fc.constant('set'), fc.constantFrom('a', 'b', 'c', 'd', 'e'), fc.nat(3), fc.constantFrom(undefined, 0, 11, 31)),
      fc.tuple(fc.constantFrom('get', 'peek', 'has', 'delete', 'ttl', 'info'), fc.constantFrom('a', 'b', 'c', 'd', 'e')),
      fc.tuple(fc.constant('tick'), fc.constantFrom(2, 6, 20)),
    );
    fc.assert(fc.property(fc.integer({ min: 1, max: 4 }), fc.constantFrom(0, 21), fc.array(op, { maxLength: 50 }), (max, ttl, ops) => {
      // Odd TTLs, even ticks: no read lands exactly on an expiry (lru-cache: age > ttl; hotpath: age >= ttl).
      let now = 1_000; // lru-cache's info shows no ttl for an entry set at time 0
      const logH = [];
      const logL = [];
      const hooks = (log) => ({ dispose: (v, k, r) => log.push(['d', k, v, r]), onInsert: (v, k, r) => log.push(['i', k, v, r]) });
      const h = new Cache({ max, ttl, now: () => now, ...hooks(logH) });
      const l = new LRUCache({ max, ttl, ttlResolution: 0, perf: { now: () => now }, ...hooks(logL) });
      for (const [name, key, value, opTtl] of ops) {
        let a;
        let b;
        switch (name) {
          case 'set': {
            const o = opTtl === undefined ? undefined : { ttl: opTtl };
            h.set(key, value, o); l.set(key, value, o);
            break;
          }
          case 'tick': now += key; break;
          case 'ttl': a = h.getRemainingTTL(key); b = Math.max(0, l.getRemainingTTL(key)); break;
          case 'info': { // lru-cache's info also shows stale entries, and its start is Date.now()
            const { start, ...rest } = h.info(key) || {};
            a = start === undefined ? rest : { ...rest, start: 'now' };
            const { start: s, ...restL } = (l.has(key) && l.info(key)) || {};
            b = s === undefined ? restL : { ...restL, start: 'now' };
            break;
          }
          default: a = h[name](key); b = l[name](key);
        }
        expect([name, key, a]).toEqual([name, key, b]);
        expect(h.size).toBe(l.size);
        expect(logH).toEqual(logL);
      }
    }), { numRuns: 300 });
  });
});

describe(`dump / load (${backend})`, () => {
  test('a JSON round trip restores values, remaining TTLs, tags and recency', () => {
    const t = clock();
    const a = new Cache({ now: t.now });
    a.set('x', { n: 1 }, { ttl: 1000, tags: ['t1', 't2'] }).set('y', 'é\u2028😀', { ttl: 50 }).set('z', [1, null]).set('gone', 1, { ttl: 10 });
    a.get('x');
    t.t += 20;
    const snap = JSON.parse(JSON.stringify(a.dump()));
    expect(snap).toEqual([
      ['y', { value: 'é\u2028😀', ttl: 30 }],
      ['z', { value: [1, null], ttl: 0 }],
      ['x', { value: { n: 1 }, ttl: 980, tags: ['t1', 't2'] }],
    ]);
    t.t += 1000; // on ice for a while: the TTLs are relative
    const b = new Cache({ ttl: 5, now: t.now }).load(snap);
    expect([...b.keys()]).toEqual(['x', 'z', 'y']);
    expect(b.getRemainingTTL('x')).toBe(980);
    expect(b.getRemainingTTL('z')).toBe(Infinity); // ttl 0 is "none", not the cache's default
    expect(b.invalidateTag('t2')).toBe(1);
    t.t += 30;
    expect(b.get('y')).toBeUndefined();
  });

  test('bad snapshots throw ERR_INVALID_KEY naming the entry and load nothing', () => {
    const c = new Cache();
    for (const [bad, where] of [[{}, 'entries'], [[['a']], 'entries\\[0\\]'], [[['a', { value: 1 }], [1, { value: 2 }]], 'entries\\[1\\]\\[0\\]'],
      [[['a', { value: 1, ttl: -1 }]], 'ttl'], [[['a', { value: 1, tags: [1] }]], 'tags'], [[['a', {}]], 'entries\\[0\\]\\[1\\]']]) {
      let err;
      try { c.load(bad); } catch (e) { err = e; }
      expect(err).toBeInstanceOf(HotpathError);
      expect(err.code).toBe('ERR_INVALID_KEY');
      expect(err.message).toMatch(new RegExp(where));
    }
    expect(c.size).toBe(0);
  });

  test('load onto a full cache evicts as set does, keeping the snapshot\'s most recent', () => {
    const src = new Cache();
    for (let i = 0; i < 10; i++) src.set(`k${i}`, i);
    const dst = new Cache({ max: 3 }).load(src.dump());
    expect([...dst.keys()]).toEqual(['k9', 'k8', 'k7']);
  });
});

describe(`memo (${backend})`, () => {
  test('single-flight per arguments, ttl, tags by function, keyOf, own namespace', async () => {
    const t = clock();
    const c = new Cache({ now: t.now });
    let calls = 0;
    const user = c.memo(async (id, full) => { calls++; return { id, full }; }, { ttl: 100, tags: (id) => [`user:${id}`] });
    const [a, b] = await Promise.all([user(1, true), user(1, true)]);
    expect(a).toBe(b);
    expect(calls).toBe(1);
    await user(1, false);
    expect(calls).toBe(2);
    expect(c.info(user.keyOf(1, true))).toMatchObject({ ttl: 100, tags: ['user:1'] });
    expect(c.invalidateTag('user:1')).toBe(2);
    await user(1, true);
    expect(calls).toBe(3);
    const other = c.memo(async (id) => `other ${id}`);
    expect(other.keyOf(1)).not.toBe(user.keyOf(1));
    expect(await other(1)).toBe('other 1');
    t.t += 100;
    await user(1, true);
    expect(calls).toBe(4);
  });

  test('custom key; arguments without JSON reject ERR_INVALID_KEY; errors are not cached', async () => {
    const c = new Cache();
    let n = 0;
    const f = c.memo(async (x) => { n++; if (x === 'bad') throw new Error('no'); return x; }, { key: (x) => `f:${x}` });
    expect(await f('a')).toBe('a');
    expect(c.peek('f:a')).toBe('a');
    await expect(f('bad')).rejects.toThrow('no');
    await expect(f('bad')).rejects.toThrow('no');
    expect(n).toBe(3);
    const g = c.memo(async (x) => x);
    await expect(g(1n)).rejects.toMatchObject({ code: 'ERR_INVALID_KEY' });
    expect(() => c.memo(1)).toThrow(TypeError);
    expect(() => c.memo(async () => 1, { ttl: -1 })).toThrow(RangeError);
    expect(() => c.memo(async () => 1, { tags: 'x' })).toThrow(TypeError);
  });
});

describe(`mget / mset (${backend})`, () => {
  test('Cache: mget as get each (stats, recency), mset with per-entry ttl and tags; bad input stores nothing', () => {
    const t = clock();
    const c = new Cache({ max: 3, ttl: 100, now: t.now });
    c.mset([{ key: 'a', value: 1 }, { key: 'b', value: 2, ttl: 0, tags: ['t'] }, { key: 'c', value: undefined }]);
    expect(c.mget(['a', 'b', 'zz', 'c'])).toEqual([1, 2, undefined, undefined]);
    expect(c.stats()).toMatchObject({ hits: 3, misses: 1, sets: 3 });
    expect(c.getRemainingTTL('a')).toBe(100);
    expect(c.getRemainingTTL('b')).toBe(Infinity);
    expect(c.invalidateTag('t')).toBe(1);
    for (const bad of [{}, [{ key: 1, value: 1 }], [{ key: 'x', value: 1 }, { key: 'y', value: 1, ttl: -1 }], [null]]) {
      expect(() => c.mset(bad)).toThrow();
    }
    expect(c.has('x')).toBe(false);
    expect(() => c.mget('a')).toThrow(HotpathError);
    expect(() => c.mget(['a', 1])).toThrow(HotpathError);
  });

  test('CacheManager: cache-manager\'s mget(keys) and mset(list) (null on a miss, ttl in seconds)', async () => {
    const t = clock();
    const m = new CacheManager({ defaultTTL: 10, now: t.now });
    const list = [{ key: 'a', value: 1 }, { key: 'b', value: { x: 2 }, ttl: 100 }];
    expect(await m.mset(list)).toBe(list);
    expect(await m.mget(['a', 'b', 'c'])).toEqual([1, { x: 2 }, null]);
    expect(m.cache.getRemainingTTL('a')).toBe(10_000);
    expect(m.cache.getRemainingTTL('b')).toBe(100_000);
    await expect(m.mset([{ key: 'z', value: 1 }, { key: 'y', value: 1, ttl: -5 }])).rejects.toThrow(/seconds/);
    expect(await m.mget(['z'])).toEqual([null]);
  });
});
