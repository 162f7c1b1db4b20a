'use strict';
// hotpath/express against a real Express app, through supertest.
const express = require('express');
const request = require('supertest');
const { Cache, HotpathError, pipeline } = require('../');
const { cacheResponses, errorHandler } = require('../lib/integrations/express');

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

test("a client's Cache-Control: no-cache does not bypass the cache by default (browsers send it on reload)", async () => {
  const a = app(new Cache({ max: 100 }));
  const first = await request(a).get('/api/items');
  for (const h of ['no-cache', 'no-store', 'max-age=0, no-cache']) {
    const again = await request(a).get('/api/items').set('Cache-Control', h);
    expect(again.headers['x-cache']).toBe('HIT');
    expect(again.body.n).toBe(first.body.n);
  }
});

test('respectCacheControl: no-cache recomputes and refreshes the entry, no-store recomputes and stores nothing', async () => {
  const cache = new Cache({ max: 100 });
  const a = app(cache, { respectCacheControl: true });
  const first = await request(a).get('/api/items');
  const bypass = await request(a).get('/api/items').set('Cache-Control', 'no-cache');
  expect(bypass.headers['x-cache']).toBe('BYPASS');
  expect(bypass.body.n).toBe(first.body.n + 1);
  const after = await request(a).get('/api/items');
  expect(after.headers['x-cache']).toBe('HIT');
  expect(after.body.n).toBe(bypass.body.n);
  const nostore = await request(a).get('/api/items').set('Cache-Control', 'no-store');
  expect(nostore.body.n).toBe(bypass.body.n + 1);
  expect((await request(a).get('/api/items')).body.n).toBe(bypass.body.n); // entry unchanged
});

