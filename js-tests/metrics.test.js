'use strict';
const client = require('prom-client');
const { registerMetrics } = require('../lib/integrations/metrics');

// Stand-ins with the DESIGN.md stats() shapes; the real Cache/Debouncer are checked in
// integrations.test.js once those land.
const cacheStats = { hits: 7, misses: 3, sets: 10, deletes: 1, evictions: 2, expirations: 4, invalidated: 5, size: 6, hitRate: 0.7 };
const debStats = { scheduled: 12, coalesced: 9, runs: 3, succeeded: 2, failed: 1, failedAttempts: 2, retries: 2, pending: 4 };

test('cache and debouncer stats() are exposed as prom-client metrics, read at scrape time', async () => {
  const registry = new client.Registry();
  const live = { ...cacheStats };
  registerMetrics(registry, {
    caches: { sales: { stats: () => live }, rates: { stats: () => ({ ...cacheStats, hits: 1 }) } },
    debouncers: { totals: { stats: () => debStats } },
  });
  let text = await registry.metrics();
  expect(text).toContain('hotpath_cache_hits_total{cache="sales"} 7');
  expect(text).toContain('hotpath_cache_hits_total{cache="rates"} 1');
  expect(text).toContain('hotpath_cache_evictions_total{cache="sales"} 2');
  expect(text).toContain('hotpath_cache_invalidated_total{cache="sales"} 5');
  expect(text).toContain('hotpath_cache_size{cache="sales"} 6');
  expect(text).toContain('hotpath_cache_hit_ratio{cache="sales"} 0.7');
  expect(text).toContain('hotpath_debouncer_runs_total{debouncer="totals"} 3');
  expect(text).toContain('hotpath_debouncer_failed_total{debouncer="totals"} 1');
  expect(text).toContain('hotpath_debouncer_failed_attempts_total{debouncer="totals"} 2');
  expect(text).toContain('hotpath_debouncer_pending{debouncer="totals"} 4');
  live.hits = 11;
  text = await registry.metrics();
  expect(text).toContain('hotpath_cache_hits_total{cache="sales"} 11');
});

test('a real Debouncer: failed counts keys whose last attempt failed, failed_attempts every attempt', async () => {
  const { Debouncer } = require('../');
  const registry = new client.Registry();
  const d = new Debouncer({ wait: 0, retry: { attempts: 3, delay: 0 }, run: async () => { throw new Error('no'); }, onError: () => {} });
  registerMetrics(registry, { debouncers: { totals: d } });
  d.schedule('k');
  await d.flush();
  await d.close();
  const text = await registry.metrics();
  expect(text).toContain('hotpath_debouncer_failed_total{debouncer="totals"} 1');
  expect(text).toContain('hotpath_debouncer_failed_attempts_total{debouncer="totals"} 3');
  expect(text).toContain('hotpath_debouncer_retries_total{debouncer="totals"} 2');
});

test('a custom prefix, and nothing registered twice on one registry', () => {
  const registry = new client.Registry();
  registerMetrics(registry, { prefix: 'app_', caches: { a: { stats: () => cacheStats } } });
  expect(registry.getSingleMetric('app_cache_misses_total')).toBeDefined();
  expect(() => registerMetrics(registry, { prefix: 'app_' })).toThrow(/already been registered/);
});
