'use strict';
/**
 * The JS half of the `pipeline` hot path: compiled specs, typed-value conversion to the
 * caller's bson, `paginate` (the seed facade `AggregationBuilder` is in
 * lib/compat/aggregation-builder.js).
 *
 * All validation, coercion and stage ordering happen in the Rust core. A pipeline is built
 * one way: per `build` the core is crossed at most once, and not at all when only page /
 * limit changed on a request it already validated (see `#prepareFor`) (`prepare`:
 * parameters in, shape key + slot values out, both short JSON texts); the stages themselves
 * come from a function generated once per request shape from the core's template
 * (`template`), which returns a fresh object literal — so the cost of handing a ~30-object
 * tree across the FFI is paid once per shape, not per request (the measurements that chose
 * this route over the core building whole trees are in docs/pipeline.md).
 */
const { fail, fromBinding } = require('./errors');
const { INTERNALS, apiOf } = require('./internal');
const paging = require('./paginate');

/** Most request shapes kept per compiled spec (generated functions). */
const MAX_SHAPES = 512;
/** Most memoised `prepare` answers per compiled spec, and the longest parameter text memoised. */
const MAX_MEMO = 256;
const MEMO_KEY_MAX = 512;

let configured = null;
let lazyDefault = null;
const helperCache = new WeakMap();

/**
 * The bson to use when none is given per call: `configure({ bson })`, else `mongoose.mongo`
 * when mongoose is installed (required lazily, on first need), else the `bson` package.
 */
function defaultBson() {
  if (configured) return configured;
  if (!lazyDefault) {
    let mongo = null;
    try {
      // eslint-disable-next-line global-require
      const mongoose = require('mongoose');
      mongo = mongoose && mongoose.mongo && mongoose.mongo.ObjectId ? mongoose.mongo : null;
    } catch { /* not installed */ }
    // eslint-disable-next-line global-require
    lazyDefault = mongo || require('bson');
  }
  return lazyDefault;
}

/**
 * Sets the bson used for ObjectId / Decimal128 values in built pipelines (e.g. the `bson`
 * your driver uses). Pass `{ bson: null }` to go back to the default.
 * @param {{ bson?: { ObjectId: Function, Decimal128: { fromString(s: string): any } } | null }} options
 */
function configure(options = {}) {
  if (!options || typeof options !== 'object') fail('ERR_INVALID_SPEC', `configure options must be an object, got ${typeof options}`);
  if ('bson' in options) {
    const b = options.bson;
    if (b !== null && (!b || typeof b.ObjectId !== 'function' || !b.Decimal128 || typeof b.Decimal128.fromString !== 'function')) {
      fail('ERR_INVALID_SPEC', 'configure: bson must be a bson module (ObjectId, Decimal128), e.g. require("bson") or mongoose.mongo');
    }
    configured = b;
  }
}

/** Slot converters for one bson module. */
function helpers(B) {
  let h = helperCache.get(B);
  if (!h) {
    const oid = (x) => (x === null ? null : new B.ObjectId(x));
    const date = (x) => (x === null ? null : new Date(x));
    const dec = (x) => (x === null ? null : B.Decimal128.fromString(x));
    // Int64 cursor values arrive as decimal text, exact (no Number on the way).
    const long = (x) => (x === null ? null : B.Long.fromString(x));
    const bigint = (x) => (x === null ? null : BigInt(x));
    h = { oid, date, dec, long, bigint, oids: (a) => a.map(oid), dates: (a) => a.map(date), decs: (a) => a.map(dec) };
    helperCache.set(B, h);
  }
  return h;
}

/** Turns the core's typed markers (only the core writes them) into bson values. */
function revive(node, H) {
  if (node === null || typeof node !== 'object') return node;
  if (Array.isArray(node)) return node.map((n) => revive(n, H));
  const keys = Object.keys(node);
  if (keys.length === 1) {
    if (keys[0] === '$oid') return H.oid(node.$oid);
    if (keys[0] === '$date') return H.date(node.$date);
    if (keys[0] === '$numberDecimal') return H.dec(node.$numberDecimal);
    if (keys[0] === '$numberLong') return H.long(node.$numberLong);
  }
  const out = {};
  for (const k of keys) out[k] = revive(node[k], H);
  return out;
}

