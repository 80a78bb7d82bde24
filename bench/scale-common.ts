// Scale benchmarks (issue 7), shared by scale.bench.ts (SQLite) and scale-pg.bench.ts (PostgreSQL): card
// verification (RHC_C0003, REST) throughput and latency as the card table grows, each size next to baselines measured in the same run — the no-op route of the same server and the
// raw index lookup the verification performs (better-sqlite3 prepared select / `pg` select by card_no) —
// so the curve shows whether verification cost grows faster than an index lookup. Also: peak RSS of the
// server under load and of each bulk import step (its own process). Load: autocannon in a child process,
// bounded in time. The database grows in place: each size adds the difference through the bulk path.
//
// Parameters (docs/reliability.md): RHC_SCALE_SQLITE_CARDS (default "100000,1000000"),
// RHC_SCALE_PG_CARDS (default "100000"; needs RHC_BENCH_POSTGRES_URL or RHC_TEST_POSTGRES_URL),
// RHC_SCALE_PG_40M=1 (adds 40 000 000 to the PostgreSQL sizes), RHC_SCALE_DURATION (s per load run,
// default 6), RHC_SCALE_CONNECTIONS (default 16). The defaults finish in about 5 minutes on 2 busy cores;
// the 1 M / 10 M (/ 40 M) curve is RHC_SCALE_SQLITE_CARDS=1000000,10000000 (≈ 30 min, 9 GB).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runAutocannon } from '../testkit/load/autocannon.ts';
import type { LoadResult } from '../testkit/load/autocannon.ts';
import { bulkLoadInChild } from '../testkit/load/bulk.ts';
import { login, prepareDb } from '../testkit/load/client.ts';
import type { RawRate } from '../testkit/load/raw-lookup.ts';
import { peakRssOf, rssOf } from '../testkit/load/rss.ts';
import { startServerProcess } from '../testkit/load/server-process.ts';
import { openDatabase } from '../src/platform/storage/db.ts';
import type { BenchResult } from './types.ts';

const sizes = (v: string | undefined, d: string) =>
  (v ?? d)
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n > 0)
    .sort((a, b) => a - b);
export const SQLITE_SIZES = sizes(process.env.RHC_SCALE_SQLITE_CARDS, '100000,1000000');
export const PG_SIZES = [
  ...sizes(process.env.RHC_SCALE_PG_CARDS, '100000'),
  ...(process.env.RHC_SCALE_PG_40M === '1' ? [40_000_000] : []),
];
export const DURATION = Number(process.env.RHC_SCALE_DURATION ?? 6);
const CONNECTIONS = Number(process.env.RHC_SCALE_CONNECTIONS ?? 16);
export const PG_URL: string | undefined =
  process.env.RHC_BENCH_POSTGRES_URL ?? process.env.RHC_TEST_POSTGRES_URL;
const GROUP = 'Scale: card verification vs card-table size (issue 7)';
const MB = 2 ** 20;
const CARDS_PER_RESIDENT = 1.03; // seed/synthetic.ts: 3 % of residents hold a cancelled card + its replacement

interface Point {
  cards: number;
  verify: LoadResult;
  noop: LoadResult;
  raw: RawRate;
  serverIdleRss: number;
  serverPeakRss: number;
}

async function sampleCardNos(dbUrl: string, n: number) {
  const p = await openDatabase(dbUrl);
  try {
    const max = Number(
      (
        await p.db
          .selectFrom('cards')
          .select((eb) => eb.fn.max('id').as('m'))
          .executeTakeFirstOrThrow()
      ).m,
    );
    const ids = Array.from({ length: n }, () => 1 + Math.floor(Math.random() * max));
    const rows: { card_no: string; chip_serial: string }[] = [];
    for (let i = 0; i < ids.length; i += 500)
      rows.push(
        ...(await p.db
          .selectFrom('cards')
          .select(['card_no', 'chip_serial'])
          .where('id', 'in', ids.slice(i, i + 500))
          .where('status', '=', '30')
          .execute()),
      );
    return rows;
  } finally {
    await p.close();
  }
}

async function measure(
  dbUrl: string,
  cards: number,
  dir: string,
  hospital: Awaited<ReturnType<typeof prepareDb>>['hospital'],
  raw: (cardNos: string[]) => Promise<RawRate>,
): Promise<Point> {
  const sample = await sampleCardNos(dbUrl, 4000);
  const bodiesFile = join(dir, `bodies-${cards}.json`);
  writeFileSync(
    bodiesFile,
    JSON.stringify(sample.map((c) => JSON.stringify({ cardNo: c.card_no, chipSerial: c.chip_serial }))),
  );
  const server = await startServerProcess({ dbUrl });
  try {
    const serverIdleRss = rssOf(server.pid) ?? 0;
    const token = await login(server.baseUrl, hospital);
    const verifyCfg = {
      url: `${server.baseUrl}/api/v1/cards/verify`,
      method: 'POST' as const,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      connections: CONNECTIONS,
      bodiesFile,
    };
    await runAutocannon({ ...verifyCfg, durationSeconds: 2 }); // warm-up
    const noop = await runAutocannon({
      url: `${server.baseUrl}/api/v1/health`,
      method: 'GET',
      headers: {},
      connections: CONNECTIONS,
      durationSeconds: DURATION,
    });
    const verify = await runAutocannon({ ...verifyCfg, durationSeconds: DURATION });
    const serverPeakRss = peakRssOf(server.pid) ?? 0;
    await server.stop();
    const r = await raw(sample.map((c) => c.card_no));
    console.log(
      `  ${cards} cards: verify ${verify.rps.toFixed(0)} req/s (p50 ${verify.p50} ms, p99 ${verify.p99} ms), ` +
        `no-op ${noop.rps.toFixed(0)} req/s, raw lookup ${r.perSecond.toFixed(0)}/s (${(r.meanMs * 1000).toFixed(0)} µs)`,
    );
    return { cards, verify, noop, raw: r, serverIdleRss, serverPeakRss };
  } finally {
    await server.kill9();
  }
}

