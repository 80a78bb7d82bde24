// The one writer of card changes. Every change of a card, its holder, the operations log or the lists runs
// inside one transaction that holds the `cards` writer lock, through a CardLedger: a status change updates
// the card, writes its operations-log row (unless an imported file carries the log itself) and appends the
// list changes of lifecycle.listEffects with versions allocated here — so online operations, exchange
// imports, down lists and the expiry sweep cannot disagree about versions or forget a list entry.
//
// List changes (and the card / holder rows of a bulk import) are queued and written by `flush()`, in the
// order they were made; `CardLedger.run` flushes before commit, a caller of `open` calls `flush()` itself.
import type { Insertable, Kysely, Transaction, Updateable } from 'kysely';
import type { Clock } from '../../../base/runtime.ts';
import type { DialectAdapter, PlannerStatistics } from '../../../storage/index.ts';
import type {
  CardOperationTable,
  CardTable,
  Database,
  ListChangeTable,
  ResidentTable,
} from '../../storage/schema.ts';
import { toWireDate } from '../format.ts';
import { listEffects } from '../lifecycle.ts';
import { stepOp } from './transitions.ts';
import { VersionCounter, headVersion } from './versions.ts';
import type { ListHead, ListType } from './versions.ts';

type Trx = Transaction<Database>;

/** What the ledger needs of a card: its key, owner and status (a full cards row fits). */
export interface LedgerCard {
  id: number;
  card_no: string;
  chip_serial: string;
  resident_id: number;
  app_city_code: string;
  status: string;
}

export type CardRow = Omit<CardTable, 'id'> & { id: number };
export type ResidentRow = Omit<ResidentTable, 'id'> & { id: number };

/** Who made a change: an institution (a Caller fits) — the operations log's org and fallback region. */
export interface Actor {
  institutionCode: string;
  regionCode: string;
}

/** One operations-log row, in the terms of an operation. */
export interface OperationInput {
  actor: Actor;
  opType: string;
  /** The card operated on (its region is the row's region), or null for holder-only operations. */
  card: Pick<LedgerCard, 'id' | 'resident_id' | 'app_city_code'> | null;
  /** The holder, when no card is given. */
  residentId?: number;
  from?: string | null;
  to?: string | null;
  reason?: string | null;
  operator: string | null;
  serial: string | null;
  /** yyyyMMddHHmmss, China time (the row's op_date is its first 8 digits). */
  opTime: string;
  detail?: string | null;
}

/** A list change before its version is allocated. */
export type ListChangeInput = Omit<Insertable<ListChangeTable>, 'version' | 'list_type' | 'op'> & {
  list_type: ListType;
  op: 'A' | 'D';
};

export interface StatusChange {
  reason: string | null;
  /** Status time of the card and effective time of its list changes (yyyyMMddHHmmss). */
  at: string;
  /** Further columns to set in the same UPDATE (an import's card fields). */
  set?: Updateable<CardTable>;
  /** The operations-log row of the change; null when the log arrives separately (an imported CZRZ file). */
  log: Omit<OperationInput, 'card' | 'from' | 'to' | 'reason'> | null;
}

/** One online step of §5.2 (the operation type defaults to the step's). */
export interface TransitionInput {
  actor: Actor;
  reason: string | null;
  opType?: string;
  operator: string;
  serial: string | null;
  opTime: string;
}

export interface LedgerOptions {
  /** The time of each change (updated_at, the version date); an import passes its one start time. */
  clock: Clock;
  /** Tables the transaction grows and also looks up by key: planner statistics kept in step. */
  plannerTables?: readonly string[];
}

type BulkTable = 'cards' | 'residents' | 'card_operations' | 'list_changes';

export class CardLedger {
  /** The latest version allocated per list in this transaction. */
  readonly heads: Partial<Record<ListType, string>> = {};
  private readonly versions: VersionCounter;
  private pendingLists: Insertable<Database['list_changes']>[] = [];
  private pendingCards: Insertable<CardTable>[] = [];
  private pendingResidents: Insertable<ResidentTable>[] = [];

  private constructor(
    readonly trx: Trx,
    private readonly adapter: DialectAdapter,
    private readonly clock: Clock,
    readonly planner: PlannerStatistics | undefined,
  ) {
    this.versions = new VersionCounter(trx);
  }

