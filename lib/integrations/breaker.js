'use strict';
/**
 * A circuit breaker for calls to a remote dependency (TieredCache's Redis calls):
 *
 *   closed ──N consecutive failures──▶ open ──resetAfter ms──▶ half-open ──probe ok──▶ closed
 *                                        ▲                          │
 *                                        └────────probe failed──────┘
 *
 * - closed: every call goes out; a success resets the failure count.
 * - open: no call goes out (`acquire()` returns -1) until `resetAfter` ms have passed.
 * - half-open: exactly one call (the probe) goes out; the others are refused until it ends.
 *
 * No timer: the open → half-open step happens when a call or `state` asks, so an idle
 * breaker costs nothing. A call reports back with the ticket `acquire()` gave it; reports
 * of calls started before the last state change are ignored (a slow call that fails after
 * the breaker opened does not push the reopening further away).
 */

const STATES = Object.freeze(['closed', 'open', 'half-open']);

class CircuitBreaker {
  /**
   * @param {{ failures?: number, resetAfter?: number, now?: () => number,
   *   onStateChange?: (to: string, from: string) => void }} [options]
   *   failures: consecutive failures that open the breaker (default 5); resetAfter: ms open
   *   before one probe (default 30 000); now: the clock (default Date.now).
   */
  constructor({ failures = 5, resetAfter = 30_000, now, onStateChange } = {}) {
    if (!Number.isInteger(failures) || failures < 1) throw new RangeError(`breaker.failures must be an integer >= 1, got ${failures}`);
    if (typeof resetAfter !== 'number' || !(resetAfter >= 0) || resetAfter === Infinity) throw new RangeError(`breaker.resetAfter must be a finite number of ms >= 0, got ${resetAfter}`);
    this.failures = failures;
    this.resetAfter = resetAfter;
    this._now = now || (() => Date.now());
    this._onStateChange = onStateChange;
    this._state = 'closed';
    this._generation = 0; // bumped on every state change; tickets carry it
    this._consecutive = 0;
    this._openedAt = 0;
    this._probing = false;
    this._counts = { opened: 0, halfOpened: 0, closed: 0, shortCircuited: 0 };
  }

  /** 'closed' | 'open' | 'half-open' (an open breaker past resetAfter reads as half-open). */
  get state() {
    this._tick();
    return this._state;
  }

  /**
   * Asks to make a call: a ticket (>= 0) to pass to success()/failure(), or -1 when the
   * breaker refuses (open, or half-open with the probe still out).
   */
  acquire() {
    this._tick();
    if (this._state === 'closed') return this._generation;
    if (this._state === 'half-open' && !this._probing) {
      this._probing = true;
      return this._generation;
    }
    this._counts.shortCircuited += 1;
    return -1;
  }

  /** The call with `ticket` succeeded. */
  success(ticket) {
    if (ticket !== this._generation) return;
    if (this._state === 'half-open') this._to('closed');
    this._consecutive = 0;
  }

  /** The call with `ticket` failed (an error or a timeout). */
  failure(ticket) {
    if (ticket !== this._generation) return;
    if (this._state === 'half-open') {
      this._to('open');
      return;
    }
    this._consecutive += 1;
    if (this._consecutive >= this.failures) this._to('open');
  }

  /**
   * `{ state, consecutiveFailures, opened, halfOpened, closed, shortCircuited }`: the state,
   * the current run of failures, how many times each state was entered, and the calls refused.
   */
  stats() {
    return { state: this.state, consecutiveFailures: this._consecutive, ...this._counts };
  }

  _tick() {
    if (this._state === 'open' && this._now() - this._openedAt >= this.resetAfter) this._to('half-open');
  }

  _to(state) {
    const from = this._state;
    this._state = state;
    this._generation += 1;
    this._probing = false;
    if (state === 'open') {
      this._openedAt = this._now();
      this._counts.opened += 1;
    } else if (state === 'half-open') {
      this._counts.halfOpened += 1;
    } else {
      this._consecutive = 0;
      this._counts.closed += 1;
    }
    if (this._onStateChange) {
      try { this._onStateChange(state, from); } catch { /* a listener never breaks the breaker */ }
    }
  }
}

module.exports = { CircuitBreaker, STATES };
