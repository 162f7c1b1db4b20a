'use strict';
module.exports = require('./lib');

// Names for ESM importers (`import { Cache } from 'hotpath'`): Node finds a CommonJS module's
// named exports by reading its source (cjs-module-lexer), and lib/ builds its API at run
// time, so this never-run assignment lists them. js-tests/esm.test.js checks the list is whole.
/* eslint-disable no-undef */
0 && (module.exports = {
  backend, version, HotpathError, CODES, Cache, CacheManager, Debouncer, DebouncedUpdateManager,
  money, Rates, ExchangeRateCache, CachedBalanceCalculator, pipeline, configure, AggregationBuilder,
  SmartInvalidation, Loader,
});
