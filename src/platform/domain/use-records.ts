// Card-use records (operation 12 用卡): one per successful RHC_C0003 verification. Verification is the hot
// read, so its log rows are buffered and written in bulk by flush() instead of one INSERT per check.
import type { Kysely } from 'kysely';
import type { DialectAdapter } from '../../storage/index.ts';
import type { Database } from '../storage/schema.ts';

export interface UseRecord {
  card_id: number;
  resident_id: number;
  org_code: string;
  region_code: string;
  operator: string;
  op_date: string;
  op_time: string;
  detail: string | null;
}

export class UseRecords {
  private pending: UseRecord[] = [];

  push(u: UseRecord): void {
    this.pending.push(u);
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  /** Writes the buffered records in one transaction (a failed write keeps them for the next flush). */
  async flush(db: Kysely<Database>, adapter: DialectAdapter): Promise<void> {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    const rows = batch.map((u) => ({
      ...u,
      op_type: '12',
      from_status: null,
      to_status: null,
      reason_code: null,
      serial_no: null,
    }));
    try {
      await adapter.writeTransaction(db, (trx) => adapter.insertRows(trx, 'card_operations', rows));
    } catch (err) {
      this.pending = [...batch, ...this.pending];
      throw err;
    }
  }
}
