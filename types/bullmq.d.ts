export interface BullDebouncerOptions {
  connection: any;
  queueName?: string;
  wait?: number;
  run?: (key: string, payloads: unknown[]) => unknown | Promise<unknown>;
  retry?: { attempts?: number; delay?: number; factor?: number };
  onError?: (key: string, err: Error) => void;
  concurrency?: number;
  worker?: boolean;
  prefix?: string;
}

export interface BullDebouncer {
  schedule(key: string | number | { toHexString(): string }, payload?: unknown): Promise<string | undefined>;
  flush(key?: string | number | { toHexString(): string }): Promise<void>;
  stats(): { scheduled: number; coalesced: number; runs: number; succeeded: number; failed: number; retries: number; errors: number; pending: number };
  pendingCount(): Promise<number>;
  close(options?: { flush?: boolean }): Promise<void>;
  readonly queue: any;
}

/** A debouncer for many processes, on BullMQ deduplication in debounce mode. */
export declare function createBullDebouncer(options: BullDebouncerOptions): BullDebouncer;
