// The ONE catalogue of platform result codes (platform-interfaces.md §3.2) in the shape every layer shares
// (src/base/errors.ts). REST problem responses, SOAP faults and both envelope bindings carry these codes;
// docs/errors.md is generated from all catalogues (`npm run docs:errors`, checked by test/errors-doc.test.ts).
import {
  CodedError,
  defineCatalogue,
  type CodedErrorOptions,
  type ErrorEntry,
  type SymbolOf,
} from '../base/errors.ts';
import { codesErrors } from '../codes/errors.ts';

export type { ErrorEntry } from '../base/errors.ts';

/** Platform 1000–9999 plus the success code 0000 (design choice, docs/architecture.md). */
export const platformErrors = defineCatalogue(
  'platform',
  [1000, 9999],
  [
    ['0000', 'SUCCESS', 200, '成功', 'success', '无需处理 / nothing to do', 'none'],
    [
      '1001',
      'FIELD_MISSING',
      400,
      '必填字段缺失',
      'required field missing',
      '请补全信息后重试 / complete the form and retry',
      'send every required field; `field` names the missing one',
    ],
    [
      '1002',
      'FIELD_FORMAT',
      400,
      '字段含非法字符或格式错误',
      'field contains forbidden characters or wrong format',
      '请核对输入内容 / check the input',
      'fix the value named in `field` (type, length, pattern, code table)',
    ],
    [
      '1003',
      'UNKNOWN_BUSINESS_CODE',
      400,
      '未知的业务代码',
      'unknown business code',
      '请联系信息科 / call IT',
      'use one of RHC_C0001 … RHC_C0010',
    ],
    [
      '1004',
      'INSTITUTION_NOT_REGISTERED',
      403,
      '机构或终端未注册或已停用',
      'institution or terminal not registered / disabled',
      '请联系卡管中心开通 / ask the card centre to enable the institution',
      'register the institution (`rhc institution add`) or re-enable it',
    ],
    [
      '1005',
      'AUTH_FAILED',
      401,
      '身份认证失败',
      'authentication failed (credentials)',
      '请联系信息科 / call IT',
      'check userName and pwdDigest = SM3(SM3(password) ‖ msgCreateTime); msgCreateTime must be newer than the last accepted one',
    ],
    [
      '1006',
      'TOKEN_INVALID',
      401,
      '令牌缺失或已过期',
      'token missing or expired',
      '请稍后重试 / retry shortly',
      'call RHC_C0001 again and send the new token as `Authorization: Bearer …`',
    ],
    [
      '1007',
      'DIGEST_MISMATCH',
      401,
      '摘要校验失败',
      'digest mismatch',
      '请联系信息科 / call IT',
      'recompute the SM3 digest over the sorted fields and `&app_secret=`',
    ],
    [
      '1008',
      'DECRYPT_FAILED',
      400,
      '解密失败',
      'decryption failed',
      '请联系信息科 / call IT',
      'encrypt biz_content with SM4-ECB/PKCS#7 under the institution secret, then Base64',
    ],
    [
      '1009',
      'TIMESTAMP_WINDOW',
      401,
      '时间戳超出允许范围',
      'timestamp outside the allowed window',
      '请校准终端时间 / correct the terminal clock',
      'send the current time (yyyyMMddHHmmss, ±300 s)',
    ],
    [
      '1010',
      'MESSAGE_PARSE',
      400,
      '报文解析错误',
      'message parse error',
      '请联系信息科 / call IT',
      'send well-formed JSON or XML without DTDs, within the size limit',
    ],
    [
      '1011',
      'NOT_PERMITTED',
      403,
      '本机构或本用户无权调用该接口或操作该数据',
      'interface not permitted for this institution or user',
      '请联系卡管中心或本机构管理员 / ask the card centre or your institution admin',
      'the institution role, the user role (`rhc institution user list`) or the region does not allow this call',
    ],
    [
      '1012',
      'SERIAL_CONFLICT',
      409,
      '流水号重复且内容不同',
      'duplicate serialNo with different content',
      '请联系信息科 / call IT',
      'use a new serialNo for a new request; resend identical content to retry',
    ],
    [
      '1013',
      'AUTH_THROTTLED',
      429,
      '登录失败次数过多，请稍后再试',
      'too many failed sign-ins: locked for a while',
      '请核对用户名和密码，稍后再试；多次锁定请联系本机构管理员 / check the user name and password and retry later; ask your admin if it keeps locking',
      'wait the seconds in `Retry-After` (REST header; also in `detail`): failures per user and per source address back off exponentially (docs/credentials.md)',
    ],
    [
      '1020',
      'READ_QUOTA_EXCEEDED',
      429,
      '查询过于频繁，已超出个人信息查询限额',
      'too many reads of personal data: quota exceeded',
      '请稍后再试；如业务量确实超出，请联系卡管中心调整限额 / retry later; if your workload really needs more, ask the card centre to raise the quota',
      'wait the seconds in `Retry-After`; quotas are per user and per institution per window (RHC_READ_QUOTA_*, docs/platform.md)',
    ],
    [
      '2001',
      'ID_CHECK_DIGIT',
      400,
      '身份证号校验位错误',
      'ID number check digit invalid (GB 11643)',
      '请核对身份证号 / check the ID number',
      'validate GB 11643 before sending',
    ],
    [
      '2002',
      'ID_LOWERCASE_X',
      400,
      '身份证号末位应为大写X',
      'ID number letter must be upper-case X',
      '末位请输入大写X / type an upper-case X',
      'upper-case the check character',
    ],
    [
      '2003',
      'NAME_MISMATCH',
      409,
      '姓名与居民档案不符',
      'name does not match the resident register',
      '请核对姓名 / check the name',
      'send the registered name (UTF-8, no spaces)',
    ],
    [
      '2004',
      'RESIDENT_NOT_FOUND',
      404,
      '居民不存在',
      'resident not found',
      '请先建档 / register the resident first',
      'check idType/idNo or mainIndex',
    ],
    [
      '2005',
      'ID_INCONSISTENT',
      400,
      '性别或出生日期与身份证号不符',
      'sex or birth date inconsistent with the ID number',
      '请核对性别和出生日期 / check sex and birth date',
      'derive sex and birth date from the ID number',
    ],
    [
      '2006',
      'ID_LENGTH',
      400,
      '身份证号位数错误（应为18位；15位旧号码请换用18位号码）',
      'ID number length wrong: 18 characters required (a 15-digit number must be sent as its 18-digit form)',
      '请核对位数；15位旧号码请换用18位号码（rhc id check 可换算） / check the length; for an old 15-digit number use its 18-digit number (rhc id check shows it)',
      'send the 18-character GB 11643 number; convert a 15-digit number with upgradeIdNumber15 (insert 19, append the check character)',
    ],
    [
      '3001',
      'CARD_NOT_FOUND',
      404,
      '卡不存在',
      'card not found',
      '该卡未在平台登记，请到发卡点核实 / card unknown: send the holder to an issuing point',
      'check cardNo and chipSerial (read DDF1/EF05)',
    ],
    [
      '3002',
      'CHIP_MISMATCH',
      409,
      '芯片序列号与卡号不符',
      'chip serial does not match the card number',
      '疑似伪卡或旧卡，请勿受理 / possibly a forged or old card: refuse',
      'send the chip serial read from DDF1/EF05',
    ],
    [
      '3003',
      'SECURITY_CODE_MISMATCH',
      409,
      '安全码不符',
      'security code mismatch',
      '请勿受理 / refuse the card',
      'send the security code read from DDF1/EF05',
    ],
    [
      '3004',
      'CARD_LOST',
      409,
      '卡已挂失',
      'card reported lost (挂失)',
      '请持卡人到发卡点解挂或补卡 / holder must unblock or reissue at an issuing point',
      'refuse the card; do not write to it',
    ],
    [
      '3005',
      'CARD_FROZEN',
      409,
      '卡已冻结',
      'card frozen (冻结)',
      '请持卡人到发卡点办理解冻 / holder must have it unfrozen',
      'refuse the card',
    ],
    [
      '3006',
      'CARD_CANCELLED',
      409,
      '卡已注销',
      'card cancelled (注销)',
      '该卡已注销，请勿受理 / cancelled card: refuse',
      'refuse the card; it is on the blacklist',
    ],
    [
      '3007',
      'CARD_EXPIRED',
      409,
      '卡已失效',
      'card expired (失效)',
      '请持卡人换卡 / holder must replace the card',
      'refuse the card',
    ],
    [
      '3008',
      'CARD_NOT_ACTIVE',
      409,
      '卡未激活',
      'card not yet activated',
      '请持卡人到发卡点激活 / holder must activate the card',
      'activate through RHC_C0005 (newStatus 30) first',
    ],
    [
      '3009',
      'TRANSITION_NOT_ALLOWED',
      409,
      '当前状态不允许该操作',
      'status change not allowed from the current status',
      '请刷新卡状态后重试 / refresh the card status',
      'see the transition table (platform-interfaces.md §5.2); oldStatus must equal the current status',
    ],
    [
      '3010',
      'CARD_DUPLICATE',
      409,
      '卡已登记（重复发卡）',
      'card already registered (duplicate issuance)',
      '该卡已发放 / card already issued',
      'do not resend with a new serialNo',
    ],
    [
      '3011',
      'HOLDER_HAS_ACTIVE_CARD',
      409,
      '持卡人已有有效卡（请办理补卡或换卡）',
      'holder already has an active card (use 补/换)',
      '请办理补卡或换卡 / use reissue or replacement',
      'call RHC_C0006 instead of RHC_C0004',
    ],
    [
      '4001',
      'LIST_VERSION_UNKNOWN',
      200,
      '名单版本未知，已返回全量名单',
      'list version unknown (full list returned instead)',
      '无需处理 / nothing to do',
      'replace the local list with the full list returned',
    ],
    [
      '4002',
      'FILE_DIGEST',
      400,
      '文件摘要或记录数错误',
      'file rejected: digest or record count wrong',
      '请联系信息科 / call IT',
      'recompute the trailer',
    ],
    [
      '4003',
      'FILE_RECORD',
      400,
      '文件记录错误',
      'file rejected: record error (line number in desc)',
      '请联系信息科 / call IT',
      'fix the line named in desc',
    ],
    [
      '9001',
      'INTERNAL',
      500,
      '系统内部错误',
      'internal error (logged with msgGuid)',
      '请稍后重试，仍失败请联系卡管中心 / retry later, then call the card centre',
      'report the request id; the server log has the cause',
    ],
    [
      '9002',
      'UPSTREAM_UNAVAILABLE',
      503,
      '上级平台不可用',
      'upstream (provincial) platform unavailable',
      '请稍后重试 / retry later',
      'retry with back-off; writes are idempotent by serialNo',
    ],
    [
      '9003',
      'AUDIT_KEY_INVALID',
      500,
      '审计密钥无效',
      'audit key invalid: RHC_AUDIT_KEY or the key file is not 64 hex digits, or the file is readable by others',
      '请联系系统管理员 / call the platform administrator',
      'set RHC_AUDIT_KEY to 64 hex digits or keep audit.key (0600) beside the database (docs/audit.md)',
    ],
    [
      '9004',
      'AUDIT_KEY_MISSING',
      500,
      '缺少审计密钥，无法校验审计链',
      'audit key missing: the keyed audit chain cannot be verified',
      '请联系系统管理员 / call the platform administrator',
      'run with the RHC_AUDIT_KEY or audit.key the platform writes with (docs/audit.md)',
    ],
    [
      '9005',
      'AUDIT_CHECKPOINT_FORMAT',
      400,
      '审计检查点或公钥文件格式错误',
      'audit checkpoint or public key file malformed',
      '请联系系统管理员 / call the platform administrator',
      'pass a file written by `rhc audit checkpoint` / `rhc audit public-key` (docs/audit.md)',
    ],
    [
      '9006',
      'AUDIT_CHECKPOINT_SIGNATURE',
      400,
      '审计检查点签名无效',
      'audit checkpoint signature does not verify with the public key',
      '请联系系统管理员 / call the platform administrator',
      'the checkpoint was altered or signed by another key: check the public key file (docs/audit.md)',
    ],
    [
      '9007',
      'AUDIT_FILTER_INVALID',
      400,
      '审计查询条件错误',
      'audit list filter invalid',
      '请核对查询条件 / check the filter',
      'times are ISO 8601 or yyyyMMdd[HHmmss] (China time); --limit 1–1000; --page ≥ 1',
    ],
  ],
);