function results(backend: string, points: Point[], imports: BenchResult[]): BenchResult[] {
  const out: BenchResult[] = [...imports];
  const base = points[0];
  for (const pt of points) {
    const n = `${(pt.cards / 1e6).toFixed(pt.cards < 1e6 ? 2 : 1)} M cards, ${backend}`;
    const errs = pt.verify.non2xx + pt.verify.errors + pt.verify.timeouts;
    out.push({
      group: GROUP,
      name: `REST verify throughput, ${n}`,
      value: pt.verify.rps,
      unit: 'req/s',
      baseline: { name: 'no-op route, same server', value: pt.noop.rps, unit: 'req/s' },
      ratio: pt.verify.rps / pt.noop.rps,
      notes: `${CONNECTIONS} connections × ${DURATION} s from a separate process; non-2xx/errors: ${errs}`,
    });
    out.push({
      group: GROUP,
      name: `REST verify mean latency, ${n}`,
      value: pt.verify.mean,
      unit: 'ms',
      baseline: { name: 'no-op route mean latency', value: pt.noop.mean, unit: 'ms' },
      ratio: pt.noop.mean / Math.max(pt.verify.mean, 0.001),
      notes: `ratio = no-op / verify; verify p50 ${pt.verify.p50} ms, p99 ${pt.verify.p99} ms`,
    });
    out.push({
      group: GROUP,
      name: `raw index lookup (card + holder by card_no), ${n}`,
      value: pt.raw.perSecond,
      unit: 'lookups/s',
      ...(pt === base
        ? {}
        : {
            baseline: {
              name: `same lookup at ${base!.cards} cards`,
              value: base!.raw.perSecond,
              unit: 'lookups/s',
            },
            ratio: pt.raw.perSecond / base!.raw.perSecond,
          }),
      notes: `${backend === 'SQLite' ? 'better-sqlite3 prepared statement, one thread' : 'pg pool of 10, 16 in flight'}; mean ${(pt.raw.meanMs * 1000).toFixed(0)} µs`,
    });
    if (pt !== base) {
      const verifyGrowth = pt.verify.rps / base!.verify.rps;
      const lookupGrowth = pt.raw.perSecond / base!.raw.perSecond;
      out.push({
        group: GROUP,
        name: `verify throughput ${base!.cards} → ${pt.cards} cards, ${backend}`,
        value: verifyGrowth,
        unit: '× (larger/smaller)',
        baseline: { name: 'raw index lookup, same sizes', value: lookupGrowth, unit: '× (larger/smaller)' },
        ratio: verifyGrowth / lookupGrowth,
        target: 0.8,
        notes: 'ratio ≥ ~1: verification slows no faster than its index lookup as the table grows',
      });
    }
    out.push({
      group: GROUP,
      name: `server peak RSS under verify load, ${n}`,
      value: pt.serverPeakRss / MB,
      unit: 'MB',
      baseline: { name: 'server RSS idle after start', value: pt.serverIdleRss / MB, unit: 'MB' },
      ratio: pt.serverPeakRss / Math.max(pt.serverIdleRss, 1),
      notes: 'VmHWM of the server process after the load runs',
    });
  }
  return out;
}

export async function curve(
  backend: 'SQLite' | 'PostgreSQL',
  dbUrl: string,
  targets: number[],
  dir: string,
  raw: (cardNos: string[]) => Promise<RawRate>,
): Promise<BenchResult[]> {
  const prep = await prepareDb(dbUrl);
  const points: Point[] = [];
  const imports: BenchResult[] = [];
  let cards = 0;
  for (const target of targets) {
    const residents = Math.round((target - cards) / CARDS_PER_RESIDENT);
    if (residents > 0) {
      console.log(`scale bench: ${backend} bulk load +${residents} residents (→ ~${target} cards)`);
      // a new seed per step: the generator's random stream (chip serials, names) must not repeat
      const r = await bulkLoadInChild(dbUrl, residents, 5 + imports.length);
      cards += r.cards;
      const records = r.residents + r.cards + r.listEntries + r.cards; // + one issuance log row per card
      imports.push({
        group: GROUP,
        name: `bulk import peak RSS, ${(records / 1e6).toFixed(1)} M records (${r.residents} residents), ${backend}`,
        value: r.peakRss / MB,
        unit: 'MB',
        baseline: { name: 'same process before loading', value: r.rssBefore / MB, unit: 'MB' },
        ratio: r.peakRss / Math.max(r.rssBefore, 1),
        notes: `streaming in chunks of 20 000 residents; ${r.seconds.toFixed(0)} s, ${(records / r.seconds).toFixed(0)} records/s`,
      });
    }
    points.push(await measure(dbUrl, cards, dir, prep.hospital, raw));
  }
  return results(backend, points, imports);
}
