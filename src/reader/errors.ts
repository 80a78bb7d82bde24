// Error codes of the reader interface (card-format.md §8.6) plus RHC's device codes, in the catalogue shape
// every layer shares (src/base/errors.ts): a message a hospital user understands (zh first), what the front
// desk and the integrator should do, the HTTP status the reader agent answers with, and — on the error
// itself — the last status word for the integrator.
import { CodedError, defineCatalogue, type CodedErrorOptions, type SymbolOf } from '../base/errors.ts';
import { swHex } from '../card/status-words.ts';

/** §8.6 family 101–113 (deployed DLLs) and 120–127 (RHC device codes — design choice, not in public sources). */
export const readerErrors = defineCatalogue(
  'reader',
  [100, 129],
  [
    [
      '101',
      'BAD_PARAMETER',
      400,
      '输入参数错误',
      'Invalid input parameter',
      '请按提示核对所填的那一项（如姓名长度、日期格式）后重试 / check the item named in the message and retry',
      '`field` names the parameter; values follow card-format.md §8.1 (byte lengths, yyyyMMdd dates, code tables, GB 11643 ID numbers); `detail` carries the card-layer reason (e.g. FIELD_TOO_LONG)',
    ],
    [
      '102',
      'FILE_NOT_FOUND',
      502,
      '卡内文件不存在，可能不是居民健康卡',
      'File not found on the card — is this a health card?',
      '请确认放的是居民健康卡（不是社保卡或银行卡）；确是健康卡仍失败，请持卡人到发卡点检测 / make sure it is a resident health card',
      'the card answered 6A 82 to SELECT: the card profile the reader uses (`--profile`, e.g. national / shaanxi-64k) does not match this card, or the card is not a health card',
    ],
    [
      '103',
      'READ_RECORD_FAILED',
      502,
      '读卡失败（读记录）',
      'Reading the card failed (read record)',
      '请取下卡片重新放好后重试；反复失败请换一台读卡器再试 / place the card again; try another reader if it keeps failing',
      'READ RECORD answered a non-9000 status word (see `sw`): 6A 83 = record number beyond the card (profile with more slots than the card), 69 82 = access condition not met (SAM PIN or card authentication missing)',
    ],
    [
      '104',
      'CARD_ERROR',
      502,
      '健康卡响应异常，请重新放卡',
      'The health card answered abnormally — place it again',
      '请将卡平放在读卡器上、读写完成前不要移动，再试一次；仍失败可能卡片损坏，请持卡人到发卡点检测 / place the card flat and retry; if it keeps failing the card may be damaged',
      'unexpected status word or transport failure from the card (see `sw` and `detail`); check the PC/SC reader and the card ATR; record a transcript of the session for the card vendor',
    ],
    [
      '105',
      'SAM_ERROR',
      502,
      '读卡器安全模块（PSAM）响应异常',
      'The reader security module (SAM) answered abnormally',
      '请重新插拔读卡器后重试；仍失败请联系信息科检查读卡器里的PSAM卡 / reconnect the reader; then call IT to check the SAM',
      'the SAM answered a non-9000 status word (see `sw`) or went away; check that the SAM sits in the SAM slot of the reader and belongs to the card issuer, and that no other program holds the reader',
    ],
    [
      '106',
      'AUTH_FAILED',
      502,
      '卡片认证失败，该卡可能不是本地区发行的健康卡',
      'Card authentication failed — the card may belong to another issuer',
      '请核对该卡的发卡地区；本地卡反复认证失败，请持卡人到发卡点检测 / check where the card was issued; a local card that keeps failing goes to an issuing point',
      'external/internal authentication failed (63 Cx): the SAM key set does not belong to the issuer of this card (application city code in DDF1/EF05), or a test SAM meets a production card',
    ],
    [
      '107',
      'READ_BINARY_FAILED',
      502,
      '读卡失败（读二进制文件）',
      'Reading the card failed (read binary)',
      '请取下卡片重新放好后重试；反复失败请换一台读卡器再试 / place the card again; try another reader if it keeps failing',
      'READ BINARY answered a non-9000 status word (see `sw`): 6B 00 / 6C xx = offset or length beyond the file (profile mismatch), 69 82 = access condition not met',
    ],
    [
      '108',
      'WRITE_RECORD_FAILED',
      502,
      '写卡失败（写记录）',
      'Writing the card failed (write record)',
      '写卡没有完成：请不要移动卡片，重新放卡后先读出核对，再决定是否重写 / the write did not complete: read the card back before writing again',
      'UPDATE/APPEND RECORD answered a non-9000 status word (see `sw`): 69 82 = write key not authenticated (SAM), 6A 84 = no space; read the record back before retrying so a visit is not written twice',
    ],
    [
      '109',
      'WRITE_BINARY_FAILED',
      502,
      '写卡失败（写二进制文件）',
      'Writing the card failed (write binary)',
      '写卡没有完成：请不要移动卡片，重新放卡后先读出核对，再决定是否重写 / the write did not complete: read the card back before writing again',
      'UPDATE BINARY answered a non-9000 status word (see `sw`): 69 82 = write key not authenticated (SAM), 6B 00 = offset beyond the file; read back before retrying',
    ],
    [
      '110',
      'INDEX_WRITE_FAILED',
      502,
      '写就诊索引失败',
      'Writing the visit index failed',
      '就诊记录可能已写入但未登记：请重新放卡，读出就诊记录列表核对后再处理 / the visit may be written but not indexed: read the visit list back',
      'the slot index update failed after the record (see `sw`); read the slot list (`GET /card/{kind}`) and rewrite the index before the next write, otherwise the slot may be reused',
    ],
    [
      '111',
      'INDEX_ERASE_FAILED',
      502,
      '擦除就诊索引失败',
      'Erasing the visit index failed',
      '该条记录未能删除，请重新放卡后再试一次 / the record was not erased: place the card again and retry',
      'erasing the slot index failed (see `sw`); the slot still counts as used — read the slot list and retry the erase',
    ],
    [
      '112',
      'RECORD_UNAVAILABLE',
      404,
      '该条就诊记录不存在（未使用）',
      'This visit record is empty (unused slot)',
      '该位置没有就诊记录，属正常情况，无需处理 / no visit in this slot: nothing to do',
      'the slot is unused (index FF); list the used slots first (`iReader_GetLastEEIndex` / `GET /card/{kind}`) instead of probing slot numbers',
    ],
    [
      '113',
      'PHOTO_INVALID',
      502,
      '照片文件数据异常',
      'Photo data on the card is invalid',
      '卡内照片无法显示，不影响就诊；如需照片请持卡人到发卡点重新写入 / the photo cannot be shown; care goes on, the issuing point can rewrite it',
      'the photo file does not hold a JPEG of the declared length (card-format.md); rewrite it with a baseline JPEG that fits the profile (3070 bytes in the national profile)',
    ],
    [
      '120',
      'NO_READER',
      503,
      '未找到读卡器，请检查读卡器连接',
      'No card reader found — check the reader cable',
      '请检查读卡器USB线是否插好、指示灯是否亮，插好后重试；仍不行请联系信息科 / check the reader cable and light, then retry',
      'no PC/SC reader is visible: is pcscd (Linux) / the Smart Card service (Windows) running, does `--reader` name an attached reader? the agent opens the reader again on the next call',
    ],
    [
      '121',
      'NO_CARD',
      409,
      '请将居民健康卡放到读卡器上',
      'Place the health card on the reader',
      '请将居民健康卡平放在读卡器感应区，再点重试 / put the health card flat on the reader and retry',
      'no card in the field; wait for the `card-inserted` event (WebSocket `/events`) instead of polling',
    ],
    [
      '122',
      'CARD_REMOVED',
      409,
      '操作过程中卡片被移开，请重新放卡后重试',
      'The card was removed during the operation — place it again and retry',
      '读写完成前请不要移动卡片；重新放卡后重试，写卡的操作请先读出核对 / keep the card still until done; after a write, read it back first',
      'the card left the field mid-operation and the session was dropped; retry the whole operation (a read is safe to repeat; read a write back before repeating it)',
    ],
    [
      '123',
      'SAM_PIN_WRONG',
      503,
      '安全模块 PIN 错误',
      'Wrong SAM PIN',
      '请联系信息科核对安全模块PIN，不要反复尝试（多次错误会锁定） / call IT; do not retry — repeated errors block the SAM',
      'the SAM PIN configured for this workstation is wrong (`sw` 63 Cx: x tries left); the agent stops using it until `POST /sam/verify-pin` with the right PIN',
    ],
    [
      '124',
      'SAM_PIN_BLOCKED',
      503,
      '安全模块 PIN 已锁定，请联系卡管理部门',
      'SAM PIN blocked — contact the card administration',
      '本机暂时不能读写健康卡，请联系卡管理部门解锁或更换PSAM卡 / this workstation cannot use cards until the card administration unblocks or replaces the SAM',
      'the SAM answered 69 83 (PIN blocked); only the card administration can unblock or replace it — do not retry',
    ],
    [
      '125',
      'SAM_NOT_READY',
      503,
      '安全模块未就绪（未上电或未校验 PIN）',
      'SAM not ready (not powered or PIN not verified)',
      '请稍等片刻后重试；仍失败请重新插拔读卡器或联系信息科 / wait a moment and retry; then reconnect the reader or call IT',
      'verify the SAM PIN first (iVerifyPIN / `POST /sam/verify-pin`) or the SAM is not powered; free reads (card info in DDF1/EF05) work without it',
    ],
    [
      '126',
      'DEVICE_NOT_OPEN',
      502,
      '读卡器未打开',
      'Reader not opened',
      '请关闭并重新打开读卡程序后重试 / close and reopen the card program, then retry',
      'call iDOpenPort / `reader.open()` before any card call; after `close()` the reader must be opened again',
    ],
    [
      '127',
      'CARD_LOCKED',
      409,
      '该卡已锁定或该项不允许修改',
      'The card or this item is locked against changes',
      '该项信息发卡后不能在此修改，如需更正请持卡人到发卡点办理 / this item cannot be changed here after issuance: the holder goes to an issuing point',
      'the card answered 69 85: holder data is locked after issuance (LockPersonalInfo) or this terminal’s keys may not write the item',
    ],
  ],
);

