import type { HotpathError } from '../index';

type Middleware = (req: any, res: any, next: (err?: unknown) => void) => void;

export interface CacheResponsesOptions {
  cache: { get(key: string): any; set(key: string, value: any, options?: { ttl?: number }): any };
  /** ms; also the Cache-Control max-age. Default 60000. */
  ttl?: number;
  /** Cache key. Default `'http:' + req.originalUrl`. */
  key?: (req: any) => string;
  /** Strong ETag and 304 on If-None-Match. Default true. */
  etag?: boolean;
  /**
   * Request headers that select a different entry (sent as Vary). Naming `Authorization` /
   * `Cookie` caches requests carrying them per value (hashed in the key).
   */
  vary?: string[];
  /** Default `private, max-age=<ttl in s>`. */
  cacheControl?: string;
  /**
   * Let a request's `Cache-Control: no-cache` recompute and refresh the entry (`no-store`:
   * recompute, store nothing), as apicache's option. Default false: a client cannot bypass.
   */
  respectCacheControl?: boolean;
  /**
   * `key(req)` already holds what tells users apart (e.g. `req.user.id`), so requests carrying
   * `Authorization` / `Cookie` are cached under it. Default false: such requests are neither
   * served from nor stored in the cache unless `vary` names those headers.
   */
  keySeparatesUsers?: boolean;
  /** Response statuses that are stored and replayed. Default `[200]`. */
  statuses?: number[];
}

/**
 * Caches GET JSON responses with a strong ETag; If-None-Match → 304. Secure by default: no
 * client bypass, nothing stored for requests with credentials (unless `vary` /
 * `keySeparatesUsers` separates users) or for responses that set cookies or say no-store.
 */
export declare function cacheResponses(options: CacheResponsesOptions): Middleware;

export interface Pagination {
  /** null with a cursor (`?after=` / `?before=`). */
  page: number | null;
  limit: number;
  skip: number;
  /** The `$sort` to run (reversed when `backward`). */
  sort: Record<string, 1 | -1> | null;
  fields: Record<string, 1> | null;
  after: string | null;
  before: string | null;
  /** `?before=`: the sort is reversed; reverse the page you read. */
  backward: boolean;
  /** The cursor's `$match` condition (null in page mode). */
  seek: Record<string, unknown> | null;
  /** The token of a result document, for `?after=` / `?before=`. */
  cursorOf(doc: Record<string, unknown>): string;
}

/** Validates page/limit/sort/fields/after/before of req.query into `req.pagination`, or answers 400. */
export declare function paginationParams(options?: {
  maxLimit?: number; defaultLimit?: number; sortable?: string[]; selectable?: string[];
  defaultSort?: Record<string, 1 | -1>; spec?: { build: Function; meta: Function; cursorAfter: Function };
}): Middleware;

/** Maps HotpathError to `{ error: { code, message } }` with 4xx/5xx; other errors go on. */
export declare function errorHandler(): (err: unknown, req: any, res: any, next: (err?: unknown) => void) => void;

export declare function errorResponse(err: HotpathError): { status: number; body: { error: { code: string; message: string } } };

export declare const STATUS: Readonly<Record<string, number>>;
