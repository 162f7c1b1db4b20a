'use strict';
/**
 * RegExp parity with V8 (issue 12, "keep the references"): fast-check builds JS patterns
 * from the whole syntax the engine claims (classes, escapes, Annex B octal and identity
 * escapes, properties, case-insensitive matching with and without `u`, anchors, quantifiers,
 * groups) plus constructs it must refuse (lookaround, backreferences), over keys with
 * Unicode, case pairs, astral characters, lone surrogates, line terminators and NUL.
 * For every pattern V8 accepts, `cache.invalidate(re)` must remove exactly the keys
 * `re.test(key)` is true for, or throw ERR_PATTERN_UNSUPPORTED with the cache unchanged —
 * and only for a construct the docs list as unsupported.
 *
 * Property escapes and case folding come from tables of one Unicode version in the engine
 * and another in V8; the keys here are code points whose properties and case pairs are the
 * same in both (assigned long before Unicode 16). What the engine does with code points
 * that differ is a documented decision tested in cache-regressions.test.js.
 */
const fc = require('fast-check');
const hotpath = require('../');
const { withPolicy, lruOnly, policy } = require('./helpers/policy');

const { Cache: PlainCache, HotpathError } = hotpath;
const Cache = withPolicy(PlainCache);
const backend = process.env.HOTPATH_BACKEND;
const RUNS = Number(process.env.CACHE_REGEX_RUNS || 5000);

// Characters where naive translations go wrong: case pairs (simple and special), the two
// non-ASCII case partners of ASCII letters, word/space edge cases, astral and surrogates.
const CHARS = ['a', 'b', 'k', 'K', 's', 'S', 'z', 'i', 'I', '0', '1', '8', ':', '-', '_', ' ', '.', 'é', 'É', 'ß', 'ẞ',
  'ſ', '\u212a', 'Å', 'å', '\u212b', 'ǅ', 'Ǆ', 'ǆ', 'Σ', 'σ', 'ς', 'ı', 'İ', 'Ω', 'ω', '\u2126', 'Ꭰ', 'ꭰ', '\u0345', 'ι',
  'ﬀ', '€', 'ÿ', 'Ÿ', 'µ', 'Μ', 'μ', '٣', '😀', '𐐀', '𐐨', '\uD83D', '\uDE00', '\uD800', '\uDFFF', '\uFFFD', '\uFFFF',
  '\n', '\r', '\u2028', '\u2029', '\t', '\u000b', '\u00a0', '\ufeff', '\u0000', '\u0001', '\u0008', '\u00ff'];
const keyArb = fc.array(fc.constantFrom(...CHARS), { maxLength: 5 }).map((cs) => cs.join(''));
const FIXED_KEYS = [...new Set(['', ...CHARS, 'aéb', 'a b', 'k:1', 'client:42', 'ab\nba', '😀😀', 'a\uD83D', '\uDE00b'])];

// Pattern pieces; `u` and non-`u` differ in which escapes are legal.
const LITERALS = ['a', 'b', 'k', 'K', 's', 'z', 'i', 'I', '0', '1', ':', '-', '_', ' ', 'é', 'É', 'ß', 'ſ', '\u212a',
  'Å', 'ǅ', 'Σ', 'σ', 'ς', 'ı', 'İ', 'Ω', 'ᏸ', 'Ꭰ', 'ꭰ', 'µ', 'ÿ', '€', '😀', '𐐀', '\uD83D', '\uDE00', '\uFFFD', '\\.',
  '\\*', '\\\\', '\\/', '\\n', '\\r', '\\t', '\\v', '\\f', '\\0', '\\cJ', '\\x41', '\\xe9', '\\u00e9', '\\u212a', '\\u017f',
  '\\uD83D', '\\uDE00', '\\uD83D\\uDE00', '\\uFFFD', '\\u2028'];
const SETS = ['\\d', '\\D', '\\w', '\\W', '\\s', '\\S', '.'];
const NONU = ['\\1', '\\2', '\\8', '\\9', '\\01', '\\12', '\\377', '\\400', '\\q', '\\k', '\\c', '\\c1', '\\x4', '\\u12',
  ']', '{', '}', 'a{,2}', '\\p', '\\P{L}'];
