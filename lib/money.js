'use strict';
/**
 * The JS half of the `money` hot path: the `money` functions — argument checks, amount
 * encoding and the one crossing per operation. The arithmetic is in the Rust core
 * (`src/money/`); exchange rates are in lib/rates.js, the seed facades in lib/compat/.
 *
 * Crossing design: every bulk operation is ONE call. Numbers travel as a Float64Array (the
 * Node binding borrows it zero-copy; wasm-bindgen copies it once into wasm memory); other
 * amounts (strings, bigint, Decimal128) as one '\n'-joined string or one byte array. `balance`
 * of JS objects reads the three fields here into typed columns (currency index, category
 * index, amount) and makes one call with them (`BalanceColumns`); raw BSON goes over as one
 * buffer.
 */
const { describe } = require('./args');
const { fail } = require('./errors');

/** Rounding mode names → the names of the binding's `Rounding` enum. */
const ROUNDING = Object.freeze({ 'half-even': 'HalfEven', 'half-up': 'HalfUp', down: 'Down', up: 'Up', floor: 'Floor', ceil: 'Ceil' });
const MAX_SCALE = 36;
/** The decimal strings the core parses: plain or scientific, no spaces, no NaN/Infinity. */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const EMPTY_U8 = new Uint8Array(0);
const EMPTY_U32 = new Uint32Array(0);

/** The original design's type mapping (server/utils/cachedBalanceCalculator.js). */
const DEFAULT_TYPES = Object.freeze({
  income: Object.freeze(['client_payment', 'debt_payment']),
  expense: Object.freeze(['expense', 'vagon_expense']),
  debt: Object.freeze(['debt_sale']),
});

/** The original design's fallback rates (server/utils/exchangeRateCache.js). */
const DEFAULT_FALLBACK = Object.freeze({ 'RUB:USD': 0.011, 'USD:RUB': 90.0 });

function isDecimal128(v) {
  return v !== null && typeof v === 'object' && v._bsontype === 'Decimal128';
}

/** 10^34 as a Decimal128 coefficient: its bits 64–112, and bits 32–63 (bits 0–31 are 0). */
const D128_LIMIT_HI = 0x1ed09bead87c0;
const D128_LIMIT_MID = 0x378d8e64;

/**
 * True for a non-canonical Decimal128 (IEEE 754-2008: a coefficient ≥ 10^34, or the
 * `11` combination prefix that is neither NaN nor Infinity), whose value is zero. bson's
 * `toString()` prints digits for it; the core reads the bytes as zero, and so does this
 * module everywhere.
 */
function nonCanonical(b) {
  if ((b[15] & 0x60) === 0x60) return (b[15] & 0x78) !== 0x78;
  const hi = (b[14] & 0x01) * 2 ** 48 + b[13] * 2 ** 40 + b[12] * 2 ** 32 + b[11] * 2 ** 24 + b[10] * 2 ** 16 + b[9] * 2 ** 8 + b[8];
  if (hi !== D128_LIMIT_HI) return hi > D128_LIMIT_HI;
  return b[7] * 2 ** 24 + b[6] * 2 ** 16 + b[5] * 2 ** 8 + b[4] >= D128_LIMIT_MID;
}

/**
 * Copies the finite numbers at the start of `amounts` into `nums` and returns how many (the
 * index of the first other element): the whole of an Array of numbers. A function of its
 * own so that V8 optimizes this loop by itself: inside `encodeAmounts`, the version compiled
 * on stack during the first long loop deopted after the loop on every later call ("insufficient
 * type feedback" for the code after it) and each call ran part of the loop in the
 * interpreter (bench/money.bench.js, sum of a 1M Array: 4.0 → 6.2 ns per amount).
 * @param {unknown[]} amounts @param {Float64Array} nums @param {number} n
 */
function leadingNumbers(amounts, nums, n) {
  let i = 0;
  for (; i < n; i++) {
    const v = amounts[i];
    if (typeof v !== 'number' || v - v !== 0) break;
    nums[i] = v;
  }
  return i;
}

/**
 * The `money` namespace on one loaded binding (lib/api.js makes one per backend).
 * @param {Record<string, any>} binding the wrapped binding (lib/loader.js)
 */
