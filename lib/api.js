'use strict';
/**
 * Assembles the public API (DESIGN.md) on top of one loaded backend. `lib/index.js` calls
 * it with the process's backend; benchmarks and parity tests call it once per backend to
 * compare them in one process.
 */
const { HotpathError, CODES } = require('./errors');

/**
 * @param {{ backend: 'native'|'wasm', binding: Record<string, any> }} loaded
 */
function createApi(loaded) {
  const { binding } = loaded;
  const cache = require('./cache').create(binding);
  const api = {
    /** `'native'` or `'wasm'`: the backend in use. */
    backend: loaded.backend,
    /** The core's version. */
    version: binding.version(),
    HotpathError,
    CODES,
    ...cache,
    // The batching Loader memoises in this backend's Cache.
    ...require('./batch-loader').create(cache),
    ...require('./debounce').create(binding),
    ...require('./money').create(binding),
    ...require('./pipeline').create(binding),
    // Seed facade; it drives whichever Cache it is given, so it needs no binding.
    SmartInvalidation: require('./smart-invalidation').SmartInvalidation,
  };
  // Hidden: the loaded backend (wrapped and raw binding), for tests and benchmarks.
  Object.defineProperty(api, '__backend', { value: loaded });
  return api;
}

const byBackend = new Map();

/**
 * The API on a given backend, loaded once per process. Used by the parity tests and the
 * benchmarks to put native and wasm side by side in one process.
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
