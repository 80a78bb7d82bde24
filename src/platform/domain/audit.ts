// Hash-chained audit trail: every read of personal data and every change, with institution, user, time
// and purpose. hash = SM3(prev_hash ‖ '|' ‖ the entry's fields). A CHANGE is audited inside its own
// transaction (`writeInTransaction`): committed together or not at all. READS are buffered and written in
// batches (a card verification does not pay for a commit); `flush()` runs on a timer and on shutdown
// (design choice: a crash may lose the last flush interval of read entries, never a change's). The chain is computed AT FLUSH TIME inside
// the writing transaction from the last stored hash, under the database's write lock (SQLite BEGIN
// IMMEDIATE, PostgreSQL advisory lock), so several processes (server, CLI imports) extend one chain.
import type BetterSqlite3 from 'better-sqlite3';
import { PostgresAdapter, sql } from 'kysely';
import type { Kysely, Transaction } from 'kysely';
import type { Clock } from '../../base/runtime.ts';
import type { Database } from '../storage/schema.ts';
import { insertSqliteRows } from '../storage/sqlite-insert.ts';
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

const LAST_HASH = 'select hash from audit_log order by seq desc limit 1';

export class AuditTrail {
  private pending: (AuditInput & { at: string })[] = [];
  private flushing: Promise<void> = Promise.resolve();
  private readonly db: Kysely<Database>;
  private readonly clock: Clock;
  private readonly raw: BetterSqlite3.Database | undefined;

  private constructor(db: Kysely<Database>, clock: Clock, raw: BetterSqlite3.Database | undefined) {
    this.db = db;
    this.clock = clock;
    this.raw = raw;
  }

  /**
   * raw: the SQLite handle behind db — batches are then written with cached prepared statements in one
   * IMMEDIATE transaction while holding Kysely's connection (never inside another request's transaction);
   * PostgreSQL gets one multi-row INSERT per batch under an advisory lock.
   */
  static async open(db: Kysely<Database>, clock: Clock, raw?: BetterSqlite3.Database): Promise<AuditTrail> {
    return new AuditTrail(db, clock, raw);
  }

  append(e: AuditInput): void {
    this.pending.push({ ...e, at: this.clock.now().toISOString() });
  }

  /**
   * Writes one entry inside the caller's (write) transaction, chained to the last stored entry under the
   * audit lock: the change and its audit entry commit together. Buffered entries flushed later chain after it.
   */
  async writeInTransaction(trx: Transaction<Database>, e: AuditInput): Promise<void> {
    if (this.db.getExecutor().adapter instanceof PostgresAdapter)
      await sql`select pg_advisory_xact_lock(5150002)`.execute(trx);
    const last = await sql<{ hash: string }>`${sql.raw(LAST_HASH)}`.execute(trx);
    await trx
      .insertInto('audit_log')
      .values(chain(last.rows[0]?.hash ?? GENESIS_HASH, [{ ...e, at: this.clock.now().toISOString() }]))
      .execute();
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  /** Writes pending entries in order, one transaction per batch; calls are serialised. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      while (this.pending.length > 0) {
        const batch = this.pending.slice(0, 500);
        const raw = this.raw;
        if (raw) {
          await this.db.connection().execute(async () => {
            const last = raw.prepare(LAST_HASH);
            raw
              .transaction(() => {
                const head = (last.get() as { hash: string } | undefined)?.hash ?? GENESIS_HASH;
                insertSqliteRows(raw, 'audit_log', chain(head, batch));
              })
              .immediate();
          });
        } else {
          await this.db.transaction().execute(async (trx) => {
            if (this.db.getExecutor().adapter instanceof PostgresAdapter)
              await sql`select pg_advisory_xact_lock(5150002)`.execute(trx);
            const last = await sql<{ hash: string }>`${sql.raw(LAST_HASH)}`.execute(trx);
            await trx
              .insertInto('audit_log')
              .values(chain(last.rows[0]?.hash ?? GENESIS_HASH, batch))
              .execute();
          });
        }
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
