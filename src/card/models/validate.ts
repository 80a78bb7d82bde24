// Encode-time validation of one value against its element/field spec (card-format.md §3.3, §4): real
// calendar dates, flags 00/01, two-digit code bytes, known codes, GB 11643 ID numbers. '' means unset and
// is always allowed here (mandatory fields are checked by the record encoder).
import { isKnownCode, validateIdNumber } from '../../codes/index.ts';
import { encodeField } from '../codecs.ts';
import { CardDataError, type EncodeOptions } from '../errors.ts';
import type { DataFormat, ValueKind } from '../image.ts';

export interface ValueSpec {
  readonly key: string;
  readonly format: DataFormat;
  readonly length: number;
  readonly zh: string;
  readonly valueKind?: ValueKind;
  readonly codeTable?: string;
  readonly codeMatch?: 'exact' | 'prefix';
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** YYYYMMDD names a real day of the Gregorian calendar (year 0001–9999). */
export function isCalendarDate(s: string): boolean {
  if (!/^\d{8}$/.test(s)) return false;
  const y = Number(s.slice(0, 4));
  const m = Number(s.slice(4, 6));
  const d = Number(s.slice(6, 8));
  if (y < 1 || m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return d <= (m === 2 && leap ? 29 : DAYS_IN_MONTH[m - 1]);
}

/** YYYYMMDDhhmmss with a real day and a time 00:00:00–23:59:59. */
export function isCalendarDateTime(s: string): boolean {
  if (!/^\d{14}$/.test(s) || !isCalendarDate(s.slice(0, 8))) return false;
  return Number(s.slice(8, 10)) < 24 && Number(s.slice(10, 12)) < 60 && Number(s.slice(12, 14)) < 60;
}

/** Codes are looked up as written and without leading zeros (sex is stored as byte 01 for code '1'). */
function isKnown(spec: ValueSpec, table: string, value: string): boolean {
  const candidates = [value, value.replace(/^0+(?=.)/, '')];
  if (spec.codeMatch === 'prefix') candidates.push(value.slice(0, 1));
  return candidates.some((c) => isKnownCode(table, c));
}

const label = (spec: ValueSpec): string => `${spec.zh} ${spec.key}`;

/** Checks `value`; returns the value to store (an ID number is stored in its normalised form). */
export function validateValue(spec: ValueSpec, value: string, opts: EncodeOptions = {}): string {
  if (value === '') return value;
  switch (spec.valueKind) {
    case 'date':
      if (!isCalendarDate(value))
        throw new CardDataError(
          'INVALID_DATE',
          spec.key,
          `${label(spec)} 须为真实日期 YYYYMMDD must be a real date YYYYMMDD`,
        );
      break;
    case 'datetime':
      if (!isCalendarDateTime(value))
        throw new CardDataError(
          'INVALID_DATE',
          spec.key,
          `${label(spec)} 须为真实日期时间 YYYYMMDDhhmmss must be a real date-time YYYYMMDDhhmmss`,
        );
      break;
    case 'flag':
      if (value !== '00' && value !== '01')
        throw new CardDataError(
          'INVALID_FLAG',
          spec.key,
          `${label(spec)} 标志须为 00 或 01 flag must be 00 or 01`,
        );
      break;
    case 'code-byte':
      if (!/^\d{2}$/.test(value))
        throw new CardDataError(
          'INVALID_CODE_BYTE',
          spec.key,
          `${label(spec)} 须为两位数字代码 (如 01) must be a two-digit code such as 01 (§4.8)`,
        );
      break;
    case 'id-number': {
      const r = validateIdNumber(value, opts.today ? { today: opts.today } : undefined);
      if (!r.valid)
        throw new CardDataError(
          'INVALID_ID_NUMBER',
          spec.key,
          `${label(spec)} 不是有效的公民身份号码 is not a valid GB 11643 ID number: ${r.errors.map((e) => e.code).join(', ')}`,
        );
      const normalized = r.normalized ?? value;
      if (normalized !== value)
        opts.onWarning?.({
          code: 'ID_NUMBER_NORMALIZED',
          field: spec.key,
          message: `${label(spec)} 已规范化为 18 位大写形式 stored in its normalised 18-character form`,
        });
      value = normalized;
      break;
    }
  }
  // Format errors (CN_NOT_DIGITS, FIELD_TOO_LONG …) before the code lookup; warnings come from the real encode.
  encodeField(spec.format, value, spec.length, spec.key, { truncate: opts.truncate });
  if (spec.codeTable && !isKnown(spec, spec.codeTable, value))
    throw new CardDataError(
      'UNKNOWN_CODE',
      spec.key,
      `${label(spec)} 代码不在代码表 ${spec.codeTable} 中 code not in table ${spec.codeTable}`,
    );
  return value;
}
