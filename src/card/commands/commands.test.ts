import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeCommand, toHex } from '../apdu.ts';
import type { KeySpec } from '../image.ts';
import { findKey, getProfile } from '../profiles/index.ts';
import {
  announcedLength,
  appendRecord,
  endPersonalisation,
  eraseIndexRecord,
  externalAuthenticate,
  getChallenge,
  getResponse,
  internalAuthenticate,
  isStaleState,
  outcomeOf,
  readBinary,
  readRecord,
  readRecordByTag,
  samChangePin,
  samEncrypt,
  samKeySetup,
  samMac,
  samReadBinary,
  samSelect,
  samSm2Sign,
  samSm3,
  samVerifyPin,
  selectApplication,
  selectFile,
  updateBinary,
  updateRecord,
  writeIndexRecord,
  type CardCommand,
} from './index.ts';

const hex = (c: CardCommand) => toHex(encodeCommand(c.apdu));
const bytes = (n: number, v = 0xaa) => new Uint8Array(n).fill(v);

test('each command builds its APDU', () => {
  assert.equal(hex(selectFile(0xdf03)), '00A4000002DF03');
  assert.equal(hex(selectApplication(Uint8Array.of(0xa0, 0, 0, 0, 1))), '00A4040005A000000001');
  assert.equal(hex(readBinary(0x1234, 256)), '00B0123400');
  assert.equal(hex(readBinary(0x80ff, 16)), '00B000FF10', 'bit 8 of P1 is never set (it would mean an SFI)');
  assert.equal(hex(updateBinary(0x0100, bytes(2))), '00D6010002AAAA');
  assert.equal(hex(readRecord(3, 0x2a)), '00B203042A');
  assert.equal(hex(readRecordByTag(0x4c, 5)), '00B24C0005');
  assert.equal(hex(updateRecord(2, bytes(3))), '00DC020403AAAAAA');
  assert.equal(hex(appendRecord(bytes(1))), '00DC000301AA');
  assert.equal(hex(writeIndexRecord(5)), '84D20504');
  assert.equal(hex(eraseIndexRecord(5)), '840C0504');
  assert.equal(hex(endPersonalisation()), '84EE0000');
  assert.equal(hex(getChallenge()), '0084000008');
  assert.equal(hex(externalAuthenticate(0x0b, bytes(17))), '008200' + '0B11' + 'AA'.repeat(17));
  assert.equal(hex(internalAuthenticate(0x0c, bytes(17), 8)), '008800' + '0C11' + 'AA'.repeat(17) + '08');
  assert.equal(hex(getResponse(256)), '00C0000000');
  assert.equal(hex(samSelect(0x0015)), '00A40000020015');
  assert.equal(hex(samReadBinary(0x0e)), '00B000000E');
  assert.equal(hex(samVerifyPin('123456')), '0020000003123456');
  assert.equal(hex(samChangePin('1234', '567890')), '805E010006' + '1234FF567890');
  assert.equal(hex(samEncrypt(bytes(16))), '80FA000010' + 'AA'.repeat(16));
  assert.equal(hex(samMac(bytes(32))), '80FA050020' + 'AA'.repeat(32));
  assert.equal(hex(samSm3(bytes(1), true)), '80CC010001AA');
  assert.equal(hex(samSm3(bytes(1), false)), '80CC000001AA');
  assert.equal(hex(samSm2Sign(bytes(32))), '80CE000020' + 'AA'.repeat(32));
});

test('80 DE addresses the key by SAM P1 and index, with the version in bits 8–6 except for STK keys', () => {
  const profile = getProfile('national');
  const keys = profile.keys;
  const auth = keys.find((k) => k.usage !== 'secure-messaging')!;
  const stk = keys.find((k) => k.usage === 'secure-messaging')!;
  const p = (k: KeySpec, v: number) => samKeySetup(k, v, bytes(8)).apdu;
  assert.equal(p(auth, 2).p1, auth.samP1);
  assert.equal(p(auth, 2).p2, (2 << 5) | auth.samIndex);
  assert.equal(p(stk, 2).p2, stk.samIndex);
});

