'use strict';
/**
 * Injection corpus (issue 8): hostile query strings and bodies against the pipeline hot
 * path, on this project's backend. Query strings are parsed the way Express does it —
 * `qs.parse(str, { allowPrototypes: true })` (the "extended" parser) and `node:querystring`
 * (Express 5's default "simple" parser) — and hand-built objects stand for JSON bodies.
 *
 * Every input goes through three entry points: `filterFromQuery(q)`,
 * `build(paramsFromQuery(q))` and `build({ filter: q })`. Each attempt must either throw a
 * HotpathError with ERR_FORBIDDEN_OPERATOR / ERR_INVALID_PAGINATION (/ ERR_INVALID_CURSOR
 * for a cursor parameter), or succeed with a result that is checked structurally: every
 * `$`-key in a `$match` is an operator the spec allows for that field, every other key is
 * an allow-listed field, values are scalars / arrays of scalars / the caller's bson types,
 * `$regex` is an escaped anchored prefix, `$project` holds only `1`s for selectable fields,
 * `$sort` only sortable keys. The count `rejected N / tried M` is printed.
 */
const querystring = require('node:querystring');
const qs = require('qs');
const hotpath = require('../..');

const { pipeline, HotpathError } = hotpath;

const SPEC = {
  collection: 'vagonsales',
  types: { _id: 'objectId', vagon: 'objectId', client: 'objectId', sale_date: 'date', createdAt: 'date', amount: 'number', price: 'decimal', paid: 'bool' },
  lookups: [
    { from: 'vagons', localField: 'vagon', as: 'vagonInfo', project: ['vagonCode', 'month', 'status'], single: true },
    { from: 'clients', localField: 'client', as: 'clientInfo', project: ['name', 'phone'], single: true },
  ],
  sortable: ['createdAt', 'sale_date', 'amount', 'clientInfo.name'],
  defaultSort: { createdAt: -1 },
  filterable: {
    client: ['eq', 'in'], sale_date: ['gte', 'lte'], amount: ['gte', 'lte', 'eq'], status: ['eq', 'in', 'nin'],
    'clientInfo.name': ['regex'], price: ['gte'], paid: ['eq'], note: ['eq'],
  },
  selectable: ['amount', 'sale_date', 'status', 'clientInfo', 'vagonInfo'],
  softDelete: { isDeleted: false },
  defaultLimit: 20,
  maxLimit: 100,
};
const sales = pipeline.compile(SPEC);
const OPS = { eq: '$eq', in: '$in', nin: '$nin', gte: '$gte', lte: '$lte', regex: '$regex', gt: '$gt', lt: '$lt', ne: '$ne', exists: '$exists' };
const FIELD_OPS = new Map(Object.entries(SPEC.filterable).map(([f, ops]) => [f, new Set(ops.map((o) => OPS[o]))]));
FIELD_OPS.set('isDeleted', new Set(['$eq']));
const OK_CODES = new Set(['ERR_FORBIDDEN_OPERATOR', 'ERR_INVALID_PAGINATION', 'ERR_INVALID_CURSOR']);
const ESCAPED_PREFIX = /^\^(?:\\[\\^$.|?*+()[\]{}/-]|[^\\^$.|?*+()[\]{}/-])*$/;

// ---------------------------------------------------------------------------------------
// The corpus
// ---------------------------------------------------------------------------------------
const HOSTILE_OPS = [
  '$where', '$expr', '$function', '$accumulator', '$regex', '$options', '$nor', '$or', '$and', '$not', '$ne',
  '$gt', '$in', '$nin', '$exists', '$elemMatch', '$text', '$jsonSchema', '$comment', '$natural', '$type',
  '$mod', '$size', '$all', '$lookup', '$merge', '$out', '$set', '$unionWith', '$oid', '$date', '$numberDecimal',
];
const TEMPLATES = [
  (op) => `${op}=1`,
  (op) => `amount[${op}]=1`,
  (op) => `status[in][${op}]=x`,
  (op) => `amount[gte][${op}]=1`,
  (op) => `filter[${op}][0][amount]=1`,
];
const FULLWIDTH_DOLLAR = '\uFF04';
const FULLWIDTH_DOT = '\uFF0E';
const SMALL_DOLLAR = '\uFE69';
const ONE_DOT_LEADER = '\u2024';

