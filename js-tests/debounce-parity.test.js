'use strict';
const fc = require('fast-check');
const { forBackend } = require('../lib/api');
const { fakeTimers } = require('./debounce/fake-timers');

const native = forBackend('native');
const wasm = forBackend('wasm');

const opArb = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('schedule'), dt: fc.integer({ min: 0, max: 80 }), key: fc.integer({ min: 0, max: 5 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('flush'), dt: fc.integer({ min: 0, max: 80 }), key: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('cancel'), dt: fc.integer({ min: 0, max: 80 }), key: fc.integer({ min: 0, max: 5 }) }) },
);

const optionsArb = fc.record({
  wait: fc.integer({ min: 0, max: 100 }),
  maxWait: fc.option(fc.integer({ min: 0, max: 300 }), { nil: undefined }),
  concurrency: fc.integer({ min: 1, max: 3 }),
  attempts: fc.integer({ min: 1, max: 3 }),
  delay: fc.integer({ min: 0, max: 100 }),
  factor: fc.integer({ min: 1, max: 3 }),
  runTime: fc.integer({ min: 0, max: 60 }),
});

/** Plays one scenario on one backend; returns everything observable. */
async function play(api, o, ops) {
  const clock = fakeTimers();
  const log = [];
  let n = 0;
  const d = new api.Debouncer({
    wait: o.wait, maxWait: o.maxWait, concurrency: o.concurrency, timers: clock.timers,
    retry: { attempts: o.attempts, delay: o.delay, factor: o.factor },
    run: async (key, payloads) => {
      const i = n++;
      log.push(['run', clock.now, key, payloads.slice()]);
      if (o.runTime) await new Promise((r) => clock.timers.setTimeout(r, o.runTime));
      if (i % 3 === 1) throw new Error(`fail ${i}`);
    },
    onError: (key, err, payloads) => log.push(['error', clock.now, key, err.message, payloads.slice()]),
  });
  let p = 0;
  for (const s of ops) {
    await clock.advance(s.dt);
    if (s.op === 'schedule') d.schedule(s.key, p++);
    else if (s.op === 'flush') d.flush(s.key).then(() => log.push(['flushed', clock.now, s.key]));
    else log.push(['cancel', clock.now, s.key, d.cancel(s.key)]);
    log.push(['has', ...[0, 1, 2, 3, 4, 5].map((k) => d.has(k)), d.pending]);
  }
  await clock.advance(100_000);
  log.push(['stats', d.stats(), clock.counts.maxLive]);
  return log;
}

describe('Debouncer parity: native = wasm on random schedules', () => {
  test('same runs, payloads, errors, flushes, has/pending and stats', async () => {
    await fc.assert(fc.asyncProperty(optionsArb, fc.array(opArb, { minLength: 1, maxLength: 40 }), async (o, ops) => {
      const a = await play(native, o, ops);
      const b = await play(wasm, o, ops);
      expect(b).toEqual(a);
      expect(a[a.length - 1][1].pending).toBe(0);
    }), { numRuns: 100 });
  });
});
