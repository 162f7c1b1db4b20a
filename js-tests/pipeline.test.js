'use strict';
/**
 * The pipeline hot path on this project's backend: built pipelines run in mingo against
 * generated collections and are compared with a plain-JS reference and with the original
 * design's stage order; pagination properties (seed 15/16/18); cursor walks; injection
 * corpus; ESR index advice; bson instances; the AggregationBuilder facade.
 */
const fc = require('fast-check');
const bson = require('bson');
const hotpath = require('../');
const fx = require('./pipeline/fixtures');

const { pipeline, AggregationBuilder, HotpathError } = hotpath;
const BIG = fx.makeData(); // 2k sales, 200 vagons, 300 clients, 100 lots
const SMALL = fx.makeData({ sales: 80, vagons: 12, clients: 16, lots: 8, seed: 7 });
const sales = pipeline.compile(fx.salesSpec());
const facet = pipeline.compile(fx.salesSpec({ count: 'facet' }));
const clientIds = SMALL.clients.map((c) => c._id.toHexString());

const codeOf = (f) => {
  try { f(); } catch (e) { return e instanceof HotpathError ? e.code : `not a HotpathError: ${e}`; }
  return 'no error';
};

/** A structured query over the fixtures (see fixtures.reference). */
const arbQuery = (ids) => fc.record({
  client: fc.option(fc.constantFrom(...ids), { nil: undefined }),
  amountGte: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
  amountLte: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
  statuses: fc.option(fc.subarray(fx.STATUSES, { minLength: 1 }), { nil: undefined }),
  clientPrefix: fc.option(fc.constantFrom('A', 'Al', 'Bek', 'N', 'Z'), { nil: undefined }),
  vagonStatus: fc.option(fc.constantFrom(...fx.STATUSES), { nil: undefined }),
}, { requiredKeys: [] });
const arbSort = fc.constantFrom(
  [['createdAt', -1]], [['amount', 1]], [['amount', -1], ['createdAt', 1]], [['sale_date', 1]], [['clientInfo.name', 1]], [],
);

describe('built pipelines run in mingo', () => {
  test('fast order at 2k sales equals the plain-JS reference (join + sort + slice) and the count', () => {
    for (const [q, sort, page, limit] of [
      [{}, [['createdAt', -1]], 1, 20],
      [{ amountGte: 20, amountLte: 60 }, [['amount', 1], ['createdAt', -1]], 3, 25],
      [{ statuses: ['sold', 'closed'] }, [['sale_date', -1]], 5, 50],
      [{ client: BIG.clients[7]._id.toHexString() }, [], 1, 10],
    ]) {
      const b = sales.build({ filter: fx.toFilter(q), page, limit, sort: Object.fromEntries(sort) });
      expect(b.plan).toMatch(/^fast/);
      const ref = fx.reference(BIG, q, sort, (page - 1) * limit, limit);
      expect(fx.canon(fx.runMingo(BIG, b.pipeline))).toBe(fx.canon(ref.page));
      const [c] = fx.runMingo(BIG, b.countPipeline);
      expect((c && c.n) || 0).toBe(ref.total);
    }
  });

  test('lookups join one page: documents entering the first $lookup = limit', () => {
    const b = sales.build({ page: 2, limit: 20 });
    const first = b.pipeline.findIndex((s) => s.$lookup);
    expect(fx.runMingo(BIG, b.pipeline.slice(0, first))).toHaveLength(20);
  });

  test('random filters/sorts/pages: the same page as the original order and as the reference (fast-check)', () => {
    fc.assert(fc.property(arbQuery(clientIds), arbSort, fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 30 }), (q, sort, page, limit) => {
      const b = sales.build({ filter: fx.toFilter(q), page, limit, sort });
      const joined = q.clientPrefix !== undefined || q.vagonStatus !== undefined || sort.some(([k]) => k.includes('.'));
      expect(b.plan.startsWith(joined ? 'slow' : 'fast')).toBe(true);
      const got = fx.canon(fx.runMingo(SMALL, b.pipeline));
      const skip = (page - 1) * limit;
      const eff = sort.length ? sort : [['createdAt', -1]]; // the spec's defaultSort
      expect(got).toBe(fx.canon(fx.runMingo(SMALL, fx.originalOrder(q, eff, skip, limit))));
      const ref = fx.reference(SMALL, q, eff, skip, limit);
      expect(got).toBe(fx.canon(ref.page));
      const [c] = fx.runMingo(SMALL, b.countPipeline);
      expect((c && c.n) || 0).toBe(ref.total);
    }), { numRuns: 100 });
  });

  test("count: 'facet' gives the same page and total; an empty total reads as 0", async () => {
    const model = fx.mingoModel(SMALL);
    const q = { amountGte: 40 };
    const r = await facet.paginate(model, { filter: fx.toFilter(q), page: 2, limit: 7 });
    const ref = fx.reference(SMALL, q, [['createdAt', -1]], 7, 7);
    expect(fx.canon(r.docs)).toBe(fx.canon(ref.page));
    expect(r.meta.total).toBe(ref.total);
    const none = await facet.paginate(model, { filter: { amount: { $gte: 10_000 } } });
    expect(none.docs).toEqual([]);
    expect(none.meta.total).toBe(0);
    expect(none.nextCursor).toBeNull();
  });

  test("paginate with count: 'separate' runs both pipelines and returns docs, meta, nextCursor", async () => {
    const model = fx.mingoModel(SMALL);
    const r = await sales.paginate(model, { page: '1', limit: '10', fields: 'amount,clientInfo' });
    expect(model.calls).toHaveLength(2);
    expect(r.docs).toHaveLength(10);
    expect(Object.keys(r.docs[0]).sort()).toEqual(['_id', 'amount', 'clientInfo', 'createdAt'].sort());
    expect(r.meta).toMatchObject({ limit: 10, currentPage: 1, hasPrevPage: false, hasNextPage: true });
    expect(typeof r.nextCursor).toBe('string');
  });
});

