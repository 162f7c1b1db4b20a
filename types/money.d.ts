// Types of the `money` hot path (DESIGN.md, "Money and rates"; docs/money.md).

/** A bson / mongoose Decimal128 (anything with `_bsontype: 'Decimal128'`). */
export interface Decimal128Like {
  readonly _bsontype: 'Decimal128';
  readonly bytes: Uint8Array;
  toString(): string;
}

/**
 * An amount: a JS number (read as the decimal it prints as), a decimal string (plain or
 * scientific), a bigint (a count of minor units of the operation's currency; whole units when
 * there is none) or a Decimal128.
 */
export type Amount = number | string | bigint | Decimal128Like;

/** Rounding modes; 'half-even' is the default. */
export type Rounding = 'half-even' | 'half-up' | 'down' | 'up' | 'floor' | 'ceil';

/** Options of the arithmetic operations. `scale` wins over `currency`; neither = exact. */
export interface OpOptions {
  currency?: string;
  scale?: number;
  rounding?: Rounding;
  output?: 'number' | 'string';
}
export interface StringOutput { output: 'string' }

/** Options of the balance functions. */
export interface BalanceOptions {
  /** `{ category: [type, …] }`; default the original design's income/expense/debt. */
  types?: Record<string, readonly string[]>;
  currencyField?: string;
  typeField?: string;
  amountField?: string;
  /** Documents whose field is `true` are skipped. Default 'isDeleted'. */
  deletedField?: string;
  rounding?: Rounding;
  output?: 'number' | 'string';
}

/** One currency's balance: a total per category, plus balance = income − expense. */
export interface BalanceRow<T = number> {
  currency: string;
  income: T;
  expense: T;
  debt: T;
  balance: T;
  [category: string]: unknown;
}

export interface MoneyNamespace {
  add(a: Amount, b: Amount, options: OpOptions & StringOutput): string;
  add(a: Amount, b: Amount, options?: OpOptions | string): number;
  sub(a: Amount, b: Amount, options: OpOptions & StringOutput): string;
  sub(a: Amount, b: Amount, options?: OpOptions | string): number;
  mul(a: Amount, b: Amount, options: OpOptions & StringOutput): string;
  mul(a: Amount, b: Amount, options?: OpOptions | string): number;
  /** Default scale: the currency's minor unit, else 12. */
  div(a: Amount, b: Amount, options: OpOptions & StringOutput): string;
  div(a: Amount, b: Amount, options?: OpOptions | string): number;
  round(a: Amount, currencyOrScale: string | number, rounding: Rounding | undefined, options: StringOutput): string;
  round(a: Amount, currencyOrScale?: string | number, rounding?: Rounding, options?: { output?: 'number' }): number;
  compare(a: Amount, b: Amount): -1 | 0 | 1;
  sum(amounts: readonly Amount[] | Float64Array, options: OpOptions & StringOutput): string;
  sum(amounts: readonly Amount[] | Float64Array, options?: OpOptions | string): number;
  /**
   * Parts in the currency's minor unit that add up exactly, as dinero.js 2.0.2 allocates:
   * truncated shares, leftover units to the largest ratios (equal ratios in index order).
   */
  allocate(amount: Amount, ratios: readonly (number | string)[], options: OpOptions & StringOutput): string[];
  allocate(amount: Amount, ratios: readonly (number | string)[], currencyOrOptions?: string | OpOptions): number[];
  balance(docs: readonly object[], options: BalanceOptions & StringOutput): Record<string, BalanceRow<string>>;
  balance(docs: readonly object[], options?: BalanceOptions): Record<string, BalanceRow>;
  balanceFromGroups(currency: string, groups: readonly { _id: unknown; total: Amount }[], options: BalanceOptions & StringOutput): BalanceRow<string>;
  balanceFromGroups(currency: string, groups: readonly { _id: unknown; total: Amount }[], options?: BalanceOptions): BalanceRow;
  /** Raw BSON documents: one Buffer laid end to end, or Buffers of whole documents (a document split across two is ERR_INVALID_AMOUNT). */
  balanceFromBson(buffers: Uint8Array | readonly Uint8Array[], options: BalanceOptions & StringOutput): Record<string, BalanceRow<string>>;
  balanceFromBson(buffers: Uint8Array | readonly Uint8Array[], options?: BalanceOptions): Record<string, BalanceRow>;
  registerCurrency(code: string, minorUnit: number): void;
  minorUnit(code: string): number;
  /** The exact decimal string of an amount. */
  toExact(a: Amount, currency?: string): string;
  toDecimal128<D = Decimal128Like>(a: Amount, options?: OpOptions | string, Decimal128?: new (bytes: Uint8Array) => D): D;
  toDecimal128Bytes(a: Amount, options?: OpOptions | string): Uint8Array;
  fromDecimal128(d: Decimal128Like | Uint8Array): string;
  readonly ROUNDING_MODES: readonly Rounding[];
  readonly DEFAULT_TYPES: Readonly<Record<string, readonly string[]>>;
}

