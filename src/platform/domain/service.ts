// The platform service: the ten interfaces of platform-interfaces.md §4 (operations/, one file each) over
// the storage, shared by every binding (REST, SOAP, SOAP envelope, JSON gateway). It builds the operations'
// context, runs the flush and expiry timers, and dispatches business codes through the operations table.
// Every write goes through the card ledger in one transaction, idempotent by (institution, code, serialNo).
import type { Kysely } from 'kysely';
import type { Clock, Random } from '../../base/runtime.ts';
import type * as C from '../contracts.ts';
import { RhcError } from '../errors.ts';
import type { PlatformDb } from '../storage/db.ts';
import { createCardLookup } from '../storage/card-lookup.ts';
import type { Database } from '../storage/schema.ts';
import { AuditTrail } from './audit.ts';
import { writeCheckpoint } from './audit-checkpoint.ts';
import type { AuditCheckpoint } from './audit-checkpoint.ts';
import { auditRefusal } from './context.ts';
import type { DomainContext } from './context.ts';
import { expireCards } from './expiry-sweep.ts';
import { DEFAULT_REPLAY_WINDOW_DAYS, onceByMessage, purgeIdempotency } from './idempotency.ts';
import { InstitutionRegistry } from './institutions/index.ts';
import type { Caller } from './institutions/index.ts';
import * as op from './operations/index.ts';
import type { CallerBusinessCode } from './operations/index.ts';
import { renewToken, signOut } from './operations/session.ts';
import { DEFAULT_READ_QUOTA, ReadQuota } from './read-quota.ts';
import type { ReadQuotaLimits } from './read-quota.ts';
import { UseRecords } from './use-records.ts';

export { SYSTEM_CALLER } from './context.ts';

export interface ServiceOptions {
  clock: Clock;
  random: Random;
  /** Audit / use-record flush period in ms (0 = no timer; call flush()). */
  flushIntervalMs?: number;
  /** Period of the expiry sweep in ms (active cards past valid_until → 60); unset = no timer. */
  expiryIntervalMs?: number;
  /** Days an idempotency answer is kept for retries (default 7; purged by the expiry sweep's timer, which also
   * signs an audit checkpoint). */
  replayWindowDays?: number;
  /** Quotas on personal-data reads (default DEFAULT_READ_QUOTA); false only for load benches. */
  readQuota?: ReadQuotaLimits | false;
}

export class PlatformService {
  readonly db: Kysely<Database>;
  readonly registry: InstitutionRegistry;
  readonly audit: AuditTrail;
  private readonly ctx: DomainContext;
  private readonly storage: PlatformDb;
  private timer: NodeJS.Timeout | undefined;
  private expiryTimer: NodeJS.Timeout | undefined;

  private constructor(ctx: DomainContext, p: PlatformDb, o: ServiceOptions) {
    this.ctx = ctx;
    this.storage = p;
    this.db = ctx.db;
    this.registry = ctx.registry;
    this.audit = ctx.audit;
    if (o.flushIntervalMs) {
      this.timer = setInterval(
        () => void this.flush().catch((e) => console.error('rhc: audit flush failed', e)),
        o.flushIntervalMs,
      );
      this.timer.unref();
    }
    if (o.expiryIntervalMs) {
      const days = o.replayWindowDays ?? DEFAULT_REPLAY_WINDOW_DAYS;
      const sweep = () =>
        void this.expireCards()
          .then(() => purgeIdempotency(this.ctx, days))
          .then(() => this.checkpoint())
          .catch((e) => console.error('rhc: expiry sweep failed', e));
      this.expiryTimer = setInterval(sweep, o.expiryIntervalMs);
      this.expiryTimer.unref();
      setImmediate(sweep); // once at start: a platform that was down over midnight catches up
    }
  }

  static async open(p: PlatformDb, o: ServiceOptions): Promise<PlatformService> {
    let ctx: DomainContext = {
      db: p.db,
      adapter: p.adapter,
      clock: o.clock,
      random: o.random,
      registry: await InstitutionRegistry.open(p.db, o.clock, o.random),
      audit: await AuditTrail.open(p, o.clock),
      lookup: createCardLookup(p),
      uses: new UseRecords(),
      reads: undefined,
    };
    const reads =
      o.readQuota === false
        ? undefined
        : new ReadQuota(o.readQuota ?? DEFAULT_READ_QUOTA, o.clock, ctx.audit);
    ctx = { ...ctx, reads };
    return new PlatformService(ctx, p, o);
  }

