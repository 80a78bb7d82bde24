// Users of an institution and their roles: what a user may call is the institution role's interfaces ∩
// the user role's; disabling a user or changing its role applies to tokens already issued. Over REST, on
// every database target, plus the `rhc institution user …` commands.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import {
  USER_ROLES,
  USER_ROLE_PERMISSIONS,
  permittedCodes,
} from '../src/platform/domain/institutions/index.ts';
import type { IssuedCredentials } from '../src/platform/domain/institutions/index.ts';
import { authRequest, idNumber, issuanceRequest } from '../testkit/platform/fixtures.ts';
import { describeOnTargets, usePlatform } from '../testkit/platform/suite.ts';

describeOnTargets('institution users and roles', (target) => {
  const { f, server } = usePlatform(target, { server: {} });
  const post = server.post;
  const signIn = async (c: IssuedCredentials) => {
    f.clock.advance(1);
    const r = await post('/auth/token', authRequest(c, f.clock));
    assert.equal(r.statusCode, 200, r.body);
    return r.json() as { token: string; allowedCodes: string[] };
  };
  /** The city's credentials with another user name and password. */
  const asUser = (userName: string, password: string): IssuedCredentials => ({
    ...f.creds.city!,
    userName,
    password,
  });
  const id = idNumber('610102', '19770707', 41);

  before(async () => {
    const admin = await signIn(f.creds.city!);
    const r = await post('/cards/issuance', issuanceRequest(id, 'CHIP000041', 'users-1'), admin.token);
    assert.equal(r.statusCode, 200, r.body);
  });

  test('a query user verifies cards but may not change them; allowedCodes say so', async () => {
    const u = await f.svc.registry.addUser('61010000-9', { userName: 'doctor1', role: 'query' });
    assert.match(u.password, /^[0-9a-f]{24}$/);
    const s = await signIn(asUser('doctor1', u.password));
    assert.deepEqual(s.allowedCodes, ['RHC_C0001', 'RHC_C0002', 'RHC_C0003', 'RHC_C0007', 'RHC_C0008']);
    const v = await post('/cards/verify', { cardNo: id, chipSerial: 'CHIP000041' }, s.token);
    assert.equal(v.statusCode, 200, v.body);
    assert.equal(v.json().valid, true);
    const w = await post(
      '/cards/status',
      {
        cardNo: id,
        chipSerial: 'CHIP000041',
        oldStatus: '30',
        newStatus: '40',
        reasonCode: '01',
        opTime: '20260601100000',
        opOrgCode: '61010000-9',
        operator: 'doctor1',
        serialNo: 'users-2',
      },
      s.token,
    );
    assert.equal(w.statusCode, 403, w.body);
    assert.equal(w.json().code, '1011');
    assert.match(w.json().detail, /user role query/);
  });

  test('an auditor sees statistics only', async () => {
    const u = await f.svc.registry.addUser('61010000-9', { userName: 'audit1', role: 'auditor' });
    const s = await signIn(asUser('audit1', u.password));
    assert.deepEqual(s.allowedCodes, ['RHC_C0001', 'RHC_C0008']);
    const st = await post('/statistics/card-operations', { action: 'query' }, s.token);
    assert.equal(st.statusCode, 200, st.body);
    const v = await post('/cards/verify', { cardNo: id, chipSerial: 'CHIP000041' }, s.token);
    assert.equal(v.json().code, '1011');
  });

  test('disabling a user stops its token at once; a role change applies to the next call', async () => {
    const u = await f.svc.registry.addUser('61010000-9', { userName: 'window1', role: 'operator' });
    const s = await signIn(asUser('window1', u.password));
    const body = { action: 'query' };
    assert.equal((await post('/statistics/card-operations', body, s.token)).statusCode, 200);
    await f.svc.registry.updateUser('61010000-9', 'window1', { role: 'auditor' });
    const v = await post('/cards/verify', { cardNo: id, chipSerial: 'CHIP000041' }, s.token);
    assert.equal(v.json().code, '1011', 'the demoted user may no longer verify');
    await f.svc.registry.updateUser('61010000-9', 'window1', { enabled: false });
    const refused = await post('/statistics/card-operations', body, s.token);
    assert.equal(refused.statusCode, 401, refused.body);
    assert.equal(refused.json().code, '1006');
    f.clock.advance(1);
    const again = await post('/auth/token', authRequest(asUser('window1', u.password), f.clock));
    assert.equal(again.json().code, '1005', 'a disabled user cannot sign in');
    await f.svc.registry.updateUser('61010000-9', 'window1', { enabled: true });
    const np = await f.svc.registry.updateUser('61010000-9', 'window1', { newPassword: true });
    assert.ok(np.password && np.password !== u.password);
    f.clock.advance(1);
    const old = await post('/auth/token', authRequest(asUser('window1', u.password), f.clock));
    assert.equal(old.json().code, '1005', 'the old password is gone');
    await signIn(asUser('window1', np.password!));
  });

  test('user names are unique per institution and roles are checked', async () => {
    await assert.rejects(
      f.svc.registry.addUser('61010000-9', { userName: 'doctor1', role: 'query' }),
      /already exists/,
    );
    await assert.rejects(
      f.svc.registry.addUser('61010000-9', { userName: 'x', role: 'boss' as never }),
      (e: Error & { code?: string }) => e.code === '1002',
    );
    // institution names follow the one text rule (they are answered by RHC_C0001 and shown on consoles)
    for (const name of ['医院\u202e', '刘|六医院', '\u200b'])
      await assert.rejects(
        f.svc.registry.add({ code: '99999999-8', name, role: 'hospital', regionCode: '610102' }),
        (e: Error & { code?: string; field?: string }) => e.code === '1002' && e.field === 'name',
      );
    await assert.rejects(
      f.svc.registry.addUser('NOPE-1', { userName: 'x', role: 'query' }),
      (e: Error & { code?: string }) => e.code === '1004',
    );
    // the same user name in another institution is another user
    await f.svc.registry.addUser('61020000-X', { userName: 'doctor1', role: 'operator' });
    const rows = await f.svc.registry.listUsers('61010000-9');
    assert.deepEqual(
      rows.map((r) => [r.user_name, r.role]),
      [
        ['admin', 'admin'],
        ['audit1', 'auditor'],
        ['doctor1', 'query'],
        ['window1', 'auditor'],
      ],
    );
  });
});