const UNI = ['\\u{1F600}', '\\u{D800}', '\\u{DE00}', '\\u{10400}', '\\u{e9}', '\\p{L}', '\\p{Lu}', '\\P{Lu}', '\\p{Ll}',
  '\\P{Ll}', '\\p{N}', '\\p{Nd}', '\\p{P}', '\\p{ASCII}', '\\P{ASCII}', '\\p{Any}', '\\p{Cs}', '\\P{Cs}', '\\p{Co}',
  '\\p{Script=Greek}', '\\p{sc=Latn}', '\\p{scx=Cyrl}', '\\p{Script_Extensions=Latin}', '\\p{Lowercase}',
  '\\p{Uppercase}', '\\p{White_Space}', '\\p{Alphabetic}', '\\p{gc=Lt}', '\\p{General_Category=Letter}', '\\p{LC}',
  '\\p{Cased}', '\\p{Changes_When_Casefolded}', '\\p{Assigned}', '\\p{Emoji}', '\\p{ID_Start}'];
const CLASS_ITEMS = ['a', 'b', 'k', 'z', 'a-z', 'A-Z', '0-9', 'é-ū', 'ſ-ǅ', 'Ω-ω', '\\u0000-\\u00ff', '\\uD800-\\uDFFF',
  '\\uD83D', '\\uDE00', '\\uE000-\\uFFFF', '😀', '\\d', '\\w', '\\W', '\\s', '\\S', '\\b', '\\-', '-', '^', '\\]', 'é', 'ß',
  'ſ', '\\u212a', 'Σ', '.', '*', '$', '|'];
const CLASS_NONU = ['\\1', '\\8', '\\08', '\\c_', '\\c', 'a-\\d', '\\k', '\\B'];
const CLASS_UNI = ['\\p{L}', '\\P{L}', '\\p{Lu}', '\\P{Lu}', '\\P{ASCII}', '\\u{1F600}', '\\u{D800}-\\u{DFFF}', '\\u{10000}-\\u{10FFFF}', '\\p{Cs}'];
const QUANTS = ['', '', '', '', '', '', '*', '+', '?', '{2}', '{1,3}', '{0,}', '*?', '+?', '??', '{2,}?'];
const REFUSED = ['(?=a)', '(?!b)', '(?<=a)', '(?<!a)'];

/** A pattern source for the given `u`, built from terms joined by `|` at the top level. */
function patternArb({ u: unicode, i, m }) {
  // \b with iu and ^ $ inside with m are refused by design: rarer, so most patterns run.
  const wordB = i && unicode ? 1 : 6;
  const lineAnchors = m ? 1 : 3;
  const atoms = [...LITERALS, ...SETS, ...(unicode ? UNI : NONU)];
  const items = [...CLASS_ITEMS, ...(unicode ? CLASS_UNI : CLASS_NONU)];
  const classArb = fc.tuple(fc.boolean(), fc.array(fc.constantFrom(...items), { maxLength: 3 }))
    .map(([neg, xs]) => `[${neg ? '^' : ''}${xs.join('')}]`);
  const { term } = fc.letrec((tie) => ({
    term: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      { weight: 6, arbitrary: fc.tuple(fc.oneof(fc.constantFrom(...atoms), classArb), fc.constantFrom(...QUANTS)).map(([a, q]) => a + q) },
      { weight: 1, arbitrary: fc.oneof({ weight: wordB, arbitrary: fc.constantFrom('\\b', '\\B') }, { weight: lineAnchors, arbitrary: fc.constantFrom('^', '$') }) },
      { weight: 2, arbitrary: fc.tuple(fc.constantFrom('(?:', '(', '(?<g>'), tie('seq'), fc.constantFrom(...QUANTS)).map(([o, s, q]) => `${o}${s})${q}`) },
      { weight: 1, arbitrary: fc.tuple(tie('seq'), tie('seq')).map(([a, b]) => `(?:${a}|${b})`) },
    ),
    seq: fc.array(tie('term'), { minLength: 1, maxLength: 2 }).map((ts) => ts.join('')),
  }));
  const seq = fc.array(term, { minLength: 1, maxLength: 3 }).map((ts) => ts.join(''));
  return fc.tuple(
    fc.boolean(), seq, fc.boolean(),
    fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: seq }),
    fc.oneof({ weight: 19, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom(...REFUSED) }),
  ).map(([start, body, end, alt, refused]) => {
    let src = (start ? '^' : '') + (refused || '') + body + (end ? '$' : '');
    if (alt !== undefined) src += `|${alt}`;
    let g = 0;
    return src.replace(/\(\?<g>/g, () => `(?<g${g++}>`);
  });
}

