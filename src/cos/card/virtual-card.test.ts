import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromHex, toHex } from '../../card/apdu.ts';
import { describeSw } from '../../card/status-words.ts';
import { authCryptogram, processKey } from '../../crypto/index.ts';
import { TEST_CARD_NUMBER, TestTerminal, hex2, makeTestCard, tlv } from '../../../testkit/card-rig.ts';

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

function terminal(opts: Parameters<typeof makeTestCard>[0] = {}): TestTerminal {
  const { card, keys } = makeTestCard(opts);
  return new TestTerminal(card, keys);
}

test('SELECT walks MF → DDF1 → DF0x → EF and answers 90 00', () => {
  const t = terminal();
  assert.equal(t.sw('00A40000023F00'), '9000');
  assert.equal(t.sw('00A4000002DDF1'), '9000');
  assert.equal(t.sw('00A4000002EF05'), '9000');
  assert.deepEqual(t.card.selection, { df: 'DDF1', ef: 'DDF1/EF05' });
  assert.equal(t.sw('00A4000002DF01'), '9000');
  assert.equal(t.sw('00A4000002EF05'), '9000');
  assert.deepEqual(t.card.selection, { df: 'DDF1/DF01', ef: 'DDF1/DF01/EF05' }, 'child EF wins');
  assert.equal(t.sw('00A4000002DF03'), '9000', 'sibling DF');
  assert.equal(t.sw('00A4000002ED05'), '9000');
  assert.equal(t.sw('00A4000002DDF1'), '9000', 'parent DF');
  assert.deepEqual(t.card.selection, { df: 'DDF1', ef: undefined });
  assert.equal(t.sw('00A4000002ED01'), '6A82', 'grandchild is not selectable by FID from DDF1');
  assert.equal(t.sw('00A40000023F00'), '9000');
  assert.equal(t.sw('00A4000002EF05'), '6A82', 'no EF05 under the MF');
});

test('malformed and unsupported APDUs get status words, never exceptions', () => {
  const t = terminal();
  assert.equal(t.sw('00A4'), '6700', 'shorter than 4 bytes');
  assert.equal(t.sw('00A4000003DDF1'), '6700', 'Lc longer than the data');
  assert.equal(t.sw('00A4000001DD'), '6700', 'FID of 1 byte');
  assert.equal(t.sw('00A4040002DDF1'), '6A86');
  assert.equal(t.sw('80A4000002DDF1'), '6E00');
  assert.equal(t.sw('04A4000002DDF1'), '6882', 'SM form of a command without one');
  assert.equal(t.sw('00CA000000'), '6D00');
  assert.equal(t.sw('0020000003123456'), '6D00', 'the user card has no PIN');
  assert.equal(t.sw('00C0000008'), '6985', 'GET RESPONSE with nothing pending');
  assert.equal(
    toHex(t.card.transmitApdu({ cla: 0, ins: 0xa4, p1: 0, p2: 0, data: new Uint8Array(300) }).data),
    '',
  );
  assert.equal(
    t.card.transmitApdu({ cla: 0, ins: 0xa4, p1: 0, p2: 0, data: new Uint8Array(300) }).sw,
    0x6700,
  );
});

