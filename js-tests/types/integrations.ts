// Typed usage of the subpath exports (compiled by `npm test`, types step).
import { hotpathPlugin, paginatePlugin, convertBeforeSave, SmartInvalidation, InvalidationTarget } from '../../types/mongoose';
import { cacheResponses, errorHandler, paginationParams, Pagination } from '../../types/express';
import { TieredCache } from '../../types/redis';
import { createBullDebouncer } from '../../types/bullmq';
import { registerMetrics } from '../../types/metrics';

const targets: InvalidationTarget[] = ['balance:USD', /^client:1:/, { prefix: 'cash:list:' }, { glob: 'a*' }, { tag: 't' }];
declare const schema: any;
hotpathPlugin(schema, { invalidate: (doc: { currency: string }) => [`balance:${doc.currency}`] });
convertBeforeSave({ rates: { convert: async () => ({ amount: 1 }) }, amount: 'a', from: 'b', to: 'USD', target: 'c' });
const s = new SmartInvalidation({ cache: { invalidate: () => 0, invalidatePrefix: () => 0, invalidateGlob: () => 0, invalidateTag: () => 0 } });
s.onCashChange({ currency: 'USD', client: 'c1' });
cacheResponses({ cache: new Map() as any, ttl: 1000, etag: true });
cacheResponses({ cache: new Map() as any, vary: ['Authorization'], respectCacheControl: true, statuses: [200, 404] });
cacheResponses({ cache: new Map() as any, key: (req) => `u:${req.user.id}:${req.originalUrl}`, keySeparatesUsers: true });
// @ts-expect-error: statuses are numbers
cacheResponses({ cache: new Map() as any, statuses: ['200'] });
errorHandler();
paginationParams({ maxLimit: 100, sortable: ['createdAt'] });
const pg: Pagination = {
  page: 1, limit: 20, skip: 0, sort: null, fields: null, after: null, before: null, backward: false, seek: null, cursorOf: () => '',
};
declare const redis: any;
const t = new TieredCache({ redis, l1: { max: 10 } });
t.getOrCompute('k', async () => 42).then((n: number) => n + 1);
const guarded = new TieredCache({ redis, breaker: { failures: 5, resetAfter: 30_000 } });
const state: 'closed' | 'open' | 'half-open' | undefined = guarded.stats().breaker?.state;
const timeouts: number = guarded.stats().l2Timeouts;
new TieredCache({ redis, breaker: true });
const warmed = new TieredCache({ redis, warm: { limit: 1000, batch: 200 } });
warmed.mget<number>(['a', 'b']).then((vs: (number | undefined)[]) => vs.length);
warmed.mset([{ key: 'a', value: 1, ttl: 1000, tags: ['t'] }]).then((tc) => tc.warm({ limit: 10 })).then((n: number) => n);
const ahead = new TieredCache({ redis, refreshThreshold: 5_000 });
ahead.getOrCompute<number>('k', async (key, { stale }) => (stale ?? 0) + key.length, { ttl: 60_000, tags: ['t'], refreshThreshold: 1_000 }).then((n: number) => n);
// @ts-expect-error: refreshThreshold is a number of ms
ahead.getOrCompute('k', async () => 1, { refreshThreshold: '1s' });
// @ts-expect-error: resetAfter is a number of ms
new TieredCache({ redis, breaker: { resetAfter: '30s' } });
const d = createBullDebouncer({ connection: {}, wait: 5000, run: async (key: string) => void key });
d.schedule('k', { a: 1 });
registerMetrics(undefined, { caches: { a: { stats: () => ({}) } } });
// @ts-expect-error: a number is not an invalidation target
const bad: InvalidationTarget = 42;
export { targets, bad, pg, state, timeouts };

paginatePlugin({}, { spec: { softDelete: { isDeleted: false }, count: 'estimated' }, defaults: { limit: 10, lean: true, customLabels: { docs: 'items' } } });
function seekOf(p: Pagination): [Record<string, unknown> | null, boolean, string | null, number | null] {
  return [p.seek, p.backward, p.before, p.page];
}
export { seekOf };