describe('keyset cursors', () => {
  const walk = async (spec, params, data) => {
    const model = fx.mingoModel(data);
    const seen = [];
    let cursor;
    for (let i = 0; i < 500; i++) {
      const r = await spec.paginate(model, { ...params, cursor });
      seen.push(...r.docs.map((d) => d._id.toHexString()));
      if (!r.nextCursor) break;
      expect(r.docs).toHaveLength(r.meta.limit);
      cursor = r.nextCursor;
    }
    return seen;
  };

  test('a walk over all pages visits every document once, in order, under heavy ties (fast-check sorts and sizes)', async () => {
    await fc.assert(fc.asyncProperty(
      fc.constantFrom([['amount', 1]], [['amount', -1]], [['createdAt', 1], ['amount', -1]], [['clientInfo.name', -1]]),
      fc.integer({ min: 6, max: 30 }),
      fc.option(fc.integer({ min: 0, max: 60 }), { nil: undefined }),
      async (sort, limit, amountGte) => {
        const q = amountGte === undefined ? {} : { amountGte };
        const seen = await walk(sales, { sort, limit, filter: fx.toFilter(q) }, SMALL);
        const ref = fx.reference(SMALL, q, sort, 0, 1e9).page.map((d) => d._id.toHexString());
        expect(new Set(seen).size).toBe(seen.length);
        expect(seen).toEqual(ref);
      },
    ), { numRuns: 100 });
  });

  test("cursor walk with count: 'facet' (seek inside the data branch) and with count: 'none'", async () => {
    for (const spec of [facet, pipeline.compile(fx.salesSpec({ count: 'none' }))]) {
      const seen = await walk(spec, { sort: [['amount', -1]], limit: 11 }, SMALL);
      expect(seen).toEqual(fx.reference(SMALL, {}, [['amount', -1]], 0, 1e9).page.map((d) => d._id.toHexString()));
    }
  });

  test('cursors survive null sort values (missing amounts) both ways', async () => {
    const data = fx.makeData({ sales: 120, vagons: 10, clients: 10, lots: 5, seed: 3 });
    data.vagonsales.forEach((d, i) => { if (i % 4 === 0) delete d.amount; else if (i % 4 === 1) d.amount = null; });
    for (const dir of [1, -1]) {
      const seen = await walk(sales, { sort: [['amount', dir]], limit: 9 }, data);
      const ref = fx.reference(data, {}, [['amount', dir]], 0, 1e9).page.map((d) => d._id.toHexString());
      expect(seen).toEqual(ref);
    }
  });

  test('signed tokens: tampered, malformed, foreign-sort and type-mismatched tokens → ERR_INVALID_CURSOR', async () => {
    const signed = pipeline.compile(fx.salesSpec({ secret: 'k3y' }));
    const r = await signed.paginate(fx.mingoModel(SMALL), { limit: 5 });
    const tok = r.nextCursor;
    expect(tok).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(signed.build({ cursor: tok }).pipeline[1].$match.$or).toBeDefined();
    const flip = (s, i) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    for (const bad of [flip(tok, 3), flip(tok, tok.length - 2), tok.split('.')[0], 'x', '..', `${tok}x`, 'a'.repeat(9000)]) {
      expect(codeOf(() => signed.build({ cursor: bad }))).toBe('ERR_INVALID_CURSOR');
    }
    expect(codeOf(() => signed.build({ cursor: tok, sort: 'amount' }))).toBe('ERR_INVALID_CURSOR');
    expect(codeOf(() => signed.build({ cursor: 5 }))).toBe('ERR_INVALID_CURSOR');
    // Unsigned payload with a string where a date is declared.
    const payload = Buffer.from(JSON.stringify({ s: [['createdAt', -1], ['_id', -1]], v: [['str', 'x'], ['oid', 'f'.repeat(24)]] })).toString('base64url');
    expect(codeOf(() => sales.build({ cursor: payload }))).toBe('ERR_INVALID_CURSOR');
    // The same token is still good afterwards (bad input changed nothing).
    expect(signed.build({ cursor: tok }).plan).toMatch(/^fast/);
  });
});

