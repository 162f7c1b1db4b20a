#!/usr/bin/env node
'use strict';
/**
 * Builds the backends.
 *   node scripts/build.js native [--release]   napi-rs addon → ./hotpath.<triple>.node
 *   node scripts/build.js wasm [--release]     wasm-bindgen module → ./npm/wasm/
 *   node scripts/build.js prepare              both, release (the npm `prepare` hook);
 *                                              HOTPATH_SKIP_BUILD=1 skips it
 * The wasm build installs what it lacks first (the wasm32 target, the pinned wasm-bindgen-cli
 * into the project's tool folder: scripts/tools.js), one progress line each.
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const tools = require('./tools');

const ROOT = path.join(__dirname, '..');

function run(cmd, args, opts = {}) {
  console.log(`$ ${cmd} ${args.join(' ')}`);
  execFileSync(cmd, args, { stdio: 'inherit', cwd: ROOT, ...opts });
}

function buildNative(release) {
  const napi = path.join(ROOT, 'node_modules', '.bin', 'napi');
  run(napi, ['build', '--platform', ...(release ? ['--release'] : []),
    '--manifest-path', 'bindings/node/Cargo.toml', '--package-json-path', 'package.json',
    '--output-dir', '.', '--no-js', '--dts', 'bindings/node/binding.d.ts']);
}

function buildWasm(release) {
  const env = tools.ensure('wasm-target', 'wasm-bindgen');
  run('cargo', ['build', '-p', 'hotpath-wasm', '--target', 'wasm32-unknown-unknown', ...(release ? ['--release'] : [])]);
  const targetDir = process.env.CARGO_TARGET_DIR || path.join(ROOT, 'target');
  const wasm = path.join(targetDir, 'wasm32-unknown-unknown', release ? 'release' : 'debug', 'hotpath_wasm.wasm');
  run('wasm-bindgen', ['--target', 'nodejs', '--out-dir', 'npm/wasm', '--out-name', 'hotpath_wasm', wasm], { env });
}

const [what, ...flags] = process.argv.slice(2);
const release = flags.includes('--release');
if (what === 'native') buildNative(release);
else if (what === 'wasm') buildWasm(release);
else if (what === 'prepare') {
  if (process.env.HOTPATH_SKIP_BUILD) {
    console.log('hotpath: HOTPATH_SKIP_BUILD is set, skipping the build');
  } else if (!fs.existsSync(path.join(ROOT, 'Cargo.toml'))) {
    console.log('hotpath: no Cargo.toml (installed from the registry), nothing to build');
  } else {
    buildNative(true);
    buildWasm(true);
  }
} else {
  console.error('usage: node scripts/build.js native|wasm|prepare [--release]');
  process.exit(2);
}
