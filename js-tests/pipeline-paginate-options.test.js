'use strict';
/**
 * paginate's counts (issue 16 item 2) and the options users pass through (item 5): what the
 * model receives for each option (a recording model over mingo), the count each mode runs
 * (and its fallback), and ERR_INVALID_PAGINATION naming a bad option. Both backends.
 */
const { ObjectId } = require('bson');
const { Aggregator } = require('mingo');
const hotpath = require('../');

const { pipeline } = hotpath;
const oid = (n) => new ObjectId(n.toString(16).padStart(24, '0'));
const DOCS = Array.from({ length: 30 }, (_, i) => ({ _id: oid(i + 1), n: i % 4, s: `s${i % 5}`, deleted: i % 10 === 9 }));

/** Records every call: aggregate(pipeline, options), estimatedDocumentCount(options), read(...). */
function recorder(docs = DOCS, { withRead = false, estimate = 1234 } = {}) {
  const calls = [];
  const run = (p) => new Aggregator(p).run(docs.map((d) => ({ ...d })));
  const answer = (value, kind) => {
    const promise = Promise.resolve(value);
    if (!withRead) return promise;
    return { read: (mode, tags) => { calls.push({ read: [kind, mode, tags] }); return promise; }, then: (a, b) => promise.then(a, b) };
  };
  return {
    calls,
    aggregate: (p, opts) => { calls.push({ aggregate: p, opts }); return answer(run(p), 'aggregate'); },
    estimatedDocumentCount: (opts) => { calls.push({ estimated: opts }); return answer(estimate, 'estimated'); },
    hydrate: (d) => ({ hydrated: d }),
  };
}

const base = {
  collection: 'items', types: { _id: 'objectId', n: 'number', s: 'string' }, sortable: ['n', 's'],
  filterable: { n: ['eq', 'gte'] }, defaultSort: [['n', 1]], softDelete: { deleted: { $ne: true } },
};
/** The recorded page / count pipelines. */
const pageCall = (M) => M.calls.find((x) => x.aggregate && !x.aggregate.some((st) => '$count' in st)).aggregate;
const countCall = (M) => M.calls.find((x) => x.aggregate && x.aggregate.some((st) => '$count' in st)).aggregate;
const stage = (p, name) => p.find((st) => name in st);
const compile = (extra) => pipeline.compile({ ...base, ...extra });
const live = DOCS.filter((d) => !d.deleted);

describe("count: 'estimated'", () => {
  const c = compile({ count: 'estimated' });
  test('no filter (only the soft-delete condition): estimatedDocumentCount, said in totalIsEstimate', async () => {
    const M = recorder();
    const r = await c.paginate(M, { limit: 5 }, { maxTimeMS: 50 });
    expect(M.calls.filter((x) => x.estimated)).toEqual([{ estimated: { maxTimeMS: 50 } }]);
    expect(M.calls.filter((x) => x.aggregate)).toHaveLength(1); // the page only
    expect([r.meta.total, r.meta.totalIsEstimate, r.meta.totalPages]).toEqual([1234, true, 247]);
  });
  test('a filter: falls back to the count pipeline (exact), totalIsEstimate false', async () => {
    const M = recorder();
    const r = await c.paginate(M, { filter: { n: 1 }, limit: 5 });
    expect(M.calls.some((x) => x.estimated)).toBe(false);
    expect(M.calls.filter((x) => x.aggregate)).toHaveLength(2);
    expect([r.meta.total, r.meta.totalIsEstimate]).toEqual([live.filter((d) => d.n === 1).length, false]);
  });
  test('a server-side match filters too: the same fallback', async () => {
    const M = recorder();
    const r = await c.paginate(M, {}, { match: { s: 's1' } });
    expect(M.calls.some((x) => x.estimated)).toBe(false);
    expect(r.meta.total).toBe(live.filter((d) => d.s === 's1').length);
    expect(M.calls.every((x) => !x.aggregate || x.aggregate[0].$match.s === 's1')).toBe(true);
  });
  test('a per-call count picks it on a separate spec; a facet spec refuses', async () => {
    const M = recorder();
    const r = await compile({}).paginate(M, {}, { count: 'estimated' });
    expect(r.meta.totalIsEstimate).toBe(true);
    const e = await compile({ count: 'facet' }).paginate(recorder(), {}, { count: 'estimated' }).catch((x) => x);
    expect([e.code, /options\.count/.test(e.message)]).toEqual(['ERR_INVALID_PAGINATION', true]);
  });
});