describe('pagination (seed Properties 15, 16, 18)', () => {
  test('Property 15: limit > 100 returns at most 100 items (fast-check)', async () => {
    const model = fx.mingoModel(fx.makeData({ sales: 300, vagons: 4, clients: 4, lots: 4, seed: 5 }));
    const fastSpec = pipeline.compile(fx.salesSpec({ count: 'none' }));
    await fc.assert(fc.asyncProperty(fc.oneof(fc.integer({ min: 101, max: 1e6 }), fc.integer({ min: 101, max: 1e6 }).map(String), fc.constantFrom(1e15, 2 ** 53, '99999999999999999999')), async (limit) => {
      const r = await fastSpec.paginate(model, { limit });
      expect(r.docs.length).toBeLessThanOrEqual(100);
      expect(r.docs).toHaveLength(100);
      expect(r.meta.limit).toBe(100);
    }), { numRuns: 100 });
  });

  test('Property 16: invalid page/limit → ERR_INVALID_PAGINATION naming the parameter (fast-check)', () => {
    const bad = fc.oneof(
      fc.integer({ max: 0 }), fc.double({ noInteger: true }), fc.constantFrom(NaN, Infinity, -Infinity, true, [], ['1', '2'], {}, '', 'abc', '1e2', '-3', '2.5', ' 1'),
      fc.string().filter((s) => !/^\d+$/.test(s)),
    );
    fc.assert(fc.property(fc.constantFrom('page', 'limit'), bad, (name, value) => {
      let err;
      try { sales.build({ [name]: value }); } catch (e) { err = e; }
      expect(err).toBeInstanceOf(HotpathError);
      expect(err.code).toBe('ERR_INVALID_PAGINATION');
      expect(err.message.startsWith(name)).toBe(true);
    }), { numRuns: 200 });
  });

  test('Property 18: meta is complete and consistent (fast-check)', () => {
    fc.assert(fc.property(fc.nat(100_000), fc.integer({ min: 1, max: 500 }), fc.integer({ min: 1, max: 300 }), (total, page, limit) => {
      const m = sales.meta(total, { page, limit: String(limit) });
      const lim = Math.min(limit, 100);
      const pages = Math.max(1, Math.ceil(total / lim));
      expect(m).toEqual({
        total, limit: lim, currentPage: page, totalPages: pages, hasNextPage: page < pages, hasPrevPage: page > 1,
        nextPage: page < pages ? page + 1 : null, prevPage: page > 1 ? page - 1 : null,
      });
    }), { numRuns: 200 });
    expect(codeOf(() => sales.meta(-1, {}))).toBe('ERR_INVALID_PAGINATION');
    expect(codeOf(() => sales.meta('5', {}))).toBe('ERR_INVALID_PAGINATION');
  });

  test('every sort ends with _id in the direction of the last key', () => {
    expect(sales.build({ sort: { amount: 1, createdAt: -1 } }).pipeline.find((s) => s.$sort).$sort).toEqual({ amount: 1, createdAt: -1, _id: -1 });
    expect(Object.keys(sales.build({ sort: '-amount sale_date' }).pipeline.find((s) => s.$sort).$sort)).toEqual(['amount', 'sale_date', '_id']);
    expect(sales.build({}).pipeline.find((s) => s.$sort).$sort).toEqual({ createdAt: -1, _id: -1 });
  });
});

