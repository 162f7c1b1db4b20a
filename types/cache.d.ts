// Types of the `cache` hot path: Cache and the seed facade CacheManager.

/** Options of {@link Cache}. */
export interface CacheOptions {
  /**
   * Maximum number of entries (default 10 000; at most 1 073 741 822 with `policy: 'tinylfu'`).
   * The policy decides which entry is evicted.
   */
  max?: number;
  /**
   * Eviction policy: `'lru'` (default) evicts the least recently used entry; `'tinylfu'` is
   * W-TinyLFU (Caffeine's: a small LRU window, then admission by a frequency sketch into a
   * segmented LRU), which resists scans and keeps frequently read keys. With `'tinylfu'`,
   * `keys()` and `dump()` follow the write order (reads do not reorder them).
   */
  policy?: 'lru' | 'tinylfu';
  /**
   * Keep the key index that pattern invalidation (`invalidate(RegExp)`, `invalidatePrefix`,
   * `invalidateGlob`) reads current from the start (default false). Without it a cache pays
   * nothing for patterns until the first pattern call, which then indexes every key in that
   * one call (docs/cache.md has the measured time at 1M keys); with it no call stalls.
   * `CacheManager` turns it on; `SmartInvalidation` turns it on for the cache it is given.
   */
  patterns?: boolean;
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
  /**
   * Refresh-ahead: a getOrCompute hit on an entry with at most this many ms left returns the
   * value and refreshes it once in the background (default 0 = off).
   */
  refreshThreshold?: number;
  /** The clock in ms (default Date.now). */
  now?: () => number;
  /** Called when a value leaves the cache. A hook that throws is counted in `stats().hookErrors`. */
  dispose?: (value: any, key: string, reason: DisposeReason) => void;
  /** Called when a value is stored: new key, same value again, or a different value. */
  onInsert?: (value: any, key: string, reason: 'add' | 'update' | 'replace') => void;
}

/**
 * Why a value left: `evict` (max / maxBytes), `expire` (read or matched after its TTL),
 * `delete`, `set` (overwritten by another value, or a value too large for maxBytes),
 * `invalidate` (invalidate*), `clear`.
 */
export type DisposeReason = 'evict' | 'expire' | 'delete' | 'set' | 'invalidate' | 'clear';

/** The part of an AbortSignal hotpath uses (for environments whose types lack the DOM's). */
export interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason?: any;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** The environment's `AbortSignal` (DOM lib or @types/node), else {@link AbortSignalLike}. */
export type AbortSignalOf = typeof globalThis extends { AbortSignal: { prototype: infer S } } ? S : AbortSignalLike;

/** Options of {@link Cache.getOrCompute}: the entry's, plus what bounds the computation. */
export interface GetOrComputeOptions extends CacheSetOptions {
  /** Aborting it rejects this call with its reason (or serves the stale value). */
  signal?: AbortSignalOf;
  /** ms after which this call rejects with a `TimeoutError` DOMException (or serves stale); 0 = none. */
  timeout?: number;
  /** On timeout, abort or rejection, resolve to the expired value being replaced, if any. */
  staleOnError?: boolean;
  /** Refresh-ahead threshold for this call (default: the cache's). */
  refreshThreshold?: number;
}

/** What `fn` of {@link Cache.getOrCompute} gets besides the key. */
export interface ComputeContext<T> {
  /** Aborts when every caller waiting on this computation gave up (signal or timeout). */
  signal: AbortSignalOf;
  /** The expired (or, when refreshing ahead, current) value being replaced, if any. */
  stale: T | undefined;
}

/** {@link Cache.info}: the entry as lru-cache's `info` shows it. */
export interface CacheEntryInfo<V> {
  value: V;
  /** ms left (only with a TTL). */
  ttl?: number;
  /** The clock's now when asked (only with a TTL). */
  start?: number;
  tags?: string[];
}

/** One entry of {@link Cache.dump}: `[key, { value, ttl (ms left, 0 = none), tags? }]`. */
export type CacheDumpEntry<V = any> = [string, { value: V; ttl?: number; tags?: string[] }];

/** One entry of `mset`, cache-manager's shape. */
export interface CacheMsetEntry<V = any> {
  key: string;
  value: V;
  /** ms (0 = none; default: the cache's `ttl`). */
  ttl?: number;
  tags?: string[];
}

/** Options of {@link Cache.memo}. */
export interface MemoOptions<A extends any[]> extends Omit<GetOrComputeOptions, 'tags' | 'signal'> {
  /** The cache key of a call (default: a namespace of this memo + the arguments as JSON). */
  key?: (...args: A) => string;
  tags?: string[] | ((...args: A) => string[]);
}

/** A memoised function; `keyOf(...args)` is the cache key a call uses. */
export type Memoized<A extends any[], R> = ((...args: A) => Promise<Awaited<R>>) & { keyOf(...args: A): string };

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
  /** Calls of `dispose` / `onInsert` that threw. */
  hookErrors: number;
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
   * The cached value or `fn(key, { signal, stale })`'s result (stored). Concurrent misses
   * share one call; a rejection rejects every waiter and stores nothing; a key set, deleted or
   * invalidated while `fn` runs does not get the result written. `signal` / `timeout` bound
   * this call; `staleOnError` serves the expired value instead of failing.
   */
  getOrCompute<T extends V>(key: string, fn: (key: string, context: ComputeContext<T>) => T | Promise<T>, options?: GetOrComputeOptions): Promise<T>;
  /** `fn` cached per arguments, single-flight per key. */
  memo<A extends any[], R extends V | Promise<V>>(fn: (...args: A) => R, options?: MemoOptions<A>): Memoized<A, R>;
  /** A live entry's value without changing recency or stats. */
  peek(key: string): V | undefined;
  /** ms left; 0 when missing or expired, Infinity without a TTL. */
  getRemainingTTL(key: string): number;
  /** A live entry's value, ms left, now and tags, or undefined. */
  info(key: string): CacheEntryInfo<V> | undefined;
  /** The live entries, least recently used first, with ms left and tags (JSON-serialisable values stay so). */
  dump(): CacheDumpEntry<V>[];
  /** Stores dumped entries (checked first: bad input throws `ERR_INVALID_KEY`, loads nothing). */
  load(entries: CacheDumpEntry<V>[]): this;
  /** `get` for each key. */
  mget(keys: string[]): (V | undefined)[];
  /** `set` for each entry (all checked first). */
  mset(entries: CacheMsetEntry<V>[]): this;
}

/** Options of {@link CacheManager}. */
export interface CacheManagerOptions {
  /** Default TTL in seconds (default 60; 0 also means 60, as the original). */
  defaultTTL?: number;
  /** Refresh-ahead threshold in seconds for getOrCompute (default 0 = off). */
  refreshThreshold?: number;
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
  /** `refreshThreshold` in seconds, as cache-manager's `wrap(key, fn, ttl, refreshThreshold)`. */
  getOrCompute<T>(key: string, computeFn: () => T | Promise<T>, ttlSeconds?: number, refreshThreshold?: number): Promise<T>;
  /** The values in order, null where missing. */
  mget<T = any>(keys: string[]): Promise<(T | null)[]>;
  /** Stores each `{ key, value, ttl? }` (ttl in seconds); resolves the list. */
  mset<L extends { key: string; value: any; ttl?: number }[]>(list: L): Promise<L>;
  stats(): CacheStats;
}
