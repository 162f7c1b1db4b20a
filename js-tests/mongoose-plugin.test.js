'use strict';
// The Mongoose plugin on real mongoose schemas and models. No MongoDB server runs here, so
// the registered post hooks are executed through mongoose's own hook runner (kareem) with
// real documents and queries; js-tests/mongodb-integrations.test.js runs real writes when
// MONGODB_URI is set.
const mongoose = require('mongoose');
const { Cache } = require('../');
const { hotpathPlugin, convertBeforeSave, SmartInvalidation } = require('../lib/integrations/mongoose');

let n = 0;
function model(options) {
  const schema = new mongoose.Schema({ currency: String, client: String, vagon: String, amount: Number });
  schema.plugin(hotpathPlugin, options);
  return mongoose.model(`Cash${process.env.HOTPATH_BACKEND}${++n}`, schema);
}
const post = (Model, name, ctx, args, query) => Model.schema.s.hooks.execPost(name, ctx, args, {
  filter: (h) => (query ? h.query !== false : h.document !== false),
});

function seeded() {
  const cache = new Cache({ max: 1000 });
  for (const k of ['balance:USD', 'balance:USDT', 'balance:RUB', 'client:c1:balance', 'client:c2:balance',
    'cash:list:page=1', 'cash:list:page=2', 'other']) cache.set(k, k);
  return cache;
}
const cashTargets = (doc) => [`balance:${doc.currency}`, `client:${doc.client}:balance`, { prefix: 'cash:list:' }];

test('save invalidates exactly the targets of the saved document', async () => {
  const cache = seeded();
  const Cash = model({ cache, invalidate: cashTargets });
  const doc = new Cash({ currency: 'USD', client: 'c1', amount: 5 });
  await post(Cash, 'save', doc, [doc]);
  expect([...cache.keys()].sort()).toEqual(['balance:RUB', 'balance:USDT', 'client:c2:balance', 'other']);
});

test('query hooks get the filter merged with $set; findOneAndUpdate gets the returned doc', async () => {
  const cache = seeded();
  const seen = [];
  const Cash = model({ cache, invalidate: (doc, op) => { seen.push([op, doc.currency, doc.client]); return cashTargets(doc); } });
  const q = Cash.updateOne({ client: 'c2' }, { $set: { currency: 'RUB' } });
  await post(Cash, 'updateOne', q, [{ modifiedCount: 1 }], true);
  expect(seen).toEqual([['updateOne', 'RUB', 'c2']]);
  expect(cache.has('balance:RUB')).toBe(false);
  expect(cache.has('client:c2:balance')).toBe(false);
  expect(cache.has('balance:USD')).toBe(true);
  const returned = new Cash({ currency: 'USD', client: 'c1' });
  await post(Cash, 'findOneAndUpdate', Cash.findOneAndUpdate({ _id: returned._id }, { amount: 1 }), [returned], true);
  expect(seen[1]).toEqual(['findOneAndUpdate', 'USD', 'c1']);
  expect(cache.has('balance:USD')).toBe(false);
});

test('every write hook the issue lists is registered', () => {
  const Cash = model({ cache: seeded(), invalidate: cashTargets });
  const names = [...Cash.schema.s.hooks._posts.keys()];
  for (const hook of ['save', 'insertMany', 'updateOne', 'updateMany', 'findOneAndUpdate', 'deleteOne', 'deleteMany', 'findOneAndDelete']) {
    expect(names).toContain(hook);
  }
});

test('insertMany invalidates per document and schedules the debounced key', async () => {
  const cache = seeded();
  const scheduled = [];
  const Cash = model({
    cache, invalidate: cashTargets,
    debounce: { debouncer: { schedule: (k) => scheduled.push(k) }, key: (doc) => doc.client },
  });
  const docs = [new Cash({ currency: 'USD', client: 'c1' }), new Cash({ currency: 'RUB', client: 'c2' })];
  await post(Cash, 'insertMany', Cash, [docs]);
  expect(scheduled).toEqual(['c1', 'c2']);
  expect([...cache.keys()].sort()).toEqual(['balance:USDT', 'other']);
});

test('a failing invalidation or debouncer is logged and never fails the write (Property 23)', async () => {
  const warnings = [];
  const logger = { warn: (m) => warnings.push(m) };
  const broken = { invalidate() { throw new Error('redis down'); }, invalidatePrefix() { return Promise.reject(new Error('timeout')); } };
  const Cash = model({
    cache: broken, logger, invalidate: cashTargets,
    debounce: { debouncer: { schedule() { throw new Error('closed'); } }, key: (d) => d.client },
  });
  const doc = new Cash({ currency: 'USD', client: 'c1' });
  await expect(post(Cash, 'save', doc, [doc])).resolves.not.toThrow();
  expect(warnings).toHaveLength(4);
  expect(warnings.join('\n')).toMatch(/redis down[\s\S]*timeout[\s\S]*closed/);
});

