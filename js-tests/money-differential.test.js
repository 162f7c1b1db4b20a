'use strict';
/**
 * money against references hotpath did not write (both backends: the Jest project picks
 * one): decimal.js at 100 significant digits for add, sub, mul, div (every rounding mode
 * and scale), round, sum (any order), balance and balanceFromBson; dinero.js 2.0.2
 * (bigint calculator) for allocate.
 *
 * The rule checked everywhere: the result is the reference's exact value, rounded once
 * when a scale is asked for; ERR_OVERFLOW exactly when that final value does not fit the
 * range (|coefficient| ≤ 2^127 − 1 at ≤ 36 decimal places, after trailing zeros are
 * removed). Inputs: fast-check decimals across the whole range — huge coefficients, 36
 * places, trailing zeros, `-0`, exponent forms, JS numbers and Decimal128.
 */
const path = require('node:path');
const fc = require('fast-check');
const Decimal = require('decimal.js');
const { BSON, Decimal128 } = require('bson');
const hotpath = require('../');

const { money } = hotpath;
const RUNS = { numRuns: Number(process.env.MONEY_DIFF_RUNS || 300) };

/** decimal.js at 100 digits: exact for every sum and product of in-range amounts (≤ 78 digits). */
const D = Decimal.clone({ precision: 100, toExpNeg: -9e15, toExpPos: 9e15 });
/** For the one nudge below the 100th digit of a truncated quotient. */
const D120 = D.clone({ precision: 120 });
const MAX = new D('170141183460469231731687303715884105727'); // 2^127 − 1
const MODES = {
  'half-even': D.ROUND_HALF_EVEN,
  'half-up': D.ROUND_HALF_UP,
  down: D.ROUND_DOWN,
  up: D.ROUND_UP,
  floor: D.ROUND_FLOOR,
  ceil: D.ROUND_CEIL,
};
const MODE_NAMES = Object.keys(MODES);

/** Result or error code, so failures compare too. */
function outcome(fn) {
  try { return { ok: fn() }; } catch (e) { if (!e.code) throw e; return { code: e.code }; }
}

/** True when `v` is a value hotpath holds: ≤ 36 places and a coefficient ≤ 2^127 − 1. */
function fits(v) {
  if (v.isZero()) return true;
  const dp = v.decimalPlaces();
  return dp <= 36 && v.abs().times(new D(10).pow(dp)).lte(MAX);
}

/** hotpath prints no negative zero. */
const unsign = (s) => (/^-0(\.0*)?$/.test(s) ? s.slice(1) : s);

/** The expected outcome of an exact result. */
function exact(v) {
  return fits(v) ? { ok: unsign(v.toFixed()) } : { code: 'ERR_OVERFLOW' };
}

/** The expected outcome of `v` rounded once to `scale` places with `mode`. */
function rounded(v, scale, mode) {
  const r = v.toDecimalPlaces(scale, MODES[mode]);
  return fits(r) ? { ok: unsign(r.toFixed(scale)) } : { code: 'ERR_OVERFLOW' };
}

/**
 * `a ÷ b` for rounding to any scale: decimal.js truncates the quotient at 100 digits; when
 * that is inexact the true value lies strictly beyond it, so a unit far below the 100th digit
 * is added (away from zero) — then one rounding to ≤ 36 places sees the true side of every
 * tie (a tie point of a result in range has at most 75 digits).
 */
function quotient(a, b) {
  const q = D.clone({ rounding: D.ROUND_DOWN }).div(a, b);
  if (q.times(b).eq(a)) return q;
  return new D120(q).plus(new D120(10).pow(q.e - 105).times(q.isNeg() ? -1 : 1));
}

/** An in-range value as `{ c: bigint coefficient, s: scale }` (and the decimal.js value). */
const MAXC = 2n ** 127n - 1n;
const coefficient = fc.oneof(
  fc.bigInt({ min: -MAXC, max: MAXC }),
  fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }),
  fc.integer({ min: -1000, max: 1000 }).map(BigInt),
  fc.constantFrom(MAXC, -MAXC, 10n ** 38n, 10n ** 38n - 1n, -(10n ** 38n), 10n ** 34n - 1n, 0n, 1n, -1n, 5n, -5n, 50n, 25n),
);
const scale = fc.oneof(fc.integer({ min: 0, max: 36 }), fc.integer({ min: 0, max: 4 }), fc.constantFrom(0, 2, 35, 36));

