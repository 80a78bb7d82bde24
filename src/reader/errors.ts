// Error codes of the reader interface (card-format.md §8.6) plus RHC's device codes, each with a message a
// hospital user understands (zh first) and the last status word for the integrator.
import { swHex } from '../card/status-words.ts';

export interface ReaderErrorInfo {
  readonly code: number;
  readonly symbol: string;
  readonly zh: string;
  readonly en: string;
}

/** §8.6 family 101–113 (deployed DLLs) and 120–127 (RHC device codes — design choice, not in public sources). */
export const READER_ERRORS = {
  BAD_PARAMETER: { code: 101, zh: '输入参数错误', en: 'Invalid input parameter' },
  FILE_NOT_FOUND: {
    code: 102,
    zh: '卡内文件不存在，可能不是居民健康卡',
    en: 'File not found on the card — is this a health card?',
  },
  READ_RECORD_FAILED: { code: 103, zh: '读卡失败（读记录）', en: 'Reading the card failed (read record)' },
  CARD_ERROR: {
    code: 104,
    zh: '健康卡响应异常，请重新放卡',
    en: 'The health card answered abnormally — place it again',
  },
  SAM_ERROR: {
    code: 105,
    zh: '读卡器安全模块（PSAM）响应异常',
    en: 'The reader security module (SAM) answered abnormally',
  },
  AUTH_FAILED: {
    code: 106,
    zh: '卡片认证失败，该卡可能不是本地区发行的健康卡',
    en: 'Card authentication failed — the card may belong to another issuer',
  },
  READ_BINARY_FAILED: {
    code: 107,
    zh: '读卡失败（读二进制文件）',
    en: 'Reading the card failed (read binary)',
  },
  WRITE_RECORD_FAILED: { code: 108, zh: '写卡失败（写记录）', en: 'Writing the card failed (write record)' },
  WRITE_BINARY_FAILED: {
    code: 109,
    zh: '写卡失败（写二进制文件）',
    en: 'Writing the card failed (write binary)',
  },
  INDEX_WRITE_FAILED: { code: 110, zh: '写就诊索引失败', en: 'Writing the visit index failed' },
  INDEX_ERASE_FAILED: { code: 111, zh: '擦除就诊索引失败', en: 'Erasing the visit index failed' },
  RECORD_UNAVAILABLE: {
    code: 112,
    zh: '该条就诊记录不存在（未使用）',
    en: 'This visit record is empty (unused slot)',
  },
  PHOTO_INVALID: { code: 113, zh: '照片文件数据异常', en: 'Photo data on the card is invalid' },
  NO_READER: {
    code: 120,
    zh: '未找到读卡器，请检查读卡器连接',
    en: 'No card reader found — check the reader cable',
  },
  NO_CARD: { code: 121, zh: '请将居民健康卡放到读卡器上', en: 'Place the health card on the reader' },
  CARD_REMOVED: {
    code: 122,
    zh: '操作过程中卡片被移开，请重新放卡后重试',
    en: 'The card was removed during the operation — place it again and retry',
  },
  SAM_PIN_WRONG: { code: 123, zh: '安全模块 PIN 错误', en: 'Wrong SAM PIN' },
  SAM_PIN_BLOCKED: {
    code: 124,
    zh: '安全模块 PIN 已锁定，请联系卡管理部门',
    en: 'SAM PIN blocked — contact the card administration',
  },
  SAM_NOT_READY: {
    code: 125,
    zh: '安全模块未就绪（未上电或未校验 PIN）',
    en: 'SAM not ready (not powered or PIN not verified)',
  },
  DEVICE_NOT_OPEN: { code: 126, zh: '读卡器未打开', en: 'Reader not opened' },
  CARD_LOCKED: {
    code: 127,
    zh: '该卡已锁定或该项不允许修改',
    en: 'The card or this item is locked against changes',
  },
} as const satisfies Record<string, Omit<ReaderErrorInfo, 'symbol'>>;

export type ReaderErrorSymbol = keyof typeof READER_ERRORS;

export class ReaderError extends Error {
  readonly code: number;
  readonly symbol: ReaderErrorSymbol;
  readonly zh: string;
  readonly en: string;
  /** Status word of the APDU that failed, when a card or SAM answered. */
  readonly sw?: number;
  /** Parameter or field the error is about (bad input). */
  readonly field?: string;
  /** Technical detail for logs (never personal data). */
  readonly detail?: string;

  constructor(
    symbol: ReaderErrorSymbol,
    opts: { sw?: number; field?: string; detail?: string; cause?: unknown } = {},
  ) {
    const info = READER_ERRORS[symbol];
    const extra = [
      opts.field && `field ${opts.field}`,
      opts.sw !== undefined && `SW ${swHex(opts.sw)}`,
      opts.detail,
    ]
      .filter(Boolean)
      .join('; ');
    super(`[${info.code}] ${info.zh} / ${info.en}${extra ? ` (${extra})` : ''}`, { cause: opts.cause });
    this.name = 'ReaderError';
    this.code = info.code;
    this.symbol = symbol;
    this.zh = info.zh;
    this.en = info.en;
    this.sw = opts.sw;
    this.field = opts.field;
    this.detail = opts.detail;
  }

  toJSON(): Record<string, unknown> {
    return {
      code: this.code,
      symbol: this.symbol,
      zh: this.zh,
      en: this.en,
      ...(this.sw !== undefined ? { sw: swHex(this.sw) } : {}),
      ...(this.field ? { field: this.field } : {}),
      ...(this.detail ? { detail: this.detail } : {}),
    };
  }
}

export function isReaderError(e: unknown, symbol?: ReaderErrorSymbol): e is ReaderError {
  return e instanceof ReaderError && (symbol === undefined || e.symbol === symbol);
}

export function readerErrorCatalogue(): ReaderErrorInfo[] {
  return Object.entries(READER_ERRORS).map(([symbol, v]) => ({ symbol, ...v }));
}
