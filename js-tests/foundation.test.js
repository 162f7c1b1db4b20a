'use strict';
const hotpath = require('../');
const { loadBackend } = require('../lib/loader');
const { HotpathError, CODES, fromBinding, wrapBinding } = require('../lib/errors');

const expected = process.env.HOTPATH_BACKEND;

describe(`foundation (${expected})`, () => {
  test('the backend forced by HOTPATH_BACKEND is the one loaded', () => {
    expect(hotpath.backend).toBe(expected);
    expect(hotpath.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  test('a core call crosses the boundary and returns', () => {
    const { binding } = hotpath.__backend;
    expect(binding.version()).toBe(hotpath.version);
    expect(binding.moneyMinorUnit('USD')).toBe(2);
    expect(binding.moneyMinorUnit('JPY')).toBe(0);
  });

  test('benchmark-only exports are not in the released build', () => {
    const { binding } = hotpath.__backend;
    expect(binding.add).toBeUndefined();
    expect(binding.DebounceCore.prototype.scheduleKey).toBeUndefined();
    expect(binding.CompiledPipeline.prototype.buildJson).toBeUndefined();
    expect(binding.CompiledPipeline.prototype.buildValue).toBeUndefined();
    expect(Object.getOwnPropertyDescriptor(binding.CacheIndex.prototype, 'heapBytes')).toBeUndefined();
  });

  test('a panic in the core becomes HotpathError ERR_INTERNAL and the process keeps working', () => {
    const { binding } = hotpath.__backend;
    let caught;
    try {
      binding.__testPanic('from jest');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(HotpathError);
    expect(caught).toBeInstanceOf(Error);
    expect(caught.code).toBe('ERR_INTERNAL');
    expect(caught.message).toContain('deliberate test panic: from jest');
    // The backend still answers afterwards, more than once.
    for (let i = 0; i < 3; i++) expect(binding.moneyMinorUnit('USD')).toBe(2);
    expect(() => binding.__testPanic('again')).toThrow(HotpathError);
    expect(binding.version()).toBe(hotpath.version);
  });
});

describe('loader', () => {
  const failing = (backend, from) => ({ backend, from, load: () => { throw new Error(`no ${from} here`); } });
  const real = (backend) => ({ backend, from: `real ${backend}`, load: () => hotpath.__backend.raw });

  test('native failing to load ⇒ wasm is used', () => {
    const loaded = loadBackend({ env: {}, loaders: [failing('native', 'local'), failing('native', 'package'), real('wasm')] });
    expect(loaded.backend).toBe('wasm');
    expect(loaded.errors.map((e) => e.from)).toEqual(['local', 'package']);
    expect(loaded.binding.moneyMinorUnit('EUR')).toBe(2);
  });

  test('the first loader that works wins, in order', () => {
    const loaded = loadBackend({ env: {}, loaders: [real('native'), real('wasm')] });
    expect(loaded.backend).toBe('native');
    expect(loaded.errors).toEqual([]);
  });

  test('a forced backend that cannot load is an error naming it and the reason', () => {
    expect(() => loadBackend({ env: { HOTPATH_BACKEND: 'native' }, loaders: [failing('native', 'local'), real('wasm')] }))
      .toThrow(/HOTPATH_BACKEND=native.*could not be loaded[\s\S]*no local here/);
  });

  test('a forced backend skips the others', () => {
    const loaded = loadBackend({ env: { HOTPATH_BACKEND: 'wasm' }, loaders: [real('native'), real('wasm')] });
    expect(loaded.backend).toBe('wasm');
  });

  test('nothing loads ⇒ one error whose cause chains every load error', () => {
    let caught;
    try {
      loadBackend({ env: {}, loaders: [failing('native', 'a'), failing('native', 'b'), failing('wasm', 'c')] });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(Error);
    expect(caught.message).toMatch(/no backend could be loaded/);
    expect(caught.cause).toBeInstanceOf(AggregateError);
    expect(caught.cause.errors.map((e) => e.cause.message)).toEqual(['no a here', 'no b here', 'no c here']);
  });

  test('an unknown HOTPATH_BACKEND value is rejected', () => {
    expect(() => loadBackend({ env: { HOTPATH_BACKEND: 'gpu' }, loaders: [] })).toThrow(/must be 'native' or 'wasm'/);
  });
});

describe('errors', () => {
  test('HotpathError carries a stable code and is an Error', () => {
    const e = new HotpathError('ERR_INVALID_KEY', 'key must be a string, got 42');
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('HotpathError');
    expect(e.code).toBe('ERR_INVALID_KEY');
    expect(CODES).toContain('ERR_INVALID_KEY');
    expect(CODES).toHaveLength(11);
  });

  test('coded binding errors become HotpathError; foreign errors pass through', () => {
    const coded = Object.assign(new Error('limit must be ≥ 1, got 0'), { code: 'ERR_INVALID_PAGINATION' });
    const converted = fromBinding(coded);
    expect(converted).toBeInstanceOf(HotpathError);
    expect(converted.code).toBe('ERR_INVALID_PAGINATION');
    const foreign = new TypeError('not ours');
    expect(fromBinding(foreign)).toBe(foreign);
  });

  test('wrapBinding rethrows through one path for functions, constructors, methods and getters', () => {
    const boom = (code) => { throw Object.assign(new Error(code), { code }); };
    class Raw {
      constructor(bad) { if (bad) boom('ERR_INVALID_SPEC'); this.v = 1; }
      method(bad) { if (bad) boom('ERR_CLOSED'); return this.v; }
      get prop() { return boom('ERR_OVERFLOW'); }
    }
    const w = wrapBinding({ Raw, fn: (bad) => (bad ? boom('ERR_INVALID_KEY') : 7), n: 3 });
    expect(w.n).toBe(3);
    expect(w.fn(false)).toBe(7);
    expect(() => w.fn(true)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_KEY', name: 'HotpathError' }));
    expect(() => new w.Raw(true)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_SPEC' }));
    const r = new w.Raw(false);
    expect(r).toBeInstanceOf(Raw);
    expect(r.method(false)).toBe(1);
    expect(() => r.method(true)).toThrow(HotpathError);
    expect(() => r.prop).toThrow(expect.objectContaining({ code: 'ERR_OVERFLOW' }));
  });
});
