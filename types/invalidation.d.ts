/** What to remove from a cache: a key, a RegExp, or a prefix / Redis glob / tag. */
export type InvalidationTarget = string | RegExp | { prefix: string } | { glob: string } | { tag: string };

/** The part of a hotpath Cache (or TieredCache) that invalidation uses. */
export interface Invalidatable {
  invalidate(keyOrRegExp: string | RegExp): number | Promise<number>;
  invalidatePrefix(prefix: string): number | Promise<number>;
  invalidateGlob(glob: string): number | Promise<number>;
  invalidateTag(tag: string): number | Promise<number>;
}

export interface Logger {
  warn(message: string): void;
}

/** Seed facade: SmartInvalidation of the original design, glob bug fixed. */
export declare class SmartInvalidation {
  constructor(options: { cache: Invalidatable | { cache: Invalidatable }; logger?: Logger });
  onVagonSaleChange(sale: { sale_currency: string; client: unknown; vagon: unknown }): Promise<{ removed: number; failed: number }>;
  onCashChange(cash: { currency: string; client: unknown }): Promise<{ removed: number; failed: number }>;
  onVagonLotChange(lot: { vagon: unknown }): Promise<{ removed: number; failed: number }>;
  static vagonSaleTargets(sale: { sale_currency: string; client: unknown; vagon: unknown }): InvalidationTarget[];
  static cashTargets(cash: { currency: string; client: unknown }): InvalidationTarget[];
  static vagonLotTargets(lot: { vagon: unknown }): InvalidationTarget[];
}
