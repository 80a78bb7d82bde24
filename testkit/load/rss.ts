// Resident set size of any process (Linux /proc), and a sampler that keeps every reading so callers can
// compare a warm-up window with the end of a run (growth) and report the peak.
import { readFileSync, writeFileSync } from 'node:fs';

/** A `kB` field of /proc/PID/status in bytes, or undefined if the process is gone (or /proc is unavailable). */
function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number | undefined {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** RSS of `pid` in bytes, or undefined if the process is gone. */
export const rssOf = (pid: number): number | undefined => statusKb(pid, 'VmRSS');

/** Peak RSS ever reached by `pid` (VmHWM), in bytes. */
export const peakRssOf = (pid: number): number | undefined => statusKb(pid, 'VmHWM');

/**
 * Resets the peak RSS (VmHWM) of `pid` to its current RSS (Linux: `5` into /proc/PID/clear_refs), so the
 * next peakRssOf measures one phase of a process; false when the kernel refuses.
 */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

export interface RssBreakdown {
  /** Total resident set, bytes. */
  rss: number;
  /** Anonymous memory: V8 heap, malloc (SQLite's page cache), stacks — what a leak grows. */
  anon: number;
  /** File-backed pages mapped by the process (the mmap'd database file, code): the OS page cache. */
  file: number;
  shmem: number;
}

/** RSS split by kind (/proc/PID/status RssAnon, RssFile, RssShmem), or undefined if unavailable. */
export function rssBreakdownOf(pid: number): RssBreakdown | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)\\s+kB`, 'm').exec(text)?.[1] ?? NaN) * 1024;
    const r = { rss: kb('VmRSS'), anon: kb('RssAnon'), file: kb('RssFile'), shmem: kb('RssShmem') };
    return Number.isNaN(r.rss + r.anon + r.file + r.shmem) ? undefined : r;
  } catch {
    return undefined;
  }
}

export interface RssSample {
  atMs: number;
  bytes: number;
}

export class RssSampler {
  readonly samples: RssSample[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly t0 = Date.now();

  constructor(
    private readonly pid: number,
    private readonly everyMs = 250,
  ) {}

  start(): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.everyMs);
    this.timer.unref();
    return this;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.sample();
  }

  private sample(): void {
    const bytes = rssOf(this.pid);
    if (bytes !== undefined) this.samples.push({ atMs: Date.now() - this.t0, bytes });
  }

  get peak(): number {
    return this.samples.reduce((m, s) => Math.max(m, s.bytes), 0);
  }

  /**
   * Growth between the median of the samples in the first `fraction` of the run (after warm-up) and the
   * median of the last `fraction`: medians, so one GC pause does not decide the verdict.
   */
  growth(fraction = 0.2): { start: number; end: number; ratio: number } {
    const n = this.samples.length;
    const k = Math.max(1, Math.floor(n * fraction));
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
    const start = median(this.samples.slice(0, k).map((s) => s.bytes));
    const end = median(this.samples.slice(n - k).map((s) => s.bytes));
    return { start, end, ratio: start > 0 ? end / start - 1 : 0 };
  }
}
