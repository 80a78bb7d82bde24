import { randomBytes } from 'node:crypto';
import { systemClock } from './src/card/runtime.ts';
import { toWireTime } from './src/platform/domain/format.ts';
import { passwordDigest, sm3Hex } from './src/platform/domain/secrets.ts';
import { startProvince } from './src/platform/province.ts';
const run = await startProvince({ dbUrl: 'sqlite:/work/prof/p.db', port: 0 });
const pwd = randomBytes(8).toString('hex');
const code = `BENCH-${randomBytes(3).toString('hex')}`;
await run.svc.registry.add({ code, name: 'bench hospital', role: 'hospital', regionCode: '610102' }, pwd);
const t = toWireTime(systemClock.now());
const { token } = await run.svc.authenticate({ orgCode: code, termId: 'BENCH', userName: 'admin', pwdDigest: passwordDigest(sm3Hex(pwd), t), msgCreateTime: t });
const rows = await run.p.db.selectFrom('cards').select(['card_no', 'chip_serial']).limit(3000).execute();
const caller = await run.svc.registry.callerFromToken(token);
const svc: any = run.svc;
async function time(name: string, f: (i: number) => Promise<unknown>, n = 30000) {
  for (let i = 0; i < 2000; i++) await f(i);
  await svc.flush();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) { await f(i); if (i % 1250 === 0) await svc.flush(); }
  await svc.flush();
  console.log(name, (Number(process.hrtime.bigint() - t0) / 1000 / n).toFixed(1), 'us');
}
await time('lookup', (i) => svc.lookup(rows[i % rows.length].card_no));
await time('token', () => run.svc.registry.callerFromToken(token));
await time('verify', (i) => run.svc.verifyCard(caller, { cardNo: rows[i % rows.length].card_no, chipSerial: rows[i % rows.length].chip_serial }));
await time('audit.append', async (i) => svc.auditOf(caller, 'RHC_C0003', `card:${i} resident:${i}`, '0000'));
await run.stop();
