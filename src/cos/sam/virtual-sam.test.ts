import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { decodeCommand, fromHex, toHex, type ResponseApdu } from '../../card/apdu.ts';
import { describeSw } from '../../card/status-words.ts';
import { getProfile } from '../../card/profiles/index.ts';
import { seededRandom } from '../../base/runtime.ts';
import { CardRemovedError } from '../../card/transport.ts';
import {
  sm3,
  demoMasterKeys,
  createDemoPki,
  DEMO_PKI_IDENTITY,
  decodeSamCertificate,
  sm2VerifyDigest,
} from '../../crypto/index.ts';
import { createDemoSam, SamConfigError, VirtualSam, VIRTUAL_SAM_ATR } from './index.ts';

const profile = getProfile('national');

const seenSw = new Set<number>();
async function send(sam: VirtualSam, hex: string): Promise<ResponseApdu> {
  const r = await sam.transmit(decodeCommand(fromHex(hex)));
  seenSw.add(r.sw);
  return r;
}
const swOf = async (sam: VirtualSam, hex: string): Promise<string> =>
  (await send(sam, hex)).sw.toString(16).toUpperCase().padStart(4, '0');

/** Sends a command; on 61 xx fetches the result with GET RESPONSE. */
async function exchange(sam: VirtualSam, hex: string): Promise<Uint8Array> {
  const r = await send(sam, hex);
  if (r.sw === 0x9000) return r.data;
  assert.equal(r.sw >> 8, 0x61, `${hex} → ${r.sw.toString(16)}`);
  const g = await send(sam, `00C00000${(r.sw & 0xff).toString(16).padStart(2, '0')}`);
  assert.equal(g.sw, 0x9000);
  return g.data;
}

/** The §7.4 prelude: select MF, DF01, verify PIN 123456. */
async function ready(sam = createDemoSam(profile)): Promise<VirtualSam> {
  assert.equal(await swOf(sam, '00A40000023F00'), '9000');
  assert.equal(await swOf(sam, '00A4000002DF01'), '9000');
  assert.equal(await swOf(sam, '0020000003123456'), '9000');
  return sam;
}

test('reset answers the documented ATR; a closed SAM raises CardRemovedError', async () => {
  const sam = createDemoSam(profile);
  assert.equal(toHex(await sam.reset()), '3B6800005248435341 4D0100'.replace(/ /g, ''));
  assert.deepEqual(await sam.reset(), VIRTUAL_SAM_ATR);
  await sam.close();
  await assert.rejects(send(sam, '00A40000023F00'), CardRemovedError);
  await sam.reset();
  assert.equal(await swOf(sam, '00A40000023F00'), '9000');
});

test('SELECT: MF (both forms), DF01, the EFs; unknown FID, bad P1 and bad Lc', async () => {
  const sam = createDemoSam(profile);
  assert.equal(await swOf(sam, '00A4000000'), '9000');
  assert.equal(await swOf(sam, '00A4000002 0015'.replace(' ', '')), '9000');
  assert.equal(await swOf(sam, '00A40000020016'), '9000');
  assert.equal(await swOf(sam, '00A4000002001B'), '6A82', '001B lives in DF01, not the MF');
  assert.equal(await swOf(sam, '00A4000002DF01'), '9000');
  for (const fid of ['001A', '001B', '001C']) assert.equal(await swOf(sam, `00A4000002${fid}`), '9000');
  assert.equal(await swOf(sam, '00A4000002EF05'), '6A82');
  assert.equal(await swOf(sam, '00A4040002DF01'), '6A86');
  assert.equal(await swOf(sam, '00A4000003DF0100'), '6700');
});

test('READ BINARY: MF files without PIN, DF01 files only after VERIFY; EOF and offset rules', async () => {
  const sam = createDemoSam(profile);
  const pki = createDemoPki();
  assert.equal(await swOf(sam, '00B000000E'), '6986', 'no current EF');
  await send(sam, '00A40000020015');
  const pub = await send(sam, '00B000000E');
  assert.equal(pub.sw, 0x9000);
  // serial (10) ‖ version 01 ‖ key-card type 01 ‖ command-set version 01 ‖ FCI 00
  assert.equal(toHex(pub.data), '52484353414D00000001' + '01010100');
  await send(sam, '00A40000020016');
  assert.equal(toHex((await send(sam, '00B0000006')).data), '410101000001');
  await send(sam, '00A4000002DF01');
  await send(sam, '00A4000002001B');
  assert.equal(await swOf(sam, '00B00000B4'), '6982', 'DF01 files need the PIN');
  await send(sam, '0020000003123456');
  assert.deepEqual((await send(sam, '00B00000B4')).data, pki.issuerCertificate);
  await send(sam, '00A4000002001C');
  assert.deepEqual((await send(sam, '00B00000BE')).data, pki.samCertificate);
  const tail = await send(sam, '00B000B0FF');
  assert.equal(tail.sw, 0x6282, 'Le past the end: 62 82 with what is there');
  assert.equal(tail.data.length, 190 - 0xb0);
  assert.equal((await send(sam, '00B0000000')).data.length, 190, 'Le 00 = everything');
  assert.equal(await swOf(sam, '00B000BE01'), '6B00', 'offset beyond the file');
  await send(sam, '00A4000002001A');
  const app = await send(sam, '00B0000019');
  assert.equal(app.data.length, 25);
  assert.equal(toHex(app.data.subarray(17)), '2024010120991231');
});

