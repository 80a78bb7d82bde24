// Idempotent writes (platform-interfaces.md §2.3). A write runs once per (institution, business code,
// serialNo) inside one ledger transaction with its audit entry; a retry with the same request gets the first
// answer, a different request under the same serial is refused (1012). Envelope messages (msgGuid) likewise.
import { RhcError } from '../errors.ts';
import { auditEntry, auditLater, nowParts } from './context.ts';
import type { DomainContext } from './context.ts';
import type { Caller } from './institutions.ts';
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
 * Envelope-level idempotency (§2.3 msgGuid / msg_guid): a repeated message id returns the first
 * successful answer; the same id with a different message is refused (1012).
 */
export async function onceByMessage<T>(
  ctx: DomainContext,
  institutionCode: string,
  msgGuid: string,
  messageDigest: string,
  work: () => Promise<T>,
): Promise<T> {
  const seen = await ctx.db
    .selectFrom('idempotency')
    .select(['request_digest', 'response_json'])
    .where('institution_code', '=', institutionCode)
    .where('business_code', '=', 'MSG')
    .where('serial_no', '=', msgGuid)
    .executeTakeFirst();
  if (seen) {
    if (seen.request_digest !== messageDigest) throw new RhcError('SERIAL_CONFLICT', { field: 'msgGuid' });
    return JSON.parse(seen.response_json) as T;
  }
  const value = await work();
  await ctx.db
    .insertInto('idempotency')
    .values({
      institution_code: institutionCode,
      business_code: 'MSG',
      serial_no: msgGuid,
      request_digest: messageDigest,
      response_json: JSON.stringify(value),
      created_at: nowParts(ctx.clock).iso,
    })
    .onConflict((oc) => oc.doNothing())
    .execute();
  return value;
}
