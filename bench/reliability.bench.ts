// Reliability figures for BENCHMARKS.md (issue 7): the soak at 70 % of the peak measured in the same run
// (RHC_SOAK_SECONDS, default 60 here; 600 = the 10 minutes), and the counts of the hostile-input
// and crash suites, which this module runs (test/reliability/*.test.ts, their own processes) with results
// written to a private directory. RHC_BENCH_POSTGRES_URL / RHC_TEST_POSTGRES_URL adds the PostgreSQL runs.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HostileSummary } from '../testkit/load/hostile.ts';
import { dropSchema, schemaUrl } from '../testkit/dialects.ts';
import { soak } from '../testkit/load/soak.ts';
import type { BenchResult } from './types.ts';

const SOAK_SECONDS = Number(process.env.RHC_SOAK_SECONDS ?? 60);
const PG_URL = process.env.RHC_BENCH_POSTGRES_URL ?? process.env.RHC_TEST_POSTGRES_URL;
const GROUP = 'Reliability: soak, hostile input, crash (issue 7)';

interface CrashSummary {
  kills: number;
  roundsRequested: number;
  writes: number;
  inFlightAtKill: number;
  retriedAfterCrash: number;
  replayMismatches: number;
  lostAcknowledged: number;
  duplicateIssuances: number;
  opsLogDisagreements: number;
  listVersionRegressions: number;
  seconds: number;
}

function soakResults(backend: string, r: Awaited<ReturnType<typeof soak>>): BenchResult[] {
  const errs = r.verify.non2xx + r.verify.errors + r.verify.timeouts + r.backgroundErrors.length;
  return [
    {
      group: GROUP,
      name: `soak ${r.seconds} s, verify at 70 % of peak, ${backend}`,
      value: r.verify.rps,
      unit: 'req/s',
      baseline: { name: 'peak verify, same run', value: r.peakRps, unit: 'req/s' },
      ratio: r.verify.rps / r.peakRps,
      target: 0.7,
      notes: `${r.verify.total} verifications + ${r.backgroundWrites} background issuances/status changes; errors: ${errs}; p99 ${r.verify.p99} ms`,
    },
    {
      group: GROUP,
      name: `soak ${r.seconds} s, server RSS after full GC at the end, ${backend}`,
      value: r.rssAfterGcEndMB,
      unit: 'MB',
      baseline: { name: 'after warm-up + full GC at the start', value: r.rssAfterGcStartMB, unit: 'MB' },
      ratio: r.rssAfterGcEndMB / r.rssAfterGcStartMB,
      target: 1.1,
      notes: `growth ${(r.rssGrowthAfterGc * 100).toFixed(1)} % (limit 10 %; ratio should stay BELOW target); file-backed (mmap'd DB) ${r.fileAfterGcStartMB.toFixed(0)} → ${r.fileAfterGcEndMB.toFixed(0)} MB; sampled peak ${r.rssPeakMB.toFixed(0)} MB`,
    },
    {
      group: GROUP,
      name: `soak ${r.seconds} s, server anonymous RSS after full GC at the end, ${backend}`,
      value: r.anonAfterGcEndMB,
      unit: 'MB',
      baseline: { name: 'after warm-up + full GC at the start', value: r.anonAfterGcStartMB, unit: 'MB' },
      ratio: r.anonAfterGcEndMB / r.anonAfterGcStartMB,
      target: 1.1,
      notes: `heap + malloc (incl. SQLite page caches, capacity ${r.sqliteCacheAllowanceMB.toFixed(0)} MB); growth ${(r.anonGrowthAfterGc * 100).toFixed(1)} %; live V8 heap ${r.heapAfterGcStartMB.toFixed(1)} → ${r.heapAfterGcEndMB.toFixed(1)} MB`,
    },
  ];
}

