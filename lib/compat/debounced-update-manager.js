'use strict';
/** Seed facade: `DebouncedUpdateManager` of the original design (`server/utils/debouncedUpdates.js`). */
const args = require('../args');
const { HotpathError } = require('../errors');
const { apiOf, internals } = require('../internal');

const SPEC = 'ERR_INVALID_SPEC';

/**
 * The seed's `DebouncedUpdateManager` (server/utils/debouncedUpdates.js) on a Debouncer:
 * same method names and argument order, one timer instead of one per vagon, no overlap
 * of two updates of one vagon, and failures reported instead of leaving the key stuck.
 */
class DebouncedUpdateManager {
  #execute;
  #debouncer;

  /**
   * @param {object} [options]
   * @param {number} [options.delay=5000] the debounce delay (the seed's `debounceDelay`)
   * @param {(vagonId: any) => any} [options.execute] the update (the seed's
   *   `executeVagonTotalsUpdate` body: recalculate totals, invalidate the cache)
   * @param {(key: any, err: unknown) => void} [options.onError] default: log to stderr
   * @param {number} [options.maxWait] @param {number} [options.concurrency]
   * @param {{ attempts?: number, delay?: number, factor?: number }} [options.retry]
   * @param {object} [options.timers]
   */
  constructor(options = {}) {
    args.object(SPEC, 'options', options);
    const { delay = 5000, execute, onError, ...rest } = options;
    args.number(SPEC, 'options.delay', delay);
    args.optional(args.func, SPEC, 'options.execute', execute);
    this.debounceDelay = delay;
    this.#execute = execute;
    const { Debouncer } = apiOf(new.target);
    this.#debouncer = new Debouncer({
      ...rest,
      wait: delay,
      run: (key) => this.executeVagonTotalsUpdate(key),
      onError: onError === undefined
        ? (key, err) => console.error(`Debounced vagon totals update failed: ${err && err.message}`)
        : args.func(SPEC, 'options.onError', onError),
    });
  }

  /**
   * Schedules a debounced totals update of `vagonId` (string or ObjectId).
   * @param {any} vagonId
   */
  scheduleVagonTotalsUpdate(vagonId) {
    this.#debouncer.schedule(vagonId);
  }

  /**
   * Schedules a debounced `execute(key)` for any key.
   * @param {any} key
   */
  schedule(key) {
    this.#debouncer.schedule(key);
  }

  /**
   * Runs the update (override it, spy on it, or pass `execute`).
   * @param {any} vagonId
   */
  async executeVagonTotalsUpdate(vagonId) {
    if (this.#execute === undefined) {
      throw new HotpathError('ERR_INVALID_SPEC', 'options.execute is not set: pass execute or override executeVagonTotalsUpdate');
    }
    return this.#execute(vagonId);
  }

  /**
   * Updates now, replacing the pending debounced update (if a run is in progress, right
   * after it). Rejects with the update's error, as the seed did.
   * @param {any} vagonId
   * @returns {Promise<void>}
   */
  async forceVagonTotalsUpdate(vagonId) {
    this.#debouncer.schedule(vagonId);
    const r = await internals(this.#debouncer).flushKey(vagonId);
    if (r && !r.ok) throw r.error;
  }

  /** Whether an update of `key` is waiting. @param {any} key */
  has(key) {
    return this.#debouncer.has(key);
  }

  /** Updates waiting. */
  get pending() {
    return this.#debouncer.pending;
  }

  /** Runs every waiting update now. */
  flush() {
    return this.#debouncer.flush();
  }

  /** Flushes and stops accepting updates. @param {{ flush?: boolean }} [options] */
  close(options) {
    return this.#debouncer.close(options);
  }

  /** The underlying Debouncer's counters. */
  stats() {
    return this.#debouncer.stats();
  }
}

module.exports = { DebouncedUpdateManager };
