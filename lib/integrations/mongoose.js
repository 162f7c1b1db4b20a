'use strict';
/**
 * hotpath/mongoose — a schema plugin that invalidates cache entries and schedules debounced
 * recomputations after writes, plus a pre-save currency conversion helper.
 *
 *   schema.plugin(hotpathPlugin, {
 *     cache,                                   // hotpath Cache or TieredCache
 *     invalidate: (doc, op) => [`balance:${doc.currency}`, { prefix: 'cash:list:' }],
 *     debounce: { debouncer, key: (doc) => doc.vagon },
 *     logger,                                  // default console; gets .warn(message)
 *   });
 *
 * Hooks and what `invalidate` / `debounce.key` receive:
 * - `save` (document), `deleteOne` on a document → the document; op 'save' / 'deleteOne'
 * - `insertMany` → called once per inserted document; op 'insertMany'
 * - `findOneAndUpdate`, `findOneAndDelete` → the returned document (or the query filter when
 *   nothing matched); op is the hook name
 * - `updateOne`, `updateMany`, `deleteOne`, `deleteMany` (query) → the query filter merged
 *   with the update's `$set` fields (what the write is known to touch); op is the hook name.
 *   `updateMany` with a filter that names no key can only be answered by broad targets:
 *   return a prefix or tag for such cases.
 * A failing invalidation or schedule is logged and never fails the write.
 */
const { applyTargets } = require('./invalidation');
const { SmartInvalidation } = require('../compat/smart-invalidation');
const { defaultCacheKey, readPath } = require('../batch-loader');
const { fail } = require('../errors');
const { paginatePlugin } = require('./mongoose-paginate');

const QUERY_OPS = ['updateOne', 'updateMany', 'deleteOne', 'deleteMany'];
const RETURNING_OPS = ['findOneAndUpdate', 'findOneAndDelete'];

function queryView(query) {
  const filter = typeof query.getFilter === 'function' ? query.getFilter() : {};
  const update = typeof query.getUpdate === 'function' ? query.getUpdate() : null;
  return { ...filter, ...(update && update.$set ? update.$set : {}) };
}

/**
 * The Mongoose plugin.
 * @param {import('mongoose').Schema} schema
 * @param {{ cache?: any, invalidate?: (doc: any, op: string) => any[], debounce?: { debouncer: { schedule(key: any, payload?: any): any }, key: (doc: any) => any }, logger?: { warn(msg: string): void } }} options
 */
function hotpathPlugin(schema, { cache, invalidate, debounce, logger = console } = {}) {
  async function after(doc, op) {
    if (!doc) return;
    clearLoaders(schema, doc, logger);
    if (cache && invalidate) {
      let targets = [];
      try {
        targets = invalidate(doc, op) || [];
      } catch (err) {
        logger.warn?.(`hotpath: invalidate(doc, '${op}') threw: ${err && err.message}`);
      }
      await applyTargets(cache, targets, logger);
    }
    if (debounce && debounce.debouncer) {
      try {
        const key = debounce.key(doc);
        if (key !== undefined && key !== null) {
          const scheduled = debounce.debouncer.schedule(key, doc);
          if (scheduled && typeof scheduled.catch === 'function') {
            scheduled.catch((err) => logger.warn?.(`hotpath: debounced schedule failed: ${err && err.message}`));
          }
        }
      } catch (err) {
        logger.warn?.(`hotpath: debounced schedule after '${op}' failed: ${err && err.message}`);
      }
    }
  }

  schema.post('save', async function hotpathAfterSave(doc) { await after(doc, 'save'); });
  schema.post('deleteOne', { document: true, query: false }, async function hotpathAfterDocDelete(doc) {
    await after(doc, 'deleteOne');
  });
  schema.post('insertMany', async function hotpathAfterInsertMany(docs) {
    for (const doc of [].concat(docs || [])) await after(doc, 'insertMany');
  });
  for (const op of QUERY_OPS) {
    schema.post(op, { document: false, query: true }, async function hotpathAfterQuery() {
      await after(queryView(this), op);
    });
  }
  for (const op of RETURNING_OPS) {
    schema.post(op, async function hotpathAfterReturning(doc) {
      await after(doc || queryView(this), op);
    });
  }
}

// loaderFor's loaders by schema, held weakly (per-request loaders must not pile up here).
const loadersBySchema = new WeakMap();

/** The key values a write touched, or null when they are unknown (clear everything). */
function touchedKeys(value) {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object' || typeof value.toHexString === 'function') return [value];
  if (Array.isArray(value.$in)) return value.$in;
  if (Object.prototype.hasOwnProperty.call(value, '$eq')) return touchedKeys(value.$eq);
  return null;
}

/**
 * After a write: each loaderFor loader of the schema forgets what the write touched. Keyed by
 * `_id`, that is the document's `_id` (or the ids in the filter); keyed by another field,
 * whose old value a write does not tell, every entry of the loader.
 */
function clearLoaders(schema, doc, logger) {
  const entries = loadersBySchema.get(schema);
  if (entries === undefined) return;
  for (const entry of entries) {
    const loader = entry.ref.deref();
    if (loader === undefined) { entries.delete(entry); continue; }
    try {
      const keys = entry.key === '_id' ? touchedKeys(readPath(doc, '_id')) : null;
      if (keys === null) loader.clearAll();
      else for (const k of keys) loader.clear(k);
    } catch (err) {
      logger.warn?.(`hotpath: clearing loader ${loader.name} after a write failed: ${err && err.message}`);
    }
  }
}

