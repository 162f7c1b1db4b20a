#!/usr/bin/env node
'use strict';
/**
 * `npm run pack`: writes every tarball of a release into dist/ —
 *   hotpath-<version>.tgz             the JS wrapper; optionalDependencies on every platform
 *                                     package and a dependency on hotpath-wasm, no scripts
 *   hotpath-wasm-<version>.tgz        the WebAssembly fallback
 *   hotpath-<platform>-<version>.tgz  one per native target (napi-rs names)
 *
 * It builds what is missing: each native target is cross-built here (release profile) into
 * the Cargo target folder, so a second run only re-links what changed. Every binary's format
 * and architecture is checked with `file`, the glibc floor of the gnu targets with `readelf`,
 * before anything is packed. Publishing is `npm publish dist/<file>.tgz` for each file
 * (README, "Releasing").
 *
 *   npm run pack                                 everything
 *   npm run pack -- --targets=linux-arm64-gnu    only those platforms (+ main and wasm)
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const tools = require('./tools');

const ROOT = path.join(__dirname, '..');
const DIST = path.join(ROOT, 'dist');
const TARGET_DIR = process.env.CARGO_TARGET_DIR || path.join(ROOT, 'target');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const GLIBC_FLOOR = '2.17';

/**
 * Native targets. `target` is what the build is asked for (zig's `.2.17` suffix sets the
 * glibc floor); `file` is what `file(1)` must say about the result.
 */
const TARGETS = [
  { platform: 'linux-x64-gnu', target: `x86_64-unknown-linux-gnu.${GLIBC_FLOOR}`, file: /ELF 64-bit LSB shared object, x86-64/ },
  { platform: 'linux-arm64-gnu', target: `aarch64-unknown-linux-gnu.${GLIBC_FLOOR}`, file: /ELF 64-bit LSB shared object, ARM aarch64/ },
  { platform: 'linux-x64-musl', target: 'x86_64-unknown-linux-musl', file: /ELF 64-bit LSB shared object, x86-64/ },
  { platform: 'linux-arm64-musl', target: 'aarch64-unknown-linux-musl', file: /ELF 64-bit LSB shared object, ARM aarch64/ },
  { platform: 'darwin-x64', target: 'x86_64-apple-darwin', file: /Mach-O 64-bit x86_64 dynamically linked shared library/ },
  { platform: 'darwin-arm64', target: 'aarch64-apple-darwin', file: /Mach-O 64-bit arm64 dynamically linked shared library/ },
  // MSVC needs Microsoft's CRT and SDK libraries, which cargo-xwin downloads from Microsoft:
  // no route from here (README, "Install"). The mingw-w64 build loads in the usual MSVC
  // node.exe too: it only talks to Node through Node-API, resolved at load time.
  { platform: 'win32-x64-gnu', target: 'x86_64-pc-windows-gnu', file: /PE32\+ executable \(DLL\).*x86-64/ },
];

function run(cmd, args, opts = {}) {
  console.log(`$ ${cmd} ${args.join(' ')}`);
  execFileSync(cmd, args, { stdio: 'inherit', cwd: ROOT, ...opts });
}

function text(cmd, args) {
  return execFileSync(cmd, args, { encoding: 'utf8', env: tools.env(), maxBuffer: 256 << 20 });
}

/** An import library for `-lnode`, which napi-build asks for on windows-gnu. It is empty:
 * with napi's dyn-symbols the addon takes Node-API from the host process at load time. */
function libnodeStub() {
  const dir = path.join(TARGET_DIR, 'hotpath-pack', 'libnode');
  if (!fs.existsSync(path.join(dir, 'libnode.dll.a'))) {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'node.def'), 'LIBRARY node.exe\nEXPORTS\n');
    execFileSync('x86_64-w64-mingw32-dlltool', ['--def', 'node.def', '--dllname', 'node.exe', '--output-lib', 'libnode.dll.a'], { cwd: dir, env: tools.env() });
    fs.writeFileSync(path.join(dir, 'libnode.dll'), ''); // napi-build only checks that it exists; ld takes libnode.dll.a first
  }
  return dir;
}

