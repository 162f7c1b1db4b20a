'use strict';
/** The loaded backend, once per process (see loader.js). */
const { loadBackend } = require('./loader');

module.exports = loadBackend();
