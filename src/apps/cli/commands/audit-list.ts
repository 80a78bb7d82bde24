// `rhc audit list` for auditors (docs/audit.md): filters on institution, user, action, time range and
// resident (by ID number, matched through internal ids: audit rows never hold it in clear), newest first,
// one page at a time; subjects are masked. Times print as China time with the offset (docs/audit.md).
import type { Command } from 'commander';
import { listAudit } from '../../../platform/domain/audit-list.ts';
import type { AuditFilter } from '../../../platform/domain/audit-list.ts';
import { commandGroup } from '../main.ts';
import { usageError } from '../usage.ts';
import { withDb } from './audit.ts';

/** UTC ISO → `yyyy-MM-dd HH:mm:ss+08:00` (the one display rule for times, docs/audit.md). */
export function chinaTime(iso: string): string {
  const c = new Date(Date.parse(iso) + 8 * 3600_000).toISOString();
  return `${c.slice(0, 10)} ${c.slice(11, 19)}+08:00`;
}

function whole(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw usageError(`${name} must be a whole number`);
  return Number(v);
}

interface ListOptions {
  db?: string;
  institution?: string;
  user?: string;
  action?: string;
  from?: string;
  to?: string;
  resident?: string;
  page?: string;
  limit?: string;
  json?: boolean;
}

export function registerAuditList(g: Command): void {
  g.command('list')
    .description('查询审计记录（供审计员）/ list audit entries for auditors, newest first, masked')
    .option('--db <url>', 'database URL')
    .option('--institution <code>', 'institution code')
    .option('--user <name>', 'user name')
    .option('--action <code>', 'action (RHC_C0003, EXCHANGE_KXX, INSTITUTION_ADD, …)')
    .option('--from <time>', 'from (ISO 8601, or yyyyMMdd[HHmmss] China time)')
    .option('--to <time>', 'to, inclusive (a bare date covers the day)')
    .option('--resident <idNo>', 'entries about this resident (by ID number; matched via internal ids)')
    .option('--page <n>', 'page number (1 = newest)', '1')
    .option('--limit <n>', 'entries per page (1–1000)', '50')
    .option('--json', 'print JSON')
    .action(async (o: ListOptions) => {
      const f: AuditFilter = {
        ...(o.institution ? { institution: o.institution } : {}),
        ...(o.user ? { user: o.user } : {}),
        ...(o.action ? { action: o.action } : {}),
        ...(o.from ? { from: o.from } : {}),
        ...(o.to ? { to: o.to } : {}),
        ...(o.resident ? { residentIdNo: o.resident.toUpperCase() } : {}),
        page: whole(o.page, '--page')!,
        limit: whole(o.limit, '--limit')!,
      };
      const r = await withDb(o.db, (p) => listAudit(p.db, f));
      if (o.json) {
        console.log(JSON.stringify(r));
        return;
      }
      for (const e of r.rows)
        console.log(
          [
            e.seq,
            chinaTime(e.at),
            e.institutionCode,
            e.userName,
            e.action,
            e.outcome,
            e.purpose,
            e.subject,
          ].join('  '),
        );
      console.log(
        `— 第 ${r.page} 页 page ${r.page}, ${r.rows.length} 条 entries${r.more ? `; 下一页 next: --page ${r.page + 1}` : ''}`,
      );
    });
}

export function register(program: Command): void {
  registerAuditList(commandGroup(program, 'audit', '审计日志 / audit trail'));
}