export declare const money: MoneyNamespace;

export type RateSource = 'identity' | 'direct' | 'inverse' | 'cross' | 'fetched' | 'fallback' | 'unavailable';

export interface RateResult {
  readonly rate: number | null;
  readonly source: RateSource;
  readonly fromCurrency: string;
  readonly toCurrency: string;
}

export interface Conversion<T = number> {
  amount: T | null;
  rate: number | null;
  fromCurrency: string;
  toCurrency: string;
  source: RateSource;
}

export interface RatesOptions {
  pivot?: string;
  /** ms a fetched rate stays cached (default 3 600 000). */
  ttl?: number;
  /** `{ 'FROM:TO': rate }`. */
  fallback?: Record<string, number | string>;
  fetch?: (from: string, to: string) => Promise<number | string | null | undefined> | number | string | null | undefined;
  onError?: (err: unknown, from: string, to: string) => void;
  now?: () => number;
}

export declare class Rates {
  constructor(options?: RatesOptions);
  readonly pivot: string;
  readonly ttl: number;
  set(from: string, to: string, rate: number | string): this;
  clear(): void;
  get(from: string, to: string): Promise<RateResult>;
  getCached(from: string, to: string): RateResult | undefined;
  convert(amount: Amount, from: string, to: string, options: { rounding?: Rounding; output: 'string' }): Promise<Conversion<string>>;
  convert(amount: Amount, from: string, to: string, options?: { rounding?: Rounding; output?: 'number' }): Promise<Conversion>;
}

/** Anything with the Cache's getOrCompute / invalidate (duck-typed). */
export interface ComputeCache {
  getOrCompute<T>(key: string, fn: () => Promise<T> | T, options?: { ttl?: number }): Promise<T>;
  invalidate?(key: string): number | unknown;
}

export declare class ExchangeRateCache {
  constructor(options?: { fetch?: (from: string, to: string) => Promise<number | null>; cache?: ComputeCache; ttl?: number; fallback?: Record<string, number>; pivot?: string; rates?: Rates });
  readonly rates: Rates;
  getRate(fromCurrency: string, toCurrency: string): Promise<number | null>;
  fetchRate(fromCurrency: string, toCurrency: string): Promise<number | null>;
  convert(amount: Amount, fromCurrency: string, toCurrency: string, options?: { rounding?: Rounding }): Promise<Conversion>;
}

export declare class CachedBalanceCalculator {
  constructor(options: {
    aggregate: (currency: string) => Promise<readonly { _id: unknown; total: Amount }[]>;
    cache?: ComputeCache | null;
    /** ms, default 60 000. */
    ttl?: number;
    currencies?: readonly string[];
    keyPrefix?: string;
    types?: Record<string, readonly string[]>;
    output?: 'number' | 'string';
  });
  getBalanceByCurrency(currency: string): Promise<BalanceRow & { calculatedAt: Date }>;
  calculateBalanceByCurrency(currency: string): Promise<BalanceRow & { calculatedAt: Date }>;
  getAllBalances(): Promise<Record<string, BalanceRow & { calculatedAt: Date }>>;
  invalidate(currency?: string): number;
}
