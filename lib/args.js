'use strict';
/**
 * The one argument-checking helper of lib/. Every check names the parameter and shows the
 * value (`options.ttl must be a finite number of ms >= 0, got -1`) and throws what that
 * parameter's API throws: a HotpathError with a stable code (`kind` is the code), or, for
 * the options of Cache and Loader (as lru-cache and DataLoader do), a TypeError or
 * RangeError (`kind` is the class). Ranges the Rust core checks are left to it.
 */
const { HotpathError } = require('./errors');

/**
 * A short, printable description of a value for an error message: strings quoted (long ones
 * cut), numbers as they print, bigints with their `n`, objects by kind (small plain ones
 * as JSON).
 * @param {unknown} v
 * @returns {string}
 */
function describe(v) {
  switch (typeof v) {
    case 'string': return JSON.stringify(v.length > 80 ? `${v.slice(0, 77)}...` : v);
    case 'bigint': return `${v}n`;
    case 'function': return 'a function';
    case 'symbol': return v.toString();
    case 'object': break;
    default: return String(v); // number, boolean, undefined
  }
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  const proto = Object.getPrototypeOf(v);
  if (proto !== null && proto !== Object.prototype) return `a ${proto.constructor?.name || 'object'}`;
  let json;
  try { json = JSON.stringify(v); } catch { json = undefined; }
  return json !== undefined && json.length <= 80 ? json : 'an object';
}

/**
 * Throws `${name} must be ${rule}, got ${describe(v)}` as a HotpathError with code `kind`,
 * or as a `kind` (TypeError, RangeError).
 * @param {string | ErrorConstructor} kind
 * @param {string} name the parameter, as the caller wrote it (`options.ttl`)
 * @param {string} rule what it must be
 * @param {unknown} v
 * @returns {never}
 */
function reject(kind, name, rule, v) {
  const message = `${name} must be ${rule}, got ${describe(v)}`;
  if (typeof kind === 'function') throw new kind(message); // eslint-disable-line new-cap
  throw new HotpathError(kind, message);
}

/** `v` when it is a plain object (not null, not an array), else {@link reject}. */
function object(kind, name, v) {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) reject(kind, name, 'an object', v);
  return v;
}

/** `v` when it is a function, else {@link reject}. */
function func(kind, name, v) {
  if (typeof v !== 'function') reject(kind, name, 'a function', v);
  return v;
}

/** `v` when it is a number (any: its range is checked where it is used), else {@link reject}. */
function number(kind, name, v) {
  if (typeof v !== 'number') reject(kind, name, 'a number', v);
  return v;
}

/** `v` when it is a finite number of milliseconds >= 0, else {@link reject}. */
function ms(kind, name, v) {
  if (typeof v !== 'number' || !(v >= 0) || v === Infinity) reject(kind, name, 'a finite number of ms >= 0', v);
  return v;
}

/** `v` when it is a string, else {@link reject}. */
function string(kind, name, v) {
  if (typeof v !== 'string') reject(kind, name, 'a string', v);
  return v;
}

/** `check(kind, name, v)` unless `v` is undefined. */
function optional(check, kind, name, v) {
  return v === undefined ? v : check(kind, name, v);
}

module.exports = { describe, reject, object, func, number, ms, string, optional };
