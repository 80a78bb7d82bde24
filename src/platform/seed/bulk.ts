// Bulk loading of synthetic residents and cards (with their list entries and issuance log rows) through
// the adapter's bulk insert (src/storage: cached prepared INSERTs on SQLite, `INSERT … SELECT * FROM
// unnest(…)` on PostgreSQL), one transaction per chunk. Streaming: memory stays bounded by the chunk size
// whatever the row count. Versions come from the ledger's counter (nothing else writes during a load).
import type { Insertable } from 'kysely';
import type { PlatformDb } from '../storage/db.ts';
import type { Database } from '../storage/schema.ts';
import { CARD_STATUS } from '../domain/lifecycle.ts';
import { VersionCounter } from '../domain/ledger/index.ts';
import type { ListType } from '../domain/ledger/index.ts';
import { CARD_COLUMNS, RESIDENT_COLUMNS, syntheticResidents } from './synthetic.ts';
import type { GenOptions, SyntheticCard, SyntheticResident } from './synthetic.ts';

export interface BulkResult {
  residents: number;
  cards: number;
  listEntries: number;
  seconds: number;
}

const CHUNK = 20_000;

type ListRow = Insertable<Database['list_changes']>;

export async function bulkLoad(
  p: PlatformDb,
  count: number,
  o: GenOptions & { today: string; now: string; onProgress?: (done: number) => void },
): Promise<BulkResult> {
  const started = Date.now();
  const maxR = await p.db
    .selectFrom('residents')
    .select((eb) => eb.fn.max('id').as('m'))
    .executeTakeFirst();
  const maxC = await p.db
    .selectFrom('cards')
    .select((eb) => eb.fn.max('id').as('m'))
    .executeTakeFirst();
  const versions = new VersionCounter(p.db);
  await versions.ready(o.today);
  const existing = await p.db
    .selectFrom('residents')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const gen = syntheticResidents(count, {
    ...o,
    firstResidentId: Number(maxR?.m ?? 0) + 1,
    firstCardId: Number(maxC?.m ?? 0) + 1,
    indexOffset: o.indexOffset ?? Number(existing.n),
  });
  let residents: SyntheticResident[] = [];
  let cards: SyntheticCard[] = [];
  let lists: ListRow[] = [];
  const total = { residents: 0, cards: 0, listEntries: 0 };
  const flush = async () => {
    if (residents.length === 0) return;
    await load(p, residents, cards, lists, o.now);
    total.residents += residents.length;
    total.cards += cards.length;
    total.listEntries += lists.length;
    residents = [];
    cards = [];
    lists = [];
    o.onProgress?.(total.residents);
  };
  for (const { resident, cards: cs } of gen) {
    residents.push(resident);
    for (const c of cs) {
      cards.push(c);
      for (const l of CARD_STATUS[c.status]!.lists as readonly ListType[])
        lists.push({
          list_type: l,
          version: versions.take(l, o.today),
          op: 'A',
          card_no: c.card_no,
          chip_serial: c.chip_serial,
          status: c.status,
          reason_code: c.status_reason,
          effective_time: c.status_time,
          app_city_code: c.app_city_code,
        });
    }
    if (residents.length >= CHUNK) await flush();
  }
  await flush();
  // the rows carry explicit ids: move the id sequences past them, then give the planner fresh statistics
  await p.adapter.resetSequences(p.db, ['residents', 'cards']);
  await p.adapter.vacuumAnalyse(p.db, ['residents', 'cards', 'list_changes', 'card_operations']);
  return { ...total, seconds: (Date.now() - started) / 1000 };
}

function pick<T extends object>(row: T, cols: readonly string[], now: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of cols) out[c] = (row as Record<string, unknown>)[c];
  out.created_at = now;
  out.updated_at = now;
  return out;
}

/** One chunk in one transaction: residents, cards, their issuance log rows, list entries. */
async function load(
  p: PlatformDb,
  rs: SyntheticResident[],
  cs: SyntheticCard[],
  ls: ListRow[],
  now: string,
): Promise<void> {
  await p.db.transaction().execute(async (trx) => {
    await p.adapter.insertRows(
      trx,
      'residents',
      rs.map((r) => pick(r, RESIDENT_COLUMNS, now)),
    );
    await p.adapter.insertRows(
      trx,
      'cards',
      cs.map((c) => pick(c, CARD_COLUMNS, now)),
    );
    await p.adapter.insertRows(
      trx,
      'card_operations',
      cs.map((c) => ({
        op_type: '01',
        card_id: c.id,
        resident_id: c.resident_id,
        org_code: 'seed',
        region_code: c.app_city_code,
        operator: 'seed',
        op_date: c.issue_date,
        op_time: `${c.issue_date}090000`,
        to_status: c.status,
      })),
    );
    await p.adapter.insertRows(trx, 'list_changes', ls);
  });
}
