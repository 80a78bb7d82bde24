// One TLV record of a record file (card-format.md §3.5): T (1 byte, the tag) ‖ L (the element's fixed
// value length) ‖ V (padded per §3.1) — exactly 2 + L bytes.
import { decodeField, encodeField } from './codecs.ts';
import { CardDataError, type EncodeOptions } from './errors.ts';
import type { TlvElementSpec } from './image.ts';

export function encodeTlvRecord(el: TlvElementSpec, value: string, opts: EncodeOptions = {}): Uint8Array {
  const out = new Uint8Array(2 + el.length);
  out[0] = el.tag;
  out[1] = el.length;
  out.set(encodeField(el.format, value, el.length, el.key, opts), 2);
  return out;
}

/** The value of one TLV record; the tag and length must be the element's. */
export function decodeTlvRecord(el: TlvElementSpec, bytes: Uint8Array): string {
  if (bytes.length < 2 || bytes[0] !== el.tag)
    throw new CardDataError(
      'TLV_TAG_MISMATCH',
      el.key,
      `记录标签应为 ${hex(el.tag)} record tag should be ${hex(el.tag)}, found ${bytes.length ? hex(bytes[0]) : 'nothing'}`,
    );
  if (bytes[1] !== el.length || bytes.length !== 2 + el.length)
    throw new CardDataError(
      'TLV_LENGTH_MISMATCH',
      el.key,
      `记录长度应为 2+${el.length} record should be 2+${el.length} bytes with L=${hex(el.length)}, found L=${hex(bytes[1])} in ${bytes.length} bytes`,
      el.length,
    );
  return decodeField(el.format, bytes.subarray(2), el.key);
}

/** Lc of the secure-messaging UPDATE RECORD for a value of length L (§6.3): 16·⌊(L+3)/16⌋ + 20. */
export function smLc(valueLength: number): number {
  return 16 * Math.floor((valueLength + 3) / 16) + 20;
}

const hex = (b: number): string => b.toString(16).toUpperCase().padStart(2, '0');
