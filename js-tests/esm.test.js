'use strict';
/**
 * ESM importers get every name a CommonJS `require` gets, from the main entry and from each
 * subpath export, on the backend of this Jest project (the child inherits HOTPATH_BACKEND).
 * The main entry builds its API at run time, so index.js lists the names for Node's
 * cjs-module-lexer; this test fails when a new export is missing from that list.
 */
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const pkg = require('../package.json');

const ROOT = path.join(__dirname, '..');
const entries = Object.keys(pkg.exports)
  .filter((k) => k !== './package.json')
  .map((k) => (k === '.' ? 'hotpath' : `hotpath/${k.slice(2)}`));

/** Runs an ES module (by package self-reference) and returns its JSON output. */
function esm(source) {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', source], {
    cwd: ROOT, encoding: 'utf8', env: process.env,
  });
  return JSON.parse(out);
}

describe(`ESM imports (${process.env.HOTPATH_BACKEND})`, () => {
  test.each(entries)('%s: every CommonJS export is a named ES export', (entry) => {
    const cjs = Object.keys(require(entry === 'hotpath' ? '../' : `../${pkg.exports[`./${entry.slice(8)}`].default}`)).sort();
    const names = esm(`const ns = await import(${JSON.stringify(entry)}); console.log(JSON.stringify(Object.keys(ns).filter((k) => k !== 'default' && k !== 'module.exports').sort()));`);
    expect(cjs.length).toBeGreaterThan(0);
    expect(names).toEqual(cjs);
  });

  test('named imports of the main entry work and are the CommonJS objects', () => {
    const r = esm(`
      import { Cache, money, pipeline, backend } from 'hotpath';
      import hotpath from 'hotpath';
      import { createRequire } from 'node:module';
      const cjs = createRequire(import.meta.url)('hotpath');
      const c = new Cache({ max: 10 });
      c.set('client:1:a', 1).set('client:2:a', 2);
      const removed = c.invalidate(/^client:1:/);
      console.log(JSON.stringify({ backend, removed, left: c.get('client:2:a'), sum: money.sum([0.1, 0.2]),
        same: hotpath === cjs && hotpath.Cache === Cache, compile: typeof pipeline.compile }));`);
    expect(r).toEqual({ backend: process.env.HOTPATH_BACKEND, removed: 1, left: 2, sum: 0.3, same: true, compile: 'function' });
  });
});
