// RHC_C0002 身份核验 (before issuance): is the ID number valid, does the name match, which cards exist?
// A wrong name learns only that it is wrong: no main index, no cards (minimum necessary).
import type * as C from '../../contracts.ts';
import { errorEntry } from '../../errors.ts';
import { checkHolderId } from '../checks.ts';
import { auditLater } from '../context.ts';
import type { DomainContext } from '../context.ts';
import { assertPermitted } from '../institutions/index.ts';
import type { Caller } from '../institutions/index.ts';
import type { ResidentRow } from '../ledger/index.ts';
import { maskId } from '../masking.ts';

export async function verifyId(
  ctx: DomainContext,
  caller: Caller,
  input: C.VerifyIdInput,
): Promise<C.VerifyIdOutput> {
  assertPermitted(caller, 'RHC_C0002');
  checkHolderId(ctx.clock, input);
  ctx.reads?.read(caller, 'RHC_C0002', input.idNo);
  const resident = (await ctx.db
    .selectFrom('residents')
    .selectAll()
    .where('id_type', '=', input.idType)
    .where('id_no', '=', input.idNo)
    .executeTakeFirst()) as ResidentRow | undefined;
  const nameMatches = !resident || resident.name === input.name;
  const mismatch = errorEntry('NAME_MISMATCH');
  const subject = `id:${maskId(input.idNo)}${resident ? ` resident:${resident.id}` : ''}`;
  auditLater(ctx, caller, 'RHC_C0002', subject, nameMatches ? '0000' : mismatch.code);
  const answer = { checkDigitValid: true, nameMatches, residentExists: !!resident };
  if (!resident) return { resultCode: '0000', desc: '', ...answer, cards: [] };
  if (!nameMatches) return { resultCode: mismatch.code, desc: mismatch.zh, ...answer, cards: [] };
  const cards = await ctx.db
    .selectFrom('cards')
    .selectAll()
    .where('resident_id', '=', resident.id)
    .orderBy('id')
    .execute();
  return {
    resultCode: '0000',
    desc: '',
    ...answer,
    mainIndex: resident.main_index,
    ...(resident.health_record_no ? { healthRecordNo: resident.health_record_no } : {}),
    cards: cards.map((c) => ({
      cardNo: c.card_no,
      chipSerial: c.chip_serial,
      status: c.status,
      issueDate: c.issue_date,
      issuerOrgCode: c.issuer_org_code,
      appCityCode: c.app_city_code,
    })),
  };
}
