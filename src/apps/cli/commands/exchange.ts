// `rhc exchange export|import|apply-down|city`: the city ↔ province file exchange
// (docs/exchange-format.md). Import exits non-zero when a file is refused and prints the report.
import { stat, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { addCityOptions, cityRunOptions, type CityCliOptions } from '../city-options.ts';
import { usageError as usage } from '../usage.ts';
import { systemClock } from '../../../base/runtime.ts';
import { applyDownFile } from '../../../platform/exchange/down.ts';
import { exportFile } from '../../../platform/exchange/export.ts';
import { parseFileName } from '../../../platform/exchange/format.ts';
import { listHeld } from '../../../platform/exchange/held.ts';
import type { Encoding } from '../../../platform/exchange/format.ts';
import { importFile, renderReport } from '../../../platform/exchange/import.ts';
import type { ImportReport, Sender } from '../../../platform/exchange/import.ts';
import { TYPES, typeByCli } from '../../../platform/exchange/layouts.ts';
import { openDatabase, resolveDatabaseUrl } from '../../../platform/storage/db.ts';
import type { PlatformDb } from '../../../platform/storage/db.ts';
import { runCity } from '../../../platform/city/run.ts';
import { AuditTrail } from '../../../platform/domain/audit.ts';
import { cliUserName } from '../cli-actor.ts';

async function withDb<T>(url: string | undefined, fn: (p: PlatformDb) => Promise<T>): Promise<T> {
  const p = await openDatabase(resolveDatabaseUrl(url));
  try {
    return await fn(p);
  } finally {
    await p.close();
  }
}

/** The city platform registered for a region (the sender of its files), or the one named by --sender. */
async function senderFor(p: PlatformDb, region: string, code?: string): Promise<Sender | string> {
  let q = p.db
    .selectFrom('institutions')
    .select(['code', 'region_code', 'role', 'enabled'])
    .where('role', '=', 'city');
  q = code ? q.where('code', '=', code) : q.where('region_code', '=', region);
  const rows = await q.execute();
  if (rows.length !== 1 || !rows[0]!.enabled)
    return code
      ? `sender ${code} is not an enabled city platform`
      : `no (single) enabled city platform registered for region ${region} — register it with \`rhc institution add --role city\` or pass --sender`;
  return { institutionCode: rows[0]!.code, regionCode: rows[0]!.region_code };
}

/** The region of the database's own platform: the single city (or province) institution registered in it. */
async function ownRegion(p: PlatformDb, role: 'city' | 'province'): Promise<string> {
  const rows = await p.db.selectFrom('institutions').select('region_code').where('role', '=', role).execute();
  const regions = [...new Set(rows.map((r) => r.region_code))];
  if (regions.length !== 1)
    throw usage(`--region is required (the database registers ${regions.length} ${role} regions)`);
  return regions[0]!;
}

function progress(file: string) {
  let last = 0;
  return (records: number, bytes: number, total: number) => {
    if (total < 4 << 20) return;
    const now = Date.now();
    if (now - last < 500 && bytes < total) return;
    last = now;
    const pct = Math.floor((bytes / total) * 100);
    const bar = '#'.repeat(Math.floor(pct / 5)).padEnd(20, '.');
    process.stderr.write(`\r导入 / importing ${file} [${bar}] ${pct}% ${records} 条 / records`);
    if (bytes >= total) process.stderr.write('\n');
  };
}

export function register(program: Command): void {
  const g = program
    .command('exchange')
    .description('市↔省文件交换 / city ↔ province file exchange (docs/exchange-format.md)');

  g.command('export')
    .description(
      '导出交换文件 / write an exchange file (cards|blacklist|residents|whitelist|oplog; province-blacklist|province-whitelist)',
    )
    .requiredOption(
      '--type <type>',
      'cards|blacklist|residents|whitelist|oplog|province-blacklist|province-whitelist',
    )
    .requiredOption('--out <dir>', 'output directory')
    .option('--db <url>', 'database URL')
    .option(
      '--region <code>',
      'region of the file (city code; province xx0000 for down files); default $RHC_REGION',
    )
    .option(
      '--since <seq>',
      'up files: export changes after this sequence number (default: after the last exported file)',
    )
    .option('--since-version <version>', 'down files: list version the receiver holds (delta); default full')
    .option('--mode <F|D>', 'F full / D delta (default per type)')
    .option('--encoding <enc>', 'UTF-8 (default) or GB18030', 'UTF-8')
    .action(
      async (o: {
        type: string;
        out: string;
        db?: string;
        region?: string;
        since?: string;
        sinceVersion?: string;
        mode?: string;
        encoding: string;
      }) => {
        const t = typeByCli(o.type);
        if (!t)
          throw usage(
            `unknown --type ${o.type}; use ${Object.values(TYPES)
              .map((x) => x.cli)
              .join('|')}`,
          );
        const given = o.region ?? process.env.RHC_REGION;
        if (given !== undefined && !/^\d{6}$/.test(given)) throw usage('--region <6 digits>');
        if (o.since !== undefined && !/^\d+$/.test(o.since)) throw usage('--since must be a sequence number');
        if (o.mode !== undefined && o.mode !== 'F' && o.mode !== 'D') throw usage('--mode F or D');
        if (o.encoding !== 'UTF-8' && o.encoding !== 'GB18030') throw usage('--encoding UTF-8 or GB18030');
        const r = await withDb(o.db, async (p) =>
          exportFile(p, {
            type: t.code,
            region: given ?? (await ownRegion(p, t.direction === 'up' ? 'city' : 'province')),
            outDir: o.out,
            clock: systemClock,
            encoding: o.encoding as Encoding,
            ...(o.since !== undefined ? { since: Number(o.since) } : {}),
            ...(o.sinceVersion ? { sinceVersion: o.sinceVersion } : {}),
            ...(o.mode ? { mode: o.mode as 'F' | 'D' } : {}),
          }),
        );
        if (!r) {
          console.log(`无新数据 / nothing new to export for ${t.code} ${t.zh}`);
          return;
        }
        console.log(
          `已写出 / written ${r.path} (${r.header.mode === 'F' ? '全量 full' : '增量 delta'}, 序号 seq ${r.header.firstSeq}–${r.header.lastSeq}, ${r.records} 条 / records, ${r.bytes} B, SM3 ${r.digest})`,
        );
        if (r.held > 0)
          console.log(
            `未导出 / held back ${r.held} 条 / records: ${r.path.replace(/\.txt$/, '.held')} (rhc exchange held)`,
          );
      },
    );

  g.command('import')
    .description('省级平台导入上报文件 / import city files at the province (all-or-nothing per file)')
    .argument('<files...>', 'data files ({TYPE}_{region}_{date}_{seq}.txt)')
    .option('--db <url>', 'database URL')
    .option(
      '--sender <code>',
      'institution code of the sending city platform (default: the city registered for the file region)',
    )
    .option('--json', 'print the reports as JSON')
    .action(async (files: string[], o: { db?: string; sender?: string; json?: boolean }) => {
      // residents before the cards that refer to them; within a type, by name (date, seq)
      const order = (f: string) => {
        const id = parseFileName(basename(f));
        return id ? TYPES[id.type].order : 99;
      };
      const sorted = [...files].sort((a, b) => order(a) - order(b) || basename(a).localeCompare(basename(b)));
      const reports: ImportReport[] = [];
      await withDb(o.db, async (p) => {
        // every import is audited with its real result, as the account running the command
        const audit = { trail: await AuditTrail.open(p, systemClock), userName: cliUserName() };
        try {
          await importAll(p, sorted, audit);
        } finally {
          await audit.trail.flush();
        }
      });
      async function importAll(
        p: PlatformDb,
        files: string[],
        audit: { trail: AuditTrail; userName: string },
      ) {
        for (const f of files) {
          await stat(f).catch(() => {
            throw usage(`no such file: ${f}`);
          });
          const id = parseFileName(basename(f));
          const sender = await senderFor(p, id?.region ?? '', o.sender);
          if (typeof sender === 'string') throw Object.assign(new Error(sender), { exitCode: 3 });
          const r = await importFile(p, f, {
            clock: systemClock,
            sender,
            audit,
            onProgress: progress(basename(f)),
          });
          reports.push(r);
          // the receipt of §6.2 next to the file: OK|<records> or ERR|<line>|<code>|<reason>
          await writeFile(f.replace(/\.txt$/, '') + '.ack', `${r.ack}\n`).catch(() => undefined);
          if (!o.json) console.log(renderReport(r));
        }
      }
      if (o.json) console.log(JSON.stringify(reports, null, 2));
      if (reports.some((r) => r.outcome === 'refused')) process.exitCode = 3;
    });

  g.command('held')
    .description(
      '未导出的记录 / records held back from export (they would make the receiver refuse the whole file): fix them through the interfaces (RHC_C0009 …) and they go out with the next file',
    )
    .option('--db <url>', 'database URL')
    .option('--type <type>', 'one file type (cards|residents|…)')
    .option('--all', 'also the records released again')
    .option('--json', 'JSON output')
    .action(async (o: { db?: string; type?: string; all?: boolean; json?: boolean }) => {
      const t = o.type === undefined ? undefined : typeByCli(o.type);
      if (o.type !== undefined && !t) throw usage(`unknown --type ${o.type}`);
      const rows = await withDb(o.db, (p) =>
        listHeld(p.db, { ...(t ? { type: t.code } : {}), ...(o.all ? { all: true } : {}) }),
      );
      if (o.json) return console.log(JSON.stringify(rows, null, 2));
      if (rows.length === 0) return console.log('无 / no records held back');
      for (const r of rows)
        console.log(
          `${r.type} 记录 / record ${r.record_key}${r.hint ? ` (${r.hint})` : ''} ${r.code} ${r.reason}${r.field ? ` [${r.field}]` : ''}${r.detail ? ` — ${r.detail}` : ''} · ${r.file_name} ${r.held_at}${r.released_at ? ` · 已放行 / released ${r.released_at}` : ''}`,
        );
    });

  g.command('apply-down')
    .description('市级平台应用省级名单文件 / apply province list files (SHMD/SBMD) at a city')
    .argument('<files...>', 'SHMD_/SBMD_ files')
    .requiredOption('--region <code>', 'this city’s region code')
    .option('--db <url>', 'database URL')
    .action(async (files: string[], o: { region: string; db?: string }) => {
      let refused = false;
      await withDb(o.db, async (p) => {
        for (const f of [...files].sort()) {
          const r = await applyDownFile(p, f, { clock: systemClock, ownRegion: o.region });
          console.log(renderReport(r));
          refused ||= r.outcome === 'refused';
        }
      });
      if (refused) process.exitCode = 3;
    });

  addCityOptions(
    g
      .command('city')
      .description(
        '运行市级平台 / run a city platform: exchange scheduler (upload new data, pull lists, resume after downtime) and, with --port, the interfaces for its hospitals',
      ),
    true,
  )
    .option('--db <url>', 'city database URL')
    .option('--once', 'run one round and exit')
    .option('--port <port>', 'also serve the platform interfaces for the city’s hospitals on this port')
    .option('--host <host>', 'listen address for --port', '127.0.0.1')
    .action(async (o: CityCliOptions & { once?: boolean; port?: string; host: string }) => {
      const run = await runCity({
        ...cityRunOptions(o),
        once: !!o.once,
        ...(o.port !== undefined ? { port: Number(o.port), host: o.host } : {}),
      });
      if (!o.once) {
        const stop = () => void run.stop().then(() => process.exit(0));
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      }
    });
}
