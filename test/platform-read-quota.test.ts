// Quotas on personal-data reads and the bulk-read alert (issue 13 §2). Before: any caller could verify
// residents as fast as the platform answered, and nothing in the audit stood out.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { seededRandom } from '../src/base/runtime.ts';
import { buildServer } from '../src/platform/api/server.ts';
import type { Caller } from '../src/platform/domain/institutions/index.ts';
import { PlatformService } from '../src/platform/domain/service.ts';
import { RhcError } from '../src/platform/errors.ts';
import { authRequest, idNumber, issuanceRequest, TestClock } from '../testkit/platform/fixtures.ts';
import type { Fixture } from '../testkit/platform/fixtures.ts';
import { sqliteTarget } from '../testkit/platform/suite.ts';

const LIMITS = {
  perUser: 3,
  perInstitution: 5,
  windowSeconds: 60,
  alertDistinct: 4,
  alertWindowSeconds: 600,
};

let svc: PlatformService;
let clock: TestClock;
let drop: () => Promise<void>;
const who: Record<string, Caller> = {};
const ids = [1, 2, 3, 4, 5, 6].map((i) => idNumber('610102', '19800101', 300 + i));

before(async () => {
  const opened = await sqliteTarget().open!();
  clock = new TestClock();
  svc = await PlatformService.open(opened.p, { clock, random: seededRandom(9), readQuota: LIMITS });
  drop = async () => {
    await svc.close();
    await opened.drop();
  };
  const creds: Fixture['creds'] = {};
  creds.city = await svc.registry.add(
    { code: '61010000-9', name: '市平台', role: 'city', regionCode: '610100' },
    'pw',
  );
  const clerk2 = await svc.registry.addUser('61010000-9', { userName: 'clerk2', role: 'query' }, 'pw2');
  creds.clerk2 = { ...creds.city, userName: clerk2.userName, password: clerk2.password };
  creds.other = await svc.registry.add(
    { code: '45075129-0', name: '医院', role: 'hospital', regionCode: '610102' },
    'pw',
  );
  for (const k of Object.keys(creds))
    who[k] = (await svc.registry.authenticate(authRequest(creds[k]!, clock, `T-${k}`))).caller;
});
after(() => drop());

const check = (c: Caller, i: number) => svc.verifyId(c, { idType: '01', idNo: ids[i]!, name: '王堃' });

async function over(p: Promise<unknown>) {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof RhcError, String(e));
    assert.equal(e.code, '1020');
    assert.ok(e.retryAfterSeconds! >= 1 && e.retryAfterSeconds! <= 60);
    return true;
  });
}

async function audited(action: string, outcome?: string) {
  await svc.flush();
  let q = svc.db
    .selectFrom('audit_log')
    .select(['user_name', 'subject', 'outcome'])
    .where('action', '=', action);
  if (outcome) q = q.where('outcome', '=', outcome);
  return q.execute();
}

test('a user over its quota gets 1020 until the window ends; the refusal is audited once', async () => {
  for (let i = 0; i < 3; i++) await check(who.city!, i);
  await over(check(who.city!, 3));
  await over(check(who.city!, 3));
  assert.equal((await audited('RHC_C0002', '1020')).length, 1);
  // another user of the same institution still has its own quota (the institution's is 5)
  await check(who.clerk2!, 0);
  await check(who.clerk2!, 1);
  await over(check(who.clerk2!, 2)); // institution: 3 + 2 = 5 reads in this window
  // other institutions are not affected
  await check(who.other!, 0);
  clock.advance(61);
  await check(who.city!, 3);
});

test('card verifications count too, and a bulk reader of distinct residents raises one alert', async () => {
  clock.advance(700); // fresh quota and alert windows
  await svc.syncIssuance(who.city!, issuanceRequest(ids[5]!, 'QQ00000001', 'q-1'));
  for (let i = 0; i < 3; i++) await svc.verifyCard(who.other!, { cardNo: ids[5]!, chipSerial: 'QQ00000001' });
  await over(svc.verifyCard(who.other!, { cardNo: ids[5]!, chipSerial: 'QQ00000001' }));
  // 5 distinct residents within the alert window (over two quota windows) → one ALERT_BULK_READ
  clock.advance(61);
  for (let i = 0; i < 3; i++) await check(who.other!, i);
  clock.advance(61);
  for (let i = 3; i < 5; i++) await check(who.other!, i);
  const alerts = await audited('ALERT_BULK_READ');
  assert.equal(alerts.length, 1);
  assert.equal(alerts[0]!.user_name, who.other!.userName);
  assert.doesNotMatch(alerts[0]!.subject, /\d{17}[\dX]/, 'no ID number in the alert');
});

test('over REST the answer is HTTP 429 with Retry-After', async () => {
  clock.advance(700);
  const app = await buildServer(svc, { clock });
  try {
    const r = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/token',
      payload: authRequest(
        {
          ...(await svc.registry.add(
            { code: '45075130-3', name: '医院二', role: 'hospital', regionCode: '610102' },
            'pw',
          )),
        },
        clock,
        'T-rest',
      ),
    });
    const token = r.json().token as string;
    const send = () =>
      app.inject({
        method: 'POST',
        url: '/api/v1/residents/verify-id',
        headers: { authorization: `Bearer ${token}` },
        payload: { idType: '01', idNo: ids[0], name: '王堃' },
      });
    for (let i = 0; i < 3; i++) assert.equal((await send()).statusCode, 200);
    const refused = await send();
    assert.equal(refused.statusCode, 429);
    assert.equal(refused.json().code, '1020');
    assert.ok(Number(refused.headers['retry-after']) >= 1);
  } finally {
    await app.close();
  }
});
