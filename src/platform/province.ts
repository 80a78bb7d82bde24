// Starts the province platform: database (migrated), service, HTTP server with every binding; stops it
// cleanly (flushes the audit trail). Used by `rhc serve --role province` and `rhc start`.
import { readQuotaFromEnv } from './domain/read-quota.ts';
import type { ReadQuotaLimits } from './domain/read-quota.ts';
import type { FastifyInstance } from 'fastify';
import { systemClock, systemRandom } from '../base/runtime.ts';
import type { Clock, Random } from '../base/runtime.ts';
import { buildServer } from './api/server.ts';
import type { HttpLimits } from './api/http-limits.ts';
import { DEFAULT_REPLAY_WINDOW_DAYS } from './domain/idempotency.ts';
import { PlatformService } from './domain/service.ts';
import { describeDatabaseUrl, openDatabase } from './storage/db.ts';
import type { PlatformDb } from './storage/db.ts';

export interface ProvinceOptions {
  dbUrl: string;
  /** Personal-data read quotas (default: from the environment, readQuotaFromEnv); false for load rigs. */
  readQuota?: ReadQuotaLimits | false;
  host?: string;
  port?: number;
  logger?: boolean;
  clock?: Clock;
  random?: Random;
  publicUrl?: string;
  bodyLimit?: number;
  allowPlainGateway?: boolean;
  /** Expiry sweep period (default hourly; 0 = off). */
  expiryIntervalMs?: number;
  /** Days idempotency answers are kept for retries (default $RHC_REPLAY_WINDOW_DAYS, else 7). */
  replayWindowDays?: number;
  /** Deadlines and connection caps of the HTTP server (defaults: DEFAULT_HTTP_LIMITS). */
  httpLimits?: Partial<HttpLimits>;
  /** Runs after the database is ready, before listening (demo data). */
  beforeListen?: (p: PlatformDb, svc: PlatformService) => Promise<void>;
  /** Runs after the routes are built, before listening: the apps layer mounts its plugins (web console). */
  configureApp?: (app: FastifyInstance) => Promise<void>;
}

export interface RunningProvince {
  app: FastifyInstance;
  svc: PlatformService;
  p: PlatformDb;
  baseUrl: string;
  stop(): Promise<void>;
}

/** $RHC_REPLAY_WINDOW_DAYS (whole days ≥ 1), else the default of 7. */
function replayWindowFromEnv(): number {
  const raw = process.env.RHC_REPLAY_WINDOW_DAYS;
  if (raw === undefined) return DEFAULT_REPLAY_WINDOW_DAYS;
  const days = Number(raw);
  if (!Number.isInteger(days) || days < 1)
    throw new Error(`RHC_REPLAY_WINDOW_DAYS must be a whole number of days ≥ 1, got "${raw}"`);
  return days;
}

export async function startProvince(o: ProvinceOptions): Promise<RunningProvince> {
  const clock = o.clock ?? systemClock;
  const p = await openDatabase(o.dbUrl);
  const svc = await PlatformService.open(p, {
    clock,
    random: o.random ?? systemRandom,
    flushIntervalMs: 50,
    expiryIntervalMs: o.expiryIntervalMs ?? 3_600_000,
    replayWindowDays: o.replayWindowDays ?? replayWindowFromEnv(),
    readQuota: o.readQuota ?? readQuotaFromEnv(),
  });
  if (o.beforeListen) await o.beforeListen(p, svc);
  const app = await buildServer(svc, {
    clock,
    logger: o.logger ?? false,
    ...(o.publicUrl ? { publicUrl: o.publicUrl } : {}),
    ...(o.bodyLimit ? { bodyLimit: o.bodyLimit } : {}),
    allowPlainGateway: o.allowPlainGateway ?? false,
    validateResponses: false,
    ...(o.httpLimits ? { httpLimits: o.httpLimits } : {}),
  });
  if (o.configureApp) await o.configureApp(app);
  const host = o.host ?? '127.0.0.1';
  await app.listen({ host, port: o.port ?? 8080 });
  const port = (app.server.address() as { port: number }).port;
  const baseUrl = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  let stopped = false;
  return {
    app,
    svc,
    p,
    baseUrl,
    async stop() {
      if (stopped) return;
      stopped = true;
      await app.close();
      await svc.close();
      await p.close();
    },
  };
}

export function describeUrls(baseUrl: string, dbUrl: string): string[] {
  return [
    `  接口文档 / API docs:   ${baseUrl}/docs`,
    `  OpenAPI:               ${baseUrl}/openapi.json`,
    `  SOAP WSDL:             ${baseUrl}/soap/rhc?wsdl`,
    `  REST:                  ${baseUrl}/api/v1/…   JSON gateway: ${baseUrl}/api/v1/gateway`,
    `  数据库 / database:     ${describeDatabaseUrl(dbUrl)}`,
  ];
}

/** Stops on SIGINT / SIGTERM (flushing the audit trail first). */
export function stopOnSignals(run: RunningProvince): void {
  const stop = () => {
    console.log('\n正在停止 / stopping…');
    run.stop().then(
      () => process.exit(0),
      (err) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
