'use strict';
// The circuit breaker (lib/integrations/breaker.js) on its own and inside TieredCache, with
// fake timers and a stand-in Redis client whose calls fail fast or hang. The same breaker
// against a real redis-server killed and restarted is in js-tests/redis.test.js.
const client = require('prom-client');
const { CircuitBreaker } = require('../lib/integrations/breaker');
const { TieredCache } = require('../lib/integrations/redis');
const { registerMetrics } = require('../lib/integrations/metrics');

beforeEach(() => { jest.useFakeTimers(); });
afterEach(() => { jest.useRealTimers(); });

describe('CircuitBreaker: closed → open → half-open (one probe) → closed | open', () => {
  test('opens after N consecutive failures; a success in between resets the count', () => {
    const changes = [];
    const b = new CircuitBreaker({ failures: 3, resetAfter: 1000, onStateChange: (to, from) => changes.push(`${from}→${to}`) });
    b.failure(b.acquire());
    b.failure(b.acquire());
    b.success(b.acquire());
    b.failure(b.acquire());
    b.failure(b.acquire());
    expect(b.state).toBe('closed');
    expect(b.stats().consecutiveFailures).toBe(2);
    b.failure(b.acquire());
    expect(b.state).toBe('open');
    expect(changes).toEqual(['closed→open']);
  });

  test('open: every call refused until resetAfter; then exactly one probe', () => {
    const b = new CircuitBreaker({ failures: 1, resetAfter: 1000 });
    b.failure(b.acquire());
    for (let i = 0; i < 5; i++) expect(b.acquire()).toBe(-1);
    jest.advanceTimersByTime(999);
    expect(b.acquire()).toBe(-1);
    expect(b.state).toBe('open');
    jest.advanceTimersByTime(1);
    expect(b.state).toBe('half-open');
    const probe = b.acquire();
    expect(probe).toBeGreaterThanOrEqual(0);
    expect(b.acquire()).toBe(-1); // the probe is out
    expect(b.acquire()).toBe(-1);
    expect(b.stats()).toMatchObject({ state: 'half-open', opened: 1, halfOpened: 1, closed: 0, shortCircuited: 8 });
    b.success(probe);
    expect(b.state).toBe('closed');
    expect(b.acquire()).toBeGreaterThanOrEqual(0);
    expect(b.stats()).toMatchObject({ state: 'closed', opened: 1, halfOpened: 1, closed: 1, consecutiveFailures: 0 });
  });

  test('a failed probe opens it again for another resetAfter', () => {
    const b = new CircuitBreaker({ failures: 2, resetAfter: 500 });
    b.failure(b.acquire());
    b.failure(b.acquire());
    jest.advanceTimersByTime(500);
    b.failure(b.acquire());
    expect(b.state).toBe('open');
    jest.advanceTimersByTime(499);
    expect(b.acquire()).toBe(-1);
    jest.advanceTimersByTime(1);
    expect(b.acquire()).toBeGreaterThanOrEqual(0);
    expect(b.stats()).toMatchObject({ opened: 2, halfOpened: 2 });
  });

  test('reports of calls started before a state change are ignored', () => {
    const b = new CircuitBreaker({ failures: 2, resetAfter: 100 });
    const slow = [b.acquire(), b.acquire(), b.acquire()];
    b.failure(slow[0]);
    b.failure(slow[1]); // opens
    jest.advanceTimersByTime(100);
    const probe = b.acquire();
    b.failure(slow[2]); // a late failure from the closed period: not the probe's verdict
    expect(b.state).toBe('half-open');
    b.success(slow[2]);
    expect(b.state).toBe('half-open');
    b.success(probe);
    expect(b.state).toBe('closed');
  });

  test('bad options throw; a throwing listener does not break it', () => {
    expect(() => new CircuitBreaker({ failures: 0 })).toThrow(RangeError);
    expect(() => new CircuitBreaker({ resetAfter: -1 })).toThrow(RangeError);
    const b = new CircuitBreaker({ failures: 1, onStateChange: () => { throw new Error('listener'); } });
    b.failure(b.acquire());
    expect(b.state).toBe('open');
  });
});

/** An ioredis stand-in: `mode` 'up' answers, 'error' rejects at once, 'hang' never answers. Counts calls. */
function fakeRedis() {
  const store = new Map();
  const r = { mode: 'up', calls: 0 };
  const answer = (value) => {
    r.calls += 1;
    if (r.mode === 'error') return Promise.reject(new Error('ECONNREFUSED'));
    if (r.mode === 'hang') return new Promise(() => {});
    return Promise.resolve(typeof value === 'function' ? value() : value);
  };
  r.on = () => r;
  r.get = (k) => answer(store.get(k) ?? null);
  r.duplicate = () => ({ on() {}, subscribe: () => Promise.resolve(), quit: () => Promise.resolve() });
  r.multi = () => {
    const ops = [];
    const m = {
      get(k) { ops.push(() => [null, store.has(k) ? store.get(k) : null]); return m; },
      pttl(k) { ops.push(() => [null, store.has(k) ? 60_000 : -2]); return m; },
      set(k, v) { ops.push(() => { store.set(k, v); return [null, 'OK']; }); return m; },
      sadd() { ops.push(() => [null, 1]); return m; },
      unlink(...keys) { ops.push(() => [null, keys.filter((k) => store.delete(k)).length]); return m; },
      exec: () => answer(() => ops.map((op) => op())),
    };
    return m;
  };
  r.publish = () => answer(0);
  r.unlink = (...keys) => answer(() => { keys.forEach((k) => store.delete(k)); return keys.length; });
  r.scan = () => answer(['0', []]);
  r.smembers = () => answer([]);
  return r;
}

