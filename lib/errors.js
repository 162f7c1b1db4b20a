'use strict';
/**
 * HotpathError and the one place where errors coming out of either binding become one.
 *
 * Both bindings throw a plain `Error` whose `code` is a stable `ERR_*` string (the core's
 * error enum, mapped once per binding). A wasm trap (a Rust panic on wasm32) arrives as a
 * `WebAssembly.RuntimeError`; it becomes `ERR_INTERNAL` with the panic message.
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
 * Wraps a raw binding module so every function, class constructor, method and accessor
 * rethrows through {@link fromBinding}. Classes are wrapped by subclassing, so instances
 * are still instances of the raw class.
 * @param {Record<string, any>} raw
 * @param {() => (string | null | undefined)} [takePanicMessage]
 */
function wrapBinding(raw, takePanicMessage) {
  const rethrow = (e) => { throw fromBinding(e, takePanicMessage); };
  const wrapFn = (f) => function wrapped(...args) {
    try { return f.apply(this, args); } catch (e) { return rethrow(e); }
  };
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
  return out;
}

module.exports = { HotpathError, CODES, fromBinding, fail, wrapBinding };
