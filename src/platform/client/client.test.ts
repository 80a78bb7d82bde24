// The typed client against a real server on a free port: typed calls, token renewal before expiry, the one
// retry on 1006, a refusal's code, 9002 on a closed port and on a deadline, and mutual TLS.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { Server } from 'node:https';
import { createServer as createNetServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../api/server.ts';
import { TOKEN_TTL_SECONDS } from '../domain/institutions/index.ts';
import { fixture, idNumber, issuanceRequest, dbTargets } from '../../../testkit/platform/fixtures.ts';
import type { Fixture } from '../../../testkit/platform/fixtures.ts';
import { PlatformCallError, PlatformClient, PlatformUnavailable } from './index.ts';
import type { PlatformCredentials } from './index.ts';

function credsOf(f: Fixture, key: string): PlatformCredentials {
  const c = f.creds[key]!;
  return { orgCode: c.code, userName: c.userName, password: c.password, termId: 'CLIENT-T' };
}

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

describe('platform client over REST', () => {
  let f: Fixture;
  let app: FastifyInstance;
  let baseUrl: string;
  const id = idNumber('610102', '19900101', 41);

  before(async () => {
    f = await fixture(dbTargets()[0]!);
    app = await buildServer(f.svc, { clock: f.clock });
    await app.listen({ host: '127.0.0.1', port: 0 });
    baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await app.close();
    await f.drop();
  });

  test('typed calls: one method per interface, logging in on the first call', async () => {
    const city = new PlatformClient({ baseUrl, credentials: credsOf(f, 'city'), clock: f.clock });
    try {
      const issued = await city.syncCardIssuance(issuanceRequest(id, 'C000000041', 'CLT-1'));
      assert.ok(issued.mainIndex);
      const hospital = new PlatformClient({ baseUrl, credentials: credsOf(f, 'hospital'), clock: f.clock });
      const v = await hospital.verifyIdNumber({ idType: '01', idNo: id, name: '王堃' });
      assert.equal(v.residentExists, true);
      assert.equal(v.nameMatches, true);
      hospital.close();
    } finally {
      city.close();
    }
  });

  test('a refused call carries the platform code, symbol and HTTP status', async () => {
    f.clock.advance(1); // the platform refuses a login not newer than the user's last (replay guard)
    const hospital = new PlatformClient({ baseUrl, credentials: credsOf(f, 'hospital'), clock: f.clock });
    try {
      const err = await hospital.syncCardIssuance(issuanceRequest(id, 'C000000042', 'CLT-2')).catch((e) => e);
      assert.ok(err instanceof PlatformCallError, String(err));
      assert.equal(err.code, '1011');
      assert.equal(err.symbol, 'NOT_PERMITTED');
      assert.equal(err.status, 403);
      assert.match(err.message, /1011 NOT_PERMITTED/);
    } finally {
      hospital.close();
    }
  });

  test('the token is renewed shortly before it expires', async () => {
    f.clock.advance(1);
    const c = new PlatformClient({
      baseUrl,
      credentials: credsOf(f, 'city'),
      clock: f.clock,
      renewBeforeSeconds: 60,
    });
    try {
      const first = await c.token();
      f.clock.advance(TOKEN_TTL_SECONDS - 120);
      assert.equal(await c.token(), first, 'still fresh: kept');
      f.clock.advance(90); // 30 s before expiry: inside the renewal margin
      await c.getCardOperationStatistics(statsRequest());
      const second = await c.token();
      assert.notEqual(second, first);
    } finally {
      c.close();
    }
  });

  test('one automatic retry on 1006; without credentials the 1006 reaches the caller', async () => {
    const c = new PlatformClient({ baseUrl, credentials: credsOf(f, 'city'), clock: f.clock });
    const bare = new PlatformClient({ baseUrl, clock: f.clock });
    try {
      f.clock.advance(1);
      c.useToken('not.a-valid-token');
      const r = await c.getCardOperationStatistics(statsRequest());
      assert.ok(Array.isArray(r.rows));
      assert.notEqual(await c.token(), 'not.a-valid-token');
      bare.useToken('not.a-valid-token');
      const err = await bare.getCardOperationStatistics(statsRequest()).catch((e) => e);
      assert.ok(err instanceof PlatformCallError);
      assert.equal(err.code, '1006');
      assert.equal(err.symbol, 'TOKEN_INVALID');
    } finally {
      c.close();
      bare.close();
    }
  });

  test('a closed port is 9002 PlatformUnavailable', async () => {
    const c = new PlatformClient({ baseUrl: `http://127.0.0.1:${await closedPort()}`, clock: f.clock });
    const err = await c.verifyIdNumber({ idType: '01', idNo: id, name: '王堃' }).catch((e) => e);
    assert.ok(err instanceof PlatformUnavailable, String(err));
    assert.equal(err.code, '9002');
    assert.equal(err.symbol, 'UPSTREAM_UNAVAILABLE');
    c.close();
  });

  test('a platform that does not answer within the deadline is 9002', async () => {
    const sockets: Socket[] = [];
    const silent = createNetServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as AddressInfo).port;
    const c = new PlatformClient({ baseUrl: `http://127.0.0.1:${port}`, clock: f.clock, timeoutMs: 200 });
    try {
      const t0 = Date.now();
      const err = await c.verifyIdNumber({ idType: '01', idNo: id, name: '王堃' }).catch((e) => e);
      assert.ok(err instanceof PlatformUnavailable, String(err));
      assert.match(err.message, /200 ms/);
      assert.ok(Date.now() - t0 < 5000);
    } finally {
      c.close();
      for (const s of sockets) s.destroy();
      await new Promise((r) => silent.close(r));
    }
  });

  const hasOpenssl = (() => {
    try {
      execFileSync('openssl', ['version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();

  test('mutual TLS: the client presents its certificate and checks the platform’s', async (t) => {
    if (!hasOpenssl) return t.skip('openssl not installed');
    const dir = mkdtempSync(join(tmpdir(), 'rhc-client-tls-'));
    let server: Server | undefined;
    try {
      const pki = makePki(dir);
      server = createHttpsServer(
        { key: pki.serverKey, cert: pki.serverCert, ca: pki.ca, requestCert: true, rejectUnauthorized: true },
        (req, res) => app.routing(req, res),
      );
      await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
      const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
      f.clock.advance(1);
      const ok = new PlatformClient({
        baseUrl: url,
        credentials: credsOf(f, 'city'),
        clock: f.clock,
        tls: { ca: pki.ca, cert: pki.clientCert, key: pki.clientKey },
      });
      const r = await ok.getCardOperationStatistics(statsRequest());
      assert.ok(Array.isArray(r.rows));
      ok.close();
      const noCert = new PlatformClient({
        baseUrl: url,
        credentials: credsOf(f, 'city'),
        clock: f.clock,
        tls: { ca: pki.ca },
      });
      const e1 = await noCert.getCardOperationStatistics(statsRequest()).catch((e) => e);
      assert.ok(e1 instanceof PlatformUnavailable, `no client certificate: ${String(e1)}`);
      noCert.close();
      const wrongCa = new PlatformClient({
        baseUrl: url,
        clock: f.clock,
        tls: { cert: pki.clientCert, key: pki.clientKey },
      });
      const e2 = await wrongCa.getCardOperationStatistics(statsRequest()).catch((e) => e);
      assert.ok(e2 instanceof PlatformUnavailable, `unknown server CA: ${String(e2)}`);
      wrongCa.close();
    } finally {
      if (server) await new Promise((r) => server!.close(r));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function statsRequest() {
  return { action: 'query' as const, regionCode: '6101' };
}

/** A CA, a server certificate for 127.0.0.1 and a client certificate, made with openssl in `dir`. */
function makePki(dir: string) {
  const ossl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  ossl(
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=RHC test CA',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
  );
  const leaf = (name: string, ext: string) => {
    ossl(
      'req',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-subj',
      `/CN=${name}`,
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
    );
    execFileSync('sh', ['-c', `printf '%s\\n' '${ext}' > ${name}.ext`], { cwd: dir });
    ossl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.pem`,
    );
  };
  leaf('server', 'subjectAltName=IP:127.0.0.1');
  leaf('client', 'extendedKeyUsage=clientAuth');
  const read = (n: string) => readFileSync(join(dir, n), 'utf8');
  return {
    ca: read('ca.pem'),
    serverKey: read('server.key'),
    serverCert: read('server.pem'),
    clientKey: read('client.key'),
    clientCert: read('client.pem'),
  };
}