  /** Takes the `cards` writer lock in `trx` and returns its ledger. */
  static async open(p: { adapter: DialectAdapter }, trx: Trx, o: LedgerOptions): Promise<CardLedger> {
    await p.adapter.lock(trx, 'cards');
    const planner = o.plannerTables?.length
      ? await p.adapter.plannerStatistics(trx, o.plannerTables)
      : undefined;
    return new CardLedger(trx, p.adapter, o.clock, planner);
  }

  /** One write transaction: lock, `work`, flush, commit (rolled back whole when `work` throws). */
  static run<T>(
    p: { db: Kysely<Database>; adapter: DialectAdapter },
    o: LedgerOptions,
    work: (ledger: CardLedger) => Promise<T>,
  ): Promise<T> {
    return p.db.transaction().execute(async (trx) => {
      const ledger = await CardLedger.open(p, trx, o);
      const out = await work(ledger);
      await ledger.flush();
      return out;
    });
  }

  private nowIso(): string {
    return this.clock.now().toISOString();
  }

  // ---------- lists ----------

  /** Allocates the next version of the row's list (the server's date) and queues the row; returns the version. */
  async listChange(row: ListChangeInput): Promise<string> {
    const version = await this.versions.next(row.list_type, toWireDate(this.clock.now()));
    this.heads[row.list_type] = version;
    this.pendingLists.push({ ...row, version });
    return version;
  }

  /** The list changes of a card moving from → to (lifecycle.listEffects); returns the versions per list. */
  async listEffects(
    card: Pick<LedgerCard, 'card_no' | 'chip_serial' | 'app_city_code'>,
    from: string | undefined,
    to: string,
    reason: string | null,
    at: string,
  ): Promise<Partial<Record<ListType, string>>> {
    const out: Partial<Record<ListType, string>> = {};
    for (const eff of listEffects(from, to))
      out[eff.list] = await this.listChange({
        list_type: eff.list,
        op: eff.op,
        card_no: card.card_no,
        chip_serial: card.chip_serial,
        status: to,
        reason_code: reason,
        effective_time: at,
        app_city_code: card.app_city_code,
      });
    return out;
  }

  /** The latest version of a list including this transaction's changes. */
  async headVersion(list: ListType): Promise<ListHead> {
    await this.flush();
    return headVersion(this.trx, list);
  }

  /** List changes queued and not yet written. */
  get pendingListChanges(): number {
    return this.pendingLists.length;
  }

  // ---------- cards ----------

  /**
   * Moves a card to `to`: updates its row, writes the operations-log row (unless `log` is null) and the list
   * changes. The caller has checked the rule (`stepOp` online, `reachable` for files). Updates `card.status`.
   */
  async changeStatus(
    card: LedgerCard,
    to: string,
    c: StatusChange,
  ): Promise<Partial<Record<ListType, string>>> {
    await this.trx
      .updateTable('cards')
      .set({ ...c.set, status: to, status_reason: c.reason, status_time: c.at, updated_at: this.nowIso() })
      .where('id', '=', card.id)
      .execute();
    if (c.log) await this.logOperation({ ...c.log, card, from: card.status, to, reason: c.reason });
    const versions = await this.listEffects(card, card.status, to, c.reason, c.at);
    card.status = to;
    return versions;
  }

  /** One online step of the §5.2 table (TRANSITION_NOT_ALLOWED otherwise), logged; returns the blacklist version. */
  async transition(
    card: LedgerCard,
    to: string,
    t: TransitionInput,
  ): Promise<{ blacklistVersion: string | undefined }> {
    const op = stepOp(card.status, to);
    const v = await this.changeStatus(card, to, {
      reason: t.reason,
      at: t.opTime,
      log: {
        actor: t.actor,
        opType: t.opType ?? op,
        operator: t.operator,
        serial: t.serial,
        opTime: t.opTime,
      },
    });
    return { blacklistVersion: v.B };
  }

  /** A new card, now (online): its row, the log row of its creation (op 01 unless given) and its list entries. */
  async createCard(
    values: Insertable<CardTable>,
    log: Omit<OperationInput, 'card' | 'from' | 'to' | 'opType'> & { opType?: string },
  ): Promise<CardRow> {
    const card = (await this.insertAndRead('cards', values)) as CardRow;
    await this.logOperation({ opType: '01', ...log, card, from: null, to: card.status });
    await this.listEffects(card, undefined, card.status, null, log.opTime);
    return card;
  }