/** Plain text of c × 10^-s with `z` extra trailing zeros ('1.500'), or an exponent form. */
function text(c, s, z, form) {
  const neg = c < 0n;
  const digits = (neg ? -c : c).toString();
  const sign = neg ? '-' : (form === 3 ? '+' : '');
  if (form === 1) return `${neg ? '-' : ''}${digits}${'0'.repeat(z)}e-${s + z}`;
  if (form === 2) return `${neg ? '-' : ''}${digits}E${-s}`;
  const all = digits.padStart(s + 1, '0') + '0'.repeat(z);
  const places = s + z;
  const int = all.slice(0, all.length - places);
  const frac = all.slice(all.length - places);
  return `${sign}${int}${places ? `.${frac}` : ''}`;
}

/** An amount as hotpath takes it (string, number or Decimal128) and its decimal.js value. */
const amount = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(coefficient, scale, fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 3 }))
    .map(([c, s, z, form]) => ({ js: text(c, s, z, form), d: new D(`${c}e-${s}`) })) },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e30, max: 1e30 })
    .map((x) => ({ js: x, d: new D(String(x)) })).filter(({ d }) => fits(d)) },
  { weight: 1, arbitrary: fc.tuple(fc.bigInt({ min: -(10n ** 34n - 1n), max: 10n ** 34n - 1n }), fc.integer({ min: 0, max: 36 }))
    .map(([c, s]) => ({ js: Decimal128.fromString(`${c}E-${s}`), d: new D(`${c}e-${s}`) })) },
  { weight: 1, arbitrary: fc.constantFrom('-0', '-0.00', '0e-36', '.5', '5.', '-.000001').map((s) => ({ js: s, d: new D(s) })) },
);
const mode = fc.constantFrom(...MODE_NAMES);
const places = fc.integer({ min: 0, max: 36 });

