// Codec golden vectors, written by hand from card-format.md §3 and the GB18030 code chart
// (李 C0EE, 堃 88D2, 王 CDF5, 𠮷 U+20BB7 → 95 34 B2 35), plus bad input.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CardDataError,
  type CardDataWarning,
  decodeAn,
  decodeB,
  decodeCn,
  decodeField,
  encodeAn,
  encodeB,
  encodeCn,
  encodeField,
  unsetField,
} from './codecs.ts';
import { decodeTlvRecord, encodeTlvRecord, smLc } from './tlv.ts';
import { HOLDER_ELEMENTS, ISSUER_ELEMENTS } from './profiles/elements.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex').toUpperCase();
const bytes = (h: string): Uint8Array => new Uint8Array(Buffer.from(h.replace(/\s/g, ''), 'hex'));
const coded =
  (code: string, field?: string, limit?: number) =>
  (e: unknown): boolean => {
    assert.ok(e instanceof CardDataError, String(e));
    assert.equal(e.symbol, code);
    if (field !== undefined) assert.equal(e.field, field);
    if (limit !== undefined) assert.equal(e.limit, limit);
    return true;
  };

describe('an (GB18030, 00-padded)', () => {
  it('李堃 → C0 EE 88 D2 + 00 padding, and back', () => {
    assert.equal(hex(encodeAn('李堃', 6, 'name')), 'C0EE88D20000');
    assert.equal(decodeAn(bytes('C0EE88D20000')), '李堃');
  });

  it('王𠮷: the 4-byte character round-trips and is reported as a warning', () => {
    const warnings: CardDataWarning[] = [];
    const enc = encodeAn('王𠮷', 8, 'name', { onWarning: (w) => warnings.push(w) });
    assert.equal(hex(enc), 'CDF59534B2350000');
    assert.equal(decodeAn(enc), '王𠮷');
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0].code, 'AN_FOUR_BYTE_CHAR');
    assert.equal(warnings[0].field, 'name');
  });

  it('ASCII, empty and the first-00 rule', () => {
    assert.equal(hex(encodeAn('1.00', 4, 'specVersion')), '312E3030');
    assert.equal(hex(encodeAn('', 3, 'x')), '000000');
    assert.equal(decodeAn(bytes('000000')), '');
    assert.equal(decodeAn(bytes('41004200')), 'A');
  });

  it('over-long text names the field and the byte limit; never splits a character', () => {
    assert.throws(() => encodeAn('李堃', 3, 'name'), coded('FIELD_TOO_LONG', 'name', 3));
    assert.throws(() => encodeAn('ABCD', 3, 'securityCode'), /securityCode.*3/);
    assert.equal(hex(encodeAn('李堃', 3, 'name', { truncate: true })), 'C0EE00');
    assert.equal(hex(encodeAn('王𠮷', 5, 'name', { truncate: true })), 'CDF5000000');
  });

  it('rejects NUL and unpaired surrogates', () => {
    assert.throws(() => encodeAn('A\u0000B', 4, 'x'), coded('AN_INVALID_CHAR', 'x'));
    assert.throws(() => encodeAn('\ud842', 4, 'x'), coded('AN_INVALID_CHAR', 'x'));
  });
});

describe('cn (BCD, F-padded)', () => {
  it('golden vectors', () => {
    assert.equal(hex(encodeCn('20240229', 4, 'birthDate')), '20240229');
    assert.equal(hex(encodeCn('610102', 3, 'applicationCityCode')), '610102');
    assert.equal(hex(encodeCn('1', 2, 'x')), '1FFF');
    assert.equal(hex(encodeCn('123', 2, 'x')), '123F');
    assert.equal(hex(encodeCn('', 2, 'x')), 'FFFF');
    assert.equal(decodeCn(bytes('123F')), '123');
    assert.equal(decodeCn(bytes('FFFF')), '');
    assert.equal(decodeCn(bytes('01')), '01');
  });

  it('bad input', () => {
    assert.throws(() => encodeCn('12a4', 2, 'ethnicity'), coded('CN_NOT_DIGITS', 'ethnicity'));
    assert.throws(() => encodeCn(' 1', 2, 'x'), coded('CN_NOT_DIGITS'));
    assert.throws(() => encodeCn('12345', 2, 'issuerCode'), coded('FIELD_TOO_LONG', 'issuerCode', 2));
    assert.throws(() => decodeCn(bytes('1A'), 'admissionCount'), coded('CN_BAD_NIBBLE', 'admissionCount'));
  });
});

