'use strict';
/**
 * hotpath/express — response caching with strong ETags, pagination parameters, and an error
 * handler for HotpathError. Express is an optional peer dependency (nothing here requires it).
 */
const crypto = require('node:crypto');
const { HotpathError } = require('../errors');

/** HTTP status for each HotpathError code raised by bad client input (others: 500). */
const STATUS = Object.freeze({
  ERR_INVALID_PAGINATION: 400,
  ERR_FORBIDDEN_OPERATOR: 400,
  ERR_INVALID_CURSOR: 400,
  ERR_PATTERN_UNSUPPORTED: 400,
  ERR_INVALID_KEY: 400,
  ERR_INVALID_AMOUNT: 400,
  ERR_UNKNOWN_CURRENCY: 400,
  ERR_OVERFLOW: 422,
  ERR_CLOSED: 503,
});

/** `{ status, body }` for a HotpathError: 4xx for bad input, 500 otherwise. */
function errorResponse(err) {
  const status = STATUS[err.code] || 500;
  return { status, body: { error: { code: err.code, message: err.message } } };
}

/**
 * Express error middleware: a HotpathError becomes `status` + `{ error: { code, message } }`;
 * anything else goes to the next error handler.
 */
function errorHandler() {
  return function hotpathErrorHandler(err, req, res, next) {
    if (!(err instanceof HotpathError)) return next(err);
    const { status, body } = errorResponse(err);
    return res.status(status).json(body);
  };
}

function strongEtag(body) {
  const hash = crypto.createHash('sha1').update(body).digest('base64url');
  return `"${Buffer.byteLength(body).toString(16)}-${hash}"`;
}

function matches(ifNoneMatch, etag) {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((t) => {
    const tag = t.trim();
    return tag === '*' || tag === etag || tag === `W/${etag}`;
  });
}

/** Request headers that identify a user: a request carrying one is cached only per user. */
const CREDENTIALS = ['authorization', 'cookie'];
/** Header values that go into a cache key hashed (a key may end up in Redis or in logs). */
const digest = (v) => crypto.createHash('sha256').update(v).digest('base64url').slice(0, 22);

/**
 * Caches GET JSON responses in a hotpath Cache (or anything with get/set), secure by default
 * (as apicache / shared HTTP caches behave): a client cannot make the server recompute, one
 * user's response is never served to another, and only the statuses allowed are stored.
 * @param {object} options
 * @param {{ get(key: string): any, set(key: string, value: any, opts?: { ttl?: number }): any }} options.cache
 * @param {number} [options.ttl=60000] ms an entry lives (also the Cache-Control max-age)
 * @param {(req: any) => string} [options.key] cache key; default `'http:' + req.originalUrl`
 * @param {boolean} [options.etag=true] send a strong ETag and answer If-None-Match with 304
 * @param {string[]} [options.vary] request headers that select a different entry (sent as
 *   Vary). Naming `Authorization` / `Cookie` here caches requests carrying them per value
 *   (hashed in the key).
 * @param {string} [options.cacheControl] default `private, max-age=<ttl in s>`
 * @param {boolean} [options.respectCacheControl=false] let a request's `Cache-Control:
 *   no-cache` / `no-store` bypass the cache and recompute (apicache's option; off: any client
 *   could otherwise force the work, and browsers send it on every reload)
 * @param {boolean} [options.keySeparatesUsers=false] `key(req)` already holds what tells users
 *   apart (e.g. `req.user.id`): requests carrying `Authorization` / `Cookie` are cached under it
 * @param {number[]} [options.statuses=[200]] response statuses that are stored (and replayed)
 */
