// Records an export cannot write (table exchange_held, migration 009_exchange_held). A record that breaks
// the file's layout or the text rule (data stored before the rule, or by hand) would make the receiver
// refuse the whole file every round and block unrelated cards; it is held back instead, reported beside
// the file (`.held`) and listed by `rhc exchange held`. A held record goes out again once it is valid: the
// fix (RHC_C0009, RHC_C0010 …) logs an operation, so the record is in the next delta, and a full file
// re-checks every hold.
import { writeFile } from 'node:fs/promises';
import type { Generated, Kysely, Transaction } from 'kysely';
import { maskIdNumber } from '../../codes/index.ts';
import type { Database } from '../storage/schema.ts';
import { describeIssue } from './issues.ts';
import type { Issue } from './issues.ts';
import type { ExchangeType } from './layouts.ts';

export interface ExchangeHeldTable {
  id: Generated<number>;
  type: string;
  region: string;
  /** The source row's key: cards.id (KXX, BMD), residents.id (JMXX), list_changes.seq, card_operations.id. */
  record_key: number | string;
  reason: string;
  code: string;
  field: string | null;
  detail: string | null;
  /** Masked card / ID number, so an operator can find the record without the report holding it. */
  hint: string | null;
  /** The file the record was first held from. */
  file_name: string;
  held_at: string;
  released_at: string | null;
}

type HDb = Kysely<Database & { exchange_held: ExchangeHeldTable }>;
type AnyDb = Kysely<Database> | Transaction<Database>;

const hdb = (db: AnyDb) => (db as Kysely<Database>).withTables<{ exchange_held: ExchangeHeldTable }>() as HDb;

/** A record the export holds back, with why. */
export interface HeldRecord {
  key: number;
  issue: Issue;
  hint?: string;
}

/** Keys of the records of (type, region) held and not yet released. */
export async function heldKeys(db: AnyDb, type: ExchangeType, region: string): Promise<Set<number>> {
  const rows = await hdb(db)
    .selectFrom('exchange_held')
    .select('record_key')
    .where('type', '=', type)
    .where('region', '=', region)
    .where('released_at', 'is', null)
    .execute();
  return new Set(rows.map((r) => Number(r.record_key)));
}

/** Records the holds of one export (a record already held keeps its first entry). */
export async function hold(
  db: AnyDb,
  o: { type: ExchangeType; region: string; file: string; at: Date },
  records: Iterable<HeldRecord>,
): Promise<void> {
  const known = await heldKeys(db, o.type, o.region);
  for (const r of records) {
    if (known.has(r.key)) continue;
    await hdb(db)
      .insertInto('exchange_held')
      .values({
        type: o.type,
        region: o.region,
        record_key: r.key,
        reason: r.issue.reason,
        code: r.issue.code,
        field: r.issue.field ?? null,
        detail: r.issue.detail ?? null,
        hint: r.hint ?? null,
        file_name: o.file,
        held_at: o.at.toISOString(),
        released_at: null,
      })
      .execute();
  }
}

/** Releases the holds of records that are valid again (they go out with this export). */
export async function release(
  db: AnyDb,
  o: { type: ExchangeType; region: string; at: Date },
  keys: readonly number[],
): Promise<void> {
  for (let i = 0; i < keys.length; i += 500)
    await hdb(db)
      .updateTable('exchange_held')
      .set({ released_at: o.at.toISOString() })
      .where('type', '=', o.type)
      .where('region', '=', o.region)
      .where('released_at', 'is', null)
      .where('record_key', 'in', keys.slice(i, i + 500))
      .execute();
}

/** The records held now (all types), oldest first — `rhc exchange held`. */
export async function listHeld(db: AnyDb, o: { type?: ExchangeType; all?: boolean } = {}) {
  let q = hdb(db).selectFrom('exchange_held').selectAll().orderBy('id');
  if (o.type) q = q.where('type', '=', o.type);
  if (!o.all) q = q.where('released_at', 'is', null);
  return q.execute();
}

/** The masked card or ID number of a record, if it has one (never the number itself). */
export function holdHint(rec: Record<string, string>): string | undefined {
  const n = rec.cardNo || rec.idNo;
  return n ? maskIdNumber(n) : undefined;
}

/** `{file}.held` beside the export: one line per record held back from it (no personal data). */
export async function writeHeldReport(
  path: string,
  file: string,
  held: readonly HeldRecord[],
): Promise<void> {
  const lines = held.map(
    (h) => `记录 / record ${h.key}${h.hint ? ` (${h.hint})` : ''}: ${describeIssue(h.issue)}`,
  );
  const head = `${file}: ${held.length} 条记录未导出 / records held back (rhc exchange held)`;
  await writeFile(path, [head, ...lines].join('\n') + '\n', { mode: 0o600 });
}
