'use strict';
/**
 * Model-based stateful test of `Cache` (issue 12, "keep the references"): fast-check
 * commands run against a real Cache and a plain JS model side by side — a fake clock, a
 * small `max`, TTLs, tags, and every kind of invalidation on keys with Unicode, lone
 * surrogates and line terminators. After every command the model and the cache must agree
 * on the answer, `size`, `keys()` (recency order) and every `stats()` counter.
 *
 * The model is the documented semantics (docs/cache.md), written plainly: a Map in recency
 * order (oldest first); an expired entry stays (and counts in `size`) until a read, a delete
 * or an invalidation touches it; an invalidation removes the expired entries it matches
 * without counting them (they count as expirations). Patterns are decided by V8's RegExp,
 * `startsWith` and a Redis glob written here over the key's UTF-8 bytes (as Redis holds it).
 *
 * The model also says which values leave and why (`dispose(value, key, reason)`), what
 * `onInsert` is told, and what `peek`, `getRemainingTTL`, `info` and `dump` answer.
 *
 * With `policy: 'tinylfu'` which entry goes is W-TinyLFU's decision, so the model does not
 * evict: after each command it drops the entries the cache no longer holds, expects a
 * `dispose(value, key, 'evict')` for each, and checks that their number is the cache's new
 * evictions and that `size` stays ≤ max. Everything else — answers, TTL, tags, every
 * invalidation, the other hooks and counters — must agree as for 'lru'; the order of keys()
 * and dump() is the write order (reads do not reorder it under 'tinylfu').
 */
const fc = require('fast-check');
const hotpath = require('../');
const { internals } = require('../lib/internal');
const { withPolicy, lruOnly, policy } = require('./helpers/policy');
const { redisMatch } = require('./helpers/redis-glob');

const { Cache: PlainCache } = hotpath;
const Cache = withPolicy(PlainCache);
const backend = process.env.HOTPATH_BACKEND;

/** The model: entries in recency order (oldest first) and the counters. */
class Model {
  constructor(max, ttl) {
    this.max = max;
    this.ttl = ttl;
    this.now = 1_000;
    this.entries = new Map(); // key → { value, exp (0 = never), tags }
    this.stats = { hits: 0, misses: 0, sets: 0, deletes: 0, evictions: 0, expirations: 0, invalidated: 0, hookErrors: 0 };
    this.hooks = []; // [reason, key, value] of the last command, dispose and onInsert alike
  }

  dispose(key, e, reason) { this.hooks.push([reason, key, e.value]); }

  expired(e) { return e.exp !== 0 && e.exp <= this.now; }

  touch(key, e) { this.entries.delete(key); this.entries.set(key, e); }

  set(key, value, ttl = this.ttl, tags = []) {
    const old = this.entries.get(key);
    if (policy === 'lru' && old === undefined && this.entries.size === this.max) {
      const [k, e] = this.entries.entries().next().value;
      this.dispose(k, e, 'evict');
      this.entries.delete(k);
      this.stats.evictions++;
    }
    if (old !== undefined && old.value !== value) this.dispose(key, old, 'set');
    this.touch(key, { value, exp: ttl > 0 ? this.now + ttl : 0, tags });
    this.stats.sets++;
    let inserted = 'add';
    if (old !== undefined) inserted = old.value === value ? 'update' : 'replace';
    this.hooks.push([`insert:${inserted}`, key, value]);
  }

  get(key) {
    const e = this.entries.get(key);
    if (e === undefined || this.expired(e)) {
      this.stats.misses++;
      if (e !== undefined) { this.dispose(key, e, 'expire'); this.entries.delete(key); this.stats.expirations++; }
      return undefined;
    }
    this.stats.hits++;
    if (policy === 'lru') this.touch(key, e);
    return e.value;
  }

  /** Removes the entries `pick` selects; returns how many were live. */
  invalidate(pick) {
    let n = 0;
    for (const [k, e] of [...this.entries]) {
      if (!pick(k, e)) continue;
      this.entries.delete(k);
      this.dispose(k, e, this.expired(e) ? 'expire' : 'invalidate');
      if (this.expired(e)) this.stats.expirations++;
      else n++;
    }
    this.stats.invalidated += n;
    return n;
  }

  /** W-TinyLFU: drops the entries the cache evicted (it must not hold any the model lacks). */
  sync(cache) {
    const ix = internals(cache);
    let gone = 0;
    for (const k of [...this.entries.keys()]) {
      if (!ix.holds(k)) { this.dispose(k, this.entries.get(k), 'evict'); this.entries.delete(k); gone++; }
    }
    expect(cache.stats().evictions - this.stats.evictions).toBe(gone);
    this.stats.evictions += gone;
    expect(this.entries.size).toBeLessThanOrEqual(this.max);
  }

