'use strict';
/**
 * Every suite runs twice: once per backend (DESIGN.md, "Backends"). The project's setup
 * file sets HOTPATH_BACKEND before each test file loads hotpath, so `require('../')`
 * inside a suite returns the API on that project's backend.
 */
const base = {
  testEnvironment: 'node',
  roots: ['<rootDir>/js-tests'],
  testMatch: ['**/*.test.js'],
  modulePathIgnorePatterns: ['<rootDir>/target/', '<rootDir>/npm/'],
  testTimeout: 30_000,
};

// The cache suites run again with `policy: 'tinylfu'` as the Cache default
// (js-tests/helpers/policy.js).
const CACHE_SUITES = ['cache', 'cache-model', 'cache-regressions', 'cache-regex-v8', 'cache-glob-redis'];

module.exports = {
  projects: ['native', 'wasm'].flatMap((backend) => [{
    ...base,
    displayName: backend,
    setupFiles: [`<rootDir>/js-tests/setup/${backend}.js`],
  }, {
    ...base,
    displayName: `${backend} tinylfu`,
    testMatch: CACHE_SUITES.map((f) => `**/js-tests/${f}.test.js`),
    setupFiles: [`<rootDir>/js-tests/setup/${backend}.js`, '<rootDir>/js-tests/setup/tinylfu.js'],
  }]),
};
