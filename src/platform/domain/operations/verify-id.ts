// RHC_C0002 身份核验 (before issuance): is the ID number valid, does the name match, which cards exist?
import type * as C from '../../contracts.ts';
import { errorEntry } from '../../errors.ts';
import type { ResidentRow } from '../ledger/index.ts';
import { checkHolderId } from '../checks.ts';
import { auditLater } from '../context.ts';
import type { DomainContext } from '../context.ts';
import { assertPermitted } from '../institutions.ts';
import type { Caller } from '../institutions.ts';
import { maskId } from '../masking.ts';

export async function verifyId(
  ctx: DomainContext,
  caller: Caller,
  input: C.VerifyIdInput,
): Promise<C.VerifyIdOutput> {
  assertPermitted(caller, 'RHC_C0002');
  checkHolderId(ctx.clock, input);
  const resident = (await ctx.db
    .selectFrom('residents')
    .selectAll()
    .where('id_type', '=', input.idType)
    .where('id_no', '=', input.idNo)
    .executeTakeFirst()) as ResidentRow | undefined;
  auditLater(
    ctx,
    caller,
    'RHC_C0002',
    `id:${maskId(input.idNo)}${resident ? ` resident:${resident.id}` : ''}`,
  );
  if (!resident)
    return {
      resultCode: '0000',
      desc: '',
      checkDigitValid: true,
      nameMatches: true,
      residentExists: false,
      cards: [],
    };
  const cards = await ctx.db
    .selectFrom('cards')
    .selectAll()
    .where('resident_id', '=', resident.id)
    .orderBy('id')
    .execute();
  const nameMatches = resident.name === input.name;
  return {
    resultCode: nameMatches ? '0000' : '2003',
    desc: nameMatches ? '' : errorEntry('NAME_MISMATCH').zh,
    checkDigitValid: true,
    nameMatches,
    residentExists: true,
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
