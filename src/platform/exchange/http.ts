// HTTP endpoints of the exchange, as a Fastify plugin the province (or any platform) server registers:
//   PUT  /api/v1/exchange/files/:name     authenticated streaming upload of an up file → import report
//   GET  /api/v1/exchange/lists/:type     merged list file (SHMD / SBMD); ?have=<version> → delta
//   GET  /api/v1/exchange/status?type=T   last sequence the province applied for the caller's region
// Uploads are streamed to a spool file (never buffered in memory) and imported from there, so a client
// that disconnects mid-upload leaves nothing applied. Encapsulated plugin: its raw-body content parser
// does not leak into the other routes.
import { createReadStream, createWriteStream } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Clock } from '../../base/runtime.ts';
import { storageOf } from '../../storage/index.ts';
import { mayUseExchange, type ExchangeRoute } from '../domain/authorization.ts';
import { auditEntry } from '../domain/context.ts';
import type { Caller } from '../domain/institutions/index.ts';
import type { PlatformService } from '../domain/service.ts';
import { RhcError } from '../errors.ts';
import type { PlatformDb } from '../storage/db.ts';
import { exportFile } from './export.ts';
import { parseFileName } from './format.ts';
import { importFile } from './import.ts';
import { isExchangeType, TYPES } from './layouts.ts';
import { lastSeq, xdb } from './file-ledger.ts';

export const EXCHANGE_PREFIX = '/api/v1/exchange';

export interface ExchangeHttpOptions {
  svc: PlatformService;
  clock: Clock;
  /** Where uploads and generated list files are spooled (default: `spool/exchange` in the data folder). */
  spoolDir?: string;
  /** Region written into down files (default $RHC_REGION, else the registered province institution's). */
  region?: string;
  /** Upload cap in bytes (default 4 GiB). */
  maxUploadBytes?: number;
}

/** The authenticated caller, if its institution role AND user role may use `route` (1011 audited otherwise). */
async function callerOf(svc: PlatformService, req: FastifyRequest, route: ExchangeRoute): Promise<Caller> {
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  const caller = await svc.registry.callerFromToken(m?.[1]);
  if (!mayUseExchange(route, caller.role, caller.userRole)) {
    svc.audit.append(
      auditEntry(caller, `EXCHANGE_${route.toUpperCase()}`, 'refused', '1011', 'file-exchange'),
    );
    throw new RhcError('NOT_PERMITTED', {
      detail: `exchange ${route}: institution role ${caller.role}, user role ${caller.userRole} (docs/authorization.md)`,
    });
  }
  return caller;
}

let spoolCounter = 0;

/**
 * The spool holds uploaded files (tens of thousands of ID numbers) while they are imported: beside the
 * database (its `spool/exchange` folder, 0700, files 0600) — or a private temporary folder for an in-memory
 * or PostgreSQL database without RHC_DATA_DIR — never a shared /tmp path.
 */
async function defaultSpoolDir(p: PlatformDb): Promise<string> {
  const base = p.sqlitePath && p.sqlitePath !== ':memory:' ? dirname(p.sqlitePath) : process.env.RHC_DATA_DIR;
  if (base) return join(base, 'spool', 'exchange');
  return mkdtemp(join(tmpdir(), 'rhc-exchange-'));
}

/** Spool entries are named `{up|down}-PID-…`: those of processes no longer running are leftovers of a crash. */
async function removeStaleSpool(dir: string): Promise<void> {
  for (const name of await readdir(dir)) {
    const pid = Number(/^(?:up|down)-(\d+)-/.exec(name)?.[1]);
    if (!pid || pid === process.pid) continue;
    try {
      process.kill(pid, 0); // still running (another server on the same data folder): leave it
    } catch {
      await rm(join(dir, name), { recursive: true, force: true });
    }
  }
}

async function provinceRegion(o: ExchangeHttpOptions): Promise<string> {
  if (o.region ?? process.env.RHC_REGION) return (o.region ?? process.env.RHC_REGION)!;
  const r = await o.svc.db
    .selectFrom('institutions')
    .select('region_code')
    .where('role', '=', 'province')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  if (!r)
    throw new RhcError('INTERNAL', {
      detail:
        'province region unknown: register the province institution (rhc institution add --role province --region xx0000) or set RHC_REGION',
    });
  return r.region_code;
}

