'use strict';
/**
 * A controllable clock + timer API for Debouncer's `timers` option: time only moves when
 * the test advances it; every setTimeout / clearTimeout is counted so tests can check the
 * one-timer guarantee.
 */
function fakeTimers(start = 0) {
  let now = start;
  const live = new Map(); // handle -> { at, fn }
  const counts = { set: 0, cleared: 0, fired: 0, maxLive: 0, unrefd: 0 };
  const timers = {
    now: () => now,
    setTimeout(fn, ms) {
      const handle = { unref() { counts.unrefd++; return this; } };
      live.set(handle, { at: now + ms, fn });
      counts.set++;
      counts.maxLive = Math.max(counts.maxLive, live.size);
      return handle;
    },
    clearTimeout(handle) {
      if (live.delete(handle)) counts.cleared++;
    },
  };
  /** Lets promise chains and setImmediate callbacks run. */
  async function settle(turns = 4) {
    for (let i = 0; i < turns; i++) await new Promise((r) => setImmediate(r));
  }
  /** Moves the clock to `t`, firing (in order) every timer due at or before it. */
  async function advanceTo(t) {
    for (;;) {
      // Work already queued (a run that just ended, a pump) happens at the current time,
      // before the clock jumps: otherwise it would observe the time of the jump's end.
      await settle();
      let next = null;
      for (const [h, e] of live) if (e.at <= t && (next === null || e.at < next[1].at)) next = [h, e];
      if (next === null) break;
      live.delete(next[0]);
      now = Math.max(now, next[1].at);
      counts.fired++;
      next[1].fn();
      await settle();
    }
    now = Math.max(now, t);
    await settle();
  }
  return {
    timers, counts, settle, advanceTo,
    advance: (ms) => advanceTo(now + ms),
    get now() { return now; },
    get live() { return live.size; },
  };
}

/** A promise with its resolve / reject exposed. */
function deferred() {
  let resolve; let reject;
  const promise = new Promise((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}

module.exports = { fakeTimers, deferred };
