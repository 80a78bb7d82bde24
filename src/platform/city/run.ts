// The city role: the same platform service and interfaces for the city's hospitals (buildServer over the
// city database) plus the exchange scheduler. Each round: for every up type (JMXX before KXX, then HMD,
// CZRZ; BMD weekly) ask the province where its chain for this city ends, re-send a written-but-unacked
// file that continues it or export a new delta from there, upload, mark acknowledged; then pull the
// merged lists (SHMD, SBMD) as deltas from the version last applied. After downtime the next round
// simply resumes from the province's acknowledged sequence.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { systemClock, systemRandom } from '../../base/runtime.ts';
import type { Clock } from '../../base/runtime.ts';
import { buildServer } from '../api/server.ts';
import type { HttpLimits } from '../api/http-limits.ts';
import { PlatformService } from '../domain/service.ts';
import { applyDownFile, lastPulledVersion } from '../exchange/down.ts';
import { exportFile, markAcked, sourceHeads } from '../exchange/export.ts';
import { renderReport } from '../exchange/import.ts';
import type { ExchangeType } from '../exchange/layouts.ts';
import { xdb } from '../exchange/file-ledger.ts';
import { openDatabase } from '../storage/db.ts';
import type { PlatformDb } from '../storage/db.ts';
import { PlatformUnavailable } from '../client/index.ts';
import { ProvinceClient } from './client.ts';

export interface CityOptions {
  dbUrl: string;
  region: string;
  provinceUrl: string;
  orgCode: string;
  userName: string;
  password: string;
  /** Working directory: out/ (files written), in/ (lists pulled). */
  dir: string;
  intervalSeconds: number;
  once?: boolean;
  /** Also serve the platform interfaces for the city's hospitals on this port. */
  port?: number;
  host?: string;
  /** Deadlines and connection caps of that server (defaults: DEFAULT_HTTP_LIMITS). */
  httpLimits?: Partial<HttpLimits>;
  clock?: Clock;
  log?: (line: string) => void;
}

export interface RoundResult {
  uploaded: { type: string; file: string; outcome: string; records: number }[];
  pulled: { type: string; file: string; outcome: string; entries: number }[];
  errors: string[];
}

const ROUND_TYPES: ExchangeType[] = ['JMXX', 'KXX', 'HMD', 'CZRZ'];
const WEEK_MS = 7 * 86400_000;

async function pendingFile(p: PlatformDb, type: string, region: string, firstSeq: number) {
  const rows = await xdb(p.db)
    .selectFrom('exchange_files')
    .selectAll()
    .where('direction', '=', 'out')
    .where('type', '=', type)
    .where('region', '=', region)
    .where('status', '=', 'written')
    .orderBy('id', 'desc')
    .execute();
  return rows.find((r) => Number(r.first_seq) === firstSeq);
}

async function whitelistDue(p: PlatformDb, region: string, now: Date): Promise<boolean> {
  const r = await xdb(p.db)
    .selectFrom('exchange_files')
    .select('created_at')
    .where('direction', '=', 'out')
    .where('type', '=', 'BMD')
    .where('region', '=', region)
    .where('status', '=', 'acked')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return !r || now.getTime() - Date.parse(r.created_at) >= WEEK_MS;
}

