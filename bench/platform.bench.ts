// Province platform benchmark (issue 5): card verification (RHC_C0003) requests/s with RHC_BENCH_CARDS
// cards in SQLite (default 1 000 000, loaded through the bulk path) next to a no-op route of the same
// server in the same run; p99 latency at 70 % of the measured peak; SOAP vs REST; on PostgreSQL
// (RHC_BENCH_PG_CARDS, default 200 000) next to a raw `pg` primary-key select. The load generator
// (autocannon) runs in a separate process; every run is time-bounded (RHC_BENCH_DURATION s, default 8).
// Parameters: RHC_BENCH_CARDS, RHC_BENCH_PG_CARDS, RHC_BENCH_DURATION, RHC_BENCH_CONNECTIONS (default 16),
// RHC_BENCH_POSTGRES_URL (or RHC_TEST_POSTGRES_URL; PostgreSQL figures are skipped without one).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { systemClock } from '../src/base/runtime.ts';
import { gb11714Code } from '../src/codes/index.ts';
import { toWireDate } from '../src/platform/domain/format.ts';
import { startProvince } from '../src/platform/province.ts';
import type { RunningProvince } from '../src/platform/province.ts';
import { bulkLoad } from '../src/platform/seed/bulk.ts';
import { dropSchema, schemaUrl } from '../testkit/dialects.ts';
import { authRequest } from '../testkit/platform/fixtures.ts';
import type { BenchResult } from './types.ts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { VerifyCardRequest, VerifyCardResponse } from '../src/platform/contracts.ts';
import type { PlatformService } from '../src/platform/domain/service.ts';

const CARDS = Number(process.env.RHC_BENCH_CARDS ?? 1_000_000);
const PG_CARDS = Number(process.env.RHC_BENCH_PG_CARDS ?? 200_000);
const DURATION = Number(process.env.RHC_BENCH_DURATION ?? 8);
const CONNECTIONS = Number(process.env.RHC_BENCH_CONNECTIONS ?? 16);
const PG_URL = process.env.RHC_BENCH_POSTGRES_URL ?? process.env.RHC_TEST_POSTGRES_URL;
const GROUP = 'Province platform (RHC_C0003 card verification)';

interface Load {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  total: number;
  /** CPU time of THIS process (the server) per request during the run: robust on a shared machine. */
  cpuUsPerReq: number;
}

const LOADER = `
import autocannon from 'autocannon';
import { readFileSync } from 'node:fs';
const cfg = JSON.parse(process.argv[1]);
const bodies = cfg.bodiesFile ? JSON.parse(readFileSync(cfg.bodiesFile, 'utf8')) : null;
let i = 0;
const r = await autocannon({
  url: cfg.url, connections: cfg.connections, duration: cfg.duration, method: cfg.method, headers: cfg.headers,
  ...(cfg.rate ? { overallRate: cfg.rate } : {}),
  ...(bodies ? { requests: [{ setupRequest: (req) => { req.body = bodies[i++ % bodies.length]; return req; } }] } : {}),
});
process.stdout.write(JSON.stringify({ rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors, total: r.requests.total }));
`;

/** autocannon in a child process (so the load generator does not share the server's event loop). */
function load(cfg: {
  url: string;
  method: string;
  headers: Record<string, string>;
  bodiesFile?: string;
  rate?: number;
  duration?: number;
}): Promise<Load> {
  const cpu0 = process.cpuUsage();
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        LOADER,
        JSON.stringify({ connections: CONNECTIONS, duration: cfg.duration ?? DURATION, ...cfg }),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve(withCpu(JSON.parse(out) as Load, cpu0))
        : reject(new Error(`autocannon exited ${code}`)),
    );
  });
}

function withCpu(l: Load, cpu0: NodeJS.CpuUsage): Load {
  const u = process.cpuUsage(cpu0);
  return { ...l, cpuUsPerReq: l.total > 0 ? (u.user + u.system) / l.total : 0 };
}

