// City-side application of the province's merged lists (SHMD blacklist, SBMD whitelist). Entries of the
// city's OWN cards are skipped (the city is the authority for them); entries of other cities' cards are
// appended to the city's list_changes with the city's own versions, so its hospitals and front-end
// machines receive them through RHC_C0007 deltas like any local change. A delta must start at the
// version the city last applied (else: gap, refused); a full file is diffed against the city's current
// view of foreign cards (memory ∝ number of foreign list entries).
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { sql } from 'kysely';
import type { Clock } from '../../base/runtime.ts';
import { regionScopePrefix } from '../../codes/index.ts';
import { CardLedger } from '../domain/ledger/index.ts';
import type { PlatformDb } from '../storage/db.ts';
import { newStats } from './apply.ts';
import { newReadResult, parseFileName, readExchange } from './format.ts';
import type { Header } from './format.ts';
import type { ImportReport } from './import.ts';
import { issue } from './issues.ts';
import type { Issue } from './issues.ts';
import { TYPES } from './layouts.ts';
import { findFile, pulledVersion, recordFile, xdb } from './file-ledger.ts';
import { validateRecord } from './validate.ts';

class Refusal extends Error {
  constructor(readonly issues: Issue[]) {
    super('refused');
  }
}

/** The list version this city last applied from the province for a down type ('' = none). */
export function lastPulledVersion(p: PlatformDb, type: 'SHMD' | 'SBMD'): Promise<string> {
  return pulledVersion(xdb(p.db), type);
}

function refused(file: string, issues: Issue[], header?: Header): ImportReport {
  const first = issues[0]!;
  return {
    file,
    outcome: 'refused',
    ...(header ? { header } : {}),
    records: 0,
    stats: newStats(),
    issues,
    issueCount: issues.length,
    warnings: [],
    message: `拒收 / refused: ${issues.length} 个问题 / issue(s); 数据库未改变 / database unchanged`,
    ack: `ERR|${first.line}|${first.code}|${first.reason}`,
    listVersions: {},
  };
}

export async function applyDownFile(
  p: PlatformDb,
  path: string,
  o: { clock: Clock; ownRegion: string; fileName?: string },
): Promise<ImportReport> {
  const file = o.fileName ?? basename(path);
  const id = parseFileName(file);
  if (!id) return refused(file, [issue(0, 'FILE_NAME')]);
  const spec = TYPES[id.type];
  if (spec.direction !== 'down')
    return refused(file, [issue(0, 'WRONG_DIRECTION', 'type', `${id.type} is a city → province file`)]);
  const list = id.type === 'SHMD' ? 'B' : 'W';
  const mine = regionScopePrefix(o.ownRegion);
  const now = o.clock.now();
  const result = newReadResult();
  const stats = newStats();
  const problems: Issue[] = [];
  let duplicate = false;
  try {
    await p.db.transaction().execute(async (trx) => {
      const ledger = await CardLedger.open(p, trx, { clock: { now: () => now } });
      let view: Map<string, { status: string; app: string }> | undefined;
      let started = false;
      const start = async (h: Header) => {
        started = true;
        if (h.type !== id.type)
          throw new Refusal([issue(1, 'FILE_NAME', undefined, 'name and header disagree')]);
        const have = await pulledVersion(xdb(trx), id.type as 'SHMD' | 'SBMD');
        if (h.mode === 'D' && h.baseVersion !== have)
          throw new Refusal([
            issue(
              1,
              'GAP',
              'baseVersion',
              `city holds ${have || 'nothing'}, delta is based on ${h.baseVersion}`,
            ),
          ]);
        if (h.mode === 'F') {
          // current view of foreign cards: the last change per card among entries of other regions
          const rows = await sql<{
            card_no: string;
            chip_serial: string;
            op: string;
            status: string;
            app_city_code: string;
          }>`
            select l.card_no, l.chip_serial, l.op, l.status, l.app_city_code from list_changes l
            where l.list_type = ${list} and l.seq in (select max(seq) from list_changes where list_type = ${list} and app_city_code not like ${`${mine}%`} group by card_no, chip_serial)`.execute(
            trx,
          );
          view = new Map(
            rows.rows
              .filter((r) => r.op === 'A')
              .map((r) => [`${r.card_no}|${r.chip_serial}`, { status: r.status, app: r.app_city_code }]),
          );
        }
      };
      const seenFile = await findFile(xdb(trx), 'down', file);
      if (seenFile) {
        duplicate = true;
        return;
      }
      const seen = new Set<string>();
      for await (const rec of readExchange(createReadStream(path), result)) {
        if (!started) await start(result.header!);
        const bad = validateRecord(spec, rec.values, rec.line, now);
        if (bad.length) {
          problems.push(...bad);
          continue;
        }
        const v = rec.values;
        if (v.appCityCode!.startsWith(mine)) continue;
        const key = `${v.cardNo}|${v.chipSerial}`;
        if (view) {
          seen.add(key);
          if (view.get(key)?.status === v.status) continue;
        }
        await ledger.listChange({
          list_type: list,
          op: v.op as 'A' | 'D',
          card_no: v.cardNo!,
          chip_serial: v.chipSerial!,
          status: v.status!,
          reason_code: v.reasonCode || null,
          effective_time: v.effectiveTime!,
          app_city_code: v.appCityCode!,
        });
        stats.listEntries++;
        if (ledger.pendingListChanges >= 500) await ledger.flush();
      }
      if (result.fatal.length === 0 && result.header && !started) await start(result.header);
      if (view) {
        for (const [key, cur] of view) {
          if (seen.has(key)) continue;
          const [cardNo, chip] = key.split('|') as [string, string];
          await ledger.listChange({
            list_type: list,
            op: 'D',
            card_no: cardNo,
            chip_serial: chip,
            status: cur.status,
            reason_code: null,
            effective_time: `${result.header!.bizDate}000000`,
            app_city_code: cur.app,
          });
          stats.listEntries++;
        }
      }
      await ledger.flush();
      const all = [...result.fatal, ...result.lineIssues, ...problems];
      if (all.length) throw new Refusal(all);
      const h = result.header!;
      await recordFile(xdb(trx), {
        direction: 'down',
        file,
        identity: id,
        header: h,
        digest: result.digest!,
        listVersion: h.listVersion,
        peer: 'province',
        status: 'applied',
        at: now.toISOString(),
      });
    });
  } catch (err) {
    if (err instanceof Refusal)
      return refused(
        file,
        err.issues.sort((a, b) => a.line - b.line),
        result.header,
      );
    throw err;
  }
  if (duplicate)
    return {
      file,
      outcome: 'duplicate',
      records: 0,
      stats,
      issues: [],
      issueCount: 0,
      warnings: [],
      message: '已应用过，未做任何更改 / already applied — nothing changed',
      ack: 'OK|0',
      listVersions: {},
    };
  return {
    file,
    outcome: 'applied',
    header: result.header!,
    records: result.records,
    stats,
    issues: [],
    issueCount: 0,
    warnings: [],
    message: `已应用省级名单 / applied province list ${result.header!.listVersion}: ${result.records} 条, 本市名单新增条目 ${stats.listEntries} / local list entries`,
    ack: `OK|${result.records}`,
    listVersions: {},
  };
}
