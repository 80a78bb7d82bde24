// List-change writing for imports: the same version scheme as PlatformService (yyyyMMdd.nnnn, server
// date, counted per list and day; platform-interfaces.md §5.3) but allocated once per import and then
// counted in memory, so a 1 M-record file does not run a COUNT per entry. The caller holds the writer
// lock (one transaction; advisory lock 5150001 on PostgreSQL, as the service).
// TODO(platform): move into PlatformService as a public `appendListChanges(trx, rows)`.
import { sql } from 'kysely';
import type { Transaction } from 'kysely';
import { listVersion } from '../domain/format.ts';
import type { Database } from '../storage/schema.ts';
import { insertRows } from './apply.ts';
import type BetterSqlite3 from 'better-sqlite3';

export interface ListRow {
  list_type: 'B' | 'W';
  op: 'A' | 'D';
  card_no: string;
  chip_serial: string;
  status: string;
  reason_code: string | null;
  effective_time: string;
  app_city_code: string;
}

export const WRITE_LOCK_KEY = 5150001;

export async function lockWriters(trx: Transaction<Database>, kind: 'sqlite' | 'postgres'): Promise<void> {
  if (kind === 'postgres') await sql`select pg_advisory_xact_lock(${sql.lit(WRITE_LOCK_KEY)})`.execute(trx);
}

export class ListVersions {
  private readonly next = new Map<string, number>();
  private pending: (ListRow & { version: string })[] = [];
  private readonly trx: Transaction<Database>;
  private readonly sqlite: BetterSqlite3.Database | undefined;
  private readonly date: string;
  readonly heads: Partial<Record<'B' | 'W', string>> = {};
  constructor(trx: Transaction<Database>, date: string, sqlite?: BetterSqlite3.Database) {
    this.trx = trx;
    this.sqlite = sqlite;
    this.date = date;
  }

  async add(row: ListRow): Promise<void> {
    let n = this.next.get(row.list_type);
    if (n === undefined) {
      const r = await this.trx
        .selectFrom('list_changes')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('list_type', '=', row.list_type)
        .where('version', 'like', `${this.date}.%`)
        .executeTakeFirstOrThrow();
      n = Number(r.n);
    }
    n++;
    this.next.set(row.list_type, n);
    const version = listVersion(this.date, n);
    this.heads[row.list_type] = version;
    this.pending.push({ ...row, version });
    if (this.pending.length >= 500) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const rows = this.pending;
    this.pending = [];
    await insertRows(
      { trx: this.trx, ...(this.sqlite ? { sqlite: this.sqlite } : {}) },
      'list_changes',
      rows,
    );
  }
}
