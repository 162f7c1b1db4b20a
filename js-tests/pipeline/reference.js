'use strict';
/**
 * A plain-JS model of what a paginated listing must return, written from MongoDB's documented
 * semantics and independent of hotpath (it never builds or reads a pipeline): filter with
 * BSON comparison and type bracketing, join, soft delete, sort with the `_id` tiebreak,
 * slice, totals, mongoose-paginate-v2 metadata, and the pages of a keyset walk.
 *
 * Values are the types the differential suite generates: null / missing, numbers, strings
 * (code points below U+D800, where UTF-16 and UTF-8 order agree — MongoDB compares UTF-8
 * bytes, mingo UTF-16 units), ObjectIds, booleans and Dates.
 */

/** MongoDB's canonical type order for these types; null and missing are one class. */
function typeRank(v) {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'number') return 1;
  if (typeof v === 'string') return 2;
  if (v && v._bsontype === 'ObjectId') return 3;
  if (typeof v === 'boolean') return 4;
  if (v instanceof Date) return 5;
  throw new Error(`reference: unexpected value ${String(v)}`);
}

const plain = (v) => {
  const r = typeRank(v);
  if (r === 3) return v.toHexString();
  if (r === 5) return v.getTime();
  return v;
};

/** Sort order of two values (BSON order across types). */
function compare(a, b) {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  if (ra === 0) return 0;
  const x = plain(a);
  const y = plain(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Equality as a query sees it: `null` matches null and missing. */
const same = (a, b) => compare(a, b) === 0 && typeRank(a) === typeRank(b);

function get(doc, path) {
  let v = doc;
  for (const k of path.split('.')) {
    if (v === null || v === undefined || typeof v !== 'object') return undefined;
    v = v[k];
  }
  return v;
}
const has = (doc, path) => {
  const i = path.lastIndexOf('.');
  const parent = i < 0 ? doc : get(doc, path.slice(0, i));
  return parent !== null && parent !== undefined && typeof parent === 'object' && Object.prototype.hasOwnProperty.call(parent, path.slice(i + 1));
};

/**
 * One condition `{ field, op, value }`, op one of eq ne in nin gt gte lt lte exists prefix,
 * with MongoDB's semantics (comparisons only within one type class; `$ne`/`$nin` also
 * match a missing field).
 */
function test(doc, { field, op, value }) {
  const v = get(doc, field);
  switch (op) {
    case 'eq': return same(v, value);
    case 'ne': return !same(v, value);
    case 'in': return value.some((x) => same(v, x));
    case 'nin': return !value.some((x) => same(v, x));
    case 'gt': return typeRank(v) === typeRank(value) && compare(v, value) > 0;
    case 'gte': return typeRank(v) === typeRank(value) && compare(v, value) >= 0;
    case 'lt': return typeRank(v) === typeRank(value) && compare(v, value) < 0;
    case 'lte': return typeRank(v) === typeRank(value) && compare(v, value) <= 0;
    case 'exists': return has(doc, field) === value;
    case 'prefix': return typeof v === 'string' && v.startsWith(value);
    default: throw new Error(`reference: unknown op ${op}`);
  }
}

/**
 * Every matching document, joined and sorted.
 * @param {{ items: object[], owners: object[] }} data
 * @param {{ conds: object[], sort: Array<[string, 1|-1]>, join: { from: string, local: string, as: string, project: string[] }, softDelete: (doc) => boolean }} q
 */
function listing(data, { conds, sort, join, softDelete }) {
  const foreign = new Map(data[join.from].map((d) => [d._id.toHexString(), d]));
  const rows = data.items.filter(softDelete).map((d) => {
    const out = { ...d };
    const ref = d[join.local];
    const f = ref && ref._bsontype === 'ObjectId' ? foreign.get(ref.toHexString()) : undefined;
    if (f) {
      out[join.as] = { _id: f._id };
      for (const p of join.project) if (Object.prototype.hasOwnProperty.call(f, p)) out[join.as][p] = f[p];
    }
    return out;
  }).filter((d) => conds.every((c) => test(d, c)));
  const keys = [...sort];
  if (!keys.some(([k]) => k === '_id')) keys.push(['_id', keys.length ? keys[keys.length - 1][1] : -1]);
  return rows.sort((a, b) => {
    for (const [k, dir] of keys) {
      const c = compare(get(a, k), get(b, k));
      if (c !== 0) return c * dir;
    }
    return 0;
  });
}

/** mongoose-paginate-v2's metadata for page mode. */
function meta(total, page, limit) {
  const totalPages = Math.max(1, Math.ceil(total / limit));
  return {
    total, limit, currentPage: page, totalPages,
    hasNextPage: page < totalPages, hasPrevPage: page > 1,
    nextPage: page < totalPages ? page + 1 : null, prevPage: page > 1 ? page - 1 : null,
  };
}

/**
 * The pages a forward keyset walk returns: consecutive `limit`-sized slices (one empty page
 * when nothing matches). A page offers a next cursor exactly when rows follow it.
 */
function walkPages(rows, limit) {
  const pages = [];
  for (let i = 0; i < rows.length; i += limit) pages.push(rows.slice(i, i + limit));
  return pages.length ? pages : [[]];
}

/**
 * The pages a backward walk from the end returns, in the order visited: `limit`-sized
 * slices ending at the last row, then at the row before each slice (the first visited page
 * is the last `limit` rows; the final one may be shorter).
 */
function walkBackPages(rows, limit) {
  const pages = [];
  for (let end = rows.length; end > 0; end -= limit) pages.push(rows.slice(Math.max(0, end - limit), end));
  return pages.length ? pages : [[]];
}

module.exports = { compare, same, get, test, listing, meta, walkPages, walkBackPages, typeRank };
