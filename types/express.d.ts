import type { HotpathError } from '../index';

type Middleware = (req: any, res: any, next: (err?: unknown) => void) => void;

export interface CacheResponsesOptions {
  cache: { get(key: string): any; set(key: string, value: any, options?: { ttl?: number }): any };
  /** ms; also the Cache-Control max-age. Default 60000. */
  ttl?: number;
  key?: (req: any) => string;
  etag?: boolean;
  vary?: string[];
  cacheControl?: string;
}

/** Caches GET 200 JSON responses with a strong ETag; If-None-Match → 304. */
export declare function cacheResponses(options: CacheResponsesOptions): Middleware;

export interface Pagination {
  page: number;
  limit: number;
  skip: number;
  sort: Record<string, 1 | -1> | null;
  fields: Record<string, 1> | null;
}

/** Validates page/limit/sort/fields of req.query into `req.pagination`, or answers 400. */
export declare function paginationParams(options?: {
  maxLimit?: number; defaultLimit?: number; sortable?: string[]; selectable?: string[];
  defaultSort?: Record<string, 1 | -1>; spec?: { build: Function; meta: Function };
}): Middleware;

/** Maps HotpathError to `{ error: { code, message } }` with 4xx/5xx; other errors go on. */
export declare function errorHandler(): (err: unknown, req: any, res: any, next: (err?: unknown) => void) => void;

export declare function errorResponse(err: HotpathError): { status: number; body: { error: { code: string; message: string } } };

export declare const STATUS: Readonly<Record<string, number>>;
