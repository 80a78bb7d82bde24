// RHC_C0007 minimum necessary (issue 13 §2) and full-list paging through the bindings (§7). Each test failed
// before its fix: every role got the whole province's plaintext whitelist, and page 1's nextPageToken
// ("seq-id") was refused by the request schema, so full lists over one page could not be fetched.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import soap from 'soap';
import type { ListOutput } from '../src/platform/contracts.ts';
import type { Caller } from '../src/platform/domain/institutions/index.ts';
import { listEntryHash } from '../src/platform/domain/list-hash.ts';
import { RhcError } from '../src/platform/errors.ts';
import { authRequest, idNumber, issuanceRequest } from '../testkit/platform/fixtures.ts';
import { describeOnTargets, usePlatform } from '../testkit/platform/suite.ts';

const NS = 'urn:rhc:platform:soap:v1';
type SoapClient = soap.Client & Record<string, (args: unknown) => Promise<unknown[]>>;

async function refused(p: Promise<unknown>, field: string) {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof RhcError, String(e));
    assert.equal(e.code, '1011', e.message);
    assert.equal(e.field, field);
    return true;
  });
}

describeOnTargets('RHC_C0007 lists: scoping, hashed lists, paging', (target) => {
  const { f, server } = usePlatform(target, { server: {}, listen: true });
  const who: Record<string, Caller> = {};
  const xian = [1, 2, 3].map((i) => ({ id: idNumber('610102', '19800101', 100 + i), chip: `AB0000010${i}` }));
  const baoji = { id: idNumber('610302', '19800101', 200), chip: 'AB00000200' };

  before(async () => {
    for (const k of ['province', 'city', 'cityB', 'hospital', 'bank'])
      who[k] = (await f.svc.registry.authenticate(authRequest(f.creds[k]!, f.clock, `T-${k}`))).caller;
    for (const [i, c] of xian.entries())
      await f.svc.syncIssuance(who.city!, issuanceRequest(c.id, c.chip, `l-${i}`));
    await f.svc.syncIssuance(
      who.province!,
      issuanceRequest(baoji.id, baoji.chip, 'l-bj', { appCityCode: '610300' }),
    );
  });

  test('plaintext below the province: own region by default, another region refused', async () => {
    const own = await f.svc.getList(who.hospital!, { listType: 'W' });
    assert.deepEqual(own.entries.map((e) => e.appCityCode).sort(), ['610100', '610100', '610100']);
    await refused(f.svc.getList(who.hospital!, { listType: 'W', scope: '6103' }), 'scope');
    await refused(f.svc.getList(who.city!, { listType: 'W', scope: '61' }), 'scope');
    const province = await f.svc.getList(who.province!, { listType: 'W' });
    assert.equal(province.entries.length, 4);
  });

  test('banks and makers get hashed lists only; a hashed entry matches what a front-end computes', async () => {
    await refused(f.svc.getList(who.bank!, { listType: 'W' }), 'format');
    const h = await f.svc.getList(who.bank!, { listType: 'W', format: 'hashed' });
    assert.equal(h.entries.length, 4);
    for (const e of h.entries) {
      assert.equal(e.cardNo, undefined);
      assert.equal(e.chipSerial, undefined);
      assert.match(e.entryHash!, /^[0-9a-f]{64}$/);
    }
    const key = Buffer.from(h.hashKey!, 'hex');
    const hashes = new Set(h.entries.map((e) => e.entryHash));
    assert.ok(hashes.has(listEntryHash(key, baoji.id, baoji.chip)));
    assert.ok(
      hashes.has(listEntryHash(key, baoji.id, baoji.chip.toLowerCase())),
      'chip case does not matter',
    );
    assert.ok(!hashes.has(listEntryHash(key, baoji.id, 'AB00000999')), 'the ID number alone is not enough');
  });

  test('hashed deltas keep the client key; an old key id gets a full list under a new one', async () => {
    const full = await f.svc.getList(who.hospital!, { listType: 'B', format: 'hashed' });
    assert.equal(full.mode, 'F');
    const lost = xian[0]!;
    await f.svc.syncStatus(who.city!, {
      cardNo: lost.id,
      chipSerial: lost.chip,
      oldStatus: '30',
      newStatus: '40',
      reasonCode: '02',
      opTime: '20260601100000',
      opOrgCode: f.creds.city!.code,
      operator: 'op',
      serialNo: 'l-lost',
    });
    const delta = await f.svc.getList(who.hospital!, {
      listType: 'B',
      format: 'hashed',
      haveVersion: full.version,
      hashKeyId: full.hashKeyId!,
    });
    assert.equal(delta.mode, 'D');
    assert.equal(delta.hashKeyId, full.hashKeyId);
    assert.deepEqual(
      delta.entries.map((e) => [e.op, e.entryHash]),
      [['A', listEntryHash(Buffer.from(full.hashKey!, 'hex'), lost.id, lost.chip)]],
    );
    f.clock.advance(40 * 86_400);
    const renewed = await f.svc.getList(who.hospital!, {
      listType: 'B',
      format: 'hashed',
      haveVersion: delta.version,
      hashKeyId: full.hashKeyId!,
    });
    assert.equal(renewed.mode, 'F');
    assert.equal(renewed.resultCode, '4001');
    assert.notEqual(renewed.hashKeyId, full.hashKeyId);
    assert.notEqual(renewed.hashKey, full.hashKey);
  });

  /** Pages through a full list with `page(token)`; returns the chip serials seen and the versions. */
  async function pageThrough(page: (token?: string) => Promise<ListOutput>) {
    const chips: string[] = [];
    const versions = new Set<string>();
    let token: string | undefined;
    let pages = 0;
    do {
      const p = await page(token);
      chips.push(...p.entries.map((e) => e.chipSerial!));
      versions.add(p.version);
      token = p.nextPageToken;
      assert.ok(++pages < 20, 'paging ends');
    } while (token);
    return { chips: chips.sort(), versions: [...versions], pages };
  }

  test('a full list pages through REST and SOAP with nextPageToken', async () => {
    const r = await fetch(`${server.base}/api/v1/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(authRequest(f.creds.province!, f.clock, 'T-paging')),
    });
    const { token } = (await r.json()) as { token: string };
    // the first Xi'an card was reported lost above: it left the whitelist
    const expected = [...xian.slice(1).map((c) => c.chip), baoji.chip].sort();
    const rest = await pageThrough(async (pageToken) => {
      const res = await fetch(`${server.base}/api/v1/lists/query`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ listType: 'W', pageSize: 1, ...(pageToken ? { pageToken } : {}) }),
      });
      assert.equal(res.status, 200, await res.clone().text());
      return (await res.json()) as ListOutput;
    });
    assert.deepEqual(rest.chips, expected);
    assert.equal(rest.pages, 3);
    assert.equal(rest.versions.length, 1);

    const client = (await soap.createClientAsync(`${server.base}/soap/rhc?wsdl`)) as SoapClient;
    client.addSoapHeader({ RhcAuth: { token } }, '', 'tns', NS);
    const op = Object.keys(client).find((k) => /list/i.test(k) && k.endsWith('Async'))!;
    const viaSoap = await pageThrough(async (pageToken) => {
      const [out] = await client[op]!({ listType: 'W', pageSize: 1, ...(pageToken ? { pageToken } : {}) });
      const o = out as ListOutput & { entries?: unknown };
      const entries = o.entries === undefined ? [] : Array.isArray(o.entries) ? o.entries : [o.entries];
      return { ...o, entries } as ListOutput;
    });
    assert.deepEqual(viaSoap.chips, expected);
  });
});
