'use strict';
/**
 * Debouncer: hotpath (native, wasm) against the designs it replaces, in one process.
 *
 * - timer-per-key: the seed's DebouncedUpdateManager (a Map of setTimeout handles,
 *   clearTimeout + setTimeout on every schedule).
 * - lodash.debounce per key: a Map of debounced functions, one per key.
 * - one-timer ordered Map: a single timer draining a Map kept in last-schedule order
 *   (delete + set on every schedule), Date.now() per schedule; and the same with the clock
 *   read once per tick (as hotpath and Node's own timers do), to separate the structure
 *   from the clock.
 *
 * Workloads (wait 5000 ms, nothing fires while timed): 100k distinct keys × 10 schedules,
 * 100k keys × 1 schedule; ns/op are medians over BENCH_ROUNDS fresh instances. Then heap
 * bytes per pending key (global.gc(), 100k keys), the time to fire 100k due keys, and the
 * cost of the boundary crossing per schedule (string vs id vs batched).
 */
const lodashDebounce = require('lodash.debounce');
const { ObjectId } = require('bson');
const { record, backends, median } = require('./harness');
const { internals } = require('../lib/internal');

const N = 100_000;
const ROUNDS = Number(process.env.BENCH_ROUNDS || 5);
const WAIT = 5000;
const keys = Array.from({ length: N }, () => new ObjectId().toHexString());
const noop = () => {};
const gc = () => { if (global.gc) { global.gc(); global.gc(); } };

// ---- the designs --------------------------------------------------------------------

/** The seed's design: one setTimeout per key, cleared on every re-schedule. */
class TimerPerKey {
  constructor(wait, run) { this.pendingUpdates = new Map(); this.wait = wait; this.run = run; }
  schedule(vagonId) {
    const key = vagonId.toString();
    if (this.pendingUpdates.has(key)) clearTimeout(this.pendingUpdates.get(key));
    const timeout = setTimeout(async () => {
      try {
        await this.run(vagonId);
        this.pendingUpdates.delete(key);
      } catch { /* logged in the seed */ }
    }, this.wait);
    this.pendingUpdates.set(key, timeout);
  }
  async close() { for (const t of this.pendingUpdates.values()) clearTimeout(t); this.pendingUpdates.clear(); }
}

/** lodash.debounce, one debounced function per key. */
class LodashPerKey {
  constructor(wait, run) { this.fns = new Map(); this.wait = wait; this.run = run; }
  schedule(key) {
    let f = this.fns.get(key);
    if (f === undefined) {
      f = lodashDebounce(() => { this.fns.delete(key); this.run(key); }, this.wait);
      this.fns.set(key, f);
    }
    f();
  }
  async close() { for (const f of this.fns.values()) f.cancel(); this.fns.clear(); }
}

/** One timer draining a Map kept in last-schedule order. */
class OneTimerMap {
  constructor(wait, run, { cachedClock = false } = {}) {
    this.map = new Map(); this.wait = wait; this.run = run; this.timer = null; this.armedAt = Infinity;
    this.cache = -1; this.reset = () => { this.cache = -1; };
    this.now = cachedClock ? () => {
      if (this.cache < 0) { this.cache = Date.now(); queueMicrotask(this.reset); }
      return this.cache;
    } : Date.now;
    this.fire = () => {
      this.timer = null; this.armedAt = Infinity;
      const now = Date.now();
      for (const [k, t] of this.map) {
        if (t + this.wait > now) { this.arm(t + this.wait, now); return; }
        this.map.delete(k);
        this.run(k);
      }
    };
  }
  schedule(key) {
    const now = this.now();
    this.map.delete(key);
    this.map.set(key, now);
    if (now + this.wait < this.armedAt) this.arm(now + this.wait, now);
  }
  arm(at, now) {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(this.fire, Math.max(0, at - now));
    this.timer.unref();
    this.armedAt = at;
  }
  async close() { if (this.timer) clearTimeout(this.timer); this.map.clear(); }
}

const [native, wasm] = backends();
const designs = {
  'timer-per-key (seed)': (wait, run) => new TimerPerKey(wait, run),
  'lodash.debounce per key': (wait, run) => new LodashPerKey(wait, run),
  'one-timer ordered Map': (wait, run) => new OneTimerMap(wait, run),
  'one-timer ordered Map, clock per tick': (wait, run) => new OneTimerMap(wait, run, { cachedClock: true }),
  'hotpath native': (wait, run) => new native.api.Debouncer({ wait, run }),
  'hotpath wasm': (wait, run) => new wasm.api.Debouncer({ wait, run }),
};
const closeAll = (d) => d.close({ flush: false });

async function workload(title, reps, rounds = ROUNDS) {
  const samples = Object.fromEntries(Object.keys(designs).map((n) => [n, []]));
  const names = Object.keys(designs);
  for (let r = 0; r < rounds; r++) {
    for (let j = 0; j < names.length; j++) {
      const name = names[(j + r) % names.length];
      const d = designs[name](WAIT, noop);
      gc();
      const t0 = process.hrtime.bigint();
      for (let rep = 0; rep < reps; rep++) {
        for (let i = 0; i < N; i++) d.schedule(keys[i]);
      }
      if (d.stats) d.stats(); // hotpath: make sure the batched schedules reached the core
      const ns = Number(process.hrtime.bigint() - t0) / (N * reps);
      samples[name].push(ns);
      await closeAll(d);
      await new Promise((res) => setImmediate(res));
    }
  }
  const base = median(samples['timer-per-key (seed)']);
  const oneTimer = median(samples['one-timer ordered Map']);
  return record(title, names.map((task) => {
    const ns = median(samples[task]);
    return {
      task, nsPerOp: Math.round(ns), vsTimerPerKey: round2(base / ns), vsOneTimerMap: round2(oneTimer / ns),
    };
  }), `median of ${rounds} fresh instances; ratio = design ns/op ÷ task ns/op (> 1 = faster)`);
}

