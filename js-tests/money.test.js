'use strict';
/** money: arithmetic, parsing, rounding, sums, allocation, Decimal128, balances (both backends). */
const fc = require('fast-check');
const { BSON, Decimal128: BsonDecimal128 } = require('bson');
const { Types } = require('mongoose');
const hotpath = require('../');

const { money, HotpathError } = hotpath;
const RUNS = { numRuns: 100 };

/** Expects `fn` to throw HotpathError with `code`, and the message to mention `mention`. */
function expectCode(fn, code, mention) {
  let err;
  try { fn(); } catch (e) { err = e; }
  expect(err).toBeInstanceOf(HotpathError);
  expect(err.code).toBe(code);
  if (mention) expect(err.message).toContain(mention);
  return err;
}

/** BigInt reference: `cents / 10^scale` summed exactly, printed as a decimal string. */
function bigintDecimal(units, scale) {
  const neg = units < 0n;
  const s = (neg ? -units : units).toString().padStart(scale + 1, '0');
  const int = s.slice(0, s.length - scale);
  const frac = s.slice(s.length - scale).replace(/0+$/, '');
  return `${neg && units !== 0n ? '-' : ''}${int}${frac ? `.${frac}` : ''}`;
}

/** Like bigintDecimal but with exactly `scale` decimals ('-12.30'). */
function fixedDecimal(units, scale) {
  const neg = units < 0n;
  const s = (neg ? -units : units).toString().padStart(scale + 1, '0');
  return `${neg ? '-' : ''}${s.slice(0, s.length - scale)}.${s.slice(s.length - scale)}`;
}