  liveKeys() { return [...this.entries].filter(([, e]) => !this.expired(e)).map(([k]) => k).reverse(); }

  live(key) { const e = this.entries.get(key); return e === undefined || this.expired(e) ? undefined : e; }

  /** lru-cache's getRemainingTTL, 0 for an expired entry. */
  remaining(key) { const e = this.live(key); if (e === undefined) return 0; return e.exp === 0 ? Infinity : e.exp - this.now; }

  info(key) {
    const e = this.live(key);
    if (e === undefined) return undefined;
    const out = { value: e.value };
    if (e.exp !== 0) { out.ttl = e.exp - this.now; out.start = this.now; }
    if (e.tags.length) out.tags = e.tags;
    return out;
  }

  dump() {
    return [...this.entries].filter(([, e]) => !this.expired(e))
      .map(([k, e]) => [k, { value: e.value, ttl: e.exp === 0 ? 0 : e.exp - this.now, ...(e.tags.length ? { tags: e.tags } : {}) }]);
  }
}

const KEYS = ['', 'a', 'a:1', 'a:2', 'a:10', 'b', 'b:1', 'A:1', '\uD83D', '\uDE00', '\uD83D\uDE00', 'a\uD83D', '\uDE00b',
  'é', 'É', 'k', 'K', '\u212a', 'a\nb', '\u2028', 'x\u0000', '\uFFFD', '*', '[a]'];
const keyArb = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...KEYS) }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 3 }) });
const tagsArb = fc.option(fc.subarray(['t1', 't2']), { nil: undefined });
const ttlArb = fc.option(fc.constantFrom(0, 5, 20), { nil: undefined });
const REGEXES = [/^a/, /^a:/, /\d$/, /^$/, /[\uD800-\uDFFF]/, /^\uD83D/, /\uD83D/u, /k/i, /k/iu, /é|\B/, /^.$/su, /^(?:a|b):/,
  /a$/m, /[^\x00-\x7f]/, /\P{L}/u, /É/i];
const GLOBS = ['*', '**', 'a*', '?', '??', '[a-b]*', 'a\\*', '\uD83D*', '*\uFFFD*', '?:?', '[^a]*', '\\*', '*1'];
const PREFIXES = ['', 'a', 'a:', '\uD83D', '\uDE00', 'b:1', 'é'];

/** One command: apply to the model and the cache, compare the answers. */
const cmd = (name, apply) => class {
  constructor(...args) { this.args = args; }

  check() { return true; }

  run(m, r) {
    m.hooks = [];
    r.hooks.length = 0;
    const want = apply(m, null, ...this.args);
    const got = apply(null, r, ...this.args);
    expect({ op: this.toString(), got }).toEqual({ op: this.toString(), got: want });
    if (policy !== 'lru') m.sync(r.cache);
    // One command's disposals in any order (a pattern's matches come in key order).
    const order = (hs) => hs.map((h) => JSON.stringify(h)).sort();
    expect({ op: this.toString(), hooks: order(r.hooks) }).toEqual({ op: this.toString(), hooks: order(m.hooks) });
    expect(r.cache.size).toBe(m.entries.size);
    expect([...r.cache.keys()]).toEqual(m.liveKeys());
    const { size, hitRate, ...stats } = r.cache.stats();
    expect(stats).toEqual(m.stats);
    expect(size).toBe(m.entries.size);
  }

  toString() { return `${name}(${this.args.map((a) => (a instanceof RegExp ? String(a) : JSON.stringify(a))).join(', ')})`; }
};