/** Adds `key` to a Mongoose projection (string or object) when it selects fields by inclusion. */
function withKey(select, key) {
  if (select === undefined || select === null) return undefined;
  if (typeof select === 'string') {
    const fields = select.split(/\s+/).filter(Boolean);
    if (fields.includes(`-${key}`)) fail('ERR_INVALID_SPEC', `loaderFor: select must not exclude the key field ${JSON.stringify(key)}`);
    const inclusive = fields.some((f) => !f.startsWith('-') && !f.startsWith('+'));
    return inclusive && !fields.includes(key) ? [...fields, key].join(' ') : fields.join(' ');
  }
  if (typeof select === 'object' && !Array.isArray(select)) {
    const values = Object.values(select);
    if (key in select && !select[key]) fail('ERR_INVALID_SPEC', `loaderFor: select must not exclude the key field ${JSON.stringify(key)}`);
    const inclusive = values.some((v) => v === 1 || v === true);
    return inclusive ? { ...select, [key]: 1 } : select;
  }
  return fail('ERR_INVALID_SPEC', `loaderFor: select must be a string or an object, got ${JSON.stringify(select)}`);
}

/**
 * A `Loader` that batches `Model.find({ [key]: { $in: keys } }, select, { lean })`: loads in
 * one tick are one query; results come back in key order, `null` for a missing key.
 * `hotpathPlugin` on the model's schema clears its entries when a document is written.
 * Other options (`max`, `ttl`, `maxBatchSize`, `cache`, `cacheMap`, `prefix`, `tags`, …)
 * go to the Loader.
 * @param {any} Model a Mongoose model (anything with `find(filter, projection, options)` and `schema`)
 * @param {{ select?: string | Record<string, any>, lean?: boolean, key?: string } & Record<string, any>} [options]
 */
function loaderFor(Model, { select, lean = true, key = '_id', ...options } = {}) {
  if (!Model || typeof Model.find !== 'function') fail('ERR_INVALID_SPEC', 'loaderFor: Model must be a Mongoose model (it has no find())');
  if (typeof key !== 'string' || key === '' || key.startsWith('$')) fail('ERR_INVALID_SPEC', `loaderFor: key must be a field name, got ${JSON.stringify(key)}`);
  const projection = withKey(select, key);
  const keyOf = options.cacheKeyFn || defaultCacheKey;
  const { Loader } = require('../..');
  const loader = new Loader(async (keys) => {
    const docs = await Model.find({ [key]: { $in: keys } }, projection, { lean });
    const byKey = new Map();
    for (const doc of docs) {
      const k = readPath(doc, key);
      if (k === undefined || k === null) continue;
      const ck = keyOf(k);
      if (!byKey.has(ck)) byKey.set(ck, doc);
    }
    return keys.map((k) => byKey.get(keyOf(k)) ?? null);
  }, { name: `${Model.modelName || 'Model'}.${key}`, ...options });
  if (Model.schema) {
    let entries = loadersBySchema.get(Model.schema);
    if (entries === undefined) loadersBySchema.set(Model.schema, (entries = new Set()));
    entries.add({ ref: new WeakRef(loader), key });
  }
  return loader;
}

/**
 * A pre-save hook converting an amount to a base currency with `Rates`, the original
 * VagonLot hook: `schema.pre('save', convertBeforeSave({ rates, amount: 'total_investment',
 * from: 'purchase_currency', to: 'USD', target: 'base_currency_total_investment' }))`.
 * A conversion slower than `timeoutMs` or failing never blocks the save: the target gets
 * the unconverted amount (the original's fallback) and `doc.$locals.hotpathConversion`
 * says why.
 * @param {{ rates: { convert(amount: any, from: string, to: string): Promise<{ amount: number, source?: string }> }, amount: string, from: string, to: string, target: string, timeoutMs?: number, logger?: { warn(msg: string): void } }} options
 */
function convertBeforeSave({ rates, amount, from, to, target, timeoutMs = 200, logger = console }) {
  return async function hotpathConvertBeforeSave() {
    const value = this.get ? this.get(amount) : this[amount];
    const currency = this.get ? this.get(from) : this[from];
    const set = (v) => (this.set ? this.set(target, v) : (this[target] = v));
    if (this.$locals === undefined) this.$locals = {};
    let timer;
    try {
      const timeout = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`conversion took longer than ${timeoutMs} ms`)), timeoutMs);
      });
      const result = await Promise.race([rates.convert(value, currency, to), timeout]);
      set(result.amount);
      this.$locals.hotpathConversion = { source: result.source || 'rates' };
    } catch (err) {
      set(value);
      this.$locals.hotpathConversion = { source: 'unconverted', reason: err && err.message };
      logger.warn?.(`hotpath: ${currency}→${to} conversion fell back to the unconverted amount: ${err && err.message}`);
    } finally {
      clearTimeout(timer);
    }
  };
}

module.exports = {
  hotpathPlugin, paginatePlugin, convertBeforeSave, loaderFor, SmartInvalidation,
};
