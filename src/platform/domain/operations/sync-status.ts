// RHC_C0005 状态同步: one step of the §5.2 life cycle (loss, freeze, thaw, cancel …) for a card of the
// caller's region, with its operations-log row and list changes, idempotent by serialNo.
import type * as C from '../../contracts.ts';
import { RhcError } from '../../errors.ts';
import { checkRegion, findCard } from '../checks.ts';
import type { DomainContext } from '../context.ts';
import { writeOnce } from '../idempotency.ts';
import { assertPermitted } from '../institutions/index.ts';
import type { Caller } from '../institutions/index.ts';
import { CARD_STATUS, REASON_CODES } from '../lifecycle.ts';

export async function syncStatus(
  ctx: DomainContext,
  caller: Caller,
  input: C.StatusSyncInput,
): Promise<C.StatusSyncOutput> {
  assertPermitted(caller, 'RHC_C0005');
  if (!(input.newStatus in CARD_STATUS))
    throw new RhcError('FIELD_FORMAT', { field: 'newStatus', detail: 'unknown status code' });
  if (!(input.reasonCode in REASON_CODES))
    throw new RhcError('FIELD_FORMAT', { field: 'reasonCode', detail: 'unknown reason code' });
  const out = await writeOnce(
    ctx,
    caller,
    'RHC_C0005',
    input.serialNo,
    input,
    async (ledger) => {
      const card = await findCard(ledger.trx, input.cardNo, input.chipSerial);
      checkRegion(caller, card.app_city_code);
      if (card.status !== input.oldStatus)
        throw new RhcError('TRANSITION_NOT_ALLOWED', {
          field: 'oldStatus',
          detail: `current status is ${card.status}`,
        });
      const r = await ledger.transition(card, input.newStatus, {
        actor: caller,
        reason: input.reasonCode,
        operator: input.operator,
        serial: input.serialNo,
        opTime: input.opTime,
      });
      return {
        currentStatus: card.status,
        blacklistVersion: r.blacklistVersion ?? (await ledger.headVersion('B')).version,
        cardId: card.id,
      };
    },
    (o) => `card:${o.cardId} ${input.oldStatus}->${input.newStatus}`,
  );
  return { currentStatus: out.currentStatus, blacklistVersion: out.blacklistVersion };
}
