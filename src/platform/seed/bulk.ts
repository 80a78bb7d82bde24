// Bulk loading of synthetic residents and cards (with their list entries and issuance log rows) through
// the fast path of each database: one prepared INSERT per table inside chunked transactions on SQLite,
// `INSERT … SELECT * FROM unnest($1::text[], …)` on PostgreSQL (TOOLCHAIN.md). Streaming: memory stays
// bounded by the chunk size whatever the row count.
import { CARD_COLUMNS, RESIDENT_COLUMNS } from './synthetic.ts';
import { sql } from 'kysely';
import type { PlatformDb } from '../storage/db.ts';
import { CARD_STATUS } from '../domain/lifecycle.ts';
import { listVersion } from '../domain/format.ts';
import type { GenOptions, SyntheticCard, SyntheticResident } from './synthetic.ts';
import { syntheticResidents } from './synthetic.ts';

export interface BulkResult {
  residents: number;
  cards: number;
  listEntries: number;
  seconds: number;
}

const CHUNK = 20_000;

interface ListRow {
  list_type: string;
  version: string;
  op: string;
  card_no: string;
  chip_serial: string;
  status: string;
  reason_code: string | null;
  effective_time: string;
  app_city_code: string;
}

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
  const versions: Record<string, number> = {};
  for (const l of ['B', 'W']) {
    const r = await p.db
      .selectFrom('list_changes')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('list_type', '=', l)
      .where('version', 'like', `${o.today}.%`)
      .executeTakeFirstOrThrow();
    versions[l] = Number(r.n);
  }
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
    if (p.kind === 'sqlite') loadSqlite(p, residents, cards, lists, o.now);
    else await loadPostgres(p, residents, cards, lists, o.now);
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
      for (const l of CARD_STATUS[c.status]!.lists) {
        versions[l] = versions[l]! + 1;
        lists.push({
          list_type: l,
          version: listVersion(o.today, versions[l]!),
          op: 'A',
          card_no: c.card_no,
          chip_serial: c.chip_serial,
          status: c.status,
          reason_code: c.status_reason,
          effective_time: c.status_time,
          app_city_code: c.app_city_code,
        });
      }
    }
    if (residents.length >= CHUNK) await flush();
  }
  await flush();
  if (p.kind === 'postgres') {
    for (const t of ['residents', 'cards'])
      await sql`select setval(pg_get_serial_sequence(${t}, 'id'), (select coalesce(max(id), 1) from ${sql.table(t)}))`.execute(
        p.db,
      );
    // fresh planner statistics: without them a grown table can get a generic plan that scans instead of
    // using the card_no index (seen at 1 M cards: 20 ms per lookup until autovacuum analysed the table).
    // VACUUM too: otherwise autovacuum's insert-triggered pass over the new rows runs later, in the middle
    // of whatever the platform does next (a 40 M-card load then measured verification on a busy disk).
    await sql`vacuum (analyze) residents, cards, list_changes, card_operations`.execute(p.db);
  }
  return { ...total, seconds: (Date.now() - started) / 1000 };
}

const R_COLS = [...RESIDENT_COLUMNS, 'created_at', 'updated_at'] as const;
const C_COLS = [...CARD_COLUMNS, 'created_at', 'updated_at'] as const;
const L_COLS = [
  'list_type',
  'version',
  'op',
  'card_no',
  'chip_serial',
  'status',
  'reason_code',
  'effective_time',
  'app_city_code',
] as const;

function loadSqlite(
  p: PlatformDb,
  rs: SyntheticResident[],
  cs: SyntheticCard[],
  ls: ListRow[],
  now: string,
): void {
  const db = p.sqlite!;
  const ins = (table: string, cols: readonly string[]) =>
    db.prepare(`insert into ${table} (${cols.join(',')}) values (${cols.map(() => '?').join(',')})`);
  const ri = ins('residents', R_COLS);
  const ci = ins('cards', C_COLS);
  const li = ins('list_changes', L_COLS);
  const oi = ins('card_operations', [
    'op_type',
    'card_id',
    'resident_id',
    'org_code',
    'region_code',
    'operator',
    'op_date',
    'op_time',
    'to_status',
  ]);
  db.transaction(() => {
    for (const r of rs)
      ri.run(
        R_COLS.map((c) =>
          c === 'created_at' || c === 'updated_at' ? now : (r as unknown as Record<string, unknown>)[c],
        ),
      );
    for (const c of cs) {
      ci.run(
        C_COLS.map((k) =>
          k === 'created_at' || k === 'updated_at' ? now : (c as unknown as Record<string, unknown>)[k],
        ),
      );
      oi.run(
        '01',
        c.id,
        c.resident_id,
        'seed',
        c.app_city_code,
        'seed',
        c.issue_date,
        `${c.issue_date}090000`,
        c.status,
      );
    }
    for (const l of ls) li.run(L_COLS.map((k) => (l as unknown as Record<string, unknown>)[k]));
  })();
}

async function loadPostgres(
  p: PlatformDb,
  rs: SyntheticResident[],
  cs: SyntheticCard[],
  ls: ListRow[],
  now: string,
): Promise<void> {
  const client = await p.pool!.connect();
  const arrays = <T>(rows: T[], cols: readonly string[], fill: (row: T, col: string) => unknown) =>
    cols.map((c) => rows.map((r) => fill(r, c)));
  const types = (cols: readonly string[], ints: string[]) =>
    cols.map((c, i) => `$${i + 1}::${ints.includes(c) ? 'int' : 'text'}[]`).join(',');
  try {
    await client.query('begin');
    await client.query(
      `insert into residents (${R_COLS.join(',')}) select * from unnest(${types(R_COLS, ['id'])})`,
      arrays(rs, R_COLS, (r, c) =>
        c === 'created_at' || c === 'updated_at' ? now : (r as unknown as Record<string, unknown>)[c],
      ),
    );
    await client.query(
      `insert into cards (${C_COLS.join(',')}) select * from unnest(${types(C_COLS, ['id', 'resident_id'])})`,
      arrays(cs, C_COLS, (r, c) =>
        c === 'created_at' || c === 'updated_at' ? now : (r as unknown as Record<string, unknown>)[c],
      ),
    );
    const O_COLS = [
      'op_type',
      'card_id',
      'resident_id',
      'org_code',
      'region_code',
      'operator',
      'op_date',
      'op_time',
      'to_status',
    ];
    await client.query(
      `insert into card_operations (${O_COLS.join(',')}) select * from unnest(${types(O_COLS, ['card_id', 'resident_id'])})`,
      arrays(
        cs,
        O_COLS,
        (c, k) =>
          ({
            op_type: '01',
            card_id: c.id,
            resident_id: c.resident_id,
            org_code: 'seed',
            region_code: c.app_city_code,
            operator: 'seed',
            op_date: c.issue_date,
            op_time: `${c.issue_date}090000`,
            to_status: c.status,
          })[k],
      ),
    );
    await client.query(
      `insert into list_changes (${L_COLS.join(',')}) select * from unnest(${types(L_COLS, [])})`,
      arrays(ls, L_COLS, (r, c) => (r as unknown as Record<string, unknown>)[c]),
    );
    await client.query('commit');
  } catch (err) {
    await client.query('rollback');
    throw err;
  } finally {
    client.release();
  }
}
