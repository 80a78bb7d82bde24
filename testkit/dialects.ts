// Every database test over every dialect (as Kysely's test/node/src/test-setup.ts does): SQLite always,
// PostgreSQL when RHC_TEST_POSTGRES_URL is set — each test on a fresh in-memory database or a fresh schema.
// Without PostgreSQL its cases skip loudly; under CI (CI=true) a missing PostgreSQL fails instead.
import { randomBytes } from 'node:crypto';
import type { TestContext } from 'node:test';
import pg from 'pg';

export interface TestDatabase {
  /** Database URL to open (sqlite::memory:, or the PostgreSQL URL). */
  url: string;
  /** PostgreSQL schema of this test (pass it to the open function). */
  schema?: string;
  /** Removes what the test created (the caller closes its own connections first). */
  drop(): Promise<void>;
}

export interface DialectCase {
  name: 'sqlite' | 'postgres';
  /** A fresh database; undefined → skip with `skip` as the reason. */
  fresh?: () => Promise<TestDatabase>;
  skip?: string;
}

/** `url` opened on `schema` (the `schema=` parameter openDatabase reads), for processes given one URL. */
export function schemaUrl(url: string, schema: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}schema=${schema}`;
}

/** Drops a PostgreSQL schema and all it holds (clean-up of tests and benches). */
export async function dropSchema(url: string, schema: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`drop schema if exists ${schema} cascade`);
  } finally {
    await c.end();
  }
}

export function dialectCases(): DialectCase[] {
  const url = process.env.RHC_TEST_POSTGRES_URL;
  return [
    { name: 'sqlite', fresh: async () => ({ url: 'sqlite::memory:', drop: async () => {} }) },
    url
      ? {
          name: 'postgres',
          fresh: async () => {
            const schema = `rhc_t_${process.pid}_${randomBytes(4).toString('hex')}`;
            return { url, schema, drop: () => dropSchema(url, schema) };
          },
        }
      : { name: 'postgres', skip: 'RHC_TEST_POSTGRES_URL not set — PostgreSQL tests SKIPPED' },
  ];
}

/** Skips loudly (a banner in the log and a skip); under CI a missing database or service fails instead. */
export function skipLoudly(t: TestContext, reason: string): void {
  if (process.env.CI === 'true') throw new Error(`${reason} (CI=true: it is required)`);
  console.warn(`\n*** ${reason} ***\n`);
  t.skip(reason);
}

/** Skips a dialect's test loudly (see skipLoudly). */
export function skipDialect(t: TestContext, d: DialectCase): void {
  skipLoudly(t, d.skip ?? `${d.name} unavailable`);
}
