// Generic encoder/decoder of TLV record files (card-format.md §3.5, §4), driven by the EF's elements.
import { CardDataError, type EncodeOptions } from '../errors.ts';
import type { EfSpec, TlvElementSpec } from '../image.ts';
import { decodeTlvRecord, encodeTlvRecord } from '../tlv.ts';
import { validateValue } from './validate.ts';

export type FieldValues = Readonly<Record<string, string | undefined>>;

function elementsOf(ef: EfSpec): readonly TlvElementSpec[] {
  if (ef.structure !== 'tlv-records' || !ef.elements)
    throw new CardDataError('UNKNOWN_FILE', ef.en, `不是 TLV 记录文件 not a TLV record file`);
  return ef.elements;
}

/** Rejects keys the file does not have (typos would otherwise be silently dropped). */
export function checkKnownKeys(values: FieldValues, known: readonly { key: string }[], where: string): void {
  const keys = new Set(known.map((k) => k.key));
  for (const [k, v] of Object.entries(values)) {
    if (!keys.has(k)) throw new CardDataError('UNKNOWN_FIELD', k, `${where} 没有此字段 has no field "${k}"`);
    // JSON input may carry numbers or nulls; values are strings in the API representation (§8.1).
    if (v !== undefined && typeof v !== 'string')
      throw new CardDataError('NOT_A_STRING', k, `${where} 字段值须为字符串 value must be a string`);
  }
}

/**
 * Records to write: record number → T‖L‖V, for the given keys only (undefined = leave that record
 * unchanged; '' = write the unset value).
 */
export function encodeTlvFile(
  ef: EfSpec,
  values: FieldValues,
  opts: EncodeOptions = {},
): Map<number, Uint8Array> {
  const elements = elementsOf(ef);
  checkKnownKeys(values, elements, ef.zh);
  const out = new Map<number, Uint8Array>();
  elements.forEach((el, i) => {
    const v = values[el.key];
    if (v === undefined) return;
    out.set(i + 1, encodeTlvRecord(el, validateValue(el, v, opts), opts));
  });
  return out;
}

/** Every record of the file, in record order, with all elements ('' where unset). */
export function encodeFullTlvFile(ef: EfSpec, values: FieldValues, opts: EncodeOptions = {}): Uint8Array[] {
  const filled = Object.fromEntries(elementsOf(ef).map((el) => [el.key, values[el.key] ?? '']));
  checkKnownKeys(values, elementsOf(ef), ef.zh);
  return [...encodeTlvFile(ef, filled, opts).values()];
}

/** Values of a TLV file from its records (array index 0 = record 1, or a record-number map). */
export function decodeTlvFile(
  ef: EfSpec,
  records: ReadonlyMap<number, Uint8Array> | readonly Uint8Array[],
): Record<string, string> {
  const elements = elementsOf(ef);
  const get = (n: number): Uint8Array | undefined =>
    records instanceof Map ? records.get(n) : (records as readonly Uint8Array[])[n - 1];
  const out: Record<string, string> = {};
  elements.forEach((el, i) => {
    const rec = get(i + 1);
    if (!rec)
      throw new CardDataError(
        'RECORD_LENGTH',
        el.key,
        `缺少第 ${i + 1} 条记录 record ${i + 1} of ${ef.zh} is missing`,
      );
    out[el.key] = decodeTlvRecord(el, rec);
  });
  return out;
}
