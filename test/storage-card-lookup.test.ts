// The verification lookup (storage/card-lookup.ts) on a file-backed SQLite database: it reads committed
// data only — while an async transaction holds the main connection it must not see that transaction's
// writes — and it sees a commit as soon as it happens.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { bulkLoad } from '../src/platform/seed/bulk.ts';
import { createCardLookup } from '../src/platform/storage/card-lookup.ts';
import { openDatabase } from '../src/platform/storage/db.ts';

describe('card lookup (SQLite, file-backed)', () => {
  it('never sees an open transaction’s writes, and sees them once committed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rhc-lookup-'));
    const path = join(dir, 'p.db');
    const p = await openDatabase(`sqlite:${path}`);
    const lookup = createCardLookup(p);
    try {
      await bulkLoad(p, 50, { seed: 2, today: '20260601', now: '2026-06-01T02:00:00.000Z' });
      const card = await p.db
        .selectFrom('cards')
        .select(['card_no', 'chip_serial', 'status'])
        .where('status', '=', '30')
        .executeTakeFirstOrThrow();
      const statusOf = async () =>
        (await lookup(card.card_no)).find((r) => r.chip_serial === card.chip_serial)?.status;
      assert.equal(await statusOf(), '30');

      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let written!: () => void;
      const wrote = new Promise<void>((r) => (written = r));
      const trx = p.db.transaction().execute(async (t) => {
        await t
          .updateTable('cards')
          .set({ status: '50' })
          .where('card_no', '=', card.card_no)
          .where('chip_serial', '=', card.chip_serial)
          .execute();
        written();
        await held; // the transaction stays open across this await, holding the main connection
      });
      await wrote;
      assert.equal(p.sqlite!.inTransaction, true);
      assert.equal(await statusOf(), '30', 'an uncommitted status is invisible to verification');
      release();
      await trx;
      assert.equal(await statusOf(), '50', 'the commit is visible to the next lookup');
    } finally {
      lookup.close();
      await p.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
