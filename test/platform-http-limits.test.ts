// HTTP limits of the platform server (issue 13 §6): a client that sends its body slowly is cut off at the
// request deadline, one source cannot hold more than its connection share, answers are not cacheable and
// the docs page runs under a strict Content-Security-Policy.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCity } from '../src/platform/city/run.ts';
import { closedAfter, closedOf, openSocket, slowBody, slowHeaders } from '../testkit/http-probe.ts';
import { sqliteTarget, usePlatform } from '../testkit/platform/suite.ts';

const PER_SOURCE = 5;
const { server } = usePlatform(sqliteTarget(), {
  server: {
    httpLimits: { requestTimeoutMs: 600, headersTimeoutMs: 400, maxConnectionsPerSource: PER_SOURCE },
  },
  listen: true,
});
const port = () => Number(new URL(server.base).port);

const open = () => openSocket(port());

test('a slow body is cut off at the request deadline', async () => {
  assert.ok(await slowBody(port(), '/api/v1/auth/token'), 'slow-body socket still open after 5 s');
});

test('slow headers are cut off too', async () => {
  assert.ok(await slowHeaders(port(), '/api/v1/health'), 'slow-header socket still open after 5 s');
});

test('one source may hold only its share of connections; the rest are closed at once', async () => {
  assert.equal(await closedOf(port(), PER_SOURCE + 3), 3);
  const again = await open(); // the share is free again once they are gone
  assert.equal(await closedAfter(again, 200), 200);
  again.destroy();
});

test('the city platform server has the same limits', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rhc-city-limits-'));
  const city = await runCity({
    dbUrl: `sqlite:${join(dir, 'city.db')}`,
    region: '610100',
    provinceUrl: 'http://127.0.0.1:9', // nothing there: the round fails, the server keeps serving
    orgCode: '61010000-9',
    userName: 'city',
    password: 'unused',
    dir,
    intervalSeconds: 3600,
    port: 0,
    httpLimits: { requestTimeoutMs: 600, headersTimeoutMs: 400, maxConnectionsPerSource: PER_SOURCE },
    log: () => {},
  });
  try {
    const cityPort = Number(new URL(city.baseUrl!).port);
    assert.ok(await slowBody(cityPort, '/api/v1/auth/token'), 'slow-body socket to the city still open');
    assert.equal(await closedOf(cityPort, PER_SOURCE + 2), 2);
  } finally {
    await city.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('answers are not cacheable; the docs page has a nonce-based CSP that its own script satisfies', async () => {
  const health = await fetch(`http://127.0.0.1:${port()}/api/v1/health`);
  assert.equal(health.headers.get('cache-control'), 'no-store');
  const wsdl = await fetch(`http://127.0.0.1:${port()}/soap/rhc?wsdl`);
  assert.equal(wsdl.headers.get('cache-control'), 'no-store');
  const docs = await fetch(`http://127.0.0.1:${port()}/docs`);
  const csp = docs.headers.get('content-security-policy') ?? '';
  const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
  assert.ok(nonce, csp);
  assert.match(csp, /default-src 'none'/);
  const html = await docs.text();
  assert.ok(html.includes(`<script nonce="${nonce}">`));
  assert.ok(html.includes(`<style nonce="${nonce}">`));
  const second = (await fetch(`http://127.0.0.1:${port()}/docs`)).headers.get('content-security-policy');
  assert.notEqual(second, csp, 'a fresh nonce per response');
});