test('READ RECORD by identifier 08 returns the card-number TLV; by number and SFI too', () => {
  const t = terminal();
  t.select('DDF1/EF05');
  const expected = toHex(tlv(0x08, 18, ascii(TEST_CARD_NUMBER))) + '9000';
  assert.equal(t.hex('00B2080014'), expected, 'identifier form, exact Le');
  assert.equal(t.hex('00B2080000'), expected, 'identifier form, Le 00');
  assert.equal(t.hex('00B2070400'), expected, 'record 7 by number');
  assert.equal(t.hex('00B2390005'), '3903610100' + '9000', '应用城市代码');
  t.select('DDF1');
  assert.equal(t.hex(`00B207${hex2((5 << 3) | 4)}00`), expected, 'SFI 5 form');
  assert.deepEqual(t.card.selection.ef, 'DDF1/EF05', 'the SFI form selects the EF');
  assert.equal(t.sw('00B2070410'), '6C14', 'wrong Le → 6C with the record length');
  assert.equal(t.sw('00B20B0400'), '6A83', 'record 11 of 10');
  assert.equal(t.sw('00B2070000'), '6A83', 'no record with tag 07 in EF05');
  assert.equal(t.sw('00B2000400'), '6A86', 'P1 00');
  assert.equal(t.sw('00B2070500'), '6A86', 'P2 mode 5');
  assert.equal(t.sw('00B2070C00'), '6A82', 'SFI 1 does not exist');
  assert.equal(t.sw('00B0000010'), '6981', 'READ BINARY on a record file');
});

test('READ without the read right → 69 82; with RK1_DDF1 it succeeds; no current EF → 69 86', () => {
  const t = terminal();
  t.select('DDF1');
  assert.equal(t.sw('00B2010400'), '6986');
  t.select('DDF1/EF06');
  assert.equal(t.sw('00B2010400'), '6982');
  assert.equal(t.externalAuth('RK1_DDF1'), '9000');
  assert.equal(t.hex('00B20C0000').slice(0, 4), '0C01', 'sex record (tag 0C) blank');
  assert.equal(t.sw('00A4000002EF08'), '9000');
  assert.equal(t.sw('00B2010400'), '9000', 'right kept inside the same DF');
  t.select('DDF1/DF01/EF05');
  assert.equal(t.sw('00B2010400'), '6982', 'DF01 needs its own RK');
  t.select('DDF1/EF06');
  assert.equal(t.sw('00B2010400'), '6982', 'leaving the DF cleared the right');
});

test('READ BINARY: Le up to 256, 62 82 past the end, 6B 00 beyond', () => {
  const t = terminal();
  t.select('DDF1/EF07');
  assert.equal(t.sw('00B0000002'), '6982');
  assert.equal(t.externalAuth('RK1_DDF1'), '9000');
  assert.equal(
    t.card.transmitApdu({ cla: 0, ins: 0xb0, p1: 0, p2: 0, data: new Uint8Array(0), le: 256 }).data.length,
    256,
  );
  const end = t.send('00B00BF000'); // offset 3056, 18 bytes left of 3 074
  assert.equal(end.sw, 0x6282);
  assert.equal(end.data.length, 3074 - 0x0bf0);
  assert.equal(t.sw('00B00C0201'), '6B00', 'offset 3074');
  assert.equal(t.sw('00B0'), '6700');
  assert.equal(t.sw('00B000000102'), '6700', 'data field on a read');
  assert.equal(t.sw('00B0870001'), '9000', 'SFI 7 form');
});

test('UPDATE BINARY plain after UK1_DDF1; bounds; rights', () => {
  const t = terminal();
  t.select('DDF1/EF07');
  assert.equal(t.sw('00D60000020BB8'), '6982');
  assert.equal(t.externalAuth('UK1_DDF1'), '9000');
  assert.equal(t.sw('00D60000020BB8'), '9000');
  assert.equal(t.sw('00D60C0003AABBCC'), '6A84', 'runs past 3 074');
  assert.equal(t.sw('00D60C0201AA'), '6B00', 'offset beyond the file');
  assert.equal(t.sw('00D6000000'), '6700', 'no data');
  assert.equal(toHex(t.card.fileBytes('DDF1/EF07').subarray(0, 2)), '0BB8');
});

