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

module.exports = {
  projects: ['native', 'wasm'].map((backend) => ({
    ...base,
    displayName: backend,
    setupFiles: [`<rootDir>/js-tests/setup/${backend}.js`],
  })),
};
