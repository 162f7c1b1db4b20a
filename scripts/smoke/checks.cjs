'use strict';
/**
 * The release smoke suite, one small script for every platform, Node version, backend and
 * module system: load, cache set/get/invalidate, a money sum, a pipeline build. `api` is
 * hotpath's API however it was imported. HOTPATH_EXPECT_BACKEND, when set, must be the
 * backend that loaded. Prints one line; throws on any mismatch.
 */
const assert = require('node:assert/strict');

module.exports = function smoke(api, label) {
  const expected = process.env.HOTPATH_EXPECT_BACKEND;
  if (expected) assert.equal(api.backend, expected, `backend: expected ${expected}`);

  const cache = new api.Cache({ max: 100 });
  const value = { USD: 10 };
  cache.set('client:42:balance', value, { tags: ['client:42'] }).set('client:7:balance', 1).set('list:a', 2);
  assert.equal(cache.get('client:42:balance'), value, 'cache.get returns the stored object');
  assert.equal(cache.invalidate(/^client:42:/), 1, 'invalidate(RegExp)');
  assert.equal(cache.get('client:42:balance'), undefined);
  assert.equal(cache.invalidatePrefix('client:'), 1, 'invalidatePrefix');
  assert.equal(cache.invalidateGlob('list:*'), 1, 'invalidateGlob');
  assert.equal(cache.size, 0);

  assert.equal(api.money.sum([0.1, 0.2, '0.3']), 0.6, 'money.sum is exact');

  const sales = api.pipeline.compile({
    collection: 'sales', types: { _id: 'objectId', createdAt: 'date' }, sortable: ['createdAt'],
    defaultSort: { createdAt: -1 }, filterable: { status: ['eq'] }, defaultLimit: 20, maxLimit: 100,
  });
  const { pipeline } = sales.build({ page: 3, limit: 500, filter: { status: 'paid' } });
  assert.deepEqual(JSON.parse(JSON.stringify(pipeline)), [
    { $match: { status: 'paid' } }, { $sort: { createdAt: -1, _id: -1 } }, { $skip: 200 }, { $limit: 100 },
  ], 'pipeline build');

  const runtime = process.versions.bun ? `bun ${process.versions.bun}` : `node ${process.version}`;
  console.log(`smoke ${label}: ok (${api.backend}, ${runtime}, ${process.platform}-${process.arch})`);
};