function cacheResponses({
  cache, ttl = 60_000, key, etag = true, vary = [], cacheControl,
  respectCacheControl = false, keySeparatesUsers = false, statuses = [200],
} = {}) {
  if (!cache || typeof cache.get !== 'function' || typeof cache.set !== 'function') {
    throw new HotpathError('ERR_INVALID_SPEC', 'cacheResponses: cache must have get(key) and set(key, value, { ttl })');
  }
  if (!Array.isArray(vary) || !vary.every((h) => typeof h === 'string' && h !== '')) {
    throw new HotpathError('ERR_INVALID_SPEC', 'cacheResponses: vary must be an array of header names');
  }
  if (!Array.isArray(statuses) || !statuses.every((c) => Number.isInteger(c) && c >= 100 && c <= 599)) {
    throw new HotpathError('ERR_INVALID_SPEC', `cacheResponses: statuses must be an array of HTTP status codes, got ${JSON.stringify(statuses)}`);
  }
  if (keySeparatesUsers && typeof key !== 'function') {
    throw new HotpathError('ERR_INVALID_SPEC', 'cacheResponses: keySeparatesUsers needs a key(req) function that includes the user');
  }
  const control = cacheControl ?? `private, max-age=${Math.floor(ttl / 1000)}`;
  const varyHeader = vary.length ? vary.join(', ') : null;
  const varied = new Set(vary.map((h) => h.toLowerCase()));
  const storable = new Set(statuses);
  const keyOf = (req) => {
    const base = key ? key(req) : `http:${req.originalUrl}`;
    if (!vary.length) return base;
    const parts = vary.map((h) => {
      const v = req.get(h) ?? '';
      return `${h}=${CREDENTIALS.includes(h.toLowerCase()) && v !== '' ? digest(v) : v}`;
    });
    return `${base}|${parts.join('|')}`;
  };
  /** A request carrying credentials the key does not separate: neither served nor stored. */
  const anonymousOnly = (req) => !keySeparatesUsers
    && CREDENTIALS.some((h) => req.get(h) !== undefined && !varied.has(h));
  const send = (req, res, entry) => {
    res.set('Cache-Control', control);
    if (varyHeader) res.vary(varyHeader);
    if (etag) {
      res.set('ETag', entry.etag);
      if (matches(req.get('If-None-Match'), entry.etag)) return res.status(304).end();
    }
    return res.status(entry.status).type('application/json').send(entry.body);
  };

  return function hotpathCacheResponses(req, res, next) {
    if (req.method !== 'GET') return next();
    // With respectCacheControl, `no-cache` recomputes and refreshes the entry (as apicache);
    // `no-store` recomputes and stores nothing.
    const asked = respectCacheControl ? (req.get('Cache-Control') || '') : '';
    if (anonymousOnly(req) || /\bno-store\b/i.test(asked)) {
      res.set('X-Cache', 'BYPASS');
      return next();
    }
    const refresh = /\bno-cache\b/i.test(asked);
    const k = keyOf(req);
    const hit = refresh ? undefined : cache.get(k);
    if (hit) {
      res.set('X-Cache', 'HIT');
      return send(req, res, hit);
    }
    res.set('X-Cache', refresh ? 'BYPASS' : 'MISS');
    const json = res.json.bind(res);
    res.json = (value) => {
      // Not stored: statuses not allowed, responses that set cookies (they belong to one
      // client), and responses the handler marked no-store.
      if (!storable.has(res.statusCode) || res.get('Set-Cookie') !== undefined
        || /\bno-store\b/i.test(res.get('Cache-Control') || '')) return json(value);
      const body = JSON.stringify(value);
      const entry = { body, etag: strongEtag(body), status: res.statusCode };
      cache.set(k, entry, { ttl });
      return send(req, res, entry);
    };
    return next();
  };
}

/**
 * Validates `page`, `limit`, `sort`, `fields` and the keyset cursors `after` / `before` of
 * `req.query` with the pipeline core and puts `{ page, limit, skip, sort, fields, after,
 * before, backward, seek, cursorOf }` on `req.pagination`, or answers 400
 * `{ error: { code, message } }` (a bad or foreign token: ERR_INVALID_CURSOR, the same 400
 * as `paginate` gives). `limit` above `maxLimit` is clamped.
 * `sort` (`-createdAt,name`) and `fields` (`a,b`) are accepted only from `sortable` /
 * `selectable` (or a compiled pipeline spec's lists); without lists they are refused.
 * `req.pagination.sort` is the `$sort` object to run (ending with the `_id` tiebreak; the
 * reversed order when `backward`, i.e. `?before=`: reverse the page you read) and `fields`
 * the `$project` object (which keeps the sort keys, as keyset cursors need them), both
 * ready for an aggregation or a query; `seek` is the `$match` condition of a cursor
 * request (null in page mode: `page` / `skip` apply); `cursorOf(doc)` makes the token of
 * a result document for `?after=` / `?before=`. Tokens are bound to the spec: give `spec`
 * (a compiled pipeline) to accept the tokens its `paginate` returns.
 * @param {{ maxLimit?: number, defaultLimit?: number, sortable?: string[], selectable?: string[], defaultSort?: Record<string, 1|-1>, spec?: { build: Function, meta: Function, cursorAfter: Function } }} [options]
 */
function paginationParams({ maxLimit = 100, defaultLimit = Math.min(20, maxLimit), sortable = [], selectable = [], defaultSort, spec } = {}) {
  const compiled = spec || require('../..').pipeline.compile({
    collection: 'pagination', maxLimit, defaultLimit, sortable, selectable, count: 'none',
    ...(defaultSort ? { defaultSort } : {}),
  });
  return function hotpathPaginationParams(req, res, next) {
    const q = req.query || {};
    const params = {};
    for (const k of ['page', 'limit', 'sort', 'fields', 'after', 'before']) if (q[k] !== undefined) params[k] = q[k];
    try {
      const built = compiled.build(params).pipeline;
      const keyset = built.every((s) => !s.$skip && !('$skip' in s));
      const meta = compiled.meta(0, { page: keyset ? undefined : params.page, limit: params.limit });
      const stage = (name) => (built.find((s) => s[name]) || {})[name];
      const seek = built.find((s) => s.$match && s.$match.$or);
      const tokenParams = { sort: params.sort };
      req.pagination = {
        page: keyset ? null : meta.currentPage,
        limit: meta.limit,
        skip: keyset ? 0 : (meta.currentPage - 1) * meta.limit,
        sort: stage('$sort') || null,
        fields: params.fields !== undefined ? stage('$project') || null : null,
        after: typeof params.after === 'string' && params.after !== '' ? params.after : null,
        before: typeof params.before === 'string' && params.before !== '' ? params.before : null,
        backward: typeof params.before === 'string' && params.before !== '',
        seek: seek ? seek.$match : null,
        cursorOf: (doc) => compiled.cursorAfter(doc, tokenParams),
      };
      return next();
    } catch (err) {
      if (!(err instanceof HotpathError)) return next(err);
      const { status, body } = errorResponse(err);
      return res.status(status).json(body);
    }
  };
}

module.exports = { cacheResponses, paginationParams, errorHandler, errorResponse, STATUS };