/** Generates the function that returns a fresh pipeline for one shape. */
function compileTemplate(t) {
  const slot = (i) => {
    const kind = t.slots[i];
    if (i === 0) return 'l'; // limit and skip: computed per request (see prepareFor)
    if (i === 1) return 's';
    if (kind === 'raw') return `v[${i + 1}]`;
    if (kind === 'raws') return `v[${i + 1}].slice()`; // slot values may be memoised: never share
    return `H.${kind}(v[${i + 1}])`;
  };
  const src = (n) => {
    if (n === null || typeof n !== 'object') return JSON.stringify(n);
    if (Array.isArray(n)) return `[${n.map(src).join(',')}]`;
    const keys = Object.keys(n);
    if (keys.length === 1 && keys[0] === '$slot') return slot(n.$slot);
    // The core validated every field name; `"__proto__":` would set a prototype in a literal.
    if (keys.includes('__proto__')) fail('ERR_INTERNAL', 'template holds a __proto__ key');
    return `{${keys.map((k) => `${JSON.stringify(k)}:${src(n[k])}`).join(',')}}`;
  };
  const count = t.countPipeline ? `,countPipeline:${src(t.countPipeline)}` : '';
  // eslint-disable-next-line no-new-func
  const fn = new Function('v', 'H', 'l', 's', `return {pipeline:${src(t.pipeline)}${count},plan:${JSON.stringify(t.plan)}};`);
  return {
    fn, sort: t.sort, count: t.count, fast: t.fast, backward: t.backward, unfiltered: t.unfiltered,
    maxCount: t.maxCount, typed: t.slots.some((k) => k !== 'raw' && k !== 'raws'),
  };
}

/** `page` / `limit` the JS side may take as they are: absent, null, or an integer number in 1..maxPage. */
const plainInt = (v, maxPage) => v === undefined || v === null || (Number.isInteger(v) && v >= 1 && v <= maxPage);

/**
 * `rest` with its filter's top-level `toJSON` values (ObjectId, Date) replaced by the strings
 * their `toJSON(key)` returns — exactly what JSON.stringify would write for them, but the
 * stringify of the copy stays on V8's fast path (measured ~1.4 µs → ~1.0 µs for
 * `{ filter: { client: ObjectId } }` on the loaded machine). Anything else is left as it is.
 */
function plainFilter(rest) {
  const f = rest.filter;
  if (f === null || typeof f !== 'object' || Array.isArray(f) || typeof f.toJSON === 'function') return rest;
  let g = null;
  for (const k of Object.keys(f)) {
    const v = f[k];
    if (k !== '__proto__' && v !== null && typeof v === 'object' && typeof v.toJSON === 'function') {
      const j = v.toJSON(k);
      if (typeof j === 'string') {
        if (g === null) g = { ...f }; // own enumerable keys, same order
        g[k] = j;
      }
    }
  }
  if (g === null) return rest;
  rest.filter = g;
  return rest;
}

const okNum = (v) => v === undefined || typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v));

/** The code the core gives a bad value of each request parameter (others: ERR_FORBIDDEN_OPERATOR). */
const PARAM_CODES = {
  page: 'ERR_INVALID_PAGINATION', limit: 'ERR_INVALID_PAGINATION', cursor: 'ERR_INVALID_CURSOR',
  after: 'ERR_INVALID_CURSOR', before: 'ERR_INVALID_CURSOR', fromEnd: 'ERR_INVALID_CURSOR',
};
/** `fromEnd` as the core reads it (true, 'true', '1'). */
const isFromEnd = (v) => v === true || v === 'true' || v === '1';
/** The request parameters that make a keyset (cursor) request. */
const KEYSET = ['cursor', 'after', 'before', 'fromEnd'];

