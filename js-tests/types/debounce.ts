import { Debouncer, DebouncedUpdateManager, DebouncerStats } from '../../index';

const d = new Debouncer<string, number>({
  wait: 5000, maxWait: 20000, concurrency: 4,
  retry: { attempts: 3, delay: 2000, factor: 2 },
  run: async (key: string, payloads: number[]) => { void key; void payloads.length; },
  onError: (key, err, payloads) => { void key; void err; void payloads; },
});
d.schedule('vagon:1', 42);
const s: DebouncerStats = d.stats();
const n: number = s.pending + d.pending + s.failed + s.failedAttempts;
const h: boolean = d.has('vagon:1') && d.cancel('vagon:1');
const off: () => void = d.installShutdownHooks();
void n; void h; void off;
void d.flush('vagon:1').then(() => d.flush()).then(() => d.close({ flush: true }));

const m = new DebouncedUpdateManager({ delay: 5000, execute: async (vagonId) => vagonId });
m.scheduleVagonTotalsUpdate('65a000000000000000000001');
m.schedule({ toHexString: () => '65a000000000000000000001' });
void m.forceVagonTotalsUpdate('65a000000000000000000001');
