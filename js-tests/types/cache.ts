// Typed usage of the cache API (checked by `npm run test:types`).
import { Cache, CacheManager, CacheStats, CacheDumpEntry, DisposeReason, AbortSignalLike } from '../../index';

const cache = new Cache<{ total: number }>({ max: 1000, ttl: 60_000, maxBytes: 1 << 20, sizeOf: (v, k) => k.length + 8 });
cache.set('balance:USD', { total: 1 }, { ttl: 5000, tags: ['balance'] }).set('x', { total: 2 });
const hit: { total: number } | undefined = cache.get('balance:USD');
const removed: number = cache.invalidate(/^balance:/) + cache.invalidatePrefix('client:') + cache.invalidateGlob('list:*') + cache.invalidateTag('balance');
const stats: CacheStats = cache.stats();
const keys: string[] = [...cache.keys()];
const frequent = new Cache<string>({ max: 10_000, policy: 'tinylfu' });
new Cache({ max: 10, patterns: true });
// @ts-expect-error patterns is a boolean
new Cache({ patterns: 'yes' });
frequent.set('k', 'v');
// @ts-expect-error: the policies are 'lru' and 'tinylfu'
new Cache({ policy: 'lfu' });
async function typed(): Promise<number> {
  const v = await cache.getOrCompute('k', async () => ({ total: 3 }), { ttl: 1000 });
  const cm = new CacheManager({ defaultTTL: 60, max: 100 });
  await cm.set('a', 1, 30);
  const a: number | null = await cm.get<number>('a');
  const n: number = await cm.invalidate(/^a/);
  const c: string = await cm.getOrCompute('c', () => 'computed', 10);
  return v.total + (a ?? 0) + n + c.length + cm.stats().hits;
}
// Issue 15: abortable compute, refresh-ahead, hooks, inspection, dump/load, memo, mget/mset.
const reasons: DisposeReason[] = [];
const hooked = new Cache<number>({ refreshThreshold: 100, dispose: (v, k, why) => { reasons.push(why); }, onInsert: (v, k, why) => { if (why === 'add') reasons.push('set'); } });
declare const signal: AbortSignalLike;
async function issue15(): Promise<number> {
  const v: number = await hooked.getOrCompute('k', async (key, { signal, stale }) => (signal.aborted ? (stale ?? 0) : key.length), { signal, timeout: 50, staleOnError: true, refreshThreshold: 10 });
  const peeked: number | undefined = hooked.peek('k');
  const left: number = hooked.getRemainingTTL('k');
  const info = hooked.info('k');
  const snap: CacheDumpEntry<number>[] = hooked.dump();
  hooked.load(JSON.parse(JSON.stringify(snap))).mset([{ key: 'a', value: 1, ttl: 5, tags: ['t'] }]);
  const many: (number | undefined)[] = hooked.mget(['a', 'b']);
  const double = hooked.memo(async (n: number, s: string) => n * 2 + s.length, { ttl: 100, tags: (n) => [`n:${n}`] });
  const d: number = await double(2, 'x');
  const key: string = double.keyOf(2, 'x');
  // @ts-expect-error memo keeps the argument types
  double('2', 'x');
  const cm = new CacheManager({ refreshThreshold: 5 });
  const got: (number | null)[] = await cm.mget<number>(['a']);
  await cm.mset([{ key: 'a', value: 1, ttl: 10 }]);
  await cm.getOrCompute('w', () => 1, 60, 10);
  return v + (peeked ?? 0) + left + (info?.ttl ?? 0) + many.length + d + key.length + got.length + hooked.stats().hookErrors;
}
export { hit, removed, stats, keys, typed, issue15 };
