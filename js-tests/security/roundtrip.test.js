'use strict';
/**
 * Found by the filter_from_query fuzzer (fuzz/known-bugs/filter_from_query-escaped-regex-
 * over-256): docs/pipeline.md promises that filterFromQuery's output can be fed back to
 * build, but a regex value of ≤ 256 characters with metacharacters escapes to more than 256
 * and build refuses it (src/pipeline/filter.rs:108 checks `s.len() <= 256` on the escaped
 * text). Fix: accept an already-escaped prefix whose unescaped length is ≤ 256 (or check the
 * limit before escaping only). Remove `.failing` once fixed.
 */
const hotpath = require('../..');

const spec = hotpath.pipeline.compile({ collection: 'c', filterable: { name: ['regex'] } });

describe(`filterFromQuery → build round trip (${hotpath.backend})`, () => {
  test('a short regex value round-trips', () => {
    const f = spec.filterFromQuery({ name: { regex: 'Al.i(' } });
    expect(spec.build({ filter: f }).pipeline[0].$match).toEqual(f);
  });
  test.failing('BUG: a 200-character value full of metacharacters round-trips', () => {
    const f = spec.filterFromQuery({ name: { regex: '-'.repeat(200) } });
    expect(f.name.$regex.length).toBe(401);
    expect(spec.build({ filter: f }).pipeline[0].$match).toEqual(f);
  });
});