test('VERIFY PIN: retry counter 63 Cx, block at zero (69 83), success resets, survives reset', async () => {
  const sam = createDemoSam(profile);
  assert.equal(await swOf(sam, '0020000000'.slice(0, 8)), '63C3', 'VERIFY without data reports tries left');
  assert.equal(await swOf(sam, '0020000003123457'), '63C2');
  assert.equal(await swOf(sam, '0020000003123458'), '63C1');
  assert.equal(await swOf(sam, '0020000003123456'), '9000');
  assert.equal(sam.pinTriesLeft, 3);
  assert.equal(await swOf(sam, '00200000'), '9000', 'state query after success');
  await sam.reset();
  assert.equal(await swOf(sam, '00200000'), '63C3', 'reset forgets the verification');
  for (const want of ['63C2', '63C1', '63C0']) assert.equal(await swOf(sam, '0020000003999999'), want);
  assert.equal(await swOf(sam, '0020000003123456'), '6983', 'blocked even for the right PIN');
  await sam.reset();
  assert.equal(await swOf(sam, '0020000003123456'), '6983', 'the counter is non-volatile');
  assert.equal(await swOf(sam, '002000000312345A'), '6983');
  const fresh = createDemoSam(profile);
  assert.equal(await swOf(fresh, '002000000312345A'), '6A80', 'non-BCD PIN');
  assert.equal(await swOf(fresh, '00200000011A'), '6700');
  assert.equal(await swOf(fresh, '0020010003123456'), '6A86');
});

test('CHANGE PIN: old ‖ FF ‖ new; wrong old PIN counts; malformed data 6A 80', async () => {
  const sam = createDemoSam(profile);
  assert.equal(await swOf(sam, '805E010007111111FF222222'), '63C2');
  assert.equal(await swOf(sam, '805E010007123456FF654321'), '9000');
  await sam.reset();
  assert.equal(await swOf(sam, '0020000003123456'), '63C2');
  assert.equal(await swOf(sam, '0020000003654321'), '9000');
  assert.equal(await swOf(sam, '805E010006654321123456'), '6A80', 'no FF separator');
  assert.equal(await swOf(sam, '805E010005654321FF12'), '6A80', 'new PIN too short');
  assert.equal(await swOf(sam, '805E000007654321FF123456'), '6A86');
  assert.equal(await swOf(sam, '805E01000765 4321FF12345F'.replace(' ', '')), '9000', 'odd PIN 12345');
  await sam.reset();
  assert.equal(await swOf(sam, '002000000312345F'), '9000');
});

test('every key, crypto and signing command needs the PIN (69 82) and DF01 (69 85)', async () => {
  const sam = createDemoSam(profile);
  await send(sam, '00A4000002DF01');
  for (const apdu of [
    '0084000008',
    '80DE2802' + '10' + '00'.repeat(16),
    '80FA000010' + '00'.repeat(16),
    '80CC000003616263',
    '80CE000020' + '00'.repeat(32),
  ])
    assert.equal(await swOf(sam, apdu), '6982', apdu);
  await send(sam, '0020000003123456');
  await send(sam, '00A40000023F00');
  assert.equal(await swOf(sam, '80DE2802' + '10' + '00'.repeat(16)), '6985', 'keys live in DF01');
  assert.equal(
    await swOf(sam, '0084000008'),
    '9000',
    'GET CHALLENGE works anywhere once the PIN is verified',
  );
});

test('GET CHALLENGE uses the injected Random', async () => {
  const sam = await ready(createDemoSam(profile, { random: seededRandom(42) }));
  const r = await send(sam, '0084000008');
  assert.equal(r.sw, 0x9000);
  assert.deepEqual(r.data, seededRandom(42).bytes(8));
  assert.equal(await swOf(sam, '00840000'), '6700');
});

