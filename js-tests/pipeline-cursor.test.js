'use strict';
/**
 * Keyset cursor tokens (issue 12, items 13 and 14): a token is bound to the compiled spec and
 * the sort that made it (signed or not), an unsigned token carries nothing beyond what the
 * sort needs, and Int64 sort values (bson Long, bigint) above 2^53 stay exact — in the token
 * and, as the same type, in the seek `$match` — so a walk neither repeats nor skips rows.
 */
const bson = require('bson');
const hotpath = require('../');
const fx = require('./pipeline/fixtures');

const { pipeline, HotpathError } = hotpath;
const { Long, ObjectId } = bson;

const outcome = (f) => {
  try { f(); } catch (e) { return e instanceof HotpathError ? [e.code, e.message] : [`not a HotpathError: ${e}`, '']; }
  return ['none', ''];
};
const codeOf = (f) => outcome(f)[0];
const doc = { _id: new ObjectId('64b7f0c2a1b2c3d4e5f60718'), createdAt: new Date(1_700_000_000_000), amount: 5 };

const decode = (tok) => JSON.parse(Buffer.from(tok.split('.')[0], 'base64url').toString('utf8'));
const encode = (payload) => Buffer.from(JSON.stringify(payload)).toString('base64url');

describe('tokens are bound to the compiled spec and the sort (item 13)', () => {
  for (const secret of ['k3y', undefined]) {
    const extra = secret ? { secret } : {};
    test(`${secret ? 'signed' : 'unsigned'}: another spec refuses the token, the same spec compiled again accepts it`, () => {
      const a = pipeline.compile(fx.salesSpec(extra));
      const tok = a.cursorAfter(doc, { sort: [['amount', -1]] });
      expect(codeOf(() => a.build({ cursor: tok, sort: [['amount', -1]] }))).toBe('none');
      // Same spec, written differently (key order, defaultSort spelled as a string).
      const { defaultSort, ...rest } = fx.salesSpec(extra);
      const again = pipeline.compile({ defaultSort: '-createdAt', ...Object.fromEntries(Object.entries(rest).reverse()) });
      expect(defaultSort).toEqual({ createdAt: -1 });
      expect(codeOf(() => again.build({ cursor: tok, sort: [['amount', -1]] }))).toBe('none');
      // Specs that differ in anything (the same secret, the same sort keys).
      for (const other of [
        fx.salesSpec({ ...extra, collection: 'cashes' }),
        fx.salesSpec({ ...extra, maxLimit: 50 }),
        fx.salesSpec({ ...extra, softDelete: { isDeleted: { $ne: true } } }),
        fx.salesSpec({ ...extra, types: { ...fx.salesSpec().types, status: 'string' } }),
      ]) {
        const [code, message] = outcome(() => pipeline.compile(other).build({ cursor: tok, sort: [['amount', -1]] }));
        expect(code).toBe('ERR_INVALID_CURSOR');
        expect(message).toMatch(/another spec/);
      }
      // Another sort on the same spec.
      expect(codeOf(() => a.build({ cursor: tok, sort: [['amount', 1]] }))).toBe('ERR_INVALID_CURSOR');
      expect(codeOf(() => a.build({ cursor: tok }))).toBe('ERR_INVALID_CURSOR');
    });
  }

  test('unsigned: a token carrying more than the sort needs is refused', () => {
    const a = pipeline.compile(fx.salesSpec());
    const sort = [['amount', -1]];
    const tok = a.cursorAfter(doc, { sort });
    const p = decode(tok);
    expect(Object.keys(p).sort()).toEqual(['h', 's', 'v']);
    expect(p.v).toHaveLength(2);
    for (const forged of [
      { ...p, v: [...p.v, ['num', 1]] }, // an extra value
      { ...p, v: [p.v[0], [...p.v[1], 'x']] }, // an extra element in a value
      { ...p, x: 1 }, // an extra key
      { s: p.s, v: p.v }, // no spec binding (a token of the earlier format)
      { ...p, h: `${p.h}A` },
    ]) {
      expect(outcome(() => a.build({ cursor: encode(forged), sort }))[0]).toBe('ERR_INVALID_CURSOR');
    }
    expect(codeOf(() => a.build({ cursor: encode(p), sort }))).toBe('none'); // the control
  });

  test('signed: the spec binding is inside the signature', () => {
    const a = pipeline.compile(fx.salesSpec({ secret: 'k' }));
    const b = pipeline.compile(fx.salesSpec({ secret: 'k', maxLimit: 99 }));
    const tok = a.cursorAfter(doc, {});
    const [, sig] = tok.split('.');
    // b's binding in a's token: the signature no longer matches.
    const hb = decode(b.cursorAfter(doc, {})).h;
    expect(hb).not.toBe(decode(tok).h);
    const swapped = `${encode({ ...decode(tok), h: hb })}.${sig}`;
    expect(outcome(() => b.build({ cursor: swapped }))[1]).toMatch(/signature/);
  });
});

