#!/usr/bin/env node
'use strict';
/**
 * Builds the backends from the one binding crate, `bindings/` (napi-rs on the host target,
 * wasm-bindgen on wasm32; bindings/build.rs picks).
 *   node scripts/build.js native [--release]   napi-rs addon → ./hotpath.<triple>.node, and
 *                                              bindings/binding.d.ts regenerated
 *   node scripts/build.js wasm [--release]     wasm-bindgen module (wasm-pack) → ./npm/wasm/
 *   node scripts/build.js bench                both, release, with the `bench` feature (the
 *                                              exports only benchmarks use) → bench/build/
 *   node scripts/build.js prepare              both, release (the npm `prepare` hook);
 *                                              HOTPATH_SKIP_BUILD=1 skips it
 * The wasm build installs what it lacks first (the wasm32 target, the wasm-bindgen CLI of the
 * crate's pin and wasm-pack, into the project's tool folder: scripts/tools.js), one progress
 * line each.
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const tools = require('./tools');

const ROOT = path.join(__dirname, '..');
const MANIFEST = 'bindings/Cargo.toml';
/** Where the bench build goes (bench/harness.js loads it from there). */
const BENCH_DIR = 'bench/build';

function run(cmd, args, opts = {}) {
  console.log(`$ ${cmd} ${args.join(' ')}`);
  execFileSync(cmd, args, { stdio: 'inherit', cwd: ROOT, ...opts });
}

/**
 * @param {{ release: boolean, outDir?: string, dts?: string, features?: string[] }} o
 *   dts: relative to outDir
 */
function buildNative({ release, outDir = '.', dts = 'bindings/binding.d.ts', features = [] }) {
  const napi = path.join(ROOT, 'node_modules', '.bin', 'napi');
  run(napi, ['build', '--platform', ...(release ? ['--release'] : []),
    '--manifest-path', MANIFEST, '--package-json-path', 'package.json',
    '--output-dir', outDir, '--no-js', '--dts', dts,
    ...(features.length ? ['--features', features.join(' ')] : [])]);
}

/** The files of the wasm package that the build makes (npm/wasm/package.json lists them). */
const WASM_FILES = ['hotpath_wasm.js', 'hotpath_wasm.d.ts', 'hotpath_wasm_bg.wasm', 'hotpath_wasm_bg.wasm.d.ts'];

/** @param {{ release: boolean, outDir?: string, features?: string[] }} o */
function buildWasm({ release, outDir = 'npm/wasm', features = [] }) {
  // wasm-pack runs cargo for wasm32, then the wasm-bindgen CLI of the version in Cargo.lock
  // (the one the tools install, found on PATH). It writes into a scratch folder: it deletes a
  // package.json it finds in its output folder (npm/wasm/ holds the committed one) and adds a
  // .gitignore there. wasm-release is the release profile without stripping (Cargo.toml); no
  // wasm-opt (binaryen would be a download from GitHub).
  const env = tools.ensure('wasm-target', 'wasm-bindgen', 'wasm-pack');
  const targetDir = process.env.CARGO_TARGET_DIR || path.join(ROOT, 'target');
  const scratch = path.join(targetDir, 'wasm-pack', outDir.replace(/[\\/]/g, '_'));
  fs.rmSync(scratch, { recursive: true, force: true });
  run('wasm-pack', ['build', 'bindings', '--target', 'nodejs', '--out-dir', scratch, '--out-name', 'hotpath_wasm',
    '--no-pack', '--no-opt', '--profile', release ? 'wasm-release' : 'dev',
    ...(features.length ? ['--', '--features', features.join(',')] : [])], { env });
  fs.mkdirSync(path.join(ROOT, outDir), { recursive: true });
  for (const f of WASM_FILES) fs.copyFileSync(path.join(scratch, f), path.join(ROOT, outDir, f));
}

/** Both backends with the benchmark-only exports, into bench/build/ (never shipped). */
function buildBench() {
  fs.mkdirSync(path.join(ROOT, BENCH_DIR), { recursive: true });
  buildNative({ release: true, outDir: BENCH_DIR, dts: 'binding.d.ts', features: ['bench'] });
  buildWasm({ release: true, outDir: path.join(BENCH_DIR, 'wasm'), features: ['bench'] });
}

const [what, ...flags] = process.argv.slice(2);
const release = flags.includes('--release');
if (what === 'native') buildNative({ release });
else if (what === 'wasm') buildWasm({ release });
else if (what === 'bench') buildBench();
else if (what === 'prepare') {
  if (process.env.HOTPATH_SKIP_BUILD) {
    console.log('hotpath: HOTPATH_SKIP_BUILD is set, skipping the build');
  } else if (!fs.existsSync(path.join(ROOT, 'Cargo.toml'))) {
    console.log('hotpath: no Cargo.toml (installed from the registry), nothing to build');
  } else {
    buildNative({ release: true });
    buildWasm({ release: true });
  }
} else {
  console.error('usage: node scripts/build.js native|wasm|bench|prepare [--release]');
  process.exit(2);
}
