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
  // shadow-stack pointer (~450 B per panic of a 1 MiB stack: corrupted after ~2300 debug /
  // 8191 release panics before the fix) and leaves the object whose method trapped
  // borrowed. lib/errors.js puts the stack pointer back and releases that borrow after every
  // exception that came through wasm frames (docs/reliability.md, "Panics").
  // Run in a child: if the instance were corrupted, even wasm-bindgen's finalizers would trap
  // and the uncaught RuntimeError would end the process (it would take the Jest worker down).
  const child = (body) => {
    const script = `const h = require(${JSON.stringify(ROOT)}); const b = h.__backend.binding;
      const code = (f) => { try { f(); return 'none'; } catch (e) { return e instanceof h.HotpathError ? e.code : 'plain ' + e; } };
      const free = (o) => typeof o.free !== 'function' || code(() => o.free()) === 'none'; // wasm objects only
      ${body}`;
    const r = spawnSync(process.execPath, ['-e', script], { env: { ...process.env, HOTPATH_BACKEND: hotpath.backend, RUST_BACKTRACE: '0' }, encoding: 'utf8', timeout: 120_000, maxBuffer: 1 << 28 });
    return { ...r, line: r.stdout.trim() || r.stderr.trim().split('\n').find((l) => /Error/.test(l)) };
  };

  test('10 000 panics in one process leave the backend usable', () => {
    const r = child(`let n = 0;
      const before = new b.DebounceCore(10, null, 1, 0, 2); before.schedule(1, 0);
      for (let i = 0; i < 10000; i++) { if (code(() => b.__testPanic('x')) === 'ERR_INTERNAL') n++; }
      const s = h.pipeline.compile({ collection: 'c' });
      console.log('panics', n, 'usable', h.money.sum([0.1, 0.2]) === 0.3 && s.build({ limit: 5 }).pipeline.length > 0 && before.has(1) && (before.schedule(2, 0), before.has(2)));`);
    // eslint-disable-next-line no-console
    console.log(`10 000 panics (${hotpath.backend}): exit ${r.status ?? r.signal}, ${r.line}`);
    expect(r.stdout).toContain('panics 10000 usable true');
    expect(r.status).toBe(0);
  }, 120_000);

  test('10 000 panics inside methods of live objects (&self and &mut self) leave those objects usable and freeable', () => {
    const r = child(`let n = 0;
      const spec = h.pipeline.compile({ collection: 'c', sortable: ['a'] });
      const core = new b.DebounceCore(10, null, 1, 0, 2);
      for (let i = 0; i < 5000; i++) {
        if (code(() => spec.handle.__testPanic('p' + i)) === 'ERR_INTERNAL') n++;
        if (code(() => core.__testPanic('d' + i)) === 'ERR_INTERNAL') n++;
      }
      const ok = spec.build({ limit: 5, sort: 'a' }).pipeline.some((st) => st.$limit === 5)
        && core.schedule(7, 0) === 10 && core.has(7) && free(core) && free(spec.handle.raw);
      console.log('panics', n, 'usable', ok);`);
    // eslint-disable-next-line no-console
    console.log(`10 000 panics in methods (${hotpath.backend}): exit ${r.status ?? r.signal}, ${r.line}`);
    expect(r.stdout).toContain('panics 10000 usable true');
    expect(r.status).toBe(0);
  }, 120_000);

  test('a panic message is read after the stack is restored, and a coded error in between changes nothing', () => {
    const spec = hotpath.pipeline.compile({ collection: 'c', sortable: ['a'] });
    let err;
    try { spec.handle.__testPanic('here'); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(HotpathError);
    expect(err.code).toBe('ERR_INTERNAL');
    expect(err.message).toMatch(/deliberate test panic: here/);
    expect(() => spec.build({ sort: 'nope' })).toThrow(expect.objectContaining({ code: 'ERR_FORBIDDEN_OPERATOR' }));
    expect(spec.build({ sort: 'a', limit: 3 }).pipeline.some((st) => st.$limit === 3)).toBe(true);
  });

  test('trapRecovery: puts the stack pointer back, releases exactly a leftover call borrow, touches nothing else', () => {
    const { trapRecovery } = require('../../lib/errors');
    expect(trapRecovery({ add: () => 1 })).toBeNull(); // native: nothing to recover
    const sp = new WebAssembly.Global({ value: 'i32', mutable: true }, 65536);
    const memory = new WebAssembly.Memory({ initial: 1 });
    const recover = trapRecovery({ __wasmExports: () => ({ __stack_pointer: sp, memory }) });
    const m = new Int32Array(memory.buffer);
    const at = (ptr, strong, weak, flag) => { m[(ptr >> 2) - 2] = strong; m[(ptr >> 2) - 1] = weak; m[ptr >> 2] = flag; return { __wbg_ptr: ptr }; };
    const state = (ptr) => [m[(ptr >> 2) - 2], m[(ptr >> 2) - 1], m[ptr >> 2]];
    sp.value = 65536 - 448; // a trapped call's frames
    recover();
    expect(sp.value).toBe(65536);
    for (const [flag, want] of [[1, [1, 1, 0]], [-1, [1, 1, 0]], [0, [2, 1, 0]], [2, [2, 1, 2]]]) {
      const o = at(64, 2, 1, flag);
      recover(o);
      expect(state(64)).toEqual(want);
    }
    // Another layout (weak count not where expected): untouched.
    recover(at(128, 2, 0, 1));
    expect(state(128)).toEqual([2, 0, 1]);
    recover(at(192, 3, 1, 1)); // a strong count that is not one call's
    expect(state(192)).toEqual([3, 1, 1]);
    recover({ __wbg_ptr: 0 }); // a freed object
  });

  // node: a panic in a #[napi] fn that bypasses call() would abort the process, so every
  // non-trivial export must go through it (wasm: the same shape, mapped by lib/errors.js).
  test('audit: every non-trivial exported binding function goes through crate::call', () => {
    expect(sources.length).toBeGreaterThan(6);
    expect(missing.filter((m) => !TRIVIAL.test(m))).toEqual([]);
  });
});