describe('SmartInvalidation (the original key scheme, glob bug fixed)', () => {
  test('onVagonSaleChange removes the sale keys and every vagonsales list key, nothing else', async () => {
    const cache = new Cache({ max: 100 });
    const keys = ['balance:USD', 'balance:USDT', 'client:c1:balance', 'client:c10:balance', 'vagon:v1:totals',
      'vagonsales:list:page=1', 'vagonsales:list:', 'vagonsales:lis', 'x:vagonsales:list:1'];
    for (const k of keys) cache.set(k, 1);
    const s = new SmartInvalidation({ cache });
    const { removed } = await s.onVagonSaleChange({ sale_currency: 'USD', client: 'c1', vagon: 'v1' });
    expect(removed).toBe(5);
    expect([...cache.keys()].sort()).toEqual(['balance:USDT', 'client:c10:balance', 'vagonsales:lis', 'x:vagonsales:list:1']);
  });

  test('onCashChange and onVagonLotChange', async () => {
    const cache = new Cache({ max: 100 });
    for (const k of ['balance:RUB', 'client:c2:balance', 'cash:list:a', 'vagon:7:totals', 'vagonlots:list:page=1&vagon=7',
      'vagonlots:list:vagon=7', 'vagonlots:list:vagon=77', 'vagonlots:list:page=2']) cache.set(k, 1);
    const s = new SmartInvalidation({ cache });
    expect((await s.onCashChange({ currency: 'RUB', client: 'c2' })).removed).toBe(3);
    expect((await s.onVagonLotChange({ vagon: 7 })).removed).toBe(3);
    expect([...cache.keys()].sort()).toEqual(['vagonlots:list:page=2', 'vagonlots:list:vagon=77']);
  });
});

test('convertBeforeSave converts, and falls back to the unconverted amount on a slow or failing fetch', async () => {
  const schema = new mongoose.Schema({ total_investment: Number, purchase_currency: String, base_currency_total_investment: Number });
  const Lot = mongoose.model(`Lot${process.env.HOTPATH_BACKEND}`, schema);
  const opts = { amount: 'total_investment', from: 'purchase_currency', to: 'USD', target: 'base_currency_total_investment', timeoutMs: 50, logger: { warn() {} } };
  const fast = convertBeforeSave({ ...opts, rates: { convert: async (a) => ({ amount: a / 90, source: 'direct' }) } });
  const doc = new Lot({ total_investment: 900, purchase_currency: 'RUB' });
  await fast.call(doc);
  expect(doc.base_currency_total_investment).toBe(10);
  expect(doc.$locals.hotpathConversion).toEqual({ source: 'direct' });
  const slow = convertBeforeSave({ ...opts, rates: { convert: () => new Promise((r) => setTimeout(() => r({ amount: 1 }), 2000)) } });
  const doc2 = new Lot({ total_investment: 900, purchase_currency: 'RUB' });
  const t0 = Date.now();
  await slow.call(doc2);
  expect(Date.now() - t0).toBeLessThan(1000);
  expect(doc2.base_currency_total_investment).toBe(900);
  expect(doc2.$locals.hotpathConversion.source).toBe('unconverted');
});

