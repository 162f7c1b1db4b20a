// Types for everything public in hotpath (DESIGN.md, "Public API").
// Each hot path keeps its types in types/<module>.d.ts; this file re-exports them.

/** The stable error codes. */
export type HotpathErrorCode =
  | 'ERR_INVALID_PAGINATION'
  | 'ERR_INVALID_SPEC'
  | 'ERR_FORBIDDEN_OPERATOR'
  | 'ERR_INVALID_CURSOR'
  | 'ERR_PATTERN_UNSUPPORTED'
  | 'ERR_INVALID_KEY'
  | 'ERR_INVALID_AMOUNT'
  | 'ERR_UNKNOWN_CURRENCY'
  | 'ERR_OVERFLOW'
  | 'ERR_CLOSED'
  | 'ERR_INTERNAL';

/** An error raised by hotpath; `code` is stable, `message` names the parameter and value. */
export declare class HotpathError extends Error {
  constructor(code: HotpathErrorCode, message: string, options?: { cause?: unknown });
  readonly name: 'HotpathError';
  readonly code: HotpathErrorCode;
}

/** Every code a HotpathError can carry. */
export declare const CODES: readonly HotpathErrorCode[];

/** The backend in use: the native addon, or the WebAssembly fallback. */
export declare const backend: 'native' | 'wasm';

/** The version of the Rust core. */
export declare const version: string;

export * from './types/cache';
export * from './types/loader';
export * from './types/debounce';
export * from './types/money';
export * from './types/pipeline';
export { SmartInvalidation, InvalidationTarget } from './types/invalidation';