/** The keys down to the innermost value that JSON.stringify refuses on its own. */
function culprit(v, seen = new Set()) {
  if (v === null || typeof v !== 'object' || seen.has(v) || seen.size > 8) return [];
  seen.add(v);
  for (const k of Object.keys(v)) {
    try { JSON.stringify(v[k]); } catch { return [k, ...culprit(v[k], seen)]; }
  }
  return [];
}

/**
 * `JSON.stringify(value)`, where a bigint or a circular structure (TypeErrors of
 * JSON.stringify) becomes the HotpathError the parameter holding it gets for other bad
 * values, naming it (`what`: 'params' | 'query' | 'spec'). Small, so it inlines: valid
 * input costs nothing extra.
 */
function toJson(value, what) {
  try {
    return JSON.stringify(value);
  } catch (e) {
    return unencodable(e, value, what);
  }
}

/** Throws the HotpathError for what JSON.stringify refused in `value` (or rethrows `e`). */
function unencodable(e, value, what) {
  if (!(e instanceof TypeError)) throw e;
  const why = /bigint/i.test(e.message) ? 'a bigint cannot be sent (use a number or a string)'
    : /circular/i.test(e.message) ? 'the value is a circular structure' : null;
  if (why === null) throw e;
  const path = culprit(value);
  const at = [...(what === 'params' ? [] : [what]), ...path].join('.');
  const code = what === 'spec' ? 'ERR_INVALID_SPEC' : (PARAM_CODES[path[0]] || 'ERR_FORBIDDEN_OPERATOR');
  return fail(code, `${at || what}: ${why}`);
}

/** Encodes request parameters as the JSON text the core reads. */
function encodeParams(params) {
  if (params === undefined || params === null) return '{}';
  if (typeof params !== 'object' || Array.isArray(params)) {
    fail('ERR_INVALID_PAGINATION', `params must be an object, got ${Array.isArray(params) ? 'an array' : typeof params}`);
  }
  const s = params.sort;
  if ((s === undefined || typeof s === 'string') && okNum(params.page) && okNum(params.limit)) {
    return toJson(params, 'params');
  }
  const out = Object.create(null);
  for (const k of Object.keys(params)) {
    const v = params[k];
    if (k === 'page' || k === 'limit') {
      // NaN / Infinity / bigint would vanish or throw in JSON: pass their text so the core
      // names them in ERR_INVALID_PAGINATION.
      out[k] = typeof v === 'bigint' || (typeof v === 'number' && !Number.isFinite(v)) ? String(v) : v;
    } else if (k === 'sort' && v && typeof v === 'object' && !Array.isArray(v)) {
      out[k] = Object.entries(v); // keeps key order (JSON objects lose it in the core)
    } else out[k] = v;
  }
  return toJson(out, 'params');
}

function encodeSpec(spec) {
  if (!spec || typeof spec !== 'object' || Array.isArray(spec)) {
    fail('ERR_INVALID_SPEC', `spec must be an object, got ${Array.isArray(spec) ? 'an array' : typeof spec}`);
  }
  const ds = spec.defaultSort;
  const out = ds && typeof ds === 'object' && !Array.isArray(ds) ? { ...spec, defaultSort: Object.entries(ds) } : spec;
  return toJson(out, 'spec');
}

function getPath(doc, path) {
  let v = doc;
  for (const seg of path.split('.')) {
    if (v === null || v === undefined) return undefined;
    v = v[seg];
  }
  return v;
}