/** The seek `$match` of a cursor build: the `$or` branches. */
const seekOf = (built) => built.pipeline.find((s) => s.$match && s.$match.$or).$match.$or;

describe('Int64 sort values stay exact (item 14)', () => {
  const spec = pipeline.compile({
    collection: 'ledger', types: { _id: 'objectId', seq: 'number' }, sortable: ['seq', 'n'], count: 'none',
  });
  const id = new ObjectId('64b7f0c2a1b2c3d4e5f60718');

  test.each([
    ['bson Long 2^53 + 1', Long.fromString('9007199254740993'), 'Long'],
    ['bson Long max', Long.MAX_VALUE, 'Long'],
    ['bson Long min', Long.MIN_VALUE, 'Long'],
    ['bson Long -2^53 - 3', Long.fromString('-9007199254740995'), 'Long'],
    ['bigint 2^53 + 1', 9007199254740993n, 'bigint'],
    ['bigint 2^63 - 1', 9223372036854775807n, 'bigint'],
    ['bigint -2^63', -9223372036854775808n, 'bigint'],
  ])('%s: the seek $match holds the same value and type', (_, value, type) => {
    for (const dir of [1, -1]) {
      const sort = [['seq', dir]];
      const tok = spec.cursorAfter({ _id: id, seq: value }, { sort });
      const [first] = seekOf(spec.build({ cursor: tok, sort }));
      const v = dir > 0 ? first.seq.$gt : first.$or[0].seq.$lt;
      if (type === 'bigint') {
        expect(typeof v).toBe('bigint');
        expect(v).toBe(value);
      } else {
        expect(v._bsontype).toBe('Long');
        expect(v.toString()).toBe(value.toString());
        expect(v.equals(value)).toBe(true);
      }
      // Also as the equality of a tie in a later branch.
      const tie = seekOf(spec.build({ cursor: tok, sort }))[1].seq;
      expect(String(tie)).toBe(value.toString());
    }
  });

  test('undeclared fields take Int64 values too; Int32 and Double stay numbers', () => {
    const tok = spec.cursorAfter({ _id: id, n: 9007199254740995n }, { sort: 'n' });
    expect(seekOf(spec.build({ cursor: tok, sort: 'n' }))[0].n.$gt).toBe(9007199254740995n);
    for (const v of [new bson.Int32(7), new bson.Double(7.5)]) {
      const t = spec.cursorAfter({ _id: id, seq: v }, { sort: 'seq' });
      expect(seekOf(spec.build({ cursor: t, sort: 'seq' }))[0].seq.$gt).toBe(v.valueOf());
    }
  });

  test('out-of-range and malformed Int64 cursor values → ERR_INVALID_CURSOR', () => {
    expect(codeOf(() => spec.cursorAfter({ _id: id, seq: 2n ** 63n }, { sort: 'seq' }))).toBe('ERR_INVALID_CURSOR');
    expect(codeOf(() => spec.cursorAfter({ _id: id, seq: Long.fromString('18446744073709551615', true) }, { sort: 'seq' }))).toBe('ERR_INVALID_CURSOR');
    const good = decode(spec.cursorAfter({ _id: id, seq: 5n }, { sort: 'seq' }));
    for (const bad of ['5.0', '+5', '05', '', '9223372036854775808', 'x', 5]) {
      const tok = encode({ ...good, v: [['bigint', bad], good.v[1]] });
      expect([bad, codeOf(() => spec.build({ cursor: tok, sort: 'seq' }))]).toEqual([bad, 'ERR_INVALID_CURSOR']);
    }
  });

  // A Model whose aggregate evaluates $match / $sort / $limit with exact Int64 comparison
  // (mingo cannot compare bson Long or bigint values).
  const exact = (v) => {
    if (v === null || v === undefined) return null;
    if (typeof v === 'bigint') return v;
    if (v._bsontype === 'Long') return BigInt(v.toString());
    if (v._bsontype === 'ObjectId') return v.toHexString();
    return v;
  };
  const cmp = (a, b) => {
    const x = exact(a); const y = exact(b);
    if (x === null || y === null) return (x === null ? 0 : 1) - (y === null ? 0 : 1);
    return x < y ? -1 : x > y ? 1 : 0;
  };
  const matches = (d, q) => Object.entries(q).every(([k, c]) => {
    if (k === '$or') return c.some((b) => matches(d, b));
    const v = d[k];
    if (c === null) return v === null || v === undefined;
    if (c && typeof c === 'object' && !c._bsontype) {
      return Object.entries(c).every(([op, x]) => {
        if (op === '$ne') return x === null ? v !== null && v !== undefined : cmp(v, x) !== 0;
        if (v === null || v === undefined) return false; // type bracketing
        return op === '$gt' ? cmp(v, x) > 0 : cmp(v, x) < 0;
      });
    }
    return cmp(v, c) === 0 && exact(v) !== null;
  });
  const model = (docs) => ({
    aggregate(stages) {
      let out = docs;
      for (const s of stages) {
        if (s.$match) out = out.filter((d) => matches(d, s.$match));
        else if (s.$sort) out = [...out].sort((a, b) => Object.entries(s.$sort).reduce((r, [k, dir]) => r || cmp(a[k], b[k]) * dir, 0));
        else if (s.$limit) out = out.slice(0, s.$limit);
        else if ('$skip' in s) out = out.slice(s.$skip);
        else throw new Error(`unexpected stage ${JSON.stringify(Object.keys(s))}`);
      }
      return Promise.resolve(out);
    },
  });

  test.each(['Long', 'bigint'])('a keyset walk over %s values around 2^53 (ties, nulls) visits every row once, in order', async (kind) => {
    const base = 2n ** 53n;
    const mk = (x) => (kind === 'Long' ? Long.fromBigInt(x) : x);
    const docs = [];
    for (let i = 0; i < 60; i++) {
      const seq = i % 10 === 9 ? null : mk(base + BigInt(i % 7) - 3n); // 2^53 - 3 … 2^53 + 3
      docs.push({ _id: new ObjectId((0x10 + i).toString(16).padStart(24, '0')), ...(seq === null && i % 20 === 9 ? {} : { seq }) });
    }
    for (const dir of [1, -1]) {
      const expected = [...docs].sort((a, b) => cmp(a.seq, b.seq) * dir || cmp(a._id, b._id) * dir).map((d) => d._id.toHexString());
      const seen = [];
      let cursor;
      for (let i = 0; i < 100; i++) {
        const r = await spec.paginate(model(docs), { sort: [['seq', dir]], limit: 4, cursor });
        seen.push(...r.docs.map((d) => d._id.toHexString()));
        if (!r.nextCursor) break;
        cursor = r.nextCursor;
      }
      expect(seen).toEqual(expected);
    }
  });
});
