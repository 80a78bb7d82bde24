// Applies validated records of an up file to the province database, in batches, inside the caller's
// transaction. The rules (docs/exchange-format.md §6):
// - ownership: a record's card (appCityCode, or the stored card's) must lie in the sender's region;
// - status: a file carries the card's CURRENT state, so the stored status may move to it along any path
//   of the §5.2 table (30 → 90 directly, 10 → 30 via 20); a status not reachable (90 → 30, 30 → 10) is a
//   conflicting transition;
// - cross-city: a new live card for a holder who has a live card (20/30/40/50) of ANOTHER city is refused
//   (3011) — the other city cancels first, or the change goes online as 补/换 (RHC_C0006);
// - list effects follow lifecycle.listEffects, as for the online interfaces.
import type { Insertable, Transaction } from 'kysely';
import type { DialectAdapter, PlannerStatistics } from '../../storage/index.ts';
import { CARD_STATUS, TRANSITIONS, listEffects } from '../domain/lifecycle.ts';
import { regionPrefix } from '../domain/institutions.ts';
import type { CardTable, Database, ResidentTable } from '../storage/schema.ts';
import type { PlatformDb } from '../storage/db.ts';
import { issue } from './issues.ts';
import type { Issue } from './issues.ts';
import type { ExchangeType } from './layouts.ts';
import type { ListVersions } from './lists.ts';
import type { ParsedRecord } from './format.ts';

export interface ApplyStats {
  inserted: number;
  updated: number;
  unchanged: number;
  statusChanges: number;
  listEntries: number;
}

/** Where an import writes: its transaction and the dialect adapter. */
export interface WriteTarget {
  trx: Transaction<Database>;
  adapter: DialectAdapter;
  /** Keeps the planner's statistics in step with the rows this import adds (where the dialect needs it). */
  planner?: PlannerStatistics;
}

/** The write target of a transaction on `p`. */
export function writeTarget(
  p: PlatformDb,
  trx: Transaction<Database>,
  planner?: PlannerStatistics,
): WriteTarget {
  return { trx, adapter: p.adapter, ...(planner ? { planner } : {}) };
}

export interface ApplyContext extends WriteTarget {
  /** Sender's region (the file region) and the prefix it governs. */
  region: string;
  nowIso: string;
  lists: ListVersions;
  report: (i: Issue) => void;
  stats: ApplyStats;
  warnings: string[];
}

const LIVE = ['20', '30', '40', '50'];
const BATCH = 1000;

const reach = new Map<string, boolean>();
/** Is `to` reachable from `from` along the §5.2 transition table (at least one step)? */
export function reachable(from: string, to: string): boolean {
  const k = `${from}>${to}`;
  const hit = reach.get(k);
  if (hit !== undefined) return hit;
  const seen = new Set<string>();
  const queue = Object.keys(TRANSITIONS[from] ?? {});
  let ok = false;
  while (queue.length) {
    const s = queue.shift()!;
    if (s === to) {
      ok = true;
      break;
    }
    if (seen.has(s)) continue;
    seen.add(s);
    queue.push(...Object.keys(TRANSITIONS[s] ?? {}));
  }
  reach.set(k, ok);
  return ok;
}

function owns(region: string, appCityCode: string): boolean {
  return appCityCode.startsWith(regionPrefix(region));
}

function addListEffects(
  ctx: ApplyContext,
  from: string | undefined,
  to: string,
  card: { card_no: string; chip_serial: string; app_city_code: string },
  reason: string | null,
  at: string,
) {
  for (const eff of listEffects(from, to)) {
    ctx.lists.add({
      list_type: eff.list,
      op: eff.op,
      card_no: card.card_no,
      chip_serial: card.chip_serial,
      status: to,
      reason_code: reason,
      effective_time: at,
      app_city_code: card.app_city_code,
    });
    ctx.stats.listEntries++;
  }
}

type InTable = 'cards' | 'residents';

