// The authorization matrix, cell by cell (issue 13 §1): every interface × institution role × user role, on
// data of the caller's region and of another region, over REST and over SOAP (a client built from the served
// WSDL). The expectation of each cell comes from src/platform/domain/authorization.ts — the same tables
// docs/authorization.md is generated from (drift-checked below) — and the answer must be 1011 exactly when
// the cell says refused. Allowed calls may still fail for business reasons (a card already frozen: 3009).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, test } from 'node:test';
import soap from 'soap';
import { gb11714CheckChar } from '../src/codes/index.ts';
import { INTERFACES } from '../src/platform/contracts.ts';
import type { BusinessCode } from '../src/platform/contracts.ts';
import { authorizationMatrix, exchangeMatrix } from '../src/platform/domain/authorization.ts';
import type { ExchangeRoute } from '../src/platform/domain/authorization.ts';
import { TYPES } from '../src/platform/exchange/layouts.ts';
import type { MatrixCell } from '../src/platform/domain/authorization.ts';
import { ROLES, USER_ROLES } from '../src/platform/domain/institutions/index.ts';
import type { IssuedCredentials, Role, UserRole } from '../src/platform/domain/institutions/index.ts';
import { AUTHZ_DOC, renderAuthorizationMarkdown } from '../scripts/authz-doc.ts';
import { authRequest, idNumber, issuanceRequest } from '../testkit/platform/fixtures.ts';
import { describeOnTargets, usePlatform } from '../testkit/platform/suite.ts';

const NS = 'urn:rhc:platform:soap:v1';
type SoapClient = soap.Client & Record<string, (args: unknown) => Promise<unknown>>;

test('docs/authorization.md is generated from the tables (regenerate: npm run docs:authz)', () => {
  assert.equal(readFileSync(AUTHZ_DOC, 'utf8'), renderAuthorizationMarkdown());
});

/** Region of the institutions under test (a county of city 6101) and the two regions of data. */
const HOME: Record<Role, string> = {
  province: '610000',
  city: '610100',
  hospital: '610102',
  frontend: '610102',
  maker: '610100',
  bank: '610100',
};
const DATA = { own: { city: '610100', scope: '6101' }, other: { city: '610200', scope: '6102' } } as const;
type Where = keyof typeof DATA;

