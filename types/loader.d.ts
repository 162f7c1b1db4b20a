// Types of the batching Loader (DataLoader's API on a bounded hotpath Cache).
import type { Cache } from './cache';

/** A Map-like memo; a hotpath `Cache` is one. */
export interface LoaderCacheMap<C, V> {
  get(key: C): V | void;
  set(key: C, value: V, ...rest: any[]): any;
  delete(key: C): any;
  clear(): any;
}

/**
 * One value per key, in key order: the value, `null`/`undefined` for a missing key, or an
 * `Error` for that key alone (not cached). Called with the loader as `this`.
 */
export type LoaderBatchFn<K, V> = (this: Loader<K, V, any>, keys: K[]) => PromiseLike<ArrayLike<V | Error>> | ArrayLike<V | Error>;

/** Options of {@link Loader}: DataLoader's, plus the memo's bound, TTL, prefix, tags and `key`. */
export interface LoaderOptions<K, V, C = string> {
  /** false: one key per batch (default true). */
  batch?: boolean;
  /** Distinct keys per call of batchFn (default Infinity). */
  maxBatchSize?: number;
  /** When to dispatch a batch (default: after the current promise jobs, as DataLoader). */
  batchScheduleFn?: (dispatch: () => void) => void;
  /** Memo key of a load key (default: its string form; ObjectIds by hex; objects by sorted JSON). */
  cacheKeyFn?: (key: K) => C;
  /** false: no memo; loads still batch and each key is sent once per batch (default true). */
  cache?: boolean;
  /** The memo: a hotpath Cache (shared or own) or any Map-like (default: `new Cache({ max, ttl })`). */
  cacheMap?: LoaderCacheMap<C, Promise<V>> | Cache | null;
  /** Entries of the default memo (default 10 000). */
  max?: number;
  /** ms an entry lives from its load (default memo: 0 = no expiry; a given Cache: per entry). */
  ttl?: number;
  /** Prepended to every memo key: `invalidatePrefix(prefix)` / `clearAll()` reach only this loader. */
  prefix?: string;
  /** Tags of each entry, for `cacheMap.invalidateTag` (hotpath Cache memo only). */
  tags?: (key: K) => string[];
  /** Where each returned value carries its key ('_id' or a function): out-of-order values are rejected. */
  key?: string | ((value: V) => unknown);
  /** A label (DataLoader's `name`). */
  name?: string | null;
}

/**
 * Batches and memoises loads of one kind of thing (DataLoader-compatible): loads in one tick
 * go out as one call of `batchFn`, each key once. A batchFn returning the wrong number of
 * values (or, with `key`, values out of order) rejects the batch with `ERR_INVALID_SPEC`.
 */
export declare class Loader<K, V, C = string> {
  constructor(batchFn: LoaderBatchFn<K, V>, options?: LoaderOptions<K, V, C>);
  /** The value for `key` (null/undefined key: `ERR_INVALID_KEY`). */
  load(key: K): Promise<V>;
  /** Values or Error instances, one per key; never rejects. */
  loadMany(keys: ArrayLike<K>): Promise<Array<V | Error>>;
  /** Adds key → value unless present (an Error is stored as a rejection). */
  prime(key: K, value: V | PromiseLike<V> | Error): this;
  /** Removes one key from the memo. */
  clear(key: K): this;
  /** Removes this loader's entries (only `prefix`'s entries of a shared Cache). */
  clearAll(): this;
  /** The memo, or null with `cache: false`. */
  readonly cacheMap: LoaderCacheMap<C, Promise<V>> | Cache | null;
  name: string | null;
}
