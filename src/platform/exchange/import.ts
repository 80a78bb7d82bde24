// Province-side import of an up file (docs/exchange-format.md §6): all-or-nothing in ONE transaction,
// idempotent by file identity + digest, sequence chain per (region, type) without gaps or overlaps,
// sender owns the file region, every refusal leaves the database unchanged and comes with a report
// (line numbers, coded reasons) and the `.ack` text of platform-interfaces.md §6.2.
import { open, readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Clock } from '../../base/runtime.ts';
import { regionScopePrefix } from '../../codes/index.ts';
import type { AuditTrail } from '../domain/audit.ts';
import { CardLedger } from '../domain/ledger/index.ts';
import type { PlatformDb } from '../storage/db.ts';
import { BatchApplier, newStats } from './apply.ts';
import type { ApplyStats } from './apply.ts';
import { newReadResult, parseFileName, parseOkFile } from './format.ts';
import type { FileIdentity, Header } from './format.ts';
import { formatIssue, issue } from './issues.ts';
import type { Issue } from './issues.ts';
import { TYPES } from './layouts.ts';
import { findFile, lastSeq, recordFile, xdb } from './file-ledger.ts';
import { validatedBatches } from './validated-batches.ts';

/** Who sent the file: a city platform (its institution code and region). */
export interface Sender {
  institutionCode: string;
  regionCode: string;
}

export interface ImportOptions {
  clock: Clock;
  sender: Sender;
  /** Name the file had when sent (HTTP uploads are spooled under another name). */
  fileName?: string;
  /** Audits the import (any outcome) as `userName` of the sender: the real user, never a placeholder. */
  audit?: { trail: AuditTrail; userName: string };
  onProgress?: (records: number, bytes: number, totalBytes: number) => void;
  maxIssues?: number;
}

export type Outcome = 'applied' | 'duplicate' | 'refused';

export interface ImportReport {
  file: string;
  outcome: Outcome;
  identity?: FileIdentity;
  header?: Header;
  records: number;
  stats: ApplyStats;
  /** Every reason the file was refused (capped at maxIssues; `issueCount` is the true number). */
  issues: Issue[];
  issueCount: number;
  warnings: string[];
  message: string;
  /** Receipt text (§6.2): `OK|<records>` or `ERR|<line>|<code>|<message>`. */
  ack: string;
  listVersions: Partial<Record<'B' | 'W', string>>;
}

class Refusal extends Error {
  constructor(readonly issues: Issue[]) {
    super('refused');
  }
}

/** Another import of the same file committed while this one waited for the writer lock. */
class AlreadyApplied extends Error {}

/** Reads the last line of a file (the trailer) to learn its declared digest before touching the database. */
async function trailerDigest(path: string): Promise<string | undefined> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const n = Math.min(size, 256);
    const buf = Buffer.alloc(n);
    await fh.read(buf, 0, n, size - n);
    const m = /\nT\|\d+\|([0-9A-Fa-f]{64})\n$/.exec(buf.toString('latin1'));
    return m ? m[1]!.toUpperCase() : undefined;
  } finally {
    await fh.close();
  }
}

function refusedReport(
  file: string,
  issues: Issue[],
  count = issues.length,
  base: Partial<ImportReport> = {},
): ImportReport {
  const first = issues[0]!;
  return {
    file,
    outcome: 'refused',
    records: 0,
    stats: newStats(),
    warnings: [],
    listVersions: {},
    ...base,
    issues,
    issueCount: count,
    message: `拒收 / refused: ${count} 个问题 / issue(s); 数据库未改变 / database unchanged`,
    ack: `ERR|${first.line}|${first.code}|${first.reason}${first.field ? ` [${first.field}]` : ''}`,
  };
}

/** The audit entry of an import by `o.audit.userName` of the sender; outcome: 0000 or the first refusal code. */
function importAudit(
  o: ImportOptions,
  r: Pick<ImportReport, 'file' | 'outcome' | 'records' | 'identity' | 'issues'>,
) {
  return {
    institutionCode: o.sender.institutionCode,
    userName: o.audit!.userName,
    action: `EXCHANGE_${r.identity?.type ?? 'FILE'}`,
    purpose: 'file-exchange',
    subject: `file:${r.file} ${r.outcome} records:${r.records}`,
    outcome: r.outcome === 'refused' ? (r.issues[0]?.code ?? '4003') : '0000',
  };
}

