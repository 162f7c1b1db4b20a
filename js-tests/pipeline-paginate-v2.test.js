'use strict';
/**
 * Result shapes (issue 16 item 1): hotpath's `paginate(Model, params, { customLabels })` and
 * the `Model.paginate` plugin against mongoose-paginate-v2 itself, both run on the same
 * mingo-backed model (v2 through find / countDocuments / estimatedDocumentCount, hotpath
 * through aggregate), for fast-check data with ties and nulls, pages past the end and every
 * customLabels case (renamed, dropped, nested under meta). Runs on both backends.
 */
const fc = require('fast-check');
const mongoose = require('mongoose');
const { ObjectId } = require('bson');
const { Aggregator, Query } = require('mingo');
const v2 = require('mongoose-paginate-v2');
const hotpath = require('../');
const { paginatePlugin } = require('../lib/integrations/mongoose');

const oid = (n) => new ObjectId(n.toString(16).padStart(24, '0'));
const exec = (value) => ({ exec: () => Promise.resolve(value), then: (a, b) => Promise.resolve(value).then(a, b) });

/** A model over `docs` that both libraries can run on (only what each calls). */
function mingoModel(docs, extra = {}) {
  const copy = () => docs.map((d) => ({ ...d }));
  const count = (q) => new Query(q || {}).find(docs).all().length;
  return {
    modelName: 'Item',
    collection: { name: 'items' },
    aggregate: (p) => Promise.resolve(new Aggregator(p).run(copy())),
    countDocuments: (q) => exec(count(q)),
    estimatedDocumentCount: () => exec(docs.length),
    find(q) {
      const st = { skip: 0, limit: 0, sort: null };
      const chain = {
        populate: () => chain, select: () => chain, lean: () => chain, read: () => chain, allowDiskUse: () => chain,
        sort: (s) => { st.sort = s; return chain; },
        skip: (n) => { st.skip = n; return chain; },
        limit: (n) => { st.limit = n; return chain; },
        exec: () => {
          let c = new Query(q || {}).find(copy());
          if (st.sort) c = c.sort(st.sort);
          c = c.skip(st.skip);
          if (st.limit) c = c.limit(st.limit);
          return Promise.resolve(c.all());
        },
      };
      return chain;
    },
    ...extra,
  };
}

const arbDocs = fc.array(fc.record({
  n: fc.constantFrom(1, 2, 3, null, undefined),
  s: fc.constantFrom('a', 'b', 'B', '', undefined),
}), { maxLength: 30, size: 'max' }).map((rows) => rows.map((r, i) => {
  const d = { _id: oid(i + 1) };
  if (r.n !== undefined) d.n = r.n;
  if (r.s !== undefined) d.s = r.s;
  return d;
}));

const NAMES = ['docs', 'totalDocs', 'limit', 'totalPages', 'page', 'pagingCounter', 'hasPrevPage', 'hasNextPage', 'prevPage', 'nextPage'];
/** A customLabels object: some labels renamed, some dropped (not docs), maybe nested under meta. */
const arbLabels = fc.record({
  renamed: fc.subarray(NAMES),
  dropped: fc.subarray(NAMES.filter((n) => n !== 'docs' && n !== 'totalDocs')),
  meta: fc.constantFrom(null, 'paginator'),
}).map(({ renamed, dropped, meta }) => {
  const labels = {};
  for (const n of renamed) labels[n] = `my_${n}`;
  for (const n of dropped) labels[n] = false;
  if (meta) labels.meta = meta;
  return labels;
});
const arbFilter = fc.constantFrom({}, { n: { $gte: 2 } }, { s: 'a' }, { n: null });

const spec = hotpath.pipeline.compile({
  collection: 'items', types: { _id: 'objectId', n: 'number', s: 'string' }, sortable: ['n', 's'],
  defaultSort: [['_id', 1]], maxLimit: 50, count: 'separate',
});

/** The result without hotpath's own keys (under their labels), docs as comparable text. */
function v2Part(r, labels) {
  const extra = new Set(['nextCursor', 'prevCursor'].map((k) => (labels[k] === undefined ? k : labels[k])));
  const strip = (o) => Object.fromEntries(Object.entries(o).filter(([k]) => !extra.has(k)));
  const out = strip(r);
  if (labels.meta) out[labels.meta] = strip(out[labels.meta]);
  const docsKey = labels.docs || 'docs';
  out[docsKey] = out[docsKey].map((d) => JSON.stringify(Object.entries(d).sort()));
  return out;
}
const keysDeep = (r, labels) => [Object.keys(r), labels.meta ? Object.keys(r[labels.meta]) : []];

test('paginate(Model, params, { customLabels }) equals mongoose-paginate-v2 (fast-check)', async () => {
  let nonEmpty = 0;
  await fc.assert(fc.asyncProperty(
    arbDocs, arbFilter, fc.constantFrom('n', 's'), fc.constantFrom(1, -1), fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }), fc.integer({ min: 1, max: 8 }), arbLabels,
    async (docs, filter, key, dir, page, limit, customLabels) => {
      const Model = mingoModel(docs);
      const want = await v2.paginate.call(Model, filter, {
        ...(page === undefined ? {} : { page }), limit, sort: { [key]: dir, _id: dir }, lean: true, customLabels,
      });
      const got = await spec.paginate(Model, { page, limit, sort: [[key, dir]] }, {
        match: filter, leanWithId: true, customLabels,
      });
      expect(keysDeep(v2Part(got, customLabels), customLabels)).toEqual(keysDeep(want, customLabels));
      expect(v2Part(got, customLabels)).toEqual(v2Part(want, customLabels));
      if ((got[customLabels.docs || 'docs']).length) nonEmpty += 1;
    },
  ), { numRuns: 200 });
  expect(nonEmpty).toBeGreaterThan(60);
});

