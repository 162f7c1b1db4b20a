'use strict';
/**
 * Panics (issue 8): a core panic becomes HotpathError ERR_INTERNAL and the process keeps
 * working, on this project's backend, in every kind of export. No export can skip the
 * mapping: the binding declares each one with `#[export]` (bindings/macros), which runs its
 * body inside `js::call` (catch_unwind on node, where napi-rs would otherwise abort Node),
 * and the binding's build script refuses a source that writes the toolkits' own attributes
 * (bindings/build.rs), so an export outside `#[export]` does not compile. The
 * hidden `__testPanic` and `PanicProbe` exports panic in each kind: a function, a
 * constructor, a getter, a `&self` and a `&mut self` method, and a method that cannot fail.
 */
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const hotpath = require('../..');

const { HotpathError } = hotpath;
const { binding } = hotpath.__backend;
const ROOT = path.join(__dirname, '..', '..');

function usable() {
  const s = hotpath.pipeline.compile({ collection: 'c', sortable: ['a'] });
  return hotpath.money.sum([0.1, 0.2]) === 0.3 && s.build({ limit: 5 }).pipeline.some((st) => st.$limit === 5) && binding.version() === hotpath.version;
}
function panicTimes(n) {
  let codes = 0;
  for (let i = 0; i < n; i++) {
    try { binding.__testPanic(`#${i}`); } catch (e) { if (e instanceof HotpathError && e.code === 'ERR_INTERNAL') codes++; }
  }
  return codes;
}
/** What `f` threw: `{ code, message }` of a HotpathError, or a description of anything else. */
function thrown(f) {
  try { f(); } catch (e) { return e instanceof HotpathError ? { code: e.code, message: e.message } : `not a HotpathError: ${e}`; }
  return 'nothing thrown';
}

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
      const before = new b.DebounceCore({ wait: 10, attempts: 1, delay: 0, factor: 2 }); before.schedule(1, 0);
      for (let i = 0; i < 10000; i++) { if (code(() => b.__testPanic('x')) === 'ERR_INTERNAL') n++; }
      const s = h.pipeline.compile({ collection: 'c' });
      console.log('panics', n, 'usable', h.money.sum([0.1, 0.2]) === 0.3 && s.build({ limit: 5 }).pipeline.length > 0 && before.has(1) && (before.schedule(2, 0), before.has(2)));`);
    // eslint-disable-next-line no-console
    console.log(`10 000 panics (${hotpath.backend}): exit ${r.status ?? r.signal}, ${r.line}`);
    expect(r.stdout).toContain('panics 10000 usable true');
    expect(r.status).toBe(0);
  }, 120_000);

  test('10 000 panics inside methods of a live object (&self and &mut self) leave it and the others usable and freeable', () => {
    const r = child(`let n = 0;
      const spec = h.pipeline.compile({ collection: 'c', sortable: ['a'] });
      const core = new b.DebounceCore({ wait: 10, attempts: 1, delay: 0, factor: 2 });
      const probe = new b.PanicProbe(false);
      for (let i = 0; i < 5000; i++) {
        if (code(() => probe.panic('p' + i)) === 'ERR_INTERNAL') n++;
        if (code(() => probe.panicMut('m' + i)) === 'ERR_INTERNAL') n++;
      }
      const ok = probe.calls === 5000 && spec.build({ limit: 5, sort: 'a' }).pipeline.some((st) => st.$limit === 5)
        && core.schedule(7, 0) === 10 && core.has(7) && free(core) && free(probe);
      console.log('panics', n, 'usable', ok);`);
    // eslint-disable-next-line no-console
    console.log(`10 000 panics in methods (${hotpath.backend}): exit ${r.status ?? r.signal}, ${r.line}`);
    expect(r.stdout).toContain('panics 10000 usable true');
    expect(r.status).toBe(0);
  }, 120_000);

  test('every kind of export turns a panic into ERR_INTERNAL with its message, and the object stays usable', () => {
    const internal = (where) => ({ code: 'ERR_INTERNAL', message: expect.stringContaining(`deliberate test panic: ${where}`) });
    expect(thrown(() => binding.__testPanic('in a function'))).toEqual(internal('in a function'));
    expect(thrown(() => new binding.PanicProbe(true))).toEqual(internal('in a constructor'));
    const probe = new binding.PanicProbe(false);
    expect(thrown(() => probe.panicking)).toEqual(internal('in a getter'));
    expect(thrown(() => probe.panic('in a &self method'))).toEqual(internal('in a &self method'));
    expect(thrown(() => probe.panicMut('in a &mut self method'))).toEqual(internal('in a &mut self method'));
    expect(thrown(() => probe.panicMut('again'))).toEqual(internal('again'));
    expect(probe.calls).toBe(2);
    // A body that cannot fail (on wasm: a plain return, no Result; js::call_plain).
    expect(thrown(() => probe.panicPlain('in an infallible method'))).toEqual(internal('in an infallible method'));
    expect(probe.calls).toBe(3);
    expect(usable()).toBe(true);
  });

  test('a panic message is read after the stack is restored, and a coded error in between changes nothing', () => {
    const spec = hotpath.pipeline.compile({ collection: 'c', sortable: ['a'] });
    const probe = new binding.PanicProbe(false);
    let err;
    try { probe.panic('here'); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(HotpathError);
    expect(err.code).toBe('ERR_INTERNAL');
    expect(err.message).toMatch(/deliberate test panic: here/);
    expect(() => spec.build({ sort: 'nope' })).toThrow(expect.objectContaining({ code: 'ERR_FORBIDDEN_OPERATOR' }));
    expect(spec.build({ sort: 'a', limit: 3 }).pipeline.some((st) => st.$limit === 3)).toBe(true);
  });

  test('trapRecovery: puts the stack pointer back, releases exactly a leftover call borrow, touches nothing else', () => {
    const { trapRecovery } = require('../../lib/errors');
    expect(trapRecovery({ version: () => '1' })).toBeNull(); // native: nothing to recover
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
});