describe('one user never gets another user\'s response', () => {
  function userApp(cache, options = {}) {
    const a = express();
    let n = 0;
    a.get('/me', cacheResponses({ cache, ...options }), (req, res) => {
      n += 1;
      res.json({ user: req.get('Authorization') || req.get('Cookie') || 'anonymous', n });
    });
    a.get('/login', cacheResponses({ cache, ...options }), (req, res) => {
      n += 1;
      res.cookie('sid', `s${n}`);
      res.json({ n });
    });
    a.get('/secret', cacheResponses({ cache, ...options }), (req, res) => {
      n += 1;
      res.set('Cache-Control', 'no-store');
      res.json({ n });
    });
    return a;
  }

  test.each(['Authorization', 'Cookie'])('requests carrying %s are neither served from nor stored in the cache by default', async (header) => {
    const cache = new Cache({ max: 100 });
    const a = userApp(cache);
    const anon = await request(a).get('/me');
    const alice = await request(a).get('/me').set(header, 'alice');
    expect(alice.body.user).toBe('alice');
    expect(alice.headers['x-cache']).toBe('BYPASS');
    const bob = await request(a).get('/me').set(header, 'bob');
    expect(bob.body.user).toBe('bob');
    expect((await request(a).get('/me').set(header, 'alice')).body.n).toBe(bob.body.n + 1);
    expect(cache.size).toBe(1); // the anonymous entry only
    expect((await request(a).get('/me')).body).toEqual(anon.body);
  });

  test.each(['Authorization', 'Cookie'])('vary: [%s] caches per value, the value hashed in the key', async (header) => {
    const cache = new Cache({ max: 100 });
    const a = userApp(cache, { vary: [header] });
    const alice = await request(a).get('/me').set(header, 'Bearer alice-token');
    const bob = await request(a).get('/me').set(header, 'Bearer bob-token');
    expect(bob.body.user).toBe('Bearer bob-token');
    const again = await request(a).get('/me').set(header, 'Bearer alice-token');
    expect(again.headers['x-cache']).toBe('HIT');
    expect(again.body).toEqual(alice.body);
    expect(again.headers.vary).toMatch(new RegExp(header));
    const keys = [];
    for (const k of ['http:/me']) keys.push(cache.invalidatePrefix(k));
    expect(keys[0]).toBe(2);
    // A request with the other credential header too is not separated by this key.
    const other = header === 'Cookie' ? 'Authorization' : 'Cookie';
    expect((await request(a).get('/me').set(header, 'Bearer alice-token').set(other, 'x')).headers['x-cache']).toBe('BYPASS');
  });

  test('the hashed key does not hold the credential', async () => {
    const seen = [];
    const cache = { get: (k) => { seen.push(k); }, set: (k) => { seen.push(k); } };
    await request(userApp(cache, { vary: ['Authorization'] })).get('/me').set('Authorization', 'Bearer s3cr3t');
    expect(seen.length).toBe(2);
    expect(seen.join(' ')).not.toMatch(/s3cr3t/);
  });

  test('keySeparatesUsers: the app key holds the user, so credentialed requests are cached under it', async () => {
    const cache = new Cache({ max: 100 });
    const key = (req) => `me:${req.get('Authorization') || '-'}`;
    const a = userApp(cache, { key, keySeparatesUsers: true });
    const alice = await request(a).get('/me').set('Authorization', 'alice');
    await request(a).get('/me').set('Authorization', 'bob');
    const again = await request(a).get('/me').set('Authorization', 'alice');
    expect(again.headers['x-cache']).toBe('HIT');
    expect(again.body).toEqual(alice.body);
    expect(() => cacheResponses({ cache, keySeparatesUsers: true })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_SPEC' }));
  });

  test('responses that set a cookie, or that the handler marks no-store, are never stored', async () => {
    const cache = new Cache({ max: 100 });
    const a = userApp(cache);
    const first = await request(a).get('/login');
    expect(first.headers['set-cookie']).toBeDefined();
    const second = await request(a).get('/login');
    expect(second.body.n).toBe(first.body.n + 1);
    expect(second.headers['set-cookie'][0]).toMatch(new RegExp(`sid=s${second.body.n}`));
    const s1 = await request(a).get('/secret');
    expect(s1.headers['cache-control']).toBe('no-store');
    expect((await request(a).get('/secret')).body.n).toBe(s1.body.n + 1);
    expect(cache.size).toBe(0);
  });
});

test('statuses: only 200 by default; the statuses given are stored and replayed with their status', async () => {
  const cache = new Cache({ max: 100 });
  const a = express();
  let n = 0;
  for (const [path, opts] of [['/d', {}], ['/s', { statuses: [200, 404] }]]) {
    a.get(`${path}/:code`, cacheResponses({ cache, ...opts }), (req, res) => { n += 1; res.status(Number(req.params.code)).json({ n }); });
  }
  await request(a).get('/d/404');
  expect((await request(a).get('/d/404')).body.n).toBe(2);
  await request(a).get('/d/201');
  expect((await request(a).get('/d/201')).body.n).toBe(4);
  const nf = await request(a).get('/s/404');
  const again = await request(a).get('/s/404');
  expect(again.status).toBe(404);
  expect(again.headers['x-cache']).toBe('HIT');
  expect(again.body).toEqual(nf.body);
  expect((await request(a).get('/s/500')).headers['x-cache']).toBe('MISS');
  expect(cache.size).toBe(1);
  expect(() => cacheResponses({ cache, statuses: ['200'] })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_SPEC' }));
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
  const { paginationParams } = require('../lib/integrations/express');
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
    expect(r.body).toEqual({
      page: 3, limit: 25, skip: 50, sort: { createdAt: -1, _id: -1 }, fields: { name: 1, price: 1, createdAt: 1, _id: 1 },
      after: null, before: null, backward: false, seek: null,
    });
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

  describe('?after= / ?before= (keyset cursors)', () => {
    const { ObjectId } = require('bson');
    const spec = pipeline.compile({
      collection: 'items', types: { _id: 'objectId', name: 'string' }, sortable: ['name'], secret: 'k', count: 'none',
    });
    const app = express();
    app.set('query parser', 'extended');
    app.get('/items', paginationParams({ spec }), (req, res) => res.json({ ...req.pagination, token: req.pagination.cursorOf({ _id: new ObjectId('64b7f0c2a1b2c3d4e5f60718'), name: 'x' }) }));
    const other = pipeline.compile({ collection: 'other', types: { _id: 'objectId' }, secret: 'k' });
    const tokenOf = (c, doc, params) => c.cursorAfter(doc, params);
    const doc = { _id: new ObjectId('64b7f0c2a1b2c3d4e5f60718'), name: 'Ann' };

    test('a valid token lands on req.pagination with its seek and direction', async () => {
      const t = tokenOf(spec, doc, { sort: 'name' });
      const r = await request(app).get(`/items?sort=name&after=${t}&limit=5`);
      expect(r.body.error).toBeUndefined();
      expect(r.body).toMatchObject({ page: null, skip: 0, limit: 5, after: t, before: null, backward: false, sort: { name: 1, _id: 1 } });
      expect(JSON.stringify(r.body.seek)).toContain('"$gt":"Ann"');
      const b = await request(app).get(`/items?sort=name&before=${t}`);
      expect(b.body).toMatchObject({ before: t, after: null, backward: true, sort: { name: -1, _id: -1 } });
      expect(JSON.stringify(b.body.seek)).toContain('"$lt":"Ann"');
      // cursorOf makes tokens this middleware accepts.
      const again = await request(app).get(`/items?sort=name&after=${r.body.token}`);
      expect(again.status).toBe(200);
    });

    test.each([
      ['after=nonsense', /cursor/],
      ['before=nonsense', /cursor/],
      ['after=', null],
      ['after[$gt]=1', /after must be a string/],
      ['before=a&before=b', /before must be a string/],
    ])('?%s → 400 ERR_INVALID_CURSOR (or ignored when empty)', async (qs, re) => {
      const r = await request(app).get(`/items?${qs}`);
      if (re === null) {
        expect(r.status).toBe(200);
        return;
      }
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('ERR_INVALID_CURSOR');
      expect(r.body.error.message).toMatch(re);
    });

    test('a tampered, foreign-spec, other-sort or doubled token is the same 400 as paginate gives', async () => {
      const t = tokenOf(spec, doc, { sort: 'name' });
      const cases = [
        `after=${t.slice(0, -2)}xx&sort=name`,
        `after=${tokenOf(other, doc, {})}`,
        `after=${t}`, // made for sort=name, used with the default sort
        `after=${t}&before=${t}&sort=name`,
      ];
      for (const qs of cases) {
        const r = await request(app).get(`/items?${qs}`);
        expect([r.status, r.body.error.code]).toEqual([400, 'ERR_INVALID_CURSOR']);
        const e = await spec.paginate({ aggregate: async () => [] }, Object.fromEntries(new URLSearchParams(qs))).catch((x) => x);
        expect(e.code).toBe('ERR_INVALID_CURSOR');
      }
    });
  });

  test('without allow-lists, sort and fields are refused', async () => {
    const plain = pagedApp({ maxLimit: 10 });
    expect((await request(plain).get('/list?limit=50')).body.limit).toBe(10);
    expect((await request(plain).get('/list?sort=name')).status).toBe(400);
  });
});
