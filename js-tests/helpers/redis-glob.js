'use strict';
/**
 * A reference Redis glob, written here independently of the Rust port: `KEYS`/`SCAN MATCH`
 * semantics (`stringmatchlen` of util.c plus the `*` shortcut) over the UTF-8 bytes Redis
 * holds for a JS string (`Buffer.from`, a lone surrogate as U+FFFD).
 */

/** Redis `KEYS`/`SCAN MATCH` over bytes: `stringmatchlen` plus the `*` shortcut. */
function redisMatch(pattern, key) {
  const p = Buffer.from(pattern);
  const s = Buffer.from(key);
  if (p.length === 1 && p[0] === 42) return true;
  const at = (a, i) => (i >= 0 && i < a.length ? a[i] : 0);
  let skipLonger = false;
  function rec(pi, si, nesting) {
    if (nesting > 1000) return false;
    let plen = p.length - pi;
    let slen = s.length - si;
    while (plen > 0 && slen > 0) {
      const c = p[pi];
      if (c === 42) {
        while (plen > 0 && at(p, pi + 1) === 42) { pi++; plen--; }
        if (plen === 1) return true;
        while (slen > 0) {
          if (rec(pi + 1, si, nesting + 1)) return true;
          if (skipLonger) return false;
          si++; slen--;
        }
        skipLonger = true;
        return false;
      }
      if (c === 63) {
        si++; slen--;
      } else if (c === 91) {
        pi++; plen--;
        const not = at(p, pi) === 94;
        if (not) { pi++; plen--; }
        let match = false;
        for (;;) {
          if (at(p, pi) === 92 && plen >= 2) {
            pi++; plen--;
            if (at(p, pi) === s[si]) match = true;
          } else if (at(p, pi) === 93) {
            break;
          } else if (plen === 0) {
            pi--; plen++;
            break;
          } else if (plen >= 3 && at(p, pi + 1) === 45) {
            // Redis reads `char`: signed, so bytes >= 0x80 compare as negative in a range.
            const signed = (b) => (b << 24) >> 24;
            let lo = signed(at(p, pi)); let hi = signed(at(p, pi + 2));
            if (lo > hi) [lo, hi] = [hi, lo];
            pi += 2; plen -= 2;
            const c = signed(s[si]);
            if (c >= lo && c <= hi) match = true;
          } else if (at(p, pi) === s[si]) {
            match = true;
          }
          pi++; plen--;
        }
        if (not) match = !match;
        if (!match) return false;
        si++; slen--;
      } else {
        let lit = c;
        if (c === 92 && plen >= 2) { pi++; plen--; lit = p[pi]; }
        if (lit !== s[si]) return false;
        si++; slen--;
      }
      pi++; plen--;
      if (slen === 0) {
        while (at(p, pi) === 42) { pi++; plen--; }
        break;
      }
    }
    return plen === 0 && slen === 0;
  }
  return rec(0, 0, 0);
}

module.exports = { redisMatch };
