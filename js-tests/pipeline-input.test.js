'use strict';
/**
 * Bad request input is a 4xx HotpathError naming the parameter, never ERR_INTERNAL (issue 12,
 * item 12): lone surrogates (a JSON body can carry `"\ud800"`), bigints and circular objects
 * in a filter, a sort, fields, a cursor, page/limit, a `req.query`, a spec; and the same
 * through Express with `errorHandler`.
 */
const fc = require('fast-check');
const express = require('express');
const request = require('supertest');
const hotpath = require('../');
const { errorHandler, STATUS } = require('../lib/integrations/express');

const { pipeline, HotpathError } = hotpath;

const spec = pipeline.compile({
  collection: 'items',
  types: { _id: 'objectId', owner: 'objectId', createdAt: 'date', amount: 'number' },
  sortable: ['createdAt', 'amount', 'name'],
  defaultSort: { createdAt: -1 },
  filterable: { owner: ['eq', 'in'], amount: ['gte', 'lte', 'eq'], name: ['eq', 'in', 'regex'], status: ['eq', 'ne', 'in'] },
  selectable: ['amount', 'name', 'status'],
  secret: 's3cret',
});

/** `[code, message]` of what `f` throws ('none' when it returns). */
const outcome = (f) => {
  try { f(); } catch (e) { return e instanceof HotpathError ? [e.code, e.message] : [`not a HotpathError: ${e && e.name}`, String(e)]; }
  return ['none', ''];
};

const HIGH = '\uD800';
const LOW = '\uDFFF';

