'use strict';
// hotpath/express against a real Express app, through supertest.
const express = require('express');
const request = require('supertest');
const { Cache, HotpathError } = require('../');
const { cacheResponses, errorHandler } = require('../lib/express');

function app(cache, options = {}) {
  const a = express();
  let hits = 0;
  a.get('/api/items', cacheResponses({ cache, ttl: 30_000, ...options }), (req, res) => {
    hits += 1;
    res.json({ items: [1, 2, 3], n: hits, q: req.query.q ?? null });
  });
  a.get('/api/missing', cacheResponses({ cache }), (req, res) => res.status(404).json({ nope: true }));
  a.post('/api/items', cacheResponses({ cache }), (req, res) => { hits += 1; res.json({ n: hits }); });
  a.get('/api/bad', () => { throw new HotpathError('ERR_INVALID_PAGINATION', 'limit must be an integer ≥ 1, got "x"'); });
  a.get('/api/bug', () => { throw new HotpathError('ERR_INTERNAL', 'internal'); });
  a.get('/api/other', () => { throw new Error('not ours'); });
  a.use(errorHandler());
  a.use((err, req, res, next) => res.status(599).json({ other: err.message })); // eslint-disable-line no-unused-vars
  return a;
}

test('GET 200 JSON is cached: second request is a HIT with the same body and a strong ETag', async () => {
  const cache = new Cache({ max: 100 });
  const a = app(cache);
  const first = await request(a).get('/api/items?q=1');
  expect(first.status).toBe(200);
  expect(first.headers['x-cache']).toBe('MISS');
  expect(first.headers.etag).toMatch(/^"[0-9a-f]+-[A-Za-z0-9_-]+"$/);
  expect(first.headers['cache-control']).toBe('private, max-age=30');
  const second = await request(a).get('/api/items?q=1');
  expect(second.headers['x-cache']).toBe('HIT');
  expect(second.body).toEqual(first.body);
  expect(second.headers.etag).toBe(first.headers.etag);
  const other = await request(a).get('/api/items?q=2');
  expect(other.body.n).toBe(2);
});

test('If-None-Match with the current ETag → 304 without a body', async () => {
  const a = app(new Cache({ max: 100 }));
  const first = await request(a).get('/api/items');
  const again = await request(a).get('/api/items').set('If-None-Match', first.headers.etag);
  expect(again.status).toBe(304);
  expect(again.text).toBe('');
  const stale = await request(a).get('/api/items').set('If-None-Match', '"0-nope"');
  expect(stale.status).toBe(200);
});

test('Cache-Control: no-cache bypasses the cache and refreshes the entry', async () => {
  const a = app(new Cache({ max: 100 }));
  const first = await request(a).get('/api/items');
  const bypass = await request(a).get('/api/items').set('Cache-Control', 'no-cache');
  expect(bypass.headers['x-cache']).toBe('BYPASS');
  expect(bypass.body.n).toBe(first.body.n + 1);
  const after = await request(a).get('/api/items');
  expect(after.headers['x-cache']).toBe('HIT');
  expect(after.body.n).toBe(bypass.body.n);
});

test('non-GET requests and non-200 responses are never cached; invalidation is seen at once', async () => {
  const cache = new Cache({ max: 100 });
  const a = app(cache);
  await request(a).post('/api/items');
  await request(a).get('/api/missing');
  expect(cache.size).toBe(0);
  await request(a).get('/api/items');
  expect(cache.size).toBe(1);
  expect(cache.invalidatePrefix('http:/api/items')).toBe(1);
  expect((await request(a).get('/api/items')).headers['x-cache']).toBe('MISS');
});

test('vary: a request header selects its own entry and is sent as Vary', async () => {
  const a = app(new Cache({ max: 100 }), { vary: ['Accept-Language'] });
  const en = await request(a).get('/api/items').set('Accept-Language', 'en');
  const ru = await request(a).get('/api/items').set('Accept-Language', 'ru');
  expect(ru.headers['x-cache']).toBe('MISS');
  expect(ru.body.n).toBe(en.body.n + 1);
  expect(en.headers.vary).toMatch(/Accept-Language/);
  expect((await request(a).get('/api/items').set('Accept-Language', 'en')).body.n).toBe(en.body.n);
});

test('errorHandler maps HotpathError codes to 400/500 JSON and passes other errors on', async () => {
  const a = app(new Cache({ max: 10 }));
  const bad = await request(a).get('/api/bad');
  expect(bad.status).toBe(400);
  expect(bad.body).toEqual({ error: { code: 'ERR_INVALID_PAGINATION', message: 'limit must be an integer ≥ 1, got "x"' } });
  const bug = await request(a).get('/api/bug');
  expect(bug.status).toBe(500);
  expect(bug.body.error.code).toBe('ERR_INTERNAL');
  const other = await request(a).get('/api/other');
  expect(other.status).toBe(599);
});

test('cacheResponses without a usable cache is a clear error', () => {
  expect(() => cacheResponses({})).toThrow(expect.objectContaining({ code: 'ERR_INVALID_SPEC' }));
});

describe('paginationParams', () => {
  const fc = require('fast-check');
  const { paginationParams } = require('../lib/express');
  function pagedApp(options) {
    const a = express();
    a.set('query parser', 'extended');
    a.get('/list', paginationParams(options), (req, res) => res.json(req.pagination));
    return a;
  }
  const a = pagedApp({ maxLimit: 100, sortable: ['createdAt', 'name'], selectable: ['name', 'price'] });

  test('valid parameters land on req.pagination, typed; defaults apply', async () => {
    const r = await request(a).get('/list?page=3&limit=25&sort=-createdAt&fields=name,price');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ page: 3, limit: 25, skip: 50, sort: { createdAt: -1, _id: -1 }, fields: { name: 1, price: 1, createdAt: 1, _id: 1 } });
    const d = await request(a).get('/list');
    expect(d.body).toMatchObject({ page: 1, limit: 20, skip: 0, fields: null });
  });

  test('limit > maxLimit is clamped to maxLimit (Property 15, fast-check)', async () => {
    await fc.assert(fc.asyncProperty(fc.integer({ min: 101, max: 1e9 }), async (limit) => {
      const r = await request(a).get(`/list?limit=${limit}`);
      return r.status === 200 && r.body.limit === 100;
    }), { numRuns: 100 });
  });

  test.each([
    ['page=0', 'ERR_INVALID_PAGINATION', /page/],
    ['page=-1', 'ERR_INVALID_PAGINATION', /page/],
    ['limit=0', 'ERR_INVALID_PAGINATION', /limit/],
    ['limit=abc', 'ERR_INVALID_PAGINATION', /limit/],
    ['page=1.5', 'ERR_INVALID_PAGINATION', /page/],
    ['limit=1&limit=2', 'ERR_INVALID_PAGINATION', /limit/],
    ['sort=password', 'ERR_FORBIDDEN_OPERATOR', /password/],
    ['fields=a:$password', 'ERR_FORBIDDEN_OPERATOR', /password/],
    ['sort[$where]=1', 'ERR_FORBIDDEN_OPERATOR', /./],
  ])('?%s → 400 %s naming the parameter (Property 16)', async (qs, code, re) => {
    const r = await request(a).get(`/list?${qs}`);
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe(code);
    expect(r.body.error.message).toMatch(re);
  });

  test('without allow-lists, sort and fields are refused', async () => {
    const plain = pagedApp({ maxLimit: 10 });
    expect((await request(plain).get('/list?limit=50')).body.limit).toBe(10);
    expect((await request(plain).get('/list?sort=name')).status).toBe(400);
  });
});
