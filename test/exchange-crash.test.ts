// [integration] Crash test: the province's `rhc exchange import` is killed with SIGKILL in the middle of a
// card-file import (a separate process, real SQLite file); afterwards the database holds nothing of the
// file; the re-import applies it exactly once; a third run is a no-op. ~10 s.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fixedClock, seededRandom } from '../src/base/runtime.ts';
import { InstitutionRegistry } from '../src/platform/domain/institutions/index.ts';
import { importFile } from '../src/platform/exchange/import.ts';
import { openDatabase } from '../src/platform/storage/db.ts';
import { bulkCityFiles, tempDir } from '../testkit/platform/exchange.ts';

const N = Number(process.env.RHC_CRASH_N ?? 15_000);
const RHC = join(import.meta.dirname, '..', 'bin', 'rhc.mjs');

async function counts(dbPath: string) {
  const p = await openDatabase(`sqlite:${dbPath}`);
  const c = await p.db
    .selectFrom('cards')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const l = await p.db
    .selectFrom('list_changes')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const f = await p.db
    .selectFrom('exchange_files' as never)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  await p.close();
  return { cards: Number(c.n), lists: Number(l.n), files: Number((f as { n: number }).n) };
}

describe('exchange crash test [integration]', () => {
  it(
    'kill -9 during import → nothing applied; re-import → applied once; again → no-op',
    { timeout: 120_000 },
    async () => {
      const dir = tempDir('crash');
      const clock = fixedClock(new Date('2026-06-01T02:00:00Z'));
      const { jm, kxx } = await bulkCityFiles(dir, N, { seed: 9, clock });

      const provPath = join(dir, 'prov.db');
      const prov = await openDatabase(`sqlite:${provPath}`);
      await (
        await InstitutionRegistry.open(prov.db, clock, seededRandom(1))
      ).add({ code: '61010000-9', name: '西安市卡管平台', role: 'city', regionCode: '610100' }, 'pw');
      assert.equal(
        (
          await importFile(prov, jm.path, {
            clock,
            sender: { institutionCode: '61010000-9', regionCode: '610100' },
          })
        ).outcome,
        'applied',
      );
      prov.sqlite!.pragma('wal_checkpoint(TRUNCATE)');
      await prov.close();

      const wal = `${provPath}-wal`;
      const walAtStart = existsSync(wal) ? statSync(wal).size : 0;
      const child = spawn(
        process.execPath,
        [RHC, 'exchange', 'import', kxx.path, '--db', `sqlite:${provPath}`],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let exited = false;
      child.on('exit', () => (exited = true));
      // the import's transaction spills pages into the WAL long before it commits: kill once it grows
      const deadline = Date.now() + 60_000;
      while (!exited && Date.now() < deadline) {
        if (existsSync(wal) && statSync(wal).size > walAtStart + 512 * 1024) break;
        await new Promise((r) => setTimeout(r, 5));
      }
      assert.ok(!exited, 'the import finished before it could be killed — raise RHC_CRASH_N');
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));

      const after = await counts(provPath);
      assert.deepEqual(
        { cards: after.cards, files: after.files },
        { cards: 0, files: 1 },
        'a killed import must leave nothing (only the JMXX ledger row)',
      );

      const again = spawnSync(
        process.execPath,
        [RHC, 'exchange', 'import', kxx.path, '--db', `sqlite:${provPath}`],
        { encoding: 'utf8' },
      );
      assert.equal(again.status, 0, again.stderr + again.stdout);
      assert.match(again.stdout, /已导入 \/ applied/);
      const applied = await counts(provPath);
      assert.equal(applied.cards, kxx.records);
      assert.equal(applied.files, 2);

      const third = spawnSync(
        process.execPath,
        [RHC, 'exchange', 'import', kxx.path, '--db', `sqlite:${provPath}`],
        { encoding: 'utf8' },
      );
      assert.equal(third.status, 0, third.stderr);
      assert.match(third.stdout, /already imported/);
      assert.deepEqual(await counts(provPath), applied);

      // a refused file: exit status 3 and a report naming the line and reason
      const bad = join(dir, 'bad', 'KXX_610100_20260601_009.txt');
      mkdirSync(join(dir, 'bad'));
      const lines = readFileSync(kxx.path, 'utf8').split('\n');
      const f = lines[2]!.split('|');
      f[9] = '20AB0101'; // issueDate
      lines[2] = f.join('|');
      writeFileSync(bad, lines.join('\n'));
      const refused = spawnSync(
        process.execPath,
        [RHC, 'exchange', 'import', bad, '--db', `sqlite:${provPath}`],
        { encoding: 'utf8' },
      );
      assert.equal(refused.status, 3, refused.stderr);
      assert.match(refused.stdout, /拒收 \/ refused/);
      assert.match(refused.stdout, /line \d+: 4002 DIGEST/);
      assert.match(refused.stdout, /line 3: 1002 FORMAT \[issueDate\]/);
      assert.match(readFileSync(bad.replace(/\.txt$/, '.ack'), 'utf8'), /^ERR\|\d+\|\d{4}\|/);
      assert.equal(readFileSync(kxx.path.replace(/\.txt$/, '.ack'), 'utf8'), `OK|${kxx.records}\n`);
      assert.deepEqual(await counts(provPath), applied);
    },
  );
});
