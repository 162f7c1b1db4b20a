'use strict';
/**
 * Child process for the shutdown tests: schedules N keys with a long wait, installs the
 * shutdown hooks, reports "ready", and (mode "server") stays alive like a server until a
 * signal arrives, or (mode "idle") lets the event loop run dry.
 *   node shutdown-child.js <N> <server|idle>
 */
const fs = require('node:fs');
const hotpath = require('../../');

const N = Number(process.argv[2] || 10_000);
const mode = process.argv[3] || 'server';
let ran = 0;
const seen = new Set();
const d = new hotpath.Debouncer({
  wait: 60_000,
  concurrency: 64,
  run: async (key, payloads) => {
    await new Promise((r) => setImmediate(r)); // real async work
    if (payloads.length !== 1 || seen.has(key)) throw new Error(`bad run ${key}`);
    seen.add(key);
    ran++;
    if (ran === N) fs.writeSync(1, `ran ${ran}\n`);
  },
});
d.installShutdownHooks();
for (let i = 0; i < N; i++) d.schedule(`vagon:${i}`, i);
if (mode === 'server') setInterval(() => {}, 1000);
fs.writeSync(1, `ready ${hotpath.backend} ${d.pending}\n`);
