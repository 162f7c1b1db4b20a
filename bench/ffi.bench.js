'use strict';
/**
 * The bare cost of one crossing into each backend: a trivial core call (`add`) vs the same
 * in JS. Every hot path's design starts from these numbers.
 */
const { compare, backends } = require('./harness');

const jsAdd = (a, b) => (a + b) | 0;

(async () => {
  const [native, wasm] = backends().map((b) => b.api.__backend.raw);
  let i = 0;
  await compare('one trivial call: add(i, 1)', {
    js: () => { i = jsAdd(i, 1); },
    'hotpath native': () => { i = native.add(i & 0xffff, 1); },
    'hotpath wasm': () => { i = wasm.add(i & 0xffff, 1); },
  }, { baseline: 'js' });
})();
