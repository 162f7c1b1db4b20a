'use strict';
/**
 * HotpathError and the one place where errors coming out of either binding become one.
 *
 * Both backends throw a plain `Error` whose `code` is a stable `ERR_*` string (the core's
 * error enum, mapped once per binding). A wasm trap (a Rust panic on wasm32) arrives as a
 * `WebAssembly.RuntimeError`; it becomes `ERR_INTERNAL` with the panic message, after
 * {@link trapRecovery} has undone what the trapped call left behind in the instance.
 */

/** The stable error codes (DESIGN.md, "Errors"). */
const CODES = Object.freeze([
  'ERR_INVALID_PAGINATION',
  'ERR_INVALID_SPEC',
  'ERR_FORBIDDEN_OPERATOR',
  'ERR_INVALID_CURSOR',
  'ERR_PATTERN_UNSUPPORTED',
  'ERR_INVALID_KEY',
  'ERR_INVALID_AMOUNT',
  'ERR_UNKNOWN_CURRENCY',
  'ERR_OVERFLOW',
  'ERR_CLOSED',
  'ERR_INTERNAL',
]);
const KNOWN = new Set(CODES);

/** An error raised by hotpath, with a stable `code` from {@link CODES}. */
class HotpathError extends Error {
  /**
   * @param {string} code one of CODES
   * @param {string} message names the offending parameter and value
   * @param {{ cause?: unknown }} [options]
   */
  constructor(code, message, options) {
    super(message, options);
    this.name = 'HotpathError';
    this.code = code;
  }
}

/**
 * Converts whatever a binding threw into a HotpathError (or returns it unchanged when it is
 * not ours, e.g. a TypeError from argument conversion).
 * @param {unknown} err
 * @param {() => (string | null | undefined)} [takePanicMessage] reads the wasm panic hook
 */
function fromBinding(err, takePanicMessage) {
  if (err instanceof HotpathError) return err;
  if (err && typeof err === 'object' && KNOWN.has(err.code)) {
    return new HotpathError(err.code, err.message);
  }
  if (typeof WebAssembly !== 'undefined' && err instanceof WebAssembly.RuntimeError) {
    const panic = takePanicMessage ? takePanicMessage() : null;
    return new HotpathError('ERR_INTERNAL', `internal error (panic in hotpath core): ${panic || err.message}`, { cause: err });
  }
  return err;
}

/** Throws `new HotpathError(code, message)`; a helper for argument checks in lib/. */
function fail(code, message) {
  throw new HotpathError(code, message);
}

/**
 * What a trap leaves behind in a wasm instance, undone. A trap (or any JS exception thrown
 * through wasm frames) skips the epilogues of the calls it unwinds: the shadow-stack
 * pointer keeps their frames (each panic used to leak ~128–450 bytes of the 1 MiB stack
 * until, after ~8 000 panics, every call failed), and wasm-bindgen's borrow of the object
 * whose method was running is never released (later `&mut self` calls and `free()` then
 * fail with "recursive use of an object"). The wasm binding exports `__stack_pointer`
 * (bindings/build.rs) and hands over the instance's exports (`__wasmExports`).
 * Calls into the binding are never nested (no export calls back into JS code that calls
 * hotpath), so when an exception reaches this wrapper no wasm frame is live: the pointer
 * goes back to its value at load time and any borrow still held on `target` is stale.
 * @param {Record<string, any>} raw the raw binding
 * @returns {((target?: { __wbg_ptr?: number }) => void) | null} null when `raw` is not the wasm binding
 */
function trapRecovery(raw) {
  if (typeof WebAssembly === 'undefined' || !raw || typeof raw.__wasmExports !== 'function') return null;
  const ex = raw.__wasmExports();
  const sp = ex && ex.__stack_pointer;
  if (!(sp instanceof WebAssembly.Global) || !(ex.memory instanceof WebAssembly.Memory)) return null;
  const resting = sp.value; // read while no call is running
  return (target) => {
    if (sp.value !== resting) sp.value = resting;
    const ptr = target && target.__wbg_ptr;
    if (!ptr) return;
    // An exported object is an Rc<WasmRefCell<T>> and `__wbg_ptr` is Rc::into_raw: the
    // RefCell's borrow flag is the i32 at ptr (a RefCell keeps its `?Sized` value last), the
    // Rc's strong and weak counts the two i32 before it (RcInner is repr(C)). A method call
    // holds one borrow (1 shared, -1 exclusive) and one strong count while it runs. Only that
    // exact leftover is released, so a layout other than the expected one changes nothing.
    const m = new Int32Array(ex.memory.buffer);
    const i = ptr >>> 2;
    if ((m[i] === 1 || m[i] === -1) && m[i - 2] === 2 && m[i - 1] === 1) {
      m[i] = 0;
      m[i - 2] = 1;
    }
  };
}

/**
 * Wraps a raw binding module so every function, class constructor, method and accessor
 * rethrows through {@link fromBinding}. Classes are wrapped by subclassing, so instances
 * are still instances of the raw class. The result also carries a hidden
 * `convertError(err, target)` for raw objects the binding hands out (lib/pipeline.js).
 * @param {Record<string, any>} raw
 * @param {() => (string | null | undefined)} [takePanicMessage]
 */
function wrapBinding(raw, takePanicMessage) {
  const recover = trapRecovery(raw);
  // A coded error was returned by a call that ended normally: nothing to recover then.
  const convert = (e, target) => {
    if (recover !== null && !(e && KNOWN.has(e.code))) recover(target);
    return fromBinding(e, takePanicMessage);
  };
  const wrapFn = (f) => function wrapped(...args) {
    try { return f.apply(this, args); } catch (e) { throw convert(e, this); }
  };
  const rethrow = (e) => { throw convert(e); };
  const isClass = (v) => typeof v === 'function' && v.prototype
    && Object.getOwnPropertyNames(v.prototype).length > 1;
  const wrapClass = (Raw) => {
    const Wrapped = class extends Raw {
      constructor(...args) {
        try { super(...args); } catch (e) { rethrow(e); }
      }
    };
    Object.defineProperty(Wrapped, 'name', { value: Raw.name });
    for (const [name, d] of Object.entries(Object.getOwnPropertyDescriptors(Raw.prototype))) {
      if (name === 'constructor') continue;
      const desc = { configurable: true, enumerable: d.enumerable };
      if (typeof d.value === 'function') desc.value = wrapFn(d.value), desc.writable = true;
      else if (d.get || d.set) {
        if (d.get) desc.get = wrapFn(d.get);
        if (d.set) desc.set = wrapFn(d.set);
      } else continue;
      Object.defineProperty(Wrapped.prototype, name, desc);
    }
    return Wrapped;
  };
  const out = {};
  for (const [name, value] of Object.entries(raw)) {
    if (isClass(value)) out[name] = wrapClass(value);
    else if (typeof value === 'function') out[name] = wrapFn(value);
    else out[name] = value;
  }
  Object.defineProperty(out, 'convertError', { value: convert });
  return out;
}

module.exports = { HotpathError, CODES, fromBinding, fail, wrapBinding, trapRecovery };
