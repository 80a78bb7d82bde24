// PostgreSQL behaviour behind the DialectAdapter interface: advisory transaction locks, bulk inserts as one
// `INSERT … SELECT FROM unnest(…)` per call, named prepared statements for hot reads, planner statistics.
import { sql } from 'kysely';
import type pg from 'pg';
import { LOCKS } from './adapter.ts';
import { StorageError } from './errors.ts';
import type {
  AnyDb,
  AnyTransaction,
  DialectAdapter,
  IdColumn,
  InConditions,
  LockName,
  PreparedLookup,
} from './adapter.ts';
import { PostgresPlannerStatistics } from './planner-stats.ts';

export class PostgresAdapter implements DialectAdapter {
  readonly kind = 'postgres' as const;
  /** Column → type name per table (every schema a pool serves has the same migrations). */
  private readonly columnTypes = new Map<string, Map<string, string>>();

  constructor(readonly pool: pg.Pool) {}

  async writeTransaction<T>(db: AnyDb, work: (trx: AnyTransaction) => Promise<T>): Promise<T> {
    return db.transaction().execute(work);
  }

  /** A transaction-level advisory lock: released by the commit or rollback. */
  async lock(trx: AnyTransaction, name: LockName): Promise<void> {
    await sql`select pg_advisory_xact_lock(${sql.lit(LOCKS[name])})`.execute(trx);
  }

  /**
   * One statement per call with one array parameter per column: a multi-row VALUES list has one parameter
   * per cell, and PostgreSQL parses and plans thousands of them per statement.
   */
  async insertRows(trx: AnyTransaction, table: string, rows: readonly object[]): Promise<void> {
    if (rows.length === 0) return;
    const cols = Object.keys(rows[0]!);
    const types = await this.typesOf(trx, table);
    const arrays = cols.map((c) => {
      const t = types.get(c);
      if (!t) throw new StorageError('COLUMN_UNKNOWN', { detail: `insertRows: no column ${table}.${c}` });
      return sql`${rows.map((r) => (r as Record<string, unknown>)[c] ?? null)}::${sql.raw(t)}[]`;
    });
    await sql`insert into ${sql.table(table)} (${sql.join(cols.map((c) => sql.ref(c)))})
      select * from unnest(${sql.join(arrays)})`.execute(trx);
  }

  private async typesOf(trx: AnyTransaction, table: string): Promise<Map<string, string>> {
    let m = this.columnTypes.get(table);
    if (!m) {
      const { rows } = await sql<{ column_name: string; udt_name: string }>`
        select column_name, udt_name from information_schema.columns
        where table_schema = current_schema() and table_name = ${table}`.execute(trx);
      m = new Map(rows.map((r) => [r.column_name, r.udt_name]));
      if (m.size) this.columnTypes.set(table, m);
    }
    return m;
  }

  async selectIn<T>(
    trx: AnyTransaction,
    table: string,
    cols: readonly string[],
    where: InConditions,
  ): Promise<T[]> {
    if (where.some(([, vs]) => vs.length === 0)) return [];
    let q = trx.selectFrom(table).select(cols as never[]) as unknown as {
      where(c: string, op: 'in', v: readonly unknown[]): typeof q;
      execute(): Promise<T[]>;
    };
    for (const [c, vs] of where) q = q.where(c, 'in', vs);
    return q.execute();
  }

  /** A named prepared statement on the pool (each connection prepares it once). */
  preparedLookup<T>(name: string, text: (placeholder: string) => string): PreparedLookup<T> {
    const sqlText = text('$1');
    const f = (async (key: string) =>
      (await this.pool.query({ name, text: sqlText, values: [key] })).rows as T[]) as PreparedLookup<T>;
    f.close = () => {};
    return f;
  }

  /**
   * Statistics kept in step with the transaction's own rows (planner-stats.ts); every lookup of such a
   * transaction is a key lookup, so sequential scans are also ruled out between two analyses.
   */
  async plannerStatistics(
    trx: AnyTransaction,
    tables: readonly string[],
  ): Promise<PostgresPlannerStatistics> {
    await sql`set local enable_seqscan = off`.execute(trx);
    return PostgresPlannerStatistics.open(trx, tables);
  }

  async resetSequences(db: AnyDb, tables: readonly string[]): Promise<void> {
    for (const t of tables)
      await sql`select setval(pg_get_serial_sequence(${t}, 'id'), (select coalesce(max(id), 1) from ${sql.table(t)}))`.execute(
        db,
      );
  }

  /**
   * Without fresh statistics a grown table can get a generic plan that scans instead of using an index
   * (seen at 1 M cards: 20 ms per lookup until autovacuum analysed the table). VACUUM too: otherwise
   * autovacuum's insert-triggered pass over the new rows runs later, in the middle of whatever comes next.
   */
  async vacuumAnalyse(db: AnyDb, tables: readonly string[]): Promise<void> {
    await sql`vacuum (analyze) ${sql.join(tables.map((t) => sql.table(t)))}`.execute(db);
  }

  idColumn(): IdColumn {
    return { type: 'serial', build: (c) => c.primaryKey() };
  }
}
