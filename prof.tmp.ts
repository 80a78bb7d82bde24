import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync, existsSync } from 'node:fs';
import { systemClock } from './src/card/runtime.ts';
import { toWireDate, toWireTime } from './src/platform/domain/format.ts';
import { passwordDigest, sm3Hex } from './src/platform/domain/secrets.ts';
import { startProvince } from './src/platform/province.ts';
import { bulkLoad } from './src/platform/seed/bulk.ts';
import { openDatabase } from './src/platform/storage/db.ts';
const dbUrl = 'sqlite:/work/prof/p.db';
if (!existsSync('/work/prof/p.db')) {
  const p = await openDatabase(dbUrl);
  const now = new Date();
  await bulkLoad(p, 100000, { seed: 5, today: toWireDate(now), now: now.toISOString() });
  await p.close();
}
import { VerifyCardRequest, VerifyCardResponse } from './src/platform/contracts.ts';
const fixed = { valid: true, resultCode: '0000', desc: '', status: '30', validUntil: '20300101', onBlacklist: false, holder: { name: '张三', sex: '1', birthDate: '19800101', idType: '01', idNo: '11010519491231002X' }, mainIndex: 'abc' };
let svcRef: any;
const run = await startProvince({ dbUrl, port: 0, configureApp: async (app) => {
  app.post('/x/raw', async () => fixed);
  app.withTypeProvider<any>().post('/x/zod', { schema: { body: VerifyCardRequest, response: { 200: VerifyCardResponse } } }, async () => fixed);
  app.withTypeProvider<any>().post('/x/zodtoken', { schema: { body: VerifyCardRequest, response: { 200: VerifyCardResponse } }, preValidation: async (req: any) => { req.caller = await svcRef.registry.callerFromToken(req.headers.authorization.slice(7)); } }, async () => fixed);
} });
svcRef = run.svc;
const pwd = randomBytes(8).toString('hex');
const code = `BENCH-${randomBytes(3).toString('hex')}`;
await run.svc.registry.add({ code, name: 'bench hospital', role: 'hospital', regionCode: '610102' }, pwd);
const t = toWireTime(systemClock.now());
const { token } = await run.svc.authenticate({ orgCode: code, termId: 'BENCH', userName: 'admin', pwdDigest: passwordDigest(sm3Hex(pwd), t), msgCreateTime: t });
const rows = await run.p.db.selectFrom('cards').select(['card_no', 'chip_serial']).limit(3000).execute();
writeFileSync('/work/prof/bodies.json', JSON.stringify(rows.map((c) => JSON.stringify({ cardNo: c.card_no, chipSerial: c.chip_serial }))));
const path = process.env.ROUTE ?? '/api/v1/cards/verify';
const cfg = { url: run.baseUrl + path, connections: 16, duration: Number(process.env.DUR ?? 8), method: path.includes('health') ? 'GET' : 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` } };
const LOADER = `
import autocannon from 'autocannon';
import { readFileSync } from 'node:fs';
const cfg = JSON.parse(process.argv[1]);
const bodies = JSON.parse(readFileSync('/work/prof/bodies.json', 'utf8'));
let i = 0;
const r = await autocannon({ url: cfg.url, connections: cfg.connections, duration: cfg.duration, method: cfg.method, headers: cfg.headers,
  ...(cfg.method === 'POST' ? { requests: [{ setupRequest: (req) => { req.body = bodies[i++ % bodies.length]; return req; } }] } : {}) });
process.stdout.write(JSON.stringify({ rps: r.requests.average, p99: r.latency.p99, non2xx: r.non2xx, total: r.requests.total }));
`;
const cpu0 = process.cpuUsage();
const out = await new Promise<string>((res) => {
  const c = spawn(process.execPath, ['--input-type=module', '-e', LOADER, JSON.stringify(cfg)], { cwd: '/work/main', stdio: ['ignore', 'pipe', 'inherit'] });
  let o = ''; c.stdout.on('data', (d) => (o += d)); c.on('exit', () => res(o));
});
const u = process.cpuUsage(cpu0);
const r = JSON.parse(out);
console.log(out, 'cpu/req us', ((u.user + u.system) / r.total).toFixed(0));
await run.stop();
