'use strict';
/**
 * Parity: the native and wasm backends produce identical pipelines, errors, filters,
 * metadata, index advice and cursor tokens for the same fast-check inputs.
 */
const fc = require('fast-check');
const { forBackend } = require('../lib/api');
const fx = require('./pipeline/fixtures');

const native = forBackend('native');
const wasm = forBackend('wasm');
const spec = fx.salesSpec({ secret: 'parity', lookupForm: 'localField' });
const a = native.pipeline.compile(spec);
const b = wasm.pipeline.compile(spec);
const HEXES = ['64b7f0c2a1b2c3d4e5f60718', 'ffffffffffffffffffffffff', 'not-hex', ''];

/** The result or the error (code + message), as comparable text. */
function outcome(f) {
  try { return `ok ${fx.canon(f())}`; } catch (e) { return `err ${e.code} ${e.message}`; }
}

const scalar = fc.oneof(fc.integer(), fc.string({ maxLength: 8 }), fc.boolean(), fc.constant(null), fc.constantFrom(...HEXES), fc.constantFrom('2024-01-01', '2024-02-30', '1700000000000'));
const arbFilter = fc.dictionary(
  fc.constantFrom('client', 'amount', 'status', 'sale_date', 'clientInfo.name', 'vagonInfo.status', 'password', '$where'),
  fc.oneof(scalar, fc.dictionary(fc.constantFrom('$gte', '$lte', '$in', '$nin', '$regex', '$eq', '$ne', '$expr', 'gte'), fc.oneof(scalar, fc.array(scalar, { maxLength: 3 })), { maxKeys: 2 })),
  { maxKeys: 3 },
);
const arbParams = fc.record({
  filter: arbFilter,
  page: fc.oneof(fc.integer({ min: -2, max: 50 }), fc.constantFrom('1', '7', 'x', 1.5, null)),
  limit: fc.oneof(fc.integer({ min: -1, max: 500 }), fc.constantFrom('20', '1000', [], null)),
  sort: fc.constantFrom(undefined, '-amount', { sale_date: 1, createdAt: -1 }, [['clientInfo.name', -1]], { password: 1 }, 'amount:sideways'),
  fields: fc.constantFrom(undefined, 'amount,status', ['clientInfo', 'clientInfo.name'], 'password'),
}, { requiredKeys: [] });

test('build: identical pipelines or identical errors (fast-check)', () => {
  fc.assert(fc.property(arbParams, (p) => {
    expect(outcome(() => b.build(p))).toBe(outcome(() => a.build(p)));
  }), { numRuns: 300 });
});

test('filterFromQuery, meta and suggestIndex agree (fast-check)', () => {
  const arbQuery = fc.dictionary(
    fc.constantFrom('client', 'amount', 'amount[gte]', 'amount[lte]', 'status', 'status[in]', 'clientInfo.name[regex]', 'page', '$where', '__proto__', 'x[y]'),
    fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom(...HEXES), fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 }), fc.dictionary(fc.constantFrom('gte', 'lte', 'in', '$gt', 'regex'), fc.string({ maxLength: 5 }), { maxKeys: 2 })),
    { maxKeys: 4 },
  );
  fc.assert(fc.property(arbQuery, arbParams, fc.oneof(fc.nat(10_000), fc.constantFrom(-1, 1.5)), (q, p, total) => {
    expect(outcome(() => b.filterFromQuery(q))).toBe(outcome(() => a.filterFromQuery(q)));
    expect(outcome(() => b.meta(total, p))).toBe(outcome(() => a.meta(total, p)));
    expect(outcome(() => b.suggestIndex(p))).toBe(outcome(() => a.suggestIndex(p)));
  }), { numRuns: 200 });
});

test('cursor tokens are byte-identical and accepted by the other backend (fast-check)', () => {
  fc.assert(fc.property(fc.date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true }), fc.constantFrom(...HEXES.slice(0, 2)), fc.option(fc.integer({ min: 0, max: 100 }), { nil: null }), (d, hex, amount) => {
    const doc = { _id: { _bsontype: 'ObjectId', toHexString: () => hex }, createdAt: d, amount };
    const ta = a.cursorAfter(doc, { sort: [['amount', -1], ['createdAt', 1]] });
    const tb = b.cursorAfter(doc, { sort: [['amount', -1], ['createdAt', 1]] });
    expect(tb).toBe(ta);
    const p = { cursor: ta, sort: [['amount', -1], ['createdAt', 1]] };
    expect(outcome(() => b.build(p))).toBe(outcome(() => a.build(p)));
  }), { numRuns: 100 });
});
