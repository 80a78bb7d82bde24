// Status words the RHC virtual card and SAM send (card-format.md §6.6), each listed once with its meaning;
// `SW` (symbol → value) and `STATUS_WORDS` (the list tests check every sent SW against) are derived from it.

interface SwRow {
  readonly sw: number;
  /** Mask applied before comparing: 0xff00 / 0xfff0 where the low bits are a counter or a length. */
  readonly mask?: number;
  readonly zh: string;
  readonly en: string;
}

const TABLE = {
  OK: { sw: 0x9000, zh: '成功', en: 'success' },
  BYTES_AVAILABLE: {
    sw: 0x6100,
    mask: 0xff00,
    zh: '有 xx 字节数据可取',
    en: 'xx bytes available (GET RESPONSE)',
  },
  END_OF_FILE: { sw: 0x6282, zh: '读到文件末尾', en: 'end of file reached before Le bytes' },
  VERIFY_FAILED: {
    sw: 0x63c0,
    mask: 0xfff0,
    zh: '认证失败，剩余 x 次',
    en: 'verification failed, x tries left',
  },
  MEMORY_FAILURE: { sw: 0x6581, zh: '存储器故障', en: 'memory failure' },
  WRONG_LENGTH: { sw: 0x6700, zh: '长度错误', en: 'wrong length' },
  SM_NOT_SUPPORTED: { sw: 0x6882, zh: '不支持安全报文', en: 'secure messaging not supported' },
  INCOMPATIBLE_FILE_STRUCTURE: {
    sw: 0x6981,
    zh: '命令与文件结构不相容',
    en: 'command incompatible with file structure',
  },
  SECURITY_STATUS_NOT_SATISFIED: { sw: 0x6982, zh: '不满足安全状态', en: 'security status not satisfied' },
  AUTH_METHOD_BLOCKED: { sw: 0x6983, zh: '认证方法锁定', en: 'authentication method blocked' },
  REFERENCED_DATA_INVALID: {
    sw: 0x6984,
    zh: '引用数据无效（无随机数）',
    en: 'referenced data invalid (no fresh challenge)',
  },
  CONDITIONS_NOT_SATISFIED: { sw: 0x6985, zh: '使用条件不满足', en: 'conditions of use not satisfied' },
  NO_CURRENT_EF: { sw: 0x6986, zh: '没有当前文件', en: 'command not allowed, no current EF' },
  SM_DATA_MISSING: { sw: 0x6987, zh: '安全报文数据对象缺失', en: 'secure messaging data objects missing' },
  SM_DATA_INCORRECT: {
    sw: 0x6988,
    zh: '安全报文数据对象不正确（MAC 错）',
    en: 'secure messaging data objects incorrect (MAC)',
  },
  INCORRECT_DATA: { sw: 0x6a80, zh: '数据域参数不正确', en: 'incorrect data' },
  FUNCTION_NOT_SUPPORTED: {
    sw: 0x6a81,
    zh: '功能不支持或应用已锁定',
    en: 'function not supported / application blocked',
  },
  FILE_NOT_FOUND: { sw: 0x6a82, zh: '文件未找到', en: 'file not found' },
  RECORD_NOT_FOUND: { sw: 0x6a83, zh: '记录未找到', en: 'record not found' },
  NOT_ENOUGH_MEMORY: { sw: 0x6a84, zh: '存储空间不足', en: 'not enough memory' },
  INCORRECT_P1P2: { sw: 0x6a86, zh: 'P1、P2 参数不正确', en: 'incorrect P1–P2' },
  KEY_NOT_FOUND: { sw: 0x6a88, zh: '引用的密钥未找到', en: 'referenced key not found' },
  WRONG_PARAMETERS: {
    sw: 0x6b00,
    zh: '参数错误（偏移超出文件）',
    en: 'wrong parameters (offset outside EF)',
  },
  WRONG_LE: { sw: 0x6c00, mask: 0xff00, zh: 'Le 错误，xx 为正确长度', en: 'wrong Le, xx = exact length' },
  INS_NOT_SUPPORTED: { sw: 0x6d00, zh: '指令不支持', en: 'INS not supported' },
  CLA_NOT_SUPPORTED: { sw: 0x6e00, zh: 'CLA 不支持', en: 'CLA not supported' },
  APPLICATION_PERMANENTLY_BLOCKED: { sw: 0x9303, zh: '应用永久锁定', en: 'application permanently blocked' },
} as const satisfies Record<string, SwRow>;

export type SwSymbol = keyof typeof TABLE;

/** Symbol → status word (`SW.WRONG_LE` is 6C 00: the low byte is the length the card asks for). */
export const SW = Object.fromEntries(Object.entries(TABLE).map(([symbol, row]) => [symbol, row.sw])) as {
  readonly [S in SwSymbol]: (typeof TABLE)[S]['sw'];
};

export interface SwMeaning {
  readonly symbol: SwSymbol;
  readonly sw: number;
  /** Mask applied before comparing: 0xff00 for SWs whose second byte is a counter or a length. */
  readonly mask: number;
  readonly zh: string;
  readonly en: string;
}

export const STATUS_WORDS: readonly SwMeaning[] = Object.entries(TABLE).map(
  ([symbol, row]: [string, SwRow]) => ({
    symbol: symbol as SwSymbol,
    sw: row.sw,
    mask: row.mask ?? 0xffff,
    zh: row.zh,
    en: row.en,
  }),
);

export function describeSw(sw: number): SwMeaning | undefined {
  return STATUS_WORDS.find((m) => (sw & m.mask) === m.sw);
}

/** Whether `sw` is the status word `symbol` (61 xx, 63 Cx and 6C xx match whatever their low bits). */
export function isSw(sw: number, symbol: SwSymbol): boolean {
  const row: SwRow = TABLE[symbol];
  return (sw & (row.mask ?? 0xffff)) === row.sw;
}

export const swHex = (sw: number): string => sw.toString(16).toUpperCase().padStart(4, '0');