test('80 DE: unknown index/version 6A 88, P1 6A 86, Lc per level count 67 00; 80 FA rules', async () => {
  const sam = await ready();
  const r = '00'.repeat(8);
  const card = '0102030405060708';
  const city = '3431303030303030';
  assert.equal(await swOf(sam, `80DE4732 18 ${card}${city}${r}`.replace(/ /g, '')), '9000', 'RK1_DF01 v1');
  assert.equal(
    await swOf(sam, `80DE4712 18 ${card}${city}${r}`.replace(/ /g, '')),
    '6A88',
    'v0 of a 4-version key',
  );
  assert.equal(await swOf(sam, `80DE47B2 18 ${card}${city}${r}`.replace(/ /g, '')), '6A88', 'version 5');
  assert.equal(await swOf(sam, `80DE471F 18 ${card}${city}${r}`.replace(/ /g, '')), '6A88', 'no key 1F');
  assert.equal(
    await swOf(sam, `80DE2732 10 ${card}${r}`.replace(/ /g, '')),
    '6A88',
    'RK1_DF01 is not a 27 key',
  );
  assert.equal(await swOf(sam, `80DE4732 10 ${card}${r}`.replace(/ /g, '')), '6700', '47 needs 3 factors');
  assert.equal(
    await swOf(sam, `80DE2802 18 ${card}${city}${r}`.replace(/ /g, '')),
    '6700',
    '28 needs 2 factors',
  );
  assert.equal(await swOf(sam, `80DE9902 10 ${card}${r}`.replace(/ /g, '')), '6A86');
  assert.equal(
    await swOf(sam, '80FA000010' + '00'.repeat(16)),
    '6985',
    'a failed 80 DE leaves no process key',
  );
  assert.equal(
    await swOf(sam, `80DE2802 10 ${card}${r}`.replace(/ /g, '')),
    '9000',
    'STK_DDF1, P2 version 0',
  );
  assert.equal(await swOf(sam, `80DE2822 10 ${card}${r}`.replace(/ /g, '')), '9000', 'STK_DDF1, version 1');
  assert.equal(await swOf(sam, '80FA00000F' + '00'.repeat(15)), '6700');
  assert.equal(await swOf(sam, '80FA050010' + '00'.repeat(16)), '6700', 'MAC needs IV + a block');
  assert.equal(await swOf(sam, '80FA010010' + '00'.repeat(16)), '6A86');
  assert.equal(await swOf(sam, '80FA000010' + '00'.repeat(16)), '6110');
});

test('GET RESPONSE: wrong Le → 6C xx (result kept), then the data; gone after another command', async () => {
  const sam = await ready();
  await send(sam, '80DE280210' + '00'.repeat(16));
  assert.equal(await swOf(sam, '80FA000020' + '11'.repeat(32)), '6120');
  assert.equal(await swOf(sam, '00C0000010'), '6C20');
  const r = await send(sam, '00C0000020');
  assert.equal(r.sw, 0x9000);
  assert.equal(r.data.length, 32);
  assert.equal(await swOf(sam, '00C0000020'), '6985', 'a result is fetched once');
  await send(sam, '80FA000010' + '11'.repeat(16));
  await send(sam, '00A4000002DF01');
  assert.equal(await swOf(sam, '00C0000010'), '6985', 'another command drops the pending result');
});

test('SM3 over several 80 CC blocks equals sm3() of the whole input', async () => {
  const sam = await ready();
  const data = Uint8Array.from({ length: 3 * 255 + 100 }, (_, i) => (i * 31 + 7) & 0xff);
  for (let off = 0; off < 3 * 255; off += 255)
    assert.equal(await swOf(sam, '80CC0100FF' + toHex(data.subarray(off, off + 255))), '9000');
  const digest = await exchange(sam, '80CC000064' + toHex(data.subarray(3 * 255)));
  assert.deepEqual(digest, sm3(data));
  assert.deepEqual(await exchange(sam, '80CC000003616263'), sm3(new TextEncoder().encode('abc')));
  assert.equal(
    toHex(await exchange(sam, '80CC000003616263')),
    '66C7F0F462EEEDD9D1F2D46BDC10E4E24167C4875CF2F7A2297DA02B8F4BA8E0',
  );
  assert.equal(await swOf(sam, '80CC020003616263'), '6A86');
});