/** `[type, value]` of one sort value read from a result document. */
function tagValue(field, v) {
  if (v === null || v === undefined) return ['null'];
  if (v instanceof Date) return ['date', v.getTime()];
  switch (typeof v) {
    case 'number': return ['num', v];
    case 'string':
      if (!v.isWellFormed()) fail('ERR_INVALID_CURSOR', `cannot make a cursor from sort key ${JSON.stringify(field)}: its value holds a lone surrogate (not well-formed Unicode)`);
      return ['str', v];
    case 'boolean': return ['bool', v];
    case 'bigint': return ['bigint', v.toString()]; // exact; the core checks the Int64 range
    default: break;
  }
  const t = v._bsontype;
  if (t === 'ObjectId' || t === 'ObjectID') return ['oid', v.toHexString()];
  if (t === 'Decimal128') return ['dec', v.toString()];
  if (t === 'Long') return ['long', v.toString()]; // exact above 2^53; seeks with a Long again
  if (t === 'Int32' || t === 'Double') return ['num', Number(v.valueOf ? v.valueOf() : v)];
  return fail('ERR_INVALID_CURSOR', `cannot make a cursor from sort key ${JSON.stringify(field)}: its value is ${Array.isArray(v) ? 'an array' : 'an object'}`);
}

/** Declared types under which a collation never changes a comparison. */
const NON_STRING = new Set(['objectId', 'date', 'number', 'bool', 'decimal']);

/** The methods of the core's compiled spec that lib/ calls. */
const METHODS = ['pageRules', 'prepare', 'template', 'filterFromQuery', 'meta', 'suggestIndex', 'encodeCursor'];

/**
 * The binding's compiled spec with its errors mapped: an object the binding hands out (not
 * one the loader wrapped) rethrows through the binding's `convertError` here.
 */
function wrapHandle(binding, raw) {
  const convert = binding.convertError || ((e) => fromBinding(e, binding.takePanicMessage));
  const h = { raw };
  for (const m of METHODS) {
    const f = raw[m].bind(raw);
    h[m] = (a, b) => {
      try { return f(a, b); } catch (e) { throw convert(e, raw); }
    };
  }
  return h;
}

/**
 * A compiled spec. Create with `pipeline.compile(spec)`.
 */
class CompiledPipeline {
  #handle;
  #types;
  #shapes = new Map();
  #memo = new Map();
  #rules;

  /** @param {object} spec see docs/pipeline.md */
  constructor(spec) {
    const { binding } = apiOf(new.target).__backend;
    this.#handle = wrapHandle(binding, binding.pipelineCompile(encodeSpec(spec)));
    this.#types = { ...spec.types };
    // { defaultLimit, maxLimit, maxPage }: the core's page/limit rules as data (see #prepareFor).
    this.#rules = this.#handle.pageRules();
  }