describe(`money = decimal.js, 100 digits (${hotpath.backend})`, () => {
  test('add, sub, mul: exact, and rounded once to any scale with any mode', () => {
    fc.assert(fc.property(amount, amount, places, mode, (a, b, s, r) => {
      const refs = { add: a.d.plus(b.d), sub: a.d.minus(b.d), mul: a.d.times(b.d) };
      for (const op of ['add', 'sub', 'mul']) {
        expect([op, outcome(() => money[op](a.js, b.js, { output: 'string' }))]).toEqual([op, exact(refs[op])]);
        const want = rounded(refs[op], s, r);
        expect([op, s, r, outcome(() => money[op](a.js, b.js, { scale: s, rounding: r, output: 'string' }))]).toEqual([op, s, r, want]);
        // The number output is the nearest double to the same result.
        expect(outcome(() => money[op](a.js, b.js, { scale: s, rounding: r }))).toEqual(want.code ? want : { ok: Number(want.ok) });
      }
    }), RUNS);
  });

  test('div: every rounding mode at every scale', () => {
    fc.assert(fc.property(amount, amount, places, (a, b, s) => {
      if (b.d.isZero()) {
        expect(outcome(() => money.div(a.js, b.js, { scale: s }))).toEqual({ code: 'ERR_INVALID_AMOUNT' });
        return;
      }
      const q = quotient(a.d, b.d);
      for (const r of MODE_NAMES) {
        expect([s, r, outcome(() => money.div(a.js, b.js, { scale: s, rounding: r, output: 'string' }))]).toEqual([s, r, rounded(q, s, r)]);
      }
      // Default: 12 places, half-even.
      expect(outcome(() => money.div(a.js, b.js, { output: 'string' }))).toEqual(rounded(q, 12, 'half-even'));
    }), RUNS);
  });

  test('round: every mode, every scale; the text has exactly that many decimals', () => {
    fc.assert(fc.property(amount, places, mode, (a, s, r) => {
      expect(outcome(() => money.round(a.js, s, r, { output: 'string' }))).toEqual(rounded(a.d, s, r));
      expect(outcome(() => money.toExact(a.js))).toEqual(exact(a.d));
    }), RUNS);
  });

  test('sum: exact, the same in any order; rounded once', () => {
    fc.assert(fc.property(fc.array(amount, { maxLength: 12 }), places, mode, fc.nat(), (xs, s, r, k) => {
      const ref = xs.reduce((acc, x) => acc.plus(x.d), new D(0));
      const orders = [xs, [...xs].reverse(), xs.map((_, i) => xs[(i + k) % xs.length])];
      for (const order of orders) {
        const js = order.map((x) => x.js);
        expect(outcome(() => money.sum(js, { output: 'string' }))).toEqual(exact(ref));
        expect(outcome(() => money.sum(js, { scale: s, rounding: r, output: 'string' }))).toEqual(rounded(ref, s, r));
      }
    }), RUNS);
  });

  test('the issue\'s cases', () => {
    expect(money.div(100, '0.01111111111111111111111111111111111', 'USD')).toBe(9000);
    expect(money.div(1, '0.1234567890123456789012345678', { scale: 12, output: 'string' })).toBe('8.100000072900');
    expect(money.mul('1e20', '1.00000000000000000001', { output: 'string' })).toBe('100000000000000000001');
    expect(money.add('0.50', '1e37', { output: 'string' })).toBe(money.add('0.5', '1e37', { output: 'string' }));
    expect(money.add('0.50', '1e37', { output: 'string' })).toBe('10000000000000000000000000000000000000.5');
    expect(money.mul('1.10', '1e37', { output: 'string' })).toBe('11000000000000000000000000000000000000');
    for (const order of [['1e38', '1e38', '-1e38'], ['1e38', '-1e38', '1e38'], ['-1e38', '1e38', '1e38']]) {
      expect(money.sum(order, { output: 'string' })).toBe(`1${'0'.repeat(38)}`);
    }
    expect(money.round('1e37', 'USD', undefined, { output: 'string' })).toBe(`1${'0'.repeat(37)}.00`);
    expect(money.add('1e37', '0.000000000000000000000000000000000001', { currency: 'USD', output: 'string' })).toBe(`1${'0'.repeat(37)}.00`);
  });
});

describe(`balances = decimal.js (${hotpath.backend})`, () => {
  const CUR = { USD: 2, KWD: 3, JPY: 0 };
  const TYPES = { client_payment: 'income', debt_payment: 'income', expense: 'expense', vagon_expense: 'expense', debt_sale: 'debt' };
  const doc = fc.record({
    currency: fc.constantFrom(...Object.keys(CUR)),
    type: fc.constantFrom(...Object.keys(TYPES), 'other'),
    amount,
    isDeleted: fc.boolean(),
  });

  /** The reference: exact totals per currency and category, rounded once at the end. */
  function reference(docs, r) {
    const rows = {};
    for (const d of docs) {
      if (d.isDeleted) continue;
      const row = rows[d.currency] || (rows[d.currency] = { income: new D(0), expense: new D(0), debt: new D(0) });
      const cat = TYPES[d.type];
      if (cat) row[cat] = row[cat].plus(d.amount.d);
    }
    const out = {};
    for (const [c, row] of Object.entries(rows)) {
      out[c] = { currency: c };
      for (const [k, v] of Object.entries({ ...row, balance: row.income.minus(row.expense) })) {
        const want = rounded(v, CUR[c], r);
        if (want.code) return { code: want.code };
        out[c][k] = want.ok;
      }
    }
    return { ok: out };
  }

  test('balance and balanceFromBson: exact totals rounded once, in any order', () => {
    fc.assert(fc.property(fc.array(doc, { maxLength: 25 }), mode, (docs, r) => {
      const want = reference(docs, r);
      const plain = docs.map((d) => ({ ...d, amount: d.amount.js }));
      const opts = { output: 'string', rounding: r };
      expect(outcome(() => money.balance(plain, opts))).toEqual(want);
      expect(outcome(() => money.balance([...plain].reverse(), opts))).toEqual(want);
      const buffers = plain.map((d) => BSON.serialize(d));
      expect(outcome(() => money.balanceFromBson(buffers, opts))).toEqual(want);
      expect(outcome(() => money.balanceFromBson(Buffer.concat([...buffers].reverse()), opts))).toEqual(want);
    }), { numRuns: Math.ceil(RUNS.numRuns / 3) });
  });
});

