'use strict';
// hotpath/bullmq against a real redis-server (started here on a free loopback port).
const { spawn } = require('node:child_process');
const path = require('node:path');
const IORedis = require('ioredis');
const { startRedis } = require('./helpers/redis');
const { createBullDebouncer } = require('../lib/integrations/bullmq');
const { HotpathError } = require('../');

let server;
let redis;
let n = 0;
const connection = () => ({ port: server.port, host: '127.0.0.1', maxRetriesPerRequest: null });
const queueName = () => `hp-${process.env.HOTPATH_BACKEND}-${process.pid}-${++n}`;

beforeAll(async () => {
  server = await startRedis();
  redis = new IORedis(connection());
});
afterAll(async () => {
  await redis.quit();
  await server.stop();
});

function child(args) {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [path.join(__dirname, 'helpers', 'bull-child.js'), ...args.map(String)], { stdio: ['ignore', 'inherit', 'inherit'] });
    p.on('error', reject);
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`child exited ${code}`))));
  });
}

test('two processes schedule one key 10 times within 1 s → exactly one run, with the last payload', async () => {
  const q = queueName();
  // A schedules at 0..400 ms, B at 500..900 ms: B's last schedule is the last one overall.
  await Promise.all([
    child([server.port, q, 'A', 5, 100, 0, 1500, 1]),
    child([server.port, q, 'B', 5, 100, 500, 1500, 1]),
  ]);
  expect(await redis.lrange(`${q}:runs`, 0, -1)).toEqual(['vagon-1=B-4']);
}, 30_000);

test('a schedule during a run → one more run after it, never two at once', async () => {
  const log = [];
  let active = 0;
  let maxActive = 0;
  let release;
  const firstRunStarted = new Promise((r) => { release = r; });
  const d = createBullDebouncer({
    connection: connection(), queueName: queueName(), wait: 100, concurrency: 4,
    run: async (key, payloads) => {
      active += 1; maxActive = Math.max(maxActive, active);
      log.push(`${key}=${payloads.join(',')}`);
      release();
      await new Promise((r) => setTimeout(r, 400));
      active -= 1;
    },
  });
  await d.schedule('k', 'first');
  await firstRunStarted;
  await d.schedule('k', 'second');
  await d.schedule('k', 'third');
  const deadline = Date.now() + 10_000;
  while (log.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 600));
  expect(log).toEqual(['k=first', 'k=third']);
  expect(maxActive).toBe(1);
  await d.close();
}, 20_000);

test('flush(key) runs a pending key now and resolves after its run; close() then refuses schedules', async () => {
  const runs = [];
  const d = createBullDebouncer({
    connection: connection(), queueName: queueName(), wait: 60_000,
    run: async (key, payloads) => { runs.push([key, payloads]); },
  });
  await d.schedule('vagon-7', { n: 1 });
  await d.schedule('vagon-7', { n: 2 });
  expect(runs).toEqual([]);
  await d.flush('vagon-7');
  expect(runs).toEqual([['vagon-7', [{ n: 2 }]]]);
  const s = d.stats();
  expect(s.scheduled).toBe(2);
  expect(s.runs).toBe(1);
  expect(s.succeeded).toBe(1);
  await d.close();
  expect(() => d.schedule('vagon-7')).toThrow(HotpathError);
  expect(() => d.schedule('vagon-7')).toThrow(expect.objectContaining({ code: 'ERR_CLOSED' }));
});

test('a failing run is retried with backoff, then reported to onError', async () => {
  const errors = [];
  let calls = 0;
  const d = createBullDebouncer({
    connection: connection(), queueName: queueName(), wait: 10,
    retry: { attempts: 3, delay: 50, factor: 2 },
    run: async () => { calls += 1; throw new Error(`boom ${calls}`); },
    onError: (key, err) => errors.push([key, err.message]),
  });
  await d.schedule('k');
  const deadline = Date.now() + 10_000;
  while (errors.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  expect(calls).toBe(3);
  expect(errors).toEqual([['k', 'boom 3']]);
  expect(d.stats()).toMatchObject({ runs: 3, retries: 2, failed: 1, succeeded: 0 });
  await d.close();
}, 20_000);

test('bad keys are rejected before reaching Redis', async () => {
  const d = createBullDebouncer({ connection: connection(), queueName: queueName(), wait: 10, run: () => {} });
  expect(() => d.schedule({ not: 'a key' })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_KEY' }));
  expect(d.stats().scheduled).toBe(0);
  await d.close();
});
