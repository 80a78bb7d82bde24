// `rhc gen --residents N [--seed S] (--db URL | --out DIR)`: bulk-loads synthetic residents and cards (valid
// GB 11643 numbers, names beyond GB 2312, cards in every state, list entries) through the database's bulk
// path, streaming in chunks — or, with --out, streams them (and visit histories) to TSV files.
import type { Command } from 'commander';
import { CodesError, regionScopePrefix } from '../../../codes/index.ts';
import { toWireDate } from '../../../platform/domain/format.ts';
import { bulkLoad } from '../../../platform/seed/bulk.ts';
import { generateFiles, progressBar } from '../../../platform/seed/gen-files.ts';
import { describeDatabaseUrl, openDatabase, resolveDatabaseUrl } from '../../../platform/storage/db.ts';
import { usageError } from '../usage.ts';

/** `--region` as a prefix ('61', '6101') or a GB/T 2260 code ('610100', '610113'). */
function regionOption(value: string): string {
  try {
    return regionScopePrefix(value);
  } catch (err) {
    if (err instanceof CodesError) throw usageError(`bad --region ${value}: ${err.message}`);
    throw err;
  }
}

interface GenCliOptions {
  residents: string;
  seed: string;
  region: string;
  db?: string;
  out?: string;
  encoding: string;
  visitsUntil?: string;
}

async function writeFiles(n: number, o: GenCliOptions, outDir: string): Promise<void> {
  if (o.encoding !== 'utf8' && o.encoding !== 'gb18030')
    throw usageError(`bad --encoding ${o.encoding} (utf8 | gb18030)`);
  if (o.visitsUntil !== undefined && !/^\d{8}$/.test(o.visitsUntil))
    throw usageError(`bad --visits-until ${o.visitsUntil} (yyyyMMdd)`);
  const r = await generateFiles(n, {
    outDir,
    encoding: o.encoding,
    seed: Number(o.seed),
    regionPrefix: regionOption(o.region),
    ...(o.visitsUntil ? { visitsUntil: o.visitsUntil } : {}),
    onProgress: progressBar(),
  });
  console.log(`${outDir}: ${r.residents} residents, ${r.cards} cards, ${r.visits} visits`);
}

export function register(program: Command): void {
  program
    .command('gen')
    .description('批量生成合成居民和卡 / bulk-generate synthetic residents and cards')
    .requiredOption('--residents <n>', 'number of residents')
    .option('--seed <s>', 'random seed', '1')
    .option(
      '--region <prefix>',
      '行政区划代码或前缀 / GB/T 2260 code or prefix of the counties to use (610100, 6101)',
      '61',
    )
    .option('--db <url>', 'database URL')
    .option('--out <dir>', '写 TSV 文件而非数据库 / write TSV files instead of loading a database')
    .option('--encoding <enc>', '文件编码 / file encoding for --out: utf8 | gb18030', 'utf8')
    .option('--visits-until <yyyyMMdd>', '同时生成就诊记录 / also generate visit histories (with --out)')
    .action(async (o: GenCliOptions) => {
      const n = Number(o.residents);
      if (!Number.isInteger(n) || n <= 0) throw usageError(`bad --residents ${o.residents}`);
      if (o.out) return writeFiles(n, o, o.out);
      const url = resolveDatabaseUrl(o.db);
      const p = await openDatabase(url);
      try {
        const now = new Date();
        const bar = progressBar();
        const r = await bulkLoad(p, n, {
          seed: Number(o.seed),
          regionPrefix: regionOption(o.region),
          today: toWireDate(now),
          now: now.toISOString(),
          onProgress: (done) => bar(done, n),
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
