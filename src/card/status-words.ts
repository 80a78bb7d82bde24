// Status words the RHC virtual card and SAM send (card-format.md §6.6), with their meaning.
// Kept as data: tests check that every SW a card sends is listed here.

export const SW = {
  OK: 0x9000,
  BYTES_AVAILABLE: 0x6100, // 61 xx
  END_OF_FILE: 0x6282,
  VERIFY_FAILED: 0x63c0, // 63 Cx, x tries left
  MEMORY_FAILURE: 0x6581,
  WRONG_LENGTH: 0x6700,
  SM_NOT_SUPPORTED: 0x6882,
  INCOMPATIBLE_FILE_STRUCTURE: 0x6981,
  SECURITY_STATUS_NOT_SATISFIED: 0x6982,
  AUTH_METHOD_BLOCKED: 0x6983,
  REFERENCED_DATA_INVALID: 0x6984,
  CONDITIONS_NOT_SATISFIED: 0x6985,
  NO_CURRENT_EF: 0x6986,
  SM_DATA_MISSING: 0x6987,
  SM_DATA_INCORRECT: 0x6988,
  INCORRECT_DATA: 0x6a80,
  FUNCTION_NOT_SUPPORTED: 0x6a81,
  FILE_NOT_FOUND: 0x6a82,
  RECORD_NOT_FOUND: 0x6a83,
  NOT_ENOUGH_MEMORY: 0x6a84,
  INCORRECT_P1P2: 0x6a86,
  KEY_NOT_FOUND: 0x6a88,
  WRONG_PARAMETERS: 0x6b00,
  WRONG_LE: 0x6c00, // 6C xx
  INS_NOT_SUPPORTED: 0x6d00,
  CLA_NOT_SUPPORTED: 0x6e00,
  APPLICATION_PERMANENTLY_BLOCKED: 0x9303,
} as const;

export interface SwMeaning {
  readonly sw: number;
  /** Mask applied before comparing: 0xff00 for SWs whose second byte is a counter or a length. */
  readonly mask: number;
  readonly zh: string;
  readonly en: string;
}

export const STATUS_WORDS: readonly SwMeaning[] = [
  { sw: 0x9000, mask: 0xffff, zh: '成功', en: 'success' },
  { sw: 0x6100, mask: 0xff00, zh: '有 xx 字节数据可取', en: 'xx bytes available (GET RESPONSE)' },
  { sw: 0x6282, mask: 0xffff, zh: '读到文件末尾', en: 'end of file reached before Le bytes' },
  { sw: 0x63c0, mask: 0xfff0, zh: '认证失败，剩余 x 次', en: 'verification failed, x tries left' },
  { sw: 0x6581, mask: 0xffff, zh: '存储器故障', en: 'memory failure' },
  { sw: 0x6700, mask: 0xffff, zh: '长度错误', en: 'wrong length' },
  { sw: 0x6882, mask: 0xffff, zh: '不支持安全报文', en: 'secure messaging not supported' },
  { sw: 0x6981, mask: 0xffff, zh: '命令与文件结构不相容', en: 'command incompatible with file structure' },
  { sw: 0x6982, mask: 0xffff, zh: '不满足安全状态', en: 'security status not satisfied' },
  { sw: 0x6983, mask: 0xffff, zh: '认证方法锁定', en: 'authentication method blocked' },
  {
    sw: 0x6984,
    mask: 0xffff,
    zh: '引用数据无效（无随机数）',
    en: 'referenced data invalid (no fresh challenge)',
  },
  { sw: 0x6985, mask: 0xffff, zh: '使用条件不满足', en: 'conditions of use not satisfied' },
  { sw: 0x6986, mask: 0xffff, zh: '没有当前文件', en: 'command not allowed, no current EF' },
  { sw: 0x6987, mask: 0xffff, zh: '安全报文数据对象缺失', en: 'secure messaging data objects missing' },
  {
    sw: 0x6988,
    mask: 0xffff,
    zh: '安全报文数据对象不正确（MAC 错）',
    en: 'secure messaging data objects incorrect (MAC)',
  },
  { sw: 0x6a80, mask: 0xffff, zh: '数据域参数不正确', en: 'incorrect data' },
  {
    sw: 0x6a81,
    mask: 0xffff,
    zh: '功能不支持或应用已锁定',
    en: 'function not supported / application blocked',
  },
  { sw: 0x6a82, mask: 0xffff, zh: '文件未找到', en: 'file not found' },
  { sw: 0x6a83, mask: 0xffff, zh: '记录未找到', en: 'record not found' },
  { sw: 0x6a84, mask: 0xffff, zh: '存储空间不足', en: 'not enough memory' },
  { sw: 0x6a86, mask: 0xffff, zh: 'P1、P2 参数不正确', en: 'incorrect P1–P2' },
  { sw: 0x6a88, mask: 0xffff, zh: '引用的密钥未找到', en: 'referenced key not found' },
  { sw: 0x6b00, mask: 0xffff, zh: '参数错误（偏移超出文件）', en: 'wrong parameters (offset outside EF)' },
  { sw: 0x6c00, mask: 0xff00, zh: 'Le 错误，xx 为正确长度', en: 'wrong Le, xx = exact length' },
  { sw: 0x6d00, mask: 0xffff, zh: '指令不支持', en: 'INS not supported' },
  { sw: 0x6e00, mask: 0xffff, zh: 'CLA 不支持', en: 'CLA not supported' },
  { sw: 0x9303, mask: 0xffff, zh: '应用永久锁定', en: 'application permanently blocked' },
];

export function describeSw(sw: number): SwMeaning | undefined {
  return STATUS_WORDS.find((m) => (sw & m.mask) === m.sw);
}

export const swHex = (sw: number): string => sw.toString(16).toUpperCase().padStart(4, '0');
