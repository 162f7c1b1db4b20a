'use strict';
// CommonJS consumer: `node smoke.cjs` inside an app that installed hotpath.
require('./checks.cjs')(require('hotpath'), 'cjs');
