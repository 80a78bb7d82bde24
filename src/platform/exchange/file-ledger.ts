// The exchange ledger (table exchange_files, migration 002_exchange): every file imported at the province
// ('in'), written by a city ('out'; status written → acked) and pulled by a city ('down'). It gives file
// identity + digest idempotency, the sequence chain per (region, type), and the city's resume point.
import type { Generated, Kysely, Transaction } from 'kysely';
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
