// HTTP limits of the platform server (issue 13 §6): a client that sends its body slowly is cut off at the
// request deadline, one source cannot hold more than its connection share, answers are not cacheable and
// the docs page runs under a strict Content-Security-Policy.
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { test } from 'node:test';
import { sqliteTarget, usePlatform } from '../testkit/platform/suite.ts';

const PER_SOURCE = 5;
const { server } = usePlatform(sqliteTarget(), {
  server: {
    httpLimits: { requestTimeoutMs: 600, headersTimeoutMs: 400, maxConnectionsPerSource: PER_SOURCE },
  },
  listen: true,
});
const port = () => Number(new URL(server.base).port);

const open = () =>
  new Promise<Socket>((resolve, reject) => {
    const s = connect(port(), '127.0.0.1', () => resolve(s));
    s.on('error', reject);
  });
/** Milliseconds until the server closes `s`, or `limitMs` if it is still open then. */
const closedAfter = (s: Socket, limitMs: number) =>
  new Promise<number>((resolve) => {
    const t0 = Date.now();
    const timer = setTimeout(() => resolve(limitMs), limitMs);
    s.on('error', () => {});
    s.once('close', () => {
      clearTimeout(timer);
      resolve(Date.now() - t0);
    });
  });

test('a slow body is cut off at the request deadline', async () => {
  const s = await open();
  s.write(
    'POST /api/v1/auth/token HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{',
  );
  const drip = setInterval(() => s.writable && s.write(' '), 100); // keeps the socket busy, never finishes
  const ms = await closedAfter(s, 5_000);
  clearInterval(drip);
  s.destroy();
  assert.ok(ms < 5_000, `slow-body socket still open after 5 s`);
});

test('slow headers are cut off too', async () => {
  const s = await open();
  s.write('GET /api/v1/health HTTP/1.1\r\n');
  const drip = setInterval(() => s.writable && s.write('x-a: b\r\n'), 100);
  const ms = await closedAfter(s, 5_000);
  clearInterval(drip);
  s.destroy();
  assert.ok(ms < 5_000, `slow-header socket still open after 5 s`);
});

test('one source may hold only its share of connections; the rest are closed at once', async () => {
  const sockets = await Promise.all(Array.from({ length: PER_SOURCE + 3 }, open));
  const closed = await Promise.all(sockets.map((s) => closedAfter(s, 300)));
  assert.equal(closed.filter((ms) => ms < 300).length, 3);
  for (const s of sockets) s.destroy();
  await new Promise((r) => setTimeout(r, 50));
  const again = await open(); // the share is free again once they are gone
  assert.equal(await closedAfter(again, 200), 200);
  again.destroy();
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