describe('lone surrogates', () => {
  test.each([
    ['a filter value', { filter: { status: `ok${HIGH}` } }, 'ERR_FORBIDDEN_OPERATOR', /filter.*status/],
    ['a value inside $in', { filter: { name: { $in: ['a', `${LOW}b`] } } }, 'ERR_FORBIDDEN_OPERATOR', /filter.*name/],
    ['a regex value', { filter: { name: { $regex: `A${HIGH}` } } }, 'ERR_FORBIDDEN_OPERATOR', /filter.*name/],
    ['a filter key', { filter: { [`sta${HIGH}tus`]: 'x' } }, 'ERR_FORBIDDEN_OPERATOR', /filter/],
    ['an operator key', { filter: { amount: { [`$gte${LOW}`]: 1 } } }, 'ERR_FORBIDDEN_OPERATOR', /filter.*amount/],
    ['a sort string', { sort: `-amount${HIGH}` }, 'ERR_FORBIDDEN_OPERATOR', /sort/],
    ['a sort pair', { sort: [[`amount${LOW}`, 1]] }, 'ERR_FORBIDDEN_OPERATOR', /sort/],
    ['a sort object', { sort: { [HIGH]: -1 } }, 'ERR_FORBIDDEN_OPERATOR', /sort/],
    ['fields', { fields: `amount,${HIGH}` }, 'ERR_FORBIDDEN_OPERATOR', /fields/],
    ['a cursor', { cursor: `eyJ${HIGH}` }, 'ERR_INVALID_CURSOR', /cursor/],
    ['page', { page: `2${LOW}` }, 'ERR_INVALID_PAGINATION', /page/],
    ['limit', { limit: HIGH }, 'ERR_INVALID_PAGINATION', /limit/],
    ['a parameter name', { [`filter${HIGH}`]: {} }, 'ERR_FORBIDDEN_OPERATOR', /parameter/],
  ])('in %s: build → a 4xx error naming it', (_, params, code, re) => {
    const [got, message] = outcome(() => spec.build(params));
    expect(got).toBe(code);
    expect(message).toMatch(re);
    expect(message).toMatch(/\\u[dD][89a-fA-F][0-9a-fA-F]{2}/); // the escape, printable
    expect(STATUS[got]).toBe(400);
    // meta / suggestIndex read the same parameters (meta only page/limit/cursor).
    if (code === 'ERR_INVALID_PAGINATION') expect(outcome(() => spec.meta(10, params))[0]).toBe(code);
    expect(outcome(() => spec.suggestIndex(params))[0]).toBe(code);
  });

  test('a well-formed surrogate pair is an ordinary character, as is a backslash followed by "ud800"', () => {
    const pair = spec.build({ filter: { status: 'x😀' } }).pipeline[0].$match;
    expect(pair.status).toBe('x😀');
    expect(spec.build({ filter: { status: '\\ud800' } }).pipeline[0].$match.status).toBe('\\ud800');
    expect(spec.build({ filter: { name: { $regex: 'é😀' } } }).pipeline[0].$match.name.$regex).toBe('^é😀');
  });

  test('filterFromQuery / paramsFromQuery: a field value or key, and the reserved keys by their own codes', () => {
    expect(outcome(() => spec.filterFromQuery({ status: `a${HIGH}` }))).toEqual(['ERR_FORBIDDEN_OPERATOR', expect.stringMatching(/status/)]);
    expect(outcome(() => spec.filterFromQuery({ [`amount[gte${HIGH}]`]: '1' }))[0]).toBe('ERR_FORBIDDEN_OPERATOR');
    expect(outcome(() => spec.filterFromQuery({ name: ['a', LOW] }))[0]).toBe('ERR_FORBIDDEN_OPERATOR');
    expect(outcome(() => spec.paramsFromQuery({ page: `1${HIGH}` }))[0]).toBe('ERR_INVALID_PAGINATION');
    expect(outcome(() => spec.paramsFromQuery({ cursor: LOW }))[0]).toBe('ERR_INVALID_CURSOR');
  });

  test('a spec, and a sort value in a result document (cursorAfter)', () => {
    const [code, message] = outcome(() => pipeline.compile({ collection: `c${HIGH}` }));
    expect(code).toBe('ERR_INVALID_SPEC');
    expect(message).toMatch(/spec\.collection/);
    expect(outcome(() => pipeline.compile({ collection: 'c', sortable: ['a', LOW] }))).toEqual(['ERR_INVALID_SPEC', expect.stringMatching(/spec\.sortable/)]);
    const after = outcome(() => spec.cursorAfter({ _id: new (require('bson').ObjectId)(), name: `n${HIGH}` }, { sort: 'name' }));
    expect(after[0]).toBe('ERR_INVALID_CURSOR');
    expect(after[1]).toMatch(/name/);
  });

  test('any string in any parameter: a valid build or a 4xx HotpathError, never ERR_INTERNAL (fast-check)', () => {
    const unit = fc.oneof(
      fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
      fc.constantFrom('a', 'amount', 'name', ',', '-', ':', 'é', '😀', '\n', '\u2028', '\\', '"', '$', '.', '1'),
      fc.string({ maxLength: 3 }),
    );
    const str = fc.array(unit, { maxLength: 6 }).map((a) => a.join(''));
    const params = fc.oneof(
      str.map((s) => ({ filter: { status: s } })),
      str.map((s) => ({ filter: { name: { $in: [s, 'x'] } } })),
      str.map((s) => ({ filter: { name: { $regex: s } } })),
      str.map((s) => ({ filter: { [s]: 1 } })),
      str.map((s) => ({ sort: s })),
      str.map((s) => ({ sort: [[s, -1]] })),
      str.map((s) => ({ fields: s })),
      str.map((s) => ({ cursor: s })),
      str.map((s) => ({ page: s })),
      str.map((s) => ({ limit: s })),
    );
    fc.assert(fc.property(params, (p) => {
      const [code] = outcome(() => spec.build(p));
      expect(code === 'none' || STATUS[code] === 400).toBe(true);
      const [q] = outcome(() => spec.filterFromQuery(p.filter || {}));
      expect(q === 'none' || STATUS[q] === 400).toBe(true);
    }), { numRuns: 1000 });
  });
});

