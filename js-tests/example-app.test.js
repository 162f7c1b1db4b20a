'use strict';
// The example backend (examples/vagon-backend) through supertest. No MongoDB runs here: the
// real mongoose models (schemas, plugin, pre-save conversion) sit in front of an in-memory
// store — `aggregate` runs in mingo, `create` runs mongoose's own save hooks around a push.
// With MONGODB_URI set, js-tests/mongodb-integrations.test.js drives the same app for real.
const mongoose = require('mongoose');
const request = require('supertest');
const { Aggregator, Query, updateOne } = require('mingo');
const { createApp } = require('../examples/vagon-backend/app');

const { ObjectId } = mongoose.Types;

/** A Mongoose projection ('a b', '-c', { a: 1 }) as an object for mingo. */
const projectionOf = (select) => (typeof select === 'string'
  ? Object.fromEntries(select.split(/\s+/).filter(Boolean).map((f) => (f.startsWith('-') ? [f.slice(1), 0] : [f, 1])))
  : select || undefined);

/**
 * Each model as the app uses it, over arrays in `store`: aggregate and find run in mingo
 * (find with sort/limit options), create and updateOne run mongoose's own hooks around the
 * change. Every find/findById is logged in `queries` as `Model.op`.
 */
function memoryModels(store, queries = []) {
  const wrap = (Model) => {
    const coll = Model.collection.collectionName;
    const find = (filter, select, options = {}) => {
      let cursor = new Query(filter || {}).find(store[coll] || [], projectionOf(select));
      if (options.sort) cursor = cursor.sort(options.sort);
      if (options.limit) cursor = cursor.limit(options.limit);
      return cursor.all();
    };
    return {
      base: Model.base,
      schema: Model.schema,
      modelName: Model.modelName,
      find(filter, select, options) {
        queries.push(`${Model.modelName}.find`);
        return Promise.resolve(find(filter, select, options));
      },
      findById(id, select, options) {
        queries.push(`${Model.modelName}.findById`);
        return Promise.resolve(find({ _id: new ObjectId(String(id)) }, select, options)[0] ?? null);
      },
      async updateOne(filter, update) {
        const query = Model.updateOne(filter, update); // never executed: the hooks read its filter and update
        const cast = { ...filter, ...(filter._id ? { _id: new ObjectId(String(filter._id)) } : {}) };
        const result = updateOne(store[coll] || [], cast, update);
        await Model.schema.s.hooks.execPost('updateOne', query, [result], { filter: (h) => h.query !== false });
        return result;
      },
      aggregate: (p) => Promise.resolve(new Aggregator(p, { collectionResolver: (n) => store[n] || [] }).run(store[coll] || [])),
      async create(body) {
        const doc = new Model(body);
        await Model.schema.s.hooks.execPre('save', doc, [], { filter: (h) => h.document !== false });
        await doc.validate();
        (store[coll] ||= []).push(doc.toObject());
        await Model.schema.s.hooks.execPost('save', doc, [doc], { filter: (h) => h.document !== false });
        return doc;
      },
    };
  };
  return (models) => Object.fromEntries(Object.entries(models).map(([k, M]) => [k, wrap(M)]));
}

function fixture() {
  const clients = Array.from({ length: 5 }, (_, i) => ({ _id: new ObjectId(), name: `client ${i}`, phone: `+998 ${i}`, secret: 'x' }));
  const vagons = Array.from({ length: 4 }, (_, i) => ({ _id: new ObjectId(), vagonCode: `V-${i}`, month: '2026-11', status: 'open', internal: 1 }));
  const sales = Array.from({ length: 60 }, (_, i) => ({
    _id: new ObjectId(), client: clients[i % 5]._id, vagon: vagons[i % 4]._id,
    sale_date: new Date(Date.UTC(2026, 0, 1 + (i % 30))), createdAt: new Date(Date.UTC(2026, 1, 1, 0, i)),
    sale_currency: i % 2 ? 'USD' : 'RUB', total_price: 100 + i, status: 'sold', isDeleted: i === 7,
  }));
  const types = ['client_payment', 'debt_payment', 'expense', 'vagon_expense', 'debt_sale'];
  const cashes = Array.from({ length: 50 }, (_, i) => ({
    _id: new ObjectId(), type: types[i % 5], amount: Number(((i * 37.13) % 1000).toFixed(2)), currency: 'USD', isDeleted: i === 3,
  }));
  return { clients, vagons, vagonsales: sales, cashes, vagonlots: [] };
}

function setup(extra = {}) {
  const store = fixture();
  const recalculated = [];
  const queries = [];
  const app = createApp({
    mongoose: new mongoose.Mongoose(), // its own models, so each app's hooks use its own cache
    adaptModels: memoryModels(store, queries), lookupForm: 'let', totalsWait: 50,
    recalculateTotals: async (id) => { recalculated.push(id); }, ...extra,
  });
  return { app, store, recalculated, queries, hp: app.locals.hotpath };
}

test('GET /api/vagon-sales: a page, sorted, joined with projected fields only, then served from cache', async () => {
  const { app, store } = setup();
  const r = await request(app).get('/api/vagon-sales?limit=5&sort=-total_price');
  expect(r.status).toBe(200);
  expect(r.body.docs).toHaveLength(5);
  const live = store.vagonsales.filter((s) => !s.isDeleted).sort((a, b) => b.total_price - a.total_price);
  expect(r.body.docs.map((d) => d.total_price)).toEqual(live.slice(0, 5).map((s) => s.total_price));
  expect(Object.keys(r.body.docs[0].clientInfo).sort()).toEqual(['_id', 'name', 'phone']);
  expect(Object.keys(r.body.docs[0].vagonInfo).sort()).toEqual(['_id', 'month', 'status', 'vagonCode']);
  expect(r.body.meta).toMatchObject({ total: 59, limit: 5, currentPage: 1, totalPages: 12, hasNextPage: true, hasPrevPage: false });
  const again = await request(app).get('/api/vagon-sales?limit=5&sort=-total_price');
  expect(again.headers['x-cache']).toBe('HIT');
  expect(again.body).toEqual(r.body);
});