/** `select cols from table where c1 in (…) and c2 in (…)` for a batch of keys (the adapter's batch lookup). */
function selectIn<T>(
  ctx: WriteTarget,
  table: InTable,
  cols: readonly string[],
  where: readonly (readonly [string, readonly string[] | readonly number[]])[],
): Promise<T[]> {
  return ctx.adapter.selectIn<T>(ctx.trx, table, cols, where);
}

type Batch = ParsedRecord[];

/** The stored cards (every chip) of a batch's card numbers, with the columns the appliers use. */
function cardsByNo(ctx: ApplyContext, cardNos: string[]) {
  return selectIn<{
    id: number;
    card_no: string;
    chip_serial: string;
    status: string;
    app_city_code: string;
    resident_id: number;
    valid_until: string;
  }>(
    ctx,
    'cards',
    ['id', 'card_no', 'chip_serial', 'status', 'app_city_code', 'resident_id', 'valid_until'],
    [['card_no', cardNos]],
  );
}

/** Residents of a batch by (id_type, id_no): both key columns, so the unique index serves the lookup. */
function residentsByKey(ctx: ApplyContext, batch: Batch, idNos: string[]) {
  return selectIn<{ id: number; id_type: string; id_no: string; main_index: string }>(
    ctx,
    'residents',
    ['id', 'id_type', 'id_no', 'main_index'],
    [
      ['id_type', [...new Set(batch.map((r) => r.values.idType!))]],
      ['id_no', idNos],
    ],
  );
}

// ---------- KXX: card information ----------

async function applyCards(ctx: ApplyContext, batch: Batch): Promise<void> {
  const { trx } = ctx;
  const cardNos = [...new Set(batch.map((r) => r.values.cardNo!))];
  const existing = await cardsByNo(ctx, cardNos);
  const byKey = new Map(existing.map((c) => [`${c.card_no}|${c.chip_serial}`, c]));
  const byCardNo = new Map<string, typeof existing>();
  for (const c of existing) byCardNo.set(c.card_no, [...(byCardNo.get(c.card_no) ?? []), c]);
  const idNos = [...new Set(batch.map((r) => r.values.idNo!))];
  const residents = await residentsByKey(ctx, batch, idNos);
  const resByKey = new Map(residents.map((r) => [`${r.id_type}|${r.id_no}`, r]));
  const inserts: Insertable<CardTable>[] = [];
  for (const { line, values: v } of batch) {
    const res = resByKey.get(`${v.idType}|${v.idNo}`);
    if (!res) {
      ctx.report(issue(line, 'RESIDENT_NOT_FOUND', 'idNo'));
      continue;
    }
    if (v.mainIndex && v.mainIndex.toUpperCase() !== res.main_index.toUpperCase()) {
      ctx.report(issue(line, 'MAIN_INDEX', 'mainIndex'));
      continue;
    }
    if (!owns(ctx.region, v.appCityCode!)) {
      ctx.report(
        issue(line, 'RECORD_REGION', 'appCityCode', `file region ${ctx.region}, record ${v.appCityCode}`),
      );
      continue;
    }
    const cur = byKey.get(`${v.cardNo}|${v.chipSerial}`);
    const fields = {
      card_factor: v.cardFactor || null,
      security_code: v.securityCode || null,
      card_type: v.cardType!,
      spec_version: v.specVersion!,
      issuer_org_code: v.issuerOrgCode!,
      issuer_org_name: v.issuerOrgName!,
      issue_date: v.issueDate!,
      valid_until: v.validUntil!,
      card_form: v.cardForm!,
    };
    if (!cur) {
      if (v.op === 'U') {
        ctx.report(
          issue(line, 'CARD_NOT_FOUND', 'chipSerial', 'op U for a card the province does not know (use A)'),
        );
        continue;
      }
      if (LIVE.includes(v.status!)) {
        const other = (byCardNo.get(v.cardNo!) ?? []).find(
          (c) => LIVE.includes(c.status) && !owns(ctx.region, c.app_city_code),
        );
        if (other) {
          ctx.report(issue(line, 'CROSS_CITY', 'cardNo', `live card of region ${other.app_city_code}`));
          continue;
        }
      }
      inserts.push({
        card_no: v.cardNo!,
        chip_serial: v.chipSerial!,
        resident_id: res.id,
        ...fields,
        app_city_code: v.appCityCode!,
        bank_account_masked: null,
        payment_methods: null,
        status: v.status!,
        status_reason: null,
        status_time: v.statusTime!,
        created_at: ctx.nowIso,
        updated_at: ctx.nowIso,
      });
      addListEffects(
        ctx,
        undefined,
        v.status!,
        { card_no: v.cardNo!, chip_serial: v.chipSerial!, app_city_code: v.appCityCode! },
        null,
        v.statusTime!,
      );
      ctx.stats.inserted++;
      continue;
    }
    if (!owns(ctx.region, cur.app_city_code) || cur.app_city_code !== v.appCityCode) {
      ctx.report(
        issue(line, 'RECORD_REGION', 'appCityCode', `card registered for region ${cur.app_city_code}`),
      );
      continue;
    }
    if (cur.resident_id !== res.id) {
      ctx.report(issue(line, 'MAIN_INDEX', 'idNo', 'card registered to another resident'));
      continue;
    }
    const statusChange = cur.status !== v.status;
    if (statusChange && !reachable(cur.status, v.status!)) {
      ctx.report(issue(line, 'TRANSITION', 'status', `${cur.status} → ${v.status}`));
      continue;
    }
    await trx
      .updateTable('cards')
      .set({
        ...fields,
        ...(statusChange ? { status: v.status!, status_time: v.statusTime!, status_reason: null } : {}),
        updated_at: ctx.nowIso,
      })
      .where('id', '=', cur.id)
      .execute();
    if (statusChange) {
      addListEffects(ctx, cur.status, v.status!, cur, null, v.statusTime!);
      ctx.stats.statusChanges++;
    }
    ctx.stats.updated++;
  }
  await insertRows(ctx, 'cards', inserts);
}

