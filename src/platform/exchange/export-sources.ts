// The record sources of the exported files: each is ONE base query (tables, joins, conditions) read as a
// count and as keyset pages (constant memory) by `paged`, then mapped to the file's fields.
import type { Kysely, SelectQueryBuilder, Transaction } from 'kysely';
import { toWireTime } from '../domain/format.ts';
import { CARD_STATUS, OP_TYPES } from '../domain/lifecycle.ts';
import type { Database } from '../storage/schema.ts';

export type Db = Kysely<Database> | Transaction<Database>;
export type Row = Record<string, string | null | undefined>;

/** A record of a file with the key of its source row (what a hold refers to, held.ts) and its holder's. */
export interface Keyed {
  key: number;
  row: Row;
  /** The key of the holder's record in the file type the layout names as `heldWith` (KXX → JMXX). */
  parent?: number;
}

export interface Source {
  count(db: Db): Promise<number>;
  pages(db: Db): AsyncGenerator<Keyed[]>;
  /** The records of these keys that the file covers (held records re-checked before an export). */
  only(db: Db, keys: readonly number[]): Promise<Keyed[]>;
  /**
   * The records of these keys whatever range the file covers — for sources of state (a card, a resident,
   * a log row), where a record released from a hold can go out in any later file. Absent for list deltas.
   */
  anywhere?(db: Db, keys: readonly number[]): Promise<Keyed[]>;
}

const PAGE = 5000;
const NUMERIC_OPS = Object.keys(OP_TYPES).filter((k) => /^\d\d$/.test(k));

// the sources' queries differ in tables and columns; `paged` only adds count, key, order and limit
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnySelect = SelectQueryBuilder<any, any, any>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Paged = Record<string, any> & { k: number };

interface PagedSpec {
  base(db: Db): AnySelect;
  /** The base without the file's range (sources of state only, see Source.anywhere). */
  scope?(db: Db): AnySelect;
  /** Column of the holder's key (Keyed.parent). */
  parent?: string;
  /** The integer key the pages follow (selected as `k`). */
  key: string;
  /** Columns of each record; 'all' = every column of the base table. */
  columns: readonly string[] | 'all';
  map(rows: Paged[], db: Db): Row[] | Promise<Row[]>;
}

function paged(spec: PagedSpec): Source {
  const select = (db: Db, from = spec.base) => {
    const q = from(db);
    const cols = (spec.columns === 'all' ? q.selectAll() : q.select(spec.columns as string[])).select(
      `${spec.key} as k`,
    );
    return spec.parent ? cols.select(`${spec.parent} as p`) : cols;
  };
  const keyed = async (rows: Paged[], db: Db): Promise<Keyed[]> =>
    (await spec.map(rows, db)).map((row, i) => {
      const r = rows[i]!;
      return { key: Number(r.k), row, ...(r.p != null ? { parent: Number(r.p) } : {}) };
    });
  const byKeys = async (db: Db, keys: readonly number[], from = spec.base) => {
    const out: Keyed[] = [];
    for (let i = 0; i < keys.length; i += 500) {
      const rows = (await select(db, from)
        .where(spec.key, 'in', keys.slice(i, i + 500))
        .orderBy(spec.key)
        .execute()) as Paged[];
      out.push(...(await keyed(rows, db)));
    }
    return out;
  };
  const scope = spec.scope;
  return {
    only: (db, keys) => byKeys(db, keys),
    ...(scope ? { anywhere: (db: Db, keys: readonly number[]) => byKeys(db, keys, scope) } : {}),
    async count(db) {
      const r = await spec
        .base(db)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },
    async *pages(db) {
      let after = 0;
      for (;;) {
        const rows = (await select(db)
          .where(spec.key, '>', after)
          .orderBy(spec.key)
          .limit(PAGE)
          .execute()) as Paged[];
        if (rows.length === 0) return;
        yield await keyed(rows, db);
        after = Number(rows[rows.length - 1]!.k);
        if (rows.length < PAGE) return;
      }
    },
  };
}

