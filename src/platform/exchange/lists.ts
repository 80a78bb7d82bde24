// List-change writing for imports: the same version scheme as PlatformService (yyyyMMdd.nnnn, server
// date, counted per list and day; platform-interfaces.md §5.3) but allocated once per import and then
// counted in memory, so a 1 M-record file does not run a COUNT per entry. The caller holds the writer
// lock (one transaction; advisory lock 5150001 on PostgreSQL, as the service).
// TODO(platform): move into PlatformService as a public `appendListChanges(trx, rows)`.
import type { Transaction } from 'kysely';
import type { DialectAdapter } from '../../storage/index.ts';
import { listVersion } from '../domain/format.ts';
import type { Database } from '../storage/schema.ts';
import { insertRows } from './apply.ts';
import type { WriteTarget } from './apply.ts';

export interface ListRow {
  list_type: 'B' | 'W';
  op: 'A' | 'D';
  card_no: string;
  chip_serial: string;
  status: string;
  reason_code: string | null;
  effective_time: string;
  app_city_code: string;
}

export async function lockWriters(trx: Transaction<Database>, adapter: DialectAdapter): Promise<void> {
  await adapter.lock(trx, 'cards');
}

export class ListVersions {
  private readonly next: Record<'B' | 'W', number>;
  private pending: (ListRow & { version: string })[] = [];
  private readonly target: WriteTarget;
  private readonly date: string;
  readonly heads: Partial<Record<'B' | 'W', string>> = {};
  private constructor(target: WriteTarget, date: string, next: Record<'B' | 'W', number>) {
    // list rows are not looked up by the import: no planner statistics to keep
    this.target = { trx: target.trx, adapter: target.adapter };
    this.date = date;
    this.next = next;
  }

  /** Reads today's counters of both lists once; afterwards versions are counted in memory. */
  static async open(target: WriteTarget, date: string): Promise<ListVersions> {
    const { trx } = target;
    const rows = await trx
      .selectFrom('list_changes')
      .select(['list_type', (eb) => eb.fn.countAll<number>().as('n')])
      // a range, not LIKE, so the (list_type, version) index serves it ('/' sorts right after '.')
      .where('version', '>', `${date}.`)
      .where('version', '<', `${date}/`)
      .groupBy('list_type')
      .execute();
    const next = { B: 0, W: 0 };
    for (const r of rows) if (r.list_type === 'B' || r.list_type === 'W') next[r.list_type] = Number(r.n);
    return new ListVersions(target, date, next);
  }

  /** Allocates the next version of the row's list and queues the row (written by `flush`). */
  add(row: ListRow): void {
    const n = ++this.next[row.list_type];
    const version = listVersion(this.date, n);
    this.heads[row.list_type] = version;
    this.pending.push({ ...row, version });
  }

  /** Rows queued and not yet written. */
  get pendingCount(): number {
    return this.pending.length;
  }

  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const rows = this.pending;
    this.pending = [];
    await insertRows(this.target, 'list_changes', rows);
  }
}
