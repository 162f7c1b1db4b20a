#!/usr/bin/env node
'use strict';
/**
 * `npm run stress`: the slow reliability checks that stay out of `npm test` —
 * fuzzing (scripts/stress/fuzz.sh, 30 s per target when nightly + cargo-fuzz exist),
 * ReDoS (redos.js), soak (soak.js) and Redis faults (redis-faults.js). Each step prints its figures; the exit code is
 * non-zero if any failed. Default sizes keep the whole run under ~10 minutes on 2 cores.
 *
 *   npm run stress                    everything, default sizes
 *   npm run stress -- --only=soak     one step (fuzz | redos | soak | redis)
 *   FUZZ_SECONDS=600 SOAK_OPS=10000000 REDOS_KEYS=1000000 npm run stress   the full sizes
 */
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const only = (process.argv.find((a) => a.startsWith('--only=')) || '').slice(7);
const here = __dirname;
const steps = [
  ['fuzz', 'bash', [path.join(here, 'fuzz.sh'), process.env.FUZZ_SECONDS || '30']],
  ['redos', process.execPath, [path.join(here, 'redos.js')]],
  ['soak', process.execPath, ['--expose-gc', path.join(here, 'soak.js')]],
  ['redis', process.execPath, [path.join(here, 'redis-faults.js')]],
];
const failed = [];
for (const [name, cmd, args] of steps) {
  if (only && only !== name) continue;
  console.log(`\n=== stress ${name}`);
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: path.join(here, '..', '..') });
  console.log(`=== stress ${name}: ${r.status === 0 ? 'ok' : `FAILED (exit ${r.status ?? r.signal})`} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  if (r.status !== 0) failed.push(name);
}
console.log(failed.length ? `\nstress failed: ${failed.join(', ')}` : '\nstress: all steps passed');
process.exit(failed.length ? 1 : 0);
