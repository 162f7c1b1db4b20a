// Typed usage of the money API (compiled by `npm test`, step types).
import { money, Rates, CachedBalanceCalculator, ExchangeRateCache, BalanceRow, RateResult } from '../../index';

const n: number = money.add(0.1, 0.2);
const s: string = money.sum([1, '2.50', 3n], { currency: 'USD', output: 'string' });
const f: number = money.sum(new Float64Array([1, 2]));
const parts: number[] = money.allocate(100, [1, 1, 1], 'USD');
const r: number = money.round(2.345, 'USD', 'half-up');
const c: -1 | 0 | 1 = money.compare('1.0', 1);
const b: Record<string, BalanceRow> = money.balance([{ currency: 'USD', type: 'expense', amount: 1 }]);
const g: BalanceRow<string> = money.balanceFromGroups('USD', [{ _id: 'expense', total: 1 }], { output: 'string' });
money.registerCurrency('USDT', 6);
// @ts-expect-error: not a rounding mode
money.round(1, 2, 'nearest');

const rates = new Rates({ pivot: 'USD', fallback: { 'RUB:USD': 0.011 }, fetch: async () => null });
rates.set('USD', 'RUB', 90);
const cached: RateResult | undefined = rates.getCached('RUB', 'USD');
async function use(): Promise<void> {
  const conv = await rates.convert(100, 'USD', 'RUB');
  const amt: number | null = conv.amount;
  const calc = new CachedBalanceCalculator({ aggregate: async () => [] });
  const all = await calc.getAllBalances();
  const erc = new ExchangeRateCache();
  const rate: number | null = await erc.getRate('USD', 'RUB');
  void amt; void all; void rate;
}

export { n, s, f, parts, r, c, b, g, cached, use };
