// The audit trail writes through the storage adapter (no dialect branch of its own): locks, write
// transactions and bulk inserts are the adapter's, on SQLite and PostgreSQL alike.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { DialectAdapter } from '../src/storage/index.ts';
import { AuditTrail, verifyAuditChain } from '../src/platform/domain/audit.ts';
import type { PlatformDb } from '../src/platform/storage/db.ts';
import { skipLoudly } from '../testkit/dialects.ts';
import { dbTargets } from '../testkit/platform/fixtures.ts';

const clock = { now: () => new Date('2026-06-01T00:00:00Z') };

function entry(subject: string) {
  return { institutionCode: 'a', userName: 'u', action: 'RHC_C0003', purpose: 'p', subject, outcome: '0000' };
}

/** The real adapter, recording which of its methods the trail called. */
function spying(a: DialectAdapter, calls: string[]): DialectAdapter {
  return new Proxy(a, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        calls.push(prop === 'lock' ? `lock:${String(args[1])}` : String(prop));
        return v.apply(target, args);
      };
    },
  });
}

for (const target of dbTargets()) {
  describe(`audit trail over the storage adapter (${target.name})`, () => {
    let p: PlatformDb;
    let drop: () => Promise<void>;
    before(async () => {
      if (target.open) ({ p, drop } = await target.open());
    });
    after(async () => drop?.());

    test('flush and writeInTransaction lock `audit` and insert through the adapter', async (t) => {
      if (!target.open) return skipLoudly(t, target.skip!);
      const calls: string[] = [];
      const spied: PlatformDb = { ...p, adapter: spying(p.adapter, calls) };
      const trail = await AuditTrail.open(spied, clock);
      trail.append(entry('card:1'));
      trail.append(entry('card:2'));
      await trail.flush();
      assert.deepEqual(calls, ['writeTransaction', 'lock:audit', 'insertRows']);
      calls.length = 0;
      await p.db.transaction().execute((trx) => trail.writeInTransaction(trx, entry('card:3')));
      assert.deepEqual(calls, ['lock:audit', 'insertRows']);
      const rows = await p.db.selectFrom('audit_log').select('subject').orderBy('seq').execute();
      assert.deepEqual(
        rows.map((r) => r.subject),
        ['card:1', 'card:2', 'card:3'],
      );
      assert.equal((await verifyAuditChain(p.db)).ok, true);
    });
  });
}