  /** A new card from a file: list entries now, the row with the next `flush()` (bulk insert). */
  async queueCard(values: Insertable<CardTable>): Promise<Partial<Record<ListType, string>>> {
    this.pendingCards.push(values);
    return this.listEffects(values, undefined, values.status, null, values.status_time);
  }

  /** Changes columns of a card other than its status (updated_at is set here). */
  async updateCard(id: number, set: Updateable<CardTable>): Promise<void> {
    await this.update('cards', id, set);
  }

  // ---------- holders ----------

  /** A new card holder, now (online). */
  async createResident(values: Insertable<ResidentTable>): Promise<ResidentRow> {
    return (await this.insertAndRead('residents', values)) as ResidentRow;
  }

  /** A new card holder from a file: written with the next `flush()` (bulk insert). */
  queueResident(values: Insertable<ResidentTable>): void {
    this.pendingResidents.push(values);
  }

  /** Changes a holder's columns (updated_at is set here). */
  async updateResident(id: number, set: Updateable<ResidentTable>): Promise<void> {
    await this.update('residents', id, set);
  }

  // ---------- operations log ----------

  async logOperation(o: OperationInput): Promise<void> {
    await this.trx.insertInto('card_operations').values(operationRow(o)).execute();
  }

  /** Rows of an imported operations log (CZRZ), written now in one bulk insert. */
  async logImported(rows: Insertable<CardOperationTable>[]): Promise<void> {
    await this.insertRows('card_operations', rows);
  }

  // ---------- reads inside the transaction ----------

  /** Stored rows of a batch of keys (the adapter's batch lookup; written rows only — call `flush()` first). */
  selectIn<T>(
    table: 'cards' | 'residents',
    cols: readonly string[],
    where: readonly (readonly [string, readonly (string | number)[]])[],
  ): Promise<T[]> {
    return this.adapter.selectIn<T>(this.trx, table, cols, where);
  }

  // ---------- writing ----------

  /** Writes the queued holders, cards and list changes (in that order), then refreshes planner statistics. */
  async flush(): Promise<void> {
    const residents = this.pendingResidents;
    const cards = this.pendingCards;
    const lists = this.pendingLists;
    this.pendingResidents = [];
    this.pendingCards = [];
    this.pendingLists = [];
    await this.insertRows('residents', residents);
    await this.insertRows('cards', cards);
    await this.insertRows('list_changes', lists);
    await this.planner?.refresh();
  }

  /** Inserts one row and reads it back whole (ids and defaults as stored). */
  private async insertAndRead<T extends 'cards' | 'residents'>(
    table: T,
    values: Insertable<Database[T]>,
  ): Promise<unknown> {
    const ins = await this.trx
      .insertInto(table as 'cards')
      .values(values as Insertable<CardTable>)
      .returning('id')
      .executeTakeFirstOrThrow();
    return this.trx
      .selectFrom(table as 'cards')
      .selectAll()
      .where('id', '=', ins.id)
      .executeTakeFirstOrThrow();
  }

  private async update<T extends 'cards' | 'residents'>(
    table: T,
    id: number,
    set: Updateable<Database[T]>,
  ): Promise<void> {
    await this.trx
      .updateTable(table as 'cards')
      .set({ ...(set as Updateable<CardTable>), updated_at: this.nowIso() })
      .where('id', '=', id)
      .execute();
  }

  private async insertRows<T extends BulkTable>(table: T, rows: Insertable<Database[T]>[]): Promise<void> {
    if (rows.length === 0) return;
    this.planner?.noteInserted(table, rows.length);
    await this.adapter.insertRows(this.trx, table, rows);
  }
}

function operationRow(o: OperationInput): Insertable<CardOperationTable> {
  return {
    op_type: o.opType,
    card_id: o.card?.id ?? null,
    resident_id: o.card?.resident_id ?? o.residentId ?? null,
    org_code: o.actor.institutionCode,
    region_code: o.card?.app_city_code ?? o.actor.regionCode,
    operator: o.operator,
    op_date: o.opTime.slice(0, 8),
    op_time: o.opTime,
    from_status: o.from ?? null,
    to_status: o.to ?? null,
    reason_code: o.reason ?? null,
    serial_no: o.serial,
    detail: o.detail ?? null,
  };
}
