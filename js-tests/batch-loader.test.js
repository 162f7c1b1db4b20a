'use strict';
// The batching Loader (lib/batch-loader.js) against the `dataloader` package itself: random
// sequences of load / loadMany / prime / clear / clearAll within and across ticks give the
// same results, the same batches and the same settle order; then each intended difference
// (the complaints in DataLoader's issues #13, #194, #258, #65, #280) is shown explicitly.
const fc = require('fast-check');
const DataLoader = require('dataloader');
const bson = require('bson');
const mongoose = require('mongoose');
const { Loader, Cache, HotpathError } = require('../');

const tick = () => new Promise((resolve) => setImmediate(resolve));
const settle = async (n = 6) => { for (let i = 0; i < n; i++) await tick(); };

/**
 * A batch function over a fake store. The value of key k in call n is `k@n` (so a refetch
 * shows); keys starting with 'bad' get an Error of their own; a batch holding 'fail' rejects
 * as a whole. `async`: values arrive a macrotask later (loads of the next tick see the
 * batch in flight).
 */
function source({ async = false } = {}) {
  const calls = [];
  function batchFn(keys) {
    calls.push([...keys]);
    const n = calls.length;
    const out = () => {
      if (keys.includes('fail')) throw new Error(`batch ${n} failed`);
      return keys.map((k) => (String(k).startsWith('bad') ? new Error(`no ${k} (batch ${n})`) : `${k}@${n}`));
    };
    return async ? new Promise((resolve, reject) => setImmediate(() => { try { resolve(out()); } catch (e) { reject(e); } })) : new Promise((resolve) => resolve(out()));
  }
  return { batchFn, calls };
}

/** DataLoader with hotpath's one intended semantic difference emulated: an Error result is not kept. */
function dataLoaderWithoutErrorCache(batchFn, options) {
  const map = new Map();
  const dl = new DataLoader(batchFn, { ...options, cacheMap: map });
  const load = (k) => {
    const p = dl.load(k);
    p.catch(() => { if (map.get(k) === p) dl.clear(k); });
    return p;
  };
  return {
    load,
    loadMany: (ks) => Promise.all(ks.map((k) => load(k).catch((e) => e))),
    prime: (k, v) => dl.prime(k, v),
    clear: (k) => dl.clear(k),
    clearAll: () => dl.clearAll(),
  };
}

/** Runs tick after tick of operations; records every outcome and the order they settled in. */
async function run(loader, ticks) {
  const outcomes = [];
  const order = [];
  const record = (p) => {
    const id = outcomes.length;
    outcomes.push('pending');
    p.then((v) => { outcomes[id] = { value: v }; order.push(id); }, (e) => { outcomes[id] = { error: e.message }; order.push(id); });
  };
  for (const ops of ticks) {
    for (const op of ops) {
      if (op.op === 'load') record(loader.load(op.k));
      else if (op.op === 'loadMany') record(loader.loadMany(op.ks).then((rs) => rs.map((r) => (r instanceof Error ? `Error: ${r.message}` : r))));
      else if (op.op === 'prime') loader.prime(op.k, op.err ? new Error(`primed error ${op.k}`) : `primed ${op.k}`);
      else if (op.op === 'clear') loader.clear(op.k);
      else loader.clearAll();
    }
    await tick();
  }
  await settle();
  return { outcomes, order };
}

const dedupe = (batches) => batches.map((b) => [...new Set(b)]);

const keyArb = (withErrors) => (withErrors
  ? fc.oneof({ weight: 8, arbitrary: fc.constantFrom('a', 'b', 'c', 'd', 'e') }, { weight: 2, arbitrary: fc.constantFrom('bad1', 'bad2') }, { weight: 1, arbitrary: fc.constant('fail') })
  : fc.constantFrom('a', 'b', 'c', 'd', 'e'));
const ticksArb = (withErrors) => {
  const k = keyArb(withErrors);
  const op = fc.oneof(
    { weight: 6, arbitrary: fc.record({ op: fc.constant('load'), k }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('loadMany'), ks: fc.array(k, { maxLength: 4 }) }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('prime'), k, err: withErrors ? fc.boolean() : fc.constant(false) }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('clear'), k }) },
    { weight: 1, arbitrary: fc.constant({ op: 'clearAll' }) },
  );
  return fc.array(fc.array(op, { maxLength: 7 }), { minLength: 1, maxLength: 5 });
};
const optionsArb = fc.record({
  maxBatchSize: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
  cache: fc.boolean(),
  async: fc.boolean(),
});

/**
 * DataLoader sends a key twice when it is loaded again after clear() in the same tick (and
 * with cache: false); hotpath sends it once. Batches then compare after de-duplication, but
 * with a finite maxBatchSize the duplicate also shifts where DataLoader splits batches: those
 * runs keep the memo on and move clears to the end of their tick.
 */
