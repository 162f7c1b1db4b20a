'use strict';
/** Native and wasm give identical results on the same random inputs (one process). */
const fc = require('fast-check');
const { BSON, Decimal128 } = require('bson');
const { forBackend } = require('../lib/api');

const native = forBackend('native').money;
const wasm = forBackend('wasm').money;
const RUNS = { numRuns: 100 };

/** Result or error code, so failures compare too. */
function outcome(fn) {
  try { return { ok: fn() }; } catch (e) { return { code: e.code }; }
}

const amount = fc.oneof(
  fc.double({ noDefaultInfinity: false }),
  fc.integer().map((c) => c / 100),
  fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String),
  fc.tuple(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), fc.integer({ min: -40, max: 40 })).map(([m, e]) => `${m}e${e}`),
  fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }),
  fc.string({ maxLength: 6 }),
);
const mode = fc.constantFrom('half-even', 'half-up', 'down', 'up', 'floor', 'ceil');

describe('money parity native = wasm', () => {
  test('scalar operations', () => {
    fc.assert(fc.property(amount, amount, mode, fc.integer({ min: 0, max: 8 }), (a, b, r, s) => {
      for (const op of ['add', 'sub', 'mul', 'div']) {
        const o = { scale: s, rounding: r, output: 'string' };
        const text = outcome(() => native[op](a, b, o));
        expect(outcome(() => wasm[op](a, b, o))).toEqual(text);
        // The number path (no strings cross) is the nearest double to the exact text.
        const num = { scale: s, rounding: r };
        const asNumber = outcome(() => native[op](a, b, num));
        expect(outcome(() => wasm[op](a, b, num))).toEqual(asNumber);
        expect(asNumber).toEqual(text.code ? text : { ok: Number(text.ok) });
      }
      expect(outcome(() => wasm.add(a, b, { output: 'string' }))).toEqual(outcome(() => native.add(a, b, { output: 'string' })));
      expect(outcome(() => wasm.compare(a, b))).toEqual(outcome(() => native.compare(a, b)));
      expect(outcome(() => wasm.round(a, s, r))).toEqual(outcome(() => native.round(a, s, r)));
    }), RUNS);
  });

  test('sum, allocate', () => {
    fc.assert(fc.property(fc.array(amount, { maxLength: 50 }), fc.array(fc.double({ noNaN: true, min: -1e12, max: 1e12 }), { maxLength: 200 }), (xs, ds) => {
      expect(outcome(() => wasm.sum(xs, { output: 'string' }))).toEqual(outcome(() => native.sum(xs, { output: 'string' })));
      const f = Float64Array.from(ds);
      expect(outcome(() => wasm.sum(f, { output: 'string' }))).toEqual(outcome(() => native.sum(f, { output: 'string' })));
      expect(outcome(() => wasm.allocate(ds[0] ?? 1, ds.slice(1, 5).map(Math.abs), 'USD')))
        .toEqual(outcome(() => native.allocate(ds[0] ?? 1, ds.slice(1, 5).map(Math.abs), 'USD')));
    }), RUNS);
  });

  test('balanceFromBson and Decimal128', () => {
    const doc = fc.record({
      currency: fc.constantFrom('USD', 'RUB', 'KWD'),
      type: fc.constantFrom('client_payment', 'expense', 'debt_sale', 'x'),
      amount: fc.oneof(fc.double({ noNaN: true, min: -1e9, max: 1e9 }), fc.integer(), fc.integer().map((c) => Decimal128.fromString(`${c}e-3`))),
      isDeleted: fc.boolean(),
    });
    fc.assert(fc.property(fc.array(doc, { maxLength: 40 }), (docs) => {
      const buf = Buffer.concat(docs.map((d) => BSON.serialize(d)));
      expect(outcome(() => wasm.balanceFromBson(buf, { output: 'string' }))).toEqual(outcome(() => native.balanceFromBson(buf, { output: 'string' })));
      for (const d of docs) {
        expect(outcome(() => wasm.toDecimal128Bytes(d.amount))).toEqual(outcome(() => native.toDecimal128Bytes(d.amount)));
      }
    }), RUNS);
  });
});
