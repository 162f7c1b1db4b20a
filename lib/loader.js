'use strict';
/**
 * Picks the backend: `HOTPATH_BACKEND` override → local `.node` → platform package → wasm.
 *
 * Every step is a loader `{ backend, from, load }`, and the list is injectable, so a test
 * can make the native steps fail and see the wasm one used. When nothing loads, one error
 * is thrown whose `cause` is an AggregateError of every load error.
 */
const path = require('node:path');
const { wrapBinding } = require('./errors');

const ROOT = path.join(__dirname, '..');

function glibcRuntime() {
  return typeof process.report?.getReport === 'function' && process.report.getReport().header?.glibcVersionRuntime;
}

/**
 * The napi-rs platform names (npm/<name>, package hotpath-<name>) this process can load,
 * best first, e.g. `['linux-x64-gnu']`. Windows lists msvc, then gnu: the release ships a
 * mingw-w64 build, which loads in the usual node.exe (it only uses Node-API).
 */
function platformTriples(platform = process.platform, arch = process.arch, glibc = platform === 'linux' && glibcRuntime()) {
  if (platform === 'linux') return [`linux-${arch}-${glibc ? 'gnu' : 'musl'}`];
  if (platform === 'win32') return [`win32-${arch}-msvc`, `win32-${arch}-gnu`];
  return [`${platform}-${arch}`];
}

/** The first (preferred) platform name of this process. */
function platformTriple(platform, arch) {
  return platformTriples(platform, arch)[0];
}

/** The default loaders, in order: local builds and platform packages, then wasm. */
function defaultLoaders(triples = platformTriples()) {
  return [
    ...triples.flatMap((triple) => [
      { backend: 'native', from: `local hotpath.${triple}.node`, load: () => require(path.join(ROOT, `hotpath.${triple}.node`)) },
      { backend: 'native', from: `package hotpath-${triple}`, load: () => require(`hotpath-${triple}`) },
    ]),
    { backend: 'wasm', from: 'local npm/wasm', load: () => require(path.join(ROOT, 'npm', 'wasm', 'hotpath_wasm.js')) },
    { backend: 'wasm', from: 'package hotpath-wasm', load: () => require('hotpath-wasm') },
  ];
}

/**
 * Loads the first binding that works.
 * @param {{ env?: Record<string, string|undefined>, loaders?: Array<{backend: 'native'|'wasm', from: string, load: () => any}> }} [options]
 * @returns {{ backend: 'native'|'wasm', from: string, binding: Record<string, any>, raw: Record<string, any>, errors: Error[] }}
 */
function loadBackend({ env = process.env, loaders = defaultLoaders() } = {}) {
  const forced = env.HOTPATH_BACKEND;
  if (forced !== undefined && forced !== '' && forced !== 'native' && forced !== 'wasm') {
    throw new Error(`hotpath: HOTPATH_BACKEND must be 'native' or 'wasm', got ${JSON.stringify(forced)}`);
  }
  const candidates = forced ? loaders.filter((l) => l.backend === forced) : loaders;
  const errors = [];
  for (const { backend, from, load } of candidates) {
    try {
      const raw = load();
      const binding = wrapBinding(raw, raw.takePanicMessage);
      return { backend, from, binding, raw, errors };
    } catch (err) {
      errors.push(Object.assign(new Error(`${from}: ${err && err.message}`, { cause: err }), { from }));
    }
  }
  const cause = new AggregateError(errors, 'every hotpath backend failed to load');
  const tried = errors.map((e) => `  - ${e.message.split('\n')[0]}`).join('\n');
  const why = forced
    ? `HOTPATH_BACKEND=${forced} is set but the ${forced} backend could not be loaded`
    : 'no backend could be loaded (build with `npm run build`, or install the platform or wasm package)';
  throw new Error(`hotpath: ${why}:\n${tried}`, { cause });
}

module.exports = { loadBackend, defaultLoaders, platformTriple, platformTriples };
