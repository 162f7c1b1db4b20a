'use strict';
/**
 * The original backend's models, reduced to the fields its slow paths touch, with the
 * original design's indexes. `defineModels(mongoose, { cache, totals, rates })` wires the
 * hotpath plugin: writes invalidate the original key scheme (via SmartInvalidation's
 * targets), VagonLot saves convert the investment to USD before saving and schedule the
 * vagon's totals after.
 */
const { hotpathPlugin, convertBeforeSave, SmartInvalidation } = require('../../lib/integrations/mongoose');

function defineModels(mongoose, { cache, totals, rates, logger = console }) {
  const { Schema } = mongoose;
  const { ObjectId } = Schema.Types;

  const vagonSale = new Schema({
    vagon: { type: ObjectId, ref: 'Vagon' },
    client: { type: ObjectId, ref: 'Client' },
    lot: { type: ObjectId, ref: 'VagonLot' },
    sale_date: Date,
    sale_currency: String,
    total_price: Number,
    status: String,
    isDeleted: { type: Boolean, default: false },
  }, { timestamps: true });
  vagonSale.index({ sale_date: -1, client: 1 });
  vagonSale.index({ sale_date: -1, status: 1 });
  vagonSale.index({ client: 1, sale_date: -1 });
  vagonSale.index({ vagon: 1, createdAt: -1 });
  vagonSale.index({ sale_currency: 1, sale_date: -1 });
  vagonSale.plugin(hotpathPlugin, { cache, logger, invalidate: (s) => SmartInvalidation.vagonSaleTargets(s) });

  const cash = new Schema({
    type: { type: String, enum: ['client_payment', 'debt_payment', 'expense', 'vagon_expense', 'debt_sale'] },
    amount: Number,
    currency: String,
    client: { type: ObjectId, ref: 'Client' },
    vagon: { type: ObjectId, ref: 'Vagon' },
    transaction_date: { type: Date, default: Date.now },
    isDeleted: { type: Boolean, default: false },
  }, { timestamps: true });
  cash.index({ transaction_date: -1, type: 1 });
  cash.index({ client: 1, transaction_date: -1 });
  cash.index({ currency: 1, type: 1 });
  cash.index({ currency: 1, isDeleted: 1 });
  cash.index({ vagon: 1, transaction_date: -1 });
  cash.plugin(hotpathPlugin, { cache, logger, invalidate: (c) => SmartInvalidation.cashTargets(c) });

  const vagonLot = new Schema({
    vagon: { type: ObjectId, ref: 'Vagon' },
    dimensions: String,
    cost_per_m3: Number,
    total_investment: Number,
    purchase_currency: String,
    base_currency_total_investment: Number,
    isDeleted: { type: Boolean, default: false },
  }, { timestamps: true });
  vagonLot.index({ vagon: 1, createdAt: -1 });
  vagonLot.index({ vagon: 1, isDeleted: 1 });
  vagonLot.index({ dimensions: 1 });
  vagonLot.pre('save', convertBeforeSave({
    rates, logger, amount: 'total_investment', from: 'purchase_currency', to: 'USD', target: 'base_currency_total_investment',
  }));
  vagonLot.plugin(hotpathPlugin, {
    cache, logger,
    invalidate: (l) => SmartInvalidation.vagonLotTargets(l),
    debounce: { debouncer: totals, key: (l) => l.vagon },
  });

  const client = new Schema({ name: String, phone: String, isDeleted: { type: Boolean, default: false } }, { timestamps: true });
  client.index({ isDeleted: 1 });
  client.index({ name: 1 });
  client.index({ createdAt: -1 });
  client.plugin(hotpathPlugin, { logger }); // no cache keys to drop: clears loaderFor(Client) entries on writes

  const vagon = new Schema({ vagonCode: String, month: String, status: String, total_cost: Number, lots: Number }, { timestamps: true });
  const exchangeRate = new Schema({ from: String, to: String, rate: Number }, { timestamps: true });
  exchangeRate.index({ from: 1, to: 1 }, { unique: true });

  const model = (name, schema) => mongoose.models[name] || mongoose.model(name, schema);
  return {
    VagonSale: model('VagonSale', vagonSale),
    Cash: model('Cash', cash),
    VagonLot: model('VagonLot', vagonLot),
    Client: model('Client', client),
    Vagon: model('Vagon', vagon),
    ExchangeRate: model('ExchangeRate', exchangeRate),
  };
}

module.exports = { defineModels };
