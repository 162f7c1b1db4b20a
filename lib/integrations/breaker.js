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
  #now;
  #onStateChange;
  #state;
  #generation;
  #consecutive;
  #openedAt;
  #probing;
  #counts;

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
    this.#now = now || (() => Date.now());
    this.#onStateChange = onStateChange;
    this.#state = 'closed';
    this.#generation = 0; // bumped on every state change; tickets carry it
    this.#consecutive = 0;
    this.#openedAt = 0;
    this.#probing = false;
    this.#counts = { opened: 0, halfOpened: 0, closed: 0, shortCircuited: 0 };
  }

  /** 'closed' | 'open' | 'half-open' (an open breaker past resetAfter reads as half-open). */
  get state() {
    this.#tick();
    return this.#state;
  }

  /**
   * Asks to make a call: a ticket (>= 0) to pass to success()/failure(), or -1 when the
   * breaker refuses (open, or half-open with the probe still out).
   */
  acquire() {
    this.#tick();
    if (this.#state === 'closed') return this.#generation;
    if (this.#state === 'half-open' && !this.#probing) {
      this.#probing = true;
      return this.#generation;
    }
    this.#counts.shortCircuited += 1;
    return -1;
  }

  /** The call with `ticket` succeeded. */
  success(ticket) {
    if (ticket !== this.#generation) return;
    if (this.#state === 'half-open') this.#to('closed');
    this.#consecutive = 0;
  }

  /** The call with `ticket` failed (an error or a timeout). */
  failure(ticket) {
    if (ticket !== this.#generation) return;
    if (this.#state === 'half-open') {
      this.#to('open');
      return;
    }
    this.#consecutive += 1;
    if (this.#consecutive >= this.failures) this.#to('open');
  }

  /**
   * `{ state, consecutiveFailures, opened, halfOpened, closed, shortCircuited }`: the state,
   * the current run of failures, how many times each state was entered, and the calls refused.
   */
  stats() {
    return { state: this.state, consecutiveFailures: this.#consecutive, ...this.#counts };
  }

  #tick() {
    if (this.#state === 'open' && this.#now() - this.#openedAt >= this.resetAfter) this.#to('half-open');
  }

  #to(state) {
    const from = this.#state;
    this.#state = state;
    this.#generation += 1;
    this.#probing = false;
    if (state === 'open') {
      this.#openedAt = this.#now();
      this.#counts.opened += 1;
    } else if (state === 'half-open') {
      this.#counts.halfOpened += 1;
    } else {
      this.#consecutive = 0;
      this.#counts.closed += 1;
    }
    if (this.#onStateChange) {
      try { this.#onStateChange(state, from); } catch { /* a listener never breaks the breaker */ }
    }
  }
}

module.exports = { CircuitBreaker, STATES };
