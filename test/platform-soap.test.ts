// SOAP 1.1 binding: a client built FROM THE SERVED WSDL (the `soap` package) calls every operation on a
// real port on 127.0.0.1, on every database target; faults carry the catalogue code; hostile XML refused.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import soap from 'soap';
import { authRequest, idNumber, issuanceRequest, lossReport } from '../testkit/platform/fixtures.ts';
import { describeOnTargets, usePlatform } from '../testkit/platform/suite.ts';

const NS = 'urn:rhc:platform:soap:v1';
type Client = soap.Client & Record<string, (args: unknown) => Promise<[Record<string, unknown>, string]>>;

function faultCode(err: unknown): string | undefined {
  const root = (
    err as { root?: { Envelope?: { Body?: { Fault?: { detail?: { RhcFault?: { code?: string } } } } } } }
  ).root;
  return root?.Envelope?.Body?.Fault?.detail?.RhcFault?.code;
}

async function rejectsWith(p: Promise<unknown>, code: string) {
  await assert.rejects(p, (e: unknown) => {
    assert.equal(faultCode(e), code, String(e));
    return true;
  });
}

describeOnTargets('SOAP', (target) => {
  const { f, server } = usePlatform(target, { server: { bodyLimit: 16 * 1024 }, listen: true });
  const clients: Record<string, Client> = {};
  const id = idNumber('610102', '19660606', 61);

  async function clientFor(who: string): Promise<Client> {
    const c = (await soap.createClientAsync(`${server.base}/soap/rhc?wsdl`)) as Client;
    f.clock.advance(1);
    const [auth] = await c.AuthenticateInstitutionAsync!(authRequest(f.creds[who]!, f.clock));
    c.addSoapHeader({ RhcAuth: { token: auth.token } }, '', 'tns', NS);
    return c;
  }

  before(async () => {
    for (const k of ['city', 'cityB', 'hospital', 'bank']) clients[k] = await clientFor(k);
  });

  test('the WSDL offers the ten typed operations, the session operations and invoke', async () => {
    const ops = Object.keys(clients.city!.describe().RhcPlatformService.RhcPlatformPort).sort();
    assert.deepEqual(ops, [
      'AuthenticateInstitution',
      'GetBlacklist',
      'GetCardOperationStatistics',
      'RenewToken',
      'SignOut',
      'SyncCardIssuance',
      'SyncCardReplacement',
      'SyncCardStatus',
      'UpdateCard',
      'UpdateResident',
      'VerifyCard',
      'VerifyIdNumber',
      'invoke',
    ]);
  });

  test('every operation, in a life-cycle order', async () => {
    const city = clients.city!;
    const hospital = clients.hospital!;
    const [vid0] = await hospital.VerifyIdNumberAsync!({ idType: '01', idNo: id, name: '孙𠮷' });
    assert.equal(vid0.residentExists, false);
    const [iss] = await city.SyncCardIssuanceAsync!(
      issuanceRequest(id, 'SOAP000061', 'soap-1', { name: '孙𠮷' }),
    );
    assert.equal(iss.status, '30');
    const [v] = await hospital.VerifyCardAsync!({
      cardNo: id,
      chipSerial: 'SOAP000061',
      medStepCode: '010101',
    });
    assert.equal(v.valid, true);
    assert.equal((v.holder as { name: string }).name, '孙𠮷');
    const [bl0] = await hospital.GetBlacklistAsync!({ listType: 'B' });
    const [st] = await hospital.SyncCardStatusAsync!(lossReport(id, 'SOAP000061', 'soap-2'));
    assert.equal(st.currentStatus, '40');
    const [bl1] = await hospital.GetBlacklistAsync!({ listType: 'B', haveVersion: bl0.version });
    assert.equal(bl1.mode, 'D');
    const entries = ([] as { chipSerial: string }[]).concat((bl1.entries ?? []) as never);
    assert.deepEqual(
      entries.map((e) => e.chipSerial),
      ['SOAP000061'],
    );
    const [rep] = await city.SyncCardReplacementAsync!({
      type: '1',
      cardNo: id,
      oldChipSerial: 'SOAP000061',
      newChipSerial: 'SOAP000062',
      newValidUntil: '20360601',
      reasonCode: '02',
      opTime: '20260601110000',
      opOrgCode: '61010000-9',
      operator: 'op',
      serialNo: 'soap-3',
    });
    assert.deepEqual([rep.oldStatus, rep.newStatus], ['90', '30']);
    const [uc] = await clients.bank!.UpdateCardAsync!({
      cardNo: id,
      chipSerial: 'SOAP000062',
      changes: { paymentMethods: ['01', '02'] },
      alterNo: 'soap-4',
      alterTime: '20260601110500',
      operator: 'op',
    });
    assert.equal(uc.cardRewrite, 'terminal');
    const [ur] = await city.UpdateResidentAsync!({
      idType: '01',
      idNo: id,
      changes: { phone1: '13900000000' },
      alterNo: 'soap-5',
      alterTime: '20260601110600',
      operator: 'op',
    });
    assert.equal(ur.cardRewrite, 'terminal');
    const [vid1] = await hospital.VerifyIdNumberAsync!({ idType: '01', idNo: id, name: '孙𠮷' });
    assert.equal(vid1.residentExists, true);
    assert.equal(([] as unknown[]).concat(vid1.cards as never).length, 2);
    const [stats] = await city.GetCardOperationStatisticsAsync!({
      action: 'query',
      opTypes: ['01', '03', '07'],
      groupBy: ['op'],
    });
    const rows = ([] as { opType: string; count: number }[]).concat(stats.rows as never);
    assert.deepEqual(
      rows.map((r) => `${r.opType}:${r.count}`),
      ['01:1', '03:1', '07:1'], // a reissue is not also an issuance (issue 13 §7)
    );
  });

  test('faults carry the catalogue code; a retried write returns the first answer', async () => {
    const city = clients.city!;
    // a status verdict is an answer (valid=false + code), an unknown chip is a fault
    const [old] = await clients.hospital!.VerifyCardAsync!({ cardNo: id, chipSerial: 'SOAP000061' });
    assert.deepEqual([old.valid, old.resultCode, old.onBlacklist], [false, '3006', true]);
    await rejectsWith(clients.hospital!.VerifyCardAsync!({ cardNo: id, chipSerial: 'FORGED' }), '3002');
    await rejectsWith(
      clients.hospital!.SyncCardIssuanceAsync!(
        issuanceRequest(idNumber('610102', '19550505', 55), 'SOAP000055', 'soap-6'),
      ),
      '1011',
    );
    await rejectsWith(
      clients.cityB!.UpdateResidentAsync!({
        idType: '01',
        idNo: id,
        changes: { phone1: '1' },
        alterNo: 'soap-7',
        alterTime: '20260601110600',
        operator: 'op',
      }),
      '1011',
    );
    await rejectsWith(
      clients.hospital!.VerifyIdNumberAsync!({ idType: '01', idNo: '11010519491231002x', name: '张三' }),
      '2002',
    );
    const req = {
      cardNo: id,
      chipSerial: 'SOAP000062',
      oldStatus: '30',
      newStatus: '50',
      reasonCode: '09',
      opTime: '20260601120000',
      opOrgCode: '61010000-9',
      operator: 'op',
      serialNo: 'soap-8',
    };
    const [a] = await city.SyncCardStatusAsync!(req);
    const [b] = await city.SyncCardStatusAsync!(req);
    assert.deepEqual(b, a);
    await rejectsWith(city.SyncCardStatusAsync!({ ...req, reasonCode: '99' }), '1012');
    const anon = (await soap.createClientAsync(`${server.base}/soap/rhc?wsdl`)) as Client;
    await rejectsWith(anon.VerifyCardAsync!({ cardNo: id, chipSerial: 'SOAP000062' }), '1006');
  });

  test('answers with personal data are not cacheable; names follow the one text rule', async () => {
    const hospital = clients.hospital!;
    const [v] = await hospital.VerifyCardAsync!({ cardNo: id, chipSerial: 'SOAP000062' });
    assert.ok(v.holder, 'the answer carries the holder');
    const headers = (hospital as unknown as { lastResponseHeaders: Record<string, string> })
      .lastResponseHeaders;
    assert.equal(headers['cache-control'], 'no-store');
    await rejectsWith(hospital.VerifyIdNumberAsync!({ idType: '01', idNo: id, name: '刘|六' }), '1002');
    await rejectsWith(hospital.VerifyIdNumberAsync!({ idType: '01', idNo: id, name: '王\u202e五' }), '1002');
  });

  test('hostile XML: DTD/XXE, malformed, oversize, unknown element → coded faults', async () => {
    const post = async (body: string) => {
      const r = await fetch(`${server.base}/soap/rhc`, {
        method: 'POST',
        headers: { 'content-type': 'text/xml; charset=utf-8' },
        body,
      });
      const text = await r.text();
      return { status: r.status, code: /<tns:code>(\d{4})<\/tns:code>/.exec(text)?.[1], text };
    };
    const xxe = await post(
      `<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><VerifyIdNumberRequest xmlns="${NS}"><idType>01</idType><idNo>&xxe;</idNo><name>a</name></VerifyIdNumberRequest></soap:Body></soap:Envelope>`,
    );
    assert.deepEqual([xxe.status, xxe.code], [500, '1010']);
    assert.doesNotMatch(xxe.text, /root:/);
    assert.equal((await post('<soap:Envelope><soap:Body><a></b></soap:Body>')).code, '1010');
    assert.equal((await post(`<x>${'a'.repeat(20000)}</x>`)).code, '1010');
    const unknown = await post(
      `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><DeleteEverythingRequest xmlns="${NS}"/></soap:Body></soap:Envelope>`,
    );
    assert.equal(unknown.code, '1003');
    const extra = await post(
      `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><AuthenticateInstitutionRequest xmlns="${NS}"><orgCode>1</orgCode><evil>1</evil></AuthenticateInstitutionRequest></soap:Body></soap:Envelope>`,
    );
    assert.match(extra.text, /<tns:code>100[12]<\/tns:code>/);
  });
});
