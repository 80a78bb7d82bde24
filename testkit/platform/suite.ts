// The one preamble of the platform tests. describeOnTargets repeats a describe block on every database target
// (SQLite always, PostgreSQL with RHC_TEST_POSTGRES_URL); an unavailable target skips loudly and fails under
// CI=true. usePlatform opens the five-institution fixture (and a server over it) before the block's tests
// and closes them after, server first; it returns live views, readable inside hooks and tests.
// itOnDatabases is the same loop for suites that run the platform in another process (a database URL each).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it, test } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildServer } from '../../src/platform/api/server.ts';
import type { ServerOptions } from '../../src/platform/api/server.ts';
import { dialectCases, schemaUrl, skipLoudly } from '../dialects.ts';
import { dbTargets, fixture } from './fixtures.ts';
import type { DbTarget, Fixture } from './fixtures.ts';

/** `describe(`${name} on ${target}`)` for every target; `body` registers the block's hooks and tests. */
export function describeOnTargets(name: string, body: (target: DbTarget) => void): void {
  for (const target of dbTargets()) {
    describe(`${name} on ${target.name}`, () => {
      if (!target.open) {
        test(`every test of "${name}"`, (t) => skipLoudly(t, target.skip!));
        return;
      }
      body(target);
    });
  }
}

/** The SQLite target, for suites that do not depend on the database. */
export function sqliteTarget(): DbTarget {
  return dbTargets()[0]!;
}

export interface PlatformServer {
  readonly app: FastifyInstance;
  /** POST `/api/v1{path}` in process (inject), with the bearer token when given. */
  post(path: string, body: unknown, token?: string): Promise<LightMyRequestResponse>;
  /** http://127.0.0.1:<port> (only with `listen`). */
  readonly base: string;
}

export interface PlatformOptions {
  /** Builds a server over the service (the fixture's clock is added). */
  server?: Omit<ServerOptions, 'clock'>;
  /** Listens on a free loopback port (needs `server`). */
  listen?: boolean;
}

/**
 * Opens the fixture (and server) in a `before` hook, closes them in an `after` hook of the current block.
 * Inside a describe block later `before` hooks see them; at file level Node 20 starts root hooks without
 * awaiting each other, so read the views only in tests there.
 */
export function usePlatform(
  target: DbTarget,
  o: PlatformOptions = {},
): { f: Fixture; server: PlatformServer } {
  let opened: Fixture | undefined;
  let app: FastifyInstance | undefined;
  let base: string | undefined;
  before(async () => {
    opened = await fixture(target);
    if (!o.server) return;
    app = await buildServer(opened.svc, { ...o.server, clock: opened.clock });
    if (!o.listen) return;
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  });
  after(async () => {
    if (app) await app.close();
    if (opened) await opened.drop();
  });
  const need = <T>(v: T | undefined, what: string): T => {
    if (v === undefined) throw new Error(`usePlatform: no ${what} (read it inside a hook or test)`);
    return v;
  };
  const f: Fixture = {
    get p() {
      return need(opened, 'fixture').p;
    },
    get svc() {
      return need(opened, 'fixture').svc;
    },
    get clock() {
      return need(opened, 'fixture').clock;
    },
    get creds() {
      return need(opened, 'fixture').creds;
    },
    drop: () => need(opened, 'fixture').drop(),
  };
  const server: PlatformServer = {
    get app() {
      return need(app, 'server (pass `server`)');
    },
    post(path, body, token) {
      return need(app, 'server (pass `server`)').inject({
        method: 'POST',
        url: `/api/v1${path}`,
        payload: body as object,
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
    },
    get base() {
      return need(base, 'address (pass `listen: true`)');
    },
  };
  return { f, server };
}

export interface TempDatabase {
  name: 'sqlite' | 'postgres';
  /** sqlite:<dir>/platform.db, or the PostgreSQL URL with `schema=` of a fresh schema. */
  url: string;
  /** A scratch directory of this test (removed with the database). */
  dir: string;
}

/** One `it` per dialect, `${title} on ${dialect}`, given a fresh database URL and scratch directory. */
export function itOnDatabases(
  title: string,
  options: { timeout?: number },
  run: (db: TempDatabase) => Promise<void>,
): void {
  for (const d of dialectCases()) {
    it(`${title} on ${d.name}`, options, async (t) => {
      if (!d.fresh) return skipLoudly(t, d.skip!);
      const fresh = await d.fresh();
      const dir = mkdtempSync(join(tmpdir(), `rhc-${d.name}-`));
      const url = fresh.schema ? schemaUrl(fresh.url, fresh.schema) : `sqlite:${join(dir, 'platform.db')}`;
      try {
        await run({ name: d.name, url, dir });
      } finally {
        await fresh.drop();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
}
