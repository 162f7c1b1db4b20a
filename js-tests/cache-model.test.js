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
 */
const fc = require('fast-check');
const hotpath = require('../');
const { redisMatch } = require('./helpers/redis-glob');

const { Cache } = hotpath;
const backend = process.env.HOTPATH_BACKEND;

/** The model: entries in recency order (oldest first) and the counters. */
class Model {
  constructor(max, ttl) {
    this.max = max;
    this.ttl = ttl;
    this.now = 1_000;
    this.entries = new Map(); // key → { value, exp (0 = never), tags }
    this.stats = { hits: 0, misses: 0, sets: 0, deletes: 0, evictions: 0, expirations: 0, invalidated: 0 };
  }

  expired(e) { return e.exp !== 0 && e.exp <= this.now; }

  touch(key, e) { this.entries.delete(key); this.entries.set(key, e); }

  set(key, value, ttl = this.ttl, tags = []) {
    const old = this.entries.get(key);
    if (old === undefined && this.entries.size === this.max) {
      this.entries.delete(this.entries.keys().next().value);
      this.stats.evictions++;
    }
    this.touch(key, { value, exp: ttl > 0 ? this.now + ttl : 0, tags });
    this.stats.sets++;
  }

  get(key) {
    const e = this.entries.get(key);
    if (e === undefined || this.expired(e)) {
      this.stats.misses++;
      if (e !== undefined) { this.entries.delete(key); this.stats.expirations++; }
      return undefined;
    }
    this.stats.hits++;
    this.touch(key, e);
    return e.value;
  }

  /** Removes the entries `pick` selects; returns how many were live. */
  invalidate(pick) {
    let n = 0;
    for (const [k, e] of [...this.entries]) {
      if (!pick(k, e)) continue;
      this.entries.delete(k);
      if (this.expired(e)) this.stats.expirations++;
      else n++;
    }
    this.stats.invalidated += n;
    return n;
  }

  liveKeys() { return [...this.entries].filter(([, e]) => !this.expired(e)).map(([k]) => k).reverse(); }
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
    const want = apply(m, null, ...this.args);
    const got = apply(null, r, ...this.args);
    expect({ op: this.toString(), got }).toEqual({ op: this.toString(), got: want });
    expect(r.cache.size).toBe(m.entries.size);
    expect([...r.cache.keys()]).toEqual(m.liveKeys());
    const { size, hitRate, ...stats } = r.cache.stats();
    expect(stats).toEqual(m.stats);
    expect(size).toBe(m.entries.size);
  }

  toString() { return `${name}(${this.args.map((a) => (a instanceof RegExp ? String(a) : JSON.stringify(a))).join(', ')})`; }
};

const Set_ = cmd('set', (m, r, key, value, ttl, tags) => {
  if (m) { m.set(key, value, ttl, tags || []); return m.entries.size; }
  const opts = ttl === undefined && tags === undefined ? undefined : { ttl, tags };
  return r.cache.set(key, value, opts).size;
});
const Get = cmd('get', (m, r, key) => (m ? m.get(key) : r.cache.get(key)));
const Has = cmd('has', (m, r, key) => (m ? m.entries.has(key) && !m.expired(m.entries.get(key)) : r.cache.has(key)));
const Delete = cmd('delete', (m, r, key) => {
  if (!m) return r.cache.delete(key);
  const had = m.entries.delete(key);
  if (had) m.stats.deletes++;
  return had;
});
const InvalidateKey = cmd('invalidate', (m, r, key) => (m ? m.invalidate((k) => k === key) : r.cache.invalidate(key)));
const InvalidateRegex = cmd('invalidate', (m, r, re) => (m ? m.invalidate((k) => new RegExp(re.source, re.flags).test(k)) : r.cache.invalidate(re)));
const InvalidatePrefix = cmd('invalidatePrefix', (m, r, p) => (m ? m.invalidate((k) => k.startsWith(p)) : r.cache.invalidatePrefix(p)));
const InvalidateGlob = cmd('invalidateGlob', (m, r, g) => (m ? m.invalidate((k) => redisMatch(g, k)) : r.cache.invalidateGlob(g)));
const InvalidateTag = cmd('invalidateTag', (m, r, t) => (m ? m.invalidate((k, e) => e.tags.includes(t)) : r.cache.invalidateTag(t)));
const Tick = cmd('tick', (m, r, ms) => { if (m) m.now += ms; else r.clock.t += ms; return ms; });
const Clear = cmd('clear', (m, r) => { if (m) m.entries.clear(); else r.cache.clear(); return 0; });

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
];

describe(`Cache against a plain JS model (${backend})`, () => {
  test('random command sequences: answers, size, keys() and stats agree (fast-check)', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 5 }),
      fc.constantFrom(0, 10),
      fc.commands(commands, { maxCommands: 60 }),
      (max, ttl, cmds) => {
        const setup = () => {
          const m = new Model(max, ttl);
          const clock = { t: m.now, now: () => clock.t };
          return { model: m, real: { cache: new Cache({ max, ttl, now: clock.now }), clock } };
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

