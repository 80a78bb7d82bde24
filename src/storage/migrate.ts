// The migration runner: Kysely's Migrator over a list of named migrations (applied in name order, recorded
// in the table `kysely_migration`), built per dialect through the adapter (e.g. its id column type).
import { Migrator, sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';
import type { AnyDb, DialectAdapter } from './adapter.ts';

/** Named migrations; a new one gets the next number, an applied one is never edited. */
export type Migrations = (adapter: DialectAdapter) => Record<string, Migration>;

/** Applies the migrations not yet applied; returns the names it applied. */
export async function migrateToLatest(
  s: { db: AnyDb; adapter: DialectAdapter; schema?: string },
  migrations: Migrations,
): Promise<string[]> {
  // with a schema, the migration tables live in it too: Kysely's existence check looks across schemas and
  // would otherwise find another schema's kysely_migration table
  const migrator = new Migrator({
    db: s.db,
    provider: { getMigrations: async () => migrations(s.adapter) },
    ...(s.schema ? { migrationTableSchema: s.schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** The names of the migrations applied so far (tests, diagnostics). */
export async function appliedMigrations(db: Kysely<unknown>): Promise<string[]> {
  const r = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
  return r.rows.map((x) => x.name);
}