export async function exchangeRoutes(app: FastifyInstance, opts: ExchangeHttpOptions): Promise<void> {
  // the service's storage (PlatformDb) without opening a second connection; closing stays the owner's
  const p: PlatformDb = { ...storageOf(opts.svc.db), close: async () => undefined };
  const o = { ...opts, p, spoolDir: opts.spoolDir ?? (await defaultSpoolDir(p)) };
  await mkdir(o.spoolDir, { recursive: true, mode: 0o700 });
  await chmod(o.spoolDir, 0o700);
  await removeStaleSpool(o.spoolDir);
  const max = o.maxUploadBytes ?? 4 * 1024 ** 3;
  // the upload body stays a stream: the handler pipes it to disk
  app.addContentTypeParser(['text/plain', 'application/octet-stream'], (_req, payload, done) =>
    done(null, payload),
  );

  app.put(`${EXCHANGE_PREFIX}/files/:name`, { schema: { hide: true } }, async (req, reply) => {
    const caller = await callerOf(o.svc, req, 'upload');
    const { name } = req.params as { name: string };
    if (!parseFileName(name))
      throw new RhcError('FIELD_FORMAT', { field: 'name', detail: '{TYPE}_{region6}_{yyyyMMdd}_{seq3}.txt' });
    const spool = join(o.spoolDir, `up-${process.pid}-${Date.now()}-${++spoolCounter}.part`);
    let bytes = 0;
    const limit = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        bytes += chunk.length;
        cb(
          bytes > max ? new RhcError('MESSAGE_PARSE', { detail: `upload larger than ${max} bytes` }) : null,
          chunk,
        );
      },
    });
    try {
      await pipeline(req.body as NodeJS.ReadableStream, limit, createWriteStream(spool, { mode: 0o600 }));
      const r = await importFile(o.p, spool, {
        clock: o.clock,
        sender: { institutionCode: caller.institutionCode, regionCode: caller.regionCode },
        fileName: name,
        audit: { trail: o.svc.audit, userName: caller.userName },
      });
      reply.header('cache-control', 'no-store');
      return reply.code(r.outcome === 'refused' ? 422 : 200).send(r);
    } finally {
      await rm(spool, { force: true });
    }
  });

  app.get(`${EXCHANGE_PREFIX}/status`, { schema: { hide: true } }, async (req) => {
    const caller = await callerOf(o.svc, req, 'status');
    const { type } = req.query as { type?: string };
    if (!type || !isExchangeType(type) || TYPES[type].direction !== 'up')
      throw new RhcError('FIELD_FORMAT', { field: 'type' });
    return {
      region: caller.regionCode,
      type,
      lastSeq: await lastSeq(xdb(o.p.db), 'in', caller.regionCode, type),
    };
  });

  app.get(`${EXCHANGE_PREFIX}/lists/:type`, { schema: { hide: true } }, async (req, reply) => {
    const caller = await callerOf(o.svc, req, 'lists');
    const { type } = req.params as { type: string };
    const { have } = req.query as { have?: string };
    if (type !== 'SHMD' && type !== 'SBMD')
      throw new RhcError('FIELD_FORMAT', { field: 'type', detail: 'SHMD or SBMD' });
    if (have !== undefined && !/^\d{8}\.\d{4,9}$/.test(have))
      throw new RhcError('FIELD_FORMAT', { field: 'have', detail: 'a list version yyyyMMdd.nnnn' });
    const dir = join(o.spoolDir, `down-${process.pid}-${Date.now()}-${++spoolCounter}`);
    const r = await exportFile(o.p, {
      type,
      region: await provinceRegion(o),
      outDir: dir,
      clock: o.clock,
      record: false,
      ...(have ? { sinceVersion: have, mode: 'D' as const } : { mode: 'F' as const }),
    });
    if (!r) throw new RhcError('INTERNAL', { detail: 'list export produced no file' });
    // a list file holds every listed ID number: a read of personal data, audited like RHC_C0007
    o.svc.audit.append(
      auditEntry(
        caller,
        `EXCHANGE_LIST_${type}`,
        `file:${r.file} records:${r.records}`,
        '0000',
        'list-distribution',
      ),
    );
    const size = (await stat(r.path)).size;
    const body = createReadStream(r.path);
    body.on('close', () => void rm(dir, { recursive: true, force: true }));
    return reply
      .header('content-type', 'text/plain; charset=utf-8')
      .header('content-length', size)
      .header('cache-control', 'no-store')
      .header('x-rhc-file-name', r.file)
      .header('x-rhc-list-version', r.header.listVersion)
      .header('x-rhc-mode', r.header.mode)
      .send(body);
  });
}