const queryStrings = [];
for (const op of HOSTILE_OPS) for (const t of TEMPLATES) queryStrings.push(t(op));
for (const op of ['$where', '$expr', '$gt', '$regex', '$ne']) {
  for (const d of [FULLWIDTH_DOLLAR, SMALL_DOLLAR]) {
    const uop = d + op.slice(1);
    queryStrings.push(`${uop}=1`, `amount[${uop}]=1`, `${encodeURIComponent(uop)}=1`, `amount%5B${encodeURIComponent(uop)}%5D=1`);
  }
}
queryStrings.push(
  // nesting
  '$nor[0][$or][0][$where]=sleep(1000)', '$or[0][amount]=1&$or[1][$where]=1', '$or[][status]=a', '$and[0][$nor][0][amount][$gt]=0',
  'amount[$not][$gt]=1', 'status[$elemMatch][$where]=1', 'a[b][c][d][e][f][g][h][i][j][$where]=1',
  '$expr[$gt][]=$amount&$expr[$gt][]=0', '$expr[$function][body]=function(){return true}&$expr[$function][lang]=js',
  'amount[$expr][$gt][0]=$amount', '$accumulator[init]=x&$accumulator[lang]=js',
  // url-encoded dollars and brackets
  '%24where=1', 'amount%5B%24gt%5D=1', 'amount%5bgte%5d%5b%24where%5d=1', '%2524where=1',
  // prototype pollution
  '__proto__[admin]=true', '__proto__=x', 'constructor[prototype][admin]=true', 'amount[__proto__][gte]=1',
  'status[constructor]=x', 'status[constructor][prototype][x]=1', 'prototype=1', 'amount[prototype]=1',
  '__proto__[amount][$gt]=0', 'filter[__proto__][x]=1', 'toString=1', 'hasOwnProperty=1', 'amount[toString]=1',
  // bson type confusion
  'client[_bsontype]=Code&client[code]=x', 'client[_bsontype]=ObjectId&client[id]=aaaaaaaaaaaa', '_bsontype=Code',
  'client[$oid]=ffffffffffffffffffffffff', 'sale_date[$date]=0', 'price[$numberDecimal]=1', 'note[_bsontype]=Symbol',
  // projection aliasing / expressions
  'fields=a:$password', 'fields=$password', 'fields[a]=$password', 'fields=amount,$where', 'fields[]=password',
  'fields=password', 'fields=amount&fields=$x', 'fields[$concat][]=$a', 'fields=__proto__', 'fields=clientInfo.$name',
  'fields=amount:1', 'fields=amount%3A%24password',
  // pagination abuse
  'page[]=1', 'page=1&page=2', 'limit[$gt]=0', 'page=1e308', 'page=99999999999999999999999', 'limit=-1', 'page=0x10',
  'page=NaN', 'limit=Infinity', 'page=-0', 'page=1.5', 'limit= 1', 'page[$where]=1', 'limit=1e2', 'page=',
  // sort / cursor abuse
  'sort=$where', 'sort[$natural]=1', 'sort=password', 'sort[amount]=sideways', 'sort=-__proto__', 'sort[__proto__]=1',
  'sort[amount][$meta]=textScore', 'cursor[$gt]=x', 'cursor=eyJzIjpbXSwidiI6W119', 'cursor=%00', 'cursor[]=a&cursor[]=b',
  // huge numbers / arrays where scalars are expected
  'amount=1e309', 'amount[gte]=99999999999999999999999999999', 'amount[gte]=-1e400', 'amount[gte]=0x1F', 'price[gte]=1e6111', 'price[gte]=1.2345678901234567890123456789012345',
  'amount[gte][]=1', 'sale_date[gte][0]=2024-01-01', 'client[0][$ne]=x', 'paid[]=true', 'amount[gte][a]=1',
  `status[in]=${Array.from({ length: 1500 }, (_, i) => `s${i}`).join(',')}`, 'client=not-an-objectid', 'sale_date[gte]=yesterday',
  // regex abuse (catastrophic patterns must be escaped, never run as written)
  'clientInfo.name[regex]=(a%2B)%2B$', 'clientInfo.name[regex]=(a|aa)%2B$', 'clientInfo.name[regex]=(.*a){20}',
  'clientInfo.name[$regex]=.*', 'clientInfo.name[regex][$regex]=x', 'clientInfo.name[options]=i', 'status[regex]=.*',
  'clientInfo.name[regex]=^(?=a)', 'clientInfo.name[regex][]=a',
  // unicode dots in keys
  `clientInfo${FULLWIDTH_DOT}name[regex]=a`, `status${ONE_DOT_LEADER}x=1`, `amount${FULLWIDTH_DOT}$gt=1`, 'clientInfo.name.$where=1',
  'password=x', 'vagonInfo.status=ok', 'isDeleted=true', 'isDeleted[$ne]=false',
);

