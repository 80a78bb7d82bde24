// The exchange ledger (table exchange_files, migration 002_exchange): every file imported at the province
// ('in'), written by a city ('out'; status written → acked) and pulled by a city ('down'). It gives file
// identity + digest idempotency, the sequence chain per (region, type), and the city's resume point.
import type { Generated, Kysely, Transaction } from 'kysely';
import { RhcError } from '../errors.ts';
import { fileName } from './format.ts';
import type { ExchangeType } from './layouts.ts';
import type { PlatformDb } from '../storage/db.ts';
import type { Database } from '../storage/schema.ts';

export interface ExchangeFileTable {
  id: Generated<number>;
  direction: 'in' | 'out' | 'down';
  file_name: string;
  type: string;
  region: string;
  biz_date: string;
  file_seq: number;
  mode: string;
  first_seq: number | string;
  last_seq: number | string;
  record_count: number;
  digest: string;
  list_version: string | null;
  peer: string;
  status: string;
  created_at: string;
  updated_at: string;
}

export interface ExchangeDatabase extends Database {
  exchange_files: ExchangeFileTable;
}

export type XDb = Kysely<ExchangeDatabase> | Transaction<ExchangeDatabase>;

export function xdb(db: Kysely<Database>): Kysely<ExchangeDatabase> {
  return db.withTables<{ exchange_files: ExchangeFileTable }>();
}

export async function findFile(db: XDb, direction: 'in' | 'out' | 'down', fileName: string) {
  return db
    .selectFrom('exchange_files')
    .selectAll()
    .where('direction', '=', direction)
    .where('file_name', '=', fileName)
    .executeTakeFirst();
}

/** Highest sequence number covered by applied/acknowledged files of (direction, region, type); 0 if none. */
export async function lastSeq(
  db: XDb,
  direction: 'in' | 'out',
  region: string,
  type: string,
  status?: string,
): Promise<number> {
  let q = db
    .selectFrom('exchange_files')
    .select((eb) => eb.fn.max('last_seq').as('m'))
    .where('direction', '=', direction)
    .where('region', '=', region)
    .where('type', '=', type);
  if (status) q = q.where('status', '=', status);
  const r = await q.executeTakeFirst();
  return Number(r?.m ?? 0);
}

/** Next file sequence (seq3) for (direction, type, region, date). */
export async function nextFileSeq(
  db: XDb,
  direction: 'in' | 'out' | 'down',
  type: string,
  region: string,
  date: string,
): Promise<number> {
  const r = await db
    .selectFrom('exchange_files')
    .select((eb) => eb.fn.max('file_seq').as('m'))
    .where('direction', '=', direction)
    .where('type', '=', type)
    .where('region', '=', region)
    .where('biz_date', '=', date)
    .executeTakeFirst();
  return Number(r?.m ?? 0) + 1;
}

export interface FileRecord {
  direction: 'in' | 'out' | 'down';
  file: string;
  identity: { type: string; region: string; date: string; seq: number };
  header: { mode: string; firstSeq: number; lastSeq: number; recordCount: number };
  digest: string;
  listVersion: string | null;
  peer: string;
  status: string;
  /** ISO instant of the record (created_at = updated_at). */
  at: string;
}

/** Records a file imported ('in'), exported ('out') or pulled ('down'). */
export async function recordFile(db: XDb, f: FileRecord): Promise<void> {
  await db
    .insertInto('exchange_files')
    .values({
      direction: f.direction,
      file_name: f.file,
      type: f.identity.type,
      region: f.identity.region,
      biz_date: f.identity.date,
      file_seq: f.identity.seq,
      mode: f.header.mode,
      first_seq: f.header.firstSeq,
      last_seq: f.header.lastSeq,
      record_count: f.header.recordCount,
      digest: f.digest,
      list_version: f.listVersion,
      peer: f.peer,
      status: f.status,
      created_at: f.at,
      updated_at: f.at,
    })
    .execute();
}

/** The list version of the last down file of `type` this city applied ('' = none). */
export async function pulledVersion(db: XDb, type: 'SHMD' | 'SBMD'): Promise<string> {
  const r = await db
    .selectFrom('exchange_files')
    .select('list_version')
    .where('direction', '=', 'down')
    .where('type', '=', type)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return r?.list_version ?? '';
}

/**
 * The seq3 of a down file: the same content (digest) on the same day keeps its name, other content takes the
 * next number of the day's counter in this ledger (issue 13 §7: deriving it from the list position let a
 * full and a delta file, or lists 999 changes apart, share a name — and a city skips a name it has seen).
 * Recorded at once, under the `exchange` writer lock, so two concurrent exports never take the same number.
 */
export async function downFileSeq(p: PlatformDb, f: FileRecord): Promise<number> {
  const type = f.identity.type;
  return p.adapter.writeTransaction(p.db, async (trx) => {
    await p.adapter.lock(trx, 'exchange');
    const db = xdb(trx as typeof p.db);
    const { region, date } = f.identity;
    const same = await db
      .selectFrom('exchange_files')
      .select('file_seq')
      .where('direction', '=', 'out')
      .where('type', '=', type)
      .where('region', '=', region)
      .where('biz_date', '=', date)
      .where('digest', '=', f.digest)
      .executeTakeFirst();
    if (same) return same.file_seq;
    const seq = await nextFileSeq(db, 'out', type, region, date);
    if (seq > 999)
      throw new RhcError('INTERNAL', {
        detail: `more than 999 distinct ${type} files on ${date}: seq3 exhausted for the day`,
      });
    await recordFile(db, {
      ...f,
      file: fileName({ type: type as ExchangeType, region, date, seq }),
      identity: { ...f.identity, seq },
    });
    return seq;
  });
}
