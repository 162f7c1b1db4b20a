'use strict';
/**
 * Assembles the public API (DESIGN.md) on one loaded backend. `lib/index.js` calls it with
 * the process's backend; benchmarks and parity tests call it once per backend to compare
 * them in one process.
 *
 * Each class is declared once, at the top level of its module; here it gets one subclass
 * per backend carrying this API (lib/internal.js, `bindClass`), from which its instances
 * take their binding and, for a facade, the classes it is built on.
 */
const { HotpathError, CODES } = require('./errors');
const { bindClass } = require('./internal');
const { Cache } = require('./cache');
const { Loader } = require('./batch-loader');
const { Debouncer } = require('./debounce');
const money = require('./money');
const { Rates } = require('./rates');
const pipeline = require('./pipeline');
const { CacheManager } = require('./compat/cache-manager');
const { DebouncedUpdateManager } = require('./compat/debounced-update-manager');
const { ExchangeRateCache } = require('./compat/exchange-rate-cache');
const { CachedBalanceCalculator } = require('./compat/cached-balance-calculator');
const { AggregationBuilder } = require('./compat/aggregation-builder');
const { SmartInvalidation } = require('./compat/smart-invalidation');

/**
 * @param {{ backend: 'native'|'wasm', binding: Record<string, any> }} loaded
 */
function createApi(loaded) {
  const { binding } = loaded;
  const api = {
    /** `'native'` or `'wasm'`: the backend in use. */
    backend: loaded.backend,
    /** The core's version. */
    version: binding.version(),
    HotpathError,
    CODES,
  };
  const bind = (Class) => bindClass(Class, api);
  Object.assign(api, {
    Cache: bind(Cache),
    CacheManager: bind(CacheManager),
    // The batching Loader memoises in this backend's Cache.
    Loader: bind(Loader),
    Debouncer: bind(Debouncer),
    DebouncedUpdateManager: bind(DebouncedUpdateManager),
    money: money.create(binding),
    Rates: bind(Rates),
    ExchangeRateCache: bind(ExchangeRateCache),
    CachedBalanceCalculator: bind(CachedBalanceCalculator),
    pipeline: pipeline.namespace(bind(pipeline.CompiledPipeline)),
    configure: pipeline.configure,
    AggregationBuilder: bind(AggregationBuilder),
    // Seed facade; it drives whichever cache it is given, so it needs no backend.
    SmartInvalidation,
  });
  // Hidden: the loaded backend (wrapped and raw binding), for tests and benchmarks.
  Object.defineProperty(api, '__backend', { value: loaded });
  return api;
}

const byBackend = new Map();

/**
 * The API on a given backend, loaded once per process. Used by the parity tests to put
 * native and wasm side by side in one process.
 * @param {'native'|'wasm'} backend
 */
function forBackend(backend) {
  if (!byBackend.has(backend)) {
    const { loadBackend } = require('./loader');
    byBackend.set(backend, createApi(loadBackend({ env: { HOTPATH_BACKEND: backend } })));
  }
  return byBackend.get(backend);
}

module.exports = { createApi, forBackend };