// Hand-built bodies (JSON bodies or objects code might pass straight through).
const bodies = [
  { $where: 'sleep(1000)' }, { $expr: { $gt: ['$amount', 0] } }, { amount: { $function: { body: 'return 1', args: [], lang: 'js' } } },
  { amount: { $accumulator: { init: 'x' } } }, { $nor: [{ $or: [{ $where: '1' }] }] }, { $or: [{ amount: 1 }, { status: 'a' }] },
  JSON.parse('{"__proto__": {"admin": true}}'), JSON.parse('{"amount": {"__proto__": {"$gt": 0}}}'),
  { constructor: { prototype: { admin: true } } }, { client: { _bsontype: 'Code', code: 'x' } },
  { client: { _bsontype: 'ObjectId', id: 'aaaaaaaaaaaa' } }, { note: { _bsontype: 'Binary', buffer: 'x' } },
  { amount: [1, 2] }, { amount: { $gte: [1] } }, { amount: { $gte: { $gt: 1 } } }, { amount: 1e309 }, { amount: Number.MAX_VALUE },
  { amount: -Number.MAX_VALUE }, { amount: { $gte: Number.NaN } }, { status: { $in: Array.from({ length: 2000 }, (_, i) => `s${i}`) } },
  { status: { $in: [{ $gt: '' }] } }, { status: { $nin: [[1]] } }, { 'clientInfo.name': { $regex: '(a+)+$' } },
  { 'clientInfo.name': { $regex: '(a|aa)+$', $options: 'i' } }, { 'clientInfo.name': /(.*a){20}/ },
  { [`${FULLWIDTH_DOLLAR}where`]: '1' }, { [`amount${FULLWIDTH_DOT}x`]: 1 }, { amount: { [`${FULLWIDTH_DOLLAR}gt`]: 1 } },
  { 'amount.$gt': 1 }, { 'status.0': 'x' }, { '': 1 }, { amount: { '': 1 } }, { note: '{"$oid":"ffffffffffffffffffffffff"}' },
  { note: { toJSON: () => ({ $where: '1' }) } }, { client: { toJSON: () => ({ $ne: null }) } },
  { paid: { $eq: { $ne: true } } }, { sale_date: { $gte: { $date: 0 } } }, { price: { $gte: { $numberDecimal: '1' } } },
  Object.assign(Object.create(null), { $where: '1' }), Object.assign(Object.create({ $where: '1' }), { amount: 1 }),
];
const bodyParams = [
  { fields: { a: '$password' } }, { fields: ['amount', '$password'] }, { fields: 'a:$password' }, { sort: { $natural: 1 } },
  { sort: { amount: { $meta: 'textScore' } } }, { page: [1] }, { limit: { $gt: 0 } }, { page: 1e308 }, { limit: -1 },
  { page: Number.NaN }, { page: Infinity }, { page: '1e2' }, { page: true }, { page: 2 ** 53 }, { limit: 2 ** 64 },
  { cursor: { $gt: '' } }, { cursor: 'A'.repeat(9000) }, { filter: [{ $where: '1' }] }, { filter: 'x' }, { $where: '1' },
  { page: 1, pipeline: [{ $out: 'x' }] }, { sort: '$where' }, { sort: [['amount', 1, 'x']] }, { sort: [['__proto__', 1]] },
];

