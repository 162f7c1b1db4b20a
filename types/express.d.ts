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

/** Maps HotpathError to `{ error: { code, message } }` with 4xx/5xx; other errors go on. */
export declare function errorHandler(): (err: unknown, req: any, res: any, next: (err?: unknown) => void) => void;

export declare function errorResponse(err: HotpathError): { status: number; body: { error: { code: string; message: string } } };

export declare const STATUS: Readonly<Record<string, number>>;