/** Inserts rows through the adapter's bulk insert, noting them for the planner statistics. */
export async function insertRows<T extends 'cards' | 'residents' | 'list_changes' | 'card_operations'>(
  ctx: WriteTarget,
  table: T,
  rows: Insertable<Database[T]>[],
): Promise<void> {
  if (rows.length === 0) return;
  ctx.planner?.noteInserted(table, rows.length);
  await ctx.adapter.insertRows(ctx.trx, table, rows);
}

// ---------- HMD: city blacklist changes ----------

async function applyBlacklist(ctx: ApplyContext, batch: Batch): Promise<void> {
  const { trx } = ctx;
  const cardNos = [...new Set(batch.map((r) => r.values.cardNo!))];
  const existing = await cardsByNo(ctx, cardNos);
  const byKey = new Map(existing.map((c) => [`${c.card_no}|${c.chip_serial}`, c]));
  for (const { line, values: v } of batch) {
    const onList = CARD_STATUS[v.status!]!.lists.includes('B');
    if (onList !== (v.op === 'A')) {
      ctx.report(issue(line, 'OP', 'status', `op ${v.op} with status ${v.status}`));
      continue;
    }
    const cur = byKey.get(`${v.cardNo}|${v.chipSerial}`);
    if (!cur) {
      ctx.report(issue(line, 'CARD_NOT_FOUND', 'chipSerial'));
      continue;
    }
    if (!owns(ctx.region, cur.app_city_code)) {
      ctx.report(issue(line, 'RECORD_REGION', 'cardNo', `card of region ${cur.app_city_code}`));
      continue;
    }
    if (cur.status === v.status) {
      ctx.stats.unchanged++;
      continue;
    }
    if (!reachable(cur.status, v.status!)) {
      ctx.report(issue(line, 'TRANSITION', 'status', `${cur.status} → ${v.status}`));
      continue;
    }
    await trx
      .updateTable('cards')
      .set({
        status: v.status!,
        status_reason: v.reasonCode || null,
        status_time: v.effectiveTime!,
        updated_at: ctx.nowIso,
      })
      .where('id', '=', cur.id)
      .execute();
    addListEffects(ctx, cur.status, v.status!, cur, v.reasonCode || null, v.effectiveTime!);
    cur.status = v.status!;
    ctx.stats.statusChanges++;
    ctx.stats.updated++;
  }
}

