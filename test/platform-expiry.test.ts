// The expiry sweep: active cards past their validity move to 60 失效 (reason 08) with an operations-log
// row and a whitelist deletion; other states are left alone; a second sweep changes nothing; extending the
// validity (RHC_C0010) brings the card back to 30. On every database target.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { Caller } from '../src/platform/domain/institutions/index.ts';
import { authRequest, idNumber, issuanceRequest } from '../testkit/platform/fixtures.ts';
import { describeOnTargets, usePlatform } from '../testkit/platform/suite.ts';

describeOnTargets('expiry sweep', (target) => {
  const { f } = usePlatform(target);
  let city: Caller;
  const due = idNumber('610102', '19600101', 51);
  const frozen = idNumber('610102', '19600101', 52);
  const later = idNumber('610102', '19600101', 53);

  before(async () => {
    const a = await f.svc.authenticate(authRequest(f.creds.city!, f.clock));
    city = await f.svc.registry.callerFromToken(a.token);
    const issue = async (id: string, chip: string, validUntil: string) => {
      const req = issuanceRequest(id, chip, `exp-${chip}`);
      req.card.validUntil = validUntil;
      await f.svc.syncIssuance(city, req);
    };
    await issue(due, 'EXP0000051', '20260701');
    await issue(frozen, 'EXP0000052', '20260701');
    await issue(later, 'EXP0000053', '20360701');
    await f.svc.syncStatus(city, {
      cardNo: frozen,
      chipSerial: 'EXP0000052',
      oldStatus: '30',
      newStatus: '50',
      reasonCode: '09',
      opTime: '20260601100000',
      opOrgCode: '61010000-9',
      operator: 'op',
      serialNo: 'exp-freeze',
    });
  });

  test('nothing is due before the validity ends', async () => {
    assert.deepEqual(await f.svc.expireCards(), { expired: 0 });
  });

  test('active cards past valid_until become 60 with log, list and audit; a re-run changes nothing', async () => {
    const w0 = await f.svc.getList(city, { listType: 'W' });
    f.clock.advance(31 * 86_400); // 2026-07-02
    assert.deepEqual(await f.svc.expireCards({ batch: 1 }), { expired: 1 });
    const cards = await f.p.db
      .selectFrom('cards')
      .select(['card_no', 'status', 'status_reason'])
      .orderBy('card_no')
      .execute();
    assert.deepEqual(
      cards.map((c) => [c.card_no, c.status, c.status_reason]),
      [
        [due, '60', '08'],
        [frozen, '50', '09'],
        [later, '30', null],
      ],
    );
    const op = await f.p.db
      .selectFrom('card_operations')
      .select(['op_type', 'org_code', 'from_status', 'to_status', 'reason_code', 'op_date'])
      .where('op_type', '=', 'expire')
      .execute();
    assert.deepEqual(op, [
      {
        op_type: 'expire',
        org_code: 'RHC-SYSTEM',
        from_status: '30',
        to_status: '60',
        reason_code: '08',
        op_date: '20260702',
      },
    ]);
    const delta = await f.svc.getList(city, { listType: 'W', haveVersion: w0.version });
    assert.deepEqual(
      delta.entries.map((e) => [e.op, e.cardNo]),
      [['D', due]],
    );
    const v = await f.svc.verifyCard(city, { cardNo: due, chipSerial: 'EXP0000051' });
    assert.deepEqual([v.valid, v.status, v.resultCode], [false, '60', '3007']);
    assert.deepEqual(await f.svc.expireCards(), { expired: 0 });
    await f.svc.flush();
    const audit = await f.p.db
      .selectFrom('audit_log')
      .select(['action', 'subject', 'user_name'])
      .where('action', '=', 'EXPIRE')
      .execute();
    assert.deepEqual(audit, [{ action: 'EXPIRE', subject: 'cards:1', user_name: 'system' }]);
  });

  test('extending the validity of an expired card makes it active again', async () => {
    const r = await f.svc.updateCard(city, {
      cardNo: due,
      chipSerial: 'EXP0000051',
      changes: { validUntil: '20360701' },
      operator: 'op',
      alterNo: 'exp-extend',
      alterTime: '20260702100000',
    });
    assert.equal(r.status, '30');
  });
});
