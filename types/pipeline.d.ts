// Types of the `pipeline` hot path (docs/pipeline.md).

/** The BSON type a field is coerced to. */
export type PipelineFieldType = 'objectId' | 'date' | 'number' | 'string' | 'bool' | 'decimal';
/** Filter operators a field may allow. */
export type PipelineOp = 'eq' | 'ne' | 'in' | 'nin' | 'gt' | 'gte' | 'lt' | 'lte' | 'exists' | 'regex';
/** A sort: `'-createdAt name'`, `{ createdAt: -1 }` or `[['createdAt', -1]]`. */
export type PipelineSort = string | Record<string, 1 | -1 | 'asc' | 'desc'> | Array<[string, 1 | -1 | 'asc' | 'desc']>;

/** One `$lookup` replacing a `populate()`. */
export interface PipelineLookup {
  from: string;
  localField: string;
  /** Default `_id`. */
  foreignField?: string;
  as: string;
  /** Foreign fields to keep. */
  project?: string[];
  /** One document (`$unwind` with preserveNullAndEmptyArrays) instead of an array. */
  single?: boolean;
}

/** The declarative spec given to `pipeline.compile`. */
export interface PipelineSpec {
  collection: string;
  types?: Record<string, PipelineFieldType>;
  lookups?: PipelineLookup[];
  sortable?: string[];
  /** Default `{ _id: -1 }`. */
  defaultSort?: PipelineSort;
  filterable?: Record<string, PipelineOp[]>;
  selectable?: string[];
  /** Default 20. */
  defaultLimit?: number;
  /** Default 100. */
  maxLimit?: number;
  /** Default `'separate'`. */
  count?: 'facet' | 'separate' | 'none';
  /** Added to every `$match`, e.g. `{ isDeleted: false }`. */
  softDelete?: Record<string, string | number | boolean | null | { $ne: string | number | boolean | null }>;
  /**
   * HMAC-SHA256 key for cursor tokens. Signed or not, a token is bound to the compiled spec
   * and sort that made it (another spec refuses it with ERR_INVALID_CURSOR).
   */
  secret?: string;
  /** Default `'localField'` (MongoDB ≥ 5.0); `'let'` for older servers and mingo. */
  lookupForm?: 'localField' | 'let';
}

/** Request parameters. */
export interface PipelineParams {
  filter?: Record<string, unknown>;
  page?: number | string;
  limit?: number | string;
  sort?: PipelineSort;
  fields?: string | string[];
  cursor?: string;
}

/** What `build` returns. */
export interface BuiltPipeline {
  pipeline: Record<string, unknown>[];
  countPipeline?: Record<string, unknown>[];
  /** Why the stages are in this order (`fast: …` or `slow: …`). */
  plan: string;
}

/** Pagination metadata. */
export interface PipelineMeta {
  total: number | null;
  limit: number;
  currentPage: number | null;
  totalPages: number | null;
  hasNextPage: boolean;
  hasPrevPage: boolean;
  nextPage: number | null;
  prevPage: number | null;
}

/** The bson module used for ObjectId / Decimal128 values. */
export interface BsonLike {
  ObjectId: new (hex: string) => unknown;
  Decimal128: { fromString(s: string): unknown };
}

/** Something with `aggregate(pipeline)`, e.g. a Mongoose model. */
export interface AggregatableModel {
  aggregate(pipeline: Record<string, unknown>[]): PromiseLike<any[]> | any;
  base?: { mongo?: BsonLike };
}

/** A compiled spec. */
export interface CompiledPipeline {
  build(params?: PipelineParams, options?: { bson?: BsonLike }): BuiltPipeline;
  filterFromQuery(query: Record<string, unknown>, options?: { bson?: BsonLike }): Record<string, unknown>;
  paramsFromQuery(query: Record<string, unknown>): PipelineParams;
  meta(total: number, params?: PipelineParams): PipelineMeta;
  suggestIndex(params?: PipelineParams): Record<string, 1 | -1>;
  /**
   * The token that continues after `doc`. Int64 sort values (bson `Long`, `bigint`) stay
   * exact and come back in the seek as the same type.
   */
  cursorAfter(doc: Record<string, unknown>, params?: PipelineParams): string;
  paginate<T = any>(Model: AggregatableModel, params?: PipelineParams): Promise<{ docs: T[]; meta: PipelineMeta; nextCursor: string | null }>;
}

/** Sets the bson used for typed values (`{ bson: null }` restores the default). */
export declare function configure(options: { bson?: BsonLike | null }): void;

/** Aggregation pipelines from a declarative spec. */
export declare const pipeline: {
  compile(spec: PipelineSpec): CompiledPipeline;
  configure: typeof configure;
};

/** The original design's AggregationBuilder, built from specs with the better stage order. */
export declare class AggregationBuilder {
  static buildVagonSalePipeline(filter?: Record<string, unknown>, options?: { page?: number; limit?: number; sort?: PipelineSort }): Record<string, unknown>[];
  static buildCashPipeline(filter?: Record<string, unknown>, options?: { page?: number; limit?: number; sort?: PipelineSort }): Record<string, unknown>[];
  static buildClientPipeline(filter?: Record<string, unknown>, options?: { page?: number; limit?: number; sort?: PipelineSort }): Record<string, unknown>[];
  static readonly specs: { vagonSales: CompiledPipeline; cashes: CompiledPipeline; clients: CompiledPipeline };
}
