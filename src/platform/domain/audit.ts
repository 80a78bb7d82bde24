// Hash-chained audit trail: every read of personal data and every change, with institution, user, time
// and purpose. The chain is KEYED (docs/audit.md): hash = HMAC-SM3(audit key, JSON [scheme, prev_hash, the
// entry's fields]) with the key outside the database (audit-key.ts), so deleting or editing a row and
// re-chaining needs the key; entries written before migration 007 keep their plain SM3 hash (scheme 'sm3') and
// verify as legacy up to the first keyed entry (audit-verify.ts). Signed checkpoints (audit-checkpoint.ts)
// detect truncation. A CHANGE is audited inside its own transaction (`writeInTransaction`): committed
// together or not at all. READS are buffered and written in batches (a card verification does not pay for a
// commit); `flush()` runs on a timer and on shutdown (design choice: a crash may lose the last flush interval
// of read entries, never a change's). The chain is computed AT FLUSH TIME inside the writing transaction from
// the last stored hash, under the storage's `audit` writer lock (src/storage adapter), so several processes
// (server, CLI imports) extend one chain. Times are UTC ISO 8601 (`auditTime`, docs/audit.md).
import type { Kysely, Transaction } from 'kysely';
import type { Clock } from '../../base/runtime.ts';
import { storageOf } from '../../storage/index.ts';
import type { DialectAdapter } from '../../storage/index.ts';
import type { PlatformDb } from '../storage/db.ts';
import type { Database } from '../storage/schema.ts';
import { createHmac } from 'node:crypto';
import { auditKeyPlace, loadAuditKey } from './audit-key.ts';
import type { AuditKey } from './audit-key.ts';
import { sm3Hex } from './secrets.ts';

export interface AuditInput {
  institutionCode: string;
  userName: string;
  action: string;
  purpose: string;
  /** What was touched, with identifiers already masked or internal ids. */
  subject: string;
  outcome: string;
}

interface AuditRow extends AuditInput {
  at: string;
  prevHash: string;
  hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);

/** The legacy plain chain (scheme 'sm3', entries before migration 007): SM3 of the '|'-joined fields. */
export function auditHash(prevHash: string, e: Omit<AuditRow, 'prevHash' | 'hash'>): string {
  return sm3Hex(
    [prevHash, e.at, e.institutionCode, e.userName, e.action, e.purpose, e.subject, e.outcome].join('|'),
  );
}

/** The scheme new entries are written with. */
export const KEYED_SCHEME = 'hmac-sm3';

/** The keyed chain: HMAC-SM3 over a JSON array (unambiguous: no field can bleed into the next). */
export function keyedAuditHash(
  key: Buffer,
  prevHash: string,
  e: Omit<AuditRow, 'prevHash' | 'hash'>,
): string {
  const fields = [
    KEYED_SCHEME,
    prevHash,
    e.at,
    e.institutionCode,
    e.userName,
    e.action,
    e.purpose,
    e.subject,
  ];
  return createHmac('sm3', key)
    .update(JSON.stringify([...fields, e.outcome]))
    .digest('hex');
}

/** Audit times: UTC ISO 8601 with milliseconds, like every stored timestamp (docs/audit.md: time zones). */
export function auditTime(d: Date): string {
  return d.toISOString();
}

function chain(key: Buffer, prev: string, batch: (AuditInput & { at: string })[]) {
  return batch.map((e) => {
    const hash = keyedAuditHash(key, prev, e);
    const row = {
      at: e.at,
      institution_code: e.institutionCode,
      user_name: e.userName,
      action: e.action,
      purpose: e.purpose,
      subject: e.subject,
      outcome: e.outcome,
      prev_hash: prev,
      hash,
      scheme: KEYED_SCHEME,
    };
    prev = hash;
    return row;
  });
}

type Trx = Transaction<Database>;

