'use strict';
/**
 * hotpath/bullmq — a debouncer for several processes: each key's run goes through BullMQ
 * deduplication in debounce mode, so every process scheduling one key within `wait`
 * produces one run, with the last payload.
 *
 * BullMQ (and ioredis) are optional peer dependencies, loaded when this file is.
 * How it maps onto BullMQ:
 * - `schedule(key, payload)` adds a delayed job (`delay: wait`) with
 *   `deduplication: { id: key, ttl: wait, extend: true, replace: true, keepLastIfActive: true }`:
 *   a later schedule replaces the delayed job (its payload wins, its delay restarts); a
 *   schedule while the key's job is running is kept and runs once after it.
 * - `run(key, payloads)` receives `[lastPayload]`: BullMQ keeps only the last job's data.
 * - retries: `attempts` with backoff `delay * factor^(n-1)` (BullMQ custom backoff), then
 *   `onError(key, err)` in the process whose worker ran the last attempt.
 * - `flush(key)` promotes the key's delayed job and resolves after its run.
 */
const { Queue, Worker, QueueEvents, Job } = require('bullmq');
const { HotpathError } = require('../errors');

const JOB_NAME = 'hotpath-debounce';

/**
 * @param {object} options
 * @param {object} options.connection ioredis options or connection (BullMQ `connection`)
 * @param {string} [options.queueName='hotpath-debounce']
 * @param {number} [options.wait=5000] debounce window in ms
 * @param {(key: string, payloads: unknown[]) => Promise<void>|void} options.run
 * @param {{ attempts?: number, delay?: number, factor?: number }} [options.retry]
 * @param {(key: string, err: Error) => void} [options.onError]
 * @param {number} [options.concurrency=1] runs at once in this process's worker
 * @param {boolean} [options.worker=true] false: only schedule, let other processes run
 * @param {string} [options.prefix] BullMQ key prefix
 */
function createBullDebouncer({
  connection, queueName = 'hotpath-debounce', wait = 5000, run, retry = {}, onError,
  concurrency = 1, worker: withWorker = true, prefix,
} = {}) {
  if (typeof run !== 'function' && withWorker) throw new HotpathError('ERR_INVALID_SPEC', 'run must be a function');
  if (!Number.isFinite(wait) || wait < 0) throw new HotpathError('ERR_INVALID_SPEC', `wait must be a number of ms >= 0, got ${wait}`);
  const attempts = retry.attempts ?? 3;
  const delay = retry.delay ?? 2000;
  const factor = retry.factor ?? 2;
  const common = { connection, ...(prefix ? { prefix } : {}) };
  const queue = new Queue(queueName, common);
  const events = new QueueEvents(queueName, common);
  const counts = { scheduled: 0, coalesced: 0, runs: 0, succeeded: 0, failed: 0, retries: 0, errors: 0 };
  const pendingByJob = new Map(); // jobId → key, for jobs this process added and has not seen start
  let closed = false;

  events.on('deduplicated', () => { counts.coalesced += 1; });
  events.on('active', ({ jobId }) => pendingByJob.delete(jobId));
  events.on('removed', ({ jobId }) => pendingByJob.delete(jobId));

  const worker = withWorker ? new Worker(queueName, async (job) => {
    counts.runs += 1;
    await run(job.data.key, [job.data.payload]);
    counts.succeeded += 1; // here, not on 'completed': flush() may resolve before that event
  }, {
    ...common,
    concurrency,
    settings: { backoffStrategy: (attemptsMade) => delay * factor ** (attemptsMade - 1) },
  }) : null;
  if (worker) {
    worker.on('failed', (job, err) => {
      if (!job) return;
      if (job.attemptsMade < (job.opts.attempts ?? 1)) { counts.retries += 1; return; }
      counts.failed += 1;
      if (onError) onError(job.data.key, err);
    });
    worker.on('error', () => { /* connection errors: BullMQ reconnects */ });
  }
  queue.on('error', () => {});
  events.on('error', () => {});

  const toKey = (key) => {
    if (typeof key === 'string') return key;
    if (typeof key === 'number' || (key && typeof key.toHexString === 'function')) return String(key);
    throw new HotpathError('ERR_INVALID_KEY', `key must be a string, number or ObjectId, got ${typeof key}`);
  };

  async function waitFor(job) {
    try { await job.waitUntilFinished(events); } catch { /* failures are reported to onError */ }
  }

  async function add(id, payload) {
    const job = await queue.add(JOB_NAME, { key: id, payload }, {
      delay: wait,
      deduplication: { id, ttl: Math.max(wait, 1), extend: true, replace: true, keepLastIfActive: true },
      attempts,
      backoff: { type: 'custom' },
      removeOnComplete: true,
      removeOnFail: 1000,
    });
    if (job && job.id) pendingByJob.set(job.id, id);
    return job && job.id;
  }

  const api = {
    /**
     * Schedules a run of `key` after `wait`; a later schedule replaces the payload. Throws
     * at once on a bad key or after close; the returned promise (the job id) may be
     * ignored: a Redis failure then only counts in `stats().errors`.
     */
    schedule(key, payload) {
      if (closed) throw new HotpathError('ERR_CLOSED', 'schedule() after close()');
      const id = toKey(key);
      counts.scheduled += 1;
      const added = add(id, payload);
      added.catch(() => { counts.errors += 1; });
      return added;
    },
    /** Runs `key` now if it is pending (or all pending keys) and resolves after the run(s). */
    async flush(key) {
      let jobs;
      if (key === undefined) {
        jobs = await queue.getDelayed();
      } else {
        const jobId = await queue.getDeduplicationJobId(toKey(key));
        const job = jobId ? await Job.fromId(queue, jobId) : undefined;
        jobs = job ? [job] : [];
      }
      await Promise.all(jobs.map(async (job) => {
        if (await job.isDelayed()) await job.promote().catch(() => {});
        await waitFor(job);
      }));
    },
    /** Local counters (runs/succeeded/failed/retries count this process's worker). */
    stats() {
      return { ...counts, pending: new Set(pendingByJob.values()).size };
    },
    /** Delayed + waiting jobs in the queue, across every process. */
    async pendingCount() {
      return (await queue.getDelayedCount()) + (await queue.getWaitingCount());
    },
    /** Stops this process's worker and connections; `flush: true` runs pending keys first. */
    async close({ flush = false } = {}) {
      if (flush && !closed) await api.flush();
      closed = true;
      if (worker) await worker.close();
      await events.close();
      await queue.close();
    },
    /** The underlying BullMQ queue (for inspection and cleanup). */
    queue,
  };
  return api;
}

module.exports = { createBullDebouncer };
