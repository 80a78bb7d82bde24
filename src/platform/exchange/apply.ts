// Applies validated records of an up file to the province database, in batches, through the import's
// ledger (inside its one transaction). The rules (docs/exchange-format.md §6):
// - ownership: a record's card (appCityCode, or the stored card's) must lie in the sender's region;
// - status: a file carries the card's CURRENT state, so the stored status may move to it along any path
//   of the §5.2 table (30 → 90 directly, 10 → 30 via 20); a status not reachable (90 → 30, 30 → 10) is a
//   conflicting transition;
// - cross-city: a new live card for a holder who has a live card (20/30/40/50) of ANOTHER city is refused
//   (3011) — the other city cancels first, or the change goes online as 补/换 (RHC_C0006);
// - list effects follow lifecycle.listEffects, as for the online interfaces (the ledger writes them).
// The appliers per type: apply-cards.ts (KXX, HMD, BMD), apply-holders.ts (JMXX, CZRZ).
import { applyBlacklist, applyCards, applyWhitelist } from './apply-cards.ts';
import type { ApplyContext, Batch } from './apply-context.ts';
import { applyOplog, applyResidents } from './apply-holders.ts';
import type { ParsedRecord } from './format.ts';
import type { ExchangeType } from './layouts.ts';

export { newStats } from './apply-context.ts';
export type { ApplyContext, ApplyStats } from './apply-context.ts';

const BATCH = 1000;

const APPLIERS: Partial<Record<ExchangeType, (ctx: ApplyContext, batch: Batch) => Promise<void>>> = {
  KXX: applyCards,
  HMD: applyBlacklist,
  JMXX: applyResidents,
  BMD: applyWhitelist,
  CZRZ: applyOplog,
};

/** Collects records into batches and applies them; `finish()` applies the rest and flushes the ledger. */
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
  /** Applies the queued batch, then writes what the ledger queued (and refreshes planner statistics). */
  async drain(): Promise<void> {
    const b = this.batch;
    this.batch = [];
    if (b.length) await this.fn(this.ctx, b);
    await this.ctx.ledger.flush();
  }
  async finish(): Promise<void> {
    await this.drain();
  }
}
