// Exports never block on one bad record (issue 13 §6): a record the receiver would refuse — here legacy data
// stored before the text rule — is held back (table exchange_held, `.held` report), the rest reaches the
// province, the holder's cards wait with the holder, and a record fixed through the interfaces goes out in
// the next file. The city database runs on every dialect; the province on SQLite.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it, test } from 'node:test';
import { buildProgram } from '../src/apps/cli/main.ts';
import { hold, listHeld } from '../src/platform/exchange/held.ts';
import { importFile } from '../src/platform/exchange/import.ts';
import { issue } from '../src/platform/exchange/issues.ts';
import { openDatabase } from '../src/platform/storage/db.ts';
import { runCommand } from '../testkit/cli-run.ts';
import { CITY, cityWith, exportUp } from '../testkit/platform/exchange.ts';
import { describeOnTargets, sqliteTarget } from '../testkit/platform/suite.ts';

describeOnTargets('exchange export holds back what it cannot write', (target) => {
  it('one bad record leaves the rest exported; it goes out once fixed', async () => {
    const city = await cityWith(target, '610100', 4);
    const { p: prov, drop } = await sqliteTarget().open!();
    try {
      const [id0, , id2, id3] = city.ids;
      // data stored before the rule (or by hand): the interfaces refuse these values today
      await city.p.db.updateTable('residents').set({ name: '刘|六' }).where('id_no', '=', id2!).execute();
      await city.p.db
        .updateTable('residents')
        .set({ address1: '科\u202e室' })
        .where('id_no', '=', id3!)
        .execute();
      await city.p.db
        .updateTable('cards')
        .set({ issuer_org_name: '西安\u200b卫健委' })
        .where('card_no', '=', id0!)
        .execute();

      const jmxx = await exportUp(city, 'JMXX', { mode: 'F' });
      assert.deepEqual([jmxx.records, jmxx.held], [2, 2]);
      const report = readFileSync(jmxx.path.replace(/\.txt$/, '.held'), 'utf8');
      assert.match(report, /2 条记录未导出/);
      assert.match(report, /TEXT \[name\].*FIELD_SEPARATOR/);
      assert.match(report, /TEXT \[address1\].*BIDI_CONTROL/);
      assert.ok(!report.includes(id2!) && !report.includes('刘'), 'no personal data in the report');
      assert.match(report, /610102\*{8}/, 'records named by masked ID number');

      const kxx = await exportUp(city, 'KXX', { mode: 'F' });
      assert.deepEqual([kxx.records, kxx.held], [1, 3], 'the held holders’ cards wait with them');
      assert.match(readFileSync(kxx.path.replace(/\.txt$/, '.held'), 'utf8'), /HOLDER_HELD/);

      for (const f of [jmxx, kxx]) {
        const r = await importFile(prov, f.path, { clock: city.clock, sender: CITY });
        assert.equal(r.outcome, 'applied', `${f.file}: ${r.message}`);
      }
      assert.equal((await listHeld(city.p.db)).length, 5);

      // fixed through RHC_C0009: the resident goes out in the next delta, and the card held with it too
      city.clock.advance(60);
      await city.svc.updateResident(city.caller, {
        idType: '01',
        idNo: id2!,
        changes: { name: '刘六' },
        alterNo: 'fix-1',
        alterTime: '20260601120000',
        operator: 'op1',
      });
      const jmxx2 = await exportUp(city, 'JMXX', { mode: 'D' });
      const kxx2 = await exportUp(city, 'KXX', { mode: 'D' });
      assert.deepEqual([jmxx2.records, jmxx2.held, kxx2.records, kxx2.held], [1, 0, 1, 0]);
      assert.ok(!existsSync(jmxx2.path.replace(/\.txt$/, '.held')), 'no report when nothing is held');
      for (const f of [jmxx2, kxx2]) {
        const r = await importFile(prov, f.path, { clock: city.clock, sender: CITY });
        assert.equal(r.outcome, 'applied', `${f.file}: ${r.message}`);
      }
      const names = await prov.db.selectFrom('residents').select('name').where('id_no', '=', id2!).execute();
      assert.deepEqual(names, [{ name: '刘六' }]);
      const atProvince = await prov.db.selectFrom('cards').select('card_no').execute();
      assert.equal(atProvince.length, 2);
      const still = await listHeld(city.p.db);
      assert.deepEqual(still.map((h) => [h.type, h.reason]).sort(), [
        ['JMXX', 'TEXT'],
        ['KXX', 'HOLDER_HELD'],
        ['KXX', 'TEXT'],
      ]);
    } finally {
      await city.close();
      await drop();
    }
  });
});

test('rhc exchange held lists the holds for operators, without personal data', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rhc-held-'));
  const url = `sqlite:${join(dir, 'city.db')}`;
  try {
    const p = await openDatabase(url);
    await hold(
      p.db,
      { type: 'JMXX', region: '610100', file: 'JMXX_610100_20260601_001.txt', at: new Date() },
      [
        {
          key: 7,
          issue: issue(0, 'TEXT', 'name', 'FIELD_SEPARATOR, position 2'),
          hint: '610102********0011',
        },
      ],
    );
    await p.close();
    const run = async (...args: string[]) =>
      runCommand(await buildProgram(), ['exchange', 'held', '--db', url, ...args]);
    const text = await run();
    assert.match(
      text,
      /JMXX 记录 \/ record 7 \(610102\*{8}0011\) 1002 TEXT \[name\].*JMXX_610100_20260601_001\.txt/,
    );
    assert.deepEqual(
      JSON.parse(await run('--json')).map((r: { record_key: number; reason: string }) => [
        Number(r.record_key),
        r.reason,
      ]),
      [[7, 'TEXT']],
    );
    assert.match(await run('--type', 'cards'), /no records held back/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
