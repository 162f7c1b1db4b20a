'use strict';
/**
 * Found by the filter_from_query fuzzer (fuzz/known-bugs/filter_from_query-escaped-regex-
 * over-256): filterFromQuery's output must be accepted by build, but a regex value of ≤ 256
 * characters full of metacharacters escapes to more than 256 and build refused it. Fixed:
 * the 256-character limit applies to the literal, escaped or not (prefix_literal_len).
 */
const hotpath = require('../..');

const spec = hotpath.pipeline.compile({ collection: 'c', filterable: { name: ['regex'] } });

describe(`filterFromQuery → build round trip (${hotpath.backend})`, () => {
  test('a short regex value round-trips', () => {
    const f = spec.filterFromQuery({ name: { regex: 'Al.i(' } });
    expect(spec.build({ filter: f }).pipeline[0].$match).toEqual(f);
  });
  test('a 200-character value full of metacharacters round-trips', () => {
    const f = spec.filterFromQuery({ name: { regex: '-'.repeat(200) } });
    expect(f.name.$regex.length).toBe(401);
    expect(spec.build({ filter: f }).pipeline[0].$match).toEqual(f);
  });
  test('the limit still holds: 257 characters are refused, escaped or not', () => {
    expect(() => spec.filterFromQuery({ name: { regex: 'a'.repeat(257) } })).toThrow(expect.objectContaining({ code: 'ERR_FORBIDDEN_OPERATOR' }));
    expect(() => spec.build({ filter: { name: { $regex: `^${'\\.'.repeat(257)}` } } })).toThrow(expect.objectContaining({ name: 'HotpathError' }));
  });
});
