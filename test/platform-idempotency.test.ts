// Envelope idempotency (issue 13 §1, §4): the permission check comes before any cached answer, answers are
// kept per user and only for writes (no tokens, no holder data stored), and purged after the replay window.
// Before the fix a hospital auditor repeating a msgGuid got the cached RHC_C0002 answer, unaudited, and the
// table kept every answer forever.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { Caller } from '../src/platform/domain/institutions/index.ts';
import { RhcError } from '../src/platform/errors.ts';
import { authRequest, idNumber, issuanceRequest } from '../testkit/platform/fixtures.ts';
import { describeOnTargets, usePlatform } from '../testkit/platform/suite.ts';

describeOnTargets('envelope idempotency', (target) => {
  const { f } = usePlatform(target);
  let city: Caller;
  let hospital: Caller;
  let auditor: Caller;
  before(async () => {
    city = (await f.svc.registry.authenticate(authRequest(f.creds.city!, f.clock))).caller;
    hospital = (await f.svc.registry.authenticate(authRequest(f.creds.hospital!, f.clock))).caller;
    const a = await f.svc.registry.addUser(
      '45075129-0',
      { userName: 'audit1', role: 'auditor' },
      'pw-audit1',
    );
    auditor = (
      await f.svc.registry.authenticate(
        authRequest({ ...f.creds.hospital!, userName: a.userName, password: a.password }, f.clock, 'T-2'),
      )
    ).caller;
  });
  const msgRows = () =>
    f.p.db.selectFrom('idempotency').select(['serial_no']).where('business_code', '=', 'MSG').execute();

  test('reads run every time and are never stored; a refused caller gets no cached answer', async () => {
    const id = idNumber('610102', '19800101', 61);
    await f.svc.syncIssuance(city, issuanceRequest(id, 'BB00000061', 'i-61'));
    const input = { idType: '01', idNo: id, name: '王堃' };
    const msg = { guid: 'G-READ-1', digest: 'D1' };
    const run = (c: Caller) => () => f.svc.dispatch('RHC_C0002', c, input);
    const first = (await f.svc.onceByMessage(hospital, 'RHC_C0002', msg, run(hospital))) as {
      cards: unknown[];
    };
    assert.equal(first.cards.length, 1);
    assert.deepEqual(await msgRows(), []);
    await assert.rejects(f.svc.onceByMessage(auditor, 'RHC_C0002', msg, run(auditor)), (e: unknown) => {
      assert.ok(e instanceof RhcError);
      assert.equal(e.code, '1011');
      return true;
    });
  });

  test('write answers are kept per user: another user with the same msgGuid runs its own request', async () => {
    const cityAdmin2 = { ...city, userName: 'clerk2' };
    const a = issuanceRequest(idNumber('610102', '19800101', 62), 'BB00000062', 'i-62');
    const b = issuanceRequest(idNumber('610102', '19800101', 63), 'BB00000063', 'i-63');
    const msg = { guid: 'G-WRITE-1', digest: 'D2' };
    const one = await f.svc.onceByMessage(city, 'RHC_C0004', msg, () => f.svc.syncIssuance(city, a));
    const again = await f.svc.onceByMessage(city, 'RHC_C0004', msg, () => {
      throw new Error('a replay must not run the write again');
    });
    assert.deepEqual(again, one);
    const other = (await f.svc.onceByMessage(cityAdmin2, 'RHC_C0004', msg, () =>
      f.svc.syncIssuance(cityAdmin2, b),
    )) as { provinceCardId: string };
    assert.notEqual(other.provinceCardId, (one as { provinceCardId: string }).provinceCardId);
    assert.deepEqual(
      (await msgRows()).map((r) => r.serial_no).sort(),
      ['clerk2:G-WRITE-1', `${city.userName}:G-WRITE-1`].sort(),
    );
  });

  test('no token, holder name or ID number is kept: RHC_C0001 is never cached, write answers hold ids only', async () => {
    f.clock.advance(2);
    const login = authRequest(f.creds.city!, f.clock, 'T-9');
    const out = (await f.svc.onceByMessage(undefined, 'RHC_C0001', { guid: 'G-AUTH', digest: 'DA' }, () =>
      f.svc.authenticate(login),
    )) as { token: string };
    assert.ok(out.token);
    const rows = await f.p.db.selectFrom('idempotency').select(['business_code', 'response_json']).execute();
    assert.ok(rows.length > 0);
    for (const r of rows) {
      assert.doesNotMatch(r.response_json, new RegExp(out.token.slice(0, 16)), 'no token');
      assert.doesNotMatch(r.response_json, /\d{17}[\dX]/, `no ID number in ${r.business_code}`);
      assert.doesNotMatch(r.response_json, /王堃|token|holder/, `no holder data in ${r.business_code}`);
    }
  });

  test('answers older than the replay window are purged', async () => {
    const before = await f.p.db.selectFrom('idempotency').select(['serial_no', 'business_code']).execute();
    assert.ok(before.length > 0);
    assert.ok(
      before.some((r) => r.business_code === 'MSG') && before.some((r) => r.business_code !== 'MSG'),
      'both caches',
    );
    assert.equal(await f.svc.purgeIdempotency(7), 0);
    f.clock.advance(8 * 86_400);
    assert.equal(await f.svc.purgeIdempotency(7), before.length);
    assert.deepEqual(await f.p.db.selectFrom('idempotency').select('serial_no').execute(), []);
  });
});
