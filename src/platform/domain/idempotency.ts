// Idempotent writes (platform-interfaces.md §2.3). A write runs once per (institution, business code,
// serialNo) inside one ledger transaction with its audit entry; a retry with the same request gets the first
// answer, a different request under the same serial is refused (1012). Envelope messages (msgGuid) likewise.
import { INTERFACES } from '../contracts.ts';
import { RhcError } from '../errors.ts';
import { auditEntry, auditLater, auditRefusal, nowParts } from './context.ts';
import type { DomainContext } from './context.ts';
import { assertPermitted } from './institutions/index.ts';
import type { Caller } from './institutions/index.ts';
import { CardLedger } from './ledger/index.ts';
import { sm3Hex } from './secrets.ts';

/**
 * Runs `work` once per (caller's institution, code, serial) through the card ledger; the audit entry
 * (`subjectOf` the answer) is written in the same transaction, and a replay is audited too.
 */
export async function writeOnce<T>(
  ctx: DomainContext,
  caller: Caller,
  code: string,
  serial: string,
  input: unknown,
  work: (ledger: CardLedger) => Promise<T>,
  subjectOf: (out: T) => string,
): Promise<T> {
  const digest = sm3Hex(JSON.stringify(input));
  const result = await CardLedger.run(ctx, { clock: ctx.clock }, async (ledger) => {
    const trx = ledger.trx;
    const seen = await trx
      .selectFrom('idempotency')
      .select(['request_digest', 'response_json'])
      .where('institution_code', '=', caller.institutionCode)
      .where('business_code', '=', code)
      .where('serial_no', '=', serial)
      .executeTakeFirst();
    if (seen) {
      if (seen.request_digest !== digest) throw new RhcError('SERIAL_CONFLICT', { field: 'serialNo' });
      return { replay: true, value: JSON.parse(seen.response_json) as T };
    }
    const value = await work(ledger);
    await ctx.audit.writeInTransaction(trx, auditEntry(caller, code, subjectOf(value)));
    await trx
      .insertInto('idempotency')
      .values({
        institution_code: caller.institutionCode,
        business_code: code,
        serial_no: serial,
        request_digest: digest,
        response_json: JSON.stringify(value),
        created_at: nowParts(ctx.clock).iso,
      })
      .execute();
    return { replay: false, value };
  });
  if (result.replay) auditLater(ctx, caller, code, `${subjectOf(result.value)} retry:${serial}`);
  return result.value;
}

/**
 * Envelope-level idempotency (§2.3 msgGuid / msg_guid) for the interfaces that write: a repeated message id
 * of the same user returns the first successful answer (audited as a replay); the same id with a different
 * message is refused (1012). The permission check comes first, so no one is answered from the cache who may
 * not call the interface; reads and RHC_C0001 run again (never cached: no tokens or holder data stored).
 */
export async function onceByMessage<T>(
  ctx: DomainContext,
  caller: Caller | undefined,
  code: string,
  msg: { guid: string; digest: string },
  work: () => Promise<T>,
): Promise<T> {
  const def = INTERFACES.find((d) => d.code === code);
  if (!caller || !def?.writes) return work();
  try {
    assertPermitted(caller, code);
  } catch (err) {
    auditRefusal(ctx, caller, code, err);
    throw err;
  }
  const key = { institution: caller.institutionCode, serial: `${caller.userName}:${msg.guid}` };
  const seen = await ctx.db
    .selectFrom('idempotency')
    .select(['request_digest', 'response_json'])
    .where('institution_code', '=', key.institution)
    .where('business_code', '=', 'MSG')
    .where('serial_no', '=', key.serial)
    .executeTakeFirst();
  if (seen) {
    if (seen.request_digest !== msg.digest) throw new RhcError('SERIAL_CONFLICT', { field: 'msgGuid' });
    auditLater(ctx, caller, code, `retry msg:${msg.guid}`);
    return JSON.parse(seen.response_json) as T;
  }
  const value = await work();
  await ctx.db
    .insertInto('idempotency')
    .values({
      institution_code: key.institution,
      business_code: 'MSG',
      serial_no: key.serial,
      request_digest: msg.digest,
      response_json: JSON.stringify(value),
      created_at: nowParts(ctx.clock).iso,
    })
    .onConflict((oc) => oc.doNothing())
    .execute();
  return value;
}

/** Default replay window (days): covers the longest offline period of a hospital front-end machine. */
export const DEFAULT_REPLAY_WINDOW_DAYS = 7;

/** Forgets answers older than the replay window; a retry after it runs the write again (then 1012/duplicate). */
export async function purgeIdempotency(ctx: DomainContext, windowDays: number): Promise<number> {
  const before = new Date(ctx.clock.now().getTime() - windowDays * 86_400_000).toISOString();
  const r = await ctx.db.deleteFrom('idempotency').where('created_at', '<', before).executeTakeFirst();
  return Number(r.numDeletedRows);
}
