// The audit is complete (issue 13 §5): authorization refusals (1011) are audited with their code as the
// real user — from the operations, the envelope idempotency check and the exchange routes; replies served
// from an idempotency cache are audited; a RHC_C0002 name mismatch is recorded with 2003, not 0000. Before
// the fix no 1011 left an audit entry.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { Caller } from '../src/platform/domain/institutions/index.ts';
import { authRequest, idNumber, issuanceRequest, lossReport } from '../testkit/platform/fixtures.ts';
import { describeOnTargets, usePlatform } from '../testkit/platform/suite.ts';

describeOnTargets('complete audit', (target) => {
  const { f, server } = usePlatform(target, { server: {} });
  let city: Caller;
  let hospital: Caller;
  let auditor: Caller;
  let auditorToken: string;
  before(async () => {
    city = (await f.svc.registry.authenticate(authRequest(f.creds.city!, f.clock))).caller;
    hospital = (await f.svc.registry.authenticate(authRequest(f.creds.hospital!, f.clock))).caller;
    const a = await f.svc.registry.addUser(
      '45075129-0',
      { userName: 'audit1', role: 'auditor' },
      'pw-audit1',
    );
    const login = await f.svc.authenticate(
      authRequest({ ...f.creds.hospital!, userName: a.userName, password: a.password }, f.clock, 'T-2'),
    );
    auditorToken = login.token;
    auditor = await f.svc.registry.callerFromToken(login.token);
  });
  const entries = async (action: string, user?: string) => {
    await f.svc.flush();
    let q = f.p.db.selectFrom('audit_log').selectAll().where('action', '=', action);
    if (user) q = q.where('user_name', '=', user);
    return q.orderBy('seq').execute();
  };

  test('a 1011 from an operation is audited with 1011 as the real user', async () => {
    const input = { idType: '01', idNo: idNumber('610102', '19800101', 71), name: '王堃' };
    await assert.rejects(f.svc.dispatch('RHC_C0002', auditor, input), /1011/);
    const rows = await entries('RHC_C0002', 'audit1');
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.institution_code, '45075129-0');
    assert.equal(rows[0]!.outcome, '1011');
    assert.doesNotMatch(rows[0]!.subject, /\d{17}/, 'no ID number in the subject');
  });

  test('a 1011 of the envelope idempotency check (writes) is audited', async () => {
    const req = issuanceRequest(idNumber('610102', '19800101', 72), 'CC00000072', 'i-72');
    await assert.rejects(
      f.svc.onceByMessage(auditor, 'RHC_C0004', { guid: 'G-72', digest: 'D' }, () =>
        f.svc.syncIssuance(auditor, req),
      ),
      /1011/,
    );
    const rows = await entries('RHC_C0004', 'audit1');
    assert.deepEqual(
      rows.map((r) => r.outcome),
      ['1011'],
    );
  });

  test('a 1011 of the exchange routes is audited as the real user', async () => {
    const r = await server.app.inject({
      method: 'GET',
      url: '/api/v1/exchange/status?type=KXX',
      headers: { authorization: `Bearer ${auditorToken}` },
    });
    assert.equal(r.statusCode, 403);
    const rows = await entries('EXCHANGE_STATUS', 'audit1');
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.outcome, '1011');
  });

  test('replies from the idempotency caches are audited (serialNo and msgGuid)', async () => {
    const req = issuanceRequest(idNumber('610102', '19800101', 73), 'CC00000073', 'i-73');
    await f.svc.syncIssuance(city, req);
    await f.svc.syncIssuance(city, req);
    const msg = { guid: 'G-73', digest: 'D73' };
    const lost = lossReport(req.card.cardNo, req.card.chipSerial, 's-73');
    await f.svc.onceByMessage(hospital, 'RHC_C0005', msg, () => f.svc.syncStatus(hospital, lost));
    await f.svc.onceByMessage(hospital, 'RHC_C0005', msg, () => f.svc.syncStatus(hospital, lost));
    const issued = await entries('RHC_C0004', city.userName);
    assert.match(issued.at(-1)!.subject, /retry:i-73$/);
    const status = await entries('RHC_C0005', hospital.userName);
    assert.match(status.at(-1)!.subject, /retry msg:G-73$/);
  });

  test('a RHC_C0002 name mismatch is recorded with 2003', async () => {
    const id = idNumber('610102', '19800101', 74);
    await f.svc.syncIssuance(city, issuanceRequest(id, 'CC00000074', 'i-74'));
    const out = await f.svc.verifyId(hospital, { idType: '01', idNo: id, name: '李四' });
    assert.equal(out.nameMatches, false);
    const rows = await entries('RHC_C0002', hospital.userName);
    assert.equal(rows.at(-1)!.outcome, '2003');
  });
});
