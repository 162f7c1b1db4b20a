'use strict';
const fc = require('fast-check');
const { ObjectId } = require('bson');
const hotpath = require('../');
const { fakeTimers, deferred } = require('./debounce/fake-timers');

const { Debouncer, DebouncedUpdateManager, HotpathError } = hotpath;
const backend = process.env.HOTPATH_BACKEND;

function codeOf(fn) {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(HotpathError);
    return e.code;
  }
  throw new Error('expected a throw');
}

/**
 * The reference model of trailing debounce with instant runs: a key runs at
 * min(last + wait, first + maxWait) with every payload since its previous run.
 */
function model(events, wait, maxWait) {
  const mw = maxWait === undefined ? Infinity : Math.max(maxWait, wait);
  const state = new Map();
  const runs = [];
  const deadline = (s) => Math.min(s.last + wait, s.first + mw);
  const fireDue = (t) => {
    for (;;) {
      let best = null;
      for (const [key, s] of state) {
        const d = deadline(s);
        if (d <= t && (best === null || d < best.d)) best = { key, d, s };
      }
      if (best === null) return;
      runs.push({ t: best.d, key: best.key, payloads: best.s.payloads });
      state.delete(best.key);
    }
  };
  for (const e of events) {
    fireDue(e.t);
    const s = state.get(e.key);
    if (s === undefined) state.set(e.key, { first: e.t, last: e.t, payloads: [e.payload] });
    else {
      s.last = e.t;
      s.payloads.push(e.payload);
    }
  }
  fireDue(Infinity);
  return runs;
}

const byTimeKey = (a, b) => a.t - b.t || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

