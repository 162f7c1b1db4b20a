// ES module consumer: named imports of the main entry and of the subpaths that load
// without their peer dependency (bullmq and metrics need theirs).
import { backend, Cache, money, pipeline, HotpathError } from 'hotpath';
import { cacheResponses, paginationParams } from 'hotpath/express';
import { hotpathPlugin } from 'hotpath/mongoose';
import { TieredCache } from 'hotpath/redis';
import smoke from './checks.cjs';

for (const [name, fn] of Object.entries({ HotpathError, cacheResponses, paginationParams, hotpathPlugin, TieredCache })) {
  if (typeof fn !== 'function') throw new Error(`named import ${name} is ${typeof fn}`);
}
smoke({ backend, Cache, money, pipeline }, 'esm');