// ---------------------------------------------------------------------------------------
// Structural checks
// ---------------------------------------------------------------------------------------
function isBsonValue(v) {
  return v instanceof Date || (v && typeof v === 'object' && (v._bsontype === 'ObjectId' || v._bsontype === 'Decimal128')
    && Object.getPrototypeOf(v) !== Object.prototype);
}
function checkScalar(v, where) {
  if (v === null || ['string', 'number', 'boolean'].includes(typeof v)) {
    if (typeof v === 'number' && !Number.isFinite(v)) throw new Error(`${where}: non-finite number ${v}`);
    return;
  }
  if (isBsonValue(v)) return;
  throw new Error(`${where}: non-scalar value ${JSON.stringify(v)}`);
}
/** A `$match` object: allow-listed fields, allowed operators per field, typed values. */
function checkMatch(m, where) {
  if (Object.getPrototypeOf(m) !== Object.prototype) throw new Error(`${where}: $match is not a plain object`);
  for (const k of Object.keys(m)) {
    const ops = FIELD_OPS.get(k);
    if (!ops) throw new Error(`${where}: key ${JSON.stringify(k)} outside the allow-list`);
    const v = m[k];
    if (v && typeof v === 'object' && !isBsonValue(v)) {
      if (Object.getPrototypeOf(v) !== Object.prototype) throw new Error(`${where}.${k}: operator object with a prototype`);
      for (const op of Object.keys(v)) {
        const allowed = ops.has(op);
        if (!allowed) throw new Error(`${where}.${k}: operator ${op} not allowed for this field`);
        if (op === '$in' || op === '$nin') {
          if (!Array.isArray(v[op])) throw new Error(`${where}.${k}.${op}: not an array`);
          v[op].forEach((x, i) => checkScalar(x, `${where}.${k}.${op}[${i}]`));
        } else if (op === '$regex') {
          if (typeof v[op] !== 'string' || !ESCAPED_PREFIX.test(v[op])) throw new Error(`${where}.${k}: $regex ${v[op]} is not an escaped prefix`);
        } else checkScalar(v[op], `${where}.${k}.${op}`);
      }
    } else {
      if (!ops.has('$eq')) throw new Error(`${where}.${k}: equality not allowed`);
      checkScalar(v, `${where}.${k}`);
    }
  }
}
const SORTABLE = new Set([...SPEC.sortable, '_id']);
const PROJECTABLE = new Set([...SPEC.selectable, ...SPEC.sortable, '_id']);
const FORBIDDEN_TEXT = ['$where', '$function', '$accumulator', '$expr', '__proto__', '_bsontype', 'constructor', '$out', '$merge'];
/** A whole built pipeline. */
function checkPipeline(built, where) {
  const stages = [...built.pipeline, ...(built.countPipeline || [])];
  const text = JSON.stringify(stages);
  for (const bad of FORBIDDEN_TEXT) if (text.includes(bad)) throw new Error(`${where}: ${bad} in the built pipeline`);
  for (const st of stages) {
    const [name] = Object.keys(st);
    if (name === '$match') checkMatch(st.$match, `${where}.$match`);
    if (name === '$sort') for (const k of Object.keys(st.$sort)) if (!SORTABLE.has(k) || ![1, -1].includes(st.$sort[k])) throw new Error(`${where}: $sort ${k}`);
    if (name === '$project') for (const [k, v] of Object.entries(st.$project)) if (!PROJECTABLE.has(k) || v !== 1) throw new Error(`${where}: $project ${k}: ${JSON.stringify(v)}`);
    if (name === '$limit' && !(st.$limit >= 1 && st.$limit <= SPEC.maxLimit)) throw new Error(`${where}: $limit ${st.$limit}`);
    if (name === '$skip' && !(Number.isSafeInteger(st.$skip) && st.$skip >= 0)) throw new Error(`${where}: $skip ${st.$skip}`);
  }
}

// ---------------------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------------------
const tally = { tried: 0, rejected: 0, safe: 0, failures: [], slowest: 0 };
function attempt(label, fn, check) {
  tally.tried += 1;
  const t0 = performance.now();
  let out;
  try {
    out = fn();
  } catch (e) {
    tally.slowest = Math.max(tally.slowest, performance.now() - t0);
    if (e instanceof HotpathError && OK_CODES.has(e.code)) { tally.rejected += 1; return; }
    tally.failures.push(`${label}: threw ${e && e.code ? e.code : ''} ${e && e.message}`);
    return;
  }
  tally.slowest = Math.max(tally.slowest, performance.now() - t0);
  try {
    check(out);
    tally.safe += 1;
  } catch (e) {
    tally.failures.push(`${label}: accepted but unsafe: ${e.message}`);
  }
}
function throughEveryEntry(label, q) {
  attempt(`${label} filterFromQuery`, () => sales.filterFromQuery(q), (f) => checkMatch(f, 'filter'));
  attempt(`${label} build(paramsFromQuery)`, () => sales.build(sales.paramsFromQuery(q)), (b) => checkPipeline(b, 'pipeline'));
  attempt(`${label} build({ filter })`, () => sales.build({ filter: q }), (b) => checkPipeline(b, 'pipeline'));
}

