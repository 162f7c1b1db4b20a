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

module.exports = { startRedis, freePort };