/** Cross-builds one target (release) into npm/<platform>/hotpath.<platform>.node. */
function buildTarget(t) {
  const out = path.join(TARGET_DIR, 'hotpath-pack', t.platform);
  fs.mkdirSync(out, { recursive: true });
  const windows = t.platform.startsWith('win32');
  const env = { ...tools.env(), CARGO_TARGET_DIR: TARGET_DIR };
  if (windows) {
    env.LIBNODE_PATH = libnodeStub();
    env.CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER = 'x86_64-w64-mingw32-gcc';
  }
  run(path.join(ROOT, 'node_modules', '.bin', 'napi'), ['build', '--platform', '--release',
    // zig links every non-Windows target (cargo-zigbuild); napi refuses -x for windows-gnu.
    ...(windows ? [] : ['--cross-compile']), '--target', t.target,
    '--manifest-path', 'bindings/Cargo.toml', '--package-json-path', 'package.json',
    '--output-dir', path.relative(ROOT, out), '--no-js', '--dts', 'binding.d.ts'], { env });
  const file = `hotpath.${t.platform}.node`;
  fs.copyFileSync(path.join(out, file), path.join(ROOT, 'npm', t.platform, file));
}

/** Refuses a binary of the wrong format, architecture or glibc floor. Returns a summary. */
function checkBinary(t) {
  const bin = path.join(ROOT, 'npm', t.platform, `hotpath.${t.platform}.node`);
  const desc = text('file', ['-b', bin]).trim();
  if (!t.file.test(desc)) throw new Error(`${t.platform}: file(1) says "${desc}", expected ${t.file}`);
  let extra = '';
  if (t.platform.startsWith('linux')) {
    const needed = [...text('readelf', ['-d', bin]).matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1]);
    const glibc = [...new Set(text('readelf', ['-V', bin]).match(/GLIBC_[0-9.]+/g) || [])]
      .map((v) => v.slice(6)).sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
    const max = glibc[glibc.length - 1];
    if (t.platform.endsWith('-gnu')) {
      if (!max || max.localeCompare(GLIBC_FLOOR, undefined, { numeric: true }) > 0) {
        throw new Error(`${t.platform}: needs GLIBC_${max}, above the ${GLIBC_FLOOR} floor`);
      }
      extra = `, max GLIBC_${max}`;
    } else {
      if (glibc.length) throw new Error(`${t.platform}: musl build references glibc symbol versions ${glibc.join(', ')}`);
      if (needed.some((n) => /^(libc\.so\.6|libgcc_s)/.test(n))) throw new Error(`${t.platform}: links ${needed.join(', ')}`);
      extra = ', no GLIBC_ versions';
    }
    extra += `, needs ${needed.join(' ')}`;
  } else if (t.platform.startsWith('win32')) {
    const dlls = [...text('x86_64-w64-mingw32-objdump', ['-p', bin]).matchAll(/DLL Name: (\S+)/g)].map((m) => m[1]);
    if (dlls.some((d) => /^node(\.exe)?$/i.test(d) || /^libgcc|^libwinpthread|^libstdc/i.test(d))) {
      throw new Error(`${t.platform}: imports ${dlls.join(', ')} (expected only system DLLs)`);
    }
    extra = `, imports ${dlls.join(' ')}`;
  }
  return `${t.platform}: ${desc.split(',').slice(0, 2).join(',')}${extra}`;
}

