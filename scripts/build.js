#!/usr/bin/env node
'use strict';
/**
 * Builds the backends.
 *   node scripts/build.js native [--release]   napi-rs addon → ./hotpath.<triple>.node
 *   node scripts/build.js wasm [--release]     wasm-bindgen module → ./npm/wasm/
 *   node scripts/build.js prepare              both, release (the npm `prepare` hook);
 *                                              HOTPATH_SKIP_BUILD=1 skips it
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const WASM_BINDGEN_VERSION = '0.2.130'; // must equal the wasm-bindgen crate pin in bindings/wasm

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
  let version = '';
  try { version = execFileSync('wasm-bindgen', ['--version'], { encoding: 'utf8' }).trim(); } catch { /* missing */ }
  if (version !== `wasm-bindgen ${WASM_BINDGEN_VERSION}`) {
    throw new Error(`wasm-bindgen ${WASM_BINDGEN_VERSION} is required on PATH (found: ${version || 'none'}); `
      + `install it with: cargo install wasm-bindgen-cli --version ${WASM_BINDGEN_VERSION}`);
  }
  run('cargo', ['build', '-p', 'hotpath-wasm', '--target', 'wasm32-unknown-unknown', ...(release ? ['--release'] : [])]);
  const targetDir = process.env.CARGO_TARGET_DIR || path.join(ROOT, 'target');
  const wasm = path.join(targetDir, 'wasm32-unknown-unknown', release ? 'release' : 'debug', 'hotpath_wasm.wasm');
  run('wasm-bindgen', ['--target', 'nodejs', '--out-dir', 'npm/wasm', '--out-name', 'hotpath_wasm', wasm]);
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
