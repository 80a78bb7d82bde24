// DF03/EF05–EF06 index (有效标志) files (card-format.md §5.4): one 1-byte record per slot.
import { CardDataError } from '../errors.ts';
import type { IndexFlag } from './types.ts';

/** Record n → flag byte: '00' (valid record) or 'FF' (free). */
export function encodeIndexFile(flags: readonly IndexFlag[]): Uint8Array[] {
  return flags.map((f, i) => {
    if (f !== '00' && f !== 'FF')
      throw new CardDataError(
        'INVALID_FLAG',
        `index[${i + 1}]`,
        '索引标志须为 00 或 FF index flag must be 00 or FF',
      );
    return Uint8Array.of(f === '00' ? 0x00 : 0xff);
  });
}

/** Any byte other than 00 reads as 'FF': the slot holds no valid record (reader error 112). */
export function decodeIndexFile(records: readonly Uint8Array[]): IndexFlag[] {
  return records.map((r) => (r.length === 1 && r[0] === 0x00 ? '00' : 'FF'));
}