/** Copies a package folder's listed files into a stage folder, with a rewritten package.json. */
function stage(name, fromDir, manifest) {
  const dir = path.join(DIST, '.stage', name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (const f of [...(manifest.files || []), 'README.md']) {
    const src = path.join(fromDir, f);
    if (!fs.existsSync(src)) {
      if (f === 'README.md') continue;
      throw new Error(`${name}: ${f} is missing (build first)`);
    }
    fs.cpSync(src, path.join(dir, f), { recursive: true });
  }
  fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const file = execFileSync('npm', ['pack', '--silent', '--pack-destination', DIST], { cwd: dir, encoding: 'utf8' }).trim().split('\n').pop();
  return path.join(DIST, file);
}

/** The main package's manifest: no scripts, no dev dependencies, its backends as dependencies. */
function mainManifest(platforms) {
  const { scripts, devDependencies, napi, ...rest } = pkg;
  return {
    ...rest,
    dependencies: { ...(pkg.dependencies || {}), 'hotpath-wasm': pkg.version },
    optionalDependencies: Object.fromEntries(platforms.map((p) => [`hotpath-${p}`, pkg.version])),
  };
}

function main() {
  const only = (process.argv.find((a) => a.startsWith('--targets=')) || '').slice(10);
  const targets = only ? TARGETS.filter((t) => only.split(',').includes(t.platform)) : TARGETS;
  if (only && targets.length !== only.split(',').length) throw new Error(`unknown platform in ${only}; known: ${TARGETS.map((t) => t.platform).join(', ')}`);
  tools.ensure('wasm-target', 'wasm-bindgen', 'cross-targets', 'zig', 'cargo-zigbuild', 'mingw');
  const t0 = Date.now();
  for (const t of targets) {
    console.log(`\n=== build ${t.platform} (${t.target})`);
    const s = Date.now();
    buildTarget(t);
    console.log(`=== ${t.platform} built in ${Math.round((Date.now() - s) / 1000)} s`);
  }
  console.log('\n=== build wasm');
  run(process.execPath, [path.join(__dirname, 'build.js'), 'wasm', '--release'], { env: tools.env() });
  console.log(`\n=== binaries (built in ${Math.round((Date.now() - t0) / 1000)} s)`);
  for (const t of targets) console.log(checkBinary(t));
  const wasm = text('file', ['-b', path.join(ROOT, 'npm', 'wasm', 'hotpath_wasm_bg.wasm')]).trim();
  if (!/^WebAssembly \(wasm\) binary module/.test(wasm)) throw new Error(`wasm: file(1) says "${wasm}"`);
  console.log(`wasm: ${wasm}`);

  fs.mkdirSync(DIST, { recursive: true });
  for (const f of fs.readdirSync(DIST)) if (f.endsWith('.tgz')) fs.rmSync(path.join(DIST, f));
  const written = [];
  for (const t of targets) {
    const dir = path.join(ROOT, 'npm', t.platform);
    const manifest = { ...JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')), version: pkg.version };
    written.push(stage(`hotpath-${t.platform}`, dir, manifest));
  }
  const wasmDir = path.join(ROOT, 'npm', 'wasm');
  written.push(stage('hotpath-wasm', wasmDir, { ...JSON.parse(fs.readFileSync(path.join(wasmDir, 'package.json'), 'utf8')), version: pkg.version }));
  written.push(stage('hotpath', ROOT, mainManifest(TARGETS.map((t) => t.platform))));
  fs.rmSync(path.join(DIST, '.stage'), { recursive: true, force: true });
  console.log('\n=== dist/');
  for (const f of written) console.log(`${path.relative(ROOT, f)}  ${(fs.statSync(f).size / 1024).toFixed(0)} KiB`);
  const missing = TARGETS.filter((t) => !targets.includes(t)).map((t) => t.platform);
  if (missing.length) console.log(`not built this run (--targets): ${missing.join(', ')}`);
}

module.exports = { TARGETS, mainManifest, GLIBC_FLOOR };

if (require.main === module) {
  try {
    main();
  } catch (err) {
    console.error(`\npack failed: ${err.message}`);
    process.exit(1);
  }
}