describe(`money arithmetic (${hotpath.backend})`, () => {
  test('0.1 + 0.2 = 0.3, exactly', () => {
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(money.add(0.1, 0.2)).toBe(0.3);
    expect(money.add(0.1, 0.2, { output: 'string' })).toBe('0.3');
    expect(money.sum([0.1, 0.2])).toBe(0.3);
    expect(money.sum(new Float64Array([0.1, 0.2]), { output: 'string' })).toBe('0.3');
  });

  test('numbers read as the decimal they print as; strings plain and scientific; −0 is 0', () => {
    expect(money.toExact(0.1)).toBe('0.1');
    expect(money.toExact(1e21)).toBe('1000000000000000000000');
    expect(money.toExact(1.5e-7)).toBe('0.00000015');
    expect(money.toExact(0.1 + 0.2)).toBe(String(0.1 + 0.2));
    expect(money.toExact(-0)).toBe('0');
    expect(money.toExact('1.5E+3')).toBe('1500');
    expect(money.toExact('-0.00')).toBe('0');
    expect(money.toExact(12345n, 'USD')).toBe('123.45');
    expect(money.toExact(12345n, 'JPY')).toBe('12345');
    expect(money.toExact(12345n)).toBe('12345');
    // Below 1e-20 a double prints with more than 36 decimal places: ERR_OVERFLOW (tested below).
    const money_ = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e15, max: 1e15 }).filter((x) => x === 0 || Math.abs(x) >= 1e-20);
    expectCode(() => money.toExact(5e-324), 'ERR_OVERFLOW', '5e-324');
    fc.assert(fc.property(money_, (x) => {
      expect(Number(money.toExact(x))).toBe(x === 0 ? 0 : x);
      if (Math.abs(x) >= 1e-6 && Math.abs(x) < 1e21) expect(money.toExact(x)).toBe(String(x === 0 ? 0 : x));
    }), RUNS);
  });

  test('sub, mul, div, compare, rounding to a currency', () => {
    expect(money.sub(1, 0.9)).toBe(0.1);
    expect(money.mul(1.1, 1.1)).toBe(1.21);
    expect(money.mul('19.99', 3, 'USD')).toBe(59.97);
    expect(money.div(10, 3, { scale: 2 })).toBe(3.33);
    expect(money.div(10, 3, { currency: 'KWD', output: 'string' })).toBe('3.333');
    expect(money.div(2, 3, { scale: 0, rounding: 'floor' })).toBe(0);
    expect(money.div(1, 3, { output: 'string' })).toBe('0.333333333333');
    expect(money.compare('1.50', 1.5)).toBe(0);
    expect(money.compare(0.1, '0.10000000000000001')).toBe(-1);
    expect(money.compare(3n, 2)).toBe(1);
    expect(money.round(1.005, 'USD')).toBe(1);
    expect(money.round(1.005, 'USD', 'half-up')).toBe(1.01);
    expect(money.round(1234.5, 'JPY')).toBe(1234);
    expect(money.round('1.0005', 'BHD', 'half-up', { output: 'string' })).toBe('1.001');
    expect(money.round(2.5, 0, 'half-even')).toBe(2);
    expect(money.add(1, 2, { currency: 'USD', output: 'string' })).toBe('3.00');
  });

  test('every rounding mode on ties and negatives', () => {
    const table = {
      //        half-even half-up down up floor ceil
      '2.5': [2, 3, 2, 3, 2, 3],
      '3.5': [4, 4, 3, 4, 3, 4],
      '-2.5': [-2, -3, -2, -3, -3, -2],
      '-3.5': [-4, -4, -3, -4, -4, -3],
      '2.4': [2, 2, 2, 3, 2, 3],
      '-2.6': [-3, -3, -2, -3, -3, -2],
      '-0.5': [0, -1, 0, -1, -1, 0],
    };
    const modes = ['half-even', 'half-up', 'down', 'up', 'floor', 'ceil'];
    expect(money.ROUNDING_MODES).toEqual(modes);
    for (const [v, want] of Object.entries(table)) {
      modes.forEach((m, i) => {
        expect(money.round(v, 0, m)).toBe(want[i] === 0 ? 0 : want[i]);
        // The same tie one unit of the currency lower: 0.025 USD.
        expect(money.round(Number(v) / 100, 'USD', m)).toBe(want[i] / 100 === 0 ? 0 : want[i] / 100);
      });
    }
    // Against a BigInt reference on random values.
    fc.assert(fc.property(fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), fc.integer({ min: 0, max: 5 }), (units, m) => {
      const mode = modes[m];
      const fl = units >= 0n ? units / 1000n : -((-units + 999n) / 1000n); // floor(units / 1000)
      const r = units - fl * 1000n; // 0 <= r < 1000
      const ce = r === 0n ? fl : fl + 1n;
      const away = units >= 0n ? ce : fl;
      const toward = units >= 0n ? fl : ce;
      const half = (even) => (2n * r < 1000n ? fl : 2n * r > 1000n ? ce : even ? (fl % 2n === 0n ? fl : ce) : away);
      const want = { 'half-even': half(true), 'half-up': half(false), down: toward, up: away, floor: fl, ceil: ce }[mode];
      expect(money.round(`${units}e-3`, 0, mode, { output: 'string' })).toBe(want.toString());
    }), RUNS);
  });

  test('bad input → HotpathError with the right code', () => {
    expectCode(() => money.add(NaN, 1), 'ERR_INVALID_AMOUNT', 'NaN');
    expectCode(() => money.add(1, Infinity), 'ERR_INVALID_AMOUNT', 'Infinity');
    expectCode(() => money.sum([1, -Infinity]), 'ERR_INVALID_AMOUNT', 'amounts[1]');
    expectCode(() => money.sum(new Float64Array([1, 2, NaN])), 'ERR_INVALID_AMOUNT', 'amounts[2]');
    expectCode(() => money.add('abc', 1), 'ERR_INVALID_AMOUNT', '"abc"');
    expectCode(() => money.add('NaN', 1), 'ERR_INVALID_AMOUNT', 'NaN');
    expectCode(() => money.add({}, 1), 'ERR_INVALID_AMOUNT', 'add: a');
    expectCode(() => money.sum(['1', '']), 'ERR_INVALID_AMOUNT', 'amounts[1]');
    expectCode(() => money.sum([1, 2, '3', 'x4']), 'ERR_INVALID_AMOUNT', 'amounts[3]');
    expectCode(() => money.sum([1, Types.Decimal128.fromString('NaN')]), 'ERR_INVALID_AMOUNT', 'amounts[1] must be a finite decimal number, got Decimal128 NaN');
    expectCode(() => money.sum([Types.Decimal128.fromString('-Infinity')]), 'ERR_INVALID_AMOUNT', '-Infinity');
    expectCode(() => money.sum('12'), 'ERR_INVALID_AMOUNT', 'amounts');
    expectCode(() => money.round(1, 'XYZ'), 'ERR_UNKNOWN_CURRENCY', 'XYZ');
    expectCode(() => money.compare(1), 'ERR_INVALID_AMOUNT', 'compare: b');
    expectCode(() => money.add(1), 'ERR_INVALID_AMOUNT', 'add: b');
    expectCode(() => money.sum([1], { currency: 'usd' }), 'ERR_UNKNOWN_CURRENCY', 'usd');
    expectCode(() => money.round(1, 2, 'nearest'), 'ERR_INVALID_AMOUNT', 'nearest');
    expectCode(() => money.round(1, 99), 'ERR_INVALID_AMOUNT', 'scale');
    expectCode(() => money.div(1, 0), 'ERR_INVALID_AMOUNT', 'zero');
    expectCode(() => money.add('1e38', '1e38'), 'ERR_OVERFLOW');
    expectCode(() => money.mul('1e20', '1e20'), 'ERR_OVERFLOW');
    expectCode(() => money.registerCurrency('BAD CODE', 2), 'ERR_UNKNOWN_CURRENCY', 'BAD CODE');
    expectCode(() => money.registerCurrency('GOOD', 40), 'ERR_INVALID_AMOUNT', '40');
    expectCode(() => money.minorUnit('GOOD'), 'ERR_UNKNOWN_CURRENCY');
    // Nothing changed: the API works as before.
    expect(money.add(0.1, 0.2)).toBe(0.3);
  });

  test('ISO 4217 minor units and registerCurrency', () => {
    expect(['USD', 'JPY', 'KWD', 'BHD', 'RUB', 'UZS', 'EUR', 'CLF'].map(money.minorUnit)).toEqual([2, 0, 3, 3, 2, 2, 2, 4]);
    const code = `T${hotpath.backend.toUpperCase()}`;
    money.registerCurrency(code, 6);
    expect(money.minorUnit(code)).toBe(6);
    expect(money.round('1.23456789', code)).toBe(1.234568);
  });
});

