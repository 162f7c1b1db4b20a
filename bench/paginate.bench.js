'use strict';
/**
 * paginate (issue 16): (1) a page with no `$lookup` as one aggregation vs `find().sort().
 * skip().limit()` — the question of item 4 — executed in mingo and, when MONGODB_URI is set,
 * in a real MongoDB; (2) a whole `paginate` call (page + count) of hotpath native / wasm vs
 * mongoose-paginate-v2 on the same mingo-backed model, first pages and deep pages, and a
 * keyset walk step (page + probe) vs the same page by skip.
 */
const { Aggregator, Query } = require('mingo');
const { ObjectId } = require('bson');
const v2 = require('mongoose-paginate-v2');
const { compare, record, backends, median } = require('./harness');

const [native, wasm] = backends();
const N = 20_000;
const docs = Array.from({ length: N }, (_, i) => ({
  _id: new ObjectId(i.toString(16).padStart(24, '0')), n: i % 97, s: `s${i % 7}`, amount: (i * 37) % 1000,
}));
const SPEC = {
  collection: 'items', types: { _id: 'objectId', n: 'number', s: 'string', amount: 'number' },
  sortable: ['n', 'amount'], filterable: { s: ['eq'] }, maxLimit: 100,
};

const exec = (value) => ({ exec: () => Promise.resolve(value), then: (a, b) => Promise.resolve(value).then(a, b) });
/** A model over `docs` for both libraries (aggregate for hotpath; find / countDocuments for v2). */
const model = {
  aggregate: (p) => Promise.resolve(new Aggregator(p).run(docs)),
  countDocuments: (q) => exec(new Query(q).find(docs).all().length),
  estimatedDocumentCount: () => exec(docs.length),
  find(q) {
    const st = {};
    const chain = {
      select: () => chain, lean: () => chain, populate: () => chain,
      sort: (s) => { st.sort = s; return chain; },
      skip: (k) => { st.skip = k; return chain; },
      limit: (l) => { st.limit = l; return chain; },
      exec: () => Promise.resolve(new Query(q).find(docs).sort(st.sort).skip(st.skip || 0).limit(st.limit)
        .all()),
    };
    return chain;
  },
};

async function findVsAggregate() {
  const c = native.api.pipeline.compile(SPEC);
  const rows = [];
  for (const page of [1, 50]) {
    const params = { filter: { s: 's3' }, sort: 'amount', page, limit: 20 };
    const { pipeline } = c.build(params);
    const filter = { s: 's3' };
    const sort = { amount: 1, _id: 1 };
    const a = new Aggregator(pipeline).run(docs).map((d) => d._id.toHexString());
    const f = new Query(filter).find(docs).sort(sort).skip((page - 1) * 20).limit(20)
      .all()
      .map((d) => d._id.toHexString());
    if (a.join() !== f.join()) throw new Error('aggregate and find disagree');
    const r = await compare(`mingo: one page (no $lookup), page ${page} of 20 out of ${N / 7 | 0} matches`, {
      'aggregate (hotpath pipeline)': () => new Aggregator(pipeline).run(docs),
      'find().sort().skip().limit()': () => new Query(filter).find(docs).sort(sort).skip((page - 1) * 20).limit(20).all(),
    }, { rounds: 5, time: 300 });
    rows.push({ task: `page ${page}`, findOverAggregate: Math.round((r[0].nsPerOp / r[1].nsPerOp) * 100) / 100 });
  }
  record('mingo: aggregate ns ÷ find ns (> 1: find is cheaper)', rows);
  await realMongo(c);
}

/** The same comparison on a real server (MONGODB_URI), median of 30 runs each. */
async function realMongo(c) {
  const uri = process.env.MONGODB_URI;
  if (!uri) {
    record('MongoDB: aggregate vs find (skipped: MONGODB_URI is not set)', []);
    return;
  }
  const { MongoClient } = require('mongodb'); // eslint-disable-line global-require
  const client = await MongoClient.connect(uri);
  try {
    const coll = client.db().collection(`hotpath_bench_${process.pid}`);
    await coll.insertMany(docs);
    await coll.createIndex({ s: 1, amount: 1, _id: 1 });
    const rows = [];
    for (const page of [1, 50]) {
      const { pipeline } = c.build({ filter: { s: 's3' }, sort: 'amount', page, limit: 20 }, { bson: require('mongodb') });
      const time = async (fn) => {
        const xs = [];
        for (let i = 0; i < 30; i++) {
          const t = process.hrtime.bigint();
          await fn();
          xs.push(Number(process.hrtime.bigint() - t) / 1e6);
        }
        return median(xs);
      };
      const agg = await time(() => coll.aggregate(pipeline).toArray());
      const find = await time(() => coll.find({ s: 's3' }).sort({ amount: 1, _id: 1 }).skip((page - 1) * 20).limit(20)
        .toArray());
      rows.push({ task: `page ${page}`, aggregateMs: agg, findMs: find, findOverAggregate: Math.round((agg / find) * 100) / 100 });
    }
    record('MongoDB: one page (no $lookup), median ms of 30', rows);
    await coll.drop();
  } finally {
    await client.close();
  }
}

async function wholeCalls() {
  const specs = [native, wasm].map((b) => b.api.pipeline.compile(SPEC));
  for (const page of [1, 50]) {
    const params = { filter: { s: 's3' }, sort: 'amount', page, limit: 20 };
    await compare(`paginate (page + count), page ${page}, mingo-backed`, {
      'mongoose-paginate-v2': () => v2.paginate.call(model, { s: 's3' }, { page, limit: 20, sort: { amount: 1, _id: 1 }, lean: true }),
      'hotpath native': () => specs[0].paginate(model, params),
      'hotpath wasm': () => specs[1].paginate(model, params),
      'hotpath native, v2 shape': () => specs[0].paginate(model, params, { customLabels: {} }),
    }, { rounds: 5, time: 400 });
  }
  const first = await specs[0].paginate(model, { sort: 'amount', limit: 20, page: 49 });
  await compare('keyset step (page + count + hasPrev probe) vs page 50 by skip, native', {
    'page 50 (skip 980)': () => specs[0].paginate(model, { sort: 'amount', limit: 20, page: 50 }),
    'after page 49 (cursor)': () => specs[0].paginate(model, { sort: 'amount', limit: 20, after: first.nextCursor }),
    'before a cursor (backward)': () => specs[0].paginate(model, { sort: 'amount', limit: 20, before: first.nextCursor }),
  }, { rounds: 5, time: 400 });
}

(async () => {
  await findVsAggregate();
  await wholeCalls();
})();
