'use strict';
// A second process for js-tests/redis.test.js: holds a TieredCache on the same Redis and
// channel, reports over IPC when an L1 entry disappears (an invalidation arrived).
const IORedis = require('ioredis');
const { TieredCache } = require('../../lib/integrations/redis');

const [port, prefix, channel] = process.argv.slice(2);
const redis = new IORedis({ port: +port, host: '127.0.0.1' });
const cache = new TieredCache({ redis, prefix, channel, l1: { max: 1000 } });

process.on('message', async (msg) => {
  if (msg.cmd === 'fill') {
    for (const k of msg.keys) cache.l1.set(k, `v:${k}`);
    await cache.ready;
    process.send({ ok: 'filled' });
  } else if (msg.cmd === 'watch') {
    const t0 = Date.now();
    const timer = setInterval(() => {
      const live = msg.keys.filter((k) => cache.l1.has(k));
      if (live.length === msg.expectLive || Date.now() - t0 > 5000) {
        clearInterval(timer);
        process.send({ live, ms: Date.now() - t0 });
      }
    }, 2);
    process.send({ ok: 'watching' });
  } else if (msg.cmd === 'exit') {
    await cache.close();
    await redis.quit();
    process.exit(0);
  }
});
process.send({ ok: 'ready' });
