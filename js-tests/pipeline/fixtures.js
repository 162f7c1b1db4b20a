'use strict';
/**
 * Shared fixtures for the pipeline suites: a seeded data generator for the original
 * design's collections, the test spec, a plain-JS reference (filter + join + sort + slice),
 * the original design's stage order, and a mingo-backed fake Model.
 */
const { ObjectId } = require('bson');
const { Aggregator } = require('mingo');

/** Deterministic PRNG (mulberry32). */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const oid = (prefix, i) => new ObjectId(prefix + i.toString(16).padStart(24 - prefix.length, '0'));
const STATUSES = ['active', 'sold', 'closed'];
const NAMES = ['Ali', 'Aziz', 'Bek', 'Dilnoza', 'Farrukh', 'Gulnora', 'Jasur', 'Kamola', 'Murod', 'Nodira'];

/** Collections of the original design: vagonsales, vagons, clients, vagonlots. */
function makeData({ sales = 2000, vagons = 200, clients = 300, lots = 100, seed = 1 } = {}) {
  const r = rng(seed);
  const pick = (n) => Math.floor(r() * n);
  const V = Array.from({ length: vagons }, (_, i) => ({
    _id: oid('a1', i), vagonCode: `V-${i}`, month: 1 + (i % 12), status: STATUSES[i % 3], secret: 'x',
  }));
  const C = Array.from({ length: clients }, (_, i) => ({
    _id: oid('c1', i), name: `${NAMES[i % NAMES.length]} ${Math.floor(i / 10)}`, phone: `+998-${i}`, password: 'hunter2',
  }));
  const L = Array.from({ length: lots }, (_, i) => ({
    _id: oid('b1', i), dimensions: `${i}x2`, cost_per_m3: 10 + i, note: 'n',
  }));
  const S = Array.from({ length: sales }, (_, i) => {
    const doc = {
      _id: oid('f1', i),
      vagon: r() < 0.05 ? oid('dd', i) : V[pick(vagons)]._id, // some dangling references
      client: C[pick(clients)]._id,
      sale_date: new Date(Date.UTC(2024, pick(12), 1 + pick(28))),
      createdAt: new Date(Date.UTC(2024, 0, 1) + pick(40) * 86_400_000), // many ties
      amount: pick(20) * 5, // many ties
      status: STATUSES[pick(3)],
      isDeleted: r() < 0.1,
    };
    if (r() < 0.9) doc.lot = L[pick(lots)]._id; // some without a lot
    return doc;
  });
  return { vagonsales: S, vagons: V, clients: C, vagonlots: L };
}

/** The test spec: the original design's vagon-sale listing. */
function salesSpec(extra = {}) {
  return {
    collection: 'vagonsales',
    types: { _id: 'objectId', vagon: 'objectId', client: 'objectId', lot: 'objectId', sale_date: 'date', createdAt: 'date', amount: 'number' },
    lookups: [
      { from: 'vagons', localField: 'vagon', as: 'vagonInfo', project: ['vagonCode', 'month', 'status'], single: true },
      { from: 'clients', localField: 'client', as: 'clientInfo', project: ['name', 'phone'], single: true },
      { from: 'vagonlots', localField: 'lot', as: 'lotInfo', project: ['dimensions', 'cost_per_m3'], single: true },
    ],
    sortable: ['createdAt', 'sale_date', 'amount', 'clientInfo.name'],
    defaultSort: { createdAt: -1 },
    filterable: {
      client: ['eq', 'in'], sale_date: ['gte', 'lte'], amount: ['gte', 'lte', 'eq'], status: ['eq', 'in', 'nin'],
      'clientInfo.name': ['regex'], 'vagonInfo.status': ['eq'],
    },
    selectable: ['amount', 'sale_date', 'status', 'clientInfo', 'vagonInfo', 'lotInfo'],
    softDelete: { isDeleted: false },
    lookupForm: 'let', // mingo mishandles localField + pipeline together
    count: 'separate',
    ...extra,
  };
}

/** A fake Mongoose model whose aggregate runs in mingo over `data`. */
function mingoModel(data, collection = 'vagonsales') {
  const opts = { collectionResolver: (name) => data[name] || [] };
  return {
    calls: [],
    aggregate(pipeline) {
      this.calls.push(pipeline);
      return Promise.resolve(new Aggregator(pipeline, opts).run(data[collection]));
    },
  };
}

/** Runs a pipeline in mingo. */
function runMingo(data, pipeline, collection = 'vagonsales') {
  return new Aggregator(pipeline, { collectionResolver: (name) => data[name] || [] }).run(data[collection]);
}

// ---- plain-JS reference ----------------------------------------------------------------

const idHex = (v) => (v && typeof v.toHexString === 'function' ? v.toHexString() : v);
function rank(v) {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'number') return 1;
  if (typeof v === 'string') return 2;
  if (v instanceof Date) return 4;
  return 3; // ObjectId
}
/** MongoDB's order for the values the fixtures hold (null < numbers < strings < ObjectId < Date). */
function cmpValues(a, b) {
  const ra = rank(a); const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (ra === 0) return 0;
  if (ra === 4) return a.getTime() - b.getTime();
  const x = ra === 3 ? idHex(a) : a; const y = ra === 3 ? idHex(b) : b;
  return x < y ? -1 : x > y ? 1 : 0;
}
const getPath = (doc, path) => path.split('.').reduce((v, k) => (v == null ? undefined : v[k]), doc);

/**
 * Reference result. `q` is a structured filter: { client?, amountGte?, amountLte?, statuses?,
 * clientPrefix?, vagonStatus? }; sort: [[key, dir]…] (the `_id` tiebreak is added here).
 */
