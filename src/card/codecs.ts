// Data-element codecs of card-format.md §3: an = GB18030 text left-aligned and 00-padded, cn = BCD
// left-aligned and F-padded, b = raw bytes shown as upper-case hex. Unset values (§3.4): '' ↔ all 00
// (an, b) or all FF (cn).
import iconv from 'iconv-lite';
import type { DataFormat } from './image.ts';
import { CardDataError, type EncodeOptions } from './errors.ts';

export { CardDataError } from './errors.ts';
export type { CardDataErrorCode, CardDataWarning, EncodeOptions } from './errors.ts';

const tooLong = (field: string, limit: number, what: string): CardDataError =>
  new CardDataError('FIELD_TOO_LONG', field, `超出长度 ${limit} 字节 ${what} exceeds ${limit} bytes`, limit);

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Length of the GB18030 character starting at b[i]: 1 (ASCII), 4 (second byte 30–39) or 2. */
function gbCharLength(b: Uint8Array, i: number): number {
  if (b[i] < 0x80) return 1;
  const second = b[i + 1];
  return second >= 0x30 && second <= 0x39 ? 4 : 2;
}

/**
 * Text → `length` bytes: GB18030, left-aligned, 00-padded. Never splits a character; an over-long value
 * is FIELD_TOO_LONG unless `opts.truncate` (then cut after the last whole character that fits).
 */
export function encodeAn(text: string, length: number, field: string, opts: EncodeOptions = {}): Uint8Array {
  if (text.includes('\u0000'))
    throw new CardDataError(
      'AN_INVALID_CHAR',
      field,
      '文本不能含 NUL 字符 text must not contain NUL (00 ends the value)',
    );
  if (LONE_SURROGATE.test(text))
    throw new CardDataError(
      'AN_INVALID_CHAR',
      field,
      '文本含不成对的代理项 text contains an unpaired surrogate',
    );
  const encoded = iconv.encode(text, 'gb18030');
  let end = 0;
  let fourByte = 0;
  // Walk whole characters; stop before the first one that does not fit.
  while (end < encoded.length) {
    const n = gbCharLength(encoded, end);
    if (end + n > length) {
      if (!opts.truncate) throw tooLong(field, length, '文本 text');
      break;
    }
    if (n === 4) fourByte++;
    end += n;
  }
  if (fourByte > 0)
    opts.onWarning?.({
      code: 'AN_FOUR_BYTE_CHAR',
      field,
      message: `含 ${fourByte} 个 4 字节 GB18030 字符，旧读卡器只能显示 GBK text has ${fourByte} 4-byte GB18030 character(s) older readers cannot show`,
    });
  const out = new Uint8Array(length);
  out.set(encoded.subarray(0, end));
  return out;
}

/** Bytes → text up to the first 00 (GB18030). */
export function decodeAn(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return iconv.decode(Buffer.from(bytes.subarray(0, end < 0 ? bytes.length : end)), 'gb18030');
}

/** Digits → `length` bytes of BCD, left-aligned, padded with nibble F. '' → all FF. */
export function encodeCn(digits: string, length: number, field: string): Uint8Array {
  if (!/^[0-9]*$/.test(digits))
    throw new CardDataError('CN_NOT_DIGITS', field, '只能含数字 0–9 must contain only the digits 0–9');
  if (digits.length > 2 * length) throw tooLong(field, length, `${2 * length} 位数字 ${2 * length} digits`);
  const out = new Uint8Array(length).fill(0xff);
  for (let i = 0; i < digits.length; i++) {
    const d = digits.charCodeAt(i) - 0x30;
    const b = i >> 1;
    out[b] = i & 1 ? (out[b] & 0xf0) | d : (d << 4) | 0x0f;
  }
  return out;
}

/** BCD → the digits before the first F nibble. A nibble A–E there is CN_BAD_NIBBLE. */
export function decodeCn(bytes: Uint8Array, field = 'cn'): string {
  let s = '';
  for (const byte of bytes) {
    for (const nibble of [byte >> 4, byte & 0x0f]) {
      if (nibble === 0x0f) return s;
      if (nibble > 9)
        throw new CardDataError(
          'CN_BAD_NIBBLE',
          field,
          `BCD 数据含非法半字节 ${nibble.toString(16).toUpperCase()} invalid BCD nibble`,
        );
      s += String(nibble);
    }
  }
  return s;
}

/** Hex → `length` bytes, right-filled with 00 ('' → all 00). */
export function encodeB(hex: string, length: number, field: string): Uint8Array {
  if (!/^([0-9A-Fa-f]{2})*$/.test(hex))
    throw new CardDataError(
      'B_NOT_HEX',
      field,
      '须为偶数个十六进制字符 must be an even number of hex characters',
    );
  if (hex.length > 2 * length)
    throw tooLong(field, length, `${2 * length} 个十六进制字符 ${2 * length} hex characters`);
  const out = new Uint8Array(length);
  for (let i = 0; i < hex.length / 2; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Bytes → upper-case hex, two characters per byte. */
export function decodeB(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex').toUpperCase();
}

export function encodeField(
  format: DataFormat,
  value: string,
  length: number,
  field: string,
  opts: EncodeOptions = {},
): Uint8Array {
  switch (format) {
    case 'an':
      return encodeAn(value, length, field, opts);
    case 'cn':
      return encodeCn(value, length, field);
    case 'b':
      return encodeB(value, length, field);
  }
}

export function decodeField(format: DataFormat, bytes: Uint8Array, field?: string): string {
  switch (format) {
    case 'an':
      return decodeAn(bytes);
    case 'cn':
      return decodeCn(bytes, field);
    case 'b':
      return decodeB(bytes);
  }
}

/** The bytes of an unset field (§3.4): all 00 for an and b, all FF for cn. */
export function unsetField(format: DataFormat, length: number): Uint8Array {
  return new Uint8Array(length).fill(format === 'cn' ? 0xff : 0x00);
}
