// The card ledger on every dialect (testkit/dialects.ts): a status change writes the card, its log row and
// its list changes in one transaction; versions start at EMPTY_LIST_VERSION, count per list and day, and
// follow the change sequence even for concurrent writers; a refused step leaves nothing behind; an import
// (log: null, queued rows) writes on flush.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Insertable } from 'kysely';
import type { Clock } from '../../../base/runtime.ts';
import { dialectCases, skipDialect } from '../../../../testkit/dialects.ts';
import type { TestDatabase } from '../../../../testkit/dialects.ts';
import { RhcError } from '../../errors.ts';
import { openDatabase } from '../../storage/db.ts';
import type { PlatformDb } from '../../storage/db.ts';
import type { CardTable } from '../../storage/schema.ts';
import { CardLedger, EMPTY_LIST_VERSION, headVersion, reachable, seqOfVersion } from './index.ts';
import type { Actor, LedgerCard } from './index.ts';

const clockAt = (iso: string): Clock & { t: number } => ({
  t: Date.parse(iso),
  now() {
    return new Date(this.t);
  },
});

const ACTOR: Actor = { institutionCode: 'CITY-1', regionCode: '610100' };

function card(no: number, status = '30'): Insertable<CardTable> {
  return {
    card_no: `C${no}`,
    chip_serial: `S${no}`,
    resident_id: 1,
    card_type: '1',
    spec_version: '1.0',
    issuer_org_code: 'ORG',
    issuer_org_name: '机构',
    issue_date: '20260601',
    valid_until: '20360601',
    app_city_code: '610100',
    card_form: '1',
    status,
    status_time: '20260601100000',
    created_at: '2026-06-01T02:00:00.000Z',
    updated_at: '2026-06-01T02:00:00.000Z',
  };
}

