// TypeScript CommonJS consumer (`import = require`), compiled with `tsc --strict --module nodenext`.
import hotpath = require('hotpath');
import express = require('hotpath/express');
import smoke = require('./checks.cjs');

const which: 'native' | 'wasm' = hotpath.backend;
const mw = express.cacheResponses({ cache: new hotpath.Cache({ max: 10 }) });
void [which, mw];
smoke(hotpath, 'ts-cjs');