test('EXTERNAL AUTHENTICATE: challenge rules, retry counter, blocking, reset', () => {
  const t = terminal();
  t.select('DDF1');
  assert.equal(t.sw('0082000411' + '00'.repeat(16) + '01'), '6984', 'no challenge');
  assert.equal(t.externalAuth('RK1_DDF1', 1, { wrong: true }), '63CE');
  assert.equal(t.externalAuth('RK1_DDF1', 1, { wrong: true }), '63CD');
  assert.equal(t.externalAuth('RK1_DDF1', 2), '9000', 'version 2, success resets the counter');
  assert.equal(t.externalAuth('RK1_DDF1', 1, { wrong: true }), '63CE');
  assert.equal(t.sw('0082009911' + '00'.repeat(16) + '01'), '6A88', 'unknown key id');
  t.challenge();
  assert.equal(t.sw('0082000411' + '00'.repeat(16) + '09'), '6A88', 'unknown version');
  assert.equal(t.sw('0082000410' + '00'.repeat(16)), '6700');
  assert.equal(t.sw('0082010411' + '00'.repeat(16) + '01'), '6A86');
  for (let i = 13; i >= 1; i--)
    assert.equal(t.externalAuth('RK1_DDF1', 1, { wrong: true }), `63C${i.toString(16).toUpperCase()}`);
  assert.equal(t.externalAuth('RK1_DDF1', 1, { wrong: true }), '6983', 'last try used');
  assert.equal(t.externalAuth('RK1_DDF1'), '6983', 'blocked even with the right cryptogram');
  t.card.powerOff();
  t.card.powerOn();
  t.select('DDF1');
  assert.equal(t.externalAuth('RK1_DDF1'), '6983', 'the counter is in NVM');
  assert.equal(t.externalAuth('UK1_DDF1'), '9000', 'other keys unaffected');
});

test('a challenge is single-use and replaced by each GET CHALLENGE', () => {
  const t = terminal();
  t.select('DDF1/EF06');
  const r1 = t.challenge();
  const r2 = t.challenge();
  assert.notEqual(toHex(r1), toHex(r2));
  const authData = fromHex('0000000000000000');
  const withR1 = authCryptogram(processKey(t.cardKey('RK1_DDF1', 1), r1), authData);
  assert.equal(t.sw(`0082000411${toHex(withR1)}${toHex(authData)}01`), '63CE', 'R1 was replaced by R2');
  const r3 = t.challenge();
  const c3 = toHex(authCryptogram(processKey(t.cardKey('RK1_DDF1', 1), r3), authData));
  assert.equal(t.sw(`0082000411${c3}${toHex(authData)}01`), '9000');
  assert.equal(t.sw(`0082000411${c3}${toHex(authData)}01`), '6984', 'consumed');
  assert.equal(t.sw('0084000004'), '6C08');
  assert.equal(t.sw('0084010008'), '6A86');
});

test('rights are lost on reset and power-off', () => {
  const t = terminal();
  t.select('DDF1/EF06');
  assert.equal(t.externalAuth('RK1_DDF1'), '9000');
  assert.equal(t.sw('00B2010400'), '9000');
  t.card.powerOn(); // warm reset
  t.select('DDF1/EF06');
  assert.equal(t.sw('00B2010400'), '6982');
  t.card.powerOff();
  assert.throws(() => t.hex('00A40000023F00'), { code: 'CARD_REMOVED' });
});

