// The expiry sweep: active cards whose validity ended (valid_until before today, China time) move to 60 失效
// with reason 08 到期, through the card ledger (status, operations log, whitelist deletion). One transaction
// per batch, so a crash mid-sweep loses nothing and the next sweep continues. Verification already answers
// 3007 for such cards in between; the sweep makes the status, the lists and the statistics say so too.
import { SYSTEM_CALLER, auditEntry, nowParts } from './context.ts';
import type { DomainContext } from './context.ts';
import { CardLedger } from './ledger/index.ts';
import type { CardRow } from './ledger/index.ts';

export async function expireCards(
  ctx: DomainContext,
  o: { batch?: number } = {},
): Promise<{ expired: number }> {
  const batch = o.batch ?? 500;
  let expired = 0;
  for (;;) {
    const n = nowParts(ctx.clock);
    const done = await CardLedger.run(ctx, { clock: ctx.clock }, async (ledger) => {
      const due = (await ledger.trx
        .selectFrom('cards')
        .selectAll()
        .where('status', '=', '30')
        .where('valid_until', '<', n.date)
        .orderBy('valid_until')
        .limit(batch)
        .execute()) as CardRow[];
      for (const card of due)
        await ledger.transition(card, '60', {
          actor: SYSTEM_CALLER,
          reason: '08',
          operator: 'system',
          serial: null,
          opTime: n.time,
        });
      if (due.length > 0)
        await ctx.audit.writeInTransaction(
          ledger.trx,
          auditEntry(SYSTEM_CALLER, 'EXPIRE', `cards:${due.length}`, '0000', 'expiry-sweep'),
        );
      return due.length;
    });
    expired += done;
    if (done < batch) break;
  }
  return { expired };
}
