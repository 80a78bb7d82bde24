// RHC_C0010 卡信息变更: changes a card's validity, type, payment methods, bank account or issuer (operation
// 11), idempotent by alterNo; an expired card whose validity is extended becomes active again (§5.2 60 → 30).
import type { Updateable } from 'kysely';
import type * as C from '../../contracts.ts';
import { RhcError } from '../../errors.ts';
import type { CardTable } from '../../storage/schema.ts';
import { checkRegion, findCard } from '../checks.ts';
import { nowParts } from '../context.ts';
import type { DomainContext } from '../context.ts';
import { CARD_FIELDS_BY_ROLE } from '../field-policy.ts';
import type { CardField } from '../field-policy.ts';
import { parseWireTime } from '../format.ts';
import { writeOnce } from '../idempotency.ts';
import { assertPermitted } from '../institutions/index.ts';
import type { Caller } from '../institutions/index.ts';

type Rewrite = C.UpdateCardOutput['cardRewrite'];

export async function updateCard(
  ctx: DomainContext,
  caller: Caller,
  input: C.UpdateCardInput,
): Promise<C.UpdateCardOutput> {
  assertPermitted(caller, 'RHC_C0010');
  const ch = input.changes;
  if (Object.keys(ch).length === 0) throw new RhcError('FIELD_MISSING', { field: 'changes' });
  if (ch.validUntil && !parseWireTime(`${ch.validUntil}000000`))
    throw new RhcError('FIELD_FORMAT', { field: 'changes.validUntil' });
  if (ch.validUntil && ch.validUntil < nowParts(ctx.clock).date)
    throw new RhcError('FIELD_FORMAT', {
      field: 'changes.validUntil',
      detail: 'a validity date in the past',
    });
  const mayChange = CARD_FIELDS_BY_ROLE[caller.role];
  for (const k of Object.keys(ch) as CardField[])
    if (!mayChange.includes(k))
      throw new RhcError('NOT_PERMITTED', {
        field: `changes.${k}`,
        detail: `an institution of role ${caller.role} may not change ${k}`,
      });
  const out = await writeOnce(
    ctx,
    caller,
    'RHC_C0010',
    input.alterNo,
    input,
    async (ledger) => {
      const card = await findCard(ledger.trx, input.cardNo, input.chipSerial);
      checkRegion(caller, card.app_city_code);
      if (card.status === '90') throw new RhcError('CARD_CANCELLED', { field: 'cardNo' });
      const set: Updateable<CardTable> = {};
      if (ch.validUntil) set.valid_until = ch.validUntil;
      if (ch.cardType) set.card_type = ch.cardType;
      if (ch.paymentMethods) set.payment_methods = ch.paymentMethods.join(',');
      if (ch.bankAccountMasked) set.bank_account_masked = ch.bankAccountMasked;
      if (ch.issuerOrgCode) set.issuer_org_code = ch.issuerOrgCode;
      await ledger.updateCard(card.id, set);
      const step = {
        actor: caller,
        operator: input.operator,
        serial: input.alterNo,
        opTime: input.alterTime,
      };
      await ledger.logOperation({
        ...step,
        opType: '11',
        card,
        from: card.status,
        to: card.status,
        detail: Object.keys(ch).join(','),
      });
      // only a card that ran out of validity (reason 08 到期, or none given) comes back with a new validity;
      // a card made invalid for another reason (e.g. 06 死亡) stays 60 (§5.2)
      if (card.status === '60' && (card.status_reason ?? '08') === '08' && ch.validUntil)
        await ledger.transition(card, '30', { ...step, reason: '05', opType: '11' });
      // EF05 items (card type, issuer) are written only at personalisation; EF08 items at a terminal
      const rewrite: Rewrite =
        ch.cardType || ch.issuerOrgCode
          ? 'replace'
          : ch.validUntil || ch.paymentMethods
            ? 'terminal'
            : 'none';
      return { cardRewrite: rewrite, status: card.status, cardId: card.id };
    },
    (o) => `card:${o.cardId} fields:${Object.keys(ch).join(',')}`,
  );
  return { cardRewrite: out.cardRewrite, status: out.status };
}
