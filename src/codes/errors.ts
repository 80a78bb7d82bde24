// Coded errors of the codes layer in the shared catalogue shape (src/base/errors.ts). `symbol` is stable;
// the platform publishes these codes (an unknown table on `GET /api/v1/codes/{table}` answers 350).
import { CodedError, defineCatalogue, type SymbolOf } from '../base/errors.ts';

/** Codes 350–369 (design choice, docs/architecture.md). */
export const codesErrors = defineCatalogue(
  'codes',
  [350, 369],
  [
    [
      '350',
      'CODE_TABLE_UNKNOWN',
      404,
      '未知的代码表',
      'unknown code table',
      '请联系信息科（程序请求了不存在的代码表） / call IT (the program asked for a code table that does not exist)',
      'use one of the table ids listed in the message (kebab-case, e.g. card-status, marital-status); ids are case-sensitive',
    ],
    [
      '351',
      'REGION_CODE_FORMAT',
      400,
      '行政区划代码格式错误',
      'region code has the wrong format',
      '请核对行政区划代码：6位数字（省级2位） / check the region code: 6 digits (2 for a province)',
      'GB/T 2260 codes are 6 digits (province xx0000, prefecture xxxx00); a province lookup takes the first 2 digits',
    ],
    [
      '352',
      'REGION_UNKNOWN',
      404,
      '无此行政区划代码',
      'no such region code',
      '请核对行政区划代码是否抄错，或改用上级代码 / check the region code for typos, or use the code of the level above',
      'the code is well-formed but not in the GB/T 2260 data this build carries (rhc codes region <code> shows what is known); codes of abolished divisions are not accepted',
    ],
  ],
);

export type CodesErrorCode = SymbolOf<typeof codesErrors>;

export class CodesError extends CodedError {
  constructor(symbol: CodesErrorCode, message: string) {
    super(codesErrors.entry(symbol), { detail: message });
    this.name = 'CodesError';
  }

  override get symbol(): CodesErrorCode {
    return this.entry.symbol as CodesErrorCode;
  }
}
