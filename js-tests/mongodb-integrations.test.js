'use strict';
/**
 * The example backend and the Mongoose plugin against a real MongoDB (MONGODB_URI): real
 * writes fire the plugin's hooks, real aggregations serve the routes. Without MONGODB_URI the
 * suite is skipped with a printed reason (never a failure); js-tests/example-app.test.js runs
 * the same routes on an in-memory store.
 */
const request = require('supertest');

const URI = process.env.MONGODB_URI;
if (!URI) {
  // eslint-disable-next-line no-console
  console.log('mongodb-integrations: skipped — set MONGODB_URI (e.g. mongodb://127.0.0.1:27017) to run the example backend against a real MongoDB');
}
const maybe = URI ? describe : describe.skip;

maybe('example backend against a real MongoDB', () => {
  const mongoose = require('mongoose');
  const { createApp } = require('../examples/vagon-backend/app');
  const m = new mongoose.Mongoose();
  const recalculated = [];
  let app;

  beforeAll(async () => {
    await m.connect(URI, { dbName: `hotpath_example_${process.pid}_${process.env.HOTPATH_BACKEND}`, serverSelectionTimeoutMS: 5000 });
    app = createApp({ mongoose: m, totalsWait: 50, recalculateTotals: async (id) => { recalculated.push(id); } });
    const { Cash, VagonSale } = app.locals.hotpath.models;
    await Cash.insertMany([
      { type: 'client_payment', amount: 100.1, currency: 'USD' },
      { type: 'expense', amount: 0.2, currency: 'USD' },
      { type: 'debt_sale', amount: 5, currency: 'USD', isDeleted: true },
    ]);
    await VagonSale.insertMany(Array.from({ length: 30 }, (_, i) => ({ total_price: i, sale_currency: 'USD', sale_date: new Date(2026, 0, i + 1) })));
  }, 60_000);
  afterAll(async () => {
    await app.locals.hotpath.totals.close();
    await m.connection.db.dropDatabase();
    await m.disconnect();
  });

  test('sales page, balance cached then invalidated by a real write, debounced totals', async () => {
    const page = await request(app).get('/api/vagon-sales?limit=7&sort=-total_price');
    expect(page.status).toBe(200);
    expect(page.body.docs.map((d) => d.total_price)).toEqual([29, 28, 27, 26, 25, 24, 23]);
    expect(page.body.meta).toMatchObject({ total: 30, limit: 7, totalPages: 5 });
    const before = await request(app).get('/api/cash/balance?currency=USD');
    expect(before.body).toMatchObject({ income: 100.1, expense: 0.2, balance: 99.9 });
    expect((await request(app).post('/api/cash').send({ type: 'client_payment', amount: 0.2, currency: 'USD' })).status).toBe(201);
    expect((await request(app).get('/api/cash/balance?currency=USD')).body.income).toBe(100.3);
    const vagon = new m.Types.ObjectId().toHexString();
    for (let i = 0; i < 3; i++) await request(app).post('/api/vagon-lots').send({ vagon, total_investment: 900, purchase_currency: 'RUB' });
    await app.locals.hotpath.totals.flush();
    expect(recalculated).toEqual([vagon]);
  }, 30_000);

  test('recent sales with their clients through loaderFor; a PATCH clears the client loader', async () => {
    const { Client, VagonSale } = app.locals.hotpath.models;
    const [a, b] = await Client.insertMany([{ name: 'A', phone: '1' }, { name: 'B', phone: '2' }]);
    await VagonSale.insertMany([{ client: a._id, total_price: 1000 }, { client: b._id, total_price: 1001 }, { client: a._id, total_price: 1002 }]);
    const first = await request(app).get('/api/vagon-sales/recent?limit=3');
    expect(first.body.map((r) => [r.total_price, r.client.name])).toEqual([[1002, 'A'], [1001, 'B'], [1000, 'A']]);
    expect((await request(app).patch(`/api/clients/${a._id}`).send({ name: 'A2' })).status).toBe(204);
    const again = await request(app).get('/api/vagon-sales/recent?limit=3');
    expect(again.body.map((r) => r.client.name)).toEqual(['A2', 'B', 'A2']);
  }, 30_000);
});
