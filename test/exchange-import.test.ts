// Province import: bad-file suite (each refusal leaves the database unchanged), idempotent re-import,
// sequence gaps, cross-city conflicts, list effects, and the down lists applied at a city.
// SQLite always; PostgreSQL when RHC_TEST_POSTGRES_URL is set (loud skip otherwise, failure under CI).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { it } from 'node:test';
import { applyDownFile } from '../src/platform/exchange/down.ts';
import { exportFile } from '../src/platform/exchange/export.ts';
import { importFile } from '../src/platform/exchange/import.ts';
import type { Kysely } from 'kysely';
import type { ImportReport } from '../src/platform/exchange/import.ts';
import type { PlatformDb } from '../src/platform/storage/db.ts';
import { PlatformService } from '../src/platform/domain/service.ts';
import type { Caller } from '../src/platform/domain/institutions/index.ts';
import { seededRandom } from '../src/base/runtime.ts';
import { CITY, CITY_B, cityWith, exportUp, tempDir } from '../testkit/platform/exchange.ts';
import { TestClock } from '../testkit/platform/fixtures.ts';
import { describeOnTargets, sqliteTarget } from '../testkit/platform/suite.ts';

const sm3 = (s: string) => createHash('sm3').update(s, 'utf8').digest('hex').toUpperCase();

/** Rewrites a file's records and recomputes the trailer (count + digest), so only the edit is wrong. */
function rewrite(
  path: string,
  edit: (lines: string[]) => string[],
  o: { keepTrailer?: boolean; name?: string } = {},
): string {
  const text = readFileSync(path, 'utf8');
  const lines = text.split('\n').slice(0, -1);
  const trailer = lines.pop()!;
  const [header, cols, ...body] = lines;
  const nb = edit(body);
  const h = header!.split('|');
  if (!o.keepTrailer) h[9] = String(nb.length);
  const head = [h.join('|'), cols!, ...nb].join('\n') + '\n';
  const out = o.keepTrailer ? head + trailer + '\n' : `${head}T|${nb.length}|${sm3(head)}\n`;
  const dst = join(tempDir('bad'), o.name ?? basename(path));
  writeFileSync(dst, out);
  return dst;
}

/** A snapshot of every table an import may touch, to assert "database unchanged". */
export async function snapshot(p: PlatformDb): Promise<string> {
  const tables = ['residents', 'cards', 'card_operations', 'list_changes', 'exchange_files'] as const;
  const out: Record<string, unknown> = {};
  for (const t of tables)
    out[t] = await (p.db as never as Kysely<Record<string, Record<string, unknown>>>)
      .selectFrom(t)
      .selectAll()
      .execute();
  return JSON.stringify(out);
}

function reasons(r: ImportReport): string[] {
  return r.issues.map((i) => `${i.line}:${i.reason}`);
}

const SQLITE = sqliteTarget();

