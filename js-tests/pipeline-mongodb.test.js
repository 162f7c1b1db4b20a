'use strict';
/**
 * The pipeline checks against a real MongoDB (MONGODB_URI, e.g. mongodb://127.0.0.1:27017).
 * Uses the default `localField` + `pipeline` lookup form (MongoDB ≥ 5.0), which mingo cannot
 * run. Without MONGODB_URI the suite is skipped with a printed reason (never a failure).
 */
const fc = require('fast-check');
const hotpath = require('../');
const fx = require('./pipeline/fixtures');

const URI = process.env.MONGODB_URI;
if (!URI) {
  // eslint-disable-next-line no-console
  console.log('pipeline-mongodb: skipped — set MONGODB_URI (e.g. mongodb://127.0.0.1:27017) to run the pipeline checks against a real MongoDB');
}
const maybe = URI ? describe : describe.skip;

maybe('pipeline against a real MongoDB', () => {
  const mongoose = require('mongoose');
  const data = fx.makeData({ sales: 2000, vagons: 200, clients: 300, lots: 100, seed: 11 });
  const dbName = `hotpath_pipeline_${process.pid}_${hotpath.backend}`;
  let conn;
  let Sale;
  const spec = hotpath.pipeline.compile(fx.salesSpec({ lookupForm: 'localField' }));
  const facet = hotpath.pipeline.compile(fx.salesSpec({ lookupForm: 'localField', count: 'facet' }));
  const clientIds = data.clients.map((c) => c._id.toHexString());

  beforeAll(async () => {
    conn = await mongoose.createConnection(URI, { dbName, serverSelectionTimeoutMS: 5000 }).asPromise();
    for (const [name, docs] of Object.entries(data)) await conn.db.collection(name).insertMany(docs.map((d) => ({ ...d })));
    Sale = conn.model('VagonSale', new mongoose.Schema({}, { strict: false }), 'vagonsales');
  }, 60_000);
  afterAll(async () => {
    if (conn) { await conn.db.dropDatabase(); await conn.close(); }
  });

  const run = (pipeline) => Sale.aggregate(pipeline);

  test('random filters/sorts/pages: same page as the original order and the reference', async () => {
    await fc.assert(fc.asyncProperty(
      fc.record({
        client: fc.option(fc.constantFrom(...clientIds), { nil: undefined }),
        amountGte: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
        statuses: fc.option(fc.subarray(fx.STATUSES, { minLength: 1 }), { nil: undefined }),
        clientPrefix: fc.option(fc.constantFrom('A', 'Bek'), { nil: undefined }),
      }, { requiredKeys: [] }),
      fc.constantFrom([['createdAt', -1]], [['amount', 1], ['createdAt', -1]], [['clientInfo.name', 1]]),
      fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 50 }),
      async (q, sort, page, limit) => {
        const b = spec.build({ filter: fx.toFilter(q), page, limit, sort });
        const skip = (page - 1) * limit;
        const got = fx.canon(await run(b.pipeline));
        expect(got).toBe(fx.canon(await run(fx.originalOrder(q, sort, skip, limit))));
        const ref = fx.reference(data, q, sort, skip, limit);
        expect(got).toBe(fx.canon(ref.page));
        const [c] = await run(b.countPipeline);
        expect((c && c.n) || 0).toBe(ref.total);
      },
    ), { numRuns: 100 });
  }, 120_000);

  test('facet count and empty totals', async () => {
    const r = await facet.paginate(Sale, { page: 2, limit: 20 });
    expect(r.docs).toHaveLength(20);
    expect(r.meta.total).toBe(fx.reference(data, {}, [['createdAt', -1]], 0, 0).total);
    const none = await facet.paginate(Sale, { filter: { amount: { $gte: 1e9 } } });
    expect(none.meta.total).toBe(0);
  });

  test('cursor walk visits every document once under ties', async () => {
    for (const sort of [[['amount', 1]], [['createdAt', -1], ['amount', 1]]]) {
      const seen = [];
      let cursor;
      for (;;) {
        const r = await spec.paginate(Sale, { sort, limit: 97, cursor });
        seen.push(...r.docs.map((d) => d._id.toHexString()));
        if (!r.nextCursor) break;
        cursor = r.nextCursor;
      }
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toEqual(fx.reference(data, {}, sort, 0, 1e9).page.map((d) => d._id.toHexString()));
    }
  }, 60_000);

  // Int64 values around 2^53: the driver returns those above 2^53 as Long (promoteLongs), the
  // others as numbers; the seek must neither repeat nor skip a row (issue 12 item 14).
  test('cursor walk over Int64 sort values around 2^53, with ties and nulls', async () => {
    const { Long, ObjectId } = mongoose.mongo;
    const base = 2n ** 53n;
    const docs = Array.from({ length: 60 }, (_, i) => ({
      _id: new ObjectId((0x10 + i).toString(16).padStart(24, '0')),
      ...(i % 20 === 9 ? {} : { seq: i % 10 === 9 ? null : Long.fromBigInt(base + BigInt(i % 7) - 3n) }),
    }));
    await conn.db.collection('ledger').insertMany(docs);
    const ledger = hotpath.pipeline.compile({ collection: 'ledger', types: { _id: 'objectId', seq: 'number' }, sortable: ['seq'], count: 'none' });
    const Model = { aggregate: (p) => conn.db.collection('ledger').aggregate(p).toArray() };
    const key = (d) => (d.seq === null || d.seq === undefined ? null : BigInt(d.seq.toString()));
    for (const dir of [1, -1]) {
      const want = [...docs].sort((a, b) => {
        const x = key(a); const y = key(b);
        const c = x === y ? 0 : x === null ? -1 : y === null ? 1 : x < y ? -1 : 1;
        return (c || (a._id.toHexString() < b._id.toHexString() ? -1 : 1)) * dir;
      }).map((d) => d._id.toHexString());
      const seen = [];
      let cursor;
      for (let i = 0; i < 100; i++) {
        const r = await ledger.paginate(Model, { sort: [['seq', dir]], limit: 4, cursor });
        seen.push(...r.docs.map((d) => d._id.toHexString()));
        if (!r.nextCursor) break;
        cursor = r.nextCursor;
      }
      expect(seen).toEqual(want);
    }
  });

  test('the suggested index serves the query without a blocking sort', async () => {
    const params = { filter: { client: clientIds[1], sale_date: { $gte: '2024-03-01' } }, sort: { sale_date: -1 } };
    const idx = spec.suggestIndex(params);
    await conn.db.collection('vagonsales').createIndex(idx);
    const b = spec.build(params);
    const explain = await conn.db.collection('vagonsales').aggregate(b.pipeline.slice(0, 4)).explain();
    expect(JSON.stringify(explain)).toContain('IXSCAN');
    expect(JSON.stringify(explain)).not.toContain('"stage":"SORT"');
  });

  // Issue 16: each new paginate option on a real server.
  describe('paginate options, counts and cursors both ways (issue 16)', () => {
    const ids = (docs) => docs.map((d) => d._id.toHexString());
    const all = (sort) => ids(fx.reference(data, {}, sort, 0, 1e9).page);

    test('backward walk from the end = the forward walk reversed; mixed walk back to page 1', async () => {
      const sort = [['amount', 1]];
      const pages = [];
      let r = await spec.paginate(Sale, { sort, limit: 97, fromEnd: true });
      for (;;) {
        pages.unshift(ids(r.docs));
        if (!r.prevCursor) break;
        r = await spec.paginate(Sale, { sort, limit: 97, before: r.prevCursor });
      }
      expect(pages.flat()).toEqual(all(sort));
      const first = await spec.paginate(Sale, { sort, limit: 50 });
      const third = await spec.paginate(Sale, { sort, limit: 50, after: (await spec.paginate(Sale, { sort, limit: 50, after: first.nextCursor })).nextCursor });
      const second = await spec.paginate(Sale, { sort, limit: 50, before: third.prevCursor });
      expect(ids(second.docs)).toEqual(all(sort).slice(50, 100));
      expect([second.meta.hasPrevPage, second.meta.hasNextPage]).toEqual([true, true]);
    }, 60_000);

    test("count 'estimated' uses estimatedDocumentCount without a filter, the exact count with one", async () => {
      const est = hotpath.pipeline.compile(fx.salesSpec({ lookupForm: 'localField', count: 'estimated' }));
      const r = await est.paginate(Sale, { limit: 5 });
      expect([r.meta.totalIsEstimate, r.meta.total]).toEqual([true, data.vagonsales.length]);
      const f = await est.paginate(Sale, { limit: 5, filter: { client: clientIds[0] } });
      expect(f.meta.totalIsEstimate).toBe(false);
      expect(f.meta.total).toBe(fx.reference(data, { client: clientIds[0] }, [['createdAt', -1]], 0, 0).total);
    });

    test("count 'capped' reports maxCount as a lower bound", async () => {
      const capped = hotpath.pipeline.compile(fx.salesSpec({ lookupForm: 'localField', count: 'capped', maxCount: 100 }));
      const r = await capped.paginate(Sale, { limit: 5 }, { customLabels: {} });
      expect([r.totalDocs, r.totalIsLowerBound, r.hasNextPage]).toEqual([100, true, true]);
    });

    test('collation, allowDiskUse, maxTimeMS and read reach the server', async () => {
      const opts = { collation: { locale: 'en', strength: 2 }, allowDiskUse: true, maxTimeMS: 5000, read: 'primaryPreferred' };
      const r = await spec.paginate(Sale, { limit: 10, sort: [['clientInfo.name', 1]] }, opts);
      expect(r.docs).toHaveLength(10);
      const e = await spec.paginate(Sale, { limit: 10 }, { maxTimeMS: 1, allowDiskUse: false, pagination: false }).catch((x) => x);
      // maxTimeMS: 1 may or may not expire on a small collection; either way no hotpath error.
      expect(e instanceof hotpath.HotpathError).toBe(false);
      const all2 = await spec.paginate(Sale, {}, { pagination: false, lean: false });
      expect(all2.docs).toHaveLength(fx.reference(data, {}, [['createdAt', -1]], 0, 0).total);
      expect(typeof all2.docs[0].save).toBe('function');
    });

    test('Model.paginate (paginatePlugin) on a real model: v2 shape, hydrated, cursors', async () => {
      const { paginatePlugin } = require('../lib/integrations/mongoose');
      const schema = new mongoose.Schema({ amount: Number, status: String, createdAt: Date, client: mongoose.Schema.Types.ObjectId }, { strict: false });
      schema.plugin(paginatePlugin, { spec: { softDelete: { isDeleted: { $ne: true } } } });
      const M = conn.model(`PSale_${hotpath.backend}`, schema, 'vagonsales');
      const r = await M.paginate({ client: clientIds[2] }, { page: 1, limit: 3, sort: '-amount' });
      expect(r.docs.every((d) => typeof d.save === 'function')).toBe(true);
      expect(r.totalDocs).toBe(data.vagonsales.filter((d) => !d.isDeleted && d.client.toHexString() === clientIds[2]).length);
      if (r.hasNextPage) {
        const n = await M.paginate({ client: clientIds[2] }, { limit: 3, sort: '-amount', after: r.nextCursor, lean: true });
        expect(n.docs[0]._id.toHexString()).not.toBe(r.docs[2]._id.toHexString());
      }
    });
  });
});