describe(`money.sum (${hotpath.backend})`, () => {
  const cents = fc.array(fc.bigInt({ min: -(10n ** 10n), max: 10n ** 10n }), { maxLength: 400 });

  test('equals a BigInt-in-minor-units reference (Array and Float64Array)', () => {
    fc.assert(fc.property(cents, (cs) => {
      const xs = cs.map((c) => Number(c) / 100);
      const want = bigintDecimal(cs.reduce((a, b) => a + b, 0n), 2);
      expect(money.sum(xs, { output: 'string' })).toBe(want);
      expect(money.sum(Float64Array.from(xs), { output: 'string' })).toBe(want);
      expect(money.sum(xs, { currency: 'USD' })).toBe(Number(want));
    }), RUNS);
  });

  test('mixed amounts: numbers, strings, bigint minor units, Decimal128', () => {
    fc.assert(fc.property(cents, (cs) => {
      const mixed = cs.map((c, i) => {
        switch (i % 4) {
          case 0: return Number(c) / 100;
          case 1: return bigintDecimal(c, 2);
          case 2: return c; // bigint: minor units of USD
          default: return BsonDecimal128.fromString(bigintDecimal(c, 2));
        }
      });
      const want = bigintDecimal(cs.reduce((a, b) => a + b, 0n), 2);
      expect(money.sum(mixed, { currency: 'USD', output: 'string' })).toBe(fixedDecimal(cs.reduce((a, b) => a + b, 0n), 2));
      expect(money.sum(mixed, { currency: 'USD' })).toBe(Number(want));
    }), RUNS);
  });

  test('amounts with more decimals raise the scale exactly; 1M float error is gone', () => {
    expect(money.sum([0.1, 0.02, 0.003, 1e-10], { output: 'string' })).toBe('0.1230000001');
    const xs = new Float64Array(100_000);
    let want = 0n;
    for (let i = 0; i < xs.length; i++) {
      const c = BigInt((i * 7919) % 10_000_000_000) - 5_000_000_000n;
      want += c;
      xs[i] = Number(c) / 100;
    }
    expect(money.sum(xs, { output: 'string' })).toBe(bigintDecimal(want, 2));
  });
});

