// Planner statistics inside a long write transaction (src/storage/planner-stats.ts, through the adapter): on PostgreSQL a batch
// lookup of 1 000 residents by (id_type, id_no) must probe the unique index on both columns even when every
// row was inserted by the running transaction — without fresh statistics PostgreSQL planned it as a scan of
// every row with that id_type (quadratic over a large import). PostgreSQL only; loud skip without it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { skipLoudly } from '../testkit/dialects.ts';
import { dbTargets } from '../testkit/platform/fixtures.ts';

const ROWS = 30_000;

function resident(i: number) {
  const no = `6101021990${String(i).padStart(8, '0')}`;
  return {
    main_index: `M${no}`,
    id_type: '01',
    id_no: no,
    name: `居民${i}`,
    sex: '1',
    birth_date: '19900101',
    region_code: '610100',
    created_at: '2026-06-01T00:00:00.000Z',
    updated_at: '2026-06-01T00:00:00.000Z',
  };
}

interface PlanNode {
  'Node Type': string;
  'Index Cond'?: string;
  'Recheck Cond'?: string;
  Filter?: string;
  Plans?: PlanNode[];
}
const nodes = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodes)];

describe('planner statistics in a long write transaction', () => {
  it('SQLite needs none', async (t) => {
    const target = dbTargets()[0]!;
    const { p, drop } = await target.open!();
    try {
      await p.db.transaction().execute(async (trx) => {
        assert.equal(await p.adapter.plannerStatistics(trx, ['residents']), undefined);
      });
    } finally {
      await drop();
    }
    t.diagnostic('SQLite plans IN lookups on the index without statistics');
  });

  it('PostgreSQL: a 1 000-key lookup on rows the transaction inserted probes the index on both columns', async (t) => {
    const target = dbTargets()[1]!;
    if (!target.open) return skipLoudly(t, target.skip!);
    const { p, drop } = await target.open();
    try {
      await p.db.transaction().execute(async (trx) => {
        // as the import does (the adapter also rules out sequential scans for the transaction)
        const planner = (await p.adapter.plannerStatistics(trx, ['residents', 'cards']))!;
        assert.equal(planner.analyses, 2, 'never-analysed tables are analysed at the start');
        for (let i = 0; i < ROWS; i += 1000) {
          await p.adapter.insertRows(
            trx,
            'residents',
            Array.from({ length: 1000 }, (_, k) => resident(i + k)),
          );
          planner.noteInserted('residents', 1000);
        }
        await planner.refresh();
        assert.equal(planner.analyses, 3, 'residents grew past its statistics: analysed again; cards not');
        await planner.refresh();
        assert.equal(planner.analyses, 3, 'no new rows, no new analysis');

        const keys = Array.from({ length: 1000 }, (_, k) => resident(k * 29).id_no);
        const explain = await sql<{ 'QUERY PLAN': { Plan: PlanNode }[] }>`
          explain (format json) select id from residents where id_type in ('01') and id_no in (${sql.join(keys)})`.execute(
          trx,
        );
        const plan = nodes(explain.rows[0]!['QUERY PLAN'][0]!.Plan);
        const probe = plan.find((n) => n['Index Cond']?.includes('id_no'));
        assert.ok(probe, `expected an index probe on id_no, got ${JSON.stringify(plan).slice(0, 400)}`);
        const found = await trx
          .selectFrom('residents')
          .select('id_no')
          .where('id_type', 'in', ['01'])
          .where('id_no', 'in', keys)
          .execute();
        assert.equal(found.length, 1000);
      });
    } finally {
      await drop();
    }
  });
});
