// The platform's database: a storage (src/storage: URL → Kysely + dialect adapter) over the platform's
// tables (schema.ts), migrated to the latest version (migrations.ts) when opened.
import { describeDatabaseUrl, migrateToLatest, openStorage } from '../../storage/index.ts';
import type { Storage } from '../../storage/index.ts';
import { platformMigrations } from './migrations.ts';
import type { Database } from './schema.ts';

export { describeDatabaseUrl };
export type { DialectKind } from '../../storage/index.ts';

export const DEFAULT_DATABASE_URL = 'sqlite:./data/rhc.db';

export type PlatformDb = Storage<Database>;

export interface OpenOptions {
  /** PostgreSQL schema to use (created if missing); tests use a fresh one per run. */
  schema?: string;
  migrate?: boolean;
}

export function resolveDatabaseUrl(flag?: string): string {
  return flag ?? process.env.RHC_DATABASE_URL ?? DEFAULT_DATABASE_URL;
}

/** `sqlite:PATH` (default `sqlite:./data/rhc.db`, created on first use) or `postgres://…`, migrated. */
export async function openDatabase(url: string, opts: OpenOptions = {}): Promise<PlatformDb> {
  const p = await openStorage<Database>(url, opts.schema ? { schema: opts.schema } : {});
  if (opts.migrate !== false) await migrate(p);
  return p;
}

export function migrate(p: PlatformDb): Promise<string[]> {
  return migrateToLatest(p, platformMigrations);
}
