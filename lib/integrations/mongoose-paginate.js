'use strict';
/**
 * `Model.paginate(filter, options)` with mongoose-paginate-v2's call shape and result, run by
 * a hotpath compiled pipeline (re-exported by hotpath/mongoose). Switching is the plugin line:
 *
 *   schema.plugin(require('mongoose-paginate-v2'));            // before
 *   schema.plugin(require('hotpath/mongoose').paginatePlugin); // after
 *
 * The spec is derived from the schema once per model (every schema path sortable and
 * typed); pass `spec` to the plugin to add lookups, a soft-delete condition, a count mode,
 * a cursor secret. `filter` is server-side code's filter, as with mongoose-paginate-v2 (a
 * `$match` stage, not allow-listed): run client input through `filterFromQuery` first.
 */
const { fail } = require('../errors');

/** Mongoose schema types → spec types (others stay untyped). */
const TYPES = {
  ObjectId: 'objectId', ObjectID: 'objectId', Date: 'date', Number: 'number', String: 'string', Boolean: 'bool', Decimal128: 'decimal',
};
/** mongoose-paginate-v2's default page size. */
const V2_LIMIT = 10;
/** The most a page may hold through the plugin (mongoose-paginate-v2 has no maximum). */
const PLUGIN_MAX_LIMIT = 10_000;
/** mongoose-paginate-v2 options hotpath takes as they are. */
const PASSED = ['customLabels', 'lean', 'leanWithId', 'collation', 'allowDiskUse', 'read', 'pagination'];
/** mongoose-paginate-v2 options with no hotpath equivalent, and what to use instead. */
const REFUSED = {
  populate: 'declare the join in the plugin spec (spec.lookups: $lookup with a projection)',
  offset: 'use page (or after / before cursors)',
  useCustomCountFn: "use count: 'estimated' | 'capped' | 'none' (or spec.count)",
  leanWithVirtuals: 'hydrate with lean: false',
  customFind: 'not needed: pages run as one aggregation',
};

const usable = (p) => p.split('.').every((seg) => seg !== '' && !seg.startsWith('$') && !/^\d+$/.test(seg)
  && !['__proto__', 'constructor', 'prototype', '_bsontype', '__v'].includes(seg));

/** A spec for the model: every schema path sortable, typed by its schema type. */
function specFor(Model, extra) {
  const types = {};
  const sortable = [];
  Model.schema.eachPath((path, type) => {
    if (!usable(path)) return;
    const t = TYPES[type.instance];
    if (t) types[path] = t;
    if (path !== '_id' && t) sortable.push(path);
  });
  return {
    collection: (Model.collection && Model.collection.name) || Model.modelName || 'collection',
    types,
    sortable,
    defaultSort: [['_id', 1]],
    defaultLimit: V2_LIMIT,
    maxLimit: PLUGIN_MAX_LIMIT,
    ...extra,
    ...(extra && extra.sortable ? { sortable: [...new Set([...sortable, ...extra.sortable])] } : {}),
    ...(extra && extra.types ? { types: { ...types, ...extra.types } } : {}),
  };
}

/**
 * The filter cast to the schema as `find` would cast it (an aggregation casts nothing:
 * `{ owner: '64b…' }` must reach `$match` as an ObjectId).
 */
function castFilter(Model, filter) {
  const q = typeof Model.find === 'function' ? Model.find() : null;
  return q && typeof q.cast === 'function' ? q.cast(Model, { ...filter }) : filter;
}

/** A Mongoose `select` / `projection` ('a -b', { a: 1 }) as a `$project` object. */
function projectOf(select) {
  if (select === undefined || select === null || select === '') return undefined;
  if (typeof select === 'string') {
    const out = {};
    for (const f of select.split(/\s+/).filter(Boolean)) {
      if (f.startsWith('-')) out[f.slice(1)] = 0;
      else out[f.replace(/^\+/, '')] = 1;
    }
    return Object.keys(out).length ? out : undefined;
  }
  if (typeof select === 'object' && !Array.isArray(select)) return Object.keys(select).length ? select : undefined;
  return fail('ERR_INVALID_PAGINATION', `options.select must be a string or an object, got ${typeof select}`);
}

/**
 * `Model.paginate(filter, options)` for a schema: the same call and result as
 * mongoose-paginate-v2 (`lean: false` by default: documents hydrated), plus `after` /
 * `before` / `fromEnd` keyset paging with `nextCursor` / `prevCursor` in the result.
 * @param {import('mongoose').Schema} schema
 * @param {{ spec?: object, defaults?: object }} [pluginOptions] `spec`: spec fields to add
 *   or override; `defaults`: options every call starts from (mongoose-paginate-v2's
 *   `paginate.options`)
 */
function paginatePlugin(schema, { spec: extra, defaults = {} } = {}) {
  const compiled = new WeakMap();
  schema.statics.paginate = async function paginate(filter, options) {
    const Model = this;
    let c = compiled.get(Model);
    if (!c) {
      const { pipeline } = require('../..'); // eslint-disable-line global-require
      c = pipeline.compile(specFor(Model, extra));
      compiled.set(Model, c);
    }
    if (filter !== undefined && filter !== null && (typeof filter !== 'object' || Array.isArray(filter))) {
      fail('ERR_INVALID_PAGINATION', `paginate: filter must be an object, got ${Array.isArray(filter) ? 'an array' : typeof filter}`);
    }
    const o = { ...defaults, ...(options || {}) };
    const params = {};
    const opts = { lean: false, leanWithId: true, customLabels: {} };
    for (const k of Object.keys(o)) {
      const v = o[k];
      if (v === undefined) continue;
      if (Object.hasOwn(REFUSED, k)) fail('ERR_INVALID_PAGINATION', `options.${k} is not supported: ${REFUSED[k]}`);
      if (k === 'page' || k === 'limit' || k === 'after' || k === 'before' || k === 'fromEnd') params[k] = v;
      else if (k === 'sort') params.sort = v;
      else if (k === 'select' || k === 'projection') {
        const p = projectOf(v);
        if (p) opts.project = { ...opts.project, ...p };
      } else if (k === 'options') {
        if (v === null || typeof v !== 'object') fail('ERR_INVALID_PAGINATION', 'options.options must be an object');
        if (v.maxTimeMS !== undefined) opts.maxTimeMS = v.maxTimeMS;
      } else if (k === 'useEstimatedCount') {
        if (v === true) opts.count = 'estimated';
      } else if (k === 'forceCountFn') {
        if (v === true) opts.count = 'exact';
      } else if (PASSED.includes(k) || ['maxTimeMS', 'count', 'maxCount'].includes(k)) opts[k] = v;
      else fail('ERR_INVALID_PAGINATION', `options.${k} is not a paginate option`);
    }
    if (filter && Object.keys(filter).length) opts.match = castFilter(Model, filter);
    return c.paginate(Model, params, opts);
  };
}

module.exports = { paginatePlugin, specFor };
