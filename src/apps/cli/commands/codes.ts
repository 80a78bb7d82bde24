// `rhc codes list | show <table> | region <code>`: the national code tables of the codes layer.
import type { Command } from 'commander';
import {
  CODE_TABLE_IDS,
  CodesError,
  getCodeTable,
  lookupRegion,
  regionDataVersion,
  regionFullName,
} from '../../../codes/index.ts';
import { commandGroup } from '../main.ts';
import { usageError, usageErrorsExitWith2 } from '../usage.ts';

function tableOrUsageError(id: string): ReturnType<typeof getCodeTable> {
  try {
    return getCodeTable(id);
  } catch (err) {
    if (err instanceof CodesError) throw usageError(err.detail ?? err.message);
    throw err;
  }
}

export function register(program: Command): void {
  const codes = commandGroup(program, 'codes', '国家代码表 national code tables (GB/T, GB, WS 364)');
  usageErrorsExitWith2(codes);

  const list = codes
    .command('list')
    .description('列出代码表 list the code tables')
    .option('--json', 'print as JSON')
    .action((opts: { json?: boolean }) => {
      const tables = CODE_TABLE_IDS.map((id) => getCodeTable(id));
      if (opts.json) {
        const rows = tables.map(({ id, zh, en, source, entries }) => ({
          id,
          zh,
          en,
          source,
          size: entries.length,
        }));
        console.log(JSON.stringify(rows, null, 2));
        return;
      }
      const width = Math.max(...CODE_TABLE_IDS.map((id) => id.length));
      for (const t of tables) console.log(`${t.id.padEnd(width)}  ${t.zh} ${t.en} (${t.entries.length})`);
    });
  usageErrorsExitWith2(list);

  const show = codes
    .command('show')
    .description('显示一个代码表 show one code table')
    .argument('<table>', `table id: ${CODE_TABLE_IDS.join(', ')}`)
    .option('--json', 'print as JSON')
    .action((id: string, opts: { json?: boolean }) => {
      const table = tableOrUsageError(id);
      if (opts.json) {
        console.log(JSON.stringify(table, null, 2));
        return;
      }
      console.log(`${table.zh} ${table.en}`);
      console.log(`来源 source: ${table.source}`);
      const width = Math.max(...table.entries.map((e) => e.code.length));
      for (const e of table.entries) console.log(`  ${e.code.padEnd(width)}  ${e.zh}  ${e.en}`);
    });
  usageErrorsExitWith2(show);

  const region = codes
    .command('region')
    .description('查询行政区划代码 look up a GB/T 2260 region code (exit 1 when unknown)')
    .argument('<code>', '6-digit region code, e.g. 610100')
    .option('--json', 'print as JSON')
    .action((code: string, opts: { json?: boolean }) => {
      if (!/^\d{6}$/.test(code))
        throw usageError(`行政区划代码须为6位数字 region code must be 6 digits: '${code}'`);
      const info = lookupRegion(code);
      if (opts.json) console.log(JSON.stringify(info ?? null, null, 2));
      else if (info)
        console.log(`${info.code}  ${regionFullName(info)}  (${info.level}; ${regionDataVersion()})`);
      else console.log(`${code}  未知 unknown (${regionDataVersion()})`);
      process.exitCode = info ? 0 : 1;
    });
  usageErrorsExitWith2(region);
}