const regexArb = fc.record({
  i: fc.boolean(), m: fc.constantFrom(false, false, true), s: fc.boolean(), u: fc.boolean(), y: fc.constantFrom(false, false, false, true), g: fc.boolean(),
}).chain((f) => patternArb(f).map((src) => ({ src, flags: ['g', 'i', 'm', 's', 'u', 'y'].filter((k) => f[k]).join('') })))
  .map(({ src, flags }) => {
    try {
      return new RegExp(src, flags);
    } catch {
      return null; // not a valid JS RegExp: V8 itself refuses it
    }
  })
  .filter((re) => re !== null);

/** Whether the docs allow the engine to refuse `re` (conservative: a superset). */
function mayRefuse(re) {
  const src = re.source;
  const outsideClasses = src.replace(/\\./g, 'x').replace(/\[[^\]]*\]/g, 'x');
  if (/\(\?<?[=!]/.test(src)) return true; // lookaround
  const groups = (outsideClasses.match(/\((?!\?)|\(\?<(?![=!])/g) || []).length;
  if (groups > 0 && /\\[1-9]/.test(src)) return true; // backreferences
  if (/\\k/.test(src) && (re.unicode || /\(\?</.test(src))) return true; // named backreferences
  if (re.multiline && /[\^$]/.test(outsideClasses)) return true; // ^ $ with m inside the pattern
  if (re.ignoreCase && re.unicode && /\\[bB]/.test(src.replace(/\[[^\]]*\]/g, 'x'))) return true; // \b with iu
  if (re.unicode && /\\B/.test(src.replace(/\\\\/g, '').replace(/\[[^\]]*\]/g, 'x'))) return true; // \B with u
  return false;
}

const keysOf = (c) => [...c.keys()].sort();

describe(`RegExp invalidation = V8 RegExp.test (${backend}, ${policy})`, () => {
  test(`${RUNS} random patterns over Unicode keys (fast-check)`, () => {
    let checked = 0;
    let refused = 0;
    let split = 0; // patterns that removed some keys and kept others
    const refusedSamples = [];
    fc.assert(fc.property(regexArb, fc.uniqueArray(keyArb, { maxLength: 10 }), (re, extra) => {
      const keys = [...new Set([...FIXED_KEYS, ...extra])];
      const c = new Cache({ max: keys.length });
      keys.forEach((k, i) => c.set(k, i));
      const before = keysOf(c);
      let n;
      try {
        n = c.invalidate(re);
      } catch (e) {
        expect(e).toBeInstanceOf(HotpathError);
        expect({ re: String(re), code: e.code, mayRefuse: mayRefuse(re) }).toEqual({ re: String(re), code: 'ERR_PATTERN_UNSUPPORTED', mayRefuse: true });
        expect(keysOf(c)).toEqual(before);
        refused++;
        if (refusedSamples.length < 5) refusedSamples.push(`${re} ${e.message}`);
        if (process.env.DBG) console.log(`${re} ${e.message}`);
        return;
      }
      checked++;
      const want = keys.filter((k) => new RegExp(re.source, re.flags).test(k));
      const removed = keys.filter((k) => !c.has(k));
      expect({ re: String(re), removed }).toEqual({ re: String(re), removed: want });
      expect(n).toBe(want.length);
      if (want.length > 0 && want.length < keys.length) split++;
    }), { numRuns: RUNS });
    expect(checked + refused).toBe(RUNS);
    // The refusals are the documented constructs (each one is checked against mayRefuse
    // above), and a minority. This generator draws a refused construct (backreference,
    // lookaround, `\B` with u, ...) in 18–20 % of its patterns (measured over runs); a
    // bound of 20 % failed one CI run with 1001 of 5000 once `\B` with u was refused too.
    expect({ refused, refusedSamples }).toEqual({ refused: expect.any(Number), refusedSamples: expect.any(Array) });
    expect(refused).toBeLessThan(RUNS * 0.25);
    // Most patterns tell keys apart (a suite of all-or-nothing patterns would prove little).
    if (process.env.DBG) console.log({ checked, refused, split });
    expect(split).toBeGreaterThan(checked * 0.4);
  });
});
