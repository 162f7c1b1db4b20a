'use strict';
/**
 * The page/limit fast path of `build`: when only `page` / `limit` differ from a request the
 * core already validated, the JS side fills the `$skip` / `$limit` slots from the rules the
 * core exported at compile time (`pageRules`). These tests hold it to the core's own answer
 * for the whole request (its `prepare` and `template` of the full parameter text, filled by a
 * plain reference here): same stages or the same error (code and message), on fast-check
 * inputs, in every order (memo warm or cold).
 */
const fc = require('fast-check');
const { ObjectId, Decimal128, Long } = require('bson');
const api = require('../');
const fx = require('./pipeline/fixtures');
const { internals } = require('../lib/internal');

const spec = api.pipeline.compile(fx.salesSpec({ secret: 'rules', lookupForm: 'localField' }));
const HEX = '64b7f0c2a1b2c3d4e5f60718';

/** A slot value in its bson form, by the slot kind the core gives it. */
const TYPED = {
  raw: (v) => v, raws: (v) => v, oid: (v) => new ObjectId(v), date: (v) => new Date(v),
  dec: (v) => Decimal128.fromString(v), oids: (v) => v.map((x) => new ObjectId(x)),
  dates: (v) => v.map((x) => new Date(x)), decs: (v) => v.map((x) => Decimal128.fromString(x)),
  long: (v) => Long.fromString(v), bigint: (v) => BigInt(v),
};

/** The core's template with every `{ $slot: i }` replaced by the core's value `i`. */
function fill(n, values, kinds) {
  if (n === null || typeof n !== 'object') return n;
  if (Array.isArray(n)) return n.map((x) => fill(x, values, kinds));
  const keys = Object.keys(n);
  if (keys.length === 1 && keys[0] === '$slot') return TYPED[kinds[n.$slot]](values[n.$slot]);
  return Object.fromEntries(keys.map((k) => [k, fill(n[k], values, kinds)]));
}

function outcome(f) {
  try { return `ok ${fx.canon(f())}`; } catch (e) { return `err ${e.code} ${e.message}`; }
}

/** The whole request validated by the core (page and limit included), from the full parameter text. */
const core = (p) => outcome(() => {
  const text = JSON.stringify(p ?? {});
  const { handle } = internals(spec);
  const [, ...values] = JSON.parse(handle.prepare(text));
  const t = JSON.parse(handle.template(text));
  const out = { pipeline: fill(t.pipeline, values, t.slots) };
  if (t.countPipeline) out.countPipeline = fill(t.countPipeline, values, t.slots);
  out.plan = t.plan;
  return out;
});
const viaBuild = (p) => outcome(() => spec.build(p));

const arbInt = fc.oneof(
  fc.integer({ min: -3, max: 300 }),
  fc.constantFrom(0, 1, 99, 100, 101, 2147483646, 2147483647, 2147483648, 9007199254740991, 1.5, -0, null, '3', '007', '0', 'x', ''),
);
const arbParams = fc.record({
  filter: fc.constantFrom(undefined, {}, { client: HEX }, { client: 'not-hex' }, { status: 'sold', amount: { $gte: 3 } }, { password: 1 },
    // toJSON values: the fast path writes their toJSON text itself (must equal JSON.stringify).
    { client: new ObjectId(HEX) }, { client: new ObjectId(HEX), sale_date: new Date(1700000000000) },
    { client: { $in: [new ObjectId(HEX)] } }, { sale_date: { $gte: new Date(0) }, status: 'sold' },
    { client: { toJSON: () => ({ $ne: HEX }) } }, { client: { toJSON: () => 'not-hex' } }),
  page: arbInt,
  limit: arbInt,
  sort: fc.constantFrom(undefined, '-amount', 'amount:sideways', 'password'),
  fields: fc.constantFrom(undefined, 'amount,status', 'password'),
}, { requiredKeys: [] });

test('pageRules: { defaultLimit, maxLimit, maxPage } from the core', () => {
  const { defaultLimit: d, maxLimit: m, maxPage: p } = internals(spec).rules;
  expect(Number.isInteger(d) && Number.isInteger(m) && d >= 1 && d <= m).toBe(true);
  expect(p).toBe(2 ** 31 - 1);
  expect(spec.build({}).pipeline.find((s) => '$limit' in s).$limit).toBe(d);
  expect(spec.build({ limit: m + 1 }).pipeline.find((s) => '$limit' in s).$limit).toBe(m);
});

test('build equals the core building the full request, or throws the same error (fast-check)', () => {
  fc.assert(fc.property(arbParams, (p) => {
    expect(viaBuild(p)).toBe(core(p));
    // Twice: the second call hits the memo kept for the request without page/limit.
    expect(viaBuild(p)).toBe(core(p));
  }), { numRuns: 300 });
});

test('memoised requests stay exact when only page / limit change (fast-check)', () => {
  const base = { filter: { client: HEX }, sort: '-amount' };
  fc.assert(fc.property(fc.array(fc.tuple(arbInt, arbInt), { minLength: 1, maxLength: 20 }), (pairs) => {
    for (const [page, limit] of pairs) {
      const p = { ...base, page, limit };
      expect(viaBuild(p)).toBe(core(p));
    }
  }), { numRuns: 100 });
});

test('cursor mode: skip stays 0 whatever the page', () => {
  const doc = { _id: new ObjectId(HEX), amount: 5 };
  const cursor = spec.cursorAfter(doc, { sort: '-amount' });
  for (const page of [undefined, 1, 3, 40]) {
    const p = { sort: '-amount', cursor, page, limit: 7 };
    const out = spec.build(p);
    expect(viaBuild(p)).toBe(core(p));
    expect(out.pipeline.some((s) => '$skip' in s)).toBe(false);
    expect(out.pipeline.find((s) => '$limit' in s).$limit).toBe(7);
  }
});

test('own "__proto__", unknown keys and toJSON params still reach the core', () => {
  const proto = JSON.parse('{"__proto__": {"page": 3}, "page": 2}');
  expect(viaBuild(proto)).toBe(core(proto));
  expect(viaBuild(proto)).toMatch(/^err ERR_FORBIDDEN_OPERATOR/);
  const unknown = { page: 2, $where: 'sleep(1)' };
  expect(viaBuild(unknown)).toBe(core(unknown));
  expect(viaBuild(unknown)).toMatch(/^err ERR_FORBIDDEN_OPERATOR/);
  const withToJSON = { page: 2, toJSON: () => ({ page: 4, limit: 3 }) };
  expect(viaBuild(withToJSON)).toBe(core(withToJSON));
  const inherited = Object.create({ page: 9 });
  expect(viaBuild(inherited)).toBe(core(inherited));
});