/**
 * dinero.js 2.0.2 with its bigint calculator (exact for any size). The package is ESM-only;
 * its UMD bundle loads in Jest's CommonJS runtime.
 */
const dineroJs = require(path.join(path.dirname(require.resolve('dinero.js')), '..', 'umd', 'bigint', 'index.production.js'));

describe(`allocate = dinero.js 2.0.2 (${hotpath.backend})`, () => {
  const currency = (code, exponent) => ({ code, base: 10n, exponent: BigInt(exponent) });
  /** dinero's parts (minor units) of `units` by integer `ratios`. */
  function dinero(units, ratios, exponent) {
    const d = dineroJs.dinero({ amount: units, currency: currency('XTS', exponent) });
    return dineroJs.allocate(d, ratios).map((p) => dineroJs.toSnapshot(p).amount);
  }
  const minor = (units, s) => {
    const neg = units < 0n;
    const t = (neg ? -units : units).toString().padStart(s + 1, '0');
    return `${neg && units !== 0n ? '-' : ''}${t.slice(0, t.length - s)}${s ? `.${t.slice(t.length - s)}` : ''}`;
  };
  const units = fc.oneof(
    fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }),
    fc.bigInt({ min: -(10n ** 38n), max: 10n ** 38n }),
    fc.integer({ min: -50, max: 50 }).map(BigInt),
  );
  const ratio = fc.oneof(fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: 1000 }), fc.bigInt({ min: 0n, max: 10n ** 30n }));
  const ratios = fc.array(ratio, { minLength: 1, maxLength: 12 }).filter((rs) => rs.some((r) => BigInt(r) > 0n));

  test('integer ratios: the same parts as dinero.js (leftovers to the largest ratios)', () => {
    fc.assert(fc.property(units, ratios, fc.constantFrom(['USD', 2], ['JPY', 0], ['KWD', 3]), (u, rs, [code, exp]) => {
      const want = dinero(u, rs.map(BigInt), exp).map((p) => minor(p, exp));
      const got = money.allocate(minor(u, exp), rs.map(String), { currency: code, output: 'string' });
      expect([u, rs, got]).toEqual([u, rs, want]);
      expect(got.reduce((acc, p) => acc.plus(p), new D(0)).eq(minor(u, exp))).toBe(true);
    }), RUNS);
  });

  test('decimal ratios: as dinero.js on the ratios scaled to integers (parts stay in minor units)', () => {
    fc.assert(fc.property(units, fc.array(fc.tuple(fc.integer({ min: 0, max: 100000 }), fc.integer({ min: 0, max: 4 })), { minLength: 1, maxLength: 8 }), (u, pairs) => {
      fc.pre(pairs.some(([r]) => r > 0));
      const rs = pairs.map(([r, s]) => new D(`${r}e-${s}`));
      const dp = Math.max(...rs.map((r) => r.decimalPlaces()));
      const ints = rs.map((r) => BigInt(r.times(new D(10).pow(dp)).toFixed()));
      const want = dinero(u, ints, 2).map((p) => minor(p, 2));
      expect(money.allocate(minor(u, 2), rs.map((r) => r.toFixed()), { currency: 'USD', output: 'string' })).toEqual(want);
      // dinero's own scaled ratios return parts at a finer scale; hotpath keeps cents (docs/money.md).
    }), RUNS);
  });

  test('examples where the largest remainder would differ', () => {
    expect(money.allocate(0.02, [3, 2, 1], 'USD')).toEqual([0.02, 0, 0]);
    expect(dinero(2n, [3n, 2n, 1n], 2)).toEqual([2n, 0n, 0n]);
    expect(money.allocate(-0.07, [1, 2, 1, 2], 'USD')).toEqual([-0.01, -0.03, -0.01, -0.02]);
    expect(dinero(-7n, [1n, 2n, 1n, 2n], 2)).toEqual([-1n, -3n, -1n, -2n]);
    expect(money.allocate(100, [1, 1, 1], 'USD')).toEqual([33.34, 33.33, 33.33]);
  });
});
