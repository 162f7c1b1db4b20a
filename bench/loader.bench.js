'use strict';
/**
 * Loader: the N+1 pattern against batching, on a model whose every query costs a fixed delay
 * (QUERY_MS, a round trip to the database), then the Loader's own CPU cost against DataLoader.
 *
 * 1. One "request" = a page of ROWS rows, each with a related document (ROWS / 4 distinct
 *    ids, as clients of sales): the per-row `await findById` loop (the seed's "before"), the
 *    same with Promise.all (N concurrent queries), DataLoader (a fresh loader per request),
 *    and hotpath's loaderFor (native, wasm; fresh per request, and one app-level loader whose
 *    memo is warm). ms per request are medians over BENCH_ROUNDS rounds of REQUESTS requests;
 *    ratio = per-row loop ms ÷ task ms.
 * 2. CPU only (batch function answering at once): 1000 loads of 250 keys on a fresh loader
 *    (first call), and 1000 loads all memo hits (warm), hotpath native and wasm vs dataloader.
 */
const DataLoader = require('dataloader');
const { ObjectId } = require('bson');
const { compare, record, backends, median } = require('./harness');
const { loaderFor } = require('../lib/integrations/mongoose');

const QUERY_MS = Number(process.env.LOADER_QUERY_MS || 2);
const ROUNDS = Number(process.env.BENCH_ROUNDS || 5);
const REQUESTS = Number(process.env.LOADER_REQUESTS || 5);

/** A model over a Map whose find/findById answer after QUERY_MS, counting queries. */
function slowModel(docs) {
  const byId = new Map(docs.map((d) => [d._id.toHexString(), d]));
  const later = (v) => new Promise((r) => setTimeout(() => r(v), QUERY_MS));
  const model = {
    modelName: 'Client',
    queries: 0,
    findById(id) { model.queries += 1; return later(byId.get(String(id)) ?? null); },
    find(filter) { model.queries += 1; return later(filter._id.$in.map((id) => byId.get(String(id))).filter(Boolean)); },
  };
  return model;
}

async function nPlusOne(backendsList) {
  const rowsList = [20, 100];
  for (const ROWS of rowsList) {
    const clients = Array.from({ length: Math.max(1, ROWS / 4) }, (_, i) => ({ _id: new ObjectId(), name: `client ${i}`, phone: `+998 ${i}` }));
    const rows = Array.from({ length: ROWS }, (_, i) => ({ _id: new ObjectId(), client: clients[i % clients.length]._id, total: i }));
    const Model = slowModel(clients);
    const dataloaderBatch = async (ids) => {
      const docs = await Model.find({ _id: { $in: ids } });
      const m = new Map(docs.map((d) => [d._id.toHexString(), d]));
      return ids.map((id) => m.get(id.toHexString()) ?? null);
    };
    const tasks = {
      'per-row findById loop': async () => { const out = []; for (const r of rows) out.push({ ...r, client: await Model.findById(r.client) }); return out; },
      'per-row findById, Promise.all': () => Promise.all(rows.map(async (r) => ({ ...r, client: await Model.findById(r.client) }))),
      'dataloader (per request)': () => {
        const l = new DataLoader(dataloaderBatch, { cacheKeyFn: (id) => id.toHexString() });
        return Promise.all(rows.map(async (r) => ({ ...r, client: await l.load(r.client) })));
      },
    };
    for (const { name, api } of backendsList) {
      // The Loader is JS; the backend is its memo's (a Cache of that backend).
      const make = () => loaderFor(Model, { cacheMap: new api.Cache({ max: 10_000 }) });
      tasks[`${name} loaderFor (per request)`] = () => {
        const l = make();
        return Promise.all(rows.map(async (r) => ({ ...r, client: await l.load(r.client) })));
      };
      const appLevel = make();
      tasks[`${name} loaderFor (app-level, warm)`] = () => Promise.all(rows.map(async (r) => ({ ...r, client: await appLevel.load(r.client) })));
    }
    const samples = Object.fromEntries(Object.keys(tasks).map((t) => [t, []]));
    const queries = {};
    const names = Object.keys(tasks);
    for (let round = 0; round < ROUNDS; round++) {
      for (let j = 0; j < names.length; j++) {
        const t = names[(j + round) % names.length];
        const check = await tasks[t]();
        if (check.length !== ROWS || check.some((r) => !r.client || !r.client._id.equals(r.client._id))) throw new Error(`${t}: wrong rows`);
        const q0 = Model.queries;
        const t0 = process.hrtime.bigint();
        for (let k = 0; k < REQUESTS; k++) await tasks[t]();
        samples[t].push(Number(process.hrtime.bigint() - t0) / 1e6 / REQUESTS);
        queries[t] = (Model.queries - q0) / REQUESTS;
      }
    }
    const base = median(samples['per-row findById loop']);
    record(`a page of ${ROWS} rows with a related document each (${clients.length} distinct), query delay ${QUERY_MS} ms`, names.map((t) => ({
      task: t, msPerRequest: Math.round(median(samples[t]) * 100) / 100, queriesPerRequest: queries[t], ratio: Math.round((base / median(samples[t])) * 10) / 10,
    })), `median of ${ROUNDS} rounds of ${REQUESTS} requests; ratio = per-row loop ms ÷ task ms; app-level memo warm after the first request`);
  }
}

async function cpu(backendsList) {
  const keys = Array.from({ length: 1000 }, (_, i) => `k${i % 250}`);
  const batch = async (ks) => ks;
  const tasks = {
    'dataloader, first call': () => { const l = new DataLoader(batch); return Promise.all(keys.map((k) => l.load(k))); },
  };
  const warmDl = new DataLoader(batch);
  await Promise.all(keys.map((k) => warmDl.load(k)));
  tasks['dataloader, warm'] = () => Promise.all(keys.map((k) => warmDl.load(k)));
  for (const { name, api } of backendsList) {
    tasks[`${name}, first call`] = () => { const l = new api.Loader(batch); return Promise.all(keys.map((k) => l.load(k))); };
    const warm = new api.Loader(batch);
    await Promise.all(keys.map((k) => warm.load(k)));
    tasks[`${name}, warm`] = () => Promise.all(keys.map((k) => warm.load(k)));
  }
  await compare('1000 loads (250 distinct keys), batch answering at once: CPU per load', tasks, { baseline: 'dataloader, first call', opsPerCall: keys.length });
}

(async () => {
  const list = backends();
  await nPlusOne(list);
  await cpu(list);
})().catch((e) => { console.error(e); process.exit(1); });
