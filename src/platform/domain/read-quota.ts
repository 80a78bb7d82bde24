// Quotas on reads of personal data, and the bulk-read alert (issue 13 §2: no harvesting). Design choice:
// fixed windows counted in memory per process (the platform answers from few processes; a harvester is
// slowed, not stopped, by a restart — the alert and the audit still show it):
//   - per user and per institution, at most `perUser` / `perInstitution` reads per `windowSeconds`
//     (RHC_C0002 identity checks, RHC_C0003 card verifications); beyond → 1020 (HTTP 429, Retry-After);
//   - a user reading more than `alertDistinct` distinct residents within `alertWindowSeconds` leaves one
//     audit entry ALERT_BULK_READ per window (an auditor's `rhc audit list --action ALERT_BULK_READ`).
// Only the first refusal per key and window is audited, so a caller over its quota cannot grow the audit.
// Memory stays bounded: windows that ended are dropped when the tables grow.
import { createHash } from 'node:crypto';
import type { Clock } from '../../base/runtime.ts';
import { RhcError } from '../errors.ts';
import type { AuditTrail } from './audit.ts';
import { auditEntry } from './context.ts';
import type { Caller } from './institutions/index.ts';

export interface ReadQuotaLimits {
  perUser: number;
  perInstitution: number;
  windowSeconds: number;
  alertDistinct: number;
  alertWindowSeconds: number;
}

/**
 * Defaults sized for a large hospital's front-end machine (one user relaying ~15 000 outpatients a day, a
 * few reads per visit): far above a working peak, far below a script.
 */
export const DEFAULT_READ_QUOTA: ReadQuotaLimits = {
  perUser: 3000,
  perInstitution: 30000,
  windowSeconds: 60,
  alertDistinct: 1500,
  alertWindowSeconds: 600,
};

interface Counter {
  start: number;
  n: number;
  refusalAudited: boolean;
}

interface Distinct {
  start: number;
  seen: Set<string>;
  alerted: boolean;
}

const PRUNE_AT = 10_000;

export class ReadQuota {
  private readonly counters = new Map<string, Counter>();
  private readonly distinct = new Map<string, Distinct>();

  constructor(
    private readonly limits: ReadQuotaLimits,
    private readonly clock: Clock,
    private readonly audit: AuditTrail,
  ) {}

  /** Counts one read of `resident` (any stable key of the person) by `caller` for `code`; 1020 beyond quota. */
  read(caller: Caller, code: string, resident: string): void {
    const now = this.clock.now().getTime() / 1000;
    this.count(caller, code, `u:${caller.institutionCode}/${caller.userName}`, this.limits.perUser, now);
    this.count(caller, code, `i:${caller.institutionCode}`, this.limits.perInstitution, now);
    this.notice(caller, resident, now);
  }

  private count(caller: Caller, code: string, key: string, limit: number, now: number): void {
    if (this.counters.size > PRUNE_AT) prune(this.counters, now - this.limits.windowSeconds);
    let c = this.counters.get(key);
    if (!c || now - c.start >= this.limits.windowSeconds) {
      c = { start: now, n: 0, refusalAudited: false };
      this.counters.set(key, c);
    }
    if (c.n >= limit) {
      const retry = Math.max(1, Math.ceil(c.start + this.limits.windowSeconds - now));
      const e = new RhcError('READ_QUOTA_EXCEEDED', {
        retryAfterSeconds: retry,
        detail: `${key.startsWith('u:') ? 'user' : 'institution'} quota ${limit} reads / ${this.limits.windowSeconds} s; retry in ${retry} s`,
      });
      if (!c.refusalAudited) {
        c.refusalAudited = true;
        this.audit.append(auditEntry(caller, code, `quota:${key.slice(0, 1)} limit:${limit}`, e.code));
      }
      throw e;
    }
    c.n++;
  }

  private notice(caller: Caller, resident: string, now: number): void {
    if (this.distinct.size > PRUNE_AT) prune(this.distinct, now - this.limits.alertWindowSeconds);
    const key = `${caller.institutionCode}/${caller.userName}`;
    let d = this.distinct.get(key);
    if (!d || now - d.start >= this.limits.alertWindowSeconds) {
      d = { start: now, seen: new Set(), alerted: false };
      this.distinct.set(key, d);
    }
    if (d.alerted) return; // counted enough: the set stops growing
    // a short digest, never the ID number itself, is what stays in memory
    d.seen.add(createHash('sm3').update(resident).digest('base64').slice(0, 16));
    if (d.seen.size > this.limits.alertDistinct) {
      d.alerted = true;
      d.seen.clear();
      this.audit.append(
        auditEntry(
          caller,
          'ALERT_BULK_READ',
          `distinct-residents>${this.limits.alertDistinct} window:${this.limits.alertWindowSeconds}s`,
          '0000',
          'privacy-alert',
        ),
      );
    }
  }
}

function prune<T extends { start: number }>(m: Map<string, T>, before: number): void {
  for (const [k, v] of m) if (v.start < before) m.delete(k);
}

/** Limits from the environment (RHC_READ_QUOTA_USER, _INSTITUTION, _WINDOW_S, RHC_READ_ALERT_DISTINCT, _WINDOW_S). */
export function readQuotaFromEnv(env: NodeJS.ProcessEnv = process.env): ReadQuotaLimits {
  const num = (name: string, fallback: number) => {
    const raw = env[name];
    if (raw === undefined) return fallback;
    const v = Number(raw);
    if (!Number.isInteger(v) || v < 1) throw new Error(`${name} must be a whole number ≥ 1, got "${raw}"`);
    return v;
  };
  const d = DEFAULT_READ_QUOTA;
  return {
    perUser: num('RHC_READ_QUOTA_USER', d.perUser),
    perInstitution: num('RHC_READ_QUOTA_INSTITUTION', d.perInstitution),
    windowSeconds: num('RHC_READ_QUOTA_WINDOW_S', d.windowSeconds),
    alertDistinct: num('RHC_READ_ALERT_DISTINCT', d.alertDistinct),
    alertWindowSeconds: num('RHC_READ_ALERT_WINDOW_S', d.alertWindowSeconds),
  };
}
