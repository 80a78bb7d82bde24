// The §7.4 flows from the SAM's side: what the terminal gets from 80 DE + 80 FA must equal what a user card
// holding the per-card keys computed by keys.ts (deriveCardKey — the personalisation path) computes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeCommand, fromHex, toHex, type ResponseApdu } from '../../card/apdu.ts';
import { cityFactor } from '../../card/factors.ts';
import type { KeySpec } from '../../card/image.ts';
import { getProfile } from '../../card/profiles/index.ts';
import { seededRandom } from '../../base/runtime.ts';
import {
  authCryptogram,
  equalBytes,
  secureMessagingMac,
  sm4DecryptEcb,
  sm4EncryptEcb,
  unpadIso,
  deriveCardKey,
  demoMasterKeys,
  masterKeyFor,
  processKey,
  createDemoPki,
  recordSignatureDigest,
  RECORD_SIGNATURE_LAYOUT,
  verifyRecordSignature,
} from '../../crypto/index.ts';
import { createDemoSam, type VirtualSam } from './index.ts';

const profile = getProfile('national');
const masters = demoMasterKeys(profile);
const keyOf = (name: string): KeySpec => {
  const k = profile.keys.find((x) => x.name === name);
  assert.ok(k, `profile has ${name}`);
  return k;
};

// The card's identity: 8 historical bytes of its ATR and 应用城市代码 410100 (§7.2).
const CARD_FACTOR = fromHex('1122334455667788');
const CITY_FACTOR = cityFactor('410100');

/** What personalisation writes into the card: K_card for (key, version), from the master key set. */
const cardKeyOf = (name: string, version = 1): Uint8Array =>
  deriveCardKey(masterKeyFor(masters, keyOf(name), version), keyOf(name), CARD_FACTOR, CITY_FACTOR);

async function send(sam: VirtualSam, bytes: Uint8Array | string): Promise<ResponseApdu> {
  return sam.transmit(decodeCommand(typeof bytes === 'string' ? fromHex(bytes) : bytes));
}

async function fetch61(sam: VirtualSam, apdu: Uint8Array | string): Promise<Uint8Array> {
  const r = await send(sam, apdu);
  assert.equal(r.sw >> 8, 0x61, `expected 61 xx, got ${r.sw.toString(16)}`);
  const g = await send(sam, Uint8Array.of(0x00, 0xc0, 0x00, 0x00, r.sw & 0xff));
  assert.equal(g.sw, 0x9000);
  return g.data;
}

async function readySam(seed = 7): Promise<VirtualSam> {
  const sam = createDemoSam(profile, { random: seededRandom(seed) });
  for (const a of ['00A40000023F00', '00A4000002DF01', '0020000003123456'])
    assert.equal((await send(sam, a)).sw, 0x9000, a);
  return sam;
}

/** 80 DE as the deployed code builds it from the key table: P1 = samP1, P2 = version << 5 | index. */
function keySetupApdu(spec: KeySpec, version: number, random: Uint8Array): Uint8Array {
  const factors = spec.levels === 2 ? [...CARD_FACTOR, ...CITY_FACTOR] : [...CARD_FACTOR];
  const data = [...factors, ...random];
  return Uint8Array.from([0x80, 0xde, spec.samP1, (version << 5) | spec.samIndex, data.length, ...data]);
}

const encryptApdu = (data: Uint8Array) => Uint8Array.from([0x80, 0xfa, 0x00, 0x00, data.length, ...data]);
const macApdu = (data: Uint8Array) => Uint8Array.from([0x80, 0xfa, 0x05, 0x00, data.length, ...data]);

test('flow A/B: EXTERNAL AUTHENTICATE cryptogram from the SAM = the card-side computation, every RK/UK', async () => {
  const sam = await readySam();
  const authData = fromHex('1122334455667788'); // the deployed DLL's constant
  const externals = profile.keys.filter((k) => k.usage === 'external-auth');
  assert.ok(externals.length >= 10, 'the national key table has the RK/UK keys');
  for (const spec of externals)
    for (const version of spec.versions) {
      const cardChallenge = seededRandom(version * 100 + spec.samIndex).bytes(8);
      assert.equal((await send(sam, keySetupApdu(spec, version, cardChallenge))).sw, 0x9000, spec.name);
      const x = await fetch61(sam, encryptApdu(Uint8Array.from([...authData, ...new Uint8Array(8)])));
      assert.equal(x.length, 16);
      const c = Uint8Array.from({ length: 8 }, (_, i) => x[i] ^ x[i + 8]); // terminal folds X
      // the card: SK = D(K_card, R), C' = fold(SM4_SK(authData ‖ 00×8))
      const expected = authCryptogram(processKey(cardKeyOf(spec.name, version), cardChallenge), authData);
      assert.ok(equalBytes(c, expected), `${spec.name} v${version}`);
    }
});

