/** Registers prom-client collectors over `stats()` of caches and debouncers. */
export declare function registerMetrics(
  registry?: any,
  sources?: { caches?: Record<string, { stats(): object }>; debouncers?: Record<string, { stats(): object }>; prefix?: string },
): any[];
