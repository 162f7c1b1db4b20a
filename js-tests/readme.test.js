'use strict';
// Every ```js block of README.md runs here, on this project's backend, with `hotpath` and
// `hotpath/<integration>` resolved to this checkout and REDIS_URL pointing at a real
// redis-server started for the test. A snippet that throws, or names an API that does not
// exist, fails the suite.
const fs = require('node:fs');
const path = require('node:path');
const { startRedis } = require('./helpers/redis');

const ROOT = path.join(__dirname, '..');
const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const snippets = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);

function resolveRequire(id) {
  if (id === 'hotpath') return require(ROOT);
  if (id.startsWith('hotpath/')) return require(path.join(ROOT, require(path.join(ROOT, 'package.json')).exports[`./${id.slice(8)}`].default));
  return require(id);
}

let server;
beforeAll(async () => { server = await startRedis(); });
afterAll(async () => { await server.stop(); });

test('README has snippets for every hot path and integration', () => {
  const all = snippets.join('\n');
  for (const name of ['Cache', 'Loader', 'loaderFor', 'breaker', 'Debouncer', 'money', 'pipeline', 'hotpath/mongoose', 'hotpath/express', 'hotpath/redis', 'hotpath/bullmq', 'hotpath/metrics']) {
    expect(all).toContain(name);
  }
});

test.each(snippets.map((code, i) => [i + 1, code.split('\n')[0], code]))('README snippet %i runs (%s)', async (i, first, code) => {
  const env = { ...process.env, REDIS_URL: server.url };
  const quiet = { ...console, log() {}, error() {}, warn() {} };
  const run = new Function('require', 'process', 'console', `return (async () => {\n${code}\n})();`);
  await run(resolveRequire, { ...process, env }, quiet);
}, 20_000);
