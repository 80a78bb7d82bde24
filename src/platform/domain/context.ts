// What every platform operation works with: the storage, the clock and random source, the institution
// registry, the audit trail, the hot card lookup and the buffer of card-use records — one object built by
// PlatformService.open and handed to each operation (operations/*.ts), so an operation is a plain function.
import type { Kysely } from 'kysely';
import type { Clock, Random } from '../../base/runtime.ts';
import type { DialectAdapter } from '../../storage/index.ts';
import type { CardLookup } from '../storage/card-lookup.ts';
import type { Database } from '../storage/schema.ts';
import { RhcError } from '../errors.ts';
import type { AuditInput, AuditTrail } from './audit.ts';
import { toWireDate, toWireTime } from './format.ts';
import type { Caller, InstitutionRegistry } from './institutions/index.ts';
import type { ReadQuota } from './read-quota.ts';
import type { UseRecords } from './use-records.ts';

export interface DomainContext {
  readonly db: Kysely<Database>;
  readonly adapter: DialectAdapter;
  readonly clock: Clock;
  readonly random: Random;
  readonly registry: InstitutionRegistry;
  readonly audit: AuditTrail;
  readonly lookup: CardLookup;
  readonly uses: UseRecords;
  /** Read quotas and the bulk-read alert (read-quota.ts); undefined when switched off (load benches). */
  readonly reads: ReadQuota | undefined;
}

/** The platform itself as the actor of scheduled changes (operations log org_code, audit). */
export const SYSTEM_CALLER: Caller = {
  institutionId: 0,
  institutionCode: 'RHC-SYSTEM',
  role: 'province',
  regionCode: '000000',
  userName: 'system',
  userRole: 'admin',
  termId: 'scheduler',
};

/** The purpose recorded with each audit entry of an interface (PIPL: why personal data was touched). */
const PURPOSE: Readonly<Record<string, string>> = {
  RHC_C0001: 'authentication',
  RHC_C0002: 'issuance-id-check',
  RHC_C0003: 'card-verification',
  RHC_C0004: 'issuance-sync',
  RHC_C0005: 'status-sync',
  RHC_C0006: 'replacement-sync',
  RHC_C0007: 'list-distribution',
  RHC_C0008: 'statistics',
  RHC_C0009: 'resident-update',
  RHC_C0010: 'card-update',
};

/** Now as ISO (stored timestamps), wire time yyyyMMddHHmmss and wire date yyyyMMdd (China time). */
export function nowParts(clock: Clock): { iso: string; time: string; date: string } {
  const d = clock.now();
  return { iso: d.toISOString(), time: toWireTime(d), date: toWireDate(d) };
}

/** The audit entry of `caller` doing `code` to `subject`. */
export function auditEntry(
  caller: Pick<Caller, 'institutionCode' | 'userName'>,
  code: string,
  subject: string,
  outcome = '0000',
  purpose?: string,
): AuditInput {
  return {
    institutionCode: caller.institutionCode,
    userName: caller.userName,
    action: code,
    purpose: purpose ?? PURPOSE[code] ?? code,
    subject,
    outcome,
  };
}

/**
 * An authorization refusal (1011) of `caller` calling `code`, audited with its real result code (the
 * refused field, never the input: no personal data). Other errors pass unaudited here.
 */
export function auditRefusal(
  ctx: DomainContext,
  caller: Pick<Caller, 'institutionCode' | 'userName'>,
  code: string,
  err: unknown,
): void {
  if (!(err instanceof RhcError) || err.symbol !== 'NOT_PERMITTED') return;
  auditLater(ctx, caller, code, `refused${err.field ? ` field:${err.field}` : ''}`, err.code);
}

/** A buffered audit entry (reads, refusals): written by the next flush. */
export function auditLater(
  ctx: DomainContext,
  caller: Pick<Caller, 'institutionCode' | 'userName'>,
  code: string,
  subject: string,
  outcome = '0000',
): void {
  ctx.audit.append(auditEntry(caller, code, subject, outcome));
}