const Set_ = cmd('set', (m, r, key, value, ttl, tags) => {
  if (m) { m.set(key, value, ttl, tags || []); return true; }
  const opts = ttl === undefined && tags === undefined ? undefined : { ttl, tags };
  return r.cache.set(key, value, opts) === r.cache;
});
const Get = cmd('get', (m, r, key) => (m ? m.get(key) : r.cache.get(key)));
const Has = cmd('has', (m, r, key) => (m ? m.entries.has(key) && !m.expired(m.entries.get(key)) : r.cache.has(key)));
const Delete = cmd('delete', (m, r, key) => {
  if (!m) return r.cache.delete(key);
  const e = m.entries.get(key);
  const had = m.entries.delete(key);
  if (had) { m.stats.deletes++; m.dispose(key, e, 'delete'); }
  return had;
});
const InvalidateKey = cmd('invalidate', (m, r, key) => (m ? m.invalidate((k) => k === key) : r.cache.invalidate(key)));
const InvalidateRegex = cmd('invalidate', (m, r, re) => (m ? m.invalidate((k) => new RegExp(re.source, re.flags).test(k)) : r.cache.invalidate(re)));
const InvalidatePrefix = cmd('invalidatePrefix', (m, r, p) => (m ? m.invalidate((k) => k.startsWith(p)) : r.cache.invalidatePrefix(p)));
const InvalidateGlob = cmd('invalidateGlob', (m, r, g) => (m ? m.invalidate((k) => redisMatch(g, k)) : r.cache.invalidateGlob(g)));
const InvalidateTag = cmd('invalidateTag', (m, r, t) => (m ? m.invalidate((k, e) => e.tags.includes(t)) : r.cache.invalidateTag(t)));
const Tick = cmd('tick', (m, r, ms) => { if (m) m.now += ms; else r.clock.t += ms; return ms; });
const Clear = cmd('clear', (m, r) => {
  if (!m) { r.cache.clear(); return 0; }
  for (const [k, e] of m.entries) m.dispose(k, e, m.expired(e) ? 'expire' : 'clear');
  m.entries.clear();
  return 0;
});
const Peek = cmd('peek', (m, r, key) => (m ? m.live(key)?.value : r.cache.peek(key)));
const Remaining = cmd('getRemainingTTL', (m, r, key) => (m ? m.remaining(key) : r.cache.getRemainingTTL(key)));
const Info = cmd('info', (m, r, key) => (m ? m.info(key) : r.cache.info(key)));
// dump() as JSON, and a fresh cache loaded from it holds the same entries in the same order.
const Dump = cmd('dump', (m, r) => {
  if (m) return { dump: m.dump(), keys: m.liveKeys() };
  const dump = JSON.parse(JSON.stringify(r.cache.dump()));
  const copy = new Cache({ max: 5, now: r.clock.now }).load(dump);
  expect(copy.dump()).toEqual(dump);
  return { dump, keys: [...copy.keys()] };
});

const commands = [
  fc.tuple(keyArb, fc.nat(99), ttlArb, tagsArb).map((a) => new Set_(...a)),
  fc.tuple(keyArb, fc.nat(99), ttlArb, tagsArb).map((a) => new Set_(...a)),
  keyArb.map((k) => new Get(k)),
  keyArb.map((k) => new Has(k)),
  keyArb.map((k) => new Delete(k)),
  keyArb.map((k) => new InvalidateKey(k)),
  fc.constantFrom(...REGEXES).map((re) => new InvalidateRegex(re)),
  fc.constantFrom(...PREFIXES).map((p) => new InvalidatePrefix(p)),
  fc.constantFrom(...GLOBS).map((g) => new InvalidateGlob(g)),
  fc.constantFrom('t1', 't2').map((t) => new InvalidateTag(t)),
  fc.constantFrom(1, 5, 15).map((ms) => new Tick(ms)),
  fc.constant(new Clear()),
  keyArb.map((k) => new Peek(k)),
  keyArb.map((k) => new Remaining(k)),
  keyArb.map((k) => new Info(k)),
  fc.constant(new Dump()),
];

describe(`Cache against a plain JS model (${backend}, ${policy})`, () => {
  test('random command sequences: answers, size, keys() and stats agree (fast-check)', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 5 }),
      fc.constantFrom(0, 10),
      fc.commands(commands, { maxCommands: 60 }),
      (max, ttl, cmds) => {
        const setup = () => {
          const m = new Model(max, ttl);
          const clock = { t: m.now, now: () => clock.t };
          const hooks = [];
          const cache = new Cache({
            max,
            ttl,
            now: clock.now,
            dispose: (value, key, reason) => hooks.push([reason, key, value]),
            onInsert: (value, key, reason) => hooks.push([`insert:${reason}`, key, value]),
          });
          return { model: m, real: { cache, clock, hooks } };
        };
        fc.modelRun(setup, cmds);
      },
    ), { numRuns: Number(process.env.CACHE_MODEL_RUNS || 300) });
  });

  test('the reference glob agrees with Redis on its documented cases', () => {
    expect(redisMatch('*', '')).toBe(true);
    expect(redisMatch('**', '')).toBe(false);
    expect(redisMatch('?', 'é')).toBe(false);
    expect(redisMatch('??', 'é')).toBe(true);
    expect(redisMatch('h[^e]llo', 'hallo')).toBe(true);
    expect(redisMatch('h[b-a]llo', 'hallo')).toBe(true);
    expect(redisMatch('a\\', 'a\\')).toBe(true);
  });
});

