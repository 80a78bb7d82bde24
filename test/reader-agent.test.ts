// The local reader agent in-process: token / origin / host refusals, CORS, write-then-read over HTTP, the
// one-operation-at-a-time queue, coded errors (no reader, no card, card removed, SAM PIN wrong), WebSocket
// insert/remove events, the OpenAPI description and the token file.
import assert from 'node:assert/strict';
import { mkdtempSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { getProfile } from '../src/card/profiles/index.ts';
import type { CardConnection } from '../src/card/transport.ts';
import { createDemoSam } from '../src/cos/sam/demo.ts';
import { createDemoPki } from '../src/crypto/index.ts';
import { ReaderAgent, type AgentOptions } from '../src/apps/agent/server.ts';
import { closedOf, slowBody, slowHeaders } from '../testkit/http-probe.ts';
import { ROUTES } from '../src/apps/agent/routes.ts';
import { loadOrCreateToken } from '../src/apps/agent/token.ts';
import { ReaderError } from '../src/reader/errors.ts';
import { encounterFiles } from '../src/reader/locate.ts';
import { Reader } from '../src/reader/reader.ts';
import { DEMO_SAM_PIN, createDemoCard, sampleLayoutValues } from '../testkit/reader-rig.ts';
import { MemoryReaderDevice } from '../src/reader/transports/memory.ts';

const profile = getProfile('national');
const TOKEN = 'ab'.repeat(32);
const HIS = 'https://his.example.org';

/** A card whose every APDU yields to the event loop, so concurrent requests would interleave without a queue. */
function slowCard(card: CardConnection): CardConnection {
  return {
    ...card,
    transmit: async (c) => (await new Promise((r) => setImmediate(r)), card.transmit(c)),
    reset: () => card.reset(),
    close: () => card.close(),
  };
}

async function startAgent(
  opts: { pin?: string; openReader?: () => Promise<Reader>; httpLimits?: AgentOptions['httpLimits'] } = {},
) {
  const device = new MemoryReaderDevice({ sam: createDemoSam(profile), card: slowCard(createDemoCard()) });
  const agent = new ReaderAgent({
    port: 0,
    token: TOKEN,
    samPin: opts.pin ?? DEMO_SAM_PIN,
    allowedOrigins: [HIS],
    rootPublicKey: createDemoPki().rootPublicKey,
    ...(opts.httpLimits ? { httpLimits: opts.httpLimits } : {}),
    openReader:
      opts.openReader ??
      (async () => {
        const reader = new Reader(device, { profile });
        await reader.open();
        return reader;
      }),
  });
  const url = await agent.listen();
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(url + path, {
      method,
      headers: {
        authorization: `Bearer ${TOKEN}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    return {
      status: res.status,
      json: (await res.json()) as Record<string, unknown> & { error?: { code: number } },
      headers: res.headers,
    };
  };
  return { agent, url, device, call };
}

test('refusals: no token 401, wrong origin 403, foreign Host 421; allowed origin gets CORS and a preflight', async () => {
  const { agent, url, call } = await startAgent();
  try {
    const noToken = await fetch(url + '/card/info');
    assert.equal(noToken.status, 401);
    assert.equal(((await noToken.json()) as { error: { code: number } }).error.code, 130);
    // ?token= is for the WebSocket only: on HTTP routes it would land in proxy and browser logs
    const inQuery = await fetch(`${url}/card/info?token=${TOKEN}`);
    assert.equal(inQuery.status, 401);
    assert.equal(
      (await call('GET', '/card/info', undefined, { authorization: 'Bearer ' + 'cd'.repeat(32) })).status,
      401,
    );
    const evil = await call('GET', '/card/info', undefined, { origin: 'https://evil.example' });
    assert.deepEqual([evil.status, evil.json.error?.code], [403, 131]);
    const ok = await call('GET', '/card/info', undefined, { origin: HIS });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('access-control-allow-origin'), HIS);
    const pre = await fetch(url + '/card/info', {
      method: 'OPTIONS',
      headers: { origin: HIS, 'access-control-request-method': 'GET' },
    });
    assert.equal(pre.status, 204);
    assert.match(pre.headers.get('access-control-allow-headers') ?? '', /Authorization/);
    const host = await new Promise<number>((resolve) => {
      const port = new URL(url).port;
      request(
        { host: '127.0.0.1', port, path: '/openapi.json', headers: { host: 'rebind.example.com' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      ).end();
    });
    assert.equal(host, 421);
  } finally {
    await agent.close();
  }
});

test('write then read over HTTP: outpatient visit, list, view, verification; bad input is a coded 400', async () => {
  const { agent, call } = await startAgent();
  try {
    const visit = sampleLayoutValues(encounterFiles(profile, 'outpatient')[0].ef.layout!, 5);
    const w = await call('POST', '/card/outpatient', visit);
    assert.deepEqual([w.status, w.json], [200, { slot: 1, replacedOldest: false }]);
    const list = await call('GET', '/card/outpatient');
    assert.equal(
      (list.json as unknown as { values: Record<string, string> }[])[0].values.visitDateTime,
      visit.visitDateTime,
    );
    const summary = await call('GET', '/card/outpatient/1?view=summary');
    assert.equal(summary.json.institutionName, visit.institutionName);
    assert.deepEqual((await call('GET', '/card/outpatient/1/verify')).json, { valid: true });
    const bad = await call('POST', '/card/outpatient', { ...visit, visitDateTime: '2024-01-01' });
    assert.deepEqual([bad.status, bad.json.error?.code], [400, 101]);
    assert.deepEqual([(await call('GET', '/card/outpatient/2')).json.error?.code], [112]);
    const health = await call('POST', '/card/health', {
      allergies: [{ allergenName: '花生', reaction: '荨麻疹' }],
    });
    assert.equal(health.status, 200);
    assert.deepEqual((await call('GET', '/card/health/blood-allergies')).json.allergies, [
      { allergenName: '花生', reaction: '荨麻疹' },
    ]);
  } finally {
    await agent.close();
  }
});

test('concurrent requests are queued: one card operation at a time, every request answered', async () => {
  const { agent, call } = await startAgent();
  try {
    const results = await Promise.all([
      call('GET', '/card/info'),
      call('GET', '/card/resident'),
      call('GET', '/card/health'),
      call('GET', '/card/outpatient'),
    ]);
    assert.deepEqual(
      results.map((r) => r.status),
      [200, 200, 200, 200],
    );
    assert.equal(agent.queue.maxConcurrent, 1);
  } finally {
    await agent.close();
  }
});

test('coded errors: no card 121, card removed during the operation 122, no reader 120', async () => {
  const { agent, device, call } = await startAgent();
  try {
    await call('GET', '/card/info');
    device.remove();
    assert.deepEqual([(await call('GET', '/card/info')).json.error?.code], [121]);
    device.insert(createDemoCard());
    device.removeAfterApdus(3);
    const r = await call('GET', '/card/resident');
    assert.deepEqual([r.status, r.json.error?.code], [409, 122]);
  } finally {
    await agent.close();
  }
  const noReader = await startAgent({
    openReader: async () => Promise.reject(new ReaderError('NO_READER', { detail: 'test' })),
  });
  try {
    const r = await noReader.call('GET', '/card/info');
    assert.deepEqual([r.status, r.json.error?.code], [503, 120]);
  } finally {
    await noReader.agent.close();
  }
});

test('wrong SAM PIN: 123 for every operation until /sam/verify-pin succeeds', async () => {
  const { agent, call } = await startAgent({ pin: '000000' });
  try {
    const r = await call('GET', '/card/info');
    assert.deepEqual([r.status, r.json.error?.code], [503, 123]);
    assert.equal((await call('GET', '/card/health')).json.error?.code, 123); // not retried with the wrong PIN
    assert.equal((await call('POST', '/sam/verify-pin', { pin: DEMO_SAM_PIN })).status, 200);
    assert.equal((await call('GET', '/card/info')).status, 200);
  } finally {
    await agent.close();
  }
});

/** Minimal WebSocket client over net (Node 20 has no global WebSocket): returns received JSON messages. */
function wsConnect(
  url: string,
  path: string,
): Promise<{ messages: unknown[]; status: number; close(): void }> {
  const { port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), '127.0.0.1');
    const messages: unknown[] = [];
    let buf = Buffer.alloc(0);
    let status = 0;
    socket.write(
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
    socket.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (!status) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        status = Number(/HTTP\/1.1 (\d+)/.exec(buf.subarray(0, end).toString())?.[1]);
        buf = buf.subarray(end + 4);
        resolve({ messages, status, close: () => socket.destroy() });
      }
      while (buf.length >= 2 && buf.length >= 2 + (buf[1] & 0x7f)) {
        const len = buf[1] & 0x7f;
        messages.push(JSON.parse(buf.subarray(2, 2 + len).toString()));
        buf = buf.subarray(2 + len);
      }
    });
    socket.on('close', () => resolve({ messages, status, close: () => undefined }));
  });
}

const until = async (cond: () => boolean) => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
};

test('WebSocket events: token required; insert and remove are pushed', async () => {
  const { agent, url, device } = await startAgent();
  try {
    assert.equal((await wsConnect(url, '/events')).status, 401);
    const ws = await wsConnect(url, `/events?token=${TOKEN}`);
    assert.equal(ws.status, 101);
    await until(() => ws.messages.length >= 1);
    await new Promise((r) => setTimeout(r, 50)); // the reader opens in the background
    device.remove();
    device.insert(createDemoCard());
    await until(() => ws.messages.length >= 3);
    assert.deepEqual(
      ws.messages.map((m) => (m as { type: string }).type),
      ['hello', 'card-removed', 'card-inserted'],
    );
    ws.close();
  } finally {
    await agent.close();
  }
});

test('OpenAPI lists every operation; the example page and the client module are served', async () => {
  const { agent, url } = await startAgent();
  try {
    const api = (await (await fetch(url + '/openapi.json')).json()) as {
      paths: Record<string, Record<string, { operationId: string }>>;
    };
    const ids = Object.values(api.paths).flatMap((p) => Object.values(p).map((o) => o.operationId));
    for (const r of ROUTES) assert.ok(ids.includes(r.operationId), r.operationId);
    assert.match(await (await fetch(url + '/')).text(), /RhcAgentClient/);
    const js = await fetch(url + '/client.js');
    assert.match(js.headers.get('content-type') ?? '', /javascript/);
    assert.match(await js.text(), /export class RhcAgentClient/);
  } finally {
    await agent.close();
  }
});

test('the workstation token is created once with mode 0600 and reused', () => {
  const path = join(mkdtempSync(join(tmpdir(), 'rhc-token-')), 'sub', 'agent-token');
  const a = loadOrCreateToken(path);
  assert.equal(a.created, true);
  assert.match(a.token, /^[0-9a-f]{64}$/);
  assert.equal(statSync(path).mode & 0o777, 0o600);
  const b = loadOrCreateToken(path);
  assert.deepEqual([b.created, b.token], [false, a.token]);
});

test('HTTP limits: slow bodies and headers are cut off, one source holds only its share of connections', async () => {
  const { agent, url } = await startAgent({
    httpLimits: { requestTimeoutMs: 600, headersTimeoutMs: 400, maxConnectionsPerSource: 4 },
  });
  try {
    const port = Number(new URL(url).port);
    assert.ok(await slowBody(port, '/sam/verify-pin'), 'slow-body socket still open after 5 s');
    assert.ok(await slowHeaders(port, '/status'), 'slow-header socket still open after 5 s');
    assert.equal(await closedOf(port, 6), 2);
  } finally {
    await agent.close();
  }
});
