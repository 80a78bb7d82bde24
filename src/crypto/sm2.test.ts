import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fromHex, toHex } from '../card/apdu.ts';
import {
  computeZa,
  generateSm2KeyPair,
  publicKeyFromRaw,
  publicKeyOf,
  rawPublicKey,
  sm2DigestForSigning,
  sm2KeyPairFromLabel,
  sm2Sign,
  sm2SignDigest,
  sm2Verify,
  sm2VerifyDigest,
  Sm2Error,
} from './index.ts';

// GB/T 32918.5-2017 Annex A / GM/T 0003.5-2012 A.2: the published signature example on the recommended
// curve (message "message digest", user ID "1234567812345678"). Values copied from the standard.
const STD = {
  d: '3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8',
  x: '09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020',
  y: 'CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13',
  k: '59276E27D506861A16680F3AD9C02DCCEF3CC1FA3CDBE4CE6D54B80DEAC1BC21',
  za: 'B2E14C5C79C6DF5B85F4FE7ED8DB7A262B9DA7E07CCB0EA9F4747B8CCDA8A4F3',
  e: 'F0B43E94BA45ACCAACE692ED534382EB17E6AB5A19CE7B31F4486FDFC0D28640',
  r: 'F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3',
  s: 'B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA',
};
const MSG = new TextEncoder().encode('message digest');
const STD_PUB = '04' + STD.x + STD.y;

test('GB/T 32918 example: public key, Z_A and e', () => {
  assert.equal(publicKeyOf(STD.d), STD_PUB.toLowerCase());
  assert.equal(toHex(computeZa(STD_PUB)), STD.za);
  assert.equal(toHex(sm2DigestForSigning(STD_PUB, MSG)), STD.e);
});

test('GB/T 32918 example: signing with the published k gives the published r ‖ s', () => {
  const sig = sm2SignDigest(STD.d, fromHex(STD.e), { nonce: fromHex(STD.k) });
  assert.equal(toHex(sig), STD.r + STD.s);
});

test('GB/T 32918 example: the published signature verifies; a flipped bit does not', () => {
  const sig = fromHex(STD.r + STD.s);
  assert.ok(sm2Verify(STD_PUB, MSG, sig));
  const bad = sig.slice();
  bad[63] ^= 1;
  assert.ok(!sm2Verify(STD_PUB, MSG, bad));
  assert.ok(!sm2Verify(STD_PUB, new TextEncoder().encode('message digesT'), sig));
  assert.ok(!sm2Verify(STD_PUB, MSG, sig, 'ALICE123@YAHOO.COM'), 'Z_A depends on the user ID');
});

test('sign/verify round trip with a fresh key; tampering and wrong key fail', () => {
  const kp = generateSm2KeyPair();
  const other = generateSm2KeyPair();
  const m = new TextEncoder().encode('居民健康卡 record');
  const sig = sm2Sign(kp.privateKey, kp.publicKey, m);
  assert.equal(sig.length, 64);
  assert.ok(sm2Verify(kp.publicKey, m, sig));
  assert.ok(!sm2Verify(other.publicKey, m, sig));
  const m2 = m.slice();
  m2[0] ^= 0x80;
  assert.ok(!sm2Verify(kp.publicKey, m2, sig));
  // r or s out of range is rejected before any curve arithmetic
  assert.ok(!sm2VerifyDigest(kp.publicKey, new Uint8Array(32), new Uint8Array(64)));
  assert.ok(!sm2Verify(kp.publicKey, m, sig.subarray(0, 63)));
});

test('r and s keep their leading zero bytes (always 32 + 32)', () => {
  const kp = sm2KeyPairFromLabel('RHC test: leading zero search');
  const e = new Uint8Array(32);
  let found = 0;
  for (let i = 0; i < 5000 && found < 1; i++) {
    e[0] = i & 0xff;
    e[1] = i >> 8;
    const sig = sm2SignDigest(kp.privateKey, e);
    assert.equal(sig.length, 64);
    if (sig[0] === 0 || sig[32] === 0) {
      found++;
      assert.ok(sm2VerifyDigest(kp.publicKey, e, sig), 'a signature with a leading 00 verifies');
    }
  }
  assert.ok(found > 0, 'a signature with a leading zero byte appeared');
});

test('label-derived key pairs are reproducible and distinct per label', () => {
  const a = sm2KeyPairFromLabel('A');
  assert.deepEqual(sm2KeyPairFromLabel('A'), a);
  assert.notEqual(sm2KeyPairFromLabel('B').privateKey, a.privateKey);
  assert.equal(publicKeyOf(a.privateKey), a.publicKey);
});

test('raw x ‖ y round trip and coded errors naming the field', () => {
  const raw = rawPublicKey(STD_PUB);
  assert.equal(raw.length, 64);
  assert.equal(publicKeyFromRaw(raw), STD_PUB.toLowerCase());
  assert.throws(
    () => publicKeyFromRaw(new Uint8Array(64), 'issuerKey'),
    (e: unknown) => {
      return e instanceof Sm2Error && e.symbol === 'SM2_INPUT' && e.field === 'issuerKey';
    },
  );
  assert.throws(() => sm2SignDigest(STD.d, new Uint8Array(31)), /digest/);
  assert.throws(() => sm2SignDigest('00', new Uint8Array(32)), /privateKey/);
});

test("SM2 signing does not go through node:crypto's sign", () => {
  const src = readFileSync(new URL('./sm2.ts', import.meta.url), 'utf8');
  const imports = src.split('\n').filter((l) => /^import /.test(l));
  assert.ok(imports.some((l) => l.includes("from 'sm-crypto-v2'")));
  assert.ok(!imports.some((l) => l.includes('node:crypto')), 'sm2.ts imports nothing from node:crypto');
  assert.ok(!/createSign|crypto\.sign\b/.test(src));
});

test("node:crypto's sign on an SM2 key is SM2 with an EMPTY user ID — not the GB/T default ID we need", async () => {
  const { createPrivateKey, sign } = await import('node:crypto');
  const kp = sm2KeyPairFromLabel('node comparison');
  const xy = kp.publicKey.slice(2);
  // SEC1 ECPrivateKey on the SM2 curve (OID 1.2.156.10197.1.301), built by hand
  const sec1 = fromHex(`30770201010420${kp.privateKey}a00a06082a811ccf5501822da14403420004${xy}`);
  const key = createPrivateKey({ key: Buffer.from(sec1), format: 'der', type: 'sec1' });
  const msg = new TextEncoder().encode('居民健康卡');
  const der = sign('sm3', msg, key); // DER SEQUENCE { r, s }
  const lr = der[3];
  const r = der.subarray(4, 4 + lr);
  const s = der.subarray(6 + lr, 6 + lr + der[5 + lr]);
  const fixed = (b: Uint8Array) => Uint8Array.from([...new Uint8Array(32), ...b]).slice(-32);
  const rs = Uint8Array.from([...fixed(r), ...fixed(s)]);
  assert.ok(sm2Verify(kp.publicKey, msg, rs, ''), 'OpenSSL signs with Z_A over an empty ID');
  assert.ok(!sm2Verify(kp.publicKey, msg, rs), 'so it does not verify with the default ID 1234567812345678');
});
