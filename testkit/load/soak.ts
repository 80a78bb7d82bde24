// Soak driver: card verification from a separate autocannon process at a fixed share of a peak measured
// just before, while this process issues cards and changes their status in a bounded async loop, and the
// server's RSS is sampled. Used by test/reliability/soak.test.ts (short) and bench/reliability.bench.ts (long).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../../src/platform/storage/db.ts';
import { runAutocannon } from './autocannon.ts';
import type { LoadResult } from './autocannon.ts';
import { login, prepareDb } from './client.ts';
import { idNumber } from '../platform/fixtures.ts';
import { issuanceBody, send, statusBody } from './crash.ts';
import type { LedgerEntry } from './crash.ts';
import { RssSampler, rssBreakdownOf } from './rss.ts';
import { startServerProcess } from './server-process.ts';

export interface SoakOptions {
  dbUrl: string;
  /** Scratch directory for the request-body file. */
  workDir: string;
  seconds: number;
  /** Share of the measured peak (0.7 in the issue). */
  share?: number;
  residents?: number;
  connections?: number;
  /** Background writes per second (issuance, then a status change for some of them). */
  writesPerSecond?: number;
  peakSeconds?: number;
  /** Seconds at the target rate before the RSS baseline (default: a quarter of `seconds`, 5–60 s). */
  warmupSeconds?: number;
}

/**
 * Bytes SQLite may legitimately add to the server's anonymous memory while a soak fills its page caches:
 * the cache_size openDatabase() configures, times the two connections the platform keeps (writer +
 * read-only card lookup, storage/card-lookup.ts). 0 for PostgreSQL (its caches live in its own processes).
 */
export async function sqlitePageCacheAllowance(dbUrl: string): Promise<number> {
  if (!dbUrl.startsWith('sqlite:')) return 0;
  const p = await openDatabase(dbUrl);
  try {
    const pages = Number(p.sqlite!.pragma('cache_size', { simple: true }));
    const pageSize = Number(p.sqlite!.pragma('page_size', { simple: true }));
    const perConnection = pages < 0 ? -pages * 1024 : pages * pageSize;
    return 2 * perConnection;
  } finally {
    await p.close();
  }
}

export interface SoakResult {
  seconds: number;
  peakRps: number;
  targetRps: number;
  verify: LoadResult;
  backgroundWrites: number;
  backgroundErrors: string[];
  rssStartMB: number;
  rssEndMB: number;
  rssPeakMB: number;
  /** Median RSS of the last fifth of the run against the first fifth (garbage included). */
  rssGrowth: number;
  /** RSS after a full GC at the start and at the end of the run: the criterion (under 10 %). */
  rssAfterGcStartMB: number;
  rssAfterGcEndMB: number;
  rssGrowthAfterGc: number;
  /** Anonymous part of that RSS (heap, malloc incl. SQLite's page cache): what a leak grows. */
  anonAfterGcStartMB: number;
  anonAfterGcEndMB: number;
  anonGrowthAfterGc: number;
  /** File-backed part (mmap'd database pages — the OS page cache, grows with the file the soak writes). */
  fileAfterGcStartMB: number;
  fileAfterGcEndMB: number;
  /** SQLite page-cache capacity of the server (sqlitePageCacheAllowance), bytes → MB. */
  sqliteCacheAllowanceMB: number;
  /** Live V8 heap after those collections (a leak shows here first). */
  heapAfterGcStartMB: number;
  heapAfterGcEndMB: number;
  warmupSeconds: number;
  samples: number;
}