const cpu = (l: Load) => `${Math.round(l.cpuUsPerReq)} µs`;

async function tokenFor(run: RunningProvince): Promise<string> {
  const pwd = randomBytes(8).toString('hex');
  const code = gb11714Code(`B${randomBytes(3).toString('hex').toUpperCase()}0`);
  const cred = await run.svc.registry.add(
    { code, name: 'bench hospital', role: 'hospital', regionCode: '610102' },
    pwd,
  );
  const r = await run.svc.authenticate(authRequest(cred, systemClock, 'BENCH'));
  return r.token;
}

async function sampleCards(
  run: RunningProvince,
  n: number,
): Promise<{ card_no: string; chip_serial: string }[]> {
  const max = await run.p.db
    .selectFrom('cards')
    .select((eb) => eb.fn.max('id').as('m'))
    .executeTakeFirstOrThrow();
  const ids = Array.from({ length: n }, () => 1 + Math.floor(Math.random() * Number(max.m)));
  const rows: { card_no: string; chip_serial: string }[] = [];
  for (let i = 0; i < ids.length; i += 500)
    rows.push(
      ...(await run.p.db
        .selectFrom('cards')
        .select(['card_no', 'chip_serial'])
        .where('id', 'in', ids.slice(i, i + 500))
        .execute()),
    );
  return rows;
}

function soapBody(c: { card_no: string; chip_serial: string }, token: string): string {
  return `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Header><RhcAuth xmlns="urn:rhc:platform:soap:v1"><token>${token}</token></RhcAuth></soap:Header><soap:Body><VerifyCardRequest xmlns="urn:rhc:platform:soap:v1"><cardNo>${c.card_no}</cardNo><chipSerial>${c.chip_serial}</chipSerial></VerifyCardRequest></soap:Body></soap:Envelope>`;
}

async function seed(dbUrl: string, cards: number, schema?: string): Promise<number> {
  const { openDatabase } = await import('../src/platform/storage/db.ts');
  const p = await openDatabase(dbUrl, schema ? { schema } : {});
  const now = new Date();
  const r = await bulkLoad(p, Math.round(cards / 1.03), {
    seed: 5,
    today: toWireDate(now),
    now: now.toISOString(),
  });
  await p.close();
  console.log(`  loaded ${r.cards} cards / ${r.residents} residents in ${r.seconds.toFixed(1)} s`);
  return r.cards;
}

/**
 * Bench-only routes for the cost ladder, mounted on the same server: the verify request through the HTTP
 * layer with nothing behind it (JSON parse, schema validation, a fixed answer through the same serializer),
 * and the same plus the bearer-token check. verify − these = the lookup, audit and use record.
 */
