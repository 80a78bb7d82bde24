// RHC_C0006 补换卡同步: the old card retires (→ 90, operation 07 补卡 / 08 换卡) and a new card with the same
// number and a new chip becomes active, both through the card ledger, idempotent by serialNo.
import type * as C from '../../contracts.ts';
import { RhcError } from '../../errors.ts';
import { checkRegion, findCard } from '../checks.ts';
import { nowParts } from '../context.ts';
import type { DomainContext } from '../context.ts';
import { writeOnce } from '../idempotency.ts';
import { assertPermitted } from '../institutions/index.ts';
import type { Caller } from '../institutions/index.ts';
import { REASON_CODES } from '../lifecycle.ts';

export async function syncReplacement(
  ctx: DomainContext,
  caller: Caller,
  input: C.ReplacementInput,
): Promise<C.ReplacementOutput> {
  assertPermitted(caller, 'RHC_C0006');
  if (!(input.reasonCode in REASON_CODES)) throw new RhcError('FIELD_FORMAT', { field: 'reasonCode' });
  if (input.oldChipSerial === input.newChipSerial)
    throw new RhcError('FIELD_FORMAT', {
      field: 'newChipSerial',
      detail: 'new chip serial must differ from the old one',
    });
  return writeOnce(
    ctx,
    caller,
    'RHC_C0006',
    input.serialNo,
    input,
    async (ledger) => {
      const old = await findCard(ledger.trx, input.cardNo, input.oldChipSerial, 'oldChipSerial');
      checkRegion(caller, old.app_city_code);
      const clash = await ledger.trx
        .selectFrom('cards')
        .select('id')
        .where('card_no', '=', input.cardNo)
        .where('chip_serial', '=', input.newChipSerial)
        .executeTakeFirst();
      if (clash) throw new RhcError('CARD_DUPLICATE', { field: 'newChipSerial' });
      const opType = input.type === '1' ? '07' : '08';
      const step = { actor: caller, operator: input.operator, serial: input.serialNo, opTime: input.opTime };
      const retired = await ledger.transition(old, '90', { ...step, reason: input.reasonCode, opType });
      const at = nowParts(ctx.clock).iso;
      const card = await ledger.createCard(
        {
          card_no: old.card_no,
          chip_serial: input.newChipSerial,
          resident_id: old.resident_id,
          card_factor: input.newCardFactor ?? null,
          security_code: input.newSecurityCode ?? null,
          card_type: old.card_type,
          spec_version: old.spec_version,
          issuer_org_code: old.issuer_org_code,
          issuer_org_name: old.issuer_org_name,
          issue_date: input.opTime.slice(0, 8),
          valid_until: input.newValidUntil,
          app_city_code: old.app_city_code,
          card_form: old.card_form,
          bank_account_masked: old.bank_account_masked,
          payment_methods: old.payment_methods,
          status: '30',
          status_reason: null,
          status_time: input.opTime,
          created_at: at,
          updated_at: at,
        },
        // logged as the replacement's new card, not as an issuance (01): issue counts exclude replacements
        { ...step, opType: 'newcard', reason: input.reasonCode, detail: `${opType} new card` },
      );
      return {
        oldStatus: '90',
        newStatus: '30',
        provinceCardId: String(card.id),
        blacklistVersion: retired.blacklistVersion ?? (await ledger.headVersion('B')).version,
      };
    },
    (o) => `card:${o.provinceCardId} type:${input.type}`,
  );
}
