'use strict';
/**
 * The original Express backend reduced to its slow paths, on hotpath:
 *   GET  /api/vagon-sales      paginated through a compiled pipeline spec, responses cached
 *   GET  /api/vagon-sales/recent  a list with its client per row: one batched query (loaderFor)
 *                              instead of one findById per row (the N+1 pattern)
 *   PATCH /api/clients/:id     a write; the plugin clears the client loader's entry
 *   GET  /api/cash/balance     CachedBalanceCalculator (exact sums, cached per currency)
 *   POST /api/cash             a write; the plugin invalidates the balances it changes
 *   POST /api/vagon-lots       pre-save conversion to USD, post-save debounced vagon totals
 */
const express = require('express');
const { Cache, Debouncer, Rates, CachedBalanceCalculator, pipeline } = require('../..');
const { cacheResponses, paginationParams, errorHandler } = require('../../lib/integrations/express');
const { loaderFor } = require('../../lib/integrations/mongoose');
const { defineModels } = require('./models');

/** The sales list spec: lookups with projections, sorted and paged before the lookups. */
const salesSpec = {
  collection: 'vagonsales',
  types: { _id: 'objectId', vagon: 'objectId', client: 'objectId', lot: 'objectId', sale_date: 'date', createdAt: 'date' },
  lookups: [
    { from: 'vagons', localField: 'vagon', as: 'vagonInfo', project: ['vagonCode', 'month', 'status'], single: true },
    { from: 'clients', localField: 'client', as: 'clientInfo', project: ['name', 'phone'], single: true },
  ],
  sortable: ['createdAt', 'sale_date', 'total_price'],
  defaultSort: { createdAt: -1 },
  filterable: { client: ['eq', 'in'], vagon: ['eq'], sale_date: ['gte', 'lte'], sale_currency: ['eq'], status: ['eq'] },
  selectable: ['sale_date', 'total_price', 'sale_currency', 'status', 'vagonInfo', 'clientInfo', 'createdAt'],
  softDelete: { isDeleted: false },
  maxLimit: 100,
};

/**
 * @param {{ mongoose: import('mongoose').Mongoose, adaptModels?: (models: object) => object,
 *   cache?: any, rates?: any, recalculateTotals?: (vagonId: string) => Promise<void>,
 *   totalsWait?: number, lookupForm?: 'localField' | 'let', batchRelated?: boolean }} deps
 *   adaptModels: lets a test put the real models behind an in-memory store;
 *   batchRelated: false serves /api/vagon-sales/recent the N+1 way (one findById per row), to compare
 */
function createApp({ mongoose, adaptModels = (x) => x, cache = new Cache({ max: 10_000, ttl: 60_000 }), rates, recalculateTotals, totalsWait = 5000, lookupForm, batchRelated = true }) {
  rates = rates || new Rates({ pivot: 'USD', fallback: { 'RUB:USD': 0.011, 'USD:RUB': 90 } });
  const totals = new Debouncer({
    wait: totalsWait,
    run: async (vagonId) => { if (recalculateTotals) await recalculateTotals(String(vagonId)); },
    onError: (vagonId, err) => console.warn(`vagon ${vagonId} totals failed: ${err.message}`),
  });
  const m = adaptModels(defineModels(mongoose, { cache, totals, rates }));
  const sales = pipeline.compile(lookupForm ? { ...salesSpec, lookupForm } : salesSpec);
  const balances = new CachedBalanceCalculator({
    cache,
    aggregate: (currency) => m.Cash.aggregate([
      { $match: { currency, isDeleted: { $ne: true } } },
      { $group: { _id: '$type', total: { $sum: '$amount' } } },
    ]),
  });

  // One loader for the app: loads in one tick are one `Client.find({ _id: { $in } })`; entries
  // live 60 s at most and the plugin on the Client schema clears one when that client is written.
  const clients = loaderFor(m.Client, { select: 'name phone', max: 10_000, ttl: 60_000 });
  const clientOf = batchRelated
    ? (id) => clients.load(id)
    : (id) => m.Client.findById(id, 'name phone', { lean: true });

  const app = express();
  app.set('query parser', 'extended');
  app.use(express.json());

  app.get('/api/vagon-sales/recent', paginationParams({ maxLimit: 100 }), async (req, res, next) => {
    try {
      const sales = await m.VagonSale.find({ isDeleted: { $ne: true } }, 'sale_date total_price sale_currency client createdAt',
        { sort: { createdAt: -1, _id: -1 }, limit: req.pagination.limit, lean: true });
      res.json(await Promise.all(sales.map(async (sale) => ({ ...sale, client: sale.client ? await clientOf(sale.client) : null }))));
    } catch (err) { next(err); }
  });

  app.patch('/api/clients/:id', async (req, res, next) => {
    try {
      if (!mongoose.isValidObjectId(req.params.id)) return res.status(404).end();
      const { name, phone } = req.body || {};
      const $set = Object.fromEntries(Object.entries({ name, phone }).filter(([, v]) => typeof v === 'string'));
      const r = await m.Client.updateOne({ _id: req.params.id }, { $set });
      return res.status(r.matchedCount ? 204 : 404).end();
    } catch (err) { return next(err); }
  });

  app.get('/api/vagon-sales',
    cacheResponses({ cache, ttl: 30_000, key: (req) => `vagonsales:list:${req.originalUrl}` }),
    paginationParams({ spec: sales }),
    async (req, res, next) => {
      try {
        res.json(await sales.paginate(m.VagonSale, sales.paramsFromQuery(req.query)));
      } catch (err) { next(err); }
    });

  app.get('/api/cash/balance', async (req, res, next) => {
    try {
      const { currency } = req.query;
      res.json(currency ? await balances.getBalanceByCurrency(String(currency)) : await balances.getAllBalances());
    } catch (err) { next(err); }
  });

  app.post('/api/cash', async (req, res, next) => {
    try { res.status(201).json(await m.Cash.create(req.body)); } catch (err) { next(err); }
  });

  app.post('/api/vagon-lots', async (req, res, next) => {
    try { res.status(201).json(await m.VagonLot.create(req.body)); } catch (err) { next(err); }
  });

  app.use(errorHandler());
  app.locals.hotpath = { cache, totals, rates, sales, balances, clients, models: m };
  return app;
}

module.exports = { createApp, salesSpec };