function comparable(ticks, opts) {
  if (opts.maxBatchSize === undefined) return { ticks, opts };
  const moved = ticks.map((ops) => [...ops.filter((o) => o.op !== 'clear' && o.op !== 'clearAll'), ...ops.filter((o) => o.op === 'clear' || o.op === 'clearAll')]);
  return { ticks: moved, opts: { ...opts, cache: true } };
}

async function compare(ticks, rawOpts, reference) {
  const { ticks: t, opts } = comparable(ticks, rawOpts);
  const options = { cache: opts.cache, ...(opts.maxBatchSize ? { maxBatchSize: opts.maxBatchSize } : {}) };
  const ours = source(opts);
  const theirs = source(opts);
  const a = await run(new Loader(ours.batchFn, options), t);
  const b = await run(reference(theirs.batchFn, options), t);
  expect(a.outcomes).toEqual(b.outcomes);
  expect(a.order).toEqual(b.order);
  expect(ours.calls).toEqual(dedupe(theirs.calls));
}

describe('DataLoader compatibility (the dataloader package as the reference)', () => {
  test('random load/loadMany/prime/clear/clearAll sequences: same results, batches and settle order', async () => {
    await fc.assert(fc.asyncProperty(ticksArb(false), optionsArb, (ticks, opts) => compare(ticks, opts, (fn, o) => new DataLoader(fn, o))), { numRuns: Number(process.env.LOADER_RUNS || 150) });
  });

  test('with per-key Errors and failing batches: the same as DataLoader that drops an Error once it is delivered', async () => {
    await fc.assert(fc.asyncProperty(ticksArb(true), optionsArb, (ticks, opts) => compare(ticks, opts, dataLoaderWithoutErrorCache)), { numRuns: Number(process.env.LOADER_RUNS || 150) });
  });

  test('a known sequence: one batch per tick, duplicates sent once, cached keys not sent again', async () => {
    const { batchFn, calls } = source();
    const loader = new Loader(batchFn);
    expect(await Promise.all([loader.load('a'), loader.load('b'), loader.load('a')])).toEqual(['a@1', 'b@1', 'a@1']);
    expect(await loader.loadMany(['a', 'c'])).toEqual(['a@1', 'c@2']);
    expect(calls).toEqual([['a', 'b'], ['c']]);
  });

  test('maxBatchSize, batch: false, batchScheduleFn and `this` behave as in DataLoader', async () => {
    for (const options of [{ maxBatchSize: 2 }, { batch: false }, { batchScheduleFn: (cb) => setTimeout(cb, 5) }]) {
      const ours = source();
      const theirs = source();
      const l = new Loader(ours.batchFn, options);
      const d = new DataLoader(theirs.batchFn, options);
      const keys = ['a', 'b', 'c', 'd', 'e'];
      expect(await Promise.all(keys.map((k) => l.load(k)))).toEqual(await Promise.all(keys.map((k) => d.load(k))));
      expect(ours.calls).toEqual(theirs.calls);
    }
    let self;
    const l = new Loader(function batch(keys) { self = this; return Promise.resolve(keys); }, { name: 'users' });
    await l.load('x');
    expect(self).toBe(l);
    expect(l.name).toBe('users');
  });
});