describe("count: 'capped'", () => {
  test('$limit before $count; totalDocs N and totalIsLowerBound when the cap is reached', async () => {
    const c = compile({ count: 'capped', maxCount: 10 });
    const M = recorder();
    const r = await c.paginate(M, { limit: 4 });
    const countPipeline = countCall(M);
    expect(countPipeline.slice(-2)).toEqual([{ $limit: 10 }, { $count: 'n' }]);
    expect([r.meta.total, r.meta.totalIsLowerBound, r.meta.hasNextPage, r.meta.totalPages]).toEqual([10, true, true, 3]);
    const v2 = await c.paginate(recorder(), { limit: 4 }, { customLabels: {} });
    expect([v2.totalDocs, v2.totalIsLowerBound]).toEqual([10, true]);
  });
  test('below the cap the total is exact; an empty match counts 0 (mingo answers [] or [{ n: 0 }])', async () => {
    const c = compile({ count: 'capped', maxCount: 100 });
    const r = await c.paginate(recorder(), { filter: { n: 2 } });
    expect([r.meta.total, r.meta.totalIsLowerBound]).toEqual([live.filter((d) => d.n === 2).length, false]);
    const empty = await c.paginate(recorder(), { filter: { n: 99 } });
    expect([empty.meta.total, empty.meta.totalIsLowerBound, empty.docs]).toEqual([0, false, []]);
  });
  test('per call: count capped with maxCount; maxCount alone is refused', async () => {
    const c = compile({});
    const r = await c.paginate(recorder(), {}, { count: 'capped', maxCount: 3 });
    expect([r.meta.total, r.meta.totalIsLowerBound]).toEqual([3, true]);
    for (const opts of [{ maxCount: 3 }, { count: 'capped' }, { count: 'capped', maxCount: 0 }]) {
      const e = await c.paginate(recorder(), {}, opts).catch((x) => x);
      expect(e.code).toBe('ERR_INVALID_PAGINATION');
      expect(e.message).toMatch(/options\.(maxCount|count)/);
    }
  });
});

describe('options reach the query', () => {
  const c = compile({});
  test('collation, allowDiskUse, maxTimeMS, read preference: the aggregate options of every query', async () => {
    const M = recorder();
    await c.paginate(M, {}, { collation: { locale: 'en', strength: 2 }, allowDiskUse: true, maxTimeMS: 900, read: 'sp' });
    const aggs = M.calls.filter((x) => x.aggregate);
    expect(aggs).toHaveLength(2); // page + count
    for (const a of aggs) {
      expect(a.opts).toEqual({ allowDiskUse: true, collation: { locale: 'en', strength: 2 }, maxTimeMS: 900, readPreference: 'secondaryPreferred' });
    }
  });
  test('read with tags goes through the aggregate read(mode, tags) (Mongoose)', async () => {
    const M = recorder(DOCS, { withRead: true });
    const tags = [{ dc: 'east' }];
    await c.paginate(M, {}, { read: { pref: 'nearest', tags } });
    expect(M.calls.filter((x) => x.read).map((x) => x.read)).toEqual([['aggregate', 'nearest', tags], ['aggregate', 'nearest', tags]]);
    const e = await c.paginate(recorder(), {}, { read: { pref: 'nearest', tags } }).catch((x) => x);
    expect(e.code).toBe('ERR_INVALID_PAGINATION');
  });
  test('keyset pages probe with the same options', async () => {
    const M = recorder();
    const first = await c.paginate(M, { limit: 3 });
    M.calls.length = 0;
    await c.paginate(M, { limit: 3, after: first.nextCursor }, { maxTimeMS: 5 });
    const aggs = M.calls.filter((x) => x.aggregate);
    expect(aggs.length).toBe(3); // page, count, probe for hasPrevPage
    expect(aggs.every((a) => a.opts.maxTimeMS === 5)).toBe(true);
    expect(aggs[2].aggregate.find((s) => s.$limit)).toEqual({ $limit: 1 });
  });
  test('lean: false hydrates; leanWithId adds id; the page fetches limit + 1', async () => {
    const M = recorder();
    const r = await c.paginate(M, { limit: 2 }, { lean: false });
    expect(r.docs.every((d) => d.hydrated && d.hydrated._id)).toBe(true);
    expect(stage(pageCall(M), '$limit')).toEqual({ $limit: 3 });
    const w = await c.paginate(recorder(), { limit: 2 }, { leanWithId: true });
    expect(w.docs.map((d) => d.id)).toEqual(w.docs.map((d) => d._id.toHexString()));
    const plain = await c.paginate(recorder(), { limit: 2 });
    expect(plain.docs.some((d) => 'id' in d)).toBe(false);
  });
  test('pagination: false: every match, sorted, no count, no $skip; above the hard cap an error', async () => {
    const M = recorder();
    const r = await c.paginate(M, { page: 3, limit: 2 }, { pagination: false });
    expect(r.docs.map((d) => d.n)).toEqual(live.map((d) => d.n).sort((a, b) => a - b));
    expect(M.calls).toHaveLength(1);
    const p = M.calls[0].aggregate;
    expect(stage(p, '$skip')).toEqual({ $skip: 0 });
    expect(stage(p, '$limit')).toEqual({ $limit: 10_001 });
    expect(r.meta).toEqual({
      total: live.length, limit: live.length, currentPage: 1, totalPages: 1, hasNextPage: false, hasPrevPage: false, nextPage: null, prevPage: null,
    });
    const many = Array.from({ length: 10_001 }, (_, i) => ({ _id: oid(i + 1), n: 1 }));
    const e = await c.paginate(recorder(many), {}, { pagination: false }).catch((x) => x);
    expect([e.code, /more than 10000/.test(e.message)]).toEqual(['ERR_INVALID_PAGINATION', true]);
    const k = await c.paginate(recorder(), { fromEnd: true }, { pagination: false }).catch((x) => x);
    expect(k.code).toBe('ERR_INVALID_PAGINATION');
  });
  test('bad values: ERR_INVALID_PAGINATION naming the option, nothing run', async () => {
    const cases = [
      [{ lean: 'yes' }, 'options.lean'], [{ leanWithId: 1 }, 'options.leanWithId'],
      [{ collation: 'en' }, 'options.collation'], [{ collation: {} }, 'options.collation'],
      [{ allowDiskUse: 'true' }, 'options.allowDiskUse'], [{ read: 'fastest' }, 'options.read'],
      [{ read: { pref: 'p', tags: 'x' } }, 'options.read.tags'], [{ pagination: 0 }, 'options.pagination'],
      [{ maxTimeMS: 0 }, 'options.maxTimeMS'], [{ maxTimeMS: 1.5 }, 'options.maxTimeMS'], [{ maxTimeMS: 2 ** 31 }, 'options.maxTimeMS'],
      [{ customLabels: { docs: false } }, 'options.customLabels.docs'], [{ customLabels: { total: 'x' } }, 'options.customLabels.total'],
      [{ customLabels: { page: '' } }, 'options.customLabels.page'], [{ match: [] }, 'options.match'],
      [{ project: {} }, 'options.project'], [{ count: 'facet' }, 'options.count'], [{ sort: 'n' }, 'options.sort'], ['x', 'options'],
    ];
    for (const [opts, name] of cases) {
      const M = recorder();
      const e = await c.paginate(M, {}, opts).catch((x) => x);
      expect([e.code, e.message.includes(name)]).toEqual(['ERR_INVALID_PAGINATION', true]);
      expect(M.calls).toEqual([]);
    }
  });
});