describeOnTargets('exchange import', (target) => {
  const withDbs = async (
    fn: (c: Awaited<ReturnType<typeof cityWith>>, prov: PlatformDb, clock: TestClock) => Promise<void>,
    n = 4,
  ) => {
    // cities on SQLite, the province on the target: one PostgreSQL schema at a time (see the report on
    // Kysely's Migrator and per-test schemas)
    const city = await cityWith(SQLITE, '610100', n);
    const { p: prov, drop } = await target.open!();
    try {
      await fn(city, prov, new TestClock());
    } finally {
      await city.close();
      await drop();
    }
  };
  /** Imports JMXX then KXX so that cards have their holders. */
  const baseline = async (city: Awaited<ReturnType<typeof cityWith>>, prov: PlatformDb, clock: TestClock) => {
    for (const type of ['JMXX', 'KXX'] as const) {
      const r = await importFile(prov, (await exportUp(city, type)).path, { clock, sender: CITY });
      assert.equal(r.outcome, 'applied', r.message + reasons(r).join());
    }
  };
  const refusedUnchanged = async (
    prov: PlatformDb,
    clock: TestClock,
    file: string,
    expect: string[],
    sender = CITY,
  ) => {
    const before = await snapshot(prov);
    const r = await importFile(prov, file, { clock, sender });
    assert.equal(r.outcome, 'refused');
    for (const e of expect) assert.ok(reasons(r).includes(e), `expected ${e} in ${reasons(r).join(', ')}`);
    assert.match(r.ack, /^ERR\|\d+\|\d{4}\|/);
    assert.equal(await snapshot(prov), before, 'database changed by a refused file');
    return r;
  };

  it('applies residents, cards, blacklist, oplog and whitelist; lists follow the card statuses', async () => {
    await withDbs(async (city, prov, clock) => {
      await baseline(city, prov, clock);
      for (const type of ['HMD', 'CZRZ', 'BMD'] as const)
        assert.equal(
          (await importFile(prov, (await exportUp(city, type)).path, { clock, sender: CITY })).outcome,
          'applied',
        );
      const cards = await prov.db
        .selectFrom('cards')
        .select(['card_no', 'status'])
        .orderBy('card_no')
        .execute();
      assert.equal(cards.length, 4);
      assert.equal(cards.filter((c) => c.status === '40').length, 1);
      const lists = await prov.db.selectFrom('list_changes').select(['list_type', 'op', 'status']).execute();
      assert.equal(lists.filter((l) => l.list_type === 'W').length, 3);
      assert.equal(lists.filter((l) => l.list_type === 'B').length, 1);
      const ops = await prov.db.selectFrom('card_operations').select(['op_type', 'serial_no']).execute();
      assert.ok(ops.every((o) => o.serial_no!.startsWith('610100-')));
      assert.equal(ops.filter((o) => o.op_type === '03').length, 1);
    });
  });

  it("statistics: a city's reported figures replace its imported log rows for that day, not add to them", async () => {
    await withDbs(async (city, prov, clock) => {
      await baseline(city, prov, clock);
      assert.equal(
        (await importFile(prov, (await exportUp(city, 'CZRZ')).path, { clock, sender: CITY })).outcome,
        'applied',
      );
      const svc = await PlatformService.open(prov, { clock, random: seededRandom(7) });
      const caller: Caller = {
        institutionId: 0,
        institutionCode: CITY.institutionCode,
        role: 'city',
        regionCode: CITY.regionCode,
        userName: 'admin',
        userRole: 'admin',
        termId: 'T',
      };
      const q = async () => (await svc.statistics(caller, { action: 'query', groupBy: ['day', 'op'] })).rows;
      const imported = await q();
      assert.ok(imported.length > 0, 'the imported log is counted while nothing is reported');
      const day = imported[0]!.date!;
      const op = imported[0]!.opType!;
      const report = async (serialNo: string, count: number) =>
        svc.statistics(caller, {
          action: 'report',
          serialNo,
          rows: [{ orgCode: '61010001-7', date: day, opType: op, count }],
        });
      await report('stat-1', 500);
      const afterReport = await q();
      const cell = (rows: typeof imported) => rows.find((r) => r.date === day && r.opType === op)?.count;
      assert.equal(cell(afterReport), 500, 'the report replaces the imported rows of that day');
      for (const r of afterReport.filter((x) => x.date !== day))
        assert.equal(r.count, imported.find((i) => i.date === r.date && i.opType === r.opType)?.count);
      await report('stat-2', 450); // a corrected report replaces the first
      assert.equal(cell(await q()), 450);
      await svc.close();
    });
  });

  it('re-import of the same file is a no-op with a clear message; same name, other content is refused', async () => {
    await withDbs(async (city, prov, clock) => {
      const f = await exportUp(city, 'JMXX');
      assert.equal((await importFile(prov, f.path, { clock, sender: CITY })).outcome, 'applied');
      const before = await snapshot(prov);
      const again = await importFile(prov, f.path, { clock, sender: CITY });
      assert.equal(again.outcome, 'duplicate');
      assert.match(again.message, /already imported/);
      assert.equal(again.ack, 'OK|4');
      assert.equal(await snapshot(prov), before);
      const other = rewrite(f.path, (b) => b.slice(1));
      await refusedUnchanged(prov, clock, other, ['0:SAME_NAME_OTHER_CONTENT']);
    });
  });

  it('refuses a sequence gap until the missing file arrives, and an overlap', async () => {
    await withDbs(async (city, prov, clock) => {
      await baseline(city, prov, clock);
      const caller = city.caller;
      const status = (cardNo: string, chip: string, from: string, to: string, serial: string) =>
        city.svc.syncStatus(caller, {
          cardNo,
          chipSerial: chip,
          oldStatus: from,
          newStatus: to,
          reasonCode: '09',
          opTime: '20260601120000',
          opOrgCode: caller.institutionCode,
          operator: 'op',
          serialNo: serial,
        });
      await status(city.ids[0]!, 'C610100000001', '30', '50', 'g1');
      const first = await exportUp(city, 'KXX');
      await status(city.ids[0]!, 'C610100000001', '50', '30', 'g2');
      const second = await exportUp(city, 'KXX');
      await refusedUnchanged(prov, clock, second.path, ['1:GAP']);
      assert.equal((await importFile(prov, first.path, { clock, sender: CITY })).outcome, 'applied');
      assert.equal((await importFile(prov, second.path, { clock, sender: CITY })).outcome, 'applied');
      const overlap = await exportUp(city, 'KXX', { since: 0 });
      await refusedUnchanged(prov, clock, overlap.path, ['1:OVERLAP']);
      const card = await prov.db
        .selectFrom('cards')
        .select('status')
        .where('chip_serial', '=', 'C610100000001')
        .executeTakeFirstOrThrow();
      assert.equal(card.status, '30');
    });
  });

  it('bad-file suite: every refusal names its lines and leaves the database unchanged', async () => {
    await withDbs(async (city, prov, clock) => {
      await baseline(city, prov, clock);
      const caller = city.caller;
      await city.svc.syncStatus(caller, {
        cardNo: city.ids[2]!,
        chipSerial: 'C610100000003',
        oldStatus: '30',
        newStatus: '90',
        reasonCode: '06',
        opTime: '20260601120000',
        opOrgCode: caller.institutionCode,
        operator: 'op',
        serialNo: 'x1',
      });
      const kxx = await exportUp(city, 'KXX');
      const jm = await exportUp(city, 'JMXX', { mode: 'F' });
      const good = readFileSync(kxx.path, 'utf8');
      const path = kxx.path;
      // truncated: cut in the middle of the last record
      const cut = join(tempDir('cut'), basename(path));
      writeFileSync(cut, good.slice(0, good.lastIndexOf('T|') - 5));
      await refusedUnchanged(prov, clock, cut, ['3:TRUNCATED']);
      // wrong digest (content changed, trailer kept)
      await refusedUnchanged(
        prov,
        clock,
        rewrite(path, (b) => [b[0]!.replace('|20360601|', '|20370601|')], { keepTrailer: true }),
        ['4:DIGEST'],
      );
      // wrong record count (a line removed, trailer kept)
      const lines = good.split('\n');
      const short = join(tempDir('cnt'), basename(path));
      const body = [lines[0]!, lines[1]!].join('\n') + '\n';
      writeFileSync(short, `${body}T|1|${sm3(body)}\n`);
      await refusedUnchanged(prov, clock, short, ['3:COUNT']);
      // unknown version and unknown type in the header
      const v2 = join(tempDir('v2'), basename(path));
      writeFileSync(v2, good.replace('H|RHCX|1.0|', 'H|RHCX|9.9|'));
      await refusedUnchanged(prov, clock, v2, ['1:UNKNOWN_FORMAT']);
      const ut = join(tempDir('ut'), basename(path));
      writeFileSync(ut, good.replace('H|RHCX|1.0|KXX|', 'H|RHCX|1.0|KXY|'));
      await refusedUnchanged(prov, clock, ut, ['1:UNKNOWN_TYPE']);
      const un = join(tempDir('un'), 'KXY_610100_20260601_009.txt');
      writeFileSync(un, good);
      await refusedUnchanged(prov, clock, un, ['0:FILE_NAME']);
      // foreign region: city 610200 sends a 610100 file; and a 610100 file claiming a 610200 card
      await refusedUnchanged(prov, clock, path, ['0:FOREIGN_REGION'], CITY_B);
      await refusedUnchanged(
        prov,
        clock,
        rewrite(path, (b) => [b[0]!.replace('|610100|1|', '|610200|1|')]),
        ['3:RECORD_REGION'],
      );
      // invalid ID numbers (check digit) and a lower-case x; impossible dates
      const badId = rewrite(jm.path, (b) =>
        b.map((l, i) =>
          i === 1
            ? l.replace(
                /\|01\|(\d{17})(.)\|/,
                (_m, a: string, c: string) => `|01|${a}${c === '0' ? '1' : '0'}|`,
              )
            : l,
        ),
      );
      await refusedUnchanged(prov, clock, badId, ['4:ID_NUMBER']);
      await refusedUnchanged(
        prov,
        clock,
        rewrite(path, (b) => [b[0]!.replace('|20360601|', '|20360631|')]),
        ['3:DATE'],
      );
      await refusedUnchanged(
        prov,
        clock,
        rewrite(path, (b) => [b[0]!.replace(/\|(\d{8})\d{6}\|01\|/, '|$1250000|01|')]),
        ['3:DATE'],
      );
      // a .ok companion that does not match the data file
      const okDir = tempDir('ok');
      const okData = join(okDir, basename(path));
      writeFileSync(okData, good);
      writeFileSync(
        okData.replace(/\.txt$/, '.ok'),
        `${basename(path)}|${good.length + 1}|${'0'.repeat(64)}\n`,
      );
      await refusedUnchanged(prov, clock, okData, ['0:OK_FILE']);
      // duplicates within a file
      await refusedUnchanged(
        prov,
        clock,
        rewrite(path, (b) => [...b, b[0]!]),
        [`${3 + kxx.records}:DUPLICATE`],
      );
      // conflicting transitions: the province has card 3 as 90 after this file; a later file says 30
      assert.equal((await importFile(prov, path, { clock, sender: CITY })).outcome, 'applied');
      await city.svc.syncStatus(caller, {
        cardNo: city.ids[3]!,
        chipSerial: 'C610100000004',
        oldStatus: '30',
        newStatus: '50',
        reasonCode: '09',
        opTime: '20260601130000',
        opOrgCode: caller.institutionCode,
        operator: 'op',
        serialNo: 'x2',
      });
      const next = await exportUp(city, 'KXX');
      const conflict = rewrite(next.path, (b) => [
        ...b,
        readFileSync(path, 'utf8')
          .split('\n')
          .find((l) => l.includes('C610100000003'))!
          .replace(/\|90\|/, '|30|'),
      ]);
      await refusedUnchanged(prov, clock, conflict, ['4:TRANSITION']);
      // several problems at once: all lines are listed
      const many = await refusedUnchanged(
        prov,
        clock,
        rewrite(next.path, (b) => [
          b[0]!.replace('|20360601|', '|2036060|'),
          b[0]!.replace(/^[AU]\|/, 'X|'),
          b[0]!,
        ]),
        ['3:FORMAT', '4:OP', '4:DUPLICATE', '5:DUPLICATE'],
      );
      assert.equal(many.issueCount, 4);
    });
  });

  it('GB18030 files are accepted on import (names outside GB 2312 survive)', async () => {
    await withDbs(async (city, prov, clock) => {
      await city.p.db.updateTable('residents').set({ name: '𠮷䶮堃' }).execute();
      const f = await exportFile(city.p, {
        type: 'JMXX',
        region: '610100',
        outDir: city.dir,
        clock: city.clock,
        encoding: 'GB18030',
      });
      assert.ok(!readFileSync(f!.path).includes(Buffer.from('𠮷', 'utf8')), 'file is not UTF-8');
      const r = await importFile(prov, f!.path, { clock, sender: CITY });
      assert.equal(r.outcome, 'applied', reasons(r).join());
      const names = await prov.db.selectFrom('residents').select('name').execute();
      assert.ok(names.length === 4 && names.every((n) => n.name === '𠮷䶮堃'));
    });
  });

  it('cross-city rule: a second live card of the same holder from another city is refused (3011)', async () => {
    await withDbs(async (city, prov, clock) => {
      await baseline(city, prov, clock);
      // city B issued a card to the holder of city A's card 1 (same ID number, other chip)
      const b = await cityWith(SQLITE, '610200', 0);
      try {
        const id = city.ids[0]!;
        await b.svc.syncIssuance(b.caller, {
          card: {
            cardNo: id,
            chipSerial: 'CB0001',
            securityCode: '1',
            cardType: '1',
            specVersion: '0100',
            issuerOrgName: '咸阳',
            issuerOrgCode: '6102',
            issueDate: '20260601',
            validUntil: '20360601',
            appCityCode: '610200',
            cardForm: '1',
          },
          holder: {
            name: '王堃',
            sex: (Number(id[16]) % 2 ? '1' : '2') as '1' | '2',
            nation: '01',
            birthDate: id.slice(6, 14),
            idType: '01',
            idNo: id,
          },
          issuePoint: CITY_B.institutionCode,
          operator: 'op',
          issueTime: '20260601140000',
          serialNo: 'b1',
        });
        const jm = await exportUp(b, 'JMXX');
        // demographics of a holder whose live card belongs to city A are city A's to change
        const r = await importFile(prov, jm.path, { clock, sender: CITY_B });
        assert.equal(r.outcome, 'refused');
        assert.deepEqual(reasons(r), ['3:RECORD_REGION']);
        const kx = await exportUp(b, 'KXX');
        const before = await snapshot(prov);
        const rk = await importFile(prov, kx.path, { clock, sender: CITY_B });
        assert.equal(rk.outcome, 'refused');
        assert.deepEqual(reasons(rk), ['3:CROSS_CITY']);
        assert.equal(rk.issues[0]!.code, '3011');
        assert.equal(await snapshot(prov), before);
      } finally {
        await b.close();
      }
    });
  });

  it('down lists: the province blacklist reaches a city as local list changes (own cards skipped)', async () => {
    await withDbs(async (city, prov, clock) => {
      await baseline(city, prov, clock);
      const b = await cityWith(SQLITE, '610200', 0);
      try {
        const dir = tempDir('down');
        const full = await exportFile(prov, {
          type: 'SHMD',
          region: '610000',
          outDir: dir,
          clock,
          mode: 'F',
          record: false,
        });
        assert.equal(full!.records, 1);
        const r = await applyDownFile(b.p, full!.path, { clock, ownRegion: '610200' });
        assert.equal(r.outcome, 'applied', reasons(r).join());
        assert.equal(r.stats.listEntries, 1);
        const got = await b.p.db
          .selectFrom('list_changes')
          .selectAll()
          .where('list_type', '=', 'B')
          .execute();
        assert.equal(got.length, 1);
        assert.equal(got[0]!.app_city_code, '610100');
        // city 610100 itself gets nothing new (its own card)
        const own = await applyDownFile(city.p, full!.path, { clock, ownRegion: '610100' });
        assert.equal(own.stats.listEntries, 0);
        // a delta based on a version the city does not hold is a gap
        const delta = await exportFile(prov, {
          type: 'SHMD',
          region: '610000',
          outDir: dir,
          clock,
          mode: 'D',
          sinceVersion: '20990101.0001',
          record: false,
        });
        assert.equal(delta!.header.mode, 'F', 'unknown base version → full list');
        const again = await applyDownFile(b.p, full!.path, { clock, ownRegion: '610200' });
        assert.equal(again.outcome, 'duplicate');
        // names are unique and stable (issue 13 §7): the same list content keeps its name, a delta at the
        // same list position is another file under another name (both were `(head % 999) + 1`)
        assert.equal(delta!.file, full!.file, 'same content, same name');
        const upToDate = await exportFile(prov, {
          type: 'SHMD',
          region: '610000',
          outDir: dir,
          clock,
          sinceVersion: full!.header.listVersion,
          mode: 'D',
          record: false,
        });
        assert.equal(upToDate!.header.mode, 'D');
        assert.equal(upToDate!.header.lastSeq, full!.header.lastSeq);
        assert.notEqual(upToDate!.file, full!.file);
        const d = await applyDownFile(b.p, upToDate!.path, { clock, ownRegion: '610200' });
        assert.equal(d.outcome, 'applied', reasons(d).join());
      } finally {
        await b.close();
      }
    });
  });
});
