import { existsSync, mkdirSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { fixedClock } from './src/card/runtime.ts';
import { exportFile } from './src/platform/exchange/export.ts';
import { importFile } from './src/platform/exchange/import.ts';
import { bulkLoad } from './src/platform/seed/bulk.ts';
import { openDatabase } from './src/platform/storage/db.ts';
const D = '/work/prof/xdata';
const clock = fixedClock(new Date('2026-06-01T02:00:00Z'));
const sender = { institutionCode: '61010000-2', regionCode: '610100' };
const n = Number(process.env.N ?? 100000);
if (!existsSync(`${D}/out`)) {
  mkdirSync(D, { recursive: true });
  const city = await openDatabase(`sqlite:${D}/city.db`);
  await bulkLoad(city, n, { regionPrefix: '6101', seed: 5, today: '20260601', now: '2026-06-01T02:00:00.000Z' });
  await exportFile(city, { type: 'JMXX', region: '610100', outDir: `${D}/out`, clock, mode: 'F' });
  await exportFile(city, { type: 'KXX', region: '610100', outDir: `${D}/out`, clock, mode: 'F' });
  await city.close();
}
const files = readdirSync(`${D}/out`).sort();
const jm = files.find((f) => f.startsWith('JMXX') && f.endsWith('.txt'))!; const kx = files.find((f) => f.startsWith('KXX') && f.endsWith('.txt'))!;
rmSync(`${D}/prov.db`, { force: true }); rmSync(`${D}/prov.db-wal`, { force: true }); rmSync(`${D}/prov.db-shm`, { force: true });
const prov = await openDatabase(`sqlite:${D}/prov.db`);
const rj = await importFile(prov, `${D}/out/${jm}`, { clock, sender });
console.log('jmxx', rj.outcome, JSON.stringify(rj.issues?.slice(0,3)), (rj as any).message);
const s = new Session(); s.connect();
if (process.env.PROF) { await s.post('Profiler.enable'); await s.post('Profiler.start'); }
const t0 = performance.now();
const rk = await importFile(prov, `${D}/out/${kx}`, { clock, sender });
const ms = performance.now() - t0;
console.log('kxx', rk.outcome, rk.records, (ms / 1000).toFixed(2), 's', (rk.records / ms * 1000).toFixed(0), 'rec/s');
if (process.env.PROF) { const { profile } = await s.post('Profiler.stop'); mkdirSync('/work/prof/xp', { recursive: true }); writeFileSync('/work/prof/xp/a.cpuprofile', JSON.stringify(profile)); }
await prov.close();