export const ERROR_CATALOGUE: readonly ErrorEntry[] = platformErrors.entries;

/**
 * Every code the platform's bindings can answer with: its own and the code-table ones of `GET
 * /api/v1/codes/{table}`. The OpenAPI document publishes exactly these (`x-rhc-result-codes`).
 */
export const PUBLISHED_ERRORS: readonly ErrorEntry[] = [...platformErrors.entries, ...codesErrors.entries];

const publishedLayers = new Set(PUBLISHED_ERRORS.map((e) => e.layer));

/** A coded error whose code the platform publishes (others are internal failures: 9001). */
export function isPublished(entry: ErrorEntry): boolean {
  return publishedLayers.has(entry.layer);
}

export type ErrorName = SymbolOf<typeof platformErrors>;

export function errorEntry(name: ErrorName): ErrorEntry {
  return platformErrors.entry(name);
}

export function errorByCode(code: string): ErrorEntry | undefined {
  return platformErrors.byCode(code);
}

/** A refusal with a platform code; `field` names the offending input field when there is one. */
export class RhcError extends CodedError {
  /** Seconds until a retry may succeed (1013): the REST binding sends it as `Retry-After`. */
  readonly retryAfterSeconds: number | undefined;

  constructor(name: ErrorName, opts: CodedErrorOptions & { retryAfterSeconds?: number } = {}) {
    super(errorEntry(name), opts);
    this.name = 'RhcError';
    this.retryAfterSeconds = opts.retryAfterSeconds;
    // The platform's message format predates the shared one; logs and clients match it.
    this.message = `${this.entry.code} ${this.entry.symbol}${opts.field ? ` [${opts.field}]` : ''}: ${opts.detail ?? this.entry.en}`;
  }

  override get code(): string {
    return this.entry.code;
  }

  override get symbol(): ErrorName {
    return this.entry.symbol as ErrorName;
  }
}