function reference(data, q, sort, skip, limit) {
  const byId = (coll) => new Map(data[coll].map((d) => [idHex(d._id), d]));
  const V = byId('vagons'); const C = byId('clients'); const L = byId('vagonlots');
  const proj = (d, fields) => (d ? Object.fromEntries([['_id', d._id], ...fields.map((f) => [f, d[f]])]) : undefined);
  let docs = data.vagonsales.filter((d) => !d.isDeleted)
    .filter((d) => (q.client === undefined || idHex(d.client) === q.client))
    .filter((d) => (q.amountGte === undefined || d.amount >= q.amountGte))
    .filter((d) => (q.amountLte === undefined || d.amount <= q.amountLte))
    .filter((d) => (q.statuses === undefined || q.statuses.includes(d.status)))
    .map((d) => {
      const out = { ...d };
      const v = proj(V.get(idHex(d.vagon)), ['vagonCode', 'month', 'status']);
      const c = proj(C.get(idHex(d.client)), ['name', 'phone']);
      const l = proj(L.get(idHex(d.lot)), ['dimensions', 'cost_per_m3']);
      if (v) out.vagonInfo = v;
      if (c) out.clientInfo = c;
      if (l) out.lotInfo = l;
      return out;
    })
    .filter((d) => (q.clientPrefix === undefined || (d.clientInfo && d.clientInfo.name.startsWith(q.clientPrefix))))
    .filter((d) => (q.vagonStatus === undefined || (d.vagonInfo && d.vagonInfo.status === q.vagonStatus)));
  const keys = [...sort];
  if (!keys.some(([k]) => k === '_id')) keys.push(['_id', keys.length ? keys[keys.length - 1][1] : -1]);
  docs.sort((a, b) => {
    for (const [k, dir] of keys) {
      const c = cmpValues(getPath(a, k), getPath(b, k));
      if (c) return c * dir;
    }
    return 0;
  });
  return { total: docs.length, page: docs.slice(skip, skip + limit) };
}

/** The hotpath `filter` for a structured query. */
function toFilter(q) {
  const f = {};
  if (q.client !== undefined) f.client = q.client;
  if (q.amountGte !== undefined || q.amountLte !== undefined) {
    f.amount = {};
    if (q.amountGte !== undefined) f.amount.$gte = q.amountGte;
    if (q.amountLte !== undefined) f.amount.$lte = String(q.amountLte); // numeric strings coerce
  }
  if (q.statuses !== undefined) f.status = { $in: q.statuses };
  if (q.clientPrefix !== undefined) f['clientInfo.name'] = { $regex: q.clientPrefix };
  if (q.vagonStatus !== undefined) f['vagonInfo.status'] = q.vagonStatus;
  return f;
}

/**
 * The original design's stage order for the same request: $match (bson-typed values),
 * every $lookup + $unwind, then $sort/$skip/$limit (plus the `_id` tiebreak so pages are
 * comparable under ties).
 */
function originalOrder(q, sort, skip, limit) {
  const m = { isDeleted: false };
  if (q.client !== undefined) m.client = new ObjectId(q.client);
  if (q.amountGte !== undefined || q.amountLte !== undefined) {
    m.amount = {};
    if (q.amountGte !== undefined) m.amount.$gte = q.amountGte;
    if (q.amountLte !== undefined) m.amount.$lte = q.amountLte;
  }
  if (q.statuses !== undefined) m.status = { $in: q.statuses };
  const joined = {};
  if (q.clientPrefix !== undefined) joined['clientInfo.name'] = { $regex: `^${q.clientPrefix.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')}` };
  if (q.vagonStatus !== undefined) joined['vagonInfo.status'] = q.vagonStatus;
  const lookup = (from, local, as, project) => [
    { $lookup: { from, let: { lf: `$${local}` }, pipeline: [{ $match: { $expr: { $eq: ['$_id', '$$lf'] } } }, { $project: Object.fromEntries(project.map((p) => [p, 1])) }], as } },
    { $unwind: { path: `$${as}`, preserveNullAndEmptyArrays: true } },
  ];
  const keys = Object.fromEntries(sort);
  if (!('_id' in keys)) keys._id = sort.length ? sort[sort.length - 1][1] : -1;
  return [
    { $match: m },
    ...lookup('vagons', 'vagon', 'vagonInfo', ['vagonCode', 'month', 'status']),
    ...lookup('clients', 'client', 'clientInfo', ['name', 'phone']),
    ...lookup('vagonlots', 'lot', 'lotInfo', ['dimensions', 'cost_per_m3']),
    ...(Object.keys(joined).length ? [{ $match: joined }] : []),
    { $sort: keys }, { $skip: skip }, { $limit: limit },
  ];
}

/** JSON with sorted keys and bson values as text: compares documents structurally. */
function canon(v) {
  if (v === null || v === undefined) return JSON.stringify(v ?? null);
  if (v instanceof Date) return `D${v.toISOString()}`;
  if (typeof v === 'object' && typeof v.toHexString === 'function') return `O${v.toHexString()}`;
  if (Array.isArray(v)) return `[${v.map(canon).join(',')}]`;
  if (typeof v === 'object') return `{${Object.keys(v).sort().filter((k) => v[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canon(v[k])}`).join(',')}}`;
  return JSON.stringify(v);
}

module.exports = {
  rng, makeData, salesSpec, mingoModel, runMingo, reference, toFilter, originalOrder, canon, getPath, cmpValues, STATUSES, NAMES,
};