describe('bigint and circular values', () => {
  const circular = () => { const o = { a: 1 }; o.self = o; return o; };
  test.each([
    ['a bigint filter value', () => spec.build({ filter: { amount: 5n } }), 'ERR_FORBIDDEN_OPERATOR', /filter.*amount.*bigint/],
    ['a bigint in $in', () => spec.build({ filter: { name: { $in: ['a', 1n] } } }), 'ERR_FORBIDDEN_OPERATOR', /filter.*name.*bigint/],
    ['a circular filter value', () => spec.build({ filter: { status: circular() } }), 'ERR_FORBIDDEN_OPERATOR', /filter.*status.*circular/],
    ['a circular filter', () => { const f = { status: 'x' }; f.f = f; return spec.build({ filter: f }); }, 'ERR_FORBIDDEN_OPERATOR', /filter.*circular/],
    ['a bigint sort', () => spec.build({ sort: 1n }), 'ERR_FORBIDDEN_OPERATOR', /sort.*bigint/],
    ['a bigint cursor', () => spec.build({ cursor: 1n }), 'ERR_INVALID_CURSOR', /cursor.*bigint/],
    ['a circular fields list', () => { const a = ['amount']; a.push(a); return spec.build({ fields: a }); }, 'ERR_FORBIDDEN_OPERATOR', /fields.*circular/],
    ['a bigint query value', () => spec.filterFromQuery({ amount: 5n }), 'ERR_FORBIDDEN_OPERATOR', /amount.*bigint/],
    ['a circular query', () => spec.filterFromQuery(circular()), 'ERR_FORBIDDEN_OPERATOR', /circular/],
    ['a bigint in suggestIndex', () => spec.suggestIndex({ filter: { amount: 1n } }), 'ERR_FORBIDDEN_OPERATOR', /filter/],
    ['a bigint spec field', () => pipeline.compile({ collection: 'c', maxLimit: 10n }), 'ERR_INVALID_SPEC', /spec\.maxLimit.*bigint/],
    ['a circular spec', () => pipeline.compile({ collection: 'c', softDelete: circular() }), 'ERR_INVALID_SPEC', /spec\.softDelete.*circular/],
  ])('%s → a 4xx error naming it', (_, f, code, re) => {
    const [got, message] = outcome(f);
    expect(got).toBe(code);
    expect(message).toMatch(re);
  });

  test('a valid request on the same compiled spec still builds afterwards', () => {
    outcome(() => spec.build({ filter: { amount: 5n } }));
    expect(spec.build({ filter: { amount: 5 } }).pipeline[0].$match.amount).toBe(5);
  });
});

describe('through Express: errorHandler answers 400, never 500', () => {
  const app = express();
  app.use(express.json());
  app.post('/list', (req, res) => res.json(spec.build(req.body)));
  app.post('/query', (req, res) => res.json(spec.filterFromQuery(req.body)));
  app.use(errorHandler());

  test.each([
    ['/list', '{"filter":{"status":"\\ud800"}}', 'ERR_FORBIDDEN_OPERATOR', /filter.*status/],
    ['/list', '{"filter":{"name":{"$in":["\\udc00"]}}}', 'ERR_FORBIDDEN_OPERATOR', /filter.*name/],
    ['/list', '{"sort":"amount\\ud83d"}', 'ERR_FORBIDDEN_OPERATOR', /sort/],
    ['/list', '{"cursor":"\\ud800"}', 'ERR_INVALID_CURSOR', /cursor/],
    ['/list', '{"page":"\\udfff"}', 'ERR_INVALID_PAGINATION', /page/],
    ['/list', '{"fields":["\\ud800"]}', 'ERR_FORBIDDEN_OPERATOR', /fields/],
    ['/query', '{"status":"a\\ud800"}', 'ERR_FORBIDDEN_OPERATOR', /status/],
  ])('POST %s %s → 400', async (path, body, code, re) => {
    const r = await request(app).post(path).set('Content-Type', 'application/json').send(body);
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe(code);
    expect(r.body.error.message).toMatch(re);
  });

  test('a surrogate pair in the body is an ordinary value (200)', async () => {
    const r = await request(app).post('/list').set('Content-Type', 'application/json').send('{"filter":{"status":"\\ud83d\\ude00"}}');
    expect(r.status).toBe(200);
    expect(r.body.pipeline[0].$match.status).toBe('😀');
  });
});