export type ReaderErrorSymbol = SymbolOf<typeof readerErrors>;

/** The reader entries by symbol (`READER_ERRORS.NO_CARD.zh`). */
export const READER_ERRORS = Object.fromEntries(readerErrors.entries.map((e) => [e.symbol, e])) as Record<
  ReaderErrorSymbol,
  (typeof readerErrors.entries)[number]
>;

/** The catalogue as the agent's `/errors` serves it: numeric codes, as on the wire. */
export interface ReaderErrorInfo {
  readonly code: number;
  readonly symbol: string;
  readonly zh: string;
  readonly en: string;
  readonly http: number;
  readonly staff: string;
  readonly integrator: string;
}

export class ReaderError extends CodedError {
  /** Status word of the APDU that failed, when a card or SAM answered. */
  readonly sw?: number;

  constructor(symbol: ReaderErrorSymbol, opts: CodedErrorOptions & { sw?: number } = {}) {
    super(readerErrors.entry(symbol), opts, opts.sw !== undefined ? [`SW ${swHex(opts.sw)}`] : []);
    this.name = 'ReaderError';
    this.sw = opts.sw;
  }

  /** The §8.6 codes are numbers on the wire (agent JSON, DLL return values). */
  override get code(): number {
    return Number(this.entry.code);
  }

  override get symbol(): ReaderErrorSymbol {
    return this.entry.symbol as ReaderErrorSymbol;
  }

  get zh(): string {
    return this.entry.zh;
  }

  get en(): string {
    return this.entry.en;
  }

  override toJSON(): Record<string, unknown> {
    const { field, detail, ...rest } = super.toJSON();
    return {
      ...rest,
      ...(this.sw !== undefined ? { sw: swHex(this.sw) } : {}),
      ...(field ? { field } : {}),
      ...(detail ? { detail } : {}),
    };
  }
}

export function isReaderError(e: unknown, symbol?: ReaderErrorSymbol): e is ReaderError {
  return e instanceof ReaderError && (symbol === undefined || e.symbol === symbol);
}

export function readerErrorCatalogue(): ReaderErrorInfo[] {
  return readerErrors.entries.map(({ code, symbol, zh, en, http, staff, integrator }) => ({
    code: Number(code),
    symbol,
    zh,
    en,
    http,
    staff,
    integrator,
  }));
}
