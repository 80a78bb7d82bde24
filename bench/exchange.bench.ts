// Exchange import throughput: a card-information file (KXX, full) of N cards — parsed, SM3-checked,
// validated record by record (GB 11643, dates, codes, duplicates, transitions) and applied in one
// transaction with its whitelist/blacklist entries — next to a raw better-sqlite3 prepared INSERT of the
// same rows (the cards and the list entries the import wrote, pre-parsed, in one transaction) into an
// identical, freshly migrated database, measured in the same run. ratio = import rows/s ÷ raw rows/s (target ≥ 0.6).
// N: RHC_BENCH_EXCHANGE_N (default 100 000; the issue asks for 1 000 000 — set it to run that).
import { mkdtempSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixedClock } from '../src/base/runtime.ts';
import { importFile } from '../src/platform/exchange/import.ts';
import { TYPES } from '../src/platform/exchange/layouts.ts';
import { peakRssOf, resetPeakRss, rssOf } from '../testkit/load/rss.ts';
import { openDatabase } from '../src/platform/storage/db.ts';
import { dropSchema } from '../testkit/dialects.ts';
import { bulkCityFiles } from '../testkit/platform/exchange.ts';
import type { BenchResult } from './types.ts';

const GROUP = 'City ↔ province exchange';

export async function run(): Promise<BenchResult[]> {
  const n = Number(process.env.RHC_BENCH_EXCHANGE_N ?? 100_000);
  const dir = mkdtempSync(join(tmpdir(), 'rhc-xbench-'));
  const clock = fixedClock(new Date('2026-06-01T02:00:00Z'));
  const sender = { institutionCode: '61010000-9', regionCode: '610100' };
  try {
    // a city with n residents and their cards (Xi'an counties only, so every card is the city's)
    const { jm, kxx } = await bulkCityFiles(dir, n, { seed: 5, clock });

    // province: holders first (not timed), then the timed card file
    const prov = await openDatabase(`sqlite:${join(dir, 'prov.db')}`);
    const rj = await importFile(prov, jm.path, { clock, sender });
    if (rj.outcome !== 'applied')
      throw new Error(
        `JMXX refused: ${rj.issues
          .slice(0, 3)
          .map((i) => `${i.line}:${i.reason}`)
          .join(', ')}`,
      );
    global.gc?.();
    const rssBefore = rssOf(process.pid) ?? 0;
    const peakReset = resetPeakRss(process.pid);
    const t0 = process.hrtime.bigint();
    const rk = await importFile(prov, kxx.path, { clock, sender });
    const importS = Number(process.hrtime.bigint() - t0) / 1e9;
    const importPeak = peakReset ? (peakRssOf(process.pid) ?? 0) : 0;
    if (rk.outcome !== 'applied')
      throw new Error(
        `KXX refused: ${rk.issues
          .slice(0, 3)
          .map((i) => `${i.line}:${i.reason}`)
          .join(', ')}`,
      );
    const residentIds = new Map(
      (await prov.db.selectFrom('residents').select(['id', 'id_no']).execute()).map((r) => [r.id_no, r.id]),
    );
    // the list entries the import wrote: the baseline writes the same rows
    const listRows = (
      await prov.db
        .selectFrom('list_changes')
        .select([
          'list_type',
          'version',
          'op',
          'card_no',
          'chip_serial',
          'status',
          'reason_code',
          'effective_time',
          'app_city_code',
        ])
        .execute()
    ).map((r) => Object.values(r));
    await prov.close();

    // baseline: the same rows, pre-parsed, one prepared INSERT each, one transaction, same schema
    const base = await openDatabase(`sqlite:${join(dir, 'base.db')}`);
    const sq = base.sqlite!;
    sq.pragma('foreign_keys = OFF'); // the residents live in the other database; the import paid for its lookups
    const names = TYPES.KXX.fields.map((f) => f.name);
    const rows: unknown[][] = [];
    const lines = createInterface({ input: createReadStream(kxx.path), crlfDelay: Infinity });
    let ln = 0;
    for await (const line of lines) {
      if (++ln <= 2 || line.startsWith('T|')) continue;
      const v = Object.fromEntries(line.split('|').map((x, i) => [names[i]!, x]));
      rows.push([
        v.cardNo,
        v.chipSerial,
        residentIds.get(v.idNo!) ?? 0,
        v.cardFactor || null,
        v.securityCode || null,
        v.cardType,
        v.specVersion,
        v.issuerOrgCode,
        v.issuerOrgName,
        v.issueDate,
        v.validUntil,
        v.appCityCode,
        v.cardForm,
        v.status,
        v.statusTime,
        'x',
        'x',
      ]);
    }
    const stmt = sq.prepare(
      'insert into cards (card_no, chip_serial, resident_id, card_factor, security_code, card_type, spec_version, issuer_org_code, issuer_org_name, issue_date, valid_until, app_city_code, card_form, status, status_time, created_at, updated_at) values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)',
    );
    const listStmt = sq.prepare(
      'insert into list_changes (list_type, version, op, card_no, chip_serial, status, reason_code, effective_time, app_city_code) values (?,?,?,?,?,?,?,?,?)',
    );
    const t1 = process.hrtime.bigint();
    sq.transaction(() => {
      for (const r of rows) stmt.run(...r);
      for (const r of listRows) listStmt.run(...(r as never[]));
    })();
    const rawS = Number(process.hrtime.bigint() - t1) / 1e9;
    await base.close();

    const records = rk.records;
    const importRate = records / importS;
    const rawRate = records / rawS;
    const pgUrl = process.env.RHC_BENCH_POSTGRES_URL ?? process.env.RHC_TEST_POSTGRES_URL;
    const pgResults = pgUrl ? await onPostgres(pgUrl, jm.path, kxx.path, n) : [];
    return [
      ...pgResults,
      {
        group: GROUP,
        name: `import KXX file, ${records} cards (validated, one transaction, with list entries), SQLite`,
        value: Math.round(importRate),
        unit: 'records/s',
        baseline: {
          name: 'raw better-sqlite3 prepared INSERTs of the same rows (cards + list entries, pre-parsed)',
          value: Math.round(rawRate),
          unit: 'records/s',
        },
        ratio: Number((importRate / rawRate).toFixed(3)),
        target: 0.6,
        notes: `N=${n} residents → ${records} cards + ${listRows.length} list entries, file ${(kxx.bytes / 1e6).toFixed(1)} MB; import ${importS.toFixed(2)} s (read, SM3, validate, look up holders/cards, write), raw ${rawS.toFixed(2)} s (writes only); both one transaction, WAL`,
      },
      ...(importPeak
        ? [
            {
              group: GROUP,
              name: `import KXX file, ${records} cards: peak RSS of the importing process, SQLite`,
              value: Math.round(importPeak / 2 ** 20),
              unit: 'MB',
              baseline: {
                name: 'same process just before the import',
                value: Math.round(rssBefore / 2 ** 20),
                unit: 'MB',
              },
              ratio: Number((importPeak / Math.max(rssBefore, 1)).toFixed(3)),
              notes:
                'VmHWM reset before the import (clear_refs); the file is streamed, so this is the batch, the duplicate-key set and SQLite page cache',
            },
          ]
        : []),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The same import on PostgreSQL (Kysely multi-row INSERTs inside one transaction), against the recommended
 * raw bulk path — `INSERT … SELECT * FROM unnest($1::text[], …)` of the same rows, pre-parsed — run in the
 * same schema after the imported cards and list entries were deleted (same tables, same indexes).
 */
async function onPostgres(url: string, jmPath: string, kxxPath: string, n: number): Promise<BenchResult[]> {
  const schema = `rhc_xbench_${process.pid}`;
  const clock = fixedClock(new Date('2026-06-01T02:00:00Z'));
  const sender = { institutionCode: '61010000-9', regionCode: '610100' };
  const p = await openDatabase(url, { schema });
  try {
    const rj = await importFile(p, jmPath, { clock, sender });
    if (rj.outcome !== 'applied') throw new Error('JMXX refused on PostgreSQL');
    const t0 = process.hrtime.bigint();
    const rk = await importFile(p, kxxPath, { clock, sender });
    const importS = Number(process.hrtime.bigint() - t0) / 1e9;
    if (rk.outcome !== 'applied') throw new Error('KXX refused on PostgreSQL');
    const cardCols = [
      'card_no',
      'chip_serial',
      'resident_id',
      'card_factor',
      'security_code',
      'card_type',
      'spec_version',
      'issuer_org_code',
      'issuer_org_name',
      'issue_date',
      'valid_until',
      'app_city_code',
      'card_form',
      'status',
      'status_time',
      'created_at',
      'updated_at',
    ] as const;
    const listCols = [
      'list_type',
      'version',
      'op',
      'card_no',
      'chip_serial',
      'status',
      'reason_code',
      'effective_time',
      'app_city_code',
    ] as const;
    const cards = await p.db.selectFrom('cards').select(cardCols).execute();
    const lists = await p.db.selectFrom('list_changes').select(listCols).execute();
    await p.db.deleteFrom('list_changes').execute();
    await p.db.deleteFrom('cards').execute();
    const client = await p.pool!.connect();
    const t1 = process.hrtime.bigint();
    try {
      await client.query('begin');
      const load = async (table: string, cols: readonly string[], rows: Record<string, unknown>[]) => {
        for (let i = 0; i < rows.length; i += 20_000) {
          const chunk = rows.slice(i, i + 20_000);
          const arrays = cols.map((c) => chunk.map((r) => r[c]));
          const types = cols.map((c, k) => `$${k + 1}::${c === 'resident_id' ? 'int' : 'text'}[]`);
          await client.query(
            `insert into ${table} (${cols.join(',')}) select * from unnest(${types.join(',')})`,
            arrays,
          );
        }
      };
      await load('cards', cardCols, cards);
      await load('list_changes', listCols, lists);
      await client.query('commit');
    } finally {
      client.release();
    }
    const rawS = Number(process.hrtime.bigint() - t1) / 1e9;
    const importRate = rk.records / importS;
    const rawRate = rk.records / rawS;
    return [
      {
        group: GROUP,
        name: `import KXX file, ${rk.records} cards (validated, one transaction, with list entries), PostgreSQL`,
        value: Math.round(importRate),
        unit: 'records/s',
        baseline: {
          name: 'raw INSERT … SELECT FROM unnest() of the same rows (cards + list entries, pre-parsed)',
          value: Math.round(rawRate),
          unit: 'records/s',
        },
        ratio: Number((importRate / rawRate).toFixed(3)),
        target: 0.6,
        notes: `N=${n}; import ${importS.toFixed(2)} s, raw ${rawS.toFixed(2)} s; ${lists.length} list entries`,
      },
    ];
  } finally {
    await p.close();
    await dropSchema(url, schema);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await run()) console.log(JSON.stringify(r, null, 2));
}
