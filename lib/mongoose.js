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
 * A failing invalidation or schedule is logged and never fails the write (seed Property 23).
 */
const { applyTargets } = require('./invalidation');
const { SmartInvalidation } = require('./smart-invalidation');

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

module.exports = { hotpathPlugin, convertBeforeSave, SmartInvalidation };
