// Child-process entry: bulk-loads synthetic residents/cards (seed/bulk.ts, the `rhc gen` path) into a
// database and prints one JSON line with the counts, the seconds and the peak RSS of this process — the
// "memory of a 1 M-record import" figure needs the import alone in its process.
import { toWireDate } from '../../src/platform/domain/format.ts';
import { bulkLoad } from '../../src/platform/seed/bulk.ts';
import { openDatabase } from '../../src/platform/storage/db.ts';
import { peakRssOf, rssOf } from './rss.ts';

const cfg = JSON.parse(process.argv[2] ?? '{}') as { dbUrl: string; residents: number; seed?: number };
const rssBefore = rssOf(process.pid) ?? 0;
const p = await openDatabase(cfg.dbUrl);
const now = new Date();
const r = await bulkLoad(p, cfg.residents, {
  seed: cfg.seed ?? 5,
  regionPrefix: '61',
  today: toWireDate(now),
  now: now.toISOString(),
  onProgress: (n) => {
    if (n % 1_000_000 < 20_000) process.stderr.write(`  … ${n} residents\n`);
  },
});
await p.close();
process.stdout.write(`${JSON.stringify({ ...r, rssBefore, peakRss: peakRssOf(process.pid) ?? 0 })}\n`);
