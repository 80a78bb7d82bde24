// RHC_C0003 卡验证 (every use of the card): status, validity and holder from the hot prepared lookup; each
// answered check leaves a buffered card-use record (operation 12) for the statistics.
import type * as C from '../../contracts.ts';
import { RhcError, errorEntry } from '../../errors.ts';
import type { ErrorName } from '../../errors.ts';
import { auditLater, nowParts } from '../context.ts';
import type { DomainContext } from '../context.ts';
import { HOLDER_VISIBLE_TO } from '../field-policy.ts';
import { assertPermitted } from '../institutions/index.ts';
import type { Caller } from '../institutions/index.ts';
import { CARD_STATUS } from '../lifecycle.ts';
import { maskId } from '../masking.ts';

export async function verifyCard(
  ctx: DomainContext,
  caller: Caller,
  input: C.VerifyCardInput,
): Promise<C.VerifyCardOutput> {
  assertPermitted(caller, 'RHC_C0003');
  ctx.reads?.read(caller, 'RHC_C0003', input.cardNo);
  const refuse = (name: ErrorName, field: string) => {
    const e = new RhcError(name, { field });
    auditLater(ctx, caller, 'RHC_C0003', `card:${maskId(input.cardNo)}`, e.code);
    return e;
  };
  const rows = await ctx.lookup(input.cardNo);
  if (rows.length === 0) throw refuse('CARD_NOT_FOUND', 'cardNo');
  const card = rows.find((r) => r.chip_serial === input.chipSerial);
  if (!card) throw refuse('CHIP_MISMATCH', 'chipSerial');
  if (
    input.securityCode !== undefined &&
    card.security_code !== null &&
    card.security_code !== input.securityCode
  )
    throw refuse('SECURITY_CODE_MISMATCH', 'securityCode');
  const n = nowParts(ctx.clock);
  let verdict: ErrorName = CARD_STATUS[card.status]?.verdict ?? 'INTERNAL';
  if (verdict === 'SUCCESS' && card.valid_until < n.date) verdict = 'CARD_EXPIRED';
  const entry = errorEntry(verdict);
  auditLater(ctx, caller, 'RHC_C0003', `card:${card.id} resident:${card.resident_id}`, entry.code);
  ctx.uses.push({
    card_id: card.id,
    resident_id: card.resident_id,
    org_code: caller.institutionCode,
    region_code: card.app_city_code,
    operator: caller.userName,
    op_date: (input.useTime ?? n.time).slice(0, 8),
    op_time: input.useTime ?? n.time,
    detail: [input.deptCode, input.terminalType, input.medStepCode].some((x) => x)
      ? `dept=${input.deptCode ?? ''};term=${input.terminalType ?? ''};step=${input.medStepCode ?? ''}`
      : null,
  });
  return {
    valid: verdict === 'SUCCESS',
    resultCode: entry.code,
    desc: verdict === 'SUCCESS' ? '' : entry.zh,
    status: card.status,
    ...(card.status_reason ? { statusReason: card.status_reason } : {}),
    validUntil: card.valid_until,
    onBlacklist: CARD_STATUS[card.status]?.lists.includes('B') ?? false,
    // the holder only for roles whose job needs it (field-policy.ts)
    ...(HOLDER_VISIBLE_TO.has(caller.role)
      ? {
          holder: {
            name: card.r_name,
            sex: card.r_sex,
            birthDate: card.r_birth_date,
            idType: card.r_id_type,
            idNo: card.r_id_no,
          },
          mainIndex: card.r_main_index,
        }
      : {}),
  };
}
