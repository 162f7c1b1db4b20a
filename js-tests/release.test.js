'use strict';
/**
 * The release's configuration (scripts/pack.js, npm/<platform>/, scripts/tools.js) is
 * consistent: the packed main manifest can install on every platform and runs no script,
 * each platform package matches its target, the loader asks for the names that are shipped.
 * The tarballs themselves are installed and run by scripts/consumer-test.js in CI.
 */
const fs = require('node:fs');
const path = require('node:path');
const { TARGETS, mainManifest } = require('../scripts/pack');
const tools = require('../scripts/tools');
const { platformTriples, defaultLoaders } = require('../lib/loader');
const pkg = require('../package.json');

const ROOT = path.join(__dirname, '..');
const platforms = TARGETS.map((t) => t.platform);

describe(`release configuration (${process.env.HOTPATH_BACKEND})`, () => {
  test('ships the seven napi-rs platforms the issue names', () => {
    expect([...platforms].sort()).toEqual(['darwin-arm64', 'darwin-x64', 'linux-arm64-gnu', 'linux-arm64-musl',
      'linux-x64-gnu', 'linux-x64-musl', 'win32-x64-gnu']);
  });

  test('the packed main manifest: exact optional platform packages, hotpath-wasm, no scripts', () => {
    const m = mainManifest(platforms);
    expect(m.scripts).toBeUndefined();
    expect(m.devDependencies).toBeUndefined();
    expect(m.dependencies).toEqual({ 'hotpath-wasm': pkg.version });
    expect(m.optionalDependencies).toEqual(Object.fromEntries(platforms.map((p) => [`hotpath-${p}`, pkg.version])));
    expect(m.exports).toEqual(pkg.exports);
    for (const f of m.files) expect(fs.existsSync(path.join(ROOT, f))).toBe(true);
  });

  test.each(TARGETS)('npm/$platform/package.json matches its target', ({ platform, target }) => {
    const m = JSON.parse(fs.readFileSync(path.join(ROOT, 'npm', platform, 'package.json'), 'utf8'));
    const [os, cpu, libc] = platform.split('-');
    expect(m.name).toBe(`hotpath-${platform}`);
    expect(m.main).toBe(`hotpath.${platform}.node`);
    expect(m.files).toEqual([m.main]);
    expect(m.os).toEqual([os]);
    expect(m.cpu).toEqual([cpu]);
    expect(m.libc).toEqual(os === 'linux' ? [libc === 'gnu' ? 'glibc' : 'musl'] : undefined);
    expect(m.scripts).toBeUndefined();
    expect(target.split('-')[0]).toBe(cpu === 'x64' ? 'x86_64' : 'aarch64');
    expect(pkg.napi.targets).toContain(target.replace(/\.2\.17$/, ''));
  });

  test('the Rust targets the tools install are exactly the packed ones', () => {
    expect([...tools.CROSS_TARGETS].sort()).toEqual(TARGETS.map((t) => t.target.replace(/\.2\.17$/, '')).sort());
  });

  test('every platform a shipped package serves asks the loader for that package', () => {
    const cases = [['linux', 'x64', true], ['linux', 'arm64', true], ['linux', 'x64', false], ['linux', 'arm64', false],
      ['darwin', 'x64'], ['darwin', 'arm64'], ['win32', 'x64']];
    const asked = new Set(cases.flatMap(([os, arch, glibc]) => platformTriples(os, arch, glibc)));
    for (const p of platforms) expect(asked.has(p)).toBe(true);
    expect(platformTriples('win32', 'x64')).toEqual(['win32-x64-msvc', 'win32-x64-gnu']);
    const froms = defaultLoaders(['win32-x64-msvc', 'win32-x64-gnu']).map((l) => l.from);
    expect(froms).toEqual(['local hotpath.win32-x64-msvc.node', 'package hotpath-win32-x64-msvc',
      'local hotpath.win32-x64-gnu.node', 'package hotpath-win32-x64-gnu', 'local npm/wasm', 'package hotpath-wasm']);
  });

  test('the wasm-bindgen CLI the tools install is the version Cargo resolved for the crate (one pin)', () => {
    const lock = fs.readFileSync(path.join(ROOT, 'Cargo.lock'), 'utf8');
    const resolved = lock.match(/name = "wasm-bindgen"\nversion = "([^"]+)"/)[1];
    expect(tools.WASM_BINDGEN).toBe(resolved);
  });
});
