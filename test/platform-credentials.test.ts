// Credentials and sessions (issue 13 §3): exact token signatures, revocation (reset, disable, sign-out),
// sliding renewal, replay protection per terminal, throttling of failed logins, and passwords a stolen
// database does not give away. Over REST (and SOAP where the binding differs), on every database target.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '../src/base/runtime.ts';
import { InstitutionRegistry } from '../src/platform/domain/institutions/index.ts';
import type { IssuedCredentials } from '../src/platform/domain/institutions/index.ts';
import {
  scramAuthMessage,
  scramClientKey,
  scramProof,
  scramSalt,
} from '../src/platform/domain/institutions/passwords.ts';
import { toWireTime } from '../src/platform/domain/format.ts';
import { passwordDigest, sm3Hex } from '../src/platform/domain/secrets.ts';
import { authRequest } from '../testkit/platform/fixtures.ts';
import { describeOnTargets, usePlatform } from '../testkit/platform/suite.ts';

describeOnTargets('credentials and sessions', (target) => {
  const { f, server } = usePlatform(target, { server: {} });
  const post = server.post;
  const signIn = async (c: IssuedCredentials, termId = 'FEM-001') => {
    f.clock.advance(1);
    const r = await post('/auth/token', authRequest(c, f.clock, termId));
    assert.equal(r.statusCode, 200, r.body);
    return r.json() as { token: string; expiresAt: string };
  };
  const stats = (token: string) => post('/statistics/card-operations', { action: 'query' }, token);

  test('a token whose signature differs only in letter case is refused', async () => {
    const { token } = await signIn(f.creds.city!);
    assert.equal((await stats(token)).statusCode, 200);
    const [body, sig] = token.split('.') as [string, string];
    const i = sig.search(/[a-zA-Z]/);
    const c = sig[i]!;
    const flipped = `${body}.${sig.slice(0, i)}${c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()}${sig.slice(i + 1)}`;
    const r = await stats(flipped);
    assert.equal(r.statusCode, 401, r.body);
    assert.equal(r.json().code, '1006');
  });

  test('sign-out revokes the terminal’s tokens at once, not those of the user’s other terminals', async () => {
    const a = await signIn(f.creds.city!, 'TERM-A');
    const b = await signIn(f.creds.city!, 'TERM-B');
    const out = await post('/auth/sign-out', {}, a.token);
    assert.equal(out.statusCode, 200, out.body);
    assert.deepEqual(out.json(), { signedOut: true });
    const r = await stats(a.token);
    assert.equal(r.statusCode, 401, r.body);
    assert.match(r.json().detail, /revoked/);
    assert.equal((await stats(b.token)).statusCode, 200);
    // a new sign-in from the same terminal works again
    assert.equal((await stats((await signIn(f.creds.city!, 'TERM-A')).token)).statusCode, 200);
  });

  test('a password reset and a user disable revoke the user’s tokens at once', async () => {
    const u = await f.svc.registry.addUser('61010000-9', { userName: 'clerk1', role: 'operator' });
    const who = { ...f.creds.city!, userName: 'clerk1', password: u.password };
    const before = await signIn(who);
    const { password } = await f.svc.registry.updateUser('61010000-9', 'clerk1', { newPassword: true });
    assert.equal((await stats(before.token)).statusCode, 401);
    const again = await signIn({ ...who, password: password! });
    assert.equal((await stats(again.token)).statusCode, 200);
    await f.svc.registry.updateUser('61010000-9', 'clerk1', { enabled: false });
    await f.svc.registry.updateUser('61010000-9', 'clerk1', { enabled: true });
    assert.equal((await stats(again.token)).statusCode, 401, 're-enabling does not revive old tokens');
  });

  test('disabling an institution revokes its tokens for good', async () => {
    const t = await signIn(f.creds.cityB!);
    await f.svc.registry.setEnabled('61020000-X', false);
    assert.equal((await stats(t.token)).statusCode, 403);
    await f.svc.registry.setEnabled('61020000-X', true);
    assert.equal((await stats(t.token)).statusCode, 401);
  });

  test('a working clerk renews the token before it expires (sliding); an expired one cannot renew', async () => {
    const t = await signIn(f.creds.city!, 'TERM-R');
    f.clock.advance(14 * 60);
    const r = await post('/auth/renew', {}, t.token);
    assert.equal(r.statusCode, 200, r.body);
    const fresh = r.json() as { token: string; expiresAt: string };
    assert.ok(fresh.expiresAt > t.expiresAt);
    f.clock.advance(2 * 60); // the first token has expired, the renewed one lives
    assert.equal((await stats(t.token)).statusCode, 401);
    assert.equal((await stats(fresh.token)).statusCode, 200);
    f.clock.advance(16 * 60);
    assert.equal((await post('/auth/renew', {}, fresh.token)).statusCode, 401);
  });

  test('renew and sign-out over SOAP', async () => {
    const t = await signIn(f.creds.city!, 'TERM-S');
    const soap = (op: string) =>
      server.app.inject({
        method: 'POST',
        url: '/soap/rhc',
        headers: { 'content-type': 'text/xml' },
        payload: `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:t="urn:rhc:platform:soap:v1"><soap:Header><t:RhcAuth><t:token>${t.token}</t:token></t:RhcAuth></soap:Header><soap:Body><t:${op}Request/></soap:Body></soap:Envelope>`,
      });
    const r = await soap('RenewToken');
    assert.equal(r.statusCode, 200, r.body);
    assert.match(r.body, /<tns:token>[^<]+<\/tns:token>/);
    const o = await soap('SignOut');
    assert.equal(o.statusCode, 200, o.body);
    assert.match(o.body, /<tns:signedOut>true<\/tns:signedOut>/);
    assert.equal((await stats(t.token)).statusCode, 401);
    const wsdl = await server.app.inject({ method: 'GET', url: '/soap/rhc?wsdl' });
    assert.match(wsdl.body, /wsdl:operation name="RenewToken"/);
  });

  test('replay protection is per terminal: one terminal’s fast clock does not lock out the others', async () => {
    // the fast terminal signs in with a time 200 s ahead (inside the window)
    f.clock.advance(200);
    const fast = authRequest(f.creds.hospital!, f.clock, 'FAST-CLOCK');
    f.clock.advance(-200);
    assert.equal((await post('/auth/token', fast)).statusCode, 200);
    f.clock.advance(1);
    const slow = await post('/auth/token', authRequest(f.creds.hospital!, f.clock, 'WINDOW-2'));
    assert.equal(slow.statusCode, 200, slow.body);
    // the same terminal replaying its own message is still refused
    const replay = await post('/auth/token', fast);
    assert.equal(replay.statusCode, 401);
    assert.equal(replay.json().code, '1005');
  });

  const signInFrom = (body: object, remoteAddress: string) =>
    server.app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: body, remoteAddress });
  const wrong = (c: IssuedCredentials, userName = c.userName) => {
    f.clock.advance(1);
    return { ...authRequest({ ...c, userName }, f.clock, 'GUESS'), pwdDigest: '0'.repeat(64) };
  };

  test('failed sign-ins of a user back off exponentially (1013, HTTP 429, Retry-After); one row, one audit entry', async () => {
    const bank = f.creds.bank!;
    for (let i = 0; i < 5; i++) assert.equal((await signInFrom(wrong(bank), '10.0.0.1')).statusCode, 401);
    // even the right password, from another address, waits
    const locked = await signInFrom(authRequest(bank, f.clock, 'GOOD'), '10.0.0.2');
    assert.equal(locked.statusCode, 429, locked.body);
    assert.equal(locked.json().code, '1013');
    assert.equal(locked.headers['retry-after'], '2');
    // the wait doubles with every further failure
    f.clock.advance(2);
    assert.equal((await signInFrom(wrong(bank), '10.0.0.1')).statusCode, 401);
    const again = await signInFrom(authRequest(bank, f.clock, 'GOOD'), '10.0.0.2');
    assert.equal(again.statusCode, 429);
    assert.equal(again.headers['retry-after'], '4');
    f.clock.advance(4);
    assert.equal((await signInFrom(authRequest(bank, f.clock, 'GOOD'), '10.0.0.2')).statusCode, 200);
    const rows = await f.p.db
      .selectFrom('auth_throttle')
      .selectAll()
      .where('key', '=', `user:${bank.code}|${bank.userName}`)
      .execute();
    assert.equal(rows.length, 0, 'a success clears the user count ' + JSON.stringify(rows));
    await f.svc.flush();
    const lockouts = await f.p.db
      .selectFrom('audit_log')
      .select(['subject', 'outcome'])
      .where('action', '=', 'AUTH_LOCKOUT')
      .execute();
    assert.deepEqual(lockouts, [{ subject: `user:${bank.code}|${bank.userName}`, outcome: '1013' }]);
  });

  test('failures from one source address are throttled across user names; other sources are not', async () => {
    const h = f.creds.hospital!;
    for (let i = 0; i < 20; i++) await signInFrom(wrong(h, `nobody${i}`), '10.9.9.9');
    const r = await signInFrom(authRequest(h, f.clock, 'SRC-1'), '10.9.9.9');
    assert.equal(r.statusCode, 429, r.body);
    f.clock.advance(1);
    assert.equal((await signInFrom(authRequest(h, f.clock, 'SRC-2'), '10.9.9.8')).statusCode, 200);
    const rows = await f.p.db
      .selectFrom('auth_throttle')
      .select('key')
      .where('key', '=', 'source:10.9.9.9')
      .execute();
    assert.equal(rows.length, 1, 'one row per key, whatever the number of failures');
  });

  /** A C0001 body proving the password by the SCRAM-style scheme of the typed bindings. */
  const proofRequest = (c: IssuedCredentials, termId: string, clientKey?: Buffer) => {
    f.clock.advance(1);
    const msgCreateTime = toWireTime(f.clock.now());
    const who = { orgCode: c.code, userName: c.userName, termId, msgCreateTime };
    const key = clientKey ?? scramClientKey(sm3Hex(c.password), scramSalt(c.code, c.userName));
    return { ...who, clientProof: scramProof(key, scramAuthMessage(who)) };
  };

  test('the typed bindings accept a SCRAM-style proof instead of the digest', async () => {
    const r = await post('/auth/token', proofRequest(f.creds.city!, 'PROOF-1'));
    assert.equal(r.statusCode, 200, r.body);
    assert.equal((await stats(r.json().token)).statusCode, 200);
    const bad = await post('/auth/token', proofRequest({ ...f.creds.city!, password: 'wrong' }, 'PROOF-1'));
    assert.equal(bad.statusCode, 401);
    const none = await post('/auth/token', {
      ...proofRequest(f.creds.city!, 'PROOF-1'),
      clientProof: undefined,
    });
    assert.equal(none.json().code, '1001');
  });

  test('a stolen database alone is not a login: no stored value signs in by either scheme', async () => {
    const c = f.creds.cityB!;
    const row = await f.p.db
      .selectFrom('institution_users as u')
      .innerJoin('institutions as i', 'i.id', 'u.institution_id')
      .select(['u.pwd_sm3', 'u.pwd_sealed', 'u.pwd_verifier'])
      .where('i.code', '=', c.code)
      .executeTakeFirstOrThrow();
    assert.equal(row.pwd_sm3, '', 'no plain SM3(password) at rest');
    assert.ok(row.pwd_sealed && !row.pwd_sealed.includes(sm3Hex(c.password)));
    const storedKey = row.pwd_verifier!.split('$')[2]!;
    const candidates = [row.pwd_sm3, row.pwd_sealed, row.pwd_verifier!, storedKey];
    const unthrottle = () => f.p.db.deleteFrom('auth_throttle').execute(); // not what this test is about
    for (const v of candidates) {
      await unthrottle();
      f.clock.advance(1);
      const msgCreateTime = toWireTime(f.clock.now());
      const digest = await post('/auth/token', {
        orgCode: c.code,
        userName: c.userName,
        termId: 'THIEF',
        msgCreateTime,
        pwdDigest: passwordDigest(v, msgCreateTime),
      });
      assert.equal(digest.statusCode, 401, `pwdDigest from a stored value: ${digest.body}`);
    }
    // the verifier's StoredKey used as if it were the ClientKey, and as the password hash
    for (const key of [
      Buffer.from(storedKey, 'hex'),
      scramClientKey(storedKey, scramSalt(c.code, c.userName)),
    ]) {
      await unthrottle();
      const proof = await post('/auth/token', proofRequest(c, 'THIEF', key));
      assert.equal(proof.statusCode, 401, `clientProof from a stored value: ${proof.body}`);
    }
    // the real password still works by both schemes
    await unthrottle();
    assert.equal((await post('/auth/token', proofRequest(c, 'OWNER'))).statusCode, 200);
    await signIn(c, 'OWNER-2');
  });

  test('rows stored before migration 008 (plain SM3) are sealed when the registry opens', async () => {
    await f.svc.registry.addUser('61010000-9', { userName: 'legacy1', role: 'query' });
    await f.p.db
      .updateTable('institution_users')
      .set({ pwd_sm3: sm3Hex('old-password'), pwd_sealed: null, pwd_verifier: null })
      .where('user_name', '=', 'legacy1')
      .execute();
    const reg = await InstitutionRegistry.open(f.p.db, f.clock, seededRandom(9), Buffer.alloc(16, 7));
    const row = await f.p.db
      .selectFrom('institution_users')
      .select(['pwd_sm3', 'pwd_sealed', 'pwd_verifier'])
      .where('user_name', '=', 'legacy1')
      .executeTakeFirstOrThrow();
    assert.equal(row.pwd_sm3, '');
    assert.ok(row.pwd_sealed && row.pwd_verifier);
    const legacy = { ...f.creds.city!, userName: 'legacy1', password: 'old-password' };
    f.clock.advance(1);
    const ok = await reg.authenticate(authRequest(legacy, f.clock, 'LEGACY'));
    assert.equal(ok.caller.userName, 'legacy1');
    const viaProof = proofRequest(legacy, 'LEGACY-P');
    assert.equal((await reg.authenticate(viaProof)).caller.userName, 'legacy1');
  });
});