for (const d of dialectCases()) {
  describe(`card ledger (${d.name})`, () => {
    let p: PlatformDb;
    let fresh: TestDatabase;
    const clock = clockAt('2026-06-01T02:00:00Z'); // 10:00 China time, 2026-06-01
    before(async () => {
      if (!d.fresh) return;
      fresh = await d.fresh();
      p = await openDatabase(fresh.url, fresh.schema ? { schema: fresh.schema } : {});
      await p.db
        .insertInto('residents')
        .values({
          main_index: 'M1',
          id_type: '01',
          id_no: '610102199001011234',
          name: '张三',
          sex: '1',
          birth_date: '19900101',
          region_code: '610102',
          created_at: '2026-06-01T02:00:00.000Z',
          updated_at: '2026-06-01T02:00:00.000Z',
        })
        .execute();
    });
    after(async () => {
      if (!d.fresh) return;
      await p.close();
      await fresh.drop();
    });

    it('an empty list is at EMPTY_LIST_VERSION', async (t) => {
      if (!d.fresh) return skipDialect(t, d);
      assert.deepEqual(await headVersion(p.db, 'B'), { seq: 0, version: EMPTY_LIST_VERSION });
    });

    it('issues a card and moves it one step: card, log rows and list changes together', async (t) => {
      if (!d.fresh) return skipDialect(t, d);
      const log = { actor: ACTOR, operator: 'op', serial: 's-1', opTime: '20260601100000' };
      const out = await CardLedger.run(p, { clock }, async (ledger) => {
        const c = await ledger.createCard(card(1), log);
        assert.deepEqual(ledger.heads, { W: '20260601.0001' });
        const r = await ledger.transition(c, '40', { ...log, reason: '01', serial: 's-2' });
        assert.equal(c.status, '40');
        assert.equal((await ledger.headVersion('B')).version, r.blacklistVersion, 'head includes the queue');
        return r;
      });
      assert.equal(out.blacklistVersion, '20260601.0001');
      const ops = await p.db.selectFrom('card_operations').selectAll().orderBy('id').execute();
      assert.deepEqual(
        ops.map((o) => [o.op_type, o.from_status, o.to_status, o.reason_code, o.org_code, o.region_code]),
        [
          ['01', null, '30', null, 'CITY-1', '610100'],
          ['03', '30', '40', '01', 'CITY-1', '610100'],
        ],
      );
      const lists = await p.db.selectFrom('list_changes').selectAll().orderBy('seq').execute();
      assert.deepEqual(
        lists.map((l) => [l.list_type, l.version, l.op, l.status]),
        [
          ['W', '20260601.0001', 'A', '30'],
          ['B', '20260601.0001', 'A', '40'],
          ['W', '20260601.0002', 'D', '40'],
        ],
      );
      assert.equal(await seqOfVersion(p.db, 'W', '20260601.0002'), lists[2]!.seq);
    });

    it('a step outside the table is refused and the transaction leaves nothing', async (t) => {
      if (!d.fresh) return skipDialect(t, d);
      const before = await headVersion(p.db, 'W');
      await assert.rejects(
        CardLedger.run(p, { clock }, async (ledger) => {
          const c = await ledger.createCard(card(2), {
            actor: ACTOR,
            operator: 'op',
            serial: null,
            opTime: '20260601100000',
          });
          await ledger.transition(c, '20', {
            actor: ACTOR,
            reason: null,
            operator: 'op',
            serial: null,
            opTime: '20260601100000',
          });
        }),
        (e: unknown) => e instanceof RhcError && e.symbol === 'TRANSITION_NOT_ALLOWED',
      );
      assert.deepEqual(await headVersion(p.db, 'W'), before);
      assert.equal(
        await p.db.selectFrom('cards').select('id').where('card_no', '=', 'C2').executeTakeFirst(),
        undefined,
      );
    });

    it('an import: queued cards and path moves without log rows, written by flush', async (t) => {
      if (!d.fresh) return skipDialect(t, d);
      assert.equal(reachable('10', '30'), true);
      assert.equal(reachable('90', '30'), false);
      const opsBefore = (await p.db.selectFrom('card_operations').select('id').execute()).length;
      await p.db.transaction().execute(async (trx) => {
        const ledger = await CardLedger.open(p, trx, { clock, plannerTables: ['residents', 'cards'] });
        const v = await ledger.queueCard(card(3));
        assert.deepEqual(v, { W: '20260601.0003' });
        await ledger.flush();
        const [stored] = await ledger.selectIn<LedgerCard>(
          'cards',
          ['id', 'card_no', 'chip_serial', 'resident_id', 'app_city_code', 'status'],
          [['card_no', ['C3']]],
        );
        await ledger.changeStatus(stored!, '50', { reason: '02', at: '20260601110000', log: null });
        await ledger.flush();
      });
      assert.equal((await p.db.selectFrom('card_operations').select('id').execute()).length, opsBefore);
      const c3 = await p.db
        .selectFrom('cards')
        .selectAll()
        .where('card_no', '=', 'C3')
        .executeTakeFirstOrThrow();
      assert.deepEqual([c3.status, c3.status_reason, c3.status_time], ['50', '02', '20260601110000']);
    });

    it('concurrent writers get versions in change order; a new day starts at .0001', async (t) => {
      if (!d.fresh) return skipDialect(t, d);
      const many = Array.from({ length: 6 }, (_, i) =>
        CardLedger.run(p, { clock }, async (ledger) => {
          await ledger.createCard(card(10 + i), {
            actor: ACTOR,
            operator: 'op',
            serial: null,
            opTime: '20260601120000',
          });
        }),
      );
      await Promise.all(many);
      const w = await p.db
        .selectFrom('list_changes')
        .select(['seq', 'version'])
        .where('list_type', '=', 'W')
        .orderBy('seq')
        .execute();
      const versions = w.map((r) => r.version);
      assert.deepEqual(versions, [...versions].sort(), 'versions grow with the change sequence');
      assert.equal(new Set(versions).size, versions.length);
      clock.t += 24 * 3600_000;
      const next = await CardLedger.run(p, { clock }, (ledger) => ledger.queueCard(card(20)));
      assert.deepEqual(next, { W: '20260602.0001' });
    });
  });
}
