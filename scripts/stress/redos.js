#!/usr/bin/env node
'use strict';
/**
 * ReDoS (issue 8): the classic catastrophic patterns used for `cache.invalidate(RegExp)`
 * over REDOS_KEYS keys (default 1M) built to make V8's backtracking engine explode.
 *
 *  - hotpath (both backends): the pattern runs in the core's linear-time engine; the time
 *    is printed at ¼, ½ and all of the keys (it must grow linearly) and the number removed is
 *    checked (1000 keys per pattern are built to match).
 *  - The original design's plain-JS scan (`for (const k of map.keys()) if (re.test(k))
 *    map.delete(k)`) runs in a child process killed after REDOS_TIMEOUT_MS (default 5 s);
 *    it reports how many keys it got through, and the full scan time is extrapolated.
 *
 * Exit code 1 if hotpath removes the wrong number, is not roughly linear, or is not faster
 * than the JS scan's extrapolated time.
 */
const { spawn } = require('node:child_process');
const api = require('../../lib/api');

const N = Number(process.env.REDOS_KEYS || 1_000_000);
const TIMEOUT = Number(process.env.REDOS_TIMEOUT_MS || 5_000);
const MATCHING = 1000;
const PATTERNS = [
  // [source, flags, a non-matching key that backtracks, a matching key]
  ['(a+)+$', '', (i) => `${'a'.repeat(20)}!${i}`, (i) => `k${i}:${'a'.repeat(8)}`],
  ['(a|aa)+$', '', (i) => `${'a'.repeat(28)}!${i}`, (i) => `k${i}:aaaa`],
  ['(.*a){20}', '', (i) => `${'a'.repeat(19)}!${i}`, (i) => `${i}:${'a'.repeat(20)}`],
];

if (process.argv[2] === '--js-scan') {
  // Child: the original design's scan over the same keys; progress lines on stdout.
  const [src, flags, n] = [process.argv[3], process.argv[4], Number(process.argv[5])];
  const p = PATTERNS.find((x) => x[0] === src);
  const map = new Map();
  for (let i = 0; i < n; i++) map.set(p[2](i), i);
  for (let i = 0; i < MATCHING; i++) map.set(p[3](i), i);
  const re = new RegExp(src, flags);
  const t0 = Date.now();
  let scanned = 0;
  let removed = 0;
  let last = t0;
  process.stdout.write('start\n');
  for (const k of map.keys()) {
    if (re.test(k)) { map.delete(k); removed++; }
    scanned++;
    const now = Date.now();
    if (now - last > 50) { process.stdout.write(`progress ${scanned} ${now - t0}\n`); last = now; }
  }
  process.stdout.write(`done ${scanned} ${Date.now() - t0} ${removed}\n`);
  process.exit(0);
}

function jsScan(src, flags) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [__filename, '--js-scan', src, flags, String(N)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let buf = '';
    let scanned = 0;
    let ms = 0;
    let started = false;
    let timer = null;
    child.stdout.on('data', (b) => {
      buf += b;
      for (const line of buf.split('\n').slice(0, -1)) {
        const [what, a, c, d] = line.split(' ');
        if (what === 'start' && !started) { started = true; timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT); }
        if (what === 'progress') { scanned = +a; ms = +c; }
        if (what === 'done') { clearTimeout(timer); resolve({ finished: true, scanned: +a, ms: +c, removed: +d }); }
      }
      buf = buf.slice(buf.lastIndexOf('\n') + 1);
    });
    child.on('exit', () => { clearTimeout(timer); resolve({ finished: false, scanned, ms: ms || TIMEOUT }); });
  });
}

function hotpathRun(backend, [src, flags, bad, good]) {
  const { Cache } = api.forBackend(backend);
  const sizes = [Math.floor(N / 4), Math.floor(N / 2), N];
  const out = [];
  for (const n of sizes) {
    const cache = new Cache({ max: n + MATCHING });
    for (let i = 0; i < n; i++) cache.set(bad(i), i);
    for (let i = 0; i < MATCHING; i++) cache.set(good(i), i);
    const re = new RegExp(src, flags);
    cache.invalidate(/^warm-up$/); // builds the key index once, outside the timing
    const t0 = performance.now();
    const removed = cache.invalidate(re);
    out.push({ n, ms: performance.now() - t0, removed, size: cache.size });
  }
  return out;
}

(async () => {
  const api0 = api.forBackend('native');
  if (!api0.Cache || typeof api0.Cache.prototype.invalidate !== 'function') {
    console.log('redos: skipped — Cache is not in this build yet');
    return;
  }
  const problems = [];
  console.log(`redos: ${N} keys per pattern (+${MATCHING} that match), JS scan bounded by ${TIMEOUT} ms`);
  for (const p of PATTERNS) {
    const [src, flags] = p;
    const line = [`/${src}/${flags}:`];
    let worst = 0;
    for (const backend of ['native', 'wasm']) {
      const r = hotpathRun(backend, p);
      const last = r.at(-1);
      worst = Math.max(worst, last.ms);
      if (r.some((x) => x.removed !== MATCHING || x.size !== x.n)) problems.push(`/${src}/ ${backend}: removed ${r.map((x) => x.removed)} (expected ${MATCHING})`);
      // Linear: the full set must not cost more than ~3× twice the half set (noise margin on a loaded machine).
      if (last.ms > 3 * 2 * Math.max(r[1].ms, 1)) problems.push(`/${src}/ ${backend}: not linear (${r.map((x) => x.ms.toFixed(0)).join(' / ')} ms)`);
      line.push(`hotpath ${backend} ${r.map((x) => `${x.n / 1000}k ${x.ms.toFixed(0)} ms`).join(', ')} (removed ${last.removed});`);
    }
    const js = await jsScan(src, flags);
    const total = N + MATCHING;
    const perKey = js.scanned ? js.ms / js.scanned : Infinity;
    const est = perKey * total;
    if (js.finished) line.push(`plain-JS scan finished: ${js.ms} ms`);
    else line.push(`plain-JS scan: killed after ${TIMEOUT} ms having tested ${js.scanned} of ${total} keys → full scan ≈ ${Number.isFinite(est) ? `${(est / 3_600_000).toFixed(1)} h` : '∞'}`);
    const jsTime = js.finished ? js.ms : Math.max(TIMEOUT, est);
    line.push(`(≥ ${Math.round(jsTime / Math.max(worst, 1))}× slower)`);
    if (!(jsTime > worst)) problems.push(`/${src}/: the JS scan (${jsTime} ms) was not slower than hotpath (${worst.toFixed(0)} ms)`);
    console.log(line.join(' '));
  }
  if (problems.length) { console.log(`redos: FAILED\n  ${problems.join('\n  ')}`); process.exit(1); }
  console.log('redos: ok');
})();
