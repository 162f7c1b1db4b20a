'use strict';
const { spawn } = require('node:child_process');
const path = require('node:path');

const backend = process.env.HOTPATH_BACKEND;
const CHILD = path.join(__dirname, 'debounce', 'shutdown-child.js');

function startChild(n, mode) {
  const child = spawn(process.execPath, [CHILD, String(n), mode], {
    env: { ...process.env, HOTPATH_BACKEND: backend }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (b) => { out += b; });
  child.stderr.on('data', (b) => { err += b; });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, out, err })));
  const ready = new Promise((resolve, reject) => {
    const check = () => { if (out.includes('ready')) resolve(out); };
    child.stdout.on('data', check);
    exited.then(() => reject(new Error(`child exited before ready: ${out} ${err}`)));
  });
  return { child, ready, exited };
}

describe(`Debouncer shutdown hooks (${backend})`, () => {
  test('a process with 10k pending keys that receives SIGTERM runs all 10k before exiting', async () => {
    const { child, ready, exited } = startChild(10_000, 'server');
    expect(await ready).toContain(`ready ${backend} 10000`);
    child.kill('SIGTERM');
    const r = await exited;
    expect(r.err).toBe('');
    expect(r.out).toContain('ran 10000');
    // The hook re-raises the signal once flushed: the process ends as SIGTERM would end it.
    expect(r.signal).toBe('SIGTERM');
  }, 30_000);

  test('SIGINT flushes too', async () => {
    const { child, ready, exited } = startChild(500, 'server');
    await ready;
    child.kill('SIGINT');
    const r = await exited;
    expect(r.out).toContain('ran 500');
    expect(r.signal).toBe('SIGINT');
  }, 30_000);

  test('beforeExit: a process that runs out of work flushes what is owed, then exits 0', async () => {
    const { ready, exited } = startChild(1000, 'idle');
    await ready;
    const r = await exited;
    expect(r.out).toContain('ran 1000');
    expect(r.code).toBe(0);
  }, 30_000);
});
