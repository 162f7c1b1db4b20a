// Types of the `debounce` hot path (docs/debounce.md).

/** A debounce key: a string, a finite number, or an ObjectId (compared by its hex string). */
export type DebounceKey = string | number | { toHexString(): string };

/** Retry policy: `attempts` in total (1 = no retry); retry n waits `delay * factor^(n-1)` ms. */
export interface RetryOptions {
  /** Total attempts, the first included (BullMQ's meaning). Default 1. */
  attempts?: number;
  /** ms before the first retry. Default 0. */
  delay?: number;
  /** Backoff factor (>= 1). Default 2. */
  factor?: number;
}

/** An injectable clock and timer (tests). Defaults: Date.now and the global timers. */
export interface DebounceTimers {
  now?: () => number;
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (handle: any) => void;
}

export interface DebouncerOptions<K extends DebounceKey = DebounceKey, P = unknown> {
  /** ms after the last schedule before the run. Default 0. */
  wait?: number;
  /** ms bound on the delay since the first schedule (raised to `wait` if smaller). */
  maxWait?: number;
  /** Runs in progress at once, over all keys. Default Infinity. */
  concurrency?: number;
  retry?: RetryOptions;
  /** The work: gets every payload scheduled since the previous run of the key. */
  run: (key: K, payloads: P[]) => unknown;
  /** The last attempt failed: the error and that run's payloads. Default: log to stderr. */
  onError?: (key: K, err: unknown, payloads: P[]) => void;
  timers?: DebounceTimers;
}

/** Counters since construction. */
export interface DebouncerStats {
  /** Accepted `schedule` calls. */
  scheduled: number;
  /** Schedules merged into a run already owed. */
  coalesced: number;
  /** Attempts started (retries included). */
  runs: number;
  /** Attempts that resolved. */
  succeeded: number;
  /** Runs whose last attempt failed, retries exhausted (BullMQ's failed jobs): a key failing all its attempts counts once. */
  failed: number;
  /** Failed attempts, retried or not. */
  failedAttempts: number;
  /** Retries scheduled after a failed attempt. */
  retries: number;
  /** Keys owing a run that has not started. */
  pending: number;
}

/** Per-key trailing debounce: one timer, bookkeeping in Rust, retries, clean shutdown. */
export declare class Debouncer<K extends DebounceKey = DebounceKey, P = unknown> {
  constructor(options: DebouncerOptions<K, P>);
  /** Trailing debounce of `key`; `payload` (when passed) goes to the next run. */
  schedule(key: K, payload?: P): void;
  /** Runs now what `key` owes (or every key, without one); resolves after those runs. */
  flush(key?: K): Promise<void>;
  /** Drops the owed run of `key` and its payloads; whether one was owed. */
  cancel(key: K): boolean;
  /** Whether a run of `key` is owed and has not started. */
  has(key: K): boolean;
  /** Keys owing a run that has not started. */
  readonly pending: number;
  /** Whether close() was called. */
  readonly closed: boolean;
  stats(): DebouncerStats;
  /** Stops accepting schedules; `flush: true` (default) runs everything owed first. */
  close(options?: { flush?: boolean }): Promise<void>;
  /** Opt-in: flush on SIGTERM / SIGINT / beforeExit, then let the process exit. */
  installShutdownHooks(options?: { signals?: NodeSignal[]; beforeExit?: boolean }): () => void;
}

/** A process signal name, e.g. 'SIGTERM'. */
export type NodeSignal = string;

export interface DebouncedUpdateManagerOptions {
  /** The debounce delay in ms (the seed's debounceDelay). Default 5000. */
  delay?: number;
  /** The update of one vagon. */
  execute?: (vagonId: any) => unknown;
  onError?: (key: any, err: unknown) => void;
  maxWait?: number;
  concurrency?: number;
  retry?: RetryOptions;
  timers?: DebounceTimers;
}

/** The seed's DebouncedUpdateManager on a Debouncer (same method names). */
export declare class DebouncedUpdateManager {
  constructor(options?: DebouncedUpdateManagerOptions);
  readonly debounceDelay: number;
  scheduleVagonTotalsUpdate(vagonId: DebounceKey): void;
  schedule(key: DebounceKey): void;
  executeVagonTotalsUpdate(vagonId: any): Promise<unknown>;
  forceVagonTotalsUpdate(vagonId: DebounceKey): Promise<void>;
  has(key: DebounceKey): boolean;
  readonly pending: number;
  flush(): Promise<void>;
  close(options?: { flush?: boolean }): Promise<void>;
  stats(): DebouncerStats;
}
