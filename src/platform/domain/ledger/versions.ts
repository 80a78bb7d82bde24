// List versions (platform-interfaces.md §5.3): yyyyMMdd.nnnn, the server's date, counted per list and day;
// defined here once for the online interfaces, the exchange and the seed. A version names the list after
// one change: versions grow with the change sequence `seq` (every writer holds the `cards` writer lock).
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../storage/schema.ts';
import { listVersion } from '../format.ts';

/** The version of a list that has no change yet (clients start from it; RHC_C0007 gives them everything). */
export const EMPTY_LIST_VERSION = '00000000.0000';

export type ListType = 'B' | 'W';
export const LIST_TYPES: readonly ListType[] = ['B', 'W'];

export interface ListHead {
  seq: number;
  version: string;
}

type Db = Kysely<Database> | Transaction<Database>;

const EMPTY_HEAD: ListHead = { seq: 0, version: EMPTY_LIST_VERSION };

/** The latest change of a list (EMPTY_LIST_VERSION at seq 0 when it has none). */
export async function headVersion(db: Db, list: ListType): Promise<ListHead> {
  return latest(db, list);
}

/** The list's version as of change `seq` (the last change at or before it). */
export async function versionAt(db: Db, list: ListType, seq: number): Promise<ListHead> {
  return latest(db, list, seq);
}

async function latest(db: Db, list: ListType, atOrBefore?: number): Promise<ListHead> {
  let q = db.selectFrom('list_changes').select(['seq', 'version']).where('list_type', '=', list);
  if (atOrBefore !== undefined) q = q.where('seq', '<=', atOrBefore);
  const r = await q.orderBy('seq', 'desc').limit(1).executeTakeFirst();
  return r ? { seq: Number(r.seq), version: r.version } : EMPTY_HEAD;
}

/** The change sequence of a version of a list; undefined when the list never had that version. */
export async function seqOfVersion(db: Db, list: ListType, version: string): Promise<number | undefined> {
  const r = await db
    .selectFrom('list_changes')
    .select('seq')
    .where('list_type', '=', list)
    .where('version', '=', version)
    .executeTakeFirst();
  return r ? Number(r.seq) : undefined;
}

/**
 * Allocates versions: each (list, date) counter is read from the database once, then counted in memory, so
 * a 1 M-record import does not run a COUNT per entry. Valid while the holder keeps the `cards` writer lock
 * (or, for a bulk load, while nothing else writes).
 */
export class VersionCounter {
  private readonly counts = new Map<string, number>();

  constructor(private readonly db: Db) {}

  /** The next version of `list` on `date` (yyyyMMdd). */
  async next(list: ListType, date: string): Promise<string> {
    await this.ready(date);
    return this.take(list, date);
  }

  /** Like `next`, without an await per version (hot loops): `ready(date)` must have run. */
  take(list: ListType, date: string): string {
    const k = `${list}${date}`;
    const n = this.counts.get(k);
    if (n === undefined) throw new Error(`VersionCounter: call ready(${date}) first`);
    this.counts.set(k, n + 1);
    return listVersion(date, n + 1);
  }

  /** Reads the day's counters once. */
  async ready(date: string): Promise<void> {
    if (this.counts.has(`B${date}`)) return;
    const rows = await this.db
      .selectFrom('list_changes')
      .select(['list_type', (eb) => eb.fn.countAll<number>().as('n')])
      // a range, not LIKE, so the (list_type, version) index serves it ('/' sorts right after '.')
      .where('version', '>', `${date}.`)
      .where('version', '<', `${date}/`)
      .groupBy('list_type')
      .execute();
    for (const l of LIST_TYPES) this.counts.set(`${l}${date}`, 0);
    for (const r of rows) this.counts.set(`${r.list_type}${date}`, Number(r.n));
  }
}
