#!/usr/bin/env node
'use strict';
/**
 * Soak (issue 8), on both backends in one process:
 *  - Cache: SOAK_OPS random operations (default 2M per backend; the issue's full size is
 *    10M: SOAK_OPS=10000000) — set (with and without tags/ttl) / get / delete /
 *    invalidate (RegExp, prefix, glob, tag) — with `max` and `maxBytes`. Every
 *    SOAK_CHECK ops: size ≤ max and the byte estimate ≤ maxBytes; RSS after warm-up (the
 *    first 10 % and until the first eviction) never grows more than 10 % above its
 *    post-warm-up value. The same seeded op sequence runs
 *    on native and wasm, and the final contents (keys and values) must agree.
 *  - Debouncer: SOAK_DEBOUNCE schedules (default 1M) over 50k keys in waves, every run
 *    awaited: afterwards nothing pending, no key/id/payload left in the JS maps, and the
 *    core's memory does not grow from wave to wave.
 * Exit code 1 on any violation. Run with --expose-gc for steadier RSS figures.
 */
const api = require('../../lib/api');
const { internals } = require('../../lib/internal');

const OPS = Number(process.env.SOAK_OPS || 2_000_000);
const CHECK = Number(process.env.SOAK_CHECK || 10_000);
const DEB = Number(process.env.SOAK_DEBOUNCE || 1_000_000);
const MAX = 50_000;
const MAX_BYTES = 8 * 1024 * 1024;
const KEYSPACE = 200_000;
const problems = [];
const gc = global.gc || (() => {});

