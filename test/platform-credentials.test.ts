// Credentials and sessions (issue 13 §3): exact token signatures, revocation (reset, disable, sign-out),
// sliding renewal, replay protection per terminal, throttling of failed logins, and passwords a stolen
// database does not give away. Over REST (and SOAP where the binding differs), on every database target.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IssuedCredentials } from '../src/platform/domain/institutions/index.ts';
import { authRequest } from '../testkit/platform/fixtures.ts';
import { describeOnTargets, usePlatform } from '../testkit/platform/suite.ts';

describeOnTargets('credentials and sessions', (target) => {
  const { f, server } = usePlatform(target, { server: {} });
  const post = (path: string, body: unknown, token?: string) =>
    server.app.inject({
      method: 'POST',
      url: `/api/v1${path}`,
      payload: body as object,
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
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
});
