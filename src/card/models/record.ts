// Generic encoder/decoder of fixed-layout records (allergy, immunization, EE, ED — card-format.md §5):
// fields concatenated at their offsets, no tags.
import { decodeField, encodeField, unsetField } from '../codecs.ts';
import { CardDataError, type EncodeOptions } from '../errors.ts';
import type { FieldSpec, RecordLayout } from '../image.ts';
import { checkKnownKeys, type FieldValues } from './tlv-file.ts';
import { validateValue } from './validate.ts';

export interface RecordEncodeOptions extends EncodeOptions {
  /** Reject a record whose mandatory (M) items are empty (default true). */
  readonly checkRequired?: boolean;
}

const fieldLabel = (f: FieldSpec): string =>
  `${f.zh} ${f.key}${f.item !== undefined ? ` (item ${f.item})` : ''}`;

/**
 * The whole record (layout.totalLength bytes): given fields encoded, missing ones unset (§3.4). The
 * signature items stay 00 unless their values are given.
 */
export function encodeRecord(
  layout: RecordLayout,
  values: FieldValues,
  opts: RecordEncodeOptions = {},
): Uint8Array {
  checkKnownKeys(values, layout.fields, layout.zh);
  const out = new Uint8Array(layout.totalLength);
  for (const f of layout.fields) {
    const v = values[f.key] ?? '';
    if (v === '' && f.required && opts.checkRequired !== false)
      throw new CardDataError('MISSING_REQUIRED', f.key, `${fieldLabel(f)} 为必填项 is mandatory`);
    const bytes =
      v === ''
        ? unsetField(f.format, f.length)
        : encodeField(f.format, validateValue(f, v, opts), f.length, f.key, opts);
    out.set(bytes, f.offset);
  }
  return out;
}

/**
 * Values of a record. `bytes` is either the data part (layout.dataLength bytes; signature items left out)
 * or the whole record (layout.totalLength; signature items as hex).
 */
export function decodeRecord(layout: RecordLayout, bytes: Uint8Array): Record<string, string> {
  if (bytes.length !== layout.dataLength && bytes.length !== layout.totalLength)
    throw new CardDataError(
      'RECORD_LENGTH',
      layout.id,
      `${layout.zh} 记录应为 ${layout.dataLength} 或 ${layout.totalLength} 字节 record must be ${layout.dataLength} or ${layout.totalLength} bytes, got ${bytes.length}`,
      layout.totalLength,
    );
  const out: Record<string, string> = {};
  for (const f of layout.fields) {
    if (f.offset + f.length > bytes.length) continue;
    out[f.key] = decodeField(f.format, bytes.subarray(f.offset, f.offset + f.length), f.key);
  }
  return out;
}
