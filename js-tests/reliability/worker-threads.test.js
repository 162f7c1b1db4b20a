'use strict';
/**
 * Worker threads (issue 8): the addon (native: napi-rs context-aware module; wasm: one
 * instance per thread) loads and works in 4 worker_threads at once and in the main thread,
 * and each thread's objects are independent. A worker terminated mid-work does not disturb
 * the others, and a fresh worker loads the addon again afterwards.
 */
const path = require('node:path');
const { Worker } = require('node:worker_threads');
const hotpath = require('../..');
const { exercise } = require('./worker');

const WORKER = path.join(__dirname, 'worker.js');
const run = (id) => new Promise((resolve, reject) => {
  const w = new Worker(WORKER, { workerData: { id }, env: { ...process.env, HOTPATH_BACKEND: hotpath.backend } });
  w.once('message', (m) => (m.error ? reject(new Error(m.error)) : resolve(m)));
  w.once('error', reject);
  w.once('exit', (code) => { if (code !== 0) reject(new Error(`worker ${id} exited ${code}`)); });
});

function checkResult(r, id) {
  expect(r.backend).toBe(hotpath.backend);
  expect(r.pendingBefore).toBe(1000);
  expect(r.runs).toBe(1000);
  expect(r.allCoalesced).toBe(true);
  expect(r.ownKeysOnly).toBe(true);
  expect(r.debounceStats).toMatchObject({ scheduled: 3000, coalesced: 2000, runs: 1000, pending: 0 });
  expect(r.sum).toBe(1000 + id);
  expect(r.round).toBe(Number(`${id}.12`)); // half-even
  expect(r.limit).toBe(10 + id);
  expect(r.match).toEqual({ a: id });
  expect(r.forbidden).toBe('ERR_FORBIDDEN_OPERATOR');
  expect(r.panic).toBe('ERR_INTERNAL');
  if (hotpath.Cache) {
    expect(r.cacheSize).toBe(100);
    expect(r.cacheOwn).toBe(true);
  }
}

describe(`worker_threads (${hotpath.backend})`, () => {
  test('4 workers and the main thread at once, each with independent objects', async () => {
    const t0 = Date.now();
    const [main, ...workers] = await Promise.all([exercise(0), run(1), run(2), run(3), run(4)]);
    checkResult(main, 0);
    workers.forEach((r, i) => checkResult(r, i + 1));
    // eslint-disable-next-line no-console
    console.log(`worker_threads (${hotpath.backend}): main + 4 workers OK in ${Date.now() - t0} ms`);
  }, 30_000);

  test('a worker terminated mid-work leaves the others and the main thread working; a new worker loads again', async () => {
    const doomed = new Worker(WORKER, { workerData: { id: 9 }, env: { ...process.env, HOTPATH_BACKEND: hotpath.backend } });
    await new Promise((r) => doomed.once('online', r));
    const [code, other, main] = await Promise.all([doomed.terminate(), run(5), exercise(6)]);
    expect(typeof code).toBe('number');
    checkResult(other, 5);
    checkResult(main, 6);
    checkResult(await run(7), 7);
  }, 30_000);
});
