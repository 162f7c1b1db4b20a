'use strict';
/**
 * Shutdown (issue 8): a server process with 10k pending debounced keys receives SIGTERM →
 * all 10k runs complete before it exits (counted from the runs' own side effects, a log file
 * written by each run). The crash-only variant (SIGKILL) shows what an in-process debouncer
 * loses: every key still pending or running — see docs/reliability.md for the BullMQ
 * comparison. Runs on this project's backend.
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const backend = process.env.HOTPATH_BACKEND;
const CHILD = path.join(__dirname, 'shutdown-child.js');
const N = 10_000;

function start(mode, { wait = 60_000, runMs = 0 } = {}) {
  const log = path.join(os.tmpdir(), `hotpath-shutdown-${process.pid}-${mode}-${Date.now()}.log`);
  const child = spawn(process.execPath, [CHILD, String(N), log, mode, String(wait), String(runMs)], {
    env: { ...process.env, HOTPATH_BACKEND: backend }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (b) => { out += b; });
  child.stderr.on('data', (b) => { err += b; });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, out, err })));
  const ready = new Promise((resolve, reject) => {
    child.stdout.on('data', () => { if (out.includes('ready')) resolve(out); });
    exited.then(() => reject(new Error(`child exited before ready: ${out} ${err}`)));
  });
  const runs = () => {
    const lines = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
    return { lines, unique: new Set(lines.map((l) => l.split(' ')[0])).size };
  };
  return { child, ready, exited, runs, cleanup: () => fs.rmSync(log, { force: true }) };
}

describe(`shutdown with ${N} pending keys (${backend})`, () => {
  test.each(['hooks', 'manual'])('SIGTERM (%s): every pending key runs exactly once before exit', async (mode) => {
    const p = start(mode);
    expect(await p.ready).toContain(`ready ${backend} ${N}`);
    const t0 = Date.now();
    p.child.kill('SIGTERM');
    const r = await p.exited;
    const { lines, unique } = p.runs();
    p.cleanup();
    // eslint-disable-next-line no-console
    console.log(`shutdown SIGTERM (${mode}, ${backend}): ${unique} / ${N} runs completed before exit in ${Date.now() - t0} ms`);
    expect(r.err).toBe('');
    expect(unique).toBe(N);
    expect(lines.length).toBe(N); // once each (2 schedules per key coalesced)
    expect(lines.every((l) => l.endsWith(' 2'))).toBe(true);
    if (mode === 'hooks') expect(r.signal).toBe('SIGTERM');
    else expect(r.code).toBe(0);
  }, 30_000);

  test('SIGTERM without any hook: the default action kills the process and every pending key is lost', async () => {
    const p = start('none');
    await p.ready;
    p.child.kill('SIGTERM');
    const r = await p.exited;
    const { unique } = p.runs();
    p.cleanup();
    // eslint-disable-next-line no-console
    console.log(`shutdown SIGTERM (no hook, ${backend}): ${unique} / ${N} ran, ${N - unique} lost`);
    expect(r.signal).toBe('SIGTERM');
    expect(unique).toBe(0);
  }, 30_000);

  test('SIGKILL mid-drain (crash-only): completed runs are kept, everything pending or running is lost', async () => {
    // wait 20 ms, runs of 2 ms at concurrency 8: the drain takes ~2.5 s; kill it part-way.
    const p = start('hooks', { wait: 20, runMs: 2 });
    await p.ready;
    await new Promise((resolve) => {
      const iv = setInterval(() => { if (p.runs().unique >= 1000) { clearInterval(iv); resolve(); } }, 10);
    });
    p.child.kill('SIGKILL');
    const r = await p.exited;
    const { lines, unique } = p.runs();
    p.cleanup();
    // eslint-disable-next-line no-console
    console.log(`shutdown SIGKILL (${backend}): ${unique} / ${N} ran before the kill, ${N - unique} lost (no hook can run)`);
    expect(r.signal).toBe('SIGKILL');
    expect(unique).toBeGreaterThanOrEqual(1000);
    expect(unique).toBeLessThan(N);
    expect(lines.length).toBe(unique); // nothing ran twice
  }, 30_000);
});