test('flow A with the deployed P2 values: RK1_DF01 as 80 DE 47 32, UK1_DDF1 as 80 DE 27 2A', async () => {
  const sam = await readySam();
  const r = fromHex('A1A2A3A4A5A6A7A8');
  const auth = new Uint8Array(8);
  assert.equal(
    (await send(sam, `80DE473218${toHex(CARD_FACTOR)}${toHex(CITY_FACTOR)}${toHex(r)}`)).sw,
    0x9000,
  );
  const x1 = await fetch61(sam, '80FA000010' + '00'.repeat(16));
  const c1 = Uint8Array.from({ length: 8 }, (_, i) => x1[i] ^ x1[i + 8]);
  assert.deepEqual(c1, authCryptogram(processKey(cardKeyOf('RK1_DF01'), r), auth));
  assert.equal((await send(sam, `80DE272A10${toHex(CARD_FACTOR)}${toHex(r)}`)).sw, 0x9000);
  const x2 = await fetch61(sam, '80FA000010' + '00'.repeat(16));
  assert.deepEqual(
    Uint8Array.from({ length: 8 }, (_, i) => x2[i] ^ x2[i + 8]),
    authCryptogram(processKey(cardKeyOf('UK1_DDF1'), r), auth),
  );
});

test('flow C: INTERNAL AUTHENTICATE with IRK_DDF1 — SAM expectation = card answer', async () => {
  const sam = await readySam(99);
  const rs = (await send(sam, '0084000008')).data; // SAM GET CHALLENGE
  assert.deepEqual(rs, seededRandom(99).bytes(8));
  const authData = fromHex('0102030405060708');
  const irk = keyOf('IRK_DDF1');
  assert.equal(toHex(keySetupApdu(irk, 1, rs).subarray(0, 5)), '80DE472118', 'the deployed header');
  assert.equal((await send(sam, keySetupApdu(irk, 1, rs))).sw, 0x9000);
  const x = await fetch61(sam, encryptApdu(Uint8Array.from([...authData, ...new Uint8Array(8)])));
  const expected = Uint8Array.from({ length: 8 }, (_, i) => x[i] ^ x[i + 8]);
  // the card answers 00 88 00 00 11 Rs ‖ authData ‖ 01 with fold(SM4_{D(K_card,Rs)}(authData ‖ 00×8))
  const cardAnswer = authCryptogram(processKey(cardKeyOf('IRK_DDF1'), rs), authData);
  assert.deepEqual(expected, cardAnswer);
  // a different card (other card factor) does not produce it
  const otherCard = deriveCardKey(
    masterKeyFor(masters, irk, 1),
    irk,
    fromHex('1122334455667789'),
    CITY_FACTOR,
  );
  assert.notDeepEqual(authCryptogram(processKey(otherCard, rs), authData), expected);
});