describe('where hotpath differs from DataLoader on purpose', () => {
  test('#258: an Error for one key is not cached; DataLoader keeps serving it', async () => {
    let fail = true;
    const fn = async (keys) => keys.map((k) => (fail ? new Error(`down: ${k}`) : `${k}!`));
    const l = new Loader(fn);
    const d = new DataLoader(fn);
    await expect(l.load('k')).rejects.toThrow('down: k');
    await expect(d.load('k')).rejects.toThrow('down: k');
    fail = false;
    expect(await l.load('k')).toBe('k!');
    await expect(d.load('k')).rejects.toThrow('down: k'); // DataLoader: cached until clear()
    // A rejected batch caches nothing in either.
    const l2 = new Loader(async () => { if (fail) throw new Error('batch down'); return ['v']; });
    fail = true;
    await expect(l2.load('x')).rejects.toThrow('batch down');
    fail = false;
    expect(await l2.load('x')).toBe('v');
  });

  test('#194: the memo is bounded (max, least recently used first); DataLoader grows without limit', async () => {
    const { batchFn, calls } = source();
    const l = new Loader(batchFn, { max: 2 });
    for (const k of ['a', 'b', 'c']) await l.load(k);
    expect(l.cacheMap).toBeInstanceOf(Cache);
    expect(l.cacheMap.size).toBe(2);
    expect(await l.load('c')).toBe('c@3'); // still cached
    expect(await l.load('a')).toBe('a@4'); // evicted, fetched again
    expect(calls).toEqual([['a'], ['b'], ['c'], ['a']]);
    const d = new DataLoader(source().batchFn);
    const map = new Map();
    const big = new DataLoader(async (ks) => ks, { cacheMap: map });
    await Promise.all(Array.from({ length: 20_000 }, (_, i) => big.load(i)));
    expect(map.size).toBe(20_000);
    const bounded = new Loader(async (ks) => ks);
    await Promise.all(Array.from({ length: 20_000 }, (_, i) => bounded.load(i)));
    expect(bounded.cacheMap.size).toBe(10_000); // the default max
    expect(d).toBeDefined();
  });

  test('#13: entries expire after ttl (from the load)', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    try {
      const { batchFn, calls } = source();
      const l = new Loader(batchFn, { ttl: 1000 });
      expect(await l.load('a')).toBe('a@1');
      jest.setSystemTime(Date.now() + 999);
      expect(await l.load('a')).toBe('a@1');
      jest.setSystemTime(Date.now() + 2);
      expect(await l.load('a')).toBe('a@2');
      expect(calls).toEqual([['a'], ['a']]);
      // On a given Cache, ttl is per entry.
      const now = { t: 0 };
      const shared = new Cache({ now: () => now.t });
      const l2 = new Loader(source().batchFn, { cacheMap: shared, ttl: 50, prefix: 'u:' });
      await l2.load('x');
      now.t = 49;
      expect(shared.has('u:x')).toBe(true);
      now.t = 50;
      expect(shared.has('u:x')).toBe(false);
    } finally {
      jest.useRealTimers();
    }
  });

  test('#65: ObjectIds of any bson copy, and their hex strings, are one key without cacheKeyFn', async () => {
    const { batchFn, calls } = source();
    const l = new Loader(batchFn);
    const hex = new bson.ObjectId().toHexString();
    const a = new bson.ObjectId(hex);
    const b = new mongoose.Types.ObjectId(hex); // mongoose's bson copy
    const [x, y, z] = await Promise.all([l.load(a), l.load(b), l.load(hex)]);
    expect(x).toBe(y);
    expect(y).toBe(z);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toHaveLength(1);
    expect(calls[0][0]).toBe(a); // batchFn gets the first form it was asked for
    l.clear(hex); // clear(id.toString()) clears load(id): the complaint in DataLoader #65
    await l.load(b);
    expect(calls).toHaveLength(2);
    // DataLoader: three keys, and clear(hex) leaves load(a) cached.
    const d = source();
    const dl = new DataLoader(d.batchFn);
    await Promise.all([dl.load(a), dl.load(b), dl.load(hex)]);
    expect(d.calls[0]).toHaveLength(3);
    // Objects compare by content (sorted keys), numbers by their string form.
    const o = source();
    const lo = new Loader(o.batchFn);
    await Promise.all([lo.load({ a: 1, b: [2] }), lo.load({ b: [2], a: 1 }), lo.load(7), lo.load('7')]);
    expect(o.calls[0]).toHaveLength(2);
  });

  test('#280: duplicate keys are sent once even with cache: false (DataLoader sends them twice)', async () => {
    const ours = source();
    const theirs = source();
    const l = new Loader(ours.batchFn, { cache: false });
    const d = new DataLoader(theirs.batchFn, { cache: false });
    expect(await Promise.all(['a', 'a', 'b'].map((k) => l.load(k)))).toEqual(['a@1', 'a@1', 'b@1']);
    await Promise.all(['a', 'a', 'b'].map((k) => d.load(k)));
    expect(ours.calls).toEqual([['a', 'b']]);
    expect(theirs.calls).toEqual([['a', 'a', 'b']]);
    expect(await l.load('a')).toBe('a@2'); // no memo
    expect(l.cacheMap).toBeNull();
  });

  test('pattern and tag invalidation reach the memo (a shared Cache with a prefix, tags per key)', async () => {
    const cache = new Cache({ max: 1000 });
    cache.set('other', 1);
    const { batchFn, calls } = source();
    const users = new Loader(batchFn, { cacheMap: cache, prefix: 'user:', tags: (id) => [`user:${id}`, id.startsWith('a') ? 'group:a' : 'group:b'] });
    await users.loadMany(['a1', 'a2', 'b1', 'b2']);
    expect(cache.invalidateTag('group:a')).toBe(2);
    expect(cache.invalidateGlob('user:b?')).toBe(2);
    await users.loadMany(['a1', 'b1']);
    expect(calls).toEqual([['a1', 'a2', 'b1', 'b2'], ['a1', 'b1']]);
    expect(cache.invalidate(/^user:a/)).toBe(1);
    expect(cache.invalidatePrefix('user:')).toBe(1);
    await users.load('a1');
    expect(calls).toHaveLength(3);
    users.clearAll(); // only this loader's prefix of the shared cache
    expect(cache.get('other')).toBe(1);
    expect([...cache.keys()]).toEqual(['other']);
  });

  test('a batchFn returning the wrong length rejects the whole batch with ERR_INVALID_SPEC and caches nothing', async () => {
    let short = true;
    const l = new Loader(async (keys) => (short ? keys.slice(1) : keys), { name: 'users' });
    const both = await Promise.allSettled([l.load('a'), l.load('b')]);
    for (const r of both) {
      expect(r.status).toBe('rejected');
      expect(r.reason).toBeInstanceOf(HotpathError);
      expect(r.reason.code).toBe('ERR_INVALID_SPEC');
      expect(r.reason.message).toMatch(/Loader users: batchFn returned 1 values for 2 keys; .*Keys: "a", "b"/);
    }
    short = false;
    expect(await l.loadMany(['a', 'b'])).toEqual(['a', 'b']); // nothing stayed broken
    const notArray = new Loader(async () => ({ a: 1 }));
    await expect(notArray.load('a')).rejects.toMatchObject({ code: 'ERR_INVALID_SPEC', message: expect.stringContaining('must resolve to an array') });
    // DataLoader: a TypeError for the length, nothing for the order.
    await expect(new DataLoader(async (keys) => keys.slice(1)).load('a')).rejects.toBeInstanceOf(TypeError);
  });

  test('with `key`, values out of key order are rejected with ERR_INVALID_SPEC naming the index; nulls are fine', async () => {
    const docs = { a: { _id: 'a' }, b: { _id: 'b' } };
    let reversed = true;
    const l = new Loader(async (keys) => {
      const found = keys.map((k) => docs[k] || null);
      return reversed ? found.reverse() : found;
    }, { key: '_id' });
    const r = await Promise.allSettled([l.load('a'), l.load('b')]);
    expect(r.map((x) => x.reason && x.reason.code)).toEqual(['ERR_INVALID_SPEC', 'ERR_INVALID_SPEC']);
    expect(r[0].reason.message).toContain('value at index 0 has _id "b", but the key at index 0 is "a"');
    reversed = false;
    expect(await l.loadMany(['a', 'missing', 'b'])).toEqual([docs.a, null, docs.b]);
    // ObjectId keys against ObjectId _ids of another bson copy; a function works too.
    const id = new mongoose.Types.ObjectId();
    const byId = new Loader(async (keys) => keys.map((k) => ({ _id: new bson.ObjectId(String(k)) })), { key: (v) => v._id });
    expect(String((await byId.load(id))._id)).toBe(String(id));
    // DataLoader hands the values to the wrong callers without a word.
    const d = new DataLoader(async (keys) => keys.map((k) => docs[k]).reverse());
    expect(await Promise.all([d.load('a'), d.load('b')])).toEqual([docs.b, docs.a]);
  });

  test('bad input: clear errors that change nothing', async () => {
    const l = new Loader(async (keys) => keys);
    expect(() => l.load(null)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_KEY' }));
    expect(() => l.load(undefined)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_KEY' }));
    expect(() => l.load(() => 1)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_KEY' }));
    const cyclic = {};
    cyclic.self = cyclic;
    expect(() => l.load(cyclic)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_KEY', message: expect.stringContaining('cacheKeyFn') }));
    expect(l.cacheMap.size).toBe(0);
    expect(await l.load('ok')).toBe('ok');
    expect(() => new Loader('nope')).toThrow(TypeError);
    expect(() => new Loader(async () => [], { maxBatchSize: 0 })).toThrow(RangeError);
    expect(() => new Loader(async () => [], { cacheMap: {} })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_SPEC' }));
    expect(() => new Loader(async () => [], { cacheMap: new Map(), tags: () => [] })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_SPEC' }));
    const objKeys = new Loader(async (keys) => keys, { cacheKeyFn: (k) => ({ k }) });
    expect(() => objKeys.load('a')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_KEY', message: expect.stringContaining('cacheKeyFn must return a string') }));
    // A Map-like memo takes any cacheKeyFn result, as in DataLoader.
    const mapped = new Loader(async (keys) => keys.map((k) => k.n), { cacheMap: new Map(), cacheKeyFn: (k) => k.n });
    expect(await mapped.loadMany([{ n: 1 }, { n: 1 }])).toEqual([1, 1]);
    await expect(new Loader(() => { throw new Error('sync boom'); }).load('a')).rejects.toThrow('sync boom');
  });

  test('prime: stored unless present; an Error is primed as a rejection (explicit, as DataLoader)', async () => {
    const { batchFn, calls } = source();
    const l = new Loader(batchFn);
    l.prime('a', 'primed').prime('a', 'ignored').prime('e', new Error('primed error'));
    expect(await l.load('a')).toBe('primed');
    await expect(l.load('e')).rejects.toThrow('primed error');
    expect(calls).toEqual([]);
    l.clear('a');
    expect(await l.load('a')).toBe('a@1');
  });
});
