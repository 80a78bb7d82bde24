// Planner statistics for long write transactions on PostgreSQL.
//
// PostgreSQL plans a lookup from the table's statistics. A table no ANALYZE has seen yet, or rows the
// running transaction inserted, look tiny to it: an import's 1 000-key lookup on residents (id_type, id_no)
// was planned as "every row with id_type 01, then filter", once per batch — quadratic over a 1 M-record
// file. So a transaction that grows a table it also looks up analyses it when the statistics are missing
// or stale at the start, and again whenever the rows it added exceed what the statistics know (doubling,
// so a file of N rows pays for about log2(N / MIN_ROWS) analyses). ANALYZE may run inside a transaction and
// counts the transaction's own rows; it samples a fixed number of rows, so each costs about the same.
import { sql } from 'kysely';
import type { AnyTransaction, PlannerStatistics } from './adapter.ts';
import { StorageError } from './errors.ts';

/** Below this many added rows a stale plan costs less than an ANALYZE. */
const MIN_ROWS = 20_000;

interface Known {
  /** Rows the planner's statistics describe (pg_class.reltuples after the last ANALYZE). */
  analysed: number;
  /** Rows this transaction added since then. */
  added: number;
}

export class PostgresPlannerStatistics implements PlannerStatistics {
  analyses = 0;

  private constructor(
    private readonly trx: AnyTransaction,
    private readonly known: Map<string, Known>,
  ) {}

  /**
   * For `tables` in the transaction's schema: analyses those never analysed or changed by more than a fifth
   * since.
   */
  static async open(trx: AnyTransaction, tables: readonly string[]): Promise<PostgresPlannerStatistics> {
    const stats = new PostgresPlannerStatistics(trx, new Map());
    for (const table of tables) {
      const row = (
        await sql<{ reltuples: number; modified: number | null }>`
          select c.reltuples::float8 as reltuples, s.n_mod_since_analyze::float8 as modified
          from pg_class c left join pg_stat_user_tables s on s.relid = c.oid
          where c.oid = to_regclass(${table})`.execute(trx)
      ).rows[0];
      if (!row) throw new StorageError('COLUMN_UNKNOWN', { detail: `planner statistics: no table ${table}` });
      const stale = row.reltuples < 0 || (row.modified ?? 0) > Math.max(1000, row.reltuples / 5);
      stats.known.set(table, { analysed: Math.max(row.reltuples, 0), added: 0 });
      if (stale) await stats.analyse(table);
    }
    return stats;
  }

  noteInserted(table: string, rows: number): void {
    const k = this.known.get(table);
    if (k) k.added += rows;
  }

  async refresh(): Promise<void> {
    for (const [table, k] of this.known)
      if (k.added >= Math.max(MIN_ROWS, k.analysed)) await this.analyse(table);
  }

  private async analyse(table: string): Promise<void> {
    await sql`analyze ${sql.table(table)}`.execute(this.trx);
    const r = (
      await sql<{ reltuples: number }>`
        select reltuples::float8 as reltuples from pg_class where oid = to_regclass(${table})`.execute(
        this.trx,
      )
    ).rows[0];
    this.known.set(table, { analysed: Math.max(r?.reltuples ?? 0, 0), added: 0 });
    this.analyses++;
  }
}