describe(`Debouncer (${backend})`, () => {
  test('Property 4: random schedules with a controllable clock run exactly as the model says', async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(fc.record({ dt: fc.integer({ min: 0, max: 150 }), key: fc.constantFrom('a', 'b', 'c', 'd') }), { minLength: 1, maxLength: 40 }),
      fc.integer({ min: 1, max: 120 }),
      fc.option(fc.integer({ min: 0, max: 400 }), { nil: undefined }),
      async (steps, wait, maxWait) => {
        const clock = fakeTimers();
        const runs = [];
        const d = new Debouncer({
          wait, maxWait, timers: clock.timers,
          run: (key, payloads) => { runs.push({ t: clock.now, key, payloads }); },
        });
        let t = 0;
        const events = steps.map((s, i) => ({ t: (t += s.dt), key: s.key, payload: i }));
        for (const e of events) {
          await clock.advanceTo(e.t);
          d.schedule(e.key, e.payload);
          expect(clock.live).toBeLessThanOrEqual(1);
        }
        await clock.advanceTo(t + 10_000);
        const want = model(events, wait, maxWait);
        expect(runs.sort(byTimeKey)).toEqual(want.sort(byTimeKey));
        const s = d.stats();
        expect(s).toEqual({
          scheduled: events.length, coalesced: events.length - want.length, runs: want.length,
          succeeded: want.length, failed: 0, failedAttempts: 0, retries: 0, pending: 0,
        });
        expect(clock.counts.maxLive).toBeLessThanOrEqual(1);
      },
    ), { numRuns: 150 });
  });

  test('Property 4: N schedules of one key inside the window make exactly one run', async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(fc.integer({ min: 0, max: 4999 }), { minLength: 1, maxLength: 30 }),
      async (gaps) => {
        const clock = fakeTimers();
        const seen = [];
        const d = new Debouncer({ wait: 5000, timers: clock.timers, run: (key, payloads) => { seen.push(payloads.length); } });
        const id = new ObjectId();
        for (const g of gaps) {
          await clock.advance(g);
          d.schedule(id, g);
        }
        expect(seen).toEqual([]);
        await clock.advance(5000);
        expect(seen).toEqual([gaps.length]);
        await clock.advance(60_000);
        expect(seen).toEqual([gaps.length]);
      },
    ), { numRuns: 100 });
  });

  test('a schedule during a run makes exactly one more run after it, never concurrent', async () => {
    const clock = fakeTimers();
    const gates = [];
    let active = 0;
    let maxActive = 0;
    const calls = [];
    const d = new Debouncer({
      wait: 100, timers: clock.timers,
      run: async (key, payloads) => {
        active++;
        maxActive = Math.max(maxActive, active);
        calls.push({ t: clock.now, payloads });
        const g = deferred();
        gates.push(g);
        await g.promise;
        active--;
      },
    });
    d.schedule('v', 1);
    await clock.advance(100);
    expect(calls).toEqual([{ t: 100, payloads: [1] }]);
    for (let i = 2; i <= 6; i++) {
      d.schedule('v', i);
      await clock.advance(50);
    }
    expect(d.has('v')).toBe(true);
    expect(calls.length).toBe(1); // still running: nothing starts
    gates[0].resolve();
    await clock.settle();
    // The run ended at t = 350, inside the window of the last schedule (t = 300): the
    // follow-up waits for it, as a plain debounce would.
    expect(calls.length).toBe(1);
    await clock.advanceTo(400);
    expect(calls.length).toBe(2);
    expect(calls[1]).toEqual({ t: 400, payloads: [2, 3, 4, 5, 6] });
    // A schedule during the second run, whose window has passed when it ends: right away.
    d.schedule('v', 7);
    await clock.advance(150);
    expect(calls.length).toBe(2);
    gates[1].resolve();
    await clock.settle();
    expect(calls.length).toBe(3);
    expect(calls[2]).toEqual({ t: 550, payloads: [7] });
    gates[2].resolve();
    await clock.advance(10_000);
    expect(calls.length).toBe(3);
    expect(maxActive).toBe(1);
    expect(d.stats()).toMatchObject({ scheduled: 7, coalesced: 4, runs: 3, succeeded: 3, pending: 0 });
  });

  test('maxWait bounds the delay since the first schedule', async () => {
    const clock = fakeTimers();
    const times = [];
    const d = new Debouncer({ wait: 100, maxWait: 250, timers: clock.timers, run: () => { times.push(clock.now); } });
    for (let t = 0; t <= 600; t += 50) {
      await clock.advanceTo(t);
      d.schedule('k');
    }
    await clock.advance(1000);
    // 0..250 → run at 250 (a schedule at 250 comes after it); 250..500 → 500; 500..600 → 700.
    expect(times).toEqual([250, 500, 700]);
    for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBeLessThanOrEqual(250);
  });

  test('a failing run is retried with delay * factor^(n-1), then onError gets the error and the payloads', async () => {
    const clock = fakeTimers();
    const times = [];
    const errors = [];
    const d = new Debouncer({
      wait: 10, retry: { attempts: 4, delay: 100, factor: 3 }, timers: clock.timers,
      run: async (key, payloads) => { times.push([clock.now, payloads.slice()]); throw new Error(`boom ${times.length}`); },
      onError: (key, err, payloads) => errors.push({ key, message: err.message, payloads }),
    });
    d.schedule('x', 'a');
    d.schedule('x', 'b');
    await clock.advance(10);
    expect(d.has('x')).toBe(true); // waiting for its retry
    d.schedule('x', 'c'); // rides along with the retry, keeps the backoff deadline
    await clock.advance(10_000);
    expect(times.map(([t]) => t)).toEqual([10, 110, 410, 1310]);
    expect(times[0][1]).toEqual(['a', 'b']);
    expect(times[1][1]).toEqual(['a', 'b', 'c']);
    expect(errors).toEqual([{ key: 'x', message: 'boom 4', payloads: ['a', 'b', 'c'] }]);
    expect(d.stats()).toMatchObject({ runs: 4, failed: 1, failedAttempts: 4, retries: 3, succeeded: 0, pending: 0 });
    expect(d.has('x')).toBe(false);
  });

  test('a last attempt that fails with schedules made during it: onError gets its payloads, the new ones get their own run', async () => {
    const clock = fakeTimers();
    const log = [];
    const errors = [];
    const d = new Debouncer({
      wait: 10, timers: clock.timers,
      run: async (key, payloads) => {
        log.push(payloads);
        if (log.length === 1) {
          d.schedule(key, 'during'); // from inside the run: a follow-up, never concurrent
          throw new Error('first fails');
        }
      },
      onError: (key, err, payloads) => errors.push([key, err.message, payloads]),
    });
    d.schedule('k', 'before');
    await clock.advance(100);
    expect(errors).toEqual([['k', 'first fails', ['before']]]);
    expect(log).toEqual([['before'], ['during']]);
    expect(d.stats()).toMatchObject({ runs: 2, failed: 1, failedAttempts: 1, succeeded: 1, pending: 0 });
  });

  test('flush(key) while a retry waits runs the retry now', async () => {
    const clock = fakeTimers();
    let n = 0;
    const d = new Debouncer({
      wait: 10, retry: { attempts: 2, delay: 60_000 }, timers: clock.timers,
      run: () => { n++; if (n === 1) throw new Error('once'); },
    });
    d.schedule('r');
    await clock.advance(10);
    expect(n).toBe(1);
    expect(d.has('r')).toBe(true);
    await d.flush('r');
    expect(n).toBe(2);
    expect(clock.now).toBe(10);
    expect(d.stats()).toMatchObject({ retries: 1, succeeded: 1, pending: 0 });
  });

  test('stats: failed counts keys whose last attempt failed (BullMQ), failedAttempts every failed attempt', async () => {
    const clock = fakeTimers();
    const tries = new Map();
    const d = new Debouncer({
      wait: 10, retry: { attempts: 2, delay: 100 }, timers: clock.timers, onError: () => {},
      run: (key) => {
        const n = (tries.get(key) || 0) + 1;
        tries.set(key, n);
        if (key === 'always' || (key === 'once' && n === 1)) throw new Error(`${key} ${n}`);
      },
    });
    for (const k of ['always', 'once', 'fine']) d.schedule(k);
    await clock.advance(1000);
    expect([...tries]).toEqual([['always', 2], ['once', 2], ['fine', 1]]);
    expect(d.stats()).toMatchObject({ runs: 5, succeeded: 2, failed: 1, failedAttempts: 3, retries: 2, pending: 0 });
    // A key that fails all of its 2 attempts again: one more failed key, two more attempts.
    d.schedule('always');
    await clock.advance(1000);
    expect(d.stats()).toMatchObject({ runs: 7, failed: 2, failedAttempts: 5, retries: 3 });
  });

  test('a retry that succeeds reports nothing', async () => {
    const clock = fakeTimers();
    let n = 0;
    const onError = jest.fn();
    const d = new Debouncer({
      wait: 0, retry: { attempts: 3, delay: 50 }, timers: clock.timers, onError,
      run: () => { if (++n === 1) throw new Error('transient'); },
    });
    d.schedule(1);
    await clock.advance(1000);
    expect(n).toBe(2);
    expect(onError).not.toHaveBeenCalled();
    expect(d.stats()).toMatchObject({ runs: 2, failed: 0, failedAttempts: 1, succeeded: 1, retries: 1 });
  });

  test('close({ flush: true }) runs every pending key before resolving; schedule afterwards throws ERR_CLOSED', async () => {
    const clock = fakeTimers();
    const ran = new Map();
    const d = new Debouncer({
      wait: 60_000, concurrency: 8, timers: clock.timers,
      run: async (key, payloads) => { await null; ran.set(key, payloads); },
    });
    for (let i = 0; i < 500; i++) d.schedule(`k${i}`, i);
    expect(d.pending).toBe(500);
    await d.close({ flush: true });
    expect(ran.size).toBe(500);
    expect(ran.get('k7')).toEqual([7]);
    expect(d.pending).toBe(0);
    expect(d.closed).toBe(true);
    expect(codeOf(() => d.schedule('k1'))).toBe('ERR_CLOSED');
    expect(clock.live).toBe(0);
  });

  test('close() flushes retries without their backoff; close({ flush: false }) drops what is owed', async () => {
    const clock = fakeTimers();
    let calls = 0;
    const onError = jest.fn();
    const d = new Debouncer({
      wait: 10, retry: { attempts: 3, delay: 1e9 }, timers: clock.timers, onError,
      run: () => { calls++; throw new Error('down'); },
    });
    d.schedule('a');
    await clock.advance(10);
    expect(calls).toBe(1);
    await d.close();
    expect(calls).toBe(3);
    expect(onError).toHaveBeenCalledTimes(1);

    const ran = [];
    const e = new Debouncer({ wait: 10, timers: fakeTimers().timers, run: (k) => { ran.push(k); } });
    e.schedule('a');
    e.schedule('b');
    await e.close({ flush: false });
    expect(ran).toEqual([]);
    expect(e.pending).toBe(0);
    expect(codeOf(() => e.schedule('a'))).toBe('ERR_CLOSED');
  });

  test('close({ flush: false }) awaits the run in progress but drops its follow-up and every pending key', async () => {
    const clock = fakeTimers();
    const gate = deferred();
    const log = [];
    const d = new Debouncer({
      wait: 10, timers: clock.timers,
      run: async (key, payloads) => { log.push([key, payloads]); if (key === 'busy') await gate.promise; },
    });
    d.schedule('busy', 1);
    await clock.advance(10);
    d.schedule('busy', 2); // owed follow-up
    d.schedule('idle', 3);
    let closed = false;
    const c = d.close({ flush: false }).then(() => { closed = true; });
    await clock.settle();
    expect(closed).toBe(false);
    expect(d.pending).toBe(0);
    gate.resolve();
    await c;
    await clock.advance(1000);
    expect(log).toEqual([['busy', [1]]]);
    expect(d.stats()).toMatchObject({ runs: 1, succeeded: 1, pending: 0 });
  });

  test('concurrency limits runs in progress over all keys', async () => {
    const clock = fakeTimers();
    let active = 0;
    let maxActive = 0;
    const done = [];
    const d = new Debouncer({
      wait: 5, concurrency: 3, timers: clock.timers,
      run: async (key) => {
        active++;
        maxActive = Math.max(maxActive, active);
        await new Promise((r) => clock.timers.setTimeout(r, 7));
        active--;
        done.push(key);
      },
    });
    for (let i = 0; i < 20; i++) d.schedule(i);
    await clock.advance(5);
    expect(active).toBe(3);
    await clock.advance(1000);
    expect(done.length).toBe(20);
    expect(maxActive).toBe(3);
  });

  test('exactly one unref\'d timer for any number of keys, re-armed only when the earliest deadline moves', async () => {
    const clock = fakeTimers();
    const d = new Debouncer({ wait: 1000, timers: clock.timers, run: () => {} });
    for (let i = 0; i < 20_000; i++) d.schedule(`key:${i}`);
    for (let i = 0; i < 20_000; i += 7) d.schedule(`key:${i}`);
    expect(clock.live).toBe(1);
    expect(clock.counts.set).toBe(1);
    expect(clock.counts.unrefd).toBe(1);
    await clock.advance(500);
    for (let i = 0; i < 1000; i++) d.schedule(`late:${i}`); // later deadlines: no re-arm
    expect(clock.counts.set).toBe(1);
    await clock.advance(5000);
    expect(clock.counts.maxLive).toBe(1);
    expect(clock.live).toBe(0);
    expect(d.stats().runs).toBe(21_000);

    // With the real global timers: one setTimeout call for 5 000 keys.
    const spy = jest.spyOn(global, 'setTimeout');
    try {
      const r = new Debouncer({ wait: 60_000, run: () => {} });
      for (let i = 0; i < 5000; i++) r.schedule(i);
      expect(spy).toHaveBeenCalledTimes(1);
      expect(spy.mock.results[0].value.hasRef()).toBe(false);
      await r.close({ flush: false });
    } finally {
      spy.mockRestore();
    }
  });

  test('flush(key) runs now and resolves after the run; flush() runs everything', async () => {
    const clock = fakeTimers();
    const log = [];
    const d = new Debouncer({
      wait: 5000, timers: clock.timers,
      run: async (key, payloads) => { await null; log.push([key, payloads]); },
    });
    d.schedule('a', 1);
    d.schedule('b', 2);
    d.schedule('c', 3);
    await d.flush('a');
    expect(log).toEqual([['a', [1]]]);
    expect(d.has('a')).toBe(false);
    await d.flush('zzz'); // nothing owed: resolves at once
    await d.flush();
    expect(log.map(([k]) => k).sort()).toEqual(['a', 'b', 'c']);
    expect(d.pending).toBe(0);
  });

  test('flush(key) during a run waits for that run and the follow-up it owes', async () => {
    const clock = fakeTimers();
    const gate = deferred();
    const log = [];
    const d = new Debouncer({
      wait: 100, timers: clock.timers,
      run: async (key, payloads) => { log.push(payloads); if (log.length === 1) await gate.promise; },
    });
    d.schedule('k', 1);
    await clock.advance(100);
    d.schedule('k', 2);
    let flushed = false;
    const f = d.flush('k').then(() => { flushed = true; });
    await clock.settle();
    expect(flushed).toBe(false);
    gate.resolve();
    await f;
    expect(log).toEqual([[1], [2]]);
  });

  test('cancel drops the owed run and its payloads; has and pending follow', async () => {
    const clock = fakeTimers();
    const log = [];
    const d = new Debouncer({ wait: 100, timers: clock.timers, run: (k, p) => { log.push([k, p]); } });
    d.schedule('a', 1);
    d.schedule('b', 2);
    expect(d.has('a')).toBe(true);
    expect(d.pending).toBe(2);
    expect(d.cancel('a')).toBe(true);
    expect(d.cancel('a')).toBe(false);
    expect(d.cancel('never')).toBe(false);
    expect(d.has('a')).toBe(false);
    expect(d.pending).toBe(1);
    await clock.advance(200);
    expect(log).toEqual([['b', [2]]]);
    d.schedule('a', 3); // a fresh start, the cancelled payload is gone
    await clock.advance(200);
    expect(log).toEqual([['b', [2]], ['a', [3]]]);
  });

  test('keys: strings, finite numbers and ObjectIds (by hex string); anything else is ERR_INVALID_KEY and changes nothing', async () => {
    const clock = fakeTimers();
    const log = [];
    const d = new Debouncer({ wait: 10, timers: clock.timers, run: (k, p) => { log.push([k, p]); } });
    const oid = new ObjectId();
    d.schedule(oid, 1);
    d.schedule(oid.toHexString(), 2);
    d.schedule(new ObjectId(oid.toHexString()), 3);
    d.schedule(42, 4);
    d.schedule('42', 5); // numbers and strings are distinct keys, as in a Map
    for (const bad of [undefined, null, NaN, Infinity, {}, [], () => 1, Symbol('s'), 10n, true]) {
      expect(codeOf(() => d.schedule(bad, 'x'))).toBe('ERR_INVALID_KEY');
    }
    expect(codeOf(() => d.has({}))).toBe('ERR_INVALID_KEY');
    expect(d.stats()).toMatchObject({ scheduled: 5, pending: 3 });
    await clock.advance(100);
    expect(log.length).toBe(3);
    const [k, p] = log.find(([, ps]) => ps.includes(1));
    expect(k).toBe(oid); // run gets the key as first scheduled
    expect(p).toEqual([1, 2, 3]);
  });

  test('bad options throw ERR_INVALID_SPEC naming the option', () => {
    const run = () => {};
    const cases = [
      [undefined, 'options'],
      [{}, 'options.run'],
      [{ run, wait: -1 }, 'options.wait'],
      [{ run, wait: '5' }, 'options.wait'],
      [{ run, maxWait: NaN }, 'options.maxWait'],
      [{ run, concurrency: 0 }, 'options.concurrency'],
      [{ run, concurrency: 1.5 }, 'options.concurrency'],
      [{ run, retry: 3 }, 'options.retry'],
      [{ run, retry: { attempts: 0 } }, 'options.retry.attempts'],
      [{ run, retry: { delay: -1 } }, 'options.retry.delay'],
      [{ run, retry: { factor: 0.5 } }, 'options.retry.factor'],
      [{ run, retry: { tries: 2 } }, 'options.retry.tries'],
      [{ run, onError: 'log' }, 'options.onError'],
      [{ run, timers: { now: 5 } }, 'options.timers.now'],
      [{ run, maxwait: 5 }, 'options.maxwait'],
    ];
    for (const [opts, name] of cases) {
      let err;
      try {
        new Debouncer(opts); // eslint-disable-line no-new
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(HotpathError);
      expect(err.code).toBe('ERR_INVALID_SPEC');
      expect(err.message.startsWith(name)).toBe(true);
    }
  });

  test('a run that throws synchronously and an onError that throws do not break the debouncer', async () => {
    const clock = fakeTimers();
    const errSpy = jest.spyOn(console, 'error').mockImplementation(() => {});
    try {
      let n = 0;
      const d = new Debouncer({
        wait: 1, timers: clock.timers,
        run: (k) => {
          n++;
          if (k === 'bad') throw new Error('sync');
          if (k === 'thenable') return { then: (res, rej) => rej(new Error('thenable rejects')) };
          return undefined;
        },
        onError: () => { throw new Error('onError broke'); },
      });
      d.schedule('bad');
      d.schedule('good');
      await clock.advance(10);
      expect(n).toBe(2);
      expect(errSpy).toHaveBeenCalled();
      d.schedule('good');
      d.schedule('thenable');
      await clock.advance(10);
      expect(n).toBe(4);
      expect(d.stats()).toMatchObject({ failed: 2, failedAttempts: 2, succeeded: 2 });
    } finally {
      errSpy.mockRestore();
    }
  });

  test('real timers: runs after the wait with the default clock', async () => {
    const seen = [];
    const d = new Debouncer({ wait: 20, run: (k, p) => { seen.push([k, p]); } });
    const t0 = Date.now();
    d.schedule('r', 1);
    d.schedule('r', 2);
    await new Promise((r) => setTimeout(r, 10));
    expect(seen).toEqual([]);
    while (seen.length === 0 && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 5));
    expect(seen).toEqual([['r', [1, 2]]]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(19);
  });
});