  /**
   * `[prepared, limit, skip, text]` for one request. `prepare` is a pure function of (spec,
   * parameter text), and `page` / `limit` only ever fill the `$limit` / `$skip` slots. So
   * when both are absent or integer numbers in 1..maxPage, the core validates (and the memo
   * keeps) the request *without* them — filter, sort, fields, cursor: everything that is
   * allow-listed stays in the core — and the two slots are computed here from the rules the
   * core handed over at compile time. Anything else (digit strings, fractions, 0, NaN,
   * out of range, object sorts) crosses with the full parameters as before, so the core
   * alone parses them and writes the error messages.
   */
  #prepareFor(params) {
    const { defaultLimit: defLimit, maxLimit, maxPage } = this.#rules;
    if (params === undefined || params === null) {
      const prepared = this.#prepared('{}');
      return [prepared, prepared[1], prepared[2], '{}'];
    }
    if (typeof params === 'object' && !Array.isArray(params) && typeof params.toJSON !== 'function') {
      // Own enumerable keys only, as JSON.stringify sees them. An own "__proto__" key (which
      // an assignment would turn into a prototype) takes the full route, so the core still
      // rejects it; a plain (not null-prototype) copy keeps JSON.stringify on its fast path.
      const rest = {};
      let page;
      let limit;
      let proto = false;
      for (const k of Object.keys(params)) {
        const v = params[k];
        if (k === 'page') page = v;
        else if (k === 'limit') limit = v;
        else if (k === '__proto__') proto = true;
        else rest[k] = v;
      }
      const sort = proto ? null : rest.sort;
      if ((sort === undefined || typeof sort === 'string') && plainInt(page, maxPage) && plainInt(limit, maxPage)) {
        const enc = toJson(plainFilter(rest), 'params');
        const prepared = this.#prepared(enc);
        const l = Math.min(limit ?? defLimit, maxLimit);
        return [prepared, l, prepared[0][0] === 'c' ? 0 : ((page ?? 1) - 1) * l, enc];
      }
    }
    const enc = encodeParams(params);
    const prepared = this.#prepared(enc);
    return [prepared, prepared[1], prepared[2], enc];
  }

  /** The core's `prepare` answer for one parameter text, memoised. */
  #prepared(enc) {
    let prepared = this.#memo.get(enc);
    if (prepared === undefined) {
      prepared = JSON.parse(this.#handle.prepare(enc));
      if (enc.length <= MEMO_KEY_MAX) {
        if (this.#memo.size >= MAX_MEMO) this.#memo.clear();
        this.#memo.set(enc, prepared);
      }
    }
    return prepared;
  }

  /**
   * The built stages for one request, and its shape's compiled template. `limitOf(l)`
   * replaces the `$limit` value (paginate fetches limit + 1); `l` is the page size.
   */
  #build2(params, bson, limitOf) {
    // Generated code never mutates the (memoised) prepared answer.
    const [prepared, l, s, enc] = this.#prepareFor(params);
    let t = this.#shapes.get(prepared[0]);
    if (t === undefined) {
      t = compileTemplate(JSON.parse(this.#handle.template(enc)));
      if (this.#shapes.size >= MAX_SHAPES) this.#shapes.clear();
      this.#shapes.set(prepared[0], t);
    }
    const lim = limitOf ? limitOf(l) : l;
    return { t, l, result: t.fn(prepared, t.typed ? helpers(bson || defaultBson()) : null, lim, s) };
  }

  /**
   * Builds the stages for one request.
   * @param {{ filter?: object, page?: number|string, limit?: number|string, sort?: string|object|Array<[string, 1|-1]>, fields?: string|string[], cursor?: string }} [params]
   * @param {{ bson?: object }} [options] bson to use for this call (default: configure / mongoose / bson)
   * @returns {{ pipeline: object[], countPipeline?: object[], plan: string }}
   */
  build(params, options) {
    return this.#build2(params, options && options.bson).result;
  }

  /**
   * A typed MongoDB filter from an Express `req.query` (nested or flat form), allow-listed
   * by `filterable`. Reserved keys (page, limit, sort, fields, cursor) are skipped.
   * @param {object} query
   * @param {{ bson?: object }} [options]
   */
  filterFromQuery(query, options) {
    if (query !== undefined && query !== null && (typeof query !== 'object' || Array.isArray(query))) {
      fail('ERR_FORBIDDEN_OPERATOR', `query must be an object, got ${Array.isArray(query) ? 'an array' : typeof query}`);
    }
    const out = JSON.parse(this.#handle.filterFromQuery(toJson(query ?? {}, 'query')));
    return revive(out, helpers((options && options.bson) || defaultBson()));
  }

  /**
   * `{ filter, page, limit, sort, fields, cursor }` from an Express `req.query`, ready for
   * `build` / `paginate` (the filter through `filterFromQuery`).
   * @param {object} query
   */
  paramsFromQuery(query) {
    const q = query || {};
    const params = { filter: this.filterFromQuery(q) };
    for (const k of ['page', 'limit', 'sort', 'fields', 'cursor', 'after', 'before', 'fromEnd']) {
      if (Object.prototype.hasOwnProperty.call(q, k)) params[k] = q[k];
    }
    return params;
  }

  /**
   * Pagination metadata: `{ total, limit, currentPage, totalPages, hasNextPage, hasPrevPage,
   * nextPage, prevPage }`.
   * @param {number} total
   * @param {{ page?: number|string, limit?: number|string, cursor?: string }} [params]
   */
  meta(total, params) {
    if (typeof total !== 'number') fail('ERR_INVALID_PAGINATION', `total must be a number, got ${typeof total}`);
    const p = params && typeof params === 'object'
      ? {
        page: params.page, limit: params.limit, cursor: params.cursor, after: params.after, before: params.before, fromEnd: isFromEnd(params.fromEnd) || undefined,
      }
      : params;
    return JSON.parse(this.#handle.meta(total, encodeParams(p)));
  }

  /**
   * A compound index for these parameters by the ESR rule, e.g. `{ client: 1, sale_date: -1, _id: -1 }`.
   * @param {object} [params] as for `build`
   * @returns {Record<string, 1|-1>}
   */
  suggestIndex(params, options) {
    const index = Object.fromEntries(JSON.parse(this.#handle.suggestIndex(encodeParams(params))));
    const collation = options && options.collation;
    if (collation !== undefined) {
      if (!collation || typeof collation !== 'object' || typeof collation.locale !== 'string') {
        fail('ERR_INVALID_PAGINATION', 'suggestIndex: options.collation must be an object with a locale');
      }
      // MongoDB uses an index for string comparisons only under the collation it was built with.
      const strings = Object.keys(index).filter((k) => !NON_STRING.has(this.#types[k]));
      if (strings.length && collation.locale !== 'simple') {
        process.emitWarning(`suggestIndex: the query's collation ${JSON.stringify(collation)} prevents using this index for ${strings.join(', ')} `
          + `unless it is created with the same collation: createIndex(${JSON.stringify(index)}, { collation: ${JSON.stringify(collation)} })`, { code: 'HOTPATH_COLLATION_INDEX' });
      }
    }
    return index;
  }

  /**
   * The cursor token that continues after `doc` under the resolved sort of `params`.
   * @param {object} doc a result document (holding the sort keys)
   * @param {object} [params]
   */
  cursorAfter(doc, params) {
    const { t } = this.#build2({ ...(params || {}), cursor: undefined, page: undefined });
    return this.#encodeFrom(t.sort, doc);
  }

  /** The cursor token continuing after `doc` under `sort`. */
  #encodeFrom(sort, doc) {
    const values = sort.map(([k]) => tagValue(k, getPath(doc, k)));
    return this.#handle.encodeCursor(JSON.stringify(sort), JSON.stringify(values));
  }

  /**
   * Runs one page with `Model.aggregate` (and the count its count mode asks for, in
   * parallel). Fetches limit + 1 documents, so `hasNextPage` (`hasPrevPage` when paging
   * backwards) is exact; in keyset mode the other side is probed with one `$limit: 1` query.
   * @param {{ aggregate(pipeline: object[], options?: object): any, base?: { mongo?: object } }} Model a Mongoose model
   * @param {object} [params] as for `build`, plus `after` / `before` (tokens) and `fromEnd`
   * @param {object} [options] `customLabels` (mongoose-paginate-v2's result shape), `lean`,
   *   `leanWithId`, `collation`, `allowDiskUse`, `read`, `maxTimeMS`, `pagination`, `match`
   *   (see docs/pipeline.md)
   * @returns {Promise<object>} `{ docs, meta, nextCursor, prevCursor }`, or with
   *   `customLabels` mongoose-paginate-v2's shape
   */
  async paginate(Model, params = {}, options = undefined) {
    if (!Model || typeof Model.aggregate !== 'function') {
      fail('ERR_INVALID_SPEC', 'paginate: Model must have an aggregate(pipeline) method (a Mongoose model)');
    }
    const o = paging.checkOptions(options);
    const p = params === null || params === undefined ? {} : params;
    const fromEnd = isFromEnd(p.fromEnd);
    const keyset = fromEnd || KEYSET.some((k) => typeof p[k] === 'string' && p[k] !== '' && k !== 'fromEnd');
    if (!o.pagination && keyset) fail('ERR_INVALID_PAGINATION', 'options.pagination: false cannot be combined with a cursor (after, before, fromEnd)');
    const bson = Model.base && Model.base.mongo && Model.base.mongo.ObjectId ? Model.base.mongo : undefined;
    const built = o.pagination
      ? this.#build2(p, bson, (l) => l + 1)
      : this.#build2({ ...p, page: undefined, limit: undefined }, bson, () => paging.ALL_MAX + 1);
    const { t, result } = built;
    const got = await paging.run(Model, t, result, o);
    let docs = got.docs || [];
    if (!o.pagination && docs.length > paging.ALL_MAX) {
      fail('ERR_INVALID_PAGINATION', `options.pagination: false matched more than ${paging.ALL_MAX} documents; page through them instead`);
    }
    const meta = o.pagination ? this.meta(got.total ?? 0, p) : {
      total: docs.length, limit: docs.length, currentPage: 1, totalPages: 1, hasNextPage: false, hasPrevPage: false, nextPage: null, prevPage: null,
    };
    // The extra document (limit + 1) is the last one, or the first when paging backwards.
    const more = o.pagination && docs.length > built.l;
    if (more) docs = t.backward ? docs.slice(1) : docs.slice(0, built.l);
    const token = (d) => this.#encodeFrom(t.sort, d);
    let hasNext;
    let hasPrev;
    if (!keyset) {
      hasNext = more;
      hasPrev = meta.hasPrevPage;
    } else if (t.backward) {
      hasPrev = more;
      hasNext = fromEnd ? false : await this.#probe(Model, p, bson, o, docs.length ? { after: token(docs[docs.length - 1]) } : { after: p.before });
    } else {
      hasNext = more;
      hasPrev = await this.#probe(Model, p, bson, o, docs.length ? { before: token(docs[0]) } : { before: p.after || p.cursor });
    }
    const nextCursor = hasNext && docs.length ? token(docs[docs.length - 1]) : null;
    const prevCursor = hasPrev && docs.length ? token(docs[0]) : null;
    if (got.total === null && o.pagination) {
      meta.total = null;
      meta.totalPages = null;
    }
    meta.hasNextPage = hasNext;
    meta.hasPrevPage = hasPrev;
    if (!keyset) meta.nextPage = hasNext ? meta.currentPage + 1 : null;
    if ('lowerBound' in got) meta.totalIsLowerBound = got.lowerBound;
    if ('estimate' in got) meta.totalIsEstimate = got.estimate;
    const out = { docs: paging.finish(Model, docs, o), meta, nextCursor, prevCursor };
    return o.labels ? paging.v2Shape(out, o.labels, !o.pagination, !keyset && (p.page === undefined || p.page === null)) : out;
  }

  /** Whether one document lies beyond `at` (`{ after }` / `{ before }`): one `$limit: 1` query. */
  async #probe(Model, params, bson, o, at) {
    const q = { ...params, page: undefined, cursor: undefined, after: undefined, before: undefined, fromEnd: undefined, ...at };
    const { result } = this.#build2(q, bson, () => 1);
    const docs = await paging.aggregate(Model, paging.dataPipeline(result.pipeline), o);
    return Array.isArray(docs) && docs.length > 0;
  }

  /**
   * The private state (lib/internal.js): `handle` (the core's compiled spec: its methods with
   * errors mapped, and `raw`, the binding's object) and `rules` (the page/limit rules).
   * @param {CompiledPipeline} c
   */
  static [INTERNALS](c) {
    return {
      get handle() { return c.#handle; },
      get rules() { return c.#rules; },
    };
  }
}

/**
 * The `pipeline` namespace of one backend's API.
 * @param {typeof CompiledPipeline} Compiled that backend's CompiledPipeline (lib/api.js)
 */
function namespace(Compiled) {
  return {
    /**
     * Validates a spec once (ERR_INVALID_SPEC naming the field) and returns the compiled form.
     * @param {object} spec
     */
    compile(spec) {
      return new Compiled(spec);
    },
    configure,
    CompiledPipeline: Compiled,
  };
}

module.exports = { CompiledPipeline, configure, namespace };
