'use strict';
// A separate process for js-tests/bullmq.test.js: schedules one key `count` times,
// `gap` ms apart, starting after `startDelay` ms. Every run is recorded in the Redis list
// `<queue>:runs` as "<key>=<payload>". Exits once `expectRuns` runs are recorded there.
const IORedis = require('ioredis');
const { createBullDebouncer } = require('../../lib/integrations/bullmq');

const [port, queueName, name, count, gap, startDelay, wait, expectRuns] = process.argv.slice(2);
const redis = new IORedis({ port: +port, host: '127.0.0.1', maxRetriesPerRequest: null });
const d = createBullDebouncer({
  connection: { port: +port, host: '127.0.0.1', maxRetriesPerRequest: null },
  queueName,
  wait: +wait,
  run: async (key, payloads) => { await redis.rpush(`${queueName}:runs`, `${key}=${payloads.join(',')}`); },
});

(async () => {
  await new Promise((r) => setTimeout(r, +startDelay));
  for (let i = 0; i < +count; i++) {
    await d.schedule('vagon-1', `${name}-${i}`);
    await new Promise((r) => setTimeout(r, +gap));
  }
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline && (await redis.llen(`${queueName}:runs`)) < +expectRuns) {
    await new Promise((r) => setTimeout(r, 50));
  }
  await new Promise((r) => setTimeout(r, 300)); // let a wrong extra run show up
  await d.close();
  await redis.quit();
})().catch((e) => { console.error(e); process.exit(1); });