/** Highest card/resident id the operations log mentions up to sequence `since` (0 when since = 0). */
export async function maxLoggedId(db: Db, col: 'card_id' | 'resident_id', since: number): Promise<number> {
  if (since <= 0) return 0;
  const r = await db
    .selectFrom('card_operations')
    .select((eb) => eb.fn.max(col).as('m'))
    .where('id', '<=', since)
    .executeTakeFirst();
  return Number(r?.m ?? 0);
}

/** Ids of `col` the operations log touched in (since, head], verifications (12) not counted. */
function touched(db: Db, col: 'card_id' | 'resident_id', since: number, head: number) {
  return db
    .selectFrom('card_operations')
    .select(col)
    .where('id', '>', since)
    .where('id', '<=', head)
    .where(col, 'is not', null)
    .where('op_type', '<>', '12');
}

/**
 * A = created in this range (or a full file), U = existed before: rows are created in id order and each
 * creation is logged, so "known before" = id ≤ the highest id logged by `since`.
 */
async function opOf(db: Db, mode: 'F' | 'D', col: 'card_id' | 'resident_id', since: number) {
  const knownUpTo = await maxLoggedId(db, col, since);
  return (k: number) => (mode === 'F' || k > knownUpTo ? 'A' : 'U');
}

/** KXX: the region's cards (D: those the log touched) with their holders' keys. */
export function cardsSource(mode: 'F' | 'D', since: number, head: number, prefix: string): Source {
  const scope = (db: Db) =>
    db
      .selectFrom('cards as c')
      .innerJoin('residents as r', 'r.id', 'c.resident_id')
      .where('c.app_city_code', 'like', `${prefix}%`);
  return paged({
    base: (db) =>
      mode === 'D' ? scope(db).where('c.id', 'in', touched(db, 'card_id', since, head) as never) : scope(db),
    scope,
    parent: 'c.resident_id',
    key: 'c.id',
    columns: [
      'c.card_no',
      'c.chip_serial',
      'c.card_factor',
      'c.security_code',
      'c.card_type',
      'c.spec_version',
      'c.issuer_org_code',
      'c.issuer_org_name',
      'c.issue_date',
      'c.valid_until',
      'c.app_city_code',
      'c.card_form',
      'c.status',
      'c.status_time',
      'r.id_type',
      'r.id_no',
      'r.main_index',
    ],
    map: async (rows, db) => {
      const op = await opOf(db, mode, 'card_id', since);
      return rows.map((c) => ({
        op: op(c.k),
        cardNo: c.card_no,
        chipSerial: c.chip_serial,
        cardFactor: c.card_factor,
        securityCode: c.security_code,
        cardType: c.card_type,
        specVersion: c.spec_version,
        issuerOrgCode: c.issuer_org_code,
        issuerOrgName: c.issuer_org_name,
        issueDate: c.issue_date,
        validUntil: c.valid_until,
        appCityCode: c.app_city_code,
        cardForm: c.card_form,
        status: c.status,
        statusTime: c.status_time,
        idType: c.id_type,
        idNo: c.id_no,
        mainIndex: c.main_index,
      }));
    },
  });
}

/** JMXX: residents (D: those the log touched). */
export function residentsSource(mode: 'F' | 'D', since: number, head: number): Source {
  const scope = (db: Db) => db.selectFrom('residents');
  return paged({
    base: (db) =>
      mode === 'D'
        ? scope(db).where('id', 'in', touched(db, 'resident_id', since, head) as never)
        : scope(db),
    scope,
    key: 'id',
    columns: 'all',
    map: async (rows, db) => {
      const op = await opOf(db, mode, 'resident_id', since);
      return rows.map((r) => ({
        op: op(r.k),
        mainIndex: r.main_index,
        healthRecordNo: r.health_record_no,
        name: r.name,
        sex: r.sex,
        nation: r.nation,
        birthDate: r.birth_date,
        idType: r.id_type,
        idNo: r.id_no,
        phone1: r.phone1,
        address1Type: r.address1_type,
        address1: r.address1,
        address2Type: r.address2_type,
        address2: r.address2,
        ncmsNo: r.ncms_no,
        updateTime: toWireTime(new Date(r.updated_at)),
      }));
    },
  });
}

