'use strict';
/** The public surface of hotpath (DESIGN.md, "Public API"), on the process's backend. */
const { createApi } = require('./api');

module.exports = createApi(require('./binding'));
