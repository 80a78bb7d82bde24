// `rhc gen --residents N [--seed S] [--db URL]`: bulk-loads synthetic residents and cards (valid GB 11643
// numbers, cards in every state, list entries) through the database's bulk path, streaming in chunks.
import type { Command } from 'commander';
import { toWireDate } from '../../../platform/domain/format.ts';
import { bulkLoad } from '../../../platform/seed/bulk.ts';
import { describeDatabaseUrl, openDatabase, resolveDatabaseUrl } from '../../../platform/storage/db.ts';

export function register(program: Command): void {
  program
    .command('gen')
    .description('批量生成合成居民和卡 / bulk-generate synthetic residents and cards')
    .requiredOption('--residents <n>', 'number of residents')
    .option('--seed <s>', 'random seed', '1')
    .option('--region <prefix>', 'GB/T 2260 prefix of the counties to use', '61')
    .option('--db <url>', 'database URL')
    .action(async (o: { residents: string; seed: string; region: string; db?: string }) => {
      const n = Number(o.residents);
      if (!Number.isInteger(n) || n <= 0)
        throw Object.assign(new Error(`bad --residents ${o.residents}`), { exitCode: 2 });
      const url = resolveDatabaseUrl(o.db);
      const p = await openDatabase(url);
      try {
        const now = new Date();
        const r = await bulkLoad(p, n, {
          seed: Number(o.seed),
          regionPrefix: o.region,
          today: toWireDate(now),
          now: now.toISOString(),
          onProgress: (done) => process.stderr.write(`\r${done}/${n}`),
        });
        process.stderr.write('\n');
        console.log(
          `${describeDatabaseUrl(url)}: +${r.residents} residents, +${r.cards} cards, +${r.listEntries} list entries in ${r.seconds.toFixed(1)} s`,
        );
      } finally {
        await p.close();
      }
    });
}
