// Audit entries for auditors (`rhc audit list`, docs/audit.md): filters on institution, user, action, time
// range and resident, newest first, in pages. Audit subjects never hold ID numbers in clear (residents and
// cards by internal id, ID numbers masked), so the resident filter resolves the ID number to the resident's
// internal id and card ids and matches those tokens; output is masked once more for safety.
import type { Kysely } from 'kysely';
import { RhcError } from '../errors.ts';
import type { Database } from '../storage/schema.ts';
import { parseWireTime } from './format.ts';
import { maskId } from './masking.ts';

export interface AuditFilter {
  institution?: string;
  user?: string;
  action?: string;
  /** ISO 8601, or yyyyMMdd[HHmmss] China time (the wire format), inclusive. */
  from?: string;
  /** Likewise; a bare date covers the whole day. */
  to?: string;
  /** The resident's ID number (matched through internal ids, never stored in clear). */
  residentIdNo?: string;
  page?: number;
  limit?: number;
}

export interface AuditListRow {
  seq: number;
  at: string;
  institutionCode: string;
  userName: string;
  action: string;
  purpose: string;
  subject: string;
  outcome: string;
}

export interface AuditPage {
  rows: AuditListRow[];
  page: number;
  limit: number;
  /** There are more rows after this page. */
  more: boolean;
}

/** A filter time → UTC ISO (what audit_log.at holds); `end` moves a bare date to its last millisecond. */
export function filterTime(v: string, end: boolean): string {
  const bad = () => new RhcError('AUDIT_FILTER_INVALID', { field: end ? 'to' : 'from', detail: v });
  if (/^\d{8}$/.test(v)) {
    const d = parseWireTime(`${v}000000`);
    if (!d) throw bad();
    return new Date(d.getTime() + (end ? 86_400_000 - 1 : 0)).toISOString();
  }
  if (/^\d{14}$/.test(v)) {
    const d = parseWireTime(v);
    if (!d) throw bad();
    return new Date(d.getTime() + (end ? 999 : 0)).toISOString();
  }
  if (!/^\d{4}-\d{2}-\d{2}T/.test(v) || Number.isNaN(Date.parse(v))) throw bad();
  return new Date(v).toISOString();
}

/** Any 15–18 character ID number left in a subject is masked (entries of old versions, free text). */
const maskSubject = (s: string) => s.replace(/\b\d{14}[\dXx]{1,4}\b/g, (m) => maskId(m));

/** The subject tokens of a resident: `resident:<id>` and `card:<id>` of each of its cards. */
async function residentTokens(db: Kysely<Database>, idNo: string): Promise<string[]> {
  const residents = await db.selectFrom('residents').select('id').where('id_no', '=', idNo).execute();
  if (residents.length === 0) return [];
  const ids = residents.map((r) => r.id);
  const cards = await db.selectFrom('cards').select('id').where('resident_id', 'in', ids).execute();
  return [...ids.map((i) => `resident:${i}`), ...cards.map((c) => `card:${c.id}`)];
}

export async function listAudit(db: Kysely<Database>, f: AuditFilter): Promise<AuditPage> {
  const page = f.page ?? 1;
  const limit = f.limit ?? 50;
  if (!Number.isInteger(page) || page < 1)
    throw new RhcError('AUDIT_FILTER_INVALID', { field: 'page', detail: String(f.page) });
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
    throw new RhcError('AUDIT_FILTER_INVALID', { field: 'limit', detail: String(f.limit) });
  let q = db.selectFrom('audit_log').selectAll();
  if (f.institution) q = q.where('institution_code', '=', f.institution);
  if (f.user) q = q.where('user_name', '=', f.user);
  if (f.action) q = q.where('action', '=', f.action);
  if (f.from) q = q.where('at', '>=', filterTime(f.from, false));
  if (f.to) q = q.where('at', '<=', filterTime(f.to, true));
  if (f.residentIdNo !== undefined) {
    const tokens = await residentTokens(db, f.residentIdNo);
    if (tokens.length === 0) return { rows: [], page, limit, more: false };
    // a token is a whole word of the subject (tokens are [a-z0-9:], no LIKE wildcards)
    q = q.where((eb) =>
      eb.or(
        tokens.flatMap((t) => [
          eb('subject', '=', t),
          eb('subject', 'like', `${t} %`),
          eb('subject', 'like', `% ${t}`),
          eb('subject', 'like', `% ${t} %`),
        ]),
      ),
    );
  }
  const rows = await q
    .orderBy('seq', 'desc')
    .limit(limit + 1)
    .offset((page - 1) * limit)
    .execute();
  return {
    rows: rows.slice(0, limit).map((r) => ({
      seq: r.seq,
      at: r.at,
      institutionCode: r.institution_code,
      userName: r.user_name,
      action: r.action,
      purpose: r.purpose,
      subject: maskSubject(r.subject),
      outcome: r.outcome,
    })),
    page,
    limit,
    more: rows.length > limit,
  };
}
