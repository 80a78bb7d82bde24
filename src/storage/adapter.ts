// What differs between SQLite and PostgreSQL, as methods of one interface (as Kysely's own dialect adapters
// do): callers ask for a writer lock, a bulk insert, a batch key lookup … and never branch on the dialect.
// sqlite-adapter.ts and postgres-adapter.ts are the only places that know which database they talk to.
import type { ColumnDefinitionBuilder, Kysely, Transaction } from 'kysely';

export type DialectKind = 'sqlite' | 'postgres';

/**
 * Named writer locks, each a PostgreSQL transaction-level advisory lock (released at commit or rollback).
 * `cards`: every writer of cards, card holders, the operations log and list changes — list versions stay
 * monotonic; `audit`: the hash chain of the audit log; `exchange`: the per-day file-name counter of the
 * exchange ledger. On SQLite the transaction's own write lock serialises
 * writers (one connection per process, one writer per file).
 */
export const LOCKS = { cards: 5150001, audit: 5150002, exchange: 5150003 } as const;
export type LockName = keyof typeof LOCKS;

/** Any Kysely database or transaction (the adapters are schema-agnostic). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyDb = Kysely<any>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyTransaction = Transaction<any>;

/** A key lookup prepared once: `lookup(key)` returns the matching rows; `close()` frees its resources. */
export type PreparedLookup<T> = ((key: string) => Promise<T[]>) & { close(): void };

/** `column in (values…)` conditions of a batch lookup, all of them ANDed. */
export type InConditions = readonly (readonly [column: string, values: readonly (string | number)[]])[];

/**
 * Keeps the query planner's statistics in step with the rows a long write transaction adds (PostgreSQL);
 * SQLite needs none, so its adapter returns undefined.
 */
export interface PlannerStatistics {
  /** Tables analysed so far (tests, progress output). */
  readonly analyses: number;
  noteInserted(table: string, rows: number): void;
  /** Analyses every tracked table whose added rows outgrew its statistics. */
  refresh(): Promise<void>;
}

/** The auto-increment integer key column of a new table. */
export interface IdColumn {
  readonly type: 'serial' | 'integer';
  build(c: ColumnDefinitionBuilder): ColumnDefinitionBuilder;
}

export interface DialectAdapter {
  /** For messages and diagnostics only — behaviour belongs in the methods below. */
  readonly kind: DialectKind;

  /**
   * A transaction that writes from its start (SQLite: BEGIN IMMEDIATE, so a read-then-write such as the
   * audit chain never fails to upgrade its lock; PostgreSQL: an ordinary transaction).
   */
  writeTransaction<T>(db: AnyDb, work: (trx: AnyTransaction) => Promise<T>): Promise<T>;

  /** Takes the named writer lock for the rest of `trx`. */
  lock(trx: AnyTransaction, name: LockName): Promise<void>;

  /** Inserts rows of one shape (the first row's keys) into `table` inside `trx`, as fast as the dialect allows. */
  insertRows(trx: AnyTransaction, table: string, rows: readonly object[]): Promise<void>;

  /** `select cols from table where c1 in (…) and c2 in (…)` for a batch of keys of any size, inside `trx`. */
  selectIn<T>(trx: AnyTransaction, table: string, cols: readonly string[], where: InConditions): Promise<T[]>;

  /**
   * A hot single-key read kept off the query builder: `text(placeholder)` is the SQL with the dialect's
   * parameter placeholder; it reads committed data only.
   */
  preparedLookup<T>(name: string, text: (placeholder: string) => string): PreparedLookup<T>;

  /**
   * For a transaction that grows `tables` and also looks them up by key: planner statistics kept in step
   * (and sequential scans ruled out); undefined where the planner needs no help.
   */
  plannerStatistics(trx: AnyTransaction, tables: readonly string[]): Promise<PlannerStatistics | undefined>;

  /** After a bulk load with explicit ids: moves the id sequences past the highest id of `tables`. */
  resetSequences(db: AnyDb, tables: readonly string[]): Promise<void>;

  /** After a bulk load: fresh statistics (and the vacuum the load would otherwise trigger later). */
  vacuumAnalyse(db: AnyDb, tables: readonly string[]): Promise<void>;

  /** The auto-increment `id` column of a migration's new table. */
  idColumn(): IdColumn;
}
