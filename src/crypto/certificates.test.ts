import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromHex, toHex } from '../card/apdu.ts';
import {
  createDemoPki,
  decodeIssuerCertificate,
  decodeSamCertificate,
  ISSUER_CERT_LAYOUT,
  issueSamCertificate,
  PkiError,
  RECORD_SIGNATURE_LAYOUT,
  recordSignatureDigest,
  recordSignatureMessage,
  rootKeyId,
  SAM_CERT_LAYOUT,
  verifyCertificateChain,
  verifyRecordSignature,
  type CertLayout,
  rawPublicKey,
  sm2KeyPairFromLabel,
  sm2SignDigest,
  sm2Verify,
} from './index.ts';

const pki = createDemoPki();

for (const layout of [ISSUER_CERT_LAYOUT, SAM_CERT_LAYOUT] as CertLayout[]) {
  test(`${layout.id} certificate layout tiles ${layout.size} bytes without gaps`, () => {
    let next = 0;
    for (const f of layout.fields) {
      assert.equal(f.offset, next, `${f.key} starts where the previous field ends`);
      next += f.length;
    }
    assert.equal(next, layout.size);
  });
}

test('issuer certificate bytes sit where §7.6 puts them', () => {
  const c = pki.issuerCertificate;
  assert.equal(c.length, 180);
  assert.equal(c[0], 0x01);
  assert.equal(toHex(c.subarray(1, 12)), '4101000000000000000001'); // cn 11 issuer code
  assert.equal(toHex(c.subarray(12, 15)), '410100'); // cn 3 city code
  assert.equal(toHex(c.subarray(15, 19)), '00000001'); // serial
  assert.equal(toHex(c.subarray(19, 23)), '20240101');
  assert.equal(toHex(c.subarray(23, 27)), '20991231');
  assert.equal(c[27], 0x01);
  assert.deepEqual(c.subarray(28, 36), rootKeyId(pki.rootPublicKey));
  assert.deepEqual(c.subarray(36, 100), rawPublicKey(pki.issuerKey.publicKey));
  assert.ok(c.subarray(100, 116).every((b) => b === 0));
  assert.ok(sm2Verify(pki.rootPublicKey, c.subarray(0, 116), c.subarray(116, 180)));
});

test('SAM certificate bytes sit where §7.6 puts them', () => {
  const c = pki.samCertificate;
  assert.equal(c.length, 190);
  assert.equal(c[0], 0x02);
  assert.equal(toHex(c.subarray(1, 11)), '52484353414D00000001');
  assert.equal(toHex(c.subarray(11, 17)), '410101000001');
  assert.equal(toHex(c.subarray(17, 28)), '4101000000000000000001');
  assert.equal(toHex(c.subarray(28, 32)), '00000001');
  assert.equal(c[40], 0x01);
  assert.equal(toHex(c.subarray(41, 49)), '0000000100000000'); // issuer cert serial ‖ 00×4
  assert.deepEqual(c.subarray(49, 113), rawPublicKey(pki.samKey.publicKey));
  assert.ok(c.subarray(113, 126).every((b) => b === 0));
  assert.ok(sm2Verify(pki.issuerKey.publicKey, c.subarray(0, 126), c.subarray(126, 190)));
});

test('decode gives back the fields; the demo PKI is reproducible', () => {
  const i = decodeIssuerCertificate(pki.issuerCertificate);
  assert.equal(i.issuerCode, '4101000000000000000001');
  assert.equal(i.cityCode, '410100');
  assert.equal(i.publicKey, pki.issuerKey.publicKey);
  const s = decodeSamCertificate(pki.samCertificate);
  assert.equal(s.publicKey, pki.samKey.publicKey);
  assert.equal(s.issuerCertSerial, 1);
  const again = createDemoPki();
  assert.deepEqual(again.samCertificate, pki.samCertificate);
  assert.deepEqual(again.issuerCertificate, pki.issuerCertificate);
});

test('the chain verifies; every tampering is detected with its reason', () => {
  assert.deepEqual(
    verifyCertificateChain(pki.samCertificate, pki.issuerCertificate, pki.rootPublicKey).valid,
    true,
  );
  const flip = (b: Uint8Array, i: number) => {
    const c = b.slice();
    c[i] ^= 0x01;
    return c;
  };
  const reason = (sam: Uint8Array, iss: Uint8Array, root = pki.rootPublicKey, at?: string) =>
    verifyCertificateChain(sam, iss, root, at).reason;
  assert.equal(reason(pki.samCertificate, flip(pki.issuerCertificate, 16)), 'ISSUER_CERT_SIGNATURE');
  // a changed public key is no longer a curve point: refused before any signature check
  assert.equal(reason(pki.samCertificate, flip(pki.issuerCertificate, 40)), 'ISSUER_CERT_MALFORMED');
  assert.equal(reason(pki.samCertificate, flip(pki.issuerCertificate, 150)), 'ISSUER_CERT_SIGNATURE');
  assert.equal(reason(pki.samCertificate, flip(pki.issuerCertificate, 30)), 'ISSUER_CERT_WRONG_ROOT');
  assert.equal(reason(flip(pki.samCertificate, 5), pki.issuerCertificate), 'SAM_CERT_SIGNATURE');
  assert.equal(reason(flip(pki.samCertificate, 160), pki.issuerCertificate), 'SAM_CERT_SIGNATURE');
  assert.equal(reason(flip(pki.samCertificate, 0), pki.issuerCertificate), 'SAM_CERT_MALFORMED');
  assert.equal(reason(pki.samCertificate, pki.issuerCertificate.subarray(0, 179)), 'ISSUER_CERT_MALFORMED');
  const otherRoot = sm2KeyPairFromLabel('another root');
  assert.equal(
    reason(pki.samCertificate, pki.issuerCertificate, otherRoot.publicKey),
    'ISSUER_CERT_WRONG_ROOT',
  );
  assert.equal(
    reason(pki.samCertificate, pki.issuerCertificate, pki.rootPublicKey, '21000101'),
    'CERT_EXPIRED',
  );
  assert.equal(reason(pki.samCertificate, pki.issuerCertificate, pki.rootPublicKey, '20250601'), undefined);
});

