// The §2.3 envelope bindings over the same service: JSON gateway (SM3 digest, SM4 body, timestamp window,
// msg_guid idempotency) and SOAP invoke(header, body) called through a client built from the served WSDL.
import assert from 'node:assert/strict';
import { createCipheriv } from 'node:crypto';
import { test } from 'node:test';
import soap from 'soap';
import { envelopeDigest } from '../src/platform/api/envelope.ts';
import { toWireTime } from '../src/platform/domain/format.ts';
import { sm3Hex, sm4DecryptBase64 } from '../src/platform/domain/secrets.ts';
import { authRequest, idNumber, issuanceRequest } from '../testkit/platform/fixtures.ts';
import { describeOnTargets, usePlatform } from '../testkit/platform/suite.ts';

test('SM3 and SM4 helpers reproduce the standard vectors (TOOLCHAIN.md)', () => {
  assert.equal(sm3Hex('abc'), '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
  const key = Buffer.from('0123456789abcdeffedcba9876543210', 'hex');
  const c = createCipheriv('sm4-ecb', key, null).setAutoPadding(false);
  assert.equal(Buffer.concat([c.update(key), c.final()]).toString('hex'), '681edf34d206965e86b3e94f536e4246');
});

/** Client side of the JSON gateway, written from §2.3 (independent of the server's helpers). */
function gatewayMessage(
  appId: string,
  secret: string,
  method: string,
  body: unknown,
  time: string,
  extra: Record<string, string> = {},
) {
  const c = createCipheriv('sm4-ecb', Buffer.from(secret, 'hex'), null);
  const biz = Buffer.concat([c.update(JSON.stringify(body), 'utf8'), c.final()]).toString('base64');
  const fields: Record<string, string> = {
    app_id: appId,
    term_id: 'FEM-610100-001',
    method,
    version: '1.0',
    timestamp: time,
    digest_type: 'SM3',
    enc_type: 'SM4',
    biz_content: biz,
    ...extra,
  };
  const canon = Object.keys(fields)
    .sort()
    .map((k) => `${k}=${fields[k]}`)
    .join('&');
  return { ...fields, digest: sm3Hex(`${canon}&app_secret=${secret}`).toUpperCase() };
}

describeOnTargets('envelope bindings', (target) => {
  const { f, server } = usePlatform(target, { server: { bodyLimit: 64 * 1024 }, listen: true });
  const id = idNumber('610102', '19720202', 72);

  const gw = async (msg: unknown) =>
    (
      await server.app.inject({ method: 'POST', url: '/api/v1/gateway', payload: msg as object })
    ).json() as Record<string, string>;

  test('JSON gateway: authenticate, issue, retry by msg_guid, digest/time/decryption refusals', async () => {
    const city = f.creds.city!;
    const now = () => toWireTime(f.clock.now());
    const auth = await gw(
      gatewayMessage(city.appId, city.appSecret, 'RHC_C0001', authRequest(city, f.clock), now(), {
        msg_guid: 'g-0001',
      }),
    );
    assert.equal(auth.result_code, '0000', auth.desc);
    const { digest, ...unsigned } = auth;
    assert.equal(digest, envelopeDigest(unsigned, city.appSecret), 'response digest verifies');
    const token = JSON.parse(sm4DecryptBase64(city.appSecret, auth.biz_content!)).token as string;
    const issue = gatewayMessage(
      city.appId,
      city.appSecret,
      'RHC_C0004',
      issuanceRequest(id, 'GATE000072', 'gw-1'),
      now(),
      { msg_guid: 'g-0002', token },
    );
    const first = await gw(issue);
    assert.equal(first.result_code, '0000', first.desc);
    const again = await gw(issue);
    assert.equal(again.biz_content, first.biz_content, 'a repeated msg_guid returns the first answer');
    const other = await gw(
      gatewayMessage(
        city.appId,
        city.appSecret,
        'RHC_C0004',
        issuanceRequest(id, 'GATE000073', 'gw-2'),
        now(),
        { msg_guid: 'g-0002', token },
      ),
    );
    assert.equal(other.result_code, '1012');
    const tampered = { ...issue, term_id: 'FEM-EVIL' };
    assert.equal((await gw(tampered)).result_code, '1007');
    const stale = gatewayMessage(
      city.appId,
      city.appSecret,
      'RHC_C0003',
      { cardNo: id, chipSerial: 'GATE000072' },
      '20260101000000',
      { token },
    );
    assert.equal((await gw(stale)).result_code, '1009');
    const garbled = gatewayMessage(city.appId, city.appSecret, 'RHC_C0003', {}, now(), { token });
    const fields: Record<string, string> = {
      ...garbled,
      biz_content: Buffer.from('not a cipher text').toString('base64'),
    };
    delete fields.digest;
    assert.equal(
      (await gw({ ...fields, digest: envelopeDigest(fields, city.appSecret) })).result_code,
      '1008',
    );
    const unknown = await gw(gatewayMessage(city.appId, city.appSecret, 'RHC_C0099', {}, now(), { token }));
    assert.equal(unknown.result_code, '1003');
    const verify = await gw(
      gatewayMessage(
        city.appId,
        city.appSecret,
        'RHC_C0003',
        { cardNo: id, chipSerial: 'GATE000072' },
        now(),
        { token },
      ),
    );
    assert.equal(JSON.parse(sm4DecryptBase64(city.appSecret, verify.biz_content!)).valid, true);
    const noToken = await gw(
      gatewayMessage(
        city.appId,
        city.appSecret,
        'RHC_C0003',
        { cardNo: id, chipSerial: 'GATE000072' },
        now(),
      ),
    );
    assert.equal(noToken.result_code, '1006');
  });

  test('SOAP invoke(header, body) with XML strings, through the WSDL client', async () => {
    const client = (await soap.createClientAsync(`${server.base}/soap/rhc?wsdl`)) as soap.Client &
      Record<string, (a: unknown) => Promise<[{ return: string }]>>;
    f.clock.advance(5);
    const a = authRequest(f.creds.hospital!, f.clock);
    const header = (code: string, guid: string, token = '') =>
      `<request><msgGuid>${guid}</msgGuid><businessCode>${code}</businessCode><msgCreateTime>${toWireTime(f.clock.now())}</msgCreateTime><orgCode>45075129-0</orgCode><termId>FEM-001</termId>${token ? `<token>${token}</token>` : ''}<stdVerCode>1.0</stdVerCode></request>`;
    const body = (o: Record<string, string>) =>
      `<request>${Object.entries(o)
        .map(([k, v]) => `<${k}>${v}</${k}>`)
        .join('')}</request>`;
    const [r1] = await client.invokeAsync!({ header: header('RHC_C0001', 'i-1'), body: body(a) });
    const token = /<token>([^<]+)<\/token>/.exec(r1.return)?.[1];
    assert.ok(token, r1.return);
    const status = body({
      cardNo: id,
      chipSerial: 'GATE000072',
      oldStatus: '30',
      newStatus: '40',
      reasonCode: '02',
      opTime: '20260601095930',
      opOrgCode: '45075129-0',
      operator: 'op017',
      serialNo: '610100-20260601-000123',
    });
    const [r2] = await client.invokeAsync!({ header: header('RHC_C0005', 'i-2', token), body: status });
    assert.match(
      r2.return,
      /^<response><resultCode>0000<\/resultCode><result>success<\/result><desc\/><currentStatus>40<\/currentStatus><blacklistVersion>\d{8}\.\d{4}<\/blacklistVersion><\/response>$/,
    );
    const [r3] = await client.invokeAsync!({ header: header('RHC_C0005', 'i-2', token), body: status });
    assert.equal(r3.return, r2.return, 'repeated msgGuid → first answer');
    const [r4] = await client.invokeAsync!({
      header: header('RHC_C0003', 'i-3', token),
      body: body({ cardNo: id, chipSerial: 'GATE000072' }),
    });
    // One resultCode per answer, the real one (issue 13 §7: it was 0000 in the envelope, 3004 in the body).
    assert.match(r4.return, /^<response><resultCode>3004<\/resultCode><result>success<\/result><desc\/>/);
    assert.equal(r4.return.match(/<resultCode>/g)?.length, 1, r4.return);
    assert.match(r4.return, /<valid>false<\/valid>/);
    const [r5] = await client.invokeAsync!({
      header: header('RHC_C0003', 'i-4'),
      body: body({ cardNo: id, chipSerial: 'GATE000072' }),
    });
    assert.match(r5.return, /<resultCode>1006<\/resultCode><result>failure<\/result>/);
    const [r6] = await client.invokeAsync!({
      header: header('RHC_C0003', 'i-5', token),
      body: '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><request>&e;</request>',
    });
    assert.match(r6.return, /<resultCode>1010<\/resultCode>/);
  });
});
