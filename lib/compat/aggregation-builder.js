'use strict';
/**
 * Seed facade: `AggregationBuilder` of the original design (server/utils/aggregationBuilder.js),
 * and the specs of that application's three collections it is built from.
 */
const { apiOf } = require('../internal');

/** The seed's collections as specs (server/utils/aggregationBuilder.js). */
const SEED_SPECS = {
  vagonSales: {
    collection: 'vagonsales',
    types: { _id: 'objectId', vagon: 'objectId', client: 'objectId', lot: 'objectId', sale_date: 'date', createdAt: 'date', updatedAt: 'date' },
    lookups: [
      { from: 'vagons', localField: 'vagon', as: 'vagonInfo', project: ['vagonCode', 'month', 'status'], single: true },
      { from: 'clients', localField: 'client', as: 'clientInfo', project: ['name', 'phone'], single: true },
      { from: 'vagonlots', localField: 'lot', as: 'lotInfo', project: ['dimensions', 'cost_per_m3'], single: true },
    ],
    sortable: ['createdAt', 'updatedAt', 'sale_date'],
    defaultSort: { createdAt: -1 },
    filterable: {
      _id: ['eq', 'in', 'nin'],
      vagon: ['eq', 'ne', 'in', 'nin', 'exists'],
      client: ['eq', 'ne', 'in', 'nin', 'exists'],
      lot: ['eq', 'ne', 'in', 'nin', 'exists'],
      sale_date: ['eq', 'gt', 'gte', 'lt', 'lte', 'exists'],
      createdAt: ['eq', 'gt', 'gte', 'lt', 'lte'],
      sale_currency: ['eq', 'ne', 'in', 'nin'],
      status: ['eq', 'ne', 'in', 'nin'],
      isDeleted: ['eq', 'ne', 'exists'],
    },
    count: 'none', // the facade returns the data pipeline only, as the original did
  },
  cashes: {
    collection: 'cashes',
    types: { _id: 'objectId', client: 'objectId', vagon: 'objectId', transaction_date: 'date', createdAt: 'date', amount: 'number' },
    lookups: [
      { from: 'clients', localField: 'client', as: 'clientInfo', project: ['name', 'phone'], single: true },
      { from: 'vagons', localField: 'vagon', as: 'vagonInfo', project: ['vagonCode', 'month', 'status'], single: true },
    ],
    sortable: ['createdAt', 'transaction_date', 'amount'],
    defaultSort: { createdAt: -1 },
    filterable: {
      _id: ['eq', 'in', 'nin'],
      client: ['eq', 'ne', 'in', 'nin', 'exists'],
      vagon: ['eq', 'ne', 'in', 'nin', 'exists'],
      type: ['eq', 'ne', 'in', 'nin'],
      currency: ['eq', 'ne', 'in', 'nin'],
      transaction_date: ['eq', 'gt', 'gte', 'lt', 'lte'],
      createdAt: ['eq', 'gt', 'gte', 'lt', 'lte'],
      amount: ['eq', 'gt', 'gte', 'lt', 'lte'],
      isDeleted: ['eq', 'ne', 'exists'],
    },
    count: 'none', // the facade returns the data pipeline only, as the original did
  },
  clients: {
    collection: 'clients',
    types: { _id: 'objectId', createdAt: 'date' },
    sortable: ['createdAt', 'name'],
    defaultSort: { createdAt: -1 },
    filterable: {
      _id: ['eq', 'in', 'nin'],
      name: ['eq', 'in', 'regex'],
      phone: ['eq', 'regex'],
      isDeleted: ['eq', 'ne', 'exists'],
      createdAt: ['eq', 'gt', 'gte', 'lt', 'lte'],
    },
    count: 'none', // the facade returns the data pipeline only, as the original did
  },
};

/** The compiled seed specs, per backend API. */
const compiledSpecs = new WeakMap();

function specs(Class) {
  const api = apiOf(Class);
  let c = compiledSpecs.get(api);
  if (c === undefined) {
    c = Object.fromEntries(Object.entries(SEED_SPECS).map(([k, s]) => [k, api.pipeline.compile(s)]));
    compiledSpecs.set(api, c);
  }
  return c;
}

function run(Class, name, filter, options) {
  const { page = 1, limit = 20, sort = { createdAt: -1 } } = options || {};
  return specs(Class)[name].build({ filter, page, limit, sort }).pipeline;
}

/**
 * The original design's `AggregationBuilder` (server/utils/aggregationBuilder.js): same
 * methods and arguments, built from specs, `$sort/$skip/$limit` before the lookups,
 * filters allow-listed and coerced (ObjectId / Date), `limit` clamped to 100.
 */
class AggregationBuilder {
  /**
   * vagonsales with vagonInfo {vagonCode, month, status}, clientInfo {name, phone},
   * lotInfo {dimensions, cost_per_m3}.
   * @param {object} filter
   * @param {{ page?: number, limit?: number, sort?: object }} [options]
   * @returns {object[]}
   */
  static buildVagonSalePipeline(filter, options = {}) { return run(this, 'vagonSales', filter, options); }

  /**
   * cashes with clientInfo {name, phone} and vagonInfo {vagonCode, month, status}.
   * @param {object} filter
   * @param {{ page?: number, limit?: number, sort?: object }} [options]
   * @returns {object[]}
   */
  static buildCashPipeline(filter, options = {}) { return run(this, 'cashes', filter, options); }

  /**
   * clients (no lookups).
   * @param {object} filter
   * @param {{ page?: number, limit?: number, sort?: object }} [options]
   * @returns {object[]}
   */
  static buildClientPipeline(filter, options = {}) { return run(this, 'clients', filter, options); }

  /** The compiled specs behind the facade (`vagonSales`, `cashes`, `clients`). */
  static get specs() { return specs(this); }
}

module.exports = { AggregationBuilder, SEED_SPECS };