function rng(seed) {
  let s = seed >>> 0;
  return () => { s = (s + 0x6d2b79f5) >>> 0; let t = s; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
}
const mb = (b) => (b / 1048576).toFixed(1);

function soakCache(backend) {
  const h = api.forBackend(backend);
  if (!h.Cache || !h.Cache.prototype || typeof h.Cache.prototype.set !== 'function') {
    console.log(`soak cache (${backend}): skipped — Cache is not in this build yet`);
    return null;
  }
  const cache = new h.Cache({ max: MAX, maxBytes: MAX_BYTES });
  const r = rng(42);
  const t0 = Date.now();
  let rssBase = 0;
  let rssMax = 0;
  let rssMin = Infinity;
  let checks = 0;
  let warmOps = 0;
  const bound = [];
  let hits = 0;
  const sizeOf = (c) => internals(c).bytes; // the cache's running sum of sizeOf
  for (let i = 1; i <= OPS; i++) {
    const x = r();
    const n = (r() * KEYSPACE) | 0;
    const k = `list:${n}:vagon=${n % 10}`;
    if (x < 0.45) {
      if (cache.get(k) !== undefined) hits++;
    } else if (x < 0.85) {
      const v = `v${i}:${'x'.repeat((r() * 64) | 0)}`;
      if (x < 0.6) cache.set(k, v, { tags: [`t${(r() * 1000) | 0}`] });
      else cache.set(k, v);
    } else if (x < 0.95) cache.delete(k);
    else if (x < 0.97) cache.invalidatePrefix(`list:${n}:`);
    else if (x < 0.98) cache.invalidate(new RegExp(`^list:${(n / 10) | 0}\\d:vagon=[0-4]$`));
    else if (x < 0.999) cache.invalidateGlob(`list:${(n / 10) | 0}?:vagon=*`);
    else cache.invalidateTag(`t${(r() * 1000) | 0}`);
    if (i % CHECK === 0) {
      checks++;
      if (cache.size > MAX) bound.push(`${backend}: size ${cache.size} > max ${MAX} at op ${i}`);
      const bytes = sizeOf(cache);
      if (bytes !== null && bytes > MAX_BYTES) bound.push(`${backend}: bytes ${bytes} > maxBytes at op ${i}`);
      // Warm-up: the first 10 % of the ops and until the cache is full (first eviction).
      if (!rssBase && i >= OPS / 10 && cache.stats().evictions > 0) { gc(); rssBase = process.memoryUsage().rss; warmOps = i; }
      if (rssBase && i % (CHECK * 10) === 0) {
        gc();
        const rss = process.memoryUsage().rss;
        rssMax = Math.max(rssMax, rss);
        rssMin = Math.min(rssMin, rss);
      }
    }
  }
  const ms = Date.now() - t0;
  problems.push(...bound.slice(0, 5));
  if (!rssBase) problems.push(`${backend}: the cache never filled up (no eviction): the soak is too small`);
  // Growth above the post-warm-up RSS is what a leak would show; RSS falling below it (the GC
  // handing pages back) is reported but is not a failure.
  const drift = rssBase ? (rssMax - rssBase) / rssBase : 0;
  if (drift > 0.10) problems.push(`${backend}: RSS grew ${(drift * 100).toFixed(1)} % after warm-up (base ${mb(rssBase)} MB, range ${mb(rssMin)}–${mb(rssMax)} MB)`);
  const st = cache.stats();
  console.log(`soak cache (${backend}): ${OPS} ops in ${ms} ms (${Math.round(OPS / ms * 1000)} ops/s), ${checks} bound checks `
    + `(size ≤ ${MAX}${sizeOf(cache) !== null ? `, bytes ≤ ${MAX_BYTES}` : ''}): ${bound.length ? `VIOLATED ${bound.length}×` : 'held'}; `
    + `RSS after warm-up (${warmOps} ops) ${mb(rssBase)} MB, range ${mb(rssMin)}–${mb(rssMax)} MB (max growth ${(drift * 100).toFixed(1)} %); `
    + `final size ${cache.size}, hits ${hits}, evictions ${st.evictions}`);
  const contents = [];
  const r2 = rng(7);
  for (let i = 0; i < KEYSPACE; i++) {
    const k = `list:${i}:vagon=${(r2() * 10) | 0}`;
    const v = cache.get(k);
    if (v !== undefined) contents.push(`${k}=${v}`);
  }
  const keys = typeof cache.keys === 'function' ? [...cache.keys()] : null;
  return { contents, keys, size: cache.size };
}

async function soakDebouncer(backend) {
  const h = api.forBackend(backend);
  const KEYS = 50_000;
  let runs = 0;
  const d = new h.Debouncer({ wait: 1, concurrency: 64, run: async (key, payloads) => { runs++; if (!payloads.length) throw new Error('empty'); } });
  const waves = Math.max(1, Math.round(DEB / (KEYS * 2)));
  const mem = [];
  const t0 = Date.now();
  let scheduled = 0;
  for (let w = 0; w < waves; w++) {
    for (let i = 0; i < KEYS * 2 && scheduled < DEB; i++, scheduled++) d.schedule(`vagon:${w}:${i % KEYS}`, i);
    await d.flush();
    mem.push(internals(d).core.memoryBytes());
  }
  const ms = Date.now() - t0;
  const st = d.stats();
  const leftovers = {
    pending: d.pending, ids: internals(d).ids.size, waiters: internals(d).waiters.size,
    payloads: internals(d).payloads.filter((p) => p !== undefined).length,
    liveKeys: internals(d).keys.filter((k) => k !== undefined).length,
  };
  const grew = mem.length > 2 && mem.at(-1) > mem[1];
  await d.close();
  const leaked = Object.entries(leftovers).filter(([, v]) => v !== 0);
  if (leaked.length) problems.push(`debouncer ${backend}: leaked ${JSON.stringify(leftovers)}`);
  if (grew) problems.push(`debouncer ${backend}: core memory grew ${mem[1]} → ${mem.at(-1)} bytes`);
  if (st.scheduled !== scheduled) problems.push(`debouncer ${backend}: stats.scheduled ${st.scheduled} ≠ ${scheduled}`);
  console.log(`soak debouncer (${backend}): ${scheduled} schedules in ${waves} waves over distinct keys → ${st.runs} runs (${runs} observed) in ${ms} ms; `
    + `after all runs: ${JSON.stringify(leftovers)}; core memory per wave ${mem[0]} → ${mem.at(-1)} bytes: ${leaked.length || grew ? 'LEAK' : 'no leaked state'}`);
}

(async () => {
  const results = {};
  for (const b of ['native', 'wasm']) {
    try { results[b] = soakCache(b); } catch (e) { problems.push(`cache ${b}: ${e.stack}`); }
    gc();
  }
  if (results.native && results.wasm) {
    const same = results.native.size === results.wasm.size && results.native.contents.join('\n') === results.wasm.contents.join('\n')
      && (results.native.keys === null || results.native.keys.join('\n') === results.wasm.keys.join('\n'));
    if (!same) problems.push(`native and wasm final contents differ (sizes ${results.native.size} / ${results.wasm.size})`);
    console.log(`soak cache: native and wasm final contents ${same ? 'agree' : 'DIFFER'} (${results.native.size} entries${results.native.keys ? ', same LRU order' : ''})`);
  }
  for (const b of ['native', 'wasm']) {
    try { await soakDebouncer(b); } catch (e) { problems.push(`debouncer ${b}: ${e.stack}`); }
  }
  if (problems.length) { console.log(`soak: ${problems.length} problem(s)\n  ${problems.join('\n  ')}`); process.exit(1); }
  console.log('soak: ok');
})();
