// Shape of one benchmark figure; the harness renders these into BENCHMARKS.md.
export interface BenchResult {
  /** Group heading in BENCHMARKS.md, e.g. 'Virtual card (cos)'. */
  readonly group: string;
  readonly name: string;
  readonly value: number;
  readonly unit: string; // 'ops/s', 'ms', 'APDUs', 'MB' …
  /** The baseline measured in the same run, when the figure is a ratio against one. */
  readonly baseline?: { readonly name: string; readonly value: number; readonly unit: string };
  /** value / baseline (or baseline / value for latencies — say which in `notes`). */
  readonly ratio?: number;
  /** Target ratio from the issue, if any (e.g. 0.8). */
  readonly target?: number;
  readonly notes?: string;
}
