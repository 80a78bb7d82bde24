// Opens a database from a URL — `sqlite:PATH` (WAL; ':memory:' or empty for in-memory) or
// `postgres://…` (`?schema=NAME` selects and creates a schema) — as one Kysely instance plus the dialect
// adapter that holds every dialect difference. The schema (table types) is the caller's.
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import pg from 'pg';
import type { DialectAdapter, DialectKind } from './adapter.ts';
import { PostgresAdapter } from './postgres-adapter.ts';
import { StorageError } from './errors.ts';
import { SqliteAdapter } from './sqlite-adapter.ts';
import { startCheckpointer } from './sqlite-checkpointer.ts';

export interface Storage<DB> {
  readonly db: Kysely<DB>;
  readonly adapter: DialectAdapter;
  readonly kind: DialectKind;
  /** The raw better-sqlite3 handle behind `db` (SQLite only): diagnostics, tests and benches only — product
   * code goes through `adapter`, which holds every dialect difference. */
  readonly sqlite?: BetterSqlite3.Database;
  /** The raw pg pool behind `db` (PostgreSQL only): likewise diagnostics, tests and benches only. */
  readonly pool?: pg.Pool;
  /** SQLite file path (':memory:' for in-memory databases). */
  readonly sqlitePath?: string;
  /** PostgreSQL schema in use (search_path), when one was selected. */
  readonly schema?: string;
  close(): Promise<void>;
}

export interface StorageOptions {
  /** PostgreSQL schema to use (created if missing); tests use a fresh one per run. */
  schema?: string;
}

/** `postgres://user@host/db` without the password, for messages. */
export function describeDatabaseUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

/**
 * Kysely's SQLite driver prepares every statement on every execution; preparing costs more than running a
 * primary-key select. This wrapper keeps prepared statements by SQL text (Kysely binds values as
 * parameters, so the text is stable per query shape), bounded in size.
 */
function withStatementCache(sqlite: BetterSqlite3.Database, max = 1000): BetterSqlite3.Database {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return new Proxy(sqlite, {
    get(target, prop, receiver) {
      if (prop === 'prepare')
        return (sql: string) => {
          let st = cache.get(sql);
          if (!st) {
            st = target.prepare(sql);
            if (cache.size >= max) cache.delete(cache.keys().next().value!);
            cache.set(sql, st);
          }
          return st;
        };
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

const opened = new WeakMap<object, unknown>();

/** The storage a Kysely instance was opened as (for code handed only the Kysely instance). */
export function storageOf<DB>(db: Kysely<DB>): Storage<DB> {
  const s = opened.get(db);
  if (!s) throw new StorageError('STORAGE_UNKNOWN');
  return s as Storage<DB>;
}

/**
 * The database file holds the token key, app secrets and personal data: created 0600 (SQLite gives its
 * -wal/-shm files the database file's mode) in folders created 0700; an existing file is narrowed to 0600.
 * Existing folders are left as they are (the path may be anywhere, e.g. /tmp).
 */
function privateFile(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  closeSync(openSync(path, 'a', 0o600));
  try {
    if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  } catch {
    // not ours to change (another owner): SQLite opens it as it is
  }
}

function openSqlite<DB>(path: string): Storage<DB> {
  if (path !== ':memory:') privateFile(path);
  const sqlite = new BetterSqlite3(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // read-heavy card lookups over millions of rows: a 64 MB page cache and memory-mapped reads
  sqlite.pragma('cache_size = -65536');
  sqlite.pragma('mmap_size = 268435456');
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  const checkpointer = path === ':memory:' ? undefined : startCheckpointer(path, sqlite);
  return {
    db,
    adapter: new SqliteAdapter(sqlite, path),
    kind: 'sqlite',
    sqlite,
    sqlitePath: path,
    close: async () => {
      await checkpointer?.stop();
      await db.destroy();
    },
  };
}

async function openPostgres<DB>(url: string, opts: StorageOptions): Promise<Storage<DB>> {
  // `?schema=NAME` selects (and creates) a schema, like opts.schema
  const u = new URL(url);
  const schema = opts.schema ?? (u.searchParams.get('schema') || undefined);
  u.searchParams.delete('schema');
  if (schema && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema))
    throw new StorageError('SCHEMA_NAME_INVALID', { detail: `bad schema name ${schema}` });
  const pool = new pg.Pool({
    connectionString: u.toString(),
    max: 10,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  if (schema) await pool.query(`create schema if not exists ${schema}`);
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    adapter: new PostgresAdapter(pool),
    kind: 'postgres',
    pool,
    ...(schema ? { schema } : {}),
    close: () => db.destroy(),
  };
}

export async function openStorage<DB>(url: string, opts: StorageOptions = {}): Promise<Storage<DB>> {
  let s: Storage<DB>;
  if (url.startsWith('sqlite:')) s = openSqlite<DB>(url.slice('sqlite:'.length) || ':memory:');
  else if (url.startsWith('postgres://') || url.startsWith('postgresql://'))
    s = await openPostgres<DB>(url, opts);
  else
    throw new StorageError('DATABASE_URL_UNSUPPORTED', {
      detail: `use sqlite:PATH or postgres://…: ${describeDatabaseUrl(url)}`,
    });
  opened.set(s.db, s);
  return s;
}