/** Runs `n` getOrCompute calls one after another, advancing fake time past each timeout it waits. */
async function serve(t, n, label) {
  let served = 0;
  for (let i = 0; i < n; i++) {
    let value;
    t.getOrCompute(`${label}:${i}`, async () => `v${i}`).then((v) => { value = v; });
    for (let n = 0; n < 10 && value === undefined; n++) await jest.advanceTimersByTimeAsync(t.timeout);
    if (value === `v${i}`) served += 1;
  }
  return served;
}

describe('TieredCache({ breaker }) with fake timers', () => {
  test('Redis hanging: without a breaker every call pays the timeout; with one, N timeouts then none', async () => {
    const plain = new TieredCache({ redis: fakeRedis(), timeout: 50 });
    const guarded = new TieredCache({ redis: fakeRedis(), timeout: 50, breaker: { failures: 3, resetAfter: 10_000 } });
    for (const t of [plain, guarded]) t.redis.mode = 'hang';
    expect(await serve(plain, 20, 'a')).toBe(20);
    expect(await serve(guarded, 20, 'a')).toBe(20);
    // getOrCompute = one get + one set: 40 L2 calls each.
    expect(plain.stats()).toMatchObject({ l2Timeouts: 40, l2Errors: 40 });
    expect(plain.redis.calls).toBe(40);
    expect(guarded.stats()).toMatchObject({ l2Timeouts: 3, l2Errors: 3 });
    expect(guarded.redis.calls).toBe(3); // open: no Redis call at all
    expect(guarded.stats().breaker).toMatchObject({ state: 'open', opened: 1, shortCircuited: 37 });
  });

  test('half-open probes once per resetAfter while Redis is down; closes when it answers', async () => {
    const t = new TieredCache({ redis: fakeRedis(), timeout: 50, breaker: { failures: 2, resetAfter: 1000 } });
    t.redis.mode = 'error';
    await serve(t, 5, 'x');
    expect(t.redis.calls).toBe(2);
    await jest.advanceTimersByTimeAsync(1000);
    expect(t.stats().breaker.state).toBe('half-open');
    await serve(t, 5, 'y'); // one probe (fails) → open again
    expect(t.redis.calls).toBe(3);
    expect(t.stats().breaker).toMatchObject({ state: 'open', opened: 2, halfOpened: 1 });
    t.redis.mode = 'up';
    await serve(t, 3, 'z');
    expect(t.redis.calls).toBe(3); // still open: Redis is back but resetAfter has not passed
    await jest.advanceTimersByTimeAsync(1000);
    await t.set('k', 'v'); // the probe succeeds
    expect(t.stats().breaker).toMatchObject({ state: 'closed', closed: 1 });
    t.l1.clear();
    expect(await t.get('k')).toBe('v');
    expect(t.stats().l2Hits).toBe(1);
  });

  test('invalidations while open apply to L1 and make no Redis call', async () => {
    const t = new TieredCache({ redis: fakeRedis(), timeout: 50, breaker: { failures: 1, resetAfter: 60_000 } });
    t.redis.mode = 'error';
    await t.set('a:1', 1);
    const calls = t.redis.calls;
    expect(await t.invalidatePrefix('a:')).toBe(1);
    expect(await t.invalidate(/^a:/)).toBe(0);
    expect(await t.invalidateTag('x')).toBe(0);
    expect(t.redis.calls).toBe(calls);
    expect(t.l1.size).toBe(0);
  });

  test('breaker: true uses 5 failures and 30 s; state changes show in prom-client metrics', async () => {
    const t = new TieredCache({ redis: fakeRedis(), timeout: 50, breaker: true });
    expect(t.breaker).toMatchObject({ failures: 5, resetAfter: 30_000 });
    const registry = new client.Registry();
    registerMetrics(registry, { caches: { sessions: t } });
    let text = await registry.metrics();
    expect(text).toContain('hotpath_cache_breaker_state{cache="sessions",state="closed"} 1');
    expect(text).toContain('hotpath_cache_breaker_state{cache="sessions",state="open"} 0');
    t.redis.mode = 'hang';
    await serve(t, 5, 'm'); // 5 gets + 5 sets: opens at the 5th timeout
    text = await registry.metrics();
    expect(text).toContain('hotpath_cache_breaker_state{cache="sessions",state="open"} 1');
    expect(text).toContain('hotpath_cache_breaker_state{cache="sessions",state="closed"} 0');
    expect(text).toContain('hotpath_cache_breaker_opened_total{cache="sessions"} 1');
    expect(text).toContain('hotpath_cache_breaker_short_circuited_total{cache="sessions"} 5');
    expect(text).toContain('hotpath_cache_l2_timeouts_total{cache="sessions"} 5');
    await jest.advanceTimersByTimeAsync(30_000);
    text = await registry.metrics();
    expect(text).toContain('hotpath_cache_breaker_state{cache="sessions",state="half-open"} 1');
    // A cache without a breaker has no breaker series.
    const r2 = new client.Registry();
    registerMetrics(r2, { caches: { plain: new TieredCache({ redis: fakeRedis() }) } });
    expect(await r2.metrics()).not.toContain('hotpath_cache_breaker_state{');
  });
});