// ---------- JMXX: residents ----------

async function applyResidents(ctx: ApplyContext, batch: Batch): Promise<void> {
  const { trx } = ctx;
  const idNos = [...new Set(batch.map((r) => r.values.idNo!))];
  const existing = await residentsByKey(ctx, batch, idNos);
  const byKey = new Map(existing.map((r) => [`${r.id_type}|${r.id_no}`, r]));
  const mains = [...new Set(batch.map((r) => r.values.mainIndex!.toUpperCase()))];
  const byMain = new Map(
    (
      await selectIn<{ id: number; main_index: string }>(
        ctx,
        'residents',
        ['id', 'main_index'],
        [['main_index', mains]],
      )
    ).map((r) => [r.main_index, r.id]),
  );
  // live cards per resident, to apply the ownership rule for demographics
  const ids = existing.map((r) => r.id);
  const inserts: Insertable<ResidentTable>[] = [];
  const cards = await selectIn<{ resident_id: number; app_city_code: string; status: string }>(
    ctx,
    'cards',
    ['resident_id', 'app_city_code', 'status'],
    [
      ['resident_id', ids],
      ['status', LIVE],
    ],
  );
  for (const { line, values: v } of batch) {
    const main = v.mainIndex!.toUpperCase();
    const cur = byKey.get(`${v.idType}|${v.idNo}`);
    const fields = {
      name: v.name!,
      sex: v.sex!,
      nation: v.nation || null,
      birth_date: v.birthDate!,
      health_record_no: v.healthRecordNo || null,
      ncms_no: v.ncmsNo || null,
      phone1: v.phone1 || null,
      address1_type: v.address1Type || null,
      address1: v.address1 || null,
      address2_type: v.address2Type || null,
      address2: v.address2 || null,
    };
    if (!cur) {
      if (v.op === 'U') {
        ctx.report(
          issue(line, 'RESIDENT_NOT_FOUND', 'idNo', 'op U for a resident the province does not know (use A)'),
        );
        continue;
      }
      if (byMain.has(main)) {
        ctx.report(issue(line, 'MAIN_INDEX', 'mainIndex', 'mainIndex already used by another resident'));
        continue;
      }
      inserts.push({
        main_index: main,
        id_type: v.idType!,
        id_no: v.idNo!,
        ...fields,
        phone2: null,
        contacts_json: null,
        education: null,
        marital: null,
        occupation: null,
        region_code: ctx.region,
        created_at: ctx.nowIso,
        updated_at: ctx.nowIso,
      });
      byMain.set(main, -1);
      ctx.stats.inserted++;
      continue;
    }
    if (cur.main_index.toUpperCase() !== main) {
      ctx.report(issue(line, 'MAIN_INDEX', 'mainIndex'));
      continue;
    }
    const live = cards.filter((c) => c.resident_id === cur.id);
    if (live.length > 0 && !live.some((c) => owns(ctx.region, c.app_city_code))) {
      ctx.report(
        issue(
          line,
          'RECORD_REGION',
          'idNo',
          `holder's live card belongs to region ${live[0]!.app_city_code}`,
        ),
      );
      continue;
    }
    await trx
      .updateTable('residents')
      .set({ ...fields, updated_at: ctx.nowIso })
      .where('id', '=', cur.id)
      .execute();
    ctx.stats.updated++;
  }
  await insertRows(ctx, 'residents', inserts);
}

// ---------- BMD: city whitelist (reconciliation) ----------

