// Coded errors of the card layer in the shared catalogue shape (src/base/errors.ts). Messages are Chinese
// first, then English, and name the field and the limit — never the value, which may be personal data
// (names, ID numbers).
import { CodedError, defineCatalogue, type SymbolOf } from '../base/errors.ts';

/** Card 300–349 (design choice, docs/architecture.md): data that does not fit the card, profile lookups, transcripts. */
export const cardErrors = defineCatalogue(
  'card',
  [300, 349],
  [
    [
      '301',
      'FIELD_TOO_LONG',
      400,
      '数据超出卡内字段长度',
      'value longer than the card field',
      '请缩短该项内容（如姓名、地址过长请用简写）后重试 / shorten the item (e.g. abbreviate a long address)',
      'the card field has a fixed byte length (card-format.md §3.2; GB18030: 2 bytes per common Chinese character); `limit` gives the bytes; pass `truncate` only where cutting is acceptable',
    ],
    [
      '302',
      'AN_INVALID_CHAR',
      400,
      '文本含卡内不能保存的字符',
      'text contains a character the card cannot store',
      '请删除生僻符号或特殊字符后重试 / remove unusual symbols and retry',
      'an-format text must be GB18030-encodable without NUL or lone surrogates; normalise input (NFC) and strip control characters',
    ],
    [
      '303',
      'CN_NOT_DIGITS',
      400,
      '该项只能填数字',
      'value must contain digits only',
      '该项只能填写数字，请核对 / this item takes digits only',
      'cn (BCD) fields accept 0–9 only; strip spaces, dashes and full-width digits before sending',
    ],
    [
      '304',
      'CN_BAD_NIBBLE',
      422,
      '卡内数字数据损坏',
      'card holds an invalid BCD digit',
      '卡内该项数据异常，请持卡人到发卡点检测或重写 / the data on the card is damaged: send the holder to an issuing point',
      'a cn field read from the card holds a nibble A–E; the card was written by a non-conforming tool — rewrite the field',
    ],
    [
      '305',
      'B_NOT_HEX',
      400,
      '二进制数据格式错误',
      'binary value is not hex',
      '请联系信息科 / call IT',
      'b-format values are an even number of hex characters, at most twice the field length',
    ],
    [
      '306',
      'INVALID_DATE',
      400,
      '日期或时间不是真实的日期',
      'not a real date or date-time',
      '请核对日期（年月日）是否填写正确 / check the date',
      'send YYYYMMDD (or YYYYMMDDhhmmss) naming a real calendar day and time; no separators',
    ],
    [
      '307',
      'INVALID_FLAG',
      400,
      '标志值只能是 00 或 01',
      'flag must be 00 or 01',
      '请联系信息科 / call IT',
      'flag elements (and index entries) take 00 or 01 only (card-format.md §4)',
    ],
    [
      '308',
      'INVALID_CODE_BYTE',
      400,
      '代码须为两位数字',
      'code must be two digits',
      '请在下拉列表中重新选择该项 / choose the item again from the list',
      'one-byte code elements take a two-digit code such as 01 (card-format.md §4.8); send the code, not its label',
    ],
    [
      '309',
      'UNKNOWN_CODE',
      400,
      '代码不在国家代码表中',
      'code not in the national code table',
      '请在下拉列表中重新选择该项 / choose the item again from the list',
      'the value must be a code of the table named in the message (`GET /api/v1/codes/{table}` lists them)',
    ],
    [
      '310',
      'INVALID_ID_NUMBER',
      400,
      '身份证号无效',
      'not a valid GB 11643 ID number',
      '请核对身份证号（18位，末位X为大写） / check the 18-digit ID number (upper-case X)',
      'validate GB 11643 (region, birth date, check digit) before writing; the message lists the failed checks, never the number',
    ],
    [
      '311',
      'MISSING_REQUIRED',
      400,
      '必填项未填写',
      'mandatory item missing',
      '请补全必填项后重试 / fill in the mandatory item and retry',
      'the record layout marks the field mandatory (card-format.md §5); send a non-empty value',
    ],
    [
      '312',
      'UNKNOWN_FIELD',
      400,
      '该文件没有这一项',
      'no such item in this card file',
      '请联系信息科（HIS与读卡程序版本不一致） / call IT (HIS and reader versions differ)',
      'use the element/field keys of the card profile (`rhc card layout` / docs/card-format.md); keys are case-sensitive',
    ],
    [
      '313',
      'NOT_A_STRING',
      400,
      '字段值须为文本',
      'value must be a string',
      '请联系信息科 / call IT',
      'every value is a string in the API representation (card-format.md §8.1): send "01", not 1 or null',
    ],
    [
      '314',
      'TLV_TAG_MISMATCH',
      422,
      '卡内记录标签与卡配置不符',
      'card record tag differs from the profile',
      '卡内数据与本地区卡规格不符，请持卡人到发卡点检测 / card data does not match the local card profile: issuing point',
      'the record read has another tag than the profile expects: wrong `--profile` for this card, or the card was personalised with another layout',
    ],
    [
      '315',
      'TLV_LENGTH_MISMATCH',
      422,
      '卡内记录长度与卡配置不符',
      'card record length differs from the profile',
      '卡内数据与本地区卡规格不符，请持卡人到发卡点检测 / card data does not match the local card profile: issuing point',
      'the record read has another length than the profile expects: check `--profile` against the card issuer',
    ],
    [
      '316',
      'RECORD_LENGTH',
      422,
      '记录长度错误',
      'record has the wrong length',
      '请联系信息科 / call IT',
      'a fixed-layout record must be exactly the layout’s data or total length (message gives both); check the profile and the bytes passed',
    ],
    [
      '317',
      'TOO_MANY_RECORDS',
      400,
      '记录条数超过卡内容量',
      'more records than the card file holds',
      '卡内空间已满，请删减条目（如过敏、免疫记录）后重试 / the card file is full: remove entries and retry',
      '`limit` is the number of records the file holds in this profile; send at most that many',
    ],
    [
      '318',
      'BAD_SECTION',
      400,
      '卡配置中没有该内容段',
      'no such content section in the profile',
      '请联系信息科 / call IT',
      'the content sections are those of the card profile (holder, validity, addresses, …); check the spelling and the profile',
    ],
    [
      '319',
      'PHOTO_TOO_LARGE',
      400,
      '照片文件过大',
      'photo too large for the card',
      '请重新拍照或压缩照片后重试 / take or compress the photo again',
      '`limit` is the photo file size of the profile in bytes (3070 in the national profile); re-encode as baseline JPEG at lower quality or size',
    ],
    [
      '320',
      'PHOTO_NOT_JPEG',
      400,
      '照片不是 JPEG 格式',
      'photo is not a JPEG',
      '请使用JPG格式的照片 / use a JPG photo',
      'the photo must start with the JPEG SOI marker FF D8; convert PNG/BMP before sending',
    ],
    [
      '321',
      'PHOTO_BAD_LENGTH',
      422,
      '卡内照片长度信息错误',
      'photo length on the card is wrong',
      '卡内照片无法读取，请持卡人到发卡点重新写入 / the photo on the card cannot be read: issuing point',
      'the 2-byte length prefix of the photo file exceeds the file or is missing; rewrite the photo',
    ],
    [
      '322',
      'UNKNOWN_PROFILE',
      400,
      '未知的卡配置',
      'unknown card profile',
      '请联系信息科 / call IT',
      'use one of the profile ids listed in the message (e.g. national, shaanxi-64k)',
    ],
    [
      '323',
      'UNKNOWN_FILE',
      500,
      '卡配置中缺少该文件的说明',
      'card profile does not describe this file',
      '请联系信息科 / call IT',
      'the profile lacks a layout or section for the file named in `field`; fix the profile data (src/card/profiles)',
    ],
    [
      '324',
      'UNKNOWN_KEY',
      500,
      '卡配置中没有该密钥',
      'key not in the card profile',
      '请联系信息科 / call IT',
      'the key name is not in the profile’s key table; check the key file against the profile',
    ],
    [
      '340',
      'TRANSCRIPT_MISMATCH',
      409,
      '卡片交互与录制记录不符',
      'APDU exchange differs from the transcript',
      '请联系信息科（测试回放不一致） / call IT (test replay differs)',
      'the replayed session left the recorded transcript at the line in the message: the reader library or the card changed since recording — record again or find the change',
    ],
    [
      '341',
      'TRANSCRIPT_FORMAT',
      400,
      '录制记录文件格式错误',
      'transcript file malformed',
      '请联系信息科 / call IT',
      'a transcript is JSON lines with a header line first; re-record it with the RHC tools',
    ],
  ],
);

