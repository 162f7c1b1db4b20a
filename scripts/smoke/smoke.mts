// TypeScript ES module consumer, compiled with `tsc --strict --module nodenext` (and checked
// under `--moduleResolution bundler`), then run like smoke.mjs.
import { backend, Cache, money, pipeline, HotpathError, type HotpathErrorCode } from 'hotpath';
import { cacheResponses } from 'hotpath/express';
import { TieredCache } from 'hotpath/redis';
import type { createBullDebouncer } from 'hotpath/bullmq';
import type { registerMetrics } from 'hotpath/metrics';
import { hotpathPlugin } from 'hotpath/mongoose';
import smoke from './checks.cjs';

const which: 'native' | 'wasm' = backend;
const cache = new Cache({ max: 10 });
const removed: number = cache.invalidatePrefix('client:');
const typeOnly = () => {
  // @ts-expect-error keys are strings
  cache.set(42, 'x');
};
const code: HotpathErrorCode = new HotpathError('ERR_INVALID_KEY', 'key').code;
const total: number | string = money.sum([1, 2]);
type Both = [typeof createBullDebouncer, typeof registerMetrics, typeof cacheResponses, typeof TieredCache, typeof hotpathPlugin];
const used: Both | null = null;
void [which, removed, code, total, used, typeOnly];
smoke({ backend, Cache, money, pipeline }, 'ts-esm');