async function lastEntry(
  db: Kysely<Database>,
): Promise<{ seq: number; hash: string; scheme: string } | undefined> {
  return db
    .selectFrom('audit_log')
    .select(['seq', 'hash', 'scheme'])
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** The entry that seals the legacy chain: the first keyed entry, chained to the last plain one. */
function switchEntry(legacyLastSeq: number): AuditInput {
  return {
    institutionCode: 'RHC-SYSTEM',
    userName: 'system',
    action: 'AUDIT_SCHEME',
    purpose: 'audit-integrity',
    subject: `${KEYED_SCHEME} after seq:${legacyLastSeq}`,
    outcome: '0000',
  };
}

/** The storage behind a Kysely instance or the storage itself (callers still hand over `p.db`). */
export function storageFor(db: Kysely<Database> | PlatformDb): PlatformDb {
  return 'adapter' in db ? db : storageOf(db);
}

export class AuditTrail {
  private pending: (AuditInput & { at: string })[] = [];
  private flushing: Promise<void> = Promise.resolve();
  private readonly db: Kysely<Database>;
  private readonly adapter: DialectAdapter;
  private readonly clock: Clock;
  /** The audit key (chain and checkpoint signing): outside the database. */
  readonly key: AuditKey;

  private constructor(p: PlatformDb, clock: Clock, key: AuditKey) {
    this.db = p.db;
    this.adapter = p.adapter;
    this.clock = clock;
    this.key = key;
  }

  /**
   * Over the storage `p` (or the Kysely instance it opened); batches go through its adapter. The audit key is
   * `o.key` or the one of the database's key place (created on first start). A chain that ends in legacy
   * (plain SM3) entries is sealed at once by a keyed AUDIT_SCHEME entry.
   */
  static async open(
    p: PlatformDb | Kysely<Database>,
    clock: Clock,
    o: { key?: AuditKey } = {},
  ): Promise<AuditTrail> {
    const s = storageFor(p);
    const key = o.key ?? (await loadAuditKey(auditKeyPlace(s), { create: true }))!;
    const trail = new AuditTrail(s, clock, key);
    if ((await lastEntry(s.db))?.scheme === 'sm3')
      await s.adapter.writeTransaction(s.db, async (trx) => {
        await s.adapter.lock(trx, 'audit');
        const last = await lastEntry(trx as Trx);
        if (last?.scheme === 'sm3')
          await trail.insertChained(trx as Trx, last.hash, [trail.stamp(switchEntry(last.seq))]);
      });
    return trail;
  }

  private stamp(e: AuditInput): AuditInput & { at: string } {
    return { ...e, at: auditTime(this.clock.now()) };
  }

  append(e: AuditInput): void {
    this.pending.push(this.stamp(e));
  }

  private insertChained(trx: Trx, prev: string, batch: (AuditInput & { at: string })[]): Promise<void> {
    return this.adapter.insertRows(trx, 'audit_log', chain(this.key.chain, prev, batch));
  }

  /** Chains `batch` to the last stored entry under the audit lock, inside `trx`. */
  private async writeChained(trx: Trx, batch: (AuditInput & { at: string })[]): Promise<void> {
    await this.adapter.lock(trx, 'audit');
    await this.insertChained(trx, (await lastEntry(trx))?.hash ?? GENESIS_HASH, batch);
  }

  /**
   * Writes one entry inside the caller's (write) transaction, chained to the last stored entry under the
   * audit lock: the change and its audit entry commit together. Buffered entries flushed later chain after it.
   */
  async writeInTransaction(trx: Trx, e: AuditInput): Promise<void> {
    await this.writeChained(trx, [this.stamp(e)]);
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  /** Writes pending entries in order, one write transaction per batch; calls are serialised. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      while (this.pending.length > 0) {
        const batch = this.pending.slice(0, 500);
        await this.adapter.writeTransaction(this.db, (trx) => this.writeChained(trx as Trx, batch));
        this.pending.splice(0, batch.length);
      }
    });
    return this.flushing;
  }
}
