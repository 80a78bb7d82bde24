// HTTP endpoints of the exchange, as a Fastify plugin the province (or any platform) server registers:
//   PUT  /api/v1/exchange/files/:name     authenticated streaming upload of an up file → import report
//   GET  /api/v1/exchange/lists/:type     merged list file (SHMD / SBMD); ?have=<version> → delta
//   GET  /api/v1/exchange/status?type=T   last sequence the province applied for the caller's region
// Uploads are streamed to a spool file (never buffered in memory) and imported from there, so a client
// that disconnects mid-upload leaves nothing applied. Encapsulated plugin: its raw-body content parser
// does not leak into the other routes.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Clock } from '../../base/runtime.ts';
import { storageOf } from '../../storage/index.ts';
import type { Caller } from '../domain/institutions.ts';
import type { PlatformService } from '../domain/service.ts';
import { auditEntry } from '../domain/context.ts';
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
  /** Where uploads and generated list files are spooled (default: $TMPDIR/rhc-exchange). */
  spoolDir?: string;
  /** Region written into down files (default $RHC_REGION, else the registered province institution's). */
  region?: string;
  /** Upload cap in bytes (default 4 GiB). */
  maxUploadBytes?: number;
}

async function callerOf(svc: PlatformService, req: FastifyRequest): Promise<Caller> {
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  const caller = await svc.registry.callerFromToken(m?.[1]);
  if (caller.role !== 'city' && caller.role !== 'province') {
    const refusal = new RhcError('NOT_PERMITTED', { detail: 'only city platforms exchange files' });
    // audited like every authorization refusal (1011), as the real user
    svc.audit.append(
      auditEntry(caller, 'EXCHANGE', `refused route:${req.routeOptions.url}`, refusal.code, 'file-exchange'),
    );
    throw refusal;
  }
  return caller;
}

let spoolCounter = 0;

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
  const o = { ...opts, p, spoolDir: opts.spoolDir ?? join(tmpdir(), 'rhc-exchange') };
  await mkdir(o.spoolDir, { recursive: true });
  const max = o.maxUploadBytes ?? 4 * 1024 ** 3;
  // the upload body stays a stream: the handler pipes it to disk
  app.addContentTypeParser(['text/plain', 'application/octet-stream'], (_req, payload, done) =>
    done(null, payload),
  );

  app.put(`${EXCHANGE_PREFIX}/files/:name`, { schema: { hide: true } }, async (req, reply) => {
    const caller = await callerOf(o.svc, req);
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
      await pipeline(req.body as NodeJS.ReadableStream, limit, createWriteStream(spool));
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
    const caller = await callerOf(o.svc, req);
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
    await callerOf(o.svc, req);
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
