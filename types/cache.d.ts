// Types of the `cache` hot path: Cache and the seed facade CacheManager.

/** Options of {@link Cache}. */
export interface CacheOptions {
  /** Maximum number of entries (default 10 000); the least recently used is evicted. */
  max?: number;
  /** Bound on the sum of `sizeOf(value, key)` over all entries (default: none). */
  maxBytes?: number;
  /** Default time to live in ms; 0 = no expiry (default 0). */
  ttl?: number;
  /**
   * Size estimate used with `maxBytes`. Default: 2 bytes per UTF-16 unit of the key, plus
   * 2 per unit for string values, 8 for numbers/booleans/null/undefined/bigints/symbols,
   * `byteLength` for ArrayBuffers and views, 2 per character of JSON for other values.
   */
  sizeOf?: (value: any, key: string) => number;
  /** ms after expiry during which getOrCompute serves the stale value and refreshes once. */
  staleWhileRevalidate?: number;
  /** The clock in ms (default Date.now). */
  now?: () => number;
}

/** Options of {@link Cache.set} and {@link Cache.getOrCompute}. */
export interface CacheSetOptions {
  /** Time to live in ms (0 = none; default: the cache's `ttl`). */
  ttl?: number;
  /** Tags for {@link Cache.invalidateTag}. */
  tags?: string[];
}

/** Counters since the cache was created. */
export interface CacheStats {
  hits: number;
  misses: number;
  sets: number;
  /** Entries removed by `delete()`. */
  deletes: number;
  /** Entries removed to respect `max` / `maxBytes`. */
  evictions: number;
  /** Expired entries removed when read. */
  expirations: number;
  /** Entries removed by `invalidate*`. */
  invalidated: number;
  size: number;
  /** hits / (hits + misses), 0 before any lookup. */
  hitRate: number;
}

/**
 * In-process LRU cache with TTL, byte bound, exact/RegExp/prefix/glob/tag invalidation and
 * single-flight `getOrCompute`. Keys are strings (`ERR_INVALID_KEY` otherwise); values are
 * held by reference.
 */
export declare class Cache<V = any> {
  constructor(options?: CacheOptions);
  /** Live entries. */
  readonly size: number;
  /** The value, or undefined (expired counts as a miss); marks it most recently used. */
  get(key: string): V | undefined;
  /** Whether a live entry exists (no recency or stats change). */
  has(key: string): boolean;
  /** Stores a value; evicts beyond `max` / `maxBytes`. */
  set(key: string, value: V, options?: CacheSetOptions): this;
  /** Removes a key; true when it was there. */
  delete(key: string): boolean;
  /** Removes everything. */
  clear(): void;
  /** Live keys, most recently used first. */
  keys(): IterableIterator<string>;
  stats(): CacheStats;
  /**
   * Exact key, or every key a RegExp matches with JS semantics (flags i m s u); throws
   * `ERR_PATTERN_UNSUPPORTED` (changing nothing) for lookaround, backreferences and other
   * constructs the linear-time engine cannot run exactly. Returns the number removed.
   */
  invalidate(keyOrPattern: string | RegExp): number;
  /** Every key starting with `prefix`; returns the number removed. */
  invalidatePrefix(prefix: string): number;
  /** Redis MATCH glob (`*`, `?`, `[abc]`, `[^a]`, `[a-z]`, `\x`); returns the number removed. */
  invalidateGlob(glob: string): number;
  /** Every entry set with `tag`; returns the number removed. */
  invalidateTag(tag: string): number;
  /**
   * The cached value or `fn()`'s result (stored). Concurrent misses share one call; a
   * rejection rejects every waiter and stores nothing; a key invalidated while `fn` runs
   * does not get the result written.
   */
  getOrCompute<T extends V>(key: string, fn: (key: string) => T | Promise<T>, options?: CacheSetOptions): Promise<T>;
}

/** Options of {@link CacheManager}. */
export interface CacheManagerOptions {
  /** Default TTL in seconds (default 60; 0 also means 60, as the original). */
  defaultTTL?: number;
  max?: number;
  maxBytes?: number;
  now?: () => number;
}

/** The original design's `server/utils/cacheManager.js` interface (TTLs in seconds). */
export declare class CacheManager {
  constructor(options?: CacheManagerOptions);
  readonly defaultTTL: number;
  /** The underlying cache. */
  readonly cache: Cache;
  /** The value or null. */
  get<T = any>(key: string): Promise<T | null>;
  set(key: string, value: any, ttlSeconds?: number): Promise<void>;
  /** Resolves the number of entries removed. */
  invalidate(keyOrPattern: string | RegExp): Promise<number>;
  getOrCompute<T>(key: string, computeFn: () => T | Promise<T>, ttlSeconds?: number): Promise<T>;
  stats(): CacheStats;
}