async function applyWhitelist(ctx: ApplyContext, batch: Batch): Promise<void> {
  const { trx } = ctx;
  const cardNos = [...new Set(batch.map((r) => r.values.cardNo!))];
  const existing = await cardsByNo(ctx, cardNos);
  const byKey = new Map(existing.map((c) => [`${c.card_no}|${c.chip_serial}`, c]));
  for (const { line, values: v } of batch) {
    const cur = byKey.get(`${v.cardNo}|${v.chipSerial}`);
    if (!cur) {
      ctx.report(issue(line, 'CARD_NOT_FOUND', 'chipSerial'));
      continue;
    }
    if (!owns(ctx.region, cur.app_city_code)) {
      ctx.report(issue(line, 'RECORD_REGION', 'cardNo', `card of region ${cur.app_city_code}`));
      continue;
    }
    if (!CARD_STATUS[cur.status]!.lists.includes('W')) {
      ctx.report(
        issue(
          line,
          'TRANSITION',
          'cardNo',
          `whitelisted by the city but status ${cur.status} at the province (send KXX/HMD first)`,
        ),
      );
      continue;
    }
    if (cur.valid_until !== v.validUntil) {
      await trx
        .updateTable('cards')
        .set({ valid_until: v.validUntil!, updated_at: ctx.nowIso })
        .where('id', '=', cur.id)
        .execute();
      ctx.stats.updated++;
    } else ctx.stats.unchanged++;
  }
}

// ---------- CZRZ: operations log ----------

async function applyOplog(ctx: ApplyContext, batch: Batch): Promise<void> {
  const cardNos = [...new Set(batch.map((r) => r.values.cardNo).filter((x): x is string => !!x))];
  const existing = await cardsByNo(ctx, cardNos);
  const byKey = new Map(existing.map((c) => [`${c.card_no}|${c.chip_serial}`, c]));
  const rows = [];
  for (const { line, values: v } of batch) {
    const card = v.cardNo ? byKey.get(`${v.cardNo}|${v.chipSerial}`) : undefined;
    if (card && !owns(ctx.region, card.app_city_code) && v.opType !== '12') {
      // a hospital of this city may verify (12) a card of another city; any other operation must be its own
      ctx.report(issue(line, 'RECORD_REGION', 'cardNo', `card of region ${card.app_city_code}`));
      continue;
    }
    rows.push({
      op_type: v.opType!,
      card_id: card?.id ?? null,
      resident_id: card?.resident_id ?? null,
      org_code: v.orgCode!,
      region_code: ctx.region,
      operator: v.operator || null,
      op_date: v.opTime!.slice(0, 8),
      op_time: v.opTime!,
      from_status: null,
      to_status: null,
      reason_code: null,
      serial_no: `${ctx.region}-${v.opSerial}`,
      detail: `result=${v.result}${v.detail ? `;${v.detail}` : ''}`,
      source: `city:${ctx.region}`,
    });
    ctx.stats.inserted++;
  }
  await insertRows(ctx, 'card_operations', rows);
}

const APPLIERS: Partial<Record<ExchangeType, (ctx: ApplyContext, batch: Batch) => Promise<void>>> = {
  KXX: applyCards,
  HMD: applyBlacklist,
  JMXX: applyResidents,
  BMD: applyWhitelist,
  CZRZ: applyOplog,
};

/** Collects records into batches and applies them; `finish()` applies the rest and flushes list changes. */
export class BatchApplier {
  private batch: Batch = [];
  private readonly fn: (ctx: ApplyContext, batch: Batch) => Promise<void>;
  private readonly ctx: ApplyContext;
  constructor(type: ExchangeType, ctx: ApplyContext) {
    const fn = APPLIERS[type];
    if (!fn) throw new Error(`no province applier for ${type}`);
    this.fn = fn;
    this.ctx = ctx;
  }
  /** Queues a record; true when a batch is full and `drain()` should run. */
  push(r: ParsedRecord): boolean {
    this.batch.push(r);
    return this.batch.length >= BATCH;
  }
  async add(r: ParsedRecord): Promise<void> {
    if (this.push(r)) await this.drain();
  }
  async drain(): Promise<void> {
    const b = this.batch;
    this.batch = [];
    if (b.length) await this.fn(this.ctx, b);
    await this.ctx.lists.flush();
    await this.ctx.planner?.refresh();
  }
  async finish(): Promise<void> {
    await this.drain();
    await this.ctx.lists.flush();
  }
}

export function newStats(): ApplyStats {
  return { inserted: 0, updated: 0, unchanged: 0, statusChanges: 0, listEntries: 0 };
}