function create(binding) {
  const { MoneyOp: Op, Rounding } = binding;
  const roundings = new Map(Object.entries(ROUNDING).map(([name, member]) => [name, Rounding[member]]));
  const minorUnits = new Map();
  let scratch = new Float64Array(4096);

  /** Minor unit of a known currency, else ERR_UNKNOWN_CURRENCY naming `what`. */
  function minorUnit(code, what = 'currency') {
    let m = minorUnits.get(code);
    if (m !== undefined) return m;
    if (typeof code !== 'string') {
      fail('ERR_UNKNOWN_CURRENCY', `${what} must be a currency code string, got ${describe(code)}`);
    }
    m = binding.moneyMinorUnit(code);
    if (m < 0) {
      fail('ERR_UNKNOWN_CURRENCY', `${what} must be an ISO 4217 code or one registered with registerCurrency, got ${describe(code)}`);
    }
    minorUnits.set(code, m);
    return m;
  }

  function roundingCode(r, what = 'rounding') {
    if (r === undefined) return Rounding.HalfEven;
    const c = roundings.get(r);
    if (c === undefined) {
      fail('ERR_INVALID_AMOUNT', `${what} must be one of ${Object.keys(ROUNDING).map((k) => `'${k}'`).join(', ')}, got ${describe(r)}`);
    }
    return c;
  }

  function scaleArg(s, what = 'scale') {
    if (!Number.isInteger(s) || s < 0 || s > MAX_SCALE) {
      fail('ERR_INVALID_AMOUNT', `${what} must be an integer from 0 to ${MAX_SCALE}, got ${describe(s)}`);
    }
    return s;
  }

  /**
   * Options shared by every operation: `{ currency, scale, rounding, output }`. `scale` wins
   * over `currency`; neither means exact (−1).
   */
  function readOptions(options, defaultScale = -1) {
    if (options === undefined || options === null) return { scale: defaultScale, rounding: Rounding.HalfEven, string: false, currency: undefined };
    if (typeof options === 'string') return { scale: minorUnit(options), rounding: Rounding.HalfEven, string: false, currency: options };
    if (typeof options !== 'object') fail('ERR_INVALID_AMOUNT', `options must be an object, got ${describe(options)}`);
    const { currency, scale, rounding, output } = options;
    let s = defaultScale;
    if (currency !== undefined) s = minorUnit(currency, 'options.currency');
    if (scale !== undefined) s = scaleArg(scale, 'options.scale');
    if (output !== undefined && output !== 'number' && output !== 'string') {
      fail('ERR_INVALID_AMOUNT', `options.output must be 'number' or 'string', got ${describe(output)}`);
    }
    return { scale: s, rounding: roundingCode(rounding, 'options.rounding'), string: output === 'string', currency };
  }

  /**
   * The text form of a non-number amount. bigint is a count of minor units of `currency`
   * (whole units when there is none); Decimal128 uses its exact string form (0 when it is
   * non-canonical, as its bytes read in the core).
   */
  function amountText(v, what, currency) {
    if (typeof v === 'string') {
      // Checked here so the error names the amount's own position (the core re-parses it).
      if (!DECIMAL.test(v)) fail('ERR_INVALID_AMOUNT', `${what} must be a finite decimal number, got ${describe(v)}`);
      return v;
    }
    if (typeof v === 'bigint') {
      const m = currency === undefined ? 0 : minorUnit(currency);
      return m === 0 ? v.toString() : `${v}e-${m}`;
    }
    if (isDecimal128(v)) {
      if (v.bytes && v.bytes.length === 16 && nonCanonical(v.bytes)) return '0';
      const t = v.toString();
      if (!DECIMAL.test(t)) fail('ERR_INVALID_AMOUNT', `${what} must be a finite decimal number, got Decimal128 ${t}`);
      return t;
    }
    return fail('ERR_INVALID_AMOUNT', `${what} must be a number, decimal string, bigint or Decimal128, got ${describe(v)}`);
  }

  function checkNumber(v, what) {
    if (v - v !== 0) fail('ERR_INVALID_AMOUNT', `${what} must be a finite decimal number, got ${String(v)}`);
  }

  function out(text, string) {
    return string ? text : Number(text);
  }

  /** A number result of an operation on numbers: no string crosses either way. */
  function scalarNumber(op, a, b, o, opName) {
    const unary = op === Op.Round || op === Op.Exact;
    if (typeof a === 'number' && (unary || typeof b === 'number')) {
      checkNumber(a, `${opName}: a`);
      if (!unary) checkNumber(b, `${opName}: b`);
      return binding.moneyOpF64(op, a, unary ? 0 : b, o.scale, o.rounding);
    }
    return Number(scalar(op, a, b, o, opName));
  }

  function scalar(op, a, b, o, opName) {
    let an = 0; let at; let bn = 0; let bt;
    if (typeof a === 'number') { checkNumber(a, `${opName}: a`); an = a; } else at = amountText(a, `${opName}: a`, o.currency);
    if (op !== Op.Round && op !== Op.Exact) {
      if (typeof b === 'number') { checkNumber(b, `${opName}: b`); bn = b; } else bt = amountText(b, `${opName}: b`, o.currency);
    }
    return binding.moneyOp(op, an, at, bn, bt, o.scale, o.rounding);
  }

  /** Splits `amounts` into a Float64Array of numbers, strings and Decimal128 bytes. */
  function encodeAmounts(amounts, currency) {
    if (amounts instanceof Float64Array) return { numbers: amounts, strings: '', d128: EMPTY_U8 };
    if (ArrayBuffer.isView(amounts) && !(amounts instanceof DataView) && typeof amounts[0] !== 'bigint') {
      return { numbers: Float64Array.from(amounts), strings: '', d128: EMPTY_U8 };
    }
    if (!Array.isArray(amounts)) {
      if (amounts && typeof amounts[Symbol.iterator] === 'function' && typeof amounts !== 'string') amounts = Array.from(amounts);
      else fail('ERR_INVALID_AMOUNT', `amounts must be an array or a Float64Array, got ${describe(amounts)}`);
    }
    const n = amounts.length;
    if (scratch.length < n) scratch = new Float64Array(Math.max(n, scratch.length * 2));
    const nums = scratch;
    let k = leadingNumbers(amounts, nums, n);
    let strs = null;
    let decs = null;
    for (let i = k; i < n; i++) {
      const v = amounts[i];
      if (typeof v === 'number') {
        if (v - v !== 0) fail('ERR_INVALID_AMOUNT', `amounts[${i}] must be a finite decimal number, got ${String(v)}`);
        nums[k++] = v;
      } else if (isDecimal128(v) && v.bytes && v.bytes.length === 16) {
        // NaN / ±Infinity have the combination field 1111x (top byte 0x78 set).
        if ((v.bytes[15] & 0x78) === 0x78) fail('ERR_INVALID_AMOUNT', `amounts[${i}] must be a finite decimal number, got Decimal128 ${v.toString()}`);
        (decs || (decs = [])).push(v.bytes);
      } else {
        (strs || (strs = [])).push(amountText(v, `amounts[${i}]`, currency));
      }
    }
    let d128 = EMPTY_U8;
    if (decs) {
      d128 = new Uint8Array(decs.length * 16);
      for (let j = 0; j < decs.length; j++) d128.set(decs[j], j * 16);
    }
    return { numbers: nums.subarray(0, k), strings: strs ? strs.join('\n') : '', d128 };
  }

  /**
   * `a + b`, exact; rounded when `options` gives a `currency` or `scale`.
   * @param {Amount} a @param {Amount} b @param {OpOptions|string} [options]
   */
  function add(a, b, options) {
    const o = readOptions(options);
    return o.string ? scalar(Op.Add, a, b, o, 'add') : scalarNumber(Op.Add, a, b, o, 'add');
  }
  /** `a − b` (see {@link add}). */
  function sub(a, b, options) {
    const o = readOptions(options);
    return o.string ? scalar(Op.Sub, a, b, o, 'sub') : scalarNumber(Op.Sub, a, b, o, 'sub');
  }
  /** `a × b`, exact unless a `currency`/`scale` is given (see {@link add}). */
  function mul(a, b, options) {
    const o = readOptions(options);
    return o.string ? scalar(Op.Mul, a, b, o, 'mul') : scalarNumber(Op.Mul, a, b, o, 'mul');
  }
  /**
   * `a ÷ b` rounded to `options.scale` (default: the currency's minor unit, else 12 places)
   * with `options.rounding` (default half-even). Division by zero is ERR_INVALID_AMOUNT.
   */
  function div(a, b, options) {
    const o = readOptions(options, 12);
    return o.string ? scalar(Op.Div, a, b, o, 'div') : scalarNumber(Op.Div, a, b, o, 'div');
  }
  /**
   * Rounds `a` to a currency's minor unit or to `scale` places.
   * @param {Amount} a
   * @param {string|number} [currencyOrScale] default 2
   * @param {Rounding} [rounding] default 'half-even'
   * @param {{ output?: 'number'|'string' }} [options]
   */
  function round(a, currencyOrScale = 2, rounding, options) {
    const scale = typeof currencyOrScale === 'string' ? minorUnit(currencyOrScale) : scaleArg(currencyOrScale, 'scale');
    const o = { scale, rounding: roundingCode(rounding), string: !!options && options.output === 'string', currency: typeof currencyOrScale === 'string' ? currencyOrScale : undefined };
    return o.string ? scalar(Op.Round, a, undefined, o, 'round') : scalarNumber(Op.Round, a, undefined, o, 'round');
  }
  /** −1, 0 or 1 as `a` is less than, equal to or greater than `b` (by exact value). */
  function compare(a, b) {
    return scalarNumber(Op.Compare, a, b, { scale: -1, rounding: Rounding.HalfEven, currency: undefined }, 'compare');
  }
  /** The exact decimal string of an amount (`0.1` → `'0.1'`, a Decimal128 → its digits). */
  function toExact(a, currency) {
    return scalar(Op.Exact, a, undefined, { scale: -1, rounding: Rounding.HalfEven, currency }, 'toExact');
  }

  /**
   * The exact sum of `amounts` — an Array (numbers, decimal strings, bigint minor units,
   * Decimal128) or a Float64Array — in one call.
   * @param {Amount[]|Float64Array} amounts
   * @param {OpOptions|string} [options] currency/scale to round the result; output
   */
  function sum(amounts, options) {
    const o = readOptions(options);
    const { numbers, strings, d128 } = encodeAmounts(amounts, o.currency);
    return out(binding.moneySum(numbers, strings, d128, o.scale, o.rounding), o.string);
  }

  /**
   * Splits `amount` by `ratios` into parts of the currency's minor unit that add up exactly
   * (largest remainder; ties to the earlier part).
   * @param {Amount} amount
   * @param {Array<number|string>} ratios non-negative, not all zero
   * @param {string|OpOptions} [currencyOrOptions] default 'USD'-like 2 places when absent
   * @returns {Array<number|string>}
   */
  function allocate(amount, ratios, currencyOrOptions) {
    const o = readOptions(currencyOrOptions, 2);
    if (o.scale < 0) o.scale = 2;
    if (!Array.isArray(ratios)) fail('ERR_INVALID_AMOUNT', `ratios must be an array, got ${describe(ratios)}`);
    const rs = new Array(ratios.length);
    for (let i = 0; i < ratios.length; i++) {
      const r = ratios[i];
      if (typeof r === 'number') { checkNumber(r, `ratios[${i}]`); rs[i] = String(r); } else rs[i] = amountText(r, `ratios[${i}]`, undefined);
    }
    let an = 0; let at;
    if (typeof amount === 'number') { checkNumber(amount, 'amount'); an = amount; } else at = amountText(amount, 'amount', o.currency);
    const text = binding.moneyAllocate(an, at, rs.join('\n'), o.scale, o.rounding);
    const parts = text.split('\n');
    return o.string ? parts : parts.map(Number);
  }

  /** `{ categories, typeMap, json }` from `options.types` ({ category: [type, …] }). */
  function balanceSpec(options) {
    const types = options.types === undefined ? DEFAULT_TYPES : options.types;
    if (!types || typeof types !== 'object') fail('ERR_INVALID_SPEC', `options.types must be { category: [type, ...] }, got ${describe(types)}`);
    const categories = Object.keys(types);
    if (categories.length === 0 || categories.length > 255) fail('ERR_INVALID_SPEC', `options.types must have 1 to 255 categories, got ${categories.length}`);
    const typeMap = new Map();
    let width = 1;
    categories.forEach((c, k) => {
      const list = types[c];
      if (c.includes('\n') || !Array.isArray(list) || list.some((t) => typeof t !== 'string')) {
        fail('ERR_INVALID_SPEC', `options.types.${c} must be an array of type strings, got ${describe(list)}`);
      }
      for (const t of list) {
        const cats = typeMap.get(t) || [];
        if (!cats.includes(k)) cats.push(k);
        typeMap.set(t, cats);
        width = Math.max(width, cats.length);
      }
    });
    const field = (name, dflt) => {
      const v = options[name] === undefined ? dflt : options[name];
      if (typeof v !== 'string' || v === '') fail('ERR_INVALID_SPEC', `options.${name} must be a non-empty string, got ${describe(v)}`);
      return v;
    };
    return {
      categories,
      typeMap,
      width,
      currencyField: field('currencyField', 'currency'),
      typeField: field('typeField', 'type'),
      amountField: field('amountField', 'amount'),
      deletedField: field('deletedField', 'isDeleted'),
      types,
    };
  }

  function balanceOptions(options) {
    if (options === undefined || options === null) options = {};
    if (typeof options !== 'object') fail('ERR_INVALID_SPEC', `options must be an object, got ${describe(options)}`);
    const spec = balanceSpec(options);
    const { output, rounding } = options;
    if (output !== undefined && output !== 'number' && output !== 'string') {
      fail('ERR_INVALID_AMOUNT', `options.output must be 'number' or 'string', got ${describe(output)}`);
    }
    spec.string = output === 'string';
    spec.rounding = roundingCode(rounding, 'options.rounding');
    return spec;
  }

  /**
   * The core's balances (JSON `[[currency, total per category…, balance]…]`) as
   * `{ [currency]: { currency, …categories, balance } }`.
   */
  function balanceResult(json, spec) {
    const result = {};
    for (const f of JSON.parse(json)) {
      const row = { currency: f[0] };
      for (let k = 0; k < spec.categories.length; k++) row[spec.categories[k]] = out(f[k + 1], spec.string);
      row.balance = out(f[spec.categories.length + 1], spec.string);
      result[f[0]] = row;
    }
    return result;
  }

  /** Column builder shared by `balance` and `balanceFromGroups`. */
  function columns(capacity) {
    return {
      cur: new Uint32Array(capacity), cat: new Uint8Array(capacity), val: new Float64Array(capacity), m: 0,
      scur: null, scat: null, strs: null,
      push(ci, cats, amount, what, currency) {
        if (typeof amount === 'number') {
          if (amount - amount !== 0) fail('ERR_INVALID_AMOUNT', `${what} must be a finite decimal number, got ${String(amount)}`);
          for (let j = 0; j < cats.length; j++) {
            this.cur[this.m] = ci; this.cat[this.m] = cats[j]; this.val[this.m] = amount; this.m++;
          }
        } else {
          if (amount === undefined || amount === null) fail('ERR_INVALID_AMOUNT', `${what} must be a finite decimal number, got ${amount}`);
          const t = amountText(amount, what, currency);
          if (!this.strs) { this.scur = []; this.scat = []; this.strs = []; }
          for (let j = 0; j < cats.length; j++) { this.scur.push(ci); this.scat.push(cats[j]); this.strs.push(t); }
        }
      },
      call(spec, currencies) {
        return binding.moneyBalanceColumns({
          categories: spec.categories.join('\n'),
          currencies: currencies.join('\n'),
          cur: this.cur.subarray(0, this.m),
          cat: this.cat.subarray(0, this.m),
          values: this.val.subarray(0, this.m),
          scur: this.strs ? Uint32Array.from(this.scur) : EMPTY_U32,
          scat: this.strs ? Uint8Array.from(this.scat) : EMPTY_U8,
          strings: this.strs ? this.strs.join('\n') : '',
        }, spec.rounding);
      },
    };
  }

  /**
   * Balances by currency of documents (plain objects or Mongoose documents):
   * `{ [currency]: { currency, income, expense, debt, balance } }`, each total exact and then
   * rounded to the currency's minor unit. Documents whose `deletedField` is `true` are skipped;
   * a type outside every category is not counted.
   * @param {object[]} docs
   * @param {BalanceOptions} [options]
   */
  function balance(docs, options) {
    const spec = balanceOptions(options);
    if (!Array.isArray(docs)) fail('ERR_INVALID_AMOUNT', `docs must be an array, got ${describe(docs)}`);
    const { currencyField: cf, typeField: tf, amountField: af, deletedField: df, typeMap } = spec;
    const col = columns(docs.length * spec.width);
    const curIndex = new Map();
    const currencies = [];
    for (let i = 0; i < docs.length; i++) {
      const d = docs[i];
      if (d === null || typeof d !== 'object') fail('ERR_INVALID_AMOUNT', `docs[${i}] must be an object, got ${describe(d)}`);
      if (d[df] === true) continue;
      const c = d[cf];
      let ci = curIndex.get(c);
      if (ci === undefined) {
        minorUnit(c, `docs[${i}].${cf}`);
        ci = currencies.length;
        currencies.push(c);
        curIndex.set(c, ci);
      }
      const cats = typeMap.get(d[tf]);
      if (cats !== undefined) col.push(ci, cats, d[af], `docs[${i}].${af}`, c);
    }
    return balanceResult(col.call(spec, currencies), spec);
  }

  /**
   * One currency's balance from a `$group` result `[{ _id: type, total }]` (totals may be
   * numbers, Decimal128 or decimal strings): `{ currency, income, expense, debt, balance }`.
   * @param {string} currency
   * @param {Array<{ _id: string, total: Amount }>} groups
   * @param {BalanceOptions} [options]
   */
  function balanceFromGroups(currency, groups, options) {
    const spec = balanceOptions(options);
    minorUnit(currency);
    if (!Array.isArray(groups)) fail('ERR_INVALID_AMOUNT', `groups must be an array of { _id, total }, got ${describe(groups)}`);
    const col = columns(groups.length * spec.width);
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i];
      if (g === null || typeof g !== 'object') fail('ERR_INVALID_AMOUNT', `groups[${i}] must be { _id, total }, got ${describe(g)}`);
      const cats = spec.typeMap.get(g._id);
      if (cats !== undefined) col.push(0, cats, g.total, `groups[${i}].total`, currency);
    }
    return balanceResult(col.call(spec, [currency]), spec)[currency];
  }

  /**
   * Balances of raw BSON documents (the driver's `raw: true`): an array of Buffers (each
   * holding whole documents, usually one) or one Buffer of documents laid end to end. A
   * document split across two Buffers is ERR_INVALID_AMOUNT naming `buffers[i]`. Read in
   * Rust in one pass; amounts may be BSON double, int32, int64, Decimal128 or a decimal
   * string (a BSON Symbol counts as the string the driver promotes it to).
   * @param {Uint8Array|Uint8Array[]} buffers
   * @param {BalanceOptions} [options]
   */
  function balanceFromBson(buffers, options) {
    const spec = balanceOptions(options);
    let buf;
    let lengths = EMPTY_U32;
    if (buffers instanceof Uint8Array) buf = buffers;
    else if (Array.isArray(buffers)) {
      // Each Buffer's length goes along: the core rejects a document split across two.
      lengths = new Uint32Array(buffers.length);
      for (let i = 0; i < buffers.length; i++) {
        const b = buffers[i];
        if (!(b instanceof Uint8Array) || b.byteLength > 0xffffffff) fail('ERR_INVALID_AMOUNT', `buffers[${i}] must be a Buffer, got ${describe(b)}`);
        lengths[i] = b.byteLength;
      }
      buf = joinBuffers(buffers);
    } else {
      fail('ERR_INVALID_AMOUNT', `buffers must be a Buffer or an array of Buffers, got ${describe(buffers)}`);
    }
    if (!spec.json) {
      spec.json = JSON.stringify({
        types: spec.categories.map((c) => [c, spec.types[c]]),
        currencyField: spec.currencyField, typeField: spec.typeField,
        amountField: spec.amountField, deletedField: spec.deletedField,
      });
    }
    return balanceResult(binding.moneyBalanceBson(buf, lengths, spec.json, spec.rounding), spec);
  }

  /**
   * Registers (or overrides) a currency's minor unit (0–18), e.g. `registerCurrency('USDT', 6)`.
   * @param {string} code 2–12 letters, digits or '_'
   * @param {number} minorUnit
   */
  function registerCurrency(code, minor) {
    if (typeof code !== 'string') fail('ERR_UNKNOWN_CURRENCY', `code must be a currency code string, got ${describe(code)}`);
    if (!Number.isInteger(minor) || minor < 0 || minor > 18) fail('ERR_INVALID_AMOUNT', `minorUnit must be an integer from 0 to 18, got ${describe(minor)}`);
    binding.moneyRegisterCurrency(code, minor);
    minorUnits.set(code, minor);
  }

  /**
   * The amount as a BSON Decimal128 (exact; rounded first when a currency/scale is given).
   * @param {Amount} a
   * @param {OpOptions|string} [options]
   * @param {Function} [Decimal128] the class to build (default: mongoose's, else bson's)
   */
  function toDecimal128(a, options, Decimal128) {
    const bytes = toDecimal128Bytes(a, options);
    const D = Decimal128 || defaultDecimal128();
    return new D(bytes);
  }

  /** The 16 bytes (IEEE 754 BID, little-endian) of an amount as Decimal128. */
  function toDecimal128Bytes(a, options) {
    const o = readOptions(options);
    let an = 0; let at;
    if (typeof a === 'number') { checkNumber(a, 'amount'); an = a; } else at = amountText(a, 'amount', o.currency);
    return new Uint8Array(binding.moneyToDecimal128(an, at, o.scale, o.rounding));
  }

  /** The exact decimal string of a Decimal128 (read from its 16 bytes). */
  function fromDecimal128(d) {
    const bytes = isDecimal128(d) ? d.bytes : d;
    if (!(bytes instanceof Uint8Array) || bytes.length !== 16) fail('ERR_INVALID_AMOUNT', `value must be a Decimal128 or its 16 bytes, got ${describe(d)}`);
    return binding.moneyFromDecimal128(bytes);
  }

  const money = {
    add, sub, mul, div, round, compare, sum, allocate,
    balance, balanceFromGroups, balanceFromBson,
    registerCurrency,
    /**
     * The minor unit of a currency (ERR_UNKNOWN_CURRENCY naming `what`, default 'currency',
     * when unknown).
     */
    minorUnit,
    toExact, toDecimal128, toDecimal128Bytes, fromDecimal128,
    /** Rounding mode names. */
    ROUNDING_MODES: Object.freeze(Object.keys(ROUNDING)),
    /** The original design's balance type mapping. */
    DEFAULT_TYPES,
  };
  return Object.freeze(money);
}

