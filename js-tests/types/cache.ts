// Typed usage of the cache API (checked by `npm run test:types`).
import { Cache, CacheManager, CacheStats } from '../../index';

const cache = new Cache<{ total: number }>({ max: 1000, ttl: 60_000, maxBytes: 1 << 20, sizeOf: (v, k) => k.length + 8 });
cache.set('balance:USD', { total: 1 }, { ttl: 5000, tags: ['balance'] }).set('x', { total: 2 });
const hit: { total: number } | undefined = cache.get('balance:USD');
const removed: number = cache.invalidate(/^balance:/) + cache.invalidatePrefix('client:') + cache.invalidateGlob('list:*') + cache.invalidateTag('balance');
const stats: CacheStats = cache.stats();
const keys: string[] = [...cache.keys()];
async function typed(): Promise<number> {
  const v = await cache.getOrCompute('k', async () => ({ total: 3 }), { ttl: 1000 });
  const cm = new CacheManager({ defaultTTL: 60, max: 100 });
  await cm.set('a', 1, 30);
  const a: number | null = await cm.get<number>('a');
  const n: number = await cm.invalidate(/^a/);
  const c: string = await cm.getOrCompute('c', () => 'computed', 10);
  return v.total + (a ?? 0) + n + c.length + cm.stats().hits;
}
export { hit, removed, stats, keys, typed };
