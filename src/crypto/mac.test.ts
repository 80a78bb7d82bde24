import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromHex, toHex } from '../card/apdu.ts';
import {
  authCryptogram,
  diversify,
  padIso,
  secureMessagingMac,
  sm3,
  sm4CbcMacBlock,
  sm4DecryptEcb,
  sm4EncryptEcb,
  unpadIso,
} from './index.ts';

test('SM4 matches the GB/T 32907 standard vector', () => {
  const k = fromHex('0123456789abcdeffedcba9876543210');
  const c = sm4EncryptEcb(k, k);
  assert.equal(toHex(c), '681EDF34D206965E86B3E94F536E4246');
  assert.deepEqual(sm4DecryptEcb(k, c), k);
});

test('SM3 matches the GB/T 32905 vector for "abc"', () => {
  assert.equal(
    toHex(sm3(new TextEncoder().encode('abc'))),
    '66C7F0F462EEEDD9D1F2D46BDC10E4E24167C4875CF2F7A2297DA02B8F4BA8E0',
  );
});

test('padding is always added and removed exactly', () => {
  assert.equal(toHex(padIso(fromHex('01'))), '01800000000000000000000000000000');
  assert.equal(padIso(new Uint8Array(16)).length, 32);
  assert.deepEqual(unpadIso(padIso(fromHex('0102'))), fromHex('0102'));
  assert.equal(unpadIso(new Uint8Array(16)), undefined);
});

test('diversification is SM4_K(f ‖ NOT f)', () => {
  const k = fromHex('0123456789abcdeffedcba9876543210');
  const f = fromHex('3631303030303030');
  const expected = sm4EncryptEcb(k, fromHex('3631303030303030C9CECFCFCFCFCFCF'));
  assert.deepEqual(diversify(k, f), expected);
  assert.throws(() => diversify(k, fromHex('01')), RangeError);
});

test('CBC-MAC chains blocks from the IV; the SM MAC is its first 4 bytes', () => {
  const k = fromHex('0123456789abcdeffedcba9876543210');
  const b1 = fromHex('04DC0104148000000000000000000000');
  // CBC by hand: E(IV ^ b1) with IV = 0
  const manual = sm4EncryptEcb(k, b1);
  const input = new Uint8Array(32);
  input.set(b1, 16);
  assert.deepEqual(sm4CbcMacBlock(k, input), manual);
  assert.deepEqual(secureMessagingMac(k, fromHex('04DC010414')), manual.slice(0, 4));
});

test('authentication cryptogram folds the two halves', () => {
  const k = fromHex('0123456789abcdeffedcba9876543210');
  const x = sm4EncryptEcb(k, fromHex('11223344556677880000000000000000'));
  const c = authCryptogram(k, fromHex('1122334455667788'));
  for (let i = 0; i < 8; i++) assert.equal(c[i], x[i] ^ x[i + 8]);
});