describe(`DebouncedUpdateManager facade (${backend})`, () => {
  test('the seed test: 5 updates within the window → executeVagonTotalsUpdate once', async () => {
    const clock = fakeTimers();
    const executed = [];
    const m = new DebouncedUpdateManager({ delay: 5000, timers: clock.timers, execute: async (id) => { executed.push(id); } });
    const spy = jest.spyOn(m, 'executeVagonTotalsUpdate');
    const vagonId = new ObjectId();
    for (let i = 0; i < 5; i++) {
      m.scheduleVagonTotalsUpdate(vagonId);
      await clock.advance(100);
    }
    await clock.advance(6000);
    expect(spy).toHaveBeenCalledTimes(1);
    expect(executed).toEqual([vagonId]);
    expect(m.debounceDelay).toBe(5000);
  });

  test('forceVagonTotalsUpdate runs now, replaces the pending update, and rejects with the update error', async () => {
    const clock = fakeTimers();
    const executed = [];
    let fail = false;
    const onError = jest.fn();
    const m = new DebouncedUpdateManager({
      delay: 5000, timers: clock.timers, onError,
      execute: async (id) => { executed.push(String(id)); if (fail) throw new Error('db down'); },
    });
    const id = new ObjectId();
    m.scheduleVagonTotalsUpdate(id);
    await m.forceVagonTotalsUpdate(id.toString());
    expect(executed).toEqual([id.toString()]);
    expect(m.has(id)).toBe(false);
    await clock.advance(10_000);
    expect(executed.length).toBe(1); // the pending one was replaced, not run again
    await m.forceVagonTotalsUpdate('v2'); // nothing pending: still runs, as in the seed
    expect(executed).toEqual([id.toString(), 'v2']);
    fail = true;
    await expect(m.forceVagonTotalsUpdate('v3')).rejects.toThrow('db down');
    expect(onError).toHaveBeenCalledTimes(1);
  });

  test('generic schedule(key), pending, flush, close, and errors', async () => {
    const clock = fakeTimers();
    const executed = [];
    const m = new DebouncedUpdateManager({ delay: 50, timers: clock.timers, execute: (k) => { executed.push(k); } });
    m.schedule('client:1');
    m.schedule('client:2');
    expect(m.pending).toBe(2);
    await m.flush();
    expect(executed.sort()).toEqual(['client:1', 'client:2']);
    m.schedule('client:3');
    await m.close();
    expect(executed.length).toBe(3);
    expect(() => m.schedule('x')).toThrow(expect.objectContaining({ code: 'ERR_CLOSED' }));
    expect(() => new DebouncedUpdateManager({ delay: -5 })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_SPEC' }));
    expect(() => m.has(null)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_KEY' }));
    const noExec = new DebouncedUpdateManager({ timers: fakeTimers().timers, onError: () => {} });
    await expect(noExec.forceVagonTotalsUpdate('v')).rejects.toMatchObject({ code: 'ERR_INVALID_SPEC' });
  });
});
