// The production server writes responses with fast-json-stringify compiled from the zod schemas (no zod
// pass per response); the tests' servers check every response against zod. Both, on one service, must
// answer every interface with the same JSON (writes are replayed by serialNo, so they answer the same).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../src/platform/api/server.ts';
import type { Fixture } from '../testkit/platform/fixtures.ts';
import { authRequest, fixture, idNumber, issuanceRequest, lossReport } from '../testkit/platform/fixtures.ts';
import { sqliteTarget } from '../testkit/platform/suite.ts';

const target = sqliteTarget(); // the serializer does not depend on the database

describe('production serializer = zod-checked serializer', () => {
  let f: Fixture;
  let checked: FastifyInstance;
  let fast: FastifyInstance;
  const tokens: Record<string, string> = {};
  const id = idNumber('610102', '19700303', 61);

  before(async () => {
    f = await fixture(target);
    checked = await buildServer(f.svc, { clock: f.clock });
    fast = await buildServer(f.svc, { clock: f.clock, validateResponses: false });
    for (const k of ['city', 'hospital', 'bank']) {
      f.clock.advance(1);
      const r = await fast.inject({
        method: 'POST',
        url: '/api/v1/auth/token',
        payload: authRequest(f.creds[k]!, f.clock),
      });
      assert.equal(r.statusCode, 200, r.body);
      tokens[k] = r.json().token;
    }
  });
  after(async () => {
    await checked?.close();
    await fast?.close();
    await f?.drop();
  });

  const both = async (path: string, body: unknown, who: string) => {
    const call = (app: FastifyInstance) =>
      app.inject({
        method: 'POST',
        url: `/api/v1${path}`,
        payload: body as object,
        headers: { authorization: `Bearer ${tokens[who]}` },
      });
    const a = await call(checked);
    const b = await call(fast);
    assert.equal(a.statusCode, 200, `${path}: ${a.body}`);
    assert.equal(b.statusCode, a.statusCode, path);
    assert.equal(b.headers['content-type'], a.headers['content-type'], path);
    // same JSON (key order may differ: fast-json-stringify writes required properties first)
    assert.deepStrictEqual(b.json(), a.json(), `${path}: the two serializers differ`);
    return a.json();
  };

  test('all nine business interfaces answer alike', async () => {
    await both('/cards/issuance', issuanceRequest(id, 'SER0000061', 'ser-1', { name: '钱𠮷' }), 'city');
    const v = await both('/cards/verify', { cardNo: id, chipSerial: 'SER0000061' }, 'hospital');
    assert.equal(v.holder.name, '钱𠮷');
    await both('/residents/verify-id', { idType: '01', idNo: id, name: '钱𠮷' }, 'hospital');
    await both('/cards/status', lossReport(id, 'SER0000061', 'ser-2'), 'hospital');
    await both('/lists/query', { listType: 'B' }, 'hospital');
    await both('/lists/query', { listType: 'W' }, 'city');
    await both(
      '/cards/replacement',
      {
        type: '1',
        cardNo: id,
        oldChipSerial: 'SER0000061',
        newChipSerial: 'SER0000062',
        newValidUntil: '20360601',
        reasonCode: '02',
        opTime: '20260601110000',
        opOrgCode: '61010000-9',
        operator: 'op',
        serialNo: 'ser-3',
      },
      'city',
    );
    await both(
      '/cards/update',
      {
        cardNo: id,
        chipSerial: 'SER0000062',
        changes: { paymentMethods: ['01', '07'] },
        alterNo: 'ser-4',
        alterTime: '20260601110500',
        operator: 'op',
      },
      'bank',
    );
    await both(
      '/residents/update',
      {
        idType: '01',
        idNo: id,
        changes: { address1Type: '1', address1: '陕西省西安市碑林区' },
        alterNo: 'ser-5',
        alterTime: '20260601110600',
        operator: 'op',
      },
      'city',
    );
    await f.svc.flush();
    const st = await both('/statistics/card-operations', { action: 'query', groupBy: ['org', 'op'] }, 'city');
    assert.ok(st.rows.length > 0);
  });
});
