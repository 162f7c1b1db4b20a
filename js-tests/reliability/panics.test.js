'use strict';
/**
 * Panics (issue 8): a core panic becomes HotpathError ERR_INTERNAL and the process keeps
 * working, on this project's backend; and a static audit that every function the bindings
 * export goes through `crate::call` (which, on node, is where `catch_unwind` runs — napi-rs
 * does not catch a panic in a `#[napi]` function without it, so the panic would abort Node).
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const hotpath = require('../..');

const { HotpathError } = hotpath;
const { binding } = hotpath.__backend;
const ROOT = path.join(__dirname, '..', '..');

function usable() {
  const s = hotpath.pipeline.compile({ collection: 'c', sortable: ['a'] });
  return hotpath.money.sum([0.1, 0.2]) === 0.3 && s.build({ limit: 5 }).pipeline.some((st) => st.$limit === 5) && binding.add(2, 3) === 5;
}
function panicTimes(n) {
  let codes = 0;
  for (let i = 0; i < n; i++) {
    try { binding.__testPanic(`#${i}`); } catch (e) { if (e instanceof HotpathError && e.code === 'ERR_INTERNAL') codes++; }
  }
  return codes;
}

/** Exported functions of one binding source file that do not call `call(`. */
function unwrapped(file) {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const found = [];
  let implExported = false;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (/^impl\b/.test(l)) implExported = /#\[(napi|wasm_bindgen)/.test(lines.slice(Math.max(0, i - 3), i).join('\n'));
    else if (/^\S/.test(l) && !/^(#|\/\/|})/.test(l)) implExported = false;
    const m = l.match(/^(\s*)pub fn (\w+)/);
    if (!m) continue;
    let j = i - 1;
    let attr = false;
    while (j >= 0 && /^\s*(#\[|\/\/)/.test(lines[j])) { if (/#\[(napi|wasm_bindgen)/.test(lines[j])) attr = true; j--; }
    if (!attr && !(implExported && m[1].length > 0)) continue;
    let k = i + 1;
    const body = [l];
    while (k < lines.length && !(lines[k].startsWith(`${m[1]}}`))) body.push(lines[k++]);
    if (!/\bcall\(/.test(body.join('\n'))) found.push(`${path.relative(ROOT, file)}: ${m[2]}`);
  }
  return found;
}
const sources = ['node', 'wasm'].flatMap((b) => fs.readdirSync(path.join(ROOT, 'bindings', b, 'src'))
  .filter((f) => f.endsWith('.rs') && f !== 'error.rs').map((f) => path.join(ROOT, 'bindings', b, 'src', f)));
const missing = sources.flatMap(unwrapped);
// Trivial infallible exports that cannot panic (no indexing, no arithmetic that can overflow).
const TRIVIAL = /: (version|add)$/;

describe(`panics (${hotpath.backend})`, () => {
  test('100 panics in a row: each one is ERR_INTERNAL and everything works afterwards', () => {
    expect(panicTimes(100)).toBe(100);
    expect(usable()).toBe(true);
  });

  // wasm32-unknown-unknown aborts (traps) on panic: the trapped call never restores the
  // shadow-stack pointer, so each panic leaks its frames (~450 B here) of the 1 MiB stack.
  // After ~2300 (debug build) / 8191 (release build) panics in one process the instance is corrupted: every call then fails with
  // a raw RuntimeError "memory access out of bounds". Native (catch_unwind) is unaffected.
  // See docs/reliability.md for the fix options. Remove `.failing` once fixed.
  // Run in a child: once the wasm instance is corrupted, even wasm-bindgen's finalizers trap
  // and the uncaught RuntimeError ends the process (it would take the Jest worker down).
  (hotpath.backend === 'wasm' ? test.failing : test)('10 000 panics in one process leave the backend usable (wasm: BUG, shadow stack leak)', () => {
    const script = `const h = require(${JSON.stringify(ROOT)}); const b = h.__backend.binding; let n = 0;
      for (let i = 0; i < 10000; i++) { try { b.__testPanic('x'); } catch (e) { if (e.code === 'ERR_INTERNAL') n++; } }
      const s = h.pipeline.compile({ collection: 'c' });
      console.log('panics', n, 'usable', h.money.sum([0.1, 0.2]) === 0.3 && s.build({ limit: 5 }).pipeline.length > 0);`;
    const r = spawnSync(process.execPath, ['-e', script], { env: { ...process.env, HOTPATH_BACKEND: hotpath.backend, RUST_BACKTRACE: '0' }, encoding: 'utf8', timeout: 60_000, maxBuffer: 1 << 28 });
    // eslint-disable-next-line no-console
    console.log(`10 000 panics (${hotpath.backend}): exit ${r.status ?? r.signal}, ${r.stdout.trim() || r.stderr.trim().split('\n').find((l) => /Error/.test(l))}`);
    expect(r.stdout).toContain('panics 10000 usable true');
    expect(r.status).toBe(0);
  }, 60_000);

  // node: a panic in a #[napi] fn that bypasses call() would abort the process, so every
  // non-trivial export must go through it (wasm: the same shape, mapped by lib/errors.js).
  test('audit: every non-trivial exported binding function goes through crate::call', () => {
    expect(sources.length).toBeGreaterThan(6);
    expect(missing.filter((m) => !TRIVIAL.test(m))).toEqual([]);
  });
});
