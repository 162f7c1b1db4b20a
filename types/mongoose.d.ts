import type { InvalidationTarget, Invalidatable, Logger } from './invalidation';
import type { Loader, LoaderOptions } from './loader';
export { SmartInvalidation, InvalidationTarget, Invalidatable, Logger } from './invalidation';

export type WriteOp = 'save' | 'insertMany' | 'updateOne' | 'updateMany' | 'findOneAndUpdate' | 'deleteOne' | 'deleteMany' | 'findOneAndDelete';

export interface HotpathPluginOptions<Doc = any> {
  cache?: Invalidatable;
  /** Targets a write makes stale. Query hooks pass the filter merged with `$set`. */
  invalidate?: (doc: Doc, op: WriteOp) => InvalidationTarget[] | null | undefined;
  debounce?: { debouncer: { schedule(key: any, payload?: any): unknown }; key: (doc: Doc) => unknown };
  logger?: Logger;
}

/** The Mongoose schema plugin: `schema.plugin(hotpathPlugin, options)`. */
export declare function hotpathPlugin(schema: any, options?: HotpathPluginOptions): void;

/** mongoose-paginate-v2's options that `Model.paginate` takes (and hotpath's additions). */
export interface ModelPaginateOptions extends Omit<import('./pipeline').PaginateOptions, 'match' | 'project'> {
  page?: number | string;
  limit?: number | string;
  sort?: import('./pipeline').PipelineSort;
  select?: string | Record<string, unknown>;
  projection?: string | Record<string, unknown>;
  /** `{ maxTimeMS }` as mongoose-paginate-v2's query options. */
  options?: { maxTimeMS?: number };
  useEstimatedCount?: boolean;
  forceCountFn?: boolean;
  after?: string;
  before?: string;
  fromEnd?: boolean;
}

/**
 * `schema.plugin(paginatePlugin)`: `Model.paginate(filter, options)` with mongoose-paginate-v2's
 * call and result (documents hydrated unless `lean`), run as one aggregation per page;
 * `spec` adds lookups / softDelete / count / secret to the spec derived from the schema.
 */
export declare function paginatePlugin(schema: any, options?: {
  spec?: Partial<import('./pipeline').PipelineSpec>;
  defaults?: ModelPaginateOptions;
}): void;

/** A pre-save hook converting `amount` (in `from`) to `to` into `target`, with a timeout fallback. */
export declare function convertBeforeSave(options: {
  rates: { convert(amount: any, from: string, to: string): Promise<{ amount: number; source?: string }> };
  amount: string; from: string; to: string; target: string; timeoutMs?: number; logger?: Logger;
}): (this: any) => Promise<void>;


/** Options of {@link loaderFor}; the rest go to the {@link Loader}. */
export interface LoaderForOptions<Doc = any> extends Omit<LoaderOptions<unknown, Doc | null>, 'key'> {
  /** Projection (string or object); the key field is added to an inclusive one. */
  select?: string | Record<string, 0 | 1 | boolean>;
  /** Plain objects (default true) or Mongoose documents. */
  lean?: boolean;
  /** The field the keys are values of (default '_id'). */
  key?: string;
}

/**
 * A Loader batching `Model.find({ [key]: { $in: keys } }, select, { lean })`: results in key
 * order, `null` for a missing key. `hotpathPlugin` on the model's schema clears its entries
 * when a document is written (by `_id`; every entry for another key field).
 */
export declare function loaderFor<Doc = any, K = unknown>(Model: any, options?: LoaderForOptions<Doc>): Loader<K, Doc | null>;
