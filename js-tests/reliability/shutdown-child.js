'use strict';
/**
 * Child process for js-tests/reliability/shutdown.test.js: an Express-style server process
 * with N pending debounced keys. Every completed run appends its key to a log file (the
 * stand-in for the durable side effect — a DB write), so the parent can count what ran even
 * after a SIGKILL.
 *   node shutdown-child.js <N> <log file> <mode> [wait ms] [run ms]
 * mode: "hooks"  — d.installShutdownHooks() (flush on SIGTERM, then re-raise)
 *       "manual" — the usual server shutdown: process.on('SIGTERM', close({ flush }) → exit 0)
 *       "none"   — no hook at all (what an app that forgets gets)
 */
const fs = require('node:fs');
const http = require('node:http');
const hotpath = require('../../');

const [N, logPath, mode, waitMs, runMs] = [Number(process.argv[2]), process.argv[3], process.argv[4],
  Number(process.argv[5] || 60_000), Number(process.argv[6] || 0)];
const fd = fs.openSync(logPath, 'w');
const d = new hotpath.Debouncer({
  wait: waitMs,
  concurrency: 8,
  run: async (key, payloads) => {
    if (runMs) await new Promise((r) => setTimeout(r, runMs));
    else await new Promise((r) => setImmediate(r)); // real async work
    fs.writeSync(fd, `${key} ${payloads.length}\n`);
  },
});
if (mode === 'hooks') d.installShutdownHooks();
const server = http.createServer((req, res) => res.end('ok')).listen(0, '127.0.0.1');
if (mode === 'manual') {
  process.on('SIGTERM', () => {
    server.close();
    d.close({ flush: true }).then(() => { fs.writeSync(1, `closed ${d.stats().runs}\n`); process.exit(0); });
  });
}
// Each key is scheduled twice (coalesced: one run each).
for (let i = 0; i < N; i++) d.schedule(`vagon:${i}`, i);
for (let i = 0; i < N; i++) d.schedule(`vagon:${i}`, i);
server.on('listening', () => fs.writeSync(1, `ready ${hotpath.backend} ${d.pending}\n`));