/** One exchange round (exported for tests and `--once`). */
export async function cityRound(
  p: PlatformDb,
  client: ProvinceClient,
  o: { region: string; dir: string; clock: Clock; log: (s: string) => void },
): Promise<RoundResult> {
  const out: RoundResult = { uploaded: [], pulled: [], errors: [] };
  const outDir = join(o.dir, 'out');
  const inDir = join(o.dir, 'in');
  await mkdir(outDir, { recursive: true });
  await mkdir(inDir, { recursive: true });
  // one cut for every file of the round: data created while the round runs waits for the next round
  const bounds = await sourceHeads(p);
  const types = [...ROUND_TYPES];
  if (await whitelistDue(p, o.region, o.clock.now())) types.push('BMD');
  for (const type of types) {
    try {
      const acked = type === 'BMD' ? 0 : await client.provinceSeq(type);
      const pending = type === 'BMD' ? undefined : await pendingFile(p, type, o.region, acked + 1);
      let file: { path: string; name: string } | undefined;
      if (pending && existsSync(join(outDir, pending.file_name)))
        file = { path: join(outDir, pending.file_name), name: pending.file_name };
      else {
        const r = await exportFile(p, {
          type,
          region: o.region,
          outDir,
          clock: o.clock,
          bounds,
          // the full whitelist names only cards the province has acknowledged (KXX), so cards issued
          // while this round runs cannot make it refuse the whitelist
          ...(type === 'BMD'
            ? { mode: 'F' as const, cardsUpToSeq: await client.provinceSeq('KXX') }
            : { since: acked, mode: 'D' as const }),
        });
        if (r) file = { path: r.path, name: r.file };
        if (r?.held) o.log(`未导出 / held back ${r.held} 条 / records of ${r.file}: see its .held report`);
      }
      if (!file) continue;
      const rep = await client.upload(file.path, file.name);
      out.uploaded.push({ type, file: file.name, outcome: rep.outcome, records: rep.records });
      if (rep.outcome === 'refused') {
        out.errors.push(renderReport(rep));
        o.log(renderReport(rep));
      } else {
        await markAcked(p, file.name, o.clock.now());
        o.log(`上传 / uploaded ${file.name}: ${rep.message}`);
      }
    } catch (err) {
      out.errors.push(`${type}: ${(err as Error).message}`);
      o.log(`${type}: ${(err as Error).message}`);
      if (err instanceof PlatformUnavailable) return out;
    }
  }
  for (const type of ['SHMD', 'SBMD'] as const) {
    try {
      const have = await lastPulledVersion(p, type);
      const d = await client.downloadList(type, have, inDir);
      if (d.version && d.version === have) continue;
      const r = await applyDownFile(p, d.path, { clock: o.clock, ownRegion: o.region });
      out.pulled.push({ type, file: d.name, outcome: r.outcome, entries: r.stats.listEntries });
      if (r.outcome === 'refused') out.errors.push(renderReport(r));
      o.log(`下发 / pulled ${d.name}: ${r.message}`);
    } catch (err) {
      out.errors.push(`${type}: ${(err as Error).message}`);
      o.log(`${type}: ${(err as Error).message}`);
      if (err instanceof PlatformUnavailable) return out;
    }
  }
  return out;
}

export interface RunningCity {
  p: PlatformDb;
  svc: PlatformService;
  app?: FastifyInstance;
  baseUrl?: string;
  stop(): Promise<void>;
}

/** Opens the city database, optionally serves the interfaces, and runs rounds until stopped. */
export async function runCity(o: CityOptions): Promise<RunningCity> {
  const clock = o.clock ?? systemClock;
  const log = o.log ?? ((s: string) => console.error(`[city ${o.region}] ${s}`));
  const p = await openDatabase(o.dbUrl);
  const svc = await PlatformService.open(p, { clock, random: systemRandom, flushIntervalMs: 50 });
  let app: FastifyInstance | undefined;
  let baseUrl: string | undefined;
  if (o.port !== undefined) {
    app = await buildServer(svc, {
      clock,
      logger: false,
      ...(o.httpLimits ? { httpLimits: o.httpLimits } : {}),
    });
    await app.listen({ host: o.host ?? '127.0.0.1', port: o.port });
    baseUrl = `http://${o.host ?? '127.0.0.1'}:${(app.server.address() as { port: number }).port}`;
    log(`市级平台接口 / city platform interfaces on ${baseUrl}`);
  }
  const client = new ProvinceClient({
    baseUrl: o.provinceUrl,
    orgCode: o.orgCode,
    userName: o.userName,
    password: o.password,
    clock,
  });
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  const stop = async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    await running;
    client.close();
    await app?.close();
    await svc.close();
    await p.close();
  };
  const tick = async () => {
    if (stopped) return;
    running = cityRound(p, client, { region: o.region, dir: o.dir, clock, log }).catch((e) =>
      log(`round failed: ${(e as Error).message}`),
    );
    await running;
    if (!stopped && !o.once) timer = setTimeout(() => void tick(), o.intervalSeconds * 1000);
  };
  await tick();
  if (o.once) await stop();
  return { p, svc, ...(app ? { app } : {}), ...(baseUrl ? { baseUrl } : {}), stop };
}
