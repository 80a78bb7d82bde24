// Shared set-up of the reliability suites: a temporary database (SQLite file, or a fresh PostgreSQL schema
// when RHC_TEST_POSTGRES_URL is set), loud skips (failures under CI=true).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import pg from 'pg';

export interface TempDb {
  name: 'sqlite' | 'postgres';
  url: string;
  /** Drops the schema / removes the files. */
  drop(): Promise<void>;
}

export function sqliteTemp(tag: string): TempDb {
  const dir = mkdtempSync(join(tmpdir(), `rhc-rel-${tag}-`));
  return {
    name: 'sqlite',
    url: `sqlite:${join(dir, 'platform.db')}`,
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A fresh schema on RHC_TEST_POSTGRES_URL, or undefined when no PostgreSQL is configured. */
export function postgresTemp(tag: string): TempDb | undefined {
  const base = process.env.RHC_TEST_POSTGRES_URL;
  if (!base) return undefined;
  const schema = `rhc_rel_${tag}_${process.pid}_${randomBytes(3).toString('hex')}`;
  return {
    name: 'postgres',
    url: `${base}${base.includes('?') ? '&' : '?'}schema=${schema}`,
    drop: async () => {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`drop schema if exists ${schema} cascade`);
      await c.end();
    },
  };
}

export function skipLoudly(t: TestContext, reason: string): void {
  if (process.env.CI === 'true') throw new Error(`${reason} (CI=true: the service is required)`);
  console.warn(`\n*** ${reason} ***\n`);
  t.skip(reason);
}

export function envNumber(name: string, fallback: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got ${v}`);
  return n;
}