/**
 * Imports one up file (see importOnce). An applied file is audited in its own transaction; a duplicate or a
 * refusal is audited too (buffered: the caller's trail flushes it), with its real result code.
 */
export async function importFile(p: PlatformDb, path: string, o: ImportOptions): Promise<ImportReport> {
  const r = await importOnce(p, path, o);
  if (o.audit && r.outcome !== 'applied') o.audit.trail.append(importAudit(o, r));
  return r;
}

async function importOnce(p: PlatformDb, path: string, o: ImportOptions): Promise<ImportReport> {
  const file = o.fileName ?? basename(path);
  const identity = parseFileName(file);
  if (!identity)
    return refusedReport(file, [issue(0, 'FILE_NAME', undefined, '{TYPE}_{region6}_{yyyyMMdd}_{seq3}.txt')]);
  const spec = TYPES[identity.type];
  if (spec.direction !== 'up')
    return refusedReport(
      file,
      [issue(0, 'WRONG_DIRECTION', 'type', `${identity.type} is a province → city file`)],
      1,
      { identity },
    );
  if (identity.region !== o.sender.regionCode)
    return refusedReport(
      file,
      [
        issue(
          0,
          'FOREIGN_REGION',
          'region',
          `file region ${identity.region}, sender ${o.sender.institutionCode} region ${o.sender.regionCode}`,
        ),
      ],
      1,
      { identity },
    );

  const db = xdb(p.db);
  const declared = await trailerDigest(path);
  if (declared) {
    const seen = await findFile(db, 'in', file);
    if (seen) {
      if (seen.digest === declared)
        return {
          file,
          outcome: 'duplicate',
          identity,
          records: seen.record_count,
          stats: newStats(),
          issues: [],
          issueCount: 0,
          warnings: [],
          message: `已导入过，未做任何更改 / already imported on ${seen.created_at} — nothing changed`,
          ack: `OK|${seen.record_count}`,
          listVersions: {},
        };
      return refusedReport(
        file,
        [
          issue(
            0,
            'SAME_NAME_OTHER_CONTENT',
            undefined,
            `imported ${seen.created_at}; re-send changes under the next seq3`,
          ),
        ],
        1,
        { identity },
      );
    }
  }
  // the optional .ok companion (size + whole-file SM3) is checked when it lies next to the file
  const ok = await readFile(`${path.replace(/\.txt$/, '')}.ok`, 'utf8').then(parseOkFile, () => undefined);

  const totalBytes = (await stat(path)).size;
  const now = o.clock.now();
  const result = newReadResult();
  const stats = newStats();
  const warnings: string[] = [];
  let issueCount = 0;
  const issues: Issue[] = [];
  const maxIssues = o.maxIssues ?? 1000;
  const report = (i: Issue) => {
    issueCount++;
    if (issues.length < maxIssues) issues.push(i);
  };
  let listVersions: Partial<Record<'B' | 'W', string>> = {};

  try {
    await p.db.transaction().execute(async (trx) => {
      // the writer lock, and planner statistics kept in step with the rows this import adds (storage adapter)
      const ledger = await CardLedger.open(p, trx, {
        clock: { now: () => now },
        plannerTables: ['residents', 'cards'],
      });
      if (declared && (await findFile(xdb(trx), 'in', file))) throw new AlreadyApplied();
      const applier = new BatchApplier(identity.type, {
        ledger,
        region: identity.region,
        scope: regionScopePrefix(identity.region),
        nowIso: now.toISOString(),
        report,
        stats,
        warnings,
      });
      let chainChecked = false;
      const checkChain = async (h: Header) => {
        chainChecked = true;
        const mismatch =
          h.type !== identity.type || h.region !== identity.region || h.bizDate !== identity.date;
        if (mismatch)
          throw new Refusal([
            issue(
              1,
              'FILE_NAME',
              undefined,
              `name says ${identity.type}/${identity.region}/${identity.date}, header ${h.type}/${h.region}/${h.bizDate}`,
            ),
          ]);
        const acked = await lastSeq(xdb(trx), 'in', h.region, h.type);
        if (h.mode === 'D') {
          if (h.firstSeq > acked + 1)
            throw new Refusal([
              issue(
                1,
                'GAP',
                'firstSeq',
                `expected firstSeq ${acked + 1}, file starts at ${h.firstSeq}: import the missing file(s) first`,
              ),
            ]);
          if (h.firstSeq < acked + 1)
            throw new Refusal([
              issue(
                1,
                'OVERLAP',
                'firstSeq',
                `already imported up to ${acked}; this file starts at ${h.firstSeq}`,
              ),
            ]);
        } else if (h.lastSeq < acked)
          throw new Refusal([issue(1, 'STALE_FULL', 'lastSeq', `already imported up to ${acked}`)]);
      };
      let n = 0;
      let nextProgress = 50_000;
      const plan = { path, type: identity.type, now, maxIssues };
      for await (const batch of validatedBatches(plan, result)) {
        if (!chainChecked) await checkChain(batch.header!);
        batch.issues.forEach(report);
        for (const rec of batch.records) if (applier.push(rec)) await applier.drain();
        n = batch.recordsRead;
        if (n >= nextProgress) {
          nextProgress = n + 50_000;
          o.onProgress?.(n, batch.bytes, totalBytes);
        }
      }
      if (result.fatal.length === 0 && result.header && !chainChecked) await checkChain(result.header);
      await applier.finish();
      o.onProgress?.(n, result.bytes, totalBytes);
      const all = [...result.fatal, ...result.lineIssues, ...issues];
      if (
        ok &&
        result.fatal.length === 0 &&
        (ok.name !== file || ok.bytes !== result.bytes || ok.digest !== result.fileDigest)
      )
        all.unshift(issue(0, 'OK_FILE'));
      if (all.length) throw new Refusal(all);
      const h = result.header!;
      await recordFile(xdb(trx), {
        direction: 'in',
        file,
        identity,
        header: h,
        digest: result.digest!,
        listVersion: h.listVersion || null,
        peer: o.sender.institutionCode,
        status: 'applied',
        at: now.toISOString(),
      });
      // the import and its audit entry commit together
      if (o.audit)
        await o.audit.trail.writeInTransaction(
          trx,
          importAudit(o, { file, outcome: 'applied', records: result.records, identity, issues: [] }),
        );
      listVersions = ledger.heads;
    });
  } catch (err) {
    if (err instanceof AlreadyApplied) return importOnce(p, path, o);
    if (!(err instanceof Refusal)) throw err;
    const all = [...err.issues].sort((a, b) => a.line - b.line);
    const count = all.length + Math.max(0, issueCount - issues.length);
    return refusedReport(file, all.slice(0, maxIssues), count, {
      identity,
      ...(result.header ? { header: result.header } : {}),
      records: result.records,
    });
  }
  return {
    file,
    outcome: 'applied',
    identity,
    header: result.header!,
    records: result.records,
    stats,
    issues: [],
    issueCount: 0,
    warnings,
    message: `已导入 / applied: ${result.records} 条记录 / records (新增 ${stats.inserted}, 更新 ${stats.updated}, 未变 ${stats.unchanged}, 状态变更 ${stats.statusChanges}, 名单条目 ${stats.listEntries})`,
    ack: `OK|${result.records}`,
    listVersions,
  };
}

export function renderReport(r: ImportReport): string {
  const lines = [`${r.file}: ${r.message}`];
  for (const i of r.issues) lines.push(`  ${formatIssue(i)}`);
  if (r.issueCount > r.issues.length)
    lines.push(`  … 另有 ${r.issueCount - r.issues.length} 个问题 / ${r.issueCount - r.issues.length} more`);
  for (const w of r.warnings) lines.push(`  警告 / warning: ${w}`);
  return lines.join('\n');
}
