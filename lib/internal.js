'use strict';
/**
 * What lib/ modules share about their classes (not public):
 *
 * - `API`: every class of the public API is declared once, at the top level of its module,
 *   with `#private` fields. lib/api.js makes one subclass per backend that carries that
 *   backend's API under this symbol (`bindClass`); an instance reads its binding (and, for a
 *   facade, its sibling classes) from `apiOf(new.target)`, the process's API when unbound.
 * - `internals(obj)`: the one hook into an object's private state, for tests, benchmarks and
 *   the lib/ code that collaborates with a class (a facade, TieredCache), as node-lru-cache's
 *   `unsafeExposeInternal`. Each class answers it with a static `[INTERNALS](instance)`
 *   method in its own body, the only place that can read its `#fields`. The names behind it
 *   are not an API and change without notice.
 */
const API = Symbol('hotpath.api');
const INTERNALS = Symbol('hotpath.internals');

/**
 * The API a class's instances use: its backend's (a class made by `bindClass`), else the
 * process's (`require('hotpath')`).
 * @param {Function} Class `new.target` (or the class of a static call)
 */
function apiOf(Class) {
  return (Class && Class[API]) || require('./index'); // eslint-disable-line global-require
}

/**
 * A subclass of `Class`, with the same name, whose instances use `api` (one backend's API).
 * @template {new (...args: any[]) => any} C
 * @param {C} Class
 * @param {object} api
 * @returns {C}
 */
function bindClass(Class, api) {
  const Bound = { [Class.name]: class extends Class {} }[Class.name];
  Object.defineProperty(Bound, API, { value: api });
  return Bound;
}

/**
 * The private state of a hotpath object: what its class's `[INTERNALS]` exposes.
 * @param {object} obj a Cache, Debouncer, Rates, CompiledPipeline, Loader, …
 */
function internals(obj) {
  const expose = obj !== null && typeof obj === 'object' ? obj.constructor[INTERNALS] : undefined;
  if (typeof expose !== 'function') throw new TypeError('internals(obj): obj is not a hotpath object');
  return expose(obj);
}

module.exports = { API, INTERNALS, apiOf, bindClass, internals };
