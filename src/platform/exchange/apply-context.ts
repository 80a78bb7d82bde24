// What the appliers of an up file share: the import's ledger (the one writer of card changes), the sender's
// region scope, the report and counters, and the batch lookups of stored cards and holders.
import type { CardLedger } from '../domain/ledger/index.ts';
import type { ParsedRecord } from './format.ts';
import type { Issue } from './issues.ts';

export interface ApplyStats {
  inserted: number;
  updated: number;
  unchanged: number;
  statusChanges: number;
  listEntries: number;
}

export function newStats(): ApplyStats {
  return { inserted: 0, updated: 0, unchanged: 0, statusChanges: 0, listEntries: 0 };
}

export interface ApplyContext {
  /** Writes every change inside the import's transaction (and holds the writer lock). */
  ledger: CardLedger;
  /** Sender's region (the file region) and the code prefix it governs (codes: regionScopePrefix). */
  region: string;
  scope: string;
  nowIso: string;
  report: (i: Issue) => void;
  stats: ApplyStats;
  warnings: string[];
}

export type Batch = ParsedRecord[];

/** Card statuses that count as a live card of a holder (the cross-city rule). */
export const LIVE = ['20', '30', '40', '50'];

/** Does the sender's region govern this card's application city? */
export function owns(ctx: ApplyContext, appCityCode: string): boolean {
  return appCityCode.startsWith(ctx.scope);
}

/** `select cols from table where c1 in (…) and c2 in (…)` for a batch of keys (the adapter's batch lookup). */
export function selectIn<T>(
  ctx: ApplyContext,
  table: 'cards' | 'residents',
  cols: readonly string[],
  where: readonly (readonly [string, readonly string[] | readonly number[]])[],
): Promise<T[]> {
  return ctx.ledger.selectIn<T>(table, cols, where);
}

export interface StoredCard {
  id: number;
  card_no: string;
  chip_serial: string;
  status: string;
  app_city_code: string;
  resident_id: number;
  valid_until: string;
}

/** The stored cards (every chip) of a batch's card numbers, keyed `cardNo|chipSerial`, with the list. */
export async function cardsOf(ctx: ApplyContext, batch: Batch) {
  const cardNos = [...new Set(batch.map((r) => r.values.cardNo).filter((x): x is string => !!x))];
  const list = await selectIn<StoredCard>(
    ctx,
    'cards',
    ['id', 'card_no', 'chip_serial', 'status', 'app_city_code', 'resident_id', 'valid_until'],
    [['card_no', cardNos]],
  );
  return { list, byKey: new Map(list.map((c) => [`${c.card_no}|${c.chip_serial}`, c])) };
}

/** Residents of a batch by (id_type, id_no): both key columns, so the unique index serves the lookup. */
export function residentsByKey(ctx: ApplyContext, batch: Batch) {
  return selectIn<{ id: number; id_type: string; id_no: string; main_index: string }>(
    ctx,
    'residents',
    ['id', 'id_type', 'id_no', 'main_index'],
    [
      ['id_type', [...new Set(batch.map((r) => r.values.idType!))]],
      ['id_no', [...new Set(batch.map((r) => r.values.idNo!))]],
    ],
  );
}