export async function soak(o: SoakOptions): Promise<SoakResult> {
  const prep = await prepareDb(o.dbUrl, { residents: o.residents ?? 20_000, seed: 21 });
  const p = await openDatabase(o.dbUrl);
  const sample = await p.db
    .selectFrom('cards')
    .select(['card_no', 'chip_serial'])
    .where('status', '=', '30')
    .limit(2000)
    .execute();
  await p.close();
  if (sample.length === 0) throw new Error('no active cards to verify');
  const bodiesFile = join(o.workDir, 'verify-bodies.json');
  writeFileSync(
    bodiesFile,
    JSON.stringify(sample.map((c) => JSON.stringify({ cardNo: c.card_no, chipSerial: c.chip_serial }))),
  );
  const server = await startServerProcess({
    dbUrl: o.dbUrl,
    ...(process.env.RHC_SOAK_MEMORY_TRACE ? { memoryEveryMs: 2000 } : {}),
  });
  try {
    const hospitalToken = await login(server.baseUrl, prep.hospital);
    const cityToken = await login(server.baseUrl, prep.city);
    const verify = {
      url: `${server.baseUrl}/api/v1/cards/verify`,
      method: 'POST' as const,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${hospitalToken}` },
      connections: o.connections ?? 8,
      bodiesFile,
    };
    // the peak run doubles as the warm-up (JIT, page cache, statement cache)
    const peak = await runAutocannon({ ...verify, durationSeconds: o.peakSeconds ?? 4 });
    if (peak.non2xx + peak.errors > 0)
      throw new Error(`peak run had ${peak.non2xx} non-2xx and ${peak.errors} errors`);
    const targetRps = Math.max(1, Math.round(peak.rps * (o.share ?? 0.7)));
    // warm-up at the soak rate (caches, JIT, V8 heap sizing), then the baseline after a full GC
    const warmup = o.warmupSeconds ?? Math.min(60, Math.max(5, Math.round(o.seconds / 4)));
    const warm = await runAutocannon({ ...verify, durationSeconds: warmup, rate: targetRps });
    if (warm.non2xx + warm.errors > 0)
      throw new Error(`warm-up had ${warm.non2xx} non-2xx and ${warm.errors} errors`);
    const gcStart = await server.collectGarbage();
    const kindsStart = rssBreakdownOf(server.pid);
    const sampler = new RssSampler(server.pid, 250).start();
    const loadRun = runAutocannon({ ...verify, durationSeconds: o.seconds, rate: targetRps });
    // background writes, bounded: one at a time, paced, stopped when the load run ends
    let stop = false;
    const errors: string[] = [];
    let writes = 0;
    const background = (async () => {
      const gap = 1000 / (o.writesPerSecond ?? 5);
      for (let n = 0; !stop; n++) {
        const birth = `1970${String(1 + (((n / 1000) % 12) | 0)).padStart(2, '0')}15`;
        const idNo = idNumber('610103', birth, n % 1000);
        const chip = (0xb000000000 + n + Math.floor(Math.random() * 1e6) * 1000)
          .toString(16)
          .toUpperCase()
          .slice(0, 10);
        const serial = `SOAK-${process.pid}-${Date.now().toString(36)}-${n}`;
        const issue: LedgerEntry = {
          kind: 'issue',
          path: '/api/v1/cards/issuance',
          serialNo: serial,
          cardNo: idNo,
          body: issuanceBody(idNo, chip, serial, prep.city.code),
          mismatches: 0,
        };
        try {
          if ((await send(server.baseUrl, cityToken, issue)) !== 'acked')
            errors.push(`issuance ${n}: no answer`);
          writes++;
          if (n % 3 === 0) {
            const s: LedgerEntry = {
              ...issue,
              kind: 'status',
              path: '/api/v1/cards/status',
              serialNo: `${serial}-S`,
              body: statusBody(idNo, chip, `${serial}-S`, prep.city.code),
            };
            if ((await send(server.baseUrl, cityToken, s)) !== 'acked') errors.push(`status ${n}: no answer`);
            writes++;
          }
        } catch (err) {
          errors.push((err as Error).message);
        }
        await new Promise((r) => setTimeout(r, gap));
      }
    })();
    const result = await loadRun;
    stop = true;
    await background;
    sampler.stop();
    const gcEnd = await server.collectGarbage();
    const kindsEnd = rssBreakdownOf(server.pid);
    const g = sampler.growth(0.2);
    if (process.env.RHC_SOAK_MEMORY_TRACE)
      console.log(
        server
          .stderr()
          .split('\n')
          .filter((l) => l.startsWith('mem '))
          .map((l) => {
            const m = JSON.parse(l.slice(4)) as Record<string, number>;
            return `rss ${(m.rss! / 2 ** 20).toFixed(0)} heapUsed ${(m.heapUsed! / 2 ** 20).toFixed(0)} heapTotal ${(m.heapTotal! / 2 ** 20).toFixed(0)} external ${(m.external! / 2 ** 20).toFixed(0)} ab ${(m.arrayBuffers! / 2 ** 20).toFixed(0)}`;
          })
          .join('\n'),
      );
    return {
      seconds: o.seconds,
      peakRps: peak.rps,
      targetRps,
      verify: result,
      backgroundWrites: writes,
      backgroundErrors: errors.slice(0, 20),
      rssStartMB: g.start / 2 ** 20,
      rssEndMB: g.end / 2 ** 20,
      rssPeakMB: sampler.peak / 2 ** 20,
      rssGrowth: g.ratio,
      warmupSeconds: warmup,
      rssAfterGcStartMB: gcStart.rss / 2 ** 20,
      rssAfterGcEndMB: gcEnd.rss / 2 ** 20,
      rssGrowthAfterGc: gcEnd.rss / gcStart.rss - 1,
      anonAfterGcStartMB: (kindsStart?.anon ?? NaN) / 2 ** 20,
      anonAfterGcEndMB: (kindsEnd?.anon ?? NaN) / 2 ** 20,
      anonGrowthAfterGc: kindsStart && kindsEnd ? kindsEnd.anon / kindsStart.anon - 1 : NaN,
      fileAfterGcStartMB: (kindsStart?.file ?? NaN) / 2 ** 20,
      fileAfterGcEndMB: (kindsEnd?.file ?? NaN) / 2 ** 20,
      sqliteCacheAllowanceMB: (await sqlitePageCacheAllowance(o.dbUrl)) / 2 ** 20,
      heapAfterGcStartMB: gcStart.heapUsed / 2 ** 20,
      heapAfterGcEndMB: gcEnd.heapUsed / 2 ** 20,
      samples: sampler.samples.length,
    };
  } finally {
    await server.stop();
  }
}