test('flow D: SM write of 姓名 (tag 0B, 李堃) — the §6.3 object built by hand, encrypted and MACed by the SAM', async () => {
  const sam = await readySam();
  const stk = keyOf('STK_DDF1'); // DDF1/EF06 is under STK_DDF1: 1-level, P1 28, index 02
  assert.deepEqual([stk.samP1, stk.samIndex, stk.levels], [0x28, 0x02, 1]);
  // Plain block by hand (§6.3): LL=20 ‖ T=0B ‖ L=1E ‖ GB18030 "李堃" = C0 EE 88 D2, 00-padded to 30 ‖ 80 00…
  const plain = fromHex('200B1E' + 'C0EE88D2' + '00'.repeat(26) + '80' + '00'.repeat(14));
  assert.equal(plain.length, 48);
  const r = fromHex('0F1E2D3C4B5A6978'); // the user card's GET CHALLENGE
  // step 3: 80 DE 28 02 10 card ‖ R (deployed P2 02 = version 0 → the only version)
  assert.equal((await send(sam, `80DE280210${toHex(CARD_FACTOR)}${toHex(r)}`)).sw, 0x9000);
  const ct = await fetch61(sam, encryptApdu(plain));
  assert.equal(ct.length, 48);
  // step 4: 80 DE again, then MAC over IV 0 ‖ 04 DC 01 04 34 ‖ ciphertext ‖ 80 00… (always padded)
  assert.equal((await send(sam, `80DE280210${toHex(CARD_FACTOR)}${toHex(r)}`)).sw, 0x9000);
  const header = fromHex('04DC010434');
  const macInput = new Uint8Array(16 + 64);
  macInput.set(header, 16);
  macInput.set(ct, 21);
  macInput[16 + 5 + 48] = 0x80;
  const mac = await fetch61(sam, macApdu(macInput));
  assert.equal(mac.length, 4);
  const apdu = Uint8Array.from([...header, ...ct, ...mac]);
  assert.equal(apdu[4], 0x34, 'Lc = 16·⌊(30+3)/16⌋ + 20 = 0x34');
  assert.equal(apdu.length, 5 + 0x34);
  // the card side, with the K_card personalisation wrote: MAC first, then decrypt, then LL/T/L checks
  const sk = processKey(cardKeyOf('STK_DDF1'), r);
  assert.deepEqual(mac, secureMessagingMac(sk, apdu.subarray(0, 5 + 48)));
  assert.deepEqual(ct, sm4EncryptEcb(sk, plain));
  const decrypted = unpadIso(sm4DecryptEcb(sk, ct));
  assert.ok(decrypted);
  assert.deepEqual([decrypted[0], decrypted[1], decrypted[2]], [0x20, 0x0b, 0x1e]);
  assert.equal(toHex(decrypted.subarray(3, 7)), 'C0EE88D2');
});

test('flow D for a 2-level STK (STK_DF02, 80 DE 48 04 18) matches the card-side key too', async () => {
  const sam = await readySam();
  const r = fromHex('0001020304050607');
  assert.equal(
    (await send(sam, `80DE480418${toHex(CARD_FACTOR)}${toHex(CITY_FACTOR)}${toHex(r)}`)).sw,
    0x9000,
  );
  const block = fromHex('0305010180' + '00'.repeat(11));
  assert.deepEqual(
    await fetch61(sam, encryptApdu(block)),
    sm4EncryptEcb(processKey(cardKeyOf('STK_DF02'), r), block),
  );
  // §7.3 spelled out with bare SM4 (independent of keys.ts): K_city, K_card, SK, each SM4_K(f ‖ NOT f)
  const d = (k: Uint8Array, f: Uint8Array) =>
    sm4EncryptEcb(k, Uint8Array.from([...f, ...f.map((b) => ~b & 0xff)]));
  const mk = masters.keys.get(`${keyOf('STK_DF02').samIndex}:1`);
  assert.ok(mk);
  const sk = d(d(d(mk, CITY_FACTOR), CARD_FACTOR), r);
  assert.deepEqual(await fetch61(sam, encryptApdu(block)), sm4EncryptEcb(sk, block));
});

test('flow F + §7.6: sign an ED record through the SAM (80 CC not needed: e from Z_A ‖ M), verify offline', async () => {
  const sam = await readySam();
  const pki = createDemoPki();
  const layout = RECORD_SIGNATURE_LAYOUT.ED;
  const record = new Uint8Array(layout.totalLength);
  for (let i = 0; i < layout.dataLength; i++) record[i] = (i * 13 + 1) & 0xff;
  const card = '110101199003071234';
  const chip = 'C123456789';
  const e = recordSignatureDigest(pki.samKey.publicKey, card, chip, record.subarray(0, layout.dataLength));
  const sig = await fetch61(sam, Uint8Array.from([0x80, 0xce, 0x00, 0x00, 0x20, ...e]));
  record.set(sig, layout.signatureOffset);
  await send(sam, '00A4000002001C');
  record.set((await send(sam, '00B00000BE')).data, layout.certificateOffset);
  await send(sam, '00A4000002001B');
  const issuerCertificate = (await send(sam, '00B00000B4')).data;
  const check = { record, kind: 'ED' as const, cardNumber: card, chipSerial: chip, issuerCertificate };
  assert.equal(verifyRecordSignature({ ...check, rootPublicKey: pki.rootPublicKey }).valid, true);
  assert.equal(
    verifyRecordSignature({ ...check, cardNumber: '110101199003071242', rootPublicKey: pki.rootPublicKey })
      .reason,
    'RECORD_SIGNATURE',
    'copied onto another card, the record no longer verifies',
  );
});
