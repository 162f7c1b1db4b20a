#!/usr/bin/env node
'use strict';
/**
 * `npm test`: the core's Rust tests, the Jest suites on both backends (Node of this
 * process, then Node 24 from the tool folder, scripts/tools.js), and the TypeScript check of
 * index.d.ts usage. Every step runs; the exit code is non-zero if any failed. The last line
 * is `tests: N passed, N failed` over Rust and Jest tests together.
 *
 *   npm test                 everything
 *   npm test -- --only=jest  one step (rust | jest | node24 | types)
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const only = (process.argv.find((a) => a.startsWith('--only=')) || '').slice(7);
const extra = process.argv.slice(2).filter((a) => !a.startsWith('--only='));
const tools = require('./tools');

// What a fresh machine lacks is installed here, one progress line each (scripts/tools.js).
if (!only || only === 'jest' || only === 'node24') tools.ensure('redis-server');
if (!only || only === 'node24') tools.ensure('node24');
const node24 = tools.TOOLS.node24.path();
const jestBin = path.join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js');
let passed = 0;
let failed = 0;
const failures = [];

function step(name, cmd, args, parse) {
  if (only && only !== name) return;
  console.log(`\n=== ${name}: ${path.basename(cmd)} ${args.join(' ')}`);
  const res = spawnSync(cmd, args, { cwd: ROOT, stdio: parse ? ['inherit', 'pipe', 'inherit'] : 'inherit', encoding: 'utf8' });
  if (parse) process.stdout.write(res.stdout || '');
  const counts = parse ? parse(res.stdout || '') : null;
  if (counts) { passed += counts.passed; failed += counts.failed; }
  if (res.status !== 0) failures.push(`${name} (exit ${res.status ?? res.signal})`);
}

function cargoCounts(out) {
  let p = 0; let f = 0;
  for (const m of out.matchAll(/test result: \w+\. (\d+) passed; (\d+) failed/g)) { p += +m[1]; f += +m[2]; }
  return { passed: p, failed: f };
}

function jestStep(name, nodeBin) {
  if (only && only !== name) return;
  const out = path.join(os.tmpdir(), `hotpath-jest-${process.pid}-${name}.json`);
  step(name, nodeBin, [jestBin, '--json', `--outputFile=${out}`, ...extra]);
  if (fs.existsSync(out)) {
    const r = JSON.parse(fs.readFileSync(out, 'utf8'));
    passed += r.numPassedTests; failed += r.numFailedTests;
    fs.unlinkSync(out);
  } else {
    failures.push(`${name} (no Jest report)`);
  }
}

for (const f of [`hotpath.linux-x64-gnu.node`, 'npm/wasm/hotpath_wasm.js']) {
  if (process.platform === 'linux' && !fs.existsSync(path.join(ROOT, f))) {
    console.error(`missing ${f}: run \`npm run build\` (or \`npm run build:debug\`) first`);
    process.exit(1);
  }
}

step('rust', 'cargo', ['test', '-p', 'hotpath-core'], cargoCounts);
jestStep('jest', process.execPath);
if (fs.existsSync(node24)) jestStep('node24', node24);
else if (!only) failures.push(`node24 (${node24} is missing)`);
step('types', process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'js-tests/types/tsconfig.json']);

console.log(failures.length ? `\nfailed steps: ${failures.join(', ')}` : '\nall steps passed');
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(failures.length ? 1 : 0);