function hostileResults(backend: string, s: HostileSummary & { knownDefects?: number }): BenchResult[] {
  const eps = `${s.endpoints.rest} REST + ${s.endpoints.soap} SOAP + ${s.endpoints.gateway} gateway + ${s.endpoints.exchange} exchange`;
  return [
    {
      group: GROUP,
      name: `hostile input refused with a catalogue code, ${backend}`,
      value: s.refused,
      unit: 'cases',
      baseline: { name: 'cases tried', value: s.tried, unit: 'cases' },
      ratio: s.refused / s.tried,
      notes: `${eps} endpoints; accepted (SQL text in free-text fields, harmless) ${s.accepted}; failed ${s.failed} (known defects ${s.knownDefects ?? 0}, see docs/reliability.md)`,
    },
    {
      group: GROUP,
      name: `hostile input: batches after which /health still answered, ${backend}`,
      value: s.survivedBatches,
      unit: 'batches',
      baseline: { name: 'batches', value: s.batches, unit: 'batches' },
      ratio: s.survivedBatches / Math.max(s.batches, 1),
      target: 1,
    },
  ];
}

function crashResults(backend: string, c: CrashSummary): BenchResult[] {
  return [
    {
      group: GROUP,
      name: `kill -9 during issuance/status writes, ${backend}`,
      value: c.kills,
      unit: 'kills',
      baseline: { name: 'kills requested', value: c.roundsRequested, unit: 'kills' },
      ratio: c.kills / c.roundsRequested,
      notes: `${c.writes} writes, ${c.inFlightAtKill} unanswered at a kill and re-sent with the same request id; lost acknowledged ${c.lostAcknowledged}, applied twice ${c.duplicateIssuances}, log/state disagreements ${c.opsLogDisagreements}, list-version regressions ${c.listVersionRegressions}, replay mismatches ${c.replayMismatches}; ${c.seconds.toFixed(0)} s`,
    },
  ];
}

export async function run(): Promise<BenchResult[]> {
  const out: BenchResult[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'rhc-bench-rel-'));
  try {
    console.log(`reliability bench: soak ${SOAK_SECONDS} s on SQLite`);
    out.push(
      ...soakResults(
        'SQLite',
        await soak({ dbUrl: `sqlite:${join(dir, 'soak.db')}`, workDir: dir, seconds: SOAK_SECONDS }),
      ),
    );
    if (PG_URL) {
      const schema = `rhc_soak_${process.pid}`;
      console.log(`reliability bench: soak ${SOAK_SECONDS} s on PostgreSQL (schema ${schema})`);
      const url = schemaUrl(PG_URL, schema);
      try {
        out.push(
          ...soakResults('PostgreSQL', await soak({ dbUrl: url, workDir: dir, seconds: SOAK_SECONDS })),
        );
      } finally {
        await dropSchema(PG_URL, schema);
      }
    } else console.warn('*** reliability bench: no PostgreSQL URL — PostgreSQL soak SKIPPED ***');

    // the hostile and crash suites, in their own processes, results into a private directory
    const results = join(dir, 'results');
    console.log('reliability bench: hostile-input and crash suites …');
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--test', 'test/reliability/hostile.test.ts', 'test/reliability/crash.test.ts'],
      {
        stdio: 'inherit',
        env: {
          ...process.env,
          RHC_RELIABILITY_DIR: results,
          RHC_CRASH_BUDGET_SECONDS: process.env.RHC_CRASH_BUDGET_SECONDS ?? '600',
          ...(PG_URL ? { RHC_TEST_POSTGRES_URL: PG_URL } : {}),
        },
      },
    );
    if (r.status !== 0)
      console.warn('*** reliability bench: a hostile/crash suite FAILED (figures below as recorded) ***');
    const read = <T>(name: string): T | undefined => {
      const f = join(results, `${name}.json`);
      return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as T) : undefined;
    };
    for (const [backend, key] of [
      ['SQLite', 'sqlite'],
      ['PostgreSQL', 'postgres'],
    ] as const) {
      const h = read<HostileSummary & { knownDefects?: number }>(`hostile-${key}`);
      if (h) out.push(...hostileResults(backend, h));
      const c = read<CrashSummary>(`crash-${key}`);
      if (c) out.push(...crashResults(backend, c));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}