/**
 * Decimal values whose exponent is outside Decimal128's range (bson's Decimal128.fromString
 * throws for each): the core's `is_decimal` refuses them, so they are a HotpathError and
 * never a BSONError. (Found by this corpus; `9.9e6144` and `1e-6176` are in range.)
 */
const OUT_OF_RANGE_DECIMALS = ['price[gte]=1e6145', 'price[gte]=1e-6177', 'price[gte]=10e6144', 'price[gte]=1.5e-6176'];

describe('injection corpus', () => {
  test.each(OUT_OF_RANGE_DECIMALS)('a decimal exponent out of Decimal128 range is refused with a HotpathError: %s', (s) => {
    for (const q of [qs.parse(s, { allowPrototypes: true }), { ...querystring.parse(s) }]) {
      for (const f of [() => sales.filterFromQuery(q), () => sales.build(sales.paramsFromQuery(q))]) {
        let err;
        try { f(); } catch (e) { err = e; }
        expect(err).toBeInstanceOf(HotpathError);
        expect(err.code).toBe('ERR_FORBIDDEN_OPERATOR');
      }
    }
  });

  test('every hostile query string / body is rejected or safely typed on every entry point', () => {
    for (const s of queryStrings) {
      throughEveryEntry(`qs ${s.slice(0, 80)}`, qs.parse(s, { allowPrototypes: true }));
      throughEveryEntry(`querystring ${s.slice(0, 80)}`, { ...querystring.parse(s) });
    }
    for (const b of bodies) throughEveryEntry(`body ${JSON.stringify(b).slice(0, 80)}`, b);
    for (const p of bodyParams) {
      attempt(`params ${JSON.stringify(p).slice(0, 80)}`, () => sales.build(p), (b) => checkPipeline(b, 'pipeline'));
    }
    const inputs = queryStrings.length * 2 + bodies.length + bodyParams.length;
    // eslint-disable-next-line no-console
    console.log(`injection corpus (${hotpath.backend}): rejected ${tally.rejected} / tried ${tally.tried} `
      + `(${inputs} inputs: ${queryStrings.length} query strings × 2 parsers, ${bodies.length} bodies, ${bodyParams.length} params; `
      + `${tally.safe} accepted and proven safely typed; slowest call ${tally.slowest.toFixed(1)} ms)`);
    expect(tally.failures).toEqual([]);
    expect(queryStrings.length + bodies.length + bodyParams.length).toBeGreaterThanOrEqual(200);
    expect(tally.rejected + tally.safe).toBe(tally.tried);
    // Nothing catastrophic ran: every call returned promptly.
    expect(tally.slowest).toBeLessThan(1000);
    // The spec still works after all of it.
    expect(sales.build({ page: 2 }).pipeline.find((s) => s.$skip).$skip).toBe(20);
  });

  test('the checker itself catches an unsafe filter (it is not vacuous)', () => {
    expect(() => checkMatch({ $where: '1' }, 'x')).toThrow(/outside the allow-list/);
    expect(() => checkMatch({ amount: { $gt: 1 } }, 'x')).toThrow(/not allowed/);
    expect(() => checkMatch({ 'clientInfo.name': { $regex: '(a+)+$' } }, 'x')).toThrow(/escaped prefix/);
    expect(() => checkMatch({ status: { $in: [{ $ne: 1 }] } }, 'x')).toThrow(/non-scalar/);
    expect(() => checkPipeline({ pipeline: [{ $project: { a: '$password' } }] }, 'x')).toThrow(/\$project/);
    expect(() => checkMatch({ amount: 5, status: { $in: ['a'] }, 'clientInfo.name': { $regex: '^Al\\.i' } }, 'x')).not.toThrow();
  });
});
