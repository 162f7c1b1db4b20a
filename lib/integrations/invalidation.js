'use strict';
/**
 * Invalidation targets, shared by the Mongoose plugin and the SmartInvalidation facade.
 * A target is a key (string), a RegExp, or `{ prefix }`, `{ glob }`, `{ tag }`; it is
 * applied to a hotpath Cache or TieredCache (sync or async methods both work).
 */
const { HotpathError } = require('../errors');

/**
 * Applies one target to `cache`; resolves to the number removed.
 * @param {any} cache
 * @param {string | RegExp | { prefix: string } | { glob: string } | { tag: string }} target
 */
async function applyTarget(cache, target) {
  if (typeof target === 'string' || target instanceof RegExp) return cache.invalidate(target);
  if (target && typeof target === 'object') {
    if (typeof target.prefix === 'string') return cache.invalidatePrefix(target.prefix);
    if (typeof target.glob === 'string') return cache.invalidateGlob(target.glob);
    if (typeof target.tag === 'string') return cache.invalidateTag(target.tag);
  }
  throw new HotpathError('ERR_INVALID_KEY', `invalidation target must be a key, RegExp, { prefix }, { glob } or { tag }, got ${JSON.stringify(target)}`);
}

/**
 * Applies every target; a failing one is logged and skipped, never thrown (an
 * invalidation failure never fails the write).
 * @returns {Promise<{ removed: number, failed: number }>}
 */
async function applyTargets(cache, targets, logger = console) {
  let removed = 0;
  let failed = 0;
  for (const target of targets || []) {
    try {
      removed += Number(await applyTarget(cache, target)) || 0;
    } catch (err) {
      failed += 1;
      logger.warn?.(`hotpath: cache invalidation of ${String(target && (target.source ?? JSON.stringify(target)))} failed: ${err && err.message}`);
    }
  }
  return { removed, failed };
}

/** Escapes a string for use inside a RegExp. */
const escapeRegExp = (s) => String(s).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

module.exports = { applyTarget, applyTargets, escapeRegExp };