test("fromEnd from a query string ('true' / '1') is the last page, in keyset meta", async () => {
  const c = compile({});
  for (const v of [true, 'true', '1']) {
    const r = await c.paginate(recorder(), { limit: 4, fromEnd: v });
    expect(r.docs.map((d) => d.n)).toEqual(live.map((d) => d.n).sort((a, b) => a - b).slice(-4));
    expect([r.meta.currentPage, r.meta.hasNextPage, r.meta.hasPrevPage, r.nextCursor === null]).toEqual([null, false, true, true]);
  }
  const first = await c.paginate(recorder(), { limit: 4, fromEnd: 'false' });
  expect([first.meta.currentPage, first.meta.hasPrevPage]).toEqual([1, false]);
});

describe('suggestIndex with a collation', () => {
  const c = compile({});
  test('warns when string fields in the index need the same collation; not for typed non-string keys', () => {
    const warnings = [];
    const onWarning = (w) => warnings.push(w);
    const spy = jest.spyOn(process, 'emitWarning').mockImplementation((msg, o) => onWarning({ msg, code: o && o.code }));
    try {
      expect(c.suggestIndex({ sort: 's' }, { collation: { locale: 'en', strength: 2 } })).toEqual({ deleted: 1, s: 1, _id: 1 });
      expect(warnings).toHaveLength(1);
      expect(warnings[0].code).toBe('HOTPATH_COLLATION_INDEX');
      expect(warnings[0].msg).toContain('s');
      expect(warnings[0].msg).toContain('"locale":"en"');
      warnings.length = 0;
      // deleted is untyped: still named; a numbers-only index under collation: no warning.
      const n = pipeline.compile({ ...base, softDelete: undefined, types: { ...base.types } });
      n.suggestIndex({ sort: 'n' }, { collation: { locale: 'en' } });
      expect(warnings).toHaveLength(0);
      c.suggestIndex({ sort: 's' });
      expect(warnings).toHaveLength(0);
      expect(() => c.suggestIndex({}, { collation: 'en' })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_PAGINATION' }));
    } finally {
      spy.mockRestore();
    }
  });
});