test('pagination: false equals mongoose-paginate-v2 (all matches, sorted, its metadata)', async () => {
  await fc.assert(fc.asyncProperty(arbDocs, arbFilter, arbLabels, async (docs, filter, customLabels) => {
    const Model = mingoModel(docs);
    const want = await v2.paginate.call(Model, filter, { pagination: false, sort: { n: -1, _id: -1 }, lean: true, customLabels });
    const got = await spec.paginate(Model, { sort: '-n', limit: 2 }, { match: filter, leanWithId: true, pagination: false, customLabels });
    expect(v2Part(got, customLabels)).toEqual(v2Part(want, customLabels));
  }), { numRuns: 60 });
});

describe('Model.paginate (hotpath/mongoose paginatePlugin): the plugin line is the only change', () => {
  const schema = new mongoose.Schema({ n: Number, s: String, at: Date, owner: mongoose.Schema.Types.ObjectId });
  const v2Schema = schema.clone();
  schema.plugin(paginatePlugin);
  v2Schema.plugin(v2);
  const bind = (s, docs, extra) => {
    const M = mingoModel(docs, { schema: s, hydrate: (d) => ({ ...d, hydrated: true }), ...extra });
    M.paginate = s.statics.paginate.bind(M);
    return M;
  };

  test('same call, same result (fast-check, lean and hydrated)', async () => {
    await fc.assert(fc.asyncProperty(
      arbDocs, arbFilter, fc.constantFrom('n', '-n', 's', '-s'), fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }), fc.integer({ min: 1, max: 7 }), arbLabels, fc.boolean(),
      async (docs, filter, sortText, page, limit, customLabels, lean) => {
        const dir = sortText.startsWith('-') ? -1 : 1;
        const options = { ...(page === undefined ? {} : { page }), limit, customLabels, lean };
        const want = await bind(v2Schema, docs).paginate(filter, { ...options, sort: { [sortText.replace('-', '')]: dir, _id: dir } });
        const got = await bind(schema, docs).paginate(filter, { ...options, sort: sortText });
        if (!lean) {
          // v2's fake find does not hydrate: hotpath hydrated every document (Model.hydrate).
          const d = got[customLabels.docs || 'docs'];
          expect(d.every((x) => x.hydrated === true)).toBe(true);
          for (const x of d) delete x.hydrated;
        }
        expect(v2Part(got, customLabels)).toEqual(v2Part(want, customLabels));
      },
    ), { numRuns: 100 });
  });

  test('defaults: v2 page size 10, _id order; cursors in the result continue the listing', async () => {
    const docs = Array.from({ length: 25 }, (_, i) => ({ _id: oid(i + 1), n: i % 3 }));
    const M = bind(schema, docs);
    const r = await M.paginate({}, { lean: true });
    expect(r.docs.map((d) => d._id.toHexString())).toEqual(docs.slice(0, 10).map((d) => d._id.toHexString()));
    expect([r.totalDocs, r.limit, r.totalPages, r.page, r.hasNextPage, r.nextPage, r.pagingCounter]).toEqual([25, 10, 3, 1, true, 2, 1]);
    const next = await M.paginate({}, { lean: true, after: r.nextCursor });
    expect(next.docs[0]._id.toHexString()).toBe(docs[10]._id.toHexString());
    expect([next.page, next.hasPrevPage, next.hasNextPage]).toEqual([null, true, true]);
    const back = await M.paginate({}, { lean: true, before: next.prevCursor });
    expect(back.docs.map((d) => d.id)).toEqual(r.docs.map((d) => d.id));
  });

  test('v2 options without an equivalent are refused, naming the option and the replacement', async () => {
    const M = bind(schema, []);
    for (const [opt, word] of [['populate', 'lookups'], ['offset', 'page'], ['useCustomCountFn', 'count'], ['nope', 'nope']]) {
      const e = await M.paginate({}, { [opt]: 1 }).catch((x) => x);
      expect(e.code).toBe('ERR_INVALID_PAGINATION');
      expect(e.message).toContain(`options.${opt}`);
      expect(e.message).toContain(word);
    }
    const e = await M.paginate('x').catch((x) => x);
    expect(e.code).toBe('ERR_INVALID_PAGINATION');
  });

  test('select / projection become the last $project, keeping the sort keys; useEstimatedCount', async () => {
    const seen = [];
    const docs = [{ _id: oid(1), n: 1, s: 'x', at: new Date(0) }];
    const M = bind(schema, docs, {
      aggregate: (p) => { seen.push(p); return Promise.resolve(new Aggregator(p).run(docs.map((d) => ({ ...d })))); },
      estimatedDocumentCount: () => exec(7),
    });
    const r = await M.paginate({}, { select: 's', sort: '-n', lean: true, leanWithId: false, useEstimatedCount: true });
    expect(seen[0][seen[0].length - 1]).toEqual({ $project: { s: 1, n: 1, _id: 1 } });
    expect(r.docs).toEqual([{ _id: docs[0]._id, s: 'x', n: 1 }]);
    expect([r.totalDocs, r.totalIsEstimate]).toEqual([7, true]);
    const e = await M.paginate({}, { select: '-n', sort: 'n' }).catch((x) => x);
    expect(e.code).toBe('ERR_INVALID_PAGINATION');
    expect(e.message).toContain('options.project must not exclude the sort key "n"');
  });
});