describe(`money.allocate (${hotpath.backend})`, () => {
  test('largest remainder, deterministic', () => {
    expect(money.allocate(100, [1, 1, 1], 'USD')).toEqual([33.34, 33.33, 33.33]);
    expect(money.allocate(100, [1, 1, 1], { currency: 'USD', output: 'string' })).toEqual(['33.34', '33.33', '33.33']);
    expect(money.allocate(-0.05, [1, 1], 'USD')).toEqual([-0.03, -0.02]);
    expect(money.allocate(1000, [0.5, 0.25, 0.25], 'JPY')).toEqual([500, 250, 250]);
    expect(money.allocate(10, [0, 3], 'JPY')).toEqual([0, 10]);
    expectCode(() => money.allocate(10, [], 'USD'), 'ERR_INVALID_AMOUNT', 'ratios');
    expectCode(() => money.allocate(10, [-1, 2], 'USD'), 'ERR_INVALID_AMOUNT', 'ratios[0]');
    expectCode(() => money.allocate(10, [0, 0], 'USD'), 'ERR_INVALID_AMOUNT', 'zero');
    expectCode(() => money.allocate(10, [NaN], 'USD'), 'ERR_INVALID_AMOUNT', 'ratios[0]');
  });

  test('parts add up to the whole (fast-check)', () => {
    fc.assert(fc.property(
      fc.bigInt({ min: -(10n ** 13n), max: 10n ** 13n }),
      fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 10 }).filter((r) => r.some((x) => x > 0)),
      (units, ratios) => {
        const amount = bigintDecimal(units, 2);
        const parts = money.allocate(amount, ratios, { currency: 'USD', output: 'string' });
        expect(parts).toHaveLength(ratios.length);
        const total = parts.reduce((a, p) => a + BigInt(p.replace('.', '')), 0n);
        expect(total).toBe(units);
        ratios.forEach((r, i) => { if (r === 0) expect(Number(parts[i])).toBe(0); });
      },
    ), RUNS);
  });
});

describe(`money Decimal128 (${hotpath.backend})`, () => {
  test('in and out with mongoose Types.Decimal128', () => {
    const d = Types.Decimal128.fromString('1234.50');
    expect(money.fromDecimal128(d)).toBe('1234.5');
    expect(money.add(d, 0.25)).toBe(1234.75);
    expect(money.sum([d, d, 1n], { currency: 'USD', output: 'string' })).toBe('2469.01');
    const out = money.toDecimal128('0.30', undefined, Types.Decimal128);
    expect(out).toBeInstanceOf(Types.Decimal128);
    expect(out.toString()).toBe('0.30');
    const rounded = money.toDecimal128(money.add(0.1, 0.2, { output: 'string' }), 'USD', Types.Decimal128);
    expect(rounded.toString()).toBe('0.30');
    expect(money.toDecimal128(-12.5, undefined, Types.Decimal128).toString()).toBe('-12.5');
    expect(money.toDecimal128('99999999999999999999999999999999.99').toString()).toBe('99999999999999999999999999999999.99');
    expectCode(() => money.fromDecimal128(Types.Decimal128.fromString('NaN')), 'ERR_INVALID_AMOUNT', 'NaN');
    expectCode(() => money.add(Types.Decimal128.fromString('Infinity'), 1), 'ERR_INVALID_AMOUNT', 'Infinity');
    fc.assert(fc.property(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.integer({ min: 0, max: 20 }), (m, s) => {
      const text = `${m}e-${s}`;
      const exact = money.toExact(text);
      const dec = money.toDecimal128(text, undefined, Types.Decimal128);
      expect(money.fromDecimal128(dec)).toBe(exact);
      expect(money.fromDecimal128(Types.Decimal128.fromString(exact))).toBe(exact);
      expect(money.toExact(Types.Decimal128.fromString(text.replace('e', 'E')))).toBe(exact);
    }), RUNS);
  });
});