/** List changes in (since, head]; `collapse`: the LAST change per card only (a file holds one line per card). */
export function listDeltaSource(
  list: 'B' | 'W',
  since: number,
  head: number,
  collapse: boolean,
  prefix = '',
): Source {
  const inRange = (db: Db) =>
    db
      .selectFrom('list_changes')
      .where('list_type', '=', list)
      .where('seq', '>', since)
      .where('seq', '<=', head);
  return paged({
    base: (db) => {
      // a city's list also holds other cities' cards pulled from the province: only its own go up
      const q = inRange(db).where('app_city_code', 'like', `${prefix}%`);
      if (!collapse) return q;
      const last = inRange(db)
        .select((eb) => eb.fn.max('seq').as('m'))
        .groupBy(['card_no', 'chip_serial']);
      return q.where('seq', 'in', last as never);
    },
    key: 'seq',
    columns: 'all',
    map: (rows) =>
      rows.map((r) => ({
        op: r.op,
        cardNo: r.card_no,
        chipSerial: r.chip_serial,
        status: r.status,
        reasonCode: r.reason_code,
        effectiveTime: r.effective_time,
        appCityCode: r.app_city_code,
      })),
  });
}

/** Current members of a list (cards in the list's statuses), optionally of one region prefix. */
export function listFullSource(
  list: 'B' | 'W',
  prefix: string,
  shape: 'list' | 'white',
  maxCardId?: number,
): Source {
  const statuses = Object.keys(CARD_STATUS).filter((s) => CARD_STATUS[s]!.lists.includes(list));
  const base = (db: Db) => {
    const q = db
      .selectFrom('cards')
      .where('status', 'in', statuses)
      .where('app_city_code', 'like', `${prefix}%`);
    return maxCardId === undefined ? q : q.where('id', '<=', maxCardId);
  };
  return paged({
    base,
    scope: base, // a full list: what it does not cover is not on the list
    key: 'id',
    columns: [
      'card_no',
      'chip_serial',
      'status',
      'status_reason',
      'status_time',
      'app_city_code',
      'issuer_org_code',
      'valid_until',
    ],
    map: (rows) =>
      rows.map((r) =>
        shape === 'white'
          ? {
              cardNo: r.card_no,
              chipSerial: r.chip_serial,
              issuerOrgCode: r.issuer_org_code,
              appCityCode: r.app_city_code,
              validUntil: r.valid_until,
            }
          : {
              op: 'A',
              cardNo: r.card_no,
              chipSerial: r.chip_serial,
              status: r.status,
              reasonCode: r.status_reason,
              effectiveTime: r.status_time,
              appCityCode: r.app_city_code,
            },
      ),
  });
}

/** CZRZ: the operations log in (since, head] (numeric operation types), with the cards' keys. */
export function oplogSource(since: number, head: number): Source {
  const scope = (db: Db) =>
    db
      .selectFrom('card_operations as o')
      .leftJoin('cards as c', 'c.id', 'o.card_id')
      .where('o.op_type', 'in', NUMERIC_OPS);
  return paged({
    base: (db) => scope(db).where('o.id', '>', since).where('o.id', '<=', head),
    scope,
    key: 'o.id',
    columns: ['o.op_time', 'o.org_code', 'o.operator', 'o.op_type', 'c.card_no', 'c.chip_serial', 'o.detail'],
    map: (rows) =>
      rows.map((r) => ({
        opSerial: String(r.k),
        opTime: r.op_time,
        orgCode: r.org_code,
        operator: r.operator,
        opType: r.op_type,
        cardNo: r.card_no,
        chipSerial: r.chip_serial,
        result: '0',
        detail: r.detail,
      })),
  });
}
