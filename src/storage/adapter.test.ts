// The dialect adapters, each behaviour checked on every dialect (testkit/dialects.ts): migrations, bulk
// insert + batch lookup, sequences after explicit ids, the named writer locks, prepared lookups, planner
// statistics. The same assertions hold on SQLite and PostgreSQL — that is the point of the adapter.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Generated, Migration } from 'kysely';
import { dialectCases, skipDialect } from '../../testkit/dialects.ts';
import type { TestDatabase } from '../../testkit/dialects.ts';
import { LOCKS, StorageError, appliedMigrations, migrateToLatest, openStorage, storageOf } from './index.ts';
import type { Migrations, Storage } from './index.ts';

interface Db {
  things: { id: Generated<number>; name: string; n: number };
}

const migrations: Migrations = (a) => ({
  '001_things': {
    async up(db) {
      const id = a.idColumn();
      await db.schema
        .createTable('things')
        .addColumn('id', id.type, id.build)
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('n', 'integer', (c) => c.notNull())
        .execute();
    },
  } satisfies Migration,
});

const things = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => ({ id: from + i, name: `t${from + i}`, n: (from + i) % 7 }));

for (const d of dialectCases()) {
  describe(`storage adapter (${d.name})`, () => {
    let s: Storage<Db>;
    let fresh: TestDatabase;
    before(async () => {
      if (!d.fresh) return;
      fresh = await d.fresh();
      s = await openStorage<Db>(fresh.url, fresh.schema ? { schema: fresh.schema } : {});
      await migrateToLatest(s, migrations);
    });
    after(async () => {
      if (!d.fresh) return;
      await s.close();
      await fresh.drop();
    });

    it('runs each migration once and records it', async (t) => {
      if (!d.fresh) return skipDialect(t, d);
      assert.equal(s.adapter.kind, d.name);
      assert.deepEqual(await appliedMigrations(s.db as never), ['001_things']);
      assert.deepEqual(await migrateToLatest(s, migrations), [], 'nothing left to apply');
    });

    it('bulk-inserts rows and finds them by batches of keys; ids continue after explicit ones', async (t) => {
      if (!d.fresh) return skipDialect(t, d);
      await s.db.transaction().execute((trx) => s.adapter.insertRows(trx, 'things', things(1, 3000)));
      await s.adapter.resetSequences(s.db, ['things']);
      const next = await s.db
        .insertInto('things')
        .values({ name: 'next', n: 0 })
        .returning('id')
        .executeTakeFirstOrThrow();
      assert.equal(next.id, 3001);
      await s.db.transaction().execute(async (trx) => {
        const names = things(1, 3000).map((x) => x.name);
        const found = await s.adapter.selectIn<{ id: number; n: number }>(
          trx,
          'things',
          ['id', 'n'],
          [
            ['name', names],
            ['n', [0, 1]],
          ],
        );
        assert.equal(found.length, things(1, 3000).filter((x) => x.n <= 1).length);
        assert.deepEqual(await s.adapter.selectIn(trx, 'things', ['id'], [['name', []]]), []);
      });
      await s.adapter.vacuumAnalyse(s.db, ['things']);
    });

    it('a named writer lock serialises two writers until the first commits', async (t) => {
      if (!d.fresh) return skipDialect(t, d);
      assert.deepEqual(Object.keys(LOCKS), ['cards', 'audit', 'exchange']);
      const order: string[] = [];
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let locked!: () => void;
      const firstLocked = new Promise<void>((r) => (locked = r));
      const first = s.db.transaction().execute(async (trx) => {
        await s.adapter.lock(trx, 'cards');
        locked();
        await held;
        await trx.insertInto('things').values({ name: 'first', n: 1 }).execute();
        order.push('first commits');
      });
      await firstLocked;
      const second = s.db.transaction().execute(async (trx) => {
        await s.adapter.lock(trx, 'cards');
        order.push('second locked');
      });
      await new Promise((r) => setTimeout(r, 50));
      order.push('released');
      release();
      await Promise.all([first, second]);
      assert.deepEqual(order, ['released', 'first commits', 'second locked']);
    });

    it('a write transaction commits its work, or nothing when the work throws', async (t) => {
      if (!d.fresh) return skipDialect(t, d);
      const count = async () => (await s.db.selectFrom('things').select('id').execute()).length;
      const n = await count();
      await s.adapter.writeTransaction(s.db, async (trx) => {
        await s.adapter.lock(trx, 'audit');
        await trx.insertInto('things').values({ name: 'kept', n: 2 }).execute();
      });
      await assert.rejects(
        s.adapter.writeTransaction(s.db, async (trx) => {
          await trx.insertInto('things').values({ name: 'lost', n: 3 }).execute();
          throw new Error('work failed');
        }),
        /work failed/,
      );
      assert.equal(await count(), n + 1);
    });

    it('a prepared lookup finds rows by key', async (t) => {
      if (!d.fresh) return skipDialect(t, d);
      const lookup = s.adapter.preparedLookup<{ id: number; n: number }>(
        'rhc_test_things',
        (param) => `select id, n from things where name = ${param}`,
      );
      try {
        assert.deepEqual(await lookup('t42'), [{ id: 42, n: 0 }]);
        assert.deepEqual(await lookup('none'), []);
      } finally {
        lookup.close();
      }
    });

    it('planner statistics where the planner needs them', async (t) => {
      if (!d.fresh) return skipDialect(t, d);
      await s.db.transaction().execute(async (trx) => {
        const stats = await s.adapter.plannerStatistics(trx, ['things']);
        if (d.name === 'sqlite')
          assert.equal(stats, undefined, 'SQLite plans IN lookups on the index unaided');
        else {
          assert.ok(stats);
          stats.noteInserted('things', 10);
          await stats.refresh();
        }
      });
    });
  });
}

describe('storage errors', () => {
  it('an unsupported URL or schema name is a coded storage error (the password not shown)', async () => {
    await assert.rejects(openStorage('mysql://u:secret@h/db'), (e: unknown) => {
      assert.ok(e instanceof StorageError);
      assert.equal(e.symbol, 'DATABASE_URL_UNSUPPORTED');
      assert.match(e.message, /unsupported database URL/);
      assert.doesNotMatch(e.message, /secret/);
      return true;
    });
    await assert.rejects(
      openStorage('postgres://u@127.0.0.1:1/db', { schema: 'Bad-Name' }),
      (e: unknown) => e instanceof StorageError && e.symbol === 'SCHEMA_NAME_INVALID',
    );
    assert.throws(
      () => storageOf({} as never),
      (e: unknown) => e instanceof StorageError && e.code === '502',
    );
  });
});