describe('loaderFor: one find({ key: { $in } }) per tick, results in key order, cleared by the plugin', () => {
  const { Query } = require('mingo');
  const bson = require('bson');
  const { loaderFor } = require('../lib/integrations/mongoose');
  const { HotpathError } = require('../');

  /** A real model (schema + plugin) whose find() runs in mingo over `docs` and is logged. */
  function memoryModel(docs, pluginOptions = {}) {
    const schema = new mongoose.Schema({ name: String, code: String, secret: String });
    schema.plugin(hotpathPlugin, pluginOptions);
    const Model = mongoose.model(`Client${process.env.HOTPATH_BACKEND}${++n}`, schema);
    const finds = [];
    Model.find = (filter, projection, options) => {
      finds.push({ filter, projection, options });
      const fields = typeof projection === 'string' ? Object.fromEntries(projection.split(' ').map((f) => [f, 1])) : projection;
      const out = new Query(filter).find(docs, fields).all();
      return Promise.resolve(options.lean ? out : out.map((d) => new Model(d)));
    };
    return { Model, finds };
  }
  const clients = () => Array.from({ length: 4 }, (_, i) => ({ _id: new mongoose.Types.ObjectId(), name: `c${i}`, code: `K${i}`, secret: 's' }));

  test('key order, null for a missing key, duplicates once, ObjectIds of any bson copy or hex strings', async () => {
    const docs = clients();
    const { Model, finds } = memoryModel(docs);
    const loader = loaderFor(Model, { select: 'name' });
    const missing = new mongoose.Types.ObjectId();
    const got = await Promise.all([docs[2]._id, missing, new bson.ObjectId(docs[0]._id.toHexString()), docs[2]._id.toHexString(), docs[0]._id]
      .map((id) => loader.load(id)));
    expect(got.map((d) => d && d.name)).toEqual(['c2', null, 'c0', 'c2', 'c0']);
    expect(got[0]).toBe(got[3]);
    expect(Object.keys(got[0]).sort()).toEqual(['_id', 'name']); // select, lean by default
    expect(finds).toHaveLength(1);
    expect(finds[0].filter._id.$in).toHaveLength(3);
    expect(finds[0].options).toEqual({ lean: true });
    expect(loader.name).toMatch(/^Client\w+\._id$/);
  });

  test('another key field is added to an inclusive select; lean: false gives documents', async () => {
    const docs = clients();
    const { Model, finds } = memoryModel(docs);
    const byCode = loaderFor(Model, { key: 'code', select: { name: 1 }, lean: false });
    const [a, none] = await Promise.all([byCode.load('K1'), byCode.load('nope')]);
    expect(a).toBeInstanceOf(Model);
    expect(a.name).toBe('c1');
    expect(none).toBeNull();
    expect(finds[0].filter).toEqual({ code: { $in: ['K1', 'nope'] } });
    expect(finds[0].projection).toEqual({ name: 1, code: 1 });
    expect(() => loaderFor(Model, { key: 'code', select: '-code' })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_SPEC' }));
    expect(() => loaderFor({}, {})).toThrow(HotpathError);
    expect(() => loaderFor(Model, { key: '$where' })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_SPEC' }));
  });

  test('the plugin clears what a write touched: the saved or filtered _ids, everything when unknown', async () => {
    const docs = clients();
    const { Model, finds } = memoryModel(docs);
    const loader = loaderFor(Model);
    const byCode = loaderFor(Model, { key: 'code' });
    const ids = docs.map((d) => d._id);
    const warm = async () => { await loader.loadMany(ids); await byCode.loadMany(['K0', 'K1']); finds.length = 0; };
    const refetched = async () => { finds.length = 0; await loader.loadMany(ids); return finds.length ? finds[0].filter._id.$in.map(String).sort() : []; };

    await warm();
    const doc = new Model(docs[1]);
    await post(Model, 'save', doc, [doc]);
    expect(byCode.cacheMap.size).toBe(0); // another key field: its old value is unknown, all cleared
    expect(await refetched()).toEqual([String(ids[1])]);

    await warm();
    await post(Model, 'updateOne', Model.updateOne({ _id: { $in: [ids[0], String(ids[3])] } }, { $set: { name: 'x' } }), [{}], true);
    expect(await refetched()).toEqual([String(ids[0]), String(ids[3])].sort());

    await warm();
    await post(Model, 'updateMany', Model.updateMany({ name: 'c2' }, { $set: { name: 'y' } }), [{}], true);
    expect((await refetched())).toHaveLength(4);

    // A cached miss (null) is cleared by the insert that creates it.
    const fresh = { _id: new mongoose.Types.ObjectId(), name: 'new' };
    expect(await loader.load(fresh._id)).toBeNull();
    docs.push(fresh);
    await post(Model, 'insertMany', Model, [[new Model(fresh)]]);
    expect((await loader.load(fresh._id)).name).toBe('new');
  });

  test('a loader that cannot be cleared is logged and never fails the write; dropped loaders are not kept', async () => {
    const warnings = [];
    const { Model } = memoryModel(clients(), { logger: { warn: (m) => warnings.push(m) } });
    const loader = loaderFor(Model);
    loader.clear = () => { throw new Error('broken'); };
    const doc = new Model({ name: 'a' });
    await expect(post(Model, 'save', doc, [doc])).resolves.not.toThrow();
    expect(warnings.join('\n')).toMatch(/clearing loader .* failed: broken/);
    // Per-request loaders: once dropped by the app, the plugin's registry does not keep them alive.
    require('node:v8').setFlagsFromString('--expose-gc');
    const gc = require('node:vm').runInNewContext('gc');
    let collected = 0;
    const registry = new FinalizationRegistry(() => { collected += 1; });
    (() => { for (let i = 0; i < 20; i++) registry.register(loaderFor(Model), i); })();
    for (let i = 0; i < 10 && collected < 20; i++) {
      gc();
      await new Promise((r) => setImmediate(r));
    }
    expect(collected).toBe(20);
    await post(Model, 'save', doc, [doc]); // prunes the dead entries
  });
});
