'use strict';
/**
 * A real redis-server for the tests: started on a free loopback port, stopped afterwards.
 * `.ci/run` installs redis-server; when it is missing the suites fail with that reason.
 */
const { spawn, execFileSync } = require('node:child_process');
const net = require('node:net');

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function ping(port) {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host: '127.0.0.1' }, () => sock.write('PING\r\n'));
    sock.setTimeout(500, () => { sock.destroy(); resolve(false); });
    sock.on('data', (d) => { sock.destroy(); resolve(d.toString().startsWith('+PONG')); });
    sock.on('error', () => resolve(false));
  });
}

/**
 * Starts redis-server. Returns `{ port, url, stop(), kill(), start() }`: `kill()` ends it
 * abruptly (SIGKILL) to simulate an outage, `start()` brings it back on the same port.
 */
async function startRedis() {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error('redis-server is not installed (apt-get install redis-server; .ci/run does it)');
  }
  const port = await freePort();
  let proc = null;
  const server = {
    port,
    url: `redis://127.0.0.1:${port}`,
    async start() {
      proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '',
        '--appendonly', 'no', '--protected-mode', 'yes', '--loglevel', 'warning'], { stdio: 'ignore' });
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline) {
        if (await ping(port)) return server;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`redis-server did not start on port ${port}`);
    },
    kill() {
      return server.stop('SIGKILL');
    },
    stop(signal = 'SIGTERM') {
      const p = proc;
      proc = null;
      if (!p || p.exitCode !== null) return Promise.resolve();
      return new Promise((resolve) => { p.once('exit', resolve); p.kill(signal); });
    },
  };
  return server.start();
}

/**
 * The hooks of a suite of TieredCache tests on one redis-server (started before, stopped
 * after; every instance it tracks is closed after each test). Returns `make(opts)` (a
 * TieredCache with its own ioredis client, on a fresh prefix and channel, ready), `fresh()`
 * (a fresh `{ prefix, channel }`), `client(opts)` (an ioredis client of the server) and
 * `track(t, redis)` (closes them after the test).
 * @param {string} name a short name that keeps this suite's keys and channels apart
 */
function tieredSuite(name) {
  const IORedis = require('ioredis');
  const { TieredCache } = require('../../lib/integrations/redis');
  let server;
  let n = 0;
  const open = [];
  beforeAll(async () => { server = await startRedis(); });
  afterEach(async () => {
    for (const [t, redis] of open.splice(0)) { await t.close(); redis.disconnect(); }
  });
  afterAll(async () => { await server.stop(); });
  const fresh = () => ({ prefix: `${name}${++n}:${process.env.HOTPATH_BACKEND}:`, channel: `hp-${name}-${process.pid}-${n}` });
  const client = (opts = {}) => new IORedis({ port: server.port, host: '127.0.0.1', ...opts });
  const track = (t, redis) => { open.push([t, redis]); return t; };
  async function make(opts = {}) {
    const redis = client();
    const t = track(new TieredCache({ redis, l1: { max: 1000 }, ...fresh(), ...opts }), redis);
    await t.ready;
    return t;
  }
  return { make, fresh, client, track };
}

module.exports = { startRedis, freePort, tieredSuite };