describe('b (hex)', () => {
  it('golden vectors', () => {
    assert.equal(hex(encodeB('01', 1, 'sex')), '01');
    assert.equal(hex(encodeB('ab', 3, 'x')), 'AB0000');
    assert.equal(hex(encodeB('', 2, 'x')), '0000');
    assert.equal(decodeB(bytes('0aFF')), '0AFF');
  });

  it('bad input', () => {
    assert.throws(() => encodeB('0G', 1, 'sex'), coded('B_NOT_HEX', 'sex'));
    assert.throws(() => encodeB('123', 2, 'x'), coded('B_NOT_HEX'));
    assert.throws(() => encodeB('0102', 1, 'sex'), coded('FIELD_TOO_LONG', 'sex', 1));
  });
});

describe('encodeField / decodeField / unset values §3.4', () => {
  it('dispatches by format', () => {
    assert.equal(hex(encodeField('an', 'A', 2, 'x')), '4100');
    assert.equal(hex(encodeField('cn', '7', 1, 'x')), '7F');
    assert.equal(hex(encodeField('b', '7F', 1, 'x')), '7F');
    assert.equal(decodeField('cn', bytes('7F')), '7');
    assert.equal(decodeField('an', bytes('4100')), 'A');
  });

  it('unset: an 00, cn FF, b 00; decodes to empty for an and cn', () => {
    assert.equal(hex(unsetField('an', 3)), '000000');
    assert.equal(hex(unsetField('cn', 3)), 'FFFFFF');
    assert.equal(hex(unsetField('b', 2)), '0000');
    assert.equal(decodeField('an', unsetField('an', 3)), '');
    assert.equal(decodeField('cn', unsetField('cn', 3)), '');
  });
});

describe('TLV records §3.5', () => {
  const name = HOLDER_ELEMENTS[0];
  const cityCode = ISSUER_ELEMENTS[9];

  it('姓名 李堃 → 0B 1E C0 EE 88 D2 + 26 × 00 (32 bytes)', () => {
    const rec = encodeTlvRecord(name, '李堃');
    assert.equal(hex(rec), '0B1E' + 'C0EE88D2' + '00'.repeat(26));
    assert.equal(rec.length, 32);
    assert.equal(decodeTlvRecord(name, rec), '李堃');
  });

  it('应用城市代码 610102 → 39 03 61 01 02', () => {
    assert.equal(hex(encodeTlvRecord(cityCode, '610102')), '3903610102');
  });

  it('decode checks tag and length', () => {
    assert.throws(
      () => decodeTlvRecord(cityCode, bytes('3803610102')),
      coded('TLV_TAG_MISMATCH', 'applicationCityCode'),
    );
    assert.throws(() => decodeTlvRecord(cityCode, bytes('390261 01')), coded('TLV_LENGTH_MISMATCH'));
    assert.throws(() => decodeTlvRecord(cityCode, bytes('39036101')), coded('TLV_LENGTH_MISMATCH'));
  });

  it('smLc follows the §6.3 table', () => {
    const table: [number, number][] = [
      [1, 0x14], [12, 0x14], [13, 0x24], [17, 0x24], [18, 0x24], [20, 0x24], [28, 0x24],
      [29, 0x34], [30, 0x34], [40, 0x34], [44, 0x34], [100, 0x74], [180, 0xc4],
    ]; // prettier-ignore
    for (const [l, lc] of table) assert.equal(smLc(l), lc, `L=${l}`);
  });
});