test('SM UPDATE RECORD (§6.3): MAC first, then decrypt, then LL/T/L', () => {
  const t = terminal();
  t.select('DDF1/EF08');
  const phone = tlv(0x10, 20, ascii('13800000000'));
  const apdu = (): Uint8Array => t.smCommand('STK_DDF1', 0x04, 0xdc, 0x02, 0x04, phone);
  assert.equal(t.raw(apdu()), '6982', 'no UK1_DDF1 yet');
  assert.equal(t.externalAuth('UK1_DDF1'), '9000');
  const good = apdu();
  assert.equal(good[4], 0x24, 'Lc for L = 20 is 24 (§6.3 table)');
  const bad = good.slice();
  bad[bad.length - 1] ^= 0xff;
  assert.equal(t.raw(bad), '6988', 'wrong MAC');
  assert.equal(t.raw(good), '6984', 'the challenge was consumed by the failed attempt');
  assert.equal(t.raw(apdu()), '9000');
  t.select('DDF1/EF08');
  assert.equal(t.sw('00B2010400'), '6982', 'writing needs no read right but reading does');
  assert.equal(t.externalAuth('RK1_DDF1'), '9000');
  assert.equal(t.hex('00B2020400'), toHex(phone) + '9000');
  // wrong tag / wrong length / wrong record, each with a valid MAC
  assert.equal(t.externalAuth('UK1_DDF1'), '9000');
  assert.equal(t.raw(t.smCommand('STK_DDF1', 0x04, 0xdc, 0x02, 0x04, tlv(0x11, 20, ascii('1')))), '6A80');
  assert.equal(t.raw(t.smCommand('STK_DDF1', 0x04, 0xdc, 0x02, 0x04, tlv(0x10, 19, ascii('1')))), '6A80');
  assert.equal(t.raw(t.smCommand('STK_DDF1', 0x04, 0xdc, 0x07, 0x04, phone)), '6A83');
  assert.equal(t.sw('04DC020403010203'), '6987', 'shorter than a MAC');
  assert.equal(t.sw('04DC0204050102030405'), '6700', 'no whole cipher block');
  assert.equal(t.sw(`00DC020416${toHex(phone)}`), '6982', 'plain write to an SM file');
  assert.equal(t.raw(t.smCommand('STK_DF01', 0x04, 0xdc, 0x02, 0x04, phone)), '6988', 'wrong STK');
});

test('END PERSONALISATION locks DDF1/EF05–06 (69 85); EF08 stays writable', () => {
  const t = terminal();
  t.select('DDF1/EF06');
  const name = tlv(0x0b, 30, ascii('TEST'));
  assert.equal(t.externalAuth('UK1_DDF1'), '9000');
  assert.equal(t.raw(t.smCommand('STK_DDF1', 0x04, 0xdc, 0x01, 0x04, name)), '9000');
  assert.equal(t.raw(t.macCommand('STK_DDF1', 0x84, 0xee, 0x00, 0x01)), '6A86');
  const lock = t.macCommand('STK_DDF1', 0x84, 0xee, 0, 0);
  const badLock = lock.slice();
  badLock[8] ^= 1;
  assert.equal(t.raw(badLock), '6988');
  assert.equal(t.raw(t.macCommand('STK_DDF1', 0x84, 0xee, 0, 0)), '9000');
  assert.equal(t.card.state.lifecycle, 'issued');
  assert.equal(t.raw(t.smCommand('STK_DDF1', 0x04, 0xdc, 0x01, 0x04, name)), '6985');
  assert.equal(t.raw(t.macCommand('STK_DDF1', 0x84, 0xee, 0, 0)), '6985', 'already issued');
  t.select('DDF1/EF08');
  assert.equal(t.externalAuth('UK1_DDF1'), '9000');
  assert.equal(
    t.raw(t.smCommand('STK_DDF1', 0x04, 0xdc, 0x01, 0x04, tlv(0x07, 4, fromHex('20361231')))),
    '9000',
  );
});

test('END PERSONALISATION needs UK1_DDF1', () => {
  const t = terminal();
  t.select('DDF1');
  assert.equal(t.raw(t.macCommand('STK_DDF1', 0x84, 0xee, 0, 0)), '6982');
  t.select('DDF1/DF01');
  assert.equal(
    t.raw(t.macCommand('STK_DDF1', 0x84, 0xee, 0, 0)),
    '6985',
    'DF01 holds no personalisation-only file',
  );
});

