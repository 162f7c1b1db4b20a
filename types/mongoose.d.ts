import type { InvalidationTarget, Invalidatable, Logger } from './invalidation';
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

/** A pre-save hook converting `amount` (in `from`) to `to` into `target`, with a timeout fallback. */
export declare function convertBeforeSave(options: {
  rates: { convert(amount: any, from: string, to: string): Promise<{ amount: number; source?: string }> };
  amount: string; from: string; to: string; target: string; timeoutMs?: number; logger?: Logger;
}): (this: any) => Promise<void>;
