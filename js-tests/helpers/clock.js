'use strict';

/** A manual clock for TTL tests: `clock.t` is now; pass `clock.now` as a cache's `now`. */
function clock(start = 1_000) {
  const c = { t: start, now: () => c.t };
  return c;
}

module.exports = { clock };
