'use strict';
/** The JS half of the `debounce` hot path (built in its own issue). */

/**
 * Builds this module's public API on top of one loaded binding.
 * @param {Record<string, any>} binding the wrapped binding (lib/loader.js)
 */
function create(binding) { // eslint-disable-line no-unused-vars
  return {};
}

module.exports = { create };