describe('filters and injection safety', () => {
  const hex = BIG.clients[3]._id.toHexString();

  test('filterFromQuery: extended (nested) and flat forms give the same typed filter', () => {
    const a = sales.filterFromQuery({ amount: { gte: '5', lte: '50' }, client: hex, status: ['sold', 'closed'], page: '2', sort: '-amount' });
    const b = sales.filterFromQuery({ 'amount[gte]': '5', 'amount[lte]': '50', client: hex, 'status[in]': 'sold,closed', limit: '3' });
    expect(fx.canon(a)).toBe(fx.canon(b));
    expect(a.client).toBeInstanceOf(require('mongoose').mongo.ObjectId);
    expect(a.amount).toEqual({ $gte: 5, $lte: 50 });
    // and it is a valid filter for build / paginate
    const r = sales.build({ filter: a });
    expect(r.pipeline[0].$match.client.toHexString()).toBe(hex);
    const p = sales.paramsFromQuery({ 'amount[gte]': '5', page: '2', limit: '5', sort: '-amount' });
    expect(p).toMatchObject({ page: '2', limit: '5', sort: '-amount' });
    expect(sales.build(p).pipeline.find((s) => s.$skip).$skip).toBe(5);
  });

  test('regex is an escaped prefix search only', () => {
    const f = sales.filterFromQuery({ 'clientInfo.name[regex]': '.*(a+)+$' });
    expect(f['clientInfo.name'].$regex).toBe('^\\.\\*\\(a\\+\\)\\+\\$');
    const names = fx.runMingo(SMALL, sales.build({ filter: sales.filterFromQuery({ 'clientInfo.name[regex]': 'Ali' }), limit: 100 }).pipeline);
    expect(names.length).toBeGreaterThan(0);
    expect(names.every((d) => d.clientInfo.name.startsWith('Ali'))).toBe(true);
  });

  const corpus = [
    { $where: 'sleep(1000)' }, { $expr: { $gt: ['$amount', 0] } }, { amount: { $function: { body: 'x' } } },
    { amount: { $accumulator: {} } }, JSON.parse('{"__proto__": {"admin": true}}'), { constructor: { prototype: {} } },
    { client: { _bsontype: 'Code', code: 'x' } }, { password: 'x' }, { 'amount[$gte]': '1' }, { amount: { $gt: '' } },
    { amount: { gte: { $gt: 1 } } }, { client: { $oid: 'f'.repeat(24) } }, { status: { $regex: '.*' } },
    { 'status[in][$ne]': 'x' }, { $or: [{ a: 1 }] }, { 'clientInfo.name': { $ne: null } }, { amount: { between: 1 } },
  ];

  test.each(corpus.map((q, i) => [i, q]))('injection corpus #%i is refused by filterFromQuery and build', (_, q) => {
    expect(codeOf(() => sales.filterFromQuery(q))).toBe('ERR_FORBIDDEN_OPERATOR');
    expect(codeOf(() => sales.build({ filter: q }))).toBe('ERR_FORBIDDEN_OPERATOR');
    // The compiled spec still works afterwards.
    expect(sales.build({ page: 2 }).pipeline.find((s) => s.$skip).$skip).toBe(20);
  });

  test('fields come from selectable only and never carry expressions', () => {
    expect(codeOf(() => sales.build({ fields: 'password' }))).toBe('ERR_FORBIDDEN_OPERATOR');
    expect(codeOf(() => sales.build({ fields: ['amount', '$password'] }))).toBe('ERR_FORBIDDEN_OPERATOR');
    expect(codeOf(() => sales.build({ fields: { a: '$password' } }))).toBe('ERR_FORBIDDEN_OPERATOR');
    expect(sales.build({ fields: 'amount,status' }).pipeline.at(-1)).toEqual({ $project: { amount: 1, status: 1, createdAt: 1, _id: 1 } });
  });

  test('a user value can never smuggle a typed marker: strings stay strings, markers in values are refused', () => {
    const spec = pipeline.compile({ collection: 'x', filterable: { note: ['eq', 'in'], client: ['eq'] }, types: { client: 'objectId' } });
    const m = spec.build({ filter: { note: '{"$oid":"ffffffffffffffffffffffff"}' } }).pipeline[0].$match;
    expect(m.note).toBe('{"$oid":"ffffffffffffffffffffffff"}');
    expect(codeOf(() => spec.build({ filter: { note: { $oid: 'f'.repeat(24) } } }))).toBe('ERR_FORBIDDEN_OPERATOR');
    expect(codeOf(() => spec.build({ filter: { note: { $in: [{ $date: 0 }] } } }))).toBe('ERR_FORBIDDEN_OPERATOR');
    expect(codeOf(() => spec.filterFromQuery({ note: { $oid: 'f'.repeat(24) } }))).toBe('ERR_FORBIDDEN_OPERATOR');
    expect(codeOf(() => spec.build({ filter: { client: 'not-an-id' } }))).toBe('ERR_FORBIDDEN_OPERATOR');
    const typed = spec.filterFromQuery({ note: '{"$date":0}' });
    expect(typed.note).toBe('{"$date":0}');
  });

  test('unknown parameters and sort fields are refused', () => {
    expect(codeOf(() => sales.build({ select: 'a' }))).toBe('ERR_FORBIDDEN_OPERATOR');
    expect(codeOf(() => sales.build({ sort: { password: 1 } }))).toBe('ERR_FORBIDDEN_OPERATOR');
    expect(codeOf(() => sales.build({ sort: { amount: 'sideways' } }))).toBe('ERR_INVALID_PAGINATION');
  });
});