describeOnTargets('authorization matrix', (target) => {
  const { f, server } = usePlatform(target, { server: {}, listen: true });
  const tokens = new Map<string, string>();
  const cards: Record<Where, { id: string; chip: string }> = {
    own: { id: idNumber('610102', '19700101', 901), chip: 'DD00000901' },
    other: { id: idNumber('610202', '19700101', 902), chip: 'DD00000902' },
  };
  let n = 0;
  const next = () => ++n;
  const userKey = (role: Role, userRole: UserRole) => `${role}/${userRole}`;
  const codeOf = new Map<Role, string>();

  before(async () => {
    const city = (await f.svc.registry.authenticate(authRequest(f.creds.city!, f.clock))).caller;
    const cityB = (await f.svc.registry.authenticate(authRequest(f.creds.cityB!, f.clock))).caller;
    await f.svc.syncIssuance(city, issuanceRequest(cards.own.id, cards.own.chip, 'm-own'));
    await f.svc.syncIssuance(
      cityB,
      issuanceRequest(cards.other.id, cards.other.chip, 'm-other', { appCityCode: '610200' }),
    );
    for (const [i, role] of ROLES.entries()) {
      const body = `6199${String(i).padStart(4, '0')}`;
      const code = `${body}-${gb11714CheckChar(body)}`;
      codeOf.set(role, code);
      const admin = await f.svc.registry.add(
        { code, name: `${role} 测试`, role, regionCode: HOME[role] },
        'pw',
      );
      for (const userRole of USER_ROLES) {
        const user =
          userRole === 'admin'
            ? admin
            : await f.svc.registry.addUser(code, { userName: `u-${userRole}`, role: userRole }, 'pw');
        const creds: IssuedCredentials = { ...admin, userName: user.userName, password: user.password };
        f.clock.advance(1);
        const r = await fetch(`${server.base}/api/v1/auth/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(authRequest(creds, f.clock, `T-${userRole}`)),
        });
        assert.equal(r.status, 200, await r.clone().text());
        tokens.set(userKey(role, userRole), ((await r.json()) as { token: string }).token);
      }
    }
  });

  /** A minimal valid request of `code` by an institution of `role`, aimed at data of `where`. */
  function request(code: BusinessCode, role: Role, where: Where): unknown {
    const card = cards[where];
    const k = next();
    const common = { operator: 'op', opOrgCode: codeOf.get(role)! };
    switch (code) {
      case 'RHC_C0002':
        return { idType: '01', idNo: card.id, name: '王堃' };
      case 'RHC_C0003':
        return { cardNo: card.id, chipSerial: card.chip };
      case 'RHC_C0004':
        return issuanceRequest(
          idNumber('610102', '19750101', k),
          `EE${String(k).padStart(8, '0')}`,
          `m-${k}`,
          {
            appCityCode: DATA[where].city,
          },
        );
      case 'RHC_C0005':
        return {
          ...common,
          cardNo: card.id,
          chipSerial: card.chip,
          oldStatus: '30',
          newStatus: '50',
          reasonCode: '09',
          opTime: '20260601120000',
          serialNo: `m-${k}`,
        };
      case 'RHC_C0006':
        return {
          ...common,
          cardNo: card.id,
          oldChipSerial: card.chip,
          newChipSerial: `FF${String(k).padStart(8, '0')}`,
          type: '2',
          reasonCode: '04',
          newValidUntil: '20360601',
          opTime: '20260601120000',
          serialNo: `m-${k}`,
        };
      case 'RHC_C0007':
        return { listType: 'B', scope: DATA[where].scope };
      case 'RHC_C0008':
        return { action: 'query', regionCode: DATA[where].scope };
      case 'RHC_C0009':
        return {
          idType: '01',
          idNo: card.id,
          changes: { phone1: '13900000000' },
          alterNo: `m-${k}`,
          alterTime: '20260601120000',
          operator: 'op',
        };
      case 'RHC_C0010':
        return {
          cardNo: card.id,
          chipSerial: card.chip,
          changes: role === 'bank' ? { bankAccountMasked: '6222****1234' } : { validUntil: '20400101' },
          alterNo: `m-${k}`,
          alterTime: '20260601120000',
          operator: 'op',
        };
      default:
        throw new Error(`no request for ${code}`);
    }
  }

  const cellsToCall = (): [MatrixCell, Where][] =>
    authorizationMatrix()
      .filter((c) => c.code !== 'RHC_C0001')
      .flatMap((c) => (['own', 'other'] as const).map((w): [MatrixCell, Where] => [c, w]));
  const refusedExpected = (c: MatrixCell, where: Where) =>
    !c.allowed || (where === 'other' && !c.otherRegion);

  test('RHC_C0001: every user of every role logs in', () => {
    assert.equal(tokens.size, ROLES.length * USER_ROLES.length);
  });

  test('REST: 1011 exactly where the matrix refuses', async () => {
    const wrong: string[] = [];
    for (const [c, where] of cellsToCall()) {
      const def = INTERFACES.find((d) => d.code === c.code)!;
      const r = await fetch(`${server.base}/api/v1${def.path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${tokens.get(userKey(c.role, c.userRole))}`,
        },
        body: JSON.stringify(request(c.code, c.role, where)),
      });
      const body = (await r.json()) as { code?: string };
      const refused = r.status !== 200 && body.code === '1011';
      if (refused !== refusedExpected(c, where))
        wrong.push(
          `${c.code} ${c.role}/${c.userRole} ${where}: ${r.status} ${JSON.stringify(body).slice(0, 160)}`,
        );
    }
    assert.deepEqual(wrong, []);
  });

  test('SOAP: 1011 exactly where the matrix refuses', async () => {
    const client = (await soap.createClientAsync(`${server.base}/soap/rhc?wsdl`)) as SoapClient;
    const wrong: string[] = [];
    for (const [c, where] of cellsToCall()) {
      const def = INTERFACES.find((d) => d.code === c.code)!;
      client.clearSoapHeaders();
      client.addSoapHeader({ RhcAuth: { token: tokens.get(userKey(c.role, c.userRole)) } }, '', 'tns', NS);
      let fault: string | undefined;
      try {
        await client[`${def.op}Async`]!(request(c.code, c.role, where));
      } catch (err) {
        const root = (
          err as {
            root?: { Envelope?: { Body?: { Fault?: { detail?: { RhcFault?: { code?: string } } } } } };
          }
        ).root;
        fault = root?.Envelope?.Body?.Fault?.detail?.RhcFault?.code ?? String(err);
      }
      if ((fault === '1011') !== refusedExpected(c, where))
        wrong.push(`${c.code} ${c.role}/${c.userRole} ${where}: ${fault ?? 'ok'}`);
    }
    assert.deepEqual(wrong, []);
  });

  test('exchange routes: 1011 exactly where the matrix refuses, the real user audited', async () => {
    const upType = Object.values(TYPES).find((t) => t.direction === 'up')!.code;
    const call: Record<ExchangeRoute, (token: string) => Promise<Response>> = {
      status: (t) =>
        fetch(`${server.base}/api/v1/exchange/status?type=${upType}`, {
          headers: { authorization: `Bearer ${t}` },
        }),
      lists: (t) =>
        fetch(`${server.base}/api/v1/exchange/lists/SBMD`, { headers: { authorization: `Bearer ${t}` } }),
      // a malformed file name: an allowed caller gets 1002 (nothing imported), a refused one 1011 first
      upload: (t) =>
        fetch(`${server.base}/api/v1/exchange/files/not-a-file-name`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${t}`, 'content-type': 'text/plain' },
          body: 'x',
        }),
    };
    const wrong: string[] = [];
    for (const c of exchangeMatrix()) {
      const r = await call[c.route](tokens.get(userKey(c.role, c.userRole))!);
      const text = await r.text();
      const body = (r.headers.get('content-type')?.includes('json') ? JSON.parse(text) : {}) as {
        code?: string;
      };
      const refused = r.status === 403 && body.code === '1011';
      if (refused === c.allowed)
        wrong.push(`${c.route} ${c.role}/${c.userRole}: ${r.status} ${body.code ?? ''}`);
    }
    assert.deepEqual(wrong, []);
    await f.svc.audit.flush();
    const refusals = await f.svc.db
      .selectFrom('audit_log')
      .select(['institution_code', 'user_name', 'action'])
      .where('action', 'like', 'EXCHANGE_%')
      .where('outcome', '=', '1011')
      .execute();
    assert.ok(
      refusals.some((a) => a.institution_code === codeOf.get('city') && a.user_name === 'u-auditor'),
      'a refused city auditor is audited by name',
    );
    const listReads = await f.svc.db
      .selectFrom('audit_log')
      .select(['user_name'])
      .where('action', '=', 'EXCHANGE_LIST_SBMD')
      .where('outcome', '=', '0000')
      .execute();
    assert.ok(
      listReads.some((a) => a.user_name === 'u-operator'),
      'list downloads are audited by user',
    );
  });
});