test('permitted codes are the intersection of institution and user roles', () => {
  for (const r of USER_ROLES) {
    const codes = permittedCodes('bank', r);
    for (const c of codes) assert.ok(USER_ROLE_PERMISSIONS[r].includes(c));
  }
  assert.deepEqual(permittedCodes('bank', 'query'), ['RHC_C0001', 'RHC_C0003', 'RHC_C0007']);
  assert.deepEqual(permittedCodes('maker', 'auditor'), ['RHC_C0001']);
});

test('rhc institution user add | list | set', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rhc-users-'));
  const db = `sqlite:${join(dir, 'u.db')}`;
  const rhc = (...args: string[]) =>
    spawnSync(process.execPath, ['bin/rhc.mjs', ...args, '--db', db], { encoding: 'utf8' });
  try {
    execFileSync(
      process.execPath,
      ['bin/rhc.mjs', 'institution', 'add', '--code', '45075131-1', '--name', '医院', '--role', 'hospital'],
      { env: { ...process.env, RHC_DATABASE_URL: db }, encoding: 'utf8' },
    );
    const add = rhc(
      'institution',
      'user',
      'add',
      '--code',
      '45075131-1',
      '--user',
      'doc',
      '--role',
      'query',
      '--json',
    );
    assert.equal(add.status, 0, add.stderr);
    const cred = JSON.parse(add.stdout);
    assert.equal(cred.role, 'query');
    assert.match(cred.password, /^[0-9a-f]{24}$/);
    const list = rhc('institution', 'user', 'list', '--code', '45075131-1', '--json');
    const users = JSON.parse(list.stdout) as { user_name: string; allowedCodes: string[] }[];
    assert.deepEqual(users.find((u) => u.user_name === 'doc')!.allowedCodes, [
      'RHC_C0001',
      'RHC_C0002',
      'RHC_C0003',
      'RHC_C0007',
      'RHC_C0008',
    ]);
    const set = rhc('institution', 'user', 'set', '--code', '45075131-1', '--user', 'doc', '--disable');
    assert.equal(set.status, 0, set.stderr);
    const after = JSON.parse(rhc('institution', 'user', 'list', '--code', '45075131-1', '--json').stdout);
    assert.equal(after.find((u: { user_name: string }) => u.user_name === 'doc').enabled, 0);
    const badRole = rhc(
      'institution',
      'user',
      'add',
      '--code',
      '45075131-1',
      '--user',
      'x',
      '--role',
      'boss',
    );
    assert.equal(badRole.status, 2);
    assert.match(badRole.stderr, /--role must be one of/);
    const noInst = rhc('institution', 'user', 'add', '--code', 'NOPE', '--user', 'x');
    assert.equal(noInst.status, 1);
    assert.match(noInst.stderr, /1004/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