export type CardErrorSymbol = SymbolOf<typeof cardErrors>;

/** The data-error symbols (all but the transcript ones, which belong to the transcript tools). */
export type CardDataErrorCode = Exclude<CardErrorSymbol, 'TRANSCRIPT_MISMATCH' | 'TRANSCRIPT_FORMAT'>;

export class CardDataError extends CodedError {
  constructor(
    symbol: CardDataErrorCode,
    /** The element/field key (or file path) the error is about. */
    field: string,
    message: string,
    /** The byte (or record) limit that was exceeded, when there is one. */
    readonly limit?: number,
  ) {
    super(cardErrors.entry(symbol), { field, detail: message });
    this.name = 'CardDataError';
  }

  override get symbol(): CardDataErrorCode {
    return this.entry.symbol as CardDataErrorCode;
  }

  /** Always set for card data errors. */
  declare readonly field: string;
}

/** A non-fatal finding while encoding (e.g. a 4-byte GB18030 character older readers cannot show). */
export interface CardDataWarning {
  readonly code: 'AN_FOUR_BYTE_CHAR' | 'ID_NUMBER_NORMALIZED';
  readonly field: string;
  readonly message: string;
}

export interface EncodeOptions {
  /** Receives warnings; without it they are dropped. */
  readonly onWarning?: (w: CardDataWarning) => void;
  /** Cut over-long `an` text at a character boundary instead of failing (§3.2 opt-in). */
  readonly truncate?: boolean;
  /** "Today" for checks that depend on it (ID-number birth dates in the future); default: now. */
  readonly today?: Date;
}