test('GET /api/vagon-sales: limit clamped to 100; bad page and operators are 400 with a code', async () => {
  const { app } = setup();
  expect((await request(app).get('/api/vagon-sales?limit=500')).body.meta.limit).toBe(100);
  const bad = await request(app).get('/api/vagon-sales?page=0');
  expect(bad.status).toBe(400);
  expect(bad.body.error.code).toBe('ERR_INVALID_PAGINATION');
  const evil = await request(app).get('/api/vagon-sales?client[$where]=sleep(1000)');
  expect(evil.status).toBe(400);
  expect(evil.body.error.code).toBe('ERR_FORBIDDEN_OPERATOR');
});

test('balance is exact and cached; POST /api/cash invalidates it (the write is seen at once)', async () => {
  const { app, store } = setup();
  const cents = (type) => store.cashes.filter((c) => !c.isDeleted && c.type === type).reduce((s, c) => s + BigInt(Math.round(c.amount * 100)), 0n);
  const income = cents('client_payment') + cents('debt_payment');
  const expense = cents('expense') + cents('vagon_expense');
  const first = await request(app).get('/api/cash/balance?currency=USD');
  expect(first.status).toBe(200);
  expect(BigInt(Math.round(first.body.income * 100))).toBe(income);
  expect(BigInt(Math.round(first.body.balance * 100))).toBe(income - expense);
  store.cashes.push({ _id: new ObjectId(), type: 'client_payment', amount: 1000, currency: 'USD' }); // behind the app's back
  expect((await request(app).get('/api/cash/balance?currency=USD')).body.income).toBe(first.body.income); // cached
  const posted = await request(app).post('/api/cash').send({ type: 'client_payment', amount: 0.1, currency: 'USD' });
  expect(posted.status).toBe(201);
  const after = await request(app).get('/api/cash/balance?currency=USD');
  expect(BigInt(Math.round(after.body.income * 100))).toBe(income + 100000n + 10n);
});

test('POST /api/vagon-lots converts before save (fallback rate) and debounces the vagon totals: 3 saves → 1 run', async () => {
  const { app, recalculated, hp } = setup();
  const vagon = new ObjectId().toHexString();
  for (let i = 0; i < 3; i++) {
    const r = await request(app).post('/api/vagon-lots').send({ vagon, total_investment: 9000, purchase_currency: 'RUB', dimensions: '2x3' });
    expect(r.status).toBe(201);
    expect(r.body.base_currency_total_investment).toBe(99);
  }
  expect(recalculated).toEqual([]);
  await hp.totals.flush();
  expect(recalculated).toEqual([vagon]);
  await hp.totals.close();
});

test('GET /api/vagon-sales/recent: a client per row in 2 queries with loaderFor, N+1 with a findById per row', async () => {
  const expected = (store, n) => store.vagonsales.filter((x) => !x.isDeleted)
    .sort((a, b) => b.createdAt - a.createdAt).slice(0, n)
    .map((x) => { const c = store.clients.find((k) => k._id.equals(x.client)); return { total: x.total_price, client: { _id: String(c._id), name: c.name, phone: c.phone } }; });
  const shape = (body) => body.map((r) => ({ total: r.total_price, client: r.client }));

  const naive = setup({ batchRelated: false });
  const before = await request(naive.app).get('/api/vagon-sales/recent?limit=12');
  expect(before.status).toBe(200);
  expect(shape(before.body)).toEqual(expected(naive.store, 12));
  expect(naive.queries).toEqual(['VagonSale.find', ...Array(12).fill('Client.findById')]); // N + 1

  const batched = setup();
  const after = await request(batched.app).get('/api/vagon-sales/recent?limit=12');
  expect(shape(after.body)).toEqual(expected(batched.store, 12));
  expect(Object.keys(after.body[0]).sort()).toEqual(Object.keys(before.body[0]).sort());
  expect(batched.queries).toEqual(['VagonSale.find', 'Client.find']); // 2, whatever the page size

  batched.queries.length = 0;
  await request(batched.app).get('/api/vagon-sales/recent?limit=12');
  expect(batched.queries).toEqual(['VagonSale.find']); // clients memoised (ttl 60 s)

  // A write through the model: the plugin on the Client schema clears that client's entry.
  const renamed = after.body[0].client._id;
  expect((await request(batched.app).patch(`/api/clients/${renamed}`).send({ name: 'Renamed Ltd' })).status).toBe(204);
  batched.queries.length = 0;
  const fresh = await request(batched.app).get('/api/vagon-sales/recent?limit=12');
  expect(fresh.body.filter((r) => r.client._id === renamed).every((r) => r.client.name === 'Renamed Ltd')).toBe(true);
  expect(fresh.body.filter((r) => r.client._id !== renamed).every((r) => r.client.name !== 'Renamed Ltd')).toBe(true);
  expect(batched.queries).toEqual(['VagonSale.find', 'Client.find']);
  expect(batched.hp.clients.cacheMap.size).toBe(5);
  expect((await request(batched.app).patch('/api/clients/nope').send({ name: 'x' })).status).toBe(404);
});