test('cyclic append (00 DC 00 03): newest is record 1, the oldest drops off', () => {
  const t = terminal();
  t.select('DDF1/DF02/EF08');
  const rec = (i: number): string =>
    toHex(ascii(`VACCINE-${i}`.padEnd(20, '\0'))) + `202601${String(i).padStart(2, '0')}`;
  assert.equal(t.sw(`00DC000318${rec(1)}`), '6982');
  assert.equal(t.externalAuth('UK3_DF02'), '9000');
  for (let i = 1; i <= 9; i++) assert.equal(t.sw(`00DC000318${rec(i)}`), '9000');
  assert.equal(t.sw(`00DC000317${rec(1).slice(2)}`), '6700', 'Lc must be the record size');
  assert.equal(t.sw(`00DC010318${rec(1)}`), '6A86');
  assert.equal(t.sw(`04DC000318${rec(1)}`), '6882');
  assert.equal(t.externalAuth('RK1_DF02'), '9000');
  assert.equal(t.hex('00B2010400'), rec(9) + '9000');
  assert.equal(t.hex('00B2090400'), rec(1) + '9000');
  assert.equal(t.hex('00B20A0400').slice(0, 40), '00'.repeat(20), 'record 10 still blank (an 00, cn FF)');
  assert.equal(t.hex('00B20A0400').slice(40, 48), 'FFFFFFFF');
  assert.equal(t.externalAuth('UK3_DF02'), '9000');
  t.sw(`00DC000318${rec(10)}`);
  t.sw(`00DC000318${rec(11 % 10)}`);
  assert.equal(t.externalAuth('RK1_DF02'), '9000');
  assert.equal(t.hex('00B20A0400'), rec(2) + '9000', 'record 1 fell off');
  assert.equal(t.sw('00B2010000'), '6981', 'no identifier form on a non-TLV file');
});

test('WRITE / ERASE RECORD on an index file, deployed and MAC forms', () => {
  const t = terminal();
  t.select('DDF1/DF03/EF06');
  assert.equal(t.sw('84D2020400'), '6982');
  assert.equal(t.externalAuth('UK1_DF03'), '9000');
  assert.equal(t.sw('84D2020400'), '9000', 'deployed form: Lc 00, no data');
  assert.equal(t.sw('84D2020000'), '6A86');
  assert.equal(t.sw('84D2060400'), '6A83');
  assert.equal(t.sw('840C020400'), '6982', 'erase needs UK2_DF03');
  assert.equal(t.raw(t.macCommand('STK_DF03', 0x84, 0xd2, 0x03, 0x04)), '9000', 'MAC form');
  const badMac = t.macCommand('STK_DF03', 0x84, 0xd2, 0x04, 0x04);
  badMac[5] ^= 1;
  assert.equal(t.raw(badMac), '6988');
  assert.equal(t.sw('84D2040403010203'), '6700');
  assert.equal(t.sw('00D2020400'), '6E00');
  assert.equal(t.externalAuth('UK2_DF03'), '9000');
  assert.equal(t.sw('840C030400'), '9000');
  assert.equal(toHex(t.card.fileBytes('DDF1/DF03/EF06')), 'FF00FFFFFF');
  t.select('DDF1/DF03/ED01');
  assert.equal(t.sw('84D2010400'), '6981', 'not a linear-fixed file');
});

test('SM UPDATE BINARY with the STK of the current DF', () => {
  const t = terminal();
  t.select('DDF1/DF03/ED02');
  assert.equal(t.externalAuth('UK1_DF03'), '9000');
  const data = fromHex('0102030405');
  assert.equal(t.raw(t.smCommand('STK_DF03', 0x04, 0xd6, 0x00, 0x10, data)), '9000');
  assert.equal(toHex(t.card.fileBytes('DDF1/DF03/ED02').subarray(0x10, 0x15)), '0102030405');
  assert.equal(t.raw(t.smCommand('STK_DF02', 0x04, 0xd6, 0x00, 0x10, data)), '6988');
  t.select('DDF1/DF02/EF07');
  assert.equal(t.sw('04B0000010'), '6882');
});

