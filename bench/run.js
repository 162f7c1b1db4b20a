#!/usr/bin/env node
'use strict';
/**
 * `npm run bench [-- name…]`: builds the bench build (scripts/build.js bench), runs every
 * bench/*.bench.js (or the named ones), each in its own Node process with --expose-gc, and
 * writes bench/results.json.
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

// The bench build: the release code plus the benchmark-only exports (cargo feature `bench`),
// in bench/build/; cargo rebuilds only what changed.
execFileSync(process.execPath, [path.join(__dirname, '..', 'scripts', 'build.js'), 'bench'], { stdio: 'inherit' });

const only = process.argv.slice(2);
const files = fs.readdirSync(__dirname)
  .filter((f) => f.endsWith('.bench.js'))
  .filter((f) => !only.length || only.some((o) => f.startsWith(o)))
  .sort();
const resultsPath = path.join(__dirname, 'results.json');
const all = fs.existsSync(resultsPath) ? JSON.parse(fs.readFileSync(resultsPath, 'utf8')) : {};
all.machine = { node: process.version, cpus: os.cpus().length, cpu: os.cpus()[0]?.model, date: new Date().toISOString() };
all.benches = all.benches || {};
for (const file of files) {
  const out = path.join(os.tmpdir(), `hotpath-bench-${process.pid}-${file}.json`);
  console.log(`\n# ${file}`);
  execFileSync(process.execPath, ['--expose-gc', path.join(__dirname, file)], {
    stdio: 'inherit', env: { ...process.env, HOTPATH_BENCH_OUT: out },
  });
  if (fs.existsSync(out)) {
    all.benches[file.replace(/\.bench\.js$/, '')] = JSON.parse(fs.readFileSync(out, 'utf8'));
    fs.unlinkSync(out);
  }
}
fs.writeFileSync(resultsPath, `${JSON.stringify(all, null, 2)}\n`);
console.log(`\nwrote ${path.relative(process.cwd(), resultsPath)}`);
