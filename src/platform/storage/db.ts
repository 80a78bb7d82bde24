// Opens the platform database from a URL — `sqlite:PATH` (default `sqlite:./data/rhc.db`, WAL) or
// `postgres://…` — through the same Kysely code, and applies the migrations.
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { dirname } from 'node:path';
import pg from 'pg';
import { migrationProvider } from './migrations.ts';
import type { Database } from './schema.ts';

export type DialectKind = 'sqlite' | 'postgres';

export const DEFAULT_DATABASE_URL = 'sqlite:./data/rhc.db';

export interface PlatformDb {
  readonly db: Kysely<Database>;
  readonly kind: DialectKind;
  /** The raw better-sqlite3 handle (bulk loads), when kind = sqlite. */
  readonly sqlite?: BetterSqlite3.Database;
  /** The raw pg pool (bulk loads), when kind = postgres. */
  readonly pool?: pg.Pool;
  /** SQLite file path (':memory:' for in-memory databases). */
  readonly sqlitePath?: string;
  /** PostgreSQL schema in use (search_path), when one was selected. */
  readonly schema?: string;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** PostgreSQL schema to use (created if missing); tests use a fresh one per run. */
  schema?: string;
  migrate?: boolean;
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

// Checkpoints copy WAL pages into the database file. Done by the connection that commits (SQLite's
// default), a checkpoint of a large database blocks the event loop for hundreds of ms and shows up as
// p99 latency. A worker thread with its own connection runs PASSIVE checkpoints instead (they never block
// writers or readers); the main connection keeps a far-off automatic checkpoint as a fallback.
const CHECKPOINTER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 50');
const timer = setInterval(() => { try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {} }, workerData.intervalMs);
parentPort.on('message', () => { clearInterval(timer); db.close(); process.exit(0); });
`;

function startCheckpointer(path: string, main: BetterSqlite3.Database, intervalMs = 1000) {
  main.pragma('wal_autocheckpoint = 50000');
  const module = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(CHECKPOINTER, { eval: true, workerData: { path, module, intervalMs } });
  worker.unref();
  worker.on('error', (err) =>
    console.error('rhc: WAL checkpointer failed; automatic checkpoints continue', err),
  );
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        worker.ref(); // keep the loop alive until the worker has closed its connection
        worker.once('exit', () => resolve());
        worker.postMessage('stop');
      }),
  };
}

export function resolveDatabaseUrl(flag?: string): string {
  return flag ?? process.env.RHC_DATABASE_URL ?? DEFAULT_DATABASE_URL;
}

/** `postgres://user@host/db` without the password, for messages. */
export function describeDatabaseUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

export async function openDatabase(url: string, opts: OpenOptions = {}): Promise<PlatformDb> {
  let out: PlatformDb;
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length) || ':memory:';
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const sqlite = new BetterSqlite3(path);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    // read-heavy card lookups over millions of rows: a 64 MB page cache and memory-mapped reads
    sqlite.pragma('cache_size = -65536');
    sqlite.pragma('mmap_size = 268435456');
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
    const checkpointer = path === ':memory:' ? undefined : startCheckpointer(path, sqlite);
    out = {
      db,
      kind: 'sqlite',
      sqlite,
      sqlitePath: path,
      close: async () => {
        await checkpointer?.stop();
        await db.destroy();
      },
    };
  } else if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    // `?schema=NAME` selects (and creates) a schema, like opts.schema
    const u = new URL(url);
    const schema = opts.schema ?? (u.searchParams.get('schema') || undefined);
    u.searchParams.delete('schema');
    url = u.toString();
    if (schema && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`bad schema name ${schema}`);
    const pool = new pg.Pool({
      connectionString: url,
      max: 10,
      ...(schema ? { options: `-c search_path=${schema}` } : {}),
    });
    if (schema) await pool.query(`create schema if not exists ${schema}`);
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    out = { db, kind: 'postgres', pool, ...(schema ? { schema } : {}), close: () => db.destroy() };
  } else {
    throw new Error(
      `unsupported database URL (use sqlite:PATH or postgres://…): ${describeDatabaseUrl(url)}`,
    );
  }
  if (opts.migrate !== false) await migrate(out);
  return out;
}

export async function migrate(p: PlatformDb): Promise<string[]> {
  // with a schema, the migration tables live in it too: Kysely's existence check looks across schemas and
  // would otherwise find another schema's kysely_migration table
  const migrator = new Migrator({
    db: p.db,
    provider: migrationProvider(p.kind),
    ...(p.schema ? { migrationTableSchema: p.schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