test('INTERNAL AUTHENTICATE answers with IRK_DDF1; 61 08 + GET RESPONSE without Le', () => {
  const t = terminal();
  t.select('DDF1');
  const rs = fromHex('0102030405060708');
  const authData = fromHex('1122334455667788');
  const expected = toHex(authCryptogram(processKey(t.cardKey('IRK_DDF1', 1), rs), authData));
  assert.equal(t.hex(`0088000011${toHex(rs)}${toHex(authData)}0108`), expected + '9000');
  assert.equal(t.hex(`0088000011${toHex(rs)}${toHex(authData)}01`), '6108');
  assert.equal(t.sw('00C0000004'), '6C08');
  assert.equal(t.hex('00C0000008'), expected + '9000');
  assert.equal(t.sw('00C0000008'), '6985', 'single use');
  const v3 = toHex(authCryptogram(processKey(t.cardKey('IRK_DDF1', 3), rs), authData));
  assert.equal(t.hex(`0088000011${toHex(rs)}${toHex(authData)}0300`), v3 + '9000');
  t.select('');
  assert.equal(t.sw(`0088000011${toHex(rs)}${toHex(authData)}0100`), '6A88', 'no IRK at the MF');
});

test('APPLICATION BLOCK / UNBLOCK and CARD BLOCK', () => {
  const t = terminal();
  t.select('DDF1/DF01');
  assert.equal(t.raw(t.macCommand('LK_DF01', 0x84, 0x1e, 0, 0)), '9000');
  assert.equal(t.sw('0084000008'), '9000', 'GET CHALLENGE works in a locked application');
  assert.equal(t.sw('00A4000002EF05'), '6A81');
  assert.equal(t.sw('00B2010400'), '6A81');
  assert.equal(t.select('DDF1/DF01'), '6A81');
  assert.equal(t.raw(t.macCommand('LK_DF01', 0x84, 0x18, 0, 0)), '9000');
  assert.equal(t.select('DDF1/DF01/EF05'), '9000');
  t.select('DDF1/DF02');
  assert.equal(t.raw(t.macCommand('LK_DF01', 0x84, 0x1e, 0, 1)), '6988', 'DF02 has its own LK');
  assert.equal(t.raw(t.macCommand('LK_DF02', 0x84, 0x1e, 0, 1)), '9000');
  assert.equal(t.select('DDF1/DF02'), '9303');
  assert.equal(t.raw(t.macCommand('LK_DF02', 0x84, 0x18, 0, 0)), '9303');
  t.select('DDF1');
  assert.equal(t.raw(t.macCommand('BK_MF', 0x84, 0x1e, 0, 0)), '6A88', 'DDF1 has no application-lock key');
  assert.equal(t.raw(t.macCommand('BK_MF', 0x84, 0x16, 0, 0)), '9000');
  assert.equal(t.sw('00A40000023F00'), '6A81');
  assert.equal(t.sw('0084000008'), '6A81');
});

test('an injected memory failure answers 65 81 and changes nothing', () => {
  const t = terminal();
  t.select('DDF1/EF07');
  assert.equal(t.externalAuth('UK1_DDF1'), '9000');
  t.card.faults.memoryFailure = true;
  assert.equal(t.sw('00D6000002ABCD'), '6581');
  t.card.faults.memoryFailure = false;
  assert.equal(toHex(t.card.fileBytes('DDF1/EF07').subarray(0, 2)), '0000');
});

test('every status word sent in these scenarios is in STATUS_WORDS', () => {
  const t = terminal();
  const seen = new Set<number>();
  const orig = t.card.transmitApdu.bind(t.card);
  t.card.transmitApdu = (c) => {
    const r = orig(c);
    seen.add(r.sw);
    return r;
  };
  t.select('DDF1/EF06');
  t.sw('00B2010400');
  t.externalAuth('RK1_DDF1', 1, { wrong: true });
  t.sw('00B2010410');
  t.sw('00FF000000');
  t.sw('FFA4000000');
  for (const sw of seen) assert.ok(describeSw(sw), `SW ${sw.toString(16)} not in the table`);
  assert.ok(seen.size >= 5);
});
