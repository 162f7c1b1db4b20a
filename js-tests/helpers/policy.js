'use strict';
/**
 * The cache suites run once per eviction policy (jest.config.js: the `tinylfu` projects set
 * HOTPATH_TEST_POLICY). `withPolicy(Cache)` is `Cache` whose options default to that policy;
 * `lruOnly` runs a test only under 'lru' (it asserts which entry LRU evicts, which W-TinyLFU
 * decides otherwise: its own contract is js-tests/cache-tinylfu.test.js).
 */
const policy = process.env.HOTPATH_TEST_POLICY || 'lru';

function withPolicy(Cache) {
  if (policy === 'lru') return Cache;
  return {
    [Cache.name]: class extends Cache {
      constructor(options = {}) {
        const plain = options !== null && typeof options === 'object' && !('policy' in options);
        super(plain ? { policy, ...options } : options);
      }
    },
  }[Cache.name];
}

const lruOnly = policy === 'lru' ? test : test.skip;

module.exports = { policy, withPolicy, lruOnly };