describe('spec validation', () => {
  test.each([
    [{ collection: '' }, 'collection'], [{ maxLimit: 0 }, 'maxLimit'], [{ defaultLimit: 101 }, 'defaultLimit'],
    [{ count: 'twice' }, 'count'], [{ types: { a: 'uuid' } }, 'types'], [{ filterable: { a: ['between'] } }, 'filterable'],
    [{ defaultSort: { nope: 1 } }, 'defaultSort'], [{ lookups: [{ from: 'x', localField: 'a' }] }, 'lookups'],
    [{ unknownField: 1 }, 'unknownField'], [{ sortable: ['$where'] }, 'sortable'], [{ selectable: ['a.__proto__'] }, 'selectable'],
  ])('%j → ERR_INVALID_SPEC naming %s', (extra, field) => {
    let err;
    try { pipeline.compile(fx.salesSpec(extra)); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(HotpathError);
    expect(err.code).toBe('ERR_INVALID_SPEC');
    expect(err.message).toContain(field);
  });
  test('a non-object spec', () => {
    expect(codeOf(() => pipeline.compile(null))).toBe('ERR_INVALID_SPEC');
    expect(codeOf(() => pipeline.compile('x'))).toBe('ERR_INVALID_SPEC');
  });
});

describe('suggestIndex (ESR)', () => {
  test("the original design's sale query: { client, sale_date range, sort sale_date desc }", () => {
    const idx = sales.suggestIndex({ filter: { client: 'a'.repeat(24), sale_date: { $gte: '2024-01-01', $lte: '2024-06-30' } }, sort: { sale_date: -1 } });
    expect(idx).toEqual({ isDeleted: 1, client: 1, sale_date: -1, _id: -1 });
    expect(Object.keys(idx)).toEqual(['isDeleted', 'client', 'sale_date', '_id']);
  });
  test('ESR docs example: equality, then sort, then range (cars: manufacturer = GM, price > 10000, sort model)', () => {
    const cars = pipeline.compile({ collection: 'cars', sortable: ['model'], filterable: { manufacturer: ['eq'], price: ['gt'] }, types: { price: 'number' } });
    expect(Object.entries(cars.suggestIndex({ filter: { manufacturer: 'GM', price: { $gt: 10000 } }, sort: { model: 1 } })))
      .toEqual([['manufacturer', 1], ['model', 1], ['_id', 1], ['price', 1]]);
  });
  test('$in counts as equality below 200 values, as a range from 200', () => {
    const few = sales.suggestIndex({ filter: { status: { $in: ['a', 'b'] } }, sort: 'amount' });
    expect(Object.keys(few)).toEqual(['isDeleted', 'status', 'amount', '_id']);
    const many = sales.suggestIndex({ filter: { status: { $in: Array.from({ length: 200 }, (_, i) => `s${i}`) } }, sort: 'amount' });
    expect(Object.keys(many)).toEqual(['isDeleted', 'amount', '_id', 'status']);
  });
  test('joined fields are left out', () => {
    expect(sales.suggestIndex({ filter: { 'clientInfo.name': { $regex: 'A' } }, sort: { 'clientInfo.name': 1 } })).toEqual({ isDeleted: 1 });
  });
});

describe('bson: output values are instances of the caller\'s bson', () => {
  afterEach(() => pipeline.configure({ bson: null }));

  test('default: mongoose.mongo (mongoose is installed)', () => {
    const m = sales.build({ filter: { client: 'a'.repeat(24), sale_date: { $gte: '2024-01-01' } } }).pipeline[0].$match;
    expect(m.client).toBeInstanceOf(require('mongoose').mongo.ObjectId);
    expect(m.sale_date.$gte).toBeInstanceOf(Date);
    expect(m.sale_date.$gte.toISOString()).toBe('2024-01-01T00:00:00.000Z');
  });

  test('configure({ bson }) and per-call / per-Model bson', async () => {
    class FakeId { constructor(h) { this.hex = h; } toHexString() { return this.hex; } }
    const fake = { ObjectId: FakeId, Decimal128: { fromString: (s) => ({ dec: s }) } };
    pipeline.configure({ bson: fake });
    expect(sales.build({ filter: { client: 'b'.repeat(24) } }).pipeline[0].$match.client).toBeInstanceOf(FakeId);
    expect(sales.build({ filter: { client: 'b'.repeat(24) } }, { bson }).pipeline[0].$match.client).toBeInstanceOf(bson.ObjectId);
    const model = fx.mingoModel(SMALL);
    model.base = { mongo: bson };
    await sales.paginate(model, { filter: { client: SMALL.clients[0]._id } });
    expect(model.calls[0][0].$match.client).toBeInstanceOf(bson.ObjectId);
    expect(codeOf(() => pipeline.configure({ bson: {} }))).toBe('ERR_INVALID_SPEC');
  });

  test('decimal fields become Decimal128', () => {
    const spec = pipeline.compile({ collection: 'x', types: { price: 'decimal' }, filterable: { price: ['gte', 'in'] } });
    const m = spec.build({ filter: { price: { $gte: '10.50', $in: ['1', '2.5'] } } }, { bson }).pipeline[0].$match;
    expect(m.price.$gte).toBeInstanceOf(bson.Decimal128);
    expect(m.price.$gte.toString()).toBe('10.50');
    expect(m.price.$in.map(String)).toEqual(['1', '2.5']);
  });
});

describe('AggregationBuilder (seed facade)', () => {
  test('same signature, better order, coerced filter, clamped limit', () => {
    const id = new bson.ObjectId();
    const p = AggregationBuilder.buildVagonSalePipeline({ client: id.toHexString(), sale_date: { $gte: new Date('2024-01-01') } }, { page: 2, limit: 500 });
    expect(p.map((s) => Object.keys(s)[0])).toEqual(['$match', '$sort', '$skip', '$limit', '$lookup', '$unwind', '$lookup', '$unwind', '$lookup', '$unwind']);
    expect(p[0].$match.client.toHexString()).toBe(id.toHexString());
    expect(p[0].$match.sale_date.$gte).toBeInstanceOf(Date);
    expect(p[1].$sort).toEqual({ createdAt: -1, _id: -1 });
    expect(p[2].$skip).toBe(100);
    expect(p[3].$limit).toBe(100);
    expect(p[4].$lookup).toEqual({ from: 'vagons', localField: 'vagon', foreignField: '_id', as: 'vagonInfo', pipeline: [{ $project: { vagonCode: 1, month: 1, status: 1 } }] });
    expect(p[8].$lookup.from).toBe('vagonlots');
    expect(AggregationBuilder.buildVagonSalePipeline({}).find((s) => s.$limit).$limit).toBe(20);
  });
  test('cash and client pipelines', () => {
    const c = AggregationBuilder.buildCashPipeline({ currency: 'USD', isDeleted: false }, { sort: { transaction_date: -1 } });
    expect(c.filter((s) => s.$lookup).map((s) => s.$lookup.from)).toEqual(['clients', 'vagons']);
    expect(c[1].$sort).toEqual({ transaction_date: -1, _id: -1 });
    const k = AggregationBuilder.buildClientPipeline({ isDeleted: false }, { page: 3, limit: 10, sort: { name: 1 } });
    expect(k).toEqual([{ $match: { isDeleted: false } }, { $sort: { name: 1, _id: 1 } }, { $skip: 20 }, { $limit: 10 }]);
    expect(codeOf(() => AggregationBuilder.buildClientPipeline({ $where: 'x' }))).toBe('ERR_FORBIDDEN_OPERATOR');
  });
});
