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
  /**
   * Default `'separate'`. `'estimated'`: `estimatedDocumentCount` when the request has no
   * filter (soft-delete only), else the separate count; `'capped'`: counts at most `maxCount`.
   */
  count?: 'facet' | 'separate' | 'none' | 'estimated' | 'capped';
  /** With `count: 'capped'`: the most documents counted (1..1e9). */
  maxCount?: number;
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
  /** A token: the page after it (same as `after`). */
  cursor?: string;
  /** A token (`nextCursor`): the page after it. */
  after?: string;
  /** A token (`prevCursor`): the page before it (paged backwards, returned in order). */
  before?: string;
  /** The last page (a backward walk's start). */
  fromEnd?: boolean | 'true' | 'false' | '1' | '0';
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
  /** `count: 'capped'`: the count reached `maxCount` (total is a lower bound). */
  totalIsLowerBound?: boolean;
  /** `count: 'estimated'`: true when `estimatedDocumentCount` answered, false when it fell back. */
  totalIsEstimate?: boolean;
}

/** mongoose-paginate-v2's labels (plus hotpath's): a new name, or `false` to drop one. */
export interface PaginateLabels {
  docs?: string;
  totalDocs?: string | false;
  limit?: string | false;
  totalPages?: string | false;
  page?: string | false;
  pagingCounter?: string | false;
  hasPrevPage?: string | false;
  hasNextPage?: string | false;
  prevPage?: string | false;
  nextPage?: string | false;
  /** Nest every field but the docs under this name. */
  meta?: string | null | false;
  nextCursor?: string | false;
  prevCursor?: string | false;
  totalIsLowerBound?: string | false;
  totalIsEstimate?: string | false;
}

/** Per-call options of `paginate` (ERR_INVALID_PAGINATION naming a bad one). */
export interface PaginateOptions {
  /** mongoose-paginate-v2's result shape, labels renamed / dropped / nested. */
  customLabels?: PaginateLabels;
  /** Default true (plain objects); false: `Model.hydrate` per document. */
  lean?: boolean;
  /** Adds `id` (the `_id` as a string) to each plain document. Default false. */
  leanWithId?: boolean;
  collation?: { locale: string; [option: string]: unknown };
  allowDiskUse?: boolean;
  /** A read preference mode (or alias p, pp, s, sp, n), or `{ pref, tags }`. */
  read?: string | { pref: string; tags?: Record<string, string>[] };
  maxTimeMS?: number;
  /** false: every match (sorted, projected), no count; more than 10000 → ERR_INVALID_PAGINATION. */
  pagination?: boolean;
  /** A server-side `$match` filter put first (never client input: not allow-listed). */
  match?: Record<string, unknown>;
  /** A server-side `$project` put last (an inclusion keeps the sort keys). */
  project?: Record<string, unknown>;
  /** This call's count (the spec's must not be `'facet'`). */
  count?: 'exact' | 'separate' | 'estimated' | 'capped' | 'none';
  /** With `count: 'capped'`. */
  maxCount?: number;
}

/** What `paginate` returns without `customLabels`. */
export interface PaginateResult<T = any> {
  docs: T[];
  meta: PipelineMeta;
  /** The token of the last document when more follow (`after`). */
  nextCursor: string | null;
  /** The token of the first document when earlier ones exist (`before`). */
  prevCursor: string | null;
}

/** mongoose-paginate-v2's result (default labels) plus hotpath's cursors. */
export interface PaginateV2Result<T = any> {
  docs: T[];
  totalDocs: number | null;
  /** Only when no `page` was given, as mongoose-paginate-v2 reports it. */
  offset?: 0;
  limit: number;
  totalPages: number | null;
  page: number | null;
  pagingCounter: number | null;
  hasPrevPage: boolean;
  hasNextPage: boolean;
  prevPage: number | null;
  nextPage: number | null;
  nextCursor: string | null;
  prevCursor: string | null;
  totalIsLowerBound?: boolean;
  totalIsEstimate?: boolean;
  [label: string]: unknown;
}

/** The bson module used for ObjectId / Decimal128 values. */
export interface BsonLike {
  ObjectId: new (hex: string) => unknown;
  Decimal128: { fromString(s: string): unknown };
}

/** Something with `aggregate(pipeline, options)`, e.g. a Mongoose model. */
export interface AggregatableModel {
  aggregate(pipeline: Record<string, unknown>[], options?: Record<string, unknown>): PromiseLike<any[]> | any;
  estimatedDocumentCount?(options?: { maxTimeMS?: number }): PromiseLike<number> | any;
  hydrate?(doc: any): any;
  base?: { mongo?: BsonLike };
}

/** A compiled spec. */
export interface CompiledPipeline {
  build(params?: PipelineParams, options?: { bson?: BsonLike }): BuiltPipeline;
  filterFromQuery(query: Record<string, unknown>, options?: { bson?: BsonLike }): Record<string, unknown>;
  paramsFromQuery(query: Record<string, unknown>): PipelineParams;
  meta(total: number, params?: PipelineParams): PipelineMeta;
  /**
   * A compound index by the ESR rule. With a `collation`, warns (process warning
   * HOTPATH_COLLATION_INDEX) when string keys need the index created with that collation.
   */
  suggestIndex(params?: PipelineParams, options?: { collation?: { locale: string; [option: string]: unknown } }): Record<string, 1 | -1>;
  /**
   * The token that continues after `doc`. Int64 sort values (bson `Long`, `bigint`) stay
   * exact and come back in the seek as the same type.
   */
  cursorAfter(doc: Record<string, unknown>, params?: PipelineParams): string;
  paginate<T = any>(Model: AggregatableModel, params?: PipelineParams, options?: PaginateOptions & { customLabels?: undefined }): Promise<PaginateResult<T>>;
  paginate<T = any>(Model: AggregatableModel, params: PipelineParams | undefined, options: PaginateOptions & { customLabels: PaginateLabels }): Promise<PaginateV2Result<T>>;
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