test('each command maps its status words: ok, signals for the caller, or its own failure', () => {
  assert.equal(outcomeOf(selectFile(0xdf01), 0x9000), 'ok');
  assert.equal(outcomeOf(selectFile(0xdf01), 0x6115), 'ok', 'FCI available: selected, nothing fetched');
  assert.equal(outcomeOf(selectFile(0xdf01), 0x6a82), 'absent');
  assert.equal(outcomeOf(selectFile(0xdf01), 0x6a86), 'FILE_NOT_FOUND');
  assert.equal(outcomeOf(samSelect(0xdf01), 0x6a82), 'SAM_ERROR');
  assert.equal(outcomeOf(readBinary(0, 256), 0x6c80), 'wrong-le');
  assert.equal(outcomeOf(readBinary(0, 256), 0x6700), 'wrong-length');
  assert.equal(outcomeOf(readBinary(0, 256), 0x6b00), 'READ_BINARY_FAILED');
  assert.equal(outcomeOf(readBinary(0, 256), 0x6110), 'READ_BINARY_FAILED');
  assert.equal(outcomeOf(readRecord(1, 10), 0x6c0c), 'wrong-le');
  assert.equal(outcomeOf(readRecord(1, 10), 0x6a83), 'READ_RECORD_FAILED');
  assert.equal(outcomeOf(readRecordByTag(1, 10), 0x6108), 'get-response');
  for (const [c, failure] of [
    [updateBinary(0, bytes(1)), 'WRITE_BINARY_FAILED'],
    [updateRecord(1, bytes(1)), 'WRITE_RECORD_FAILED'],
    [appendRecord(bytes(1)), 'WRITE_RECORD_FAILED'],
    [writeIndexRecord(1), 'INDEX_WRITE_FAILED'],
    [eraseIndexRecord(1), 'INDEX_ERASE_FAILED'],
    [endPersonalisation(), 'WRITE_RECORD_FAILED'],
  ] as const) {
    assert.equal(outcomeOf(c, 0x9000), 'ok', c.name);
    assert.equal(outcomeOf(c, 0x6985), 'CARD_LOCKED', `${c.name}: 69 85 = locked`);
    assert.equal(outcomeOf(c, 0x6982), failure, c.name);
  }
  assert.equal(outcomeOf(getChallenge(), 0x6108), 'get-response');
  assert.equal(outcomeOf(getChallenge(), 0x6d00), 'CARD_ERROR');
  assert.equal(outcomeOf(externalAuthenticate(1, bytes(17)), 0x63c1), 'AUTH_FAILED');
  assert.equal(outcomeOf(internalAuthenticate(1, bytes(17)), 0x6108), 'get-response');
  assert.equal(outcomeOf(getResponse(8, 'SAM_ERROR'), 0x6a80), 'SAM_ERROR');
  for (const pin of [samVerifyPin('1234'), samChangePin('1234', '5678')]) {
    assert.equal(outcomeOf(pin, 0x9000), 'ok');
    assert.equal(outcomeOf(pin, 0x63c2), 'SAM_PIN_WRONG');
    assert.equal(pin.note?.(0x63c2), 'tries left 2');
    assert.equal(outcomeOf(pin, 0x6983), 'SAM_PIN_BLOCKED');
    assert.equal(outcomeOf(pin, 0x6a80), 'SAM_ERROR');
  }
  for (const c of [
    samReadBinary(6),
    samKeySetup(findKey(getProfile('national'), 'STK_DDF1')!, 0, bytes(8)),
    samEncrypt(bytes(16)),
    samMac(bytes(32)),
    samSm3(bytes(1), false),
    samSm2Sign(bytes(32)),
  ]) {
    assert.equal(outcomeOf(c, 0x6110), 'get-response', c.name);
    assert.equal(outcomeOf(c, 0x6985), 'SAM_ERROR', c.name);
  }
});

test('announced lengths and stale-state status words', () => {
  assert.equal(announcedLength(0x6108), 8);
  assert.equal(announcedLength(0x6c00), 256);
  assert.ok(isStaleState(0x6982) && isStaleState(0x6986));
  assert.ok(!isStaleState(0x6985) && !isStaleState(undefined));
});