const FIXED_ANSWER = {
  valid: true,
  resultCode: '0000',
  desc: '',
  status: '30',
  validUntil: '20360101',
  onBlacklist: false,
  holder: { name: '王堃', sex: '1', birthDate: '19800101', idType: '01', idNo: '11010519491231002X' },
  mainIndex: 'A'.repeat(64),
};
function ladderRoutes(getSvc: () => PlatformService) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    const schema = { hide: true, body: VerifyCardRequest, response: { 200: VerifyCardResponse } };
    r.post('/bench/post-noop', { schema }, async () => FIXED_ANSWER);
    r.post(
      '/bench/post-token',
      {
        schema,
        preValidation: async (req: FastifyRequest) => {
          const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
          req.caller = await getSvc().registry.callerFromToken(m?.[1]);
        },
      },
      async () => FIXED_ANSWER,
    );
  };
}

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'rhc-bench-platform-'));
  try {
    const dbUrl = `sqlite:${join(dir, 'bench.db')}`;
    console.log(
      `platform bench: SQLite with ~${CARDS} cards, ${DURATION} s per run, ${CONNECTIONS} connections`,
    );
    const loaded = await seed(dbUrl, CARDS);
    const ref: { svc?: PlatformService } = {};
    const sq = await startProvince({
      dbUrl,
      port: 0,
      readQuota: false,
      configureApp: ladderRoutes(() => ref.svc!),
    });
    ref.svc = sq.svc;
    try {
      const token = await tokenFor(sq);
      const sample = await sampleCards(sq, 5000);
      const restFile = join(dir, 'rest.json');
      const soapFile = join(dir, 'soap.json');
      writeFileSync(
        restFile,
        JSON.stringify(sample.map((c) => JSON.stringify({ cardNo: c.card_no, chipSerial: c.chip_serial }))),
      );
      writeFileSync(soapFile, JSON.stringify(sample.map((c) => soapBody(c, token))));
      const json = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
      await load({
        url: `${sq.baseUrl}/api/v1/cards/verify`,
        method: 'POST',
        headers: json,
        bodiesFile: restFile,
        duration: 2,
      }); // warm-up
      const noop = await load({ url: `${sq.baseUrl}/api/v1/health`, method: 'GET', headers: {} });
      const postNoop = await load({
        url: `${sq.baseUrl}/bench/post-noop`,
        method: 'POST',
        headers: json,
        bodiesFile: restFile,
      });
      const postToken = await load({
        url: `${sq.baseUrl}/bench/post-token`,
        method: 'POST',
        headers: json,
        bodiesFile: restFile,
      });
      const rest = await load({
        url: `${sq.baseUrl}/api/v1/cards/verify`,
        method: 'POST',
        headers: json,
        bodiesFile: restFile,
      });
      const soap = await load({
        url: `${sq.baseUrl}/soap/rhc`,
        method: 'POST',
        headers: {
          'content-type': 'text/xml; charset=utf-8',
          soapaction: 'urn:rhc:platform:soap:v1/VerifyCard',
        },
        bodiesFile: soapFile,
      });
      const at70 = await load({
        url: `${sq.baseUrl}/api/v1/cards/verify`,
        method: 'POST',
        headers: json,
        bodiesFile: restFile,
        rate: Math.max(1, Math.round(rest.rps * 0.7)),
      });
      const errs =
        rest.non2xx +
        rest.errors +
        soap.non2xx +
        soap.errors +
        at70.non2xx +
        at70.errors +
        postNoop.non2xx +
        postToken.non2xx;
      const n = `${(loaded / 1e6).toFixed(2)} M cards, SQLite`;
      results.push({
        group: GROUP,
        name: `REST verify, ${n}`,
        value: rest.rps,
        unit: 'req/s',
        baseline: { name: 'no-op route, same server', value: noop.rps, unit: 'req/s' },
        ratio: rest.rps / noop.rps,
        target: 0.8,
        notes: `${CONNECTIONS} connections, ${DURATION} s; random cards from a 5 000 sample; audit + use record per call (batched); server CPU per request: verify ${cpu(rest)}, no-op ${cpu(noop)}; non-2xx/errors in all runs: ${errs}`,
      });
      results.push({
        group: GROUP,
        name: `cost ladder 1: POST no-op with the verify body (JSON parse, schema, fixed answer), ${n}`,
        value: postNoop.rps,
        unit: 'req/s',
        baseline: { name: 'GET no-op route, same server', value: noop.rps, unit: 'req/s' },
        ratio: postNoop.rps / noop.rps,
        notes: `server CPU per request: ${cpu(postNoop)} (GET no-op ${cpu(noop)})`,
      });
      results.push({
        group: GROUP,
        name: `cost ladder 2: … + bearer-token check, ${n}`,
        value: postToken.rps,
        unit: 'req/s',
        baseline: { name: 'POST no-op with the verify body', value: postNoop.rps, unit: 'req/s' },
        ratio: postToken.rps / postNoop.rps,
        notes: `server CPU per request: ${cpu(postToken)}`,
      });
      results.push({
        group: GROUP,
        name: `cost ladder 3: REST verify (… + card/holder lookup, audit entry, use record), ${n}`,
        value: rest.rps,
        unit: 'req/s',
        baseline: { name: 'POST no-op + token check', value: postToken.rps, unit: 'req/s' },
        ratio: rest.rps / postToken.rps,
        notes: `server CPU per request: verify ${cpu(rest)}, POST no-op + token ${cpu(postToken)}: the difference is what verification itself costs`,
      });
      results.push({
        group: GROUP,
        name: `REST verify p99 at 70 % of peak (${Math.round(rest.rps * 0.7)} req/s), ${n}`,
        value: at70.p99,
        unit: 'ms',
        baseline: { name: 'p99 at peak', value: rest.p99, unit: 'ms' },
        ratio: rest.p99 / Math.max(at70.p99, 0.001),
        notes: `ratio = p99 at peak / p99 at 70 %; p50 at 70 %: ${at70.p50} ms`,
      });
      results.push({
        group: GROUP,
        name: `SOAP verify, ${n}`,
        value: soap.rps,
        unit: 'req/s',
        baseline: { name: 'REST verify', value: rest.rps, unit: 'req/s' },
        ratio: soap.rps / rest.rps,
        target: 0.5,
        notes: `server CPU per request: SOAP ${cpu(soap)}, REST ${cpu(rest)}`,
      });
    } finally {
      await sq.stop();
    }
    if (!PG_URL) {
      console.warn(
        'platform bench: no RHC_BENCH_POSTGRES_URL / RHC_TEST_POSTGRES_URL — PostgreSQL figures SKIPPED',
      );
    } else {
      const schema = `rhc_bench_${process.pid}`;
      const pgUrlWithSchema = PG_URL;
      console.log(`platform bench: PostgreSQL with ~${PG_CARDS} cards (schema ${schema})`);
      const loadedPg = await seed(pgUrlWithSchema, PG_CARDS, schema);
      const serverUrl = schemaUrl(PG_URL, schema);
      const pgRun = await startProvince({ dbUrl: serverUrl, port: 0, readQuota: false });
      try {
        const token = await tokenFor(pgRun);
        const sample = await sampleCards(pgRun, 5000);
        const restFile = join(dir, 'pg.json');
        writeFileSync(
          restFile,
          JSON.stringify(sample.map((c) => JSON.stringify({ cardNo: c.card_no, chipSerial: c.chip_serial }))),
        );
        const json = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
        await load({
          url: `${pgRun.baseUrl}/api/v1/cards/verify`,
          method: 'POST',
          headers: json,
          bodiesFile: restFile,
          duration: 2,
        });
        const rest = await load({
          url: `${pgRun.baseUrl}/api/v1/cards/verify`,
          method: 'POST',
          headers: json,
          bodiesFile: restFile,
        });
        // raw pg: primary-key selects on a pool of 10 with 16 in flight, same duration
        const pool = new pg.Pool({ connectionString: PG_URL, max: 10, options: `-c search_path=${schema}` });
        const maxId = Number((await pool.query('select max(id) m from cards')).rows[0].m);
        let done = 0;
        const until = Date.now() + DURATION * 1000;
        await Promise.all(
          Array.from({ length: CONNECTIONS }, async () => {
            while (Date.now() < until) {
              await pool.query('select * from cards where id = $1', [1 + Math.floor(Math.random() * maxId)]);
              done++;
            }
          }),
        );
        await pool.end();
        const raw = done / DURATION;
        results.push({
          group: GROUP,
          name: `REST verify, ${(loadedPg / 1e6).toFixed(2)} M cards, PostgreSQL`,
          value: rest.rps,
          unit: 'req/s',
          baseline: { name: 'raw pg primary-key select (pool 10)', value: raw, unit: 'queries/s' },
          ratio: rest.rps / raw,
          notes: `verify = 1 joined query (card + holder by card_no, named prepared statement) + token check + JSON + audit; server CPU per verify: ${cpu(rest)}; non-2xx/errors: ${rest.non2xx + rest.errors}`,
        });
      } finally {
        await pgRun.stop();
        await dropSchema(PG_URL, schema);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}
