export interface TieredCacheOptions {
  l1?: { max?: number; maxBytes?: number; ttl?: number } | object;
  redis: any;
  subscriber?: any;
  prefix?: string;
  channel?: string;
  ttl?: number;
  timeout?: number;
  /** A circuit breaker on Redis calls: true = 5 consecutive failures, 30 000 ms open (default: none). */
  breaker?: boolean | BreakerOptions;
  /** Load L1 from L2 at start (`warm()`'s options; true = its defaults); `ready` resolves after. */
  warm?: boolean | WarmOptions;
  /** Refresh-ahead for getOrCompute: ms before expiry within which a hit refreshes once in the background (default 0 = off). */
  refreshThreshold?: number;
}

/** Options of {@link TieredCache.warm}. */
export interface WarmOptions {
  /** Most entries to load (default 10 000). */
  limit?: number;
  /** Keys per SCAN COUNT and per MGET round trip (default 500). */
  batch?: number;
}

/** Options of the circuit breaker. */
export interface BreakerOptions {
  /** Consecutive failures (errors or timeouts) that open it (default 5). */
  failures?: number;
  /** ms it stays open before one probe call (default 30 000). */
  resetAfter?: number;
  /** The clock in ms (default Date.now). */
  now?: () => number;
}

export type BreakerState = 'closed' | 'open' | 'half-open';

/** The breaker's state, the current run of failures, times each state was entered, calls refused. */
export interface BreakerStats {
  state: BreakerState;
  consecutiveFailures: number;
  opened: number;
  halfOpened: number;
  closed: number;
  shortCircuited: number;
}

export interface TieredCacheStats {
  hits: number; misses: number; sets: number; deletes: number; evictions: number; expirations: number;
  invalidated: number; size: number; hitRate: number;
  l2Hits: number; l2Misses: number; l2Errors: number;
  /** L2 calls that ended by the timeout. */
  l2Timeouts: number;
  published: number; received: number;
  /** Present with a breaker. */
  breaker?: BreakerStats;
}

/** L1 Cache + Redis L2 with cross-process invalidation; Redis failures never throw. */
export declare class TieredCache {
  constructor(options: TieredCacheOptions);
  get<V = unknown>(key: string): Promise<V | undefined>;
  set(key: string, value: unknown, options?: { ttl?: number; tags?: string[] }): Promise<this>;
  /**
   * L1 → Redis → `fn`, single-flight per key. The result is not stored when an invalidation of
   * its key or tags arrived while `fn` ran. `refreshThreshold` (ms, default the cache's): a hit
   * with at most that much TTL left refreshes once in the background (`stale`: the current value).
   */
  getOrCompute<V>(key: string, fn: (key: string, context: { stale: V | undefined }) => V | Promise<V>,
    options?: { ttl?: number; tags?: string[]; refreshThreshold?: number }): Promise<V>;
  /** L1, then the L1 misses in one Redis round trip; undefined where missing. */
  mget<V = unknown>(keys: string[]): Promise<(V | undefined)[]>;
  /** Both tiers; L2 in one round trip. ttl in ms. */
  mset(entries: { key: string; value: unknown; ttl?: number; tags?: string[] }[]): Promise<this>;
  /** Loads L1 from L2 (SCAN with a bound, MGET in batches, tags); resolves the number loaded. */
  warm(options?: WarmOptions): Promise<number>;
  invalidate(keyOrRegExp: string | RegExp): Promise<number>;
  invalidatePrefix(prefix: string): Promise<number>;
  invalidateGlob(glob: string): Promise<number>;
  invalidateTag(tag: string): Promise<number>;
  stats(): TieredCacheStats;
  /** The circuit breaker, or null without one. */
  readonly breaker: { readonly state: BreakerState; stats(): BreakerStats } | null;
  close(): Promise<void>;
  readonly ready: Promise<unknown>;
}

export declare function literalPrefix(re: RegExp): string;
export declare function globEscape(s: string): string;
