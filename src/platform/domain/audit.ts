// Hash-chained audit trail: every read of personal data and every change, with institution, user, time
// and purpose. hash = SM3(prev_hash ‖ '|' ‖ the entry's fields). A CHANGE is audited inside its own
// transaction (`writeInTransaction`): committed together or not at all. READS are buffered and written in
// batches (a card verification does not pay for a commit); `flush()` runs on a timer and on shutdown
// (design choice: a crash may lose the last flush interval of read entries, never a change's). The chain is
// computed AT FLUSH TIME inside the writing transaction from the last stored hash, under the storage's
// `audit` writer lock (src/storage adapter), so several processes (server, CLI imports) extend one chain.
import type { Kysely, Transaction } from 'kysely';
import type { Clock } from '../../base/runtime.ts';
import { storageOf } from '../../storage/index.ts';
import type { DialectAdapter } from '../../storage/index.ts';
import type { PlatformDb } from '../storage/db.ts';
import type { Database } from '../storage/schema.ts';
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

export function auditHash(prevHash: string, e: Omit<AuditRow, 'prevHash' | 'hash'>): string {
  return sm3Hex(
    [prevHash, e.at, e.institutionCode, e.userName, e.action, e.purpose, e.subject, e.outcome].join('|'),
  );
}

function chain(prev: string, batch: (AuditInput & { at: string })[]) {
  return batch.map((e) => {
    const hash = auditHash(prev, e);
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
    };
    prev = hash;
    return row;
  });
}

type Trx = Transaction<Database>;

async function lastHash(trx: Trx): Promise<string> {
  const last = await trx
    .selectFrom('audit_log')
    .select('hash')
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return last?.hash ?? GENESIS_HASH;
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

  private constructor(p: PlatformDb, clock: Clock) {
    this.db = p.db;
    this.adapter = p.adapter;
    this.clock = clock;
  }

  /** Over the storage `p` (or the Kysely instance it opened); batches go through its adapter. */
  static async open(p: PlatformDb | Kysely<Database>, clock: Clock, _unused?: unknown): Promise<AuditTrail> {
    return new AuditTrail(storageFor(p), clock);
  }

  append(e: AuditInput): void {
    this.pending.push({ ...e, at: this.clock.now().toISOString() });
  }

  /** Chains `batch` to the last stored entry under the audit lock, inside `trx`. */
  private async writeChained(trx: Trx, batch: (AuditInput & { at: string })[]): Promise<void> {
    await this.adapter.lock(trx, 'audit');
    await this.adapter.insertRows(trx, 'audit_log', chain(await lastHash(trx), batch));
  }

  /**
   * Writes one entry inside the caller's (write) transaction, chained to the last stored entry under the
   * audit lock: the change and its audit entry commit together. Buffered entries flushed later chain after it.
   */
  async writeInTransaction(trx: Trx, e: AuditInput): Promise<void> {
    await this.writeChained(trx, [{ ...e, at: this.clock.now().toISOString() }]);
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

export interface AuditVerifyResult {
  ok: boolean;
  entries: number;
  /** First broken entry: its seq and what is wrong. */
  brokenAt?: { seq: number; problem: string };
}

/** Recomputes the chain from the first entry; detects edited, deleted or reordered entries. */
export async function verifyAuditChain(db: Kysely<Database>): Promise<AuditVerifyResult> {
  let prev = GENESIS_HASH;
  let n = 0;
  let after = 0;
  for (;;) {
    const rows = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', '>', after)
      .orderBy('seq')
      .limit(5000)
      .execute();
    if (rows.length === 0) break;
    for (const r of rows) {
      if (r.prev_hash !== prev)
        return {
          ok: false,
          entries: n,
          brokenAt: { seq: r.seq, problem: 'prev_hash does not link to the previous entry' },
        };
      const expect = auditHash(prev, {
        at: r.at,
        institutionCode: r.institution_code,
        userName: r.user_name,
        action: r.action,
        purpose: r.purpose,
        subject: r.subject,
        outcome: r.outcome,
      });
      if (expect !== r.hash)
        return {
          ok: false,
          entries: n,
          brokenAt: { seq: r.seq, problem: 'entry content does not match its hash' },
        };
      prev = r.hash;
      n++;
      after = r.seq;
    }
  }
  return { ok: true, entries: n };
}