describe(`money.balance (${hotpath.backend})`, () => {
  const TYPES = ['client_payment', 'debt_payment', 'expense', 'vagon_expense', 'debt_sale', 'other'];
  const docArb = fc.record({
    currency: fc.constantFrom('USD', 'RUB', 'JPY'),
    type: fc.constantFrom(...TYPES),
    cents: fc.bigInt({ min: -(10n ** 11n), max: 10n ** 11n }),
    kind: fc.constantFrom('double', 'int32', 'decimal128'),
    isDeleted: fc.boolean(),
  });
  const toDoc = ({ currency, type, cents, kind, isDeleted }) => {
    const text = bigintDecimal(cents, 2);
    let amount;
    if (kind === 'double') amount = new BSON.Double(Number(text));
    else if (kind === 'int32') amount = Number(cents % 2147483647n);
    else amount = BsonDecimal128.fromString(text);
    return { currency, type, amount, isDeleted };
  };
  const plain = (d) => ({ ...d, amount: d.amount instanceof BSON.Double ? d.amount.value : d.amount });

  test('the original design\'s default mapping; deleted docs skipped', () => {
    const docs = [
      { currency: 'USD', type: 'client_payment', amount: 100.1, isDeleted: false },
      { currency: 'USD', type: 'debt_payment', amount: '0.2' },
      { currency: 'USD', type: 'expense', amount: 30 },
      { currency: 'USD', type: 'vagon_expense', amount: Types.Decimal128.fromString('0.05') },
      { currency: 'USD', type: 'debt_sale', amount: 7 },
      { currency: 'USD', type: 'expense', amount: 1e9, isDeleted: true },
      { currency: 'RUB', type: 'unknown_type', amount: 'not even read' },
    ];
    expect(money.balance(docs)).toEqual({
      USD: { currency: 'USD', income: 100.3, expense: 30.05, debt: 7, balance: 70.25 },
      RUB: { currency: 'RUB', income: 0, expense: 0, debt: 0, balance: 0 },
    });
    expect(money.balance(docs, { output: 'string' }).USD.balance).toBe('70.25');
    const custom = money.balance(
      [{ cur: 'JPY', kind: 'sale', value: 1000.4, gone: false }, { cur: 'JPY', kind: 'refund', value: 0.3 }, { cur: 'JPY', kind: 'sale', value: 5, gone: true }],
      { types: { income: ['sale'], expense: ['refund'] }, currencyField: 'cur', typeField: 'kind', amountField: 'value', deletedField: 'gone' },
    );
    expect(custom).toEqual({ JPY: { currency: 'JPY', income: 1000, expense: 0, balance: 1000 } });
    expectCode(() => money.balance([{ currency: 'XXX', type: 'expense', amount: 1 }]), 'ERR_UNKNOWN_CURRENCY', 'docs[0].currency');
    expectCode(() => money.balance([{ currency: 'USD', type: 'expense', amount: NaN }]), 'ERR_INVALID_AMOUNT', 'docs[0].amount');
    expectCode(() => money.balance([{ currency: 'USD', type: 'expense' }]), 'ERR_INVALID_AMOUNT', 'docs[0].amount');
    expectCode(() => money.balance([], { types: { income: 'x' } }), 'ERR_INVALID_SPEC', 'income');
  });

  test('balanceFromGroups reads a $group result', () => {
    const groups = [
      { _id: 'client_payment', total: 0.1 }, { _id: 'debt_payment', total: 0.2 },
      { _id: 'expense', total: Types.Decimal128.fromString('0.05') }, { _id: 'debt_sale', total: '12' }, { _id: null, total: 5 },
    ];
    expect(money.balanceFromGroups('USD', groups)).toEqual({ currency: 'USD', income: 0.3, expense: 0.05, debt: 12, balance: 0.25 });
    expect(money.balanceFromGroups('RUB', [])).toEqual({ currency: 'RUB', income: 0, expense: 0, debt: 0, balance: 0 });
    expectCode(() => money.balanceFromGroups('NOPE', []), 'ERR_UNKNOWN_CURRENCY', 'NOPE');
  });

  test('balanceFromBson equals balance on the same documents (double, int32, Decimal128; deleted skipped)', () => {
    fc.assert(fc.property(fc.array(docArb, { maxLength: 60 }), (specs) => {
      const docs = specs.map(toDoc);
      const buffers = docs.map((d) => BSON.serialize(d));
      const want = money.balance(docs.map(plain), { output: 'string' });
      expect(money.balanceFromBson(buffers, { output: 'string' })).toEqual(want);
      const joined = Buffer.concat(buffers);
      expect(money.balanceFromBson(joined, { output: 'string' })).toEqual(want);
      // Consecutive slices of one buffer (as cut from one reply) are read without a copy.
      const slices = [];
      for (let off = 0, i = 0; i < buffers.length; off += buffers[i].length, i++) slices.push(joined.subarray(off, off + buffers[i].length));
      expect(money.balanceFromBson(slices, { output: 'string' })).toEqual(want);
      const back = docs.map((_, i) => BSON.deserialize(buffers[i]));
      expect(money.balance(back, { output: 'string' })).toEqual(want);
    }), RUNS);
  });

  test('balanceFromBson: int64 amounts, custom fields, bad buffers', () => {
    const buf = BSON.serialize({ c: 'KWD', t: 'in', a: BSON.Long.fromString('5000000000'), del: false });
    expect(money.balanceFromBson([buf], { types: { income: ['in'] }, currencyField: 'c', typeField: 't', amountField: 'a', deletedField: 'del' }))
      .toEqual({ KWD: { currency: 'KWD', income: 5000000000, balance: 5000000000 } });
    expectCode(() => money.balanceFromBson(Buffer.from([1, 2, 3])), 'ERR_INVALID_AMOUNT', 'documents[0]');
    const good = BSON.serialize({ currency: 'USD', type: 'expense', amount: 1 });
    expectCode(() => money.balanceFromBson(Buffer.concat([good, good.subarray(0, 10)])), 'ERR_INVALID_AMOUNT', 'documents[1]');
    expectCode(() => money.balanceFromBson([BSON.serialize({ currency: 'USD', type: 'expense', amount: true })]), 'ERR_INVALID_AMOUNT', 'documents[0].amount');
    expectCode(() => money.balanceFromBson([BSON.serialize({ currency: 'ZZZ', type: 'expense', amount: 1 })]), 'ERR_UNKNOWN_CURRENCY', 'ZZZ');
    expectCode(() => money.balanceFromBson('nope'), 'ERR_INVALID_AMOUNT', 'buffers');
    expect(money.balanceFromBson([])).toEqual({});
  });
});