function round2(x) { return Math.round(x * 100) / 100; }

async function memory() {
  const rows = [];
  for (const [name, make] of Object.entries(designs)) {
    gc();
    const before = process.memoryUsage();
    const d = make(WAIT, noop);
    for (let i = 0; i < N; i++) d.schedule(keys[i]);
    if (d.stats) d.stats();
    gc();
    const after = process.memoryUsage();
    const jsHeap = (after.heapUsed - before.heapUsed) / N;
    const row = { task: name, jsHeapBytesPerKey: Math.round(jsHeap) };
    const hotpath = name.startsWith('hotpath');
    if (hotpath) {
      const core = internals(d).core.memoryBytes() / N;
      row.coreBytesPerKey = Math.round(core);
      row.totalBytesPerKey = Math.round(jsHeap + core);
    } else {
      row.coreBytesPerKey = 0;
      row.totalBytesPerKey = Math.round(jsHeap);
    }
    rows.push(row);
    await closeAll(d);
  }
  return record('heap bytes per pending key (100k keys)', rows,
    'jsHeap = heapUsed delta after global.gc(); core = Rust bookkeeping (slot vector, capacity) outside the JS heap');
}

async function fire() {
  const samples = Object.fromEntries(Object.keys(designs).map((n) => [n, []]));
  for (let r = 0; r < Math.min(ROUNDS, 3); r++) {
    for (const [name, make] of Object.entries(designs)) {
      let count = 0;
      let done;
      const all = new Promise((res) => { done = res; });
      const d = make(1, () => { if (++count === N) done(); });
      for (let i = 0; i < N; i++) d.schedule(keys[i]);
      if (d.stats) d.stats();
      gc();
      const t0 = process.hrtime.bigint();
      // The one-timer designs' timers are unref'd: keep the loop alive meanwhile.
      const keep = setInterval(noop, 1000);
      await all;
      await new Promise((res) => setImmediate(res)); // completions processed
      clearInterval(keep);
      samples[name].push(Number(process.hrtime.bigint() - t0) / 1e6);
      await closeAll(d);
    }
  }
  const base = median(samples['timer-per-key (seed)']);
  return record('time to fire 100k due keys (wait 1 ms, no-op run)', Object.keys(samples).map((task) => {
    const ms = median(samples[task]);
    return { task, ms: round2(ms), vsTimerPerKey: round2(base / ms) };
  }), 'from the end of scheduling until every run has been called and completed');
}

async function crossing() {
  const rows = [];
  for (const { name, api } of [native, wasm]) {
    const Raw = api.__backend.raw.DebounceCore;
    let t = 0;
    const variants = {
      'string per call (core interns)': {
        make: () => new Raw({ wait: WAIT, attempts: 1, delay: 0, factor: 2 }),
        body: (c) => { for (let r = 0; r < 10; r++) for (let i = 0; i < N; i++) c.scheduleKey(keys[i], t += 0.001); },
      },
      'id per call (JS Map interns)': {
        make: () => ({ core: new Raw({ wait: WAIT, attempts: 1, delay: 0, factor: 2 }), ids: new Map() }),
        body: ({ core, ids }) => {
          for (let r = 0; r < 10; r++) {
            for (let i = 0; i < N; i++) {
              const k = keys[i];
              let id = ids.get(k);
              if (id === undefined) { id = ids.size; ids.set(k, id); }
              core.schedule(id, t += 0.001);
            }
          }
        },
      },
      'batched typed array (Debouncer.schedule)': {
        make: () => new api.Debouncer({ wait: WAIT, run: noop }),
        body: (d) => { for (let r = 0; r < 10; r++) for (let i = 0; i < N; i++) d.schedule(keys[i]); d.stats(); },
      },
    };
    const names = Object.keys(variants);
    const xs = Object.fromEntries(names.map((n) => [n, []]));
    for (let r = 0; r < ROUNDS; r++) {
      for (let j = 0; j < names.length; j++) {
        const v = variants[names[(j + r) % names.length]];
        const d = v.make();
        gc();
        const t0 = process.hrtime.bigint();
        v.body(d);
        xs[names[(j + r) % names.length]].push(Number(process.hrtime.bigint() - t0) / (N * 10));
        if (d.close) await d.close({ flush: false });
      }
    }
    const str = median(xs[names[0]]);
    for (const n of names) {
      const ns = median(xs[n]);
      rows.push({ task: `${name}: ${n}`, nsPerOp: Math.round(ns), vsStringPerCall: round2(str / ns) });
    }
  }
  return record('where the boundary is: one schedule, 100k keys × 10', rows,
    'string/id per call use the raw binding (no JS wrapper, no clock read); batched is the whole public schedule(); rounds interleaved');
}

(async () => {
  console.log(`Debouncer bench: ${N} keys, wait ${WAIT} ms, ${ROUNDS} rounds; machine shared (2 cores, others compiling)`);
  await crossing();
  await workload('100k distinct keys × 10 schedules (ns per schedule)', 10);
  // 100k schedules per round is short: more rounds for a steadier median.
  await workload('100k keys × 1 schedule (ns per schedule)', 1, 3 * ROUNDS);
  await memory();
  await fire();
})();
