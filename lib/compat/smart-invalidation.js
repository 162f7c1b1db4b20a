'use strict';
/**
 * Seed facade: `SmartInvalidation` of the original `server/utils/smartInvalidation.js`,
 * with its key scheme and method names. The original built `new RegExp('vagonsales:list:*')`
 * (which matches any key containing "vagonsales:list" — and `balance:USD` also matched
 * `balance:USDT`); here exact keys stay exact and "every list key" is a prefix, which the
 * Rust key index serves in O(log n + matches).
 */
const { applyTargets, escapeRegExp } = require('../integrations/invalidation');
const { internals } = require('../internal');

/** A hotpath object's internals, or null for anything else (a TieredCache's L1 is its own). */
function hotpathInternals(obj) {
  try { return internals(obj); } catch { return null; }
}

class SmartInvalidation {
  /**
   * @param {{ cache: any, logger?: { warn(msg: string): void } }} options a hotpath Cache,
   *   CacheManager or TieredCache
   */
  constructor({ cache, logger = console } = {}) {
    this.cache = cache && cache.cache && typeof cache.cache.invalidatePrefix === 'function' ? cache.cache : cache;
    this.logger = logger;
    // Every write invalidates by prefix: keep a hotpath Cache's key index from now on (as its
    // `patterns: true`), so that the first write does not index the whole cache in one call.
    const ix = hotpathInternals(this.cache);
    if (ix !== null && typeof ix.syncIndex === 'function') ix.syncIndex();
  }

  /** Keys a VagonSale write makes stale. */
  static vagonSaleTargets(sale) {
    return [
      `balance:${sale.sale_currency}`,
      `client:${sale.client}:balance`,
      `vagon:${sale.vagon}:totals`,
      { prefix: 'vagonsales:list:' },
    ];
  }

  /** Keys a Cash write makes stale. */
  static cashTargets(cash) {
    return [`balance:${cash.currency}`, `client:${cash.client}:balance`, { prefix: 'cash:list:' }];
  }

  /** Keys a VagonLot write makes stale (`vagon=<id>` as a whole query parameter). */
  static vagonLotTargets(lot) {
    return [
      `vagon:${lot.vagon}:totals`,
      new RegExp(`^vagonlots:list:.*vagon=${escapeRegExp(lot.vagon)}(?:[&:|]|$)`),
    ];
  }

  /** After a VagonSale is created/updated/deleted. Resolves to `{ removed, failed }`. */
  onVagonSaleChange(sale) {
    return applyTargets(this.cache, SmartInvalidation.vagonSaleTargets(sale), this.logger);
  }

  /** After a Cash document is created/updated/deleted. */
  onCashChange(cash) {
    return applyTargets(this.cache, SmartInvalidation.cashTargets(cash), this.logger);
  }

  /** After a VagonLot is created/updated/deleted. */
  onVagonLotChange(lot) {
    return applyTargets(this.cache, SmartInvalidation.vagonLotTargets(lot), this.logger);
  }
}

module.exports = { SmartInvalidation };