describe(`money: raw BSON edges (${hotpath.backend})`, () => {
  /** A Decimal128 whose 113-bit coefficient field holds 10^34 + k (non-canonical), exponent e. */
  function nonCanonical(k, e = 0, negative = false) {
    const coef = 10n ** 34n + BigInt(k);
    const hi = (BigInt(e + 6176) << 49n) | (coef >> 64n) | (negative ? 1n << 63n : 0n);
    const b = Buffer.alloc(16);
    b.writeBigUInt64LE(coef & 0xffffffffffffffffn, 0);
    b.writeBigUInt64LE(hi, 8);
    return new BsonDecimal128(b);
  }
  /** The `11` combination prefix that is neither NaN nor Infinity: also non-canonical. */
  function prefix11() {
    const b = Buffer.alloc(16);
    b[0] = 7;
    b.writeBigUInt64LE((0b11n << 61n) | (6176n << 47n), 8);
    return new BsonDecimal128(b);
  }

  test('a non-canonical Decimal128 is 0 everywhere (IEEE 754-2008), whatever bson prints', () => {
    const cases = [nonCanonical(0), nonCanonical(12345, -2), nonCanonical(7, 3, true), nonCanonical(2n ** 113n - 1n - 10n ** 34n), prefix11()];
    // bson reads some of them as the digits of the coefficient field, others as 0.
    expect(cases[1].toString()).toBe('100000000000000000000000000000123.45');
    for (const d of cases) {
      expect(money.fromDecimal128(d)).toBe('0');
      expect(money.toExact(d)).toBe('0');
      expect(money.add(d, 1)).toBe(1);
      expect(money.sum([d, 2.5])).toBe(2.5);
      expect(money.sum([d, '2.5'], { output: 'string' })).toBe(money.sum(['2.5', d], { output: 'string' }));
      const docs = [{ currency: 'USD', type: 'expense', amount: d }, { currency: 'USD', type: 'client_payment', amount: 1 }];
      const want = { USD: { currency: 'USD', income: '1.00', expense: '0.00', debt: '0.00', balance: '1.00' } };
      expect(money.balance(docs, { output: 'string' })).toEqual(want);
      expect(money.balanceFromBson(docs.map((x) => BSON.serialize(x)), { output: 'string' })).toEqual(want);
      expect(money.balanceFromGroups('USD', [{ _id: 'expense', total: d }]).expense).toBe(0);
    }
    // The largest canonical coefficient is still read exactly.
    const top = BsonDecimal128.fromString(`${'9'.repeat(34)}E-2`);
    expect(money.toExact(top)).toBe(`${'9'.repeat(32)}.99`);
    expect(money.sum([top], { output: 'string' })).toBe(`${'9'.repeat(32)}.99`);
  });

  test('a document split across two Buffers is rejected, naming the Buffer', () => {
    const one = BSON.serialize({ currency: 'USD', type: 'expense', amount: 5 });
    const two = BSON.serialize({ currency: 'USD', type: 'client_payment', amount: 7 });
    const joined = Buffer.concat([one, two]);
    for (const cut of [1, 3, 4, 10, one.length - 1]) {
      // Consecutive slices of one ArrayBuffer (the zero-copy path) and separate copies.
      const slices = [joined.subarray(0, cut), joined.subarray(cut)];
      const copies = slices.map((b) => Buffer.from(b));
      for (const parts of [slices, copies]) {
        expectCode(() => money.balanceFromBson(parts), 'ERR_INVALID_AMOUNT', 'buffers[0]');
      }
    }
    // Cut in the second document: named as buffers[1] holding documents[1].
    const cut = one.length + 6;
    const err = expectCode(() => money.balanceFromBson([joined.subarray(0, one.length), joined.subarray(one.length, cut), joined.subarray(cut)]), 'ERR_INVALID_AMOUNT', 'buffers[1]');
    expect(err.message).toContain('documents[1]');
    // Whole documents per Buffer — one each, or several, or empty Buffers — are fine.
    const want = { USD: { currency: 'USD', income: 7, expense: 5, debt: 0, balance: 2 } };
    expect(money.balanceFromBson([one, two])).toEqual(want);
    expect(money.balanceFromBson([joined])).toEqual(want);
    expect(money.balanceFromBson([Buffer.alloc(0), one, Buffer.alloc(0), two])).toEqual(want);
    expect(money.balanceFromBson(joined)).toEqual(want);
  });

  test('BSON Symbol fields count the same in balance (driver-promoted) and balanceFromBson', () => {
    const { BSONSymbol } = BSON;
    const raw = [
      { currency: new BSONSymbol('USD'), type: new BSONSymbol('client_payment'), amount: new BSONSymbol('10.25') },
      { currency: 'USD', type: new BSONSymbol('expense'), amount: 3 },
      { currency: new BSONSymbol('KWD'), type: 'debt_sale', amount: new BSONSymbol('1.005') },
    ].map((d) => BSON.serialize(d));
    const promoted = raw.map((b) => BSON.deserialize(b)); // what the driver hands to balance()
    expect(typeof promoted[0].currency).toBe('string');
    const want = {
      USD: { currency: 'USD', income: '10.25', expense: '3.00', debt: '0.00', balance: '7.25' },
      KWD: { currency: 'KWD', income: '0.000', expense: '0.000', debt: '1.005', balance: '0.000' },
    };
    expect(money.balance(promoted, { output: 'string' })).toEqual(want);
    expect(money.balanceFromBson(raw, { output: 'string' })).toEqual(want);
  });
});