test('SM2 sign via APDU verifies with the public key of the SAM certificate read from the SAM', async () => {
  const sam = await ready();
  await send(sam, '00A4000002001C');
  const cert = decodeSamCertificate((await send(sam, '00B00000BE')).data);
  const e = sm3(new TextEncoder().encode('any digest input'));
  const res = await send(sam, '80CE000020' + toHex(e));
  assert.equal(res.sw, 0x6140);
  const sig = (await send(sam, '00C0000040')).data;
  assert.equal(sig.length, 64);
  assert.ok(sm2VerifyDigest(cert.publicKey, e, sig));
  const e2 = e.slice();
  e2[0] ^= 1;
  assert.ok(!sm2VerifyDigest(cert.publicKey, e2, sig));
  assert.equal(await swOf(sam, '80CE00001F' + toHex(e.subarray(1))), '6700');
  await sam.reset();
  await send(sam, '00A4000002DF01');
  assert.equal(await swOf(sam, '80CE000020' + toHex(e)), '6982', 'refused without the PIN');
});

test('unknown INS 6D 00, known INS with a wrong CLA 6E 00', async () => {
  const sam = await ready();
  assert.equal(await swOf(sam, '00CA000000'), '6D00');
  assert.equal(await swOf(sam, '80A40000023F00'), '6E00');
  assert.equal(await swOf(sam, '00DE280210' + '00'.repeat(16)), '6E00');
});

test('master keys and the SM2 private key never appear in JSON, inspect or any answer', async () => {
  const sam = await ready();
  const secrets = [...demoMasterKeys(profile).keys.values()].map((k) => toHex(k).toLowerCase());
  secrets.push(createDemoPki().samKey.privateKey.toLowerCase());
  const views = [JSON.stringify(sam), inspect(sam, { depth: 10, showHidden: true }), String(sam)].map((v) =>
    v.toLowerCase(),
  );
  for (const v of views) for (const s of secrets) assert.ok(!v.includes(s), 'no secret in a view of the SAM');
  assert.equal(JSON.parse(JSON.stringify(sam)).isTestKeys, true);
  // A sweep over every key slot: answers are derived values, never the master key itself
  const answers: string[] = [];
  for (const spec of profile.keys)
    for (const v of spec.versions) {
      const n = spec.levels === 2 ? 3 : 2;
      await send(
        sam,
        `80DE${toHex(Uint8Array.of(spec.samP1, (v << 5) | spec.samIndex))}${toHex(Uint8Array.of(n * 8))}${'00'.repeat(n * 8)}`,
      );
      answers.push(toHex(await exchange(sam, '80FA000010' + '00'.repeat(16))).toLowerCase());
    }
  for (const a of answers) for (const s of secrets) assert.notEqual(a, s);
});

test('constructor input errors are coded and name the field', () => {
  const pki = createDemoPki();
  const base = {
    masterKeys: demoMasterKeys(profile),
    profile,
    pki,
    pin: '123456',
    serial: DEMO_PKI_IDENTITY.samSerial,
    terminalId: DEMO_PKI_IDENTITY.terminalId,
  };
  const field = (opts: Partial<typeof base>) => {
    try {
      new VirtualSam({ ...base, ...opts });
    } catch (e) {
      assert.ok(e instanceof SamConfigError);
      assert.equal(e.symbol, 'SAM_CONFIG');
      return e.field;
    }
    return 'no error';
  };
  assert.equal(field({ serial: new Uint8Array(9) }), 'serial');
  assert.equal(field({ serial: new Uint8Array(10) }), 'serial');
  assert.equal(field({ terminalId: new Uint8Array(6) }), 'terminalId');
  assert.equal(field({ pin: '12' }), 'pin');
  assert.equal(field({ pki: { ...pki, samCertificate: pki.issuerCertificate } }), 'pki.samCertificate');
  assert.equal(field({ pki: { ...pki, samKey: createDemoPki().issuerKey } }), 'pki.samCertificate');
  const bad = new Map(base.masterKeys.keys);
  bad.set('2:1', new Uint8Array(8));
  assert.equal(field({ masterKeys: { ...base.masterKeys, keys: bad } }), 'masterKeys[2:1]');
  assert.equal(field({}), 'no error');
});

test('byte-level transmit: malformed APDUs answer 67 00 instead of throwing', () => {
  const sam = createDemoSam(profile);
  assert.equal(toHex(sam.transmitBytes(fromHex('00A4000002DF'))), '6700');
  assert.equal(toHex(sam.transmitBytes(fromHex('00A4'))), '6700');
  assert.equal(toHex(sam.transmitBytes(fromHex('00A40000023F00'))), '9000');
});

test('every status word the SAM sent in these tests is in the status-word table (§6.6)', () => {
  assert.ok(seenSw.size > 15);
  for (const code of seenSw) assert.ok(describeSw(code), `SW ${code.toString(16)} is listed`);
});
