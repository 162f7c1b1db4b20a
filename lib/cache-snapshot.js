'use strict';
/**
 * `Cache#dump()` / `Cache#load(entries)`: a cache's live entries as plain data — lru-cache's
 * `[key, entry]` pairs, least recently used first — so a process can start warm (from a file,
 * from Redis). `ttl` is the time left in ms (0 = none) rather than lru-cache's original ttl +
 * start: a snapshot restored later does not need both clocks to agree.
 */
const args = require('./args');
const { fail } = require('./errors');

const { describe } = args;

/**
 * @param {Iterable<{ key: string, value: any, ttl: number, tags?: string[] }>} entries least recently used first
 * @returns {Array<[string, { value: any, ttl: number, tags?: string[] }]>}
 */
function dump(entries) {
  const out = [];
  for (const { key, value, ttl, tags } of entries) {
    const entry = { value, ttl };
    if (tags !== undefined) entry.tags = tags.slice();
    out.push([key, entry]);
  }
  return out;
}

/**
 * `[key, value, { ttl?, tags? }]` for each entry of a snapshot, all checked before anything is
 * stored (ERR_INVALID_KEY naming the entry). A `ttl` of 0 means no expiry; missing, the
 * cache's default.
 * @param {unknown} entries
 * @returns {Array<[string, any, { ttl?: number, tags?: string[] }]>}
 */
function check(entries) {
  if (!Array.isArray(entries)) fail('ERR_INVALID_KEY', `entries must be an array of [key, { value, ttl, tags }] (from dump()), got ${describe(entries)}`);
  return entries.map((pair, j) => {
    if (!Array.isArray(pair) || pair.length !== 2) fail('ERR_INVALID_KEY', `entries[${j}] must be a [key, { value, ttl, tags }] pair, got ${describe(pair)}`);
    const [key, entry] = pair;
    if (typeof key !== 'string') fail('ERR_INVALID_KEY', `entries[${j}][0] must be a string, got ${describe(key)}`);
    if (entry === null || typeof entry !== 'object' || !('value' in entry)) fail('ERR_INVALID_KEY', `entries[${j}][1] must be an object with a value, got ${describe(entry)}`);
    const { value, ttl, tags } = entry;
    if (ttl !== undefined && (typeof ttl !== 'number' || !(ttl >= 0) || ttl === Infinity)) fail('ERR_INVALID_KEY', `entries[${j}][1].ttl must be a finite number of ms >= 0, got ${describe(ttl)}`);
    if (tags !== undefined && (!Array.isArray(tags) || tags.some((t) => typeof t !== 'string'))) fail('ERR_INVALID_KEY', `entries[${j}][1].tags must be an array of strings, got ${describe(tags)}`);
    const options = {};
    if (ttl !== undefined) options.ttl = ttl;
    if (tags !== undefined) options.tags = tags;
    return [key, value, options];
  });
}

module.exports = { dump, check };