test('a SAM certificate signed by a stranger under the right issuer code is refused', () => {
  const stranger = sm2KeyPairFromLabel('stranger');
  const forged = issueSamCertificate(stranger, {
    ...decodeSamCertificate(pki.samCertificate),
    publicKey: stranger.publicKey,
  });
  assert.equal(
    verifyCertificateChain(forged, pki.issuerCertificate, pki.rootPublicKey).reason,
    'SAM_CERT_SIGNATURE',
  );
});

test('record signature positions are those of the §7.6 table', () => {
  assert.deepEqual(RECORD_SIGNATURE_LAYOUT.EE, {
    dataLength: 1639,
    signatureOffset: 0x0667,
    certificateOffset: 0x06a7,
    totalLength: 1893,
  });
  assert.deepEqual(RECORD_SIGNATURE_LAYOUT.ED, {
    dataLength: 3013,
    signatureOffset: 0x0bc5,
    certificateOffset: 0x0c05,
    totalLength: 3267,
  });
});

test('record signature message: card number ‖ chip serial ‖ data, stored byte forms', () => {
  const m = recordSignatureMessage('110101199003071234', 'A123456789', fromHex('0102'));
  assert.equal(m.length, 18 + 10 + 2);
  assert.equal(Buffer.from(m.subarray(0, 18)).toString('latin1'), '110101199003071234');
  assert.equal(Buffer.from(m.subarray(18, 28)).toString('latin1'), 'A123456789');
  const short = recordSignatureMessage('12345', 'AB', new Uint8Array(0));
  assert.equal(toHex(short.subarray(0, 18)), '3132333435' + '00'.repeat(13));
  assert.throws(() => recordSignatureMessage(new Uint8Array(17), 'x', new Uint8Array(0)), PkiError);
  assert.throws(() => recordSignatureMessage('1'.repeat(19), 'x', new Uint8Array(0)), /cardNumber/);
});

function signedRecord(kind: 'EE' | 'ED', card: string, chip: string): Uint8Array {
  const l = RECORD_SIGNATURE_LAYOUT[kind];
  const rec = new Uint8Array(l.totalLength);
  for (let i = 0; i < l.dataLength; i++) rec[i] = (i * 7) & 0xff;
  const e = recordSignatureDigest(pki.samKey.publicKey, card, chip, rec.subarray(0, l.dataLength));
  rec.set(sm2SignDigest(pki.samKey.privateKey, e), l.signatureOffset);
  rec.set(pki.samCertificate, l.certificateOffset);
  return rec;
}

for (const kind of ['EE', 'ED'] as const) {
  test(`${kind} record signature verifies, and fails after tampering or on another card`, () => {
    const card = '110101199003071234';
    const chip = 'C000000001';
    const rec = signedRecord(kind, card, chip);
    const base = {
      record: rec,
      kind,
      cardNumber: card,
      chipSerial: chip,
      issuerCertificate: pki.issuerCertificate,
      rootPublicKey: pki.rootPublicKey,
    };
    assert.deepEqual(verifyRecordSignature(base).valid, true);
    const tampered = rec.slice();
    tampered[100] ^= 0xff;
    assert.equal(verifyRecordSignature({ ...base, record: tampered }).reason, 'RECORD_SIGNATURE');
    assert.equal(
      verifyRecordSignature({ ...base, cardNumber: '110101199003071235' }).reason,
      'RECORD_SIGNATURE',
    );
    assert.equal(verifyRecordSignature({ ...base, chipSerial: 'C000000002' }).reason, 'RECORD_SIGNATURE');
    const unsigned = rec.slice();
    unsigned.fill(0, RECORD_SIGNATURE_LAYOUT[kind].signatureOffset);
    assert.equal(verifyRecordSignature({ ...base, record: unsigned }).reason, 'NOT_SIGNED');
    assert.equal(verifyRecordSignature({ ...base, record: rec.subarray(1) }).reason, 'RECORD_LENGTH');
    const badCert = rec.slice();
    badCert[RECORD_SIGNATURE_LAYOUT[kind].certificateOffset + 30] ^= 1;
    assert.equal(verifyRecordSignature({ ...base, record: badCert }).reason, 'SAM_CERT_SIGNATURE');
  });
}