/**
 * One byte view of documents given one Buffer each: zero-copy when they are consecutive
 * slices of one ArrayBuffer (as when cut from one reply), else one `Buffer.concat`.
 */
function joinBuffers(list) {
  if (list.length === 0) return EMPTY_U8;
  const first = list[0];
  let end = first.byteOffset + first.byteLength;
  for (let i = 1; i < list.length; i++) {
    const b = list[i];
    if (b.buffer !== first.buffer || b.byteOffset !== end) return Buffer.concat(list);
    end += b.byteLength;
  }
  return new Uint8Array(first.buffer, first.byteOffset, end - first.byteOffset);
}

let cachedDecimal128;
function defaultDecimal128() {
  if (cachedDecimal128) return cachedDecimal128;
  try { cachedDecimal128 = require('mongoose').Types.Decimal128; } catch { /* optional */ }
  if (!cachedDecimal128) {
    try { cachedDecimal128 = require('bson').Decimal128; } catch { /* optional */ }
  }
  if (!cachedDecimal128) fail('ERR_INVALID_SPEC', 'toDecimal128 needs mongoose or bson installed, or pass the Decimal128 class');
  return cachedDecimal128;
}

/**
 * @typedef {number|string|bigint|{ _bsontype: 'Decimal128' }} Amount
 * @typedef {'half-even'|'half-up'|'down'|'up'|'floor'|'ceil'} Rounding
 * @typedef {{ currency?: string, scale?: number, rounding?: Rounding, output?: 'number'|'string' }} OpOptions
 * @typedef {{ types?: Record<string, string[]>, currencyField?: string, typeField?: string,
 *   amountField?: string, deletedField?: string, rounding?: Rounding, output?: 'number'|'string' }} BalanceOptions
 */

module.exports = { create, DEFAULT_TYPES, DEFAULT_FALLBACK, ROUNDING };
