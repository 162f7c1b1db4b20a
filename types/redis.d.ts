export interface TieredCacheOptions {
  l1?: { max?: number; maxBytes?: number; ttl?: number } | object;
  redis: any;
  subscriber?: any;
  prefix?: string;
  channel?: string;
  ttl?: number;
  timeout?: number;
}

export interface TieredCacheStats {
  l2Hits: number; l2Misses: number; l2Errors: number; published: number; received: number;
  [field: string]: number;
}

/** L1 Cache + Redis L2 with cross-process invalidation; Redis failures never throw. */
export declare class TieredCache {
  constructor(options: TieredCacheOptions);
  get<V = unknown>(key: string): Promise<V | undefined>;
  set(key: string, value: unknown, options?: { ttl?: number; tags?: string[] }): Promise<this>;
  getOrCompute<V>(key: string, fn: () => V | Promise<V>, options?: { ttl?: number; tags?: string[] }): Promise<V>;
  invalidate(keyOrRegExp: string | RegExp): Promise<number>;
  invalidatePrefix(prefix: string): Promise<number>;
  invalidateGlob(glob: string): Promise<number>;
  invalidateTag(tag: string): Promise<number>;
  stats(): TieredCacheStats;
  close(): Promise<void>;
  readonly ready: Promise<unknown>;
}

export declare function literalPrefix(re: RegExp): string;
export declare function globEscape(s: string): string;
