'use strict';
/**
 * hotpath/metrics — prom-client collectors over `stats()` of caches and debouncers.
 *
 *   registerMetrics(registry, { caches: { sales: cache }, debouncers: { totals: d } })
 *
 * Values are read at scrape time (no per-operation cost). Counters are monotonic as long
 * as the object's counters are; a `name` label tells the objects apart. prom-client is an
 * optional peer dependency, loaded when this file is. A TieredCache with a circuit breaker
 * adds `cache_breaker_state{state}` (1 for the current state), `cache_breaker_opened_total`,
 * `cache_breaker_short_circuited_total`; TieredCaches add `cache_l2_timeouts_total`.
 */
const client = require('prom-client');
const { STATES } = require('./breaker');

const CACHE_COUNTERS = [
  ['hits', 'Cache lookups that found a live entry'],
  ['misses', 'Cache lookups that found nothing (or an expired entry)'],
  ['sets', 'Entries written'],
  ['deletes', 'Entries deleted by key'],
  ['evictions', 'Entries evicted by the max / maxBytes bound'],
  ['expirations', 'Entries dropped because their TTL passed'],
  ['invalidated', 'Entries removed by invalidate / invalidatePrefix / invalidateGlob / invalidateTag'],
];
const DEBOUNCER_COUNTERS = [
  ['scheduled', 'schedule() calls'],
  ['coalesced', 'Schedules merged into an already pending run'],
  ['runs', 'Runs started (retries included)'],
  ['succeeded', 'Runs that resolved'],
  ['failed', 'Runs whose last attempt failed, retries exhausted (a key failing every attempt counts once)'],
  ['failedAttempts', 'Failed attempts, retried or not'],
  ['retries', 'Retries of failed runs'],
];

/** `failedAttempts` → `failed_attempts` (Prometheus names are snake_case). */
const snake = (field) => field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * Registers hotpath metrics on a prom-client registry.
 * @param {import('prom-client').Registry} [registry] defaults to prom-client's global registry
 * @param {{ caches?: Record<string, { stats(): object }>, debouncers?: Record<string, { stats(): object }>, prefix?: string }} sources
 * @returns {import('prom-client').Metric[]} the registered metrics
 */
function registerMetrics(registry = client.register, { caches = {}, debouncers = {}, prefix = 'hotpath_' } = {}) {
  const metrics = [];
  const add = (Kind, name, help, label, sources, read) => {
    metrics.push(new Kind({
      name: `${prefix}${name}`,
      help,
      labelNames: [label],
      registers: [registry],
      collect() {
        this.reset();
        for (const [id, obj] of Object.entries(sources)) {
          const v = read(obj.stats());
          if (Number.isFinite(v)) {
            if (Kind === client.Counter) this.inc({ [label]: id }, v);
            else this.set({ [label]: id }, v);
          }
        }
      },
    }));
  };
  for (const [field, help] of CACHE_COUNTERS) add(client.Counter, `cache_${field}_total`, help, 'cache', caches, (s) => s[field]);
  add(client.Gauge, 'cache_size', 'Live entries in the cache', 'cache', caches, (s) => s.size);
  add(client.Gauge, 'cache_hit_ratio', 'hits / (hits + misses)', 'cache', caches, (s) => s.hitRate);
  // A TieredCache with a circuit breaker: its state as a state set, and its transitions.
  const breakers = () => Object.entries(caches).map(([id, c]) => [id, c.stats().breaker]).filter(([, b]) => b);
  metrics.push(new client.Gauge({
    name: `${prefix}cache_breaker_state`,
    help: 'Circuit breaker of the cache\'s Redis tier: 1 for its current state (closed, open, half-open), 0 for the others',
    labelNames: ['cache', 'state'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [id, b] of breakers()) for (const state of STATES) this.set({ cache: id, state }, b.state === state ? 1 : 0);
    },
  }));
  add(client.Counter, 'cache_breaker_opened_total', 'Times the circuit breaker opened (Redis calls stopped)', 'cache', caches, (s) => s.breaker?.opened);
  add(client.Counter, 'cache_breaker_short_circuited_total', 'Redis calls the open circuit breaker did not make', 'cache', caches, (s) => s.breaker?.shortCircuited);
  add(client.Counter, 'cache_l2_timeouts_total', 'Redis calls that ended by the timeout', 'cache', caches, (s) => s.l2Timeouts);
  for (const [field, help] of DEBOUNCER_COUNTERS) add(client.Counter, `debouncer_${snake(field)}_total`, help, 'debouncer', debouncers, (s) => s[field]);
  add(client.Gauge, 'debouncer_pending', 'Keys waiting for their run', 'debouncer', debouncers, (s) => s.pending);
  return metrics;
}

module.exports = { registerMetrics };