  /** Writes buffered audit entries and card-use records. */
  async flush(): Promise<void> {
    await this.ctx.uses.flush(this.ctx.db, this.ctx.adapter);
    await this.ctx.audit.flush();
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.expiryTimer) clearInterval(this.expiryTimer);
    await this.flush();
    await this.checkpoint();
    this.ctx.lookup.close();
  }

  /** Flushes and signs a checkpoint of the audit trail (hourly with the sweep, at close, on demand). */
  async checkpoint(): Promise<AuditCheckpoint> {
    await this.ctx.audit.flush();
    return writeCheckpoint(this.storage, this.ctx.audit.key, this.ctx.clock);
  }

  /** Runs the expiry sweep now (the timer runs it every expiryIntervalMs). */
  expireCards(o: { batch?: number } = {}): Promise<{ expired: number }> {
    return expireCards(this.ctx, o);
  }

  /** Envelope-level idempotency (§2.3 msgGuid) of writes, per user, after the permission check: idempotency.ts. */
  onceByMessage<T>(
    caller: Caller | undefined,
    code: string,
    msg: { guid: string; digest: string },
    work: () => Promise<T>,
  ): Promise<T> {
    return onceByMessage(this.ctx, caller, code, msg, work);
  }

  /** Forgets idempotency answers older than `days` (the replay window); returns how many. */
  purgeIdempotency(days = DEFAULT_REPLAY_WINDOW_DAYS): Promise<number> {
    return purgeIdempotency(this.ctx, days);
  }

  // the ten interfaces, typed (tests and in-process callers); bindings go through dispatch
  authenticate(input: C.AuthenticateInput, meta: op.RequestMeta = {}): Promise<C.AuthenticateOutput> {
    return op.authenticate(this.ctx, input, meta);
  }
  verifyId(caller: Caller, input: C.VerifyIdInput): Promise<C.VerifyIdOutput> {
    return op.verifyId(this.ctx, caller, input);
  }
  verifyCard(caller: Caller, input: C.VerifyCardInput): Promise<C.VerifyCardOutput> {
    return op.verifyCard(this.ctx, caller, input);
  }
  syncIssuance(caller: Caller, input: C.IssuanceInput): Promise<C.IssuanceOutput> {
    return op.syncIssuance(this.ctx, caller, input);
  }
  syncStatus(caller: Caller, input: C.StatusSyncInput): Promise<C.StatusSyncOutput> {
    return op.syncStatus(this.ctx, caller, input);
  }
  syncReplacement(caller: Caller, input: C.ReplacementInput): Promise<C.ReplacementOutput> {
    return op.syncReplacement(this.ctx, caller, input);
  }
  getList(caller: Caller, input: C.ListInput): Promise<C.ListOutput> {
    return op.getList(this.ctx, caller, input);
  }
  statistics(caller: Caller, input: C.StatisticsInput): Promise<C.StatisticsOutput> {
    return op.statistics(this.ctx, caller, input);
  }
  updateResident(caller: Caller, input: C.UpdateResidentInput): Promise<C.UpdateResidentOutput> {
    return op.updateResident(this.ctx, caller, input);
  }
  updateCard(caller: Caller, input: C.UpdateCardInput): Promise<C.UpdateCardOutput> {
    return op.updateCard(this.ctx, caller, input);
  }

  /** Session operations (contracts.ts SESSION_OPERATIONS) for the token the call carries. */
  session(code: string, token: string | undefined): Promise<unknown> {
    if (code === 'SESSION_RENEW') return renewToken(this.ctx, token);
    if (code === 'SESSION_SIGN_OUT') return signOut(this.ctx, token);
    throw new RhcError('UNKNOWN_BUSINESS_CODE', { field: 'businessCode' });
  }

  /** One entry point for every binding: business code → operation (operations/index.ts). */
  async dispatch(
    code: string,
    caller: Caller | undefined,
    input: unknown,
    meta: op.RequestMeta = {},
  ): Promise<unknown> {
    if (code === 'RHC_C0001') return this.authenticate(input as C.AuthenticateInput, meta);
    if (!caller) throw new RhcError('TOKEN_INVALID', { detail: 'token missing' });
    const operation = Object.hasOwn(op.CALLER_OPERATIONS, code)
      ? op.CALLER_OPERATIONS[code as CallerBusinessCode]
      : undefined;
    if (!operation) throw new RhcError('UNKNOWN_BUSINESS_CODE', { field: 'businessCode' });
    try {
      return await operation(this.ctx, caller, input as never);
    } catch (err) {
      auditRefusal(this.ctx, caller, code, err);
      throw err;
    }
  }
}
