'use strict';
/**
 * Worker body for worker-threads.test.js: loads hotpath in this thread (HOTPATH_BACKEND is
 * inherited from the parent's env) and exercises Debouncer, money and pipeline with
 * thread-specific inputs, returning what it saw. Also usable from the main thread
 * (`exercise(id)`).
 */
const { parentPort, workerData, isMainThread } = require('node:worker_threads');

async function exercise(id) {
  // eslint-disable-next-line global-require
  const hotpath = require('../../');
  const out = { id, backend: hotpath.backend };
  // Debouncer: 1000 keys × 3 schedules → 1000 runs, its own stats only.
  const ran = new Map();
  const d = new hotpath.Debouncer({ wait: 5, run: async (key, payloads) => { ran.set(key, payloads.length); } });
  for (let r = 0; r < 3; r++) for (let i = 0; i < 1000; i++) d.schedule(`t${id}:k${i}`, r);
  out.pendingBefore = d.pending;
  await d.flush();
  out.runs = ran.size;
  out.allCoalesced = [...ran.values()].every((n) => n === 3);
  out.ownKeysOnly = [...ran.keys()].every((k) => k.startsWith(`t${id}:`));
  out.debounceStats = d.stats();
  await d.close();
  // money: an exact sum that depends on the thread id.
  const amounts = Array.from({ length: 10_000 }, () => 0.1);
  amounts.push(id);
  out.sum = hotpath.money.sum(amounts);
  out.round = hotpath.money.round(id + 0.125, 2);
  // pipeline: a spec whose maxLimit depends on the thread id; the clamp proves whose spec it is.
  const spec = hotpath.pipeline.compile({ collection: `c${id}`, sortable: ['a'], filterable: { a: ['eq'] }, maxLimit: 10 + id, defaultLimit: 5 });
  const built = spec.build({ limit: 1000, filter: { a: id } });
  out.limit = built.pipeline.find((s) => s.$limit).$limit;
  out.match = built.pipeline[0].$match;
  let code;
  try { spec.build({ filter: { $where: '1' } }); } catch (e) { code = e.code; }
  out.forbidden = code;
  try { hotpath.__backend.binding.__testPanic('in a worker'); } catch (e) { out.panic = e.code; }
  if (hotpath.Cache) {
    const c = new hotpath.Cache({ max: 100 });
    for (let i = 0; i < 200; i++) c.set(`t${id}:${i}`, i);
    out.cacheSize = c.size;
    out.cacheOwn = c.get(`t${id}:199`) === 199 && c.get(`t${(id + 1) % 5}:199`) === undefined;
  }
  return out;
}

if (!isMainThread && parentPort) {
  exercise(workerData.id).then((r) => parentPort.postMessage(r), (e) => parentPort.postMessage({ error: String(e && e.stack) }));
}
module.exports = { exercise };
