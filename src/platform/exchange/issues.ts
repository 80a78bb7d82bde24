// Coded reasons of the exchange (docs/exchange-format.md §5): each names the platform result code it maps
// to (platform-interfaces.md §3.2) — 4002 for the file as a whole, 4003 or a more specific code for a line.
import { errorEntry } from '../errors.ts';
import type { ErrorName } from '../errors.ts';

export const REASONS = {
  // file level (the whole file is refused before or after its records)
  FILE_NAME: {
    error: 'FILE_DIGEST',
    zh: '文件名不符合命名规则或与文件头不一致',
    en: 'file name malformed or disagrees with the header',
  },
  ENCODING: {
    error: 'FILE_DIGEST',
    zh: '文件编码错误（应为无BOM的UTF-8或GB18030）',
    en: 'bad encoding (UTF-8 without BOM, or GB18030 as declared)',
  },
  HEADER: { error: 'FILE_DIGEST', zh: '文件头格式错误', en: 'malformed header line' },
  UNKNOWN_FORMAT: {
    error: 'FILE_DIGEST',
    zh: '未知的文件格式或格式版本',
    en: 'unknown format id or format version',
  },
  UNKNOWN_TYPE: { error: 'FILE_DIGEST', zh: '未知的文件类型', en: 'unknown file type' },
  WRONG_DIRECTION: {
    error: 'FILE_DIGEST',
    zh: '文件类型方向错误（上传/下发）',
    en: 'file type not accepted in this direction',
  },
  COLUMNS: {
    error: 'FILE_DIGEST',
    zh: '字段说明行与该类型版本不符',
    en: 'column line does not match the layout of this type and version',
  },
  TRUNCATED: { error: 'FILE_DIGEST', zh: '文件不完整（缺少文件尾）', en: 'file truncated (no trailer)' },
  AFTER_TRAILER: { error: 'FILE_DIGEST', zh: '文件尾之后还有内容', en: 'data after the trailer' },
  COUNT: {
    error: 'FILE_DIGEST',
    zh: '记录数与文件头/文件尾不符',
    en: 'record count differs from header / trailer',
  },
  DIGEST: { error: 'FILE_DIGEST', zh: 'SM3摘要校验失败', en: 'SM3 digest mismatch' },
  OK_FILE: {
    error: 'FILE_DIGEST',
    zh: '.ok文件与数据文件不符',
    en: '.ok companion does not match the data file',
  },
  FOREIGN_REGION: {
    error: 'NOT_PERMITTED',
    zh: '文件所属地区不属于发送机构',
    en: 'file region is not owned by the sender',
  },
  GAP: {
    error: 'FILE_DIGEST',
    zh: '序号不连续，缺少前序文件',
    en: 'sequence gap: an earlier file is missing',
  },
  OVERLAP: {
    error: 'FILE_DIGEST',
    zh: '序号范围与已导入文件重叠',
    en: 'sequence range overlaps files already imported',
  },
  STALE_FULL: {
    error: 'FILE_DIGEST',
    zh: '全量文件早于已导入的数据',
    en: 'full file older than data already imported',
  },
  SAME_NAME_OTHER_CONTENT: {
    error: 'SERIAL_CONFLICT',
    zh: '同名文件内容不同',
    en: 'a file of the same name with different content was already imported',
  },
  HAS_ERRORS: {
    error: 'FILE_RECORD',
    zh: '文件含错误记录，整体拒收',
    en: 'file has record errors and is refused as a whole',
  },
  // line level
  FIELD_COUNT: { error: 'FILE_RECORD', zh: '字段个数错误', en: 'wrong number of fields' },
  REQUIRED: { error: 'FIELD_MISSING', zh: '必填字段为空', en: 'required field empty' },
  FORMAT: { error: 'FIELD_FORMAT', zh: '字段格式错误', en: 'field format wrong' },
  BAD_CHAR: { error: 'FIELD_FORMAT', zh: '字段含非法字符', en: 'forbidden character (CR) in a field' },
  TEXT: {
    error: 'FIELD_FORMAT',
    zh: '文本字段含不能保存、写卡或交换的字符',
    en: 'text field has a character that cannot be stored, written to the card or exchanged',
  },
  ID_NUMBER: { error: 'ID_CHECK_DIGIT', zh: '身份证号无效', en: 'invalid ID number' },
  ORG_CODE: {
    error: 'FIELD_FORMAT',
    zh: '组织机构代码无效（校验码）',
    en: 'invalid organisation code (check character)',
  },
  ID_LENGTH: { error: 'ID_LENGTH', zh: '身份证号位数错误', en: 'ID number length wrong (18 characters)' },
  ID_LOWERCASE_X: {
    error: 'ID_LOWERCASE_X',
    zh: '身份证号末位应为大写X',
    en: 'ID number check character must be upper-case X',
  },
  CARD_NO_ID: {
    error: 'FIELD_FORMAT',
    zh: '卡号应等于持卡人身份证号',
    en: 'card number must equal the holder ID number',
  },
  DATE: { error: 'FIELD_FORMAT', zh: '日期或时间不存在', en: 'impossible date or time' },
  CODE: { error: 'FIELD_FORMAT', zh: '代码不在代码表中', en: 'code not in its code table' },
  OP: { error: 'FIELD_FORMAT', zh: '操作标志不适用于该文件类型', en: 'op not allowed for this file type' },
  HOLDER_HELD: {
    error: 'RESIDENT_NOT_FOUND',
    zh: '持卡人记录未导出（见.held报告），该卡记录随之暂不导出',
    en: "the holder's record is held back from export (see .held), so is this record",
  },
  DUPLICATE: { error: 'FILE_RECORD', zh: '同一文件内记录重复', en: 'duplicate record within the file' },
  TRANSITION: {
    error: 'TRANSITION_NOT_ALLOWED',
    zh: '卡状态变更冲突',
    en: 'conflicting card status transition',
  },
  CARD_NOT_FOUND: { error: 'CARD_NOT_FOUND', zh: '卡不存在', en: 'card not known to the province' },
  RESIDENT_NOT_FOUND: {
    error: 'RESIDENT_NOT_FOUND',
    zh: '居民不存在（请先上传居民信息文件）',
    en: 'resident unknown (send the JMXX file first)',
  },
  NAME_MISMATCH: {
    error: 'NAME_MISMATCH',
    zh: '同一身份证号姓名不一致',
    en: 'name differs for the same ID number',
  },
  MAIN_INDEX: {
    error: 'FILE_RECORD',
    zh: '主索引与已有居民不一致',
    en: 'mainIndex differs from the registered resident',
  },
  RECORD_REGION: {
    error: 'NOT_PERMITTED',
    zh: '记录的应用城市不属于发送机构',
    en: 'record belongs to a region the sender does not own',
  },
  CROSS_CITY: {
    error: 'HOLDER_HAS_ACTIVE_CARD',
    zh: '持卡人在其他城市已有有效卡',
    en: 'holder already has a live card issued in another city',
  },
  ID_INCONSISTENT: {
    error: 'ID_INCONSISTENT',
    zh: '性别或出生日期与身份证号不符',
    en: 'sex or birth date inconsistent with the ID number',
  },
} as const satisfies Record<string, { error: ErrorName; zh: string; en: string }>;

export type Reason = keyof typeof REASONS;

export interface Issue {
  /** 1-based line number in the file; 0 = the file as a whole. */
  line: number;
  reason: Reason;
  /** Platform result code (4 digits). */
  code: string;
  field?: string;
  /** Detail without personal data (ID numbers and names are never echoed). */
  detail?: string;
}

export function issue(line: number, reason: Reason, field?: string, detail?: string): Issue {
  return {
    line,
    reason,
    code: errorEntry(REASONS[reason].error).code,
    ...(field ? { field } : {}),
    ...(detail ? { detail } : {}),
  };
}

/** `2001 ID_NUMBER [idNo] 身份证号无效 / invalid ID number — detail` */
export function describeIssue(i: Issue): string {
  const r = REASONS[i.reason];
  return `${i.code} ${i.reason}${i.field ? ` [${i.field}]` : ''} ${r.zh} / ${r.en}${i.detail ? ` — ${i.detail}` : ''}`;
}

/** `行 17 / line 17: 2001 ID_NUMBER [idNo] 身份证号无效 / invalid ID number — detail` */
export function formatIssue(i: Issue): string {
  const where = i.line ? `行 ${i.line} / line ${i.line}` : '文件 / file';
  return `${where}: ${describeIssue(i)}`;
}
